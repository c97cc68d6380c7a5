//! The service's database: complaints, their numbering, the outbox and the
//! access log.
//!
//! One [`ComplaintStore`] over `housing-storage`'s [`Database`] (PostgreSQL or
//! SQLite, the same SQL for both). Storage errors are translated here into
//! [`StoreError`]; the rest of the service never sees `sqlx::Error`. Every
//! change of a complaint and the messages it causes are written in one
//! transaction, which starts with a write (on SQLite it then takes the write
//! lock at once instead of failing to upgrade a stale read snapshot).

use chrono::{DateTime, NaiveDate, Utc};
use housing_domain::Iin;
use housing_platform::caller::Role;
use housing_storage::sqlx::any::AnyRow;
use housing_storage::sqlx::{self, Row};
use housing_storage::{Database, Migrations, StorageError};

use crate::model::{
    Actor, ComplaintId, ComplaintState, DecisionRecord, ForwardingRecord, Remedy, SignatureRecord,
    StoredComplaint, outcome_as_str, parse_outcome, parse_route, route_as_str,
};

/// The service's migrations, embedded, one set per backend.
pub static MIGRATIONS: Migrations = Migrations {
    postgres: &sqlx::migrate!("migrations/postgres"),
    sqlite: &sqlx::migrate!("migrations/sqlite"),
};

/// A storage failure, in the service's terms.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The complaint changed since it was read; read it again and retry.
    #[error("the complaint changed meanwhile")]
    Stale,
    /// A stored value cannot be read back: a bug or a hand-edited row.
    #[error("a stored {0} cannot be read")]
    Corrupt(&'static str),
    /// The database failed.
    #[error(transparent)]
    Storage(#[from] StorageError),
}

impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> Self {
        StoreError::Storage(StorageError::from(error))
    }
}

/// Where an outbox message goes and what it asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutboxKind {
    /// `SendNotification` at notification.
    Notice,
    /// `ReevaluateCase` at eligibility-verification.
    Reevaluate,
    /// `RegisterByComplaintDecision` at eligibility-verification.
    Register,
}

impl OutboxKind {
    /// As stored.
    pub const fn as_str(self) -> &'static str {
        match self {
            OutboxKind::Notice => "NOTICE",
            OutboxKind::Reevaluate => "REEVALUATE",
            OutboxKind::Register => "REGISTER",
        }
    }

    fn parse(text: &str) -> Option<Self> {
        [
            OutboxKind::Notice,
            OutboxKind::Reevaluate,
            OutboxKind::Register,
        ]
        .into_iter()
        .find(|kind| kind.as_str() == text)
    }

    /// The message that carries a remedy.
    pub const fn of_remedy(remedy: Remedy) -> Self {
        match remedy {
            Remedy::Reevaluate => OutboxKind::Reevaluate,
            Remedy::Register => OutboxKind::Register,
        }
    }
}

/// A message to write with a change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOutboxMessage {
    /// Where it goes.
    pub kind: OutboxKind,
    /// The encoded request.
    pub payload: Vec<u8>,
    /// The W3C trace context of the call that wrote it: its delivery
    /// continues that trace (`housing_platform::telemetry`).
    pub trace_context: Option<String>,
}

impl NewOutboxMessage {
    /// A message carrying the current span's trace context.
    pub fn new(kind: OutboxKind, payload: Vec<u8>) -> Self {
        Self {
            kind,
            payload,
            trace_context: housing_platform::telemetry::current_trace_context(),
        }
    }
}

/// A message waiting for delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueMessage {
    /// Its id.
    pub id: String,
    /// The complaint it belongs to.
    pub complaint_id: ComplaintId,
    /// Where it goes.
    pub kind: OutboxKind,
    /// The encoded request.
    pub payload: Vec<u8>,
    /// Failed attempts so far.
    pub attempts: i64,
    /// The trace context it was written in; `None` for messages written
    /// before trace contexts were stored.
    pub trace_context: Option<String>,
}

/// How a filing went.
#[derive(Debug)]
pub enum FileOutcome {
    /// Stored, with its number.
    Created(StoredComplaint),
    /// A concurrent call with the same request id stored its complaint first.
    ExistingRequest(StoredComplaint),
}

/// What a list is narrowed to.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    /// Only complaints this citizen is a party to.
    pub concerning: Option<Iin>,
    /// Only complaints by this complainant.
    pub complainant: Option<Iin>,
    /// Only in this state.
    pub state: Option<ComplaintState>,
    /// Only open complaints whose term in force ends in this range.
    pub open_deadline: Option<DeadlineRange>,
}

/// A range of term ends, `[from, until)`; either end may be open.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DeadlineRange {
    /// The earliest end included.
    pub from: Option<DateTime<Utc>>,
    /// The first end excluded.
    pub until: Option<DateTime<Utc>>,
}

/// The position a page starts after: the last complaint of the previous page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageAfter {
    /// Its term in force, in microseconds.
    pub deadline_micros: i64,
    /// Its id.
    pub id: String,
}

/// The service's storage.
#[derive(Debug, Clone)]
pub struct ComplaintStore {
    database: Database,
}

impl ComplaintStore {
    /// A store over a migrated database.
    pub fn new(database: Database) -> Self {
        Self { database }
    }

    /// Files a complaint: its registration number (one sequence per year of
    /// the registration date), the complaint and its messages, in one
    /// transaction. `number_of` formats the number from the year and the
    /// sequence; `messages_of` makes the messages from the numbered complaint.
    pub async fn file(
        &self,
        complaint: &StoredComplaint,
        cms_signature: &[u8],
        number_of: impl Fn(i32, i64) -> String,
        messages_of: impl Fn(&StoredComplaint) -> Vec<NewOutboxMessage>,
    ) -> Result<FileOutcome, StoreError> {
        match self
            .try_file(complaint, cms_signature, number_of, messages_of)
            .await
        {
            Ok(created) => Ok(FileOutcome::Created(created)),
            Err(StoreError::Storage(StorageError::Conflict)) => {
                // Only request_id can collide: ids are random, numbers are allocated.
                match self.find_by_request_id(&complaint.request_id).await? {
                    Some(existing) => Ok(FileOutcome::ExistingRequest(existing)),
                    None => Err(StoreError::Storage(StorageError::Conflict)),
                }
            }
            Err(other) => Err(other),
        }
    }

    async fn try_file(
        &self,
        complaint: &StoredComplaint,
        cms_signature: &[u8],
        number_of: impl Fn(i32, i64) -> String,
        messages_of: impl Fn(&StoredComplaint) -> Vec<NewOutboxMessage>,
    ) -> Result<StoredComplaint, StoreError> {
        use chrono::Datelike;
        let mut transaction = self.database.pool().begin().await?;
        let year = complaint.registration_date.year();
        let (sequence,): (i64,) = sqlx::query_as(
            "INSERT INTO complaint_numbers (year, last_number) VALUES ($1, 1) \
             ON CONFLICT (year) DO UPDATE SET last_number = complaint_numbers.last_number + 1 \
             RETURNING last_number",
        )
        .bind(i64::from(year))
        .fetch_one(&mut *transaction)
        .await?;
        let mut stored = complaint.clone();
        stored.number = number_of(year, sequence);
        sqlx::query(
            "INSERT INTO complaints (id, request_id, number, complainant_iin, applicant_iin, \
             representative_iin, application, decision, route, form_content, cms_signature, \
             signer_iin, certificate_serial, signing_time_micros, content_sha256, phone, email, \
             registration_time_micros, registration_date, answer_deadline_micros, \
             forward_deadline_micros, state, deadline_micros, update_time_micros, revision) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, \
             $18, $19, $20, $21, $22, $23, $24, $25)",
        )
        .bind(stored.id.as_str())
        .bind(&stored.request_id)
        .bind(&stored.number)
        .bind(stored.complainant_iin.as_str())
        .bind(stored.applicant_iin.as_str())
        .bind(stored.representative_iin.map(|iin| iin.as_str().to_owned()))
        .bind(&stored.application)
        .bind(stored.decision.clone())
        .bind(route_as_str(stored.route))
        .bind(stored.form_content.clone())
        .bind(cms_signature.to_vec())
        .bind(stored.signature.signer_iin.as_str())
        .bind(&stored.signature.certificate_serial)
        .bind(micros(stored.signature.signing_time))
        .bind(&stored.signature.content_sha256)
        .bind(&stored.phone)
        .bind(&stored.email)
        .bind(micros(stored.registration_time))
        .bind(date_column(stored.registration_date))
        .bind(micros(stored.answer_deadline))
        .bind(stored.forward_deadline.map(micros))
        .bind(stored.state.as_str())
        .bind(micros(stored.deadline))
        .bind(micros(stored.update_time))
        .bind(stored.revision)
        .execute(&mut *transaction)
        .await?;
        let messages = messages_of(&stored);
        insert_messages(&mut transaction, &stored.id, &messages, stored.update_time).await?;
        transaction.commit().await?;
        Ok(stored)
    }

    /// One complaint.
    pub async fn get(&self, id: &ComplaintId) -> Result<Option<StoredComplaint>, StoreError> {
        sqlx::query("SELECT * FROM complaints WHERE id = $1")
            .bind(id.as_str())
            .fetch_optional(self.database.pool())
            .await?
            .as_ref()
            .map(complaint_from_row)
            .transpose()
    }

    /// The complaint a FileComplaint request id created.
    pub async fn find_by_request_id(
        &self,
        request_id: &str,
    ) -> Result<Option<StoredComplaint>, StoreError> {
        sqlx::query("SELECT * FROM complaints WHERE request_id = $1")
            .bind(request_id)
            .fetch_optional(self.database.pool())
            .await?
            .as_ref()
            .map(complaint_from_row)
            .transpose()
    }

    /// The encoded administrative case forwarded with a complaint.
    pub async fn case_file(&self, id: &ComplaintId) -> Result<Option<Vec<u8>>, StoreError> {
        let row: Option<(Option<Vec<u8>>,)> =
            sqlx::query_as("SELECT case_file FROM complaints WHERE id = $1")
                .bind(id.as_str())
                .fetch_optional(self.database.pool())
                .await?;
        Ok(row.and_then(|(file,)| file))
    }

    /// Complaints by filter, earliest term first, at most `limit`.
    pub async fn list(
        &self,
        filter: &ListFilter,
        after: Option<&PageAfter>,
        limit: i64,
    ) -> Result<Vec<StoredComplaint>, StoreError> {
        enum Value {
            Text(String),
            Number(i64),
        }
        let mut conditions = Vec::new();
        let mut values = Vec::new();
        let next = |value: Value, values: &mut Vec<Value>| {
            values.push(value);
            format!("${}", values.len())
        };
        if let Some(iin) = &filter.concerning {
            let a = next(Value::Text(iin.as_str().to_owned()), &mut values);
            let b = next(Value::Text(iin.as_str().to_owned()), &mut values);
            let c = next(Value::Text(iin.as_str().to_owned()), &mut values);
            conditions.push(format!(
                "(complainant_iin = {a} OR applicant_iin = {b} OR representative_iin = {c})"
            ));
        }
        if let Some(iin) = &filter.complainant {
            let p = next(Value::Text(iin.as_str().to_owned()), &mut values);
            conditions.push(format!("complainant_iin = {p}"));
        }
        if let Some(state) = filter.state {
            let p = next(Value::Text(state.as_str().to_owned()), &mut values);
            conditions.push(format!("state = {p}"));
        }
        if let Some(DeadlineRange { from, until }) = &filter.open_deadline {
            let p = next(
                Value::Text(ComplaintState::Decided.as_str().to_owned()),
                &mut values,
            );
            conditions.push(format!("state <> {p}"));
            if let Some(from) = from {
                let p = next(Value::Number(micros(*from)), &mut values);
                conditions.push(format!("deadline_micros >= {p}"));
            }
            if let Some(until) = until {
                let p = next(Value::Number(micros(*until)), &mut values);
                conditions.push(format!("deadline_micros < {p}"));
            }
        }
        if let Some(after) = after {
            let a = next(Value::Number(after.deadline_micros), &mut values);
            let b = next(Value::Number(after.deadline_micros), &mut values);
            let c = next(Value::Text(after.id.clone()), &mut values);
            conditions.push(format!(
                "(deadline_micros > {a} OR (deadline_micros = {b} AND id > {c}))"
            ));
        }
        let limit_placeholder = next(Value::Number(limit), &mut values);
        let where_clause = if conditions.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", conditions.join(" AND "))
        };
        let sql = format!(
            "SELECT * FROM complaints {where_clause} ORDER BY deadline_micros, id \
             LIMIT {limit_placeholder}"
        );
        let mut query = sqlx::query(&sql);
        for value in values {
            query = match value {
                Value::Text(text) => query.bind(text),
                Value::Number(number) => query.bind(number),
            };
        }
        query
            .fetch_all(self.database.pool())
            .await?
            .iter()
            .map(complaint_from_row)
            .collect()
    }

    /// Records a forwarding (with the administrative case) and its messages,
    /// if the complaint is still at `expected_revision`.
    pub async fn forward(
        &self,
        complaint: &StoredComplaint,
        case_file: &[u8],
        messages: &[NewOutboxMessage],
    ) -> Result<(), StoreError> {
        let forwarding = complaint
            .forwarding
            .as_ref()
            .ok_or(StoreError::Corrupt("forwarding"))?;
        let mut transaction = self.database.pool().begin().await?;
        let changed = sqlx::query(
            "UPDATE complaints SET state = $1, deadline_micros = $2, forward_request_id = $3, \
             forwarded_body = $4, forward_time_micros = $5, forwarded_by_id = $6, \
             forwarded_by_role = $7, forward_answer_deadline_micros = $8, case_file = $9, \
             update_time_micros = $10, revision = $11 WHERE id = $12 AND revision = $13",
        )
        .bind(complaint.state.as_str())
        .bind(micros(complaint.deadline))
        .bind(&forwarding.request_id)
        .bind(&forwarding.body)
        .bind(micros(forwarding.forward_time))
        .bind(&forwarding.forwarded_by.id)
        .bind(forwarding.forwarded_by.role.as_str())
        .bind(micros(forwarding.answer_deadline))
        .bind(case_file.to_vec())
        .bind(micros(complaint.update_time))
        .bind(complaint.revision)
        .bind(complaint.id.as_str())
        .bind(complaint.revision - 1)
        .execute(&mut *transaction)
        .await?
        .rows_affected();
        if changed == 0 {
            return Err(StoreError::Stale);
        }
        insert_messages(
            &mut transaction,
            &complaint.id,
            messages,
            complaint.update_time,
        )
        .await?;
        transaction.commit().await?;
        Ok(())
    }

    /// Records a decision and its messages, if the complaint is still at the
    /// revision before `complaint.revision`.
    pub async fn decide(
        &self,
        complaint: &StoredComplaint,
        messages: &[NewOutboxMessage],
    ) -> Result<(), StoreError> {
        let decision = complaint
            .decision_record
            .as_ref()
            .ok_or(StoreError::Corrupt("decision"))?;
        let mut transaction = self.database.pool().begin().await?;
        let changed = sqlx::query(
            "UPDATE complaints SET state = $1, decide_request_id = $2, outcome = $3, \
             reasons = $4, decided_by_id = $5, decided_by_role = $6, decide_time_micros = $7, \
             remedy = $8, update_time_micros = $9, revision = $10 \
             WHERE id = $11 AND revision = $12",
        )
        .bind(complaint.state.as_str())
        .bind(&decision.request_id)
        .bind(outcome_as_str(decision.outcome))
        .bind(&decision.reasons)
        .bind(&decision.decided_by.id)
        .bind(decision.decided_by.role.as_str())
        .bind(micros(decision.decide_time))
        .bind(decision.remedy.map(|remedy| remedy.as_str().to_owned()))
        .bind(micros(complaint.update_time))
        .bind(complaint.revision)
        .bind(complaint.id.as_str())
        .bind(complaint.revision - 1)
        .execute(&mut *transaction)
        .await?
        .rows_affected();
        if changed == 0 {
            return Err(StoreError::Stale);
        }
        insert_messages(
            &mut transaction,
            &complaint.id,
            messages,
            complaint.update_time,
        )
        .await?;
        transaction.commit().await?;
        Ok(())
    }

    /// Messages due for delivery at `now`, oldest due first.
    pub async fn due_messages(
        &self,
        now: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<DueMessage>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, complaint_id, kind, payload, attempts, trace_context FROM complaints_outbox \
             WHERE delivered_at_micros IS NULL AND abandoned = 0 AND next_attempt_micros <= $1 \
             ORDER BY next_attempt_micros, id LIMIT $2",
        )
        .bind(micros(now))
        .bind(limit)
        .fetch_all(self.database.pool())
        .await?;
        rows.iter()
            .map(|row| {
                Ok(DueMessage {
                    id: row.try_get("id")?,
                    complaint_id: ComplaintId::from_stored(
                        &row.try_get::<String, _>("complaint_id")?,
                    )
                    .ok_or(StoreError::Corrupt("complaint id"))?,
                    kind: OutboxKind::parse(&row.try_get::<String, _>("kind")?)
                        .ok_or(StoreError::Corrupt("outbox kind"))?,
                    payload: row.try_get("payload")?,
                    attempts: row.try_get("attempts")?,
                    trace_context: row.try_get("trace_context")?,
                })
            })
            .collect()
    }

    /// Marks a message delivered; for a remedy, records the eligibility
    /// decision it produced on the complaint in the same transaction.
    pub async fn mark_delivered(
        &self,
        message: &DueMessage,
        resulting_decision: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut transaction = self.database.pool().begin().await?;
        sqlx::query("UPDATE complaints_outbox SET delivered_at_micros = $1 WHERE id = $2")
            .bind(micros(now))
            .bind(&message.id)
            .execute(&mut *transaction)
            .await?;
        if let Some(decision) = resulting_decision {
            sqlx::query(
                "UPDATE complaints SET resulting_decision = $1, update_time_micros = $2, \
                 revision = revision + 1 WHERE id = $3",
            )
            .bind(decision)
            .bind(micros(now))
            .bind(message.complaint_id.as_str())
            .execute(&mut *transaction)
            .await?;
        }
        transaction.commit().await?;
        Ok(())
    }

    /// Records a failed attempt: retried at `next_attempt`, or abandoned.
    pub async fn mark_failed(
        &self,
        message: &DueMessage,
        error: &str,
        next_attempt: DateTime<Utc>,
        abandon: bool,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE complaints_outbox SET attempts = attempts + 1, next_attempt_micros = $1, \
             abandoned = $2, last_error = $3 WHERE id = $4",
        )
        .bind(micros(next_attempt))
        .bind(i64::from(abandon))
        .bind(error)
        .bind(&message.id)
        .execute(self.database.pool())
        .await?;
        Ok(())
    }

    /// Messages not delivered and not abandoned (for tests and operators).
    pub async fn pending_message_count(&self) -> Result<i64, StoreError> {
        let (count,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM complaints_outbox WHERE delivered_at_micros IS NULL AND abandoned = 0",
        )
        .fetch_one(self.database.pool())
        .await?;
        Ok(count)
    }
}

async fn insert_messages(
    transaction: &mut sqlx::Transaction<'_, sqlx::Any>,
    complaint: &ComplaintId,
    messages: &[NewOutboxMessage],
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    for message in messages {
        sqlx::query(
            "INSERT INTO complaints_outbox (id, complaint_id, kind, payload, created_at_micros, \
             attempts, next_attempt_micros, abandoned, trace_context) \
             VALUES ($1, $2, $3, $4, $5, 0, $6, 0, $7)",
        )
        .bind(uuid::Uuid::new_v4().simple().to_string())
        .bind(complaint.as_str())
        .bind(message.kind.as_str())
        .bind(message.payload.clone())
        .bind(micros(now))
        // Due at once: the dispatcher runs on system time, not the business clock.
        .bind(micros(Utc::now()))
        .bind(message.trace_context.clone())
        .execute(&mut **transaction)
        .await?;
    }
    Ok(())
}

fn complaint_from_row(row: &AnyRow) -> Result<StoredComplaint, StoreError> {
    let text = |column: &str| -> Result<String, StoreError> { Ok(row.try_get(column)?) };
    let optional =
        |column: &str| -> Result<Option<String>, StoreError> { Ok(row.try_get(column)?) };
    let instant = |column: &str| -> Result<DateTime<Utc>, StoreError> {
        instant_from_column(row.try_get(column)?)
    };
    let optional_instant = |column: &str| -> Result<Option<DateTime<Utc>>, StoreError> {
        row.try_get::<Option<i64>, _>(column)?
            .map(instant_from_column)
            .transpose()
    };
    let actor = |id: &str, role: &str| -> Result<Option<Actor>, StoreError> {
        match (optional(id)?, optional(role)?) {
            (Some(id), Some(role)) => Ok(Some(Actor {
                id,
                role: Role::parse(&role).ok_or(StoreError::Corrupt("actor role"))?,
            })),
            _ => Ok(None),
        }
    };
    let forwarding = match (
        optional("forward_request_id")?,
        actor("forwarded_by_id", "forwarded_by_role")?,
    ) {
        (Some(request_id), Some(forwarded_by)) => Some(ForwardingRecord {
            request_id,
            body: text("forwarded_body")?,
            forward_time: instant("forward_time_micros")?,
            forwarded_by,
            answer_deadline: instant("forward_answer_deadline_micros")?,
        }),
        _ => None,
    };
    let decision_record = match (
        optional("decide_request_id")?,
        actor("decided_by_id", "decided_by_role")?,
    ) {
        (Some(request_id), Some(decided_by)) => Some(DecisionRecord {
            request_id,
            outcome: parse_outcome(&text("outcome")?).ok_or(StoreError::Corrupt("outcome"))?,
            reasons: text("reasons")?,
            decided_by,
            decide_time: instant("decide_time_micros")?,
            remedy: optional("remedy")?
                .map(|remedy| Remedy::parse(&remedy).ok_or(StoreError::Corrupt("remedy")))
                .transpose()?,
            resulting_decision: optional("resulting_decision")?,
        }),
        _ => None,
    };
    Ok(StoredComplaint {
        id: ComplaintId::from_stored(&text("id")?).ok_or(StoreError::Corrupt("complaint id"))?,
        request_id: text("request_id")?,
        number: text("number")?,
        complainant_iin: iin_from_column(&text("complainant_iin")?)?,
        applicant_iin: iin_from_column(&text("applicant_iin")?)?,
        representative_iin: optional("representative_iin")?
            .as_deref()
            .map(iin_from_column)
            .transpose()?,
        application: text("application")?,
        decision: optional("decision")?,
        route: parse_route(&text("route")?).ok_or(StoreError::Corrupt("route"))?,
        form_content: row.try_get("form_content")?,
        signature: SignatureRecord {
            signer_iin: iin_from_column(&text("signer_iin")?)?,
            certificate_serial: text("certificate_serial")?,
            signing_time: instant("signing_time_micros")?,
            content_sha256: text("content_sha256")?,
        },
        phone: text("phone")?,
        email: text("email")?,
        registration_time: instant("registration_time_micros")?,
        registration_date: NaiveDate::parse_from_str(&text("registration_date")?, DATE_FORMAT)
            .map_err(|_| StoreError::Corrupt("registration date"))?,
        answer_deadline: instant("answer_deadline_micros")?,
        forward_deadline: optional_instant("forward_deadline_micros")?,
        state: ComplaintState::parse(&text("state")?).ok_or(StoreError::Corrupt("state"))?,
        deadline: instant("deadline_micros")?,
        forwarding,
        decision_record,
        update_time: instant("update_time_micros")?,
        revision: row.try_get("revision")?,
    })
}

/// Dates are stored as ISO dates: readable, and ordered as text.
const DATE_FORMAT: &str = "%Y-%m-%d";

fn date_column(date: NaiveDate) -> String {
    date.format(DATE_FORMAT).to_string()
}

fn micros(instant: DateTime<Utc>) -> i64 {
    instant.timestamp_micros()
}

fn instant_from_column(micros: i64) -> Result<DateTime<Utc>, StoreError> {
    DateTime::from_timestamp_micros(micros).ok_or(StoreError::Corrupt("instant"))
}

fn iin_from_column(text: &str) -> Result<Iin, StoreError> {
    Iin::parse(text).map_err(|_| StoreError::Corrupt("IIN"))
}
