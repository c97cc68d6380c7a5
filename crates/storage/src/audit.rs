//! The audit trail: every read or change of a person's data, with who, when,
//! which RPC, which persons and which case, appended to a hash chain in the
//! service's own database. Auditors list it and verify it; nobody rewrites it.
//!
//! Each service that keeps personal data creates the table with a migration
//! of its own, the same on both backends but for the triggers that make the
//! table append-only (an `UPDATE` or `DELETE` is refused by the database
//! itself); [`POSTGRES_MIGRATION`] and [`SQLITE_MIGRATION`] hold the text
//! every service's migration carries, and a test checks that they agree.
//!
//! `entry_hash = SHA-256(previous_hash ‖ canonical(entry))`, where
//! `previous_hash` is the previous entry's 32-byte hash (32 zero bytes for the
//! first entry) and `canonical(entry)` is, in this order:
//!
//! ```text
//! sequence             8 bytes, big-endian signed (the first entry is 1)
//! recorded_at_micros   8 bytes, big-endian signed (microseconds since the Unix epoch)
//! caller_role          ┐
//! caller_id            │
//! caller_iin           │ each: 4-byte big-endian length, then the UTF-8 bytes
//! rpc                  │
//! action               │ (READ or CHANGE)
//! case                 ┘
//! persons              4-byte big-endian count, then each IIN length-prefixed as above
//! ```
//!
//! Length prefixes make the encoding unambiguous. Entries are appended by one
//! writer per process (a lock) and, across processes, one at a time: SQLite's
//! write lock (`BEGIN IMMEDIATE`) or a PostgreSQL advisory transaction lock is
//! taken before the head is read. Should two appenders still meet, the unique
//! sequence refuses the second, which retries on the new head, so the chain
//! never forks.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use sqlx::Row;

use crate::{Database, StorageError};

/// The table and its append-only triggers, as a PostgreSQL service migration creates them.
pub const POSTGRES_MIGRATION: &str = include_str!("audit/postgres.sql");
/// The table and its append-only triggers, as an SQLite service migration creates them.
pub const SQLITE_MIGRATION: &str = include_str!("audit/sqlite.sql");

/// Most entries a list returns at once.
pub const MAX_PAGE_SIZE: i64 = 500;
/// Entries read per round while verifying.
const VERIFY_BATCH: i64 = 1_000;
/// Appends retried after losing the sequence to another process.
const APPEND_ATTEMPTS: usize = 8;
/// The PostgreSQL advisory lock appenders take ("AUDITLOG" in ASCII); it is
/// per database, and each service has its own.
const APPEND_LOCK_KEY: i64 = 0x4155_4449_544C_4F47;

/// What was done with the person's data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AuditAction {
    /// Read.
    Read,
    /// Created or changed.
    Change,
}

impl AuditAction {
    /// As stored and hashed.
    pub const fn as_str(self) -> &'static str {
        match self {
            AuditAction::Read => "READ",
            AuditAction::Change => "CHANGE",
        }
    }

    fn parse(text: &str) -> Option<Self> {
        match text {
            "READ" => Some(AuditAction::Read),
            "CHANGE" => Some(AuditAction::Change),
            _ => None,
        }
    }
}

/// One access, before it has a place in the chain.
#[derive(Clone, PartialEq, Eq)]
pub struct AuditDraft {
    /// When it happened.
    pub recorded_at: DateTime<Utc>,
    /// The caller's role (`citizen`, `operator`, …).
    pub caller_role: String,
    /// The caller's id (a staff id, a system name).
    pub caller_id: String,
    /// A citizen caller's IIN; empty for staff and systems.
    pub caller_iin: String,
    /// The full gRPC method, `/package.Service/Method`.
    pub rpc: String,
    /// Read or change.
    pub action: AuditAction,
    /// The IINs of the persons whose data it was.
    pub persons: Vec<String>,
    /// The case: the resource name the access was about (`applications/42`).
    pub case: String,
}

/// An IIN is personal data: the audit trail holds it, logs never do.
impl std::fmt::Debug for AuditDraft {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("AuditDraft")
            .field("recorded_at", &self.recorded_at)
            .field("caller_role", &self.caller_role)
            .field("caller_id", &self.caller_id)
            .field("rpc", &self.rpc)
            .field("action", &self.action)
            .field("persons", &self.persons.len())
            .field("case", &self.case)
            .finish_non_exhaustive()
    }
}

/// An entry of the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    /// Its place, from 1.
    pub sequence: i64,
    /// The access.
    pub draft: AuditDraft,
    /// The previous entry's hash, lower-case hex (64 zeros for the first).
    pub previous_hash: String,
    /// This entry's hash, lower-case hex.
    pub entry_hash: String,
}

/// Which entries to list. Empty filters match everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditQuery {
    /// Only entries about this person.
    pub person_iin: String,
    /// Only entries about this case.
    pub case: String,
    /// Only entries by this caller id.
    pub caller_id: String,
    /// Only entries recorded at or after this instant.
    pub recorded_from: Option<DateTime<Utc>>,
    /// Only entries recorded before this instant.
    pub recorded_before: Option<DateTime<Utc>>,
    /// Only entries after this sequence (the page token).
    pub after_sequence: i64,
    /// At most this many (capped at [`MAX_PAGE_SIZE`]).
    pub limit: i64,
}

/// The outcome of walking the whole chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuditVerification {
    /// Entries read.
    pub entries: i64,
    /// The first entry whose sequence, link or hash is wrong; `None` when intact.
    pub first_broken_sequence: Option<i64>,
}

impl AuditVerification {
    /// Whether every entry is in place.
    pub fn intact(&self) -> bool {
        self.first_broken_sequence.is_none()
    }
}

/// The audit trail of one service's database. Cheap to clone.
#[derive(Debug, Clone)]
pub struct AuditLog {
    database: Database,
    writer: Arc<tokio::sync::Mutex<()>>,
}

const GENESIS: [u8; 32] = [0; 32];

fn push_text(bytes: &mut Vec<u8>, text: &str) {
    let length = u32::try_from(text.len()).unwrap_or(u32::MAX);
    bytes.extend_from_slice(&length.to_be_bytes());
    bytes.extend_from_slice(text.as_bytes());
}

/// The hash of the entry at `sequence` following `previous`.
fn entry_hash(previous: &[u8; 32], sequence: i64, draft: &AuditDraft) -> [u8; 32] {
    let mut canonical = Vec::with_capacity(256);
    canonical.extend_from_slice(&sequence.to_be_bytes());
    canonical.extend_from_slice(&draft.recorded_at.timestamp_micros().to_be_bytes());
    for text in [
        &draft.caller_role,
        &draft.caller_id,
        &draft.caller_iin,
        &draft.rpc,
        draft.action.as_str(),
        &draft.case,
    ] {
        push_text(&mut canonical, text);
    }
    let count = u32::try_from(draft.persons.len()).unwrap_or(u32::MAX);
    canonical.extend_from_slice(&count.to_be_bytes());
    for person in &draft.persons {
        push_text(&mut canonical, person);
    }
    let mut hasher = Sha256::new();
    hasher.update(previous);
    hasher.update(&canonical);
    hasher.finalize().into()
}

/// Persons are stored space-separated with a space at each end, so that one
/// IIN is found whole with `LIKE '% <iin> %'`.
fn stored_persons(persons: &[String]) -> String {
    format!(" {} ", persons.join(" "))
}

fn parse_persons(stored: &str) -> Vec<String> {
    stored.split_whitespace().map(str::to_owned).collect()
}

fn hash_from_hex(text: &str) -> Option<[u8; 32]> {
    let mut bytes = [0_u8; 32];
    hex::decode_to_slice(text, &mut bytes).ok()?;
    Some(bytes)
}

/// A value a list filter binds.
enum Value {
    Text(String),
    Micros(i64),
}

const COLUMNS: &str = "sequence, recorded_at_micros, caller_role, caller_id, caller_iin, rpc, \
                       action, persons, case_name, previous_hash, entry_hash";

fn entry_from_row(row: &sqlx::any::AnyRow) -> Result<AuditEntry, StorageError> {
    let action: String = row.try_get("action")?;
    let micros: i64 = row.try_get("recorded_at_micros")?;
    let corrupt = || StorageError::Other(sqlx::Error::Protocol("a malformed audit entry".into()));
    Ok(AuditEntry {
        sequence: row.try_get("sequence")?,
        draft: AuditDraft {
            recorded_at: DateTime::from_timestamp_micros(micros).ok_or_else(corrupt)?,
            caller_role: row.try_get("caller_role")?,
            caller_id: row.try_get("caller_id")?,
            caller_iin: row.try_get("caller_iin")?,
            rpc: row.try_get("rpc")?,
            action: AuditAction::parse(&action).ok_or_else(corrupt)?,
            persons: parse_persons(&row.try_get::<String, _>("persons")?),
            case: row.try_get("case_name")?,
        },
        previous_hash: row.try_get("previous_hash")?,
        entry_hash: row.try_get("entry_hash")?,
    })
}

impl AuditLog {
    /// The trail in `database`, whose migrations created the table.
    pub fn new(database: Database) -> Self {
        Self {
            database,
            writer: Arc::new(tokio::sync::Mutex::new(())),
        }
    }

    /// Appends `draft` after the last entry and returns it as written. The
    /// caller answers only once this has succeeded: an access that cannot be
    /// recorded is not given.
    pub async fn append(&self, draft: AuditDraft) -> Result<AuditEntry, StorageError> {
        let mut written = self.append_all(vec![draft]).await?;
        written.pop().ok_or_else(|| {
            StorageError::Other(sqlx::Error::Protocol("no audit entry was written".into()))
        })
    }

    /// Appends `drafts`, in order, in one transaction: all of them or none
    /// (a list call's entries, one per resource it returns, cost one commit).
    pub async fn append_all(
        &self,
        drafts: Vec<AuditDraft>,
    ) -> Result<Vec<AuditEntry>, StorageError> {
        if drafts.is_empty() {
            return Ok(Vec::new());
        }
        if drafts
            .iter()
            .flat_map(|draft| &draft.persons)
            .any(|person| person.is_empty() || person.contains(char::is_whitespace))
        {
            return Err(StorageError::Other(sqlx::Error::Protocol(
                "an audited person must be a non-empty IIN without spaces".into(),
            )));
        }
        let _writer = self.writer.lock().await;
        let mut attempt = 0;
        loop {
            attempt += 1;
            match self.try_append(&drafts).await {
                Err(StorageError::Conflict) if attempt < APPEND_ATTEMPTS => continue,
                outcome => return outcome,
            }
        }
    }

    async fn try_append(&self, drafts: &[AuditDraft]) -> Result<Vec<AuditEntry>, StorageError> {
        // SQLite: take the write lock before reading the head, so that another
        // writer waits for it (busy_timeout) instead of invalidating the read.
        // PostgreSQL: writers of every process queue on one transaction-scoped
        // advisory lock, so that under contention they wait their turn rather
        // than lose the sequence again and again.
        let mut transaction = match self.database.backend() {
            crate::Backend::Sqlite => self.database.pool().begin_with("BEGIN IMMEDIATE").await?,
            crate::Backend::Postgres => {
                let mut transaction = self.database.pool().begin().await?;
                sqlx::query("SELECT pg_advisory_xact_lock($1)")
                    .bind(APPEND_LOCK_KEY)
                    .execute(&mut *transaction)
                    .await?;
                transaction
            }
        };
        let head: Option<(i64, String)> = sqlx::query_as(
            "SELECT sequence, entry_hash FROM audit_log ORDER BY sequence DESC LIMIT 1",
        )
        .fetch_optional(&mut *transaction)
        .await?;
        let (mut sequence, mut previous) = match head {
            None => (1, GENESIS),
            Some((last, hash)) => (
                last + 1,
                hash_from_hex(&hash).ok_or_else(|| {
                    StorageError::Other(sqlx::Error::Protocol(
                        "the audit chain's head hash is malformed".into(),
                    ))
                })?,
            ),
        };
        let mut written = Vec::with_capacity(drafts.len());
        for draft in drafts {
            let hash = entry_hash(&previous, sequence, draft);
            let entry = AuditEntry {
                sequence,
                draft: draft.clone(),
                previous_hash: hex::encode(previous),
                entry_hash: hex::encode(hash),
            };
            sqlx::query(&format!(
                "INSERT INTO audit_log ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
            ))
            .bind(entry.sequence)
            .bind(draft.recorded_at.timestamp_micros())
            .bind(&draft.caller_role)
            .bind(&draft.caller_id)
            .bind(&draft.caller_iin)
            .bind(&draft.rpc)
            .bind(draft.action.as_str())
            .bind(stored_persons(&draft.persons))
            .bind(&draft.case)
            .bind(&entry.previous_hash)
            .bind(&entry.entry_hash)
            .execute(&mut *transaction)
            .await?;
            previous = hash;
            sequence += 1;
            written.push(entry);
        }
        transaction.commit().await?;
        Ok(written)
    }

    /// The entries `query` selects, oldest first.
    pub async fn list(&self, query: &AuditQuery) -> Result<Vec<AuditEntry>, StorageError> {
        let mut sql = format!("SELECT {COLUMNS} FROM audit_log WHERE sequence > $1");
        let mut values: Vec<Value> = Vec::new();
        let mut filter = |column: &str, value: Value| {
            values.push(value);
            format!(" AND {column} ${}", values.len() + 1)
        };
        if !query.person_iin.is_empty() {
            sql.push_str(&filter(
                "persons LIKE",
                Value::Text(format!("% {} %", query.person_iin)),
            ));
        }
        if !query.case.is_empty() {
            sql.push_str(&filter("case_name =", Value::Text(query.case.clone())));
        }
        if !query.caller_id.is_empty() {
            sql.push_str(&filter("caller_id =", Value::Text(query.caller_id.clone())));
        }
        if let Some(from) = query.recorded_from {
            sql.push_str(&filter(
                "recorded_at_micros >=",
                Value::Micros(from.timestamp_micros()),
            ));
        }
        if let Some(before) = query.recorded_before {
            sql.push_str(&filter(
                "recorded_at_micros <",
                Value::Micros(before.timestamp_micros()),
            ));
        }
        let limit = query.limit.clamp(1, MAX_PAGE_SIZE);
        let sql = format!("{sql} ORDER BY sequence LIMIT {limit}");
        let mut statement = sqlx::query(&sql).bind(query.after_sequence);
        for value in values {
            statement = match value {
                Value::Text(text) => statement.bind(text),
                Value::Micros(micros) => statement.bind(micros),
            };
        }
        let rows = statement.fetch_all(self.database.pool()).await?;
        rows.iter().map(entry_from_row).collect()
    }

    /// Walks the whole chain from the first entry: every sequence in order
    /// without a gap, every link to the previous hash, every hash recomputed.
    pub async fn verify(&self) -> Result<AuditVerification, StorageError> {
        let mut previous = GENESIS;
        let mut expected_sequence = 1;
        let mut entries = 0;
        loop {
            let rows = sqlx::query(&format!(
                "SELECT {COLUMNS} FROM audit_log WHERE sequence >= $1 ORDER BY sequence LIMIT {VERIFY_BATCH}"
            ))
            .bind(expected_sequence)
            .fetch_all(self.database.pool())
            .await?;
            if rows.is_empty() {
                return Ok(AuditVerification {
                    entries,
                    first_broken_sequence: None,
                });
            }
            for row in &rows {
                let broken = |sequence| {
                    Ok(AuditVerification {
                        entries,
                        first_broken_sequence: Some(sequence),
                    })
                };
                let Ok(entry) = entry_from_row(row) else {
                    return broken(expected_sequence);
                };
                if entry.sequence != expected_sequence
                    || hash_from_hex(&entry.previous_hash) != Some(previous)
                {
                    return broken(expected_sequence);
                }
                let hash = entry_hash(&previous, entry.sequence, &entry.draft);
                if hash_from_hex(&entry.entry_hash) != Some(hash) {
                    return broken(entry.sequence);
                }
                previous = hash;
                expected_sequence += 1;
                entries += 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft() -> AuditDraft {
        AuditDraft {
            recorded_at: DateTime::from_timestamp_micros(1_776_229_200_000_000).expect("valid"),
            caller_role: "operator".to_owned(),
            caller_id: "operator-1".to_owned(),
            caller_iin: String::new(),
            rpc: "/housing.intake.v1.ApplicationIntakeService/GetApplication".to_owned(),
            action: AuditAction::Read,
            persons: vec!["900512490013".to_owned()],
            case: "applications/1".to_owned(),
        }
    }

    #[test]
    fn every_field_and_the_link_change_the_hash() {
        let base = entry_hash(&GENESIS, 1, &draft());
        assert_ne!(entry_hash(&[1; 32], 1, &draft()), base);
        assert_ne!(entry_hash(&GENESIS, 2, &draft()), base);
        type Change = Box<dyn Fn(&mut AuditDraft)>;
        let changes: Vec<Change> = vec![
            Box::new(|d| d.recorded_at += chrono::TimeDelta::microseconds(1)),
            Box::new(|d| d.caller_role.push('x')),
            Box::new(|d| d.caller_id.push('x')),
            Box::new(|d| d.caller_iin.push('x')),
            Box::new(|d| d.rpc.push('x')),
            Box::new(|d| d.action = AuditAction::Change),
            Box::new(|d| d.persons.push("880203390020".to_owned())),
            Box::new(|d| d.case.push('x')),
        ];
        for change in changes {
            let mut changed = draft();
            change(&mut changed);
            assert_ne!(entry_hash(&GENESIS, 1, &changed), base, "{changed:?}");
        }
    }

    #[test]
    fn fields_cannot_be_shifted_into_one_another() {
        let mut left = draft();
        left.caller_role = "operatoro".to_owned();
        left.caller_id = "perator-1".to_owned();
        let mut right = draft();
        right.caller_role = "operator".to_owned();
        right.caller_id = "operator-1".to_owned();
        assert_ne!(
            entry_hash(&GENESIS, 1, &left),
            entry_hash(&GENESIS, 1, &right)
        );
    }

    #[test]
    fn the_debug_form_names_no_person() {
        let mut with_citizen = draft();
        with_citizen.caller_iin = "880203390020".to_owned();
        let shown = format!("{with_citizen:?}");
        assert!(!shown.contains("900512490013"), "{shown}");
        assert!(!shown.contains("880203390020"), "{shown}");
    }

    #[test]
    fn persons_round_trip_through_their_stored_form() {
        let persons = vec!["900512490013".to_owned(), "880203390020".to_owned()];
        assert_eq!(parse_persons(&stored_persons(&persons)), persons);
        assert!(parse_persons(&stored_persons(&[])).is_empty());
    }
}
