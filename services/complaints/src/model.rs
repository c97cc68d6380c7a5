//! What the service keeps: complaints, in the service's own terms (no wire
//! types, no SQL).

use std::fmt;

use chrono::{DateTime, NaiveDate, Utc};
use housing_domain::Iin;
use housing_domain::complaint::{ComplaintOutcome, ComplaintRoute};
use housing_platform::caller::{Caller, Role};

/// The `{complaint}` segment of `complaints/{complaint}`: a UUID without
/// dashes, chosen by the service.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ComplaintId(String);

const COMPLAINTS_COLLECTION: &str = "complaints/";

impl ComplaintId {
    /// A new, random id.
    pub fn generate() -> Self {
        Self(uuid::Uuid::new_v4().simple().to_string())
    }

    /// Reads `complaints/{complaint}`.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::from_stored(name.strip_prefix(COMPLAINTS_COLLECTION)?)
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

    /// The resource name, `complaints/{complaint}`: what logs carry.
    pub fn name(&self) -> String {
        format!("{COMPLAINTS_COLLECTION}{}", self.0)
    }
}

impl fmt::Display for ComplaintId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{COMPLAINTS_COLLECTION}{}", self.0)
    }
}

/// The `{application}` segment of an application's name; the case of the
/// application at eligibility-verification has the same id.
pub fn application_id(name: &str) -> Option<&str> {
    let id = name.strip_prefix("applications/")?;
    let well_formed = !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_');
    well_formed.then_some(id)
}

/// Where a complaint is in its life (`Complaint.State` of the contract).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ComplaintState {
    /// Registered with the provider (or with the quality body, on that route).
    Registered,
    /// Forwarded with the administrative case to the body processing complaints.
    Forwarded,
    /// Decided: the final answer is given.
    Decided,
}

impl ComplaintState {
    /// The state as stored: the contract's name without `STATE_`.
    pub const fn as_str(self) -> &'static str {
        match self {
            ComplaintState::Registered => "REGISTERED",
            ComplaintState::Forwarded => "FORWARDED",
            ComplaintState::Decided => "DECIDED",
        }
    }

    /// The state a stored text names.
    pub fn parse(text: &str) -> Option<Self> {
        [
            ComplaintState::Registered,
            ComplaintState::Forwarded,
            ComplaintState::Decided,
        ]
        .into_iter()
        .find(|state| state.as_str() == text)
    }
}

/// The route as stored.
pub const fn route_as_str(route: ComplaintRoute) -> &'static str {
    match route {
        ComplaintRoute::ToProvider => "PROVIDER_HEAD",
        ComplaintRoute::ToQualityBody => "QUALITY_BODY",
    }
}

/// The route a stored text names.
pub fn parse_route(text: &str) -> Option<ComplaintRoute> {
    [ComplaintRoute::ToProvider, ComplaintRoute::ToQualityBody]
        .into_iter()
        .find(|route| route_as_str(*route) == text)
}

/// The outcome as stored.
pub const fn outcome_as_str(outcome: ComplaintOutcome) -> &'static str {
    match outcome {
        ComplaintOutcome::Satisfied => "SATISFIED",
        ComplaintOutcome::PartiallySatisfied => "PARTLY_SATISFIED",
        ComplaintOutcome::Rejected => "REJECTED",
    }
}

/// The outcome a stored text names.
pub fn parse_outcome(text: &str) -> Option<ComplaintOutcome> {
    [
        ComplaintOutcome::Satisfied,
        ComplaintOutcome::PartiallySatisfied,
        ComplaintOutcome::Rejected,
    ]
    .into_iter()
    .find(|outcome| outcome_as_str(*outcome) == text)
}

/// What a satisfied complaint orders in eligibility-verification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Remedy {
    /// Evaluate the application again with fresh registry data (`ReevaluateCase`).
    Reevaluate,
    /// Register the applicant (`RegisterByComplaintDecision`).
    Register,
}

impl Remedy {
    /// The remedy as stored.
    pub const fn as_str(self) -> &'static str {
        match self {
            Remedy::Reevaluate => "REEVALUATE",
            Remedy::Register => "REGISTER",
        }
    }

    /// The remedy a stored text names.
    pub fn parse(text: &str) -> Option<Self> {
        [Remedy::Reevaluate, Remedy::Register]
            .into_iter()
            .find(|remedy| remedy.as_str() == text)
    }
}

/// Who did something, as recorded: a staff id or system name, and the role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// The caller's id (never an IIN).
    pub id: String,
    /// The role they acted in.
    pub role: Role,
}

impl Actor {
    /// The caller, as recorded.
    pub fn of(caller: &Caller) -> Self {
        Self {
            id: caller.id().to_owned(),
            role: caller.role(),
        }
    }
}

/// What the signature check found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureRecord {
    /// The IIN the signer certificate names.
    pub signer_iin: Iin,
    /// The certificate's serial number, hex.
    pub certificate_serial: String,
    /// The signing time of the CMS signed attributes.
    pub signing_time: DateTime<Utc>,
    /// SHA-256 of the signed content, hex.
    pub content_sha256: String,
}

/// A forwarding to the body processing complaints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForwardingRecord {
    /// The idempotency key of the ForwardComplaint call.
    pub request_id: String,
    /// The body it went to.
    pub body: String,
    /// When.
    pub forward_time: DateTime<Utc>,
    /// Who forwarded it.
    pub forwarded_by: Actor,
    /// The answer is due there by then (`COMPLAINT_QUALITY_BODY_TERM`).
    pub answer_deadline: DateTime<Utc>,
}

/// The decision on a complaint: the final answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecisionRecord {
    /// The idempotency key of the DecideComplaint call.
    pub request_id: String,
    /// The outcome.
    pub outcome: ComplaintOutcome,
    /// The reasons.
    pub reasons: String,
    /// Who decided, in what role.
    pub decided_by: Actor,
    /// When.
    pub decide_time: DateTime<Utc>,
    /// What it orders in eligibility-verification.
    pub remedy: Option<Remedy>,
    /// The eligibility decision the remedy produced, once it took effect.
    pub resulting_decision: Option<String>,
}

/// A complaint as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredComplaint {
    /// Its id.
    pub id: ComplaintId,
    /// The FileComplaint request id.
    pub request_id: String,
    /// "HPC-C-2026-000042".
    pub number: String,
    /// Who complains: the applicant or their representative.
    pub complainant_iin: Iin,
    /// The applicant of the application concerned.
    pub applicant_iin: Iin,
    /// Their representative, if one filed the application.
    pub representative_iin: Option<Iin>,
    /// `applications/{application}`.
    pub application: String,
    /// The decision complained of, `cases/{case}/decisions/{decision}`.
    pub decision: Option<String>,
    /// Where it was filed.
    pub route: ComplaintRoute,
    /// The exact signed bytes.
    pub form_content: Vec<u8>,
    /// The signature check.
    pub signature: SignatureRecord,
    /// The phone number notices go to (from the application form).
    pub phone: String,
    /// The e-mail address notices go to, or empty.
    pub email: String,
    /// When it was received.
    pub registration_time: DateTime<Utc>,
    /// The working day it counts as registered on.
    pub registration_date: NaiveDate,
    /// The route's answer term.
    pub answer_deadline: DateTime<Utc>,
    /// The provider route's forwarding term.
    pub forward_deadline: Option<DateTime<Utc>>,
    /// Where it is.
    pub state: ComplaintState,
    /// The term in force (kept when decided).
    pub deadline: DateTime<Utc>,
    /// The forwarding, once made.
    pub forwarding: Option<ForwardingRecord>,
    /// The decision, once made.
    pub decision_record: Option<DecisionRecord>,
    /// Last change.
    pub update_time: DateTime<Utc>,
    /// Bumped by every change.
    pub revision: i64,
}

impl StoredComplaint {
    /// Whether the citizen with this IIN is a party: the complainant, the
    /// applicant or the representative.
    pub fn concerns(&self, iin: &Iin) -> bool {
        &self.complainant_iin == iin
            || &self.applicant_iin == iin
            || self.representative_iin.as_ref() == Some(iin)
    }

    /// The case at eligibility-verification, `cases/{case}`.
    pub fn case_name(&self) -> String {
        self.application.replacen("applications/", "cases/", 1)
    }

    /// Whether it is still waiting for its answer.
    pub fn is_open(&self) -> bool {
        self.state != ComplaintState::Decided
    }
}
