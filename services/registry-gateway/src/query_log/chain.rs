//! The query log's entries and their hash chain.
//!
//! `entry_hash = SHA-256(previous_hash ‖ canonical(entry))`, where
//! `previous_hash` is the previous entry's 32-byte hash (32 zero bytes for the
//! first entry) and `canonical(entry)` is, in this order:
//!
//! ```text
//! sequence           8 bytes, big-endian signed
//! query_time_micros  8 bytes, big-endian signed (microseconds since the Unix epoch)
//! client_system      ┐
//! on_behalf_of       │ each: 4-byte big-endian length, then the UTF-8 bytes
//! case_id            │
//! method             │
//! request_sha256     │ (lower-case hex)
//! response_sha256    │ (lower-case hex, empty when refused or failed)
//! outcome            ┘
//! registers          4-byte big-endian count, then each number as 4 bytes big-endian
//! ```
//!
//! Length prefixes make the encoding unambiguous: no two different entries
//! encode to the same bytes, so no field can be shifted into another.

use sha2::{Digest, Sha256};

/// A SHA-256 digest in the chain.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct ChainHash([u8; 32]);

impl ChainHash {
    /// The "previous hash" of the first entry: 32 zero bytes.
    pub const GENESIS: ChainHash = ChainHash([0; 32]);

    /// Lower-case hex, as stored and as the contract shows it.
    pub fn to_hex(self) -> String {
        hex::encode(self.0)
    }

    /// Parses 64 hex digits; `None` for anything else.
    pub fn from_hex(text: &str) -> Option<Self> {
        let mut bytes = [0_u8; 32];
        hex::decode_to_slice(text, &mut bytes).ok()?;
        Some(Self(bytes))
    }
}

impl std::fmt::Debug for ChainHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ChainHash({})", self.to_hex())
    }
}

/// What a handler knows of a query and its answer: everything but the log position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    /// When the query arrived, in microseconds since the epoch.
    pub query_time_micros: i64,
    /// The calling system (`x-client-system`), empty when missing.
    pub client_system: String,
    /// On whose behalf (`x-on-behalf-of`), empty when missing.
    pub on_behalf_of: String,
    /// The case (`x-case-id`), empty when missing.
    pub case_id: String,
    /// The full gRPC method name.
    pub method: String,
    /// Lower-case hex SHA-256 of the encoded request.
    pub request_sha256: String,
    /// Lower-case hex SHA-256 of the encoded answer; empty when refused or failed.
    pub response_sha256: String,
    /// `OK`, `REFUSED`, or the reason of the failure.
    pub outcome: String,
    /// The registers touched (housing.common.v1.Register numbers).
    pub registers: Vec<i32>,
}

/// An entry as the log holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Position in the log, from 1.
    pub sequence: i64,
    /// The query and its answer.
    pub draft: Draft,
    /// The previous entry's hash, lower-case hex.
    pub previous_hash: String,
    /// This entry's hash, lower-case hex.
    pub entry_hash: String,
}

/// The last entry written: where the next one chains on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChainHead {
    /// Its sequence; 0 for an empty log.
    pub sequence: i64,
    /// Its hash; [`ChainHash::GENESIS`] for an empty log.
    pub hash: ChainHash,
}

impl ChainHead {
    /// The head of an empty log.
    pub const EMPTY: ChainHead = ChainHead {
        sequence: 0,
        hash: ChainHash::GENESIS,
    };

    /// Appends `draft` after this head, returning the entry and the new head.
    pub fn append(self, draft: Draft) -> (Entry, ChainHead) {
        let sequence = self.sequence + 1;
        let hash = entry_hash(self.hash, sequence, &draft);
        let entry = Entry {
            sequence,
            draft,
            previous_hash: self.hash.to_hex(),
            entry_hash: hash.to_hex(),
        };
        (entry, ChainHead { sequence, hash })
    }
}

/// The hash of an entry at `sequence` holding `draft`, chained on `previous`.
pub fn entry_hash(previous: ChainHash, sequence: i64, draft: &Draft) -> ChainHash {
    let mut hasher = Sha256::new();
    hasher.update(previous.0);
    hasher.update(canonical_encoding(sequence, draft));
    ChainHash(hasher.finalize().into())
}

/// The canonical encoding of an entry's content (see the module documentation).
pub fn canonical_encoding(sequence: i64, draft: &Draft) -> Vec<u8> {
    let texts = [
        &draft.client_system,
        &draft.on_behalf_of,
        &draft.case_id,
        &draft.method,
        &draft.request_sha256,
        &draft.response_sha256,
        &draft.outcome,
    ];
    let capacity =
        16 + texts.iter().map(|text| 4 + text.len()).sum::<usize>() + 4 + 4 * draft.registers.len();
    let mut bytes = Vec::with_capacity(capacity);
    bytes.extend_from_slice(&sequence.to_be_bytes());
    bytes.extend_from_slice(&draft.query_time_micros.to_be_bytes());
    for text in texts {
        bytes.extend_from_slice(&length_prefix(text.len()));
        bytes.extend_from_slice(text.as_bytes());
    }
    bytes.extend_from_slice(&length_prefix(draft.registers.len()));
    for register in &draft.registers {
        bytes.extend_from_slice(&register.to_be_bytes());
    }
    bytes
}

fn length_prefix(length: usize) -> [u8; 4] {
    // Metadata values and digests are far below 4 GiB; saturate rather than
    // wrap so that an absurd length can never alias a short one.
    u32::try_from(length).unwrap_or(u32::MAX).to_be_bytes()
}

/// Lower-case hex SHA-256 of `bytes`: how requests and answers are logged.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft() -> Draft {
        Draft {
            query_time_micros: 1_776_000_000_000_000,
            client_system: "eligibility-verification".to_owned(),
            on_behalf_of: "operator-7".to_owned(),
            case_id: "applications/1".to_owned(),
            method: "/housing.registry.v1.RegistryGatewayService/GetIdentity".to_owned(),
            request_sha256: sha256_hex(b"request"),
            response_sha256: sha256_hex(b"response"),
            outcome: "OK".to_owned(),
            registers: vec![1],
        }
    }

    #[test]
    fn the_first_entry_chains_on_zeros_and_the_next_on_it() {
        let (first, head) = ChainHead::EMPTY.append(draft());
        assert_eq!(first.sequence, 1);
        assert_eq!(first.previous_hash, "0".repeat(64));
        assert_eq!(
            first.entry_hash,
            entry_hash(ChainHash::GENESIS, 1, &draft()).to_hex()
        );
        let (second, _) = head.append(draft());
        assert_eq!(second.sequence, 2);
        assert_eq!(second.previous_hash, first.entry_hash);
        assert_ne!(second.entry_hash, first.entry_hash);
    }

    #[test]
    fn every_field_changes_the_hash() {
        let original = entry_hash(ChainHash::GENESIS, 1, &draft());
        let changes: [fn(&mut Draft); 9] = [
            |d| d.query_time_micros += 1,
            |d| d.client_system.push('x'),
            |d| d.on_behalf_of.push('x'),
            |d| d.case_id.push('x'),
            |d| d.method.push('x'),
            |d| d.request_sha256 = sha256_hex(b"other"),
            |d| d.response_sha256.clear(),
            |d| d.outcome = "REFUSED".to_owned(),
            |d| d.registers.push(2),
        ];
        for (index, change) in changes.iter().enumerate() {
            let mut changed = draft();
            change(&mut changed);
            assert_ne!(
                entry_hash(ChainHash::GENESIS, 1, &changed),
                original,
                "change {index}"
            );
        }
        assert_ne!(entry_hash(ChainHash::GENESIS, 2, &draft()), original);
        let other_previous = ChainHash::from_hex(&"1".repeat(64)).expect("hex");
        assert_ne!(entry_hash(other_previous, 1, &draft()), original);
    }

    #[test]
    fn moving_bytes_between_fields_changes_the_hash() {
        let mut left = draft();
        left.client_system = "ab".to_owned();
        left.on_behalf_of = "c".to_owned();
        let mut right = draft();
        right.client_system = "a".to_owned();
        right.on_behalf_of = "bc".to_owned();
        assert_ne!(canonical_encoding(1, &left), canonical_encoding(1, &right));
    }

    #[test]
    fn hex_round_trips_and_refuses_garbage() {
        let hash = entry_hash(ChainHash::GENESIS, 1, &draft());
        assert_eq!(ChainHash::from_hex(&hash.to_hex()), Some(hash));
        assert_eq!(ChainHash::from_hex("zz"), None);
        assert_eq!(ChainHash::from_hex(&"0".repeat(63)), None);
    }
}
