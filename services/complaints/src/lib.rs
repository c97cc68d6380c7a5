//! `complaints`: complaints against decisions, actions and inaction of the
//! provider and its staff (Chapter 3 of the Rules; rules.md §4).
//!
//! A library first: its binary, the all-in-one launcher and the tests all
//! build the service through [`Application::build`] (or
//! [`Application::build_with_listener`]) from [`Settings`].
//!
//! ```text
//! gRPC ─▶ service (caller from metadata) ─▶ core
//!            FileComplaint: signature ─▶ form ─▶ intake (the application, its parties)
//!                           ─▶ eligibility (the decision) ─▶ calendar (terms) ─▶ one transaction
//!            Forward: the administrative case from intake, eligibility, notification, stored
//!            Decide: who may, what remedy applies ─▶ one transaction
//!                          │
//!                          ▼
//!                      storage ◀── dispatcher (outbox) ─▶ notification (every step)
//!                                                     └─▶ eligibility (the remedy: a new decision)
//! ```
//!
//! docs/complaints.md describes the behaviour and the choices made.

mod core;
mod dispatcher;
pub mod form;
pub mod fuzzing;
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
pub const SERVICE: &str = "complaints";

/// Where the service listens unless configured otherwise.
pub const DEFAULT_LISTEN_ADDRESS: &str = "127.0.0.1:50055";
