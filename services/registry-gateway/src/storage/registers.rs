//! Persons and certified experts.

use std::collections::HashMap;

use housing_domain::Iin;
use housing_proto::housing::registry::v1::{CertifiedExpert, PersonRecord};
use housing_storage::Database;
use housing_storage::sqlx::{self, Row};
use prost::Message;

use super::{StoreError, placeholders, row_placeholders};
use crate::dates::now_micros;

/// Rows per multi-row upsert: three parameters each keeps a statement far
/// below both backends' parameter limits while amortising the round trip.
pub const UPSERT_ROWS_PER_STATEMENT: usize = 1000;

/// A record ready to store: its key and its protobuf encoding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncodedRecord {
    /// The IIN or the certificate number.
    pub key: String,
    /// The encoded `PersonRecord` or `CertifiedExpert`.
    pub bytes: Vec<u8>,
}

/// The registers' data: persons and certified experts.
#[derive(Debug, Clone)]
pub struct RegistryStore {
    database: Database,
}

/// The two tables of whole records, with their key column.
#[derive(Debug, Clone, Copy)]
enum Table {
    Persons,
    Experts,
}

impl Table {
    const fn name(self) -> &'static str {
        match self {
            Table::Persons => "registry_persons",
            Table::Experts => "registry_certified_experts",
        }
    }

    const fn key(self) -> &'static str {
        match self {
            Table::Persons => "iin",
            Table::Experts => "certificate_number",
        }
    }
}

impl RegistryStore {
    /// The store over a migrated database.
    pub fn new(database: Database) -> Self {
        Self { database }
    }

    /// The database underneath.
    pub fn database(&self) -> &Database {
        &self.database
    }

    /// Puts a person's whole record in place, replacing any earlier one.
    pub async fn put_person(&self, person: &PersonRecord) -> Result<(), StoreError> {
        self.upsert(
            Table::Persons,
            &[EncodedRecord {
                key: person.iin.clone(),
                bytes: person.encode_to_vec(),
            }],
        )
        .await
    }

    /// A person's whole record, if on record.
    pub async fn person(&self, iin: &Iin) -> Result<Option<PersonRecord>, StoreError> {
        let mut found = self.persons(std::slice::from_ref(iin)).await?;
        Ok(found.remove(iin))
    }

    /// The records of several persons in one query; those not on record are absent.
    pub async fn persons(&self, iins: &[Iin]) -> Result<HashMap<Iin, PersonRecord>, StoreError> {
        let keys: Vec<&str> = iins.iter().map(Iin::as_str).collect();
        let rows = self.fetch(Table::Persons, &keys).await?;
        let mut persons = HashMap::with_capacity(rows.len());
        for (key, bytes) in rows {
            let iin = Iin::parse(&key).map_err(|error| StoreError::Corrupt {
                what: "person key",
                source: Box::new(error),
            })?;
            persons.insert(iin, decode::<PersonRecord>(&bytes, "person record")?);
        }
        Ok(persons)
    }

    /// Deletes a person's record; false when there was none.
    pub async fn delete_person(&self, iin: &Iin) -> Result<bool, StoreError> {
        self.delete(Table::Persons, iin.as_str()).await
    }

    /// IINs on record after `after` (exclusive), ascending, at most `limit`.
    pub async fn list_persons(
        &self,
        after: Option<&str>,
        limit: i64,
    ) -> Result<Vec<String>, StoreError> {
        let rows =
            sqlx::query("SELECT iin FROM registry_persons WHERE iin > $1 ORDER BY iin LIMIT $2")
                .bind(after.unwrap_or(""))
                .bind(limit)
                .fetch_all(self.database.pool())
                .await?;
        rows.iter()
            .map(|row| row.try_get::<String, _>("iin").map_err(StoreError::from))
            .collect()
    }

    /// How many persons are on record.
    pub async fn count_persons(&self) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM registry_persons")
            .fetch_one(self.database.pool())
            .await?)
    }

    /// Puts a certified expert in place, replacing any earlier entry.
    pub async fn put_expert(&self, expert: &CertifiedExpert) -> Result<(), StoreError> {
        self.upsert(
            Table::Experts,
            &[EncodedRecord {
                key: expert.certificate_number.clone(),
                bytes: expert.encode_to_vec(),
            }],
        )
        .await
    }

    /// Certified experts by certificate number, in one query.
    pub async fn experts(
        &self,
        certificate_numbers: &[String],
    ) -> Result<HashMap<String, CertifiedExpert>, StoreError> {
        let keys: Vec<&str> = certificate_numbers.iter().map(String::as_str).collect();
        self.fetch(Table::Experts, &keys)
            .await?
            .into_iter()
            .map(|(key, bytes)| Ok((key, decode::<CertifiedExpert>(&bytes, "expert")?)))
            .collect()
    }

    /// Deletes a certified expert; false when there was none.
    pub async fn delete_expert(&self, certificate_number: &str) -> Result<bool, StoreError> {
        self.delete(Table::Experts, certificate_number).await
    }

    /// Upserts many persons in one transaction (fixture loading).
    pub async fn upsert_persons(&self, persons: &[EncodedRecord]) -> Result<(), StoreError> {
        self.upsert(Table::Persons, persons).await
    }

    /// Upserts many experts in one transaction (fixture loading).
    pub async fn upsert_experts(&self, experts: &[EncodedRecord]) -> Result<(), StoreError> {
        self.upsert(Table::Experts, experts).await
    }

    /// Multi-row `INSERT … ON CONFLICT DO UPDATE` in one transaction, in
    /// statements of at most [`UPSERT_ROWS_PER_STATEMENT`] rows. Keys must be
    /// distinct within a call (PostgreSQL refuses to update a row twice in one statement).
    async fn upsert(&self, table: Table, records: &[EncodedRecord]) -> Result<(), StoreError> {
        if records.is_empty() {
            return Ok(());
        }
        let updated_at = now_micros();
        let mut transaction = self.database.pool().begin().await?;
        for chunk in records.chunks(UPSERT_ROWS_PER_STATEMENT) {
            let statement = format!(
                "INSERT INTO {table} ({key}, record, updated_at_micros) VALUES {rows} \
                 ON CONFLICT ({key}) DO UPDATE SET record = excluded.record, \
                 updated_at_micros = excluded.updated_at_micros",
                table = table.name(),
                key = table.key(),
                rows = row_placeholders(chunk.len(), 3),
            );
            let mut query = sqlx::query(&statement);
            for record in chunk {
                query = query
                    .bind(record.key.as_str())
                    .bind(record.bytes.as_slice())
                    .bind(updated_at);
            }
            query.execute(&mut *transaction).await?;
        }
        transaction.commit().await?;
        Ok(())
    }

    async fn fetch(
        &self,
        table: Table,
        keys: &[&str],
    ) -> Result<Vec<(String, Vec<u8>)>, StoreError> {
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        let statement = format!(
            "SELECT {key}, record FROM {table} WHERE {key} IN ({list})",
            table = table.name(),
            key = table.key(),
            list = placeholders(1, keys.len()),
        );
        let mut query = sqlx::query(&statement);
        for key in keys {
            query = query.bind(*key);
        }
        let rows = query.fetch_all(self.database.pool()).await?;
        rows.iter()
            .map(|row| {
                Ok((
                    row.try_get::<String, _>(table.key())?,
                    row.try_get::<Vec<u8>, _>("record")?,
                ))
            })
            .collect()
    }

    async fn delete(&self, table: Table, key: &str) -> Result<bool, StoreError> {
        let statement = format!(
            "DELETE FROM {table} WHERE {key} = $1",
            table = table.name(),
            key = table.key()
        );
        let result = sqlx::query(&statement)
            .bind(key)
            .execute(self.database.pool())
            .await?;
        Ok(result.rows_affected() > 0)
    }
}

fn decode<M: Message + Default>(bytes: &[u8], what: &'static str) -> Result<M, StoreError> {
    M::decode(bytes).map_err(|error| StoreError::Corrupt {
        what,
        source: Box::new(error),
    })
}
