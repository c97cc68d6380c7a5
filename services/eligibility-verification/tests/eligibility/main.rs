//! Black-box tests of eligibility-verification: a real server on port 0, a
//! fresh database per test on both backends, the generated gRPC clients, and
//! a real registry-gateway in-process with its demo dataset (applications
//! accepted on Wednesday 15 April 2026, see deploy/registry/demo.json).
//!
//! Time is a manual clock the tests move forward: no test sleeps to wait for
//! a term, a retry or a hearing.

mod access;
mod forms;
mod hearing;
mod outbox;
mod peers;
mod reevaluation;
mod registration;
mod registry_faults;
mod support;
