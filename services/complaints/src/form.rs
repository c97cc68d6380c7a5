//! The complaint form: decoded from exactly the signed bytes and validated,
//! every fault at once, each a field violation that never echoes personal data.

use housing_domain::Iin;
use housing_domain::complaint::{AppealedConduct, ComplaintRoute, ComplaintSubject, Respondent};
use housing_platform::error::Violation;
use housing_proto::housing::complaints::v1 as pb;
use prost::Message;

use crate::model::application_id;

/// The form layout this service accepts.
pub const FORM_VERSION: &str = "COMPLAINT/2025";
/// The longest complaint text, in characters.
pub const MAX_TEXT_CHARS: usize = 20_000;
/// The longest requested remedy, in characters.
pub const MAX_REMEDY_CHARS: usize = 4_000;
/// The longest staff id.
pub const MAX_STAFF_ID_CHARS: usize = 64;
/// Most attachments.
pub const MAX_ATTACHMENTS: usize = 20;

/// A form that passed validation, in the service's terms.
#[derive(Debug, Clone)]
pub struct ValidForm {
    /// Who complains.
    pub complainant: Iin,
    /// `applications/{application}`.
    pub application: String,
    /// The decision complained of.
    pub decision: Option<String>,
    /// What it is against, and whose conduct.
    pub subject: ComplaintSubject,
    /// Where it is filed.
    pub route: ComplaintRoute,
}

/// Decodes the signed bytes; bytes that are no complaint form are one violation.
pub fn decode(content: &[u8]) -> Result<pb::ComplaintForm, Violation> {
    pb::ComplaintForm::decode(content).map_err(|_| {
        Violation::new(
            "signed_form.content",
            "is not a serialized housing.complaints.v1.ComplaintForm",
        )
    })
}

/// Validates a decoded form; all violations at once.
pub fn validate(form: &pb::ComplaintForm) -> Result<ValidForm, Vec<Violation>> {
    let mut violations = Vec::new();
    let field = |name: &str| format!("signed_form.content.{name}");
    if form.form_version != FORM_VERSION {
        violations.push(Violation::new(
            field("form_version"),
            format!("must be {FORM_VERSION}"),
        ));
    }
    let complainant = match Iin::parse(&form.complainant_iin) {
        Ok(iin) => Some(iin),
        Err(error) => {
            violations.push(Violation::new(field("complainant_iin"), error.to_string()));
            None
        }
    };
    let application = match application_id(&form.application) {
        Some(_) => Some(form.application.clone()),
        None => {
            violations.push(Violation::new(
                field("application"),
                "required: a resource name of the form applications/{application}",
            ));
            None
        }
    };
    let conduct = match pb::ComplaintSubject::try_from(form.subject) {
        Ok(pb::ComplaintSubject::Decision) => Some(AppealedConduct::Decision),
        Ok(pb::ComplaintSubject::Action) => Some(AppealedConduct::Action),
        Ok(pb::ComplaintSubject::Inaction) => Some(AppealedConduct::Inaction),
        Ok(pb::ComplaintSubject::Unspecified) | Err(_) => {
            violations.push(Violation::new(
                field("subject"),
                "required: a decision, an action or inaction",
            ));
            None
        }
    };
    let route = match pb::ComplaintRoute::try_from(form.route) {
        Ok(pb::ComplaintRoute::ProviderHead) => Some(ComplaintRoute::ToProvider),
        Ok(pb::ComplaintRoute::QualityBody) => Some(ComplaintRoute::ToQualityBody),
        Ok(pb::ComplaintRoute::Unspecified) | Err(_) => {
            violations.push(Violation::new(
                field("route"),
                "required: the head of the provider or the quality-control body",
            ));
            None
        }
    };
    let decision = if form.decision.is_empty() {
        if conduct == Some(AppealedConduct::Decision) {
            violations.push(Violation::new(
                field("decision"),
                "required for a complaint about a decision: cases/{case}/decisions/{decision}",
            ));
        }
        None
    } else if decision_of(&form.decision, &form.application) {
        Some(form.decision.clone())
    } else {
        violations.push(Violation::new(
            field("decision"),
            "must be a decision of the application's case: cases/{case}/decisions/{decision}",
        ));
        None
    };
    if form.staff_member.chars().count() > MAX_STAFF_ID_CHARS
        || form.staff_member.chars().any(char::is_control)
    {
        violations.push(Violation::new(
            field("staff_member"),
            format!("at most {MAX_STAFF_ID_CHARS} characters, no control characters"),
        ));
    }
    let text = form.text.trim();
    if text.is_empty() || text.chars().count() > MAX_TEXT_CHARS {
        violations.push(Violation::new(
            field("text"),
            format!("required, at most {MAX_TEXT_CHARS} characters"),
        ));
    }
    if form.requested_remedy.chars().count() > MAX_REMEDY_CHARS {
        violations.push(Violation::new(
            field("requested_remedy"),
            format!("at most {MAX_REMEDY_CHARS} characters"),
        ));
    }
    if form.attachments.len() > MAX_ATTACHMENTS {
        violations.push(Violation::new(
            field("attachments"),
            format!("at most {MAX_ATTACHMENTS} files"),
        ));
    }
    for (index, attachment) in form.attachments.iter().enumerate() {
        if attachment.file_name.trim().is_empty() || attachment.file_name.len() > 255 {
            violations.push(Violation::new(
                field(&format!("attachments[{index}].file_name")),
                "required, at most 255 bytes",
            ));
        }
        if !attachment.media_type.contains('/') {
            violations.push(Violation::new(
                field(&format!("attachments[{index}].media_type")),
                "required: a media type such as application/pdf",
            ));
        }
        if attachment.content.is_empty() {
            violations.push(Violation::new(
                field(&format!("attachments[{index}].content")),
                "must not be empty",
            ));
        }
    }
    match (complainant, application, conduct, route) {
        (Some(complainant), Some(application), Some(conduct), Some(route))
            if violations.is_empty() =>
        {
            Ok(ValidForm {
                complainant,
                application,
                decision,
                subject: ComplaintSubject {
                    respondent: if form.staff_member.is_empty() {
                        Respondent::ServiceProvider
                    } else {
                        Respondent::ProviderEmployee
                    },
                    conduct,
                },
                route,
            })
        }
        _ => Err(violations),
    }
}

/// Whether `decision` names a decision of the case of `application`.
fn decision_of(decision: &str, application: &str) -> bool {
    let Some(case) = application_id(application) else {
        return false;
    };
    decision
        .strip_prefix("cases/")
        .and_then(|rest| rest.split_once("/decisions/"))
        .is_some_and(|(decision_case, id)| {
            decision_case == case
                && !id.is_empty()
                && id.len() <= 64
                && id
                    .bytes()
                    .all(|byte| byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    const APPLICATION: &str = "applications/0123456789abcdef0123456789abcdef";

    fn form() -> pb::ComplaintForm {
        pb::ComplaintForm {
            form_version: FORM_VERSION.to_owned(),
            complainant_iin: "900101300126".to_owned(),
            application: APPLICATION.to_owned(),
            decision: "cases/0123456789abcdef0123456789abcdef/decisions/1".to_owned(),
            subject: pb::ComplaintSubject::Decision as i32,
            route: pb::ComplaintRoute::ProviderHead as i32,
            staff_member: String::new(),
            text: "The denial ignores my certificate.".to_owned(),
            requested_remedy: "Register me.".to_owned(),
            attachments: Vec::new(),
        }
    }

    #[test]
    fn a_complete_form_is_valid() {
        let valid = validate(&form()).expect("valid");
        assert_eq!(valid.route, ComplaintRoute::ToProvider);
        assert_eq!(valid.subject.conduct, AppealedConduct::Decision);
        assert_eq!(valid.subject.respondent, Respondent::ServiceProvider);
        assert!(valid.decision.is_some());
    }

    #[test]
    fn every_fault_is_reported_at_once_without_echoing_values() {
        let bad = pb::ComplaintForm {
            form_version: "X".to_owned(),
            complainant_iin: "900101300125".to_owned(),
            application: "apps/1".to_owned(),
            decision: String::new(),
            subject: pb::ComplaintSubject::Decision as i32,
            route: 9,
            staff_member: "x".repeat(65),
            text: "  ".to_owned(),
            requested_remedy: String::new(),
            attachments: vec![housing_proto::housing::common::v1::Attachment::default()],
        };
        let violations = validate(&bad).expect_err("invalid");
        let fields: Vec<&str> = violations.iter().map(|v| v.field.as_str()).collect();
        for expected in [
            "form_version",
            "complainant_iin",
            "application",
            "decision",
            "route",
            "staff_member",
            "text",
            "attachments[0].file_name",
            "attachments[0].media_type",
            "attachments[0].content",
        ] {
            assert!(
                fields.contains(&format!("signed_form.content.{expected}").as_str()),
                "{expected} in {fields:?}"
            );
        }
        assert!(
            violations
                .iter()
                .all(|violation| !violation.description.contains("900101300125"))
        );
    }

    #[test]
    fn a_decision_of_another_case_is_refused() {
        let mut other = form();
        other.decision = "cases/ffffffffffffffffffffffffffffffff/decisions/1".to_owned();
        assert!(validate(&other).is_err());
        let mut action = form();
        action.subject = pb::ComplaintSubject::Inaction as i32;
        action.decision = String::new();
        action.staff_member = "op-17".to_owned();
        let valid = validate(&action).expect("an inaction needs no decision");
        assert_eq!(valid.subject.respondent, Respondent::ProviderEmployee);
    }

    #[test]
    fn bytes_that_are_no_form_are_one_violation() {
        assert!(decode(&[0xff, 0xff, 0xff]).is_err());
    }
}
