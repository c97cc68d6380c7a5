use housing_proto::housing::registry::v1 as pb;

use super::*;
use crate::dates::from_naive;

const IIN: &str = "900101300126";
const OTHER_IIN: &str = "000000000101";

fn day(year: i32, month: u32, day: u32) -> Option<Date> {
    Some(from_naive(
        NaiveDate::from_ymd_opt(year, month, day).expect("valid date"),
    ))
}

fn fields(violations: &[Violation]) -> Vec<&str> {
    violations
        .iter()
        .map(|violation| violation.field.as_str())
        .collect()
}

fn identity() -> pb::IdentityRecord {
    pb::IdentityRecord {
        iin: IIN.to_owned(),
        surname: "Seitkali".to_owned(),
        given_name: "Aigerim".to_owned(),
        birth_date: day(1990, 1, 1),
        sex: pb::Sex::Female as i32,
        citizenship: pb::Citizenship::Kazakhstan as i32,
        ..Default::default()
    }
}

#[test]
fn a_complete_record_has_no_violations() {
    let person = pb::PersonRecord {
        iin: IIN.to_owned(),
        identity: Some(identity()),
        civil_status: Some(pb::CivilStatusRecord {
            marriages: vec![pb::Marriage {
                spouse_iin: OTHER_IIN.to_owned(),
                registration_date: day(2015, 6, 1),
                ..Default::default()
            }],
            children: vec![pb::Birth {
                child_iin: OTHER_IIN.to_owned(),
                birth_date: day(2016, 1, 1),
                mother_iin: IIN.to_owned(),
                ..Default::default()
            }],
            parental_care_loss: None,
        }),
        mobile_citizen: Some(pb::MobileCitizenRecord {
            registered: true,
            linked_to_portal_account: true,
            phone: "+77011234567".to_owned(),
        }),
        ..Default::default()
    };
    assert_eq!(person_violations(&person, "person"), Vec::new());
}

#[test]
fn every_violation_is_reported_with_its_path() {
    let person = pb::PersonRecord {
        iin: "900101300125".to_owned(),
        identity: Some(pb::IdentityRecord {
            birth_date: None,
            sex: 0,
            death_date: day(1980, 1, 1),
            ..identity()
        }),
        civil_status: Some(pb::CivilStatusRecord {
            marriages: vec![pb::Marriage {
                spouse_iin: "1234".to_owned(),
                registration_date: day(2015, 6, 1),
                dissolution_date: day(2014, 1, 1),
                ..Default::default()
            }],
            ..Default::default()
        }),
        real_estate: Some(pb::RealEstateRecord {
            ownerships: vec![pb::Ownership {
                dwelling: Some(pb::Dwelling {
                    cadastral_number: "has space".to_owned(),
                    address: Some(pb::Address {
                        locality_kato: "71".to_owned(),
                        text: String::new(),
                    }),
                    kind: pb::dwelling::Kind::Apartment as i32,
                }),
                share_numerator: 2,
                share_denominator: 1,
                acquired_date: day(2020, 1, 1),
                acquisition_basis: pb::AcquisitionBasis::StateMortgageProgramme as i32,
                alienation_basis: pb::AlienationBasis::Sale as i32,
                ..Default::default()
            }],
        }),
        mobile_citizen: Some(pb::MobileCitizenRecord {
            registered: true,
            linked_to_portal_account: true,
            phone: "87011234567".to_owned(),
        }),
        ..Default::default()
    };
    let violations = person_violations(&person, "person");
    assert_eq!(
        fields(&violations),
        [
            "person.iin",
            "person.identity.iin",
            "person.identity.birth_date",
            "person.identity.sex",
            "person.civil_status.marriages[0].spouse_iin",
            "person.civil_status.marriages[0].dissolution_date",
            "person.real_estate.ownerships[0].dwelling.cadastral_number",
            "person.real_estate.ownerships[0].dwelling.address.locality_kato",
            "person.real_estate.ownerships[0].share_numerator",
            "person.real_estate.ownerships[0].state_programme",
            "person.real_estate.ownerships[0].alienation_basis",
            "person.mobile_citizen.phone",
        ]
    );
    assert!(
        violations
            .iter()
            .all(|violation| !violation.description.contains("1234"))
    );
}

#[test]
fn a_birth_must_name_the_person_as_a_parent() {
    let person = pb::PersonRecord {
        iin: IIN.to_owned(),
        civil_status: Some(pb::CivilStatusRecord {
            children: vec![pb::Birth {
                child_iin: OTHER_IIN.to_owned(),
                birth_date: day(2016, 1, 1),
                ..Default::default()
            }],
            ..Default::default()
        }),
        ..Default::default()
    };
    assert_eq!(
        fields(&person_violations(&person, "")),
        ["civil_status.children[0]"]
    );
}

#[test]
fn an_expert_needs_a_number_a_holder_and_a_period() {
    let expert = pb::CertifiedExpert {
        certificate_number: String::new(),
        holder_name: " ".to_owned(),
        valid: None,
        speciality: String::new(),
    };
    assert_eq!(
        fields(&expert_violations(&expert, "expert")),
        [
            "expert.certificate_number",
            "expert.holder_name",
            "expert.valid"
        ]
    );
}

#[test]
fn normalising_fills_the_identity_iin() {
    let mut person = pb::PersonRecord {
        iin: IIN.to_owned(),
        identity: Some(pb::IdentityRecord {
            iin: String::new(),
            ..identity()
        }),
        ..Default::default()
    };
    normalise_person(&mut person);
    assert_eq!(person.identity.expect("identity").iin, IIN);
}
