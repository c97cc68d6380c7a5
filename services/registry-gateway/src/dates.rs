//! Conversions between the wire's `google.type.Date` / `Timestamp` and chrono.

use chrono::{Datelike, NaiveDate, Utc};
use housing_proto::google::r#type::Date;

/// The calendar day a wire date names; `None` when it is not a full, real date
/// (a zero year, month or day, or 31 February).
pub fn to_naive(date: &Date) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(
        date.year,
        u32::try_from(date.month).ok()?,
        u32::try_from(date.day).ok()?,
    )
}

/// The wire date of a calendar day.
pub fn from_naive(day: NaiveDate) -> Date {
    Date {
        year: day.year(),
        month: i32::try_from(day.month()).expect("a month is 1..=12"),
        day: i32::try_from(day.day()).expect("a day of the month is 1..=31"),
    }
}

/// The wire date of an optional day.
pub fn from_naive_option(day: Option<NaiveDate>) -> Option<Date> {
    day.map(from_naive)
}

/// Microseconds since the Unix epoch, now.
pub fn now_micros() -> i64 {
    Utc::now().timestamp_micros()
}

/// The wire timestamp of microseconds since the epoch.
pub fn timestamp_from_micros(micros: i64) -> prost_types::Timestamp {
    let seconds = micros.div_euclid(1_000_000);
    let nanos = i32::try_from(micros.rem_euclid(1_000_000) * 1_000)
        .expect("below one second in nanoseconds");
    prost_types::Timestamp { seconds, nanos }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_a_day() {
        let day = NaiveDate::from_ymd_opt(2026, 2, 28).expect("valid");
        assert_eq!(to_naive(&from_naive(day)), Some(day));
    }

    #[test]
    fn refuses_partial_and_impossible_dates() {
        for (year, month, day) in [(2026, 2, 30), (2026, 0, 1), (2026, 1, 0), (2026, 13, 1)] {
            assert_eq!(to_naive(&Date { year, month, day }), None);
        }
    }

    #[test]
    fn timestamps_keep_microseconds_including_before_the_epoch() {
        let at = timestamp_from_micros(1_764_000_000_123_456);
        assert_eq!((at.seconds, at.nanos), (1_764_000_000, 123_456_000));
        let before = timestamp_from_micros(-1);
        assert_eq!((before.seconds, before.nanos), (-1, 999_999_000));
    }
}
