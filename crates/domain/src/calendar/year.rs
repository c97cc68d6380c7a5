//! One year of the working calendar, loaded from data.
//!
//! # The year format (JSON)
//!
//! ```json
//! {
//!   "year": 2025,
//!   "source": "free text: the decree or announcement the data comes from",
//!   "kurban_ait": "2025-06-06",
//!   "transfers": [
//!     { "date": "2025-01-03", "kind": "day_off",     "note": "Government transfer" },
//!     { "date": "2025-01-05", "kind": "working_day", "note": "Government transfer" }
//!   ],
//!   "public_holidays": [ { "month": 1, "day": 1, "name": "New Year", "moves_when_on_weekend": true } ]
//! }
//! ```
//!
//! * `year`, `kurban_ait` (the first day of Kurban Ait, a religious day off that
//!   never moves) and `transfers` (may be empty) are required: the calendar
//!   never guesses.
//! * `source` is optional provenance text.
//! * `public_holidays` is optional: when absent the statutory list embedded in
//!   the crate (`data/calendar/holidays.json`) applies. A year file carries its
//!   own list only when the law changes the list.
//! * Unknown fields are rejected, so a misspelt field cannot be silently ignored.
//!
//! From this data the year derives its days off: every public holiday; for a
//! holiday that moves and falls on a Saturday or Sunday, a day off on the next
//! working day (see [`CalendarYear::moved_days_off`]); then the Government
//! transfers.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

use super::CalendarError;

/// The statutory list of public holidays, shared by every year.
const STATUTORY_HOLIDAYS_JSON: &str = include_str!("../../data/calendar/holidays.json");

/// The built-in years, embedded in the binary.
const BUILTIN_YEAR_FILES: [&str; 2] = [
    include_str!("../../data/calendar/2025.json"),
    include_str!("../../data/calendar/2026.json"),
];

/// The name given to the first day of Kurban Ait.
pub const KURBAN_AIT_NAME: &str = "Kurban Ait (first day)";

/// A public holiday that recurs on the same month and day every year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublicHoliday {
    /// Month, 1–12.
    pub month: u32,
    /// Day of the month.
    pub day: u32,
    /// The holiday's name, as shown to operators and in decisions.
    pub name: String,
    /// Whether, on a Saturday or Sunday, its day off moves to the next working
    /// day. False for the religious day 7 January.
    pub moves_when_on_weekend: bool,
}

/// What a Government transfer does to its date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TransferKind {
    /// An otherwise working day becomes a day off.
    DayOff,
    /// An otherwise ordinary weekend day becomes a working day.
    WorkingDay,
}

/// A Government transfer of a day off or a working day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Transfer {
    /// The date whose status changes.
    pub date: NaiveDate,
    /// What it becomes.
    pub kind: TransferKind,
    /// Where the transfer comes from, shown to operators.
    pub note: String,
}

/// A day off that a holiday on a weekend moved to a working day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MovedDayOff {
    /// The holiday that fell on a weekend.
    pub holiday_date: NaiveDate,
    /// Its name.
    pub holiday_name: String,
    /// The day off that replaces it.
    pub day_off: NaiveDate,
}

/// What kind of day a date is, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DayKind {
    /// Monday to Friday, no holiday, no transfer.
    Working,
    /// Saturday or Sunday, no holiday, no transfer.
    Weekend,
    /// A public holiday or Kurban Ait (on any day of the week). Several
    /// holidays on one date have their names joined with "; ".
    PublicHoliday {
        /// The holiday's name.
        name: String,
    },
    /// The day off of a holiday that fell on a weekend.
    MovedHolidayDayOff {
        /// The holiday's name.
        holiday_name: String,
        /// The date of the holiday itself.
        holiday_date: NaiveDate,
    },
    /// A working day made a day off by a Government transfer.
    TransferredDayOff {
        /// The transfer's note.
        note: String,
    },
    /// A weekend day made a working day by a Government transfer.
    TransferredWorkingDay {
        /// The transfer's note.
        note: String,
    },
}

impl DayKind {
    /// Whether the provider works on such a day.
    pub fn is_working_day(&self) -> bool {
        matches!(
            self,
            DayKind::Working | DayKind::TransferredWorkingDay { .. }
        )
    }
}

/// The year file as written, kept so that [`CalendarYear::to_json`] gives back
/// what was loaded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct YearFile {
    year: i32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    source: Option<String>,
    kurban_ait: NaiveDate,
    transfers: Vec<Transfer>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    public_holidays: Option<Vec<PublicHoliday>>,
}

/// The shared statutory holiday list file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct HolidaysFile {
    #[serde(rename = "source")]
    _source: Option<String>,
    public_holidays: Vec<PublicHoliday>,
}

/// One year of the working calendar: its data and the days off derived from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarYear {
    file: YearFile,
    public_holidays: Vec<PublicHoliday>,
    moved_days_off: Vec<MovedDayOff>,
    /// Every date that is not an ordinary Monday–Friday working day or an
    /// ordinary weekend day.
    special_days: BTreeMap<NaiveDate, DayKind>,
}

impl CalendarYear {
    /// Parses and checks a year in the JSON format of this module.
    ///
    /// Services read the file; the domain only parses. Rejected: malformed
    /// JSON, unknown fields, dates outside the year, holidays that do not exist
    /// in the year or are listed twice, conflicting transfers, and a holiday
    /// whose day off would move into the next year.
    pub fn from_json(text: &str) -> Result<Self, CalendarError> {
        let file: YearFile =
            serde_json::from_str(text).map_err(|error| CalendarError::Json(error.to_string()))?;
        Self::from_file(file)
    }

    /// The year in the JSON format of this module, as it was loaded.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(&self.file)
            .expect("a year file is plain data and always serialises")
    }

    /// The statutory list of public holidays embedded in the crate.
    pub fn statutory_public_holidays() -> Vec<PublicHoliday> {
        let file: HolidaysFile = serde_json::from_str(STATUTORY_HOLIDAYS_JSON)
            .expect("the embedded statutory holiday list is valid (tested)");
        file.public_holidays
    }

    /// The years built into the crate (2025 and 2026).
    pub fn builtin_years() -> Vec<CalendarYear> {
        BUILTIN_YEAR_FILES
            .iter()
            .map(|text| {
                Self::from_json(text).expect("the embedded calendar years are valid (tested)")
            })
            .collect()
    }

    /// The calendar year.
    pub fn year(&self) -> i32 {
        self.file.year
    }

    /// Provenance of the data, if the file gave it.
    pub fn source(&self) -> Option<&str> {
        self.file.source.as_deref()
    }

    /// The first day of Kurban Ait.
    pub fn kurban_ait(&self) -> NaiveDate {
        self.file.kurban_ait
    }

    /// The Government transfers of the year.
    pub fn transfers(&self) -> &[Transfer] {
        &self.file.transfers
    }

    /// The public holidays that apply to the year (the file's own list, or the statutory one).
    pub fn public_holidays(&self) -> &[PublicHoliday] {
        &self.public_holidays
    }

    /// The days off moved from holidays that fell on a weekend, in date order.
    ///
    /// Labour Code: a public holiday on a Saturday or Sunday moves the day off
    /// to the next working day; the religious days 7 January and Kurban Ait do
    /// not move. "Next working day" skips weekends, other holidays and days
    /// already taken by an earlier move, so holidays on consecutive days chain:
    /// in 2026 Saturday 21 and Sunday 22 March move past Monday 23 March (itself
    /// Nauryz) to Tuesday 24 and Wednesday 25 March.
    pub fn moved_days_off(&self) -> &[MovedDayOff] {
        &self.moved_days_off
    }

    /// What kind of day a date of this year is. The date must be in the year.
    pub(crate) fn day_kind(&self, date: NaiveDate) -> DayKind {
        debug_assert_eq!(date.year(), self.year(), "asked the wrong calendar year");
        match self.special_days.get(&date) {
            Some(kind) => kind.clone(),
            None if is_weekend(date) => DayKind::Weekend,
            None => DayKind::Working,
        }
    }

    /// Whether a date of this year is a working day. The date must be in the year.
    pub(crate) fn is_working_day(&self, date: NaiveDate) -> bool {
        debug_assert_eq!(date.year(), self.year(), "asked the wrong calendar year");
        match self.special_days.get(&date) {
            Some(kind) => kind.is_working_day(),
            None => !is_weekend(date),
        }
    }

    fn from_file(file: YearFile) -> Result<Self, CalendarError> {
        let year = file.year;
        if NaiveDate::from_ymd_opt(year, 1, 1).is_none()
            || NaiveDate::from_ymd_opt(year, 12, 31).is_none()
        {
            return Err(CalendarError::YearOutOfRange(year));
        }
        let public_holidays = file
            .public_holidays
            .clone()
            .unwrap_or_else(Self::statutory_public_holidays);

        let occurrences = holiday_occurrences(year, &public_holidays, file.kurban_ait)?;
        let mut special_days = BTreeMap::new();
        for occurrence in &occurrences {
            special_days
                .entry(occurrence.date)
                .and_modify(|kind| {
                    if let DayKind::PublicHoliday { name } = kind {
                        name.push_str("; ");
                        name.push_str(&occurrence.name);
                    }
                })
                .or_insert_with(|| DayKind::PublicHoliday {
                    name: occurrence.name.clone(),
                });
        }
        let moved_days_off = move_weekend_holidays(year, &occurrences, &mut special_days)?;
        apply_transfers(year, &file.transfers, &mut special_days)?;

        Ok(Self {
            file,
            public_holidays,
            moved_days_off,
            special_days,
        })
    }
}

/// A holiday on its date in a given year.
struct HolidayOccurrence {
    date: NaiveDate,
    name: String,
    moves_when_on_weekend: bool,
}

/// The holidays of the year (statutory or the file's list, plus Kurban Ait), in date order.
fn holiday_occurrences(
    year: i32,
    public_holidays: &[PublicHoliday],
    kurban_ait: NaiveDate,
) -> Result<Vec<HolidayOccurrence>, CalendarError> {
    let mut seen = BTreeSet::new();
    let mut occurrences = Vec::with_capacity(public_holidays.len() + 1);
    for holiday in public_holidays {
        let (month, day) = (holiday.month, holiday.day);
        if !seen.insert((month, day)) {
            return Err(CalendarError::HolidayListedTwice { month, day });
        }
        let date = NaiveDate::from_ymd_opt(year, month, day)
            .ok_or(CalendarError::HolidayDateInvalid { year, month, day })?;
        occurrences.push(HolidayOccurrence {
            date,
            name: holiday.name.clone(),
            moves_when_on_weekend: holiday.moves_when_on_weekend,
        });
    }
    if kurban_ait.year() != year {
        return Err(CalendarError::DateOutsideYear {
            year,
            date: kurban_ait,
        });
    }
    // Kurban Ait is a religious day off: it never moves. When it coincides
    // with another holiday the date is one day off with both names.
    occurrences.push(HolidayOccurrence {
        date: kurban_ait,
        name: KURBAN_AIT_NAME.to_owned(),
        moves_when_on_weekend: false,
    });
    occurrences.sort_by_key(|occurrence| occurrence.date);
    Ok(occurrences)
}

/// Moves the day off of each movable holiday on a weekend to the next free
/// working day, in date order so that consecutive holidays chain.
fn move_weekend_holidays(
    year: i32,
    occurrences: &[HolidayOccurrence],
    special_days: &mut BTreeMap<NaiveDate, DayKind>,
) -> Result<Vec<MovedDayOff>, CalendarError> {
    let mut moved = Vec::new();
    for occurrence in occurrences
        .iter()
        .filter(|o| o.moves_when_on_weekend && is_weekend(o.date))
    {
        let mut candidate = occurrence.date;
        loop {
            candidate = candidate
                .succ_opt()
                .filter(|next| next.year() == year)
                .ok_or(CalendarError::MovedDayOffLeavesYear(occurrence.date))?;
            // Free means an ordinary weekday: not a weekend, not a holiday,
            // not already the day off of an earlier holiday.
            if !is_weekend(candidate) && !special_days.contains_key(&candidate) {
                break;
            }
        }
        special_days.insert(
            candidate,
            DayKind::MovedHolidayDayOff {
                holiday_name: occurrence.name.clone(),
                holiday_date: occurrence.date,
            },
        );
        moved.push(MovedDayOff {
            holiday_date: occurrence.date,
            holiday_name: occurrence.name.clone(),
            day_off: candidate,
        });
    }
    Ok(moved)
}

/// Applies the Government transfers on top of the statutory days off.
///
/// Transfers are decreed knowing the statutory calendar, so one that lands on
/// a holiday or a moved day off is a data error, not something to resolve.
fn apply_transfers(
    year: i32,
    transfers: &[Transfer],
    special_days: &mut BTreeMap<NaiveDate, DayKind>,
) -> Result<(), CalendarError> {
    let mut seen = BTreeSet::new();
    for transfer in transfers {
        let date = transfer.date;
        if date.year() != year {
            return Err(CalendarError::DateOutsideYear { year, date });
        }
        if !seen.insert(date) {
            return Err(CalendarError::TransferListedTwice(date));
        }
        let ordinary_day = !special_days.contains_key(&date);
        let kind = match transfer.kind {
            TransferKind::DayOff if ordinary_day && !is_weekend(date) => {
                DayKind::TransferredDayOff {
                    note: transfer.note.clone(),
                }
            }
            TransferKind::DayOff => return Err(CalendarError::DayOffTransferNotOnWorkingDay(date)),
            TransferKind::WorkingDay if ordinary_day && is_weekend(date) => {
                DayKind::TransferredWorkingDay {
                    note: transfer.note.clone(),
                }
            }
            TransferKind::WorkingDay => {
                return Err(CalendarError::WorkingDayTransferNotOnWeekend(date));
            }
        };
        special_days.insert(date, kind);
    }
    Ok(())
}

/// Saturday or Sunday.
pub(crate) fn is_weekend(date: NaiveDate) -> bool {
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}
