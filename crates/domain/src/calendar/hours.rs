//! The service provider's working hours (App1 row 7).

use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

use super::CalendarError;

/// The provider's working hours in its time zone.
///
/// App1 row 7: "Service Provider – Monday to Friday, according to the
/// established schedule from 9.00 to 18.30, excepting weekends and holidays,
/// pursuant to the Labor Code of the Republic of Kazakhstan with a lunch break
/// from 13.00 to 14.30".
///
/// The hours are configuration, not law: [`ProviderHours::default`] is the
/// schedule above in Asia/Almaty, and an operator can supply another through
/// [`ProviderHours::new`].
///
/// Interpretation of the lunch break: the lunch break is part of the working
/// day. App1 row 7 moves to the next working day only what arrives "after
/// working hours, on weekends and public holidays"; an application that
/// arrives at 13:30 on a working day is accepted that day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProviderHours {
    time_zone: Tz,
    opens: NaiveTime,
    closes: NaiveTime,
    lunch_starts: NaiveTime,
    lunch_ends: NaiveTime,
}

/// A time of day known to be valid; used only for constants.
const fn time(hour: u32, minute: u32) -> NaiveTime {
    match NaiveTime::from_hms_opt(hour, minute, 0) {
        Some(time) => time,
        None => panic!("a constant time of day is valid"),
    }
}

impl ProviderHours {
    /// The provider's time zone by default: Asia/Almaty (UTC+5 across
    /// Kazakhstan since 1 March 2024).
    pub const DEFAULT_TIME_ZONE: Tz = chrono_tz::Asia::Almaty;
    /// Opening time by default: 09:00.
    pub const DEFAULT_OPENS: NaiveTime = time(9, 0);
    /// Closing time by default: 18:30. Terms end at this moment.
    pub const DEFAULT_CLOSES: NaiveTime = time(18, 30);
    /// Start of the lunch break by default: 13:00.
    pub const DEFAULT_LUNCH_STARTS: NaiveTime = time(13, 0);
    /// End of the lunch break by default: 14:30.
    pub const DEFAULT_LUNCH_ENDS: NaiveTime = time(14, 30);

    /// Hours in the given time zone; the order must be
    /// `opens < lunch_starts <= lunch_ends < closes`.
    pub fn new(
        time_zone: Tz,
        opens: NaiveTime,
        closes: NaiveTime,
        lunch_starts: NaiveTime,
        lunch_ends: NaiveTime,
    ) -> Result<Self, CalendarError> {
        let in_order = opens < lunch_starts && lunch_starts <= lunch_ends && lunch_ends < closes;
        if !in_order {
            return Err(CalendarError::ProviderHoursInvalid);
        }
        Ok(Self {
            time_zone,
            opens,
            closes,
            lunch_starts,
            lunch_ends,
        })
    }

    /// The time zone in which the hours, and the calendar's dates, are read.
    pub fn time_zone(&self) -> Tz {
        self.time_zone
    }

    /// Opening time.
    pub fn opens(&self) -> NaiveTime {
        self.opens
    }

    /// Closing time: the first moment that is after hours.
    pub fn closes(&self) -> NaiveTime {
        self.closes
    }

    /// Start of the lunch break.
    pub fn lunch_starts(&self) -> NaiveTime {
        self.lunch_starts
    }

    /// End of the lunch break.
    pub fn lunch_ends(&self) -> NaiveTime {
        self.lunch_ends
    }

    /// Whether a local time of day is at or after closing.
    ///
    /// Interpretation: hours run "to 18.30", so 18:30:00 itself is after hours;
    /// 18:29:59 is still within them.
    pub fn is_at_or_after_closing(&self, local_time: NaiveTime) -> bool {
        local_time >= self.closes
    }

    /// Whether a local time of day falls in the lunch break (informative only:
    /// the lunch break counts as working time, see the type's documentation).
    pub fn is_lunch_break(&self, local_time: NaiveTime) -> bool {
        self.lunch_starts <= local_time && local_time < self.lunch_ends
    }

    /// Whether a local time is a moment at which the provider holds
    /// appointments: within hours and not in the lunch break.
    pub fn is_appointment_time(&self, local_time: NaiveTime) -> bool {
        self.opens <= local_time && local_time < self.closes && !self.is_lunch_break(local_time)
    }

    /// The instant of a local date and time in the provider's time zone.
    ///
    /// When a clock change makes the local time ambiguous the earlier instant
    /// is taken; a local time skipped by a clock change is an error. Neither
    /// happens in Asia/Almaty today, which has no daylight saving time.
    pub fn instant(
        &self,
        date: NaiveDate,
        local_time: NaiveTime,
    ) -> Result<DateTime<Utc>, CalendarError> {
        let local = date.and_time(local_time);
        self.time_zone
            .from_local_datetime(&local)
            .earliest()
            .map(|instant| instant.with_timezone(&Utc))
            .ok_or(CalendarError::LocalTimeDoesNotExist(local))
    }

    /// The close of hours (18:30 by default) of a date, as an instant.
    pub fn close_of(&self, date: NaiveDate) -> Result<DateTime<Utc>, CalendarError> {
        self.instant(date, self.closes)
    }
}

impl Default for ProviderHours {
    fn default() -> Self {
        Self {
            time_zone: Self::DEFAULT_TIME_ZONE,
            opens: Self::DEFAULT_OPENS,
            closes: Self::DEFAULT_CLOSES,
            lunch_starts: Self::DEFAULT_LUNCH_STARTS,
            lunch_ends: Self::DEFAULT_LUNCH_ENDS,
        }
    }
}
