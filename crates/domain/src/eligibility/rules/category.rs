//! `CATEGORY` and `CATEGORY_NOT_CONFIRMED`: the category of Art. 74 ¶1 of the Law.

use super::super::application::SocialCategory;
use super::super::context::Context;
use super::super::dates::Period;
use super::super::decision::{CategoryOutcome, Fact, Observation, Register, RuleEvaluation};
use crate::codes::RuleCode;

/// Categories that describe the family rather than the person: the record may
/// be held for the applicant or for a family member (the spouse, a child).
fn is_family_category(category: SocialCategory) -> bool {
    matches!(
        category,
        SocialCategory::FamilyRaisingChildWithDisability
            | SocialCategory::LargeFamily
            | SocialCategory::SingleParentFamily
            | SocialCategory::FamilyOfPersonWhoDiedOnDuty
    )
}

/// `CATEGORY`.
///
/// §8: "When registering as needing housing through the informatization
/// Facility, the Service Recipient shall indicate belonging to the category of
/// persons indicated in paragraph 1 of Article 74 of the Law." §13: the
/// provider checks "compliance with belonging to the category of persons
/// defined in paragraph 1 of Article 74 of the Law".
///
/// Holds when the social-categories register has a record of the stated
/// category valid on the acceptance date (the applicant's own, or for a family
/// category any family member's); fails when it has none; not applicable when
/// no category is stated. Never a denial (§10).
pub(crate) fn category(context: &Context<'_>) -> (RuleEvaluation, CategoryOutcome) {
    let Some(stated) = context.application.stated_category else {
        return (
            RuleEvaluation::not_applicable(RuleCode::Category),
            CategoryOutcome::NotStated,
        );
    };
    let mut facts = vec![Fact::new(
        Register::ApplicationForm,
        Observation::CategoryStated { category: stated },
    )];
    let mut confirmed = false;
    for (person, person_facts) in context.persons() {
        let own_record = person.iin == context.application.applicant;
        if !own_record && !is_family_category(stated) {
            continue;
        }
        for record in person_facts
            .social_categories
            .iter()
            .filter(|record| record.category == stated)
        {
            let valid = Period::new(record.valid_from, record.valid_to).contains(context.as_of);
            confirmed |= valid;
            facts.push(
                Fact::new(
                    Register::SocialCategories,
                    Observation::SocialCategoryRecord {
                        category: record.category,
                        valid_from: record.valid_from,
                        valid_to: record.valid_to,
                        source_register: record.source_register.clone(),
                        valid_on_acceptance_date: valid,
                    },
                )
                .about(person)
                .dated(record.valid_from),
            );
        }
    }
    if !confirmed {
        facts.push(
            Fact::new(
                Register::SocialCategories,
                Observation::NoValidRecordOfCategory { category: stated },
            )
            .dated(context.as_of),
        );
    }
    let outcome = if confirmed {
        CategoryOutcome::Confirmed { category: stated }
    } else {
        CategoryOutcome::NotConfirmed { stated }
    };
    (
        RuleEvaluation::decided(RuleCode::Category, confirmed, facts),
        outcome,
    )
}

/// `CATEGORY_NOT_CONFIRMED`.
///
/// §9: "In the absence of data on belonging to the category of persons
/// indicated in paragraph 1 of Article 74 of the Law, the Service Recipient
/// shall have the right to apply to the relevant authorized state bodies to
/// make the necessary adjustments." §10: "The absence of belonging to the
/// category … shall not be the ground for denying the registration".
///
/// Holds when a stated category is not confirmed: the applicant is registered
/// without a category (as the form's checkbox agrees) and told they may ask the
/// state body to correct the data. Informational, never a denial.
pub(crate) fn category_not_confirmed(
    context: &Context<'_>,
    category: &RuleEvaluation,
    outcome: CategoryOutcome,
) -> RuleEvaluation {
    match outcome {
        CategoryOutcome::NotStated => {
            RuleEvaluation::not_applicable(RuleCode::CategoryNotConfirmed)
        }
        CategoryOutcome::Confirmed { .. } => RuleEvaluation::decided(
            RuleCode::CategoryNotConfirmed,
            false,
            category.facts.clone(),
        ),
        CategoryOutcome::NotConfirmed { .. } => {
            let mut facts = category.facts.clone();
            facts.push(Fact::new(
                Register::ApplicationForm,
                Observation::RegistrationWithoutCategoryAgreed {
                    agreed: context.application.consents.registration_without_category,
                },
            ));
            RuleEvaluation::decided(RuleCode::CategoryNotConfirmed, true, facts)
        }
    }
}
