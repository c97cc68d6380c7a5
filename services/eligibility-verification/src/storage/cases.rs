//! Cases: opened once per application, claimed by the evaluation worker,
//! listed for operators.

use chrono::{DateTime, NaiveDate, Utc};
use housing_domain::Iin;
use housing_domain::eligibility::{Kato, Track};

use super::rows::{Columns, Parameter, Parameters, date_text, micros};
use super::{Store, StoreError};
use crate::model::CaseState;
use crate::names::CaseId;

/// A case as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseRecord {
    /// The case (and application) id.
    pub id: CaseId,
    /// The idempotency key of the OpenCase call that opened it.
    pub request_id: String,
    /// The encoded `ApplicationForm`, exactly as intake accepted it.
    pub form: Vec<u8>,
    /// The applicant.
    pub applicant: Iin,
    /// The representative filing for the applicant, if any.
    pub representative: Option<Iin>,
    /// The locality applied for.
    pub locality: Kato,
    /// The track applied for.
    pub track: Track,
    /// When the application was submitted.
    pub submit_time: DateTime<Utc>,
    /// The acceptance day.
    pub acceptance_date: NaiveDate,
    /// The close of the processing term in force.
    pub processing_deadline: DateTime<Utc>,
    /// Where the case is.
    pub state: CaseState,
    /// How many decisions were made; the latest has this number.
    pub decision_count: i64,
    /// Whether the case has an active register entry.
    pub register_entry_active: bool,
    /// Registry attempts so far.
    pub registry_attempts: i64,
    /// When the evaluation worker takes the case next.
    pub next_attempt_time: Option<DateTime<Utc>>,
    /// When operators were alerted that the term may run out.
    pub operator_alert_time: Option<DateTime<Utc>>,
    /// When the case was opened.
    pub create_time: DateTime<Utc>,
    /// The last change.
    pub update_time: DateTime<Utc>,
    /// The version read; a commit is accepted only if it is still current.
    pub version: i64,
    /// The trace context of the OpenCase call that opened it: the evaluation
    /// worker continues that trace. Set once; `None` for cases opened before
    /// trace contexts were stored.
    pub trace_context: Option<String>,
}

impl CaseRecord {
    /// The number of the latest decision, if any.
    pub fn latest_decision(&self) -> Option<i64> {
        (self.decision_count > 0).then_some(self.decision_count)
    }

    /// The case as [`Store::insert_case`] writes it.
    pub fn opened(case: NewCase) -> Self {
        Self {
            id: case.id,
            request_id: case.request_id,
            form: case.form,
            applicant: case.applicant,
            representative: case.representative,
            locality: case.locality,
            track: case.track,
            submit_time: case.submit_time,
            acceptance_date: case.acceptance_date,
            processing_deadline: case.processing_deadline,
            state: CaseState::Verifying,
            decision_count: 0,
            register_entry_active: false,
            registry_attempts: 0,
            next_attempt_time: Some(case.now),
            operator_alert_time: None,
            create_time: case.now,
            update_time: case.now,
            version: INITIAL_VERSION,
            trace_context: case.trace_context,
        }
    }

    /// Whether `iin` is the applicant or the representative: a citizen's own case.
    pub fn is_party(&self, iin: &Iin) -> bool {
        self.applicant == *iin || self.representative.as_ref() == Some(iin)
    }
}

/// A case to open.
#[derive(Debug, Clone)]
pub struct NewCase {
    /// The case (and application) id.
    pub id: CaseId,
    /// The idempotency key.
    pub request_id: String,
    /// The encoded form.
    pub form: Vec<u8>,
    /// The applicant.
    pub applicant: Iin,
    /// The representative.
    pub representative: Option<Iin>,
    /// The locality applied for.
    pub locality: Kato,
    /// The track.
    pub track: Track,
    /// When submitted.
    pub submit_time: DateTime<Utc>,
    /// The acceptance day.
    pub acceptance_date: NaiveDate,
    /// The close of the processing term.
    pub processing_deadline: DateTime<Utc>,
    /// Now: the case is due for evaluation at once.
    pub now: DateTime<Utc>,
    /// The trace context of the call that opens it (`housing_platform::telemetry`).
    pub trace_context: Option<String>,
}

/// Which cases to list, and from where.
#[derive(Debug, Clone, Default)]
pub struct CaseFilter {
    /// Only this state.
    pub state: Option<CaseState>,
    /// Only processing deadlines before this instant.
    pub deadline_before: Option<DateTime<Utc>>,
    /// Only cases where this person is the applicant or the representative.
    pub party: Option<Iin>,
    /// After this (deadline, id) in list order.
    pub after: Option<(DateTime<Utc>, CaseId)>,
}

/// The version of a case just opened.
const INITIAL_VERSION: i64 = 1;

const CASE_COLUMNS: &str = "id, request_id, form, applicant_iin, representative_iin, \
    locality_kato, track, submit_time, acceptance_date, processing_deadline, state, \
    decision_count, register_entry_active, registry_attempts, next_attempt_time, \
    operator_alert_time, create_time, update_time, version, trace_context";

/// The stored name of a track.
pub(super) fn track_text(track: Track) -> &'static str {
    match track {
        Track::NoHousing => "NO_HOUSING",
        Track::EmergencyHome => "EMERGENCY_HOME",
    }
}

fn parse_track(text: &str) -> Option<Track> {
    match text {
        "NO_HOUSING" => Some(Track::NoHousing),
        "EMERGENCY_HOME" => Some(Track::EmergencyHome),
        _ => None,
    }
}

pub(super) fn case_from_row(row: &sqlx::any::AnyRow) -> Result<CaseRecord, StoreError> {
    let columns = Columns(row);
    Ok(CaseRecord {
        id: columns.parsed("id", CaseId::parse)?,
        request_id: columns.text("request_id")?,
        form: columns.bytes("form")?,
        applicant: columns.iin("applicant_iin")?,
        representative: columns.optional_iin("representative_iin")?,
        locality: columns.parsed("locality_kato", |text| Kato::parse(text).ok())?,
        track: columns.parsed("track", parse_track)?,
        submit_time: columns.instant("submit_time")?,
        acceptance_date: columns.date("acceptance_date")?,
        processing_deadline: columns.instant("processing_deadline")?,
        state: columns.parsed("state", CaseState::parse)?,
        decision_count: columns.int("decision_count")?,
        register_entry_active: columns.flag("register_entry_active")?,
        registry_attempts: columns.int("registry_attempts")?,
        next_attempt_time: columns.optional_instant("next_attempt_time")?,
        operator_alert_time: columns.optional_instant("operator_alert_time")?,
        create_time: columns.instant("create_time")?,
        update_time: columns.instant("update_time")?,
        version: columns.int("version")?,
        trace_context: columns.optional_text("trace_context")?,
    })
}

impl Store {
    /// Opens a case, due for evaluation at once. [`StoreError::Duplicate`]
    /// when the application already has one.
    pub async fn insert_case(&self, case: &NewCase) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO cases (id, request_id, form, applicant_iin, representative_iin, \
             locality_kato, track, submit_time, acceptance_date, processing_deadline, state, \
             decision_count, register_entry_active, registry_attempts, next_attempt_time, \
             operator_alert_time, create_time, update_time, version, trace_context) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 0, 0, 0, $12, NULL, $12, $12, $13, \
             $14)",
        )
        .bind(case.id.as_str().to_owned())
        .bind(case.request_id.clone())
        .bind(case.form.clone())
        .bind(case.applicant.as_str().to_owned())
        .bind(case.representative.map(|iin| iin.as_str().to_owned()))
        .bind(case.locality.as_str().to_owned())
        .bind(track_text(case.track))
        .bind(micros(case.submit_time))
        .bind(date_text(case.acceptance_date))
        .bind(micros(case.processing_deadline))
        .bind(CaseState::Verifying.as_str())
        .bind(micros(case.now))
        .bind(INITIAL_VERSION)
        .bind(case.trace_context.clone())
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// A case, if it exists.
    pub async fn case(&self, id: &CaseId) -> Result<Option<CaseRecord>, StoreError> {
        let row = sqlx::query(&format!("SELECT {CASE_COLUMNS} FROM cases WHERE id = $1"))
            .bind(id.as_str().to_owned())
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(case_from_row).transpose()
    }

    /// Cases in list order (earliest deadline first, then id), at most `limit`.
    pub async fn list_cases(
        &self,
        filter: &CaseFilter,
        limit: i64,
    ) -> Result<Vec<CaseRecord>, StoreError> {
        let mut parameters = Parameters::default();
        let mut conditions = Vec::new();
        if let Some(state) = filter.state {
            let state = parameters.add(Parameter::Text(state.as_str().to_owned()));
            conditions.push(format!("state = {state}"));
        }
        if let Some(before) = filter.deadline_before {
            let before = parameters.add(Parameter::Int(micros(before)));
            conditions.push(format!("processing_deadline < {before}"));
        }
        if let Some(party) = &filter.party {
            let party = parameters.add(Parameter::Text(party.as_str().to_owned()));
            conditions.push(format!(
                "(applicant_iin = {party} OR representative_iin = {party})"
            ));
        }
        if let Some((deadline, id)) = &filter.after {
            let deadline = parameters.add(Parameter::Int(micros(*deadline)));
            let id = parameters.add(Parameter::Text(id.as_str().to_owned()));
            conditions.push(format!(
                "(processing_deadline > {deadline} OR (processing_deadline = {deadline} AND id > {id}))"
            ));
        }
        let limit = parameters.add(Parameter::Int(limit));
        let where_clause = if conditions.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", conditions.join(" AND "))
        };
        let sql = format!(
            "SELECT {CASE_COLUMNS} FROM cases {where_clause} \
             ORDER BY processing_deadline, id LIMIT {limit}"
        );
        let rows = parameters
            .bind(sqlx::query(&sql))
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(case_from_row).collect()
    }

    /// Claims up to `limit` cases due for evaluation at `now`: each is reserved
    /// until `lease_until` (its next attempt time) and its version bumped, so
    /// that only the claimer's commit can succeed. A worker that dies leaves
    /// the case to be claimed again when the lease ends.
    pub async fn claim_due_cases(
        &self,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<CaseRecord>, StoreError> {
        // The outer condition repeats the inner one: PostgreSQL re-checks it
        // on a row another transaction changed meanwhile, so a case is never
        // claimed twice.
        let sql = format!(
            "UPDATE cases SET next_attempt_time = $1, version = version + 1 \
             WHERE next_attempt_time <= $2 AND state IN ($3, $4) AND id IN ( \
                 SELECT id FROM cases WHERE next_attempt_time <= $2 AND state IN ($3, $4) \
                 ORDER BY next_attempt_time LIMIT $5) \
             RETURNING {CASE_COLUMNS}"
        );
        let rows = sqlx::query(&sql)
            .bind(micros(lease_until))
            .bind(micros(now))
            .bind(CaseState::Verifying.as_str())
            .bind(CaseState::AwaitingRegistries.as_str())
            .bind(limit)
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(case_from_row).collect()
    }
}
