//! Opening a case, deciding it from the registers' facts (the worker's job),
//! re-evaluating it, registering it on a complaint's decision, withdrawing it.

use chrono::{DateTime, Utc};
use housing_domain::calendar::{CalendarError, HearingSlot};
use housing_domain::eligibility::{
    Application, Decision as Evaluation, DecisionOutcome, EvaluationError, RuleSetVersion,
    Scheduling, evaluate, processing_term,
};
use housing_platform::caller::Caller;
use housing_platform::error::{Reason, ServiceError, Violation};
use housing_platform::telemetry;

use super::decide::DecisionPlan;
use super::{ATTEMPTS_ON_CONFLICT, Engine, contended, delta, failed_precondition};
use crate::adapter::form::{OpenCase, stored_application};
use crate::adapter::outbox::{StatusEvent, status_event};
use crate::adapter::requests::{ReevaluateCase, RegisterByComplaint};
use crate::model::{Actor, CaseState, DecisionKind, HearingState, Trigger};
use crate::names::CaseId;
use crate::storage::{CaseRecord, Commit, DecisionRecord, NewCase, StoreError};

/// What became of a case the worker took.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EvaluationOutcome {
    /// Decided.
    Decided(DecisionKind),
    /// Not decided: it waits for the registers (or the calendar) and is retried.
    Waiting,
    /// Someone else changed the case meanwhile; nothing was written.
    Superseded,
    /// The result could not be written; the case is taken again when its lease ends.
    NotWritten,
}

impl Engine {
    /// Opens a case for an accepted application, due for evaluation at once.
    /// Idempotent on the application: a redelivery returns the case opened first.
    pub async fn open_case(&self, open: OpenCase) -> Result<CaseRecord, ServiceError> {
        let application = &open.application;
        let processing_deadline = self.processing_deadline(application)?;
        let case = NewCase {
            id: open.case_id.clone(),
            request_id: open.request_id,
            form: open.form,
            applicant: application.applicant,
            representative: application
                .representative
                .map(|representative| representative.iin),
            locality: application.locality,
            track: application.track,
            submit_time: application.submitted_at,
            acceptance_date: application.acceptance_date,
            processing_deadline,
            now: self.now(),
            // The evaluations continue the trace of this call.
            trace_context: telemetry::current_trace_context(),
        };
        match self.inner.store.insert_case(&case).await {
            Ok(()) => {
                tracing::info!(case = %case.id.case_name(), "case opened");
                // Answered as written (the worker may decide it any moment now).
                let opened = CaseRecord::opened(case);
                self.inner.evaluation_wakeup.notify_one();
                Ok(opened)
            }
            Err(StoreError::Duplicate) => {
                tracing::info!(case = %case.id.case_name(), "case already open: redelivery answered");
                self.load_case(&open.case_id).await
            }
            Err(error) => Err(error.into()),
        }
    }

    /// The close of the processing term of an application, after checking
    /// that its acceptance day is the calendar's and a rule set is in force.
    fn processing_deadline(
        &self,
        application: &Application,
    ) -> Result<DateTime<Utc>, ServiceError> {
        let mut violations = Vec::new();
        if RuleSetVersion::in_force_on(application.acceptance_date).is_err() {
            violations.push(Violation::new(
                "acceptance_date",
                "no rule set is in force on that day",
            ));
        }
        let calendar = self.calendar();
        let deadline = calendar
            .acceptance_day(application.submitted_at)
            .and_then(|acceptance_day| {
                if acceptance_day != application.acceptance_date {
                    violations.push(Violation::new(
                        "acceptance_date",
                        "not the acceptance day the working calendar gives for submit_time",
                    ));
                }
                calendar.term_end(
                    application.acceptance_date,
                    processing_term(application.track).working_days(),
                )
            })
            .map_err(calendar_error)?;
        if violations.is_empty() {
            Ok(deadline)
        } else {
            Err(ServiceError::invalid(violations))
        }
    }

    /// Gathers the facts of a case the worker claimed and decides it; a
    /// registry fault (or any other reason it cannot be decided now) makes it
    /// wait and be retried with backoff — never a denial.
    pub async fn evaluate_claimed(&self, case: CaseRecord) -> EvaluationOutcome {
        let case_name = case.id.case_name();
        let attempts = case.registry_attempts + 1;
        let application = match stored_application(
            &case.form,
            case.submit_time,
            case.acceptance_date,
        ) {
            Ok((_, application)) => application,
            Err(problem) => {
                tracing::error!(case = %case_name, %problem, "the case cannot be read; retried later");
                return self.wait(case, attempts, false).await;
            }
        };
        let facts = match self
            .inner
            .registry
            .gather(&application, &case.id, crate::registry::ON_BEHALF_OF_SYSTEM)
            .await
        {
            Ok(facts) => facts,
            Err(fault) => {
                tracing::warn!(case = %case_name, attempt = attempts, %fault, "registers did not answer; the case waits");
                return self.wait(case, attempts, true).await;
            }
        };
        let now = self.now();
        let evaluation = match self.evaluate(&application, &facts, now) {
            Ok(evaluation) => evaluation,
            Err(error) => {
                tracing::error!(case = %case_name, %error, "the case cannot be evaluated; retried later");
                return self.wait(case, attempts, false).await;
            }
        };
        let kind = initial_kind(&evaluation);
        let mut case = case;
        case.registry_attempts = attempts;
        let (commit, _) = self.decision_commit(DecisionPlan {
            case: &case,
            application: &application,
            kind,
            trigger: Trigger::Initial,
            actor: Actor::system(),
            reasons: String::new(),
            complaint: None,
            evaluation,
            closes_hearing: None,
            request: None,
            now,
        });
        match self.inner.store.commit(commit).await {
            Ok(()) => {
                tracing::info!(case = %case_name, decision = %case.id.decision_name(case.decision_count + 1), outcome = kind.as_str(), "case decided");
                self.outbox_written();
                EvaluationOutcome::Decided(kind)
            }
            Err(StoreError::Stale) => {
                tracing::info!(case = %case_name, "case changed during evaluation; result dropped");
                EvaluationOutcome::Superseded
            }
            Err(error) => {
                tracing::error!(case = %case_name, %error, "the decision could not be written; retried after the lease");
                EvaluationOutcome::NotWritten
            }
        }
    }

    /// Evaluates with the rule set in force on the acceptance date, the
    /// calendar and the configured hearing slot.
    fn evaluate(
        &self,
        application: &Application,
        facts: &housing_domain::eligibility::RegistryFacts,
        now: DateTime<Utc>,
    ) -> Result<Evaluation, EvaluationError> {
        let rule_set = RuleSetVersion::in_force_on(application.acceptance_date)?;
        let scheduling = Scheduling {
            calendar: self.calendar(),
            decided_at: now,
            hearing_slot: HearingSlot::at(self.inner.settings.hearing.slot),
        };
        evaluate(application, facts, rule_set, &scheduling)
    }

    /// Records a failed attempt: the case waits (for the registers when
    /// `registry_fault`), its next attempt backs off, and operators are alerted
    /// once when its processing term ends within the alert margin.
    async fn wait(
        &self,
        case: CaseRecord,
        attempts: i64,
        registry_fault: bool,
    ) -> EvaluationOutcome {
        let now = self.now();
        let settings = &self.inner.settings;
        let failures = u32::try_from(attempts).unwrap_or(u32::MAX);
        let mut next_attempt = now + delta(settings.registry_retry.after_failures(failures));
        let alert_at = case.processing_deadline - delta(settings.alert_margin);
        let mut next = case.clone();
        next.registry_attempts = attempts;
        next.update_time = now;
        if case.operator_alert_time.is_none() {
            if now >= alert_at {
                next.operator_alert_time = Some(now);
                tracing::warn!(
                    case = %case.id.case_name(),
                    processing_deadline = %case.processing_deadline.to_rfc3339(),
                    attempts,
                    "operators alerted: the case is still not decided and its processing term ends within the alert margin"
                );
            } else {
                // Wake in time to alert, however long the backoff has grown.
                next_attempt = next_attempt.min(alert_at);
            }
        }
        next.next_attempt_time = Some(next_attempt);
        let entering_wait = registry_fault && case.state == CaseState::Verifying;
        if registry_fault {
            next.state = CaseState::AwaitingRegistries;
        }
        let event = entering_wait.then(|| {
            status_event(&StatusEvent {
                case_id: &case.id,
                event_id: format!("{}/awaiting-registries", case.id.case_name()),
                state: CaseState::AwaitingRegistries,
                event_time: now,
                decision: None,
                register_entry: None,
                processing_deadline: case.processing_deadline,
                actor: &Actor::system(),
                rule_codes: Vec::new(),
            })
        });
        let commit = Commit {
            case: next,
            decision: None,
            register_entry: None,
            hearing: None,
            outbox: Box::new(move |_| event.into_iter().collect()),
            request: None,
        };
        match self.inner.store.commit(commit).await {
            Ok(()) => {
                if entering_wait {
                    self.outbox_written();
                }
                EvaluationOutcome::Waiting
            }
            Err(StoreError::Stale) => EvaluationOutcome::Superseded,
            Err(error) => {
                tracing::error!(case = %case.id.case_name(), %error, "the wait could not be recorded; retried after the lease");
                EvaluationOutcome::NotWritten
            }
        }
    }

    /// Evaluates a decided case again with fresh registry data, at the
    /// request of an operator, the head of the provider or a system (a
    /// complaint's decision); recorded as a new decision. A registry fault
    /// fails the call (UNAVAILABLE) and records nothing.
    pub async fn reevaluate(
        &self,
        request: ReevaluateCase,
        caller: &Caller,
    ) -> Result<DecisionRecord, ServiceError> {
        const METHOD: &str = "ReevaluateCase";
        if let Some(decision) = self
            .replayed(METHOD, &request.request_id, &request.case_id)
            .await?
        {
            return Ok(decision);
        }
        for _ in 0..ATTEMPTS_ON_CONFLICT {
            let case = self.load_case(&request.case_id).await?;
            if !matches!(
                case.state,
                CaseState::HearingScheduled | CaseState::Registered | CaseState::Denied
            ) {
                return Err(failed_precondition(format!(
                    "a case in state {} cannot be re-evaluated",
                    case.state
                )));
            }
            let application = self.application_of(&case)?;
            let facts = self
                .inner
                .registry
                .gather(&application, &case.id, caller.id())
                .await
                .map_err(|fault| {
                    tracing::warn!(case = %case.id.case_name(), %fault, "re-evaluation: registers did not answer");
                    ServiceError::Unavailable {
                        reason: Reason::RegisterUnavailable,
                        message: "a state register did not answer; nothing was decided; retry later"
                            .to_owned(),
                    }
                })?;
            let now = self.now();
            let evaluation = self.evaluate(&application, &facts, now).map_err(|error| {
                failed_precondition(format!("the case cannot be evaluated: {error}"))
            })?;
            let kind = initial_kind(&evaluation);
            let closes_hearing = (kind == DecisionKind::Registered
                && case.state == CaseState::HearingScheduled)
                .then(|| {
                    (
                        vec![HearingState::Scheduled, HearingState::PositionStated],
                        HearingState::Decided,
                    )
                });
            let (commit, decision) = self.decision_commit(DecisionPlan {
                case: &case,
                application: &application,
                kind,
                trigger: Trigger::Reevaluation,
                actor: Actor::of(caller),
                reasons: request.reason.clone(),
                complaint: request.complaint.clone(),
                evaluation,
                closes_hearing,
                request: Some((METHOD, request.request_id.clone())),
                now,
            });
            match self.commit_decision(commit, &decision).await? {
                Some(decision) => return Ok(decision),
                None => continue,
            }
        }
        Err(contended())
    }

    /// Registers the applicant on the order of a decision that satisfied a
    /// complaint; recorded as a new decision resting on the latest evaluation.
    pub async fn register_by_complaint(
        &self,
        request: RegisterByComplaint,
        caller: &Caller,
    ) -> Result<DecisionRecord, ServiceError> {
        const METHOD: &str = "RegisterByComplaintDecision";
        if let Some(decision) = self
            .replayed(METHOD, &request.request_id, &request.case_id)
            .await?
        {
            return Ok(decision);
        }
        for _ in 0..ATTEMPTS_ON_CONFLICT {
            let case = self.load_case(&request.case_id).await?;
            let closes_hearing = match case.state {
                CaseState::HearingScheduled => Some((
                    vec![HearingState::Scheduled, HearingState::PositionStated],
                    HearingState::Decided,
                )),
                CaseState::Denied => None,
                CaseState::Registered => {
                    return Err(failed_precondition("the applicant is already registered"));
                }
                other => {
                    return Err(failed_precondition(format!(
                        "a case in state {other} has no decision a complaint could reverse"
                    )));
                }
            };
            let latest = self.latest_decision(&case).await?;
            let application = self.application_of(&case)?;
            let (commit, decision) = self.decision_commit(DecisionPlan {
                case: &case,
                application: &application,
                kind: DecisionKind::Registered,
                trigger: Trigger::Complaint,
                actor: Actor::of(caller),
                reasons: request.reasons.clone(),
                complaint: Some(request.complaint.clone()),
                evaluation: latest.evaluation,
                closes_hearing,
                request: Some((METHOD, request.request_id.clone())),
                now: self.now(),
            });
            match self.commit_decision(commit, &decision).await? {
                Some(decision) => return Ok(decision),
                None => continue,
            }
        }
        Err(contended())
    }

    /// Closes a case whose application was withdrawn before a final decision.
    /// Withdrawing a withdrawn case returns it as it is.
    pub async fn withdraw(&self, case_id: &CaseId) -> Result<CaseRecord, ServiceError> {
        for _ in 0..ATTEMPTS_ON_CONFLICT {
            let case = self.load_case(case_id).await?;
            match case.state {
                CaseState::Withdrawn => return Ok(case),
                CaseState::Registered | CaseState::Denied => {
                    return Err(failed_precondition(
                        "a final decision was made: the case can no longer be withdrawn",
                    ));
                }
                CaseState::Verifying
                | CaseState::AwaitingRegistries
                | CaseState::HearingScheduled => {}
            }
            let mut next = case.clone();
            next.state = CaseState::Withdrawn;
            next.next_attempt_time = None;
            next.update_time = self.now();
            let commit = Commit {
                case: next,
                decision: None,
                register_entry: None,
                hearing: None,
                outbox: Box::new(|_| Vec::new()),
                request: None,
            };
            match self.inner.store.commit(commit).await {
                Ok(()) => {
                    tracing::info!(case = %case_id.case_name(), "case withdrawn");
                    return self.load_case(case_id).await;
                }
                Err(StoreError::Stale) => continue,
                Err(error) => return Err(error.into()),
            }
        }
        Err(contended())
    }

    /// The decision an earlier call with this idempotency key made, if any.
    pub(super) async fn replayed(
        &self,
        method: &str,
        request_id: &str,
        case_id: &CaseId,
    ) -> Result<Option<DecisionRecord>, ServiceError> {
        let Some((recorded_case, result)) =
            self.inner.store.request_result(method, request_id).await?
        else {
            return Ok(None);
        };
        if recorded_case != *case_id {
            return Err(ServiceError::invalid_field(
                "request_id",
                "already used for another case",
            ));
        }
        let (_, number) = CaseId::from_decision_name(&result).map_err(|_| {
            ServiceError::Internal(anyhow::anyhow!("a stored request result is not a decision"))
        })?;
        let decision = self
            .inner
            .store
            .decision(case_id, number)
            .await?
            .ok_or_else(|| {
                ServiceError::Internal(anyhow::anyhow!("a replayed decision is missing"))
            })?;
        Ok(Some(decision))
    }

    /// Writes a decision's commit: the decision on success, `None` when the
    /// case changed meanwhile (try again), the earlier decision when the same
    /// request won a race.
    pub(super) async fn commit_decision(
        &self,
        commit: Commit,
        decision: &DecisionRecord,
    ) -> Result<Option<DecisionRecord>, ServiceError> {
        let request = commit.request.clone();
        match self.inner.store.commit(commit).await {
            Ok(()) => {
                tracing::info!(
                    case = %decision.case_id.case_name(),
                    decision = %decision.case_id.decision_name(decision.number),
                    outcome = decision.kind.as_str(),
                    trigger = decision.trigger.as_str(),
                    decided_by = %decision.decided_by.id,
                    "decision recorded"
                );
                self.outbox_written();
                Ok(Some(decision.clone()))
            }
            Err(StoreError::Stale) => Ok(None),
            Err(StoreError::Duplicate) => match request {
                Some(request) => {
                    self.replayed(request.method, &request.request_id, &decision.case_id)
                        .await
                }
                None => Err(ServiceError::Internal(anyhow::anyhow!(
                    "a decision collided with an existing one"
                ))),
            },
            Err(error) => Err(error.into()),
        }
    }

    /// The application of a stored case.
    pub(super) fn application_of(&self, case: &CaseRecord) -> Result<Application, ServiceError> {
        stored_application(&case.form, case.submit_time, case.acceptance_date)
            .map(|(_, application)| application)
            .map_err(|problem| ServiceError::Internal(anyhow::anyhow!(problem)))
    }

    /// The latest decision of a case that has one.
    pub(super) async fn latest_decision(
        &self,
        case: &CaseRecord,
    ) -> Result<DecisionRecord, ServiceError> {
        let number = case
            .latest_decision()
            .ok_or_else(|| failed_precondition("the case has no decision yet"))?;
        self.inner
            .store
            .decision(&case.id, number)
            .await?
            .ok_or_else(|| {
                ServiceError::Internal(anyhow::anyhow!("the latest decision is missing"))
            })
    }
}

/// A fresh evaluation registers or finds grounds (a preliminary decision).
fn initial_kind(evaluation: &Evaluation) -> DecisionKind {
    match evaluation.outcome {
        DecisionOutcome::Register { .. } => DecisionKind::Registered,
        DecisionOutcome::GroundsFound { .. } => DecisionKind::PreliminaryDenial,
    }
}

/// The calendar cannot answer: not the caller's fault, and not a decision.
fn calendar_error(error: CalendarError) -> ServiceError {
    match error {
        CalendarError::YearNotCovered(year) => failed_precondition(format!(
            "the working calendar has no data for {year}; load it (HOUSING_CALENDAR_FILES)"
        )),
        other => ServiceError::Internal(anyhow::Error::new(other)),
    }
}
