//! Black-box tests of registry-gateway: a real server on port 0, a fresh
//! database per test, the generated gRPC clients. Every test that touches the
//! database runs twice, on SQLite and on PostgreSQL (`HOUSING_TEST_POSTGRES_URL`,
//! see housing-storage's testing module).

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
