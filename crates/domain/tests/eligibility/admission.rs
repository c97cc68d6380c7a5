//! §1: ADULT, CITIZEN_OR_KANDAS, TRACK_NO_HOUSING, DOMICILE_3_YEARS, CONSENT.

use housing_domain::RuleCode;
use housing_domain::eligibility::{
    AcquisitionBasis, Citizenship, DomicileRegistration, Identity, IdentityRecord, KandasStatus,
    Observation, ParentalCareLoss, ParentalCareStatus, Representative, RepresentativeCapacity,
    RuleOutcome,
};

use crate::fixture::*;

// ---- ADULT -----------------------------------------------------------------

#[test]
fn adult_holds_on_the_18th_birthday() {
    let decision = Scenario::clean().applicant_born(day(2007, 6, 2)).decide();
    assert_eq!(decision.outcome_of(RuleCode::Adult), RuleOutcome::Holds);
    assert!(decision.grounds().is_empty());
}

#[test]
fn adult_fails_the_day_before_the_18th_birthday() {
    let decision = Scenario::clean().applicant_born(day(2007, 6, 3)).decide();
    let adult = evaluation(&decision, RuleCode::Adult);
    assert_eq!(adult.outcome, RuleOutcome::Fails);
    assert!(adult.facts.iter().any(|fact| matches!(
        fact.observation,
        Observation::BirthDate {
            age_on_acceptance_date: 17
        }
    ) && fact.date == Some(day(2007, 6, 3))));
    let requirements = &decision.grounds()[0];
    assert_eq!(requirements.code, RuleCode::RequirementsNotMet);
    assert_eq!(requirements.failed_requirements, vec![RuleCode::Adult]);
}

#[test]
fn adult_fails_on_27_february_for_a_leap_day_birth_and_holds_from_28_february() {
    // Born 29 Feb 2008: 18 on 28 Feb 2026 (Civil Code: the last day of the month).
    let scenario = Scenario::clean().applicant_born(day(2008, 2, 29));
    let on_friday = scenario.clone().accepted_on(day(2026, 2, 27)).decide();
    assert_eq!(on_friday.outcome_of(RuleCode::Adult), RuleOutcome::Fails);
    let on_monday = scenario.accepted_on(day(2026, 3, 2)).decide();
    assert_eq!(on_monday.outcome_of(RuleCode::Adult), RuleOutcome::Holds);
}

fn minor_orphan_filed_by(capacity: RepresentativeCapacity) -> Scenario {
    let mut scenario = Scenario::clean().applicant_born(day(2010, 1, 1));
    scenario.applicant_mut().civil_status.parental_care_loss = Some(ParentalCareLoss {
        status: ParentalCareStatus::Orphan,
        parents_lost_on: day(2015, 5, 5),
    });
    scenario.application.representative = Some(Representative {
        iin: representative(),
        capacity,
    });
    scenario.application.consents.personal_data_consent_given_by = [representative()].into();
    scenario
}

#[test]
fn adult_holds_for_a_minor_orphan_filed_by_a_legal_representative() {
    let decision =
        minor_orphan_filed_by(RepresentativeCapacity::LegalRepresentativeOfMinor).decide();
    assert_eq!(decision.outcome_of(RuleCode::Adult), RuleOutcome::Holds);
    assert_eq!(decision.outcome_of(RuleCode::Consent), RuleOutcome::Holds);
    assert!(decision.grounds().is_empty(), "{}", decision.trace());
}

#[test]
fn adult_fails_for_a_minor_orphan_filed_by_an_authorised_representative() {
    let decision = minor_orphan_filed_by(RepresentativeCapacity::AuthorisedRepresentative).decide();
    assert_eq!(decision.outcome_of(RuleCode::Adult), RuleOutcome::Fails);
}

#[test]
fn adult_fails_for_a_minor_with_parents_filed_by_a_legal_representative() {
    let mut scenario = minor_orphan_filed_by(RepresentativeCapacity::LegalRepresentativeOfMinor);
    scenario.applicant_mut().civil_status.parental_care_loss = None;
    let decision = scenario.decide();
    assert_eq!(decision.outcome_of(RuleCode::Adult), RuleOutcome::Fails);
    assert_eq!(
        decision.grounds()[0].failed_requirements,
        vec![RuleCode::Adult]
    );
}

#[test]
fn adult_fails_when_the_identity_register_does_not_know_the_applicant() {
    let mut scenario = Scenario::clean();
    scenario.applicant_mut().identity = IdentityRecord::NotFound;
    let decision = scenario.decide();
    assert_eq!(decision.outcome_of(RuleCode::Adult), RuleOutcome::Fails);
    assert_eq!(
        decision.outcome_of(RuleCode::CitizenOrKandas),
        RuleOutcome::Fails
    );
}

// ---- CITIZEN_OR_KANDAS -------------------------------------------------------

fn foreigner_with_kandas(valid_to: Option<chrono::NaiveDate>) -> Scenario {
    let mut scenario = Scenario::clean();
    scenario.applicant_mut().identity = IdentityRecord::Found(Identity {
        birth_date: day(1985, 2, 2),
        citizenship: Citizenship::Foreign,
        date_of_death: None,
    });
    if let Some(valid_to) = valid_to {
        scenario.applicant_mut().kandas_statuses.push(KandasStatus {
            valid_from: day(2024, 6, 1),
            valid_to: Some(valid_to),
        });
    }
    scenario
}

#[test]
fn citizen_or_kandas_holds_for_a_citizen() {
    let decision = Scenario::clean().decide();
    assert_eq!(
        decision.outcome_of(RuleCode::CitizenOrKandas),
        RuleOutcome::Holds
    );
}

#[test]
fn citizen_or_kandas_holds_when_the_kandas_status_expires_on_the_acceptance_date() {
    let decision = foreigner_with_kandas(Some(acceptance())).decide();
    assert_eq!(
        decision.outcome_of(RuleCode::CitizenOrKandas),
        RuleOutcome::Holds
    );
    assert!(decision.grounds().is_empty());
}

#[test]
fn citizen_or_kandas_fails_when_the_kandas_status_expired_the_day_before() {
    let decision = foreigner_with_kandas(Some(day(2025, 6, 1))).decide();
    let rule = evaluation(&decision, RuleCode::CitizenOrKandas);
    assert_eq!(rule.outcome, RuleOutcome::Fails);
    assert!(rule.facts.iter().any(|fact| matches!(
        fact.observation,
        Observation::KandasStatus {
            valid_on_acceptance_date: false,
            ..
        }
    )));
    assert_eq!(
        decision.grounds()[0].failed_requirements,
        vec![RuleCode::CitizenOrKandas]
    );
}

#[test]
fn citizen_or_kandas_fails_for_a_foreigner_without_kandas_status() {
    let decision = foreigner_with_kandas(None).decide();
    assert_eq!(
        decision.outcome_of(RuleCode::CitizenOrKandas),
        RuleOutcome::Fails
    );
}

// ---- TRACK_NO_HOUSING --------------------------------------------------------

#[test]
fn track_no_housing_holds_for_a_clean_record() {
    let decision = Scenario::clean().decide();
    assert_eq!(
        decision.outcome_of(RuleCode::TrackNoHousing),
        RuleOutcome::Holds
    );
}

#[test]
fn track_no_housing_fails_when_the_spouse_inherited_a_share_within_five_years() {
    let decision = Scenario::clean()
        .with_spouse(day(2015, 1, 1), None)
        .owning(
            spouse(),
            "KR-7",
            temirtau(),
            day(2022, 2, 2),
            AcquisitionBasis::Inheritance,
            None,
        )
        .decide();
    assert_eq!(
        decision.outcome_of(RuleCode::TrackNoHousing),
        RuleOutcome::Fails
    );
    assert_eq!(grounds(&decision), vec![RuleCode::OwnedHousingLast5Years]);
}

// ---- DOMICILE_3_YEARS --------------------------------------------------------

fn in_astana(registrations: &[(chrono::NaiveDate, Option<chrono::NaiveDate>)]) -> Scenario {
    let mut scenario = Scenario::clean();
    scenario.application.locality = astana();
    for (index, (from, to)) in registrations.iter().enumerate() {
        scenario
            .applicant_mut()
            .domicile_history
            .push(DomicileRegistration {
                // Alternate between the city code and a district code of the city.
                locality: if index % 2 == 0 {
                    astana()
                } else {
                    astana_district()
                },
                registered_from: *from,
                registered_to: *to,
            });
    }
    scenario
}

#[test]
fn domicile_3_years_holds_with_contiguous_registrations_across_two_districts() {
    let decision = in_astana(&[
        (day(2015, 1, 1), Some(day(2023, 3, 10))),
        (day(2023, 3, 11), None),
    ])
    .decide();
    assert_eq!(
        decision.outcome_of(RuleCode::Domicile3Years),
        RuleOutcome::Holds
    );
    assert!(decision.grounds().is_empty());
}

#[test]
fn domicile_3_years_fails_with_a_one_day_gap() {
    let decision = in_astana(&[
        (day(2015, 1, 1), Some(day(2023, 3, 10))),
        (day(2023, 3, 12), None),
    ])
    .decide();
    let rule = evaluation(&decision, RuleCode::Domicile3Years);
    assert_eq!(rule.outcome, RuleOutcome::Fails);
    assert!(rule.facts.iter().any(|fact| matches!(
        fact.observation,
        Observation::NoDomicileInCity { .. }
    ) && fact.date == Some(day(2023, 3, 11))));
    assert_eq!(
        decision.grounds()[0].failed_requirements,
        vec![RuleCode::Domicile3Years]
    );
}

#[test]
fn domicile_3_years_holds_when_registered_from_exactly_three_years_back() {
    let decision = in_astana(&[(day(2022, 6, 2), None)]).decide();
    assert_eq!(
        decision.outcome_of(RuleCode::Domicile3Years),
        RuleOutcome::Holds
    );
}

#[test]
fn domicile_3_years_fails_when_registered_from_the_day_after_three_years_back() {
    let decision = in_astana(&[(day(2022, 6, 3), None)]).decide();
    assert_eq!(
        decision.outcome_of(RuleCode::Domicile3Years),
        RuleOutcome::Fails
    );
}

#[test]
fn domicile_3_years_fails_when_registered_in_another_city_of_national_status() {
    let mut scenario = in_astana(&[]);
    scenario
        .applicant_mut()
        .domicile_history
        .push(DomicileRegistration {
            locality: almaty(),
            registered_from: day(2010, 1, 1),
            registered_to: None,
        });
    assert_eq!(
        scenario.decide().outcome_of(RuleCode::Domicile3Years),
        RuleOutcome::Fails
    );
}

#[test]
fn domicile_3_years_is_not_applicable_outside_the_cities_of_national_status() {
    let decision = Scenario::clean().decide();
    assert_eq!(
        decision.outcome_of(RuleCode::Domicile3Years),
        RuleOutcome::NotApplicable
    );
}

fn orphan_in_astana(birth: chrono::NaiveDate, parents_lost_on: chrono::NaiveDate) -> Scenario {
    let mut scenario = in_astana(&[]).applicant_born(birth);
    scenario.applicant_mut().civil_status.parental_care_loss = Some(ParentalCareLoss {
        status: ParentalCareStatus::LeftWithoutParentalCare,
        parents_lost_on,
    });
    scenario
}

#[test]
fn domicile_3_years_holds_for_an_orphan_the_day_before_the_29th_birthday() {
    let decision = orphan_in_astana(day(1996, 6, 3), day(2005, 1, 1)).decide();
    assert_eq!(
        decision.outcome_of(RuleCode::Domicile3Years),
        RuleOutcome::Holds
    );
    assert!(decision.grounds().is_empty());
}

#[test]
fn domicile_3_years_fails_for_an_orphan_on_the_29th_birthday() {
    let decision = orphan_in_astana(day(1996, 6, 2), day(2005, 1, 1)).decide();
    assert_eq!(
        decision.outcome_of(RuleCode::Domicile3Years),
        RuleOutcome::Fails
    );
}

#[test]
fn domicile_3_years_holds_for_an_orphan_who_lost_parents_the_day_before_18() {
    let decision = orphan_in_astana(day(2000, 1, 1), day(2017, 12, 31)).decide();
    assert_eq!(
        decision.outcome_of(RuleCode::Domicile3Years),
        RuleOutcome::Holds
    );
}

#[test]
fn domicile_3_years_fails_for_an_orphan_who_lost_parents_on_the_18th_birthday() {
    let decision = orphan_in_astana(day(2000, 1, 1), day(2018, 1, 1)).decide();
    assert_eq!(
        decision.outcome_of(RuleCode::Domicile3Years),
        RuleOutcome::Fails
    );
}

// ---- CONSENT / NO_PERSONAL_DATA_CONSENT ---------------------------------------

#[test]
fn consent_holds_for_the_applicant_an_adult_spouse_and_a_minor_child() {
    let decision = Scenario::clean()
        .with_spouse(day(2015, 1, 1), None)
        .with_child(first_child(), day(2016, 4, 4))
        .decide();
    assert_eq!(decision.outcome_of(RuleCode::Consent), RuleOutcome::Holds);
    assert_eq!(
        decision.outcome_of(RuleCode::NoPersonalDataConsent),
        RuleOutcome::Fails
    );
}

#[test]
fn consent_fails_when_the_adult_spouse_did_not_consent() {
    let mut scenario = Scenario::clean().with_spouse(day(2015, 1, 1), None);
    scenario
        .application
        .consents
        .personal_data_consent_given_by
        .remove(&spouse());
    let decision = scenario.decide();
    assert_eq!(decision.outcome_of(RuleCode::Consent), RuleOutcome::Fails);
    assert_eq!(grounds(&decision), vec![RuleCode::NoPersonalDataConsent]);
}

#[test]
fn consent_fails_when_the_data_processing_checkbox_is_not_ticked() {
    let mut scenario = Scenario::clean();
    scenario.application.consents.data_processing = false;
    assert_eq!(
        scenario.decide().outcome_of(RuleCode::Consent),
        RuleOutcome::Fails
    );
}

#[test]
fn consent_fails_for_a_child_who_turns_18_on_the_acceptance_date_and_is_declared() {
    // Turning 18 on the acceptance date: adult, no longer register family; declared,
    // they are a member who must consent themself.
    let decision = Scenario::clean()
        .with_child(first_child(), day(2007, 6, 2))
        .declaring(
            first_child(),
            housing_domain::eligibility::DeclaredRelation::Child,
        )
        .decide();
    assert_eq!(decision.outcome_of(RuleCode::Consent), RuleOutcome::Fails);
}

#[test]
fn no_personal_data_consent_holds_naming_the_member_without_consent() {
    let mut scenario = Scenario::clean().with_spouse(day(2015, 1, 1), None);
    scenario
        .application
        .consents
        .personal_data_consent_given_by
        .remove(&spouse());
    let decision = scenario.decide();
    let ground = &decision.grounds()[0];
    assert_eq!(ground.code, RuleCode::NoPersonalDataConsent);
    assert_eq!(ground.facts.len(), 1);
    assert_eq!(
        ground.facts[0].person.map(|person| person.iin),
        Some(spouse())
    );
}

#[test]
fn no_personal_data_consent_fails_when_everyone_consented() {
    let decision = Scenario::clean()
        .with_spouse(day(2015, 1, 1), None)
        .decide();
    assert_eq!(
        decision.outcome_of(RuleCode::NoPersonalDataConsent),
        RuleOutcome::Fails
    );
}
