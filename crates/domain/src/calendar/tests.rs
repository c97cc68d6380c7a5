//! Unit tests of the working calendar: the built-in years, the acceptance day,
//! working-day arithmetic, the processing terms and the hearing.

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Asia::Almaty;
use proptest::prelude::*;

use super::*;
use crate::RuleCode;

fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).expect("a valid test date")
}

/// An instant given as Almaty wall-clock time.
fn almaty(year: i32, month: u32, day: u32, hour: u32, minute: u32, second: u32) -> DateTime<Utc> {
    Almaty
        .with_ymd_and_hms(year, month, day, hour, minute, second)
        .single()
        .expect("Almaty has no clock changes since 2024")
        .with_timezone(&Utc)
}

fn calendar() -> WorkingCalendar {
    WorkingCalendar::builtin()
}

fn moved_days(year: i32) -> Vec<(NaiveDate, NaiveDate)> {
    calendar()
        .year(year)
        .expect("built-in year")
        .moved_days_off()
        .iter()
        .map(|moved| (moved.holiday_date, moved.day_off))
        .collect()
}

// --- The built-in years -------------------------------------------------------------------

#[test]
fn builtin_calendar_covers_2025_and_2026_only() {
    let calendar = calendar();
    assert_eq!(calendar.covered_years(), vec![2025, 2026]);
    assert_eq!(
        calendar.is_working_day(date(2024, 12, 31)),
        Err(CalendarError::YearNotCovered(2024))
    );
    assert_eq!(
        calendar.day_kind(date(2027, 1, 4)),
        Err(CalendarError::YearNotCovered(2027))
    );
}

#[test]
fn checkpoint_2025_days_off_move_to_10_mar_24_and_25_mar_7_jul_1_sep_27_oct() {
    assert_eq!(
        moved_days(2025),
        vec![
            (date(2025, 3, 8), date(2025, 3, 10)),
            (date(2025, 3, 22), date(2025, 3, 24)),
            (date(2025, 3, 23), date(2025, 3, 25)),
            (date(2025, 7, 6), date(2025, 7, 7)),
            (date(2025, 8, 30), date(2025, 9, 1)),
            (date(2025, 10, 25), date(2025, 10, 27)),
        ]
    );
    let calendar = calendar();
    for day_off in [
        date(2025, 3, 10),
        date(2025, 3, 24),
        date(2025, 3, 25),
        date(2025, 7, 7),
    ] {
        assert_eq!(calendar.is_working_day(day_off), Ok(false), "{day_off}");
    }
    for day_off in [date(2025, 9, 1), date(2025, 10, 27)] {
        assert_eq!(calendar.is_working_day(day_off), Ok(false), "{day_off}");
    }
}

#[test]
fn checkpoint_2026_days_off_move_to_9_mar_24_and_25_mar_11_may_31_aug_26_oct() {
    assert_eq!(
        moved_days(2026),
        vec![
            (date(2026, 3, 8), date(2026, 3, 9)),
            (date(2026, 3, 21), date(2026, 3, 24)),
            (date(2026, 3, 22), date(2026, 3, 25)),
            (date(2026, 5, 9), date(2026, 5, 11)),
            (date(2026, 8, 30), date(2026, 8, 31)),
            (date(2026, 10, 25), date(2026, 10, 26)),
        ]
    );
}

#[test]
fn chained_nauryz_2026_skips_monday_23_march_which_is_itself_nauryz() {
    let calendar = calendar();
    assert_eq!(
        calendar.day_kind(date(2026, 3, 23)),
        Ok(DayKind::PublicHoliday {
            name: "Nauryz meirami".to_owned()
        })
    );
    assert_eq!(
        calendar.day_kind(date(2026, 3, 24)),
        Ok(DayKind::MovedHolidayDayOff {
            holiday_name: "Nauryz meirami".to_owned(),
            holiday_date: date(2026, 3, 21),
        })
    );
    assert_eq!(
        calendar.day_kind(date(2026, 3, 25)),
        Ok(DayKind::MovedHolidayDayOff {
            holiday_name: "Nauryz meirami".to_owned(),
            holiday_date: date(2026, 3, 22),
        })
    );
    assert_eq!(calendar.day_kind(date(2026, 3, 26)), Ok(DayKind::Working));
}

#[test]
fn holiday_on_a_weekend_is_a_holiday_and_its_day_off_is_the_next_monday() {
    let calendar = calendar();
    // 6 July 2025 (Capital Day) is a Sunday.
    assert_eq!(
        calendar.day_kind(date(2025, 7, 6)),
        Ok(DayKind::PublicHoliday {
            name: "Capital Day".to_owned()
        })
    );
    assert_eq!(calendar.is_working_day(date(2025, 7, 7)), Ok(false));
    assert_eq!(calendar.is_working_day(date(2025, 7, 8)), Ok(true));
}

#[test]
fn government_transfer_2025_makes_friday_3_january_off_and_sunday_5_january_working() {
    let calendar = calendar();
    assert!(matches!(
        calendar.day_kind(date(2025, 1, 3)),
        Ok(DayKind::TransferredDayOff { .. })
    ));
    assert!(matches!(
        calendar.day_kind(date(2025, 1, 5)),
        Ok(DayKind::TransferredWorkingDay { .. })
    ));
    assert_eq!(calendar.is_working_day(date(2025, 1, 4)), Ok(false));
    assert_eq!(calendar.is_working_day(date(2025, 1, 5)), Ok(true));
    assert_eq!(calendar.is_working_day(date(2025, 1, 6)), Ok(true));
    // 7 January 2025 (a Tuesday) is a religious day off.
    assert_eq!(calendar.is_working_day(date(2025, 1, 7)), Ok(false));
}

#[test]
fn kurban_ait_is_a_day_off_in_2025_and_2026() {
    let calendar = calendar();
    let kurban = DayKind::PublicHoliday {
        name: year::KURBAN_AIT_NAME.to_owned(),
    };
    assert_eq!(calendar.day_kind(date(2025, 6, 6)), Ok(kurban.clone()));
    assert_eq!(calendar.day_kind(date(2026, 5, 27)), Ok(kurban));
}

#[test]
fn ordinary_days_are_working_or_weekend() {
    let calendar = calendar();
    assert_eq!(calendar.day_kind(date(2025, 6, 2)), Ok(DayKind::Working));
    assert_eq!(calendar.day_kind(date(2025, 6, 7)), Ok(DayKind::Weekend));
}

// --- AFTER_HOURS_NEXT_WORKING_DAY ------------------------------------------------------------

#[test]
fn after_hours_next_working_day_holds_at_18_31() {
    // Monday 2 June 2025.
    assert_eq!(
        calendar().acceptance_day(almaty(2025, 6, 2, 18, 31, 0)),
        Ok(date(2025, 6, 3))
    );
}

#[test]
fn after_hours_next_working_day_holds_at_18_30_exactly() {
    assert_eq!(
        calendar().acceptance_day(almaty(2025, 6, 2, 18, 30, 0)),
        Ok(date(2025, 6, 3))
    );
}

#[test]
fn after_hours_next_working_day_fails_at_18_29_same_day() {
    assert_eq!(
        calendar().acceptance_day(almaty(2025, 6, 2, 18, 29, 59)),
        Ok(date(2025, 6, 2))
    );
}

#[test]
fn after_hours_next_working_day_fails_before_opening_accepted_that_morning() {
    assert_eq!(
        calendar().acceptance_day(almaty(2025, 6, 2, 0, 30, 0)),
        Ok(date(2025, 6, 2))
    );
    assert_eq!(
        calendar().acceptance_day(almaty(2025, 6, 2, 8, 59, 0)),
        Ok(date(2025, 6, 2))
    );
}

#[test]
fn after_hours_next_working_day_fails_during_the_lunch_break() {
    assert_eq!(
        calendar().acceptance_day(almaty(2025, 6, 2, 13, 45, 0)),
        Ok(date(2025, 6, 2))
    );
}

#[test]
fn after_hours_next_working_day_fails_on_a_sunday_made_a_working_day() {
    assert_eq!(
        calendar().acceptance_day(almaty(2025, 1, 5, 10, 0, 0)),
        Ok(date(2025, 1, 5))
    );
}

#[test]
fn after_hours_next_working_day_holds_on_a_saturday() {
    assert_eq!(
        calendar().acceptance_day(almaty(2025, 6, 7, 11, 0, 0)),
        Ok(date(2025, 6, 9))
    );
}

#[test]
fn after_hours_next_working_day_holds_on_friday_evening_until_monday() {
    // Friday 30 May 2025, 18:31 → Monday 2 June.
    assert_eq!(
        calendar().acceptance_day(almaty(2025, 5, 30, 18, 31, 0)),
        Ok(date(2025, 6, 2))
    );
}

#[test]
fn after_hours_next_working_day_holds_on_a_holiday() {
    // Kurban Ait, Friday 6 June 2025 → Monday 9 June.
    assert_eq!(
        calendar().acceptance_day(almaty(2025, 6, 6, 10, 0, 0)),
        Ok(date(2025, 6, 9))
    );
    // Nauryz, Monday 23 March 2026: 24 and 25 March are moved days off → Thursday 26.
    assert_eq!(
        calendar().acceptance_day(almaty(2026, 3, 23, 10, 0, 0)),
        Ok(date(2026, 3, 26))
    );
}

#[test]
fn after_hours_next_working_day_holds_on_a_moved_day_off() {
    assert_eq!(
        calendar().acceptance_day(almaty(2025, 3, 10, 10, 0, 0)),
        Ok(date(2025, 3, 11))
    );
}

#[test]
fn acceptance_reads_the_instant_in_almaty_time() {
    // 13:31 UTC is 18:31 in Almaty (UTC+5); 19:30 UTC on Monday is 00:30 on Tuesday.
    let utc = |hour, minute| {
        Utc.with_ymd_and_hms(2025, 6, 2, hour, minute, 0)
            .single()
            .expect("valid")
    };
    assert_eq!(calendar().acceptance_day(utc(13, 29)), Ok(date(2025, 6, 2)));
    assert_eq!(calendar().acceptance_day(utc(13, 31)), Ok(date(2025, 6, 3)));
    assert_eq!(calendar().acceptance_day(utc(19, 30)), Ok(date(2025, 6, 3)));
}

#[test]
fn acceptance_into_a_year_without_data_is_an_error() {
    assert_eq!(
        calendar().acceptance_day(almaty(2026, 12, 31, 19, 0, 0)),
        Err(CalendarError::YearNotCovered(2027))
    );
}

// --- Working-day arithmetic ---------------------------------------------------------------

#[test]
fn add_working_days_starts_counting_the_day_after() {
    let calendar = calendar();
    assert_eq!(
        calendar.add_working_days(date(2025, 6, 2), 0),
        Ok(date(2025, 6, 2))
    );
    assert_eq!(
        calendar.add_working_days(date(2025, 6, 2), 1),
        Ok(date(2025, 6, 3))
    );
    // Friday 7 March 2025: 8 March (Sat, holiday), 9 (Sun), 10 (moved day off) → Tuesday 11.
    assert_eq!(
        calendar.add_working_days(date(2025, 3, 7), 1),
        Ok(date(2025, 3, 11))
    );
    // From a Saturday the first working day is Monday.
    assert_eq!(
        calendar.add_working_days(date(2025, 6, 7), 1),
        Ok(date(2025, 6, 9))
    );
}

#[test]
fn working_days_between_counts_after_the_first_up_to_the_last() {
    let calendar = calendar();
    assert_eq!(
        calendar.working_days_between(date(2025, 6, 2), date(2025, 6, 2)),
        Ok(0)
    );
    assert_eq!(
        calendar.working_days_between(date(2025, 6, 2), date(2025, 6, 1)),
        Ok(0)
    );
    // Tue 3, Wed 4, Thu 5; Fri 6 Kurban Ait, weekend; Mon 9.
    assert_eq!(
        calendar.working_days_between(date(2025, 6, 2), date(2025, 6, 9)),
        Ok(4)
    );
}

// --- TERM_TRACK_NO_HOUSING and TERM_TRACK_EMERGENCY ---------------------------------------

#[test]
fn term_track_no_housing_holds_decision_by_18_30_of_the_next_working_day() {
    let deadline = calendar()
        .processing_deadline(almaty(2025, 6, 2, 10, 0, 0), ProcessingTerm::NoHousing)
        .expect("covered");
    assert_eq!(deadline.rule_code(), RuleCode::TermTrackNoHousing);
    assert_eq!(deadline.acceptance_day, date(2025, 6, 2));
    assert_eq!(deadline.term_end, almaty(2025, 6, 3, 18, 30, 0));
    assert!(deadline.is_met_by(almaty(2025, 6, 3, 18, 30, 0)));
}

#[test]
fn term_track_no_housing_fails_decision_a_minute_after_the_term() {
    let deadline = calendar()
        .processing_deadline(almaty(2025, 6, 2, 10, 0, 0), ProcessingTerm::NoHousing)
        .expect("covered");
    assert!(!deadline.is_met_by(almaty(2025, 6, 3, 18, 31, 0)));
}

#[test]
fn term_track_no_housing_fails_for_a_track_2_application() {
    assert_ne!(
        ProcessingTerm::Emergency.rule_code(),
        RuleCode::TermTrackNoHousing
    );
    assert_eq!(ProcessingTerm::Emergency.working_days(), 3);
}

#[test]
fn term_track_no_housing_holds_across_the_chained_nauryz_of_2025() {
    // Received on Friday 21 March 2025 (Nauryz): 22–23 weekend holidays, 24–25
    // moved days off → accepted Wednesday 26, decided by Thursday 27 at 18:30.
    let deadline = calendar()
        .processing_deadline(almaty(2025, 3, 21, 9, 30, 0), ProcessingTerm::NoHousing)
        .expect("covered");
    assert_eq!(deadline.acceptance_day, date(2025, 3, 26));
    assert_eq!(deadline.term_end, almaty(2025, 3, 27, 18, 30, 0));
}

#[test]
fn term_track_emergency_holds_three_working_days_skipping_kurban_ait() {
    // Accepted Tuesday 3 June 2025: Wed 4, Thu 5, (Fri 6 Kurban Ait), Mon 9.
    let deadline = calendar()
        .processing_deadline(almaty(2025, 6, 3, 10, 0, 0), ProcessingTerm::Emergency)
        .expect("covered");
    assert_eq!(deadline.rule_code(), RuleCode::TermTrackEmergency);
    assert_eq!(deadline.term_end, almaty(2025, 6, 9, 18, 30, 0));
    assert!(deadline.is_met_by(almaty(2025, 6, 9, 12, 0, 0)));
}

#[test]
fn term_track_emergency_fails_decision_after_the_third_working_day() {
    let deadline = calendar()
        .processing_deadline(almaty(2025, 6, 3, 10, 0, 0), ProcessingTerm::Emergency)
        .expect("covered");
    assert!(!deadline.is_met_by(almaty(2025, 6, 10, 9, 0, 0)));
}

#[test]
fn term_track_emergency_fails_for_a_track_1_application() {
    assert_ne!(
        ProcessingTerm::NoHousing.rule_code(),
        RuleCode::TermTrackEmergency
    );
    assert_eq!(ProcessingTerm::NoHousing.working_days(), 1);
}

// --- HEARING ------------------------------------------------------------------------------

#[test]
fn hearing_holds_on_the_second_working_day_and_extends_a_short_term() {
    let calendar = calendar();
    let notice_at = almaty(2025, 6, 2, 11, 0, 0);
    let original_term_end = almaty(2025, 6, 3, 18, 30, 0);
    let schedule = calendar
        .hearing_schedule(notice_at, original_term_end, HearingSlot::default())
        .expect("covered");
    assert_eq!(
        schedule,
        HearingSchedule {
            notice_day: date(2025, 6, 2),
            hearing_at: almaty(2025, 6, 4, 10, 0, 0),
            position_deadline: almaty(2025, 6, 4, 10, 0, 0),
            term_end: almaty(2025, 6, 5, 18, 30, 0),
            term_was_extended: true,
        }
    );
    assert_eq!(
        calendar.hearing_is_within_limit(notice_at, schedule.hearing_at),
        Ok(true)
    );
    assert_eq!(
        calendar.hearing_notice_is_timely(notice_at, schedule.term_end),
        Ok(true)
    );
}

#[test]
fn hearing_holds_counting_past_kurban_ait() {
    // Notice Tuesday 3 June 2025: hearing Thursday 5; the 3rd working day is
    // Monday 9 because Friday 6 is Kurban Ait.
    let schedule = calendar()
        .hearing_schedule(
            almaty(2025, 6, 3, 15, 0, 0),
            almaty(2025, 6, 4, 18, 30, 0),
            HearingSlot::default(),
        )
        .expect("covered");
    assert_eq!(schedule.hearing_at, almaty(2025, 6, 5, 10, 0, 0));
    assert_eq!(schedule.term_end, almaty(2025, 6, 9, 18, 30, 0));
}

#[test]
fn hearing_holds_notice_on_friday_evening_counts_from_the_weekend() {
    // Notice Friday 30 May 2025 at 20:00: the date of notification is that Friday.
    let schedule = calendar()
        .hearing_schedule(
            almaty(2025, 5, 30, 20, 0, 0),
            almaty(2025, 6, 2, 18, 30, 0),
            HearingSlot::default(),
        )
        .expect("covered");
    assert_eq!(schedule.notice_day, date(2025, 5, 30));
    assert_eq!(schedule.hearing_at, almaty(2025, 6, 3, 10, 0, 0));
    assert_eq!(schedule.term_end, almaty(2025, 6, 4, 18, 30, 0));
}

#[test]
fn hearing_holds_without_extension_when_the_notice_is_early_enough() {
    let original_term_end = almaty(2025, 6, 9, 18, 30, 0);
    let schedule = calendar()
        .hearing_schedule(
            almaty(2025, 6, 2, 11, 0, 0),
            original_term_end,
            HearingSlot::default(),
        )
        .expect("covered");
    assert_eq!(schedule.term_end, original_term_end);
    assert!(!schedule.term_was_extended);
}

#[test]
fn hearing_fails_notice_less_than_three_working_days_before_the_term_end() {
    // Notice Monday 2 June; the term ends Wednesday 4 June: only 2 working days.
    assert_eq!(
        calendar()
            .hearing_notice_is_timely(almaty(2025, 6, 2, 11, 0, 0), almaty(2025, 6, 4, 18, 30, 0)),
        Ok(false)
    );
}

#[test]
fn hearing_fails_when_held_on_the_third_working_day_after_notice() {
    assert_eq!(
        calendar()
            .hearing_is_within_limit(almaty(2025, 6, 2, 11, 0, 0), almaty(2025, 6, 5, 10, 0, 0)),
        Ok(false)
    );
}

#[test]
fn hearing_slot_must_be_an_appointment_time() {
    let calendar = calendar();
    let time = |hour, minute| NaiveTime::from_hms_opt(hour, minute, 0).expect("valid time");
    for outside in [time(8, 0), time(13, 30), time(18, 30)] {
        assert_eq!(
            calendar.hearing_schedule(
                almaty(2025, 6, 2, 11, 0, 0),
                almaty(2025, 6, 3, 18, 30, 0),
                HearingSlot::at(outside)
            ),
            Err(CalendarError::HearingSlotOutsideHours(outside))
        );
    }
    let afternoon = calendar
        .hearing_schedule(
            almaty(2025, 6, 2, 11, 0, 0),
            almaty(2025, 6, 3, 18, 30, 0),
            HearingSlot::at(time(15, 0)),
        )
        .expect("15:00 is an appointment time");
    assert_eq!(afternoon.hearing_at, almaty(2025, 6, 4, 15, 0, 0));
}

// --- Provider hours ------------------------------------------------------------------------

#[test]
fn provider_hours_default_to_the_schedule_of_app1_row_7() {
    let hours = ProviderHours::default();
    assert_eq!(hours.time_zone(), Almaty);
    assert_eq!(
        hours.close_of(date(2025, 6, 2)),
        Ok(almaty(2025, 6, 2, 18, 30, 0))
    );
    // Almaty is UTC+5 since 1 March 2024.
    assert_eq!(
        hours.close_of(date(2025, 6, 2)),
        Ok(Utc
            .with_ymd_and_hms(2025, 6, 2, 13, 30, 0)
            .single()
            .expect("valid"))
    );
}

#[test]
fn provider_hours_out_of_order_are_rejected() {
    let time = |hour| NaiveTime::from_hms_opt(hour, 0, 0).expect("valid time");
    assert_eq!(
        ProviderHours::new(Almaty, time(18), time(9), time(13), time(14)),
        Err(CalendarError::ProviderHoursInvalid)
    );
    assert!(ProviderHours::new(Almaty, time(8), time(17), time(12), time(13)).is_ok());
}

#[test]
fn other_provider_hours_move_the_closing_time() {
    let time = |hour| NaiveTime::from_hms_opt(hour, 0, 0).expect("valid time");
    let hours =
        ProviderHours::new(Almaty, time(8), time(17), time(12), time(13)).expect("in order");
    let calendar = calendar().with_hours(hours);
    assert_eq!(
        calendar.acceptance_day(almaty(2025, 6, 2, 17, 0, 0)),
        Ok(date(2025, 6, 3))
    );
    assert_eq!(
        calendar.term_end(date(2025, 6, 2), 1),
        Ok(almaty(2025, 6, 3, 17, 0, 0))
    );
}

// --- Properties -----------------------------------------------------------------------------

/// A date from 1 January 2025 to about 30 November 2026, so that 20 working days stay in 2026.
fn covered_date() -> impl Strategy<Value = NaiveDate> {
    (0i64..=698).prop_map(|offset| date(2025, 1, 1) + Duration::days(offset))
}

/// An instant from 1 January 2025 to about 20 December 2026.
fn covered_instant() -> impl Strategy<Value = DateTime<Utc>> {
    (0i64..=(718 * 24 * 3600))
        .prop_map(|seconds| almaty(2025, 1, 1, 0, 0, 0) + Duration::seconds(seconds))
}

proptest! {
    #[test]
    fn add_working_days_gives_working_days_strictly_increasing_in_n(day in covered_date(), n in 1u32..20) {
        let calendar = calendar();
        let nth = calendar.add_working_days(day, n).expect("covered");
        let next = calendar.add_working_days(day, n + 1).expect("covered");
        prop_assert!(calendar.is_working_day(nth).expect("covered"));
        prop_assert!(day < nth && nth < next);
        prop_assert_eq!(calendar.working_days_between(day, nth).expect("covered"), n);
    }

    #[test]
    fn acceptance_day_is_a_working_day_not_before_the_local_date(received_at in covered_instant()) {
        let calendar = calendar();
        let accepted = calendar.acceptance_day(received_at).expect("covered");
        let local = received_at.with_timezone(&Almaty);
        prop_assert!(calendar.is_working_day(accepted).expect("covered"));
        prop_assert!(accepted >= local.date_naive());
        let within_hours = calendar.is_working_day(local.date_naive()).expect("covered")
            && local.time() < ProviderHours::DEFAULT_CLOSES;
        prop_assert_eq!(accepted == local.date_naive(), within_hours);
    }

    #[test]
    fn hearing_schedule_always_satisfies_both_limits(notice_at in covered_instant(), term_days in 1u32..4) {
        let calendar = calendar();
        let original_term_end = calendar.term_end(calendar.acceptance_day(notice_at).expect("covered"), term_days)
            .expect("covered");
        let schedule = calendar.hearing_schedule(notice_at, original_term_end, HearingSlot::default())
            .expect("covered");
        prop_assert!(calendar.hearing_is_within_limit(notice_at, schedule.hearing_at).expect("covered"));
        prop_assert!(calendar.hearing_notice_is_timely(notice_at, schedule.term_end).expect("covered"));
        prop_assert!(schedule.hearing_at < schedule.term_end);
        prop_assert!(schedule.term_end >= original_term_end);
    }
}
