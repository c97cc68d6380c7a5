//! The outbox: status events for application-intake and notices for
//! notification, written in the same transaction as the change they announce
//! and delivered afterwards by the dispatcher.
//!
//! Messages of one case to one destination are delivered in the order they
//! were written: only the oldest pending one of each is ever due, so intake
//! never sees "denied" before "hearing scheduled".
//!
//! Each message keeps the W3C trace context of the span that wrote it, so
//! that its delivery continues that trace (`housing_platform::telemetry`).

use chrono::{DateTime, Utc};

use super::rows::{Columns, Parameter, Parameters, micros};
use super::{Store, StoreError};
use crate::names::CaseId;

/// Where an outbox message goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Destination {
    /// application-intake's `RecordApplicationEvent`.
    Intake,
    /// notification's `SendNotification`.
    Notification,
}

impl Destination {
    /// The stored name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Destination::Intake => "INTAKE",
            Destination::Notification => "NOTIFICATION",
        }
    }

    fn parse(text: &str) -> Option<Self> {
        match text {
            "INTAKE" => Some(Destination::Intake),
            "NOTIFICATION" => Some(Destination::Notification),
            _ => None,
        }
    }
}

/// A message to write with a commit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOutboxMessage {
    /// Where it goes.
    pub destination: Destination,
    /// The encoded request, idempotency key included.
    pub payload: Vec<u8>,
    /// The trace context of the span that made it: its delivery continues it.
    pub trace_context: Option<String>,
}

impl NewOutboxMessage {
    /// A message carrying the current span's trace context.
    pub fn new(destination: Destination, payload: Vec<u8>) -> Self {
        Self {
            destination,
            payload,
            trace_context: housing_platform::telemetry::current_trace_context(),
        }
    }
}

/// A pending message, as the dispatcher takes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxMessage {
    /// Its id (the order of writing).
    pub id: i64,
    /// The case it announces a change of.
    pub case_id: CaseId,
    /// Where it goes.
    pub destination: Destination,
    /// The encoded request.
    pub payload: Vec<u8>,
    /// Deliveries tried so far.
    pub attempts: i64,
    /// The trace context it was written in; `None` for messages written
    /// before trace contexts were stored.
    pub trace_context: Option<String>,
}

/// Writes messages inside a commit's transaction, due at once.
pub(super) async fn insert(
    connection: &mut sqlx::AnyConnection,
    case_id: &CaseId,
    messages: &[NewOutboxMessage],
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    if messages.is_empty() {
        return Ok(());
    }
    let mut query = String::from(
        "INSERT INTO outbox (case_id, destination, payload, create_time, attempts, \
         next_attempt_time, trace_context) VALUES ",
    );
    // $1 the case and $2 now are shared; each message adds its destination,
    // payload and trace context.
    let rows: Vec<String> = (0..messages.len())
        .map(|index| {
            let first = 3 + 3 * index;
            format!("($1, ${first}, ${}, $2, 0, $2, ${})", first + 1, first + 2)
        })
        .collect();
    query.push_str(&rows.join(", "));
    let mut statement = sqlx::query(&query)
        .bind(case_id.as_str().to_owned())
        .bind(micros(now));
    for message in messages {
        statement = statement
            .bind(message.destination.as_str())
            .bind(message.payload.clone())
            .bind(message.trace_context.clone());
    }
    statement.execute(connection).await?;
    Ok(())
}

impl Store {
    /// Up to `limit` messages due at `now`: for each case and destination only
    /// the oldest pending one, oldest first.
    pub async fn due_outbox_messages(
        &self,
        now: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<OutboxMessage>, StoreError> {
        let rows = sqlx::query(
            "SELECT o.id, o.case_id, o.destination, o.payload, o.attempts, o.trace_context \
             FROM outbox o \
             WHERE o.delivered_time IS NULL AND o.abandoned_time IS NULL \
             AND o.next_attempt_time <= $1 \
             AND NOT EXISTS (SELECT 1 FROM outbox earlier WHERE earlier.case_id = o.case_id \
                 AND earlier.destination = o.destination AND earlier.id < o.id \
                 AND earlier.delivered_time IS NULL AND earlier.abandoned_time IS NULL) \
             ORDER BY o.next_attempt_time, o.id LIMIT $2",
        )
        .bind(micros(now))
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                let columns = Columns(row);
                Ok(OutboxMessage {
                    id: columns.int("id")?,
                    case_id: columns.parsed("case_id", CaseId::parse)?,
                    destination: columns.parsed("destination", Destination::parse)?,
                    payload: columns.bytes("payload")?,
                    attempts: columns.int("attempts")?,
                    trace_context: columns.optional_text("trace_context")?,
                })
            })
            .collect()
    }

    /// Marks messages delivered, all in one statement.
    pub async fn mark_outbox_delivered(
        &self,
        ids: &[i64],
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        if ids.is_empty() {
            return Ok(());
        }
        let mut parameters = Parameters::default();
        let now = parameters.add(Parameter::Int(micros(now)));
        let ids: Vec<String> = ids
            .iter()
            .map(|id| parameters.add(Parameter::Int(*id)))
            .collect();
        let sql = format!(
            "UPDATE outbox SET delivered_time = {now}, attempts = attempts + 1 WHERE id IN ({})",
            ids.join(", ")
        );
        parameters
            .bind(sqlx::query(&sql))
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Records a failed delivery: tried again at `next_attempt_time`, or
    /// abandoned when `abandon` (the attempts ran out).
    pub async fn mark_outbox_failed(
        &self,
        id: i64,
        error: &str,
        next_attempt_time: DateTime<Utc>,
        abandon: bool,
    ) -> Result<(), StoreError> {
        let abandoned_time = abandon.then(|| micros(next_attempt_time));
        sqlx::query(
            "UPDATE outbox SET attempts = attempts + 1, last_error = $1, next_attempt_time = $2, \
             abandoned_time = $3 WHERE id = $4",
        )
        .bind(error.to_owned())
        .bind(micros(next_attempt_time))
        .bind(abandoned_time)
        .bind(id)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// How many messages are still to be delivered (neither delivered nor abandoned).
    pub async fn pending_outbox_count(&self) -> Result<i64, StoreError> {
        let row = sqlx::query(
            "SELECT COUNT(*) AS pending FROM outbox \
             WHERE delivered_time IS NULL AND abandoned_time IS NULL",
        )
        .fetch_one(self.pool())
        .await?;
        Columns(&row).int("pending")
    }
}
