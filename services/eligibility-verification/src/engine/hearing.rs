//! The hearing of §17 (rule `HEARING`): the applicant states their position
//! until the hearing starts; after it an authorised person decides; with no
//! position by then the denial becomes final on its own.

use housing_platform::caller::Caller;
use housing_platform::error::ServiceError;
use housing_platform::telemetry;
use tracing::Instrument;

use super::decide::DecisionPlan;
use super::{ATTEMPTS_ON_CONFLICT, Engine, contended, failed_precondition};
use crate::adapter::requests::{DecideAfterHearing, Resolution, StatePosition, encode_position};
use crate::model::{Actor, CaseState, DecisionKind, HearingState, Trigger};
use crate::names::CaseId;
use crate::storage::{CaseRecord, DecisionRecord, HearingRecord, PositionRecord, StoreError};

/// The reasons recorded on a denial that became final because no position was stated.
pub const LAPSE_REASONS: &str = "No position was stated before the hearing: the preliminary decision became final (§17, HEARING).";

impl Engine {
    /// Records the applicant's position on the open hearing of `case` (the
    /// caller has been checked to be a party of it). Idempotent on the
    /// request's id; refused once the hearing has started.
    pub async fn state_position(
        &self,
        case: &CaseRecord,
        request: StatePosition,
    ) -> Result<HearingRecord, ServiceError> {
        let store = &self.inner.store;
        if store
            .position_recorded(&case.id, &request.request_id)
            .await?
        {
            return self.hearing_of(&case.id).await;
        }
        if case.state != CaseState::HearingScheduled {
            return Err(failed_precondition(
                "no hearing awaits a position on this case",
            ));
        }
        let hearing = self.hearing_of(&case.id).await?;
        let now = self.now();
        if !hearing.state.is_open() || now >= hearing.position_deadline {
            return Err(failed_precondition(
                "the position deadline has passed: the hearing has started",
            ));
        }
        let position = PositionRecord {
            request_id: request.request_id,
            position: encode_position(request.position, now),
            state_time: now,
        };
        match store
            .state_position(&case.id, hearing.preliminary_decision, &position)
            .await
        {
            Ok(()) | Err(StoreError::Duplicate) => {
                tracing::info!(case = %case.id.case_name(), "position stated");
                self.hearing_of(&case.id).await
            }
            Err(StoreError::Stale) => Err(failed_precondition(
                "the hearing no longer takes positions: its deadline passed or it was decided",
            )),
            Err(error) => Err(error.into()),
        }
    }

    /// The decision of an authorised person after the hearing: the denial
    /// confirmed, or registration. Only once the hearing has been held.
    pub async fn decide_after_hearing(
        &self,
        request: DecideAfterHearing,
        caller: &Caller,
    ) -> Result<DecisionRecord, ServiceError> {
        const METHOD: &str = "DecideAfterHearing";
        if let Some(decision) = self
            .replayed(METHOD, &request.request_id, &request.case_id)
            .await?
        {
            return Ok(decision);
        }
        for _ in 0..ATTEMPTS_ON_CONFLICT {
            let case = self.load_case(&request.case_id).await?;
            if case.state != CaseState::HearingScheduled {
                return Err(failed_precondition(
                    "no hearing awaits a decision on this case",
                ));
            }
            let hearing = self.hearing_of(&case.id).await?;
            if !hearing.state.is_open() {
                return Err(failed_precondition("the hearing was already concluded"));
            }
            let now = self.now();
            if now < hearing.hearing_time {
                return Err(failed_precondition(format!(
                    "the hearing is held at {}: decide after it",
                    hearing.hearing_time.to_rfc3339()
                )));
            }
            let preliminary = self.preliminary_decision(&case, &hearing).await?;
            let application = self.application_of(&case)?;
            let kind = match request.resolution {
                Resolution::ConfirmDenial => DecisionKind::Denied,
                Resolution::Register => DecisionKind::Registered,
            };
            let (commit, decision) = self.decision_commit(DecisionPlan {
                case: &case,
                application: &application,
                kind,
                trigger: Trigger::AfterHearing,
                actor: Actor::of(caller),
                reasons: request.reasons.clone(),
                complaint: None,
                evaluation: preliminary.evaluation,
                closes_hearing: Some((
                    vec![HearingState::Scheduled, HearingState::PositionStated],
                    HearingState::Decided,
                )),
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

    /// Makes the denial of a case final when its hearing started with no
    /// position stated (`TRIGGER_HEARING_LAPSED`, decided by the system).
    /// `None` when the case is not (or no longer) in that situation.
    pub async fn lapse(&self, case_id: &CaseId) -> Result<Option<DecisionRecord>, ServiceError> {
        let case = self.load_case(case_id).await?;
        if case.state != CaseState::HearingScheduled {
            return Ok(None);
        }
        // The final denial and its messages belong to the trace of the application.
        let span = telemetry::with_stored_parent(
            tracing::info_span!(parent: None, "eligibility.lapse", case = %case_id.case_name()),
            case.trace_context.as_deref(),
        );
        self.lapse_case(case).instrument(span).await
    }

    async fn lapse_case(&self, case: CaseRecord) -> Result<Option<DecisionRecord>, ServiceError> {
        let case_id = &case.id;
        let hearing = self.hearing_of(case_id).await?;
        let now = self.now();
        if hearing.state != HearingState::Scheduled || now < hearing.position_deadline {
            return Ok(None);
        }
        let preliminary = self.preliminary_decision(&case, &hearing).await?;
        let application = self.application_of(&case)?;
        let (commit, decision) = self.decision_commit(DecisionPlan {
            case: &case,
            application: &application,
            kind: DecisionKind::Denied,
            trigger: Trigger::HearingLapsed,
            actor: Actor::system(),
            reasons: LAPSE_REASONS.to_owned(),
            complaint: None,
            evaluation: preliminary.evaluation,
            closes_hearing: Some((vec![HearingState::Scheduled], HearingState::Lapsed)),
            request: None,
            now,
        });
        // Losing to a position or an operator is fine: the next sweep looks again.
        self.commit_decision(commit, &decision).await
    }

    async fn hearing_of(&self, case_id: &CaseId) -> Result<HearingRecord, ServiceError> {
        self.inner
            .store
            .hearing(case_id)
            .await?
            .ok_or(ServiceError::NotFound {
                resource: "hearing",
            })
    }

    async fn preliminary_decision(
        &self,
        case: &CaseRecord,
        hearing: &HearingRecord,
    ) -> Result<DecisionRecord, ServiceError> {
        self.inner
            .store
            .decision(&case.id, hearing.preliminary_decision)
            .await?
            .ok_or_else(|| {
                ServiceError::Internal(anyhow::anyhow!("the preliminary decision heard is missing"))
            })
    }
}
