//! `notification`: notifies citizens in the personal account, by text message
//! and by e-mail (§16 `DECISION_NOTICE`, §17 `HEARING`, Chapter 3 complaints).
//!
//! A library first: its binary, the all-in-one launcher and the tests all
//! build the service through [`Application::build`] from [`Settings`].
//!
//! ```text
//! SendNotification ─▶ api ─▶ templates (render kk + ru)
//!                      │  ─▶ mobile_citizens (registry-gateway) ─▶ channels
//!                      ▼
//!                   storage: notice + deliveries, one transaction, unique request_id
//!                      │ wake
//!                      ▼
//!                   delivery worker ─▶ providers (SmsProvider / EmailProvider)
//!                      ▲                  └─ built-in: outbox table (ListOutboxMessages)
//!                   sweeper (stuck SENDING → TECHNICAL_FAILURE)
//! ```
//!
//! docs/notification.md describes the behaviour and the choices made.

mod api;
pub mod channels;
pub mod clock;
pub mod contact;
pub mod delivery;
pub mod mobile_citizens;
pub mod notice;
pub mod providers;
pub mod settings;
mod startup;
pub mod storage;
pub mod templates;

pub use providers::{FailureScript, ProviderSetup, ScriptedFailure};
pub use settings::Settings;
pub use startup::Application;

/// The service's name in logs and traces, and its `x-client-system` at registry-gateway.
pub const SERVICE: &str = "notification";

/// Where the service listens unless configured otherwise.
pub const DEFAULT_LISTEN_ADDRESS: &str = "127.0.0.1:50054";
