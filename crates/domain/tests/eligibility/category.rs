//! CATEGORY and CATEGORY_NOT_CONFIRMED (§8–§10): never a denial.

use housing_domain::RuleCode;
use housing_domain::eligibility::{
    CategoryOutcome, DecisionOutcome, RuleOutcome, SocialCategory, SocialCategoryRecord,
};

use crate::fixture::*;

fn stating(category: SocialCategory, valid_to: Option<chrono::NaiveDate>) -> Scenario {
    let mut scenario = Scenario::clean();
    scenario.application.stated_category = Some(category);
    scenario
        .applicant_mut()
        .social_categories
        .push(SocialCategoryRecord {
            category,
            valid_from: day(2020, 1, 1),
            valid_to,
            source_register: String::from("labour and social protection"),
        });
    scenario
}

#[test]
fn category_holds_when_the_register_confirms_it_on_the_acceptance_date() {
    let decision = stating(
        SocialCategory::PersonWithDisabilityGroup1Or2,
        Some(acceptance()),
    )
    .decide();
    assert_eq!(decision.outcome_of(RuleCode::Category), RuleOutcome::Holds);
    assert_eq!(
        decision.outcome,
        DecisionOutcome::Register {
            category: Some(SocialCategory::PersonWithDisabilityGroup1Or2)
        }
    );
}

#[test]
fn category_holds_for_a_large_family_recorded_for_the_spouse() {
    let mut scenario = Scenario::clean().with_spouse(day(2010, 1, 1), None);
    scenario.application.stated_category = Some(SocialCategory::LargeFamily);
    scenario
        .person_mut(spouse())
        .social_categories
        .push(SocialCategoryRecord {
            category: SocialCategory::LargeFamily,
            valid_from: day(2020, 1, 1),
            valid_to: None,
            source_register: String::from("labour and social protection"),
        });
    assert_eq!(
        scenario.decide().category,
        CategoryOutcome::Confirmed {
            category: SocialCategory::LargeFamily
        }
    );
}

#[test]
fn category_fails_when_the_record_expired_the_day_before() {
    let decision = stating(
        SocialCategory::PersonWithDisabilityGroup1Or2,
        Some(day(2025, 6, 1)),
    )
    .decide();
    assert_eq!(decision.outcome_of(RuleCode::Category), RuleOutcome::Fails);
}

#[test]
fn category_fails_for_a_personal_category_recorded_only_for_the_spouse() {
    let mut scenario = Scenario::clean().with_spouse(day(2010, 1, 1), None);
    scenario.application.stated_category = Some(SocialCategory::PensionerByAge);
    scenario
        .person_mut(spouse())
        .social_categories
        .push(SocialCategoryRecord {
            category: SocialCategory::PensionerByAge,
            valid_from: day(2020, 1, 1),
            valid_to: None,
            source_register: String::from("pensions"),
        });
    assert_eq!(
        scenario.decide().outcome_of(RuleCode::Category),
        RuleOutcome::Fails
    );
}

#[test]
fn category_not_confirmed_holds_and_the_applicant_is_registered_without_a_category() {
    let mut scenario = Scenario::clean();
    scenario.application.stated_category = Some(SocialCategory::LargeFamily);
    let decision = scenario.decide();
    assert_eq!(
        decision.outcome_of(RuleCode::CategoryNotConfirmed),
        RuleOutcome::Holds
    );
    assert_eq!(
        decision.category,
        CategoryOutcome::NotConfirmed {
            stated: SocialCategory::LargeFamily
        }
    );
    assert_eq!(
        decision.outcome,
        DecisionOutcome::Register { category: None }
    );
    assert!(decision.terms.hearing.is_none());
}

#[test]
fn category_not_confirmed_fails_when_the_category_is_confirmed() {
    let decision = stating(SocialCategory::Kandas, None).decide();
    assert_eq!(
        decision.outcome_of(RuleCode::CategoryNotConfirmed),
        RuleOutcome::Fails
    );
}

#[test]
fn category_is_not_applicable_when_none_is_stated() {
    let decision = Scenario::clean().decide();
    assert_eq!(
        decision.outcome_of(RuleCode::Category),
        RuleOutcome::NotApplicable
    );
    assert_eq!(decision.category, CategoryOutcome::NotStated);
}
