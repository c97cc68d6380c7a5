use housing_proto::housing::registry::v1 as pb;

use super::*;
use crate::dates::from_naive;

fn day(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).expect("valid date")
}

fn date(year: i32, month: u32, on: u32) -> Option<Date> {
    Some(from_naive(day(year, month, on)))
}

fn period(start: Option<Date>, end: Option<Date>) -> Option<DateInterval> {
    Some(DateInterval {
        start_date: start,
        end_date: end,
    })
}

fn registration(kato: &str, start: Option<Date>, end: Option<Date>) -> pb::DomicileRegistration {
    pb::DomicileRegistration {
        address: Some(pb::Address {
            locality_kato: kato.to_owned(),
            text: format!("somewhere in {kato}"),
        }),
        period: period(start, end),
        ..Default::default()
    }
}

fn person() -> pb::PersonRecord {
    pb::PersonRecord {
        iin: "900101300126".to_owned(),
        identity: Some(pb::IdentityRecord {
            iin: "900101300126".to_owned(),
            birth_date: date(1990, 1, 1),
            death_date: date(2026, 5, 1),
            document: Some(pb::IdentityDocument {
                number: "N1".to_owned(),
                issue_date: date(2025, 1, 10),
                issuer: "MIA".to_owned(),
            }),
            ..Default::default()
        }),
        address: Some(pb::AddressRecord {
            // Deliberately newest first: the answer must be oldest first.
            registrations: vec![
                registration("710000000", date(2024, 1, 1), None),
                registration("351610000", date(2010, 1, 1), date(2023, 12, 31)),
            ],
        }),
        real_estate: Some(pb::RealEstateRecord {
            ownerships: vec![pb::Ownership {
                acquired_date: date(2015, 3, 1),
                alienated_date: date(2025, 6, 30),
                alienation_basis: pb::AlienationBasis::Sale as i32,
                habitable_at_alienation: true,
                ..Default::default()
            }],
        }),
        ..Default::default()
    }
}

fn identity(answer: Option<Record>) -> pb::IdentityRecord {
    match answer {
        Some(Record::Identity(identity)) => identity,
        other => panic!("expected an identity, got {other:?}"),
    }
}

#[test]
fn nobody_is_known_before_birth() {
    for register in [Register::Identity, Register::Address, Register::RealEstate] {
        assert_eq!(
            register_answer(&person(), register, day(1989, 12, 31)),
            None,
            "{register:?}"
        );
    }
    assert!(register_answer(&person(), Register::Identity, day(1990, 1, 1)).is_some());
}

#[test]
fn a_later_death_and_a_later_document_are_not_yet_known() {
    let before = identity(register_answer(
        &person(),
        Register::Identity,
        day(2024, 6, 1),
    ));
    assert_eq!(before.death_date, None);
    assert_eq!(before.document, None);
    let after = identity(register_answer(
        &person(),
        Register::Identity,
        day(2026, 5, 1),
    ));
    assert_eq!(after.death_date, date(2026, 5, 1));
    assert!(after.document.is_some());
}

#[test]
fn the_domicile_address_follows_the_address_history() {
    let in_2020 = identity(register_answer(
        &person(),
        Register::Identity,
        day(2020, 1, 1),
    ));
    assert_eq!(
        in_2020
            .domicile_address
            .map(|address| address.locality_kato),
        Some("351610000".to_owned())
    );
    let in_2025 = identity(register_answer(
        &person(),
        Register::Identity,
        day(2025, 1, 1),
    ));
    assert_eq!(
        in_2025
            .domicile_address
            .map(|address| address.locality_kato),
        Some("710000000".to_owned())
    );
}

#[test]
fn address_periods_are_cut_and_ordered() {
    let Some(Record::Address(record)) =
        register_answer(&person(), Register::Address, day(2023, 6, 1))
    else {
        panic!("expected an address record");
    };
    // Only the Karaganda registration had started, and its end was not yet known.
    assert_eq!(record.registrations.len(), 1);
    assert_eq!(
        record.registrations[0].period,
        period(date(2010, 1, 1), None)
    );

    let Some(Record::Address(record)) =
        register_answer(&person(), Register::Address, day(2026, 1, 1))
    else {
        panic!("expected an address record");
    };
    let starts: Vec<_> = record
        .registrations
        .iter()
        .map(|registration| registration.period.and_then(|period| period.start_date))
        .collect();
    assert_eq!(starts, [date(2010, 1, 1), date(2024, 1, 1)]);
}

#[test]
fn an_alienation_after_the_day_is_not_yet_known() {
    let ownership = |on: NaiveDate| match register_answer(&person(), Register::RealEstate, on) {
        Some(Record::RealEstate(record)) => record.ownerships[0].clone(),
        other => panic!("expected a real-estate record, got {other:?}"),
    };
    let owned = ownership(day(2025, 6, 29));
    assert_eq!(owned.alienated_date, None);
    assert_eq!(owned.alienation_basis, 0);
    assert!(!owned.habitable_at_alienation);
    let sold = ownership(day(2025, 6, 30));
    assert_eq!(sold.alienated_date, date(2025, 6, 30));
    assert_eq!(sold.alienation_basis, pb::AlienationBasis::Sale as i32);
    assert_eq!(
        register_answer(&person(), Register::RealEstate, day(2015, 2, 28)),
        None
    );
}

#[test]
fn an_empty_register_is_not_found_and_a_number_not_registered_is_not_found() {
    let mut record = person();
    assert_eq!(
        register_answer(&record, Register::Migration, day(2026, 1, 1)),
        None
    );
    record.mobile_citizen = Some(pb::MobileCitizenRecord::default());
    assert_eq!(
        register_answer(&record, Register::MobileCitizens, day(2026, 1, 1)),
        None
    );
}

#[test]
fn an_expert_is_unknown_before_the_certificate_and_open_while_valid() {
    let expert = pb::CertifiedExpert {
        certificate_number: "E-1".to_owned(),
        valid: period(date(2022, 1, 1), date(2026, 12, 31)),
        ..Default::default()
    };
    assert_eq!(certified_expert(&expert, day(2021, 12, 31)), None);
    let valid = certified_expert(&expert, day(2026, 4, 15)).expect("known");
    assert_eq!(valid.valid, period(date(2022, 1, 1), None));
    let expired = certified_expert(&expert, day(2027, 1, 1)).expect("still on record");
    assert_eq!(expired.valid, period(date(2022, 1, 1), date(2026, 12, 31)));
}
