use chrono::TimeZone;
use housing_platform::error::ServiceError;

use super::*;

fn utc(year: i32, month: u32, day: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(year, month, day, 0, 0, 0)
        .single()
        .expect("a valid instant")
}

fn root() -> RootValidity {
    RootValidity {
        not_before: utc(2000, 1, 1),
        not_after: utc(2099, 12, 31),
    }
}

fn now() -> DateTime<Utc> {
    utc(2025, 6, 1) + TimeDelta::milliseconds(1_234)
}

fn valid_issue_request() -> pb::IssueCertificateRequest {
    pb::IssueCertificateRequest {
        iin: "900101300017".to_owned(),
        common_name: "ТЕСТОВ ТЕСТ".to_owned(),
        purpose: pb::KeyPurpose::Signing.into(),
        not_before: None,
        not_after: None,
    }
}

fn violated_fields(error: ServiceError) -> Vec<String> {
    match error {
        ServiceError::InvalidArgument { violations, .. } => violations
            .into_iter()
            .map(|violation| violation.field)
            .collect(),
        other => panic!("expected invalid argument, got {other:?}"),
    }
}

#[test]
fn validity_defaults_to_one_year_from_now_to_the_second() {
    let request =
        person_certificate_request(&valid_issue_request(), root(), now()).expect("a valid request");
    assert_eq!(request.not_before, utc(2025, 6, 1) + TimeDelta::seconds(1));
    assert_eq!(request.not_after, utc(2026, 6, 1) + TimeDelta::seconds(1));
    assert_eq!(request.purpose, KeyPurpose::Signing);
    assert_eq!(request.holder_iin.as_str(), "900101300017");
}

#[test]
fn every_bad_field_is_reported_at_once_without_its_value() {
    let request = pb::IssueCertificateRequest {
        iin: "900101300016".to_owned(),
        common_name: "  ".to_owned(),
        purpose: pb::KeyPurpose::Unspecified.into(),
        not_before: Some(timestamp(utc(2026, 1, 1))),
        not_after: Some(timestamp(utc(2025, 1, 1))),
    };
    let error = person_certificate_request(&request, root(), now()).expect_err("invalid");
    let description = format!("{error:?}");
    assert!(!description.contains("900101300016"), "{description}");
    assert_eq!(
        violated_fields(error),
        ["iin", "common_name", "purpose", "not_after"]
    );
}

#[test]
fn an_unknown_purpose_number_is_invalid() {
    let request = pb::IssueCertificateRequest {
        purpose: 7,
        ..valid_issue_request()
    };
    let error = person_certificate_request(&request, root(), now()).expect_err("invalid");
    assert_eq!(violated_fields(error), ["purpose"]);
}

#[test]
fn validity_is_at_most_five_years_and_within_the_root() {
    let too_long = pb::IssueCertificateRequest {
        not_before: Some(timestamp(utc(2025, 1, 1))),
        not_after: Some(timestamp(utc(2031, 1, 1))),
        ..valid_issue_request()
    };
    let error = person_certificate_request(&too_long, root(), now()).expect_err("invalid");
    assert_eq!(violated_fields(error), ["not_after"]);

    let before_the_root = pb::IssueCertificateRequest {
        not_before: Some(timestamp(utc(1999, 6, 1))),
        not_after: Some(timestamp(utc(2000, 6, 1))),
        ..valid_issue_request()
    };
    let error = person_certificate_request(&before_the_root, root(), now()).expect_err("invalid");
    assert_eq!(violated_fields(error), ["not_before"]);
}

#[test]
fn a_timestamp_with_out_of_range_nanoseconds_is_invalid() {
    let request = pb::IssueCertificateRequest {
        not_before: Some(prost_types::Timestamp {
            seconds: 1_750_000_000,
            nanos: 1_000_000_000,
        }),
        ..valid_issue_request()
    };
    let error = person_certificate_request(&request, root(), now()).expect_err("invalid");
    assert_eq!(violated_fields(error), ["not_before"]);
}

#[test]
fn serial_numbers_are_checked_and_lowercased() {
    let question = status_request(
        &pb::CheckCertificateStatusRequest {
            serial_number: "4A0B".to_owned(),
            at_time: None,
        },
        now(),
    )
    .expect("valid");
    assert_eq!(question.serial_number.as_str(), "4a0b");
    assert_eq!(question.at, now());

    let error = status_request(
        &pb::CheckCertificateStatusRequest {
            serial_number: "not hex".to_owned(),
            at_time: None,
        },
        now(),
    )
    .expect_err("invalid");
    assert_eq!(violated_fields(error), ["serial_number"]);
}

#[test]
fn a_revocation_defaults_to_now_and_bounds_its_reason() {
    let revocation = revocation_request(
        &pb::RevokeCertificateRequest {
            serial_number: "4a0b".to_owned(),
            revocation_time: None,
            reason: " key compromise ".to_owned(),
        },
        now(),
    )
    .expect("valid");
    assert_eq!(revocation.revoked_at, now());
    assert_eq!(revocation.reason, "key compromise");

    let error = revocation_request(
        &pb::RevokeCertificateRequest {
            serial_number: "4a0b".to_owned(),
            revocation_time: None,
            reason: "x".repeat(MAXIMUM_REASON_CHARACTERS + 1),
        },
        now(),
    )
    .expect_err("invalid");
    assert_eq!(violated_fields(error), ["reason"]);
}

#[test]
fn timestamps_round_trip_to_the_microsecond() {
    let instant = utc(2025, 6, 1) + TimeDelta::microseconds(123_456);
    let mut violations = Vec::new();
    let read_back = super::instant(&timestamp(instant), "at_time", &mut violations);
    assert_eq!(read_back, Some(instant));
    assert!(violations.is_empty());
}
