//! The audit trail as the services use it: [`Auditor`] records every read or
//! change of a person's data (who, when, which RPC, which persons, which
//! case) in the service's own [`AuditLog`], and [`AuditTrailService`] serves
//! `housing.audit.v1.AuditService` over it to auditors.
//!
//! An access that cannot be recorded is not given: when the append fails the
//! call fails with UNAVAILABLE, reason `AUDIT_UNAVAILABLE`, and no personal
//! data is returned. The caller is the one [`Caller`] the handler read from
//! the request's metadata, so every entry is attributable to it.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use housing_domain::Iin;
use housing_proto::housing::audit::v1 as pb;
use housing_proto::housing::common::v1 as common;
use housing_storage::StorageError;
use housing_storage::audit::{AuditDraft, AuditEntry, AuditLog, AuditQuery};
use tonic::{Request, Response, Status};

use crate::caller::{Caller, Role};
use crate::error::{Reason, ServiceError};

pub use housing_storage::audit::AuditAction;

/// Page size of ListAuditRecords when none is asked for.
pub const DEFAULT_PAGE_SIZE: i64 = 100;

/// One access to record: the persons whose data it was and the case (the
/// resource name the call was about, `applications/42`).
#[derive(Clone, PartialEq, Eq)]
pub struct Access {
    /// The persons, each once.
    persons: BTreeSet<Iin>,
    /// The resource name.
    case: String,
}

impl Access {
    /// An access to `case` concerning `persons` (duplicates are recorded once).
    pub fn new<'a>(case: impl Into<String>, persons: impl IntoIterator<Item = &'a Iin>) -> Self {
        Self {
            persons: persons.into_iter().copied().collect(),
            case: case.into(),
        }
    }

    /// The resource name.
    pub fn case(&self) -> &str {
        &self.case
    }

    /// How many persons it concerns.
    pub fn person_count(&self) -> usize {
        self.persons.len()
    }
}

/// IINs are personal data: the trail holds them, logs never do.
impl std::fmt::Debug for Access {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("Access")
            .field("case", &self.case)
            .field("persons", &self.persons.len())
            .finish()
    }
}

/// Records accesses to persons' data in the service's audit trail. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Auditor {
    log: AuditLog,
}

impl Auditor {
    /// The auditor over the service's trail.
    pub fn new(log: AuditLog) -> Self {
        Self { log }
    }

    /// The trail it writes.
    pub fn log(&self) -> &AuditLog {
        &self.log
    }

    /// Records that `caller`, through `rpc` (the full method,
    /// `/package.Service/Method`), did `action` with the data of `persons`
    /// in `case`. The caller answers only once this has succeeded.
    ///
    /// # Errors
    /// UNAVAILABLE, reason `AUDIT_UNAVAILABLE`, when the entry cannot be written.
    pub async fn record<'a>(
        &self,
        caller: &Caller,
        rpc: &str,
        action: AuditAction,
        persons: impl IntoIterator<Item = &'a Iin>,
        case: &str,
    ) -> Result<(), ServiceError> {
        self.record_all(caller, rpc, action, [Access::new(case, persons)])
            .await
    }

    /// Records one entry per access, in order, in one transaction: a list
    /// call records every resource it returns, each with its own persons, all
    /// or none.
    ///
    /// # Errors
    /// UNAVAILABLE, reason `AUDIT_UNAVAILABLE`, when an entry cannot be written.
    pub async fn record_all(
        &self,
        caller: &Caller,
        rpc: &str,
        action: AuditAction,
        accesses: impl IntoIterator<Item = Access>,
    ) -> Result<(), ServiceError> {
        // When the access really happened: the system clock, never a
        // business clock that tests or a replay may set.
        let recorded_at = Utc::now();
        let drafts: Vec<AuditDraft> = accesses
            .into_iter()
            .map(|access| AuditDraft {
                recorded_at,
                caller_role: caller.role().as_str().to_owned(),
                caller_id: caller.id().to_owned(),
                caller_iin: caller
                    .iin()
                    .map(|iin| iin.as_str().to_owned())
                    .unwrap_or_default(),
                rpc: rpc.to_owned(),
                action,
                persons: access
                    .persons
                    .iter()
                    .map(|iin| iin.as_str().to_owned())
                    .collect(),
                case: access.case,
            })
            .collect();
        if let Err(error) = self.log.append_all(drafts).await {
            // The method only: no person, no case is named in the log.
            tracing::error!(
                error = %error,
                rpc,
                "the audit entries cannot be written: the call is refused"
            );
            return Err(unavailable());
        }
        Ok(())
    }
}

fn unavailable() -> ServiceError {
    ServiceError::Unavailable {
        reason: Reason::AuditUnavailable,
        message: "the audit trail cannot be written; retry later".to_owned(),
    }
}

/// `housing.audit.v1.AuditService` over a service's trail. Who may call it
/// (auditors) is declared in [`crate::authorization::TABLE`].
#[derive(Debug, Clone)]
pub struct AuditTrailService {
    log: AuditLog,
}

impl AuditTrailService {
    /// The service over `log`.
    pub fn new(log: AuditLog) -> Self {
        Self { log }
    }

    /// The generated server, ready to be added to a service's routes.
    pub fn into_server(self) -> pb::audit_service_server::AuditServiceServer<Self> {
        pb::audit_service_server::AuditServiceServer::new(self)
    }
}

/// The request's filters and page as a storage query.
fn query(request: &pb::ListAuditRecordsRequest) -> Result<(AuditQuery, i64), ServiceError> {
    let mut violations = Vec::new();
    if !request.person_iin.is_empty() {
        if let Err(error) = Iin::parse(&request.person_iin) {
            violations.push(crate::error::Violation::new(
                "person_iin",
                error.to_string(),
            ));
        }
    }
    let instant = |field: &str, timestamp: Option<&prost_types::Timestamp>| {
        timestamp
            .map(|timestamp| {
                u32::try_from(timestamp.nanos)
                    .ok()
                    .and_then(|nanos| DateTime::from_timestamp(timestamp.seconds, nanos))
                    .ok_or_else(|| crate::error::Violation::new(field, "is not a valid instant"))
            })
            .transpose()
    };
    let recorded_from = instant("start_time", request.start_time.as_ref())
        .map_err(|violation| violations.push(violation))
        .ok()
        .flatten();
    let recorded_before = instant("end_time", request.end_time.as_ref())
        .map_err(|violation| violations.push(violation))
        .ok()
        .flatten();
    let page_size = match i64::from(request.page_size) {
        0 => DEFAULT_PAGE_SIZE,
        size if size < 0 => {
            violations.push(crate::error::Violation::new(
                "page_size",
                "must not be negative",
            ));
            DEFAULT_PAGE_SIZE
        }
        size => size.min(housing_storage::audit::MAX_PAGE_SIZE),
    };
    let after_sequence = match request.page_token.as_str() {
        "" => 0,
        token => decode_token(token).unwrap_or_else(|| {
            violations.push(crate::error::Violation::new(
                "page_token",
                "is not a token this service gave",
            ));
            0
        }),
    };
    if !violations.is_empty() {
        return Err(ServiceError::invalid(violations));
    }
    Ok((
        AuditQuery {
            person_iin: request.person_iin.clone(),
            case: request.case_id.clone(),
            caller_id: request.caller_id.clone(),
            recorded_from,
            recorded_before,
            after_sequence,
            // One more than the page tells whether another page follows.
            limit: page_size + 1,
        },
        page_size,
    ))
}

/// Page tokens are opaque to callers (AIP-158): the last sequence of the
/// page, hex-encoded.
fn encode_token(sequence: i64) -> String {
    sequence
        .to_string()
        .bytes()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

fn decode_token(token: &str) -> Option<i64> {
    if token.len() % 2 != 0 || !token.is_ascii() {
        return None;
    }
    let text: String = (0..token.len())
        .step_by(2)
        .map(|at| {
            u8::from_str_radix(&token[at..at + 2], 16)
                .ok()
                .map(char::from)
        })
        .collect::<Option<_>>()?;
    text.parse().ok().filter(|sequence| *sequence >= 0)
}

fn actor_role(role: &str) -> common::ActorRole {
    match Role::parse(role) {
        Some(Role::Citizen) => common::ActorRole::Citizen,
        Some(Role::Operator) => common::ActorRole::Operator,
        Some(Role::ProviderHead) => common::ActorRole::ProviderHead,
        Some(Role::ComplaintsBody) => common::ActorRole::ComplaintsBody,
        Some(Role::Auditor) => common::ActorRole::Auditor,
        Some(Role::System) => common::ActorRole::System,
        None => common::ActorRole::Unspecified,
    }
}

/// An entry as the contract shows it.
pub fn record(entry: &AuditEntry) -> pb::AuditRecord {
    let draft = &entry.draft;
    pb::AuditRecord {
        sequence: entry.sequence,
        record_time: Some(prost_types::Timestamp {
            seconds: draft.recorded_at.timestamp(),
            nanos: i32::try_from(draft.recorded_at.timestamp_subsec_nanos()).unwrap_or(0),
        }),
        caller: Some(common::Actor {
            id: draft.caller_id.clone(),
            role: actor_role(&draft.caller_role).into(),
        }),
        caller_iin: draft.caller_iin.clone(),
        rpc: draft.rpc.clone(),
        action: match draft.action {
            AuditAction::Read => pb::AuditAction::Read,
            AuditAction::Change => pb::AuditAction::Change,
        }
        .into(),
        person_iins: draft.persons.clone(),
        case_id: draft.case.clone(),
        entry_hash: entry.entry_hash.clone(),
        previous_hash: entry.previous_hash.clone(),
    }
}

fn storage_error(error: StorageError) -> ServiceError {
    match error {
        StorageError::Unavailable(cause) => {
            tracing::warn!(error = %cause, "the audit trail's database is unavailable");
            ServiceError::Unavailable {
                reason: Reason::Unavailable,
                message: "the service's database is unavailable; retry later".to_owned(),
            }
        }
        other => ServiceError::Internal(anyhow::Error::new(other)),
    }
}

#[tonic::async_trait]
impl pb::audit_service_server::AuditService for AuditTrailService {
    async fn list_audit_records(
        &self,
        request: Request<pb::ListAuditRecordsRequest>,
    ) -> Result<Response<pb::ListAuditRecordsResponse>, Status> {
        // The table lets auditors alone through; the caller is read all the
        // same, so that a server without the layer fails closed.
        Caller::from_metadata(request.metadata())?.require(&[Role::Auditor])?;
        let (query, page_size) = query(request.get_ref())?;
        let mut entries = self.log.list(&query).await.map_err(storage_error)?;
        let page = usize::try_from(page_size).unwrap_or(0);
        let next_page_token = if entries.len() > page {
            entries.truncate(page);
            entries
                .last()
                .map(|last| encode_token(last.sequence))
                .unwrap_or_default()
        } else {
            String::new()
        };
        Ok(Response::new(pb::ListAuditRecordsResponse {
            records: entries.iter().map(record).collect(),
            next_page_token,
        }))
    }

    async fn verify_audit_trail(
        &self,
        request: Request<pb::VerifyAuditTrailRequest>,
    ) -> Result<Response<pb::VerifyAuditTrailResponse>, Status> {
        Caller::from_metadata(request.metadata())?.require(&[Role::Auditor])?;
        let verification = self.log.verify().await.map_err(storage_error)?;
        if let Some(sequence) = verification.first_broken_sequence {
            tracing::error!(sequence, "the audit trail is broken");
        }
        Ok(Response::new(pb::VerifyAuditTrailResponse {
            intact: verification.intact(),
            records_checked: verification.entries,
            first_broken_sequence: verification.first_broken_sequence.unwrap_or(0),
        }))
    }
}

#[cfg(test)]
mod tests;
