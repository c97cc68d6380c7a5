//! One change of a case, written in one transaction.

use chrono::{DateTime, Utc};

use super::cases::CaseRecord;
use super::decisions::{self, DecisionRecord};
use super::hearings::{self, HearingRecord};
use super::outbox::{self, NewOutboxMessage};
use super::register::{self, NewRegisterEntry};
use super::rows::{Columns, micros};
use super::{Store, StoreError};
use crate::model::HearingState;
use crate::names::CaseId;

/// Builds the messages announcing a change, given the ordinal of the register
/// entry the change activated (if any): a registration notice carries the
/// ordinal, which the database assigns only when the entry is written.
pub type OutboxBuilder = Box<dyn FnOnce(Option<i64>) -> Vec<NewOutboxMessage> + Send>;

/// A change of a case: its new state and everything that goes with it.
pub struct Commit {
    /// The case as it is to be: its `version` must still be the stored one,
    /// otherwise the commit is [`StoreError::Stale`] and nothing is written.
    pub case: CaseRecord,
    /// A new decision.
    pub decision: Option<DecisionRecord>,
    /// A change of the register.
    pub register_entry: Option<RegisterEntryChange>,
    /// A change of the hearing.
    pub hearing: Option<HearingChange>,
    /// The messages announcing the change.
    pub outbox: OutboxBuilder,
    /// The idempotency key of the call that made the change; a replay fails
    /// the commit with [`StoreError::Duplicate`].
    pub request: Option<RequestKey>,
}

impl std::fmt::Debug for Commit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Commit")
            .field("case", &self.case.id)
            .field("state", &self.case.state)
            .field(
                "decision",
                &self.decision.as_ref().map(|decision| decision.number),
            )
            .field("register_entry", &self.register_entry)
            .field("hearing", &self.hearing)
            .field("request", &self.request)
            .finish_non_exhaustive()
    }
}

/// A change of the register.
#[derive(Debug, Clone)]
pub enum RegisterEntryChange {
    /// Put the case on the register (or back on it).
    Activate(NewRegisterEntry),
    /// Take the case off the register.
    Deactivate,
}

/// A change of the hearing.
#[derive(Debug, Clone)]
pub enum HearingChange {
    /// Schedule a hearing on a new preliminary decision (replacing an earlier one).
    Schedule(HearingRecord),
    /// Close the open hearing; stale unless it is in one of `expected`.
    Close {
        /// The states it may be in.
        expected: Vec<HearingState>,
        /// Its final state.
        state: HearingState,
        /// The number of the decision that closes it.
        final_decision: i64,
    },
}

/// The idempotency key of a state-changing call (AIP-155).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestKey {
    /// The method, e.g. "DecideAfterHearing".
    pub method: &'static str,
    /// The caller's `request_id`.
    pub request_id: String,
    /// The resource the call produced.
    pub result: String,
}

impl Store {
    /// Writes a change of a case, all or nothing.
    pub async fn commit(&self, commit: Commit) -> Result<(), StoreError> {
        let case = &commit.case;
        let now = case.update_time;
        let mut transaction = self.pool().begin().await?;
        // The guarded update comes first: it takes SQLite's write lock at once
        // (a read first could not be upgraded under contention), and it fails
        // the whole commit when another writer changed the case meanwhile.
        let updated = sqlx::query(
            "UPDATE cases SET state = $1, processing_deadline = $2, decision_count = $3, \
             register_entry_active = $4, registry_attempts = $5, next_attempt_time = $6, \
             operator_alert_time = $7, update_time = $8, version = version + 1 \
             WHERE id = $9 AND version = $10",
        )
        .bind(case.state.as_str())
        .bind(micros(case.processing_deadline))
        .bind(case.decision_count)
        .bind(i64::from(case.register_entry_active))
        .bind(case.registry_attempts)
        .bind(case.next_attempt_time.map(micros))
        .bind(case.operator_alert_time.map(micros))
        .bind(micros(now))
        .bind(case.id.as_str().to_owned())
        .bind(case.version)
        .execute(&mut *transaction)
        .await?;
        if updated.rows_affected() != 1 {
            return Err(StoreError::Stale);
        }
        if let Some(request) = &commit.request {
            insert_request(&mut transaction, &case.id, request, now).await?;
        }
        if let Some(decision) = &commit.decision {
            decisions::insert(&mut transaction, decision).await?;
        }
        let ordinal = match &commit.register_entry {
            Some(RegisterEntryChange::Activate(entry)) => {
                Some(register::activate(&mut transaction, &case.id, entry).await?)
            }
            Some(RegisterEntryChange::Deactivate) => {
                register::deactivate(&mut transaction, &case.id).await?;
                None
            }
            None => None,
        };
        match &commit.hearing {
            Some(HearingChange::Schedule(hearing)) => {
                hearings::upsert(&mut transaction, hearing).await?;
            }
            Some(HearingChange::Close {
                expected,
                state,
                final_decision,
            }) => {
                hearings::close(
                    &mut transaction,
                    &case.id,
                    expected,
                    *state,
                    *final_decision,
                    now,
                )
                .await?;
            }
            None => {}
        }
        let messages = (commit.outbox)(ordinal);
        outbox::insert(&mut transaction, &case.id, &messages, now).await?;
        transaction.commit().await?;
        Ok(())
    }

    /// The case and result of an earlier call with this idempotency key.
    pub async fn request_result(
        &self,
        method: &str,
        request_id: &str,
    ) -> Result<Option<(CaseId, String)>, StoreError> {
        let row = sqlx::query(
            "SELECT case_id, result FROM requests WHERE method = $1 AND request_id = $2",
        )
        .bind(method.to_owned())
        .bind(request_id.to_owned())
        .fetch_optional(self.pool())
        .await?;
        row.map(|row| {
            let columns = Columns(&row);
            Ok((
                columns.parsed("case_id", CaseId::parse)?,
                columns.text("result")?,
            ))
        })
        .transpose()
    }
}

async fn insert_request(
    connection: &mut sqlx::AnyConnection,
    case_id: &CaseId,
    request: &RequestKey,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO requests (method, request_id, case_id, result, create_time) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(request.method)
    .bind(request.request_id.clone())
    .bind(case_id.as_str().to_owned())
    .bind(request.result.clone())
    .bind(micros(now))
    .execute(connection)
    .await?;
    Ok(())
}
