//! The application form at the edge: exactly the signed bytes decoded, every
//! field checked at once, and the result turned into the domain's
//! [`Application`] (parse, don't validate).
//!
//! Violations name the field by its path in the form (`form.declared_family[1].iin`)
//! and never repeat the value: a wrong IIN is personal data all the same.

use std::collections::{BTreeSet, HashSet};

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use housing_domain::Iin;
use housing_domain::eligibility::{
    Application, CadastralNumber, Consents, ContactDetails, DeclaredFamilyMember, DeclaredRelation,
    EmailAddress, HousingStock, Kato, PhoneNumber, Representative, RepresentativeCapacity,
    SocialCategory, TechnicalReport, Track,
};
use housing_platform::error::Violation;
use housing_proto::google::r#type::Date;
use housing_proto::housing::common::v1 as common;
use housing_proto::housing::intake::v1 as pb;
use prost::Message;

use crate::settings::SizeLimits;

/// The only form layout of Order No. 130.
pub const FORM_VERSION: &str = "APPENDIX-3/2025";

/// Most family members a form may declare, and most member consents.
pub const MAX_FAMILY_MEMBERS: usize = 30;
/// Longest free-text field (document numbers, file names).
pub const MAX_TEXT_CHARACTERS: usize = 255;
/// Media types accepted for the electronic copy of the technical report.
pub const ACCEPTED_MEDIA_TYPES: [&str; 3] = ["application/pdf", "image/jpeg", "image/png"];
/// A consent time may run ahead of the receiving clock by as much as a signing time.
const CONSENT_CLOCK_SKEW: TimeDelta = TimeDelta::minutes(5);

/// Where the decoded form sits in a SubmitApplication request.
const FORM: &str = "form";

/// A form that passed every check.
#[derive(Debug, Clone)]
pub struct ValidForm {
    /// The form as decoded from the signed bytes: what eligibility receives.
    pub wire: pb::ApplicationForm,
    /// The same, in the domain's terms.
    pub application: Application,
}

/// Decodes the form from exactly the signed bytes.
pub fn decode(content: &[u8]) -> Result<pb::ApplicationForm, Violation> {
    pb::ApplicationForm::decode(content).map_err(|_| {
        Violation::new(
            "signed_form.content",
            "the signed content is not a serialized housing.intake.v1.ApplicationForm",
        )
    })
}

/// Checks every field of a decoded form and builds the domain application
/// received at `submitted_at` and accepted on `acceptance_date`. All
/// violations are returned at once.
pub fn validate(
    form: pb::ApplicationForm,
    limits: &SizeLimits,
    submitted_at: DateTime<Utc>,
    acceptance_date: NaiveDate,
) -> Result<ValidForm, Vec<Violation>> {
    let mut violations = Violations::default();

    if form.form_version != FORM_VERSION {
        violations.add(
            "form_version",
            format!("must be \"{FORM_VERSION}\", the layout of Appendix 3 to Order No. 130"),
        );
    }
    let applicant = violations.required_iin("applicant_iin", &form.applicant_iin);
    let representative = form.representative.as_ref().and_then(|representative| {
        check_representative(representative, applicant, &mut violations)
    });
    let declared_family = check_declared_family(&form.declared_family, applicant, &mut violations);
    let stated_category = match common::SocialCategory::try_from(form.stated_category) {
        Ok(category) => social_category(category),
        Err(_) => {
            violations.add("stated_category", "is not a category of the contract");
            None
        }
    };
    let track = match common::Track::try_from(form.track) {
        Ok(common::Track::NoHousing) => Some(Track::NoHousing),
        Ok(common::Track::EmergencyHome) => Some(Track::EmergencyHome),
        Ok(common::Track::Unspecified) => {
            violations.add(
                "track",
                "is required: TRACK_NO_HOUSING or TRACK_EMERGENCY_HOME",
            );
            None
        }
        Err(_) => {
            violations.add("track", "is not a track of the contract");
            None
        }
    };
    let stock = match common::Stock::try_from(form.stock) {
        // rules.md "Application stock": unstated reads as the general register.
        Ok(common::Stock::Unspecified | common::Stock::General) => Some(HousingStock::General),
        Ok(common::Stock::StateInstitution) => Some(HousingStock::StateInstitution),
        Ok(common::Stock::StateEnterprise) => Some(HousingStock::StateEnterprise),
        Err(_) => {
            violations.add("stock", "is not a housing stock of the contract");
            None
        }
    };
    let locality = violations.required_kato("locality_kato", &form.locality_kato);
    let consents = check_consents(
        form.consents.as_ref(),
        applicant,
        representative.as_ref(),
        submitted_at,
        &mut violations,
    );
    let contact = check_contact(&form.phone, &form.email, &mut violations);
    let technical_report = check_technical_report(
        form.technical_report.as_ref(),
        track,
        limits,
        acceptance_date,
        &mut violations,
    );

    match (applicant, track, stock, locality, consents) {
        (Some(applicant), Some(track), Some(stock), Some(locality), Some(consents))
            if violations.is_empty() =>
        {
            let application = Application {
                applicant,
                representative,
                declared_family,
                stated_category,
                track,
                stock,
                locality,
                consents,
                technical_report,
                contact,
                submitted_at,
                acceptance_date,
            };
            Ok(ValidForm {
                wire: form,
                application,
            })
        }
        _ => Err(violations.into_inner()),
    }
}

/// Checks the sizes that can be checked before anything is parsed: the
/// whole signed content. Cheap, so it runs before the signature is verified.
pub fn check_content_size(content: &[u8], limits: &SizeLimits) -> Result<(), Violation> {
    if content.is_empty() {
        return Err(Violation::new("signed_form.content", "is required"));
    }
    if content.len() > limits.max_form_bytes {
        return Err(Violation::new(
            "signed_form.content",
            format!(
                "is larger than the {} bytes a form may have",
                limits.max_form_bytes
            ),
        ));
    }
    Ok(())
}

fn check_representative(
    representative: &pb::Representative,
    applicant: Option<Iin>,
    violations: &mut Violations,
) -> Option<Representative> {
    let iin = violations.required_iin("representative.iin", &representative.iin);
    if let (Some(representative_iin), Some(applicant)) = (iin, applicant)
        && representative_iin == applicant
    {
        violations.add(
            "representative.iin",
            "a representative files for someone else: leave the representative out when filing for yourself",
        );
    }
    let capacity = match pb::RepresentativeCapacity::try_from(representative.capacity) {
        Ok(pb::RepresentativeCapacity::LegalRepresentativeOfMinor) => {
            Some(RepresentativeCapacity::LegalRepresentativeOfMinor)
        }
        Ok(pb::RepresentativeCapacity::AuthorisedPerson) => {
            Some(RepresentativeCapacity::AuthorisedRepresentative)
        }
        Ok(pb::RepresentativeCapacity::Unspecified) | Err(_) => {
            violations.add(
                "representative.capacity",
                "is required: legal representative of a minor or authorised person",
            );
            None
        }
    };
    violations.required_text(
        "representative.authority_document",
        &representative.authority_document,
    );
    Some(Representative {
        iin: iin?,
        capacity: capacity?,
    })
}

fn check_declared_family(
    members: &[pb::DeclaredFamilyMember],
    applicant: Option<Iin>,
    violations: &mut Violations,
) -> Vec<DeclaredFamilyMember> {
    if members.len() > MAX_FAMILY_MEMBERS {
        violations.add(
            "declared_family",
            format!("at most {MAX_FAMILY_MEMBERS} family members may be declared"),
        );
        return Vec::new();
    }
    let mut seen = HashSet::new();
    let mut declared = Vec::new();
    for (index, member) in members.iter().enumerate() {
        let iin_field = format!("declared_family[{index}].iin");
        let iin = violations.required_iin(&iin_field, &member.iin);
        if let Some(iin) = iin {
            if Some(iin) == applicant {
                violations.add(&iin_field, "the applicant is not their own family member");
            } else if !seen.insert(iin) {
                violations.add(&iin_field, "this family member is declared twice");
            }
        }
        let relation = match pb::FamilyRelation::try_from(member.relation) {
            Ok(pb::FamilyRelation::Spouse) => Some(DeclaredRelation::Spouse),
            Ok(pb::FamilyRelation::Child) => Some(DeclaredRelation::Child),
            Ok(pb::FamilyRelation::Other) => Some(DeclaredRelation::Other),
            Ok(pb::FamilyRelation::Unspecified) | Err(_) => {
                violations.add(
                    &format!("declared_family[{index}].relation"),
                    "is required: spouse, child or other",
                );
                None
            }
        };
        if let (Some(iin), Some(relation)) = (iin, relation) {
            declared.push(DeclaredFamilyMember { iin, relation });
        }
    }
    declared
}

fn check_consents(
    consents: Option<&pb::Consents>,
    applicant: Option<Iin>,
    representative: Option<&Representative>,
    submitted_at: DateTime<Utc>,
    violations: &mut Violations,
) -> Option<Consents> {
    let Some(consents) = consents else {
        violations.add(
            "consents",
            "is required: the statements of consent of the form",
        );
        return None;
    };
    // The two boxes that make up the consent of Art. 8 of the Law on personal
    // data (docs/eligibility.md, CONSENT): a form without them is incomplete.
    if !consents.housing_check {
        violations.add(
            "consents.housing_check",
            "must be ticked: the check of the applicant and the family for housing needs this consent",
        );
    }
    if !consents.data_processing {
        violations.add(
            "consents.data_processing",
            "must be ticked: processing the data of the information systems needs this consent",
        );
    }
    if consents.family_member_consents.len() > MAX_FAMILY_MEMBERS {
        violations.add(
            "consents.family_member_consents",
            format!("at most {MAX_FAMILY_MEMBERS} consents may be given"),
        );
        return None;
    }
    let latest_acceptable = submitted_at
        .checked_add_signed(CONSENT_CLOCK_SKEW)
        .unwrap_or(submitted_at);
    let mut given_by = BTreeSet::new();
    // The filer consents by signing a form with both boxes ticked.
    if let Some(filer) = representative
        .map(|representative| representative.iin)
        .or(applicant)
    {
        given_by.insert(filer);
    }
    for (index, consent) in consents.family_member_consents.iter().enumerate() {
        let field = |name: &str| format!("consents.family_member_consents[{index}].{name}");
        let member = violations.required_iin(&field("member_iin"), &consent.member_iin);
        let giver = violations.required_iin(&field("given_by_iin"), &consent.given_by_iin);
        match consent.consent_time.as_ref().map(instant) {
            None => violations.add(&field("consent_time"), "is required"),
            Some(None) => violations.add(&field("consent_time"), "is not a valid instant"),
            Some(Some(time)) if time > latest_acceptable => violations.add(
                &field("consent_time"),
                "cannot be later than the moment the application was received",
            ),
            Some(Some(_)) => {}
        }
        // A member's own consent counts for them; a consent given by a legal
        // representative for a minor is the filer's to give (docs/eligibility.md).
        if let (Some(member), Some(giver)) = (member, giver)
            && member == giver
        {
            given_by.insert(member);
        }
    }
    Some(Consents {
        personal_data_consent_given_by: given_by,
        housing_check: consents.housing_check,
        data_processing: consents.data_processing,
        publication: consents.publication,
        registration_without_category: consents.registration_without_category,
    })
}

fn check_contact(phone: &str, email: &str, violations: &mut Violations) -> ContactDetails {
    let mobile_phone = if phone.is_empty() {
        None
    } else if is_kazakh_mobile_number(phone) {
        Some(PhoneNumber::new(phone))
    } else {
        violations.add("phone", "must be \"+7\" followed by 10 digits");
        None
    };
    let email = if email.is_empty() {
        None
    } else if is_plausible_email(email) {
        Some(EmailAddress::new(email))
    } else {
        violations.add("email", "is not an e-mail address");
        None
    };
    ContactDetails {
        mobile_phone,
        email,
    }
}

fn check_technical_report(
    report: Option<&pb::TechnicalReport>,
    track: Option<Track>,
    limits: &SizeLimits,
    acceptance_date: NaiveDate,
    violations: &mut Violations,
) -> Option<TechnicalReport> {
    let report = match (report, track) {
        (None, Some(Track::EmergencyHome)) => {
            violations.add(
                "technical_report",
                "is required on the emergency track (§13, Appendix 1 row 8)",
            );
            return None;
        }
        (Some(_), Some(Track::NoHousing)) => {
            violations.add(
                "technical_report",
                "is attached only on the emergency track (TRACK_EMERGENCY_HOME)",
            );
            return None;
        }
        (None, _) => return None,
        (Some(report), _) => report,
    };
    let report_number =
        violations.required_text("technical_report.report_number", &report.report_number);
    let expert_certificate_number = violations.required_text(
        "technical_report.expert_certificate_number",
        &report.expert_certificate_number,
    );
    let report_date = match report.report_date.as_ref().map(calendar_date) {
        None => {
            violations.add("technical_report.report_date", "is required");
            None
        }
        Some(None) => {
            violations.add("technical_report.report_date", "is not a valid date");
            None
        }
        Some(Some(date)) if date > acceptance_date => {
            violations.add(
                "technical_report.report_date",
                "cannot be later than the day the application is accepted",
            );
            None
        }
        Some(Some(date)) => Some(date),
    };
    let cadastral_number = match CadastralNumber::parse(&report.cadastral_number) {
        Ok(number) => Some(number),
        Err(error) => {
            violations.add("technical_report.cadastral_number", error.to_string());
            None
        }
    };
    let locality =
        violations.required_kato("technical_report.locality_kato", &report.locality_kato);
    check_attachment(
        "technical_report.document",
        report.document.as_ref(),
        limits,
        violations,
    );
    Some(TechnicalReport {
        report_number: report_number?,
        expert_certificate_number: expert_certificate_number?,
        report_date: report_date?,
        cadastral_number: cadastral_number?,
        locality: locality?,
    })
}

fn check_attachment(
    path: &str,
    attachment: Option<&common::Attachment>,
    limits: &SizeLimits,
    violations: &mut Violations,
) {
    let Some(attachment) = attachment else {
        violations.add(path, "is required: the electronic copy of the document");
        return;
    };
    violations.required_text(&format!("{path}.file_name"), &attachment.file_name);
    if !ACCEPTED_MEDIA_TYPES.contains(&attachment.media_type.as_str()) {
        violations.add(
            &format!("{path}.media_type"),
            format!("must be one of {}", ACCEPTED_MEDIA_TYPES.join(", ")),
        );
    }
    if attachment.content.is_empty() {
        violations.add(&format!("{path}.content"), "is required");
    } else if attachment.content.len() > limits.max_attachment_bytes {
        violations.add(
            &format!("{path}.content"),
            format!(
                "is larger than the {} bytes an attachment may have",
                limits.max_attachment_bytes
            ),
        );
    }
}

fn social_category(category: common::SocialCategory) -> Option<SocialCategory> {
    use common::SocialCategory as Wire;
    Some(match category {
        Wire::Unspecified => return None,
        // The contract has one value for the Great Patriotic War and those
        // equated to its veterans; the domain tells them apart only to
        // confirm them, and confirms either against the same record.
        Wire::WarVeteran => SocialCategory::VeteranOfGreatPatrioticWar,
        Wire::CombatVeteran => SocialCategory::VeteranOfCombatOperations,
        Wire::DisabilityGroup1Or2 => SocialCategory::PersonWithDisabilityGroup1Or2,
        Wire::FamilyWithDisabledChild => SocialCategory::FamilyRaisingChildWithDisability,
        Wire::SevereChronicDisease => SocialCategory::PersonWithSevereChronicDisease,
        Wire::AgePensioner => SocialCategory::PensionerByAge,
        Wire::Orphan => SocialCategory::OrphanOrChildWithoutParentalCare,
        Wire::Kandas => SocialCategory::Kandas,
        Wire::EmergencyVictim => SocialCategory::VictimOfEmergencyOrDisaster,
        Wire::LargeFamily => SocialCategory::LargeFamily,
        Wire::FamilyOfFallen => SocialCategory::FamilyOfPersonWhoDiedOnDuty,
        Wire::SingleParentFamily => SocialCategory::SingleParentFamily,
        Wire::PublicSectorEmployee => SocialCategory::CivilServantOrPublicSectorEmployee,
    })
}

/// "+7" and ten digits.
fn is_kazakh_mobile_number(phone: &str) -> bool {
    phone
        .strip_prefix("+7")
        .is_some_and(|rest| rest.len() == 10 && rest.bytes().all(|byte| byte.is_ascii_digit()))
}

/// One `@` between a non-empty local part and a dotted domain, no spaces,
/// at most 254 characters: the form's check, not RFC 5322.
fn is_plausible_email(email: &str) -> bool {
    if email.len() > 254 || email.chars().any(char::is_whitespace) {
        return false;
    }
    match email.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        }
        None => false,
    }
}

/// A `google.type.Date` with every part set, as a calendar date.
pub fn calendar_date(date: &Date) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(
        date.year,
        u32::try_from(date.month).ok()?,
        u32::try_from(date.day).ok()?,
    )
}

/// A protobuf timestamp as an instant.
pub fn instant(timestamp: &prost_types::Timestamp) -> Option<DateTime<Utc>> {
    DateTime::from_timestamp(timestamp.seconds, u32::try_from(timestamp.nanos).ok()?)
}

/// Violations gathered under the form's path.
#[derive(Debug, Default)]
struct Violations(Vec<Violation>);

impl Violations {
    fn add(&mut self, field: &str, description: impl Into<String>) {
        self.0
            .push(Violation::new(format!("{FORM}.{field}"), description));
    }

    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn into_inner(self) -> Vec<Violation> {
        self.0
    }

    fn required_iin(&mut self, field: &str, text: &str) -> Option<Iin> {
        if text.is_empty() {
            self.add(field, "is required");
            return None;
        }
        match Iin::parse(text) {
            Ok(iin) => Some(iin),
            Err(error) => {
                // The error says what is wrong (length, digits, check digit)
                // without the number itself.
                self.add(field, error.to_string());
                None
            }
        }
    }

    fn required_kato(&mut self, field: &str, text: &str) -> Option<Kato> {
        if text.is_empty() {
            self.add(field, "is required");
            return None;
        }
        match Kato::parse(text) {
            Ok(kato) => Some(kato),
            Err(error) => {
                self.add(field, error.to_string());
                None
            }
        }
    }

    fn required_text(&mut self, field: &str, text: &str) -> Option<String> {
        if text.trim().is_empty() {
            self.add(field, "is required");
            None
        } else if text.chars().count() > MAX_TEXT_CHARACTERS {
            self.add(
                field,
                format!("must be at most {MAX_TEXT_CHARACTERS} characters"),
            );
            None
        } else {
            Some(text.to_owned())
        }
    }
}

#[cfg(test)]
mod tests;
