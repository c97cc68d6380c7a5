use super::*;

#[test]
fn invalid_argument_carries_every_field_violation_and_the_reason() {
    let status: Status = ServiceError::invalid(vec![
        Violation::new("form.applicant_iin", "check digit does not match"),
        Violation::new("form.locality_kato", "a KATO code has 9 digits"),
    ])
    .into();
    assert_eq!(status.code(), Code::InvalidArgument);
    let details = status.get_error_details();
    let info = details.error_info().expect("error info");
    assert_eq!(info.reason, "INVALID_ARGUMENT");
    assert_eq!(info.domain, ERROR_DOMAIN);
    let fields: Vec<&str> = details
        .bad_request()
        .expect("bad request")
        .field_violations
        .iter()
        .map(|v| v.field.as_str())
        .collect();
    assert_eq!(fields, ["form.applicant_iin", "form.locality_kato"]);
}

#[test]
fn a_rule_code_becomes_the_reason() {
    let status: Status = ServiceError::Unauthenticated {
        reason: ErrorReason::Rule(RuleCode::SignedWithEds),
        message: "the application is signed with an authentication key".to_owned(),
    }
    .into();
    assert_eq!(status.code(), Code::Unauthenticated);
    assert_eq!(
        status
            .get_error_details()
            .error_info()
            .expect("info")
            .reason,
        "SIGNED_WITH_EDS"
    );
}

#[test]
fn already_exists_names_the_existing_resource() {
    let status: Status = ServiceError::AlreadyExists {
        resource: "application",
        existing: "applications/42".to_owned(),
    }
    .into();
    assert_eq!(status.code(), Code::AlreadyExists);
    let info = status
        .get_error_details()
        .error_info()
        .expect("info")
        .clone();
    assert_eq!(info.reason, "ALREADY_EXISTS");
    assert_eq!(
        info.metadata.get("application").map(String::as_str),
        Some("applications/42")
    );
}

#[test]
fn internal_errors_hide_their_cause() {
    let status: Status =
        ServiceError::Internal(anyhow::anyhow!("connection refused to 10.0.0.7:5432")).into();
    assert_eq!(status.code(), Code::Internal);
    assert_eq!(status.message(), "internal error");
    assert!(!format!("{status:?}").contains("10.0.0.7"));
}

#[test]
fn register_faults_are_retryable_codes() {
    let timeout: Status = ServiceError::Unavailable {
        reason: Reason::RegisterTimeout,
        message: "the real-estate register did not answer in time".to_owned(),
    }
    .into();
    assert_eq!(timeout.code(), Code::DeadlineExceeded);
    let down: Status = ServiceError::Unavailable {
        reason: Reason::RegisterUnavailable,
        message: "the real-estate register is unavailable".to_owned(),
    }
    .into();
    assert_eq!(down.code(), Code::Unavailable);
    assert_eq!(
        down.get_error_details().error_info().expect("info").reason,
        "REGISTER_UNAVAILABLE"
    );
}

#[test]
fn an_unknown_client_system_is_permission_denied_with_its_own_reason() {
    let status: Status = ServiceError::UnknownClientSystem.into();
    assert_eq!(status.code(), Code::PermissionDenied);
    assert_eq!(
        status
            .get_error_details()
            .error_info()
            .expect("info")
            .reason,
        "UNKNOWN_CLIENT_SYSTEM"
    );
}
