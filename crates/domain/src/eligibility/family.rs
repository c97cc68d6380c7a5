//! The family considered, and the persons whose register answers are needed.
//!
//! rules.md §1, Interpretation: "Family members: the spouse in a registered
//! marriage not dissolved on the acceptance date, and the applicant's children
//! under 18 on that date, as the civil-status register shows them. The applicant
//! may declare more family members; declared members are checked the same way.
//! A declared family that contradicts the register is `INACCURATE_DATA`."

use std::collections::BTreeSet;

use chrono::NaiveDate;

use super::application::{Application, DeclaredRelation};
use super::dates::has_reached_age;
use super::decision::{
    Fact, FamilyMember, FamilySource, Observation, PersonReference, PersonRole, Register,
};
use super::facts::{Marriage, PersonFacts, RegistryFacts};
use crate::iin::Iin;

/// Whether a marriage subsists on `day`: registered on or before it and not
/// dissolved on or before it (a marriage dissolved on the acceptance date no
/// longer makes a family on that date).
pub(crate) fn marriage_subsists_on(marriage: &Marriage, day: NaiveDate) -> bool {
    marriage.registered_on <= day
        && marriage
            .dissolved_on
            .is_none_or(|dissolved| dissolved > day)
}

/// Whether a person is dead on `day` (died on or before it).
fn deceased_on(person: &PersonFacts, day: NaiveDate) -> bool {
    person
        .found_identity()
        .and_then(|identity| identity.date_of_death)
        .is_some_and(|died| died <= day)
}

/// The IINs whose register answers an evaluation needs and the snapshot lacks.
///
/// The caller asks the registers in two rounds: the applicant first (their
/// civil status names the spouse and children), then everyone this returns.
/// It also names the representative, whose mobile-citizens entry the notice needs.
pub fn persons_to_query(application: &Application, facts: &RegistryFacts) -> BTreeSet<Iin> {
    let mut needed = persons_needed_for_evaluation(application, facts);
    if let Some(representative) = &application.representative {
        needed.insert(representative.iin);
    }
    needed.retain(|iin| facts.person(*iin).is_none());
    needed
}

/// Everyone whose answers the rules read: applicant, declared members, spouses of
/// subsisting marriages and every child of a birth record (their age is only
/// known from their own identity record).
pub(crate) fn persons_needed_for_evaluation(
    application: &Application,
    facts: &RegistryFacts,
) -> BTreeSet<Iin> {
    let as_of = application.acceptance_date;
    let mut needed = BTreeSet::from([application.applicant]);
    needed.extend(application.declared_family.iter().map(|member| member.iin));
    if let Some(applicant) = facts.person(application.applicant) {
        let civil_status = &applicant.civil_status;
        needed.extend(
            civil_status
                .marriages
                .iter()
                .filter(|marriage| marriage_subsists_on(marriage, as_of))
                .map(|marriage| marriage.spouse),
        );
        needed.extend(
            civil_status
                .births
                .iter()
                .filter(|birth| birth.parents.contains(&application.applicant))
                .map(|birth| birth.child),
        );
    }
    needed
}

/// A member of the family with their register answers.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ConsideredMember<'a> {
    pub member: FamilyMember,
    pub facts: &'a PersonFacts,
}

/// The family and what the declarations contradict.
#[derive(Debug, Clone)]
pub(crate) struct Family<'a> {
    pub members: Vec<ConsideredMember<'a>>,
    /// Facts for `INACCURATE_DATA`: declarations the registers contradict.
    pub contradictions: Vec<Fact>,
}

/// Builds the family of an applicant. Every IIN of
/// [`persons_needed_for_evaluation`] must have answers in `facts`; those that do
/// not are skipped (the caller checks completeness before).
pub(crate) fn family_of<'a>(
    application: &Application,
    applicant: &'a PersonFacts,
    facts: &'a RegistryFacts,
) -> Family<'a> {
    let as_of = application.acceptance_date;
    let mut builder = FamilyBuilder::default();

    // The register family first: it is the family whatever the form says, so an
    // omitted spouse or child is still checked (omission gains nothing and is
    // therefore not treated as a contradiction).
    for marriage in &applicant.civil_status.marriages {
        if !marriage_subsists_on(marriage, as_of) {
            continue;
        }
        if let Some(spouse) = facts.person(marriage.spouse)
            && !deceased_on(spouse, as_of)
        {
            builder.add(spouse, DeclaredRelation::Spouse, FamilySource::Register);
        }
    }
    for birth in &applicant.civil_status.births {
        if !birth.parents.contains(&application.applicant) {
            continue;
        }
        let Some(child) = facts.person(birth.child) else {
            continue;
        };
        // A child the identity register does not know cannot be aged: not counted.
        let minor = child
            .found_identity()
            .is_some_and(|identity| !has_reached_age(identity.birth_date, 18, as_of));
        if minor && !deceased_on(child, as_of) {
            builder.add(child, DeclaredRelation::Child, FamilySource::Register);
        }
    }

    for declared in &application.declared_family {
        if declared.iin == application.applicant {
            builder.contradictions.push(
                Fact::new(
                    Register::ApplicationForm,
                    Observation::DeclaredMemberIsTheApplicant,
                )
                .about(PersonReference {
                    iin: declared.iin,
                    role: PersonRole::Applicant,
                }),
            );
            continue;
        }
        if let Some(existing) = builder.mark_declared(declared.iin) {
            // Already in the family from the register. A spouse or child declared
            // as "other" is a vaguer, not a false, statement.
            if existing.relation != declared.relation
                && declared.relation != DeclaredRelation::Other
            {
                builder.contradictions.push(
                    Fact::new(
                        Register::CivilStatus,
                        Observation::DeclaredMemberContradictsRegister {
                            declared_relation: declared.relation,
                        },
                    )
                    .about(existing.person),
                );
            }
            continue;
        }
        let Some(member_facts) = facts.person(declared.iin) else {
            continue;
        };
        if deceased_on(member_facts, as_of) {
            let died = member_facts
                .found_identity()
                .and_then(|identity| identity.date_of_death);
            let mut fact = Fact::new(Register::Identity, Observation::DeclaredMemberDeceased)
                .about(PersonReference {
                    iin: declared.iin,
                    role: builder.next_role(declared.relation),
                });
            if let Some(died) = died {
                fact = fact.dated(died);
            }
            builder.contradictions.push(fact);
            continue;
        }
        let reference = builder.add(member_facts, declared.relation, FamilySource::Declared);
        if member_facts.found_identity().is_none() {
            builder.contradictions.push(
                Fact::new(Register::Identity, Observation::DeclaredMemberNotFound).about(reference),
            );
        }
        let contradicted = match declared.relation {
            DeclaredRelation::Spouse => true,
            DeclaredRelation::Child => !applicant.civil_status.births.iter().any(|birth| {
                birth.child == declared.iin && birth.parents.contains(&application.applicant)
            }),
            DeclaredRelation::Other => false,
        };
        if contradicted {
            builder.contradictions.push(
                Fact::new(
                    Register::CivilStatus,
                    Observation::DeclaredMemberContradictsRegister {
                        declared_relation: declared.relation,
                    },
                )
                .about(reference),
            );
            if declared.relation == DeclaredRelation::Spouse {
                // Show what the register does say about the applicant's marriages.
                for marriage in &applicant.civil_status.marriages {
                    let spouse_reference =
                        builder
                            .reference_of(marriage.spouse)
                            .unwrap_or(PersonReference {
                                iin: marriage.spouse,
                                role: PersonRole::Spouse,
                            });
                    builder
                        .contradictions
                        .push(marriage_fact(marriage, spouse_reference, as_of));
                }
            }
        }
    }

    Family {
        members: builder.members,
        contradictions: builder.contradictions,
    }
}

/// The fact of a registered marriage.
pub(crate) fn marriage_fact(
    marriage: &Marriage,
    spouse: PersonReference,
    as_of: NaiveDate,
) -> Fact {
    Fact::new(
        Register::CivilStatus,
        Observation::Marriage {
            registered_on: marriage.registered_on,
            dissolved_on: marriage.dissolved_on,
            subsists_on_acceptance_date: marriage_subsists_on(marriage, as_of),
        },
    )
    .about(spouse)
    .dated(marriage.registered_on)
}

#[derive(Debug, Default)]
struct FamilyBuilder<'a> {
    members: Vec<ConsideredMember<'a>>,
    contradictions: Vec<Fact>,
    children: u16,
    others: u16,
}

impl<'a> FamilyBuilder<'a> {
    fn next_role(&self, relation: DeclaredRelation) -> PersonRole {
        match relation {
            DeclaredRelation::Spouse => PersonRole::Spouse,
            DeclaredRelation::Child => PersonRole::Child(self.children.saturating_add(1)),
            DeclaredRelation::Other => PersonRole::OtherMember(self.others.saturating_add(1)),
        }
    }

    fn add(
        &mut self,
        facts: &'a PersonFacts,
        relation: DeclaredRelation,
        source: FamilySource,
    ) -> PersonReference {
        if let Some(existing) = self.reference_of(facts.iin) {
            return existing;
        }
        let role = self.next_role(relation);
        match relation {
            DeclaredRelation::Spouse => {}
            DeclaredRelation::Child => self.children = self.children.saturating_add(1),
            DeclaredRelation::Other => self.others = self.others.saturating_add(1),
        }
        let person = PersonReference {
            iin: facts.iin,
            role,
        };
        self.members.push(ConsideredMember {
            member: FamilyMember {
                person,
                relation,
                source,
            },
            facts,
        });
        person
    }

    fn reference_of(&self, iin: Iin) -> Option<PersonReference> {
        self.members
            .iter()
            .find(|considered| considered.member.person.iin == iin)
            .map(|considered| considered.member.person)
    }

    /// Marks a member already present as declared too; `None` if absent.
    fn mark_declared(&mut self, iin: Iin) -> Option<FamilyMember> {
        let considered = self
            .members
            .iter_mut()
            .find(|considered| considered.member.person.iin == iin)?;
        if considered.member.source == FamilySource::Register {
            considered.member.source = FamilySource::RegisterAndDeclared;
        }
        Some(considered.member)
    }
}
