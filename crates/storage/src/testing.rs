//! One storage test suite, run on both backends.
//!
//! [`storage_test_suite!`](crate::storage_test_suite) turns each listed async
//! test function `fn(&TestDatabase)` into two tests, `<name>::sqlite` and
//! `<name>::postgres`, each with a fresh database of its own. The test gets
//! the whole [`TestDatabase`]: its migrated [`Database`] and its URL, so that a
//! test can start (and restart) a service on it.
//!
//! PostgreSQL comes from `HOUSING_TEST_POSTGRES_URL` (an account that may
//! create databases; `scripts/test.sh` provisions one). Without it the
//! PostgreSQL tests fail, so that a run cannot pass while testing one backend:
//! set `HOUSING_TEST_SKIP_POSTGRES=1` to skip them on purpose.

use std::str::FromStr;

use sqlx::any::AnyConnectOptions;
use sqlx::{ConnectOptions, Connection, Executor};

use crate::{Database, Migrations, PoolSettings, StorageError, sqlite_url};

/// Environment variable naming the PostgreSQL server for tests.
pub const POSTGRES_URL_VARIABLE: &str = "HOUSING_TEST_POSTGRES_URL";
/// Environment variable that skips the PostgreSQL tests on purpose.
pub const SKIP_POSTGRES_VARIABLE: &str = "HOUSING_TEST_SKIP_POSTGRES";

/// A fresh database for one test. Dropping it removes an SQLite file; a
/// PostgreSQL test database is dropped by [`TestDatabase::cleanup`].
#[derive(Debug)]
pub struct TestDatabase {
    /// The migrated database.
    pub database: Database,
    /// Its URL, to reconnect after a simulated restart.
    pub url: String,
    _directory: Option<tempfile::TempDir>,
    postgres_admin: Option<(String, String)>,
}

impl TestDatabase {
    /// A fresh SQLite file in a temporary directory.
    pub async fn sqlite(migrations: &Migrations) -> Result<Self, StorageError> {
        let directory = tempfile::tempdir().map_err(|e| StorageError::Other(sqlx::Error::Io(e)))?;
        let url = sqlite_url(&directory.path().join("test.db"));
        let database = Database::connect(&url, migrations, &PoolSettings::default()).await?;
        Ok(Self {
            database,
            url,
            _directory: Some(directory),
            postgres_admin: None,
        })
    }

    /// A fresh PostgreSQL database, or `None` when skipped on purpose.
    ///
    /// # Panics
    /// When `HOUSING_TEST_POSTGRES_URL` is not set and the skip is not asked for.
    pub async fn postgres(migrations: &Migrations) -> Result<Option<Self>, StorageError> {
        let Ok(admin_url) = std::env::var(POSTGRES_URL_VARIABLE) else {
            if std::env::var_os(SKIP_POSTGRES_VARIABLE).is_some() {
                return Ok(None);
            }
            panic!(
                "{POSTGRES_URL_VARIABLE} is not set: run the tests with scripts/test.sh, \
                 or set {SKIP_POSTGRES_VARIABLE}=1 to skip PostgreSQL on purpose"
            );
        };
        sqlx::any::install_default_drivers();
        let name = format!("housing_test_{}", uuid::Uuid::new_v4().simple());
        let mut admin = AnyConnectOptions::from_str(&admin_url)?
            .disable_statement_logging()
            .connect()
            .await?;
        admin
            .execute(format!("CREATE DATABASE {name}").as_str())
            .await?;
        admin.close().await?;
        let url = replace_database_name(&admin_url, &name);
        let database = Database::connect(&url, migrations, &PoolSettings::default()).await?;
        Ok(Some(Self {
            database,
            url,
            _directory: None,
            postgres_admin: Some((admin_url, name)),
        }))
    }

    /// Closes the pool and drops a PostgreSQL test database.
    pub async fn cleanup(self) {
        self.database.close().await;
        if let Some((admin_url, name)) = self.postgres_admin {
            let dropped = async {
                let mut admin = AnyConnectOptions::from_str(&admin_url)?
                    .disable_statement_logging()
                    .connect()
                    .await?;
                admin
                    .execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str())
                    .await?;
                admin.close().await
            };
            if let Err(error) = dropped.await {
                tracing::warn!(%error, "could not drop a test database");
            }
        }
    }
}

/// Replaces the database name (the path) of a PostgreSQL URL.
fn replace_database_name(url: &str, name: &str) -> String {
    let (without_query, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let scheme_end = without_query.find("://").map_or(0, |i| i + 3);
    let base = match without_query[scheme_end..].find('/') {
        Some(slash) => &without_query[..scheme_end + slash],
        None => without_query,
    };
    match query {
        Some(query) => format!("{base}/{name}?{query}"),
        None => format!("{base}/{name}"),
    }
}

/// Expands each listed test into one test per backend, `<name>::sqlite` and
/// `<name>::postgres`. Each test is an
/// `async fn(&housing_storage::testing::TestDatabase)`; the database is
/// cleaned up after the test returns. `$migrations` is an expression of type
/// `&housing_storage::Migrations`, evaluated inside the generated module (which
/// glob-imports the caller's module).
///
/// ```text
/// housing_storage::storage_test_suite!(&MIGRATIONS; puts_and_gets, conflicts_are_reported);
/// ```
#[macro_export]
macro_rules! storage_test_suite {
    ($migrations:expr; $($test:ident),+ $(,)?) => {
        $(
            mod $test {
                #[allow(unused_imports)]
                use super::*;

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    let test_database = $crate::testing::TestDatabase::sqlite($migrations)
                        .await
                        .expect("a fresh SQLite database");
                    super::$test(&test_database).await;
                    test_database.cleanup().await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    let Some(test_database) = $crate::testing::TestDatabase::postgres($migrations)
                        .await
                        .expect("a fresh PostgreSQL database")
                    else {
                        return;
                    };
                    super::$test(&test_database).await;
                    test_database.cleanup().await;
                }
            }
        )+
    };
}

#[cfg(test)]
mod tests {
    use super::replace_database_name;

    #[test]
    fn replaces_the_database_name_of_a_postgres_url() {
        assert_eq!(
            replace_database_name("postgres://u:p@127.0.0.1:5432/postgres", "t1"),
            "postgres://u:p@127.0.0.1:5432/t1"
        );
        assert_eq!(
            replace_database_name(
                "postgres://u:p@127.0.0.1:5432/postgres?sslmode=disable",
                "t1"
            ),
            "postgres://u:p@127.0.0.1:5432/t1?sslmode=disable"
        );
        assert_eq!(
            replace_database_name("postgres://u:p@127.0.0.1:5432", "t1"),
            "postgres://u:p@127.0.0.1:5432/t1"
        );
    }
}
