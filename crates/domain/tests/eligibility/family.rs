//! The family considered, and INACCURATE_DATA from declarations.

use housing_domain::RuleCode;
use housing_domain::eligibility::{
    DeclaredRelation, FamilySource, IdentityRecord, Observation, PersonRole, Representative,
    RepresentativeCapacity, RuleOutcome,
};

use crate::fixture::*;

fn family_iins(decision: &housing_domain::eligibility::Decision) -> Vec<housing_domain::Iin> {
    decision
        .family
        .iter()
        .map(|member| member.person.iin)
        .collect()
}

#[test]
fn the_spouse_is_family_when_the_marriage_is_dissolved_after_the_acceptance_date() {
    let decision = Scenario::clean()
        .with_spouse(day(2015, 1, 1), Some(day(2025, 6, 3)))
        .decide();
    assert_eq!(family_iins(&decision), vec![spouse()]);
    assert_eq!(decision.family[0].person.role, PersonRole::Spouse);
}

#[test]
fn the_spouse_is_not_family_when_the_marriage_is_dissolved_before_the_acceptance_date() {
    let decision = Scenario::clean()
        .with_spouse(day(2015, 1, 1), Some(day(2025, 6, 1)))
        .decide();
    assert!(decision.family.is_empty());
}

#[test]
fn the_spouse_is_not_family_when_the_marriage_is_dissolved_on_the_acceptance_date() {
    let decision = Scenario::clean()
        .with_spouse(day(2015, 1, 1), Some(acceptance()))
        .decide();
    assert!(decision.family.is_empty());
}

#[test]
fn a_child_turning_18_on_the_acceptance_date_is_not_register_family() {
    let decision = Scenario::clean()
        .with_child(first_child(), day(2007, 6, 2))
        .with_child(second_child(), day(2007, 6, 3))
        .decide();
    assert_eq!(family_iins(&decision), vec![second_child()]);
    assert_eq!(decision.family[0].person.role, PersonRole::Child(1));
}

#[test]
fn a_declared_member_the_register_shows_is_marked_as_both() {
    let decision = Scenario::clean()
        .with_spouse(day(2015, 1, 1), None)
        .declaring(spouse(), DeclaredRelation::Spouse)
        .decide();
    assert_eq!(decision.family[0].source, FamilySource::RegisterAndDeclared);
    assert_eq!(
        decision.outcome_of(RuleCode::InaccurateData),
        RuleOutcome::Fails
    );
}

#[test]
fn inaccurate_data_holds_when_the_declared_spouse_is_not_married_to_the_applicant() {
    let mut scenario = Scenario::clean().declaring(spouse(), DeclaredRelation::Spouse);
    scenario.add_person(spouse(), day(1991, 3, 3));
    scenario
        .application
        .consents
        .personal_data_consent_given_by
        .insert(spouse());
    let decision = scenario.decide();
    assert_eq!(grounds(&decision), vec![RuleCode::InaccurateData]);
    let ground = &decision.grounds()[0];
    assert!(ground.facts.iter().any(|fact| matches!(
        fact.observation,
        Observation::DeclaredMemberContradictsRegister {
            declared_relation: DeclaredRelation::Spouse
        }
    ) && fact.person.map(|person| person.iin)
        == Some(spouse())));
    // Declared members are checked the same way: the spouse is in the family.
    assert_eq!(family_iins(&decision), vec![spouse()]);
}

#[test]
fn inaccurate_data_holds_when_a_spouse_of_a_dissolved_marriage_is_declared() {
    let decision = Scenario::clean()
        .with_spouse(day(2015, 1, 1), Some(day(2024, 1, 1)))
        .declaring(spouse(), DeclaredRelation::Spouse)
        .decide();
    assert_eq!(grounds(&decision), vec![RuleCode::InaccurateData]);
}

#[test]
fn inaccurate_data_holds_when_the_declared_child_has_no_birth_record() {
    let mut scenario = Scenario::clean().declaring(first_child(), DeclaredRelation::Child);
    scenario.add_person(first_child(), day(2015, 5, 5));
    let decision = scenario.decide();
    assert_eq!(grounds(&decision), vec![RuleCode::InaccurateData]);
}

#[test]
fn inaccurate_data_holds_when_a_declared_member_is_not_in_the_identity_register() {
    let mut scenario = Scenario::clean().declaring(person(20), DeclaredRelation::Other);
    scenario.add_person(person(20), day(1950, 1, 1)).identity = IdentityRecord::NotFound;
    scenario
        .application
        .consents
        .personal_data_consent_given_by
        .insert(person(20));
    let decision = scenario.decide();
    assert_eq!(grounds(&decision), vec![RuleCode::InaccurateData]);
    assert!(
        decision.grounds()[0]
            .facts
            .iter()
            .any(|fact| fact.observation == Observation::DeclaredMemberNotFound)
    );
}

#[test]
fn inaccurate_data_holds_when_a_legal_representative_of_a_minor_files_for_an_adult() {
    let mut scenario = Scenario::clean();
    scenario.application.representative = Some(Representative {
        iin: representative(),
        capacity: RepresentativeCapacity::LegalRepresentativeOfMinor,
    });
    let decision = scenario.decide();
    assert_eq!(grounds(&decision), vec![RuleCode::InaccurateData]);
}

#[test]
fn inaccurate_data_fails_when_the_register_spouse_is_not_declared_and_is_still_checked() {
    // Omitting a spouse gains nothing: the register family is always checked.
    let decision = Scenario::clean()
        .with_spouse(day(2015, 1, 1), None)
        .owning(
            spouse(),
            "KR-1",
            karaganda(),
            day(2023, 1, 1),
            housing_domain::eligibility::AcquisitionBasis::Purchase,
            None,
        )
        .decide();
    assert_eq!(
        decision.outcome_of(RuleCode::InaccurateData),
        RuleOutcome::Fails
    );
    assert_eq!(grounds(&decision), vec![RuleCode::OwnedHousingLast5Years]);
}

#[test]
fn inaccurate_data_fails_for_a_declared_other_member() {
    let mut scenario = Scenario::clean().declaring(person(21), DeclaredRelation::Other);
    scenario.add_person(person(21), day(1950, 1, 1));
    scenario
        .application
        .consents
        .personal_data_consent_given_by
        .insert(person(21));
    let decision = scenario.decide();
    assert!(decision.grounds().is_empty(), "{}", decision.trace());
    assert_eq!(decision.family[0].person.role, PersonRole::OtherMember(1));
}
