//! The gRPC adapter: the caller from metadata, the request to the core, the
//! answer back in the contract's types, errors through the one mapping.
//!
//! Every call that reads or changes an application is recorded in the audit
//! trail (`housing_platform::audit`) once the core has answered and before
//! the answer goes out: a change right after it is stored, a read before
//! the data is returned. When the trail cannot be written the call fails
//! with UNAVAILABLE and returns nothing.

use housing_domain::Iin;
use housing_platform::audit::{Access, AuditAction, Auditor};
use housing_platform::caller::{Caller, Role};
use housing_platform::error::ServiceError;
use housing_proto::housing::intake::v1 as pb;
use pb::application_intake_service_server::{ApplicationIntakeService, SERVICE_NAME};
use tonic::{Request, Response, Status};

use crate::intake::Intake;
use crate::model::StoredApplication;
use crate::wire;

/// `housing.intake.v1.ApplicationIntakeService`.
#[derive(Debug, Clone)]
pub struct IntakeService {
    intake: Intake,
    auditor: Auditor,
}

impl IntakeService {
    /// The service over its core, recording every access with `auditor`.
    pub fn new(intake: Intake, auditor: Auditor) -> Self {
        Self { intake, auditor }
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
            .record_all(caller, &rpc(method), action, accesses)
            .await
            .map_err(Status::from)
    }
}

/// The full method of one of this service's RPCs.
fn rpc(method: &str) -> String {
    format!("/{SERVICE_NAME}/{method}")
}

fn application(stored: &StoredApplication) -> Result<pb::Application, Status> {
    wire::application(stored).map_err(|error| Status::from(ServiceError::Internal(error)))
}

/// The persons an application concerns: the applicant, the representative
/// and the family members the form declares.
fn access(stored: &StoredApplication, shown: &pb::Application) -> Access {
    let declared: Vec<Iin> = shown
        .form
        .iter()
        .flat_map(|form| &form.declared_family)
        .filter_map(|member| Iin::parse(&member.iin).ok())
        .collect();
    Access::new(
        stored.id.name(),
        std::iter::once(&stored.applicant_iin)
            .chain(stored.representative_iin.as_ref())
            .chain(&declared),
    )
}

#[tonic::async_trait]
impl ApplicationIntakeService for IntakeService {
    async fn submit_application(
        &self,
        request: Request<pb::SubmitApplicationRequest>,
    ) -> Result<Response<pb::SubmitApplicationResponse>, Status> {
        let caller = Caller::from_metadata(request.metadata())?;
        let stored = self.intake.submit(&caller, request.into_inner()).await?;
        let shown = application(&stored)?;
        self.audit(
            &caller,
            "SubmitApplication",
            AuditAction::Change,
            [access(&stored, &shown)],
        )
        .await?;
        Ok(Response::new(pb::SubmitApplicationResponse {
            application: Some(shown),
        }))
    }

    async fn get_application(
        &self,
        request: Request<pb::GetApplicationRequest>,
    ) -> Result<Response<pb::GetApplicationResponse>, Status> {
        let caller = Caller::from_metadata(request.metadata())?;
        let stored = self
            .intake
            .get_application(&caller, &request.get_ref().name)
            .await?;
        let shown = application(&stored)?;
        self.audit(
            &caller,
            "GetApplication",
            AuditAction::Read,
            [access(&stored, &shown)],
        )
        .await?;
        Ok(Response::new(pb::GetApplicationResponse {
            application: Some(shown),
        }))
    }

    async fn list_applications(
        &self,
        request: Request<pb::ListApplicationsRequest>,
    ) -> Result<Response<pb::ListApplicationsResponse>, Status> {
        let caller = Caller::from_metadata(request.metadata())?;
        let page = self
            .intake
            .list_applications(&caller, request.get_ref())
            .await?;
        let shown = page
            .applications
            .iter()
            .map(application)
            .collect::<Result<Vec<_>, _>>()?;
        let mut accesses: Vec<Access> = page
            .applications
            .iter()
            .zip(&shown)
            .map(|(stored, shown)| access(stored, shown))
            .collect();
        // Staff looking a person up by IIN looked them up, found or not (a
        // citizen's filter never reaches beyond their own applications).
        if accesses.is_empty() && caller.role() != Role::Citizen {
            if let Ok(applicant) = Iin::parse(&request.get_ref().applicant_iin) {
                accesses.push(Access::new("applications", [&applicant]));
            }
        }
        self.audit(&caller, "ListApplications", AuditAction::Read, accesses)
            .await?;
        Ok(Response::new(pb::ListApplicationsResponse {
            applications: shown,
            next_page_token: page.next_page_token,
        }))
    }

    async fn withdraw_application(
        &self,
        request: Request<pb::WithdrawApplicationRequest>,
    ) -> Result<Response<pb::WithdrawApplicationResponse>, Status> {
        let caller = Caller::from_metadata(request.metadata())?;
        let stored = self.intake.withdraw(&caller, request.get_ref()).await?;
        let shown = application(&stored)?;
        self.audit(
            &caller,
            "WithdrawApplication",
            AuditAction::Change,
            [access(&stored, &shown)],
        )
        .await?;
        Ok(Response::new(pb::WithdrawApplicationResponse {
            application: Some(shown),
        }))
    }

    async fn list_application_events(
        &self,
        request: Request<pb::ListApplicationEventsRequest>,
    ) -> Result<Response<pb::ListApplicationEventsResponse>, Status> {
        let caller = Caller::from_metadata(request.metadata())?;
        let page = self.intake.list_events(&caller, request.get_ref()).await?;
        let shown = application(&page.application)?;
        self.audit(
            &caller,
            "ListApplicationEvents",
            AuditAction::Read,
            [access(&page.application, &shown)],
        )
        .await?;
        Ok(Response::new(pb::ListApplicationEventsResponse {
            events: page.events.iter().map(wire::event).collect(),
            next_page_token: page.next_page_token,
        }))
    }

    async fn record_application_event(
        &self,
        request: Request<pb::RecordApplicationEventRequest>,
    ) -> Result<Response<pb::RecordApplicationEventResponse>, Status> {
        let caller = Caller::from_metadata(request.metadata())?;
        let stored = self.intake.record_event(&caller, request.get_ref()).await?;
        let shown = application(&stored)?;
        self.audit(
            &caller,
            "RecordApplicationEvent",
            AuditAction::Change,
            [access(&stored, &shown)],
        )
        .await?;
        Ok(Response::new(pb::RecordApplicationEventResponse {
            application: Some(shown),
        }))
    }
}
