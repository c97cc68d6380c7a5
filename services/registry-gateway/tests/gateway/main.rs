//! Black-box tests of registry-gateway: a real server on port 0, a fresh
//! database per test, the generated gRPC clients. Every test that touches the
//! database runs twice, on SQLite and on PostgreSQL (`HOUSING_TEST_POSTGRES_URL`,
//! see housing-storage's testing module).

/// Expands each listed `async fn(&TestDatabase)` into `<name>::sqlite` and
/// `<name>::postgres`, each with a fresh database. Unlike
/// `housing_storage::storage_test_suite!` the test gets the whole
/// `TestDatabase`: it needs the URL to start (and restart) the gateway.
macro_rules! on_both_backends {
    ($($test:ident),+ $(,)?) => {
        $(
            mod $test {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    let database = housing_storage::testing::TestDatabase::sqlite(
                        &registry_gateway::storage::MIGRATIONS,
                    )
                    .await
                    .expect("a fresh SQLite database");
                    super::$test(&database).await;
                    database.cleanup().await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    let Some(database) = housing_storage::testing::TestDatabase::postgres(
                        &registry_gateway::storage::MIGRATIONS,
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

mod admin;
mod as_of;
mod demo;
mod demo_outcomes;
mod faults;
mod fixtures;
mod generator;
mod health;
mod query_log;
mod refusals;
mod registers;
mod restart;
mod support;
