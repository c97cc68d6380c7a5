//! A recording stand-in for eligibility-verification at its contract:
//! OpenCase idempotent on the application (as the contract says), WithdrawCase,
//! and a record of every call, so that tests can count deliveries.
//!
//! The real service is not built yet; once its `Application` exists, the
//! end-to-end tests in `tests/` use it instead.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use housing_platform::caller::{Caller, Role};
use housing_proto::housing::eligibility::v1 as pb;
use pb::eligibility_service_server::{EligibilityService, EligibilityServiceServer};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tonic::{Request, Response, Status};

/// What the stand-in saw.
#[derive(Debug, Default)]
pub struct Calls {
    /// Every OpenCase, by application name, in arrival order.
    pub open_case: Vec<String>,
    /// Every WithdrawCase, by case name.
    pub withdraw_case: Vec<String>,
    /// The cases opened, by application name.
    pub cases: BTreeMap<String, pb::Case>,
}

#[derive(Debug, Clone, Default)]
struct Recorder {
    calls: Arc<Mutex<Calls>>,
    /// OpenCase calls to leave unanswered (after recording them) for longer
    /// than intake waits: the answer is lost, the case is opened.
    unanswered_open_cases: Arc<AtomicUsize>,
}

/// A running stand-in.
#[derive(Debug)]
pub struct FakeEligibility {
    recorder: Recorder,
    stop: Option<oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<()>>,
}

impl FakeEligibility {
    /// Serves on `listener`.
    pub fn serve(listener: TcpListener) -> Self {
        let recorder = Recorder::default();
        let (stop, stopped) = oneshot::channel::<()>();
        let service = EligibilityServiceServer::new(recorder.clone());
        let server = tokio::spawn(async move {
            let _ = tonic::transport::Server::builder()
                .add_service(service)
                .serve_with_incoming_shutdown(
                    tonic::transport::server::TcpIncoming::from(listener),
                    async move {
                        let _ = stopped.await;
                    },
                )
                .await;
        });
        Self {
            recorder,
            stop: Some(stop),
            server: Some(server),
        }
    }

    /// Serves on a free port.
    pub async fn start() -> (Self, SocketAddr) {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("a free port");
        let address = listener.local_addr().expect("the bound address");
        (Self::serve(listener), address)
    }

    /// Leaves the next `count` OpenCase calls unanswered after recording them.
    pub fn lose_answers_to_open_case(&self, count: usize) {
        self.recorder
            .unanswered_open_cases
            .store(count, Ordering::SeqCst);
    }

    /// Runs `read` on what was seen so far.
    pub fn calls<T>(&self, read: impl FnOnce(&Calls) -> T) -> T {
        read(&self.recorder.calls.lock().expect("the recorder's lock"))
    }

    /// Stops serving.
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(server) = self.server.take() {
            let _ = server.await;
        }
    }
}

fn only_intake<T>(request: &Request<T>) -> Result<(), Status> {
    let caller = Caller::from_metadata(request.metadata())?;
    if caller.role() == Role::System && caller.id() == "application-intake" {
        Ok(())
    } else {
        Err(Status::permission_denied(
            "only application-intake opens cases",
        ))
    }
}

#[tonic::async_trait]
impl EligibilityService for Recorder {
    async fn open_case(
        &self,
        request: Request<pb::OpenCaseRequest>,
    ) -> Result<Response<pb::OpenCaseResponse>, Status> {
        only_intake(&request)?;
        let request = request.into_inner();
        let case = {
            let mut calls = self.calls.lock().expect("the recorder's lock");
            calls.open_case.push(request.application.clone());
            calls
                .cases
                .entry(request.application.clone())
                .or_insert_with(|| pb::Case {
                    name: request.application.replacen("applications/", "cases/", 1),
                    application: request.application.clone(),
                    form: request.form.clone(),
                    submit_time: request.submit_time,
                    acceptance_date: request.acceptance_date,
                    state: pb::case::State::Verifying as i32,
                    ..pb::Case::default()
                })
                .clone()
        };
        let lose_answer = self
            .unanswered_open_cases
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |left| {
                left.checked_sub(1)
            })
            .is_ok();
        if lose_answer {
            // Well past the intake's timeout in the test that loses an answer.
            tokio::time::sleep(Duration::from_secs(6)).await;
        }
        Ok(Response::new(pb::OpenCaseResponse { case: Some(case) }))
    }

    async fn withdraw_case(
        &self,
        request: Request<pb::WithdrawCaseRequest>,
    ) -> Result<Response<pb::WithdrawCaseResponse>, Status> {
        only_intake(&request)?;
        let name = request.into_inner().name;
        let mut calls = self.calls.lock().expect("the recorder's lock");
        calls.withdraw_case.push(name.clone());
        let application = name.replacen("cases/", "applications/", 1);
        let case = calls
            .cases
            .get_mut(&application)
            .ok_or_else(|| Status::not_found("case not found"))?;
        case.state = pb::case::State::Withdrawn as i32;
        Ok(Response::new(pb::WithdrawCaseResponse {
            case: Some(case.clone()),
        }))
    }

    async fn get_case(
        &self,
        _: Request<pb::GetCaseRequest>,
    ) -> Result<Response<pb::GetCaseResponse>, Status> {
        Err(Status::unimplemented("not part of the stand-in"))
    }

    async fn list_cases(
        &self,
        _: Request<pb::ListCasesRequest>,
    ) -> Result<Response<pb::ListCasesResponse>, Status> {
        Err(Status::unimplemented("not part of the stand-in"))
    }

    async fn get_decision(
        &self,
        _: Request<pb::GetDecisionRequest>,
    ) -> Result<Response<pb::GetDecisionResponse>, Status> {
        Err(Status::unimplemented("not part of the stand-in"))
    }

    async fn list_decisions(
        &self,
        _: Request<pb::ListDecisionsRequest>,
    ) -> Result<Response<pb::ListDecisionsResponse>, Status> {
        Err(Status::unimplemented("not part of the stand-in"))
    }

    async fn get_hearing(
        &self,
        _: Request<pb::GetHearingRequest>,
    ) -> Result<Response<pb::GetHearingResponse>, Status> {
        Err(Status::unimplemented("not part of the stand-in"))
    }

    async fn list_hearings(
        &self,
        _: Request<pb::ListHearingsRequest>,
    ) -> Result<Response<pb::ListHearingsResponse>, Status> {
        Err(Status::unimplemented("not part of the stand-in"))
    }

    async fn state_position(
        &self,
        _: Request<pb::StatePositionRequest>,
    ) -> Result<Response<pb::StatePositionResponse>, Status> {
        Err(Status::unimplemented("not part of the stand-in"))
    }

    async fn decide_after_hearing(
        &self,
        _: Request<pb::DecideAfterHearingRequest>,
    ) -> Result<Response<pb::DecideAfterHearingResponse>, Status> {
        Err(Status::unimplemented("not part of the stand-in"))
    }

    async fn reevaluate_case(
        &self,
        _: Request<pb::ReevaluateCaseRequest>,
    ) -> Result<Response<pb::ReevaluateCaseResponse>, Status> {
        Err(Status::unimplemented("not part of the stand-in"))
    }

    async fn register_by_complaint_decision(
        &self,
        _: Request<pb::RegisterByComplaintDecisionRequest>,
    ) -> Result<Response<pb::RegisterByComplaintDecisionResponse>, Status> {
        Err(Status::unimplemented("not part of the stand-in"))
    }

    async fn get_register_entry(
        &self,
        _: Request<pb::GetRegisterEntryRequest>,
    ) -> Result<Response<pb::GetRegisterEntryResponse>, Status> {
        Err(Status::unimplemented("not part of the stand-in"))
    }

    async fn list_published_register_entries(
        &self,
        _: Request<pb::ListPublishedRegisterEntriesRequest>,
    ) -> Result<Response<pb::ListPublishedRegisterEntriesResponse>, Status> {
        Err(Status::unimplemented("not part of the stand-in"))
    }
}
