//! Hearings (one per case, replaced when a re-evaluation finds grounds again)
//! and the positions stated before them.

use chrono::{DateTime, Utc};

use super::rows::{Columns, Parameter, Parameters, micros};
use super::{Store, StoreError};
use crate::model::{HearingMethod, HearingState};
use crate::names::CaseId;

/// A hearing as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HearingRecord {
    /// The case.
    pub case_id: CaseId,
    /// The number of the preliminary decision heard.
    pub preliminary_decision: i64,
    /// Where the hearing is.
    pub state: HearingState,
    /// How it is held.
    pub method: HearingMethod,
    /// When the notice (the preliminary decision) was sent.
    pub notice_time: DateTime<Utc>,
    /// When the hearing is held.
    pub hearing_time: DateTime<Utc>,
    /// Until when the applicant may state their position.
    pub position_deadline: DateTime<Utc>,
    /// The number of the decision after the hearing, once made.
    pub final_decision: Option<i64>,
    /// The last change.
    pub update_time: DateTime<Utc>,
    /// Positions stated on this preliminary decision, oldest first.
    pub positions: Vec<PositionRecord>,
}

/// A position the applicant stated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PositionRecord {
    /// The idempotency key of the StatePosition call.
    pub request_id: String,
    /// The encoded `Position`, attachments included.
    pub position: Vec<u8>,
    /// When stated.
    pub state_time: DateTime<Utc>,
}

/// Which hearings to list, and from where.
#[derive(Debug, Clone, Default)]
pub struct HearingFilter {
    /// Only this state.
    pub state: Option<HearingState>,
    /// Only hearings held before this instant.
    pub hearing_before: Option<DateTime<Utc>>,
    /// Only hearings of cases where this person is the applicant or the representative.
    pub party: Option<housing_domain::Iin>,
    /// After this (hearing time, case id) in list order.
    pub after: Option<(DateTime<Utc>, CaseId)>,
}

const HEARING_COLUMNS: &str = "h.case_id, h.preliminary_decision, h.state, h.method, \
    h.notice_time, h.hearing_time, h.position_deadline, h.final_decision, h.update_time";

fn hearing_from_row(row: &sqlx::any::AnyRow) -> Result<HearingRecord, StoreError> {
    let columns = Columns(row);
    Ok(HearingRecord {
        case_id: columns.parsed("case_id", CaseId::parse)?,
        preliminary_decision: columns.int("preliminary_decision")?,
        state: columns.parsed("state", HearingState::parse)?,
        method: columns.parsed("method", HearingMethod::parse)?,
        notice_time: columns.instant("notice_time")?,
        hearing_time: columns.instant("hearing_time")?,
        position_deadline: columns.instant("position_deadline")?,
        final_decision: columns.optional_int("final_decision")?,
        update_time: columns.instant("update_time")?,
        positions: Vec::new(),
    })
}

/// Schedules (or re-schedules) a case's hearing inside a commit's transaction.
pub(super) async fn upsert(
    connection: &mut sqlx::AnyConnection,
    hearing: &HearingRecord,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO hearings (case_id, preliminary_decision, state, method, notice_time, \
         hearing_time, position_deadline, final_decision, update_time) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
         ON CONFLICT (case_id) DO UPDATE SET preliminary_decision = excluded.preliminary_decision, \
         state = excluded.state, method = excluded.method, notice_time = excluded.notice_time, \
         hearing_time = excluded.hearing_time, position_deadline = excluded.position_deadline, \
         final_decision = excluded.final_decision, update_time = excluded.update_time",
    )
    .bind(hearing.case_id.as_str().to_owned())
    .bind(hearing.preliminary_decision)
    .bind(hearing.state.as_str())
    .bind(hearing.method.as_str())
    .bind(micros(hearing.notice_time))
    .bind(micros(hearing.hearing_time))
    .bind(micros(hearing.position_deadline))
    .bind(hearing.final_decision)
    .bind(micros(hearing.update_time))
    .execute(connection)
    .await?;
    Ok(())
}

/// Closes an open hearing inside a commit's transaction; [`StoreError::Stale`]
/// when it is no longer in one of `expected` states (a position arrived, or
/// someone else decided first).
pub(super) async fn close(
    connection: &mut sqlx::AnyConnection,
    case_id: &CaseId,
    expected: &[HearingState],
    state: HearingState,
    final_decision: i64,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let mut parameters = Parameters::default();
    let state = parameters.add(Parameter::Text(state.as_str().to_owned()));
    let final_decision = parameters.add(Parameter::Int(final_decision));
    let now = parameters.add(Parameter::Int(micros(now)));
    let case_id = parameters.add(Parameter::Text(case_id.as_str().to_owned()));
    let expected: Vec<String> = expected
        .iter()
        .map(|state| parameters.add(Parameter::Text(state.as_str().to_owned())))
        .collect();
    let sql = format!(
        "UPDATE hearings SET state = {state}, final_decision = {final_decision}, \
         update_time = {now} WHERE case_id = {case_id} AND state IN ({})",
        expected.join(", ")
    );
    let updated = parameters
        .bind(sqlx::query(&sql))
        .execute(connection)
        .await?;
    if updated.rows_affected() == 1 {
        Ok(())
    } else {
        Err(StoreError::Stale)
    }
}

impl Store {
    /// A case's hearing with the positions stated on it.
    pub async fn hearing(&self, case_id: &CaseId) -> Result<Option<HearingRecord>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {HEARING_COLUMNS} FROM hearings h WHERE h.case_id = $1"
        ))
        .bind(case_id.as_str().to_owned())
        .fetch_optional(self.pool())
        .await?;
        let Some(mut hearing) = row.as_ref().map(hearing_from_row).transpose()? else {
            return Ok(None);
        };
        hearing.positions = self
            .positions(case_id, hearing.preliminary_decision)
            .await?;
        Ok(Some(hearing))
    }

    async fn positions(
        &self,
        case_id: &CaseId,
        preliminary_decision: i64,
    ) -> Result<Vec<PositionRecord>, StoreError> {
        let rows = sqlx::query(
            "SELECT request_id, position, state_time FROM positions \
             WHERE case_id = $1 AND preliminary_decision = $2 ORDER BY state_time, request_id",
        )
        .bind(case_id.as_str().to_owned())
        .bind(preliminary_decision)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                let columns = Columns(row);
                Ok(PositionRecord {
                    request_id: columns.text("request_id")?,
                    position: columns.bytes("position")?,
                    state_time: columns.instant("state_time")?,
                })
            })
            .collect()
    }

    /// Hearings in list order (earliest hearing first, then case), at most
    /// `limit`, without their positions.
    pub async fn list_hearings(
        &self,
        filter: &HearingFilter,
        limit: i64,
    ) -> Result<Vec<HearingRecord>, StoreError> {
        let mut parameters = Parameters::default();
        let mut conditions = Vec::new();
        if let Some(state) = filter.state {
            let state = parameters.add(Parameter::Text(state.as_str().to_owned()));
            conditions.push(format!("h.state = {state}"));
        }
        if let Some(before) = filter.hearing_before {
            let before = parameters.add(Parameter::Int(micros(before)));
            conditions.push(format!("h.hearing_time < {before}"));
        }
        if let Some(party) = &filter.party {
            let party = parameters.add(Parameter::Text(party.as_str().to_owned()));
            conditions.push(format!(
                "(c.applicant_iin = {party} OR c.representative_iin = {party})"
            ));
        }
        if let Some((time, id)) = &filter.after {
            let time = parameters.add(Parameter::Int(micros(*time)));
            let id = parameters.add(Parameter::Text(id.as_str().to_owned()));
            conditions.push(format!(
                "(h.hearing_time > {time} OR (h.hearing_time = {time} AND h.case_id > {id}))"
            ));
        }
        let limit = parameters.add(Parameter::Int(limit));
        let where_clause = if conditions.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", conditions.join(" AND "))
        };
        let sql = format!(
            "SELECT {HEARING_COLUMNS} FROM hearings h JOIN cases c ON c.id = h.case_id \
             {where_clause} ORDER BY h.hearing_time, h.case_id LIMIT {limit}"
        );
        let rows = parameters
            .bind(sqlx::query(&sql))
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(hearing_from_row).collect()
    }

    /// Cases whose hearing is still scheduled with no position stated and
    /// whose position deadline has passed at `now`: their denial becomes final.
    pub async fn lapsed_hearings(
        &self,
        now: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<CaseId>, StoreError> {
        let rows = sqlx::query(
            "SELECT h.case_id FROM hearings h JOIN cases c ON c.id = h.case_id \
             WHERE h.state = $1 AND h.position_deadline <= $2 AND c.state = $3 \
             ORDER BY h.position_deadline LIMIT $4",
        )
        .bind(HearingState::Scheduled.as_str())
        .bind(micros(now))
        .bind(crate::model::CaseState::HearingScheduled.as_str())
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| Columns(row).parsed("case_id", CaseId::parse))
            .collect()
    }

    /// Records a position on the hearing of `preliminary_decision`, if it is
    /// still open and its deadline is after `now`. [`StoreError::Duplicate`] on
    /// a replayed `request_id`; [`StoreError::Stale`] when the hearing is
    /// closed, re-scheduled or past its deadline.
    pub async fn state_position(
        &self,
        case_id: &CaseId,
        preliminary_decision: i64,
        position: &PositionRecord,
    ) -> Result<(), StoreError> {
        let mut transaction = self.pool().begin().await?;
        // The hearing first: it takes SQLite's write lock at once, and the
        // position is kept only if the hearing could take it.
        let updated = sqlx::query(
            "UPDATE hearings SET state = $1, update_time = $2 \
             WHERE case_id = $3 AND preliminary_decision = $4 AND state IN ($5, $1) \
             AND position_deadline > $2",
        )
        .bind(HearingState::PositionStated.as_str())
        .bind(micros(position.state_time))
        .bind(case_id.as_str().to_owned())
        .bind(preliminary_decision)
        .bind(HearingState::Scheduled.as_str())
        .execute(&mut *transaction)
        .await?;
        if updated.rows_affected() != 1 {
            return Err(StoreError::Stale);
        }
        sqlx::query(
            "INSERT INTO positions (case_id, preliminary_decision, request_id, position, state_time) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(case_id.as_str().to_owned())
        .bind(preliminary_decision)
        .bind(position.request_id.clone())
        .bind(position.position.clone())
        .bind(micros(position.state_time))
        .execute(&mut *transaction)
        .await?;
        transaction.commit().await?;
        Ok(())
    }

    /// Whether a position with this idempotency key was already recorded for the case.
    pub async fn position_recorded(
        &self,
        case_id: &CaseId,
        request_id: &str,
    ) -> Result<bool, StoreError> {
        let row =
            sqlx::query("SELECT 1 AS found FROM positions WHERE case_id = $1 AND request_id = $2")
                .bind(case_id.as_str().to_owned())
                .bind(request_id.to_owned())
                .fetch_optional(self.pool())
                .await?;
        Ok(row.is_some())
    }
}
