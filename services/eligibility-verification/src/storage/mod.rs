//! The service's database: cases, decisions, hearings, the register, the
//! idempotency keys and the outbox, on PostgreSQL or SQLite
//! (`housing-storage`). Queries are written once, in portable SQL.
//!
//! Every change of a case — a decision, a hearing, a register entry, the
//! outbox messages that announce it and the idempotency key of the call that
//! caused it — is written by one [`Commit`] in one transaction, guarded by the
//! case's `version` (optimistic concurrency): nothing is half-written, and two
//! writers cannot both act on the same state.
//!
//! `sqlx` errors are translated here into [`StoreError`]; nothing above this
//! module matches on them.

mod cases;
mod commit;
mod decisions;
mod hearings;
mod outbox;
mod register;
mod rows;

use housing_storage::{Database, Migrations, StorageError};
use sqlx::AnyPool;
use sqlx::migrate::Migrator;

pub use cases::{CaseFilter, CaseRecord, NewCase};
pub use commit::{Commit, HearingChange, OutboxBuilder, RegisterEntryChange, RequestKey};
pub use decisions::DecisionRecord;
pub use hearings::{HearingFilter, HearingRecord, PositionRecord};
pub use outbox::{Destination, NewOutboxMessage, OutboxMessage};
pub use register::{NewRegisterEntry, PublishedEntry, RegisterEntryRecord, register_locality};

static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/postgres");
static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/sqlite");

/// The service's migrations, embedded in the binary, one set per backend.
pub static MIGRATIONS: Migrations = Migrations {
    postgres: &POSTGRES_MIGRATIONS,
    sqlite: &SQLITE_MIGRATIONS,
};

/// A storage failure, in the terms the service acts on.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The guarded record changed since it was read (another writer won).
    #[error("the record changed since it was read")]
    Stale,
    /// A record with the same key exists (a replayed request, a case opened twice).
    #[error("a record with the same key exists")]
    Duplicate,
    /// The database failed.
    #[error(transparent)]
    Storage(StorageError),
    /// A stored value cannot be read back: a bug or a tampered database.
    #[error("stored data cannot be read: {0}")]
    Corrupt(String),
}

impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> Self {
        match StorageError::from(error) {
            StorageError::Conflict => StoreError::Duplicate,
            other => StoreError::Storage(other),
        }
    }
}

/// The service's store over its database.
#[derive(Debug, Clone)]
pub struct Store {
    database: Database,
}

impl Store {
    /// A store over a migrated database (see [`MIGRATIONS`]).
    pub fn new(database: Database) -> Self {
        Self { database }
    }

    fn pool(&self) -> &AnyPool {
        self.database.pool()
    }

    /// The database, to close it on shutdown.
    pub fn database(&self) -> &Database {
        &self.database
    }
}
