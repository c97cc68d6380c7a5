//! Black-box tests of application-intake: a real server on port 0, a fresh
//! database per test on both backends, the generated client, the real
//! certification centre (registry-gateway, in-process) for the test PKI, and
//! a recording stand-in for eligibility-verification.

mod acceptance;
mod account;
mod lifecycle;
mod outbox;
mod rejections;
mod submission;
mod support;
