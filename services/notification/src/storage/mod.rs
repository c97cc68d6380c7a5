//! Everything the service keeps, through `housing-storage` (PostgreSQL or SQLite).
//!
//! * [`notices`] — notices with their rendered texts and their deliveries,
//!   written together in one transaction, unique on `request_id`;
//! * [`deliveries`] — the worker's side: claiming due deliveries, recording
//!   outcomes, finding stuck ones;
//! * [`outbox`] — what the built-in text-message and e-mail adapters accepted.
//!
//! The SQL is written once for both backends (`$n` placeholders, portable
//! types; see `housing-storage`). The service above sees [`StoreError`],
//! never `sqlx::Error`.

use chrono::{DateTime, Utc};
use housing_storage::{Database, Migrations, StorageError, sqlx};

pub mod deliveries;
pub mod notices;
pub mod outbox;

pub use deliveries::{ClaimedDelivery, DeliveryUpdate, StuckDelivery};
pub use notices::{InsertedNotice, NewDelivery, NewNotice, NoticeFilter, StoredNotice};
pub use outbox::{OutboxFilter, OutboxMessage, StoredOutboxMessage};

/// The service's migrations, embedded.
pub static MIGRATIONS: Migrations = Migrations {
    postgres: &sqlx::migrate!("migrations/postgres"),
    sqlite: &sqlx::migrate!("migrations/sqlite"),
};

/// A failure to read or write the service's data.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database failed.
    #[error(transparent)]
    Storage(#[from] StorageError),
    /// A stored row cannot be decoded: the database was changed behind the service's back.
    #[error("a stored {what} cannot be decoded: {problem}")]
    Corrupt {
        /// What kind of row.
        what: &'static str,
        /// What is wrong; never the personal data itself.
        problem: String,
    },
}

impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> Self {
        StoreError::Storage(StorageError::from(error))
    }
}

/// The notices, deliveries and outbox of one database.
#[derive(Debug, Clone)]
pub struct NotificationStore {
    database: Database,
}

impl NotificationStore {
    /// The store over a migrated database.
    pub fn new(database: Database) -> Self {
        Self { database }
    }

    /// The database.
    pub fn database(&self) -> &Database {
        &self.database
    }
}

/// An instant as stored: microseconds since the epoch.
fn to_micros(instant: DateTime<Utc>) -> i64 {
    instant.timestamp_micros()
}

/// A stored instant.
fn from_micros(what: &'static str, micros: i64) -> Result<DateTime<Utc>, StoreError> {
    DateTime::from_timestamp_micros(micros).ok_or_else(|| StoreError::Corrupt {
        what,
        problem: format!("{micros} is not an instant"),
    })
}

/// `$first, $first+1, …` for `count` bind parameters.
fn placeholders(first: usize, count: usize) -> String {
    (first..first + count)
        .map(|index| format!("${index}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A stored count or number that must fit a `u32`.
fn to_u32(what: &'static str, value: i64) -> Result<u32, StoreError> {
    u32::try_from(value).map_err(|_| StoreError::Corrupt {
        what,
        problem: format!("{value} is out of range"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_from_the_first() {
        assert_eq!(placeholders(3, 3), "$3, $4, $5");
        assert_eq!(placeholders(1, 0), "");
    }

    #[test]
    fn instants_round_trip_through_micros() {
        let instant = DateTime::from_timestamp_micros(1_764_000_000_123_456).expect("valid");
        assert_eq!(
            from_micros("test", to_micros(instant)).expect("valid"),
            instant
        );
        assert!(from_micros("test", i64::MAX).is_err());
    }
}
