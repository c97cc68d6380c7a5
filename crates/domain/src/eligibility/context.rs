//! What every rule reads: the application, the facts, the family, the windows.

use chrono::NaiveDate;

use super::application::Application;
use super::dates::{Period, has_reached_age, years_before};
use super::decision::{Fact, Observation, PersonReference, PersonRole, Register};
use super::facts::{Dwelling, Identity, Ownership, PersonFacts, RegistryFacts};
use super::family::{ConsideredMember, Family, family_of};
use crate::iin::Iin;

/// The evaluation context of one application.
#[derive(Debug)]
pub(crate) struct Context<'a> {
    pub application: &'a Application,
    pub facts: &'a RegistryFacts,
    pub applicant: &'a PersonFacts,
    pub family: Family<'a>,
    /// The acceptance date: every rule is evaluated as of this day.
    pub as_of: NaiveDate,
    /// The first day of "the last five years" (closed window up to `as_of`).
    pub five_years_back: NaiveDate,
    /// The first day of "the last three years" (closed window up to `as_of`).
    pub three_years_back: NaiveDate,
}

/// A dwelling owned by someone considered, with the ownership and its owner.
#[derive(Debug, Clone, Copy)]
pub(crate) struct HeldDwelling<'a> {
    pub dwelling: &'a Dwelling,
    pub ownership: &'a Ownership,
    pub owner: PersonReference,
}

impl HeldDwelling<'_> {
    fn period(&self) -> Period {
        Period::new(
            self.ownership.acquired_on,
            self.ownership
                .alienation
                .map(|alienation| alienation.alienated_on),
        )
    }

    /// Owned on `day` (the acquisition and alienation days both count as owned).
    pub fn owned_on(&self, day: NaiveDate) -> bool {
        self.period().contains(day)
    }

    /// Owned on at least one day of `[first, last]`.
    pub fn owned_during(&self, first: NaiveDate, last: NaiveDate) -> bool {
        self.period().overlaps(first, last)
    }

    /// The real-estate fact of this ownership.
    pub fn fact(&self) -> Fact {
        Fact::new(
            Register::RealEstate,
            Observation::Ownership {
                locality: self.dwelling.locality,
                share: self.ownership.share,
                acquisition_basis: self.ownership.acquisition_basis.clone(),
                alienated_on: self
                    .ownership
                    .alienation
                    .map(|alienation| alienation.alienated_on),
                alienation_basis: self.ownership.alienation.map(|alienation| alienation.basis),
            },
        )
        .about(self.owner)
        .on_property(&self.dwelling.cadastral_number)
        .dated(self.ownership.acquired_on)
    }
}

impl<'a> Context<'a> {
    pub(crate) fn new(
        application: &'a Application,
        facts: &'a RegistryFacts,
        applicant: &'a PersonFacts,
    ) -> Self {
        let as_of = application.acceptance_date;
        Self {
            application,
            facts,
            applicant,
            family: family_of(application, applicant, facts),
            as_of,
            five_years_back: years_before(as_of, 5),
            three_years_back: years_before(as_of, 3),
        }
    }

    /// The applicant's reference.
    pub fn applicant_reference(&self) -> PersonReference {
        PersonReference {
            iin: self.application.applicant,
            role: PersonRole::Applicant,
        }
    }

    /// The applicant's identity, if the identity register knows them.
    pub fn applicant_identity(&self) -> Option<&'a Identity> {
        self.applicant.found_identity()
    }

    /// Whether the applicant is 18 or older on the acceptance date; `None` when
    /// the identity register does not know them.
    pub fn applicant_is_adult(&self) -> Option<bool> {
        self.applicant_identity()
            .map(|identity| has_reached_age(identity.birth_date, 18, self.as_of))
    }

    /// The applicant and every family member, applicant first.
    pub fn persons(&self) -> impl Iterator<Item = (PersonReference, &'a PersonFacts)> + '_ {
        std::iter::once((self.applicant_reference(), self.applicant)).chain(
            self.family
                .members
                .iter()
                .map(|considered| (considered.member.person, considered.facts)),
        )
    }

    /// The family members (without the applicant).
    pub fn members(&self) -> &[ConsideredMember<'a>] {
        &self.family.members
    }

    /// The masked reference of anyone in the application; other persons
    /// (residents of a dwelling) get `Resident(n)` in order of first mention.
    pub fn reference_of(&self, iin: Iin, residents_seen: &mut Vec<Iin>) -> PersonReference {
        if let Some((reference, _)) = self.persons().find(|(reference, _)| reference.iin == iin) {
            return reference;
        }
        if let Some(representative) = &self.application.representative
            && representative.iin == iin
        {
            return PersonReference {
                iin,
                role: PersonRole::Representative,
            };
        }
        let position = match residents_seen.iter().position(|seen| *seen == iin) {
            Some(position) => position,
            None => {
                residents_seen.push(iin);
                residents_seen.len() - 1
            }
        };
        let ordinal = u16::try_from(position.saturating_add(1)).unwrap_or(u16::MAX);
        PersonReference {
            iin,
            role: PersonRole::Resident(ordinal),
        }
    }

    /// Every ownership, past or present, of the applicant and the family members.
    pub fn held_dwellings(&self) -> Vec<HeldDwelling<'a>> {
        let persons: Vec<PersonReference> =
            self.persons().map(|(reference, _)| reference).collect();
        self.held_dwellings_of(&persons)
    }

    /// Every ownership, past or present, of the applicant alone.
    pub fn held_dwellings_of_applicant(&self) -> Vec<HeldDwelling<'a>> {
        self.held_dwellings_of(&[self.applicant_reference()])
    }

    fn held_dwellings_of(&self, persons: &[PersonReference]) -> Vec<HeldDwelling<'a>> {
        let mut held = Vec::new();
        for dwelling in &self.facts.dwellings {
            for ownership in &dwelling.ownerships {
                if let Some(owner) = persons.iter().find(|person| person.iin == ownership.owner) {
                    held.push(HeldDwelling {
                        dwelling,
                        ownership,
                        owner: *owner,
                    });
                }
            }
        }
        held
    }

    /// Whether a family member is adult on the acceptance date. A member the
    /// identity register does not know is treated as adult (their own consent
    /// is then required, the cautious reading).
    pub fn member_is_adult(&self, member: &ConsideredMember<'_>) -> bool {
        member
            .facts
            .found_identity()
            .is_none_or(|identity| has_reached_age(identity.birth_date, 18, self.as_of))
    }
}
