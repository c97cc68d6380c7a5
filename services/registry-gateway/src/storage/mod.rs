//! Everything the gateway keeps, through `housing-storage` (PostgreSQL or SQLite).
//!
//! * [`registers`] — persons (their whole record as protobuf bytes, keyed by
//!   IIN) and certified experts, one row each, with bulk upserts for fixtures;
//! * [`faults`] — the fault injections in force, so they survive a restart;
//! * [`fixtures`] — which fixture contents this database has loaded;
//! * [`query_log`] — the append-only query log.
//!
//! The SQL is written once for both backends (`$n` placeholders, portable
//! types; see `housing-storage`). Services above see [`StoreError`], never `sqlx::Error`.

use housing_storage::{Migrations, StorageError, sqlx};

pub mod faults;
pub mod fixtures;
pub mod query_log;
pub mod registers;

pub use registers::{EncodedRecord, RegistryStore};

/// The gateway's migrations, embedded. Numbers 0001–0099 are the registers'
/// and the query log's; the test PKI's start at 0100.
pub static MIGRATIONS: Migrations = Migrations {
    postgres: &sqlx::migrate!("migrations/postgres"),
    sqlite: &sqlx::migrate!("migrations/sqlite"),
};

/// A failure to read or write the gateway's data.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database failed.
    #[error(transparent)]
    Storage(#[from] StorageError),
    /// A stored row cannot be decoded: the database was changed behind the gateway's back.
    #[error("a stored {what} cannot be decoded")]
    Corrupt {
        /// What kind of row.
        what: &'static str,
        /// Why.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
}

impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> Self {
        StoreError::Storage(StorageError::from(error))
    }
}

impl StoreError {
    /// Whether the database could not be reached: a fault the caller may retry.
    pub fn is_unavailable(&self) -> bool {
        matches!(self, StoreError::Storage(StorageError::Unavailable(_)))
    }
}

/// `$first, $first+1, …` for `count` bind parameters.
fn placeholders(first: usize, count: usize) -> String {
    (first..first + count)
        .map(|index| format!("${index}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `($1, $2, $3), ($4, $5, $6), …` for `rows` rows of `columns` parameters.
fn row_placeholders(rows: usize, columns: usize) -> String {
    (0..rows)
        .map(|row| format!("({})", placeholders(row * columns + 1, columns)))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_from_the_first() {
        assert_eq!(placeholders(1, 3), "$1, $2, $3");
        assert_eq!(row_placeholders(2, 2), "($1, $2), ($3, $4)");
    }
}
