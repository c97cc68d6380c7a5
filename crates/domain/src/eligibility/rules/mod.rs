//! The rules of §1 and §2 of the catalogue, one function per rule code, each
//! under the paragraph of the Rules it implements.

mod admission;
mod category;
mod deterioration;
mod emergency;
mod grounds;

use super::context::Context;
use super::decision::{CategoryOutcome, RuleEvaluation};

/// Evaluates every rule of §1 and §2, in catalogue order.
///
/// `SIGNED_WITH_EDS` is checked at intake ([`super::eds::check_signer`]): an
/// unsigned application never reaches evaluation.
pub(crate) fn evaluate_all(context: &Context<'_>) -> (Vec<RuleEvaluation>, CategoryOutcome) {
    let adult = admission::adult(context);
    let citizen_or_kandas = admission::citizen_or_kandas(context);
    let track_no_housing = admission::track_no_housing(context);
    let emergency = emergency::track_emergency_home(context);
    let track_emergency_home = emergency
        .evaluation
        .clone()
        .unwrap_or_else(|| RuleEvaluation::not_applicable(crate::RuleCode::TrackEmergencyHome));
    let domicile = admission::domicile_3_years(context);
    let consent = admission::consent(context);
    let (category, category_outcome) = category::category(context);
    let category_not_confirmed =
        category::category_not_confirmed(context, &category, category_outcome);

    let requirements_not_met =
        grounds::requirements_not_met(&[&adult, &citizen_or_kandas, &domicile], &emergency);
    let no_personal_data_consent = grounds::no_personal_data_consent(&consent);

    let evaluations = vec![
        grounds::in_unified_republican_database(context),
        grounds::owned_housing_last_5_years(context),
        grounds::owns_housing_in_locality(context, &emergency),
        grounds::owns_housing_state_enterprise_stock(context, &emergency),
        grounds::has_state_or_leased_housing(context),
        grounds::inaccurate_data(context, &emergency),
        grounds::privatized_state_housing(context),
        grounds::emergency_home_in_other_locality(context, &emergency),
        grounds::state_mortgage_program_housing(context),
        requirements_not_met,
        deterioration::deliberate_deterioration(context, &emergency),
        no_personal_data_consent,
    ];
    let mut all = vec![
        adult,
        citizen_or_kandas,
        track_no_housing,
        track_emergency_home,
        domicile,
        consent,
        category,
        category_not_confirmed,
    ];
    all.extend(evaluations);
    (all, category_outcome)
}
