//! §2 of the catalogue: the grounds for denial (§15 of the Rules, App1 row 9).
//!
//! "Holds" means the ground is found. Every ground is evaluated, so a reasoned
//! denial lists all of them at once, each with its facts.

use super::super::application::{HousingStock, RepresentativeCapacity, Track};
use super::super::context::{Context, HeldDwelling};
use super::super::dates::Period;
use super::super::decision::{Fact, Observation, Register, RuleEvaluation, RuleOutcome};
use super::super::facts::{AcquisitionBasis, CadastralNumber, UnifiedDatabaseStatus};
use super::admission::{no_ownership_fact, ownerships_in_last_five_years};
use super::emergency::EmergencyHomeCheck;
use crate::codes::RuleCode;

/// `IN_UNIFIED_REPUBLICAN_DATABASE`.
///
/// §15.1: "if they are included in the Unified Republican Electronic Database".
///
/// The applicant or a family member is registered there (by a local executive
/// body) on or before the acceptance date: the family is already on a list.
pub(crate) fn in_unified_republican_database(context: &Context<'_>) -> RuleEvaluation {
    let facts: Vec<Fact> = context
        .persons()
        .filter_map(
            |(person, person_facts)| match person_facts.unified_republican_database {
                UnifiedDatabaseStatus::Registered { registered_on }
                    if registered_on <= context.as_of =>
                {
                    Some(
                        Fact::new(
                            Register::UnifiedRepublicanDatabase,
                            Observation::InUnifiedRepublicanDatabase,
                        )
                        .about(person)
                        .dated(registered_on),
                    )
                }
                _ => None,
            },
        )
        .collect();
    RuleEvaluation::decided(
        RuleCode::InUnifiedRepublicanDatabase,
        !facts.is_empty(),
        facts,
    )
}

/// `OWNED_HOUSING_LAST_5_YEARS`.
///
/// §15.2: "if they own or owned housing in the territory of the Republic of
/// Kazakhstan during the last five years when registering as needing housing in
/// the Informatization Facility".
///
/// Applicant or family member, any share, any basis, on any day of the closed
/// window `[acceptance − 5 years, acceptance]`. Track 1 only: a track-2
/// applicant owns the emergency home by definition, and App1 row 9.3 says which
/// past dispositions bar track 2 (`DELIBERATE_DETERIORATION`).
pub(crate) fn owned_housing_last_5_years(context: &Context<'_>) -> RuleEvaluation {
    if context.application.track != Track::NoHousing {
        return RuleEvaluation::not_applicable(RuleCode::OwnedHousingLast5Years);
    }
    let owned = ownerships_in_last_five_years(context);
    if owned.is_empty() {
        RuleEvaluation::decided(
            RuleCode::OwnedHousingLast5Years,
            false,
            vec![no_ownership_fact(context)],
        )
    } else {
        RuleEvaluation::decided(RuleCode::OwnedHousingLast5Years, true, owned)
    }
}

/// Dwellings owned on the acceptance date by anyone considered, leaving out a
/// track-2 emergency home (a dwelling recognised unfit is not "housing" the
/// family has for §15.3 and §15.4).
fn owned_today<'a>(
    context: &Context<'a>,
    emergency_home: Option<&CadastralNumber>,
) -> Vec<HeldDwelling<'a>> {
    context
        .held_dwellings()
        .into_iter()
        .filter(|held| held.owned_on(context.as_of))
        .filter(|held| Some(&held.dwelling.cadastral_number) != emergency_home)
        .collect()
}

fn stock_fact(context: &Context<'_>) -> Fact {
    Fact::new(
        Register::ApplicationForm,
        Observation::StockAppliedFor {
            stock: context.application.stock,
        },
    )
}

/// `OWNS_HOUSING_IN_LOCALITY`.
///
/// §15.3: "they own housing in the given locality when registering as needing
/// housing from the housing stock of a state institution".
///
/// Only for the stock of a state institution (rules.md "Application stock").
pub(crate) fn owns_housing_in_locality(
    context: &Context<'_>,
    emergency: &EmergencyHomeCheck,
) -> RuleEvaluation {
    if context.application.stock != HousingStock::StateInstitution {
        return RuleEvaluation::not_applicable(RuleCode::OwnsHousingInLocality);
    }
    let mut facts: Vec<Fact> = owned_today(context, emergency.home.as_ref())
        .into_iter()
        .filter(|held| {
            held.dwelling
                .locality
                .same_locality(&context.application.locality)
        })
        .map(|held| held.fact())
        .collect();
    let found = !facts.is_empty();
    facts.push(stock_fact(context));
    RuleEvaluation::decided(RuleCode::OwnsHousingInLocality, found, facts)
}

/// `OWNS_HOUSING_STATE_ENTERPRISE_STOCK`.
///
/// §15.4: "if they own housing on the right of ownership in the Republic of
/// Kazakhstan when registering as needing housing from the housing stock of a
/// state enterprise".
///
/// Only for the stock of a state enterprise; any dwelling anywhere in the Republic.
pub(crate) fn owns_housing_state_enterprise_stock(
    context: &Context<'_>,
    emergency: &EmergencyHomeCheck,
) -> RuleEvaluation {
    if context.application.stock != HousingStock::StateEnterprise {
        return RuleEvaluation::not_applicable(RuleCode::OwnsHousingStateEnterpriseStock);
    }
    let mut facts: Vec<Fact> = owned_today(context, emergency.home.as_ref())
        .into_iter()
        .map(|held| held.fact())
        .collect();
    let found = !facts.is_empty();
    facts.push(stock_fact(context));
    RuleEvaluation::decided(RuleCode::OwnsHousingStateEnterpriseStock, found, facts)
}

/// `HAS_STATE_OR_LEASED_HOUSING`.
///
/// §15.5: "if they have housing provided for use from the state housing stock
/// or housing rented by a local executive body from the private housing stock".
///
/// A use period of the applicant or a family member covering the acceptance date.
pub(crate) fn has_state_or_leased_housing(context: &Context<'_>) -> RuleEvaluation {
    let facts: Vec<Fact> = context
        .persons()
        .flat_map(|(person, person_facts)| {
            person_facts
                .state_housing_use
                .iter()
                .filter(|usage| Period::new(usage.from, usage.to).contains(context.as_of))
                .map(move |usage| {
                    Fact::new(
                        Register::StateHousingUse,
                        Observation::StateHousingUse {
                            kind: usage.kind,
                            from: usage.from,
                            to: usage.to,
                        },
                    )
                    .about(person)
                    .dated(usage.from)
                })
        })
        .collect();
    RuleEvaluation::decided(RuleCode::HasStateOrLeasedHousing, !facts.is_empty(), facts)
}

/// `INACCURATE_DATA`.
///
/// §15.6: "if the submitted documents and (or) information contained inaccurate
/// data". App1 row 9.1: "established unreliability of documents, submitted by
/// the service recipient for the sought public service, and (or) data
/// (information) contained therein".
///
/// Declared family members the registers contradict (see `family`), a "legal
/// representative of a minor" filing for an adult, and a technical report that
/// is not on record, not by an expert certified on its date, or for another
/// dwelling or locality.
pub(crate) fn inaccurate_data(
    context: &Context<'_>,
    emergency: &EmergencyHomeCheck,
) -> RuleEvaluation {
    let mut facts = context.family.contradictions.clone();
    if let Some(representative) = &context.application.representative
        && representative.capacity == RepresentativeCapacity::LegalRepresentativeOfMinor
        && context.applicant_is_adult() == Some(true)
    {
        facts.push(
            Fact::new(
                Register::ApplicationForm,
                Observation::LegalRepresentativeOfAnAdult,
            )
            .about(context.applicant_reference()),
        );
    }
    facts.extend(emergency.inaccurate.iter().cloned());
    RuleEvaluation::decided(RuleCode::InaccurateData, !facts.is_empty(), facts)
}

/// `PRIVATIZED_STATE_HOUSING`.
///
/// §15.7: "if they previously received and privatized housing from the state
/// housing stock".
///
/// Any ownership, at any time, of the applicant or a family member acquired by
/// privatisation from the state stock.
pub(crate) fn privatized_state_housing(context: &Context<'_>) -> RuleEvaluation {
    let facts: Vec<Fact> = context
        .held_dwellings()
        .into_iter()
        .filter(|held| held.ownership.acquired_on <= context.as_of)
        .filter(|held| {
            held.ownership.acquisition_basis == AcquisitionBasis::PrivatisationFromStateStock
        })
        .map(|held| held.fact())
        .collect();
    RuleEvaluation::decided(RuleCode::PrivatizedStateHousing, !facts.is_empty(), facts)
}

/// `EMERGENCY_HOME_IN_OTHER_LOCALITY`.
///
/// §15.8: "if they have a single home recognized in emergency condition under
/// the legislation of the Republic of Kazakhstan, which is located in another
/// locality". App1 row 9.3: "citizens whose only home has been recognized as
/// emergency housing …, when applying outside the settlement in which the home
/// was recognized as emergency".
pub(crate) fn emergency_home_in_other_locality(
    context: &Context<'_>,
    emergency: &EmergencyHomeCheck,
) -> RuleEvaluation {
    if context.application.track != Track::EmergencyHome {
        return RuleEvaluation::not_applicable(RuleCode::EmergencyHomeInOtherLocality);
    }
    RuleEvaluation::decided(
        RuleCode::EmergencyHomeInOtherLocality,
        !emergency.other_locality.is_empty(),
        emergency.other_locality.clone(),
    )
}

/// `STATE_MORTGAGE_PROGRAM_HOUSING`.
///
/// §15.9: "if they acquired housing in ownership using a mortgage housing loan
/// within the framework of the mortgage program approved by the National Bank
/// of the Republic of Kazakhstan, documents of the State Planning System of the
/// Republic of Kazakhstan, state housing construction programs, the conception
/// for development of an industry (sphere), approved by the Government of the
/// Republic of Kazakhstan."
///
/// Any ownership, at any time, of the applicant or a family member acquired
/// under a state mortgage programme.
pub(crate) fn state_mortgage_program_housing(context: &Context<'_>) -> RuleEvaluation {
    let facts: Vec<Fact> = context
        .held_dwellings()
        .into_iter()
        .filter(|held| held.ownership.acquired_on <= context.as_of)
        .filter(|held| {
            matches!(
                held.ownership.acquisition_basis,
                AcquisitionBasis::StateMortgageProgramme { .. }
            )
        })
        .map(|held| held.fact())
        .collect();
    RuleEvaluation::decided(
        RuleCode::StateMortgageProgramHousing,
        !facts.is_empty(),
        facts,
    )
}

/// `REQUIREMENTS_NOT_MET`.
///
/// App1 row 9.2: "non-compliance of the service recipient and (or) the
/// submitted documents, objects, data and information, necessary for the public
/// service, with the requirements, established by these Rules".
///
/// Names every failing requirement of §1 that has no ground of its own:
/// `ADULT`, `CITIZEN_OR_KANDAS`, `DOMICILE_3_YEARS`, and `TRACK_EMERGENCY_HOME`
/// for a missing report, a dwelling not recognised as emergency or another
/// dwelling owned. (`TRACK_NO_HOUSING` fails as `OWNED_HOUSING_LAST_5_YEARS`,
/// `CONSENT` as `NO_PERSONAL_DATA_CONSENT`, and the report's inaccuracies and
/// locality have their own grounds.)
pub(crate) fn requirements_not_met(
    requirements: &[&RuleEvaluation],
    emergency: &EmergencyHomeCheck,
) -> RuleEvaluation {
    let mut failed = Vec::new();
    let mut facts = Vec::new();
    for requirement in requirements {
        if requirement.outcome == RuleOutcome::Fails {
            failed.push(requirement.code);
            facts.push(requirement_fails_fact(requirement.code));
            facts.extend(requirement.facts.iter().cloned());
        }
    }
    if !emergency.unmet.is_empty() {
        failed.push(RuleCode::TrackEmergencyHome);
        facts.push(requirement_fails_fact(RuleCode::TrackEmergencyHome));
        facts.extend(emergency.unmet.iter().cloned());
    }
    let mut evaluation =
        RuleEvaluation::decided(RuleCode::RequirementsNotMet, !failed.is_empty(), facts);
    evaluation.failed_requirements = failed;
    evaluation
}

fn requirement_fails_fact(requirement: RuleCode) -> Fact {
    Fact::new(
        Register::ApplicationForm,
        Observation::RequirementFails { requirement },
    )
}

/// `NO_PERSONAL_DATA_CONSENT`.
///
/// App1 row 9.4: "absence of consent of the service recipient, provided by
/// Article 8 of the Law of the Republic of Kazakhstan “On Personal Data and
/// Their Protection”, to access personal data of restricted access that are
/// required for the public service."
///
/// Found exactly when `CONSENT` fails; the facts name whose consent is missing.
pub(crate) fn no_personal_data_consent(consent: &RuleEvaluation) -> RuleEvaluation {
    let missing: Vec<Fact> = consent
        .facts
        .iter()
        .filter(|fact| {
            matches!(
                fact.observation,
                Observation::PersonalDataConsentMissing
                    | Observation::ConsentCheckboxNotTicked { .. }
            )
        })
        .cloned()
        .collect();
    let found = consent.outcome == RuleOutcome::Fails;
    let facts = if found {
        missing
    } else {
        consent.facts.clone()
    };
    RuleEvaluation::decided(RuleCode::NoPersonalDataConsent, found, facts)
}
