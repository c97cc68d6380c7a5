//! The query log's table: append in batches, read in sequence order.

use housing_storage::Database;
use housing_storage::sqlx::{self, Row, any::AnyRow};

use super::{StoreError, row_placeholders};
use crate::query_log::{ChainHash, ChainHead, Draft, Entry};

const COLUMNS: &str = "sequence, query_time_micros, client_system, on_behalf_of, case_id, \
                       method, request_sha256, response_sha256, outcome, registers, \
                       previous_hash, entry_hash";
const COLUMN_COUNT: usize = 12;

/// Appends entries in one multi-row insert, in one transaction: all or none.
pub async fn append(database: &Database, entries: &[Entry]) -> Result<(), StoreError> {
    if entries.is_empty() {
        return Ok(());
    }
    let statement = format!(
        "INSERT INTO registry_query_log ({COLUMNS}) VALUES {}",
        row_placeholders(entries.len(), COLUMN_COUNT)
    );
    let mut query = sqlx::query(&statement);
    for entry in entries {
        let draft = &entry.draft;
        query = query
            .bind(entry.sequence)
            .bind(draft.query_time_micros)
            .bind(draft.client_system.as_str())
            .bind(draft.on_behalf_of.as_str())
            .bind(draft.case_id.as_str())
            .bind(draft.method.as_str())
            .bind(draft.request_sha256.as_str())
            .bind(draft.response_sha256.as_str())
            .bind(draft.outcome.as_str())
            .bind(encode_registers(&draft.registers))
            .bind(entry.previous_hash.as_str())
            .bind(entry.entry_hash.as_str());
    }
    // A single statement is atomic on both backends: no explicit transaction needed.
    query.execute(database.pool()).await?;
    Ok(())
}

/// The last entry's position and hash: where the next entry chains on.
pub async fn head(database: &Database) -> Result<ChainHead, StoreError> {
    let row = sqlx::query(
        "SELECT sequence, entry_hash FROM registry_query_log ORDER BY sequence DESC LIMIT 1",
    )
    .fetch_optional(database.pool())
    .await?;
    let Some(row) = row else {
        return Ok(ChainHead::EMPTY);
    };
    let sequence: i64 = row.try_get("sequence")?;
    let hash: String = row.try_get("entry_hash")?;
    // A garbled head hash cannot be chained on: refuse to append rather than
    // start a chain that no verification could ever link.
    let hash = ChainHash::from_hex(&hash).ok_or_else(|| StoreError::Corrupt {
        what: "query log head",
        source: "the last entry's hash is not 64 hex digits".into(),
    })?;
    Ok(ChainHead { sequence, hash })
}

/// Entries after `after_sequence` (exclusive), oldest first, at most `limit`,
/// only for `case_id` when given.
pub async fn entries(
    database: &Database,
    after_sequence: i64,
    limit: i64,
    case_id: Option<&str>,
) -> Result<Vec<Entry>, StoreError> {
    let rows = match case_id {
        Some(case_id) => {
            sqlx::query(&format!(
                "SELECT {COLUMNS} FROM registry_query_log \
                 WHERE case_id = $1 AND sequence > $2 ORDER BY sequence LIMIT $3"
            ))
            .bind(case_id)
            .bind(after_sequence)
            .bind(limit)
            .fetch_all(database.pool())
            .await?
        }
        None => {
            sqlx::query(&format!(
                "SELECT {COLUMNS} FROM registry_query_log \
                 WHERE sequence > $1 ORDER BY sequence LIMIT $2"
            ))
            .bind(after_sequence)
            .bind(limit)
            .fetch_all(database.pool())
            .await?
        }
    };
    rows.iter().map(entry_of_row).collect()
}

fn entry_of_row(row: &AnyRow) -> Result<Entry, StoreError> {
    let registers: String = row.try_get("registers")?;
    Ok(Entry {
        sequence: row.try_get("sequence")?,
        draft: Draft {
            query_time_micros: row.try_get("query_time_micros")?,
            client_system: row.try_get("client_system")?,
            on_behalf_of: row.try_get("on_behalf_of")?,
            case_id: row.try_get("case_id")?,
            method: row.try_get("method")?,
            request_sha256: row.try_get("request_sha256")?,
            response_sha256: row.try_get("response_sha256")?,
            outcome: row.try_get("outcome")?,
            registers: decode_registers(&registers),
        },
        previous_hash: row.try_get("previous_hash")?,
        entry_hash: row.try_get("entry_hash")?,
    })
}

fn encode_registers(registers: &[i32]) -> String {
    registers
        .iter()
        .map(i32::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

/// The registers column back as numbers. A garbled element becomes -1 rather
/// than an error: the entry must still be listed, and its hash will not match.
fn decode_registers(text: &str) -> Vec<i32> {
    if text.is_empty() {
        return Vec::new();
    }
    text.split(',')
        .map(|number| number.parse().unwrap_or(-1))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registers_round_trip_through_the_column() {
        for registers in [vec![], vec![1], vec![1, 4, 11]] {
            assert_eq!(decode_registers(&encode_registers(&registers)), registers);
        }
        assert_eq!(decode_registers("1,x"), [1, -1]);
    }
}
