//! §2: the grounds for denial of §15.

use housing_domain::RuleCode;
use housing_domain::eligibility::{
    AcquisitionBasis, DomicileRegistration, HousingStock, RuleOutcome, StateHousingKind,
    StateHousingUse, UnifiedDatabaseStatus,
};

use crate::fixture::*;

// ---- IN_UNIFIED_REPUBLICAN_DATABASE ------------------------------------------

#[test]
fn in_unified_republican_database_holds_when_the_applicant_is_registered_by_an_akimat() {
    let mut scenario = Scenario::clean();
    scenario.applicant_mut().unified_republican_database = UnifiedDatabaseStatus::Registered {
        registered_on: day(2019, 9, 9),
    };
    let decision = scenario.decide();
    assert_eq!(
        grounds(&decision),
        vec![RuleCode::InUnifiedRepublicanDatabase]
    );
    assert_eq!(decision.grounds()[0].facts[0].date, Some(day(2019, 9, 9)));
}

#[test]
fn in_unified_republican_database_holds_when_the_spouse_is_registered() {
    let mut scenario = Scenario::clean().with_spouse(day(2015, 1, 1), None);
    scenario.person_mut(spouse()).unified_republican_database = UnifiedDatabaseStatus::Registered {
        registered_on: day(2019, 9, 9),
    };
    assert_eq!(
        grounds(&scenario.decide()),
        vec![RuleCode::InUnifiedRepublicanDatabase]
    );
}

#[test]
fn in_unified_republican_database_fails_when_nobody_is_registered() {
    let decision = Scenario::clean().decide();
    assert_eq!(
        decision.outcome_of(RuleCode::InUnifiedRepublicanDatabase),
        RuleOutcome::Fails
    );
}

// ---- OWNED_HOUSING_LAST_5_YEARS ----------------------------------------------
// Five years before 2 June 2025 is 2 June 2020; that day belongs to the window.

#[test]
fn owned_housing_last_5_years_holds_when_owned_until_exactly_five_years_back() {
    let decision = Scenario::clean()
        .owning(
            applicant(),
            "KR-1",
            karaganda(),
            day(2012, 1, 1),
            AcquisitionBasis::Purchase,
            sold_on(day(2020, 6, 2)),
        )
        .decide();
    assert_eq!(grounds(&decision), vec![RuleCode::OwnedHousingLast5Years]);
    let fact = &decision.grounds()[0].facts[0];
    assert_eq!(fact.property, Some(cadastral("KR-1")));
    assert_eq!(fact.person.map(|person| person.iin), Some(applicant()));
}

#[test]
fn owned_housing_last_5_years_fails_when_sold_the_day_before_five_years_back() {
    let decision = Scenario::clean()
        .owning(
            applicant(),
            "KR-1",
            karaganda(),
            day(2012, 1, 1),
            AcquisitionBasis::Purchase,
            sold_on(day(2020, 6, 1)),
        )
        .decide();
    assert_eq!(
        decision.outcome_of(RuleCode::OwnedHousingLast5Years),
        RuleOutcome::Fails
    );
    assert!(decision.grounds().is_empty());
}

#[test]
fn owned_housing_last_5_years_holds_for_a_minor_childs_share_acquired_on_the_acceptance_date() {
    let decision = Scenario::clean()
        .with_spouse(day(2010, 1, 1), None)
        .with_child(first_child(), day(2012, 1, 1))
        .owning(
            first_child(),
            "KR-2",
            temirtau(),
            acceptance(),
            AcquisitionBasis::Gift,
            None,
        )
        .decide();
    assert_eq!(grounds(&decision), vec![RuleCode::OwnedHousingLast5Years]);
}

#[test]
fn owned_housing_last_5_years_fails_for_a_dwelling_of_a_former_spouse() {
    let decision = Scenario::clean()
        .with_spouse(day(2010, 1, 1), Some(day(2024, 1, 1)))
        .owning(
            spouse(),
            "KR-3",
            karaganda(),
            day(2023, 1, 1),
            AcquisitionBasis::Purchase,
            None,
        )
        .decide();
    assert_eq!(
        decision.outcome_of(RuleCode::OwnedHousingLast5Years),
        RuleOutcome::Fails
    );
}

#[test]
fn owned_housing_last_5_years_fails_as_not_applicable_on_track_2() {
    let decision = Scenario::clean().emergency_track().decide();
    assert_eq!(
        decision.outcome_of(RuleCode::OwnedHousingLast5Years),
        RuleOutcome::NotApplicable
    );
}

// ---- OWNS_HOUSING_IN_LOCALITY ------------------------------------------------

fn owning_in(locality: housing_domain::eligibility::Kato, stock: HousingStock) -> Scenario {
    let mut scenario = Scenario::clean().owning(
        applicant(),
        "OWN-1",
        locality,
        day(2005, 1, 1),
        AcquisitionBasis::Purchase,
        None,
    );
    scenario.application.stock = stock;
    scenario
}

#[test]
fn owns_housing_in_locality_holds_for_the_stock_of_a_state_institution() {
    let decision = owning_in(karaganda(), HousingStock::StateInstitution).decide();
    assert_eq!(
        grounds(&decision),
        vec![
            RuleCode::OwnedHousingLast5Years,
            RuleCode::OwnsHousingInLocality
        ]
    );
}

#[test]
fn owns_housing_in_locality_fails_for_a_dwelling_in_another_locality() {
    let decision = owning_in(temirtau(), HousingStock::StateInstitution).decide();
    assert_eq!(
        decision.outcome_of(RuleCode::OwnsHousingInLocality),
        RuleOutcome::Fails
    );
}

#[test]
fn owns_housing_in_locality_fails_as_not_applicable_for_the_general_stock() {
    let decision = owning_in(karaganda(), HousingStock::General).decide();
    assert_eq!(
        decision.outcome_of(RuleCode::OwnsHousingInLocality),
        RuleOutcome::NotApplicable
    );
}

// ---- OWNS_HOUSING_STATE_ENTERPRISE_STOCK -------------------------------------

#[test]
fn owns_housing_state_enterprise_stock_holds_for_a_dwelling_anywhere() {
    let decision = owning_in(temirtau(), HousingStock::StateEnterprise).decide();
    assert!(grounds(&decision).contains(&RuleCode::OwnsHousingStateEnterpriseStock));
}

#[test]
fn owns_housing_state_enterprise_stock_fails_when_the_dwelling_was_sold() {
    let mut scenario = Scenario::clean().owning(
        applicant(),
        "OWN-1",
        temirtau(),
        day(2005, 1, 1),
        AcquisitionBasis::Purchase,
        sold_on(day(2019, 1, 1)),
    );
    scenario.application.stock = HousingStock::StateEnterprise;
    let decision = scenario.decide();
    assert_eq!(
        decision.outcome_of(RuleCode::OwnsHousingStateEnterpriseStock),
        RuleOutcome::Fails
    );
    assert!(decision.grounds().is_empty());
}

// ---- HAS_STATE_OR_LEASED_HOUSING ---------------------------------------------

fn using_state_housing(to: Option<chrono::NaiveDate>) -> Scenario {
    let mut scenario = Scenario::clean();
    scenario
        .applicant_mut()
        .state_housing_use
        .push(StateHousingUse {
            kind: StateHousingKind::RentedByLocalExecutiveBody,
            from: day(2021, 1, 1),
            to,
        });
    scenario
}

#[test]
fn has_state_or_leased_housing_holds_while_the_use_covers_the_acceptance_date() {
    assert_eq!(
        grounds(&using_state_housing(None).decide()),
        vec![RuleCode::HasStateOrLeasedHousing]
    );
    assert_eq!(
        grounds(&using_state_housing(Some(acceptance())).decide()),
        vec![RuleCode::HasStateOrLeasedHousing]
    );
}

#[test]
fn has_state_or_leased_housing_fails_when_the_use_ended_the_day_before() {
    let decision = using_state_housing(Some(day(2025, 6, 1))).decide();
    assert_eq!(
        decision.outcome_of(RuleCode::HasStateOrLeasedHousing),
        RuleOutcome::Fails
    );
}

// ---- PRIVATIZED_STATE_HOUSING ------------------------------------------------

#[test]
fn privatized_state_housing_holds_for_a_privatisation_twenty_years_ago() {
    let decision = Scenario::clean()
        .owning(
            applicant(),
            "PRIV-1",
            karaganda(),
            day(2003, 3, 3),
            AcquisitionBasis::PrivatisationFromStateStock,
            sold_on(day(2010, 1, 1)),
        )
        .decide();
    assert_eq!(grounds(&decision), vec![RuleCode::PrivatizedStateHousing]);
}

#[test]
fn privatized_state_housing_fails_for_a_purchase() {
    let decision = Scenario::clean()
        .owning(
            applicant(),
            "BUY-1",
            karaganda(),
            day(2003, 3, 3),
            AcquisitionBasis::Purchase,
            sold_on(day(2010, 1, 1)),
        )
        .decide();
    assert_eq!(
        decision.outcome_of(RuleCode::PrivatizedStateHousing),
        RuleOutcome::Fails
    );
    assert!(decision.grounds().is_empty());
}

// ---- STATE_MORTGAGE_PROGRAM_HOUSING ------------------------------------------

#[test]
fn state_mortgage_program_housing_holds_for_a_7_20_25_purchase_long_ago() {
    let decision = Scenario::clean()
        .owning(
            applicant(),
            "MORT-1",
            karaganda(),
            day(2018, 3, 3),
            AcquisitionBasis::StateMortgageProgramme {
                programme: String::from("7-20-25"),
            },
            sold_on(day(2019, 1, 1)),
        )
        .decide();
    assert_eq!(
        grounds(&decision),
        vec![RuleCode::StateMortgageProgramHousing]
    );
}

#[test]
fn state_mortgage_program_housing_fails_for_an_inheritance() {
    let decision = Scenario::clean()
        .owning(
            applicant(),
            "INH-1",
            karaganda(),
            day(2010, 3, 3),
            AcquisitionBasis::Inheritance,
            sold_on(day(2011, 1, 1)),
        )
        .decide();
    assert_eq!(
        decision.outcome_of(RuleCode::StateMortgageProgramHousing),
        RuleOutcome::Fails
    );
}

// ---- REQUIREMENTS_NOT_MET ----------------------------------------------------

#[test]
fn requirements_not_met_holds_naming_every_failing_requirement() {
    let mut scenario = Scenario::clean().applicant_born(day(2008, 1, 1));
    scenario.application.locality = astana();
    let decision = scenario.decide();
    let ground = &decision.grounds()[0];
    assert_eq!(ground.code, RuleCode::RequirementsNotMet);
    assert_eq!(
        ground.failed_requirements,
        vec![RuleCode::Adult, RuleCode::Domicile3Years]
    );
}

#[test]
fn requirements_not_met_fails_for_a_clean_record() {
    let decision = Scenario::clean().decide();
    assert_eq!(
        decision.outcome_of(RuleCode::RequirementsNotMet),
        RuleOutcome::Fails
    );
}

// ---- All grounds at once -----------------------------------------------------

#[test]
fn every_ground_that_holds_is_listed_at_once_each_with_its_facts() {
    let mut scenario = Scenario::clean().with_spouse(day(2015, 1, 1), None).owning(
        spouse(),
        "PRIV-9",
        temirtau(),
        day(2021, 7, 7),
        AcquisitionBasis::PrivatisationFromStateStock,
        None,
    );
    scenario.application.locality = astana();
    scenario
        .applicant_mut()
        .domicile_history
        .push(DomicileRegistration {
            locality: astana(),
            registered_from: day(2023, 1, 1),
            registered_to: None,
        });
    scenario.applicant_mut().unified_republican_database = UnifiedDatabaseStatus::Registered {
        registered_on: day(2020, 2, 2),
    };
    scenario
        .applicant_mut()
        .state_housing_use
        .push(StateHousingUse {
            kind: StateHousingKind::StateHousingStock,
            from: day(2023, 1, 1),
            to: None,
        });
    let decision = scenario.decide();
    assert_eq!(
        grounds(&decision),
        vec![
            RuleCode::InUnifiedRepublicanDatabase,
            RuleCode::OwnedHousingLast5Years,
            RuleCode::HasStateOrLeasedHousing,
            RuleCode::PrivatizedStateHousing,
            RuleCode::RequirementsNotMet,
        ]
    );
    for ground in decision.grounds() {
        assert!(!ground.facts.is_empty(), "{} has facts", ground.code);
    }
    let privatised = &decision.grounds()[3];
    assert_eq!(privatised.facts[0].property, Some(cadastral("PRIV-9")));
    assert_eq!(
        privatised.facts[0].person.map(|person| person.iin),
        Some(spouse())
    );
    assert_eq!(
        decision.grounds()[4].failed_requirements,
        vec![RuleCode::Domicile3Years]
    );
    assert!(decision.terms.hearing.is_some());
}
