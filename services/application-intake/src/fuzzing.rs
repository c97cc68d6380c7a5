//! The body of the application-form fuzz target in `fuzz/` (cargo fuzz, on
//! nightly). It lives here so that a stable property test
//! (`tests/fuzz_bodies.rs`) runs the very same code over random forms, and
//! the target cannot rot unnoticed.

use std::sync::LazyLock;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use housing_proto::housing::intake::v1 as pb;

use crate::form;
use crate::settings::{Settings, SizeLimits};

/// The size limits of a service started with no settings.
static DEFAULT_LIMITS: LazyLock<SizeLimits> = LazyLock::new(|| {
    Settings::from_variables(housing_platform::security::insecure_loopback(
        std::iter::empty::<(String, String)>(),
    ))
    .expect("the default settings")
    .limits
});

/// The instant the fuzzed forms are received at: 15 April 2026, 10:00 in Astana.
pub fn received_at() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 4, 15, 5, 0, 0)
        .single()
        .expect("an instant")
}

fn acceptance_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 4, 15).expect("a date")
}

/// The signed content of a SubmitApplication, as intake reads it: the size
/// check, the decoding of exactly these bytes, and [`decoded_application_form`].
/// Returns whether the form was accepted.
pub fn application_form(data: &[u8]) -> bool {
    if form::check_content_size(data, &DEFAULT_LIMITS).is_err() {
        return false;
    }
    form::decode(data).is_ok_and(decoded_application_form)
}

/// [`form::validate`] on a decoded form. A form that passes is the same form
/// in the domain's terms; one that fails has at least one violation, each on
/// a path under `form.`, and no description repeats a number that could be
/// someone's IIN. Returns whether the form was accepted.
pub fn decoded_application_form(decoded: pb::ApplicationForm) -> bool {
    let personal = personal_numbers(&decoded);
    match form::validate(
        decoded.clone(),
        &DEFAULT_LIMITS,
        received_at(),
        acceptance_date(),
    ) {
        Ok(valid) => {
            assert_eq!(valid.wire, decoded, "the wire form is the decoded one");
            let application = &valid.application;
            assert_eq!(application.applicant.as_str(), decoded.applicant_iin);
            assert_eq!(
                application.declared_family.len(),
                decoded.declared_family.len()
            );
            assert_eq!(application.acceptance_date, acceptance_date());
            assert_eq!(application.submitted_at, received_at());
            assert_eq!(
                application.technical_report.is_some(),
                decoded.technical_report.is_some()
            );
            true
        }
        Err(violations) => {
            assert!(!violations.is_empty(), "a refusal names its fields");
            for violation in &violations {
                assert!(
                    violation.field.starts_with("form."),
                    "{} is not a path in the form",
                    violation.field
                );
                for number in &personal {
                    assert!(
                        !violation.description.contains(number.as_str()),
                        "the description of {} repeats a number of the form",
                        violation.field
                    );
                }
            }
            false
        }
    }
}

/// Every IIN field of the form that holds eight digits or more.
fn personal_numbers(form: &pb::ApplicationForm) -> Vec<String> {
    let mut values = vec![form.applicant_iin.clone(), form.phone.clone()];
    if let Some(representative) = &form.representative {
        values.push(representative.iin.clone());
    }
    values.extend(form.declared_family.iter().map(|member| member.iin.clone()));
    if let Some(consents) = &form.consents {
        for consent in &consents.family_member_consents {
            values.push(consent.member_iin.clone());
            values.push(consent.given_by_iin.clone());
        }
    }
    values
        .into_iter()
        .map(|value| value.trim_start_matches('+').to_owned())
        .filter(|value| value.len() >= 8 && value.bytes().all(|byte| byte.is_ascii_digit()))
        .collect()
}
