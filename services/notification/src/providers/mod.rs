//! Provider adapters: where a real text-message or e-mail operator plugs in.
//!
//! The delivery worker hands each message to an [`SmsProvider`] or an
//! [`EmailProvider`] and maps the answer onto the delivery's lifecycle:
//! accepted → DELIVERED, [`ProviderFailure::Temporary`] → TEMPORARY_FAILURE,
//! [`ProviderFailure::Technical`] (and no answer within the provider timeout)
//! → TECHNICAL_FAILURE, [`ProviderFailure::Permanent`] → PERMANENT_FAILURE.
//!
//! Every message carries a `message_key` that stays the same across the
//! attempts of one delivery. An adapter should pass it to its operator as the
//! client reference so that a resend after a crash (accepted, but not yet
//! recorded) is not delivered twice; the built-in [`outbox`] adapter does so
//! with a unique key.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use crate::contact::ContactAddress;
use crate::notice::NotificationId;

pub mod outbox;

pub use outbox::{BuiltInOutbox, FailureScript, ScriptedFailure};

/// A text message to send.
#[derive(Debug, Clone)]
pub struct TextMessage {
    /// Stable across the attempts of one delivery.
    pub message_key: String,
    /// The notice it belongs to.
    pub notification: NotificationId,
    /// The number linked to the portal account.
    pub number: ContactAddress,
    /// The text, Kazakh then Russian.
    pub body: String,
}

/// An e-mail to send.
#[derive(Debug, Clone)]
pub struct EmailMessage {
    /// Stable across the attempts of one delivery.
    pub message_key: String,
    /// The notice it belongs to.
    pub notification: NotificationId,
    /// The address given on the form.
    pub address: ContactAddress,
    /// Subject, Kazakh / Russian.
    pub subject: String,
    /// Body, Kazakh then Russian.
    pub body: String,
}

/// The provider took the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderAcceptance {
    /// The provider's reference for it.
    pub reference: String,
}

/// The provider did not take the message. The reason is for operators: it
/// goes into the delivery's `failure_reason` and must not hold personal data.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProviderFailure {
    /// Refused for good (no such number, address rejected): not retried.
    #[error("{0}")]
    Permanent(String),
    /// Could not deliver for now (phone off, mailbox full): retried with backoff.
    #[error("{0}")]
    Temporary(String),
    /// The provider or the way to it failed: retried with backoff.
    #[error("{0}")]
    Technical(String),
}

/// What an adapter answers.
pub type ProviderResult = Result<ProviderAcceptance, ProviderFailure>;

/// An adapter's answer, boxed so that adapters can be chosen at run time.
pub type ProviderFuture<'a> = Pin<Box<dyn Future<Output = ProviderResult> + Send + 'a>>;

/// Sends text messages.
pub trait SmsProvider: Send + Sync + fmt::Debug {
    /// Hands one text message to the operator.
    fn send_text_message<'a>(&'a self, message: &'a TextMessage) -> ProviderFuture<'a>;
}

/// Sends e-mails.
pub trait EmailProvider: Send + Sync + fmt::Debug {
    /// Hands one e-mail to the operator.
    fn send_email<'a>(&'a self, message: &'a EmailMessage) -> ProviderFuture<'a>;
}

/// The adapters the service runs with.
#[derive(Debug, Clone)]
pub enum ProviderSetup {
    /// The built-in adapters: every message goes to the outbox table, readable
    /// with `ListOutboxMessages`, after the failures scripted (none by default).
    BuiltIn(FailureScript),
    /// Real operators' adapters.
    External {
        /// Text messages.
        sms: Arc<dyn SmsProvider>,
        /// E-mails.
        email: Arc<dyn EmailProvider>,
    },
}

impl ProviderSetup {
    /// The built-in outbox adapters, never failing.
    pub fn built_in() -> Self {
        ProviderSetup::BuiltIn(FailureScript::default())
    }
}

impl Default for ProviderSetup {
    fn default() -> Self {
        Self::built_in()
    }
}
