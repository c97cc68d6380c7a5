//! The register (rules.md §5): one entry per registered case, ordered by the
//! moment of submission within its locality, with a published ordinal.
//!
//! The ordinal comes from the table's identity column (a PostgreSQL identity,
//! SQLite's AUTOINCREMENT): unique and increasing on both backends without a
//! counter row that every registration would have to lock.

use chrono::{DateTime, NaiveDate, Utc};
use housing_domain::eligibility::{Kato, NationalCity, SocialCategory};

use super::rows::{Columns, date_text, micros};
use super::{Store, StoreError};
use crate::names::CaseId;

/// A register entry as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisterEntryRecord {
    /// The case registered.
    pub case_id: CaseId,
    /// The published ordinal identifier.
    pub ordinal: i64,
    /// The locality applied for.
    pub locality: Kato,
    /// The confirmed category, if any.
    pub category: Option<SocialCategory>,
    /// The moment of submission: the register's order.
    pub submit_time: DateTime<Utc>,
    /// The day registered.
    pub registration_date: NaiveDate,
    /// The number of the decision that registered.
    pub decision: i64,
    /// Whether the entry is on the register (a final denial after a
    /// re-evaluation takes it off).
    pub active: bool,
    /// Whether the applicant agreed to publication.
    pub publish: bool,
}

/// An entry to put on the register (or back on it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRegisterEntry {
    /// The locality applied for.
    pub locality: Kato,
    /// The confirmed category.
    pub category: Option<SocialCategory>,
    /// The moment of submission.
    pub submit_time: DateTime<Utc>,
    /// The day registered.
    pub registration_date: NaiveDate,
    /// The decision that registers.
    pub decision: i64,
    /// Whether the applicant agreed to publication.
    pub publish: bool,
}

/// An entry as published: no name, no IIN.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishedEntry {
    /// The ordinal identifier.
    pub ordinal: i64,
    /// The locality.
    pub locality: Kato,
    /// The day registered.
    pub registration_date: NaiveDate,
    /// The confirmed category.
    pub category: Option<SocialCategory>,
    /// The moment of submission (the list's order; used for the page token only).
    pub submit_time: DateTime<Utc>,
}

/// The register a locality's entries belong to. Interpretation
/// (docs/eligibility.md, Locality): inside Astana, Almaty and Shymkent every
/// KATO code is the same locality, so their districts share one register.
pub fn register_locality(locality: &Kato) -> String {
    match locality.city_of_national_status() {
        Some(NationalCity::Astana) => "710000000".to_owned(),
        Some(NationalCity::Almaty) => "750000000".to_owned(),
        Some(NationalCity::Shymkent) => "790000000".to_owned(),
        None => locality.as_str().to_owned(),
    }
}

/// The region of a locality: the first two digits of its KATO code.
fn region_prefix(locality: &Kato) -> String {
    locality.as_str()[..2].to_owned()
}

fn category_text(category: Option<SocialCategory>) -> Result<Option<String>, StoreError> {
    category
        .map(|category| match serde_json::to_value(category) {
            Ok(serde_json::Value::String(text)) => Ok(text),
            _ => Err(StoreError::Corrupt("a category has no name".to_owned())),
        })
        .transpose()
}

fn parse_category(text: &str) -> Option<SocialCategory> {
    serde_json::from_value(serde_json::Value::String(text.to_owned())).ok()
}

const ENTRY_COLUMNS: &str = "ordinal, case_id, locality_kato, category, submit_time, \
    registration_date, decision, active, publish";

fn entry_from_row(row: &sqlx::any::AnyRow) -> Result<RegisterEntryRecord, StoreError> {
    let columns = Columns(row);
    Ok(RegisterEntryRecord {
        case_id: columns.parsed("case_id", CaseId::parse)?,
        ordinal: columns.int("ordinal")?,
        locality: columns.parsed("locality_kato", |text| Kato::parse(text).ok())?,
        category: columns
            .optional_text("category")?
            .map(|text| {
                parse_category(&text)
                    .ok_or_else(|| StoreError::Corrupt("category has an unknown value".to_owned()))
            })
            .transpose()?,
        submit_time: columns.instant("submit_time")?,
        registration_date: columns.date("registration_date")?,
        decision: columns.int("decision")?,
        active: columns.flag("active")?,
        publish: columns.flag("publish")?,
    })
}

/// Puts a case on the register inside a commit's transaction and returns
/// the entry's ordinal. A case that was on it before keeps its ordinal and its
/// place (its submission time); one still on it (a re-evaluation confirming
/// the registration) also keeps its registration date and decision, only its
/// category follows the latest evaluation.
pub(super) async fn activate(
    connection: &mut sqlx::AnyConnection,
    case_id: &CaseId,
    entry: &NewRegisterEntry,
) -> Result<i64, StoreError> {
    let row = sqlx::query(
        "INSERT INTO register_entries (case_id, locality_kato, register_locality, region_prefix, \
         category, submit_time, registration_date, decision, active, publish) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9) \
         ON CONFLICT (case_id) DO UPDATE SET category = excluded.category, \
         registration_date = CASE WHEN register_entries.active = 1 \
             THEN register_entries.registration_date ELSE excluded.registration_date END, \
         decision = CASE WHEN register_entries.active = 1 \
             THEN register_entries.decision ELSE excluded.decision END, \
         active = 1, publish = excluded.publish RETURNING ordinal",
    )
    .bind(case_id.as_str().to_owned())
    .bind(entry.locality.as_str().to_owned())
    .bind(register_locality(&entry.locality))
    .bind(region_prefix(&entry.locality))
    .bind(category_text(entry.category)?)
    .bind(micros(entry.submit_time))
    .bind(date_text(entry.registration_date))
    .bind(entry.decision)
    .bind(i64::from(entry.publish))
    .fetch_one(connection)
    .await?;
    Columns(&row).int("ordinal")
}

/// Takes a case off the register inside a commit's transaction.
pub(super) async fn deactivate(
    connection: &mut sqlx::AnyConnection,
    case_id: &CaseId,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE register_entries SET active = 0 WHERE case_id = $1")
        .bind(case_id.as_str().to_owned())
        .execute(connection)
        .await?;
    Ok(())
}

impl Store {
    /// A case's register entry with its current position: the active entries
    /// of the same register submitted before it, plus one (0 when inactive).
    pub async fn register_entry(
        &self,
        case_id: &CaseId,
    ) -> Result<Option<(RegisterEntryRecord, i64)>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {ENTRY_COLUMNS} FROM register_entries WHERE case_id = $1"
        ))
        .bind(case_id.as_str().to_owned())
        .fetch_optional(self.pool())
        .await?;
        let Some(entry) = row.as_ref().map(entry_from_row).transpose()? else {
            return Ok(None);
        };
        if !entry.active {
            return Ok(Some((entry, 0)));
        }
        let row = sqlx::query(
            "SELECT COUNT(*) AS ahead FROM register_entries \
             WHERE register_locality = $1 AND active = 1 \
             AND (submit_time < $2 OR (submit_time = $2 AND ordinal < $3))",
        )
        .bind(register_locality(&entry.locality))
        .bind(micros(entry.submit_time))
        .bind(entry.ordinal)
        .fetch_one(self.pool())
        .await?;
        let ahead = Columns(&row).int("ahead")?;
        Ok(Some((entry, ahead + 1)))
    }

    /// The published register of a region (two KATO digits): active entries
    /// whose applicants agreed to publication, in register order, after
    /// `after` (submission time, ordinal), at most `limit`.
    pub async fn published_entries(
        &self,
        region_prefix: &str,
        after: Option<(DateTime<Utc>, i64)>,
        limit: i64,
    ) -> Result<Vec<PublishedEntry>, StoreError> {
        let (after_time, after_ordinal) = after.map_or((i64::MIN, i64::MIN), |(time, ordinal)| {
            (micros(time), ordinal)
        });
        let rows = sqlx::query(
            "SELECT ordinal, locality_kato, registration_date, category, submit_time \
             FROM register_entries WHERE region_prefix = $1 AND active = 1 AND publish = 1 \
             AND (submit_time > $2 OR (submit_time = $2 AND ordinal > $3)) \
             ORDER BY submit_time, ordinal LIMIT $4",
        )
        .bind(region_prefix.to_owned())
        .bind(after_time)
        .bind(after_ordinal)
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                let columns = Columns(row);
                Ok(PublishedEntry {
                    ordinal: columns.int("ordinal")?,
                    locality: columns.parsed("locality_kato", |text| Kato::parse(text).ok())?,
                    registration_date: columns.date("registration_date")?,
                    category: columns
                        .optional_text("category")?
                        .map(|text| {
                            parse_category(&text).ok_or_else(|| {
                                StoreError::Corrupt("category has an unknown value".to_owned())
                            })
                        })
                        .transpose()?,
                    submit_time: columns.instant("submit_time")?,
                })
            })
            .collect()
    }
}
