//! `housing.registry.v1.RegistryGatewayService`: the registers, as the
//! e-government gateway answers them (after X-Road).
//!
//! Every call goes through [`GatewayService::handle`]:
//!
//! 1. the X-Road identification is read from metadata ([`caller`]); a call
//!    without it is refused with INVALID_ARGUMENT, a call from a system the
//!    gateway does not serve with PERMISSION_DENIED / UNKNOWN_CLIENT_SYSTEM;
//! 2. the query is parsed ([`query`]), the faults injected into its registers
//!    are planned ([`crate::faults`]) within the time the caller left
//!    ([`deadline`]), and the records are read "as of" the day asked;
//! 3. the query and its answer — refused ones too — are appended to the query
//!    log, and only once that is durable is the answer given.
//!
//! Steps 2 and 3 run in a task of their own, so that a caller who gives up
//! (its deadline cancels the call) still leaves a complete log entry behind.

mod answers;
pub mod caller;
mod deadline;
mod error;
pub mod query;

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use housing_platform::error::ServiceError;
use housing_proto::housing::common::v1::Register;
use prost::Message;
use tokio::time::Instant;
use tonic::{Request, Response, Status};

use crate::dates::now_micros;
use crate::faults::FaultInjector;
use crate::query_log::{Draft, QueryLog, sha256_hex};
use crate::settings::ClientSystems;
use crate::storage::RegistryStore;
use caller::Identification;
pub use error::GatewayError;
use error::OUTCOME_OK;

/// The full name of the service, for health and reflection.
pub const SERVICE_NAME: &str = "housing.registry.v1.RegistryGatewayService";

/// What every call of the gateway shares.
#[derive(Debug)]
pub struct GatewayState {
    /// The registers' data.
    pub store: RegistryStore,
    /// The faults in force.
    pub faults: Arc<FaultInjector>,
    /// The query log.
    pub query_log: QueryLog,
    /// The calling systems served.
    pub client_systems: ClientSystems,
    /// The gateway's own wait limit for a register.
    pub register_timeout: Duration,
}

/// The gateway service; cheap to clone.
#[derive(Debug, Clone)]
pub struct GatewayService {
    state: Arc<GatewayState>,
}

/// What a call's answering part gets: the shared state, the parsed-out
/// request, when it arrived and how long it may wait for registers.
#[derive(Debug)]
pub struct Call<Q> {
    /// The shared state.
    pub state: Arc<GatewayState>,
    /// The request message.
    pub request: Q,
    /// When the call arrived: injected latencies count from here.
    pub arrived: Instant,
    /// How long after arrival the call may wait for registers.
    pub budget: Duration,
}

impl GatewayService {
    /// The service over its shared state.
    pub fn new(state: Arc<GatewayState>) -> Self {
        Self { state }
    }

    /// Identifies, answers and logs one call (see the module documentation).
    async fn handle<Q, A, F, Fut>(
        &self,
        method: &'static str,
        registers: Vec<Register>,
        request: Request<Q>,
        answer: F,
    ) -> Result<Response<A>, Status>
    where
        Q: Message + Send + 'static,
        A: Message + Send + 'static,
        F: FnOnce(Call<Q>) -> Fut + Send + 'static,
        Fut: Future<Output = Result<A, GatewayError>> + Send,
    {
        let arrived = Instant::now();
        let query_time_micros = now_micros();
        let identification = Identification::from_metadata(request.metadata());
        let budget = deadline::register_budget(request.metadata(), self.state.register_timeout);
        let request = request.into_inner();
        let request_sha256 = sha256_hex(&request.encode_to_vec());
        let state = Arc::clone(&self.state);

        let task = tokio::spawn(async move {
            let answered = match admit(&state.client_systems, &identification) {
                Ok(()) => {
                    answer(Call {
                        state: Arc::clone(&state),
                        request,
                        arrived,
                        budget,
                    })
                    .await
                }
                Err(refusal) => Err(refusal),
            };
            let outcome = match &answered {
                Ok(_) => OUTCOME_OK,
                Err(error) => error.outcome(),
            };
            let draft = Draft {
                query_time_micros,
                response_sha256: answered
                    .as_ref()
                    .map(|answer| sha256_hex(&answer.encode_to_vec()))
                    .unwrap_or_default(),
                outcome: outcome.to_owned(),
                client_system: identification.client_system,
                on_behalf_of: identification.on_behalf_of,
                case_id: identification.case_id.clone(),
                method: method.to_owned(),
                request_sha256,
                registers: registers.iter().map(|register| *register as i32).collect(),
            };
            // Logged by case and outcome only: never an IIN or a name. The query
            // log is the record of every query; answered ones are only debug lines.
            match state.query_log.append(draft).await {
                Ok(sequence) => {
                    if outcome == OUTCOME_OK {
                        tracing::debug!(
                            method,
                            case_id = identification.case_id,
                            sequence,
                            "query answered"
                        );
                    } else {
                        tracing::info!(
                            method,
                            case_id = identification.case_id,
                            outcome,
                            sequence,
                            "query not answered"
                        );
                    }
                    answered
                }
                Err(error) => {
                    tracing::error!(
                        method,
                        case_id = identification.case_id,
                        %error,
                        "query not logged, answer withheld"
                    );
                    Err(GatewayError::QueryLogUnavailable)
                }
            }
        });
        match task.await {
            Ok(answered) => answered
                .map(Response::new)
                .map_err(|error| Status::from(ServiceError::from(error))),
            Err(join_error) => Err(Status::from(ServiceError::Internal(
                anyhow::Error::new(join_error).context("answering a query failed"),
            ))),
        }
    }
}

/// Admits a call whose identification is complete and whose system is served.
fn admit(
    client_systems: &ClientSystems,
    identification: &Identification,
) -> Result<(), GatewayError> {
    let violations = identification.violations();
    if !violations.is_empty() {
        return Err(GatewayError::Unidentified(violations));
    }
    if !client_systems.contains(&identification.client_system) {
        return Err(GatewayError::UnknownClientSystem);
    }
    Ok(())
}
