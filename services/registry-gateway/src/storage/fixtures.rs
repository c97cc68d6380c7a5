//! Which fixture contents this database has loaded.

use housing_storage::Database;
use housing_storage::sqlx;

use super::StoreError;
use crate::dates::now_micros;

/// Whether a fixture with this content digest was loaded before.
pub async fn was_loaded(database: &Database, content_sha256: &str) -> Result<bool, StoreError> {
    let count: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM registry_fixture_loads WHERE content_sha256 = $1")
            .bind(content_sha256)
            .fetch_one(database.pool())
            .await?;
    Ok(count > 0)
}

/// Records a completed load.
pub async fn record_load(
    database: &Database,
    content_sha256: &str,
    source: &str,
    persons: u64,
    certified_experts: u64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO registry_fixture_loads \
         (content_sha256, source, persons, certified_experts, loaded_at_micros) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (content_sha256) DO NOTHING",
    )
    .bind(content_sha256)
    .bind(source)
    .bind(i64::try_from(persons).unwrap_or(i64::MAX))
    .bind(i64::try_from(certified_experts).unwrap_or(i64::MAX))
    .bind(now_micros())
    .execute(database.pool())
    .await?;
    Ok(())
}
