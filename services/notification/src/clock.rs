//! The service's idea of "now": whole microseconds, the precision the
//! database keeps, so that a notice returned at creation equals the same
//! notice read back later (a replay answers with the stored one).

use std::time::Duration;

use chrono::{DateTime, DurationRound, TimeDelta, Utc};

/// The current instant, truncated to whole microseconds.
pub fn now() -> DateTime<Utc> {
    let now = Utc::now();
    now.duration_trunc(TimeDelta::microseconds(1))
        .unwrap_or(now)
}

/// `instant + wait`, saturating at the end of representable time.
pub fn after(instant: DateTime<Utc>, wait: Duration) -> DateTime<Utc> {
    TimeDelta::from_std(wait)
        .ok()
        .and_then(|wait| instant.checked_add_signed(wait))
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// `instant - wait`, saturating at the start of representable time.
pub fn before(instant: DateTime<Utc>, wait: Duration) -> DateTime<Utc> {
    TimeDelta::from_std(wait)
        .ok()
        .and_then(|wait| instant.checked_sub_signed(wait))
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn now_has_whole_microseconds() {
        assert_eq!(now().timestamp_subsec_nanos() % 1_000, 0);
    }

    #[test]
    fn offsets_saturate() {
        let instant = now();
        assert_eq!(
            after(instant, Duration::from_millis(1500)) - instant,
            TimeDelta::milliseconds(1500)
        );
        assert_eq!(after(instant, Duration::MAX), DateTime::<Utc>::MAX_UTC);
        assert_eq!(before(instant, Duration::MAX), DateTime::<Utc>::MIN_UTC);
    }
}
