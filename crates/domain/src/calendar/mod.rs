//! The working calendar of Kazakhstan and the legal terms (rules.md §3, §4).
//!
//! The calendar is data, not code: the statutory holiday list, Kurban Ait and
//! the Government transfers of each year live in JSON files (format in
//! [`year`]); 2025 and 2026 are built in, later years are loaded at run time
//! with [`CalendarYear::from_json`] and [`WorkingCalendar::with_year`]. A date
//! in a year without data is [`CalendarError::YearNotCovered`]: the calendar
//! never guesses.
//!
//! Everything is pure: callers pass the instants ("now", "received at"), the
//! calendar reads them in the provider's time zone ([`ProviderHours`]).
//!
//! * [`WorkingCalendar`] — working days, acceptance day, working-day arithmetic.
//! * [`terms`] — processing terms of the tracks and the hearing.

mod error;
mod hours;
pub mod terms;
pub mod year;

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, NaiveDate, Utc};

pub use error::CalendarError;
pub use hours::ProviderHours;
pub use terms::{HearingSchedule, HearingSlot, ProcessingDeadline, ProcessingTerm};
pub use year::{CalendarYear, DayKind, MovedDayOff, PublicHoliday, Transfer, TransferKind};

/// The working calendar: the years it has data for and the provider's hours.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkingCalendar {
    years: BTreeMap<i32, CalendarYear>,
    hours: ProviderHours,
}

impl WorkingCalendar {
    /// The built-in calendar: the years 2025 and 2026 and the default provider hours.
    pub fn builtin() -> Self {
        let years = CalendarYear::builtin_years()
            .into_iter()
            .map(|year| (year.year(), year))
            .collect();
        Self {
            years,
            hours: ProviderHours::default(),
        }
    }

    /// A calendar with no years, to be filled with [`WorkingCalendar::with_year`].
    pub fn without_years(hours: ProviderHours) -> Self {
        Self {
            years: BTreeMap::new(),
            hours,
        }
    }

    /// The same calendar with other provider hours.
    pub fn with_hours(self, hours: ProviderHours) -> Self {
        Self { hours, ..self }
    }

    /// Adds a year; a year the calendar already holds is an error
    /// ([`CalendarError::YearAlreadyCovered`]) so that an update is always deliberate.
    pub fn with_year(mut self, year: CalendarYear) -> Result<Self, CalendarError> {
        if self.years.contains_key(&year.year()) {
            return Err(CalendarError::YearAlreadyCovered(year.year()));
        }
        self.years.insert(year.year(), year);
        Ok(self)
    }

    /// Adds a year or replaces the data of a year the calendar holds (for
    /// example when a new Government transfer is announced).
    pub fn replace_year(mut self, year: CalendarYear) -> Self {
        self.years.insert(year.year(), year);
        self
    }

    /// The years the calendar has data for, in order.
    pub fn covered_years(&self) -> Vec<i32> {
        self.years.keys().copied().collect()
    }

    /// The data of one year.
    pub fn year(&self, year: i32) -> Result<&CalendarYear, CalendarError> {
        self.years
            .get(&year)
            .ok_or(CalendarError::YearNotCovered(year))
    }

    /// The provider's hours.
    pub fn hours(&self) -> &ProviderHours {
        &self.hours
    }

    /// Whether the provider works on a date.
    pub fn is_working_day(&self, date: NaiveDate) -> Result<bool, CalendarError> {
        Ok(self.year(date.year())?.is_working_day(date))
    }

    /// What kind of day a date is, and why (weekend, which holiday, which transfer).
    pub fn day_kind(&self, date: NaiveDate) -> Result<DayKind, CalendarError> {
        Ok(self.year(date.year())?.day_kind(date))
    }

    /// The first working day strictly after a date.
    pub fn next_working_day_after(&self, date: NaiveDate) -> Result<NaiveDate, CalendarError> {
        let mut candidate = date;
        loop {
            candidate = next_date(candidate)?;
            if self.is_working_day(candidate)? {
                return Ok(candidate);
            }
        }
    }

    /// The day on which an application (or a complaint) received at an
    /// instant is accepted. Rule `AFTER_HOURS_NEXT_WORKING_DAY`.
    ///
    /// App1 row 7: "Informatization facility – round the clock, excepting
    /// service breaks for repair works (when a service recipient applies after
    /// working hours, on weekends and public holidays according to the labor
    /// legislation of the Republic of Kazakhstan, applications are accepted and
    /// public service results are issued on the next working day)."
    ///
    /// Reading, in the provider's time zone:
    /// * a working day before closing (18:30) → that day. Before opening
    ///   (09:00) counts too: the application is accepted that same morning,
    ///   which is "the next working day" for something received at night;
    ///   the lunch break is part of the working day;
    /// * a working day at or after closing — 18:30:00 itself is after hours,
    ///   18:29:59 is not — → the next working day;
    /// * a weekend day, a holiday or another day off → the next working day.
    pub fn acceptance_day(&self, received_at: DateTime<Utc>) -> Result<NaiveDate, CalendarError> {
        let local = received_at.with_timezone(&self.hours.time_zone());
        let local_date = local.date_naive();
        if self.is_working_day(local_date)? && !self.hours.is_at_or_after_closing(local.time()) {
            Ok(local_date)
        } else {
            self.next_working_day_after(local_date)
        }
    }

    /// The `working_days`-th working day after `day`; `day` itself is never
    /// counted (a period starts on the day after the event that starts it,
    /// Civil Code), and `day` need not be a working day. With 0 it is `day`.
    pub fn add_working_days(
        &self,
        day: NaiveDate,
        working_days: u32,
    ) -> Result<NaiveDate, CalendarError> {
        let mut reached = day;
        for _ in 0..working_days {
            reached = self.next_working_day_after(reached)?;
        }
        Ok(reached)
    }

    /// How many working days lie after `after` up to and including `up_to`;
    /// zero when `up_to` is not after `after`.
    pub fn working_days_between(
        &self,
        after: NaiveDate,
        up_to: NaiveDate,
    ) -> Result<u32, CalendarError> {
        let mut count = 0;
        let mut date = after;
        while date < up_to {
            date = next_date(date)?;
            if self.is_working_day(date)? {
                count += 1;
            }
        }
        Ok(count)
    }

    /// The close of provider hours (18:30 by default) on a date, as an instant.
    pub fn close_of_day(&self, date: NaiveDate) -> Result<DateTime<Utc>, CalendarError> {
        self.hours.close_of(date)
    }

    /// The end of a term of `working_days` working days counted from an
    /// acceptance (or registration) day: the close of provider hours of the
    /// `working_days`-th working day after it.
    ///
    /// rules.md §3: "A term of N working days starts the day after the
    /// acceptance day (the general rule for periods in the Civil Code) and
    /// ends at the close of provider hours (18:30) of the N-th working day."
    pub fn term_end(
        &self,
        acceptance_day: NaiveDate,
        working_days: u32,
    ) -> Result<DateTime<Utc>, CalendarError> {
        self.close_of_day(self.add_working_days(acceptance_day, working_days)?)
    }
}

/// The day after a date; the end of chrono's range is reported as a year
/// without data, which it is.
fn next_date(date: NaiveDate) -> Result<NaiveDate, CalendarError> {
    date.succ_opt()
        .ok_or(CalendarError::YearNotCovered(date.year().saturating_add(1)))
}

#[cfg(test)]
mod tests;
