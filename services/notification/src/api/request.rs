//! `SendNotificationRequest` → a validated, rendered send. Every field at
//! fault is reported at once, before anything is written.

use std::collections::BTreeMap;

use housing_domain::Iin;
use housing_platform::error::{ServiceError, Violation};
use housing_proto::housing::notification::v1 as pb;
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::convert::kind_from_proto;
use crate::contact::{EmailAddress, PhoneNumber};
use crate::notice::{NotificationKind, RenderedText, TemplateReference};
use crate::templates::{TemplateCatalogue, parameter_violations};

/// The longest `request_id` accepted: any resource name of the suite fits.
const MAX_REQUEST_ID_LENGTH: usize = 256;
/// The longest id in `applications/{id}` or `complaints/{id}`.
const MAX_RESOURCE_ID_LENGTH: usize = 64;

/// The collection of applications.
pub const APPLICATIONS_COLLECTION: &str = "applications/";
/// The collection of complaints.
pub const COMPLAINTS_COLLECTION: &str = "complaints/";

/// A send that passed validation, rendered in both languages.
#[derive(Debug, Clone)]
pub struct SendRequest {
    /// The idempotency key.
    pub request_id: String,
    /// The recipient.
    pub recipient: Iin,
    /// `applications/{application}`.
    pub application: String,
    /// `complaints/{complaint}`, or empty.
    pub complaint: String,
    /// The kind.
    pub kind: NotificationKind,
    /// The template and version used.
    pub template: TemplateReference,
    /// Kazakh and Russian.
    pub texts: Vec<RenderedText>,
    /// The number on the form, if any.
    pub form_phone: Option<PhoneNumber>,
    /// The e-mail address on the form, if any.
    pub email: Option<EmailAddress>,
    /// SHA-256 (hex) of the request's content: a replay must match it.
    pub fingerprint: String,
}

impl SendRequest {
    /// Validates and renders `request` with the current template of its kind.
    pub fn parse(
        request: pb::SendNotificationRequest,
        catalogue: &TemplateCatalogue,
    ) -> Result<Self, ServiceError> {
        let mut violations = Vec::new();

        let request_id = request.request_id.trim().to_owned();
        if request_id.is_empty() {
            violations.push(Violation::new("request_id", "is required"));
        } else if request_id.len() > MAX_REQUEST_ID_LENGTH
            || !request_id.bytes().all(|b| b.is_ascii_graphic())
        {
            violations.push(Violation::new(
                "request_id",
                format!("must be at most {MAX_REQUEST_ID_LENGTH} visible ASCII characters"),
            ));
        }

        let recipient = parse_iin("recipient_iin", &request.recipient_iin, &mut violations);

        let application = request.application.trim().to_owned();
        if application.is_empty() {
            violations.push(Violation::new("application", "is required"));
        } else if !is_resource_name(&application, APPLICATIONS_COLLECTION) {
            violations.push(Violation::new(
                "application",
                "must be applications/{application}",
            ));
        }

        let kind = kind_from_proto(request.kind);
        if kind.is_none() {
            violations.push(Violation::new(
                "kind",
                "must be a notification kind other than NOTIFICATION_KIND_UNSPECIFIED",
            ));
        }

        let complaint = request.complaint.trim().to_owned();
        if complaint.is_empty() {
            if kind.is_some_and(NotificationKind::concerns_a_complaint) {
                violations.push(Violation::new(
                    "complaint",
                    "is required for a notice about a complaint",
                ));
            }
        } else if !is_resource_name(&complaint, COMPLAINTS_COLLECTION) {
            violations.push(Violation::new(
                "complaint",
                "must be complaints/{complaint}",
            ));
        }

        violations.extend(parameter_violations(&request.parameters));
        let template = kind.and_then(|kind| catalogue.current(kind));
        let texts = match template.map(|template| template.render(&request.parameters)) {
            Some(Ok(texts)) => Some(texts),
            Some(Err(missing)) => {
                violations.extend(missing);
                None
            }
            None => None,
        };

        let form_phone = optional(&request.phone).and_then(|text| {
            PhoneNumber::parse(text)
                .map_err(|error| violations.push(Violation::new("phone", error.to_string())))
                .ok()
        });
        let email = optional(&request.email).and_then(|text| {
            EmailAddress::parse(text)
                .map_err(|error| violations.push(Violation::new("email", error.to_string())))
                .ok()
        });

        match (recipient, kind, template, texts) {
            (Some(recipient), Some(kind), Some(template), Some(texts)) if violations.is_empty() => {
                let fingerprint = fingerprint(&request, &recipient, kind);
                Ok(Self {
                    request_id,
                    recipient,
                    application,
                    complaint,
                    kind,
                    template: TemplateReference {
                        template: template.name.clone(),
                        version: template.version,
                    },
                    texts,
                    form_phone,
                    email,
                    fingerprint,
                })
            }
            _ => {
                if violations.is_empty() {
                    // A kind without a template: the embedded catalogue covers
                    // every kind (a unit test checks it), so this is our fault.
                    return Err(ServiceError::Internal(anyhow::anyhow!(
                        "no template for the notice kind"
                    )));
                }
                Err(ServiceError::invalid(violations))
            }
        }
    }
}

/// Parses a required IIN field, adding a violation when it is missing or malformed.
pub fn parse_iin(field: &str, text: &str, violations: &mut Vec<Violation>) -> Option<Iin> {
    let text = text.trim();
    if text.is_empty() {
        violations.push(Violation::new(field, "is required"));
        return None;
    }
    Iin::parse(text)
        .map_err(|error| violations.push(Violation::new(field, error.to_string())))
        .ok()
}

/// Whether `name` is `{collection}{id}` with an id of letters, digits, `-` and `_`.
pub fn is_resource_name(name: &str, collection: &str) -> bool {
    name.strip_prefix(collection).is_some_and(|id| {
        !id.is_empty()
            && id.len() <= MAX_RESOURCE_ID_LENGTH
            && id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    })
}

fn optional(text: &str) -> Option<&str> {
    let text = text.trim();
    (!text.is_empty()).then_some(text)
}

/// What a replay must repeat: everything but the key itself, parameters in name order.
#[derive(Serialize)]
struct FingerprintInput<'a> {
    recipient_iin: &'a str,
    application: &'a str,
    complaint: &'a str,
    kind: &'a str,
    parameters: BTreeMap<&'a str, &'a str>,
    phone: &'a str,
    email: &'a str,
}

fn fingerprint(
    request: &pb::SendNotificationRequest,
    recipient: &Iin,
    kind: NotificationKind,
) -> String {
    let input = FingerprintInput {
        recipient_iin: recipient.as_str(),
        application: request.application.trim(),
        complaint: request.complaint.trim(),
        kind: kind.code(),
        parameters: request
            .parameters
            .iter()
            .map(|(name, value)| (name.as_str(), value.as_str()))
            .collect(),
        phone: request.phone.trim(),
        email: request.email.trim(),
    };
    // Serialising a struct of strings and a map of strings cannot fail.
    let bytes = serde_json::to_vec(&input).unwrap_or_default();
    hex::encode(Sha256::digest(&bytes))
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    const IIN: &str = "900101300126";

    fn withdrawal(parameters: &[(&str, &str)]) -> pb::SendNotificationRequest {
        pb::SendNotificationRequest {
            request_id: "cases/1/decisions/1".to_owned(),
            recipient_iin: IIN.to_owned(),
            application: "applications/1001".to_owned(),
            complaint: String::new(),
            kind: pb::NotificationKind::Withdrawal as i32,
            parameters: parameters
                .iter()
                .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
                .collect::<HashMap<_, _>>(),
            phone: String::new(),
            email: String::new(),
        }
    }

    fn fields(error: ServiceError) -> Vec<String> {
        match error {
            ServiceError::InvalidArgument { violations, .. } => violations
                .into_iter()
                .map(|violation| violation.field)
                .collect(),
            other => panic!("not invalid input: {other:?}"),
        }
    }

    fn catalogue() -> TemplateCatalogue {
        TemplateCatalogue::embedded().expect("valid")
    }

    #[test]
    fn a_valid_send_is_rendered_with_its_template_version() {
        let send = SendRequest::parse(
            withdrawal(&[
                ("application_number", "1001"),
                ("withdrawal_date", "01.07.2025"),
            ]),
            &catalogue(),
        )
        .expect("valid");
        assert_eq!(send.kind, NotificationKind::Withdrawal);
        assert_eq!(send.template.template, "withdrawal");
        assert_eq!(send.template.version, 1);
        assert!(send.texts[0].body.contains("№ 1001"));
        assert_eq!(send.fingerprint.len(), 64);
    }

    #[test]
    fn every_fault_is_reported_at_once() {
        let mut request = withdrawal(&[("application_number", "1001")]);
        request.request_id = " ".to_owned();
        request.recipient_iin = "900101300125".to_owned();
        request.application = "cases/1".to_owned();
        request.phone = "8701".to_owned();
        request.email = "nobody".to_owned();
        let error = SendRequest::parse(request, &catalogue()).expect_err("invalid");
        assert_eq!(
            fields(error),
            [
                "request_id",
                "recipient_iin",
                "application",
                "parameters[withdrawal_date]",
                "phone",
                "email"
            ]
        );
    }

    #[test]
    fn a_complaint_notice_needs_its_complaint_and_a_kind() {
        let mut request = withdrawal(&[]);
        request.kind = pb::NotificationKind::ComplaintDecided as i32;
        let error = SendRequest::parse(request.clone(), &catalogue()).expect_err("invalid");
        let complaint_fields = fields(error);
        assert!(
            complaint_fields.contains(&"complaint".to_owned()),
            "{complaint_fields:?}"
        );
        request.kind = 0;
        let error = SendRequest::parse(request, &catalogue()).expect_err("invalid");
        assert_eq!(fields(error), ["kind"]);
    }

    #[test]
    fn the_fingerprint_changes_with_the_content_only() {
        let first = withdrawal(&[("application_number", "1"), ("withdrawal_date", "d")]);
        let mut reordered = withdrawal(&[("withdrawal_date", "d"), ("application_number", "1")]);
        reordered.request_id = "another-key".to_owned();
        let changed = withdrawal(&[("application_number", "2"), ("withdrawal_date", "d")]);
        let print = |request: pb::SendNotificationRequest| {
            SendRequest::parse(request, &catalogue())
                .expect("valid")
                .fingerprint
        };
        assert_eq!(print(first.clone()), print(reordered));
        assert_ne!(print(first), print(changed));
    }

    #[test]
    fn resource_names_are_checked_by_collection() {
        assert!(is_resource_name(
            "applications/1001",
            APPLICATIONS_COLLECTION
        ));
        assert!(is_resource_name("complaints/c-7_a", COMPLAINTS_COLLECTION));
        assert!(!is_resource_name("applications/", APPLICATIONS_COLLECTION));
        assert!(!is_resource_name(
            "applications/1/2",
            APPLICATIONS_COLLECTION
        ));
        assert!(!is_resource_name("complaints/1", APPLICATIONS_COLLECTION));
    }
}
