//! The append-only, hash-chained query log (after X-Road's message log).
//!
//! Every query to the gateway and its answer, refused ones included, becomes
//! one [`Entry`]: who asked (calling system, on whose behalf, for which case),
//! which method and registers, SHA-256 digests of the request and the answer
//! (never the personal data itself), and the outcome. Entries are chained by
//! hash ([`chain`]), so a changed, removed or reordered entry is detected by
//! [`verify`].
//!
//! Appends are serialised through one writer task ([`QueryLog`]): handlers
//! send their draft over a channel and wait until it is durable; the writer
//! drains whatever has queued up meanwhile and writes it as one multi-row
//! insert. Under load the batches grow, so the log costs one database write
//! per batch, not per query, while the chain stays strictly sequential.

mod chain;
mod verify;
mod writer;

pub use chain::{ChainHash, ChainHead, Draft, Entry, canonical_encoding, entry_hash, sha256_hex};
pub use verify::{Verification, verify};
pub use writer::{QueryLog, QueryLogError, WriterTask};
