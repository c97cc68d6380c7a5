use housing_proto::google::r#type::Date;
use housing_proto::housing::common::v1::{DateInterval, Register};
use housing_proto::housing::registry::v1 as pb;

use super::*;

const APPLICANT: &str = "900512490013";
const SPOUSE: &str = "880203390020";
const CHILD: &str = "170901590033";

fn iin(text: &str) -> Iin {
    Iin::parse(text).expect("a valid IIN")
}

fn date(year: i32, month: i32, day: i32) -> Option<Date> {
    Some(Date { year, month, day })
}

fn day(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).expect("a date")
}

fn period(start: Option<Date>, end: Option<Date>) -> Option<DateInterval> {
    Some(DateInterval {
        start_date: start,
        end_date: end,
    })
}

fn answer(person: &str, register: Register, record: Option<Record>) -> pb::RegisterAnswer {
    pb::RegisterAnswer {
        iin: person.to_owned(),
        register: register as i32,
        status: if record.is_some() {
            pb::AnswerStatus::Found
        } else {
            pb::AnswerStatus::NotFound
        } as i32,
        record,
    }
}

/// Every register answers "not found" for `person`, except those in `found`.
fn answers(person: &str, mut found: Vec<(Register, Record)>) -> Vec<pb::RegisterAnswer> {
    PERSON_REGISTERS
        .iter()
        .map(|register| {
            let record = found
                .iter()
                .position(|(candidate, _)| candidate == register)
                .map(|index| found.swap_remove(index).1);
            answer(person, *register, record)
        })
        .collect()
}

fn identity(birth: Option<Date>) -> Record {
    Record::Identity(pb::IdentityRecord {
        birth_date: birth,
        citizenship: pb::Citizenship::Kazakhstan as i32,
        ..Default::default()
    })
}

fn ownership(cadastral: &str, acquired: Option<Date>) -> pb::Ownership {
    pb::Ownership {
        dwelling: Some(pb::Dwelling {
            cadastral_number: cadastral.to_owned(),
            address: Some(pb::Address {
                locality_kato: "351010000".to_owned(),
                text: "Karaganda".to_owned(),
            }),
            kind: pb::dwelling::Kind::Apartment as i32,
        }),
        share_numerator: 1,
        share_denominator: 2,
        acquired_date: acquired,
        acquisition_basis: pb::AcquisitionBasis::Purchase as i32,
        ..Default::default()
    }
}

fn as_of() -> NaiveDate {
    day(2026, 4, 15)
}

#[test]
fn a_family_becomes_facts_with_shared_dwellings_merged() {
    let mut response = pb::QueryRegistersResponse::default();
    response.answers.extend(answers(
        APPLICANT,
        vec![
            (Register::Identity, identity(date(1990, 5, 12))),
            (
                Register::CivilStatus,
                Record::CivilStatus(pb::CivilStatusRecord {
                    children: vec![pb::Birth {
                        child_iin: CHILD.to_owned(),
                        birth_date: date(2017, 9, 1),
                        // The record leaves the applicant (a parent) out.
                        father_iin: SPOUSE.to_owned(),
                        ..Default::default()
                    }],
                    ..Default::default()
                }),
            ),
            (
                Register::RealEstate,
                Record::RealEstate(pb::RealEstateRecord {
                    ownerships: vec![ownership("09:001", date(2019, 1, 1))],
                }),
            ),
        ],
    ));
    response.answers.extend(answers(
        SPOUSE,
        vec![
            (Register::Identity, identity(date(1988, 2, 3))),
            (
                Register::RealEstate,
                Record::RealEstate(pb::RealEstateRecord {
                    ownerships: vec![ownership("09:001", date(2019, 1, 1))],
                }),
            ),
        ],
    ));
    let mut builder = FactsBuilder::new(as_of(), iin(APPLICANT));
    builder
        .add(&[iin(APPLICANT), iin(SPOUSE)], &[], &response)
        .expect("usable answers");
    let facts = builder.finish();

    assert_eq!(facts.persons.len(), 2);
    assert_eq!(facts.dwellings.len(), 1, "one dwelling, owned in shares");
    assert_eq!(facts.dwellings[0].ownerships.len(), 2);
    let applicant = facts.person(iin(APPLICANT)).expect("the applicant");
    assert!(
        applicant.civil_status.births[0]
            .parents
            .contains(&iin(APPLICANT))
    );
    assert!(matches!(applicant.identity, IdentityRecord::Found(_)));
}

#[test]
fn a_gateway_fault_refuses_the_whole_snapshot() {
    let mut response = pb::QueryRegistersResponse {
        answers: answers(
            APPLICANT,
            vec![(Register::Identity, identity(date(1990, 5, 12)))],
        ),
        expert_answers: Vec::new(),
    };
    response.answers[4].status = pb::AnswerStatus::Unavailable as i32;
    let mut builder = FactsBuilder::new(as_of(), iin(APPLICANT));
    let problem = builder
        .add(&[iin(APPLICANT)], &[], &response)
        .expect_err("a fault is not a fact");
    assert!(problem.is_fault());
    assert_eq!(
        problem,
        FactsProblem::Fault {
            register: "real-estate",
            status: "UNAVAILABLE"
        }
    );
}

#[test]
fn a_missing_answer_or_expert_is_not_taken_for_not_found() {
    let mut response = pb::QueryRegistersResponse {
        answers: answers(APPLICANT, Vec::new()),
        expert_answers: Vec::new(),
    };
    response.answers.pop();
    let mut builder = FactsBuilder::new(as_of(), iin(APPLICANT));
    assert!(matches!(
        builder.add(&[iin(APPLICANT)], &[], &response),
        Err(FactsProblem::Missing { .. })
    ));
    let response = pb::QueryRegistersResponse {
        answers: answers(APPLICANT, Vec::new()),
        expert_answers: Vec::new(),
    };
    assert!(matches!(
        builder.add(&[iin(APPLICANT)], &["KZ-EXP-1".to_owned()], &response),
        Err(FactsProblem::Missing { .. })
    ));
}

#[test]
fn an_unreadable_answer_is_refused_without_naming_the_person() {
    let response = pb::QueryRegistersResponse {
        answers: answers(APPLICANT, vec![(Register::Identity, identity(None))]),
        expert_answers: Vec::new(),
    };
    let mut builder = FactsBuilder::new(as_of(), iin(APPLICANT));
    let problem = builder
        .add(&[iin(APPLICANT)], &[], &response)
        .expect_err("no birth date");
    assert!(!problem.is_fault());
    assert!(!problem.to_string().contains(APPLICANT));
}

#[test]
fn recorded_conduct_and_the_applicants_households_are_read_from_the_address_register() {
    let address = Record::Address(pb::AddressRecord {
        registrations: vec![
            pb::DomicileRegistration {
                address: Some(pb::Address {
                    locality_kato: "551010000".to_owned(),
                    text: "Pavlodar".to_owned(),
                }),
                // The register does not know the dwelling: the move still counts.
                cadastral_number: String::new(),
                period: period(date(1992, 4, 18), date(2024, 6, 30)),
                met_housing_norm: true,
                household: Vec::new(),
            },
            pb::DomicileRegistration {
                address: Some(pb::Address {
                    locality_kato: "551010000".to_owned(),
                    text: "Pavlodar".to_owned(),
                }),
                cadastral_number: "14:218".to_owned(),
                period: period(date(2024, 7, 1), None),
                met_housing_norm: false,
                household: vec![pb::Household {
                    iin: SPOUSE.to_owned(),
                    relation: pb::household::Relation::Other as i32,
                    period: period(date(2024, 7, 1), None),
                }],
            },
        ],
    });
    let response = pb::QueryRegistersResponse {
        answers: answers(
            APPLICANT,
            vec![
                (Register::Identity, identity(date(1974, 4, 18))),
                (Register::Address, address),
            ],
        ),
        expert_answers: Vec::new(),
    };
    let mut builder = FactsBuilder::new(as_of(), iin(APPLICANT));
    builder
        .add(&[iin(APPLICANT)], &[], &response)
        .expect("usable answers");
    let facts = builder.finish();
    let applicant = facts.person(iin(APPLICANT)).expect("the applicant");
    assert_eq!(applicant.domicile_history.len(), 2);
    assert_eq!(
        applicant.housing_conduct,
        vec![HousingConductRecord {
            kind: HousingConduct::MovedOutWhereNotInNeed,
            cadastral_number: None,
            on: day(2024, 6, 30),
        }]
    );
    assert_eq!(facts.households.len(), 1);
    assert_eq!(
        facts.households[0].residents[0].relation_to_applicant,
        ResidentRelation::Other
    );
}

#[test]
fn the_unified_database_counts_a_registration_in_effect_on_the_day() {
    let record = |start, end| pb::UnifiedRepublicanDatabaseRecord {
        registrations: vec![pb::UnifiedRegistration {
            period: period(start, end),
            local_executive_body: "akimat".to_owned(),
            locality_kato: "151010000".to_owned(),
        }],
    };
    assert_eq!(
        unified_status_of(&record(date(2019, 5, 20), None), as_of()),
        Ok(UnifiedDatabaseStatus::Registered {
            registered_on: day(2019, 5, 20)
        })
    );
    assert_eq!(
        unified_status_of(&record(date(2019, 5, 20), date(2026, 4, 14)), as_of()),
        Ok(UnifiedDatabaseStatus::NotRegistered)
    );
}
