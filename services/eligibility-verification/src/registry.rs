//! Gathering a family's facts from registry-gateway: one `QueryRegisters`
//! round trip for the applicant, the representative, the declared family and
//! the expert certificate, and a second one for the register family the first
//! answers revealed (`persons_to_query`: spouse, children).
//!
//! Every call is identified after X-Road: this system, on whose behalf (the
//! system itself or the operator who asked), and the case (the application).

use std::time::Duration;

use housing_domain::Iin;
use housing_domain::eligibility::{Application, RegistryFacts, persons_to_query};
use housing_platform::caller::gateway_query;
use housing_proto::housing::registry::v1 as pb;
use housing_proto::housing::registry::v1::registry_gateway_service_client::RegistryGatewayServiceClient;
use tonic::transport::Channel;

use crate::adapter::date_to_wire;
use crate::adapter::facts::{FactsBuilder, FactsProblem, PERSON_REGISTERS};
use crate::names::CaseId;

/// On whose behalf the service asks when no person asked it to (X-Road's
/// `x-on-behalf-of` for automatic evaluations).
pub const ON_BEHALF_OF_SYSTEM: &str = "system";

/// Most persons the gateway takes in one query (its contract's limit).
const MAX_PERSONS_PER_QUERY: usize = 50;

/// Why the facts could not be gathered. Never a denial: the case waits.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegistryFault {
    /// The call failed: the gateway is down, refused, or did not answer in time.
    #[error("the registry gateway call failed ({code:?})")]
    Call {
        /// The gRPC code (the message may name registers, never persons).
        code: tonic::Code,
    },
    /// The gateway answered, but not with usable facts.
    #[error(transparent)]
    Answers(#[from] FactsProblem),
}

/// A client of registry-gateway over one shared, lazily connected channel.
#[derive(Debug, Clone)]
pub struct RegistryClient {
    client: RegistryGatewayServiceClient<Channel>,
    timeout: Duration,
}

impl RegistryClient {
    /// A client over `channel`; each call's deadline is `timeout`.
    pub fn new(channel: Channel, timeout: Duration) -> Self {
        Self {
            client: RegistryGatewayServiceClient::new(channel),
            timeout,
        }
    }

    /// The facts of an application, as of its acceptance date.
    pub async fn gather(
        &self,
        application: &Application,
        case_id: &CaseId,
        on_behalf_of: &str,
    ) -> Result<RegistryFacts, RegistryFault> {
        let mut builder = FactsBuilder::new(application.acceptance_date, application.applicant);
        let mut first_round = vec![application.applicant];
        if let Some(representative) = &application.representative {
            first_round.push(representative.iin);
        }
        first_round.extend(application.declared_family.iter().map(|member| member.iin));
        let mut seen = std::collections::BTreeSet::new();
        first_round.retain(|iin| seen.insert(*iin));
        let experts: Vec<String> = application
            .technical_report
            .iter()
            .map(|report| report.expert_certificate_number.clone())
            .collect();
        self.ask(
            application,
            case_id,
            on_behalf_of,
            &first_round,
            &experts,
            &mut builder,
        )
        .await?;

        let second_round: Vec<Iin> = persons_to_query(application, &builder.snapshot())
            .into_iter()
            .collect();
        if !second_round.is_empty() {
            self.ask(
                application,
                case_id,
                on_behalf_of,
                &second_round,
                &[],
                &mut builder,
            )
            .await?;
        }
        Ok(builder.finish())
    }

    /// Asks every register of persons about `persons` (in calls of at most 50)
    /// and the experts about `experts`, and adds the answers.
    async fn ask(
        &self,
        application: &Application,
        case_id: &CaseId,
        on_behalf_of: &str,
        persons: &[Iin],
        experts: &[String],
        builder: &mut FactsBuilder,
    ) -> Result<(), RegistryFault> {
        let mut chunks: Vec<&[Iin]> = persons.chunks(MAX_PERSONS_PER_QUERY).collect();
        if chunks.is_empty() {
            chunks.push(&[]);
        }
        for (index, chunk) in chunks.into_iter().enumerate() {
            // Experts are asked once, with the first chunk.
            let experts_asked = if index == 0 { experts } else { &[] };
            if chunk.is_empty() && experts_asked.is_empty() {
                continue;
            }
            let mut request = tonic::Request::new(pb::QueryRegistersRequest {
                iins: chunk.iter().map(|iin| iin.as_str().to_owned()).collect(),
                registers: PERSON_REGISTERS
                    .iter()
                    .map(|register| *register as i32)
                    .collect(),
                as_of_date: Some(date_to_wire(application.acceptance_date)),
                expert_certificate_numbers: experts_asked.to_vec(),
            });
            request.set_timeout(self.timeout);
            gateway_query::attach(
                request.metadata_mut(),
                crate::SERVICE,
                on_behalf_of,
                &case_id.application_name(),
            );
            let response =
                self.client
                    .clone()
                    .query_registers(request)
                    .await
                    .map_err(|status| RegistryFault::Call {
                        code: status.code(),
                    })?;
            builder.add(chunk, experts_asked, response.get_ref())?;
        }
        Ok(())
    }
}
