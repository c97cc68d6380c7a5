//! Delivering text messages and e-mails: the worker, its attempts, the sweeper.
//!
//! ```text
//!             claim (attempt counted)          adapter accepts
//! CREATED ───────────────────────▶ SENDING ─────────────────▶ DELIVERED
//! TEMPORARY_FAILURE ─────────────▶    │  adapter: temporary ─▶ TEMPORARY_FAILURE ┐ retried after
//! TECHNICAL_FAILURE ─────────────▶    │  adapter: technical,  ▶ TECHNICAL_FAILURE ┘ the backoff
//!        ▲                            │  timeout, gateway fault
//!        └──── sweeper: stuck ────────┤  adapter: permanent,  ▶ PERMANENT_FAILURE
//!                                     │  ceiling reached, no linked number
//! ```
//!
//! The personal account is never claimed: it is DELIVERED when the notice is
//! stored. A text message whose number the gateway could not give at send
//! time is looked up again at each attempt.

mod attempt;
mod backoff;
mod compose;
mod worker;

pub use backoff::{AfterFailure, RetryPolicy};
pub use compose::{email_body, email_subject, message_key, text_message_body};
pub use worker::{DeliveryContext, DeliveryWorker};
