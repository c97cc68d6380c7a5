//! Black-box tests of notification: a real server on port 0, a fresh database
//! per test, a real registry-gateway started in-process from its library, the
//! generated gRPC clients. Every test runs twice, on SQLite and on PostgreSQL
//! (`HOUSING_TEST_POSTGRES_URL`, see housing-storage's testing module).

/// Expands each listed `async fn(&TestDatabase)` into `<name>::sqlite` and
/// `<name>::postgres`, each with a fresh database. Unlike
/// `housing_storage::storage_test_suite!` the test gets the whole
/// `TestDatabase`: it needs the URL to start (and restart) the service.
macro_rules! on_both_backends {
    ($($test:ident),+ $(,)?) => {
        $(
            mod $test {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    let database = housing_storage::testing::TestDatabase::sqlite(
                        &notification::storage::MIGRATIONS,
                    )
                    .await
                    .expect("a fresh SQLite database");
                    super::$test(&database).await;
                    database.cleanup().await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    let Some(database) = housing_storage::testing::TestDatabase::postgres(
                        &notification::storage::MIGRATIONS,
                    )
                    .await
                    .expect("a fresh PostgreSQL database")
                    else {
                        return;
                    };
                    super::$test(&database).await;
                    database.cleanup().await;
                }
            }
        )+
    };
}

mod access;
mod channels;
mod gateway_faults;
mod idempotency;
mod lifecycle;
mod restart;
mod support;
mod templates;
mod validation;
