use chrono::TimeZone;

use super::*;

const APPLICANT: &str = "900101300017";
const SPOUSE: &str = "850505400028";
const CHILD: &str = "120303600030";
/// 900101300017 with a wrong check digit.
const WRONG_CHECK_DIGIT: &str = "900101300018";

fn limits() -> SizeLimits {
    SizeLimits {
        max_form_bytes: 10_000,
        max_attachment_bytes: 1_000,
    }
}

fn received() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 4, 15, 5, 0, 0)
        .single()
        .expect("an instant")
}

fn acceptance() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 4, 15).expect("a date")
}

fn valid_form() -> pb::ApplicationForm {
    pb::ApplicationForm {
        form_version: FORM_VERSION.to_owned(),
        applicant_iin: APPLICANT.to_owned(),
        representative: None,
        declared_family: vec![
            pb::DeclaredFamilyMember {
                iin: SPOUSE.to_owned(),
                relation: pb::FamilyRelation::Spouse as i32,
            },
            pb::DeclaredFamilyMember {
                iin: CHILD.to_owned(),
                relation: pb::FamilyRelation::Child as i32,
            },
        ],
        stated_category: common::SocialCategory::LargeFamily as i32,
        track: common::Track::NoHousing as i32,
        stock: common::Stock::Unspecified as i32,
        locality_kato: "751110000".to_owned(),
        consents: Some(pb::Consents {
            housing_check: true,
            data_processing: true,
            publication: true,
            registration_without_category: true,
            family_member_consents: vec![pb::FamilyMemberConsent {
                member_iin: SPOUSE.to_owned(),
                given_by_iin: SPOUSE.to_owned(),
                consent_time: Some(prost_types::Timestamp {
                    seconds: received().timestamp() - 3600,
                    nanos: 0,
                }),
            }],
        }),
        phone: "+77011234567".to_owned(),
        email: "applicant@example.kz".to_owned(),
        technical_report: None,
    }
}

fn emergency_report(content_bytes: usize) -> pb::TechnicalReport {
    pb::TechnicalReport {
        report_number: "TR-2026-001".to_owned(),
        expert_certificate_number: "EXP-77".to_owned(),
        report_date: Some(Date {
            year: 2026,
            month: 3,
            day: 2,
        }),
        cadastral_number: "20:321:045:123".to_owned(),
        locality_kato: "751110000".to_owned(),
        document: Some(common::Attachment {
            file_name: "report.pdf".to_owned(),
            media_type: "application/pdf".to_owned(),
            content: vec![b'%'; content_bytes],
        }),
    }
}

fn fields(result: Result<ValidForm, Vec<Violation>>) -> Vec<String> {
    let mut fields: Vec<String> = result
        .expect_err("violations")
        .into_iter()
        .map(|violation| violation.field)
        .collect();
    fields.sort();
    fields
}

#[test]
fn a_complete_form_becomes_the_domain_application() {
    let valid = validate(valid_form(), &limits(), received(), acceptance()).expect("valid");
    let application = valid.application;
    assert_eq!(application.applicant.as_str(), APPLICANT);
    assert_eq!(application.declared_family.len(), 2);
    assert_eq!(application.track, Track::NoHousing);
    assert_eq!(application.stock, HousingStock::General);
    assert_eq!(
        application.stated_category,
        Some(SocialCategory::LargeFamily)
    );
    assert_eq!(application.acceptance_date, acceptance());
    let consenting: Vec<&str> = application
        .consents
        .personal_data_consent_given_by
        .iter()
        .map(Iin::as_str)
        .collect();
    assert_eq!(consenting, [SPOUSE, APPLICANT]);
}

#[test]
fn every_violation_is_reported_at_once_with_its_path() {
    let mut form = valid_form();
    form.applicant_iin = WRONG_CHECK_DIGIT.to_owned();
    form.declared_family[1].iin = "12345".to_owned();
    form.declared_family[0].relation = pb::FamilyRelation::Unspecified as i32;
    form.track = common::Track::Unspecified as i32;
    form.phone = "87011234567".to_owned();
    if let Some(consents) = form.consents.as_mut() {
        consents.data_processing = false;
    }
    assert_eq!(
        fields(validate(form, &limits(), received(), acceptance())),
        [
            "form.applicant_iin",
            "form.consents.data_processing",
            "form.declared_family[0].relation",
            "form.declared_family[1].iin",
            "form.phone",
            "form.track",
        ]
    );
}

#[test]
fn descriptions_never_repeat_the_iin() {
    let mut form = valid_form();
    form.applicant_iin = WRONG_CHECK_DIGIT.to_owned();
    let violations = validate(form, &limits(), received(), acceptance()).expect_err("bad IIN");
    assert!(
        violations
            .iter()
            .all(|violation| !violation.description.contains(WRONG_CHECK_DIGIT))
    );
    assert!(violations[0].description.contains("check digit"));
}

#[test]
fn the_emergency_track_needs_a_technical_report_and_only_it_may_have_one() {
    let mut emergency = valid_form();
    emergency.track = common::Track::EmergencyHome as i32;
    assert_eq!(
        fields(validate(
            emergency.clone(),
            &limits(),
            received(),
            acceptance()
        )),
        ["form.technical_report"]
    );
    emergency.technical_report = Some(emergency_report(100));
    let valid = validate(emergency, &limits(), received(), acceptance()).expect("valid");
    assert!(valid.application.technical_report.is_some());

    let mut no_housing_with_report = valid_form();
    no_housing_with_report.technical_report = Some(emergency_report(100));
    assert_eq!(
        fields(validate(
            no_housing_with_report,
            &limits(),
            received(),
            acceptance()
        )),
        ["form.technical_report"]
    );
}

#[test]
fn an_oversized_or_unknown_attachment_is_refused() {
    let mut form = valid_form();
    form.track = common::Track::EmergencyHome as i32;
    let mut report = emergency_report(1_001);
    if let Some(document) = report.document.as_mut() {
        document.media_type = "application/x-msdownload".to_owned();
    }
    form.technical_report = Some(report);
    assert_eq!(
        fields(validate(form, &limits(), received(), acceptance())),
        [
            "form.technical_report.document.content",
            "form.technical_report.document.media_type"
        ]
    );
}

#[test]
fn a_report_dated_after_the_acceptance_day_is_refused() {
    let mut form = valid_form();
    form.track = common::Track::EmergencyHome as i32;
    let mut report = emergency_report(10);
    report.report_date = Some(Date {
        year: 2026,
        month: 4,
        day: 16,
    });
    form.technical_report = Some(report);
    assert_eq!(
        fields(validate(form, &limits(), received(), acceptance())),
        ["form.technical_report.report_date"]
    );
}

#[test]
fn a_representative_needs_an_iin_a_capacity_and_a_document_and_is_not_the_applicant() {
    let mut form = valid_form();
    form.representative = Some(pb::Representative {
        iin: APPLICANT.to_owned(),
        capacity: pb::RepresentativeCapacity::Unspecified as i32,
        authority_document: " ".to_owned(),
    });
    assert_eq!(
        fields(validate(form, &limits(), received(), acceptance())),
        [
            "form.representative.authority_document",
            "form.representative.capacity",
            "form.representative.iin",
        ]
    );
}

#[test]
fn a_family_member_declared_twice_or_the_applicant_declared_is_refused() {
    let mut form = valid_form();
    form.declared_family.push(pb::DeclaredFamilyMember {
        iin: SPOUSE.to_owned(),
        relation: pb::FamilyRelation::Other as i32,
    });
    form.declared_family.push(pb::DeclaredFamilyMember {
        iin: APPLICANT.to_owned(),
        relation: pb::FamilyRelation::Other as i32,
    });
    assert_eq!(
        fields(validate(form, &limits(), received(), acceptance())),
        ["form.declared_family[2].iin", "form.declared_family[3].iin"]
    );
}

#[test]
fn a_consent_from_the_future_or_without_a_time_is_refused() {
    let mut form = valid_form();
    if let Some(consents) = form.consents.as_mut() {
        consents.family_member_consents[0].consent_time = Some(prost_types::Timestamp {
            seconds: received().timestamp() + 3600,
            nanos: 0,
        });
        consents
            .family_member_consents
            .push(pb::FamilyMemberConsent {
                member_iin: CHILD.to_owned(),
                given_by_iin: APPLICANT.to_owned(),
                consent_time: None,
            });
    }
    assert_eq!(
        fields(validate(form, &limits(), received(), acceptance())),
        [
            "form.consents.family_member_consents[0].consent_time",
            "form.consents.family_member_consents[1].consent_time",
        ]
    );
}

#[test]
fn the_signed_content_must_be_a_form_and_within_the_size_limit() {
    assert!(decode(&[0xff, 0xff, 0xff]).is_err());
    assert!(check_content_size(&[], &limits()).is_err());
    assert!(check_content_size(&vec![0; 10_001], &limits()).is_err());
    assert!(check_content_size(&vec![0; 10_000], &limits()).is_ok());
}

#[test]
fn email_and_phone_shapes() {
    assert!(is_kazakh_mobile_number("+77011234567"));
    assert!(!is_kazakh_mobile_number("+7701123456"));
    assert!(!is_kazakh_mobile_number("+87011234567"));
    assert!(is_plausible_email("a@b.kz"));
    for bad in ["a@b", "@b.kz", "a@@b.kz", "a b@c.kz", "a@.kz", "a@kz."] {
        assert!(!is_plausible_email(bad), "{bad}");
    }
}
