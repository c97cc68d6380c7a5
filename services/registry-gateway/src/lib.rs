//! `registry-gateway`: stands in for the e-government gateway and the state
//! registers behind it (docs/spec/registries.md), and for the national
//! certification centre's test PKI.
//!
//! A library first: its binary, the all-in-one launcher and the tests all
//! build the service through [`Application::build`] from [`Settings`].
//!
//! ```text
//! gRPC ─▶ gateway (X-Road identification, fault injection, "as of")
//!           │            │
//!           ▼            ▼
//!       storage ◀── query_log (hash-chained, one writer)
//!           ▲
//! admin ────┘ (persons, experts, faults, log reading and verification)
//! fixture / generator ─▶ storage (documented JSON, bulk loading)
//! ```
//!
//! docs/registry-gateway.md describes the behaviour and the choices made;
//! docs/registry-fixtures.md the fixture format.

pub mod admin;
mod as_of;
pub mod cli;
mod dates;
pub mod faults;
pub mod fixture;
pub mod gateway;
pub mod generator;
pub mod pki;
pub mod query_log;
pub mod settings;
mod startup;
pub mod storage;
mod validation;

pub use settings::Settings;
pub use startup::Application;

/// The service's name in logs and traces.
pub const SERVICE: &str = "registry-gateway";

/// Where the service listens unless configured otherwise.
pub const DEFAULT_LISTEN_ADDRESS: &str = "127.0.0.1:50053";
