//! `DELIBERATE_DETERIORATION`: track 2, the last five years.

use super::super::application::Track;
use super::super::context::Context;
use super::super::dates::Period;
use super::super::decision::{Fact, Observation, Register, RuleEvaluation};
use super::super::facts::{AcquisitionBasis, AlienationBasis, CadastralNumber, ResidentRelation};
use super::emergency::EmergencyHomeCheck;
use crate::codes::RuleCode;

/// `DELIBERATE_DETERIORATION`.
///
/// App1 row 9.3: "… and also if it was established that the citizen became in
/// need as a result of deliberate deterioration of his or her housing
/// conditions over the past five years by:
/// exchanging residential premises;
/// alienation of the dwelling suitable for habitation, which was owned by him,
/// regardless of whether it was located in the same or another populated area
/// of the Republic of Kazakhstan, except for cases when the dwelling was
/// acquired by the local executive body;
/// destruction or damage to the home through his or her fault;
/// moving out of the dwelling, while living in which he was not in need of a
/// dwelling from the public housing stock or a dwelling rented by the local
/// executive body in the private housing stock;
/// accommodating of persons other than the spouse, minor and disabled
/// children, as well as disabled parents".
///
/// Track 2 only; acts of the applicant (rules.md: "the applicant made their
/// housing worse on purpose") dated inside `[acceptance − 5 years, acceptance]`:
/// an exchange (either side of it), a sale or gift of a dwelling habitable at
/// the time (an acquisition by the local executive body is exempt; demolition
/// and destruction are not alienations by the owner's will — destruction
/// through the owner's fault is its own recorded fact), the two recorded acts,
/// and anyone but the spouse, minor or disabled children and disabled parents
/// registered at the applicant's dwellings from a day inside the window.
pub(crate) fn deliberate_deterioration(
    context: &Context<'_>,
    emergency: &EmergencyHomeCheck,
) -> RuleEvaluation {
    if context.application.track != Track::EmergencyHome {
        return RuleEvaluation::not_applicable(RuleCode::DeliberateDeterioration);
    }
    let window = Period::new(context.five_years_back, Some(context.as_of));
    let mut facts = Vec::new();

    let held = context.held_dwellings_of_applicant();
    for holding in &held {
        let acquired_by_exchange = holding.ownership.acquisition_basis
            == AcquisitionBasis::Exchange
            && window.contains(holding.ownership.acquired_on);
        let worsening_alienation = holding.ownership.alienation.is_some_and(|alienation| {
            window.contains(alienation.alienated_on)
                && match alienation.basis {
                    AlienationBasis::Exchange => true,
                    AlienationBasis::Sale | AlienationBasis::Gift => {
                        alienation.habitable_at_alienation
                    }
                    AlienationBasis::AcquiredByLocalExecutiveBody
                    | AlienationBasis::Demolition
                    | AlienationBasis::Destruction => false,
                }
        });
        if acquired_by_exchange || worsening_alienation {
            facts.push(holding.fact());
        }
    }

    let applicant = context.applicant_reference();
    for record in &context.applicant.housing_conduct {
        if window.contains(record.on) {
            let mut fact = Fact::new(
                Register::AddressRegistration,
                Observation::HousingConduct {
                    conduct: record.kind,
                },
            )
            .about(applicant)
            .dated(record.on);
            if let Some(dwelling) = &record.cadastral_number {
                fact = fact.on_property(dwelling);
            }
            facts.push(fact);
        }
    }

    // Accommodating others counts at the applicant's own dwellings (owned in the
    // window) and at the emergency home.
    let applicants_dwellings: Vec<&CadastralNumber> = held
        .iter()
        .filter(|holding| holding.owned_during(context.five_years_back, context.as_of))
        .map(|holding| &holding.dwelling.cadastral_number)
        .chain(emergency.home.as_ref())
        .collect();
    let mut residents_seen = Vec::new();
    for household in &context.facts.households {
        if !applicants_dwellings.contains(&&household.cadastral_number) {
            continue;
        }
        for resident in &household.residents {
            if resident.relation_to_applicant == ResidentRelation::Other
                && resident.iin != context.application.applicant
                && window.contains(resident.registered_from)
            {
                facts.push(
                    Fact::new(
                        Register::AddressRegistration,
                        Observation::Accommodated {
                            relation: resident.relation_to_applicant,
                        },
                    )
                    .about(context.reference_of(resident.iin, &mut residents_seen))
                    .on_property(&household.cadastral_number)
                    .dated(resident.registered_from),
                );
            }
        }
    }
    RuleEvaluation::decided(RuleCode::DeliberateDeterioration, !facts.is_empty(), facts)
}
