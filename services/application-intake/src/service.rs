//! The gRPC adapter: the caller from metadata, the request to the core, the
//! answer back in the contract's types, errors through the one mapping.

use housing_platform::caller::Caller;
use housing_platform::error::ServiceError;
use housing_proto::housing::intake::v1 as pb;
use pb::application_intake_service_server::ApplicationIntakeService;
use tonic::{Request, Response, Status};

use crate::intake::Intake;
use crate::model::StoredApplication;
use crate::wire;

/// `housing.intake.v1.ApplicationIntakeService`.
#[derive(Debug, Clone)]
pub struct IntakeService {
    intake: Intake,
}

impl IntakeService {
    /// The service over its core.
    pub fn new(intake: Intake) -> Self {
        Self { intake }
    }
}

fn application(stored: &StoredApplication) -> Result<pb::Application, Status> {
    wire::application(stored).map_err(|error| Status::from(ServiceError::Internal(error)))
}

#[tonic::async_trait]
impl ApplicationIntakeService for IntakeService {
    async fn submit_application(
        &self,
        request: Request<pb::SubmitApplicationRequest>,
    ) -> Result<Response<pb::SubmitApplicationResponse>, Status> {
        let caller = Caller::from_metadata(request.metadata())?;
        let stored = self.intake.submit(&caller, request.into_inner()).await?;
        Ok(Response::new(pb::SubmitApplicationResponse {
            application: Some(application(&stored)?),
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
        Ok(Response::new(pb::GetApplicationResponse {
            application: Some(application(&stored)?),
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
        Ok(Response::new(pb::ListApplicationsResponse {
            applications: page
                .applications
                .iter()
                .map(application)
                .collect::<Result<_, _>>()?,
            next_page_token: page.next_page_token,
        }))
    }

    async fn withdraw_application(
        &self,
        request: Request<pb::WithdrawApplicationRequest>,
    ) -> Result<Response<pb::WithdrawApplicationResponse>, Status> {
        let caller = Caller::from_metadata(request.metadata())?;
        let stored = self.intake.withdraw(&caller, request.get_ref()).await?;
        Ok(Response::new(pb::WithdrawApplicationResponse {
            application: Some(application(&stored)?),
        }))
    }

    async fn list_application_events(
        &self,
        request: Request<pb::ListApplicationEventsRequest>,
    ) -> Result<Response<pb::ListApplicationEventsResponse>, Status> {
        let caller = Caller::from_metadata(request.metadata())?;
        let page = self.intake.list_events(&caller, request.get_ref()).await?;
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
        Ok(Response::new(pb::RecordApplicationEventResponse {
            application: Some(application(&stored)?),
        }))
    }
}
