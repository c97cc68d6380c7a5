//! Calendar years loaded at run time: the JSON format, its errors, and the
//! rules that only show in other years (7 January and Kurban Ait on a
//! weekend, New Year chains, the year boundary).
//!
//! The years below other than 2025 and 2026 are test fixtures: their Kurban
//! Ait dates are chosen to exercise the rules, not official announcements.

use chrono::{Datelike, NaiveDate};
use housing_domain::calendar::{CalendarError, CalendarYear, DayKind, WorkingCalendar};

fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).expect("a valid test date")
}

fn year_json(year: i32, kurban_ait: &str, transfers: &str) -> String {
    format!(r#"{{ "year": {year}, "kurban_ait": "{kurban_ait}", "transfers": [{transfers}] }}"#)
}

fn load(json: &str) -> CalendarYear {
    CalendarYear::from_json(json).expect("a valid fixture year")
}

fn calendar_with(json: &str) -> WorkingCalendar {
    WorkingCalendar::builtin()
        .with_year(load(json))
        .expect("a year not built in")
}

fn moved_days(year: &CalendarYear) -> Vec<(NaiveDate, NaiveDate)> {
    year.moved_days_off()
        .iter()
        .map(|moved| (moved.holiday_date, moved.day_off))
        .collect()
}

#[test]
fn a_loaded_year_extends_the_calendar() {
    let calendar = calendar_with(&year_json(2027, "2027-05-17", ""));
    assert_eq!(calendar.covered_years(), vec![2025, 2026, 2027]);
    assert_eq!(calendar.is_working_day(date(2027, 1, 5)), Ok(true));
    assert_eq!(
        calendar.is_working_day(date(2028, 1, 4)),
        Err(CalendarError::YearNotCovered(2028))
    );
    // The last day of 2026 now has a next working day: 1 January 2027 is a
    // Friday and 2 January a Saturday, whose day off moves to Monday 4 January.
    assert_eq!(
        calendar.next_working_day_after(date(2026, 12, 31)),
        Ok(date(2027, 1, 5))
    );
}

#[test]
fn seven_january_on_a_sunday_does_not_move() {
    // 2029: 1 January is a Monday, 7 January a Sunday.
    let calendar = calendar_with(&year_json(2029, "2029-04-24", ""));
    assert_eq!(
        calendar.day_kind(date(2029, 1, 7)),
        Ok(DayKind::PublicHoliday {
            name: "Orthodox Christmas".to_owned()
        })
    );
    assert_eq!(calendar.day_kind(date(2029, 1, 8)), Ok(DayKind::Working));
    let year = calendar.year(2029).expect("loaded");
    assert!(
        year.moved_days_off()
            .iter()
            .all(|moved| moved.holiday_date != date(2029, 1, 7))
    );
}

#[test]
fn seven_january_on_a_saturday_does_not_move_while_new_year_on_sunday_does() {
    // 2023: 1 January Sunday → Tuesday 3 (Monday 2 is itself New Year); 7 January Saturday stays.
    let year = load(&year_json(2023, "2023-06-28", ""));
    assert_eq!(moved_days(&year)[0], (date(2023, 1, 1), date(2023, 1, 3)));
    let calendar = WorkingCalendar::builtin()
        .with_year(year)
        .expect("not built in");
    assert_eq!(calendar.is_working_day(date(2023, 1, 9)), Ok(true));
}

#[test]
fn new_year_on_a_weekend_chains_into_monday_and_tuesday() {
    // 2028: 1 January Saturday, 2 January Sunday; 16 December Saturday.
    let year = load(&year_json(2028, "2028-05-05", ""));
    let moved = moved_days(&year);
    assert_eq!(moved[0], (date(2028, 1, 1), date(2028, 1, 3)));
    assert_eq!(moved[1], (date(2028, 1, 2), date(2028, 1, 4)));
    assert_eq!(
        moved.last(),
        Some(&(date(2028, 12, 16), date(2028, 12, 18)))
    );
}

#[test]
fn kurban_ait_on_a_sunday_does_not_move() {
    let calendar = calendar_with(&year_json(2027, "2027-05-16", ""));
    assert_eq!(
        calendar.day_kind(date(2027, 5, 16)),
        Ok(DayKind::PublicHoliday {
            name: "Kurban Ait (first day)".to_owned()
        })
    );
    assert_eq!(calendar.day_kind(date(2027, 5, 17)), Ok(DayKind::Working));
}

#[test]
fn a_moved_day_off_skips_kurban_ait_on_the_next_monday() {
    // 2027: Victory Day, 9 May, is a Sunday; Kurban Ait (fixture) on Monday 10 May.
    let year = load(&year_json(2027, "2027-05-10", ""));
    assert!(moved_days(&year).contains(&(date(2027, 5, 9), date(2027, 5, 11))));
}

#[test]
fn kurban_ait_on_the_same_weekend_day_as_a_holiday_keeps_both_and_the_holiday_still_moves() {
    let year = load(&year_json(2027, "2027-05-09", ""));
    let calendar = WorkingCalendar::builtin()
        .with_year(year.clone())
        .expect("not built in");
    assert_eq!(
        calendar.day_kind(date(2027, 5, 9)),
        Ok(DayKind::PublicHoliday {
            name: "Victory Day; Kurban Ait (first day)".to_owned()
        })
    );
    assert!(moved_days(&year).contains(&(date(2027, 5, 9), date(2027, 5, 10))));
}

#[test]
fn a_year_already_covered_is_not_silently_replaced() {
    let again = load(&year_json(2025, "2025-06-06", ""));
    assert_eq!(
        WorkingCalendar::builtin().with_year(again.clone()),
        Err(CalendarError::YearAlreadyCovered(2025))
    );
    // Replacing is deliberate: the new data drops the 2025 Government transfer.
    let replaced = WorkingCalendar::builtin().replace_year(again);
    assert_eq!(replaced.is_working_day(date(2025, 1, 3)), Ok(true));
}

#[test]
fn json_round_trip_gives_back_the_same_year() {
    for year in CalendarYear::builtin_years() {
        assert_eq!(CalendarYear::from_json(&year.to_json()), Ok(year.clone()));
    }
    let custom = r#"{ "year": 2030, "source": "fixture", "kurban_ait": "2030-04-13", "transfers": [],
        "public_holidays": [{ "month": 1, "day": 1, "name": "New Year", "moves_when_on_weekend": true }] }"#;
    let year = load(custom);
    assert_eq!(year.public_holidays().len(), 1);
    assert_eq!(CalendarYear::from_json(&year.to_json()), Ok(year));
}

#[test]
fn builtin_2025_transfers_are_data() {
    let year = WorkingCalendar::builtin()
        .year(2025)
        .expect("built in")
        .clone();
    let dates: Vec<NaiveDate> = year
        .transfers()
        .iter()
        .map(|transfer| transfer.date)
        .collect();
    assert_eq!(dates, vec![date(2025, 1, 3), date(2025, 1, 5)]);
    assert_eq!(year.kurban_ait(), date(2025, 6, 6));
    assert_eq!(
        year.public_holidays(),
        CalendarYear::statutory_public_holidays().as_slice()
    );
}

#[test]
fn malformed_json_is_an_error() {
    for text in [
        "",
        "not json",
        r#"{ "year": 2027, "transfers": [] }"#,
        r#"{ "year": 2027, "kurban_ait": "2027-05-16" }"#,
        r#"{ "year": 2027, "kurban_ait": "16.05.2027", "transfers": [] }"#,
        r#"{ "year": 2027, "kurban_ait": "2027-05-16", "transfers": [], "kurban": "x" }"#,
        r#"{ "year": 2027, "kurban_ait": "2027-05-16", "transfers": [{ "date": "2027-01-04", "kind": "holiday", "note": "" }] }"#,
    ] {
        assert!(
            matches!(CalendarYear::from_json(text), Err(CalendarError::Json(_))),
            "accepted: {text}"
        );
    }
}

#[test]
fn inconsistent_year_data_is_rejected() {
    let cases = [
        (
            year_json(2027, "2026-05-27", ""),
            CalendarError::DateOutsideYear {
                year: 2027,
                date: date(2026, 5, 27),
            },
        ),
        (
            year_json(
                2027,
                "2027-05-16",
                r#"{ "date": "2028-01-03", "kind": "day_off", "note": "" }"#,
            ),
            CalendarError::DateOutsideYear {
                year: 2027,
                date: date(2028, 1, 3),
            },
        ),
        (
            year_json(
                2027,
                "2027-05-16",
                r#"{ "date": "2027-01-05", "kind": "day_off", "note": "" },
                   { "date": "2027-01-05", "kind": "day_off", "note": "" }"#,
            ),
            CalendarError::TransferListedTwice(date(2027, 1, 5)),
        ),
        (
            // A Saturday is already a day off.
            year_json(
                2027,
                "2027-05-16",
                r#"{ "date": "2027-01-09", "kind": "day_off", "note": "" }"#,
            ),
            CalendarError::DayOffTransferNotOnWorkingDay(date(2027, 1, 9)),
        ),
        (
            // 8 March 2027 is a Monday holiday.
            year_json(
                2027,
                "2027-05-16",
                r#"{ "date": "2027-03-08", "kind": "day_off", "note": "" }"#,
            ),
            CalendarError::DayOffTransferNotOnWorkingDay(date(2027, 3, 8)),
        ),
        (
            // 7 January 2029 is a Sunday holiday: a transfer cannot make it working.
            year_json(
                2029,
                "2029-04-24",
                r#"{ "date": "2029-01-07", "kind": "working_day", "note": "" }"#,
            ),
            CalendarError::WorkingDayTransferNotOnWeekend(date(2029, 1, 7)),
        ),
        (
            year_json(
                2027,
                "2027-05-16",
                r#"{ "date": "2027-01-06", "kind": "working_day", "note": "" }"#,
            ),
            CalendarError::WorkingDayTransferNotOnWeekend(date(2027, 1, 6)),
        ),
    ];
    for (json, expected) in cases {
        assert_eq!(
            CalendarYear::from_json(&json),
            Err(expected.clone()),
            "{json}"
        );
    }
}

#[test]
fn a_transfer_onto_a_moved_day_off_is_rejected() {
    let json = year_json(
        2025,
        "2025-06-06",
        r#"{ "date": "2025-03-10", "kind": "day_off", "note": "" }"#,
    );
    assert_eq!(
        CalendarYear::from_json(&json),
        Err(CalendarError::DayOffTransferNotOnWorkingDay(date(
            2025, 3, 10
        )))
    );
}

fn year_with_holidays(year: i32, kurban_ait: &str, holidays: &str) -> String {
    format!(
        r#"{{ "year": {year}, "kurban_ait": "{kurban_ait}", "transfers": [], "public_holidays": [{holidays}] }}"#
    )
}

#[test]
fn bad_holiday_lists_are_rejected() {
    let february_30 = r#"{ "month": 2, "day": 30, "name": "x", "moves_when_on_weekend": true }"#;
    assert_eq!(
        CalendarYear::from_json(&year_with_holidays(2027, "2027-05-16", february_30)),
        Err(CalendarError::HolidayDateInvalid {
            year: 2027,
            month: 2,
            day: 30
        })
    );
    let twice = r#"{ "month": 3, "day": 8, "name": "a", "moves_when_on_weekend": true },
                   { "month": 3, "day": 8, "name": "b", "moves_when_on_weekend": false }"#;
    assert_eq!(
        CalendarYear::from_json(&year_with_holidays(2027, "2027-05-16", twice)),
        Err(CalendarError::HolidayListedTwice { month: 3, day: 8 })
    );
}

#[test]
fn a_day_off_moving_into_the_next_year_is_rejected_not_guessed() {
    // 31 December 2028 is a Sunday; its day off would be in January 2029.
    let new_years_eve =
        r#"{ "month": 12, "day": 31, "name": "New Year's Eve", "moves_when_on_weekend": true }"#;
    assert_eq!(
        CalendarYear::from_json(&year_with_holidays(2028, "2028-05-05", new_years_eve)),
        Err(CalendarError::MovedDayOffLeavesYear(date(2028, 12, 31)))
    );
}

#[test]
fn the_statutory_list_never_moves_a_day_off_out_of_its_year() {
    // Every weekday pattern of a year occurs between 2023 and 2050.
    for year in 2023..=2050 {
        let json = year_json(year, &format!("{year}-06-15"), "");
        let loaded = CalendarYear::from_json(&json).expect("the statutory list fits every year");
        assert!(
            loaded
                .moved_days_off()
                .iter()
                .all(|moved| moved.day_off.year() == year)
        );
    }
}
