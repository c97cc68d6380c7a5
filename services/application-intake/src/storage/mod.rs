//! The service's database: applications, their status history and the outbox.
//!
//! One [`IntakeStore`] over `housing-storage`'s [`Database`] (PostgreSQL or
//! SQLite, the same SQL for both). Storage errors are translated here into
//! [`StoreError`]; the rest of the service never sees `sqlx::Error`.
//!
//! Every transaction starts with a write, so that on SQLite it takes the
//! write lock at once (waiting under `busy_timeout`) instead of failing to
//! upgrade a read snapshot that another writer made stale.

use chrono::{DateTime, NaiveDate, Utc};
use housing_domain::Iin;
use housing_domain::eligibility::Kato;
use housing_storage::sqlx::any::AnyRow;
use housing_storage::sqlx::{self, Row};
use housing_storage::{Database, Migrations, StorageError};

use crate::model::{
    Actor, ApplicationId, ApplicationState, SignatureRecord, StoredApplication, StoredEvent,
    parse_role,
};

mod applications;
mod events;
mod outbox;

pub use applications::{ApplicationChange, ListFilter, NewSubmission, PageAfter, SubmitOutcome};
pub use events::NewEvent;
pub use outbox::{DueMessage, NewOutboxMessage, OutboxKind, VerifyingFollowUp};

/// The service's migrations, embedded, one set per backend.
pub static MIGRATIONS: Migrations = Migrations {
    postgres: &sqlx::migrate!("migrations/postgres"),
    sqlite: &sqlx::migrate!("migrations/sqlite"),
};

/// A storage failure, in the service's terms.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Another active application of the same applicant and locality exists.
    #[error("an active application of the same applicant and locality exists: {existing}")]
    ActiveApplicationExists {
        /// The existing application.
        existing: ApplicationId,
    },
    /// The application changed since it was read; read it again and retry.
    #[error("the application changed meanwhile")]
    Stale,
    /// An event with this id is recorded for the application already.
    #[error("the event is recorded already")]
    DuplicateEvent,
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

/// The service's storage.
#[derive(Debug, Clone)]
pub struct IntakeStore {
    database: Database,
}

impl IntakeStore {
    /// A store over a migrated database.
    pub fn new(database: Database) -> Self {
        Self { database }
    }

    /// The database, to close it at shutdown.
    pub fn database(&self) -> &Database {
        &self.database
    }
}

/// The columns every application query selects, in the order
/// [`application_from_row`] reads them.
const APPLICATION_COLUMNS: &str = "id, request_id, applicant_iin, representative_iin, \
     locality_kato, state, form_content, signer_iin, certificate_serial, signing_time_micros, \
     content_sha256, submit_time_micros, acceptance_date, processing_deadline_micros, \
     latest_decision, register_entry, update_time_micros, revision";

fn application_from_row(row: &AnyRow) -> Result<StoredApplication, StoreError> {
    let representative_iin: Option<String> = row.try_get("representative_iin")?;
    Ok(StoredApplication {
        id: ApplicationId::from_stored(&row.try_get::<String, _>("id")?)
            .ok_or(StoreError::Corrupt("application id"))?,
        request_id: row.try_get("request_id")?,
        applicant_iin: iin_from_column(&row.try_get::<String, _>("applicant_iin")?)?,
        representative_iin: representative_iin
            .as_deref()
            .map(iin_from_column)
            .transpose()?,
        locality: Kato::parse(&row.try_get::<String, _>("locality_kato")?)
            .map_err(|_| StoreError::Corrupt("locality"))?,
        state: state_from_column(&row.try_get::<String, _>("state")?)?,
        form_content: row.try_get("form_content")?,
        signature: SignatureRecord {
            signer_iin: iin_from_column(&row.try_get::<String, _>("signer_iin")?)?,
            certificate_serial: row.try_get("certificate_serial")?,
            signing_time: instant_from_column(row.try_get("signing_time_micros")?)?,
            content_sha256: row.try_get("content_sha256")?,
        },
        submit_time: instant_from_column(row.try_get("submit_time_micros")?)?,
        acceptance_date: NaiveDate::parse_from_str(
            &row.try_get::<String, _>("acceptance_date")?,
            DATE_FORMAT,
        )
        .map_err(|_| StoreError::Corrupt("acceptance date"))?,
        processing_deadline: instant_from_column(row.try_get("processing_deadline_micros")?)?,
        latest_decision: row.try_get("latest_decision")?,
        register_entry: row.try_get("register_entry")?,
        update_time: instant_from_column(row.try_get("update_time_micros")?)?,
        revision: row.try_get("revision")?,
    })
}

const EVENT_COLUMNS: &str = "application_id, sequence, event_id, state, event_time_micros, \
     decision, register_entry, processing_deadline_micros, actor_id, actor_role, rule_codes";

fn event_from_row(row: &AnyRow) -> Result<StoredEvent, StoreError> {
    let rule_codes: String = row.try_get("rule_codes")?;
    let processing_deadline: Option<i64> = row.try_get("processing_deadline_micros")?;
    Ok(StoredEvent {
        application_id: ApplicationId::from_stored(&row.try_get::<String, _>("application_id")?)
            .ok_or(StoreError::Corrupt("application id"))?,
        sequence: row.try_get("sequence")?,
        event_id: row.try_get("event_id")?,
        state: state_from_column(&row.try_get::<String, _>("state")?)?,
        event_time: instant_from_column(row.try_get("event_time_micros")?)?,
        decision: row.try_get("decision")?,
        register_entry: row.try_get("register_entry")?,
        processing_deadline: processing_deadline.map(instant_from_column).transpose()?,
        actor: Actor {
            id: row.try_get("actor_id")?,
            role: parse_role(&row.try_get::<String, _>("actor_role")?)
                .ok_or(StoreError::Corrupt("actor role"))?,
        },
        rule_codes: rule_codes
            .split(',')
            .filter(|code| !code.is_empty())
            .map(str::to_owned)
            .collect(),
    })
}

/// Acceptance dates are stored as ISO dates: readable, and ordered as text.
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

fn state_from_column(text: &str) -> Result<ApplicationState, StoreError> {
    ApplicationState::parse(text).ok_or(StoreError::Corrupt("state"))
}
