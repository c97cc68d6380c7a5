//! DELIBERATE_DETERIORATION (track 2, five years).

use housing_domain::RuleCode;
use housing_domain::eligibility::{
    AcquisitionBasis, Alienation, AlienationBasis, HouseholdResident, HousingConduct,
    HousingConductRecord, RegisteredHousehold, ResidentRelation, RuleOutcome,
};

use crate::fixture::*;

fn emergency_applicant_who_alienated(
    alienated_on: chrono::NaiveDate,
    basis: AlienationBasis,
    habitable: bool,
) -> Scenario {
    Scenario::clean().emergency_track().owning(
        applicant(),
        "OLD-1",
        temirtau(),
        day(2008, 8, 8),
        AcquisitionBasis::Purchase,
        Some(Alienation {
            alienated_on,
            basis,
            habitable_at_alienation: habitable,
        }),
    )
}

#[test]
fn deliberate_deterioration_holds_after_selling_a_habitable_dwelling_exactly_five_years_back() {
    let decision =
        emergency_applicant_who_alienated(day(2020, 6, 2), AlienationBasis::Sale, true).decide();
    assert_eq!(grounds(&decision), vec![RuleCode::DeliberateDeterioration]);
    assert_eq!(
        decision.grounds()[0].facts[0].property,
        Some(cadastral("OLD-1"))
    );
}

#[test]
fn deliberate_deterioration_fails_after_a_sale_the_day_before_the_five_years() {
    let decision =
        emergency_applicant_who_alienated(day(2020, 6, 1), AlienationBasis::Sale, true).decide();
    assert_eq!(
        decision.outcome_of(RuleCode::DeliberateDeterioration),
        RuleOutcome::Fails
    );
    assert!(decision.grounds().is_empty());
}

#[test]
fn deliberate_deterioration_fails_when_the_local_executive_body_acquired_the_dwelling() {
    let decision = emergency_applicant_who_alienated(
        day(2023, 1, 1),
        AlienationBasis::AcquiredByLocalExecutiveBody,
        true,
    )
    .decide();
    assert_eq!(
        decision.outcome_of(RuleCode::DeliberateDeterioration),
        RuleOutcome::Fails
    );
}

#[test]
fn deliberate_deterioration_fails_when_the_sold_dwelling_was_not_habitable() {
    let decision =
        emergency_applicant_who_alienated(day(2023, 1, 1), AlienationBasis::Gift, false).decide();
    assert_eq!(
        decision.outcome_of(RuleCode::DeliberateDeterioration),
        RuleOutcome::Fails
    );
}

#[test]
fn deliberate_deterioration_holds_after_an_exchange() {
    let decision =
        emergency_applicant_who_alienated(day(2023, 1, 1), AlienationBasis::Exchange, false)
            .decide();
    assert_eq!(grounds(&decision), vec![RuleCode::DeliberateDeterioration]);
}

#[test]
fn deliberate_deterioration_holds_after_destroying_the_home_through_own_fault() {
    let mut scenario = Scenario::clean().emergency_track();
    scenario
        .applicant_mut()
        .housing_conduct
        .push(HousingConductRecord {
            kind: HousingConduct::DestroyedOrDamagedThroughOwnFault,
            cadastral_number: Some(cadastral("EMERG-1")),
            on: day(2024, 2, 2),
        });
    let decision = scenario.decide();
    assert_eq!(grounds(&decision), vec![RuleCode::DeliberateDeterioration]);
}

#[test]
fn deliberate_deterioration_holds_after_moving_out_of_a_dwelling_without_need() {
    let mut scenario = Scenario::clean().emergency_track();
    scenario
        .applicant_mut()
        .housing_conduct
        .push(HousingConductRecord {
            kind: HousingConduct::MovedOutWhereNotInNeed,
            cadastral_number: Some(cadastral("PARENTS-1")),
            on: day(2021, 2, 2),
        });
    assert_eq!(
        grounds(&scenario.decide()),
        vec![RuleCode::DeliberateDeterioration]
    );
}

#[test]
fn deliberate_deterioration_fails_for_moving_out_six_years_ago() {
    let mut scenario = Scenario::clean().emergency_track();
    scenario
        .applicant_mut()
        .housing_conduct
        .push(HousingConductRecord {
            kind: HousingConduct::MovedOutWhereNotInNeed,
            cadastral_number: Some(cadastral("PARENTS-1")),
            on: day(2019, 2, 2),
        });
    assert!(scenario.decide().grounds().is_empty());
}

fn accommodating(relation: ResidentRelation) -> Scenario {
    let mut scenario = Scenario::clean().emergency_track();
    scenario.facts.households.push(RegisteredHousehold {
        cadastral_number: cadastral("EMERG-1"),
        residents: vec![
            HouseholdResident {
                iin: applicant(),
                relation_to_applicant: ResidentRelation::Applicant,
                registered_from: day(2010, 4, 1),
                registered_to: None,
            },
            HouseholdResident {
                iin: person(30),
                relation_to_applicant: relation,
                registered_from: day(2022, 9, 1),
                registered_to: None,
            },
        ],
    });
    scenario
}

#[test]
fn deliberate_deterioration_holds_when_accommodating_a_person_outside_the_family() {
    let decision = accommodating(ResidentRelation::Other).decide();
    assert_eq!(grounds(&decision), vec![RuleCode::DeliberateDeterioration]);
    let fact = &decision.grounds()[0].facts[0];
    assert_eq!(
        fact.person.map(|person| person.role),
        Some(housing_domain::eligibility::PersonRole::Resident(1))
    );
}

#[test]
fn deliberate_deterioration_fails_when_accommodating_a_disabled_parent() {
    let decision = accommodating(ResidentRelation::DisabledParent).decide();
    assert_eq!(
        decision.outcome_of(RuleCode::DeliberateDeterioration),
        RuleOutcome::Fails
    );
}

#[test]
fn deliberate_deterioration_fails_as_not_applicable_on_track_1() {
    let decision = Scenario::clean().decide();
    assert_eq!(
        decision.outcome_of(RuleCode::DeliberateDeterioration),
        RuleOutcome::NotApplicable
    );
}
