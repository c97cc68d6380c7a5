//! `eligibility-verification`: checks an application and the applicant's
//! family against the state registers, decides by the Rules
//! (`housing-domain`), keeps the register and runs the hearing of §17 before
//! any denial (docs/registration-flow.md, steps 3–7).
//!
//! A library first: its binary, the all-in-one launcher and the tests all
//! build the service through [`Application::build`] from [`Settings`].
//!
//! ```text
//! gRPC ─▶ service (caller, access) ─▶ adapter (proto ⇄ domain) ─▶ engine
//!                                                                  │  ▲
//!   evaluation worker ── claims due cases ─────────────────────────┘  │
//!   lapse worker ─────── finalises lapsed hearings ───────────────────┘
//! engine ─▶ registry (QueryRegisters, 2 round trips) ─▶ housing_domain::evaluate
//!        ─▶ storage (one transaction: decision + state + outbox)
//! dispatcher ─▶ intake (RecordApplicationEvent), notification (SendNotification)
//! ```
//!
//! docs/eligibility-verification.md describes the behaviour and the choices made.

pub mod adapter;
pub mod clock;
pub mod dispatcher;
pub mod engine;
pub mod model;
pub mod names;
pub mod registry;
pub mod service;
pub mod settings;
mod startup;
pub mod storage;
pub mod workers;

pub use settings::Settings;
pub use startup::Application;

/// The service's name in logs and traces, and the system name it calls others as.
pub const SERVICE: &str = "eligibility-verification";

/// Where the service listens unless configured otherwise.
pub const DEFAULT_LISTEN_ADDRESS: &str = "127.0.0.1:50052";
