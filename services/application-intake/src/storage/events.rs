//! The status history of applications.

use chrono::{DateTime, Utc};
use housing_storage::sqlx::{self, Any, Transaction};

use super::{EVENT_COLUMNS, IntakeStore, StoreError, event_from_row, micros};
use crate::model::{Actor, ApplicationId, ApplicationState, StoredEvent};

/// An event to record; its sequence is the revision of the change it comes with.
#[derive(Debug, Clone)]
pub struct NewEvent {
    /// Unique per application; a replay with the same id records nothing.
    pub event_id: String,
    /// The state the application moves to.
    pub state: ApplicationState,
    /// When it moved.
    pub event_time: DateTime<Utc>,
    /// The decision behind it.
    pub decision: Option<String>,
    /// The register entry, when registered.
    pub register_entry: Option<String>,
    /// The processing deadline in force after the change.
    pub processing_deadline: Option<DateTime<Utc>>,
    /// Who caused it.
    pub actor: Actor,
    /// Rule codes behind it.
    pub rule_codes: Vec<String>,
    /// When the service recorded it.
    pub recorded_at: DateTime<Utc>,
}

pub(super) async fn insert_event(
    transaction: &mut Transaction<'static, Any>,
    application: &ApplicationId,
    sequence: i64,
    event: &NewEvent,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO application_events (application_id, sequence, event_id, state, \
         event_time_micros, decision, register_entry, processing_deadline_micros, actor_id, \
         actor_role, rule_codes, recorded_at_micros) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(application.as_str())
    .bind(sequence)
    .bind(&event.event_id)
    .bind(event.state.as_str())
    .bind(micros(event.event_time))
    .bind(event.decision.clone())
    .bind(event.register_entry.clone())
    .bind(event.processing_deadline.map(micros))
    .bind(&event.actor.id)
    .bind(event.actor.role.as_str())
    .bind(event.rule_codes.join(","))
    .bind(micros(event.recorded_at))
    .execute(&mut **transaction)
    .await?;
    Ok(())
}

impl IntakeStore {
    /// A page of an application's history, oldest first, after `after_sequence`.
    pub async fn list_events(
        &self,
        application: &ApplicationId,
        after_sequence: i64,
        limit: i64,
    ) -> Result<Vec<StoredEvent>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {EVENT_COLUMNS} FROM application_events \
             WHERE application_id = $1 AND sequence > $2 ORDER BY sequence LIMIT $3"
        ))
        .bind(application.as_str())
        .bind(after_sequence)
        .bind(limit)
        .fetch_all(self.database.pool())
        .await?;
        rows.iter().map(event_from_row).collect()
    }

    /// Whether an event with this id is recorded for the application.
    pub async fn has_event(
        &self,
        application: &ApplicationId,
        event_id: &str,
    ) -> Result<bool, StoreError> {
        let found: Option<i64> = sqlx::query_scalar(
            "SELECT sequence FROM application_events WHERE application_id = $1 AND event_id = $2",
        )
        .bind(application.as_str())
        .bind(event_id)
        .fetch_optional(self.database.pool())
        .await?;
        Ok(found.is_some())
    }
}
