//! The registry facts: what registry-gateway answers (docs/spec/registries.md),
//! a snapshot "as of" the acceptance date for the applicant and each family member.
//!
//! Dates that end a period (`valid_to`, `registered_to`, `to`, `dissolved_on`,
//! the alienation date) are the **last day** the period covers, inclusive: a
//! kandas status "valid to" the acceptance date is valid on it. A missing end
//! date means the period is still open.
//!
//! The model holds no names, addresses or document numbers: the rules do not
//! need them, so a decision cannot leak them.

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::application::{PhoneNumber, SocialCategory};
use super::kato::Kato;
use crate::iin::Iin;

/// Everything the registers answered for one application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistryFacts {
    /// The day the registers were asked "as of": must be the acceptance date.
    pub as_of: NaiveDate,
    /// Per-person answers: the applicant, every family member (register and declared).
    pub persons: Vec<PersonFacts>,
    /// Real-estate register: every dwelling any of those persons owns or owned.
    pub dwellings: Vec<Dwelling>,
    /// Emergency-housing register: recognitions of those dwellings (and of the
    /// dwelling of an attached technical report) as emergency.
    pub emergency_recognitions: Vec<EmergencyRecognition>,
    /// Emergency-housing register: technical reports registered for those dwellings.
    pub technical_reports: Vec<RegisteredTechnicalReport>,
    /// Certified-experts register: the certificate named by the attached report.
    pub certified_experts: Vec<CertifiedExpert>,
    /// Address register: persons registered at the dwellings concerned (track 2).
    pub households: Vec<RegisteredHousehold>,
}

impl RegistryFacts {
    /// An empty snapshot as of a day; callers fill it in.
    pub fn empty(as_of: NaiveDate) -> Self {
        Self {
            as_of,
            persons: Vec::new(),
            dwellings: Vec::new(),
            emergency_recognitions: Vec::new(),
            technical_reports: Vec::new(),
            certified_experts: Vec::new(),
            households: Vec::new(),
        }
    }

    /// The answers for one person, if the snapshot has them.
    pub fn person(&self, iin: Iin) -> Option<&PersonFacts> {
        self.persons.iter().find(|person| person.iin == iin)
    }
}

/// The per-person answers of the registers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonFacts {
    /// Whose answers these are.
    pub iin: Iin,
    /// State database of individuals.
    pub identity: IdentityRecord,
    /// Migration register: kandas status periods.
    pub kandas_statuses: Vec<KandasStatus>,
    /// Civil-status register.
    pub civil_status: CivilStatus,
    /// Address register: domicile registration history.
    pub domicile_history: Vec<DomicileRegistration>,
    /// Housing provided from the state stock or rented by a local executive body.
    pub state_housing_use: Vec<StateHousingUse>,
    /// The single republican electronic database.
    pub unified_republican_database: UnifiedDatabaseStatus,
    /// Social-categories register.
    pub social_categories: Vec<SocialCategoryRecord>,
    /// Mobile citizens database; `None` when no number is registered.
    pub mobile_citizens: Option<MobileCitizensEntry>,
    /// Recorded conduct that worsened the person's housing (App1 row 9.3).
    pub housing_conduct: Vec<HousingConductRecord>,
}

impl PersonFacts {
    /// A person with an identity answer and nothing else on record.
    pub fn new(iin: Iin, identity: IdentityRecord) -> Self {
        Self {
            iin,
            identity,
            kandas_statuses: Vec::new(),
            civil_status: CivilStatus::default(),
            domicile_history: Vec::new(),
            state_housing_use: Vec::new(),
            unified_republican_database: UnifiedDatabaseStatus::NotRegistered,
            social_categories: Vec::new(),
            mobile_citizens: None,
            housing_conduct: Vec::new(),
        }
    }

    /// The identity, when the state database of individuals knows the person.
    pub fn found_identity(&self) -> Option<&Identity> {
        match &self.identity {
            IdentityRecord::Found(identity) => Some(identity),
            IdentityRecord::NotFound => None,
        }
    }
}

/// The answer of the state database of individuals ("not found" is an answer).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "SCREAMING_SNAKE_CASE")]
pub enum IdentityRecord {
    /// The person is on record.
    Found(Identity),
    /// No person with this IIN.
    NotFound,
}

/// What the rules use of the identity record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Identity {
    /// The birth date: the only source of age (never the IIN digits).
    pub birth_date: NaiveDate,
    /// Citizenship.
    pub citizenship: Citizenship,
    /// Date of death, if any.
    pub date_of_death: Option<NaiveDate>,
}

/// Citizenship as the identity register records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Citizenship {
    /// Citizen of the Republic of Kazakhstan.
    Kazakhstan,
    /// Citizen of another state.
    Foreign,
    /// Stateless person.
    Stateless,
}

/// A period of kandas status (migration register).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct KandasStatus {
    /// First day of validity.
    pub valid_from: NaiveDate,
    /// Last day of validity; `None` when open.
    pub valid_to: Option<NaiveDate>,
}

/// The civil-status register's answers about a person.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CivilStatus {
    /// Marriages registered for the person.
    pub marriages: Vec<Marriage>,
    /// Births of children where the person is a parent.
    pub births: Vec<BirthRecord>,
    /// Orphan status or loss of parental care, if recorded.
    pub parental_care_loss: Option<ParentalCareLoss>,
}

/// A registered marriage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Marriage {
    /// The other spouse.
    pub spouse: Iin,
    /// Date of registration.
    pub registered_on: NaiveDate,
    /// Date of dissolution, if dissolved.
    pub dissolved_on: Option<NaiveDate>,
}

/// A birth record naming the person as a parent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BirthRecord {
    /// The child.
    pub child: Iin,
    /// The parents recorded on the certificate.
    pub parents: Vec<Iin>,
}

/// Orphan status or loss of parental care.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParentalCareLoss {
    /// Which of the two.
    pub status: ParentalCareStatus,
    /// The day the person lost their parents (or parental care).
    pub parents_lost_on: NaiveDate,
}

/// Orphan, or left without parental care.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ParentalCareStatus {
    /// Both parents died.
    Orphan,
    /// Left without parental care (without a parent).
    LeftWithoutParentalCare,
}

/// A domicile registration (address register). The address itself is not kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DomicileRegistration {
    /// The locality registered in.
    pub locality: Kato,
    /// First day of the registration.
    pub registered_from: NaiveDate,
    /// Last day of the registration; `None` while current.
    pub registered_to: Option<NaiveDate>,
}

/// A cadastral number: identifies a dwelling in the real-estate register.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CadastralNumber(String);

/// Why a string is not a cadastral number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a cadastral number is non-empty and has no spaces")]
pub struct CadastralNumberError;

impl CadastralNumber {
    /// Accepts any non-empty text without whitespace (formats differ by region).
    pub fn parse(text: &str) -> Result<Self, CadastralNumberError> {
        if text.is_empty() || text.chars().any(char::is_whitespace) {
            return Err(CadastralNumberError);
        }
        Ok(Self(text.to_owned()))
    }

    /// The number as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for CadastralNumber {
    type Error = CadastralNumberError;
    fn try_from(text: String) -> Result<Self, Self::Error> {
        Self::parse(&text)
    }
}

impl From<CadastralNumber> for String {
    fn from(number: CadastralNumber) -> Self {
        number.0
    }
}

// A cadastral number identifies a property, not a person: shown so traces can be read.
impl fmt::Debug for CadastralNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CadastralNumber({})", self.0)
    }
}

impl fmt::Display for CadastralNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A dwelling in the real-estate register, with its ownership history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dwelling {
    /// Its cadastral number.
    pub cadastral_number: CadastralNumber,
    /// Where it is.
    pub locality: Kato,
    /// What it is.
    pub kind: DwellingKind,
    /// Every ownership interval, per owner.
    pub ownerships: Vec<Ownership>,
}

/// The kind of a dwelling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DwellingKind {
    /// A flat in an apartment building.
    Apartment,
    /// An individual house.
    House,
    /// A room or part of a dwelling.
    Room,
}

/// One owner's ownership of a dwelling, from acquisition to alienation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ownership {
    /// The owner.
    pub owner: Iin,
    /// The owner's share.
    pub share: Share,
    /// The day ownership was registered.
    pub acquired_on: NaiveDate,
    /// How the dwelling was acquired.
    pub acquisition_basis: AcquisitionBasis,
    /// How and when ownership ended, if it did.
    pub alienation: Option<Alienation>,
}

/// A share of ownership, `numerator / denominator`, with `0 < numerator <= denominator`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "ShareParts", into = "ShareParts")]
pub struct Share {
    numerator: u32,
    denominator: u32,
}

/// The wire form of a [`Share`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShareParts {
    /// Numerator.
    pub numerator: u32,
    /// Denominator.
    pub denominator: u32,
}

/// Why two numbers are not a share.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a share needs 0 < numerator <= denominator")]
pub struct ShareError;

impl Share {
    /// Sole ownership.
    pub const WHOLE: Share = Share {
        numerator: 1,
        denominator: 1,
    };

    /// A share `numerator / denominator`.
    pub fn new(numerator: u32, denominator: u32) -> Result<Self, ShareError> {
        if numerator == 0 || numerator > denominator {
            return Err(ShareError);
        }
        Ok(Self {
            numerator,
            denominator,
        })
    }

    /// The numerator.
    pub fn numerator(self) -> u32 {
        self.numerator
    }

    /// The denominator.
    pub fn denominator(self) -> u32 {
        self.denominator
    }
}

impl TryFrom<ShareParts> for Share {
    type Error = ShareError;
    fn try_from(parts: ShareParts) -> Result<Self, Self::Error> {
        Self::new(parts.numerator, parts.denominator)
    }
}

impl From<Share> for ShareParts {
    fn from(share: Share) -> Self {
        Self {
            numerator: share.numerator,
            denominator: share.denominator,
        }
    }
}

/// How a dwelling was acquired.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "basis", rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AcquisitionBasis {
    /// Bought.
    Purchase,
    /// Inherited.
    Inheritance,
    /// Received as a gift.
    Gift,
    /// Privatised from the state housing stock (§15.7).
    PrivatisationFromStateStock,
    /// Bought with a mortgage under a state programme (§15.9), e.g. "7-20-25", "Nurly Zher".
    StateMortgageProgramme {
        /// The programme's name as the register gives it.
        programme: String,
    },
    /// Built by the owner.
    Construction,
    /// Received in an exchange.
    Exchange,
    /// Any other basis (court decision, …).
    Other,
}

/// How and when an ownership ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Alienation {
    /// The day the transfer was registered: the owner's last day of ownership.
    pub alienated_on: NaiveDate,
    /// Why ownership ended.
    pub basis: AlienationBasis,
    /// Whether the dwelling was fit for habitation when it was alienated.
    pub habitable_at_alienation: bool,
}

/// Why an ownership ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AlienationBasis {
    /// Sold.
    Sale,
    /// Exchanged.
    Exchange,
    /// Given away.
    Gift,
    /// Acquired by the local executive body (e.g. for state needs).
    AcquiredByLocalExecutiveBody,
    /// Demolished.
    Demolition,
    /// Destroyed.
    Destruction,
}

/// A recognition of a dwelling as emergency housing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmergencyRecognition {
    /// The act's number.
    pub act_number: String,
    /// The act's date.
    pub recognised_on: NaiveDate,
    /// The locality of the dwelling, as the act records it.
    pub locality: Kato,
    /// The dwelling.
    pub cadastral_number: CadastralNumber,
}

/// A technical report as the emergency-housing register holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisteredTechnicalReport {
    /// The report's number.
    pub report_number: String,
    /// The expert's certificate number.
    pub expert_certificate_number: String,
    /// The report's date.
    pub report_date: NaiveDate,
    /// The dwelling inspected.
    pub cadastral_number: CadastralNumber,
}

/// A certificate of an expert in architectural, urban-planning and construction activities.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertifiedExpert {
    /// The certificate's number.
    pub certificate_number: String,
    /// First day of validity.
    pub valid_from: NaiveDate,
    /// Last day of validity; `None` when open.
    pub valid_to: Option<NaiveDate>,
}

/// Use of housing from the state stock or rented by a local executive body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct StateHousingUse {
    /// Which kind.
    pub kind: StateHousingKind,
    /// First day of use.
    pub from: NaiveDate,
    /// Last day of use; `None` while in use.
    pub to: Option<NaiveDate>,
}

/// The two kinds of §15.5.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum StateHousingKind {
    /// Provided for use from the state housing stock.
    StateHousingStock,
    /// Rented by a local executive body in the private housing stock.
    RentedByLocalExecutiveBody,
}

/// The single republican electronic database's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "SCREAMING_SNAKE_CASE")]
pub enum UnifiedDatabaseStatus {
    /// Not registered.
    NotRegistered,
    /// Registered as needing housing by a local executive body.
    Registered {
        /// The day of registration.
        registered_on: NaiveDate,
    },
}

/// A social category on record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SocialCategoryRecord {
    /// The category.
    pub category: SocialCategory,
    /// First day of validity.
    pub valid_from: NaiveDate,
    /// Last day of validity; `None` when open.
    pub valid_to: Option<NaiveDate>,
    /// The register that is the source of the record (e.g. "labour and social protection").
    pub source_register: String,
}

/// The mobile citizens database's answer for a person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MobileCitizensEntry {
    /// The registered number.
    pub number: PhoneNumber,
    /// Whether the number is linked to the person's portal account.
    pub linked_to_portal_account: bool,
}

/// Persons registered at a dwelling (address register).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisteredHousehold {
    /// The dwelling.
    pub cadastral_number: CadastralNumber,
    /// Everyone registered there, with their relation to the applicant.
    pub residents: Vec<HouseholdResident>,
}

/// A person registered at a dwelling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct HouseholdResident {
    /// The resident.
    pub iin: Iin,
    /// Their relation to the applicant.
    pub relation_to_applicant: ResidentRelation,
    /// First day of registration at the dwelling.
    pub registered_from: NaiveDate,
    /// Last day of registration; `None` while current.
    pub registered_to: Option<NaiveDate>,
}

/// A resident's relation to the applicant, as App1 row 9.3 distinguishes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ResidentRelation {
    /// The applicant themself.
    Applicant,
    /// The spouse.
    Spouse,
    /// A child under 18.
    MinorChild,
    /// A child with a disability.
    DisabledChild,
    /// A parent with a disability.
    DisabledParent,
    /// Anyone else.
    Other,
}

/// A recorded act that worsened a person's housing (App1 row 9.3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HousingConductRecord {
    /// What happened.
    pub kind: HousingConduct,
    /// The dwelling concerned, when the register identifies it (the address
    /// register does not always know a dwelling's cadastral number).
    pub cadastral_number: Option<CadastralNumber>,
    /// When.
    pub on: NaiveDate,
}

/// The two acts of App1 row 9.3 that the registers record as facts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum HousingConduct {
    /// "destruction or damage to the home through his or her fault".
    DestroyedOrDamagedThroughOwnFault,
    /// "moving out of the dwelling, while living in which he was not in need".
    MovedOutWhereNotInNeed,
}
