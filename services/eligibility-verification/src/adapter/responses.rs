//! Stored records into the contract's resources.

use housing_domain::RuleCode;
use housing_domain::codes::CodeKind;
use housing_domain::eligibility::{CategoryOutcome, Fact, Observation, PersonRole, RuleOutcome};
use housing_proto::housing::common::v1 as common;
use housing_proto::housing::eligibility::v1 as pb;
use housing_proto::housing::intake::v1 as intake;
use prost::Message;

use super::{
    UnknownValue, category_to_wire, date_to_wire, instant_to_wire, register_to_wire, role_to_wire,
};
use crate::model::{CaseState, DecisionKind, HearingMethod, HearingState, Trigger};
use crate::storage::{
    CaseRecord, DecisionRecord, HearingRecord, PublishedEntry, RegisterEntryRecord,
};

/// A case. The form is the stored one, decoded (a form that cannot be
/// decoded is left out rather than failing the read).
pub fn case(record: &CaseRecord) -> pb::Case {
    pb::Case {
        name: record.id.case_name(),
        application: record.id.application_name(),
        form: intake::ApplicationForm::decode(record.form.as_slice()).ok(),
        submit_time: Some(instant_to_wire(record.submit_time)),
        acceptance_date: Some(date_to_wire(record.acceptance_date)),
        processing_deadline: Some(instant_to_wire(record.processing_deadline)),
        state: case_state(record.state) as i32,
        latest_decision: record
            .latest_decision()
            .map(|number| record.id.decision_name(number))
            .unwrap_or_default(),
        register_entry: if record.register_entry_active {
            record.id.register_entry_name()
        } else {
            String::new()
        },
        registry_attempts: i32::try_from(record.registry_attempts).unwrap_or(i32::MAX),
        // The next attempt is shown only while the case waits for registers;
        // otherwise it is a worker's lease, not something to announce.
        next_attempt_time: (record.state == CaseState::AwaitingRegistries)
            .then_some(record.next_attempt_time)
            .flatten()
            .map(instant_to_wire),
        operator_alert_time: record.operator_alert_time.map(instant_to_wire),
        update_time: Some(instant_to_wire(record.update_time)),
    }
}

/// The contract's state of a case.
pub fn case_state(state: CaseState) -> pb::case::State {
    match state {
        CaseState::Verifying => pb::case::State::Verifying,
        CaseState::AwaitingRegistries => pb::case::State::AwaitingRegistries,
        CaseState::HearingScheduled => pb::case::State::HearingScheduled,
        CaseState::Registered => pb::case::State::Registered,
        CaseState::Denied => pb::case::State::Denied,
        CaseState::Withdrawn => pb::case::State::Withdrawn,
    }
}

/// The case state a contract state names; `None` for unspecified.
pub fn case_state_from_wire(value: i32) -> Result<Option<CaseState>, UnknownValue> {
    Ok(Some(
        match pb::case::State::try_from(value).map_err(|_| UnknownValue)? {
            pb::case::State::Unspecified => return Ok(None),
            pb::case::State::Verifying => CaseState::Verifying,
            pb::case::State::AwaitingRegistries => CaseState::AwaitingRegistries,
            pb::case::State::HearingScheduled => CaseState::HearingScheduled,
            pb::case::State::Registered => CaseState::Registered,
            pb::case::State::Denied => CaseState::Denied,
            pb::case::State::Withdrawn => CaseState::Withdrawn,
        },
    ))
}

/// The hearing state a contract state names; `None` for unspecified.
pub fn hearing_state_from_wire(value: i32) -> Result<Option<HearingState>, UnknownValue> {
    Ok(Some(
        match pb::hearing::State::try_from(value).map_err(|_| UnknownValue)? {
            pb::hearing::State::Unspecified => return Ok(None),
            pb::hearing::State::Scheduled => HearingState::Scheduled,
            pb::hearing::State::PositionStated => HearingState::PositionStated,
            pb::hearing::State::Decided => HearingState::Decided,
            pb::hearing::State::Lapsed => HearingState::Lapsed,
        },
    ))
}

/// A decision.
pub fn decision(record: &DecisionRecord) -> pb::Decision {
    let evaluation = &record.evaluation;
    let evaluations = evaluation
        .evaluations
        .iter()
        .map(|rule| pb::RuleEvaluation {
            code: rule.code.as_str().to_owned(),
            outcome: rule_outcome(rule.outcome) as i32,
            facts: rule.facts.iter().map(fact_to_wire).collect(),
            explanation: explanation(rule.code, rule.outcome, &rule.failed_requirements),
        })
        .collect();
    // A registration lists no grounds, even when it rests on an evaluation
    // that found some (after a hearing or a complaint).
    let grounds = match record.kind {
        DecisionKind::Registered => Vec::new(),
        DecisionKind::PreliminaryDenial | DecisionKind::Denied => evaluation
            .grounds()
            .iter()
            .map(|ground| pb::Ground {
                code: ground.code.as_str().to_owned(),
                requirement_codes: ground
                    .failed_requirements
                    .iter()
                    .map(|code| code.as_str().to_owned())
                    .collect(),
                facts: ground.facts.iter().map(fact_to_wire).collect(),
            })
            .collect(),
    };
    let hearing = evaluation.terms.hearing;
    pb::Decision {
        name: record.case_id.decision_name(record.number),
        outcome: decision_outcome(record.kind) as i32,
        trigger: trigger(record.trigger) as i32,
        rule_set_version: record.rule_set_version.clone(),
        as_of_date: Some(date_to_wire(record.as_of)),
        evaluations,
        grounds,
        category: Some(category_outcome(evaluation.category)),
        terms: Some(pb::Terms {
            processing_term_code: evaluation.terms.processing_term.as_str().to_owned(),
            processing_deadline: Some(instant_to_wire(
                hearing.map_or(evaluation.terms.term_end, |hearing| hearing.term_end),
            )),
            hearing_notice_time: (record.kind == DecisionKind::PreliminaryDenial)
                .then(|| instant_to_wire(record.create_time)),
            hearing_time: hearing.map(|hearing| instant_to_wire(hearing.hearing_at)),
            position_deadline: hearing.map(|hearing| instant_to_wire(hearing.position_deadline)),
        }),
        decided_by: Some(common::Actor {
            id: record.decided_by.id.clone(),
            role: role_to_wire(record.decided_by.role) as i32,
        }),
        reasons: record.reasons.clone(),
        complaint: record.complaint.clone().unwrap_or_default(),
        create_time: Some(instant_to_wire(record.create_time)),
        trace: trace(record),
    }
}

/// The trace of the evaluation, headed by who made the decision when it was
/// not the evaluation itself. No names, no IINs.
fn trace(record: &DecisionRecord) -> String {
    let evaluation_trace = record.evaluation.trace();
    match record.trigger {
        Trigger::Initial | Trigger::Reevaluation => evaluation_trace,
        Trigger::AfterHearing | Trigger::HearingLapsed | Trigger::Complaint => format!(
            "{} {} by {} {}, on the evaluation below\n{evaluation_trace}",
            record.kind.as_str(),
            record.trigger.as_str(),
            record.decided_by.role.as_str(),
            record.decided_by.id,
        ),
    }
}

fn decision_outcome(kind: DecisionKind) -> pb::decision::Outcome {
    match kind {
        DecisionKind::Registered => pb::decision::Outcome::Registered,
        DecisionKind::PreliminaryDenial => pb::decision::Outcome::PreliminaryDenial,
        DecisionKind::Denied => pb::decision::Outcome::Denied,
    }
}

fn trigger(trigger: Trigger) -> pb::decision::Trigger {
    match trigger {
        Trigger::Initial => pb::decision::Trigger::Initial,
        Trigger::Reevaluation => pb::decision::Trigger::Reevaluation,
        Trigger::AfterHearing => pb::decision::Trigger::AfterHearing,
        Trigger::HearingLapsed => pb::decision::Trigger::HearingLapsed,
        Trigger::Complaint => pb::decision::Trigger::Complaint,
    }
}

fn rule_outcome(outcome: RuleOutcome) -> pb::RuleOutcome {
    match outcome {
        RuleOutcome::Holds => pb::RuleOutcome::Holds,
        RuleOutcome::Fails => pb::RuleOutcome::Fails,
        RuleOutcome::NotApplicable => pb::RuleOutcome::NotApplicable,
    }
}

fn explanation(code: RuleCode, outcome: RuleOutcome, failed: &[RuleCode]) -> String {
    let ground = code.kind() == CodeKind::Ground;
    let text = match (outcome, ground) {
        (RuleOutcome::Holds, true) => "ground for denial found",
        (RuleOutcome::Fails, true) => "ground for denial not found",
        (RuleOutcome::Holds, false) => "requirement met",
        (RuleOutcome::Fails, false) => "requirement not met",
        (RuleOutcome::NotApplicable, _) => "not applicable to this application",
    };
    if failed.is_empty() {
        text.to_owned()
    } else {
        let failed: Vec<&str> = failed.iter().map(|code| code.as_str()).collect();
        format!("{text}: {}", failed.join(", "))
    }
}

fn category_outcome(outcome: CategoryOutcome) -> pb::CategoryOutcome {
    match outcome {
        CategoryOutcome::NotStated => pb::CategoryOutcome {
            stated: 0,
            confirmed: 0,
            code: RuleCode::Category.as_str().to_owned(),
        },
        CategoryOutcome::Confirmed { category } => pb::CategoryOutcome {
            stated: category_to_wire(category) as i32,
            confirmed: category_to_wire(category) as i32,
            code: RuleCode::Category.as_str().to_owned(),
        },
        CategoryOutcome::NotConfirmed { stated } => pb::CategoryOutcome {
            stated: category_to_wire(stated) as i32,
            confirmed: 0,
            code: RuleCode::CategoryNotConfirmed.as_str().to_owned(),
        },
    }
}

/// The masked subject of a fact: "applicant", "spouse", "child-1", …
pub fn subject(role: PersonRole) -> String {
    match role {
        PersonRole::Applicant => "applicant".to_owned(),
        PersonRole::Representative => "representative".to_owned(),
        PersonRole::Spouse => "spouse".to_owned(),
        PersonRole::Child(ordinal) => format!("child-{ordinal}"),
        PersonRole::OtherMember(ordinal) => format!("member-{ordinal}"),
        PersonRole::Resident(ordinal) => format!("resident-{ordinal}"),
    }
}

fn fact_to_wire(fact: &Fact) -> pb::Fact {
    let record_key = fact
        .property
        .as_ref()
        .map(|property| property.as_str().to_owned())
        .or_else(|| match &fact.observation {
            Observation::TechnicalReportAttached { report_number, .. } => {
                Some(report_number.clone())
            }
            Observation::ExpertCertificate {
                certificate_number, ..
            }
            | Observation::ExpertCertificateUnknown { certificate_number } => {
                Some(certificate_number.clone())
            }
            _ => None,
        })
        .unwrap_or_default();
    pb::Fact {
        register: register_to_wire(fact.register) as i32,
        subject: fact
            .person
            .map(|person| subject(person.role))
            .unwrap_or_default(),
        subject_iin: fact
            .person
            .map(|person| person.iin.as_str().to_owned())
            .unwrap_or_default(),
        record_key,
        date: fact.date.map(date_to_wire),
        description: fact.describe(),
    }
}

/// A hearing with its positions.
pub fn hearing(record: &HearingRecord) -> pb::Hearing {
    pb::Hearing {
        name: record.case_id.hearing_name(),
        preliminary_decision: record.case_id.decision_name(record.preliminary_decision),
        state: hearing_state(record.state) as i32,
        notice_time: Some(instant_to_wire(record.notice_time)),
        hearing_time: Some(instant_to_wire(record.hearing_time)),
        method: hearing_method(record.method) as i32,
        position_deadline: Some(instant_to_wire(record.position_deadline)),
        positions: record
            .positions
            .iter()
            .filter_map(|position| pb::Position::decode(position.position.as_slice()).ok())
            .collect(),
        final_decision: record
            .final_decision
            .map(|number| record.case_id.decision_name(number))
            .unwrap_or_default(),
    }
}

fn hearing_state(state: HearingState) -> pb::hearing::State {
    match state {
        HearingState::Scheduled => pb::hearing::State::Scheduled,
        HearingState::PositionStated => pb::hearing::State::PositionStated,
        HearingState::Decided => pb::hearing::State::Decided,
        HearingState::Lapsed => pb::hearing::State::Lapsed,
    }
}

/// The contract's method of a hearing.
pub fn hearing_method(method: HearingMethod) -> pb::hearing::Method {
    match method {
        HearingMethod::WrittenPersonalAccount => pb::hearing::Method::WrittenPersonalAccount,
        HearingMethod::VideoConference => pb::hearing::Method::VideoConference,
    }
}

/// The KATO code of a locality's region: its first two digits, then zeros.
pub fn region_kato(locality: &str) -> String {
    format!("{}0000000", &locality[..2.min(locality.len())])
}

/// A register entry with its position.
pub fn register_entry(record: &RegisterEntryRecord, position: i64) -> pb::RegisterEntry {
    pb::RegisterEntry {
        name: record.case_id.register_entry_name(),
        ordinal: record.ordinal,
        application: record.case_id.application_name(),
        locality_kato: record.locality.as_str().to_owned(),
        region_kato: region_kato(record.locality.as_str()),
        category: record
            .category
            .map_or(0, |category| category_to_wire(category) as i32),
        submit_time: Some(instant_to_wire(record.submit_time)),
        registration_date: Some(date_to_wire(record.registration_date)),
        decision: record.case_id.decision_name(record.decision),
        position,
    }
}

/// A published entry: no name, no IIN.
pub fn published_entry(entry: &PublishedEntry) -> pb::PublishedRegisterEntry {
    pb::PublishedRegisterEntry {
        ordinal: entry.ordinal,
        locality_kato: entry.locality.as_str().to_owned(),
        registration_date: Some(date_to_wire(entry.registration_date)),
        category: entry
            .category
            .map_or(0, |category| category_to_wire(category) as i32),
    }
}
