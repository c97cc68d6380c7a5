//! Track 2: TRACK_EMERGENCY_HOME, EMERGENCY_HOME_IN_OTHER_LOCALITY, and the
//! report's inaccuracies.

use housing_domain::RuleCode;
use housing_domain::eligibility::{
    AcquisitionBasis, EmergencyRecognition, Observation, RuleOutcome,
};

use crate::fixture::*;

fn has_observation(
    decision: &housing_domain::eligibility::Decision,
    code: RuleCode,
    wanted: fn(&Observation) -> bool,
) -> bool {
    evaluation(decision, code)
        .facts
        .iter()
        .any(|fact| wanted(&fact.observation))
}

#[test]
fn track_emergency_home_holds_with_a_report_by_an_expert_certified_on_the_report_date() {
    let decision = Scenario::clean().emergency_track().decide();
    assert_eq!(
        decision.outcome_of(RuleCode::TrackEmergencyHome),
        RuleOutcome::Holds
    );
    assert_eq!(
        decision.outcome_of(RuleCode::TrackNoHousing),
        RuleOutcome::NotApplicable
    );
    assert!(decision.grounds().is_empty(), "{}", decision.trace());
}

#[test]
fn track_emergency_home_holds_when_the_certificate_ends_on_the_report_date() {
    let mut scenario = Scenario::clean().emergency_track();
    scenario.facts.certified_experts[0].valid_to = Some(day(2025, 5, 20));
    assert_eq!(
        scenario.decide().outcome_of(RuleCode::TrackEmergencyHome),
        RuleOutcome::Holds
    );
}

#[test]
fn track_emergency_home_fails_when_the_certificate_ended_the_day_before_the_report() {
    let mut scenario = Scenario::clean().emergency_track();
    scenario.facts.certified_experts[0].valid_to = Some(day(2025, 5, 19));
    let decision = scenario.decide();
    assert_eq!(
        decision.outcome_of(RuleCode::TrackEmergencyHome),
        RuleOutcome::Fails
    );
    assert_eq!(grounds(&decision), vec![RuleCode::InaccurateData]);
    assert!(has_observation(
        &decision,
        RuleCode::InaccurateData,
        |observation| matches!(
            observation,
            Observation::ExpertCertificate {
                valid_on_report_date: false,
                ..
            }
        )
    ));
}

#[test]
fn track_emergency_home_fails_when_the_certificate_starts_the_day_after_the_report() {
    let mut scenario = Scenario::clean().emergency_track();
    scenario.facts.certified_experts[0].valid_from = day(2025, 5, 21);
    assert_eq!(grounds(&scenario.decide()), vec![RuleCode::InaccurateData]);
}

#[test]
fn track_emergency_home_fails_without_a_technical_report() {
    let mut scenario = Scenario::clean().emergency_track();
    scenario.application.technical_report = None;
    let decision = scenario.decide();
    assert_eq!(
        decision.outcome_of(RuleCode::TrackEmergencyHome),
        RuleOutcome::Fails
    );
    assert_eq!(grounds(&decision), vec![RuleCode::RequirementsNotMet]);
    assert_eq!(
        decision.grounds()[0].failed_requirements,
        vec![RuleCode::TrackEmergencyHome]
    );
    assert!(has_observation(
        &decision,
        RuleCode::RequirementsNotMet,
        |observation| { *observation == Observation::TechnicalReportMissing }
    ));
}

#[test]
fn track_emergency_home_fails_when_no_dwelling_is_recognised_as_emergency() {
    let mut scenario = Scenario::clean().emergency_track();
    scenario.facts.emergency_recognitions.clear();
    let decision = scenario.decide();
    assert_eq!(grounds(&decision), vec![RuleCode::RequirementsNotMet]);
    assert_eq!(
        decision.grounds()[0].failed_requirements,
        vec![RuleCode::TrackEmergencyHome]
    );
}

#[test]
fn track_emergency_home_fails_when_the_recognition_comes_after_the_acceptance_date() {
    let mut scenario = Scenario::clean().emergency_track();
    scenario.facts.emergency_recognitions[0].recognised_on = day(2025, 6, 3);
    assert_eq!(
        scenario.decide().outcome_of(RuleCode::TrackEmergencyHome),
        RuleOutcome::Fails
    );
}

#[test]
fn track_emergency_home_fails_when_the_family_owns_another_dwelling() {
    let decision = Scenario::clean()
        .emergency_track()
        .with_spouse(day(2012, 1, 1), None)
        .owning(
            spouse(),
            "OTHER-1",
            temirtau(),
            day(2015, 1, 1),
            AcquisitionBasis::Purchase,
            None,
        )
        .decide();
    assert_eq!(grounds(&decision), vec![RuleCode::RequirementsNotMet]);
    assert!(
        decision.grounds()[0]
            .facts
            .iter()
            .any(|fact| fact.observation == Observation::AnotherDwellingOwned
                && fact.property == Some(cadastral("OTHER-1")))
    );
}

#[test]
fn track_emergency_home_fails_when_the_report_is_for_another_dwelling() {
    let mut scenario = Scenario::clean().emergency_track();
    let report = scenario
        .application
        .technical_report
        .as_mut()
        .expect("report");
    report.cadastral_number = cadastral("ELSEWHERE-1");
    scenario.facts.technical_reports[0].cadastral_number = cadastral("ELSEWHERE-1");
    let decision = scenario.decide();
    assert_eq!(
        decision.outcome_of(RuleCode::TrackEmergencyHome),
        RuleOutcome::Fails
    );
    assert_eq!(grounds(&decision), vec![RuleCode::InaccurateData]);
    assert!(has_observation(
        &decision,
        RuleCode::InaccurateData,
        |observation| { *observation == Observation::ReportForAnotherDwelling }
    ));
}

#[test]
fn inaccurate_data_holds_when_the_report_is_not_on_record() {
    let mut scenario = Scenario::clean().emergency_track();
    scenario.facts.technical_reports.clear();
    let decision = scenario.decide();
    assert_eq!(grounds(&decision), vec![RuleCode::InaccurateData]);
}

#[test]
fn inaccurate_data_holds_when_the_report_differs_from_the_one_on_record() {
    let mut scenario = Scenario::clean().emergency_track();
    scenario.facts.technical_reports[0].expert_certificate_number = String::from("EXP-2");
    assert_eq!(grounds(&scenario.decide()), vec![RuleCode::InaccurateData]);
}

#[test]
fn inaccurate_data_holds_when_the_expert_certificate_is_unknown() {
    let mut scenario = Scenario::clean().emergency_track();
    scenario.facts.certified_experts.clear();
    assert_eq!(grounds(&scenario.decide()), vec![RuleCode::InaccurateData]);
}

// ---- EMERGENCY_HOME_IN_OTHER_LOCALITY ----------------------------------------

#[test]
fn emergency_home_in_other_locality_holds_when_applying_elsewhere() {
    let mut scenario = Scenario::clean().emergency_track();
    scenario.application.locality = temirtau();
    let decision = scenario.decide();
    assert_eq!(
        grounds(&decision),
        vec![RuleCode::EmergencyHomeInOtherLocality]
    );
    let fact = decision.grounds()[0]
        .facts
        .iter()
        .find(|fact| {
            matches!(
                fact.observation,
                Observation::EmergencyHomeInAnotherLocality { .. }
            )
        })
        .expect("the locality fact");
    assert_eq!(fact.property, Some(cadastral("EMERG-1")));
}

#[test]
fn emergency_home_in_other_locality_holds_even_without_a_report() {
    let mut scenario = Scenario::clean().emergency_track();
    scenario.application.locality = temirtau();
    scenario.application.technical_report = None;
    assert_eq!(
        grounds(&scenario.decide()),
        vec![
            RuleCode::EmergencyHomeInOtherLocality,
            RuleCode::RequirementsNotMet
        ]
    );
}

#[test]
fn emergency_home_in_other_locality_fails_when_applying_where_the_home_is() {
    let decision = Scenario::clean().emergency_track().decide();
    assert_eq!(
        decision.outcome_of(RuleCode::EmergencyHomeInOtherLocality),
        RuleOutcome::Fails
    );
}

#[test]
fn emergency_home_in_other_locality_fails_for_a_district_of_the_same_city() {
    let mut scenario = Scenario::clean().emergency_track();
    scenario.application.locality = astana_district();
    scenario
        .application
        .technical_report
        .as_mut()
        .expect("report")
        .locality = astana();
    scenario.facts.emergency_recognitions = vec![EmergencyRecognition {
        act_number: String::from("ACT-8"),
        recognised_on: day(2024, 1, 1),
        locality: astana(),
        cadastral_number: cadastral("EMERG-1"),
    }];
    scenario.applicant_mut().domicile_history.push(
        housing_domain::eligibility::DomicileRegistration {
            locality: astana(),
            registered_from: day(2000, 1, 1),
            registered_to: None,
        },
    );
    let decision = scenario.decide();
    assert_eq!(
        decision.outcome_of(RuleCode::EmergencyHomeInOtherLocality),
        RuleOutcome::Fails
    );
    assert!(decision.grounds().is_empty(), "{}", decision.trace());
}
