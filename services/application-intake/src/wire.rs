//! The service's records as the contract shows them. Prost types stay here
//! and in the gRPC adapter.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use housing_platform::caller::Role;
use housing_proto::google::r#type::Date;
use housing_proto::housing::common::v1 as common;
use housing_proto::housing::intake::v1 as pb;
use pb::application::State;
use prost::Message;

use crate::model::{ApplicationState, StoredApplication, StoredEvent};

/// An instant as a protobuf timestamp.
pub fn timestamp(instant: DateTime<Utc>) -> prost_types::Timestamp {
    prost_types::Timestamp {
        seconds: instant.timestamp(),
        // Below one second, so it fits.
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

/// The contract's state.
pub fn state(state: ApplicationState) -> State {
    match state {
        ApplicationState::Submitted => State::Submitted,
        ApplicationState::Verifying => State::Verifying,
        ApplicationState::AwaitingRegistries => State::AwaitingRegistries,
        ApplicationState::HearingScheduled => State::HearingScheduled,
        ApplicationState::Registered => State::Registered,
        ApplicationState::Denied => State::Denied,
        ApplicationState::Withdrawn => State::Withdrawn,
    }
}

/// The service's state for a contract value; `None` for unspecified or unknown values.
pub fn application_state(value: i32) -> Option<ApplicationState> {
    match State::try_from(value).ok()? {
        State::Unspecified => None,
        State::Submitted => Some(ApplicationState::Submitted),
        State::Verifying => Some(ApplicationState::Verifying),
        State::AwaitingRegistries => Some(ApplicationState::AwaitingRegistries),
        State::HearingScheduled => Some(ApplicationState::HearingScheduled),
        State::Registered => Some(ApplicationState::Registered),
        State::Denied => Some(ApplicationState::Denied),
        State::Withdrawn => Some(ApplicationState::Withdrawn),
    }
}

/// The contract's role of an actor.
pub fn actor_role(role: Role) -> common::ActorRole {
    match role {
        Role::Citizen => common::ActorRole::Citizen,
        Role::Operator => common::ActorRole::Operator,
        Role::ProviderHead => common::ActorRole::ProviderHead,
        Role::ComplaintsBody => common::ActorRole::ComplaintsBody,
        Role::Auditor => common::ActorRole::Auditor,
        Role::System => common::ActorRole::System,
    }
}

/// The service's role for a contract value; `None` for unspecified or unknown values.
pub fn role(value: i32) -> Option<Role> {
    match common::ActorRole::try_from(value).ok()? {
        common::ActorRole::Unspecified => None,
        common::ActorRole::Citizen => Some(Role::Citizen),
        common::ActorRole::Operator => Some(Role::Operator),
        common::ActorRole::ProviderHead => Some(Role::ProviderHead),
        common::ActorRole::ComplaintsBody => Some(Role::ComplaintsBody),
        common::ActorRole::Auditor => Some(Role::Auditor),
        common::ActorRole::System => Some(Role::System),
    }
}

/// An application as the contract shows it. The form is decoded from the
/// stored signed bytes: what is shown is what was signed.
pub fn application(stored: &StoredApplication) -> anyhow::Result<pb::Application> {
    let form = pb::ApplicationForm::decode(stored.form_content.as_slice()).map_err(|error| {
        anyhow::Error::new(error).context(format!(
            "the stored form of {} cannot be decoded",
            stored.id
        ))
    })?;
    Ok(pb::Application {
        name: stored.id.name(),
        form: Some(form),
        signature: Some(common::SignatureInfo {
            signer_iin: stored.signature.signer_iin.as_str().to_owned(),
            certificate_serial: stored.signature.certificate_serial.clone(),
            signing_time: Some(timestamp(stored.signature.signing_time)),
            content_sha256: stored.signature.content_sha256.clone(),
        }),
        state: state(stored.state) as i32,
        submit_time: Some(timestamp(stored.submit_time)),
        acceptance_date: Some(date(stored.acceptance_date)),
        processing_deadline: Some(timestamp(stored.processing_deadline)),
        latest_decision: stored.latest_decision.clone().unwrap_or_default(),
        register_entry: stored.register_entry.clone().unwrap_or_default(),
        update_time: Some(timestamp(stored.update_time)),
        etag: stored.etag(),
    })
}

/// An event as the contract shows it.
pub fn event(stored: &StoredEvent) -> pb::ApplicationEvent {
    pb::ApplicationEvent {
        name: stored.name(),
        event_id: stored.event_id.clone(),
        state: state(stored.state) as i32,
        event_time: Some(timestamp(stored.event_time)),
        decision: stored.decision.clone().unwrap_or_default(),
        register_entry: stored.register_entry.clone().unwrap_or_default(),
        processing_deadline: stored.processing_deadline.map(timestamp),
        actor: Some(common::Actor {
            id: stored.actor.id.clone(),
            role: actor_role(stored.actor.role) as i32,
        }),
        rule_codes: stored.rule_codes.clone(),
    }
}
