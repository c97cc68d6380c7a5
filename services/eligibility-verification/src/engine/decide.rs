//! A decision and everything that goes with it, as one commit: the case's new
//! state, the register entry, the hearing, and the two outbox messages (the
//! status event for intake, the notice for the filer).

use chrono::{DateTime, Utc};
use housing_domain::eligibility::{Application, CategoryOutcome, Decision as Evaluation};

use super::Engine;
use crate::adapter::outbox::{
    AnnouncedHearing, DecisionNotice, StatusEvent, decision_notice, decision_rule_codes,
    status_event,
};
use crate::model::{Actor, CaseState, DecisionKind, HearingState, Trigger};
use crate::storage::{
    CaseRecord, Commit, DecisionRecord, HearingChange, HearingRecord, NewRegisterEntry,
    RegisterEntryChange, RequestKey,
};

/// What to decide.
#[derive(Debug)]
pub(super) struct DecisionPlan<'a> {
    /// The case as read (its version guards the commit).
    pub case: &'a CaseRecord,
    /// The application, as the rules read it.
    pub application: &'a Application,
    /// What the decision is.
    pub kind: DecisionKind,
    /// Why it is made.
    pub trigger: Trigger,
    /// Who decides.
    pub actor: Actor,
    /// Reasons in words.
    pub reasons: String,
    /// The complaint behind it.
    pub complaint: Option<String>,
    /// The evaluation it rests on.
    pub evaluation: Evaluation,
    /// How an open hearing is closed by this decision: the states it may be
    /// in, and its final state. `None` when no hearing is open.
    pub closes_hearing: Option<(Vec<HearingState>, HearingState)>,
    /// The idempotency key of the call.
    pub request: Option<(&'static str, String)>,
    /// Now.
    pub now: DateTime<Utc>,
}

impl Engine {
    /// The commit of a decision, and the decision itself (for the response).
    pub(super) fn decision_commit(&self, plan: DecisionPlan<'_>) -> (Commit, DecisionRecord) {
        let case = plan.case;
        let number = case.decision_count + 1;
        let decision = DecisionRecord {
            case_id: case.id.clone(),
            number,
            kind: plan.kind,
            trigger: plan.trigger,
            rule_set_version: plan.evaluation.rule_set.id().to_owned(),
            as_of: plan.evaluation.as_of,
            decided_by: plan.actor,
            reasons: plan.reasons,
            complaint: plan.complaint,
            create_time: plan.now,
            evaluation: plan.evaluation,
        };
        let terms = &decision.evaluation.terms;
        let processing_deadline = terms
            .hearing
            .map_or(terms.term_end, |hearing| hearing.term_end);

        let mut next = case.clone();
        next.decision_count = number;
        next.processing_deadline = processing_deadline;
        next.next_attempt_time = None;
        next.update_time = plan.now;

        let hearing_close = plan
            .closes_hearing
            .map(|(expected, state)| HearingChange::Close {
                expected,
                state,
                final_decision: number,
            });
        let (register_entry, hearing) = match decision.kind {
            DecisionKind::Registered => {
                next.state = CaseState::Registered;
                next.register_entry_active = true;
                let category = match decision.evaluation.category {
                    CategoryOutcome::Confirmed { category } => Some(category),
                    CategoryOutcome::NotStated | CategoryOutcome::NotConfirmed { .. } => None,
                };
                let entry = NewRegisterEntry {
                    locality: plan.application.locality,
                    category,
                    submit_time: case.submit_time,
                    registration_date: self.local_date(plan.now),
                    decision: number,
                    publish: plan.application.consents.publication,
                };
                (Some(RegisterEntryChange::Activate(entry)), hearing_close)
            }
            DecisionKind::PreliminaryDenial => {
                next.state = CaseState::HearingScheduled;
                // An entry from an earlier registration stays on the register
                // until a final denial takes it off.
                let schedule = terms.hearing.map(|scheduled| {
                    HearingChange::Schedule(HearingRecord {
                        case_id: case.id.clone(),
                        preliminary_decision: number,
                        state: HearingState::Scheduled,
                        method: self.inner.settings.hearing.method,
                        notice_time: plan.now,
                        hearing_time: scheduled.hearing_at,
                        position_deadline: scheduled.position_deadline,
                        final_decision: None,
                        update_time: plan.now,
                        positions: Vec::new(),
                    })
                });
                (None, schedule)
            }
            DecisionKind::Denied => {
                next.state = CaseState::Denied;
                let off_register = case
                    .register_entry_active
                    .then_some(RegisterEntryChange::Deactivate);
                next.register_entry_active = false;
                (off_register, hearing_close)
            }
        };

        let decision_name = case.id.decision_name(number);
        let event = status_event(&StatusEvent {
            case_id: &case.id,
            event_id: decision_name.clone(),
            state: next.state,
            event_time: plan.now,
            decision: Some(decision_name.clone()),
            register_entry: next
                .register_entry_active
                .then(|| case.id.register_entry_name()),
            processing_deadline,
            actor: &decision.decided_by,
            rule_codes: decision_rule_codes(&decision),
        });
        let application = plan.application.clone();
        let noticed = decision.clone();
        let announced =
            (decision.kind == DecisionKind::PreliminaryDenial).then_some(AnnouncedHearing {
                method: self.inner.settings.hearing.method,
            });
        let time_zone = self.calendar().hours().time_zone();
        let commit = Commit {
            case: next,
            decision: Some(decision.clone()),
            register_entry,
            hearing,
            outbox: Box::new(move |ordinal| {
                let notice = decision_notice(&DecisionNotice {
                    application: &application,
                    decision: &noticed,
                    hearing: announced,
                    register_ordinal: ordinal,
                    time_zone,
                });
                vec![event, notice]
            }),
            request: plan.request.map(|(method, request_id)| RequestKey {
                method,
                request_id,
                result: decision_name,
            }),
        };
        (commit, decision)
    }
}
