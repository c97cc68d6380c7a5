//! The business clock: the instant that stamps a receipt, a decision or a
//! forwarding, and so decides registration days and terms. Services that
//! compute terms read time through [`Clock`], so that tests can fix it or
//! move it on; operational timing (retries, timers) uses the system clock.
//!
//! In production the business clock is the system clock. For demonstrations
//! and end-to-end tests on data fixed in time (the demo dataset is the
//! registers as of 15 April 2026), [`business_clock`] reads
//! `HOUSING_BUSINESS_CLOCK_SHIFT_SECONDS`: business time is then system time
//! plus that many seconds, running at real speed. Every service of a
//! deployment given the same shift shares one time line, across restarts.

use std::fmt::Debug;
use std::sync::Mutex;

use chrono::{DateTime, TimeDelta, Utc};

use crate::settings::{SettingsError, Variables};

/// The variable that shifts the business clock from the system clock, in
/// whole seconds (negative: into the past). Unset or 0: the system clock.
pub const BUSINESS_CLOCK_SHIFT_VARIABLE: &str = "HOUSING_BUSINESS_CLOCK_SHIFT_SECONDS";

/// The business clock the variables ask for: the system clock, or the system
/// clock shifted by `HOUSING_BUSINESS_CLOCK_SHIFT_SECONDS`. A shifted clock
/// is announced with a warning, since receipts and terms then do not follow
/// the calendar on the wall.
pub fn business_clock(variables: &Variables) -> Result<std::sync::Arc<dyn Clock>, SettingsError> {
    let seconds = variables.parse_or(BUSINESS_CLOCK_SHIFT_VARIABLE, "0", |text| {
        text.parse::<i64>()
            .ok()
            .and_then(TimeDelta::try_seconds)
            .ok_or_else(|| "must be a whole number of seconds".to_owned())
    })?;
    if seconds.is_zero() {
        return Ok(std::sync::Arc::new(SystemClock));
    }
    let clock = ShiftedClock::new(seconds);
    tracing::warn!(
        shift_seconds = seconds.num_seconds(),
        business_now = %clock.now(),
        "the business clock is shifted from the system clock: for demonstrations and tests only"
    );
    Ok(std::sync::Arc::new(clock))
}

/// A source of the current instant.
pub trait Clock: Send + Sync + Debug {
    /// Now.
    fn now(&self) -> DateTime<Utc>;
}

/// The system clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// The system clock moved by a fixed shift: it runs at real speed, so timers
/// and retries still come due, on a time line of the deployment's choosing.
#[derive(Debug, Clone, Copy)]
pub struct ShiftedClock {
    shift: TimeDelta,
}

impl ShiftedClock {
    /// System time plus `shift`.
    pub fn new(shift: TimeDelta) -> Self {
        Self { shift }
    }

    /// A clock that shows `start` now and runs on from there.
    pub fn starting_at(start: DateTime<Utc>) -> Self {
        Self::new(start - Utc::now())
    }

    /// How far it is from the system clock.
    pub fn shift(&self) -> TimeDelta {
        self.shift
    }
}

impl Clock for ShiftedClock {
    fn now(&self) -> DateTime<Utc> {
        let now = Utc::now();
        now.checked_add_signed(self.shift).unwrap_or(now)
    }
}

/// A clock that shows what it was set to, for tests and demonstrations.
#[derive(Debug)]
pub struct ManualClock {
    now: Mutex<DateTime<Utc>>,
}

impl ManualClock {
    /// A clock stopped at `now`.
    pub fn new(now: DateTime<Utc>) -> Self {
        Self {
            now: Mutex::new(now),
        }
    }

    /// Sets the clock.
    pub fn set(&self, now: DateTime<Utc>) {
        *self.lock() = now;
    }

    /// Moves the clock on.
    pub fn advance(&self, by: TimeDelta) {
        let mut now = self.lock();
        *now = now.checked_add_signed(by).unwrap_or(*now);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, DateTime<Utc>> {
        // A panic while holding the lock cannot leave an instant half-written.
        self.now
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.lock()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn variables(shift: &str) -> Variables {
        [(BUSINESS_CLOCK_SHIFT_VARIABLE, shift)]
            .into_iter()
            .collect()
    }

    #[test]
    fn unset_is_the_system_clock() {
        let clock = business_clock(&Variables::default()).expect("valid");
        let drift = (clock.now() - Utc::now()).num_seconds().abs();
        assert!(drift <= 1, "{drift}");
    }

    #[test]
    fn a_shift_moves_business_time_and_runs_at_real_speed() {
        let clock = business_clock(&variables(" -86400 ")).expect("valid");
        let behind = (Utc::now() - clock.now()).num_seconds();
        assert!((86_399..=86_401).contains(&behind), "{behind}");
        let first = clock.now();
        std::thread::sleep(std::time::Duration::from_millis(20));
        assert!(clock.now() > first);
    }

    #[test]
    fn a_malformed_shift_is_refused_by_name() {
        for text in ["yesterday", "1.5", "99999999999999999999"] {
            let error = business_clock(&variables(text))
                .expect_err(text)
                .to_string();
            assert!(error.contains(BUSINESS_CLOCK_SHIFT_VARIABLE), "{error}");
            assert!(!error.contains(text), "the value is not echoed: {error}");
        }
    }

    #[test]
    fn starting_at_shows_the_start() {
        let start = Utc::now() - TimeDelta::days(200);
        let clock = ShiftedClock::starting_at(start);
        assert!((clock.now() - start).num_seconds().abs() <= 1);
    }
}
