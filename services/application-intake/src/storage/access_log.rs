//! The access log: who read which applications, and when.

use chrono::{DateTime, Utc};
use housing_platform::caller::Caller;
use housing_storage::sqlx;

use super::{IntakeStore, StoreError, micros};

/// One read, as logged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessRecord {
    /// The caller's role.
    pub caller_role: String,
    /// The caller's id.
    pub caller_id: String,
    /// A citizen caller's IIN.
    pub caller_iin: Option<String>,
    /// The RPC.
    pub action: String,
    /// The resource names read.
    pub resources: Vec<String>,
}

impl IntakeStore {
    /// Records that `caller` read `resources` through `action`.
    pub async fn log_access(
        &self,
        caller: &Caller,
        action: &str,
        resources: &[String],
        read_at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO access_log (id, read_at_micros, caller_role, caller_id, caller_iin, \
             action, resources) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(uuid::Uuid::new_v4().simple().to_string())
        .bind(micros(read_at))
        .bind(caller.role().as_str())
        .bind(caller.id())
        .bind(caller.iin().map(|iin| iin.as_str().to_owned()))
        .bind(action)
        .bind(resources.join(" "))
        .execute(self.database.pool())
        .await?;
        Ok(())
    }

    /// The reads logged, oldest first (for operators' audits and tests).
    pub async fn access_records(&self) -> Result<Vec<AccessRecord>, StoreError> {
        let rows: Vec<(String, String, Option<String>, String, String)> = sqlx::query_as(
            "SELECT caller_role, caller_id, caller_iin, action, resources FROM access_log \
             ORDER BY read_at_micros, id",
        )
        .fetch_all(self.database.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(
                |(caller_role, caller_id, caller_iin, action, resources)| AccessRecord {
                    caller_role,
                    caller_id,
                    caller_iin,
                    action,
                    resources: resources
                        .split(' ')
                        .filter(|name| !name.is_empty())
                        .map(str::to_owned)
                        .collect(),
                },
            )
            .collect())
    }
}
