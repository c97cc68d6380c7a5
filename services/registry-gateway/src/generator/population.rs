//! The population model: families ("units") of consistent persons.
//!
//! A unit is a household and whoever its records name: spouses married to each
//! other, children whose births both parents' records list, an ex-spouse living
//! elsewhere, a deceased spouse. Every IIN a record names belongs to a person
//! of the population. Shares of the population are documented in
//! docs/registry-fixtures.md ("Generated populations"); everything is dated on
//! or before [`reference_date`].

use std::collections::VecDeque;

use chrono::{Datelike, Days, Months, NaiveDate};
use rand::Rng;
use rand::seq::IndexedRandom;
use rand_chacha::ChaCha8Rng;

use super::catalogue::{self, LOCALITIES, Locality};
use super::iins::IinAllocator;
use crate::fixture::format::*;

/// The day the generated registers stand at: nothing is dated after it.
pub fn reference_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 6, 30).expect("a valid date")
}

/// Adults remembered to be "accommodated" by later households (App1 row 9.3).
const RECENT_ADULTS: usize = 64;

/// A person being generated, with what relatives need to know of them.
#[derive(Debug, Clone)]
struct Member {
    person: FixturePerson,
    birth: NaiveDate,
    female: bool,
    given_name: String,
}

impl Member {
    fn iin(&self) -> String {
        self.person.iin.clone()
    }
}

/// Generates units one after another from one random stream.
#[derive(Debug)]
pub struct Population {
    rng: ChaCha8Rng,
    iins: IinAllocator,
    counter: u64,
    experts: Vec<FixtureExpert>,
    recent_adults: VecDeque<String>,
}

impl Population {
    /// A population drawn from `rng`, whose technical reports name `experts`.
    pub fn new(rng: ChaCha8Rng, experts: Vec<FixtureExpert>) -> Self {
        Self {
            rng,
            iins: IinAllocator::default(),
            counter: 0,
            experts,
            recent_adults: VecDeque::with_capacity(RECENT_ADULTS),
        }
    }

    /// The next unit, of at most `room` persons (`room` ≥ 1).
    pub fn next_unit(&mut self, room: usize) -> Vec<FixturePerson> {
        let roll = self.rng.random_range(0..100);
        let unit = match roll {
            0..=41 => self.couple(true),
            42..=55 => self.couple(false),
            56..=65 => self.single_parent(),
            66..=89 => self.single_adult(),
            90..=93 => self.kandas_family(),
            94..=96 => self.orphan(),
            _ => self.widowed_pensioner(),
        };
        let unit = if unit.len() > room {
            self.single_adult()
        } else {
            unit
        };
        for member in &unit {
            if self.age(member.birth) >= 18 {
                if self.recent_adults.len() == RECENT_ADULTS {
                    self.recent_adults.pop_front();
                }
                self.recent_adults.push_back(member.iin());
            }
        }
        unit.into_iter().map(|member| member.person).collect()
    }

    // ----- units --------------------------------------------------------

    fn couple(&mut self, with_children: bool) -> Vec<Member> {
        let locality = self.locality();
        let husband_age = self.rng.random_range(22..=72);
        let husband_birth = self.birth_for_age(husband_age);
        let wife_birth = self.birth_near(husband_birth, -2, 6);
        let surname = self.surname();
        let mut husband = self.person(
            husband_birth,
            false,
            surname,
            None,
            FixtureCitizenship::Kazakhstan,
        );
        let mut wife = self.person(
            wife_birth,
            true,
            surname,
            None,
            FixtureCitizenship::Kazakhstan,
        );
        let married = self.date_between(
            add_years(husband_birth.max(wife_birth), 20),
            add_years(husband_birth.max(wife_birth), 32).min(reference_date()),
        );
        self.marry(&mut husband, &mut wife, married, None);

        let since = self.date_between(married, add_years(married, 8).min(reference_date()));
        let mut children = Vec::new();
        if with_children {
            let count = *[1, 1, 2, 2, 2, 3, 3, 4, 5]
                .choose(&mut self.rng)
                .unwrap_or(&1);
            for _ in 0..count {
                let earliest = married.max(add_years(wife_birth, 19));
                let latest = add_years(wife_birth, 42).min(reference_date());
                if earliest >= latest {
                    break;
                }
                let birth = self.date_between(earliest, latest);
                let female = self.rng.random_bool(0.49);
                let child = self.person(
                    birth,
                    female,
                    surname,
                    Some(husband.given_name.clone()),
                    FixtureCitizenship::Kazakhstan,
                );
                children.push(child);
            }
        }
        let (wife_iin, husband_iin) = (wife.iin(), husband.iin());
        for child in &children {
            record_birth(&mut wife, child, &wife_iin, &husband_iin);
            record_birth(&mut husband, child, &wife_iin, &husband_iin);
        }
        self.settle(
            locality,
            since,
            &mut [&mut husband, &mut wife],
            &mut children,
            true,
        );
        self.categories_of_family(&mut [&mut husband, &mut wife], &children);
        let mut unit = vec![husband, wife];
        unit.extend(children);
        unit
    }

    fn single_parent(&mut self) -> Vec<Member> {
        let locality = self.locality();
        let age = self.rng.random_range(24..=55);
        let mother_birth = self.birth_for_age(age);
        let father_birth = self.birth_near(mother_birth, -6, 2);
        let surname = self.surname();
        let mut mother = self.person(
            mother_birth,
            true,
            surname,
            None,
            FixtureCitizenship::Kazakhstan,
        );
        let mut father = self.person(
            father_birth,
            false,
            surname,
            None,
            FixtureCitizenship::Kazakhstan,
        );
        let married = self.date_between(add_years(mother_birth, 19), add_years(mother_birth, 28));
        let dissolved = self.date_between(
            add_years(married, 2),
            add_years(married, 12).min(reference_date()),
        );
        self.marry(&mut father, &mut mother, married, Some(dissolved));
        let mut children = Vec::new();
        let count = self.rng.random_range(1..=3);
        for _ in 0..count {
            if married >= dissolved {
                break;
            }
            let birth = self.date_between(married, dissolved);
            let female = self.rng.random_bool(0.49);
            children.push(self.person(
                birth,
                female,
                surname,
                Some(father.given_name.clone()),
                FixtureCitizenship::Kazakhstan,
            ));
        }
        let (mother_iin, father_iin) = (mother.iin(), father.iin());
        for child in &children {
            record_birth(&mut mother, child, &mother_iin, &father_iin);
            record_birth(&mut father, child, &mother_iin, &father_iin);
        }
        let since = self.date_between(married, dissolved);
        self.settle(locality, since, &mut [&mut mother], &mut children, true);
        let father_locality = self.locality();
        let father_since = self.date_between(dissolved, reference_date());
        self.settle(
            father_locality,
            father_since,
            &mut [&mut father],
            &mut [],
            false,
        );
        let single_parent_from = dissolved;
        self.category(
            &mut mother,
            FixtureCategory::SingleParentFamily,
            single_parent_from,
            None,
            catalogue::LABOUR_REGISTER,
        );
        self.personal_categories(&mut mother);
        self.personal_categories(&mut father);
        self.mobile_phone(&mut mother);
        self.mobile_phone(&mut father);
        for child in &mut children {
            self.mobile_phone(child);
        }
        let mut unit = vec![mother, father];
        unit.extend(children);
        unit
    }

    fn single_adult(&mut self) -> Vec<Member> {
        let locality = self.locality();
        let age = self.rng.random_range(18..=80);
        let birth = self.birth_for_age(age);
        let female = self.rng.random_bool(0.5);
        let surname = self.surname();
        let mut member = self.person(birth, female, surname, None, FixtureCitizenship::Kazakhstan);
        let since = self.date_between(add_years(birth, 18), reference_date());
        self.settle(locality, since, &mut [&mut member], &mut [], true);
        self.personal_categories(&mut member);
        self.mobile_phone(&mut member);
        vec![member]
    }

    fn kandas_family(&mut self) -> Vec<Member> {
        let locality = self.locality();
        let arrived = self.date_between(add_years(reference_date(), -8), reference_date());
        let age = self.rng.random_range(25..=60);
        let husband_birth = self.birth_for_age(age);
        let wife_birth = self.birth_near(husband_birth, 0, 5);
        let surname = self.surname();
        let became_citizens =
            arrived < add_years(reference_date(), -4) && self.rng.random_bool(0.3);
        let citizenship = if became_citizens {
            FixtureCitizenship::Kazakhstan
        } else if self.rng.random_bool(0.9) {
            FixtureCitizenship::Foreign
        } else {
            FixtureCitizenship::Stateless
        };
        let mut husband = self.person(husband_birth, false, surname, None, citizenship);
        let mut wife = self.person(wife_birth, true, surname, None, citizenship);
        let married = self.date_between(add_years(wife_birth, 19), add_years(wife_birth, 27));
        self.marry(&mut husband, &mut wife, married, None);
        let mut children = Vec::new();
        let count = self.rng.random_range(0..=3);
        for _ in 0..count {
            // Born abroad before the family arrived: kandases like their parents.
            let birth = self.date_between(married.max(add_years(arrived, -17)), arrived);
            let female = self.rng.random_bool(0.49);
            children.push(self.person(
                birth,
                female,
                surname,
                Some(husband.given_name.clone()),
                citizenship,
            ));
        }
        let (wife_iin, husband_iin) = (wife.iin(), husband.iin());
        for child in &children {
            record_birth(&mut wife, child, &wife_iin, &husband_iin);
            record_birth(&mut husband, child, &wife_iin, &husband_iin);
        }
        // Born abroad: the address register knows them from their arrival only.
        self.settle_from_arrival(
            locality,
            arrived,
            &mut [&mut husband, &mut wife],
            &mut children,
        );
        let first_to = add_days(add_years(arrived, 1), -1);
        let renewed = self.rng.random_bool(0.6);
        let status_end = if became_citizens {
            Some(self.date_between(add_years(arrived, 2), add_years(arrived, 4)))
        } else if renewed {
            Some(add_years(first_to, 1))
        } else {
            Some(first_to)
        };
        let decision = self.next_number("KND");
        for member in std::iter::once(&mut husband)
            .chain(std::iter::once(&mut wife))
            .chain(children.iter_mut())
        {
            member.person.kandas_statuses.push(FixtureKandasStatus {
                from: arrived,
                to: Some(first_to),
                decision_number: decision.clone(),
            });
            if renewed || became_citizens {
                member.person.kandas_statuses.push(FixtureKandasStatus {
                    from: add_days(first_to, 1),
                    to: status_end,
                    decision_number: format!("{decision}-R"),
                });
            }
            self.category(
                member,
                FixtureCategory::Kandas,
                arrived,
                status_end,
                catalogue::MIGRATION_REGISTER,
            );
            if self.age(member.birth) >= 16 {
                self.mobile_phone(member);
            }
        }
        let mut unit = vec![husband, wife];
        unit.extend(children);
        unit
    }

    fn orphan(&mut self) -> Vec<Member> {
        let locality = self.locality();
        let age = self.rng.random_range(18..=28);
        let birth = self.birth_for_age(age);
        let female = self.rng.random_bool(0.5);
        let surname = self.surname();
        let mut member = self.person(birth, female, surname, None, FixtureCitizenship::Kazakhstan);
        let lost = self.date_between(add_years(birth, 2), add_days(add_years(birth, 18), -1));
        member.person.parental_care_loss = Some(FixtureParentalCareLoss {
            kind: if self.rng.random_bool(0.6) {
                FixtureParentalCareKind::Orphan
            } else {
                FixtureParentalCareKind::WithoutParentalCare
            },
            parents_lost: lost,
        });
        // Many move to a big city after care: short domicile there, exempt by §6.
        let since = self.date_between(add_years(birth, 18), reference_date());
        self.settle(locality, since, &mut [&mut member], &mut [], false);
        self.category(
            &mut member,
            FixtureCategory::Orphan,
            lost,
            Some(add_years(birth, 23)),
            catalogue::EDUCATION_REGISTER,
        );
        self.mobile_phone(&mut member);
        vec![member]
    }

    fn widowed_pensioner(&mut self) -> Vec<Member> {
        let locality = self.locality();
        let age = self.rng.random_range(65..=90);
        let birth = self.birth_for_age(age);
        let surname = self.surname();
        let mut widow = self.person(birth, true, surname, None, FixtureCitizenship::Kazakhstan);
        let spouse_birth = self.birth_near(birth, -6, 1);
        let mut spouse = self.person(
            spouse_birth,
            false,
            surname,
            None,
            FixtureCitizenship::Kazakhstan,
        );
        let married = self.date_between(add_years(birth, 19), add_years(birth, 26));
        self.marry(&mut spouse, &mut widow, married, None);
        let died = self.date_between(add_years(reference_date(), -10), reference_date());
        if let Some(identity) = &mut spouse.person.identity {
            identity.death_date = Some(died);
        }
        let since = self.date_between(married, add_years(married, 15));
        self.settle(
            locality,
            since,
            &mut [&mut widow, &mut spouse],
            &mut [],
            true,
        );
        // The deceased's registration ended with their death.
        if let Some(last) = spouse.person.domicile_registrations.last_mut() {
            last.to = Some(died);
        }
        if let Some(last) = widow.person.domicile_registrations.last_mut() {
            for member in &mut last.household {
                if member.relation == FixtureHouseholdRelation::Spouse {
                    member.to = Some(died);
                }
            }
        }
        self.personal_categories(&mut widow);
        self.mobile_phone(&mut widow);
        vec![widow, spouse]
    }

    // ----- persons ------------------------------------------------------

    fn person(
        &mut self,
        birth: NaiveDate,
        female: bool,
        surname_male: &str,
        father_name: Option<String>,
        citizenship: FixtureCitizenship,
    ) -> Member {
        let (iin, birth) = self.allocate_iin(birth, female);
        let names = if female {
            &catalogue::FEMALE_NAMES
        } else {
            &catalogue::MALE_NAMES
        };
        let given_name = (*names.choose(&mut self.rng).unwrap_or(&"Aru")).to_owned();
        let father_name = father_name.unwrap_or_else(|| {
            (*catalogue::MALE_NAMES
                .choose(&mut self.rng)
                .unwrap_or(&"Nurlan"))
            .to_owned()
        });
        let document = (self.age(birth) >= 16).then(|| {
            let sixteenth = add_years(birth, 16);
            let renewals = (reference_date().year() - sixteenth.year()) / 10;
            let issued = add_years(sixteenth, renewals.max(0) * 10);
            FixtureDocumentOfIdentity {
                number: format!("N{:08}", self.next_counter()),
                issue_date: self.date_between(issued, add_days(issued, 60).min(reference_date())),
                issuer: catalogue::DOCUMENT_ISSUER.to_owned(),
            }
        });
        let mut person = FixturePerson::new(iin);
        person.identity = Some(FixtureIdentity {
            surname: if female {
                catalogue::female_surname(surname_male)
            } else {
                surname_male.to_owned()
            },
            given_name: given_name.clone(),
            patronymic: catalogue::patronymic(&father_name, female),
            birth_date: birth,
            sex: if female {
                FixtureSex::Female
            } else {
                FixtureSex::Male
            },
            citizenship,
            death_date: None,
            document,
            domicile_address: None,
        });
        Member {
            person,
            birth,
            female,
            given_name,
        }
    }

    fn allocate_iin(&mut self, birth: NaiveDate, female: bool) -> (String, NaiveDate) {
        let mut day = birth;
        // Every serial of a day taken: born a day earlier instead. 9000
        // serials a day and sex, for births between 1936 and 2026: a year of
        // days is far more than any population can fill.
        for _ in 0..366 {
            if let Some(iin) = self.iins.allocate(day, female) {
                return (iin, day);
            }
            day = add_days(day, -1);
        }
        panic!("no IIN serial left within a year of a birth date");
    }

    fn marry(
        &mut self,
        husband: &mut Member,
        wife: &mut Member,
        on: NaiveDate,
        dissolved: Option<NaiveDate>,
    ) {
        let act_number = self.next_number("MAR");
        husband.person.marriages.push(FixtureMarriage {
            spouse_iin: wife.iin(),
            registered: on,
            dissolved,
            act_number: act_number.clone(),
        });
        wife.person.marriages.push(FixtureMarriage {
            spouse_iin: husband.iin(),
            registered: on,
            dissolved,
            act_number,
        });
    }

    /// Gives the adults their address history (current home from `since`),
    /// the children theirs (with the first adult, from birth), the home and
    /// its facts (ownership, emergency, state housing, the single database).
    fn settle(
        &mut self,
        locality: Locality,
        since: NaiveDate,
        adults: &mut [&mut Member],
        children: &mut [Member],
        may_own: bool,
    ) {
        let home_address = self.address(locality);
        let owned = may_own && self.rng.random_bool(0.58);
        let kind = self.dwelling_kind(locality);
        let home = owned.then(|| self.dwelling(locality, kind, home_address.clone()));
        let earlier_owned = self.rng.random_bool(0.12);
        for adult in adults.iter_mut() {
            let history = self.history(adult.birth, locality, &home_address, home.as_ref(), since);
            adult.person.domicile_registrations = history;
        }
        if earlier_owned && let Some(head) = adults.first_mut() {
            self.earlier_ownership(head, since);
        }
        let household = self.household(adults, children, since);
        if let Some(head) = adults.first_mut()
            && let Some(current) = head.person.domicile_registrations.last_mut()
        {
            current.household = household;
        }
        if let Some(head) = adults.first() {
            let mother_history = head.person.domicile_registrations.clone();
            for child in children.iter_mut() {
                child.person.domicile_registrations =
                    history_from_birth(&mother_history, child.birth);
            }
        }
        match home {
            Some(dwelling) => self.own_home(adults, dwelling, since, locality),
            None => self.rent_home(adults, since),
        }
    }

    /// Kandases: registered only from their arrival, all at one home.
    fn settle_from_arrival(
        &mut self,
        locality: Locality,
        arrived: NaiveDate,
        adults: &mut [&mut Member],
        children: &mut [Member],
    ) {
        let address = self.address(locality);
        let registration = FixtureDomicileRegistration {
            kato: locality.kato.to_owned(),
            address,
            cadastral_number: None,
            from: arrived,
            to: None,
            met_housing_norm: false,
            household: Vec::new(),
        };
        for adult in adults.iter_mut() {
            adult.person.domicile_registrations = vec![registration.clone()];
        }
        for child in children.iter_mut() {
            let mut own = registration.clone();
            own.from = own.from.max(child.birth);
            child.person.domicile_registrations = vec![own];
        }
        let household = self.household(adults, children, arrived);
        if let Some(head) = adults.first_mut()
            && let Some(current) = head.person.domicile_registrations.last_mut()
        {
            current.household = household;
        }
        self.rent_home(adults, arrived);
    }

    /// An adult's domicile history: childhood in a birthplace, perhaps a
    /// registration elsewhere, then the current home from `since`. About 3 %
    /// have a one-day gap between two registrations.
    fn history(
        &mut self,
        birth: NaiveDate,
        locality: Locality,
        home_address: &str,
        home: Option<&FixtureDwelling>,
        since: NaiveDate,
    ) -> Vec<FixtureDomicileRegistration> {
        let since = since.max(birth);
        let birthplace = self.locality();
        let mut registrations = Vec::new();
        let left_home = self
            .date_between(add_years(birth, 17), add_years(birth, 23))
            .min(since);
        if left_home > birth {
            let address = self.address(birthplace);
            registrations.push(registration(
                birthplace,
                address,
                birth,
                Some(add_days(left_home, -1)),
            ));
        }
        if left_home < since {
            let elsewhere = if self.rng.random_bool(0.5) {
                locality
            } else {
                self.locality()
            };
            let address = self.address(elsewhere);
            registrations.push(registration(
                elsewhere,
                address,
                left_home,
                Some(add_days(since, -1)),
            ));
        }
        let mut current = registration(locality, home_address.to_owned(), since, None);
        current.cadastral_number = home.map(|dwelling| dwelling.cadastral_number.clone());
        current.met_housing_norm = home.is_some();
        registrations.push(current);
        if registrations.len() >= 2 && self.rng.random_bool(0.03) {
            // A one-day gap: the earlier registration ends a day too soon.
            let index = self.rng.random_range(0..registrations.len() - 1);
            if let Some(to) = registrations[index].to
                && to > registrations[index].from
            {
                registrations[index].to = Some(add_days(to, -1));
            }
        }
        registrations
    }

    /// Whom the head registered at home: the other adults (spouse), the
    /// children, and sometimes someone else.
    fn household(
        &mut self,
        adults: &[&mut Member],
        children: &[Member],
        since: NaiveDate,
    ) -> Vec<FixtureHousehold> {
        let mut household = Vec::new();
        for spouse in adults.iter().skip(1) {
            household.push(FixtureHousehold {
                iin: spouse.iin(),
                relation: FixtureHouseholdRelation::Spouse,
                from: since.max(spouse.birth),
                to: None,
            });
        }
        for child in children {
            let adult_on = add_years(child.birth, 18);
            household.push(FixtureHousehold {
                iin: child.iin(),
                relation: FixtureHouseholdRelation::MinorChild,
                from: since.max(child.birth),
                to: (adult_on <= reference_date())
                    .then(|| add_days(adult_on, -1))
                    .filter(|to| *to >= since.max(child.birth)),
            });
        }
        if self.rng.random_bool(0.01)
            && let Some(other) = self.recent_adults.iter().next_back().cloned()
        {
            let from = self.date_between(since, reference_date());
            household.push(FixtureHousehold {
                iin: other,
                relation: FixtureHouseholdRelation::Other,
                from,
                to: None,
            });
        }
        household
    }

    fn own_home(
        &mut self,
        adults: &mut [&mut Member],
        dwelling: FixtureDwelling,
        since: NaiveDate,
        locality: Locality,
    ) {
        let roll = self.rng.random_range(0..100);
        let (basis, programme) = match roll {
            0..=49 => (FixtureAcquisitionBasis::Purchase, None),
            50..=61 if since.year() >= 2012 => (
                FixtureAcquisitionBasis::StateMortgageProgramme,
                catalogue::STATE_PROGRAMMES
                    .choose(&mut self.rng)
                    .map(|name| (*name).to_owned()),
            ),
            62..=71 if since.year() <= 2005 => (FixtureAcquisitionBasis::Privatisation, None),
            72..=81 => (FixtureAcquisitionBasis::Inheritance, None),
            82..=87 => (FixtureAcquisitionBasis::Gift, None),
            88..=95 if dwelling.kind == FixtureDwellingKind::House => {
                (FixtureAcquisitionBasis::Construction, None)
            }
            96..=99 => (FixtureAcquisitionBasis::Exchange, None),
            _ => (FixtureAcquisitionBasis::Purchase, None),
        };
        let joint = adults.len() > 1 && self.rng.random_bool(0.5);
        let owners = if joint { adults.len() } else { 1 };
        let share = FixtureShare {
            numerator: 1,
            denominator: i32::try_from(owners).unwrap_or(1),
        };
        for owner in adults.iter_mut().take(owners) {
            owner.person.ownerships.push(FixtureOwnership {
                dwelling: dwelling.clone(),
                share,
                acquired: since,
                acquisition_basis: basis,
                state_programme: programme.clone(),
                alienated: None,
                alienation_basis: None,
                habitable_at_alienation: false,
                owner_at_fault: false,
            });
        }
        if since < add_years(reference_date(), -1)
            && self
                .rng
                .random_bool(if locality.urban { 0.01 } else { 0.06 })
        {
            self.emergency(adults, &dwelling, locality, since);
        }
    }

    fn rent_home(&mut self, adults: &mut [&mut Member], since: NaiveDate) {
        if self.rng.random_bool(0.05) {
            let locality = self.locality();
            let address = self.address(locality);
            let dwelling = self.dwelling(locality, FixtureDwellingKind::Apartment, address);
            let kind = if self.rng.random_bool(0.6) {
                FixtureStateHousingKind::StateStock
            } else {
                FixtureStateHousingKind::LeasedByLocalExecutiveBody
            };
            let to = self
                .rng
                .random_bool(0.3)
                .then(|| self.date_between(since, reference_date()));
            for adult in adults.iter_mut() {
                adult
                    .person
                    .state_housing_uses
                    .push(FixtureStateHousingUse {
                        kind,
                        dwelling: Some(dwelling.clone()),
                        from: since,
                        to,
                    });
            }
        }
        if self.rng.random_bool(0.04)
            && let Some(head) = adults.first_mut()
        {
            let locality = head
                .person
                .domicile_registrations
                .last()
                .map(|registration| registration.kato.clone())
                .unwrap_or_else(|| LOCALITIES[0].kato.to_owned());
            let from = self.date_between(since, reference_date());
            let to = self
                .rng
                .random_bool(0.15)
                .then(|| self.date_between(from, reference_date()));
            head.person
                .unified_database_registrations
                .push(FixtureUnifiedRegistration {
                    from,
                    to,
                    local_executive_body: format!("Akimat {}", &locality[..4]),
                    kato: locality,
                });
        }
    }

    /// A dwelling the head owned before moving to the current home, alienated then.
    fn earlier_ownership(&mut self, head: &mut Member, since: NaiveDate) {
        let Some(index) = head.person.domicile_registrations.len().checked_sub(2) else {
            return;
        };
        let earlier = head.person.domicile_registrations[index].clone();
        let Some(kato_locality) = LOCALITIES
            .iter()
            .find(|locality| locality.kato == earlier.kato)
            .copied()
        else {
            return;
        };
        let kind = self.dwelling_kind(kato_locality);
        let dwelling = self.dwelling(kato_locality, kind, earlier.address.clone());
        let alienated = add_days(since, -1).max(earlier.from);
        let roll = self.rng.random_range(0..100);
        let basis = match roll {
            0..=69 => FixtureAlienationBasis::Sale,
            70..=79 => FixtureAlienationBasis::Gift,
            80..=89 => FixtureAlienationBasis::Exchange,
            90..=94 => FixtureAlienationBasis::AcquiredByLocalExecutiveBody,
            _ => FixtureAlienationBasis::Demolition,
        };
        head.person.ownerships.push(FixtureOwnership {
            dwelling: dwelling.clone(),
            share: FixtureShare::WHOLE,
            acquired: earlier.from,
            acquisition_basis: FixtureAcquisitionBasis::Purchase,
            state_programme: None,
            alienated: Some(alienated),
            alienation_basis: Some(basis),
            habitable_at_alienation: basis != FixtureAlienationBasis::Demolition,
            owner_at_fault: false,
        });
        let registration = &mut head.person.domicile_registrations[index];
        registration.cadastral_number = Some(dwelling.cadastral_number);
        registration.met_housing_norm = self.rng.random_bool(0.5);
    }

    /// The home recognised as emergency, with the technical report behind it.
    fn emergency(
        &mut self,
        adults: &mut [&mut Member],
        dwelling: &FixtureDwelling,
        locality: Locality,
        since: NaiveDate,
    ) {
        let act_date = self.date_between(add_years(since, 1), reference_date());
        let report_date = add_days(act_date, -self.rng.random_range(10..=90)).max(since);
        // Nine in ten reports are by an expert certified on the report date.
        let valid_experts: Vec<&FixtureExpert> = self
            .experts
            .iter()
            .filter(|expert| {
                expert.from <= report_date && expert.to.is_none_or(|to| report_date <= to)
            })
            .collect();
        let expert = if self.rng.random_bool(0.9) && !valid_experts.is_empty() {
            valid_experts
                .choose(&mut self.rng)
                .map(|expert| expert.certificate_number.clone())
        } else {
            self.experts
                .choose(&mut self.rng)
                .map(|expert| expert.certificate_number.clone())
        };
        let Some(expert_certificate_number) = expert else {
            return;
        };
        let recognition = FixtureEmergencyRecognition {
            act_number: self.next_number("EMR"),
            act_date,
            kato: locality.kato.to_owned(),
            cadastral_number: dwelling.cadastral_number.clone(),
        };
        let report = FixtureTechnicalReport {
            report_number: self.next_number("TR"),
            expert_certificate_number,
            report_date,
            cadastral_number: dwelling.cadastral_number.clone(),
        };
        let victims = self.rng.random_bool(0.3);
        for adult in adults.iter_mut() {
            adult
                .person
                .emergency_recognitions
                .push(recognition.clone());
            adult.person.technical_reports.push(report.clone());
            if victims {
                self.category(
                    adult,
                    FixtureCategory::EmergencyVictim,
                    act_date,
                    None,
                    catalogue::EMERGENCIES_REGISTER,
                );
            }
        }
    }

    // ----- categories and phones -----------------------------------------

    fn categories_of_family(&mut self, parents: &mut [&mut Member], children: &[Member]) {
        let minors: Vec<&Member> = children
            .iter()
            .filter(|child| self.age(child.birth) < 18)
            .collect();
        let fourth_born = {
            let mut births: Vec<NaiveDate> = minors.iter().map(|child| child.birth).collect();
            births.sort_unstable();
            births.get(3).copied()
        };
        let disabled_child = !minors.is_empty() && self.rng.random_bool(0.015);
        let disabled_child_since = minors.first().map(|child| add_years(child.birth, 2));
        for parent in parents.iter_mut() {
            if let Some(from) = fourth_born {
                self.category(
                    parent,
                    FixtureCategory::LargeFamily,
                    from,
                    None,
                    catalogue::LABOUR_REGISTER,
                );
            }
            if disabled_child && let Some(from) = disabled_child_since {
                self.category(
                    parent,
                    FixtureCategory::FamilyWithDisabledChild,
                    from.min(reference_date()),
                    None,
                    catalogue::LABOUR_REGISTER,
                );
            }
            self.personal_categories(parent);
            self.mobile_phone(parent);
        }
    }

    fn personal_categories(&mut self, member: &mut Member) {
        let age = self.age(member.birth);
        let pension_age = if member.female { 61 } else { 63 };
        if age >= pension_age {
            let from = add_years(member.birth, pension_age);
            self.category(
                member,
                FixtureCategory::AgePensioner,
                from,
                None,
                catalogue::PENSION_REGISTER,
            );
        }
        if age >= 18 && self.rng.random_bool(0.03) {
            let from = self.date_between(add_years(member.birth, 18), reference_date());
            // Groups are re-examined: some confirmations have lapsed.
            let to = self.rng.random_bool(0.4).then(|| add_years(from, 2));
            self.category(
                member,
                FixtureCategory::DisabilityGroup1Or2,
                from,
                to,
                catalogue::LABOUR_REGISTER,
            );
        }
        if (23..63).contains(&age) && self.rng.random_bool(0.10) {
            let from = self.date_between(add_years(member.birth, 22), reference_date());
            self.category(
                member,
                FixtureCategory::PublicSectorEmployee,
                from,
                None,
                catalogue::PUBLIC_SECTOR_REGISTER,
            );
        }
        if age >= 18 && self.rng.random_bool(0.01) {
            let from = self.date_between(add_years(member.birth, 18), reference_date());
            self.category(
                member,
                FixtureCategory::SevereChronicDisease,
                from,
                None,
                catalogue::HEALTH_REGISTER,
            );
        }
        if !member.female
            && (1955..=1975).contains(&member.birth.year())
            && self.rng.random_bool(0.01)
        {
            let from = add_years(member.birth, 20);
            self.category(
                member,
                FixtureCategory::CombatVeteran,
                from,
                None,
                catalogue::DEFENCE_REGISTER,
            );
        }
    }

    fn category(
        &mut self,
        member: &mut Member,
        category: FixtureCategory,
        from: NaiveDate,
        to: Option<NaiveDate>,
        source: &str,
    ) {
        if from > reference_date() {
            return;
        }
        member.person.social_categories.push(FixtureSocialCategory {
            category,
            from,
            to: to.filter(|to| *to >= from),
            source_register: source.to_owned(),
        });
    }

    fn mobile_phone(&mut self, member: &mut Member) {
        if self.age(member.birth) < 16 || !self.rng.random_bool(0.92) {
            return;
        }
        let prefix = catalogue::PHONE_PREFIXES
            .choose(&mut self.rng)
            .copied()
            .unwrap_or("701");
        let number: u32 = self.rng.random_range(0..10_000_000);
        member.person.mobile_phone = Some(FixtureMobilePhone {
            phone: format!("+7{prefix}{number:07}"),
            linked_to_portal_account: self.rng.random_bool(0.85),
        });
    }

    // ----- helpers ----------------------------------------------------------

    fn locality(&mut self) -> Locality {
        LOCALITIES
            .choose_weighted(&mut self.rng, |locality| locality.weight)
            .copied()
            .unwrap_or(LOCALITIES[0])
    }

    fn surname(&mut self) -> &'static str {
        catalogue::SURNAMES
            .choose(&mut self.rng)
            .copied()
            .unwrap_or("Akhmetov")
    }

    fn address(&mut self, locality: Locality) -> String {
        let street = catalogue::STREETS
            .choose(&mut self.rng)
            .copied()
            .unwrap_or("Abai");
        let house = self.rng.random_range(1..=250);
        if locality.urban {
            let flat = self.rng.random_range(1..=180);
            format!("{}, {street} street {house}, flat {flat}", locality.name)
        } else {
            format!("{}, {street} street {house}", locality.name)
        }
    }

    fn dwelling_kind(&mut self, locality: Locality) -> FixtureDwellingKind {
        match (locality.urban, self.rng.random_range(0..100)) {
            (true, 0..=79) => FixtureDwellingKind::Apartment,
            (true, 80..=94) | (false, 0..=89) => FixtureDwellingKind::House,
            _ => FixtureDwellingKind::Room,
        }
    }

    fn dwelling(
        &mut self,
        locality: Locality,
        kind: FixtureDwellingKind,
        address: String,
    ) -> FixtureDwelling {
        let counter = self.next_counter();
        let district = self.rng.random_range(1..=999);
        FixtureDwelling {
            cadastral_number: format!(
                "{}:{district:03}:{:03}:{:04}",
                &locality.kato[..2],
                (counter / 10_000) % 1000,
                counter % 10_000
            ),
            kato: locality.kato.to_owned(),
            address,
            kind,
        }
    }

    fn next_counter(&mut self) -> u64 {
        self.counter += 1;
        self.counter
    }

    fn next_number(&mut self, prefix: &str) -> String {
        format!("{prefix}-{:08}", self.next_counter())
    }

    fn age(&self, birth: NaiveDate) -> i32 {
        let reference = reference_date();
        let mut age = reference.year() - birth.year();
        if (reference.month(), reference.day()) < (birth.month(), birth.day()) {
            age -= 1;
        }
        age
    }

    /// A birth date giving `age` full years on the reference date.
    fn birth_for_age(&mut self, age: i32) -> NaiveDate {
        let latest = add_years(reference_date(), -age);
        self.date_between(add_days(add_years(latest, -1), 1), latest)
    }

    /// A birth date between `min_years` and `max_years` after another (an
    /// adult's: never less than 18 years before the reference date).
    fn birth_near(&mut self, other: NaiveDate, min_years: i32, max_years: i32) -> NaiveDate {
        self.date_between(add_years(other, min_years), add_years(other, max_years))
            .min(add_years(reference_date(), -18))
    }

    /// A day in `[from, to]` (just `from` when `to` is earlier), never after
    /// the reference date: the registers know no event that has not happened.
    fn date_between(&mut self, from: NaiveDate, to: NaiveDate) -> NaiveDate {
        let (from, to) = (from.min(reference_date()), to.min(reference_date()));
        if to <= from {
            return from;
        }
        let span = (to - from).num_days();
        add_days(from, self.rng.random_range(0..=span))
    }
}

/// A registration without a dwelling or household.
fn registration(
    locality: Locality,
    address: String,
    from: NaiveDate,
    to: Option<NaiveDate>,
) -> FixtureDomicileRegistration {
    FixtureDomicileRegistration {
        kato: locality.kato.to_owned(),
        address,
        cadastral_number: None,
        from,
        to,
        met_housing_norm: false,
        household: Vec::new(),
    }
}

/// Adds the birth to a parent's civil-status record.
fn record_birth(parent: &mut Member, child: &Member, mother: &str, father: &str) {
    parent.person.children.push(FixtureBirth {
        child_iin: child.iin(),
        birth_date: child.birth,
        mother_iin: Some(mother.to_owned()),
        father_iin: Some(father.to_owned()),
        act_number: format!("BRT-{}", &child.person.iin[6..]),
    });
}

/// A child's registrations: the parent's, from the child's birth on.
fn history_from_birth(
    parent: &[FixtureDomicileRegistration],
    birth: NaiveDate,
) -> Vec<FixtureDomicileRegistration> {
    parent
        .iter()
        .filter(|registration| registration.to.is_none_or(|to| to >= birth))
        .map(|registration| FixtureDomicileRegistration {
            from: registration.from.max(birth),
            household: Vec::new(),
            ..registration.clone()
        })
        .collect()
}

/// `years` calendar years later (earlier when negative); 29 February → 28 February.
pub fn add_years(day: NaiveDate, years: i32) -> NaiveDate {
    let months = Months::new(years.unsigned_abs().saturating_mul(12));
    let moved = if years >= 0 {
        day.checked_add_months(months)
    } else {
        day.checked_sub_months(months)
    };
    moved.unwrap_or(day)
}

/// `days` days later (earlier when negative).
pub fn add_days(day: NaiveDate, days: i64) -> NaiveDate {
    let moved = if days >= 0 {
        day.checked_add_days(Days::new(days.unsigned_abs()))
    } else {
        day.checked_sub_days(Days::new(days.unsigned_abs()))
    };
    moved.unwrap_or(day)
}
