//! The body of the application-form fuzz target (`fuzz/`) on stable, over
//! random bytes and over random forms made of plausible and implausible
//! parts, so that it keeps compiling and its invariants keep holding.

use application_intake::form::FORM_VERSION;
use application_intake::fuzzing;
use housing_proto::google::r#type::Date;
use housing_proto::housing::common::v1 as common;
use housing_proto::housing::intake::v1 as pb;
use proptest::option;
use proptest::prelude::*;
use prost::Message;

const APPLICANT: &str = "900101300017";
const SPOUSE: &str = "850505400028";
const CHILD: &str = "120303600030";

fn iin() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop_oneof![Just(APPLICANT), Just(SPOUSE), Just(CHILD)].prop_map(str::to_owned),
        2 => "[0-9]{12}",
        1 => ".{0,14}",
    ]
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![3 => "[A-Za-z0-9 /-]{1,20}", 1 => ".{0,300}"]
}

fn enumeration() -> impl Strategy<Value = i32> {
    prop_oneof![4 => 0..16i32, 1 => any::<i32>()]
}

fn timestamp() -> impl Strategy<Value = prost_types::Timestamp> {
    let received = fuzzing::received_at().timestamp();
    (
        prop_oneof![3 => (received - 86_400)..(received + 86_400), 1 => any::<i64>()],
        prop_oneof![3 => Just(0), 1 => any::<i32>()],
    )
        .prop_map(|(seconds, nanos)| prost_types::Timestamp { seconds, nanos })
}

fn consents() -> impl Strategy<Value = pb::Consents> {
    (
        any::<[bool; 4]>(),
        proptest::collection::vec(
            (iin(), iin(), option::of(timestamp())).prop_map(|(member, giver, time)| {
                pb::FamilyMemberConsent {
                    member_iin: member,
                    given_by_iin: giver,
                    consent_time: time,
                }
            }),
            0..4,
        ),
    )
        .prop_map(|(boxes, family_member_consents)| pb::Consents {
            housing_check: boxes[0],
            data_processing: boxes[1],
            publication: boxes[2],
            registration_without_category: boxes[3],
            family_member_consents,
        })
}

fn technical_report() -> impl Strategy<Value = pb::TechnicalReport> {
    (
        text(),
        text(),
        (2020..2030i32, 0..14i32, 0..33i32),
        prop_oneof!["[0-9]{2}:[0-9]{3}:[0-9]{3}:[0-9]{3}", ".{0,20}"],
        prop_oneof![Just("751110000".to_owned()), ".{0,10}"],
        option::of(
            (
                text(),
                prop_oneof![Just("application/pdf".to_owned()), ".{0,20}"],
                proptest::collection::vec(any::<u8>(), 0..64),
            )
                .prop_map(|(file_name, media_type, content)| common::Attachment {
                    file_name,
                    media_type,
                    content,
                }),
        ),
    )
        .prop_map(
            |(report_number, certificate, (year, month, day), cadastral, kato, document)| {
                pb::TechnicalReport {
                    report_number,
                    expert_certificate_number: certificate,
                    report_date: Some(Date { year, month, day }),
                    cadastral_number: cadastral,
                    locality_kato: kato,
                    document,
                }
            },
        )
}

fn form() -> impl Strategy<Value = pb::ApplicationForm> {
    (
        prop_oneof![3 => Just(FORM_VERSION.to_owned()), 1 => ".{0,16}"],
        iin(),
        option::of(
            (iin(), enumeration(), text()).prop_map(|(iin, capacity, document)| {
                pb::Representative {
                    iin,
                    capacity,
                    authority_document: document,
                }
            }),
        ),
        proptest::collection::vec(
            (iin(), enumeration())
                .prop_map(|(iin, relation)| pb::DeclaredFamilyMember { iin, relation }),
            0..4,
        ),
        (enumeration(), enumeration(), enumeration()),
        prop_oneof![3 => Just("751110000".to_owned()), 1 => ".{0,10}"],
        option::of(consents()),
        (
            prop_oneof![Just("+77011234567".to_owned()), ".{0,14}"],
            prop_oneof![Just("applicant@example.kz".to_owned()), ".{0,20}"],
        ),
        option::of(technical_report()),
    )
        .prop_map(
            |(
                form_version,
                applicant_iin,
                representative,
                declared_family,
                (stated_category, track, stock),
                locality_kato,
                consents,
                (phone, email),
                technical_report,
            )| pb::ApplicationForm {
                form_version,
                applicant_iin,
                representative,
                declared_family,
                stated_category,
                track,
                stock,
                locality_kato,
                consents,
                phone,
                email,
                technical_report,
            },
        )
}

proptest! {
    #[test]
    fn form_body_on_arbitrary_bytes(data in proptest::collection::vec(any::<u8>(), 0..256)) {
        let _ = fuzzing::application_form(&data);
    }

    #[test]
    fn form_body_on_random_forms(form in form()) {
        let accepted = fuzzing::application_form(&form.encode_to_vec());
        prop_assert_eq!(fuzzing::decoded_application_form(form), accepted);
    }
}

#[test]
fn a_complete_form_passes_the_body() {
    let form = pb::ApplicationForm {
        form_version: FORM_VERSION.to_owned(),
        applicant_iin: APPLICANT.to_owned(),
        declared_family: vec![pb::DeclaredFamilyMember {
            iin: SPOUSE.to_owned(),
            relation: pb::FamilyRelation::Spouse as i32,
        }],
        track: common::Track::NoHousing as i32,
        locality_kato: "751110000".to_owned(),
        consents: Some(pb::Consents {
            housing_check: true,
            data_processing: true,
            ..pb::Consents::default()
        }),
        ..pb::ApplicationForm::default()
    };
    assert!(fuzzing::application_form(&form.encode_to_vec()));
}
