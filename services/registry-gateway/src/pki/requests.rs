//! The centre's requests, checked and turned into the types of `housing-eds`.
//!
//! Every violation is collected with the path of its field; descriptions
//! never echo the value, which may be personal data (an IIN, a name).

use chrono::{DateTime, Months, SubsecRound, TimeDelta, Utc};
use housing_domain::Iin;
use housing_eds::{
    CertificateSerialNumber, KeyPurpose, MAXIMUM_COMMON_NAME_CHARACTERS, PersonCertificateRequest,
};
use housing_platform::error::{ServiceError, Violation};
use housing_proto::housing::registry::v1 as pb;

/// The longest validity the centre issues: the real centre issues one year;
/// tests and the demo may ask for more, within reason.
pub(crate) const MAXIMUM_VALIDITY: TimeDelta = TimeDelta::days(5 * 366);

/// The longest revocation reason kept.
pub(crate) const MAXIMUM_REASON_CHARACTERS: usize = 1000;

/// A revocation to record.
#[derive(Debug, Clone)]
pub(crate) struct RevocationRequest {
    pub(crate) serial_number: CertificateSerialNumber,
    pub(crate) revoked_at: DateTime<Utc>,
    pub(crate) reason: String,
}

/// A status question.
#[derive(Debug, Clone)]
pub(crate) struct StatusRequest {
    pub(crate) serial_number: CertificateSerialNumber,
    pub(crate) at: DateTime<Utc>,
}

/// The root's validity, which an issued certificate's must lie within.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RootValidity {
    pub(crate) not_before: DateTime<Utc>,
    pub(crate) not_after: DateTime<Utc>,
}

/// Checks an `IssueCertificateRequest`. Validity defaults: from `now` (to the
/// second, as certificates hold it), for one year.
pub(crate) fn person_certificate_request(
    request: &pb::IssueCertificateRequest,
    root: RootValidity,
    now: DateTime<Utc>,
) -> Result<PersonCertificateRequest, ServiceError> {
    let mut violations = Vec::new();

    let holder_iin = Iin::parse(&request.iin)
        .map_err(|_| {
            violations.push(Violation::new(
                "iin",
                "must be an IIN: 12 digits with a valid check digit",
            ));
        })
        .ok();

    let common_name = request.common_name.trim();
    let characters = common_name.chars().count();
    if characters == 0
        || characters > MAXIMUM_COMMON_NAME_CHARACTERS
        || common_name.chars().any(char::is_control)
    {
        violations.push(Violation::new(
            "common_name",
            format!(
                "must be 1 to {MAXIMUM_COMMON_NAME_CHARACTERS} characters without control characters"
            ),
        ));
    }

    let purpose = match pb::KeyPurpose::try_from(request.purpose) {
        Ok(pb::KeyPurpose::Signing) => Some(KeyPurpose::Signing),
        Ok(pb::KeyPurpose::Authentication) => Some(KeyPurpose::Authentication),
        Ok(pb::KeyPurpose::Unspecified) | Err(_) => {
            violations.push(Violation::new(
                "purpose",
                "must be KEY_PURPOSE_SIGNING or KEY_PURPOSE_AUTHENTICATION",
            ));
            None
        }
    };

    let not_before = match request.not_before.as_ref() {
        None => Some(now.trunc_subsecs(0)),
        Some(timestamp) => instant(timestamp, "not_before", &mut violations),
    };
    let not_after = match (request.not_after.as_ref(), not_before) {
        (Some(timestamp), _) => instant(timestamp, "not_after", &mut violations),
        (None, Some(not_before)) => not_before.checked_add_months(Months::new(12)),
        (None, None) => None,
    };
    if let (Some(not_before), Some(not_after)) = (not_before, not_after) {
        check_validity(not_before, not_after, root, &mut violations);
    }

    match (holder_iin, purpose, not_before, not_after) {
        (Some(holder_iin), Some(purpose), Some(not_before), Some(not_after))
            if violations.is_empty() =>
        {
            Ok(PersonCertificateRequest {
                holder_iin,
                common_name: common_name.to_owned(),
                purpose,
                not_before,
                not_after,
            })
        }
        _ => Err(ServiceError::invalid(violations)),
    }
}

fn check_validity(
    not_before: DateTime<Utc>,
    not_after: DateTime<Utc>,
    root: RootValidity,
    violations: &mut Vec<Violation>,
) {
    // Certificates hold whole seconds: compare what will be written.
    let (not_before, not_after) = (not_before.trunc_subsecs(0), not_after.trunc_subsecs(0));
    if not_after <= not_before {
        violations.push(Violation::new(
            "not_after",
            "must be at least one second after not_before",
        ));
    } else if not_after - not_before > MAXIMUM_VALIDITY {
        violations.push(Violation::new(
            "not_after",
            "must be at most five years after not_before",
        ));
    }
    let within_root =
        |instant: DateTime<Utc>| root.not_before <= instant && instant <= root.not_after;
    let root_validity = format!(
        "must lie within the root certificate's validity, {} to {}",
        root.not_before.to_rfc3339(),
        root.not_after.to_rfc3339()
    );
    if !within_root(not_before) {
        violations.push(Violation::new("not_before", root_validity.clone()));
    }
    if !within_root(not_after) {
        violations.push(Violation::new("not_after", root_validity));
    }
}

/// Checks a `RevokeCertificateRequest`; the revocation time defaults to `now`.
pub(crate) fn revocation_request(
    request: &pb::RevokeCertificateRequest,
    now: DateTime<Utc>,
) -> Result<RevocationRequest, ServiceError> {
    let mut violations = Vec::new();
    let serial_number = serial_number(&request.serial_number, &mut violations);
    let revoked_at = match request.revocation_time.as_ref() {
        None => Some(now),
        Some(timestamp) => instant(timestamp, "revocation_time", &mut violations),
    };
    let reason = request.reason.trim();
    if reason.chars().count() > MAXIMUM_REASON_CHARACTERS {
        violations.push(Violation::new(
            "reason",
            format!("must be at most {MAXIMUM_REASON_CHARACTERS} characters"),
        ));
    }
    match (serial_number, revoked_at) {
        (Some(serial_number), Some(revoked_at)) if violations.is_empty() => Ok(RevocationRequest {
            serial_number,
            revoked_at,
            reason: reason.to_owned(),
        }),
        _ => Err(ServiceError::invalid(violations)),
    }
}

/// Checks a `CheckCertificateStatusRequest`; the moment defaults to `now`.
pub(crate) fn status_request(
    request: &pb::CheckCertificateStatusRequest,
    now: DateTime<Utc>,
) -> Result<StatusRequest, ServiceError> {
    let mut violations = Vec::new();
    let serial_number = serial_number(&request.serial_number, &mut violations);
    let at = match request.at_time.as_ref() {
        None => Some(now),
        Some(timestamp) => instant(timestamp, "at_time", &mut violations),
    };
    match (serial_number, at) {
        (Some(serial_number), Some(at)) if violations.is_empty() => {
            Ok(StatusRequest { serial_number, at })
        }
        _ => Err(ServiceError::invalid(violations)),
    }
}

fn serial_number(text: &str, violations: &mut Vec<Violation>) -> Option<CertificateSerialNumber> {
    CertificateSerialNumber::parse(text.trim())
        .map_err(|error| violations.push(Violation::new("serial_number", format!("{error}"))))
        .ok()
}

/// The instant of a wire timestamp, to the microsecond (what storage keeps);
/// a violation of `field` when it is not a valid timestamp.
fn instant(
    timestamp: &prost_types::Timestamp,
    field: &str,
    violations: &mut Vec<Violation>,
) -> Option<DateTime<Utc>> {
    let instant = u32::try_from(timestamp.nanos)
        .ok()
        .filter(|nanos| *nanos < 1_000_000_000)
        .and_then(|nanos| DateTime::from_timestamp(timestamp.seconds, nanos))
        .map(|instant| instant.trunc_subsecs(6));
    if instant.is_none() {
        violations.push(Violation::new(field, "must be a valid timestamp"));
    }
    instant
}

/// The wire timestamp of an instant.
pub(crate) fn timestamp(instant: DateTime<Utc>) -> prost_types::Timestamp {
    prost_types::Timestamp {
        seconds: instant.timestamp(),
        nanos: i32::try_from(instant.timestamp_subsec_nanos())
            .expect("sub-second nanoseconds are below one billion"),
    }
}

#[cfg(test)]
mod tests;
