//! Everything intake refuses: bad signatures (UNAUTHENTICATED,
//! SIGNED_WITH_EDS) and bad forms (INVALID_ARGUMENT with field violations).
//! Nothing refused is stored.

use housing_proto::housing::common::v1 as common;
use housing_proto::housing::intake::v1 as pb;
use housing_storage::testing::TestDatabase;
use prost::Message;
use tonic::Code;

use crate::support::{
    PKI, TEST_MAX_ATTACHMENT_BYTES, TestIntake, closed_port, form, iins, intake_now, reason,
    representative_form, signed_request, stored_applications, submit_as_applicant, violated_fields,
};

housing_storage::storage_test_suite!(
    &application_intake::storage::MIGRATIONS;
    every_bad_signature_is_refused_and_nothing_is_stored,
    invalid_forms_get_every_field_violation_and_nothing_is_stored,
    a_citizen_submits_only_what_they_signed,
);

fn emergency_form(attachment_bytes: usize) -> pb::ApplicationForm {
    pb::ApplicationForm {
        track: common::Track::EmergencyHome as i32,
        technical_report: Some(pb::TechnicalReport {
            report_number: "TR-2026-001".to_owned(),
            expert_certificate_number: "EXP-77".to_owned(),
            report_date: Some(housing_proto::google::r#type::Date {
                year: 2026,
                month: 3,
                day: 2,
            }),
            cadastral_number: "20:321:045:123".to_owned(),
            locality_kato: crate::support::ALMATY.to_owned(),
            document: Some(common::Attachment {
                file_name: "report.pdf".to_owned(),
                media_type: "application/pdf".to_owned(),
                content: vec![b'%'; attachment_bytes],
            }),
        }),
        ..form()
    }
}

async fn every_bad_signature_is_refused_and_nothing_is_stored(database: &TestDatabase) {
    let intake = TestIntake::spawn(database, closed_port().await).await;
    let now = intake_now(&intake);
    let own_form = form();
    let refusals: Vec<(&str, &str, &str, pb::SubmitApplicationRequest)> = vec![
        (
            "an authentication key",
            "authentication key",
            iins::APPLICANT,
            signed_request(&own_form, &PKI.applicant_authentication, now),
        ),
        (
            "a certificate from another root",
            "not issued by the national certification centre",
            iins::APPLICANT,
            signed_request(&own_form, &PKI.applicant_other_root, now),
        ),
        (
            "a certificate expired at signing time",
            "had expired at signing time",
            iins::APPLICANT,
            signed_request(&own_form, &PKI.applicant_expired, now),
        ),
        (
            "a revoked certificate",
            "is revoked",
            iins::APPLICANT,
            signed_request(&own_form, &PKI.applicant_revoked, now),
        ),
        (
            "a signer who is neither the applicant nor a representative",
            "does not name the applicant",
            iins::STRANGER,
            signed_request(&own_form, &PKI.stranger, now),
        ),
        (
            "the applicant signing what their representative files",
            "does not name the representative",
            iins::APPLICANT,
            signed_request(&representative_form(), &PKI.applicant, now),
        ),
        (
            "content changed after signing",
            "changed after signing",
            iins::APPLICANT,
            {
                let mut tampered = signed_request(&own_form, &PKI.applicant, now);
                if let Some(document) = tampered.signed_form.as_mut() {
                    let mut changed = own_form.clone();
                    changed.locality_kato = crate::support::KARAGANDA.to_owned();
                    document.content = changed.encode_to_vec();
                }
                tampered
            },
        ),
    ];
    for (what, expected_problem, caller_iin, request) in refusals {
        let refused = intake
            .citizen(caller_iin)
            .submit_application(request)
            .await
            .expect_err(what);
        assert_eq!(refused.code(), Code::Unauthenticated, "{what}: {refused:?}");
        assert_eq!(reason(&refused), "SIGNED_WITH_EDS", "{what}");
        assert!(
            refused
                .message()
                .starts_with("the application is not signed with a valid EDS"),
            "{what}: {}",
            refused.message()
        );
        assert!(
            refused.message().contains(expected_problem),
            "{what}: {}",
            refused.message()
        );
        assert!(!refused.message().contains(iins::APPLICANT), "{what}");
    }
    assert!(stored_applications(&intake).await.is_empty());
    intake.stop().await;
}

async fn invalid_forms_get_every_field_violation_and_nothing_is_stored(database: &TestDatabase) {
    let intake = TestIntake::spawn(database, closed_port().await).await;
    let mut wrong_check_digit = form();
    wrong_check_digit.declared_family[0].iin = "850505400029".to_owned();
    let mut no_consent = form();
    if let Some(consents) = no_consent.consents.as_mut() {
        consents.housing_check = false;
    }
    let mut emergency_without_report = emergency_form(10);
    emergency_without_report.technical_report = None;
    let mut everything_at_once = emergency_form(TEST_MAX_ATTACHMENT_BYTES + 1);
    everything_at_once.applicant_iin = "900101300018".to_owned();
    everything_at_once.consents = None;

    let cases: [(&str, pb::ApplicationForm, &[&str]); 5] = [
        (
            "a wrong check digit",
            wrong_check_digit,
            &["form.declared_family[0].iin"],
        ),
        (
            "a missing consent",
            no_consent,
            &["form.consents.housing_check"],
        ),
        (
            "the emergency track without a technical report",
            emergency_without_report,
            &["form.technical_report"],
        ),
        (
            "an oversized attachment",
            emergency_form(TEST_MAX_ATTACHMENT_BYTES + 1),
            &["form.technical_report.document.content"],
        ),
        (
            "every fault at once",
            everything_at_once,
            &[
                "form.applicant_iin",
                "form.consents",
                "form.technical_report.document.content",
            ],
        ),
    ];
    for (what, form, fields) in cases {
        let refused = submit_as_applicant(&intake, &form).await.expect_err(what);
        assert_eq!(refused.code(), Code::InvalidArgument, "{what}: {refused:?}");
        assert_eq!(reason(&refused), "INVALID_ARGUMENT", "{what}");
        assert_eq!(violated_fields(&refused), fields, "{what}");
    }

    let mut not_a_form = signed_request(&form(), &PKI.applicant, intake_now(&intake));
    if let Some(document) = not_a_form.signed_form.as_mut() {
        document.content = vec![0xff, 0xff, 0xff];
        document.cms_signature = PKI.applicant.sign(&document.content, intake_now(&intake));
    }
    let refused = intake
        .citizen(iins::APPLICANT)
        .submit_application(not_a_form)
        .await
        .expect_err("signed bytes that are not a form");
    assert_eq!(violated_fields(&refused), ["signed_form.content"]);

    let mut no_request_id = signed_request(&form(), &PKI.applicant, intake_now(&intake));
    no_request_id.request_id = String::new();
    let refused = intake
        .citizen(iins::APPLICANT)
        .submit_application(no_request_id)
        .await
        .expect_err("no request id");
    assert_eq!(violated_fields(&refused), ["request_id"]);

    assert!(stored_applications(&intake).await.is_empty());
    intake.stop().await;
}

async fn a_citizen_submits_only_what_they_signed(database: &TestDatabase) {
    let intake = TestIntake::spawn(database, closed_port().await).await;
    let request = signed_request(&form(), &PKI.applicant, intake_now(&intake));
    let refused = intake
        .citizen(iins::STRANGER)
        .submit_application(request.clone())
        .await
        .expect_err("signed by someone else");
    assert_eq!(refused.code(), Code::PermissionDenied);
    let unidentified = intake
        .anonymous()
        .submit_application(request)
        .await
        .expect_err("no caller");
    assert_eq!(unidentified.code(), Code::Unauthenticated);
    assert_eq!(reason(&unidentified), "UNAUTHENTICATED");
    assert!(stored_applications(&intake).await.is_empty());
    intake.stop().await;
}
