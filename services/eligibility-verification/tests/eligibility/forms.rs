//! Application forms for the persons of the demo dataset.

use housing_proto::google::r#type::Date;
use housing_proto::housing::common::v1 as common;
use housing_proto::housing::intake::v1 as intake;

/// Demo persons (deploy/registry/demo.json), by their number there.
pub mod demo {
    /// D01: track 1, Karaganda, family of four; registered without category.
    pub const D01_APPLICANT: &str = "900512490013";
    /// D02: D01's spouse, an adult who consents himself.
    pub const D02_SPOUSE: &str = "880203390020";
    /// D03, D04: D01's children.
    pub const D03_CHILD: &str = "170901590033";
    pub const D04_CHILD: &str = "200315690049";
    /// D05: Almaty, DISABILITY_GROUP_1_OR_2 confirmed.
    pub const D05_APPLICANT: &str = "850720390056";
    /// D08: a minor orphan in Shymkent, filed for by her guardian D09.
    pub const D08_APPLICANT: &str = "100605690084";
    pub const D09_GUARDIAN: &str = "750115490092";
    /// D14: sold a flat inside the five years: OWNED_HOUSING_LAST_5_YEARS.
    pub const D14_APPLICANT: &str = "830303390144";
    /// D15: sold a flat one day before the window: registered, Karaganda.
    pub const D15_APPLICANT: &str = "871010490158";
    /// D20: uses state housing: HAS_STATE_OR_LEASED_HOUSING.
    pub const D20_APPLICANT: &str = "860616390200";
    /// D24: declares D25 as spouse without a marriage: INACCURATE_DATA.
    pub const D24_APPLICANT: &str = "821212390241";
    pub const D25_DECLARED: &str = "900101490257";
}

/// Karaganda.
pub const KARAGANDA: &str = "351010000";
/// A district of Almaty (every code of the city is one locality).
pub const ALMATY: &str = "751110000";
/// Shymkent.
pub const SHYMKENT: &str = "791610000";

/// A form on track 1 for the general stock, every box ticked, a phone.
#[derive(Debug, Clone)]
pub struct Form(intake::ApplicationForm);

impl Form {
    pub fn new(applicant: &str, locality: &str) -> Self {
        Self(intake::ApplicationForm {
            form_version: "APPENDIX-3/2025".to_owned(),
            applicant_iin: applicant.to_owned(),
            representative: None,
            declared_family: Vec::new(),
            stated_category: 0,
            track: common::Track::NoHousing as i32,
            stock: common::Stock::General as i32,
            locality_kato: locality.to_owned(),
            consents: Some(intake::Consents {
                housing_check: true,
                data_processing: true,
                publication: true,
                registration_without_category: true,
                family_member_consents: Vec::new(),
            }),
            phone: "+77015550199".to_owned(),
            email: "applicant@example.kz".to_owned(),
            technical_report: None,
        })
    }

    /// An adult family member's own consent.
    pub fn consent_of(mut self, member: &str) -> Self {
        if let Some(consents) = &mut self.0.consents {
            consents
                .family_member_consents
                .push(intake::FamilyMemberConsent {
                    member_iin: member.to_owned(),
                    given_by_iin: member.to_owned(),
                    consent_time: None,
                });
        }
        self
    }

    pub fn declare(mut self, member: &str, relation: intake::FamilyRelation) -> Self {
        self.0.declared_family.push(intake::DeclaredFamilyMember {
            iin: member.to_owned(),
            relation: relation as i32,
        });
        self
    }

    pub fn filed_by_legal_representative(mut self, representative: &str) -> Self {
        self.0.representative = Some(intake::Representative {
            iin: representative.to_owned(),
            capacity: intake::RepresentativeCapacity::LegalRepresentativeOfMinor as i32,
            authority_document: "Guardianship decision 12 of 2019-04-01".to_owned(),
        });
        self
    }

    pub fn category(mut self, category: common::SocialCategory) -> Self {
        self.0.stated_category = category as i32;
        self
    }

    pub fn without_publication(mut self) -> Self {
        if let Some(consents) = &mut self.0.consents {
            consents.publication = false;
        }
        self
    }

    pub fn build(self) -> intake::ApplicationForm {
        self.0
    }
}

/// A wire date.
pub fn date(year: i32, month: i32, day: i32) -> Option<Date> {
    Some(Date { year, month, day })
}
