//! When a failed delivery is tried again, and when the service gives up.

use std::time::Duration;

/// Exponential backoff with a ceiling on attempts, after GOV.UK Notify: a
/// temporary or technical failure is retried after `initial_backoff`, then
/// twice as long each time up to `max_backoff`; the failure of attempt
/// `max_attempts` is final (a permanent failure).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// The wait after the first failed attempt.
    pub initial_backoff: Duration,
    /// The longest wait between attempts.
    pub max_backoff: Duration,
    /// The most attempts a delivery gets.
    pub max_attempts: u32,
}

/// What to do after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterFailure {
    /// Try again after this long.
    RetryAfter(Duration),
    /// The ceiling is reached: give up.
    GiveUp,
}

impl RetryPolicy {
    /// What follows the failure of attempt number `attempts` (1 for the first).
    pub fn after_failed_attempt(&self, attempts: u32) -> AfterFailure {
        if attempts >= self.max_attempts {
            return AfterFailure::GiveUp;
        }
        AfterFailure::RetryAfter(self.backoff(attempts))
    }

    /// The wait after the failure of attempt number `attempts`: the initial
    /// backoff doubled `attempts - 1` times, at most `max_backoff`.
    pub fn backoff(&self, attempts: u32) -> Duration {
        let doublings = attempts.saturating_sub(1).min(31);
        self.initial_backoff
            .checked_mul(1_u32 << doublings)
            .map_or(self.max_backoff, |wait| wait.min(self.max_backoff))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> RetryPolicy {
        RetryPolicy {
            initial_backoff: Duration::from_secs(30),
            max_backoff: Duration::from_secs(600),
            max_attempts: 8,
        }
    }

    #[test]
    fn the_wait_doubles_up_to_the_cap() {
        let waits: Vec<u64> = (1..=7)
            .map(|attempts| policy().backoff(attempts).as_secs())
            .collect();
        assert_eq!(waits, [30, 60, 120, 240, 480, 600, 600]);
        assert_eq!(policy().backoff(u32::MAX), Duration::from_secs(600));
    }

    #[test]
    fn the_failure_of_the_last_attempt_is_final() {
        assert_eq!(
            policy().after_failed_attempt(7),
            AfterFailure::RetryAfter(Duration::from_secs(600))
        );
        assert_eq!(policy().after_failed_attempt(8), AfterFailure::GiveUp);
        assert_eq!(policy().after_failed_attempt(9), AfterFailure::GiveUp);
    }
}
