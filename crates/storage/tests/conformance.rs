//! The storage plumbing behaves the same on PostgreSQL and SQLite: the
//! portable types round-trip, a unique violation is a `Conflict`, and a
//! rolled-back transaction leaves nothing behind.

use housing_storage::sqlx::{self, Row};
use housing_storage::testing::TestDatabase;
use housing_storage::{Database, Migrations, StorageError};

static MIGRATIONS: Migrations = Migrations {
    postgres: &sqlx::migrate!("tests/migrations/postgres"),
    sqlite: &sqlx::migrate!("tests/migrations/sqlite"),
};

async fn insert(database: &Database, id: i64, key: &str) -> Result<(), StorageError> {
    sqlx::query(
        "INSERT INTO items (id, key, payload, flag, created_at_micros) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(id)
    .bind(key)
    .bind(vec![0_u8, 1, 2, 255])
    .bind(1_i64)
    .bind(1_764_000_000_000_000_i64)
    .execute(database.pool())
    .await?;
    Ok(())
}

async fn portable_types_round_trip(test_database: &TestDatabase) {
    let database = test_database.database.clone();
    insert(&database, 1, "a").await.expect("insert");
    let row =
        sqlx::query("SELECT id, key, payload, flag, created_at_micros FROM items WHERE key = $1")
            .bind("a")
            .fetch_one(database.pool())
            .await
            .expect("select");
    assert_eq!(row.get::<i64, _>("id"), 1);
    assert_eq!(row.get::<String, _>("key"), "a");
    assert_eq!(row.get::<Vec<u8>, _>("payload"), vec![0_u8, 1, 2, 255]);
    assert_eq!(row.get::<i64, _>("flag"), 1);
    assert_eq!(
        row.get::<i64, _>("created_at_micros"),
        1_764_000_000_000_000
    );
}

async fn a_unique_violation_is_a_conflict(test_database: &TestDatabase) {
    let database = test_database.database.clone();
    insert(&database, 1, "a").await.expect("first insert");
    let second = insert(&database, 2, "a").await;
    assert!(matches!(second, Err(StorageError::Conflict)), "{second:?}");
}

async fn a_rolled_back_transaction_leaves_nothing(test_database: &TestDatabase) {
    let database = test_database.database.clone();
    let mut transaction = database.pool().begin().await.expect("begin");
    sqlx::query(
        "INSERT INTO items (id, key, payload, flag, created_at_micros) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(7_i64)
    .bind("rolled-back")
    .bind(Vec::<u8>::new())
    .bind(0_i64)
    .bind(0_i64)
    .execute(&mut *transaction)
    .await
    .expect("insert in transaction");
    transaction.rollback().await.expect("rollback");
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM items")
        .fetch_one(database.pool())
        .await
        .expect("count");
    assert_eq!(count, 0);
}

housing_storage::storage_test_suite!(
    &MIGRATIONS;
    portable_types_round_trip,
    a_unique_violation_is_a_conflict,
    a_rolled_back_transaction_leaves_nothing,
);

#[tokio::test]
async fn an_sqlite_file_in_a_missing_directory_is_created_with_it() {
    let root = tempfile::tempdir().expect("temporary directory");
    let file = root.path().join("data").join("nested").join("service.db");
    let url = housing_storage::sqlite_url(&file);
    let database = Database::connect(&url, &MIGRATIONS, &housing_storage::PoolSettings::default())
        .await
        .expect("connect creates the directory");
    insert(&database, 1, "a").await.expect("insert");
    database.close().await;
    assert!(file.exists());
}
