//! Decisions: written once by a [`super::Commit`], never updated.

use chrono::{DateTime, NaiveDate, Utc};
use housing_domain::eligibility::Decision;

use super::rows::{Columns, date_text, micros};
use super::{Store, StoreError};
use crate::model::{Actor, DecisionKind, Trigger, parse_role};
use crate::names::CaseId;

/// A decision as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecisionRecord {
    /// The case.
    pub case_id: CaseId,
    /// Its number in the case, from 1.
    pub number: i64,
    /// What the decision is.
    pub kind: DecisionKind,
    /// Why it was made.
    pub trigger: Trigger,
    /// The rule-set version applied.
    pub rule_set_version: String,
    /// The day the facts were taken "as of".
    pub as_of: NaiveDate,
    /// Who decided.
    pub decided_by: Actor,
    /// Reasons in words (required when a person decides).
    pub reasons: String,
    /// The complaint that led to it, `complaints/{complaint}`.
    pub complaint: Option<String>,
    /// When it was made.
    pub create_time: DateTime<Utc>,
    /// The evaluation it rests on: every rule, its outcome and the facts. For a
    /// decision made by a person or by the lapse of a hearing, the evaluation
    /// of the preliminary decision it concludes.
    pub evaluation: Decision,
}

const DECISION_COLUMNS: &str = "case_id, number, outcome, trigger_kind, rule_set_version, \
    as_of_date, decided_by_id, decided_by_role, reasons, complaint, create_time, evaluation";

fn decision_from_row(row: &sqlx::any::AnyRow) -> Result<DecisionRecord, StoreError> {
    let columns = Columns(row);
    let evaluation = serde_json::from_str(&columns.text("evaluation")?)
        .map_err(|error| StoreError::Corrupt(format!("evaluation: {error}")))?;
    Ok(DecisionRecord {
        case_id: columns.parsed("case_id", CaseId::parse)?,
        number: columns.int("number")?,
        kind: columns.parsed("outcome", DecisionKind::parse)?,
        trigger: columns.parsed("trigger_kind", Trigger::parse)?,
        rule_set_version: columns.text("rule_set_version")?,
        as_of: columns.date("as_of_date")?,
        decided_by: Actor {
            id: columns.text("decided_by_id")?,
            role: columns.parsed("decided_by_role", parse_role)?,
        },
        reasons: columns.text("reasons")?,
        complaint: columns.optional_text("complaint")?,
        create_time: columns.instant("create_time")?,
        evaluation,
    })
}

/// Inserts a decision inside a commit's transaction.
pub(super) async fn insert(
    connection: &mut sqlx::AnyConnection,
    decision: &DecisionRecord,
) -> Result<(), StoreError> {
    let evaluation = serde_json::to_string(&decision.evaluation)
        .map_err(|error| StoreError::Corrupt(format!("evaluation: {error}")))?;
    sqlx::query(&format!(
        "INSERT INTO decisions ({DECISION_COLUMNS}) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
    ))
    .bind(decision.case_id.as_str().to_owned())
    .bind(decision.number)
    .bind(decision.kind.as_str())
    .bind(decision.trigger.as_str())
    .bind(decision.rule_set_version.clone())
    .bind(date_text(decision.as_of))
    .bind(decision.decided_by.id.clone())
    .bind(decision.decided_by.role.as_str())
    .bind(decision.reasons.clone())
    .bind(decision.complaint.clone())
    .bind(micros(decision.create_time))
    .bind(evaluation)
    .execute(connection)
    .await?;
    Ok(())
}

impl Store {
    /// One decision of a case.
    pub async fn decision(
        &self,
        case_id: &CaseId,
        number: i64,
    ) -> Result<Option<DecisionRecord>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {DECISION_COLUMNS} FROM decisions WHERE case_id = $1 AND number = $2"
        ))
        .bind(case_id.as_str().to_owned())
        .bind(number)
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(decision_from_row).transpose()
    }

    /// A case's decisions after number `after`, oldest first, at most `limit`.
    pub async fn decisions(
        &self,
        case_id: &CaseId,
        after: i64,
        limit: i64,
    ) -> Result<Vec<DecisionRecord>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {DECISION_COLUMNS} FROM decisions WHERE case_id = $1 AND number > $2 \
             ORDER BY number LIMIT $3"
        ))
        .bind(case_id.as_str().to_owned())
        .bind(after)
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(decision_from_row).collect()
    }
}
