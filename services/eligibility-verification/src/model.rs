//! The service's own vocabulary: where a case, a hearing and a decision are,
//! and who acted. Plain Rust types — the gRPC adapter maps them to and from
//! the contract, the storage layer to and from text columns.

use std::fmt;

use housing_platform::caller::{Caller, Role};

/// Where a case is (`Case.State`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CaseState {
    /// Gathering facts and evaluating.
    Verifying,
    /// A register did not answer: waiting to retry. Never a denial.
    AwaitingRegistries,
    /// Preliminary denial sent; hearing scheduled.
    HearingScheduled,
    /// Registered.
    Registered,
    /// Denied after the hearing.
    Denied,
    /// The application was withdrawn.
    Withdrawn,
}

impl CaseState {
    /// Every state, for parsing.
    pub const ALL: [CaseState; 6] = [
        CaseState::Verifying,
        CaseState::AwaitingRegistries,
        CaseState::HearingScheduled,
        CaseState::Registered,
        CaseState::Denied,
        CaseState::Withdrawn,
    ];

    /// The stored name (the contract's enum name without `STATE_`).
    pub const fn as_str(self) -> &'static str {
        match self {
            CaseState::Verifying => "VERIFYING",
            CaseState::AwaitingRegistries => "AWAITING_REGISTRIES",
            CaseState::HearingScheduled => "HEARING_SCHEDULED",
            CaseState::Registered => "REGISTERED",
            CaseState::Denied => "DENIED",
            CaseState::Withdrawn => "WITHDRAWN",
        }
    }

    /// The state of a stored name.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|state| state.as_str() == text)
    }

    /// Whether the evaluation worker still has to decide the case.
    pub const fn is_awaiting_first_decision(self) -> bool {
        matches!(self, CaseState::Verifying | CaseState::AwaitingRegistries)
    }

    /// Whether the case has reached a final decision or was withdrawn.
    pub const fn is_closed(self) -> bool {
        matches!(
            self,
            CaseState::Registered | CaseState::Denied | CaseState::Withdrawn
        )
    }
}

/// Where a hearing is (`Hearing.State`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HearingState {
    /// Scheduled; the applicant may state their position.
    Scheduled,
    /// The applicant stated a position; awaiting the decision.
    PositionStated,
    /// Decided after the hearing.
    Decided,
    /// The deadline passed with no position: the denial became final on its own.
    Lapsed,
}

impl HearingState {
    const ALL: [HearingState; 4] = [
        HearingState::Scheduled,
        HearingState::PositionStated,
        HearingState::Decided,
        HearingState::Lapsed,
    ];

    /// The stored name.
    pub const fn as_str(self) -> &'static str {
        match self {
            HearingState::Scheduled => "SCHEDULED",
            HearingState::PositionStated => "POSITION_STATED",
            HearingState::Decided => "DECIDED",
            HearingState::Lapsed => "LAPSED",
        }
    }

    /// The state of a stored name.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|state| state.as_str() == text)
    }

    /// Whether the hearing still waits for a final decision.
    pub const fn is_open(self) -> bool {
        matches!(self, HearingState::Scheduled | HearingState::PositionStated)
    }
}

/// How a hearing is held (`Hearing.Method`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HearingMethod {
    /// In writing through the personal account.
    WrittenPersonalAccount,
    /// By video conference, the link in the personal account.
    VideoConference,
}

impl HearingMethod {
    const ALL: [HearingMethod; 2] = [
        HearingMethod::WrittenPersonalAccount,
        HearingMethod::VideoConference,
    ];

    /// The stored and configured name.
    pub const fn as_str(self) -> &'static str {
        match self {
            HearingMethod::WrittenPersonalAccount => "written-personal-account",
            HearingMethod::VideoConference => "video-conference",
        }
    }

    /// The method of a stored or configured name.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|method| method.as_str() == text)
    }
}

/// What a decision is (`Decision.Outcome`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DecisionKind {
    /// Registered (final).
    Registered,
    /// Grounds for denial found: preliminary decision, hearing to follow.
    PreliminaryDenial,
    /// Reasoned denial after the hearing (final).
    Denied,
}

impl DecisionKind {
    const ALL: [DecisionKind; 3] = [
        DecisionKind::Registered,
        DecisionKind::PreliminaryDenial,
        DecisionKind::Denied,
    ];

    /// The stored name.
    pub const fn as_str(self) -> &'static str {
        match self {
            DecisionKind::Registered => "REGISTERED",
            DecisionKind::PreliminaryDenial => "PRELIMINARY_DENIAL",
            DecisionKind::Denied => "DENIED",
        }
    }

    /// The kind of a stored name.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == text)
    }
}

/// What led to a decision (`Decision.Trigger`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Trigger {
    /// The first evaluation of the application.
    Initial,
    /// A re-evaluation at an operator's (or a complaint's) request.
    Reevaluation,
    /// The decision after the hearing, by an authorised person.
    AfterHearing,
    /// The hearing deadline passed with no position stated.
    HearingLapsed,
    /// A decision on a complaint.
    Complaint,
}

impl Trigger {
    const ALL: [Trigger; 5] = [
        Trigger::Initial,
        Trigger::Reevaluation,
        Trigger::AfterHearing,
        Trigger::HearingLapsed,
        Trigger::Complaint,
    ];

    /// The stored name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Trigger::Initial => "INITIAL",
            Trigger::Reevaluation => "REEVALUATION",
            Trigger::AfterHearing => "AFTER_HEARING",
            Trigger::HearingLapsed => "HEARING_LAPSED",
            Trigger::Complaint => "COMPLAINT",
        }
    }

    /// The trigger of a stored name.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|trigger| trigger.as_str() == text)
    }
}

/// Who did something: recorded on every decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// A staff id, a system name, or "citizen". Safe to log.
    pub id: String,
    /// The role acted in.
    pub role: Role,
}

/// The id under which this service's automatic decisions are recorded.
pub const SYSTEM_ACTOR_ID: &str = crate::SERVICE;

impl Actor {
    /// The service itself: automatic evaluations and lapses.
    pub fn system() -> Self {
        Self {
            id: SYSTEM_ACTOR_ID.to_owned(),
            role: Role::System,
        }
    }

    /// The caller of a request.
    pub fn of(caller: &Caller) -> Self {
        Self {
            id: caller.id().to_owned(),
            role: caller.role(),
        }
    }
}

/// The role of a stored name (`Role::as_str`).
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

impl fmt::Display for CaseState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
