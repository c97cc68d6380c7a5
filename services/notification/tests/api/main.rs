//! Black-box tests of notification: a real server on port 0, a fresh database
//! per test, a real registry-gateway started in-process from its library, the
//! generated gRPC clients. Every test runs twice, on SQLite and on PostgreSQL
//! (`HOUSING_TEST_POSTGRES_URL`, see housing-storage's testing module).

mod access;
mod channels;
mod gateway_faults;
mod idempotency;
mod lifecycle;
mod restart;
mod support;
mod templates;
mod validation;
