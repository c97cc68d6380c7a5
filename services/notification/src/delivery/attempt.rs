//! One attempt at a claimed delivery, and the sweep of stuck ones.

use std::time::Duration;

use chrono::{DateTime, Utc};

use super::backoff::{AfterFailure, RetryPolicy};
use super::compose::{email_body, email_subject, message_key, text_message_body};
use super::worker::DeliveryContext;
use crate::clock;
use crate::contact::ContactAddress;
use crate::mobile_citizens::MobileCitizenAnswer;
use crate::notice::{Channel, DeliveryState};
use crate::providers::{EmailMessage, ProviderFailure, TextMessage};
use crate::storage::{ClaimedDelivery, DeliveryUpdate};

/// The sweeper's batch: stuck deliveries are rare, a crash leaves at most the
/// worker's concurrency of them.
const SWEEP_BATCH: usize = 256;

/// What an attempt came to, before the retry policy is applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum AttemptResult {
    /// The provider accepted the message.
    Delivered {
        address: Option<ContactAddress>,
        provider_reference: String,
    },
    /// A failure that is retried until the ceiling.
    Retryable {
        /// TEMPORARY_FAILURE or TECHNICAL_FAILURE.
        state: DeliveryState,
        reason: String,
        address: Option<ContactAddress>,
        awaiting_mobile_citizen_check: bool,
    },
    /// A failure that is final at once.
    Permanent {
        reason: String,
        address: Option<ContactAddress>,
    },
}

/// Makes the attempt and records its outcome. A failure to record is logged:
/// the delivery stays SENDING and the sweeper takes it back.
pub(super) async fn attempt_delivery(context: &DeliveryContext, claimed: ClaimedDelivery) {
    let result = run_attempt(context, &claimed).await;
    let update = update_after(
        result,
        claimed.attempts,
        &context.settings.retry,
        clock::now(),
    );
    let recorded = context
        .store
        .record_delivery_outcome(claimed.delivery_id, claimed.attempts, &update)
        .await;
    match recorded {
        Ok(true) => tracing::info!(
            notification = %claimed.notification,
            channel = claimed.channel.code(),
            state = update.state.code(),
            attempts = claimed.attempts,
            "delivery attempt recorded"
        ),
        Ok(false) => tracing::warn!(
            notification = %claimed.notification,
            channel = claimed.channel.code(),
            attempts = claimed.attempts,
            "the sweeper took the delivery back before this attempt's outcome was recorded"
        ),
        Err(error) => tracing::error!(
            notification = %claimed.notification,
            channel = claimed.channel.code(),
            error = %error,
            "cannot record a delivery outcome; the sweeper will take the delivery back"
        ),
    }
}

async fn run_attempt(context: &DeliveryContext, claimed: &ClaimedDelivery) -> AttemptResult {
    let address = match (claimed.channel, claimed.awaiting_mobile_citizen_check) {
        (Channel::Sms, true) => {
            let answer = context
                .directory
                .look_up(
                    &claimed.recipient,
                    &claimed.application,
                    &claimed.requested_by,
                )
                .await;
            tracing::info!(
                notification = %claimed.notification,
                answer = answer.label(),
                "mobile citizen look-up for a waiting text message"
            );
            match answer {
                MobileCitizenAnswer::Linked { number } => ContactAddress::from(number),
                MobileCitizenAnswer::Fault { reason } => {
                    return AttemptResult::Retryable {
                        state: DeliveryState::TechnicalFailure,
                        reason: format!("{reason}; the text message waits for it"),
                        address: None,
                        awaiting_mobile_citizen_check: true,
                    };
                }
                MobileCitizenAnswer::NotLinked => {
                    return AttemptResult::Permanent {
                        reason: "MOBILE_CITIZEN_NOT_LINKED: the mobile citizens database shows \
                                 no number linked to the portal account"
                            .to_owned(),
                        address: None,
                    };
                }
                MobileCitizenAnswer::NotFound => {
                    return AttemptResult::Permanent {
                        reason: "MOBILE_CITIZEN_NOT_FOUND: the mobile citizens database has \
                                 no record of the recipient"
                            .to_owned(),
                        address: None,
                    };
                }
            }
        }
        (Channel::PersonalAccount, _) => {
            // Stored DELIVERED and never due; if one is ever claimed, the
            // notice is in the personal account all the same.
            return AttemptResult::Delivered {
                address: None,
                provider_reference: String::new(),
            };
        }
        (_, _) => match &claimed.address {
            Some(address) => address.clone(),
            None => {
                return AttemptResult::Permanent {
                    reason: "NO_ADDRESS: the delivery has no address to send to".to_owned(),
                    address: None,
                };
            }
        },
    };

    let timeout = context.settings.provider_timeout;
    let key = message_key(&claimed.notification, claimed.channel);
    let sent = if claimed.channel == Channel::Sms {
        let message = TextMessage {
            message_key: key,
            notification: claimed.notification.clone(),
            number: address.clone(),
            body: text_message_body(&claimed.texts),
        };
        tokio::time::timeout(timeout, context.sms.send_text_message(&message)).await
    } else {
        let message = EmailMessage {
            message_key: key,
            notification: claimed.notification.clone(),
            address: address.clone(),
            subject: email_subject(&claimed.texts),
            body: email_body(&claimed.texts),
        };
        tokio::time::timeout(timeout, context.email.send_email(&message)).await
    };
    let address = Some(address);
    match sent {
        Err(_elapsed) => AttemptResult::Retryable {
            state: DeliveryState::TechnicalFailure,
            reason: format!(
                "PROVIDER_TIMEOUT: the provider did not answer within {} ms",
                timeout.as_millis()
            ),
            address,
            awaiting_mobile_citizen_check: false,
        },
        Ok(Ok(acceptance)) => AttemptResult::Delivered {
            address,
            provider_reference: acceptance.reference,
        },
        Ok(Err(ProviderFailure::Temporary(reason))) => AttemptResult::Retryable {
            state: DeliveryState::TemporaryFailure,
            reason,
            address,
            awaiting_mobile_citizen_check: false,
        },
        Ok(Err(ProviderFailure::Technical(reason))) => AttemptResult::Retryable {
            state: DeliveryState::TechnicalFailure,
            reason,
            address,
            awaiting_mobile_citizen_check: false,
        },
        Ok(Err(ProviderFailure::Permanent(reason))) => AttemptResult::Permanent { reason, address },
    }
}

/// The delivery's new state after attempt number `attempts` came to `result`
/// at `now`: a retryable failure waits for the backoff, or is permanent once
/// the ceiling is reached.
pub(super) fn update_after(
    result: AttemptResult,
    attempts: u32,
    retry: &RetryPolicy,
    now: DateTime<Utc>,
) -> DeliveryUpdate {
    let update = |state, address, awaiting, next_attempt_time, reason, reference| DeliveryUpdate {
        state,
        address,
        awaiting_mobile_citizen_check: awaiting,
        next_attempt_time,
        failure_reason: reason,
        provider_reference: reference,
        update_time: now,
    };
    match result {
        AttemptResult::Delivered {
            address,
            provider_reference,
        } => update(
            DeliveryState::Delivered,
            address,
            false,
            None,
            String::new(),
            provider_reference,
        ),
        AttemptResult::Permanent { reason, address } => update(
            DeliveryState::PermanentFailure,
            address,
            false,
            None,
            reason,
            String::new(),
        ),
        AttemptResult::Retryable {
            state,
            reason,
            address,
            awaiting_mobile_citizen_check,
        } => match retry.after_failed_attempt(attempts) {
            AfterFailure::RetryAfter(wait) => update(
                state,
                address,
                awaiting_mobile_citizen_check,
                Some(clock::after(now, wait)),
                reason,
                String::new(),
            ),
            AfterFailure::GiveUp => update(
                DeliveryState::PermanentFailure,
                address,
                false,
                None,
                format!("ATTEMPTS_EXHAUSTED: gave up after {attempts} attempts; last: {reason}"),
                String::new(),
            ),
        },
    }
}

/// Takes back deliveries SENDING for longer than the sending timeout: their
/// worker died (a crash, an abort past the shutdown grace) without recording
/// an outcome. Each goes back to TECHNICAL_FAILURE with backoff, or to
/// PERMANENT_FAILURE at the ceiling. Returns how many were taken back.
pub(super) async fn sweep_stuck_deliveries(context: &DeliveryContext) -> usize {
    let now = clock::now();
    let sending_timeout = context.settings.sending_timeout;
    let cutoff = clock::before(now, sending_timeout);
    let stuck = match context.store.stuck_deliveries(cutoff, SWEEP_BATCH).await {
        Ok(stuck) => stuck,
        Err(error) => {
            tracing::error!(error = %error, "the sweeper cannot read stuck deliveries");
            return 0;
        }
    };
    let mut taken_back = 0;
    for delivery in stuck {
        let update = update_after(
            AttemptResult::Retryable {
                state: DeliveryState::TechnicalFailure,
                reason: stuck_reason(sending_timeout),
                address: delivery.address.clone(),
                awaiting_mobile_citizen_check: delivery.awaiting_mobile_citizen_check,
            },
            delivery.attempts,
            &context.settings.retry,
            now,
        );
        match context
            .store
            .record_delivery_outcome(delivery.delivery_id, delivery.attempts, &update)
            .await
        {
            Ok(true) => {
                taken_back += 1;
                tracing::warn!(
                    notification = %delivery.notification,
                    channel = delivery.channel.code(),
                    attempts = delivery.attempts,
                    state = update.state.code(),
                    "swept a delivery stuck in SENDING"
                );
            }
            // Its worker recorded an outcome after all, just now.
            Ok(false) => {}
            Err(error) => tracing::error!(
                notification = %delivery.notification,
                error = %error,
                "the sweeper cannot take a stuck delivery back"
            ),
        }
    }
    taken_back
}

fn stuck_reason(sending_timeout: Duration) -> String {
    format!(
        "STUCK_IN_SENDING: no outcome was recorded within {} ms; the attempt is presumed lost",
        sending_timeout.as_millis()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> RetryPolicy {
        RetryPolicy {
            initial_backoff: Duration::from_secs(10),
            max_backoff: Duration::from_secs(60),
            max_attempts: 3,
        }
    }

    fn temporary() -> AttemptResult {
        AttemptResult::Retryable {
            state: DeliveryState::TemporaryFailure,
            reason: "PHONE_OFF: later".to_owned(),
            address: Some(ContactAddress::from_stored("+77015550000".to_owned())),
            awaiting_mobile_citizen_check: false,
        }
    }

    #[test]
    fn a_retryable_failure_waits_for_the_backoff() {
        let now = clock::now();
        let update = update_after(temporary(), 2, &policy(), now);
        assert_eq!(update.state, DeliveryState::TemporaryFailure);
        assert_eq!(
            update.next_attempt_time,
            Some(clock::after(now, Duration::from_secs(20)))
        );
        assert_eq!(update.failure_reason, "PHONE_OFF: later");
        assert!(update.address.is_some());
    }

    #[test]
    fn at_the_ceiling_a_retryable_failure_is_permanent() {
        let update = update_after(temporary(), 3, &policy(), clock::now());
        assert_eq!(update.state, DeliveryState::PermanentFailure);
        assert_eq!(update.next_attempt_time, None);
        assert_eq!(
            update.failure_reason,
            "ATTEMPTS_EXHAUSTED: gave up after 3 attempts; last: PHONE_OFF: later"
        );
    }

    #[test]
    fn delivered_and_permanent_need_no_next_attempt() {
        let now = clock::now();
        let delivered = update_after(
            AttemptResult::Delivered {
                address: None,
                provider_reference: "outbox/7".to_owned(),
            },
            1,
            &policy(),
            now,
        );
        assert_eq!(delivered.state, DeliveryState::Delivered);
        assert_eq!(delivered.provider_reference, "outbox/7");
        assert_eq!(delivered.next_attempt_time, None);
        let refused = update_after(
            AttemptResult::Permanent {
                reason: "NO_SUCH_NUMBER: x".to_owned(),
                address: None,
            },
            1,
            &policy(),
            now,
        );
        assert_eq!(refused.state, DeliveryState::PermanentFailure);
        assert_eq!(refused.next_attempt_time, None);
    }
}
