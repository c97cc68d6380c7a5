//! The body of the complaint-form fuzz target in `fuzz/` (cargo fuzz, on
//! nightly). It lives here so that a stable property test
//! (`tests/fuzz_bodies.rs`) runs the very same code over random forms, and
//! the target cannot rot unnoticed.

use housing_domain::complaint::Respondent;
use housing_proto::housing::complaints::v1 as pb;

use crate::form;
use crate::model::application_id;

/// The signed content of a FileComplaint as the service reads it: decoded
/// from exactly these bytes, then [`decoded_complaint_form`]. Returns whether
/// the form was accepted.
pub fn complaint_form(data: &[u8]) -> bool {
    form::decode(data).is_ok_and(|decoded| decoded_complaint_form(&decoded))
}

/// [`form::validate`] on a decoded form. A form that passes names the
/// complainant, application and decision it was given, with a well-formed
/// application name; one that fails has at least one violation, each on a
/// path under `signed_form.content.`, and no description repeats the
/// complainant's IIN field. Returns whether the form was accepted.
pub fn decoded_complaint_form(decoded: &pb::ComplaintForm) -> bool {
    match form::validate(decoded) {
        Ok(valid) => {
            assert_eq!(valid.complainant.as_str(), decoded.complainant_iin);
            assert_eq!(valid.application, decoded.application);
            assert!(application_id(&valid.application).is_some());
            assert_eq!(
                valid.decision.as_deref().unwrap_or_default(),
                decoded.decision
            );
            assert_eq!(
                valid.subject.respondent == Respondent::ProviderEmployee,
                !decoded.staff_member.is_empty()
            );
            true
        }
        Err(violations) => {
            assert!(!violations.is_empty(), "a refusal names its fields");
            let iin = decoded.complainant_iin.as_str();
            let personal = iin.len() >= 8 && iin.bytes().all(|byte| byte.is_ascii_digit());
            for violation in &violations {
                assert!(
                    violation.field.starts_with("signed_form.content."),
                    "{} is not a path in the form",
                    violation.field
                );
                assert!(
                    !(personal && violation.description.contains(iin)),
                    "the description of {} repeats the IIN",
                    violation.field
                );
            }
            false
        }
    }
}
