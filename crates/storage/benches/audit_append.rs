//! A load run of the audit trail's writer, printing its numbers (not a test):
//! what a list call that returns 500 resources costs to record, one entry per
//! resource, appended one by one (a transaction each) and as one batch
//! (`AuditLog::append_all`, one transaction). SQLite always, PostgreSQL when
//! `HOUSING_TEST_POSTGRES_URL` names a server.
//!
//! ```text
//! HOUSING_TEST_POSTGRES_URL=… cargo bench -p housing-storage --bench audit_append
//! ```

use std::time::Instant;

use chrono::Utc;
use housing_storage::Migrations;
use housing_storage::audit::{AuditAction, AuditDraft, AuditLog};
use housing_storage::sqlx;
use housing_storage::testing::TestDatabase;

static MIGRATIONS: Migrations = Migrations {
    postgres: &sqlx::migrate!("tests/migrations/postgres"),
    sqlite: &sqlx::migrate!("tests/migrations/sqlite"),
};

const RESOURCES: usize = 500;
const ROUNDS: usize = 5;

fn drafts() -> Vec<AuditDraft> {
    (0..RESOURCES)
        .map(|index| AuditDraft {
            recorded_at: Utc::now(),
            caller_role: "operator".to_owned(),
            caller_id: "operator-1".to_owned(),
            caller_iin: String::new(),
            rpc: "/housing.intake.v1.ApplicationIntakeService/ListApplications".to_owned(),
            action: AuditAction::Read,
            persons: vec!["900512490013".to_owned(), "880203390020".to_owned()],
            case: format!("applications/{index}"),
        })
        .collect()
}

fn main() -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    runtime.block_on(run())
}

async fn run() -> anyhow::Result<()> {
    let mut backends = vec![("sqlite", TestDatabase::sqlite(&MIGRATIONS).await?)];
    if std::env::var_os("HOUSING_TEST_POSTGRES_URL").is_some()
        && let Some(postgres) = TestDatabase::postgres(&MIGRATIONS).await?
    {
        backends.push(("postgres", postgres));
    }
    for (name, database) in backends {
        let log = AuditLog::new(database.database.clone());
        let mut one_by_one = Vec::new();
        let mut batched = Vec::new();
        for _ in 0..ROUNDS {
            let started = Instant::now();
            for draft in drafts() {
                log.append(draft).await?;
            }
            one_by_one.push(started.elapsed());
            let started = Instant::now();
            log.append_all(drafts()).await?;
            batched.push(started.elapsed());
        }
        let median = |times: &mut Vec<std::time::Duration>| {
            times.sort_unstable();
            times[times.len() / 2].as_secs_f64() * 1000.0
        };
        let verified = log.verify().await?;
        println!(
            "{name}: recording a list of {RESOURCES}: one by one {:.1} ms, as one batch {:.1} ms (median of {ROUNDS}); chain of {} entries intact: {}",
            median(&mut one_by_one),
            median(&mut batched),
            verified.entries,
            verified.intact()
        );
        database.cleanup().await;
    }
    Ok(())
}
