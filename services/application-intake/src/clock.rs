//! The clock that stamps the receipt of an application.
//!
//! Receipt decides the acceptance day (`AFTER_HOURS_NEXT_WORKING_DAY`), the
//! processing deadline and the moment the signer certificate's revocation is
//! asked about, so tests must be able to fix it: the service reads time only
//! through [`Clock`]. Operational timing (outbox retries) uses the system clock.
//! The clock is the suite's business clock ([`housing_platform::clock`]).

pub use housing_platform::clock::{Clock, ManualClock, ShiftedClock, SystemClock};
