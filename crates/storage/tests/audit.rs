//! The audit trail behaves the same on PostgreSQL and SQLite: entries chain
//! in order, lists filter by person, case, caller and time and page by sequence,
//! concurrent appends never fork the chain, the database refuses to rewrite
//! an entry, and verification finds the first entry tampered with.

use chrono::{DateTime, TimeDelta, Utc};
use housing_storage::audit::{AuditAction, AuditDraft, AuditLog, AuditQuery};
use housing_storage::sqlx;
use housing_storage::testing::TestDatabase;
use housing_storage::{Database, Migrations};

static MIGRATIONS: Migrations = Migrations {
    postgres: &sqlx::migrate!("tests/migrations/postgres"),
    sqlite: &sqlx::migrate!("tests/migrations/sqlite"),
};

const APPLICANT: &str = "900512490013";
const SPOUSE: &str = "880203390020";

fn at(minutes: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_micros(1_776_229_200_000_000).expect("valid")
        + TimeDelta::minutes(minutes)
}

fn read(caller_id: &str, persons: &[&str], case: &str, minutes: i64) -> AuditDraft {
    AuditDraft {
        recorded_at: at(minutes),
        caller_role: "operator".to_owned(),
        caller_id: caller_id.to_owned(),
        caller_iin: String::new(),
        rpc: "/housing.intake.v1.ApplicationIntakeService/GetApplication".to_owned(),
        action: AuditAction::Read,
        persons: persons.iter().map(|person| (*person).to_owned()).collect(),
        case: case.to_owned(),
    }
}

async fn entries_chain_in_order_and_verify(test_database: &TestDatabase) {
    let log = AuditLog::new(test_database.database.clone());
    let empty = log.verify().await.expect("verify");
    assert_eq!((empty.entries, empty.intact()), (0, true));

    let first = log
        .append(read(
            "operator-1",
            &[APPLICANT, SPOUSE],
            "applications/1",
            0,
        ))
        .await
        .expect("append");
    let second = log
        .append(read("operator-2", &[APPLICANT], "applications/1", 1))
        .await
        .expect("append");
    assert_eq!((first.sequence, second.sequence), (1, 2));
    assert_eq!(first.previous_hash, "0".repeat(64));
    assert_eq!(second.previous_hash, first.entry_hash);

    let listed = log
        .list(&AuditQuery {
            limit: 10,
            ..AuditQuery::default()
        })
        .await
        .expect("list");
    assert_eq!(listed, vec![first, second]);
    let verified = log.verify().await.expect("verify");
    assert_eq!((verified.entries, verified.intact()), (2, true));
}

async fn lists_filter_and_page(test_database: &TestDatabase) {
    let log = AuditLog::new(test_database.database.clone());
    log.append(read(
        "operator-1",
        &[APPLICANT, SPOUSE],
        "applications/1",
        0,
    ))
    .await
    .expect("append");
    log.append(read("operator-2", &[SPOUSE], "applications/2", 1))
        .await
        .expect("append");
    log.append(read("operator-1", &["170901590033"], "applications/3", 2))
        .await
        .expect("append");

    let sequences = |entries: Vec<housing_storage::audit::AuditEntry>| -> Vec<i64> {
        entries.iter().map(|entry| entry.sequence).collect()
    };
    let query = |person: &str, case: &str, caller: &str, after: i64, limit: i64| AuditQuery {
        person_iin: person.to_owned(),
        case: case.to_owned(),
        caller_id: caller.to_owned(),
        after_sequence: after,
        limit,
        ..AuditQuery::default()
    };
    let by_spouse = log.list(&query(SPOUSE, "", "", 0, 10)).await.expect("list");
    assert_eq!(sequences(by_spouse), vec![1, 2]);
    // A whole IIN only: a prefix of one finds nothing.
    let by_prefix = log
        .list(&query(&SPOUSE[..6], "", "", 0, 10))
        .await
        .expect("list");
    assert!(by_prefix.is_empty());
    let by_case = log
        .list(&query("", "applications/2", "", 0, 10))
        .await
        .expect("list");
    assert_eq!(sequences(by_case), vec![2]);
    let by_caller = log
        .list(&query("", "", "operator-1", 0, 10))
        .await
        .expect("list");
    assert_eq!(sequences(by_caller), vec![1, 3]);
    let combined = log
        .list(&query(SPOUSE, "", "operator-2", 0, 10))
        .await
        .expect("list");
    assert_eq!(sequences(combined), vec![2]);
    let first_page = log.list(&query("", "", "", 0, 2)).await.expect("list");
    assert_eq!(sequences(first_page), vec![1, 2]);
    let next_page = log.list(&query("", "", "", 2, 2)).await.expect("list");
    assert_eq!(sequences(next_page), vec![3]);
    // Entries were recorded at minutes 0, 1 and 2: from minute 1 up to, not
    // including, minute 2.
    let in_time = log
        .list(&AuditQuery {
            recorded_from: Some(at(1)),
            recorded_before: Some(at(2)),
            limit: 10,
            ..AuditQuery::default()
        })
        .await
        .expect("list");
    assert_eq!(sequences(in_time), vec![2]);
    let from_then_on = log
        .list(&AuditQuery {
            recorded_from: Some(at(1)),
            limit: 10,
            ..AuditQuery::default()
        })
        .await
        .expect("list");
    assert_eq!(sequences(from_then_on), vec![2, 3]);
}

async fn concurrent_appends_never_fork_the_chain(test_database: &TestDatabase) {
    // Four handles on four pools, as four replicas of a service would have,
    // all appending at once: every append lands, none is refused for losing
    // the race, and the chain stays one line.
    const REPLICAS: usize = 4;
    const APPENDS: i64 = 160;
    let mut logs = vec![AuditLog::new(test_database.database.clone())];
    let mut others = Vec::new();
    for _ in 1..REPLICAS {
        let other = Database::connect(
            &test_database.url,
            &MIGRATIONS,
            &housing_storage::PoolSettings::default(),
        )
        .await
        .expect("another pool");
        logs.push(AuditLog::new(other.clone()));
        others.push(other);
    }
    let mut appends = tokio::task::JoinSet::new();
    for index in 0..APPENDS {
        let log = logs[usize::try_from(index).expect("small") % REPLICAS].clone();
        appends.spawn(async move {
            log.append(read("operator-1", &[APPLICANT], "applications/1", index))
                .await
        });
    }
    let mut sequences = Vec::new();
    while let Some(appended) = appends.join_next().await {
        sequences.push(appended.expect("no panic").expect("appended").sequence);
    }
    sequences.sort_unstable();
    assert_eq!(sequences, (1..=APPENDS).collect::<Vec<_>>());
    let verified = logs[0].verify().await.expect("verify");
    assert_eq!((verified.entries, verified.intact()), (APPENDS, true));
    for other in others {
        other.close().await;
    }
}

async fn the_database_refuses_to_rewrite_or_delete_an_entry(test_database: &TestDatabase) {
    let log = AuditLog::new(test_database.database.clone());
    log.append(read("operator-1", &[APPLICANT], "applications/1", 0))
        .await
        .expect("append");
    let pool = test_database.database.pool();
    let update = sqlx::query("UPDATE audit_log SET caller_id = 'someone-else'")
        .execute(pool)
        .await;
    assert!(update.is_err(), "an update is refused");
    let delete = sqlx::query("DELETE FROM audit_log").execute(pool).await;
    assert!(delete.is_err(), "a delete is refused");
    let verified = log.verify().await.expect("verify");
    assert_eq!((verified.entries, verified.intact()), (1, true));
}

async fn verification_finds_the_first_entry_tampered_with(test_database: &TestDatabase) {
    let log = AuditLog::new(test_database.database.clone());
    for minute in 0..4 {
        log.append(read("operator-1", &[APPLICANT], "applications/1", minute))
            .await
            .expect("append");
    }
    // Someone with the database owner's rights goes around the triggers and
    // rewrites entry 3 in place.
    let pool = test_database.database.pool();
    match test_database.database.backend() {
        housing_storage::Backend::Postgres => {
            sqlx::query("ALTER TABLE audit_log DISABLE TRIGGER USER")
                .execute(pool)
                .await
                .expect("disable triggers");
            sqlx::query("UPDATE audit_log SET caller_id = 'operator-9' WHERE sequence = 3")
                .execute(pool)
                .await
                .expect("tamper");
        }
        housing_storage::Backend::Sqlite => {
            sqlx::query("DROP TRIGGER audit_log_no_update")
                .execute(pool)
                .await
                .expect("drop trigger");
            sqlx::query("UPDATE audit_log SET caller_id = 'operator-9' WHERE sequence = 3")
                .execute(pool)
                .await
                .expect("tamper");
        }
    }
    let verified = log.verify().await.expect("verify");
    assert_eq!(verified.first_broken_sequence, Some(3));
    assert!(!verified.intact());
}

async fn a_batch_is_appended_whole_in_order_or_not_at_all(test_database: &TestDatabase) {
    let log = AuditLog::new(test_database.database.clone());
    log.append(read("operator-1", &[APPLICANT], "applications/1", 0))
        .await
        .expect("append");
    let batch: Vec<AuditDraft> = (1..=3)
        .map(|index| {
            read(
                "operator-2",
                &[SPOUSE],
                &format!("applications/{index}"),
                index,
            )
        })
        .collect();
    let written = log.append_all(batch).await.expect("a batch");
    let sequences: Vec<i64> = written.iter().map(|entry| entry.sequence).collect();
    assert_eq!(sequences, vec![2, 3, 4]);
    assert_eq!(written[0].draft.case, "applications/1");
    assert_eq!(written[1].previous_hash, written[0].entry_hash);
    assert!(
        log.append_all(Vec::new())
            .await
            .expect("nothing")
            .is_empty()
    );

    // One bad draft: none of the batch is written.
    let mut bad = vec![read("operator-3", &[APPLICANT], "applications/9", 9)];
    bad.push(read("operator-3", &["not an iin"], "applications/9", 9));
    assert!(log.append_all(bad).await.is_err());
    let verified = log.verify().await.expect("verify");
    assert_eq!((verified.entries, verified.intact()), (4, true));
}

housing_storage::storage_test_suite!(
    &MIGRATIONS;
    a_batch_is_appended_whole_in_order_or_not_at_all,
    entries_chain_in_order_and_verify,
    lists_filter_and_page,
    concurrent_appends_never_fork_the_chain,
    the_database_refuses_to_rewrite_or_delete_an_entry,
    verification_finds_the_first_entry_tampered_with,
);

#[test]
fn the_shared_migration_texts_are_the_test_migrations() {
    assert_eq!(
        housing_storage::audit::POSTGRES_MIGRATION,
        include_str!("migrations/postgres/0002_audit_log.sql")
    );
    assert_eq!(
        housing_storage::audit::SQLITE_MIGRATION,
        include_str!("migrations/sqlite/0002_audit_log.sql")
    );
}
