//! The decision: every rule evaluated, the facts behind each, every ground at once.
//!
//! A decision is stored as JSON by the services and shown to operators, so it is
//! self-describing: which rule-set version, "as of" which day, which family, and
//! for each rule the register facts that decided it.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::application::{
    DeclaredRelation, HousingStock, RepresentativeCapacity, SocialCategory, Track,
};
use super::facts::{
    AcquisitionBasis, AlienationBasis, CadastralNumber, Citizenship, HousingConduct,
    ParentalCareStatus, ResidentRelation, Share, StateHousingKind,
};
use super::kato::Kato;
use super::rule_set::RuleSetVersion;
use crate::codes::{CodeKind, RuleCode};
use crate::iin::Iin;

/// The result of evaluating an application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    /// The rule set that produced the decision.
    pub rule_set: RuleSetVersion,
    /// The acceptance date every rule was evaluated "as of".
    pub as_of: NaiveDate,
    /// When the application was submitted (its place on the register).
    pub submitted_at: DateTime<Utc>,
    /// The track applied for.
    pub track: Track,
    /// The stock applied for.
    pub stock: HousingStock,
    /// The locality applied for.
    pub locality: Kato,
    /// The family considered: register family and declared members.
    pub family: Vec<FamilyMember>,
    /// Every rule evaluated, in catalogue order.
    pub evaluations: Vec<RuleEvaluation>,
    /// What became of the stated category.
    pub category: CategoryOutcome,
    /// Register, or grounds for denial found.
    pub outcome: DecisionOutcome,
    /// The processing term and, for a preliminary denial, the hearing.
    pub terms: Terms,
}

impl Decision {
    /// The evaluation of one rule, if it was evaluated.
    pub fn evaluation(&self, code: RuleCode) -> Option<&RuleEvaluation> {
        self.evaluations
            .iter()
            .find(|evaluation| evaluation.code == code)
    }

    /// The outcome of one rule; `NotApplicable` when it was not evaluated.
    pub fn outcome_of(&self, code: RuleCode) -> RuleOutcome {
        self.evaluation(code)
            .map_or(RuleOutcome::NotApplicable, |evaluation| evaluation.outcome)
    }

    /// The grounds for denial found, with their facts (empty when registering).
    pub fn grounds(&self) -> &[Ground] {
        match &self.outcome {
            DecisionOutcome::Register { .. } => &[],
            DecisionOutcome::GroundsFound { grounds } => grounds,
        }
    }

    /// The codes of the grounds found, in catalogue order.
    pub fn ground_codes(&self) -> Vec<RuleCode> {
        self.grounds().iter().map(|ground| ground.code).collect()
    }
}

/// A member of the family considered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FamilyMember {
    /// Who, with the masked role used in traces.
    pub person: PersonReference,
    /// The relation to the applicant.
    pub relation: DeclaredRelation,
    /// Whether the register shows the member, the applicant declared them, or both.
    pub source: FamilySource,
}

/// Where a family member comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum FamilySource {
    /// Only the civil-status register shows them.
    Register,
    /// Only the application declares them.
    Declared,
    /// Both.
    RegisterAndDeclared,
}

/// One rule evaluated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleEvaluation {
    /// The rule.
    pub code: RuleCode,
    /// Whether its condition is met (for a ground: whether the ground is found).
    pub outcome: RuleOutcome,
    /// The facts that decided it.
    pub facts: Vec<Fact>,
    /// For `REQUIREMENTS_NOT_MET`: the requirement codes that fail.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub failed_requirements: Vec<RuleCode>,
}

impl RuleEvaluation {
    pub(crate) fn new(code: RuleCode, outcome: RuleOutcome, facts: Vec<Fact>) -> Self {
        Self {
            code,
            outcome,
            facts,
            failed_requirements: Vec::new(),
        }
    }

    pub(crate) fn not_applicable(code: RuleCode) -> Self {
        Self::new(code, RuleOutcome::NotApplicable, Vec::new())
    }

    /// `Holds` with `facts` when `holds`, else `Fails` with `facts`.
    pub(crate) fn decided(code: RuleCode, holds: bool, facts: Vec<Fact>) -> Self {
        let outcome = if holds {
            RuleOutcome::Holds
        } else {
            RuleOutcome::Fails
        };
        Self::new(code, outcome, facts)
    }

    /// Whether this is a ground of denial that was found.
    pub fn is_ground_found(&self) -> bool {
        self.code.kind() == CodeKind::Ground && self.outcome == RuleOutcome::Holds
    }
}

/// The outcome of one rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RuleOutcome {
    /// The condition is met; for a ground of denial: the ground is found.
    Holds,
    /// The condition is not met; for a ground of denial: the ground is not found.
    Fails,
    /// The rule does not apply to this application (another track or stock, …).
    NotApplicable,
}

/// A ground for denial found, with the facts that triggered it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ground {
    /// The ground's code.
    pub code: RuleCode,
    /// For `REQUIREMENTS_NOT_MET`: which requirements fail.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub failed_requirements: Vec<RuleCode>,
    /// The facts.
    pub facts: Vec<Fact>,
}

/// What became of the stated category (§8–§10).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CategoryOutcome {
    /// No category stated.
    NotStated,
    /// State data confirm the stated category.
    Confirmed {
        /// The category.
        category: SocialCategory,
    },
    /// State data do not confirm it: registered without a category; the notice
    /// says the applicant may ask the relevant state body to correct the data (§9).
    NotConfirmed {
        /// The category stated.
        stated: SocialCategory,
    },
}

/// The overall outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DecisionOutcome {
    /// Register, with the confirmed category if any.
    Register {
        /// The confirmed category.
        category: Option<SocialCategory>,
    },
    /// Grounds for denial found: a preliminary decision and a hearing follow (§17).
    GroundsFound {
        /// Every ground found, in catalogue order.
        grounds: Vec<Ground>,
    },
}

/// The processing term and the hearing (rules.md §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Terms {
    /// `TERM_TRACK_NO_HOUSING` or `TERM_TRACK_EMERGENCY`.
    pub processing_term: RuleCode,
    /// The length of the term in working days.
    pub working_days: u32,
    /// The acceptance day the term counts from.
    pub acceptance_day: NaiveDate,
    /// When the term ends (close of provider hours of its last working day).
    pub term_end: DateTime<Utc>,
    /// For a preliminary denial: the `HEARING` schedule.
    pub hearing: Option<Hearing>,
}

/// The hearing of a preliminary denial (§17, rule `HEARING`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hearing {
    /// The local date the preliminary decision and notice are sent.
    pub notice_day: NaiveDate,
    /// When the hearing is held.
    pub hearing_at: DateTime<Utc>,
    /// Until when the applicant may state their position.
    pub position_deadline: DateTime<Utc>,
    /// The end of the term, extended if the notice left fewer than 3 working days.
    pub term_end: DateTime<Utc>,
    /// Whether the term was extended.
    pub term_was_extended: bool,
}

/// A registry fact (or a fact of the application form) a rule relied on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fact {
    /// Which register it comes from.
    pub register: Register,
    /// Which person it is about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub person: Option<PersonReference>,
    /// Which property it is about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub property: Option<CadastralNumber>,
    /// The date that matters (birth, acquisition, first uncovered day, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<NaiveDate>,
    /// What was observed.
    pub observation: Observation,
}

impl Fact {
    pub(crate) fn new(register: Register, observation: Observation) -> Self {
        Self {
            register,
            person: None,
            property: None,
            date: None,
            observation,
        }
    }

    pub(crate) fn about(mut self, person: PersonReference) -> Self {
        self.person = Some(person);
        self
    }

    pub(crate) fn on_property(mut self, property: &CadastralNumber) -> Self {
        self.property = Some(property.clone());
        self
    }

    pub(crate) fn dated(mut self, date: NaiveDate) -> Self {
        self.date = Some(date);
        self
    }
}

/// The source of a fact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Register {
    /// The application itself (Appendix 3).
    ApplicationForm,
    /// State database of individuals.
    Identity,
    /// Migration register (kandas status).
    Migration,
    /// Civil-status register.
    CivilStatus,
    /// Address (domicile) register.
    AddressRegistration,
    /// Real-estate register.
    RealEstate,
    /// Emergency-housing register (recognitions, technical reports).
    EmergencyHousing,
    /// Register of certified experts.
    CertifiedExperts,
    /// State housing use.
    StateHousingUse,
    /// The single republican electronic database.
    UnifiedRepublicanDatabase,
    /// Social-categories register.
    SocialCategories,
    /// Mobile citizens database.
    MobileCitizens,
}

/// A person a fact is about: the IIN (redacted in `Debug`) and a masked role
/// for human-readable traces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonReference {
    /// The person.
    pub iin: Iin,
    /// Their role in the application, used instead of any name.
    pub role: PersonRole,
}

/// The masked role of a person in traces: "applicant", "spouse", "child 1", ….
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "role", content = "ordinal", rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PersonRole {
    /// The applicant.
    Applicant,
    /// The representative filing for the applicant.
    Representative,
    /// The spouse.
    Spouse,
    /// A child, numbered from 1 in family order.
    Child(u16),
    /// Another declared member, numbered from 1.
    OtherMember(u16),
    /// Someone registered at a dwelling who is not in the family, numbered from 1.
    Resident(u16),
}

/// What a fact says. The trace renders each without personal data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "observation", rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Observation {
    /// Birth date on record (the fact's date).
    BirthDate {
        /// Age in full years on the acceptance date.
        age_on_acceptance_date: u32,
    },
    /// No person with this IIN in the state database of individuals.
    IdentityNotFound,
    /// Citizenship on record.
    Citizenship {
        /// The citizenship.
        citizenship: Citizenship,
    },
    /// A kandas status period.
    KandasStatus {
        /// First day.
        valid_from: NaiveDate,
        /// Last day.
        valid_to: Option<NaiveDate>,
        /// Whether it covers the acceptance date.
        valid_on_acceptance_date: bool,
    },
    /// No kandas status on record.
    NoKandasStatus,
    /// Orphan status or loss of parental care; the fact's date is when the parents were lost.
    ParentalCareLost {
        /// Orphan, or left without parental care.
        status: ParentalCareStatus,
        /// Whether that was before the person's 18th birthday.
        before_adulthood: bool,
    },
    /// No orphan or parental-care record.
    NoParentalCareLossRecord,
    /// The application is filed by a representative.
    FiledByRepresentative {
        /// In what capacity.
        capacity: RepresentativeCapacity,
    },
    /// A registered marriage (the fact's person is the spouse).
    Marriage {
        /// Registration date.
        registered_on: NaiveDate,
        /// Dissolution date.
        dissolved_on: Option<NaiveDate>,
        /// Whether it subsists on the acceptance date.
        subsists_on_acceptance_date: bool,
    },
    /// The form declares a family member the register contradicts.
    DeclaredMemberContradictsRegister {
        /// The declared relation.
        declared_relation: DeclaredRelation,
    },
    /// The form declares the applicant as their own family member.
    DeclaredMemberIsTheApplicant,
    /// A declared family member is not in the state database of individuals.
    DeclaredMemberNotFound,
    /// A declared family member died on or before the acceptance date (the fact's date).
    DeclaredMemberDeceased,
    /// The form says a legal representative of a minor files for an adult.
    LegalRepresentativeOfAnAdult,
    /// A domicile registration (the period in the fields).
    DomicileRegistration {
        /// The locality.
        locality: Kato,
        /// First day.
        registered_from: NaiveDate,
        /// Last day.
        registered_to: Option<NaiveDate>,
    },
    /// Not registered in the city on the fact's date, inside the 3-year window.
    NoDomicileInCity {
        /// The first day of the window.
        window_from: NaiveDate,
    },
    /// The domicile requirement does not apply to the locality applied for.
    LocalityNotACityOfNationalStatus {
        /// The locality.
        locality: Kato,
    },
    /// An ownership of a dwelling (the fact's property; the fact's date is the acquisition).
    Ownership {
        /// Where the dwelling is.
        locality: Kato,
        /// The share.
        share: Share,
        /// How it was acquired.
        acquisition_basis: AcquisitionBasis,
        /// When ownership ended, if it did.
        alienated_on: Option<NaiveDate>,
        /// How it ended.
        alienation_basis: Option<AlienationBasis>,
    },
    /// No dwelling owned in the window by anyone in the family.
    NoOwnershipInWindow {
        /// The first day of the window.
        window_from: NaiveDate,
    },
    /// Use of state or leased housing.
    StateHousingUse {
        /// Which kind.
        kind: StateHousingKind,
        /// First day.
        from: NaiveDate,
        /// Last day.
        to: Option<NaiveDate>,
    },
    /// Registered in the single republican database (the fact's date).
    InUnifiedRepublicanDatabase,
    /// A social-category record.
    SocialCategoryRecord {
        /// The category.
        category: SocialCategory,
        /// First day.
        valid_from: NaiveDate,
        /// Last day.
        valid_to: Option<NaiveDate>,
        /// The source register.
        source_register: String,
        /// Whether it covers the acceptance date.
        valid_on_acceptance_date: bool,
    },
    /// The category stated on the form.
    CategoryStated {
        /// The category.
        category: SocialCategory,
    },
    /// No record of the stated category valid on the acceptance date.
    NoValidRecordOfCategory {
        /// The category.
        category: SocialCategory,
    },
    /// Whether the form's checkbox agreeing to registration without a category is ticked.
    RegistrationWithoutCategoryAgreed {
        /// Ticked or not.
        agreed: bool,
    },
    /// The §12 consent of a person is on the application.
    PersonalDataConsentGiven {
        /// Whether the person's own consent, or the filer's on their behalf.
        given_by: ConsentGiver,
    },
    /// The §12 consent of a person is missing.
    PersonalDataConsentMissing,
    /// A checkbox of the form that the consent requires is not ticked.
    ConsentCheckboxNotTicked {
        /// Which.
        checkbox: ConsentCheckbox,
    },
    /// No technical report attached to a track-2 application.
    TechnicalReportMissing,
    /// The attached technical report (the fact's property and date).
    TechnicalReportAttached {
        /// The report's number.
        report_number: String,
        /// The expert's certificate number.
        expert_certificate_number: String,
    },
    /// The emergency-housing register has no report with that number.
    TechnicalReportNotRegistered,
    /// The register's report differs from the attached one.
    TechnicalReportDiffersFromRegister,
    /// The expert's certificate is not on record.
    ExpertCertificateUnknown {
        /// The certificate number.
        certificate_number: String,
    },
    /// The expert's certificate period.
    ExpertCertificate {
        /// The certificate number.
        certificate_number: String,
        /// First day.
        valid_from: NaiveDate,
        /// Last day.
        valid_to: Option<NaiveDate>,
        /// Whether it covers the report date.
        valid_on_report_date: bool,
    },
    /// A recognition of the fact's property as emergency (the fact's date).
    EmergencyRecognition {
        /// The act's number.
        act_number: String,
        /// Its locality.
        locality: Kato,
    },
    /// The fact's property is not recognised as emergency.
    NotRecognisedAsEmergency,
    /// The report is for another dwelling than the one recognised as emergency.
    ReportForAnotherDwelling,
    /// The report states another locality than the register's recognition.
    ReportLocalityDiffers {
        /// What the report says.
        report_locality: Kato,
        /// What the recognition says.
        recognised_locality: Kato,
    },
    /// Another dwelling owned on the acceptance date (the emergency home is not the only one).
    AnotherDwellingOwned,
    /// The emergency home is in another locality than the one applied for.
    EmergencyHomeInAnotherLocality {
        /// Where the emergency home is.
        home_locality: Kato,
        /// The locality applied for.
        applied_locality: Kato,
    },
    /// Recorded conduct that worsened housing (the fact's property and date).
    HousingConduct {
        /// Which.
        conduct: HousingConduct,
    },
    /// A person registered at the fact's property from the fact's date.
    Accommodated {
        /// Their relation to the applicant.
        relation: ResidentRelation,
    },
    /// The application is for this stock.
    StockAppliedFor {
        /// The stock.
        stock: HousingStock,
    },
    /// A requirement of §1 fails (for `REQUIREMENTS_NOT_MET`).
    RequirementFails {
        /// The requirement.
        requirement: RuleCode,
    },
}

/// Who gave a person's §12 consent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ConsentGiver {
    /// The person.
    ThePerson,
    /// The representative filing for the applicant.
    TheRepresentative,
    /// The applicant, as parent of a minor family member.
    TheApplicantAsParent,
}

/// The form's checkboxes the consent of §12 consists of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ConsentCheckbox {
    /// Checking the family for housing.
    HousingCheck,
    /// Collection and processing of data.
    DataProcessing,
}
