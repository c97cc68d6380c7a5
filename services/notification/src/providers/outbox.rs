//! The built-in adapters: what would have been sent goes to the outbox table.
//!
//! Like GOV.UK Notify's test keys, they never reach a real phone or mailbox.
//! A [`FailureScript`] makes them fail the next attempts of a channel in a
//! chosen way, so that the whole delivery lifecycle can be exercised against
//! the service's own component (tests, demonstrations, drills).

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, PoisonError};

use super::{
    EmailMessage, EmailProvider, ProviderAcceptance, ProviderFailure, ProviderFuture,
    ProviderResult, SmsProvider, TextMessage,
};
use crate::clock;
use crate::notice::Channel;
use crate::storage::{NotificationStore, OutboxMessage};

/// How a scripted attempt fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScriptedFailure {
    /// The operator says "not now" (phone off).
    Temporary,
    /// The operator's side fails (HTTP 500, connection refused).
    Technical,
    /// The operator refuses for good (no such subscriber).
    Permanent,
    /// The operator never answers: the worker's provider timeout ends the
    /// attempt, or a crash leaves the delivery SENDING for the sweeper.
    NeverAnswer,
}

/// Failures the built-in adapters play out, per channel, in order. Cloning
/// shares the script, so a test keeps a clone and adds to it while the service runs.
#[derive(Debug, Clone, Default)]
pub struct FailureScript {
    upcoming: Arc<Mutex<HashMap<Channel, VecDeque<ScriptedFailure>>>>,
}

impl FailureScript {
    /// An empty script: every attempt succeeds.
    pub fn new() -> Self {
        Self::default()
    }

    /// Makes the next `attempts` attempts on `channel` fail with `failure`,
    /// after any failures scripted before.
    pub fn fail_next(&self, channel: Channel, attempts: u32, failure: ScriptedFailure) {
        let mut upcoming = self.upcoming.lock().unwrap_or_else(PoisonError::into_inner);
        let queue = upcoming.entry(channel).or_default();
        for _ in 0..attempts {
            queue.push_back(failure);
        }
    }

    /// Scripted failures not yet played out on `channel`.
    pub fn remaining(&self, channel: Channel) -> usize {
        self.upcoming
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&channel)
            .map_or(0, VecDeque::len)
    }

    fn take_next(&self, channel: Channel) -> Option<ScriptedFailure> {
        self.upcoming
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get_mut(&channel)
            .and_then(VecDeque::pop_front)
    }
}

/// The built-in text-message and e-mail adapter.
#[derive(Debug, Clone)]
pub struct BuiltInOutbox {
    store: NotificationStore,
    script: FailureScript,
}

impl BuiltInOutbox {
    /// The adapter over the service's store, playing out `script`.
    pub fn new(store: NotificationStore, script: FailureScript) -> Self {
        Self { store, script }
    }

    async fn accept(&self, message: OutboxMessage) -> ProviderResult {
        if let Some(failure) = self.script.take_next(message.channel) {
            return match failure {
                ScriptedFailure::Temporary => Err(ProviderFailure::Temporary(
                    "SCRIPTED_TEMPORARY_FAILURE: the built-in adapter was told to fail for now"
                        .to_owned(),
                )),
                ScriptedFailure::Technical => Err(ProviderFailure::Technical(
                    "SCRIPTED_TECHNICAL_FAILURE: the built-in adapter was told to fail".to_owned(),
                )),
                ScriptedFailure::Permanent => Err(ProviderFailure::Permanent(
                    "SCRIPTED_PERMANENT_FAILURE: the built-in adapter was told to refuse"
                        .to_owned(),
                )),
                ScriptedFailure::NeverAnswer => std::future::pending().await,
            };
        }
        match self.store.accept_outbox_message(&message).await {
            Ok(sequence) => Ok(ProviderAcceptance {
                reference: format!("outbox/{sequence}"),
            }),
            Err(error) => {
                // The outbox is this adapter's operator: its database failing is
                // the operator failing, to be retried.
                tracing::warn!(
                    notification = %message.notification,
                    channel = message.channel.code(),
                    error = %error,
                    "the outbox did not accept a message"
                );
                Err(ProviderFailure::Technical(
                    "OUTBOX_UNAVAILABLE: the built-in outbox could not store the message"
                        .to_owned(),
                ))
            }
        }
    }
}

impl SmsProvider for BuiltInOutbox {
    fn send_text_message<'a>(&'a self, message: &'a TextMessage) -> ProviderFuture<'a> {
        Box::pin(self.accept(OutboxMessage {
            message_key: message.message_key.clone(),
            channel: Channel::Sms,
            address: message.number.clone(),
            subject: String::new(),
            body: message.body.clone(),
            notification: message.notification.name(),
            create_time: clock::now(),
        }))
    }
}

impl EmailProvider for BuiltInOutbox {
    fn send_email<'a>(&'a self, message: &'a EmailMessage) -> ProviderFuture<'a> {
        Box::pin(self.accept(OutboxMessage {
            message_key: message.message_key.clone(),
            channel: Channel::Email,
            address: message.address.clone(),
            subject: message.subject.clone(),
            body: message.body.clone(),
            notification: message.notification.name(),
            create_time: clock::now(),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_script_plays_out_per_channel_in_order() {
        let script = FailureScript::new();
        script.fail_next(Channel::Sms, 2, ScriptedFailure::Temporary);
        script.fail_next(Channel::Sms, 1, ScriptedFailure::Permanent);
        script.fail_next(Channel::Email, 1, ScriptedFailure::Technical);
        let shared = script.clone();
        assert_eq!(shared.remaining(Channel::Sms), 3);
        assert_eq!(
            shared.take_next(Channel::Sms),
            Some(ScriptedFailure::Temporary)
        );
        assert_eq!(
            shared.take_next(Channel::Sms),
            Some(ScriptedFailure::Temporary)
        );
        assert_eq!(
            shared.take_next(Channel::Sms),
            Some(ScriptedFailure::Permanent)
        );
        assert_eq!(shared.take_next(Channel::Sms), None);
        assert_eq!(script.remaining(Channel::Email), 1);
    }
}
