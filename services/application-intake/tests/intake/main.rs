//! Black-box tests of application-intake: a real server on port 0, a fresh
//! database per test on both backends, the generated client, the real
//! certification centre (registry-gateway, in-process) for the test PKI, and
//! a recording stand-in for eligibility-verification.

/// Expands each listed `async fn(&TestDatabase)` into `<name>::sqlite` and
/// `<name>::postgres`, each with a fresh database. The test gets the whole
/// `TestDatabase`: it needs the URL to start (and restart) intake.
macro_rules! on_both_backends {
    ($($test:ident),+ $(,)?) => {
        $(
            mod $test {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    let database = housing_storage::testing::TestDatabase::sqlite(
                        &application_intake::storage::MIGRATIONS,
                    )
                    .await
                    .expect("a fresh SQLite database");
                    super::$test(&database).await;
                    database.cleanup().await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    let Some(database) = housing_storage::testing::TestDatabase::postgres(
                        &application_intake::storage::MIGRATIONS,
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

mod acceptance;
mod account;
mod lifecycle;
mod outbox;
mod rejections;
mod submission;
mod support;
