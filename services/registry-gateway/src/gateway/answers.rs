//! The gateway's RPCs: the batch `QueryRegisters` and one RPC per register.

use std::collections::HashMap;

use housing_proto::google::r#type::Date;
use housing_proto::housing::common::v1::Register;
use housing_proto::housing::registry::v1 as pb;
use housing_proto::housing::registry::v1::register_answer::Record;
use housing_proto::housing::registry::v1::registry_gateway_service_server::RegistryGatewayService;
use tokio::time::sleep_until;
use tonic::{Request, Response, Status};

use super::query::{self, ExpertQuery, FamilyQuery, PersonQuery};
use super::{Call, GatewayError, GatewayService};
use crate::as_of;
use crate::faults::{AnswerPlan, Planned};

const QUERY_REGISTERS: &str = "/housing.registry.v1.RegistryGatewayService/QueryRegisters";
const GET_IDENTITY: &str = "/housing.registry.v1.RegistryGatewayService/GetIdentity";
const GET_MIGRATION_RECORD: &str = "/housing.registry.v1.RegistryGatewayService/GetMigrationRecord";
const GET_CIVIL_STATUS_RECORD: &str =
    "/housing.registry.v1.RegistryGatewayService/GetCivilStatusRecord";
const GET_ADDRESS_RECORD: &str = "/housing.registry.v1.RegistryGatewayService/GetAddressRecord";
const GET_REAL_ESTATE_RECORD: &str =
    "/housing.registry.v1.RegistryGatewayService/GetRealEstateRecord";
const GET_EMERGENCY_HOUSING_RECORD: &str =
    "/housing.registry.v1.RegistryGatewayService/GetEmergencyHousingRecord";
const GET_CERTIFIED_EXPERT: &str = "/housing.registry.v1.RegistryGatewayService/GetCertifiedExpert";
const GET_STATE_HOUSING_USE_RECORD: &str =
    "/housing.registry.v1.RegistryGatewayService/GetStateHousingUseRecord";
const GET_UNIFIED_REPUBLICAN_DATABASE_RECORD: &str =
    "/housing.registry.v1.RegistryGatewayService/GetUnifiedRepublicanDatabaseRecord";
const GET_SOCIAL_CATEGORY_RECORD: &str =
    "/housing.registry.v1.RegistryGatewayService/GetSocialCategoryRecord";
const GET_MOBILE_CITIZEN_RECORD: &str =
    "/housing.registry.v1.RegistryGatewayService/GetMobileCitizenRecord";

#[tonic::async_trait]
impl RegistryGatewayService for GatewayService {
    async fn query_registers(
        &self,
        request: Request<pb::QueryRegistersRequest>,
    ) -> Result<Response<pb::QueryRegistersResponse>, Status> {
        let registers = query::registers_touched(request.get_ref());
        self.handle(QUERY_REGISTERS, registers, request, answer_family)
            .await
    }

    async fn get_certified_expert(
        &self,
        request: Request<pb::GetCertifiedExpertRequest>,
    ) -> Result<Response<pb::GetCertifiedExpertResponse>, Status> {
        self.handle(
            GET_CERTIFIED_EXPERT,
            vec![Register::CertifiedExperts],
            request,
            answer_expert,
        )
        .await
    }

    async fn get_identity(
        &self,
        request: Request<pb::GetIdentityRequest>,
    ) -> Result<Response<pb::GetIdentityResponse>, Status> {
        self.single_register(
            GET_IDENTITY,
            Register::Identity,
            request,
            |request| (&request.iin, request.as_of_date.as_ref()),
            |record| match record {
                Some(Record::Identity(record)) => pb::GetIdentityResponse {
                    found: true,
                    record: Some(record),
                },
                _ => pb::GetIdentityResponse::default(),
            },
        )
        .await
    }

    async fn get_migration_record(
        &self,
        request: Request<pb::GetMigrationRecordRequest>,
    ) -> Result<Response<pb::GetMigrationRecordResponse>, Status> {
        self.single_register(
            GET_MIGRATION_RECORD,
            Register::Migration,
            request,
            |request| (&request.iin, request.as_of_date.as_ref()),
            |record| match record {
                Some(Record::Migration(record)) => pb::GetMigrationRecordResponse {
                    found: true,
                    record: Some(record),
                },
                _ => pb::GetMigrationRecordResponse::default(),
            },
        )
        .await
    }

    async fn get_civil_status_record(
        &self,
        request: Request<pb::GetCivilStatusRecordRequest>,
    ) -> Result<Response<pb::GetCivilStatusRecordResponse>, Status> {
        self.single_register(
            GET_CIVIL_STATUS_RECORD,
            Register::CivilStatus,
            request,
            |request| (&request.iin, request.as_of_date.as_ref()),
            |record| match record {
                Some(Record::CivilStatus(record)) => pb::GetCivilStatusRecordResponse {
                    found: true,
                    record: Some(record),
                },
                _ => pb::GetCivilStatusRecordResponse::default(),
            },
        )
        .await
    }

    async fn get_address_record(
        &self,
        request: Request<pb::GetAddressRecordRequest>,
    ) -> Result<Response<pb::GetAddressRecordResponse>, Status> {
        self.single_register(
            GET_ADDRESS_RECORD,
            Register::Address,
            request,
            |request| (&request.iin, request.as_of_date.as_ref()),
            |record| match record {
                Some(Record::Address(record)) => pb::GetAddressRecordResponse {
                    found: true,
                    record: Some(record),
                },
                _ => pb::GetAddressRecordResponse::default(),
            },
        )
        .await
    }

    async fn get_real_estate_record(
        &self,
        request: Request<pb::GetRealEstateRecordRequest>,
    ) -> Result<Response<pb::GetRealEstateRecordResponse>, Status> {
        self.single_register(
            GET_REAL_ESTATE_RECORD,
            Register::RealEstate,
            request,
            |request| (&request.iin, request.as_of_date.as_ref()),
            |record| match record {
                Some(Record::RealEstate(record)) => pb::GetRealEstateRecordResponse {
                    found: true,
                    record: Some(record),
                },
                _ => pb::GetRealEstateRecordResponse::default(),
            },
        )
        .await
    }

    async fn get_emergency_housing_record(
        &self,
        request: Request<pb::GetEmergencyHousingRecordRequest>,
    ) -> Result<Response<pb::GetEmergencyHousingRecordResponse>, Status> {
        self.single_register(
            GET_EMERGENCY_HOUSING_RECORD,
            Register::EmergencyHousing,
            request,
            |request| (&request.iin, request.as_of_date.as_ref()),
            |record| match record {
                Some(Record::EmergencyHousing(record)) => pb::GetEmergencyHousingRecordResponse {
                    found: true,
                    record: Some(record),
                },
                _ => pb::GetEmergencyHousingRecordResponse::default(),
            },
        )
        .await
    }

    async fn get_state_housing_use_record(
        &self,
        request: Request<pb::GetStateHousingUseRecordRequest>,
    ) -> Result<Response<pb::GetStateHousingUseRecordResponse>, Status> {
        self.single_register(
            GET_STATE_HOUSING_USE_RECORD,
            Register::StateHousingUse,
            request,
            |request| (&request.iin, request.as_of_date.as_ref()),
            |record| match record {
                Some(Record::StateHousingUse(record)) => pb::GetStateHousingUseRecordResponse {
                    found: true,
                    record: Some(record),
                },
                _ => pb::GetStateHousingUseRecordResponse::default(),
            },
        )
        .await
    }

    async fn get_unified_republican_database_record(
        &self,
        request: Request<pb::GetUnifiedRepublicanDatabaseRecordRequest>,
    ) -> Result<Response<pb::GetUnifiedRepublicanDatabaseRecordResponse>, Status> {
        self.single_register(
            GET_UNIFIED_REPUBLICAN_DATABASE_RECORD,
            Register::UnifiedRepublicanDatabase,
            request,
            |request| (&request.iin, request.as_of_date.as_ref()),
            |record| match record {
                Some(Record::UnifiedDatabase(record)) => {
                    pb::GetUnifiedRepublicanDatabaseRecordResponse {
                        found: true,
                        record: Some(record),
                    }
                }
                _ => pb::GetUnifiedRepublicanDatabaseRecordResponse::default(),
            },
        )
        .await
    }

    async fn get_social_category_record(
        &self,
        request: Request<pb::GetSocialCategoryRecordRequest>,
    ) -> Result<Response<pb::GetSocialCategoryRecordResponse>, Status> {
        self.single_register(
            GET_SOCIAL_CATEGORY_RECORD,
            Register::SocialCategories,
            request,
            |request| (&request.iin, request.as_of_date.as_ref()),
            |record| match record {
                Some(Record::SocialCategories(record)) => pb::GetSocialCategoryRecordResponse {
                    found: true,
                    record: Some(record),
                },
                _ => pb::GetSocialCategoryRecordResponse::default(),
            },
        )
        .await
    }

    async fn get_mobile_citizen_record(
        &self,
        request: Request<pb::GetMobileCitizenRecordRequest>,
    ) -> Result<Response<pb::GetMobileCitizenRecordResponse>, Status> {
        self.single_register(
            GET_MOBILE_CITIZEN_RECORD,
            Register::MobileCitizens,
            request,
            |request| (&request.iin, request.as_of_date.as_ref()),
            |record| match record {
                Some(Record::MobileCitizen(record)) => pb::GetMobileCitizenRecordResponse {
                    found: true,
                    record: Some(record),
                },
                _ => pb::GetMobileCitizenRecordResponse::default(),
            },
        )
        .await
    }
}

impl GatewayService {
    /// One register's RPC: the person named by the request, as of its day,
    /// answered by `respond` (`None` is "not found").
    async fn single_register<Q, A>(
        &self,
        method: &'static str,
        register: Register,
        request: Request<Q>,
        fields: fn(&Q) -> (&str, Option<&Date>),
        respond: fn(Option<Record>) -> A,
    ) -> Result<Response<A>, Status>
    where
        Q: prost::Message + Send + 'static,
        A: prost::Message + Send + 'static,
    {
        self.handle(method, vec![register], request, move |call| async move {
            let (iin, as_of_date) = fields(&call.request);
            Ok(respond(
                answer_person(&call, register, iin, as_of_date).await?,
            ))
        })
        .await
    }
}

/// One register's answer about one person: the record as of the day asked,
/// `None` for "not found", or the fault planned for the register.
async fn answer_person<Q>(
    call: &Call<Q>,
    register: Register,
    iin: &str,
    as_of_date: Option<&Date>,
) -> Result<Option<Record>, GatewayError> {
    let query = PersonQuery::parse(iin, as_of_date)?;
    let plan = call.state.faults.plan(register, call.budget);
    let person = match plan.outcome {
        Planned::Answer => call.state.store.person(&query.iin).await?,
        Planned::Unavailable | Planned::Timeout => None,
    };
    // The store's own time counts towards the injected latency.
    sleep_until(call.arrived + plan.wait).await;
    match plan.outcome {
        Planned::Answer => {
            Ok(person.and_then(|person| as_of::register_answer(&person, register, query.as_of)))
        }
        Planned::Unavailable => Err(GatewayError::RegisterUnavailable(register)),
        Planned::Timeout => Err(GatewayError::RegisterTimeout(register)),
    }
}

async fn answer_expert(
    call: Call<pb::GetCertifiedExpertRequest>,
) -> Result<pb::GetCertifiedExpertResponse, GatewayError> {
    let register = Register::CertifiedExperts;
    let query = ExpertQuery::parse(
        &call.request.certificate_number,
        call.request.as_of_date.as_ref(),
    )?;
    let plan = call.state.faults.plan(register, call.budget);
    let mut experts = match plan.outcome {
        Planned::Answer => {
            call.state
                .store
                .experts(std::slice::from_ref(&query.certificate_number))
                .await?
        }
        Planned::Unavailable | Planned::Timeout => HashMap::new(),
    };
    sleep_until(call.arrived + plan.wait).await;
    match plan.outcome {
        Planned::Answer => {
            let expert = experts
                .remove(&query.certificate_number)
                .and_then(|expert| as_of::certified_expert(&expert, query.as_of));
            Ok(pb::GetCertifiedExpertResponse {
                found: expert.is_some(),
                expert,
            })
        }
        Planned::Unavailable => Err(GatewayError::RegisterUnavailable(register)),
        Planned::Timeout => Err(GatewayError::RegisterTimeout(register)),
    }
}

/// `QueryRegisters`: every register asked about every person asked, and the
/// experts, in one round trip and one store query for all the persons. Each
/// answer carries its own outcome: a fault of one register does not fail the others.
async fn answer_family(
    call: Call<pb::QueryRegistersRequest>,
) -> Result<pb::QueryRegistersResponse, GatewayError> {
    let query = FamilyQuery::parse(&call.request)?;
    let faults = &call.state.faults;
    let person_plans: Vec<(usize, Register, AnswerPlan)> = query
        .iins
        .iter()
        .enumerate()
        .flat_map(|(person, _)| {
            query
                .registers
                .iter()
                .map(move |register| (person, *register, faults.plan(*register, call.budget)))
        })
        .collect();
    let expert_plans: Vec<AnswerPlan> = query
        .expert_certificate_numbers
        .iter()
        .map(|_| faults.plan(Register::CertifiedExperts, call.budget))
        .collect();

    let persons = if person_plans
        .iter()
        .any(|(_, _, plan)| plan.outcome == Planned::Answer)
    {
        call.state.store.persons(&query.iins).await?
    } else {
        HashMap::new()
    };
    let experts_to_read: Vec<String> = query
        .expert_certificate_numbers
        .iter()
        .zip(&expert_plans)
        .filter(|(_, plan)| plan.outcome == Planned::Answer)
        .map(|(number, _)| number.clone())
        .collect();
    let experts = call.state.store.experts(&experts_to_read).await?;

    // Registers are asked in parallel: the answer waits for the slowest.
    let wait = person_plans
        .iter()
        .map(|(_, _, plan)| plan.wait)
        .chain(expert_plans.iter().map(|plan| plan.wait))
        .max()
        .unwrap_or_default();
    sleep_until(call.arrived + wait).await;

    let answers = person_plans
        .into_iter()
        .map(|(person, register, plan)| {
            let iin = query.iins[person];
            let (status, record) = match plan.outcome {
                Planned::Answer => match persons
                    .get(&iin)
                    .and_then(|record| as_of::register_answer(record, register, query.as_of))
                {
                    Some(record) => (pb::AnswerStatus::Found, Some(record)),
                    None => (pb::AnswerStatus::NotFound, None),
                },
                Planned::Unavailable => (pb::AnswerStatus::Unavailable, None),
                Planned::Timeout => (pb::AnswerStatus::Timeout, None),
            };
            pb::RegisterAnswer {
                iin: iin.as_str().to_owned(),
                register: register as i32,
                status: status as i32,
                record,
            }
        })
        .collect();
    let expert_answers = query
        .expert_certificate_numbers
        .iter()
        .zip(expert_plans)
        .map(|(number, plan)| {
            let (status, expert) = match plan.outcome {
                Planned::Answer => match experts
                    .get(number)
                    .and_then(|expert| as_of::certified_expert(expert, query.as_of))
                {
                    Some(expert) => (pb::AnswerStatus::Found, Some(expert)),
                    None => (pb::AnswerStatus::NotFound, None),
                },
                Planned::Unavailable => (pb::AnswerStatus::Unavailable, None),
                Planned::Timeout => (pb::AnswerStatus::Timeout, None),
            };
            pb::ExpertAnswer {
                certificate_number: number.clone(),
                status: status as i32,
                expert,
            }
        })
        .collect();
    Ok(pb::QueryRegistersResponse {
        answers,
        expert_answers,
    })
}
