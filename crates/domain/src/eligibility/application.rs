//! The application of Appendix 3 to the Rules, already parsed by the service.
//!
//! Personal data (IINs, the phone number, the e-mail address) have redacted
//! `Debug` output and no `Display`: a stray `{:?}` cannot leak them.

use std::collections::BTreeSet;
use std::fmt;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::facts::CadastralNumber;
use super::kato::Kato;
use crate::iin::Iin;

/// An application for registration in the electronic database "Housing Provision Center".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Application {
    /// The person to be registered: the service recipient (the principal or the
    /// minor when a representative files).
    pub applicant: Iin,
    /// Who files on the applicant's behalf, if anyone (Appendix 3, second form).
    pub representative: Option<Representative>,
    /// Family members the applicant declares in addition to those the civil-status
    /// register shows.
    pub declared_family: Vec<DeclaredFamilyMember>,
    /// The category of Art. 74 ¶1 of the Law the applicant states (§8), if any.
    pub stated_category: Option<SocialCategory>,
    /// Which of the two cases of §7 the application is for.
    pub track: Track,
    /// Which housing stock the application is for (rules.md "Application stock").
    pub stock: HousingStock,
    /// The locality applied for.
    pub locality: Kato,
    /// The consents of §12 and the form's checkboxes.
    pub consents: Consents,
    /// The electronic copy of the technical report (track 2, App1 row 8).
    pub technical_report: Option<TechnicalReport>,
    /// The phone number and e-mail address written on the form.
    pub contact: ContactDetails,
    /// When the database received the application.
    pub submitted_at: DateTime<Utc>,
    /// The day the application counts as accepted (App1 row 7), computed by the
    /// caller with the working calendar. Every rule is evaluated "as of" this day.
    pub acceptance_date: NaiveDate,
}

impl Application {
    /// The IIN whose signature and personal account the application comes from:
    /// the representative when one files, otherwise the applicant.
    pub fn filer(&self) -> Iin {
        self.representative
            .as_ref()
            .map_or(self.applicant, |representative| representative.iin)
    }
}

/// A person filing on the applicant's behalf (§13, second part).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Representative {
    /// The representative's IIN.
    pub iin: Iin,
    /// In what capacity they act.
    pub capacity: RepresentativeCapacity,
}

/// "being the authorized person / legal representative" (Appendix 3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RepresentativeCapacity {
    /// Parent, guardian or trustee of a minor applicant.
    LegalRepresentativeOfMinor,
    /// A person authorised by an adult principal.
    AuthorisedRepresentative,
}

/// A family member the applicant declares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeclaredFamilyMember {
    /// The member's IIN.
    pub iin: Iin,
    /// The member's relation to the applicant, as declared.
    pub relation: DeclaredRelation,
}

/// The relation of a declared family member to the applicant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DeclaredRelation {
    /// Spouse: must be the spouse of a registered marriage not dissolved on the acceptance date.
    Spouse,
    /// Child: must be a child of the applicant in the civil-status register.
    Child,
    /// Any other member (a dependent parent, …): the register cannot contradict it.
    Other,
}

/// The two cases of §7 of the Rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Track {
    /// §7.1: no own housing in the Republic for the last five years.
    NoHousing,
    /// §7.2: the only dwelling is recognised as emergency housing.
    EmergencyHome,
}

/// The housing stock applied for (rules.md §2, "Application stock").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum HousingStock {
    /// The state housing stock or housing rented by a local executive body.
    General,
    /// The housing stock of a state institution (§15.3 applies).
    StateInstitution,
    /// The housing stock of a state enterprise (§15.4 applies).
    StateEnterprise,
}

/// The categories of persons of Art. 74 ¶1 of the Law "On Housing Relations".
///
/// A closed list on purpose: a category is a public identifier like a rule
/// code, and a new one comes with a new rule-set version, never as free text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum SocialCategory {
    /// Veterans of the Great Patriotic War.
    VeteranOfGreatPatrioticWar,
    /// Veterans equated to veterans of the Great Patriotic War.
    VeteranEquatedToGreatPatrioticWarVeterans,
    /// Veterans of combat operations on the territory of other states.
    VeteranOfCombatOperations,
    /// Persons with disabilities of groups 1 and 2.
    PersonWithDisabilityGroup1Or2,
    /// Families having or raising children with disabilities.
    FamilyRaisingChildWithDisability,
    /// Persons suffering from severe forms of certain chronic diseases.
    PersonWithSevereChronicDisease,
    /// Pensioners by age.
    PensionerByAge,
    /// Orphans and children left without parental care.
    OrphanOrChildWithoutParentalCare,
    /// Kandases.
    Kandas,
    /// Persons who lost their home in an emergency or an ecological disaster.
    VictimOfEmergencyOrDisaster,
    /// Large families.
    LargeFamily,
    /// Families of persons who died performing state or public duties or military service.
    FamilyOfPersonWhoDiedOnDuty,
    /// Single-parent families.
    SingleParentFamily,
    /// Civil servants, employees of budget organisations, military servicemen and
    /// persons holding elected state office.
    CivilServantOrPublicSectorEmployee,
}

/// The consents the application carries.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Consents {
    /// Persons who gave the consent of §12 (Art. 8 of the Law "On Personal Data
    /// and Their Protection"): the applicant or their representative, and each
    /// adult family member.
    pub personal_data_consent_given_by: BTreeSet<Iin>,
    /// "I do not object to checking me and my family members for presence or
    /// absence of housing in the Republic of Kazakhstan."
    pub housing_check: bool,
    /// "I agree to collection and processing of data … constituting a legally
    /// protected secret, contained in the information systems."
    pub data_processing: bool,
    /// "I agree to publication of the data on the Internet resource …" (Art. 71, 78).
    pub publication: bool,
    /// "I am notified and agree to registration as needing housing without
    /// belonging to the category … in the absence of supporting information."
    pub registration_without_category: bool,
}

/// The electronic copy of the technical report attached to a track-2 application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TechnicalReport {
    /// The report's number.
    pub report_number: String,
    /// The certificate number of the expert who signed it.
    pub expert_certificate_number: String,
    /// The date of the report.
    pub report_date: NaiveDate,
    /// The dwelling inspected.
    pub cadastral_number: CadastralNumber,
    /// The locality of the dwelling, as the report states it.
    pub locality: Kato,
}

/// Contact details written on the form.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactDetails {
    /// "Mobile phone number".
    pub mobile_phone: Option<PhoneNumber>,
    /// "E-mail".
    pub email: Option<EmailAddress>,
}

/// A phone number. Personal data: redacted in `Debug`, no `Display`.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PhoneNumber(String);

impl PhoneNumber {
    /// Wraps a number as the form or the mobile citizens database gives it.
    pub fn new(number: impl Into<String>) -> Self {
        Self(number.into())
    }

    /// The number. Personal data: never put it in a log line.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PhoneNumber(<redacted>)")
    }
}

/// An e-mail address. Personal data: redacted in `Debug`, no `Display`.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct EmailAddress(String);

impl EmailAddress {
    /// Wraps an address as the form gives it.
    pub fn new(address: impl Into<String>) -> Self {
        Self(address.into())
    }

    /// The address. Personal data: never put it in a log line.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("EmailAddress(<redacted>)")
    }
}
