//! `application-intake`: accepts applications signed with EDS, keeps the
//! citizen's applications and their history (the intake part of the
//! personal account), and hands each application to eligibility-verification.
//!
//! A library first: its binary, the all-in-one launcher and the tests all
//! build the service through [`Application::build`] (or
//! [`Application::build_with_listener`]) from [`Settings`].
//!
//! ```text
//! gRPC ─▶ service (caller from metadata) ─▶ intake core
//!            submission: signature ─▶ form ─▶ calendar ─▶ one transaction
//!            account: reads, checked against the caller, access-logged
//!            lifecycle: withdrawal, events reported by eligibility
//!                          │
//!                          ▼
//!                      storage ◀── dispatcher (outbox) ─▶ eligibility-verification
//! signature ─▶ certification centre (root at start-up, status per submission)
//! ```
//!
//! docs/application-intake.md describes the behaviour and the choices made.

pub mod clock;
mod dispatcher;
pub mod form;
pub mod fuzzing;
mod intake;
pub mod model;
mod peers;
mod service;
pub mod settings;
mod signature;
mod startup;
pub mod storage;
mod wire;

pub use settings::Settings;
pub use startup::Application;

/// The service's name in logs, traces and as a calling system.
pub const SERVICE: &str = "application-intake";

/// Where the service listens unless configured otherwise.
pub const DEFAULT_LISTEN_ADDRESS: &str = "127.0.0.1:50051";
