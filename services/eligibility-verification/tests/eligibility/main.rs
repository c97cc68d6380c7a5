//! Black-box tests of eligibility-verification: a real server on port 0, a
//! fresh database per test on both backends, the generated gRPC clients, and
//! a real registry-gateway in-process with its demo dataset (applications
//! accepted on Wednesday 15 April 2026, see deploy/registry/demo.json).
//!
//! Time is a manual clock the tests move forward: no test sleeps to wait for
//! a term, a retry or a hearing.

/// Expands each listed `async fn(&TestDatabase)` into `<name>::sqlite` and
/// `<name>::postgres`, each with a fresh database (housing-storage's
/// `storage_test_suite!`, with the whole `TestDatabase`: the tests need its
/// URL to start, and restart, the service).
macro_rules! on_both_backends {
    ($($test:ident),+ $(,)?) => {
        $(
            mod $test {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    let database = housing_storage::testing::TestDatabase::sqlite(
                        &eligibility_verification::storage::MIGRATIONS,
                    )
                    .await
                    .expect("a fresh SQLite database");
                    super::$test(&database).await;
                    database.cleanup().await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    let Some(database) = housing_storage::testing::TestDatabase::postgres(
                        &eligibility_verification::storage::MIGRATIONS,
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
mod forms;
mod hearing;
mod outbox;
mod peers;
mod reevaluation;
mod registration;
mod registry_faults;
mod support;
