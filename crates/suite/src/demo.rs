//! The applications of the demo dataset (docs/demo-dataset.md): for each
//! documented applicant, the form they file, built from the embedded demo
//! fixture, and the outcome it should come to. The end-to-end tests file
//! them, and `housing-suite demo-submit` files one against a running suite.

use std::collections::BTreeSet;

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use housing_proto::google::r#type::Date;
use housing_proto::housing::common::v1 as common;
use housing_proto::housing::intake::v1 as intake;
use registry_gateway::fixture::demo_document;

/// The instant the demo's business day starts at: 10:00 in Almaty on
/// Wednesday 15 April 2026, the acceptance day of every demo application.
pub fn demo_start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 4, 15, 5, 0, 0)
        .single()
        .expect("a valid instant")
}

/// KATO codes of the demo's localities.
pub mod localities {
    /// Karaganda.
    pub const KARAGANDA: &str = "351610000";
    /// Almaty.
    pub const ALMATY: &str = "750000000";
    /// Astana.
    pub const ASTANA: &str = "710000000";
    /// Shymkent.
    pub const SHYMKENT: &str = "790000000";
    /// Temirtau.
    pub const TEMIRTAU: &str = "352410000";
    /// Pavlodar.
    pub const PAVLODAR: &str = "551010000";
    /// Aktobe.
    pub const AKTOBE: &str = "151010000";
    /// Kostanay.
    pub const KOSTANAY: &str = "391010000";
    /// Kokshetau.
    pub const KOKSHETAU: &str = "111010000";
    /// Esik.
    pub const ESIK: &str = "196243100";
    /// Osakarovka.
    pub const OSAKAROVKA: &str = "355633100";
}

/// What an application should come to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expected {
    /// Registered, with this confirmed category (unspecified for none).
    Registered(common::SocialCategory),
    /// A preliminary denial with these grounds and, for
    /// `REQUIREMENTS_NOT_MET`, these failing requirements.
    Denied(&'static [&'static str], &'static [&'static str]),
}

/// One documented application.
#[derive(Debug, Clone, Copy)]
pub struct DemoApplication {
    /// The applicant's demo number, `Dnn`.
    pub applicant: &'static str,
    /// The legal representative who files, if one does.
    pub representative: Option<&'static str>,
    /// Declared family members.
    pub declared: &'static [(&'static str, intake::FamilyRelation)],
    /// The category stated.
    pub stated: common::SocialCategory,
    /// The track.
    pub track: common::Track,
    /// The stock.
    pub stock: common::Stock,
    /// The locality applied for.
    pub locality: &'static str,
    /// Adult family members whose consent the form lacks.
    pub consent_missing: &'static [&'static str],
    /// Track 2: the number of the report on record that is attached.
    pub report: Option<&'static str>,
    /// The outcome.
    pub expected: Expected,
    /// Whether the notice also goes as a text message (`DECISION_NOTICE`).
    pub text_message: bool,
}

const fn application(
    applicant: &'static str,
    locality: &'static str,
    expected: Expected,
) -> DemoApplication {
    DemoApplication {
        applicant,
        representative: None,
        declared: &[],
        stated: common::SocialCategory::Unspecified,
        track: common::Track::NoHousing,
        stock: common::Stock::General,
        locality,
        consent_missing: &[],
        report: None,
        expected,
        text_message: true,
    }
}

const fn emergency(
    applicant: &'static str,
    locality: &'static str,
    report: &'static str,
    expected: Expected,
) -> DemoApplication {
    DemoApplication {
        track: common::Track::EmergencyHome,
        report: Some(report),
        ..application(applicant, locality, expected)
    }
}

const REGISTERED: Expected = Expected::Registered(common::SocialCategory::Unspecified);

/// The documented application of demo person `number`.
///
/// # Panics
/// When the demo documents no application of that person.
pub fn application_of(number: &str) -> DemoApplication {
    find(number).unwrap_or_else(|| panic!("{number} is not a documented application"))
}

/// The documented application of `number`, if there is one.
pub fn find(number: &str) -> Option<DemoApplication> {
    use Expected::Denied;
    use common::SocialCategory as Category;
    use localities::*;
    let found = match number {
        "D01" => application("D01", KARAGANDA, REGISTERED),
        "D05" => DemoApplication {
            stated: Category::DisabilityGroup1Or2,
            text_message: false,
            ..application(
                "D05",
                ALMATY,
                Expected::Registered(Category::DisabilityGroup1Or2),
            )
        },
        "D06" => application(
            "D06",
            ALMATY,
            Denied(&["REQUIREMENTS_NOT_MET"], &["DOMICILE_3_YEARS"]),
        ),
        "D07" => application(
            "D07",
            KARAGANDA,
            Denied(&["REQUIREMENTS_NOT_MET"], &["ADULT"]),
        ),
        "D08" => DemoApplication {
            representative: Some("D09"),
            stated: Category::Orphan,
            ..application("D08", SHYMKENT, Expected::Registered(Category::Orphan))
        },
        "D10" => DemoApplication {
            stated: Category::Orphan,
            ..application("D10", ASTANA, REGISTERED)
        },
        "D11" => DemoApplication {
            stated: Category::Kandas,
            ..application("D11", PAVLODAR, Expected::Registered(Category::Kandas))
        },
        "D12" => application(
            "D12",
            PAVLODAR,
            Denied(&["REQUIREMENTS_NOT_MET"], &["CITIZEN_OR_KANDAS"]),
        ),
        "D13" => application("D13", KOSTANAY, REGISTERED),
        "D14" => application(
            "D14",
            KARAGANDA,
            Denied(&["OWNED_HOUSING_LAST_5_YEARS"], &[]),
        ),
        "D15" => application("D15", KARAGANDA, REGISTERED),
        "D16" => application(
            "D16",
            KARAGANDA,
            Denied(&["OWNED_HOUSING_LAST_5_YEARS"], &[]),
        ),
        "D18" => DemoApplication {
            stock: common::Stock::StateInstitution,
            ..application(
                "D18",
                KOSTANAY,
                Denied(
                    &["OWNED_HOUSING_LAST_5_YEARS", "OWNS_HOUSING_IN_LOCALITY"],
                    &[],
                ),
            )
        },
        "D19" => DemoApplication {
            stock: common::Stock::StateEnterprise,
            ..application(
                "D19",
                AKTOBE,
                Denied(
                    &[
                        "OWNED_HOUSING_LAST_5_YEARS",
                        "OWNS_HOUSING_STATE_ENTERPRISE_STOCK",
                    ],
                    &[],
                ),
            )
        },
        "D20" => application(
            "D20",
            KARAGANDA,
            Denied(&["HAS_STATE_OR_LEASED_HOUSING"], &[]),
        ),
        "D21" => application(
            "D21",
            AKTOBE,
            Denied(&["IN_UNIFIED_REPUBLICAN_DATABASE"], &[]),
        ),
        "D22" => application("D22", PAVLODAR, Denied(&["PRIVATIZED_STATE_HOUSING"], &[])),
        "D23" => application(
            "D23",
            KOKSHETAU,
            Denied(&["STATE_MORTGAGE_PROGRAM_HOUSING"], &[]),
        ),
        "D24" => DemoApplication {
            declared: &[("D25", intake::FamilyRelation::Spouse)],
            ..application("D24", KARAGANDA, Denied(&["INACCURATE_DATA"], &[]))
        },
        "D26" => emergency("D26", TEMIRTAU, "TR-DEMO-26", REGISTERED),
        "D28" => emergency(
            "D28",
            OSAKAROVKA,
            "TR-DEMO-28",
            Denied(&["INACCURATE_DATA"], &[]),
        ),
        "D29" => emergency(
            "D29",
            KARAGANDA,
            "TR-DEMO-29",
            Denied(&["EMERGENCY_HOME_IN_OTHER_LOCALITY"], &[]),
        ),
        "D30" => emergency(
            "D30",
            TEMIRTAU,
            "TR-DEMO-30",
            Denied(&["DELIBERATE_DETERIORATION"], &[]),
        ),
        "D31" => emergency(
            "D31",
            OSAKAROVKA,
            "TR-DEMO-31",
            Denied(&["DELIBERATE_DETERIORATION"], &[]),
        ),
        "D33" => emergency("D33", ESIK, "TR-DEMO-33", REGISTERED),
        "D34" => emergency(
            "D34",
            PAVLODAR,
            "TR-DEMO-34",
            Denied(&["DELIBERATE_DETERIORATION"], &[]),
        ),
        "D35" => DemoApplication {
            consent_missing: &["D36"],
            text_message: false,
            ..application("D35", KARAGANDA, Denied(&["NO_PERSONAL_DATA_CONSENT"], &[]))
        },
        "D37" => DemoApplication {
            stated: Category::LargeFamily,
            ..application("D37", KARAGANDA, REGISTERED)
        },
        "D42" => DemoApplication {
            stated: Category::AgePensioner,
            ..application(
                "D42",
                KARAGANDA,
                Expected::Registered(Category::AgePensioner),
            )
        },
        _ => return None,
    };
    Some(found)
}

/// The demo person `number`'s record in the dataset.
fn person(number: &str) -> registry_gateway::fixture::format::FixturePerson {
    demo_document()
        .expect("the demo dataset")
        .persons
        .into_iter()
        .find(|person| {
            person
                .note
                .as_deref()
                .and_then(|note| note.split_whitespace().next())
                == Some(number)
        })
        .unwrap_or_else(|| panic!("{number} is in the demo dataset"))
}

/// The IIN of demo person `number`.
pub fn iin_of(number: &str) -> String {
    person(number).iin
}

impl DemoApplication {
    /// Who files and signs: the representative when one does, else the applicant.
    pub fn filer(&self) -> String {
        iin_of(self.representative.unwrap_or(self.applicant))
    }

    /// The form as the filer fills it in.
    pub fn form(&self) -> intake::ApplicationForm {
        let applicant = person(self.applicant);
        let missing: BTreeSet<String> = self.consent_missing.iter().map(|n| iin_of(n)).collect();
        let declared: Vec<intake::DeclaredFamilyMember> = self
            .declared
            .iter()
            .map(|(number, relation)| intake::DeclaredFamilyMember {
                iin: iin_of(number),
                relation: *relation as i32,
            })
            .collect();
        // Every spouse on record and every declared member consents for
        // themselves, unless the scenario leaves their consent out; minors are
        // covered by the filer's own consent.
        let consenting: BTreeSet<String> = applicant
            .marriages
            .iter()
            .map(|marriage| marriage.spouse_iin.clone())
            .chain(declared.iter().map(|member| member.iin.clone()))
            .filter(|iin| !missing.contains(iin))
            .collect();
        let consent_time = prost_types::Timestamp {
            seconds: (demo_start() - TimeDelta::days(1)).timestamp(),
            nanos: 0,
        };
        intake::ApplicationForm {
            form_version: "APPENDIX-3/2025".to_owned(),
            applicant_iin: applicant.iin.clone(),
            representative: self.representative.map(|number| intake::Representative {
                iin: iin_of(number),
                capacity: intake::RepresentativeCapacity::LegalRepresentativeOfMinor as i32,
                authority_document: "Guardianship decision No. 12 of 2019-04-01".to_owned(),
            }),
            declared_family: declared,
            stated_category: self.stated as i32,
            track: self.track as i32,
            stock: self.stock as i32,
            locality_kato: self.locality.to_owned(),
            consents: Some(intake::Consents {
                housing_check: true,
                data_processing: true,
                publication: true,
                registration_without_category: true,
                family_member_consents: consenting
                    .into_iter()
                    .map(|iin| intake::FamilyMemberConsent {
                        member_iin: iin.clone(),
                        given_by_iin: iin,
                        consent_time: Some(consent_time),
                    })
                    .collect(),
            }),
            phone: String::new(),
            email: String::new(),
            technical_report: self
                .report
                .map(|number| attached_report(&applicant, number)),
        }
    }
}

/// The report on record, attached as its electronic copy.
fn attached_report(
    applicant: &registry_gateway::fixture::format::FixturePerson,
    number: &str,
) -> intake::TechnicalReport {
    use chrono::Datelike;
    let report = applicant
        .technical_reports
        .iter()
        .find(|report| report.report_number == number)
        .unwrap_or_else(|| panic!("report {number} is on record"));
    let recognition = applicant
        .emergency_recognitions
        .iter()
        .find(|recognition| recognition.cadastral_number == report.cadastral_number)
        .unwrap_or_else(|| panic!("the dwelling of {number} is recognised"));
    intake::TechnicalReport {
        report_number: report.report_number.clone(),
        expert_certificate_number: report.expert_certificate_number.clone(),
        report_date: Some(Date {
            year: report.report_date.year(),
            month: i32::try_from(report.report_date.month()).expect("a month"),
            day: i32::try_from(report.report_date.day()).expect("a day"),
        }),
        cadastral_number: report.cadastral_number.clone(),
        locality_kato: recognition.kato.clone(),
        document: Some(common::Attachment {
            file_name: format!("{number}.pdf"),
            media_type: "application/pdf".to_owned(),
            content: b"%PDF-1.7 technical report".to_vec(),
        }),
    }
}
