//! What can go wrong with the working calendar.

use chrono::{NaiveDate, NaiveTime};

/// Why the calendar cannot answer, or why calendar data is rejected.
///
/// The calendar never guesses: a question about a year it has no data for is
/// [`CalendarError::YearNotCovered`], and data that contradicts itself is
/// rejected when it is loaded rather than producing a surprising day later.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    /// The calendar holds no data for this year; load it with
    /// [`WorkingCalendar::with_year`](super::WorkingCalendar::with_year).
    #[error("the working calendar has no data for the year {0}")]
    YearNotCovered(i32),
    /// [`WorkingCalendar::with_year`](super::WorkingCalendar::with_year) was given
    /// a year the calendar already holds; use `replace_year` to update it on purpose.
    #[error("the working calendar already holds the year {0}")]
    YearAlreadyCovered(i32),
    /// The text is not a calendar year in the documented JSON format.
    #[error("the calendar year is not in the expected JSON format: {0}")]
    Json(String),
    /// The year cannot be represented as a calendar date range.
    #[error("the year {0} is outside the supported date range")]
    YearOutOfRange(i32),
    /// A public holiday names a day that does not exist in the year (for example 30 February).
    #[error("the public holiday {month:02}-{day:02} does not exist in {year}")]
    HolidayDateInvalid {
        /// The year being loaded.
        year: i32,
        /// The holiday's month.
        month: u32,
        /// The holiday's day of the month.
        day: u32,
    },
    /// The same day is listed twice as a public holiday.
    #[error("the public holiday {month:02}-{day:02} is listed twice")]
    HolidayListedTwice {
        /// The holiday's month.
        month: u32,
        /// The holiday's day of the month.
        day: u32,
    },
    /// A date of the year file (Kurban Ait, a transfer) lies in another year.
    #[error("the date {date} is not in the year {year} being loaded")]
    DateOutsideYear {
        /// The year being loaded.
        year: i32,
        /// The offending date.
        date: NaiveDate,
    },
    /// Two transfers name the same date.
    #[error("the date {0} has more than one transfer")]
    TransferListedTwice(NaiveDate),
    /// A `day_off` transfer names a date that is not otherwise a working day.
    #[error("the day-off transfer on {0} does not fall on an otherwise working day")]
    DayOffTransferNotOnWorkingDay(NaiveDate),
    /// A `working_day` transfer names a date that is not an ordinary weekend day
    /// (a holiday cannot be made a working day by a transfer).
    #[error("the working-day transfer on {0} does not fall on an ordinary weekend day")]
    WorkingDayTransferNotOnWeekend(NaiveDate),
    /// A holiday on a weekend would move its day off into the next year.
    ///
    /// With the statutory list this cannot happen (the last holiday of the year
    /// is 16 December, whose day off lands on 18 December at the latest); a
    /// year file that overrides the list with a late-December holiday must
    /// record the resulting day off as a transfer of the next year instead.
    #[error("the day off for the holiday of {0} would move into the next year")]
    MovedDayOffLeavesYear(NaiveDate),
    /// Provider hours that are not in order `opens < lunch starts <= lunch ends < closes`.
    #[error("provider hours must satisfy opens < lunch start <= lunch end < closes")]
    ProviderHoursInvalid,
    /// A hearing slot outside provider hours or inside the lunch break.
    #[error("the hearing slot {0} is outside provider hours or inside the lunch break")]
    HearingSlotOutsideHours(NaiveTime),
    /// A local time that does not exist in the provider's time zone (a clock change).
    #[error("the local time {0} does not exist in the provider's time zone")]
    LocalTimeDoesNotExist(chrono::NaiveDateTime),
}
