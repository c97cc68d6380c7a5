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

#[test]
fn exhausted_capacity_is_resource_exhausted_with_its_reason_and_retry_delay() {
    let status: Status = ServiceError::ResourceExhausted {
        reason: Reason::RateLimitExceeded,
        message: "too many calls".to_owned(),
        retry_after: Some(std::time::Duration::from_millis(1500)),
    }
    .into();
    assert_eq!(status.code(), Code::ResourceExhausted);
    let details = status.get_error_details();
    assert_eq!(
        details.error_info().expect("info").reason,
        "RATE_LIMIT_EXCEEDED"
    );
    let delay = details
        .retry_info()
        .and_then(|info| info.retry_delay)
        .expect("a retry delay");
    assert_eq!(delay, std::time::Duration::from_millis(1500));

    let overloaded: Status = ServiceError::ResourceExhausted {
        reason: Reason::Overloaded,
        message: "busy".to_owned(),
        retry_after: None,
    }
    .into();
    assert!(overloaded.get_error_details().retry_info().is_none());
    let deadline: Status = ServiceError::DeadlineExceeded.into();
    assert_eq!(deadline.code(), Code::DeadlineExceeded);
    assert_eq!(
        deadline
            .get_error_details()
            .error_info()
            .expect("info")
            .reason,
        "DEADLINE_EXCEEDED"
    );
}
