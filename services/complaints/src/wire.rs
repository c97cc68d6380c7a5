//! The service's records as the contract shows them. Prost types stay here
//! and in the gRPC adapter.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use housing_domain::complaint::{ComplaintOutcome, ComplaintTermStatus, FinalAnswer};
use housing_platform::caller::Role;
use housing_proto::google::r#type::Date;
use housing_proto::housing::common::v1 as common;
use housing_proto::housing::complaints::v1 as pb;
use prost::Message;

use crate::model::{Actor, ComplaintState, Remedy, StoredComplaint};

/// An instant as a protobuf timestamp.
pub fn timestamp(instant: DateTime<Utc>) -> prost_types::Timestamp {
    prost_types::Timestamp {
        seconds: instant.timestamp(),
        nanos: i32::try_from(instant.timestamp_subsec_nanos()).unwrap_or(0),
    }
}

/// A calendar date as `google.type.Date`.
pub fn date(day: NaiveDate) -> Date {
    Date {
        year: day.year(),
        month: i32::try_from(day.month()).unwrap_or(0),
        day: i32::try_from(day.day()).unwrap_or(0),
    }
}

/// The contract's role of an actor.
pub fn actor(actor: &Actor) -> common::Actor {
    let role = match actor.role {
        Role::Citizen => common::ActorRole::Citizen,
        Role::Operator => common::ActorRole::Operator,
        Role::ProviderHead => common::ActorRole::ProviderHead,
        Role::ComplaintsBody => common::ActorRole::ComplaintsBody,
        Role::Auditor => common::ActorRole::Auditor,
        Role::System => common::ActorRole::System,
    };
    common::Actor {
        id: actor.id.clone(),
        role: role as i32,
    }
}

/// The contract's state.
pub fn state(state: ComplaintState) -> pb::complaint::State {
    match state {
        ComplaintState::Registered => pb::complaint::State::Registered,
        ComplaintState::Forwarded => pb::complaint::State::Forwarded,
        ComplaintState::Decided => pb::complaint::State::Decided,
    }
}

/// The service's state for a contract value; `None` for unspecified or unknown values.
pub fn parse_state(value: i32) -> Option<ComplaintState> {
    match pb::complaint::State::try_from(value).ok()? {
        pb::complaint::State::Unspecified => None,
        pb::complaint::State::Registered => Some(ComplaintState::Registered),
        pb::complaint::State::Forwarded => Some(ComplaintState::Forwarded),
        pb::complaint::State::Decided => Some(ComplaintState::Decided),
    }
}

/// The contract's outcome.
pub fn outcome(outcome: ComplaintOutcome) -> pb::complaint_decision::Outcome {
    match outcome {
        ComplaintOutcome::Satisfied => pb::complaint_decision::Outcome::Satisfied,
        ComplaintOutcome::PartiallySatisfied => pb::complaint_decision::Outcome::PartlySatisfied,
        ComplaintOutcome::Rejected => pb::complaint_decision::Outcome::Rejected,
    }
}

/// The contract's term status.
pub fn term_status(status: ComplaintTermStatus) -> pb::TermStatus {
    match status {
        ComplaintTermStatus::OnTime => pb::TermStatus::OnTime,
        ComplaintTermStatus::DueSoon => pb::TermStatus::DueSoon,
        ComplaintTermStatus::Overdue => pb::TermStatus::Overdue,
    }
}

/// A stored complaint as the contract shows it, with its term status.
pub fn complaint(
    stored: &StoredComplaint,
    status: ComplaintTermStatus,
) -> Result<pb::Complaint, prost::DecodeError> {
    let form = pb::ComplaintForm::decode(stored.form_content.as_slice())?;
    Ok(pb::Complaint {
        name: stored.id.name(),
        number: stored.number.clone(),
        form: Some(form),
        signature: Some(common::SignatureInfo {
            signer_iin: stored.signature.signer_iin.as_str().to_owned(),
            certificate_serial: stored.signature.certificate_serial.clone(),
            signing_time: Some(timestamp(stored.signature.signing_time)),
            content_sha256: stored.signature.content_sha256.clone(),
        }),
        registration_time: Some(timestamp(stored.registration_time)),
        registration_date: Some(date(stored.registration_date)),
        state: state(stored.state) as i32,
        answer_deadline: Some(timestamp(
            stored
                .forwarding
                .as_ref()
                .map_or(stored.answer_deadline, |forwarding| {
                    forwarding.answer_deadline
                }),
        )),
        forward_deadline: stored.forward_deadline.map(timestamp),
        term_status: term_status(status) as i32,
        forwarding: stored.forwarding.as_ref().map(|forwarding| pb::Forwarding {
            body: forwarding.body.clone(),
            forward_time: Some(timestamp(forwarding.forward_time)),
            forwarded_by: Some(actor(&forwarding.forwarded_by)),
            answer_deadline: Some(timestamp(forwarding.answer_deadline)),
        }),
        decision: stored
            .decision_record
            .as_ref()
            .map(|decision| pb::ComplaintDecision {
                outcome: outcome(decision.outcome) as i32,
                reasons: decision.reasons.clone(),
                decided_by: Some(actor(&decision.decided_by)),
                decide_time: Some(timestamp(decision.decide_time)),
                remedy: match decision.remedy {
                    None => pb::complaint_decision::Remedy::Unspecified,
                    Some(Remedy::Reevaluate) => pb::complaint_decision::Remedy::Reevaluate,
                    Some(Remedy::Register) => pb::complaint_decision::Remedy::Register,
                } as i32,
                resulting_decision: decision.resulting_decision.clone().unwrap_or_default(),
                // Every decision is a final answer, and a final answer names the court route.
                court_route: FinalAnswer::new(stored.route, decision.outcome, decision.decide_time)
                    .court_route()
                    .text()
                    .to_owned(),
            }),
        update_time: Some(timestamp(stored.update_time)),
    })
}
