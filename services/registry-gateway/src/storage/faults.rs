//! The fault injections in force, one row per register.

use std::time::Duration;

use housing_storage::Database;
use housing_storage::sqlx::{self, Row};

use super::StoreError;

/// A register's injected faults as stored.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StoredFault {
    /// housing.common.v1.Register number.
    pub register: i32,
    /// Added to every answer.
    pub added_latency: Duration,
    /// Share of answers that fail, 0.0 to 1.0.
    pub error_rate: f64,
    /// Every answer fails.
    pub outage: bool,
    /// When set, in microseconds since the epoch.
    pub updated_at_micros: i64,
}

/// Every injection in force.
pub async fn all(database: &Database) -> Result<Vec<StoredFault>, StoreError> {
    let rows = sqlx::query(
        "SELECT register, added_latency_micros, error_rate, outage, updated_at_micros \
         FROM registry_fault_injections ORDER BY register",
    )
    .fetch_all(database.pool())
    .await?;
    rows.iter()
        .map(|row| {
            let register: i64 = row.try_get("register")?;
            let latency_micros: i64 = row.try_get("added_latency_micros")?;
            Ok(StoredFault {
                register: i32::try_from(register).map_err(|error| StoreError::Corrupt {
                    what: "fault injection",
                    source: Box::new(error),
                })?,
                added_latency: Duration::from_micros(u64::try_from(latency_micros).unwrap_or(0)),
                error_rate: row.try_get("error_rate")?,
                outage: row.try_get::<i64, _>("outage")? != 0,
                updated_at_micros: row.try_get("updated_at_micros")?,
            })
        })
        .collect()
}

/// Puts a register's injection in place.
pub async fn put(database: &Database, fault: &StoredFault) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO registry_fault_injections \
         (register, added_latency_micros, error_rate, outage, updated_at_micros) \
         VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (register) DO UPDATE SET added_latency_micros = excluded.added_latency_micros, \
         error_rate = excluded.error_rate, outage = excluded.outage, \
         updated_at_micros = excluded.updated_at_micros",
    )
    .bind(i64::from(fault.register))
    .bind(i64::try_from(fault.added_latency.as_micros()).unwrap_or(i64::MAX))
    .bind(fault.error_rate)
    .bind(i64::from(fault.outage))
    .bind(fault.updated_at_micros)
    .execute(database.pool())
    .await?;
    Ok(())
}

/// Clears a register's injection.
pub async fn clear(database: &Database, register: i32) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM registry_fault_injections WHERE register = $1")
        .bind(i64::from(register))
        .execute(database.pool())
        .await?;
    Ok(())
}
