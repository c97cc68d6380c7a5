//! The body of the complaint-form fuzz target (`fuzz/`) on stable, over
//! random bytes and over random forms made of plausible and implausible
//! parts, so that it keeps compiling and its invariants keep holding.

use complaints::form::FORM_VERSION;
use complaints::fuzzing;
use housing_proto::housing::common::v1 as common;
use housing_proto::housing::complaints::v1 as pb;
use proptest::prelude::*;
use prost::Message;

const COMPLAINANT: &str = "900101300017";
const APPLICATION: &str = "applications/0f3a9c";

fn form() -> impl Strategy<Value = pb::ComplaintForm> {
    (
        prop_oneof![3 => Just(FORM_VERSION.to_owned()), 1 => ".{0,16}"],
        prop_oneof![3 => Just(COMPLAINANT.to_owned()), 1 => "[0-9]{12}", 1 => ".{0,14}"],
        prop_oneof![3 => Just(APPLICATION.to_owned()), 1 => "applications/.{0,70}", 1 => ".{0,20}"],
        prop_oneof![
            2 => Just(String::new()),
            2 => Just("cases/0f3a9c/decisions/d-1".to_owned()),
            1 => "cases/[0-9a-f]{1,8}/decisions/.{0,70}",
            1 => ".{0,30}",
        ],
        (
            prop_oneof![4 => 0..5i32, 1 => any::<i32>()],
            prop_oneof![4 => 0..4i32, 1 => any::<i32>()],
        ),
        prop_oneof![2 => Just(String::new()), 1 => ".{0,70}"],
        prop_oneof![3 => "[a-z ]{1,40}", 1 => ".{0,50}"],
        ".{0,20}",
        proptest::collection::vec(
            (
                ".{0,10}",
                prop_oneof![Just("application/pdf".to_owned()), ".{0,12}"],
                proptest::collection::vec(any::<u8>(), 0..8),
            )
                .prop_map(|(file_name, media_type, content)| common::Attachment {
                    file_name,
                    media_type,
                    content,
                }),
            0..3,
        ),
    )
        .prop_map(
            |(
                form_version,
                complainant_iin,
                application,
                decision,
                (subject, route),
                staff_member,
                text,
                requested_remedy,
                attachments,
            )| {
                pb::ComplaintForm {
                    form_version,
                    complainant_iin,
                    application,
                    decision,
                    subject,
                    route,
                    staff_member,
                    text,
                    requested_remedy,
                    attachments,
                }
            },
        )
}

proptest! {
    #[test]
    fn complaint_body_on_arbitrary_bytes(data in proptest::collection::vec(any::<u8>(), 0..256)) {
        let _ = fuzzing::complaint_form(&data);
    }

    #[test]
    fn complaint_body_on_random_forms(form in form()) {
        let accepted = fuzzing::complaint_form(&form.encode_to_vec());
        prop_assert_eq!(fuzzing::decoded_complaint_form(&form), accepted);
    }
}

#[test]
fn a_complete_complaint_passes_the_body() {
    let form = pb::ComplaintForm {
        form_version: FORM_VERSION.to_owned(),
        complainant_iin: COMPLAINANT.to_owned(),
        application: APPLICATION.to_owned(),
        subject: pb::ComplaintSubject::Inaction as i32,
        route: pb::ComplaintRoute::ProviderHead as i32,
        text: "No answer for three months".to_owned(),
        ..pb::ComplaintForm::default()
    };
    assert!(fuzzing::complaint_form(&form.encode_to_vec()));
}
