//! A small builder of applications and register facts, so each test states only
//! what differs from a clean record.
//!
//! The clean record: an adult citizen (born 1990-01-01) applying on Monday
//! 2 June 2025 for track 1, the general stock, in Karaganda (not a city of
//! national status), with every consent, no family, nothing on any register.

#![allow(dead_code)] // Each test module uses a different part of the builder.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use housing_domain::RuleCode;
use housing_domain::calendar::WorkingCalendar;
use housing_domain::eligibility::{
    AcquisitionBasis, Alienation, AlienationBasis, Application, BirthRecord, CadastralNumber,
    CertifiedExpert, Citizenship, Consents, ContactDetails, Decision, DeclaredFamilyMember,
    DeclaredRelation, Dwelling, DwellingKind, EmergencyRecognition, HousingStock, Identity,
    IdentityRecord, Kato, Marriage, Ownership, PersonFacts, RegisteredTechnicalReport,
    RegistryFacts, RuleEvaluation, RuleSetVersion, Scheduling, Share, TechnicalReport, Track,
    evaluate,
};
use housing_domain::iin::{Iin, check_digit};

pub fn day(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).expect("valid date")
}

/// Monday 2 June 2025, a working day.
pub fn acceptance() -> NaiveDate {
    day(2025, 6, 2)
}

/// 09:00 local (UTC+5) on the acceptance date.
pub fn submitted_at() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 6, 2, 4, 0, 0)
        .single()
        .expect("valid instant")
}

/// A distinct valid IIN for each seed (0..10000).
pub fn person(seed: u16) -> Iin {
    for variant in 0..10u8 {
        let text = format!("900101{variant}{seed:04}");
        let digits: Vec<u8> = text.bytes().map(|b| b - b'0').collect();
        let first: [u8; 11] = digits.try_into().expect("11 digits");
        if let Ok(check) = check_digit(&first) {
            return Iin::parse(&format!("{text}{check}")).expect("completed IIN parses");
        }
    }
    panic!("no valid IIN for seed {seed}");
}

pub fn applicant() -> Iin {
    person(1)
}
pub fn spouse() -> Iin {
    person(2)
}
pub fn first_child() -> Iin {
    person(3)
}
pub fn second_child() -> Iin {
    person(4)
}
pub fn representative() -> Iin {
    person(9)
}

pub fn kato(text: &str) -> Kato {
    Kato::parse(text).expect("valid KATO")
}
pub fn karaganda() -> Kato {
    kato("351610000")
}
pub fn temirtau() -> Kato {
    kato("352410000")
}
pub fn astana() -> Kato {
    kato("710000000")
}
pub fn astana_district() -> Kato {
    kato("711410000")
}
pub fn almaty() -> Kato {
    kato("750000000")
}

pub fn cadastral(text: &str) -> CadastralNumber {
    CadastralNumber::parse(text).expect("valid cadastral number")
}

pub fn citizen_born(birth_date: NaiveDate) -> IdentityRecord {
    IdentityRecord::Found(Identity {
        birth_date,
        citizenship: Citizenship::Kazakhstan,
        date_of_death: None,
    })
}

/// An application and the register answers for it.
#[derive(Debug, Clone)]
pub struct Scenario {
    pub application: Application,
    pub facts: RegistryFacts,
}

impl Scenario {
    pub fn clean() -> Self {
        let application = Application {
            applicant: applicant(),
            representative: None,
            declared_family: Vec::new(),
            stated_category: None,
            track: Track::NoHousing,
            stock: HousingStock::General,
            locality: karaganda(),
            consents: Consents {
                personal_data_consent_given_by: [applicant()].into(),
                housing_check: true,
                data_processing: true,
                publication: true,
                registration_without_category: true,
            },
            technical_report: None,
            contact: ContactDetails::default(),
            submitted_at: submitted_at(),
            acceptance_date: acceptance(),
        };
        let mut facts = RegistryFacts::empty(acceptance());
        facts
            .persons
            .push(PersonFacts::new(applicant(), citizen_born(day(1990, 1, 1))));
        Self { application, facts }
    }

    /// Evaluates with the built-in calendar, deciding an hour after submission.
    pub fn decide(&self) -> Decision {
        self.try_decide().expect("the scenario evaluates")
    }

    pub fn try_decide(&self) -> Result<Decision, housing_domain::eligibility::EvaluationError> {
        let calendar = WorkingCalendar::builtin();
        let decided_at = self.application.submitted_at + chrono::Duration::hours(1);
        evaluate(
            &self.application,
            &self.facts,
            RuleSetVersion::Order130,
            &Scheduling::new(&calendar, decided_at),
        )
    }

    /// Moves the acceptance date (a working day) and the submission to 09:00 local on it.
    pub fn accepted_on(mut self, date: NaiveDate) -> Self {
        let at = date.and_hms_opt(4, 0, 0).expect("valid time").and_utc();
        self.application.submitted_at = at;
        self.application.acceptance_date = date;
        self.facts.as_of = date;
        self
    }

    pub fn person_mut(&mut self, iin: Iin) -> &mut PersonFacts {
        self.facts
            .persons
            .iter_mut()
            .find(|person| person.iin == iin)
            .expect("the person is in the scenario")
    }

    pub fn applicant_mut(&mut self) -> &mut PersonFacts {
        self.person_mut(applicant())
    }

    /// Adds a person's answers (a citizen born on `birth_date`) and returns them.
    pub fn add_person(&mut self, iin: Iin, birth_date: NaiveDate) -> &mut PersonFacts {
        self.facts
            .persons
            .push(PersonFacts::new(iin, citizen_born(birth_date)));
        self.facts.persons.last_mut().expect("just pushed")
    }

    pub fn applicant_born(mut self, birth_date: NaiveDate) -> Self {
        self.applicant_mut().identity = citizen_born(birth_date);
        self
    }

    /// Marries the applicant to `spouse` (an adult born 1991-03-03) who consents.
    pub fn with_spouse(
        mut self,
        registered_on: NaiveDate,
        dissolved_on: Option<NaiveDate>,
    ) -> Self {
        self.add_person(spouse(), day(1991, 3, 3));
        self.applicant_mut().civil_status.marriages.push(Marriage {
            spouse: spouse(),
            registered_on,
            dissolved_on,
        });
        self.application
            .consents
            .personal_data_consent_given_by
            .insert(spouse());
        self
    }

    /// Adds a child of the applicant born on `birth_date`.
    pub fn with_child(mut self, child: Iin, birth_date: NaiveDate) -> Self {
        self.add_person(child, birth_date);
        self.applicant_mut().civil_status.births.push(BirthRecord {
            child,
            parents: vec![applicant(), spouse()],
        });
        self
    }

    pub fn declaring(mut self, iin: Iin, relation: DeclaredRelation) -> Self {
        self.application
            .declared_family
            .push(DeclaredFamilyMember { iin, relation });
        self
    }

    /// Records an ownership of a dwelling (created if new).
    pub fn owning(
        mut self,
        owner: Iin,
        number: &str,
        locality: Kato,
        acquired_on: NaiveDate,
        basis: AcquisitionBasis,
        alienation: Option<Alienation>,
    ) -> Self {
        let ownership = Ownership {
            owner,
            share: Share::WHOLE,
            acquired_on,
            acquisition_basis: basis,
            alienation,
        };
        let number = cadastral(number);
        match self
            .facts
            .dwellings
            .iter_mut()
            .find(|dwelling| dwelling.cadastral_number == number)
        {
            Some(dwelling) => dwelling.ownerships.push(ownership),
            None => self.facts.dwellings.push(Dwelling {
                cadastral_number: number,
                locality,
                kind: DwellingKind::Apartment,
                ownerships: vec![ownership],
            }),
        }
        self
    }

    /// Track 2 in Karaganda: the applicant owns dwelling `EMERG-1` since 2010,
    /// recognised as emergency in 2024; report `TR-1` of 2025-05-20 by expert
    /// `EXP-1` certified 2020-01-01..2027-12-31, on record.
    pub fn emergency_track(mut self) -> Self {
        self.application.track = Track::EmergencyHome;
        self.application.technical_report = Some(TechnicalReport {
            report_number: String::from("TR-1"),
            expert_certificate_number: String::from("EXP-1"),
            report_date: day(2025, 5, 20),
            cadastral_number: cadastral("EMERG-1"),
            locality: karaganda(),
        });
        self.facts
            .emergency_recognitions
            .push(EmergencyRecognition {
                act_number: String::from("ACT-7"),
                recognised_on: day(2024, 11, 1),
                locality: karaganda(),
                cadastral_number: cadastral("EMERG-1"),
            });
        self.facts
            .technical_reports
            .push(RegisteredTechnicalReport {
                report_number: String::from("TR-1"),
                expert_certificate_number: String::from("EXP-1"),
                report_date: day(2025, 5, 20),
                cadastral_number: cadastral("EMERG-1"),
            });
        self.facts.certified_experts.push(CertifiedExpert {
            certificate_number: String::from("EXP-1"),
            valid_from: day(2020, 1, 1),
            valid_to: Some(day(2027, 12, 31)),
        });
        self.owning(
            applicant(),
            "EMERG-1",
            karaganda(),
            day(2010, 4, 1),
            AcquisitionBasis::Purchase,
            None,
        )
    }
}

pub fn sold_on(alienated_on: NaiveDate) -> Option<Alienation> {
    Some(Alienation {
        alienated_on,
        basis: AlienationBasis::Sale,
        habitable_at_alienation: true,
    })
}

pub fn evaluation(decision: &Decision, code: RuleCode) -> &RuleEvaluation {
    decision
        .evaluation(code)
        .unwrap_or_else(|| panic!("{code} was evaluated"))
}

/// The codes of the grounds found.
pub fn grounds(decision: &Decision) -> Vec<RuleCode> {
    decision.ground_codes()
}
