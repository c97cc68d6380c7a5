//! The application form (Appendix 3) and `OpenCaseRequest`, parsed into the
//! domain's [`Application`]: every field at fault is reported at once, and
//! no message echoes personal data back.

use std::collections::BTreeSet;

use chrono::{DateTime, NaiveDate, Utc};
use housing_domain::Iin;
use housing_domain::eligibility::{
    Application, CadastralNumber, Consents, ContactDetails, DeclaredFamilyMember, DeclaredRelation,
    EmailAddress, HousingStock, Kato, PhoneNumber, Representative, RepresentativeCapacity,
    TechnicalReport, Track,
};
use housing_platform::error::Violation;
use housing_proto::housing::common::v1 as common;
use housing_proto::housing::eligibility::v1::OpenCaseRequest;
use housing_proto::housing::intake::v1 as intake;
use prost::Message;

use super::{category_from_wire, date_from_wire, instant_from_wire};
use crate::names::CaseId;

/// The form layout this service reads.
pub const FORM_VERSION: &str = "APPENDIX-3/2025";
/// Most family members a form may declare: the applicant, the representative
/// and the declared members are asked about in one registry query of at most 50 persons.
pub const MAX_DECLARED_FAMILY: usize = 40;
/// Longest idempotency key accepted.
pub const MAX_REQUEST_ID_LENGTH: usize = 128;
/// Longest certificate number the registry gateway accepts.
const MAX_CERTIFICATE_NUMBER_LENGTH: usize = 64;

/// An `OpenCaseRequest`, parsed.
#[derive(Debug, Clone)]
pub struct OpenCase {
    /// The case (and application) id.
    pub case_id: CaseId,
    /// The idempotency key (may be empty: the application is the key).
    pub request_id: String,
    /// The form, encoded exactly as received, to be kept with the case.
    pub form: Vec<u8>,
    /// The application as the rules read it.
    pub application: Application,
}

/// Parses an `OpenCaseRequest`.
pub fn parse_open_case(request: &OpenCaseRequest) -> Result<OpenCase, Vec<Violation>> {
    let mut violations = Vec::new();
    if request.request_id.len() > MAX_REQUEST_ID_LENGTH {
        violations.push(Violation::new(
            "request_id",
            format!("at most {MAX_REQUEST_ID_LENGTH} characters"),
        ));
    }
    let case_id = CaseId::from_application_name(&request.application)
        .map_err(|error| violations.push(Violation::new("application", error.to_string())))
        .ok();
    let submitted_at = instant_from_wire(request.submit_time.as_ref());
    if submitted_at.is_none() {
        violations.push(Violation::new("submit_time", "required"));
    }
    let acceptance_date = date_from_wire(request.acceptance_date.as_ref());
    if acceptance_date.is_none() {
        violations.push(Violation::new(
            "acceptance_date",
            "a full calendar date (year, month and day) is required",
        ));
    }
    let application = match &request.form {
        Some(form) => match (submitted_at, acceptance_date) {
            (Some(submitted_at), Some(acceptance_date)) => application_from_form(
                form,
                submitted_at,
                acceptance_date,
                "form.",
                &mut violations,
            ),
            // Check the form anyway so that every violation is reported at once.
            _ => {
                let placeholder = DateTime::<Utc>::UNIX_EPOCH;
                application_from_form(
                    form,
                    placeholder,
                    placeholder.date_naive(),
                    "form.",
                    &mut violations,
                );
                None
            }
        },
        None => {
            violations.push(Violation::new("form", "required"));
            None
        }
    };
    match (case_id, application, &request.form) {
        (Some(case_id), Some(application), Some(form)) if violations.is_empty() => Ok(OpenCase {
            case_id,
            request_id: request.request_id.clone(),
            form: form.encode_to_vec(),
            application,
        }),
        _ => Err(violations),
    }
}

/// Reads a stored form back into the application the rules evaluate.
pub fn stored_application(
    form: &[u8],
    submitted_at: DateTime<Utc>,
    acceptance_date: NaiveDate,
) -> Result<(intake::ApplicationForm, Application), String> {
    let form = intake::ApplicationForm::decode(form)
        .map_err(|error| format!("the stored form cannot be decoded: {error}"))?;
    let mut violations = Vec::new();
    let application = application_from_form(
        &form,
        submitted_at,
        acceptance_date,
        "form.",
        &mut violations,
    );
    match application {
        Some(application) if violations.is_empty() => Ok((form, application)),
        _ => Err(format!(
            "the stored form is invalid: {}",
            violations
                .iter()
                .map(|violation| violation.field.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

/// Parses a form; pushes a violation (fields prefixed with `prefix`) for each
/// field at fault and returns the application only when there is none.
pub fn application_from_form(
    form: &intake::ApplicationForm,
    submitted_at: DateTime<Utc>,
    acceptance_date: NaiveDate,
    prefix: &str,
    violations: &mut Vec<Violation>,
) -> Option<Application> {
    let found_before = violations.len();
    let field = |name: &str| format!("{prefix}{name}");

    if form.form_version != FORM_VERSION {
        violations.push(Violation::new(
            field("form_version"),
            format!("must be {FORM_VERSION}"),
        ));
    }
    let applicant = parse_iin(&form.applicant_iin, field("applicant_iin"), violations);
    let representative = form.representative.as_ref().and_then(|representative| {
        let iin = parse_iin(&representative.iin, field("representative.iin"), violations);
        let capacity = match intake::RepresentativeCapacity::try_from(representative.capacity) {
            Ok(intake::RepresentativeCapacity::LegalRepresentativeOfMinor) => {
                Some(RepresentativeCapacity::LegalRepresentativeOfMinor)
            }
            Ok(intake::RepresentativeCapacity::AuthorisedPerson) => {
                Some(RepresentativeCapacity::AuthorisedRepresentative)
            }
            _ => {
                violations.push(Violation::new(
                    field("representative.capacity"),
                    "must be a legal representative of a minor or an authorised person",
                ));
                None
            }
        };
        Some(Representative {
            iin: iin?,
            capacity: capacity?,
        })
    });

    if form.declared_family.len() > MAX_DECLARED_FAMILY {
        violations.push(Violation::new(
            field("declared_family"),
            format!("at most {MAX_DECLARED_FAMILY} members"),
        ));
    }
    let declared_family: Vec<DeclaredFamilyMember> = form
        .declared_family
        .iter()
        .enumerate()
        .filter_map(|(index, member)| {
            let path = field(&format!("declared_family[{index}]"));
            let iin = parse_iin(&member.iin, format!("{path}.iin"), violations);
            let relation = match intake::FamilyRelation::try_from(member.relation) {
                Ok(intake::FamilyRelation::Spouse) => Some(DeclaredRelation::Spouse),
                Ok(intake::FamilyRelation::Child) => Some(DeclaredRelation::Child),
                Ok(intake::FamilyRelation::Other) => Some(DeclaredRelation::Other),
                _ => {
                    violations.push(Violation::new(
                        format!("{path}.relation"),
                        "must be spouse, child or other",
                    ));
                    None
                }
            };
            Some(DeclaredFamilyMember {
                iin: iin?,
                relation: relation?,
            })
        })
        .collect();

    let stated_category = category_from_wire(form.stated_category);
    if stated_category.is_none()
        && form.stated_category != common::SocialCategory::Unspecified as i32
    {
        violations.push(Violation::new(
            field("stated_category"),
            "not a category of the contract",
        ));
    }
    let track = match common::Track::try_from(form.track) {
        Ok(common::Track::NoHousing) => Some(Track::NoHousing),
        Ok(common::Track::EmergencyHome) => Some(Track::EmergencyHome),
        _ => {
            violations.push(Violation::new(
                field("track"),
                "must be TRACK_NO_HOUSING or TRACK_EMERGENCY_HOME",
            ));
            None
        }
    };
    // rules.md, "Application stock": unstated reads as the general register.
    let stock = match common::Stock::try_from(form.stock) {
        Ok(common::Stock::Unspecified | common::Stock::General) => Some(HousingStock::General),
        Ok(common::Stock::StateInstitution) => Some(HousingStock::StateInstitution),
        Ok(common::Stock::StateEnterprise) => Some(HousingStock::StateEnterprise),
        Err(_) => {
            violations.push(Violation::new(
                field("stock"),
                "not a stock of the contract",
            ));
            None
        }
    };
    let locality = parse_kato(&form.locality_kato, field("locality_kato"), violations);
    let consents = consents_of(form, applicant, representative, prefix, violations);
    let contact = contact_of(form, prefix, violations);
    let technical_report = form
        .technical_report
        .as_ref()
        .and_then(|report| technical_report_of(report, &field("technical_report"), violations));

    if violations.len() > found_before {
        return None;
    }
    Some(Application {
        applicant: applicant?,
        representative,
        declared_family,
        stated_category,
        track: track?,
        stock: stock?,
        locality: locality?,
        consents: consents?,
        technical_report,
        contact,
        submitted_at,
        acceptance_date,
    })
}

/// The consents of §12 and the form's checkboxes.
///
/// The filer's own consent is the signed form itself: the applicant, or the
/// representative when one files. A family member's consent counts as their
/// own only when they gave it themselves; a minor member is covered by the
/// filer's consent (the domain reads it so).
fn consents_of(
    form: &intake::ApplicationForm,
    applicant: Option<Iin>,
    representative: Option<Representative>,
    prefix: &str,
    violations: &mut Vec<Violation>,
) -> Option<Consents> {
    let wire = form.consents.clone().unwrap_or_default();
    let mut given_by = BTreeSet::new();
    let filer = representative.map_or(applicant, |representative| Some(representative.iin));
    if let Some(filer) = filer {
        given_by.insert(filer);
    }
    let mut valid = true;
    for (index, consent) in wire.family_member_consents.iter().enumerate() {
        let path = format!("{prefix}consents.family_member_consents[{index}]");
        let member = parse_iin(
            &consent.member_iin,
            format!("{path}.member_iin"),
            violations,
        );
        let giver = parse_iin(
            &consent.given_by_iin,
            format!("{path}.given_by_iin"),
            violations,
        );
        match (member, giver) {
            (Some(member), Some(giver)) if member == giver => {
                given_by.insert(member);
            }
            (Some(_), Some(_)) => {}
            _ => valid = false,
        }
    }
    valid.then_some(Consents {
        personal_data_consent_given_by: given_by,
        housing_check: wire.housing_check,
        data_processing: wire.data_processing,
        publication: wire.publication,
        registration_without_category: wire.registration_without_category,
    })
}

fn contact_of(
    form: &intake::ApplicationForm,
    prefix: &str,
    violations: &mut Vec<Violation>,
) -> ContactDetails {
    let phone = form.phone.trim();
    let mobile_phone = if phone.is_empty() {
        None
    } else if phone.len() == 12
        && phone.starts_with("+7")
        && phone[2..].bytes().all(|byte| byte.is_ascii_digit())
    {
        Some(PhoneNumber::new(phone))
    } else {
        violations.push(Violation::new(
            format!("{prefix}phone"),
            "must be +7 followed by 10 digits",
        ));
        None
    };
    let email = form.email.trim();
    let email = if email.is_empty() {
        None
    } else if email.len() <= 254
        && !email.chars().any(char::is_whitespace)
        && email
            .split_once('@')
            .is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.'))
    {
        Some(EmailAddress::new(email))
    } else {
        violations.push(Violation::new(
            format!("{prefix}email"),
            "must be an e-mail address",
        ));
        None
    };
    ContactDetails {
        mobile_phone,
        email,
    }
}

fn technical_report_of(
    report: &intake::TechnicalReport,
    path: &str,
    violations: &mut Vec<Violation>,
) -> Option<TechnicalReport> {
    let found_before = violations.len();
    if report.report_number.trim().is_empty() {
        violations.push(Violation::new(format!("{path}.report_number"), "required"));
    }
    let certificate = &report.expert_certificate_number;
    if certificate.is_empty()
        || certificate.len() > MAX_CERTIFICATE_NUMBER_LENGTH
        || certificate.chars().any(char::is_whitespace)
    {
        violations.push(Violation::new(
            format!("{path}.expert_certificate_number"),
            "1 to 64 characters without whitespace",
        ));
    }
    let report_date = date_from_wire(report.report_date.as_ref());
    if report_date.is_none() {
        violations.push(Violation::new(
            format!("{path}.report_date"),
            "a full calendar date is required",
        ));
    }
    let cadastral_number = CadastralNumber::parse(&report.cadastral_number)
        .map_err(|error| {
            violations.push(Violation::new(
                format!("{path}.cadastral_number"),
                error.to_string(),
            ));
        })
        .ok();
    let locality = parse_kato(
        &report.locality_kato,
        format!("{path}.locality_kato"),
        violations,
    );
    if violations.len() > found_before {
        return None;
    }
    Some(TechnicalReport {
        report_number: report.report_number.trim().to_owned(),
        expert_certificate_number: certificate.clone(),
        report_date: report_date?,
        cadastral_number: cadastral_number?,
        locality: locality?,
    })
}

/// Parses an IIN; the violation says what is wrong, never echoes the number.
pub fn parse_iin(text: &str, field: String, violations: &mut Vec<Violation>) -> Option<Iin> {
    Iin::parse(text)
        .map_err(|error| violations.push(Violation::new(field, error.to_string())))
        .ok()
}

fn parse_kato(text: &str, field: String, violations: &mut Vec<Violation>) -> Option<Kato> {
    Kato::parse(text)
        .map_err(|error| violations.push(Violation::new(field, error.to_string())))
        .ok()
}
