//! The decision as a whole: rule set, "as of", terms, errors, trace, JSON.

use housing_domain::RuleCode;
use housing_domain::calendar::WorkingCalendar;
use housing_domain::eligibility::{
    AcquisitionBasis, DecisionOutcome, EvaluationError, NoRuleSetInForce, RuleSetVersion,
    Scheduling, evaluate, persons_to_query,
};

use crate::fixture::*;

#[test]
fn order_130_is_in_force_from_24_may_2025() {
    assert_eq!(
        RuleSetVersion::in_force_on(day(2025, 5, 24)),
        Ok(RuleSetVersion::Order130)
    );
    assert_eq!(
        RuleSetVersion::in_force_on(day(2025, 5, 23)),
        Err(NoRuleSetInForce {
            date: day(2025, 5, 23)
        })
    );
    assert_eq!(RuleSetVersion::Order130.id(), "ORDER-130");
    assert_eq!(
        serde_json::to_string(&RuleSetVersion::Order130).expect("serialise"),
        "\"ORDER-130\""
    );
}

#[test]
fn an_application_accepted_before_the_order_cannot_be_evaluated() {
    let scenario = Scenario::clean().accepted_on(day(2025, 5, 23));
    assert_eq!(
        scenario.try_decide(),
        Err(EvaluationError::NoRuleSetInForce(NoRuleSetInForce {
            date: day(2025, 5, 23)
        }))
    );
}

#[test]
fn the_decision_records_the_rule_set_and_the_acceptance_date() {
    let decision = Scenario::clean().decide();
    assert_eq!(decision.rule_set, RuleSetVersion::Order130);
    assert_eq!(decision.as_of, acceptance());
    assert_eq!(
        decision.outcome,
        DecisionOutcome::Register { category: None }
    );
    // Every rule of §1 (but the intake signature) and §2 is recorded.
    assert_eq!(decision.evaluations.len(), 20);
}

#[test]
fn a_register_decision_has_the_track_1_term_and_no_hearing() {
    let decision = Scenario::clean().decide();
    assert_eq!(decision.terms.processing_term, RuleCode::TermTrackNoHousing);
    assert_eq!(decision.terms.working_days, 1);
    // Tuesday 3 June 2025, 18:30 in Almaty (UTC+5).
    assert_eq!(
        decision.terms.term_end.to_rfc3339(),
        "2025-06-03T13:30:00+00:00"
    );
    assert!(decision.terms.hearing.is_none());
}

#[test]
fn a_track_2_decision_has_the_three_working_day_term() {
    let decision = Scenario::clean().emergency_track().decide();
    assert_eq!(decision.terms.processing_term, RuleCode::TermTrackEmergency);
    // 3, 4 and 5 June 2025 (6 June is Kurban Ait).
    assert_eq!(
        decision.terms.term_end.to_rfc3339(),
        "2025-06-05T13:30:00+00:00"
    );
}

#[test]
fn grounds_found_schedule_the_hearing_and_extend_the_term() {
    let decision = Scenario::clean()
        .owning(
            applicant(),
            "KR-1",
            karaganda(),
            day(2022, 1, 1),
            AcquisitionBasis::Purchase,
            None,
        )
        .decide();
    let hearing = decision.terms.hearing.expect("a hearing");
    assert_eq!(hearing.notice_day, acceptance());
    // Two working days after the notice, at 10:00 local.
    assert_eq!(hearing.hearing_at.to_rfc3339(), "2025-06-04T05:00:00+00:00");
    assert_eq!(hearing.term_end.to_rfc3339(), "2025-06-05T13:30:00+00:00");
    assert!(hearing.term_was_extended);
}

#[test]
fn evaluation_refuses_incomplete_facts_and_names_who_to_query() {
    let mut scenario = Scenario::clean().with_spouse(day(2015, 1, 1), None);
    scenario
        .facts
        .persons
        .retain(|person| person.iin != spouse());
    assert_eq!(
        persons_to_query(&scenario.application, &scenario.facts),
        [spouse()].into()
    );
    let error = scenario.try_decide().expect_err("facts are missing");
    assert_eq!(
        error,
        EvaluationError::FactsMissing {
            missing: vec![spouse()]
        }
    );
    // The message never carries the IIN.
    assert!(!error.to_string().contains(spouse().as_str()));
}

#[test]
fn evaluation_refuses_facts_of_another_day_and_a_wrong_acceptance_date() {
    let mut stale = Scenario::clean();
    stale.facts.as_of = day(2025, 5, 30);
    assert!(matches!(
        stale.try_decide(),
        Err(EvaluationError::FactsNotAsOfAcceptanceDate { .. })
    ));
    let mut wrong = Scenario::clean();
    wrong.application.submitted_at += chrono::Duration::hours(10);
    assert!(matches!(
        wrong.try_decide(),
        Err(EvaluationError::AcceptanceDateMismatch { .. })
    ));
}

#[test]
fn evaluation_refuses_a_calendar_without_the_year() {
    let scenario = Scenario::clean();
    let calendar = WorkingCalendar::without_years(Default::default());
    let result = evaluate(
        &scenario.application,
        &scenario.facts,
        RuleSetVersion::Order130,
        &Scheduling::new(&calendar, submitted_at()),
    );
    assert!(matches!(result, Err(EvaluationError::Calendar(_))));
}

#[test]
fn the_trace_names_roles_and_rules_but_no_iin() {
    let mut scenario = Scenario::clean()
        .with_spouse(day(2015, 1, 1), None)
        .with_child(first_child(), day(2016, 1, 1))
        .owning(
            spouse(),
            "KR-1",
            karaganda(),
            day(2022, 1, 1),
            AcquisitionBasis::Purchase,
            None,
        );
    scenario.application.stated_category =
        Some(housing_domain::eligibility::SocialCategory::LargeFamily);
    let decision = scenario.decide();
    let trace = decision.trace();
    for iin in [applicant(), spouse(), first_child()] {
        assert!(
            !trace.contains(iin.as_str()),
            "the trace leaks an IIN:\n{trace}"
        );
    }
    assert!(!format!("{decision:?}").contains(spouse().as_str()));
    assert!(trace.contains("ORDER-130"));
    assert!(trace.contains("as of 2025-06-02"));
    assert!(trace.contains("Family: applicant, spouse (register), child 1 (register)"));
    assert!(trace.contains("OWNED_HOUSING_LAST_5_YEARS HOLDS"));
    assert!(trace.contains("real-estate register, spouse, property KR-1, 2022-01-01"));
    assert!(trace.contains("HEARING"));
    for evaluation in &decision.evaluations {
        assert!(trace.contains(evaluation.code.as_str()));
    }
}

#[test]
fn a_decision_round_trips_through_json() {
    let decision = Scenario::clean()
        .emergency_track()
        .with_spouse(day(2015, 1, 1), None)
        .owning(
            spouse(),
            "KR-1",
            karaganda(),
            day(2022, 1, 1),
            AcquisitionBasis::StateMortgageProgramme {
                programme: String::from("Nurly Zher"),
            },
            None,
        )
        .decide();
    let json = serde_json::to_string(&decision).expect("serialise");
    let back: housing_domain::eligibility::Decision =
        serde_json::from_str(&json).expect("deserialise");
    assert_eq!(back, decision);
    let facts_json =
        serde_json::to_string(&Scenario::clean().emergency_track().facts).expect("facts");
    let facts_back: housing_domain::eligibility::RegistryFacts =
        serde_json::from_str(&facts_json).expect("facts back");
    assert_eq!(facts_back, Scenario::clean().emergency_track().facts);
}

#[test]
fn the_trace_lists_every_rule_with_its_outcome_and_facts_by_role() {
    let mut scenario = Scenario::clean()
        .emergency_track()
        .with_spouse(day(2015, 1, 1), None)
        .with_child(first_child(), day(2016, 1, 1))
        .owning(
            spouse(),
            "KR-1",
            temirtau(),
            day(2022, 1, 1),
            AcquisitionBasis::Purchase,
            None,
        );
    scenario.application.locality = astana();
    let trace = scenario.decide().trace();
    for code in housing_domain::RuleCode::ALL
        .iter()
        .filter(|code| {
            matches!(
                code.kind(),
                housing_domain::codes::CodeKind::Requirement
                    | housing_domain::codes::CodeKind::Ground
            )
        })
        .filter(|code| **code != housing_domain::RuleCode::SignedWithEds)
    {
        assert!(
            trace
                .lines()
                .any(|line| line.trim_start().starts_with(code.as_str())),
            "{code} missing from the trace:\n{trace}"
        );
    }
    assert!(
        trace.contains("Family: applicant, spouse (register), child 1 (register)"),
        "{trace}"
    );
    assert!(
        trace.contains("EMERGENCY_HOME_IN_OTHER_LOCALITY HOLDS"),
        "{trace}"
    );
    assert!(
        trace.contains("real-estate register, spouse, property KR-1"),
        "{trace}"
    );
    assert!(trace.contains("HEARING: notice"), "{trace}");
    assert!(
        !trace
            .chars()
            .collect::<Vec<_>>()
            .windows(12)
            .any(|w| w.iter().all(char::is_ascii_digit)),
        "no 12-digit run (an IIN) in the trace"
    );
}
