//! `housing.registry.v1.RegistryAdminService`: the stand-in's own controls —
//! the data in the registers, fault injection, and the query log for auditors.
//! Production gateways have no such service; tests and operators use it.

use std::sync::Arc;
use std::time::Duration;

use housing_domain::Iin;
use housing_platform::error::{Reason, ServiceError, Violation};
use housing_proto::housing::common::v1::Register;
use housing_proto::housing::registry::v1 as pb;
use housing_proto::housing::registry::v1::registry_admin_service_server::RegistryAdminService;
use housing_storage::Database;
use tonic::{Request, Response, Status};

use crate::dates::{now_micros, timestamp_from_micros};
use crate::faults::{FaultInjector, Injection};
use crate::gateway::query::PERSON_REGISTERS;
use crate::query_log::{self, QueryLog};
use crate::storage::{RegistryStore, StoreError, query_log as log_store};
use crate::validation::{expert_violations, normalise_person, person_violations};

/// Page size when a list request gives none (AIP-158).
const DEFAULT_PAGE_SIZE: i32 = 100;
/// Largest page; larger requests are coerced down (AIP-158).
const MAX_PAGE_SIZE: i32 = 1000;
/// Longest latency that may be injected: longer ones only hang tests.
const MAX_INJECTED_LATENCY: Duration = Duration::from_secs(600);

/// The administrative service.
#[derive(Debug, Clone)]
pub struct AdminService {
    store: RegistryStore,
    faults: Arc<FaultInjector>,
    query_log: QueryLog,
}

impl AdminService {
    /// The service over the gateway's store, faults and query log.
    pub fn new(store: RegistryStore, faults: Arc<FaultInjector>, query_log: QueryLog) -> Self {
        Self {
            store,
            faults,
            query_log,
        }
    }

    fn database(&self) -> &Database {
        self.store.database()
    }
}

#[tonic::async_trait]
impl RegistryAdminService for AdminService {
    async fn put_person(
        &self,
        request: Request<pb::PutPersonRequest>,
    ) -> Result<Response<pb::PutPersonResponse>, Status> {
        let Some(mut person) = request.into_inner().person else {
            return Err(ServiceError::invalid_field("person", "is required").into());
        };
        normalise_person(&mut person);
        let violations = person_violations(&person, "person");
        if !violations.is_empty() {
            return Err(ServiceError::invalid(violations).into());
        }
        self.store.put_person(&person).await.map_err(store_error)?;
        tracing::info!("person put");
        Ok(Response::new(pb::PutPersonResponse {
            person: Some(person),
        }))
    }

    async fn get_person(
        &self,
        request: Request<pb::GetPersonRequest>,
    ) -> Result<Response<pb::GetPersonResponse>, Status> {
        let iin = parse_iin(&request.into_inner().iin)?;
        match self.store.person(&iin).await.map_err(store_error)? {
            Some(person) => Ok(Response::new(pb::GetPersonResponse {
                person: Some(person),
            })),
            None => Err(ServiceError::NotFound { resource: "person" }.into()),
        }
    }

    async fn delete_person(
        &self,
        request: Request<pb::DeletePersonRequest>,
    ) -> Result<Response<pb::DeletePersonResponse>, Status> {
        let iin = parse_iin(&request.into_inner().iin)?;
        if self.store.delete_person(&iin).await.map_err(store_error)? {
            tracing::info!("person deleted");
            Ok(Response::new(pb::DeletePersonResponse {}))
        } else {
            Err(ServiceError::NotFound { resource: "person" }.into())
        }
    }

    async fn list_persons(
        &self,
        request: Request<pb::ListPersonsRequest>,
    ) -> Result<Response<pb::ListPersonsResponse>, Status> {
        let request = request.into_inner();
        let page_size = page_size(request.page_size)?;
        let after = person_page_token(&request.page_token)?;
        let mut iins = self
            .store
            .list_persons(after.as_ref().map(Iin::as_str), i64::from(page_size) + 1)
            .await
            .map_err(store_error)?;
        let next_page_token = next_token(&mut iins, page_size, |last| hex::encode(last));
        let total_size = self.store.count_persons().await.map_err(store_error)?;
        Ok(Response::new(pb::ListPersonsResponse {
            iins,
            next_page_token,
            total_size,
        }))
    }

    async fn put_certified_expert(
        &self,
        request: Request<pb::PutCertifiedExpertRequest>,
    ) -> Result<Response<pb::PutCertifiedExpertResponse>, Status> {
        let Some(expert) = request.into_inner().expert else {
            return Err(ServiceError::invalid_field("expert", "is required").into());
        };
        let violations = expert_violations(&expert, "expert");
        if !violations.is_empty() {
            return Err(ServiceError::invalid(violations).into());
        }
        self.store.put_expert(&expert).await.map_err(store_error)?;
        tracing::info!("certified expert put");
        Ok(Response::new(pb::PutCertifiedExpertResponse {
            expert: Some(expert),
        }))
    }

    async fn delete_certified_expert(
        &self,
        request: Request<pb::DeleteCertifiedExpertRequest>,
    ) -> Result<Response<pb::DeleteCertifiedExpertResponse>, Status> {
        let certificate_number = request.into_inner().certificate_number;
        if certificate_number.is_empty() {
            return Err(ServiceError::invalid_field("certificate_number", "is required").into());
        }
        if self
            .store
            .delete_expert(&certificate_number)
            .await
            .map_err(store_error)?
        {
            tracing::info!("certified expert deleted");
            Ok(Response::new(pb::DeleteCertifiedExpertResponse {}))
        } else {
            Err(ServiceError::NotFound {
                resource: "certified expert",
            }
            .into())
        }
    }

    async fn set_fault_injection(
        &self,
        request: Request<pb::SetFaultInjectionRequest>,
    ) -> Result<Response<pb::SetFaultInjectionResponse>, Status> {
        let Some(requested) = request.into_inner().fault_injection else {
            return Err(ServiceError::invalid_field("fault_injection", "is required").into());
        };
        let (register, injection) = parse_injection(&requested)?;
        let in_force = self
            .faults
            .set(register, injection)
            .await
            .map_err(store_error)?;
        tracing::info!(
            register = register.as_str_name(),
            latency_ms = injection.added_latency.as_millis(),
            error_rate = injection.error_rate,
            outage = injection.outage,
            "fault injection set"
        );
        Ok(Response::new(pb::SetFaultInjectionResponse {
            fault_injection: Some(fault_message(
                register as i32,
                in_force.unwrap_or(injection),
            )),
        }))
    }

    async fn list_fault_injections(
        &self,
        _request: Request<pb::ListFaultInjectionsRequest>,
    ) -> Result<Response<pb::ListFaultInjectionsResponse>, Status> {
        Ok(Response::new(pb::ListFaultInjectionsResponse {
            fault_injections: self
                .faults
                .all()
                .into_iter()
                .map(|(register, injection)| fault_message(register, injection))
                .collect(),
        }))
    }

    async fn list_query_log_entries(
        &self,
        request: Request<pb::ListQueryLogEntriesRequest>,
    ) -> Result<Response<pb::ListQueryLogEntriesResponse>, Status> {
        let request = request.into_inner();
        let page_size = page_size(request.page_size)?;
        let after_sequence = log_page_token(&request.page_token)?;
        let case_id = (!request.case_id.is_empty()).then_some(request.case_id.as_str());
        let mut entries = log_store::entries(
            self.database(),
            after_sequence,
            i64::from(page_size) + 1,
            case_id,
        )
        .await
        .map_err(store_error)?;
        let next_page_token = next_token(&mut entries, page_size, |last| last.sequence.to_string());
        Ok(Response::new(pb::ListQueryLogEntriesResponse {
            entries: entries.into_iter().map(entry_message).collect(),
            next_page_token,
        }))
    }

    async fn verify_query_log(
        &self,
        _request: Request<pb::VerifyQueryLogRequest>,
    ) -> Result<Response<pb::VerifyQueryLogResponse>, Status> {
        let verification = query_log::verify(self.database(), self.query_log.head())
            .await
            .map_err(store_error)?;
        if verification.intact {
            tracing::info!(
                entries = verification.entries_checked,
                "query log verified intact"
            );
        } else {
            tracing::warn!(
                first_broken_sequence = verification.first_broken_sequence,
                "query log chain broken"
            );
        }
        Ok(Response::new(pb::VerifyQueryLogResponse {
            intact: verification.intact,
            entries_checked: verification.entries_checked,
            first_broken_sequence: verification.first_broken_sequence,
        }))
    }
}

fn store_error(error: StoreError) -> Status {
    if error.is_unavailable() {
        ServiceError::Unavailable {
            reason: Reason::Unavailable,
            message: "the gateway's database is unavailable".to_owned(),
        }
        .into()
    } else {
        ServiceError::Internal(anyhow::Error::from(error)).into()
    }
}

fn parse_iin(text: &str) -> Result<Iin, Status> {
    Iin::parse(text).map_err(|error| ServiceError::invalid_field("iin", error.to_string()).into())
}

/// AIP-158: 0 means the default, larger than the maximum is coerced down, negative is an error.
fn page_size(requested: i32) -> Result<i32, Status> {
    match requested {
        0 => Ok(DEFAULT_PAGE_SIZE),
        size if size < 0 => {
            Err(ServiceError::invalid_field("page_size", "must not be negative").into())
        }
        size => Ok(size.min(MAX_PAGE_SIZE)),
    }
}

/// Trims a page fetched with one extra row and returns the next token.
fn next_token<T>(rows: &mut Vec<T>, page_size: i32, token_of: impl Fn(&T) -> String) -> String {
    let page_size = usize::try_from(page_size).unwrap_or(0);
    if rows.len() > page_size {
        rows.truncate(page_size);
        rows.last().map(token_of).unwrap_or_default()
    } else {
        String::new()
    }
}

fn invalid_token() -> Status {
    ServiceError::invalid_field("page_token", "is not a token this list gave out").into()
}

/// The persons list's token: the last IIN given, hex-encoded so that it is
/// opaque to callers (and not a bare IIN in their logs).
fn person_page_token(token: &str) -> Result<Option<Iin>, Status> {
    if token.is_empty() {
        return Ok(None);
    }
    let bytes = hex::decode(token).map_err(|_| invalid_token())?;
    let text = String::from_utf8(bytes).map_err(|_| invalid_token())?;
    Iin::parse(&text).map(Some).map_err(|_| invalid_token())
}

/// The query log's token: the last sequence given.
fn log_page_token(token: &str) -> Result<i64, Status> {
    if token.is_empty() {
        return Ok(0);
    }
    match token.parse::<i64>() {
        Ok(sequence) if sequence >= 0 => Ok(sequence),
        _ => Err(invalid_token()),
    }
}

fn parse_injection(requested: &pb::FaultInjection) -> Result<(Register, Injection), Status> {
    let mut violations = Vec::new();
    let register = match Register::try_from(requested.register) {
        Ok(register)
            if PERSON_REGISTERS.contains(&register) || register == Register::CertifiedExperts =>
        {
            Some(register)
        }
        _ => {
            violations.push(Violation::new(
                "fault_injection.register",
                "must be a register the gateway answers for",
            ));
            None
        }
    };
    if !(0.0..=1.0).contains(&requested.error_rate) {
        violations.push(Violation::new(
            "fault_injection.error_rate",
            "must be between 0.0 and 1.0",
        ));
    }
    let added_latency = match requested.added_latency {
        None => Some(Duration::ZERO),
        Some(latency) => Duration::try_from(latency)
            .ok()
            .filter(|latency| *latency <= MAX_INJECTED_LATENCY),
    };
    if added_latency.is_none() {
        violations.push(Violation::new(
            "fault_injection.added_latency",
            format!(
                "must be between 0 and {} seconds",
                MAX_INJECTED_LATENCY.as_secs()
            ),
        ));
    }
    match (register, added_latency) {
        (Some(register), Some(added_latency)) if violations.is_empty() => Ok((
            register,
            Injection {
                added_latency,
                error_rate: requested.error_rate,
                outage: requested.outage,
                updated_at_micros: now_micros(),
            },
        )),
        _ => Err(ServiceError::invalid(violations).into()),
    }
}

fn fault_message(register: i32, injection: Injection) -> pb::FaultInjection {
    pb::FaultInjection {
        register,
        added_latency: prost_types::Duration::try_from(injection.added_latency).ok(),
        error_rate: injection.error_rate,
        outage: injection.outage,
        update_time: Some(timestamp_from_micros(injection.updated_at_micros)),
    }
}

fn entry_message(entry: query_log::Entry) -> pb::QueryLogEntry {
    let draft = entry.draft;
    pb::QueryLogEntry {
        sequence: entry.sequence,
        query_time: Some(timestamp_from_micros(draft.query_time_micros)),
        client_system: draft.client_system,
        on_behalf_of: draft.on_behalf_of,
        case_id: draft.case_id,
        method: draft.method,
        request_sha256: draft.request_sha256,
        response_sha256: draft.response_sha256,
        outcome: draft.outcome,
        registers: draft.registers,
        entry_hash: entry.entry_hash,
        previous_hash: entry.previous_hash,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_sizes_follow_aip_158() {
        assert_eq!(page_size(0).expect("default"), DEFAULT_PAGE_SIZE);
        assert_eq!(page_size(5).expect("as asked"), 5);
        assert_eq!(page_size(100_000).expect("coerced"), MAX_PAGE_SIZE);
        assert!(page_size(-1).is_err());
    }

    #[test]
    fn person_tokens_round_trip_and_refuse_garbage() {
        let iin = Iin::parse("900101300126").expect("valid");
        let token = hex::encode(iin.as_str());
        assert!(!token.contains(iin.as_str()));
        assert_eq!(person_page_token(&token).expect("valid token"), Some(iin));
        assert!(person_page_token("zz").is_err());
        assert!(person_page_token(&hex::encode("900101300125")).is_err());
    }

    #[test]
    fn a_full_page_gets_a_token_and_a_short_page_none() {
        let mut rows = vec![1, 2, 3];
        assert_eq!(next_token(&mut rows, 2, i32::to_string), "2");
        assert_eq!(rows, [1, 2]);
        let mut rows = vec![1, 2];
        assert_eq!(next_token(&mut rows, 2, i32::to_string), "");
    }

    #[test]
    fn injections_are_checked_field_by_field() {
        let status = parse_injection(&pb::FaultInjection {
            register: Register::CertificationCentre as i32,
            added_latency: Some(prost_types::Duration {
                seconds: -1,
                nanos: 0,
            }),
            error_rate: 1.5,
            outage: false,
            update_time: None,
        })
        .expect_err("invalid");
        assert_eq!(status.code(), tonic::Code::InvalidArgument);
        let (register, injection) = parse_injection(&pb::FaultInjection {
            register: Register::Identity as i32,
            added_latency: Some(prost_types::Duration {
                seconds: 0,
                nanos: 250_000_000,
            }),
            error_rate: 0.5,
            outage: true,
            update_time: None,
        })
        .expect("valid");
        assert_eq!(register, Register::Identity);
        assert_eq!(injection.added_latency, Duration::from_millis(250));
    }
}
