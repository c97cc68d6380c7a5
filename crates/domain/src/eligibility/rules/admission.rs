//! §1 of the catalogue: who may register (the admission requirements).

use super::super::application::{RepresentativeCapacity, Track};
use super::super::context::Context;
use super::super::dates::{Period, age_on, birthday, first_uncovered_day, has_reached_age};
use super::super::decision::{
    ConsentCheckbox, ConsentGiver, Fact, Observation, PersonReference, PersonRole, Register,
    RuleEvaluation, RuleOutcome,
};
use super::super::facts::{Citizenship, Identity, PersonFacts};
use crate::codes::RuleCode;

/// `ADULT`.
///
/// §7: "Adult citizens of the Republic of Kazakhstan, kandases, recognized as
/// needing housing under Article 69 of the Law, meeting the following
/// requirements shall be registered through the Informatization Object".
///
/// §11: "Registration of orphans and children deprived of parental care
/// (without a parent) in need of housing shall be made on the basis of
/// paragraph 3 of Article 71 of the Law." §13, second part: "In cases,
/// stipulated by the legislation of the Republic of Kazakhstan, the application
/// … shall be submitted by the legal representatives of the Service Recipient."
///
/// Age comes from the birth date in the identity register, never from the IIN.
/// Exception: a minor orphan or child left without parental care, when a legal
/// representative files.
pub(crate) fn adult(context: &Context<'_>) -> RuleEvaluation {
    let applicant = context.applicant_reference();
    let Some(identity) = context.applicant_identity() else {
        let fact = Fact::new(Register::Identity, Observation::IdentityNotFound).about(applicant);
        return RuleEvaluation::decided(RuleCode::Adult, false, vec![fact]);
    };
    let mut facts = vec![birth_date_fact(identity, applicant, context)];
    if has_reached_age(identity.birth_date, 18, context.as_of) {
        return RuleEvaluation::decided(RuleCode::Adult, true, facts);
    }
    let filed_by_legal_representative = match &context.application.representative {
        Some(representative) => {
            facts.push(
                Fact::new(
                    Register::ApplicationForm,
                    Observation::FiledByRepresentative {
                        capacity: representative.capacity,
                    },
                )
                .about(PersonReference {
                    iin: representative.iin,
                    role: PersonRole::Representative,
                }),
            );
            representative.capacity == RepresentativeCapacity::LegalRepresentativeOfMinor
        }
        None => false,
    };
    let lost_parental_care = parental_care_fact(context.applicant, identity, applicant, context);
    let is_orphan_or_without_care = lost_parental_care.is_some();
    facts.push(lost_parental_care.unwrap_or_else(|| {
        Fact::new(Register::CivilStatus, Observation::NoParentalCareLossRecord).about(applicant)
    }));
    RuleEvaluation::decided(
        RuleCode::Adult,
        filed_by_legal_representative && is_orphan_or_without_care,
        facts,
    )
}

/// `CITIZEN_OR_KANDAS`.
///
/// §7: "Adult citizens of the Republic of Kazakhstan, kandases, …". §3.4:
/// "kandas - an ethnic Kazakh and (or) members of his family of Kazakh
/// ethnicity, who were not previously citizens of the Republic of Kazakhstan,
/// who received the corresponding status in the manner established by the
/// authorized body for population migration issues".
///
/// A citizen, or a kandas status valid on the acceptance date (its last day of
/// validity counts).
pub(crate) fn citizen_or_kandas(context: &Context<'_>) -> RuleEvaluation {
    let applicant = context.applicant_reference();
    let mut facts = Vec::new();
    let citizen = match context.applicant_identity() {
        Some(identity) => {
            facts.push(
                Fact::new(
                    Register::Identity,
                    Observation::Citizenship {
                        citizenship: identity.citizenship,
                    },
                )
                .about(applicant),
            );
            identity.citizenship == Citizenship::Kazakhstan
        }
        None => {
            facts.push(
                Fact::new(Register::Identity, Observation::IdentityNotFound).about(applicant),
            );
            false
        }
    };
    if citizen {
        return RuleEvaluation::decided(RuleCode::CitizenOrKandas, true, facts);
    }
    let mut valid_kandas = false;
    for status in &context.applicant.kandas_statuses {
        let valid = Period::new(status.valid_from, status.valid_to).contains(context.as_of);
        valid_kandas |= valid;
        facts.push(
            Fact::new(
                Register::Migration,
                Observation::KandasStatus {
                    valid_from: status.valid_from,
                    valid_to: status.valid_to,
                    valid_on_acceptance_date: valid,
                },
            )
            .about(applicant)
            .dated(status.valid_from),
        );
    }
    if context.applicant.kandas_statuses.is_empty() {
        facts.push(Fact::new(Register::Migration, Observation::NoKandasStatus).about(applicant));
    }
    RuleEvaluation::decided(RuleCode::CitizenOrKandas, valid_kandas, facts)
}

/// `TRACK_NO_HOUSING`.
///
/// §7.1: "who have not had own housing on the territory of the Republic of
/// Kazakhstan for the last five years when registering as needing housing in
/// the single republican electronic database and the electronic database
/// “Housing Provision Center”".
///
/// Neither the applicant nor any family member owned a dwelling (any share, any
/// basis) on any day of the closed window `[acceptance − 5 years, acceptance]`.
/// Fails as `OWNED_HOUSING_LAST_5_YEARS`.
pub(crate) fn track_no_housing(context: &Context<'_>) -> RuleEvaluation {
    if context.application.track != Track::NoHousing {
        return RuleEvaluation::not_applicable(RuleCode::TrackNoHousing);
    }
    let owned = ownerships_in_last_five_years(context);
    if owned.is_empty() {
        RuleEvaluation::decided(
            RuleCode::TrackNoHousing,
            true,
            vec![no_ownership_fact(context)],
        )
    } else {
        RuleEvaluation::decided(RuleCode::TrackNoHousing, false, owned)
    }
}

/// The ownership facts of the applicant and family inside the five-year window.
pub(crate) fn ownerships_in_last_five_years(context: &Context<'_>) -> Vec<Fact> {
    context
        .held_dwellings()
        .into_iter()
        .filter(|held| held.owned_during(context.five_years_back, context.as_of))
        .map(|held| held.fact())
        .collect()
}

/// The fact that nobody considered owned a dwelling in the window.
pub(crate) fn no_ownership_fact(context: &Context<'_>) -> Fact {
    Fact::new(
        Register::RealEstate,
        Observation::NoOwnershipInWindow {
            window_from: context.five_years_back,
        },
    )
    .dated(context.as_of)
}

/// `DOMICILE_3_YEARS`.
///
/// §6: "When registering citizens of the Republic of Kazakhstan, kandases for
/// housing in cities of the national status, the capital, the domicile
/// registration for the last three years is required. This requirement does
/// not apply to orphans, children deprived of parental care (without a parent),
/// under twenty-nine years old, or those who lost their parents before reaching
/// adulthood."
///
/// Interpretation (rules.md): continuous registration in that city on every day
/// of `[acceptance − 3 years, acceptance]` — one uncovered day fails. Exempt:
/// orphans and children left without parental care who are under 29 on the
/// acceptance date **and** lost their parents before 18.
pub(crate) fn domicile_3_years(context: &Context<'_>) -> RuleEvaluation {
    let applied_for = context.application.locality;
    let Some(city) = applied_for.city_of_national_status() else {
        let fact = Fact::new(
            Register::ApplicationForm,
            Observation::LocalityNotACityOfNationalStatus {
                locality: applied_for,
            },
        );
        return RuleEvaluation::new(
            RuleCode::Domicile3Years,
            RuleOutcome::NotApplicable,
            vec![fact],
        );
    };
    let applicant = context.applicant_reference();
    if let Some(identity) = context.applicant_identity()
        && let Some(exemption) = domicile_exemption(context, identity)
    {
        return RuleEvaluation::decided(RuleCode::Domicile3Years, true, exemption);
    }
    let in_city: Vec<_> = context
        .applicant
        .domicile_history
        .iter()
        .filter(|registration| registration.locality.city_of_national_status() == Some(city))
        .collect();
    let mut facts: Vec<Fact> = in_city
        .iter()
        .filter(|registration| {
            Period::new(registration.registered_from, registration.registered_to)
                .overlaps(context.three_years_back, context.as_of)
        })
        .map(|registration| {
            Fact::new(
                Register::AddressRegistration,
                Observation::DomicileRegistration {
                    locality: registration.locality,
                    registered_from: registration.registered_from,
                    registered_to: registration.registered_to,
                },
            )
            .about(applicant)
            .dated(registration.registered_from)
        })
        .collect();
    let periods: Vec<Period> = in_city
        .iter()
        .map(|registration| Period::new(registration.registered_from, registration.registered_to))
        .collect();
    match first_uncovered_day(&periods, context.three_years_back, context.as_of) {
        None => RuleEvaluation::decided(RuleCode::Domicile3Years, true, facts),
        Some(gap) => {
            facts.push(
                Fact::new(
                    Register::AddressRegistration,
                    Observation::NoDomicileInCity {
                        window_from: context.three_years_back,
                    },
                )
                .about(applicant)
                .dated(gap),
            );
            RuleEvaluation::decided(RuleCode::Domicile3Years, false, facts)
        }
    }
}

/// The facts of the §6 exemption when it applies: under 29 on the acceptance
/// date (the 29th birthday itself is no longer "under 29") and parents lost
/// before the 18th birthday.
fn domicile_exemption(context: &Context<'_>, identity: &Identity) -> Option<Vec<Fact>> {
    let applicant = context.applicant_reference();
    let lost = context
        .applicant
        .civil_status
        .parental_care_loss
        .filter(|lost| lost.parents_lost_on <= context.as_of)?;
    let under_29 = !has_reached_age(identity.birth_date, 29, context.as_of);
    let before_adulthood =
        birthday(identity.birth_date, 18).is_some_and(|adulthood| lost.parents_lost_on < adulthood);
    if !(under_29 && before_adulthood) {
        return None;
    }
    let mut facts = vec![birth_date_fact(identity, applicant, context)];
    facts.extend(parental_care_fact(
        context.applicant,
        identity,
        applicant,
        context,
    ));
    Some(facts)
}

/// `CONSENT`.
///
/// §12: "When registering as needing housing, the Service Provider shall be
/// obliged to obtain the consent of citizens of the Republic of Kazakhstan,
/// kandases and their family members to the collection and processing of
/// personal data as required by Article 8 of the Law of the Republic of
/// Kazakhstan “On Personal Data and Their Protection”."
///
/// The applicant's consent (or, when a representative files, the
/// representative's on their behalf), every adult family member's own consent,
/// and for a minor member the filer's consent as parent or legal representative;
/// plus the form's two checkboxes that make up that consent (the housing check
/// of the family and the processing of protected data). Fails as
/// `NO_PERSONAL_DATA_CONSENT`.
pub(crate) fn consent(context: &Context<'_>) -> RuleEvaluation {
    let consents = &context.application.consents;
    let given_by = &consents.personal_data_consent_given_by;
    let mut facts = Vec::new();
    let mut complete = true;
    for (ticked, checkbox) in [
        (consents.housing_check, ConsentCheckbox::HousingCheck),
        (consents.data_processing, ConsentCheckbox::DataProcessing),
    ] {
        if !ticked {
            complete = false;
            facts.push(Fact::new(
                Register::ApplicationForm,
                Observation::ConsentCheckboxNotTicked { checkbox },
            ));
        }
    }

    let applicant = context.applicant_reference();
    let filer_consent = if given_by.contains(&applicant.iin) {
        Some(ConsentGiver::ThePerson)
    } else {
        context
            .application
            .representative
            .as_ref()
            .filter(|representative| given_by.contains(&representative.iin))
            .map(|_| ConsentGiver::TheRepresentative)
    };
    complete &= filer_consent.is_some();
    facts.push(consent_fact(applicant, filer_consent));

    for member in context.members() {
        let giver = if given_by.contains(&member.member.person.iin) {
            Some(ConsentGiver::ThePerson)
        } else if !context.member_is_adult(member) {
            filer_consent.map(|_| ConsentGiver::TheApplicantAsParent)
        } else {
            None
        };
        complete &= giver.is_some();
        facts.push(consent_fact(member.member.person, giver));
    }
    RuleEvaluation::decided(RuleCode::Consent, complete, facts)
}

fn consent_fact(person: PersonReference, giver: Option<ConsentGiver>) -> Fact {
    let observation = match giver {
        Some(given_by) => Observation::PersonalDataConsentGiven { given_by },
        None => Observation::PersonalDataConsentMissing,
    };
    Fact::new(Register::ApplicationForm, observation).about(person)
}

/// The identity register's birth date of a person, with their age on the acceptance date.
pub(crate) fn birth_date_fact(
    identity: &Identity,
    person: PersonReference,
    context: &Context<'_>,
) -> Fact {
    Fact::new(
        Register::Identity,
        Observation::BirthDate {
            age_on_acceptance_date: age_on(identity.birth_date, context.as_of),
        },
    )
    .about(person)
    .dated(identity.birth_date)
}

/// The orphan or parental-care record of a person, if any, dated on or before
/// the acceptance date.
fn parental_care_fact(
    person_facts: &PersonFacts,
    identity: &Identity,
    person: PersonReference,
    context: &Context<'_>,
) -> Option<Fact> {
    let lost = person_facts
        .civil_status
        .parental_care_loss
        .filter(|lost| lost.parents_lost_on <= context.as_of)?;
    let before_adulthood =
        birthday(identity.birth_date, 18).is_some_and(|adulthood| lost.parents_lost_on < adulthood);
    Some(
        Fact::new(
            Register::CivilStatus,
            Observation::ParentalCareLost {
                status: lost.status,
                before_adulthood,
            },
        )
        .about(person)
        .dated(lost.parents_lost_on),
    )
}
