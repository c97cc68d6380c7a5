//! The transactional outbox: messages to eligibility-verification written in
//! the same transaction as the change they announce, delivered afterwards by
//! the dispatcher (`crate::outbox`), at least once and in order per application.

use chrono::{DateTime, Utc};
use housing_storage::sqlx::{self, Any, Row, Transaction};

use super::events::{NewEvent, insert_event};
use super::{IntakeStore, StoreError, micros};
use crate::model::{ApplicationId, ApplicationState};

/// Which call a message is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutboxKind {
    /// `EligibilityService.OpenCase`.
    OpenCase,
    /// `EligibilityService.WithdrawCase`.
    WithdrawCase,
}

impl OutboxKind {
    const fn as_str(self) -> &'static str {
        match self {
            OutboxKind::OpenCase => "OPEN_CASE",
            OutboxKind::WithdrawCase => "WITHDRAW_CASE",
        }
    }

    fn parse(text: &str) -> Option<Self> {
        match text {
            "OPEN_CASE" => Some(OutboxKind::OpenCase),
            "WITHDRAW_CASE" => Some(OutboxKind::WithdrawCase),
            _ => None,
        }
    }
}

/// A message to write.
#[derive(Debug, Clone)]
pub struct NewOutboxMessage {
    /// Its id.
    pub id: String,
    /// Which call.
    pub kind: OutboxKind,
    /// The encoded request.
    pub payload: Vec<u8>,
    /// The W3C trace context of the call that wrote it: its delivery
    /// continues that trace (`housing_platform::telemetry`).
    pub trace_context: Option<String>,
}

impl NewOutboxMessage {
    /// A message with a fresh id, carrying the current span's trace context.
    pub fn new(kind: OutboxKind, payload: Vec<u8>) -> Self {
        Self {
            id: uuid::Uuid::new_v4().simple().to_string(),
            kind,
            payload,
            trace_context: housing_platform::telemetry::current_trace_context(),
        }
    }
}

/// A message due for delivery.
#[derive(Debug, Clone)]
pub struct DueMessage {
    /// Its id.
    pub id: String,
    /// The application it is about.
    pub application: ApplicationId,
    /// Which call.
    pub kind: OutboxKind,
    /// The encoded request.
    pub payload: Vec<u8>,
    /// Deliveries tried so far.
    pub attempts: i64,
    /// The due time it was read with: claiming compares it.
    pub next_attempt_micros: i64,
    /// The trace context it was written in; `None` for messages written
    /// before trace contexts were stored.
    pub trace_context: Option<String>,
}

/// What completing an `OpenCase` delivery does to the application: it moves
/// from SUBMITTED to VERIFYING, unless something moved it on already.
#[derive(Debug, Clone)]
pub struct VerifyingFollowUp {
    /// The event recording the move.
    pub event: NewEvent,
}

pub(super) async fn insert_message(
    transaction: &mut Transaction<'static, Any>,
    application: &ApplicationId,
    position: i64,
    message: &NewOutboxMessage,
    created_at: DateTime<Utc>,
) -> Result<(), StoreError> {
    // Due at once; the dispatcher uses the system clock for due times, and so
    // does this: a test's fixed business clock must not postpone delivery.
    let now = micros(Utc::now());
    sqlx::query(
        "INSERT INTO intake_outbox (id, application_id, position, kind, payload, \
         created_at_micros, attempts, next_attempt_micros, trace_context) \
         VALUES ($1, $2, $3, $4, $5, $6, 0, $7, $8)",
    )
    .bind(&message.id)
    .bind(application.as_str())
    .bind(position)
    .bind(message.kind.as_str())
    .bind(&message.payload)
    .bind(micros(created_at))
    .bind(now)
    .bind(message.trace_context.as_deref())
    .execute(&mut **transaction)
    .await?;
    Ok(())
}

impl IntakeStore {
    /// Messages due at `now`, earliest first, at most `limit`; only the
    /// earliest undelivered message of each application, so that a
    /// withdrawal never overtakes the opening of its case.
    pub async fn due_messages(
        &self,
        now: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<DueMessage>, StoreError> {
        let rows = sqlx::query(
            "SELECT m.id, m.application_id, m.kind, m.payload, m.attempts, m.next_attempt_micros, \
             m.trace_context FROM intake_outbox m \
             WHERE m.delivered_at_micros IS NULL AND m.next_attempt_micros <= $1 \
             AND NOT EXISTS (SELECT 1 FROM intake_outbox earlier \
                 WHERE earlier.application_id = m.application_id \
                 AND earlier.delivered_at_micros IS NULL AND earlier.position < m.position) \
             ORDER BY m.next_attempt_micros, m.created_at_micros LIMIT $2",
        )
        .bind(micros(now))
        .bind(limit)
        .fetch_all(self.database.pool())
        .await?;
        rows.iter()
            .map(|row| {
                Ok(DueMessage {
                    id: row.try_get("id")?,
                    application: ApplicationId::from_stored(
                        &row.try_get::<String, _>("application_id")?,
                    )
                    .ok_or(StoreError::Corrupt("application id"))?,
                    kind: OutboxKind::parse(&row.try_get::<String, _>("kind")?)
                        .ok_or(StoreError::Corrupt("outbox kind"))?,
                    payload: row.try_get("payload")?,
                    attempts: row.try_get("attempts")?,
                    next_attempt_micros: row.try_get("next_attempt_micros")?,
                    trace_context: row.try_get("trace_context")?,
                })
            })
            .collect()
    }

    /// Claims a due message for one delivery attempt by moving its due time to
    /// `lease_until`: another dispatcher (another instance) skips it meanwhile,
    /// and if this one dies mid-delivery the message is due again when the
    /// lease runs out. False when someone else claimed it first.
    pub async fn claim(
        &self,
        message: &DueMessage,
        lease_until: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let claimed = sqlx::query(
            "UPDATE intake_outbox SET next_attempt_micros = $1, attempts = attempts + 1 \
             WHERE id = $2 AND next_attempt_micros = $3 AND delivered_at_micros IS NULL",
        )
        .bind(micros(lease_until))
        .bind(&message.id)
        .bind(message.next_attempt_micros)
        .execute(self.database.pool())
        .await?;
        Ok(claimed.rows_affected() == 1)
    }

    /// Marks a message delivered and, for an opened case, moves the
    /// application to VERIFYING with its event: one transaction.
    pub async fn complete_delivery(
        &self,
        message: &DueMessage,
        delivered_at: DateTime<Utc>,
        follow_up: Option<&VerifyingFollowUp>,
    ) -> Result<(), StoreError> {
        let mut transaction = self.database.pool().begin().await?;
        sqlx::query(
            "UPDATE intake_outbox SET delivered_at_micros = $1, last_error = NULL \
             WHERE id = $2 AND delivered_at_micros IS NULL",
        )
        .bind(micros(delivered_at))
        .bind(&message.id)
        .execute(&mut *transaction)
        .await?;
        if let Some(follow_up) = follow_up {
            let moved: Option<i64> = sqlx::query_scalar(
                "UPDATE applications SET state = $1, update_time_micros = $2, \
                 revision = revision + 1 WHERE id = $3 AND state = $4 RETURNING revision",
            )
            .bind(ApplicationState::Verifying.as_str())
            .bind(micros(follow_up.event.recorded_at))
            .bind(message.application.as_str())
            .bind(ApplicationState::Submitted.as_str())
            .fetch_optional(&mut *transaction)
            .await?;
            if let Some(revision) = moved {
                insert_event(
                    &mut transaction,
                    &message.application,
                    revision,
                    &follow_up.event,
                )
                .await?;
            }
        }
        transaction.commit().await?;
        Ok(())
    }

    /// Schedules another attempt after a failed delivery.
    pub async fn schedule_retry(
        &self,
        message: &DueMessage,
        next_attempt: DateTime<Utc>,
        failure: &str,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE intake_outbox SET next_attempt_micros = $1, last_error = $2 \
             WHERE id = $3 AND delivered_at_micros IS NULL",
        )
        .bind(micros(next_attempt))
        .bind(failure)
        .bind(&message.id)
        .execute(self.database.pool())
        .await?;
        Ok(())
    }

    /// How many messages wait for delivery (for the dispatcher's logs and tests).
    pub async fn undelivered_count(&self) -> Result<i64, StoreError> {
        let count: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM intake_outbox WHERE delivered_at_micros IS NULL",
        )
        .fetch_one(self.database.pool())
        .await?;
        Ok(count)
    }
}
