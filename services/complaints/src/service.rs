//! The gRPC adapter: the caller from metadata, the request to the core, the
//! answer back, errors through the one mapping of `housing-platform`.
//!
//! Every call is recorded in the audit trail before it answers: the core
//! records reads before it returns the data; a filing, forwarding or decision
//! is recorded here right after the core has stored it. When the trail
//! cannot be written the call fails with UNAVAILABLE.

use housing_platform::caller::Caller;
use housing_proto::housing::complaints::v1 as pb;
use pb::complaints_service_server::ComplaintsService;
use tonic::{Request, Response, Status};

use crate::core::Core;

/// `housing.complaints.v1.ComplaintsService`.
#[derive(Debug, Clone)]
pub struct ComplaintsApi {
    core: Core,
}

impl ComplaintsApi {
    /// The service over its core.
    pub fn new(core: Core) -> Self {
        Self { core }
    }
}

#[tonic::async_trait]
impl ComplaintsService for ComplaintsApi {
    async fn file_complaint(
        &self,
        request: Request<pb::FileComplaintRequest>,
    ) -> Result<Response<pb::FileComplaintResponse>, Status> {
        let caller = Caller::from_metadata(request.metadata())?;
        let complaint = self.core.file(&caller, request.into_inner()).await?;
        self.core
            .audit_change(&caller, "FileComplaint", &complaint.name)
            .await?;
        Ok(Response::new(pb::FileComplaintResponse {
            complaint: Some(complaint),
        }))
    }

    async fn get_complaint(
        &self,
        request: Request<pb::GetComplaintRequest>,
    ) -> Result<Response<pb::GetComplaintResponse>, Status> {
        let caller = Caller::from_metadata(request.metadata())?;
        let complaint = self.core.get(&caller, &request.get_ref().name).await?;
        Ok(Response::new(pb::GetComplaintResponse {
            complaint: Some(complaint),
        }))
    }

    async fn list_complaints(
        &self,
        request: Request<pb::ListComplaintsRequest>,
    ) -> Result<Response<pb::ListComplaintsResponse>, Status> {
        let caller = Caller::from_metadata(request.metadata())?;
        let page = self.core.list(&caller, request.get_ref()).await?;
        Ok(Response::new(pb::ListComplaintsResponse {
            complaints: page.complaints,
            next_page_token: page.next_page_token,
        }))
    }

    async fn forward_complaint(
        &self,
        request: Request<pb::ForwardComplaintRequest>,
    ) -> Result<Response<pb::ForwardComplaintResponse>, Status> {
        let caller = Caller::from_metadata(request.metadata())?;
        let complaint = self.core.forward(&caller, request.get_ref()).await?;
        self.core
            .audit_change(&caller, "ForwardComplaint", &complaint.name)
            .await?;
        Ok(Response::new(pb::ForwardComplaintResponse {
            complaint: Some(complaint),
        }))
    }

    async fn decide_complaint(
        &self,
        request: Request<pb::DecideComplaintRequest>,
    ) -> Result<Response<pb::DecideComplaintResponse>, Status> {
        let caller = Caller::from_metadata(request.metadata())?;
        let complaint = self.core.decide(&caller, request.get_ref()).await?;
        self.core
            .audit_change(&caller, "DecideComplaint", &complaint.name)
            .await?;
        Ok(Response::new(pb::DecideComplaintResponse {
            complaint: Some(complaint),
        }))
    }

    async fn get_administrative_case(
        &self,
        request: Request<pb::GetAdministrativeCaseRequest>,
    ) -> Result<Response<pb::GetAdministrativeCaseResponse>, Status> {
        let caller = Caller::from_metadata(request.metadata())?;
        let case = self
            .core
            .administrative_case(&caller, &request.get_ref().name)
            .await?;
        Ok(Response::new(pb::GetAdministrativeCaseResponse {
            administrative_case: Some(case),
        }))
    }
}
