//! Complaints (rules.md §4): the route, the terms, forwarding, due-soon
//! classification and the final answer's route to court.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use chrono_tz::Asia::Almaty;
use housing_domain::RuleCode;
use housing_domain::calendar::{CalendarError, WorkingCalendar};
use housing_domain::complaint::{
    AppealedConduct, ComplaintOutcome, ComplaintRoute, ComplaintRouteError, ComplaintSubject,
    ComplaintTermStatus, CourtAccess, FinalAnswer, ForwardingFacts, ForwardingStatus,
    PretrialStage, Respondent, answer_deadline, court_access, due_soon_before, forwarding_status,
    registration_day, route_to_provider, term_status,
};

fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).expect("a valid test date")
}

/// An instant given as Almaty wall-clock time.
fn almaty(year: i32, month: u32, day: u32, hour: u32, minute: u32) -> DateTime<Utc> {
    Almaty
        .with_ymd_and_hms(year, month, day, hour, minute, 0)
        .single()
        .expect("Almaty has no clock changes since 2024")
        .with_timezone(&Utc)
}

fn calendar() -> WorkingCalendar {
    WorkingCalendar::builtin()
}

// --- COMPLAINT_TO_PROVIDER -------------------------------------------------------------------

#[test]
fn complaint_to_provider_holds_for_a_decision_of_the_provider() {
    let subject = ComplaintSubject {
        respondent: Respondent::ServiceProvider,
        conduct: AppealedConduct::Decision,
    };
    assert_eq!(route_to_provider(&subject), Ok(ComplaintRoute::ToProvider));
}

#[test]
fn complaint_to_provider_holds_for_an_inaction_of_an_employee() {
    let subject = ComplaintSubject {
        respondent: Respondent::ProviderEmployee,
        conduct: AppealedConduct::Inaction,
    };
    assert_eq!(route_to_provider(&subject), Ok(ComplaintRoute::ToProvider));
}

#[test]
fn complaint_to_provider_fails_for_a_complaint_against_another_body() {
    let subject = ComplaintSubject {
        respondent: Respondent::OtherBody,
        conduct: AppealedConduct::Action,
    };
    assert_eq!(
        route_to_provider(&subject),
        Err(ComplaintRouteError::NotAgainstProvider)
    );
}

// --- Registration -------------------------------------------------------------------------

#[test]
fn a_complaint_received_after_hours_is_registered_the_next_working_day() {
    assert_eq!(
        registration_day(&calendar(), almaty(2025, 6, 5, 18, 45)),
        Ok(date(2025, 6, 9))
    );
    assert_eq!(
        registration_day(&calendar(), almaty(2025, 6, 5, 18, 15)),
        Ok(date(2025, 6, 5))
    );
}

// --- COMPLAINT_PROVIDER_TERM -----------------------------------------------------------------

#[test]
fn complaint_provider_term_holds_answer_on_the_fifth_working_day() {
    // Registered Monday 2 June 2025: Tue 3, Wed 4, Thu 5, (Fri 6 Kurban Ait), Mon 9, Tue 10.
    let deadline = answer_deadline(
        &calendar(),
        ComplaintRoute::ToProvider,
        almaty(2025, 6, 2, 10, 0),
    )
    .expect("covered");
    assert_eq!(deadline.rule_code(), RuleCode::ComplaintProviderTerm);
    assert_eq!(deadline.registration_day, date(2025, 6, 2));
    assert_eq!(deadline.answer_due, almaty(2025, 6, 10, 18, 30));
    assert!(deadline.is_met_by(almaty(2025, 6, 10, 18, 0)));
}

#[test]
fn complaint_provider_term_holds_from_the_next_working_day_when_received_after_hours() {
    // Received Thursday 5 June 2025 at 19:00 → registered Monday 9 → due Monday 16.
    let deadline = answer_deadline(
        &calendar(),
        ComplaintRoute::ToProvider,
        almaty(2025, 6, 5, 19, 0),
    )
    .expect("covered");
    assert_eq!(deadline.registration_day, date(2025, 6, 9));
    assert_eq!(deadline.answer_due, almaty(2025, 6, 16, 18, 30));
}

#[test]
fn complaint_provider_term_fails_answer_after_the_fifth_working_day() {
    let deadline = answer_deadline(
        &calendar(),
        ComplaintRoute::ToProvider,
        almaty(2025, 6, 2, 10, 0),
    )
    .expect("covered");
    assert!(!deadline.is_met_by(almaty(2025, 6, 11, 9, 0)));
}

#[test]
fn complaint_provider_term_fails_for_a_complaint_received_by_the_quality_body() {
    assert_ne!(
        ComplaintRoute::ToQualityBody.answer_term_rule_code(),
        RuleCode::ComplaintProviderTerm
    );
    assert_eq!(ComplaintRoute::ToQualityBody.answer_term_working_days(), 15);
}

// --- COMPLAINT_QUALITY_BODY_TERM -------------------------------------------------------------

#[test]
fn complaint_quality_body_term_holds_fifteen_working_days_past_independence_day() {
    // Registered Monday 1 December 2025; 16 December (Tuesday) is a holiday → due Tuesday 23.
    let deadline = answer_deadline(
        &calendar(),
        ComplaintRoute::ToQualityBody,
        almaty(2025, 12, 1, 10, 0),
    )
    .expect("covered");
    assert_eq!(deadline.rule_code(), RuleCode::ComplaintQualityBodyTerm);
    assert_eq!(deadline.answer_due, almaty(2025, 12, 23, 18, 30));
    assert!(deadline.is_met_by(almaty(2025, 12, 23, 18, 30)));
}

#[test]
fn complaint_quality_body_term_fails_answer_on_the_sixteenth_working_day() {
    let deadline = answer_deadline(
        &calendar(),
        ComplaintRoute::ToQualityBody,
        almaty(2025, 12, 1, 10, 0),
    )
    .expect("covered");
    assert!(!deadline.is_met_by(almaty(2025, 12, 24, 10, 0)));
}

#[test]
fn complaint_quality_body_term_fails_for_a_complaint_the_provider_handles() {
    assert_ne!(
        ComplaintRoute::ToProvider.answer_term_rule_code(),
        RuleCode::ComplaintQualityBodyTerm
    );
    assert_eq!(ComplaintRoute::ToProvider.answer_term_working_days(), 5);
}

#[test]
fn a_term_running_into_a_year_without_data_is_an_error() {
    assert_eq!(
        answer_deadline(
            &calendar(),
            ComplaintRoute::ToQualityBody,
            almaty(2026, 12, 10, 10, 0)
        ),
        Err(CalendarError::YearNotCovered(2027))
    );
}

// --- COMPLAINT_FORWARD_TERM ------------------------------------------------------------------

/// Received Monday 2 June 2025 at 10:00: forward by Thursday 5 June at 18:30.
fn facts(
    fully_satisfied_at: Option<DateTime<Utc>>,
    forwarded_at: Option<DateTime<Utc>>,
) -> ForwardingFacts {
    ForwardingFacts {
        received_at: almaty(2025, 6, 2, 10, 0),
        fully_satisfied_at,
        forwarded_at,
    }
}

#[test]
fn complaint_forward_term_holds_not_forwarded_is_due_then_overdue() {
    let deadline = almaty(2025, 6, 5, 18, 30);
    let calendar = calendar();
    assert_eq!(
        forwarding_status(&calendar, &facts(None, None), almaty(2025, 6, 4, 12, 0)),
        Ok(ForwardingStatus::Due { deadline })
    );
    assert_eq!(
        forwarding_status(&calendar, &facts(None, None), almaty(2025, 6, 5, 18, 31)),
        Ok(ForwardingStatus::Overdue { deadline })
    );
}

#[test]
fn complaint_forward_term_holds_when_full_satisfaction_comes_after_the_three_days() {
    let late_satisfaction = Some(almaty(2025, 6, 9, 10, 0));
    assert_eq!(
        forwarding_status(
            &calendar(),
            &facts(late_satisfaction, None),
            almaty(2025, 6, 9, 11, 0)
        ),
        Ok(ForwardingStatus::Overdue {
            deadline: almaty(2025, 6, 5, 18, 30)
        })
    );
}

#[test]
fn complaint_forward_term_holds_forwarded_on_the_third_working_day_is_in_time() {
    let forwarded_at = almaty(2025, 6, 5, 17, 0);
    assert_eq!(
        forwarding_status(
            &calendar(),
            &facts(None, Some(forwarded_at)),
            almaty(2025, 6, 9, 10, 0)
        ),
        Ok(ForwardingStatus::Forwarded {
            forwarded_at,
            deadline: almaty(2025, 6, 5, 18, 30),
            in_time: true
        })
    );
}

#[test]
fn complaint_forward_term_fails_when_fully_satisfied_within_three_working_days() {
    let fully_satisfied_at = almaty(2025, 6, 4, 15, 0);
    assert_eq!(
        forwarding_status(
            &calendar(),
            &facts(Some(fully_satisfied_at), None),
            almaty(2025, 6, 20, 10, 0)
        ),
        Ok(ForwardingStatus::NotRequired { fully_satisfied_at })
    );
}

#[test]
fn forwarded_after_the_deadline_is_recorded_as_late() {
    let forwarded_at = almaty(2025, 6, 9, 9, 0);
    assert!(matches!(
        forwarding_status(&calendar(), &facts(None, Some(forwarded_at)), forwarded_at),
        Ok(ForwardingStatus::Forwarded { in_time: false, .. })
    ));
}

// --- Due soon / overdue -------------------------------------------------------------------

#[test]
fn term_status_counts_working_days_left() {
    let calendar = calendar();
    // Due Tuesday 10 June 2025 at 18:30.
    let due = almaty(2025, 6, 10, 18, 30);
    let status = |now, within| term_status(&calendar, due, now, within).expect("covered");
    assert_eq!(
        status(almaty(2025, 6, 2, 10, 0), 1),
        ComplaintTermStatus::OnTime
    );
    // Friday 6 (Kurban Ait) and Saturday 7: Monday 9 and Tuesday 10 are left.
    assert_eq!(
        status(almaty(2025, 6, 6, 10, 0), 1),
        ComplaintTermStatus::OnTime
    );
    assert_eq!(
        status(almaty(2025, 6, 7, 10, 0), 2),
        ComplaintTermStatus::DueSoon
    );
    assert_eq!(
        status(almaty(2025, 6, 9, 10, 0), 1),
        ComplaintTermStatus::DueSoon
    );
    assert_eq!(
        status(almaty(2025, 6, 9, 10, 0), 0),
        ComplaintTermStatus::OnTime
    );
    assert_eq!(
        status(almaty(2025, 6, 10, 18, 30), 0),
        ComplaintTermStatus::DueSoon
    );
    assert_eq!(
        status(almaty(2025, 6, 10, 18, 31), 5),
        ComplaintTermStatus::Overdue
    );
}

#[test]
fn due_soon_before_agrees_with_term_status_for_every_open_term() {
    let calendar = calendar();
    // Every close of hours from 2 to 20 June 2025 (Kurban Ait on the 6th), seen
    // from every hour of 1 to 12 June, with thresholds 0 to 3.
    for within in 0..=3 {
        for now_day in 1..=12 {
            for now_hour in [0, 9, 13, 18, 23] {
                let now = almaty(2025, 6, now_day, now_hour, 45);
                let cutoff = due_soon_before(&calendar, now, within).expect("covered");
                for due_day in 2..=20 {
                    let due = almaty(2025, 6, due_day, 18, 30);
                    if now > due {
                        continue;
                    }
                    let status = term_status(&calendar, due, now, within).expect("covered");
                    assert_eq!(
                        status == ComplaintTermStatus::DueSoon,
                        due < cutoff,
                        "due {due}, now {now}, within {within}"
                    );
                }
            }
        }
    }
}

// --- COURT_AFTER_PRETRIAL --------------------------------------------------------------------

#[test]
fn court_after_pretrial_holds_every_final_answer_names_the_route_to_court() {
    for outcome in [
        ComplaintOutcome::Satisfied,
        ComplaintOutcome::PartiallySatisfied,
        ComplaintOutcome::Rejected,
    ] {
        let answer = FinalAnswer::new(
            ComplaintRoute::ToProvider,
            outcome,
            almaty(2025, 6, 9, 12, 0),
        );
        assert_eq!(
            answer.court_route().rule_code(),
            RuleCode::CourtAfterPretrial
        );
        assert!(answer.court_route().text().contains("court"));
        assert_eq!(court_access(answer.pretrial_stage()), CourtAccess::Open);
    }
}

#[test]
fn court_after_pretrial_holds_when_a_law_provides_otherwise() {
    assert_eq!(
        court_access(PretrialStage::NotRequiredByLaw),
        CourtAccess::Open
    );
}

#[test]
fn court_after_pretrial_fails_while_the_complaint_is_pending() {
    assert_eq!(
        court_access(PretrialStage::Pending),
        CourtAccess::AfterPretrialProcedure
    );
    assert_eq!(
        court_access(PretrialStage::NotFiled),
        CourtAccess::AfterPretrialProcedure
    );
}
