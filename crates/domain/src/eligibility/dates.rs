//! Date arithmetic for the rules, in one place so every rule counts the same way.
//!
//! Periods in years follow the Civil Code's general rule for terms: a period of
//! N years ends on the same month and day N years later, and when that month
//! has no such day (29 February in a common year) on the last day of the month.
//! chrono's `checked_add_months` / `checked_sub_months` clamp the same way, so
//! "N years" is always computed as 12·N months.

use chrono::{Datelike, Months, NaiveDate};

/// The day a person born on `birth_date` reaches `years` of age.
///
/// Someone born on 29 February reaches an age on 28 February of a common year.
/// `None` only past chrono's calendar range, which no register date reaches.
pub(crate) fn birthday(birth_date: NaiveDate, years: u32) -> Option<NaiveDate> {
    birth_date.checked_add_months(Months::new(years.saturating_mul(12)))
}

/// Whether a person born on `birth_date` has reached `years` of age on `day`.
pub(crate) fn has_reached_age(birth_date: NaiveDate, years: u32, day: NaiveDate) -> bool {
    birthday(birth_date, years).is_some_and(|birthday| birthday <= day)
}

/// Age in full years on `day` (0 before the first birthday or for a future birth date).
pub(crate) fn age_on(birth_date: NaiveDate, day: NaiveDate) -> u32 {
    let rough = u32::try_from(day.year() - birth_date.year()).unwrap_or(0);
    // The rough difference overcounts by one when this year's birthday is still ahead.
    if rough > 0 && !has_reached_age(birth_date, rough, day) {
        rough - 1
    } else {
        rough
    }
}

/// The first day of the window "the last `years` years before `day`".
///
/// The window is the closed interval `[years_before(day, N), day]`: the day
/// exactly N years back belongs to it (docs/eligibility.md). 29 February minus
/// one year is 28 February.
pub(crate) fn years_before(day: NaiveDate, years: u32) -> NaiveDate {
    day.checked_sub_months(Months::new(years.saturating_mul(12)))
        .unwrap_or(NaiveDate::MIN)
}

/// A closed period of days `[first, last]`; `last == None` means still open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Period {
    pub first: NaiveDate,
    pub last: Option<NaiveDate>,
}

impl Period {
    pub(crate) fn new(first: NaiveDate, last: Option<NaiveDate>) -> Self {
        Self { first, last }
    }

    /// Whether the period covers `day`.
    pub(crate) fn contains(self, day: NaiveDate) -> bool {
        self.first <= day && self.last.is_none_or(|last| day <= last)
    }

    /// Whether the period shares at least one day with `[first, last]`.
    pub(crate) fn overlaps(self, first: NaiveDate, last: NaiveDate) -> bool {
        self.first <= last && self.last.is_none_or(|own_last| own_last >= first)
    }
}

/// The first day of `[first, last]` that none of `periods` covers, if any.
///
/// Used for continuous domicile: a single uncovered day breaks continuity.
pub(crate) fn first_uncovered_day(
    periods: &[Period],
    first: NaiveDate,
    last: NaiveDate,
) -> Option<NaiveDate> {
    let mut sorted: Vec<Period> = periods.to_vec();
    sorted.sort_by_key(|period| period.first);
    let mut next_uncovered = first;
    for period in sorted {
        if period.first > next_uncovered {
            break;
        }
        match period.last {
            None => return None,
            Some(period_last) if period_last >= next_uncovered => match period_last.succ_opt() {
                Some(day_after) => next_uncovered = day_after,
                None => return None,
            },
            Some(_) => {}
        }
        if next_uncovered > last {
            return None;
        }
    }
    (next_uncovered <= last).then_some(next_uncovered)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(year: i32, month: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(year, month, day).expect("valid date")
    }

    #[test]
    fn a_leap_day_birthday_falls_on_28_february_in_common_years() {
        assert_eq!(birthday(day(2008, 2, 29), 18), Some(day(2026, 2, 28)));
        assert!(has_reached_age(day(2008, 2, 29), 18, day(2026, 2, 28)));
        assert!(!has_reached_age(day(2008, 2, 29), 18, day(2026, 2, 27)));
    }

    #[test]
    fn age_counts_full_years() {
        assert_eq!(age_on(day(2007, 6, 2), day(2025, 6, 2)), 18);
        assert_eq!(age_on(day(2007, 6, 3), day(2025, 6, 2)), 17);
        assert_eq!(age_on(day(2026, 1, 1), day(2025, 6, 2)), 0);
    }

    #[test]
    fn five_years_before_a_leap_day_is_28_february() {
        assert_eq!(years_before(day(2028, 2, 29), 5), day(2023, 2, 28));
        assert_eq!(years_before(day(2025, 6, 2), 5), day(2020, 6, 2));
    }

    #[test]
    fn coverage_finds_the_first_gap() {
        let periods = [
            Period::new(day(2020, 1, 1), Some(day(2021, 1, 1))),
            Period::new(day(2021, 1, 3), None),
        ];
        assert_eq!(
            first_uncovered_day(&periods, day(2020, 6, 1), day(2023, 1, 1)),
            Some(day(2021, 1, 2))
        );
        let contiguous = [
            Period::new(day(2020, 1, 1), Some(day(2021, 1, 1))),
            Period::new(day(2021, 1, 2), None),
        ];
        assert_eq!(
            first_uncovered_day(&contiguous, day(2020, 6, 1), day(2023, 1, 1)),
            None
        );
        assert_eq!(
            first_uncovered_day(&contiguous, day(2019, 6, 1), day(2023, 1, 1)),
            Some(day(2019, 6, 1))
        );
        let ended = [Period::new(day(2020, 1, 1), Some(day(2022, 12, 31)))];
        assert_eq!(
            first_uncovered_day(&ended, day(2020, 6, 1), day(2023, 1, 1)),
            Some(day(2023, 1, 1))
        );
    }
}
