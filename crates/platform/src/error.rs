//! Service errors and their one mapping to gRPC statuses.
//!
//! Every error a client sees carries `google.rpc.ErrorInfo` with the domain
//! [`ERROR_DOMAIN`] and a stable UPPER_SNAKE `reason`: a rule code of the
//! catalogue when a rule is the cause, otherwise one of [`Reason`]. Bad input
//! also carries `google.rpc.BadRequest` with one violation per field. Internal
//! causes are logged once, here, and never sent to the caller.

use std::collections::HashMap;
use std::time::Duration;

use housing_domain::RuleCode;
use tonic::{Code, Status};
use tonic_types::{ErrorDetails, FieldViolation, StatusExt};

/// `google.rpc.ErrorInfo.domain` of every error of the suite.
pub const ERROR_DOMAIN: &str = "housing.otbasybank.kz";

/// Reasons that are not rule codes. Stable: clients match on them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// A request field is missing or malformed (with field violations).
    InvalidArgument,
    /// The resource named does not exist, or the caller may not know it exists.
    NotFound,
    /// A resource of that identity exists already (e.g. one active application per locality).
    AlreadyExists,
    /// The resource is not in a state that allows the call.
    FailedPrecondition,
    /// The caller is not identified.
    Unauthenticated,
    /// The caller may not make the call.
    PermissionDenied,
    /// registry-gateway: the calling system (`x-client-system`) is not one it serves.
    UnknownClientSystem,
    /// A state register did not answer; retry later. Never a denial.
    RegisterUnavailable,
    /// A state register did not answer in time; retry later. Never a denial.
    RegisterTimeout,
    /// A dependency of the service is unavailable; retry later.
    Unavailable,
    /// The service cannot write its audit trail, so it gives no access to
    /// personal data; retry later.
    AuditUnavailable,
    /// Something failed inside the service; the cause is in its log.
    Internal,
    /// The caller made more calls than its rate allows; retry after the delay given.
    RateLimitExceeded,
    /// The server is running as many calls as it may; retry later.
    Overloaded,
    /// The call ran out of time: the caller's deadline or the server's cap.
    DeadlineExceeded,
}

impl Reason {
    /// The reason as it appears in `ErrorInfo.reason`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Reason::InvalidArgument => "INVALID_ARGUMENT",
            Reason::NotFound => "NOT_FOUND",
            Reason::AlreadyExists => "ALREADY_EXISTS",
            Reason::FailedPrecondition => "FAILED_PRECONDITION",
            Reason::Unauthenticated => "UNAUTHENTICATED",
            Reason::PermissionDenied => "PERMISSION_DENIED",
            Reason::UnknownClientSystem => "UNKNOWN_CLIENT_SYSTEM",
            Reason::RegisterUnavailable => "REGISTER_UNAVAILABLE",
            Reason::RegisterTimeout => "REGISTER_TIMEOUT",
            Reason::Unavailable => "UNAVAILABLE",
            Reason::AuditUnavailable => "AUDIT_UNAVAILABLE",
            Reason::Internal => "INTERNAL",
            Reason::RateLimitExceeded => "RATE_LIMIT_EXCEEDED",
            Reason::Overloaded => "OVERLOADED",
            Reason::DeadlineExceeded => "DEADLINE_EXCEEDED",
        }
    }
}

/// The stable reason of an error: a rule code, or a [`Reason`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorReason {
    /// A rule of the catalogue is the cause.
    Rule(RuleCode),
    /// Not a rule.
    Other(Reason),
}

impl ErrorReason {
    /// The reason as it appears in `ErrorInfo.reason`.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorReason::Rule(code) => code.as_str(),
            ErrorReason::Other(reason) => reason.as_str(),
        }
    }
}

/// One invalid field of a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// Path of the field, e.g. `signed_form.content` or `declared_family[1].iin`.
    pub field: String,
    /// What is wrong with it, for people. Never echoes personal data back.
    pub description: String,
}

impl Violation {
    /// A violation of `field`.
    pub fn new(field: impl Into<String>, description: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            description: description.into(),
        }
    }
}

/// An error of a service, shaped for its callers.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// Bad input: one violation per field, all of them at once.
    #[error("invalid argument")]
    InvalidArgument {
        /// The stable reason: `INVALID_ARGUMENT`, or a rule code when a rule rejects the input.
        reason: ErrorReason,
        /// The fields at fault.
        violations: Vec<Violation>,
    },
    /// The resource does not exist (or the caller may not know that it does).
    #[error("{resource} not found")]
    NotFound {
        /// What kind of resource, e.g. "application".
        resource: &'static str,
    },
    /// A resource of the same identity exists; `existing` names it.
    #[error("{resource} already exists")]
    AlreadyExists {
        /// What kind of resource.
        resource: &'static str,
        /// The resource name of the existing one, given to the caller.
        existing: String,
    },
    /// The resource's state does not allow the call.
    #[error("{message}")]
    FailedPrecondition {
        /// The stable reason.
        reason: ErrorReason,
        /// What is wrong, for people.
        message: String,
    },
    /// The caller is not identified, or its credentials are not acceptable.
    #[error("{message}")]
    Unauthenticated {
        /// The stable reason (`UNAUTHENTICATED`, or `SIGNED_WITH_EDS` for a bad signature).
        reason: ErrorReason,
        /// What is wrong, for people.
        message: String,
    },
    /// The caller may not do this.
    #[error("permission denied")]
    PermissionDenied,
    /// The calling system is not one the service serves (registry-gateway, after X-Road).
    #[error("unknown client system")]
    UnknownClientSystem,
    /// A dependency did not answer; the caller may retry.
    #[error("{message}")]
    Unavailable {
        /// The stable reason.
        reason: Reason,
        /// What is unavailable, for people.
        message: String,
    },
    /// The caller or the server is out of capacity: `RATE_LIMIT_EXCEEDED` or
    /// `OVERLOADED`, with a `google.rpc.RetryInfo` when a delay is known.
    #[error("{message}")]
    ResourceExhausted {
        /// The stable reason.
        reason: Reason,
        /// What ran out, for people.
        message: String,
        /// When a retry may succeed.
        retry_after: Option<Duration>,
    },
    /// The call ran past its deadline (the caller's, or the server's cap).
    #[error("deadline exceeded")]
    DeadlineExceeded,
    /// Anything else. The cause is logged; the caller sees only `INTERNAL`.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl ServiceError {
    /// Bad input with the `INVALID_ARGUMENT` reason.
    pub fn invalid(violations: Vec<Violation>) -> Self {
        ServiceError::InvalidArgument {
            reason: ErrorReason::Other(Reason::InvalidArgument),
            violations,
        }
    }

    /// Bad input in a single field.
    pub fn invalid_field(field: impl Into<String>, description: impl Into<String>) -> Self {
        Self::invalid(vec![Violation::new(field, description)])
    }
}

impl From<ServiceError> for Status {
    fn from(error: ServiceError) -> Self {
        let mut retry_after = None;
        let (code, reason, message, metadata, violations) = match error {
            ServiceError::InvalidArgument { reason, violations } => (
                Code::InvalidArgument,
                reason,
                "the request has invalid fields".to_owned(),
                HashMap::new(),
                violations,
            ),
            ServiceError::NotFound { resource } => (
                Code::NotFound,
                ErrorReason::Other(Reason::NotFound),
                format!("{resource} not found"),
                HashMap::from([("resource".to_owned(), resource.to_owned())]),
                Vec::new(),
            ),
            ServiceError::AlreadyExists { resource, existing } => (
                Code::AlreadyExists,
                ErrorReason::Other(Reason::AlreadyExists),
                format!("{resource} already exists: {existing}"),
                HashMap::from([(resource.to_owned(), existing)]),
                Vec::new(),
            ),
            ServiceError::FailedPrecondition { reason, message } => (
                Code::FailedPrecondition,
                reason,
                message,
                HashMap::new(),
                Vec::new(),
            ),
            ServiceError::Unauthenticated { reason, message } => (
                Code::Unauthenticated,
                reason,
                message,
                HashMap::new(),
                Vec::new(),
            ),
            ServiceError::PermissionDenied => (
                Code::PermissionDenied,
                ErrorReason::Other(Reason::PermissionDenied),
                "permission denied".to_owned(),
                HashMap::new(),
                Vec::new(),
            ),
            ServiceError::UnknownClientSystem => (
                Code::PermissionDenied,
                ErrorReason::Other(Reason::UnknownClientSystem),
                "the calling system is not known to the gateway".to_owned(),
                HashMap::new(),
                Vec::new(),
            ),
            ServiceError::Unavailable { reason, message } => (
                match reason {
                    Reason::RegisterTimeout => Code::DeadlineExceeded,
                    _ => Code::Unavailable,
                },
                ErrorReason::Other(reason),
                message,
                HashMap::new(),
                Vec::new(),
            ),
            ServiceError::ResourceExhausted {
                reason,
                message,
                retry_after: delay,
            } => {
                retry_after = delay;
                (
                    Code::ResourceExhausted,
                    ErrorReason::Other(reason),
                    message,
                    HashMap::new(),
                    Vec::new(),
                )
            }
            ServiceError::DeadlineExceeded => (
                Code::DeadlineExceeded,
                ErrorReason::Other(Reason::DeadlineExceeded),
                "the call ran out of time".to_owned(),
                HashMap::new(),
                Vec::new(),
            ),
            ServiceError::Internal(cause) => {
                // Logged once here, with the whole chain; the caller sees nothing of it.
                tracing::error!(error = format!("{cause:#}"), "internal error");
                (
                    Code::Internal,
                    ErrorReason::Other(Reason::Internal),
                    "internal error".to_owned(),
                    HashMap::new(),
                    Vec::new(),
                )
            }
        };
        let mut details = ErrorDetails::with_error_info(reason.as_str(), ERROR_DOMAIN, metadata);
        if !violations.is_empty() {
            details.set_bad_request(
                violations
                    .into_iter()
                    .map(|v| FieldViolation::new(v.field, v.description))
                    .collect::<Vec<_>>(),
            );
        }
        if retry_after.is_some() {
            details.set_retry_info(retry_after);
        }
        Status::with_error_details(code, message, details)
    }
}

#[cfg(test)]
mod tests;
