//! The requests the outbox carries: `RecordApplicationEvent` to intake and
//! `SendNotification` to notification, encoded when the change is committed
//! so that a redelivery sends exactly the same request (same idempotency key).
//!
//! Notification templates are filled from the parameters below
//! (docs/eligibility-verification.md lists them). Every text is free of names
//! and IINs: people appear by role ("applicant", "spouse", "child 1").

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use housing_domain::eligibility::{Application, CategoryOutcome, Decision as Evaluation};
use housing_proto::housing::common::v1 as common;
use housing_proto::housing::intake::v1 as intake;
use housing_proto::housing::notification::v1 as notification;
use prost::Message;

use super::{category_to_wire, instant_to_wire, role_to_wire};
use crate::model::{Actor, CaseState, DecisionKind, HearingMethod};
use crate::names::CaseId;
use crate::storage::{DecisionRecord, Destination, NewOutboxMessage};

/// Rule codes of the complaint route a final denial points to (rules.md §4).
pub const COMPLAINT_ROUTE_CODES: [&str; 4] = [
    "COMPLAINT_TO_PROVIDER",
    "COMPLAINT_PROVIDER_TERM",
    "COMPLAINT_QUALITY_BODY_TERM",
    "COURT_AFTER_PRETRIAL",
];

/// A status change to report to application-intake.
#[derive(Debug, Clone)]
pub struct StatusEvent<'a> {
    /// The case.
    pub case_id: &'a CaseId,
    /// Stable id of the change: a replay is ignored by intake.
    pub event_id: String,
    /// The state the case moved to.
    pub state: CaseState,
    /// When.
    pub event_time: DateTime<Utc>,
    /// The decision that caused it.
    pub decision: Option<String>,
    /// The register entry, when registered.
    pub register_entry: Option<String>,
    /// The processing deadline after the change.
    pub processing_deadline: DateTime<Utc>,
    /// Who caused it.
    pub actor: &'a Actor,
    /// Rule codes behind the change.
    pub rule_codes: Vec<String>,
}

/// The outbox message reporting a status change to intake.
pub fn status_event(event: &StatusEvent<'_>) -> NewOutboxMessage {
    let state = match event.state {
        CaseState::Verifying => intake::application::State::Verifying,
        CaseState::AwaitingRegistries => intake::application::State::AwaitingRegistries,
        CaseState::HearingScheduled => intake::application::State::HearingScheduled,
        CaseState::Registered => intake::application::State::Registered,
        CaseState::Denied => intake::application::State::Denied,
        CaseState::Withdrawn => intake::application::State::Withdrawn,
    };
    let request = intake::RecordApplicationEventRequest {
        parent: event.case_id.application_name(),
        event: Some(intake::ApplicationEvent {
            name: String::new(),
            event_id: event.event_id.clone(),
            state: state as i32,
            event_time: Some(instant_to_wire(event.event_time)),
            decision: event.decision.clone().unwrap_or_default(),
            register_entry: event.register_entry.clone().unwrap_or_default(),
            processing_deadline: Some(instant_to_wire(event.processing_deadline)),
            actor: Some(common::Actor {
                id: event.actor.id.clone(),
                role: role_to_wire(event.actor.role) as i32,
            }),
            rule_codes: event.rule_codes.clone(),
        }),
    };
    NewOutboxMessage::new(Destination::Intake, request.encode_to_vec())
}

/// The rule codes a decision reports: its grounds, or its category outcome.
pub fn decision_rule_codes(decision: &DecisionRecord) -> Vec<String> {
    match decision.kind {
        DecisionKind::Registered => vec![category_code(decision.evaluation.category).to_owned()],
        DecisionKind::PreliminaryDenial | DecisionKind::Denied => decision
            .evaluation
            .ground_codes()
            .iter()
            .map(|code| code.as_str().to_owned())
            .collect(),
    }
}

fn category_code(outcome: CategoryOutcome) -> &'static str {
    match outcome {
        CategoryOutcome::NotStated | CategoryOutcome::Confirmed { .. } => "CATEGORY",
        CategoryOutcome::NotConfirmed { .. } => "CATEGORY_NOT_CONFIRMED",
    }
}

/// The hearing announced by a preliminary decision.
#[derive(Debug, Clone, Copy)]
pub struct AnnouncedHearing {
    /// How it is held.
    pub method: HearingMethod,
}

/// What a decision notice is about.
#[derive(Debug)]
pub struct DecisionNotice<'a> {
    /// The application, as the rules read it (filer, phone, e-mail).
    pub application: &'a Application,
    /// The decision.
    pub decision: &'a DecisionRecord,
    /// For a preliminary decision, the hearing.
    pub hearing: Option<AnnouncedHearing>,
    /// For a registration, the register entry's ordinal.
    pub register_ordinal: Option<i64>,
    /// The provider's time zone, for local dates and times.
    pub time_zone: Tz,
}

/// The outbox message with a decision's notice to the filer (§16,
/// `DECISION_NOTICE`): the representative when one files, otherwise the
/// applicant. Its idempotency key is the decision's name: one decision is
/// notified once.
pub fn decision_notice(notice: &DecisionNotice<'_>) -> NewOutboxMessage {
    let decision = notice.decision;
    let evaluation = &decision.evaluation;
    let decision_name = decision.case_id.decision_name(decision.number);
    let local = |instant: DateTime<Utc>| instant.with_timezone(&notice.time_zone);
    // Placeholders of notification's templates (services/notification/templates):
    // registration {application_number, registration_date, locality,
    // register_entry, category}; preliminary_decision {application_number,
    // grounds, hearing_date, hearing_time, hearing_method, position_deadline};
    // final_denial {application_number, decision_date, grounds}. The other
    // parameters are there for later template versions and for operators.
    let mut parameters = HashMap::from([
        (
            "application_number".to_owned(),
            decision.case_id.as_str().to_owned(),
        ),
        (
            "application".to_owned(),
            decision.case_id.application_name(),
        ),
        ("decision".to_owned(), decision_name.clone()),
        (
            "decision_date".to_owned(),
            local(decision.create_time).format("%Y-%m-%d").to_string(),
        ),
        (
            "rule_set_version".to_owned(),
            decision.rule_set_version.clone(),
        ),
        (
            "filed_by".to_owned(),
            if notice.application.representative.is_some() {
                "representative"
            } else {
                "applicant"
            }
            .to_owned(),
        ),
    ]);
    let kind = match decision.kind {
        DecisionKind::Registered => {
            parameters.extend([
                (
                    "register_entry".to_owned(),
                    notice
                        .register_ordinal
                        .map(|ordinal| ordinal.to_string())
                        .unwrap_or_default(),
                ),
                (
                    "register_entry_name".to_owned(),
                    decision.case_id.register_entry_name(),
                ),
                (
                    "locality".to_owned(),
                    evaluation.locality.as_str().to_owned(),
                ),
                (
                    "registration_date".to_owned(),
                    local(decision.create_time).format("%Y-%m-%d").to_string(),
                ),
                (
                    "category_code".to_owned(),
                    category_code(evaluation.category).to_owned(),
                ),
            ]);
            parameters.extend(category_parameters(evaluation.category));
            notification::NotificationKind::Registration
        }
        DecisionKind::PreliminaryDenial => {
            parameters.extend(grounds_parameters(evaluation));
            if let Some(hearing) = evaluation.terms.hearing {
                let at = local(hearing.hearing_at);
                parameters.extend([
                    ("hearing_date".to_owned(), at.format("%Y-%m-%d").to_string()),
                    ("hearing_time".to_owned(), at.format("%H:%M").to_string()),
                    (
                        "position_deadline".to_owned(),
                        local(hearing.position_deadline)
                            .format("%Y-%m-%d %H:%M")
                            .to_string(),
                    ),
                    (
                        "processing_deadline".to_owned(),
                        local(hearing.term_end).format("%Y-%m-%d %H:%M").to_string(),
                    ),
                ]);
            }
            if let Some(hearing) = notice.hearing {
                parameters.extend(hearing_method_parameters(hearing.method));
            }
            notification::NotificationKind::PreliminaryDecision
        }
        DecisionKind::Denied => {
            parameters.extend(grounds_parameters(evaluation));
            parameters.extend([
                ("reasons".to_owned(), decision.reasons.clone()),
                ("trigger".to_owned(), decision.trigger.as_str().to_owned()),
                (
                    "complaint_route".to_owned(),
                    COMPLAINT_ROUTE_CODES.join(","),
                ),
            ]);
            notification::NotificationKind::FinalDenial
        }
    };
    for value in parameters.values_mut() {
        *value = parameter_value(value);
    }
    let contact = &notice.application.contact;
    let request = notification::SendNotificationRequest {
        request_id: decision_name,
        recipient_iin: notice.application.filer().as_str().to_owned(),
        application: decision.case_id.application_name(),
        complaint: decision.complaint.clone().unwrap_or_default(),
        kind: kind as i32,
        parameters,
        phone: contact
            .mobile_phone
            .as_ref()
            .map(|phone| phone.as_str().to_owned())
            .unwrap_or_default(),
        email: contact
            .email
            .as_ref()
            .map(|email| email.as_str().to_owned())
            .unwrap_or_default(),
    };
    NewOutboxMessage::new(Destination::Notification, request.encode_to_vec())
}

/// The longest parameter value notification accepts.
pub const MAX_PARAMETER_VALUE_CHARS: usize = 8_000;

/// A value notification accepts: no control characters but line breaks and
/// tabs, and at most [`MAX_PARAMETER_VALUE_CHARS`] (a long list of grounds is
/// cut; the whole decision is in the personal account).
fn parameter_value(value: &str) -> String {
    const CUT: &str = " …";
    let cleaned: String = value
        .chars()
        .map(|c| {
            if c.is_control() && c != '\n' && c != '\t' {
                ' '
            } else {
                c
            }
        })
        .collect();
    if cleaned.chars().count() <= MAX_PARAMETER_VALUE_CHARS {
        return cleaned;
    }
    let mut cut: String = cleaned
        .chars()
        .take(MAX_PARAMETER_VALUE_CHARS - CUT.chars().count())
        .collect();
    cut.push_str(CUT);
    cut
}

/// `category` in each language: the confirmed category's code, "none", or
/// the `CATEGORY_NOT_CONFIRMED` note of §9 (the applicant may ask the state
/// body concerned to correct its data).
fn category_parameters(outcome: CategoryOutcome) -> Vec<(String, String)> {
    let code = |category| {
        let name = category_to_wire(category).as_str_name();
        name.strip_prefix("SOCIAL_CATEGORY_")
            .unwrap_or(name)
            .to_owned()
    };
    let (kk, ru) = match outcome {
        CategoryOutcome::Confirmed { category } => (code(category), code(category)),
        CategoryOutcome::NotStated => ("санатсыз".to_owned(), "без категории".to_owned()),
        CategoryOutcome::NotConfirmed { stated } => (
            format!(
                "санатсыз (CATEGORY_NOT_CONFIRMED: мәлімделген {} санаты мемлекеттік деректермен расталмады; деректерді түзету үшін тиісті мемлекеттік органға жүгінуге құқылысыз)",
                code(stated)
            ),
            format!(
                "без категории (CATEGORY_NOT_CONFIRMED: заявленная категория {} не подтверждена государственными данными; вы вправе обратиться в соответствующий государственный орган для исправления данных)",
                code(stated)
            ),
        ),
    };
    vec![
        ("category.kk".to_owned(), kk),
        ("category.ru".to_owned(), ru),
    ]
}

/// `hearing_method` in each language, and its code.
fn hearing_method_parameters(method: HearingMethod) -> Vec<(String, String)> {
    let (kk, ru) = match method {
        HearingMethod::WrittenPersonalAccount => (
            "жеке кабинет арқылы жазбаша",
            "письменно через личный кабинет",
        ),
        HearingMethod::VideoConference => (
            "бейнебайланыс арқылы (сілтеме жеке кабинетте)",
            "по видеосвязи (ссылка в личном кабинете)",
        ),
    };
    vec![
        ("hearing_method.kk".to_owned(), kk.to_owned()),
        ("hearing_method.ru".to_owned(), ru.to_owned()),
        ("hearing_method_code".to_owned(), method.as_str().to_owned()),
    ]
}

/// `grounds` (one line per ground: its code, failing requirements, and every
/// fact in words) and `ground_codes` (comma-separated).
fn grounds_parameters(evaluation: &Evaluation) -> [(String, String); 2] {
    let lines: Vec<String> = evaluation
        .grounds()
        .iter()
        .map(|ground| {
            let mut line = ground.code.as_str().to_owned();
            if !ground.failed_requirements.is_empty() {
                let failed: Vec<&str> = ground
                    .failed_requirements
                    .iter()
                    .map(|code| code.as_str())
                    .collect();
                line.push_str(&format!(" ({})", failed.join(", ")));
            }
            let facts: Vec<String> = ground
                .facts
                .iter()
                .map(|fact| {
                    let description = fact.describe();
                    match fact
                        .person
                        .map(|person| super::responses::subject(person.role))
                    {
                        Some(subject) => format!("{subject}: {description}"),
                        None => description,
                    }
                })
                .collect();
            if !facts.is_empty() {
                line.push_str(" — ");
                line.push_str(&facts.join("; "));
            }
            line
        })
        .collect();
    let codes: Vec<&str> = evaluation
        .grounds()
        .iter()
        .map(|ground| ground.code.as_str())
        .collect();
    [
        ("grounds".to_owned(), lines.join("\n")),
        ("ground_codes".to_owned(), codes.join(",")),
    ]
}

/// Decodes an intake message for delivery.
pub fn decode_status_event(
    payload: &[u8],
) -> Result<intake::RecordApplicationEventRequest, prost::DecodeError> {
    intake::RecordApplicationEventRequest::decode(payload)
}

/// Decodes a notification message for delivery.
pub fn decode_notice(
    payload: &[u8],
) -> Result<notification::SendNotificationRequest, prost::DecodeError> {
    notification::SendNotificationRequest::decode(payload)
}
