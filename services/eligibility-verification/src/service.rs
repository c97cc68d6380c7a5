//! `housing.eligibility.v1.EligibilityService`: the gRPC edge. Each method
//! identifies the caller, parses the request (adapter), checks access, asks
//! the engine or the store, and maps the result back (adapter). Errors reach
//! the caller through the one mapping of `housing-platform`.
//!
//! Which roles may call which RPC is declared once, in
//! `housing_platform::authorization::TABLE`, and enforced before any handler
//! runs; the handlers check only what depends on the data.
//!
//! Access (docs/eligibility-verification.md): a citizen reads only cases
//! where they are the applicant or the representative (others are NOT_FOUND:
//! not theirs to know of); operators, the head of the provider, the
//! complaints body and the suite's systems read all.
//!
//! Every call that reads or changes a case's data is recorded in the audit
//! trail (`housing_platform::audit`) with the caller, the persons of the case
//! (applicant, representative, declared family) and the case's name: a
//! change right after the engine has stored it, a read before the data is
//! returned. When the trail cannot be written the call fails with
//! UNAVAILABLE and returns nothing. Log lines carry the caller's role and id,
//! never an IIN.

use housing_domain::Iin;
use housing_platform::audit::{Access, AuditAction, Auditor};
use housing_platform::caller::{Caller, Role};
use housing_platform::error::ServiceError;
use housing_proto::housing::eligibility::v1 as pb;
use housing_proto::housing::eligibility::v1::eligibility_service_server::{
    EligibilityService, SERVICE_NAME,
};
use housing_proto::housing::intake::v1 as intake;
use prost::Message;
use tonic::{Request, Response, Status};

use crate::adapter::form::parse_open_case;
use crate::adapter::requests::{self, page_token};
use crate::adapter::responses;
use crate::engine::Engine;
use crate::names::CaseId;
use crate::storage::{CaseFilter, CaseRecord, HearingFilter};

/// Staff and systems that read every case.
const READERS_OF_ALL: [Role; 4] = [
    Role::Operator,
    Role::ProviderHead,
    Role::ComplaintsBody,
    Role::System,
];

/// The service over the engine.
#[derive(Debug, Clone)]
pub struct EligibilityApi {
    engine: Engine,
    auditor: Auditor,
}

impl EligibilityApi {
    /// The service, recording every access with `auditor`.
    pub fn new(engine: Engine, auditor: Auditor) -> Self {
        Self { engine, auditor }
    }

    /// Records `accesses` through `method` of this service.
    async fn audit(
        &self,
        caller: &Caller,
        method: &str,
        action: AuditAction,
        accesses: impl IntoIterator<Item = Access>,
    ) -> Result<(), Status> {
        self.auditor
            .record_all(
                caller,
                &format!("/{SERVICE_NAME}/{method}"),
                action,
                accesses,
            )
            .await
            .map_err(Status::from)
    }

    /// The access to the case `id` names: its persons, read from the store.
    async fn access_to(&self, id: &CaseId) -> Result<Access, Status> {
        let case = self
            .engine
            .store()
            .case(id)
            .await
            .map_err(ServiceError::from)?
            .ok_or(ServiceError::NotFound { resource: "case" })?;
        Ok(access(&case))
    }

    /// A case the caller may read, or NOT_FOUND; the read is logged.
    async fn readable_case(
        &self,
        caller: &Caller,
        id: &CaseId,
    ) -> Result<CaseRecord, ServiceError> {
        let case = self
            .engine
            .store()
            .case(id)
            .await?
            .ok_or(ServiceError::NotFound { resource: "case" })?;
        authorize_read(caller, &case)?;
        tracing::info!(
            caller_role = caller.role().as_str(),
            caller_id = caller.id(),
            case = %id.case_name(),
            "case data read"
        );
        Ok(case)
    }
}

fn caller_of<T>(request: &Request<T>) -> Result<Caller, ServiceError> {
    Caller::from_metadata(request.metadata())
}

/// The persons a case concerns: the applicant, the representative and the
/// family members its form declares.
fn access(case: &CaseRecord) -> Access {
    let declared: Vec<Iin> = intake::ApplicationForm::decode(case.form.as_slice())
        .map(|form| {
            form.declared_family
                .iter()
                .filter_map(|member| Iin::parse(&member.iin).ok())
                .collect()
        })
        .unwrap_or_default();
    Access::new(
        case.id.case_name(),
        std::iter::once(&case.applicant)
            .chain(case.representative.as_ref())
            .chain(&declared),
    )
}

/// Whether `caller` may read `case`: staff and systems always, a citizen only
/// their own (others are hidden as NOT_FOUND), anyone else never.
fn authorize_read(caller: &Caller, case: &CaseRecord) -> Result<(), ServiceError> {
    if READERS_OF_ALL.contains(&caller.role()) {
        return Ok(());
    }
    match caller.iin() {
        Some(iin) if caller.role() == Role::Citizen => {
            if case.is_party(iin) {
                Ok(())
            } else {
                Err(ServiceError::NotFound { resource: "case" })
            }
        }
        _ => Err(ServiceError::PermissionDenied),
    }
}

/// For lists: `None` for readers of all, the citizen's IIN to filter by, or denied.
fn list_scope(caller: &Caller) -> Result<Option<housing_domain::Iin>, ServiceError> {
    if READERS_OF_ALL.contains(&caller.role()) {
        return Ok(None);
    }
    match (caller.role(), caller.iin()) {
        (Role::Citizen, Some(iin)) => Ok(Some(*iin)),
        _ => Err(ServiceError::PermissionDenied),
    }
}

/// The first `size` items and the token of the next page, if there is one
/// (the store was asked for one more than the page).
fn paginate<T, C: requests::Cursor>(
    mut items: Vec<T>,
    size: i64,
    cursor: impl Fn(&T) -> C,
) -> (Vec<T>, String) {
    let size = usize::try_from(size).unwrap_or(usize::MAX);
    if items.len() > size {
        items.truncate(size);
        let token = items
            .last()
            .map(|last| page_token(&cursor(last)))
            .unwrap_or_default();
        (items, token)
    } else {
        (items, String::new())
    }
}

#[tonic::async_trait]
impl EligibilityService for EligibilityApi {
    async fn open_case(
        &self,
        request: Request<pb::OpenCaseRequest>,
    ) -> Result<Response<pb::OpenCaseResponse>, Status> {
        let caller = caller_of(&request)?;
        let open = parse_open_case(request.get_ref()).map_err(ServiceError::invalid)?;
        let case = self.engine.open_case(open).await?;
        self.audit(&caller, "OpenCase", AuditAction::Change, [access(&case)])
            .await?;
        Ok(Response::new(pb::OpenCaseResponse {
            case: Some(responses::case(&case)),
        }))
    }

    async fn get_case(
        &self,
        request: Request<pb::GetCaseRequest>,
    ) -> Result<Response<pb::GetCaseResponse>, Status> {
        let caller = caller_of(&request)?;
        let id = requests::case_name(&request.get_ref().name)?;
        let case = self.readable_case(&caller, &id).await?;
        self.audit(&caller, "GetCase", AuditAction::Read, [access(&case)])
            .await?;
        Ok(Response::new(pb::GetCaseResponse {
            case: Some(responses::case(&case)),
        }))
    }

    async fn list_cases(
        &self,
        request: Request<pb::ListCasesRequest>,
    ) -> Result<Response<pb::ListCasesResponse>, Status> {
        let caller = caller_of(&request)?;
        let party = list_scope(&caller)?;
        let list = requests::list_cases(request.get_ref())?;
        let filter = CaseFilter {
            state: list.state,
            deadline_before: list.deadline_before,
            party,
            after: list.page.after,
        };
        let cases = self
            .engine
            .store()
            .list_cases(&filter, list.page.size + 1)
            .await
            .map_err(ServiceError::from)?;
        tracing::info!(
            caller_role = caller.role().as_str(),
            caller_id = caller.id(),
            cases = cases.len(),
            "cases listed"
        );
        let (cases, next_page_token) = paginate(cases, list.page.size, |case| {
            (case.processing_deadline, case.id.clone())
        });
        self.audit(
            &caller,
            "ListCases",
            AuditAction::Read,
            cases.iter().map(access),
        )
        .await?;
        Ok(Response::new(pb::ListCasesResponse {
            cases: cases.iter().map(responses::case).collect(),
            next_page_token,
        }))
    }

    async fn withdraw_case(
        &self,
        request: Request<pb::WithdrawCaseRequest>,
    ) -> Result<Response<pb::WithdrawCaseResponse>, Status> {
        let caller = caller_of(&request)?;
        let id = requests::case_name(&request.get_ref().name)?;
        let case = self.engine.withdraw(&id).await?;
        self.audit(
            &caller,
            "WithdrawCase",
            AuditAction::Change,
            [access(&case)],
        )
        .await?;
        Ok(Response::new(pb::WithdrawCaseResponse {
            case: Some(responses::case(&case)),
        }))
    }

    async fn get_decision(
        &self,
        request: Request<pb::GetDecisionRequest>,
    ) -> Result<Response<pb::GetDecisionResponse>, Status> {
        let caller = caller_of(&request)?;
        let (id, number) = requests::decision_name(&request.get_ref().name)?;
        let case = self.readable_case(&caller, &id).await?;
        let decision = self
            .engine
            .store()
            .decision(&id, number)
            .await
            .map_err(ServiceError::from)?
            .ok_or(ServiceError::NotFound {
                resource: "decision",
            })?;
        self.audit(&caller, "GetDecision", AuditAction::Read, [access(&case)])
            .await?;
        Ok(Response::new(pb::GetDecisionResponse {
            decision: Some(responses::decision(&decision)),
        }))
    }

    async fn list_decisions(
        &self,
        request: Request<pb::ListDecisionsRequest>,
    ) -> Result<Response<pb::ListDecisionsResponse>, Status> {
        let caller = caller_of(&request)?;
        let (id, page) = requests::list_decisions(request.get_ref())?;
        let case = self.readable_case(&caller, &id).await?;
        let decisions = self
            .engine
            .store()
            .decisions(&id, page.after.unwrap_or(0), page.size + 1)
            .await
            .map_err(ServiceError::from)?;
        let (decisions, next_page_token) =
            paginate(decisions, page.size, |decision| decision.number);
        self.audit(&caller, "ListDecisions", AuditAction::Read, [access(&case)])
            .await?;
        Ok(Response::new(pb::ListDecisionsResponse {
            decisions: decisions.iter().map(responses::decision).collect(),
            next_page_token,
        }))
    }

    async fn get_hearing(
        &self,
        request: Request<pb::GetHearingRequest>,
    ) -> Result<Response<pb::GetHearingResponse>, Status> {
        let caller = caller_of(&request)?;
        let id = requests::hearing_name(&request.get_ref().name)?;
        let case = self.readable_case(&caller, &id).await?;
        let hearing = self
            .engine
            .store()
            .hearing(&id)
            .await
            .map_err(ServiceError::from)?
            .ok_or(ServiceError::NotFound {
                resource: "hearing",
            })?;
        self.audit(&caller, "GetHearing", AuditAction::Read, [access(&case)])
            .await?;
        Ok(Response::new(pb::GetHearingResponse {
            hearing: Some(responses::hearing(&hearing)),
        }))
    }

    async fn list_hearings(
        &self,
        request: Request<pb::ListHearingsRequest>,
    ) -> Result<Response<pb::ListHearingsResponse>, Status> {
        let caller = caller_of(&request)?;
        let party = list_scope(&caller)?;
        let list = requests::list_hearings(request.get_ref())?;
        let filter = HearingFilter {
            state: list.state,
            hearing_before: list.hearing_before,
            party,
            after: list.page.after,
        };
        let hearings = self
            .engine
            .store()
            .list_hearings(&filter, list.page.size + 1)
            .await
            .map_err(ServiceError::from)?;
        tracing::info!(
            caller_role = caller.role().as_str(),
            caller_id = caller.id(),
            hearings = hearings.len(),
            "hearings listed"
        );
        let (hearings, next_page_token) = paginate(hearings, list.page.size, |hearing| {
            (hearing.hearing_time, hearing.case_id.clone())
        });
        let mut accesses = Vec::with_capacity(hearings.len());
        for hearing in &hearings {
            accesses.push(self.access_to(&hearing.case_id).await?);
        }
        self.audit(&caller, "ListHearings", AuditAction::Read, accesses)
            .await?;
        Ok(Response::new(pb::ListHearingsResponse {
            // Listed without their positions: GetHearing shows those.
            hearings: hearings.iter().map(responses::hearing).collect(),
            next_page_token,
        }))
    }

    async fn state_position(
        &self,
        request: Request<pb::StatePositionRequest>,
    ) -> Result<Response<pb::StatePositionResponse>, Status> {
        let caller = caller_of(&request)?;
        let position = requests::state_position(request.get_ref())?;
        let case = self.readable_case(&caller, &position.case_id).await?;
        let hearing = self.engine.state_position(&case, position).await?;
        self.audit(
            &caller,
            "StatePosition",
            AuditAction::Change,
            [access(&case)],
        )
        .await?;
        Ok(Response::new(pb::StatePositionResponse {
            hearing: Some(responses::hearing(&hearing)),
        }))
    }

    async fn decide_after_hearing(
        &self,
        request: Request<pb::DecideAfterHearingRequest>,
    ) -> Result<Response<pb::DecideAfterHearingResponse>, Status> {
        let caller = caller_of(&request)?;
        let decide = requests::decide_after_hearing(request.get_ref())?;
        let decision = self.engine.decide_after_hearing(decide, &caller).await?;
        let case = self.access_to(&decision.case_id).await?;
        self.audit(&caller, "DecideAfterHearing", AuditAction::Change, [case])
            .await?;
        Ok(Response::new(pb::DecideAfterHearingResponse {
            decision: Some(responses::decision(&decision)),
        }))
    }

    async fn reevaluate_case(
        &self,
        request: Request<pb::ReevaluateCaseRequest>,
    ) -> Result<Response<pb::ReevaluateCaseResponse>, Status> {
        let caller = caller_of(&request)?;
        let reevaluate = requests::reevaluate_case(request.get_ref())?;
        let decision = self.engine.reevaluate(reevaluate, &caller).await?;
        let case = self.access_to(&decision.case_id).await?;
        self.audit(&caller, "ReevaluateCase", AuditAction::Change, [case])
            .await?;
        Ok(Response::new(pb::ReevaluateCaseResponse {
            decision: Some(responses::decision(&decision)),
        }))
    }

    async fn register_by_complaint_decision(
        &self,
        request: Request<pb::RegisterByComplaintDecisionRequest>,
    ) -> Result<Response<pb::RegisterByComplaintDecisionResponse>, Status> {
        let caller = caller_of(&request)?;
        let register = requests::register_by_complaint(request.get_ref())?;
        let decision = self.engine.register_by_complaint(register, &caller).await?;
        let case = self.access_to(&decision.case_id).await?;
        self.audit(
            &caller,
            "RegisterByComplaintDecision",
            AuditAction::Change,
            [case],
        )
        .await?;
        Ok(Response::new(pb::RegisterByComplaintDecisionResponse {
            decision: Some(responses::decision(&decision)),
        }))
    }

    async fn get_register_entry(
        &self,
        request: Request<pb::GetRegisterEntryRequest>,
    ) -> Result<Response<pb::GetRegisterEntryResponse>, Status> {
        let caller = caller_of(&request)?;
        let id = requests::register_entry_name(&request.get_ref().name)?;
        let case = self.readable_case(&caller, &id).await?;
        let (entry, position) = self
            .engine
            .store()
            .register_entry(&id)
            .await
            .map_err(ServiceError::from)?
            .ok_or(ServiceError::NotFound {
                resource: "register entry",
            })?;
        self.audit(
            &caller,
            "GetRegisterEntry",
            AuditAction::Read,
            [access(&case)],
        )
        .await?;
        Ok(Response::new(pb::GetRegisterEntryResponse {
            register_entry: Some(responses::register_entry(&entry, position)),
        }))
    }

    /// Public: the list carries no names and no IINs, so no caller is required.
    async fn list_published_register_entries(
        &self,
        request: Request<pb::ListPublishedRegisterEntriesRequest>,
    ) -> Result<Response<pb::ListPublishedRegisterEntriesResponse>, Status> {
        let requests::ListPublished { region, page } = requests::list_published(request.get_ref())?;
        let entries = self
            .engine
            .store()
            .published_entries(&region, page.after, page.size + 1)
            .await
            .map_err(ServiceError::from)?;
        let (entries, next_page_token) = paginate(entries, page.size, |entry| {
            (entry.submit_time, entry.ordinal)
        });
        Ok(Response::new(pb::ListPublishedRegisterEntriesResponse {
            entries: entries.iter().map(responses::published_entry).collect(),
            next_page_token,
        }))
    }
}
