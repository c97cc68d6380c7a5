//! Registry answers (`QueryRegistersResponse`) into the domain's
//! [`RegistryFacts`].
//!
//! A gateway fault (`TIMEOUT` / `UNAVAILABLE`), a missing answer or an answer
//! that cannot be read is never turned into a fact: the whole snapshot is
//! refused with a [`FactsProblem`], and the case waits for the registers.
//!
//! Readings of the registers' answers (docs/eligibility-verification.md):
//! * dwellings are merged across the family by cadastral number, each owner's
//!   ownership kept; recognitions, reports and experts are de-duplicated;
//! * a birth record on a person's own civil-status record names that person
//!   as a parent even when the record leaves the parent's IIN out;
//! * the single republican database counts a registration in effect on the
//!   "as of" day (its start is the registration date);
//! * recorded housing conduct (App1 row 9.3): a dwelling destroyed or damaged
//!   through the owner's fault, dated by its alienation, or by the "as of" day
//!   when the register gives no date; moving out of a domicile where the
//!   person was not in need, dated by the registration's last day;
//! * the households of the applicant's own domicile registrations, with the
//!   relation the address register records, are the households of the rules.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use housing_domain::Iin;
use housing_domain::eligibility::{
    AcquisitionBasis, Alienation, AlienationBasis, BirthRecord, CadastralNumber, CertifiedExpert,
    Citizenship, CivilStatus, DomicileRegistration, Dwelling, DwellingKind, EmergencyRecognition,
    HouseholdResident, HousingConduct, HousingConductRecord, Identity, IdentityRecord,
    KandasStatus, Kato, Marriage, MobileCitizensEntry, Ownership, ParentalCareLoss,
    ParentalCareStatus, PersonFacts, PhoneNumber, RegisteredHousehold, RegisteredTechnicalReport,
    RegistryFacts, ResidentRelation, Share, SocialCategoryRecord, StateHousingKind,
    StateHousingUse, UnifiedDatabaseStatus,
};
use housing_proto::housing::common::v1::{DateInterval, Register};
use housing_proto::housing::registry::v1 as pb;
use housing_proto::housing::registry::v1::register_answer::Record;

use super::{category_from_wire, date_from_wire};

/// The registers of persons a case needs, in the contract's order.
pub const PERSON_REGISTERS: [Register; 10] = [
    Register::Identity,
    Register::Migration,
    Register::CivilStatus,
    Register::Address,
    Register::RealEstate,
    Register::EmergencyHousing,
    Register::StateHousingUse,
    Register::UnifiedRepublicanDatabase,
    Register::SocialCategories,
    Register::MobileCitizens,
];

/// Why the answers cannot be used as facts. Never a denial: the case waits.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FactsProblem {
    /// A register did not answer (a gateway fault).
    #[error("the {register} register did not answer ({status})")]
    Fault {
        /// The register, by its contract name.
        register: &'static str,
        /// TIMEOUT or UNAVAILABLE.
        status: &'static str,
    },
    /// The gateway left out an answer that was asked for.
    #[error("the gateway left out an answer of the {register} register")]
    Missing {
        /// The register.
        register: &'static str,
    },
    /// An answer cannot be read (a required value is missing or unknown).
    #[error("an answer of the {register} register cannot be read: {what}")]
    Malformed {
        /// The register.
        register: &'static str,
        /// What is wrong, without personal data.
        what: String,
    },
}

impl FactsProblem {
    /// Whether the gateway said it was a fault (as opposed to an unusable answer).
    pub fn is_fault(&self) -> bool {
        matches!(self, FactsProblem::Fault { .. })
    }
}

fn register_name(register: Register) -> &'static str {
    match register {
        Register::Unspecified => "unspecified",
        Register::Identity => "identity",
        Register::Migration => "migration",
        Register::CivilStatus => "civil-status",
        Register::Address => "address",
        Register::RealEstate => "real-estate",
        Register::EmergencyHousing => "emergency-housing",
        Register::CertifiedExperts => "certified-experts",
        Register::StateHousingUse => "state-housing-use",
        Register::UnifiedRepublicanDatabase => "unified-republican-database",
        Register::SocialCategories => "social-categories",
        Register::MobileCitizens => "mobile-citizens",
        Register::CertificationCentre => "certification-centre",
    }
}

fn malformed(register: Register, what: impl Into<String>) -> FactsProblem {
    FactsProblem::Malformed {
        register: register_name(register),
        what: what.into(),
    }
}

/// The answers of one or more `QueryRegisters` calls, gathered into facts.
#[derive(Debug)]
pub struct FactsBuilder {
    as_of: NaiveDate,
    applicant: Iin,
    persons: BTreeMap<Iin, PersonFacts>,
    dwellings: BTreeMap<CadastralNumber, Dwelling>,
    recognitions: Vec<EmergencyRecognition>,
    reports: Vec<RegisteredTechnicalReport>,
    experts: Vec<CertifiedExpert>,
    households: BTreeMap<CadastralNumber, Vec<HouseholdResident>>,
}

impl FactsBuilder {
    /// An empty snapshot as of a day, for an applicant.
    pub fn new(as_of: NaiveDate, applicant: Iin) -> Self {
        Self {
            as_of,
            applicant,
            persons: BTreeMap::new(),
            dwellings: BTreeMap::new(),
            recognitions: Vec::new(),
            reports: Vec::new(),
            experts: Vec::new(),
            households: BTreeMap::new(),
        }
    }

    /// The facts so far (for [`housing_domain::eligibility::persons_to_query`]).
    pub fn snapshot(&self) -> RegistryFacts {
        RegistryFacts {
            as_of: self.as_of,
            persons: self.persons.values().cloned().collect(),
            dwellings: self.dwellings.values().cloned().collect(),
            emergency_recognitions: self.recognitions.clone(),
            technical_reports: self.reports.clone(),
            certified_experts: self.experts.clone(),
            households: self
                .households
                .iter()
                .map(|(cadastral_number, residents)| RegisteredHousehold {
                    cadastral_number: cadastral_number.clone(),
                    residents: residents.clone(),
                })
                .collect(),
        }
    }

    /// Adds the answers of one call that asked every register of
    /// [`PERSON_REGISTERS`] about `asked` and about the `experts_asked`.
    pub fn add(
        &mut self,
        asked: &[Iin],
        experts_asked: &[String],
        response: &pb::QueryRegistersResponse,
    ) -> Result<(), FactsProblem> {
        let mut by_person: BTreeMap<Iin, BTreeMap<i32, &pb::RegisterAnswer>> = BTreeMap::new();
        for answer in &response.answers {
            let register = Register::try_from(answer.register).unwrap_or(Register::Unspecified);
            check_status(register, answer.status)?;
            let iin = Iin::parse(&answer.iin)
                .map_err(|_| malformed(register, "the answer names no valid person"))?;
            by_person
                .entry(iin)
                .or_default()
                .insert(answer.register, answer);
        }
        for number in experts_asked {
            let answer = response
                .expert_answers
                .iter()
                .find(|answer| answer.certificate_number == *number)
                .ok_or(FactsProblem::Missing {
                    register: register_name(Register::CertifiedExperts),
                })?;
            check_status(Register::CertifiedExperts, answer.status)?;
            if let Some(expert) = &answer.expert {
                let expert = expert_of(expert)?;
                if !self.experts.contains(&expert) {
                    self.experts.push(expert);
                }
            }
        }
        for iin in asked {
            let answers = by_person.get(iin);
            let answer = |register: Register| -> Result<Option<&Record>, FactsProblem> {
                let answer = answers
                    .and_then(|answers| answers.get(&(register as i32)))
                    .ok_or(FactsProblem::Missing {
                        register: register_name(register),
                    })?;
                Ok(answer.record.as_ref())
            };
            let person = self.person_of(*iin, &answer)?;
            self.persons.insert(*iin, person);
        }
        Ok(())
    }

    /// The facts, complete.
    pub fn finish(self) -> RegistryFacts {
        self.snapshot()
    }

    fn person_of<'a>(
        &mut self,
        iin: Iin,
        answer: &impl Fn(Register) -> Result<Option<&'a Record>, FactsProblem>,
    ) -> Result<PersonFacts, FactsProblem> {
        let identity = match answer(Register::Identity)? {
            Some(Record::Identity(record)) => IdentityRecord::Found(identity_of(record)?),
            None => IdentityRecord::NotFound,
            Some(_) => {
                return Err(malformed(
                    Register::Identity,
                    "a record of another register",
                ));
            }
        };
        let mut person = PersonFacts::new(iin, identity);
        if let Some(record) = answer(Register::Migration)? {
            let Record::Migration(record) = record else {
                return Err(malformed(
                    Register::Migration,
                    "a record of another register",
                ));
            };
            person.kandas_statuses = record
                .kandas_statuses
                .iter()
                .map(|status| {
                    let (valid_from, valid_to) =
                        interval(Register::Migration, status.valid.as_ref())?;
                    Ok(KandasStatus {
                        valid_from,
                        valid_to,
                    })
                })
                .collect::<Result<_, FactsProblem>>()?;
        }
        if let Some(record) = answer(Register::CivilStatus)? {
            let Record::CivilStatus(record) = record else {
                return Err(malformed(
                    Register::CivilStatus,
                    "a record of another register",
                ));
            };
            person.civil_status = civil_status_of(iin, record)?;
        }
        if let Some(record) = answer(Register::Address)? {
            let Record::Address(record) = record else {
                return Err(malformed(Register::Address, "a record of another register"));
            };
            self.add_address(iin, record, &mut person)?;
        }
        if let Some(record) = answer(Register::RealEstate)? {
            let Record::RealEstate(record) = record else {
                return Err(malformed(
                    Register::RealEstate,
                    "a record of another register",
                ));
            };
            self.add_real_estate(iin, record, &mut person)?;
        }
        if let Some(record) = answer(Register::EmergencyHousing)? {
            let Record::EmergencyHousing(record) = record else {
                return Err(malformed(
                    Register::EmergencyHousing,
                    "a record of another register",
                ));
            };
            self.add_emergency_housing(record)?;
        }
        if let Some(record) = answer(Register::StateHousingUse)? {
            let Record::StateHousingUse(record) = record else {
                return Err(malformed(
                    Register::StateHousingUse,
                    "a record of another register",
                ));
            };
            person.state_housing_use = record
                .uses
                .iter()
                .map(state_housing_use_of)
                .collect::<Result<_, _>>()?;
        }
        if let Some(record) = answer(Register::UnifiedRepublicanDatabase)? {
            let Record::UnifiedDatabase(record) = record else {
                return Err(malformed(
                    Register::UnifiedRepublicanDatabase,
                    "a record of another register",
                ));
            };
            person.unified_republican_database = unified_status_of(record, self.as_of)?;
        }
        if let Some(record) = answer(Register::SocialCategories)? {
            let Record::SocialCategories(record) = record else {
                return Err(malformed(
                    Register::SocialCategories,
                    "a record of another register",
                ));
            };
            person.social_categories = record
                .memberships
                .iter()
                .map(social_category_of)
                .collect::<Result<_, _>>()?;
        }
        if let Some(record) = answer(Register::MobileCitizens)? {
            let Record::MobileCitizen(record) = record else {
                return Err(malformed(
                    Register::MobileCitizens,
                    "a record of another register",
                ));
            };
            person.mobile_citizens =
                (record.registered && !record.phone.is_empty()).then(|| MobileCitizensEntry {
                    number: PhoneNumber::new(record.phone.clone()),
                    linked_to_portal_account: record.linked_to_portal_account,
                });
        }
        Ok(person)
    }

    fn add_address(
        &mut self,
        iin: Iin,
        record: &pb::AddressRecord,
        person: &mut PersonFacts,
    ) -> Result<(), FactsProblem> {
        let register = Register::Address;
        for registration in &record.registrations {
            let locality = kato(
                register,
                registration
                    .address
                    .as_ref()
                    .map(|address| address.locality_kato.as_str()),
            )?;
            let (registered_from, registered_to) =
                interval(register, registration.period.as_ref())?;
            person.domicile_history.push(DomicileRegistration {
                locality,
                registered_from,
                registered_to,
            });
            let dwelling = optional_cadastral(register, &registration.cadastral_number)?;
            if registration.met_housing_norm
                && let Some(moved_out) = registered_to
            {
                person.housing_conduct.push(HousingConductRecord {
                    kind: HousingConduct::MovedOutWhereNotInNeed,
                    cadastral_number: dwelling.clone(),
                    on: moved_out,
                });
            }
            // The relation is recorded to the resident: it is the relation to
            // the applicant only in the applicant's own registrations.
            if iin == self.applicant
                && let Some(dwelling) = dwelling
                && !registration.household.is_empty()
            {
                let residents = self.households.entry(dwelling).or_default();
                for member in &registration.household {
                    let resident = household_resident_of(member, iin)?;
                    if !residents.contains(&resident) {
                        residents.push(resident);
                    }
                }
            }
        }
        Ok(())
    }

    fn add_real_estate(
        &mut self,
        iin: Iin,
        record: &pb::RealEstateRecord,
        person: &mut PersonFacts,
    ) -> Result<(), FactsProblem> {
        let register = Register::RealEstate;
        for ownership in &record.ownerships {
            let wire_dwelling = ownership
                .dwelling
                .as_ref()
                .ok_or_else(|| malformed(register, "an ownership names no dwelling"))?;
            let cadastral_number = CadastralNumber::parse(&wire_dwelling.cadastral_number)
                .map_err(|_| malformed(register, "a dwelling has no cadastral number"))?;
            let locality = kato(
                register,
                wire_dwelling
                    .address
                    .as_ref()
                    .map(|address| address.locality_kato.as_str()),
            )?;
            let kind = match pb::dwelling::Kind::try_from(wire_dwelling.kind) {
                Ok(pb::dwelling::Kind::Apartment) => DwellingKind::Apartment,
                Ok(pb::dwelling::Kind::House) => DwellingKind::House,
                Ok(pb::dwelling::Kind::Room) => DwellingKind::Room,
                _ => return Err(malformed(register, "a dwelling of unknown kind")),
            };
            let share = u32::try_from(ownership.share_numerator)
                .ok()
                .zip(u32::try_from(ownership.share_denominator).ok())
                .and_then(|(numerator, denominator)| Share::new(numerator, denominator).ok())
                .ok_or_else(|| malformed(register, "an ownership share is not a fraction"))?;
            let acquired_on = date_from_wire(ownership.acquired_date.as_ref())
                .ok_or_else(|| malformed(register, "an ownership has no acquisition date"))?;
            let acquisition_basis = acquisition_basis_of(ownership);
            let alienation = match date_from_wire(ownership.alienated_date.as_ref()) {
                None => None,
                Some(alienated_on) => Some(Alienation {
                    alienated_on,
                    basis: alienation_basis_of(ownership.alienation_basis)
                        .ok_or_else(|| malformed(register, "an alienation has no basis"))?,
                    habitable_at_alienation: ownership.habitable_at_alienation,
                }),
            };
            if ownership.owner_at_fault {
                person.housing_conduct.push(HousingConductRecord {
                    kind: HousingConduct::DestroyedOrDamagedThroughOwnFault,
                    cadastral_number: Some(cadastral_number.clone()),
                    on: alienation.map_or(self.as_of, |alienation| alienation.alienated_on),
                });
            }
            let dwelling = self
                .dwellings
                .entry(cadastral_number.clone())
                .or_insert_with(|| Dwelling {
                    cadastral_number,
                    locality,
                    kind,
                    ownerships: Vec::new(),
                });
            let ownership = Ownership {
                owner: iin,
                share,
                acquired_on,
                acquisition_basis,
                alienation,
            };
            if !dwelling.ownerships.contains(&ownership) {
                dwelling.ownerships.push(ownership);
            }
        }
        Ok(())
    }

    fn add_emergency_housing(
        &mut self,
        record: &pb::EmergencyHousingRecord,
    ) -> Result<(), FactsProblem> {
        let register = Register::EmergencyHousing;
        for recognition in &record.recognitions {
            let recognition = EmergencyRecognition {
                act_number: recognition.act_number.clone(),
                recognised_on: date_from_wire(recognition.act_date.as_ref())
                    .ok_or_else(|| malformed(register, "a recognition has no act date"))?,
                locality: kato(register, Some(&recognition.locality_kato))?,
                cadastral_number: CadastralNumber::parse(&recognition.cadastral_number)
                    .map_err(|_| malformed(register, "a recognition names no dwelling"))?,
            };
            if !self.recognitions.contains(&recognition) {
                self.recognitions.push(recognition);
            }
        }
        for report in &record.technical_reports {
            let report = RegisteredTechnicalReport {
                report_number: report.report_number.clone(),
                expert_certificate_number: report.expert_certificate_number.clone(),
                report_date: date_from_wire(report.report_date.as_ref())
                    .ok_or_else(|| malformed(register, "a report has no date"))?,
                cadastral_number: CadastralNumber::parse(&report.cadastral_number)
                    .map_err(|_| malformed(register, "a report names no dwelling"))?,
            };
            if !self.reports.contains(&report) {
                self.reports.push(report);
            }
        }
        Ok(())
    }
}

fn check_status(register: Register, status: i32) -> Result<(), FactsProblem> {
    match pb::AnswerStatus::try_from(status) {
        Ok(pb::AnswerStatus::Found | pb::AnswerStatus::NotFound) => Ok(()),
        Ok(pb::AnswerStatus::Timeout) => Err(FactsProblem::Fault {
            register: register_name(register),
            status: "TIMEOUT",
        }),
        Ok(pb::AnswerStatus::Unavailable) => Err(FactsProblem::Fault {
            register: register_name(register),
            status: "UNAVAILABLE",
        }),
        _ => Err(malformed(register, "an answer without a status")),
    }
}

fn kato(register: Register, text: Option<&str>) -> Result<Kato, FactsProblem> {
    text.and_then(|text| Kato::parse(text).ok())
        .ok_or_else(|| malformed(register, "a locality is not a KATO code"))
}

fn optional_cadastral(
    register: Register,
    text: &str,
) -> Result<Option<CadastralNumber>, FactsProblem> {
    if text.is_empty() {
        return Ok(None);
    }
    CadastralNumber::parse(text)
        .map(Some)
        .map_err(|_| malformed(register, "a cadastral number is malformed"))
}

fn interval(
    register: Register,
    interval: Option<&DateInterval>,
) -> Result<(NaiveDate, Option<NaiveDate>), FactsProblem> {
    let interval = interval.ok_or_else(|| malformed(register, "a period is missing"))?;
    let start = date_from_wire(interval.start_date.as_ref())
        .ok_or_else(|| malformed(register, "a period has no first day"))?;
    let end = match &interval.end_date {
        None => None,
        Some(end) => Some(
            date_from_wire(Some(end))
                .ok_or_else(|| malformed(register, "a period's last day is not a date"))?,
        ),
    };
    Ok((start, end))
}

fn identity_of(record: &pb::IdentityRecord) -> Result<Identity, FactsProblem> {
    let register = Register::Identity;
    let birth_date = date_from_wire(record.birth_date.as_ref())
        .ok_or_else(|| malformed(register, "no birth date"))?;
    let citizenship = match pb::Citizenship::try_from(record.citizenship) {
        Ok(pb::Citizenship::Kazakhstan) => Citizenship::Kazakhstan,
        Ok(pb::Citizenship::Foreign) => Citizenship::Foreign,
        Ok(pb::Citizenship::Stateless) => Citizenship::Stateless,
        _ => return Err(malformed(register, "no citizenship")),
    };
    let date_of_death = match &record.death_date {
        None => None,
        Some(date) => Some(
            date_from_wire(Some(date))
                .ok_or_else(|| malformed(register, "the date of death is not a date"))?,
        ),
    };
    Ok(Identity {
        birth_date,
        citizenship,
        date_of_death,
    })
}

fn civil_status_of(iin: Iin, record: &pb::CivilStatusRecord) -> Result<CivilStatus, FactsProblem> {
    let register = Register::CivilStatus;
    let marriages = record
        .marriages
        .iter()
        .map(|marriage| {
            Ok(Marriage {
                spouse: Iin::parse(&marriage.spouse_iin)
                    .map_err(|_| malformed(register, "a marriage names no valid spouse"))?,
                registered_on: date_from_wire(marriage.registration_date.as_ref())
                    .ok_or_else(|| malformed(register, "a marriage has no registration date"))?,
                dissolved_on: match &marriage.dissolution_date {
                    None => None,
                    Some(date) => {
                        Some(date_from_wire(Some(date)).ok_or_else(|| {
                            malformed(register, "a dissolution date is not a date")
                        })?)
                    }
                },
            })
        })
        .collect::<Result<_, FactsProblem>>()?;
    let births = record
        .children
        .iter()
        .map(|birth| {
            let child = Iin::parse(&birth.child_iin)
                .map_err(|_| malformed(register, "a birth record names no valid child"))?;
            let mut parents = BTreeSet::from([iin]);
            for parent in [&birth.mother_iin, &birth.father_iin] {
                if !parent.is_empty() {
                    parents.insert(Iin::parse(parent).map_err(|_| {
                        malformed(register, "a birth record names an invalid parent")
                    })?);
                }
            }
            Ok(BirthRecord {
                child,
                parents: parents.into_iter().collect(),
            })
        })
        .collect::<Result<_, FactsProblem>>()?;
    let parental_care_loss = match &record.parental_care_loss {
        None => None,
        Some(loss) => Some(ParentalCareLoss {
            status: match pb::parental_care_loss::Kind::try_from(loss.kind) {
                Ok(pb::parental_care_loss::Kind::Orphan) => ParentalCareStatus::Orphan,
                Ok(pb::parental_care_loss::Kind::WithoutParentalCare) => {
                    ParentalCareStatus::LeftWithoutParentalCare
                }
                _ => return Err(malformed(register, "a parental-care loss of unknown kind")),
            },
            parents_lost_on: date_from_wire(loss.parents_lost_date.as_ref())
                .ok_or_else(|| malformed(register, "a parental-care loss has no date"))?,
        }),
    };
    Ok(CivilStatus {
        marriages,
        births,
        parental_care_loss,
    })
}

fn household_resident_of(
    member: &pb::Household,
    resident_of: Iin,
) -> Result<HouseholdResident, FactsProblem> {
    let register = Register::Address;
    let iin = Iin::parse(&member.iin)
        .map_err(|_| malformed(register, "a household member has no valid IIN"))?;
    let relation_to_applicant = if iin == resident_of {
        ResidentRelation::Applicant
    } else {
        match pb::household::Relation::try_from(member.relation) {
            Ok(pb::household::Relation::Spouse) => ResidentRelation::Spouse,
            Ok(pb::household::Relation::MinorChild) => ResidentRelation::MinorChild,
            Ok(pb::household::Relation::DisabledChild) => ResidentRelation::DisabledChild,
            Ok(pb::household::Relation::DisabledParent) => ResidentRelation::DisabledParent,
            Ok(pb::household::Relation::Other) => ResidentRelation::Other,
            _ => {
                return Err(malformed(
                    register,
                    "a household member of unknown relation",
                ));
            }
        }
    };
    let (registered_from, registered_to) = interval(register, member.period.as_ref())?;
    Ok(HouseholdResident {
        iin,
        relation_to_applicant,
        registered_from,
        registered_to,
    })
}

fn acquisition_basis_of(ownership: &pb::Ownership) -> AcquisitionBasis {
    match pb::AcquisitionBasis::try_from(ownership.acquisition_basis) {
        Ok(pb::AcquisitionBasis::Purchase) => AcquisitionBasis::Purchase,
        Ok(pb::AcquisitionBasis::Inheritance) => AcquisitionBasis::Inheritance,
        Ok(pb::AcquisitionBasis::Gift) => AcquisitionBasis::Gift,
        Ok(pb::AcquisitionBasis::Privatisation) => AcquisitionBasis::PrivatisationFromStateStock,
        Ok(pb::AcquisitionBasis::StateMortgageProgramme) => {
            AcquisitionBasis::StateMortgageProgramme {
                programme: ownership.state_programme.clone(),
            }
        }
        Ok(pb::AcquisitionBasis::Construction) => AcquisitionBasis::Construction,
        Ok(pb::AcquisitionBasis::Exchange) => AcquisitionBasis::Exchange,
        // "Unknown" in the register: the domain's "any other basis".
        Ok(pb::AcquisitionBasis::Unspecified) | Err(_) => AcquisitionBasis::Other,
    }
}

fn alienation_basis_of(value: i32) -> Option<AlienationBasis> {
    Some(match pb::AlienationBasis::try_from(value).ok()? {
        pb::AlienationBasis::Unspecified => return None,
        pb::AlienationBasis::Sale => AlienationBasis::Sale,
        pb::AlienationBasis::Exchange => AlienationBasis::Exchange,
        pb::AlienationBasis::Gift => AlienationBasis::Gift,
        pb::AlienationBasis::AcquiredByLocalExecutiveBody => {
            AlienationBasis::AcquiredByLocalExecutiveBody
        }
        pb::AlienationBasis::Demolition => AlienationBasis::Demolition,
        pb::AlienationBasis::Destruction => AlienationBasis::Destruction,
    })
}

fn state_housing_use_of(usage: &pb::StateHousingUse) -> Result<StateHousingUse, FactsProblem> {
    let register = Register::StateHousingUse;
    let kind = match pb::state_housing_use::Kind::try_from(usage.kind) {
        Ok(pb::state_housing_use::Kind::StateStock) => StateHousingKind::StateHousingStock,
        Ok(pb::state_housing_use::Kind::LeasedByLocalExecutiveBody) => {
            StateHousingKind::RentedByLocalExecutiveBody
        }
        _ => return Err(malformed(register, "a use of unknown kind")),
    };
    let (from, to) = interval(register, usage.period.as_ref())?;
    Ok(StateHousingUse { kind, from, to })
}

fn unified_status_of(
    record: &pb::UnifiedRepublicanDatabaseRecord,
    as_of: NaiveDate,
) -> Result<UnifiedDatabaseStatus, FactsProblem> {
    let mut registered_on: Option<NaiveDate> = None;
    for registration in &record.registrations {
        let (from, to) = interval(
            Register::UnifiedRepublicanDatabase,
            registration.period.as_ref(),
        )?;
        let in_effect = from <= as_of && to.is_none_or(|to| to >= as_of);
        if in_effect {
            registered_on = Some(registered_on.map_or(from, |earliest| earliest.min(from)));
        }
    }
    Ok(match registered_on {
        Some(registered_on) => UnifiedDatabaseStatus::Registered { registered_on },
        None => UnifiedDatabaseStatus::NotRegistered,
    })
}

fn social_category_of(
    membership: &pb::SocialCategoryMembership,
) -> Result<SocialCategoryRecord, FactsProblem> {
    let register = Register::SocialCategories;
    let category = category_from_wire(membership.category)
        .ok_or_else(|| malformed(register, "a membership of unknown category"))?;
    let (valid_from, valid_to) = interval(register, membership.valid.as_ref())?;
    Ok(SocialCategoryRecord {
        category,
        valid_from,
        valid_to,
        source_register: membership.source_register.clone(),
    })
}

fn expert_of(expert: &pb::CertifiedExpert) -> Result<CertifiedExpert, FactsProblem> {
    let (valid_from, valid_to) = interval(Register::CertifiedExperts, expert.valid.as_ref())?;
    Ok(CertifiedExpert {
        certificate_number: expert.certificate_number.clone(),
        valid_from,
        valid_to,
    })
}

#[cfg(test)]
mod tests;
