//! Changes after submission: the applicant's withdrawal, and the status
//! events eligibility-verification reports.

use housing_platform::caller::{Caller, Role};
use housing_platform::error::{ErrorReason, Reason, ServiceError, Violation};
use housing_proto::housing::eligibility::v1::WithdrawCaseRequest;
use housing_proto::housing::intake::v1::{
    ApplicationEvent, RecordApplicationEventRequest, WithdrawApplicationRequest,
};
use prost::Message;

use super::{Intake, STALE_RETRIES, not_found};
use crate::form::instant;
use crate::model::{Actor, ApplicationId, ApplicationState, StoredApplication};
use crate::storage::{ApplicationChange, NewEvent, NewOutboxMessage, OutboxKind, StoreError};
use crate::wire;

/// The event id of an application's withdrawal: there is only one.
pub const WITHDRAWAL_EVENT_ID: &str = "withdrawal";
/// Longest withdrawal reason, in characters.
pub const MAX_REASON_CHARACTERS: usize = 2000;
/// Longest event id or request id, in characters.
const MAX_ID_CHARACTERS: usize = 128;
/// Most rule codes one event may carry.
const MAX_RULE_CODES: usize = 64;

/// Who may withdraw besides the applicant and their representative: staff
/// acting on the applicant's written request at the provider.
const STAFF_WITHDRAWERS: [Role; 2] = [Role::Operator, Role::ProviderHead];

impl Intake {
    /// Withdraws an application before a final decision, and tells
    /// eligibility through the outbox. Withdrawing a withdrawn application
    /// answers it as it is; a registered or denied one is FAILED_PRECONDITION.
    pub async fn withdraw(
        &self,
        caller: &Caller,
        request: &WithdrawApplicationRequest,
    ) -> Result<StoredApplication, ServiceError> {
        let mut violations = Vec::new();
        if request.request_id.chars().count() > MAX_ID_CHARACTERS {
            violations.push(Violation::new(
                "request_id",
                format!("must be at most {MAX_ID_CHARACTERS} characters"),
            ));
        }
        if request.reason.chars().count() > MAX_REASON_CHARACTERS {
            violations.push(Violation::new(
                "reason",
                format!("must be at most {MAX_REASON_CHARACTERS} characters"),
            ));
        }
        if !violations.is_empty() {
            return Err(ServiceError::invalid(violations));
        }
        let id = ApplicationId::from_name(&request.name).ok_or_else(|| {
            ServiceError::invalid_field("name", "must be applications/{application}")
        })?;

        for _ in 0..STALE_RETRIES {
            let application = self.store.get(&id).await?.ok_or_else(not_found)?;
            let may_withdraw = match caller.role() {
                Role::Citizen => caller.iin().is_some_and(|iin| application.concerns(iin)),
                role if STAFF_WITHDRAWERS.contains(&role) => true,
                _ => return Err(ServiceError::PermissionDenied),
            };
            if !may_withdraw {
                return Err(not_found());
            }
            match application.state {
                ApplicationState::Withdrawn => return Ok(application),
                state if state.is_final() => {
                    return Err(ServiceError::FailedPrecondition {
                        reason: ErrorReason::Other(Reason::FailedPrecondition),
                        message: format!(
                            "the application is {}: a final decision cannot be withdrawn",
                            state.as_str().to_lowercase()
                        ),
                    });
                }
                _ => {}
            }
            let now = self.clock.now();
            let withdraw_case = WithdrawCaseRequest {
                // {case} is the application id (eligibility.proto).
                name: format!("cases/{}", id.as_str()),
            };
            let change = ApplicationChange {
                state: ApplicationState::Withdrawn,
                processing_deadline: None,
                latest_decision: None,
                register_entry: None,
                withdrawal_reason: Some(request.reason.clone()).filter(|reason| !reason.is_empty()),
                update_time: now,
            };
            let event = NewEvent {
                event_id: WITHDRAWAL_EVENT_ID.to_owned(),
                state: ApplicationState::Withdrawn,
                event_time: now,
                decision: None,
                register_entry: None,
                processing_deadline: None,
                actor: Actor {
                    id: caller.id().to_owned(),
                    role: caller.role(),
                },
                rule_codes: Vec::new(),
                recorded_at: now,
            };
            let message =
                NewOutboxMessage::new(OutboxKind::WithdrawCase, withdraw_case.encode_to_vec());
            match self
                .store
                .change(&application, &change, &event, Some(&message))
                .await
            {
                Ok(withdrawn) => {
                    self.outbox_written.notify_one();
                    tracing::info!(application = %withdrawn.id, "application withdrawn");
                    return Ok(withdrawn);
                }
                // Someone changed it meanwhile (or withdrew it): look again.
                Err(StoreError::Stale | StoreError::DuplicateEvent) => continue,
                Err(other) => return Err(other.into()),
            }
        }
        Err(StoreError::Stale.into())
    }

    /// Records a status change reported by one of the suite's systems
    /// (eligibility-verification). Idempotent on the event id: a replay
    /// records nothing and answers the application as it is.
    ///
    /// The reported state becomes the application's, with the decision, the
    /// register entry and the deadline that come with it — except that a
    /// withdrawn application stays withdrawn: the applicant's withdrawal is
    /// final, and an event that crossed it is kept in the history only.
    pub async fn record_event(
        &self,
        caller: &Caller,
        request: &RecordApplicationEventRequest,
    ) -> Result<StoredApplication, ServiceError> {
        let id = ApplicationId::from_name(&request.parent).ok_or_else(|| {
            ServiceError::invalid_field("parent", "must be applications/{application}")
        });
        let reported = request
            .event
            .as_ref()
            .ok_or_else(|| ServiceError::invalid_field("event", "is required"))
            .and_then(|event| reported_event(event, caller));
        let (id, reported) = match (id, reported) {
            (Ok(id), Ok(reported)) => (id, reported),
            (Err(error), _) | (_, Err(error)) => return Err(error),
        };

        for _ in 0..STALE_RETRIES {
            let application = self.store.get(&id).await?.ok_or_else(not_found)?;
            if self.store.has_event(&id, &reported.event_id).await? {
                return Ok(application);
            }
            let now = self.clock.now();
            let state = if application.state == ApplicationState::Withdrawn {
                ApplicationState::Withdrawn
            } else {
                reported.state
            };
            let change = ApplicationChange {
                state,
                processing_deadline: reported.processing_deadline,
                latest_decision: reported.decision.clone(),
                register_entry: reported.register_entry.clone(),
                withdrawal_reason: None,
                update_time: now,
            };
            let event = NewEvent {
                recorded_at: now,
                ..reported.clone()
            };
            match self.store.change(&application, &change, &event, None).await {
                Ok(changed) => {
                    tracing::info!(
                        application = %changed.id,
                        state = changed.state.as_str(),
                        event_id = %reported.event_id,
                        "application event recorded"
                    );
                    return Ok(changed);
                }
                Err(StoreError::Stale | StoreError::DuplicateEvent) => continue,
                Err(other) => return Err(other.into()),
            }
        }
        Err(StoreError::Stale.into())
    }
}

/// Checks a reported event, every field at once.
fn reported_event(event: &ApplicationEvent, caller: &Caller) -> Result<NewEvent, ServiceError> {
    let mut violations = Vec::new();
    let mut violation = |field: &str, description: &str| {
        violations.push(Violation::new(format!("event.{field}"), description));
    };
    if event.event_id.trim().is_empty() {
        violation("event_id", "is required");
    } else if event.event_id.chars().count() > MAX_ID_CHARACTERS {
        violation("event_id", "must be at most 128 characters");
    }
    let state = wire::application_state(event.state);
    if state.is_none() {
        violation("state", "is required: a state of the contract");
    }
    let event_time = match event.event_time.as_ref().map(instant) {
        None => {
            violation("event_time", "is required");
            None
        }
        Some(None) => {
            violation("event_time", "is not a valid instant");
            None
        }
        Some(Some(time)) => Some(time),
    };
    let processing_deadline = match event.processing_deadline.as_ref().map(instant) {
        Some(None) => {
            violation("processing_deadline", "is not a valid instant");
            None
        }
        other => other.flatten(),
    };
    let decision = non_empty(&event.decision);
    if decision
        .as_deref()
        .is_some_and(|name| !is_resource_name(name, &["cases", "decisions"]))
    {
        violation("decision", "must be cases/{case}/decisions/{decision}");
    }
    let register_entry = non_empty(&event.register_entry);
    if register_entry
        .as_deref()
        .is_some_and(|name| !is_resource_name(name, &["registerEntries"]))
    {
        violation("register_entry", "must be registerEntries/{register_entry}");
    }
    if event.rule_codes.len() > MAX_RULE_CODES {
        violation("rule_codes", "has too many codes");
    }
    if event.rule_codes.iter().any(|code| !is_rule_code(code)) {
        violation("rule_codes", "holds a code that is not UPPER_SNAKE");
    }
    let actor = match &event.actor {
        None => Actor {
            id: caller.id().to_owned(),
            role: caller.role(),
        },
        Some(actor) => {
            let role = wire::role(actor.role);
            if actor.id.trim().is_empty() || actor.id.chars().count() > MAX_ID_CHARACTERS {
                violation("actor.id", "is required, at most 128 characters");
            }
            if role.is_none() {
                violation("actor.role", "is required: a role of the contract");
            }
            Actor {
                id: actor.id.clone(),
                role: role.unwrap_or(Role::System),
            }
        }
    };
    match (state, event_time) {
        (Some(state), Some(event_time)) if violations.is_empty() => Ok(NewEvent {
            event_id: event.event_id.clone(),
            state,
            event_time,
            decision,
            register_entry,
            processing_deadline,
            actor,
            rule_codes: event.rule_codes.clone(),
            recorded_at: event_time,
        }),
        _ => Err(ServiceError::invalid(violations)),
    }
}

fn non_empty(text: &str) -> Option<String> {
    Some(text.to_owned()).filter(|text| !text.is_empty())
}

/// `collection/{id}` or `collection/{id}/sub/{id}`: ids non-empty, no slashes.
fn is_resource_name(name: &str, collections: &[&str]) -> bool {
    let parts: Vec<&str> = name.split('/').collect();
    parts.len() == collections.len() * 2
        && parts
            .chunks(2)
            .zip(collections)
            .all(|(pair, collection)| pair[0] == *collection && !pair[1].is_empty())
}

fn is_rule_code(code: &str) -> bool {
    !code.is_empty()
        && code.len() <= 64
        && code
            .bytes()
            .all(|byte| byte.is_ascii_uppercase() || byte.is_ascii_digit() || byte == b'_')
}
