//! What the service keeps: applications, their events and who caused them,
//! in the service's own terms (no wire types, no SQL).

use std::fmt;

use chrono::{DateTime, NaiveDate, Utc};
use housing_domain::Iin;
use housing_domain::eligibility::Kato;
use housing_platform::caller::Role;

/// The `{application}` segment of `applications/{application}`: a UUID
/// without dashes, chosen by the service.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ApplicationId(String);

/// The collection segment of an application's resource name.
const APPLICATIONS_COLLECTION: &str = "applications/";

impl ApplicationId {
    /// A new, random id.
    pub fn generate() -> Self {
        Self(uuid::Uuid::new_v4().simple().to_string())
    }

    /// Reads `applications/{application}`.
    pub fn from_name(name: &str) -> Option<Self> {
        let id = name.strip_prefix(APPLICATIONS_COLLECTION)?;
        Self::from_stored(id)
    }

    /// Reads an id as stored (32 lowercase hex digits).
    pub fn from_stored(id: &str) -> Option<Self> {
        let well_formed = id.len() == 32
            && id
                .bytes()
                .all(|byte| byte.is_ascii_digit() || (b'a'..=b'f').contains(&byte));
        well_formed.then(|| Self(id.to_owned()))
    }

    /// The id as stored.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The resource name, `applications/{application}`: what logs carry.
    pub fn name(&self) -> String {
        format!("{APPLICATIONS_COLLECTION}{}", self.0)
    }
}

impl fmt::Display for ApplicationId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{APPLICATIONS_COLLECTION}{}", self.0)
    }
}

/// Where an application is in its life (`Application.State` of the contract).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ApplicationState {
    /// Stored and being handed to eligibility-verification.
    Submitted,
    /// Being checked against the state registers.
    Verifying,
    /// A register did not answer; the check is retried.
    AwaitingRegistries,
    /// Grounds for denial found; hearing scheduled.
    HearingScheduled,
    /// Registered: final.
    Registered,
    /// Denied after the hearing: final.
    Denied,
    /// Withdrawn by the applicant: final.
    Withdrawn,
}

impl ApplicationState {
    /// Every state, in the contract's order.
    pub const ALL: [ApplicationState; 7] = [
        ApplicationState::Submitted,
        ApplicationState::Verifying,
        ApplicationState::AwaitingRegistries,
        ApplicationState::HearingScheduled,
        ApplicationState::Registered,
        ApplicationState::Denied,
        ApplicationState::Withdrawn,
    ];

    /// The name stored in the database: the contract's value without `STATE_`.
    pub const fn as_str(self) -> &'static str {
        match self {
            ApplicationState::Submitted => "SUBMITTED",
            ApplicationState::Verifying => "VERIFYING",
            ApplicationState::AwaitingRegistries => "AWAITING_REGISTRIES",
            ApplicationState::HearingScheduled => "HEARING_SCHEDULED",
            ApplicationState::Registered => "REGISTERED",
            ApplicationState::Denied => "DENIED",
            ApplicationState::Withdrawn => "WITHDRAWN",
        }
    }

    /// Reads a stored name.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|state| state.as_str() == text)
    }

    /// Registered, denied and withdrawn are final: no withdrawal after them,
    /// and the application no longer holds its applicant's place in the locality.
    pub const fn is_final(self) -> bool {
        matches!(
            self,
            ApplicationState::Registered | ApplicationState::Denied | ApplicationState::Withdrawn
        )
    }
}

/// Who caused a change: recorded on every event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// A staff id, a system name, or "citizen" (never an IIN).
    pub id: String,
    /// The role they acted in.
    pub role: Role,
}

impl Actor {
    /// This service itself.
    pub fn intake() -> Self {
        Self {
            id: crate::SERVICE.to_owned(),
            role: Role::System,
        }
    }
}

/// Reads a role as stored (`Role::as_str`).
pub fn parse_role(text: &str) -> Option<Role> {
    [
        Role::Citizen,
        Role::Operator,
        Role::ProviderHead,
        Role::ComplaintsBody,
        Role::Auditor,
        Role::System,
    ]
    .into_iter()
    .find(|role| role.as_str() == text)
}

/// What the signature check found, as recorded with the application.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureRecord {
    /// The IIN the signer certificate names.
    pub signer_iin: Iin,
    /// The signer certificate's serial number, lowercase hex.
    pub certificate_serial: String,
    /// The signingTime signed attribute.
    pub signing_time: DateTime<Utc>,
    /// SHA-256 of the signed content, lowercase hex.
    pub content_sha256: String,
}

/// An application as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredApplication {
    /// Its id.
    pub id: ApplicationId,
    /// The idempotency key of the call that created it.
    pub request_id: String,
    /// The person to be registered.
    pub applicant_iin: Iin,
    /// The representative who filed, if one did.
    pub representative_iin: Option<Iin>,
    /// The locality applied for.
    pub locality: Kato,
    /// Where it is.
    pub state: ApplicationState,
    /// The exact signed bytes (a serialized `ApplicationForm`).
    pub form_content: Vec<u8>,
    /// What the signature check found.
    pub signature: SignatureRecord,
    /// When the service received it.
    pub submit_time: DateTime<Utc>,
    /// The working day it counts as accepted on.
    pub acceptance_date: NaiveDate,
    /// Close of the processing term in force.
    pub processing_deadline: DateTime<Utc>,
    /// The latest decision, `cases/{case}/decisions/{decision}`.
    pub latest_decision: Option<String>,
    /// The register entry, `registerEntries/{entry}`.
    pub register_entry: Option<String>,
    /// Last change.
    pub update_time: DateTime<Utc>,
    /// Bumped by every change.
    pub revision: i64,
}

impl StoredApplication {
    /// Whether `iin` is the applicant or the representative who filed.
    pub fn concerns(&self, iin: &Iin) -> bool {
        self.applicant_iin == *iin || self.representative_iin.as_ref() == Some(iin)
    }

    /// The etag: changes with every update.
    pub fn etag(&self) -> String {
        format!("\"{}\"", self.revision)
    }
}

/// One change in an application's life, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredEvent {
    /// The application.
    pub application_id: ApplicationId,
    /// Its place in the history (the revision it produced).
    pub sequence: i64,
    /// The reporter's id of the event; unique per application.
    pub event_id: String,
    /// The state the application moved to.
    pub state: ApplicationState,
    /// When it moved.
    pub event_time: DateTime<Utc>,
    /// The decision behind it.
    pub decision: Option<String>,
    /// The register entry, when registered.
    pub register_entry: Option<String>,
    /// The processing deadline in force after the change.
    pub processing_deadline: Option<DateTime<Utc>>,
    /// Who caused it.
    pub actor: Actor,
    /// Rule codes behind it.
    pub rule_codes: Vec<String>,
}

impl StoredEvent {
    /// `applications/{application}/events/{sequence}`.
    pub fn name(&self) -> String {
        format!("{}/events/{}", self.application_id.name(), self.sequence)
    }
}

/// The key that allows one active application per applicant and locality.
///
/// Localities compare the way eligibility compares them (docs/eligibility.md,
/// "Locality"): every KATO code of Astana, Almaty or Shymkent is the same
/// locality, elsewhere the nine digits must be equal. The key holds an IIN,
/// so it stays in the database and never reaches a log line.
pub fn active_key(applicant: &Iin, locality: &Kato) -> String {
    let locality_part = match locality.city_of_national_status() {
        Some(_) => &locality.as_str()[..2],
        None => locality.as_str(),
    };
    format!("{}:{locality_part}", applicant.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iin() -> Iin {
        Iin::parse("900101300017").expect("a valid IIN")
    }

    #[test]
    fn application_names_round_trip_and_refuse_other_shapes() {
        let id = ApplicationId::generate();
        assert_eq!(ApplicationId::from_name(&id.name()), Some(id.clone()));
        assert_eq!(id.to_string(), id.name());
        for bad in [
            "applications/",
            "applications/XYZ",
            "cases/0123456789abcdef0123456789abcdef",
            "applications/0123456789abcdef0123456789abcdef/events/1",
        ] {
            assert_eq!(ApplicationId::from_name(bad), None, "{bad}");
        }
    }

    #[test]
    fn states_round_trip_and_only_three_are_final() {
        for state in ApplicationState::ALL {
            assert_eq!(ApplicationState::parse(state.as_str()), Some(state));
        }
        let finals: Vec<_> = ApplicationState::ALL
            .into_iter()
            .filter(|state| state.is_final())
            .collect();
        assert_eq!(
            finals,
            [
                ApplicationState::Registered,
                ApplicationState::Denied,
                ApplicationState::Withdrawn
            ]
        );
    }

    #[test]
    fn districts_of_a_city_of_national_status_share_one_active_key() {
        let almaty_district = Kato::parse("751110000").expect("kato");
        let another_almaty_district = Kato::parse("751310000").expect("kato");
        let karaganda = Kato::parse("351010000").expect("kato");
        let temirtau = Kato::parse("352410000").expect("kato");
        assert_eq!(
            active_key(&iin(), &almaty_district),
            active_key(&iin(), &another_almaty_district)
        );
        assert_ne!(
            active_key(&iin(), &karaganda),
            active_key(&iin(), &temirtau)
        );
    }

    #[test]
    fn roles_round_trip() {
        for role in [Role::Citizen, Role::Operator, Role::System, Role::Auditor] {
            assert_eq!(parse_role(role.as_str()), Some(role));
        }
        assert_eq!(parse_role("minister"), None);
    }
}
