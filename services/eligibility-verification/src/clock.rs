//! The clock every stored instant comes from.
//!
//! Terms, hearings, retries, leases and alerts are all instants compared with
//! "now", so the service reads time only through [`Clock`]: production uses
//! [`SystemClock`], tests a [`ManualClock`] they move forward instead of
//! sleeping. One clock for everything keeps the stored data coherent (a retry
//! time and a processing deadline are on the same time line). The clock is
//! the suite's business clock ([`housing_platform::clock`]).

pub use housing_platform::clock::{Clock, ManualClock, ShiftedClock, SystemClock};
