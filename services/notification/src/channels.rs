//! Which channels a new notice goes through (`DECISION_NOTICE`, §16).
//!
//! * The personal account, always, delivered the moment the notice is stored.
//! * A text message when the mobile citizens database shows a number
//!   registered and linked to the recipient's portal account, **to that
//!   number** — as `housing_domain::eligibility::notice::channels` does: the
//!   number on the form is unverified and never texted. When the form gave a
//!   different number the text still goes to the linked one (§16 names "the
//!   subscriber number ... provided by the cellular operator to the portal
//!   account"); the difference is logged as a flag, never as numbers.
//! * When the gateway faults, the text message is created waiting (a technical
//!   failure counting one attempt) and the worker asks again with backoff; the
//!   notice and its personal-account delivery are stored at once regardless.
//! * An e-mail when the form gave an address.

use chrono::{DateTime, Utc};

use crate::clock;
use crate::contact::{EmailAddress, PhoneNumber};
use crate::delivery::{AfterFailure, RetryPolicy};
use crate::mobile_citizens::MobileCitizenAnswer;
use crate::notice::{Channel, DeliveryState};
use crate::storage::NewDelivery;

/// The deliveries of a new notice, and what the form's number had to do with them.
#[derive(Debug, Clone)]
pub struct ChannelDecision {
    /// Personal account first, then text message and e-mail when used.
    pub deliveries: Vec<NewDelivery>,
    /// `Some(false)` when the form gave a number other than the linked one
    /// that is texted; `None` when there is nothing to compare.
    pub form_phone_matches_linked_number: Option<bool>,
}

/// Decides the first deliveries of a notice created at `now`.
pub fn decide(
    answer: &MobileCitizenAnswer,
    form_phone: Option<&PhoneNumber>,
    email: Option<&EmailAddress>,
    now: DateTime<Utc>,
    retry: &RetryPolicy,
) -> ChannelDecision {
    let mut deliveries = vec![NewDelivery {
        channel: Channel::PersonalAccount,
        state: DeliveryState::Delivered,
        address: None,
        awaiting_mobile_citizen_check: false,
        attempts: 1,
        next_attempt_time: None,
        failure_reason: String::new(),
    }];
    let mut form_phone_matches_linked_number = None;
    match answer {
        MobileCitizenAnswer::Linked { number } => {
            form_phone_matches_linked_number = form_phone.map(|form| form == number);
            deliveries.push(NewDelivery {
                channel: Channel::Sms,
                state: DeliveryState::Created,
                address: Some(number.clone().into()),
                awaiting_mobile_citizen_check: false,
                attempts: 0,
                next_attempt_time: Some(now),
                failure_reason: String::new(),
            });
        }
        MobileCitizenAnswer::Fault { reason } => {
            let waiting = match retry.after_failed_attempt(1) {
                AfterFailure::RetryAfter(wait) => NewDelivery {
                    channel: Channel::Sms,
                    state: DeliveryState::TechnicalFailure,
                    address: None,
                    awaiting_mobile_citizen_check: true,
                    attempts: 1,
                    next_attempt_time: Some(clock::after(now, wait)),
                    failure_reason: format!("{reason}; the text message waits for it"),
                },
                AfterFailure::GiveUp => NewDelivery {
                    channel: Channel::Sms,
                    state: DeliveryState::PermanentFailure,
                    address: None,
                    awaiting_mobile_citizen_check: false,
                    attempts: 1,
                    next_attempt_time: None,
                    failure_reason: format!(
                        "ATTEMPTS_EXHAUSTED: gave up after 1 attempt; last: {reason}"
                    ),
                },
            };
            deliveries.push(waiting);
        }
        MobileCitizenAnswer::NotLinked | MobileCitizenAnswer::NotFound => {}
    }
    if let Some(address) = email {
        deliveries.push(NewDelivery {
            channel: Channel::Email,
            state: DeliveryState::Created,
            address: Some(address.clone().into()),
            awaiting_mobile_citizen_check: false,
            attempts: 0,
            next_attempt_time: Some(now),
            failure_reason: String::new(),
        });
    }
    ChannelDecision {
        deliveries,
        form_phone_matches_linked_number,
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn policy(max_attempts: u32) -> RetryPolicy {
        RetryPolicy {
            initial_backoff: Duration::from_secs(30),
            max_backoff: Duration::from_secs(600),
            max_attempts,
        }
    }

    fn number(text: &str) -> PhoneNumber {
        PhoneNumber::parse(text).expect("valid number")
    }

    fn channels(decision: &ChannelDecision) -> Vec<(Channel, DeliveryState)> {
        decision
            .deliveries
            .iter()
            .map(|delivery| (delivery.channel, delivery.state))
            .collect()
    }

    #[test]
    fn the_linked_number_is_texted_even_when_the_form_gave_another() {
        let now = clock::now();
        let email = EmailAddress::parse("aigerim@example.kz").expect("valid");
        let decision = decide(
            &MobileCitizenAnswer::Linked {
                number: number("+77015550000"),
            },
            Some(&number("+77019999999")),
            Some(&email),
            now,
            &policy(5),
        );
        assert_eq!(
            channels(&decision),
            [
                (Channel::PersonalAccount, DeliveryState::Delivered),
                (Channel::Sms, DeliveryState::Created),
                (Channel::Email, DeliveryState::Created),
            ]
        );
        assert_eq!(
            decision.deliveries[1]
                .address
                .as_ref()
                .map(|address| address.as_str()),
            Some("+77015550000")
        );
        assert_eq!(decision.form_phone_matches_linked_number, Some(false));
    }

    #[test]
    fn no_text_without_a_linked_number() {
        for answer in [
            MobileCitizenAnswer::NotLinked,
            MobileCitizenAnswer::NotFound,
        ] {
            let decision = decide(
                &answer,
                Some(&number("+77015550000")),
                None,
                clock::now(),
                &policy(5),
            );
            assert_eq!(
                channels(&decision),
                [(Channel::PersonalAccount, DeliveryState::Delivered)]
            );
        }
    }

    #[test]
    fn a_gateway_fault_leaves_the_text_waiting_with_backoff() {
        let now = clock::now();
        let fault = MobileCitizenAnswer::Fault {
            reason: "REGISTER_UNAVAILABLE: down".to_owned(),
        };
        let decision = decide(&fault, None, None, now, &policy(5));
        let waiting = &decision.deliveries[1];
        assert_eq!(waiting.state, DeliveryState::TechnicalFailure);
        assert!(waiting.awaiting_mobile_citizen_check);
        assert_eq!(waiting.attempts, 1);
        assert_eq!(
            waiting.next_attempt_time,
            Some(clock::after(now, Duration::from_secs(30)))
        );
        assert!(waiting.failure_reason.starts_with("REGISTER_UNAVAILABLE"));

        let single_attempt = decide(&fault, None, None, now, &policy(1));
        assert_eq!(
            single_attempt.deliveries[1].state,
            DeliveryState::PermanentFailure
        );
    }
}
