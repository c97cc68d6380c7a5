//! Complaints against the service provider (rules.md §4, Chapter 3 of the Rules).
//!
//! Pure functions over the [`WorkingCalendar`]: where a complaint goes, by when
//! it is answered or forwarded, whether a term is about to run out, and the
//! final answer, which always names the route to court.
//!
//! Reading of §18 and §19 together: a complaint filed with the provider has
//! two clocks. The provider answers a complaint it processes itself within 5
//! working days of registration (`COMPLAINT_PROVIDER_TERM`); and unless it
//! fully satisfies the complaint within 3 working days of accepting it, it
//! forwards the complaint with the administrative case to the body processing
//! complaints within those 3 days (`COMPLAINT_FORWARD_TERM`). Registration and
//! acceptance follow the after-hours rule of applications
//! (`AFTER_HOURS_NEXT_WORKING_DAY`): both are the same day.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use crate::RuleCode;
use crate::calendar::{CalendarError, WorkingCalendar};

/// Whose decision, action or inaction a complaint is against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Respondent {
    /// The service provider itself (Otbasy Bank).
    ServiceProvider,
    /// An employee of the service provider.
    ProviderEmployee,
    /// Any other body or person (a local executive body, a state register, …).
    OtherBody,
}

/// What is appealed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AppealedConduct {
    /// A decision (for example a reasoned denial).
    Decision,
    /// An action.
    Action,
    /// An inaction (for example a term that ran out).
    Inaction,
}

/// What a complaint is against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct ComplaintSubject {
    /// Whose conduct is appealed.
    pub respondent: Respondent,
    /// Which conduct.
    pub conduct: AppealedConduct,
}

/// Where a complaint is received and processed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ComplaintRoute {
    /// Addressed to the head of the service provider and filed with the
    /// provider whose decision, action or inaction is appealed.
    ToProvider,
    /// Received by the authorised body for assessment and control over the
    /// quality of public services.
    ToQualityBody,
}

impl ComplaintRoute {
    /// The term for answering a complaint on this route, in working days from registration.
    ///
    /// §18: "A complaint from the Service Recipient received by the Service
    /// Provider directly rendering the public service, in accordance with
    /// paragraph 2 of Article 25 of the Law on Public Services, shall be
    /// processed within five working days from the date of its registration.
    /// A complaint from the Service Recipient received by the authorized body
    /// for assessment and control over the public services quality shall be
    /// processed within fifteen working days from the date of its registration."
    pub const fn answer_term_working_days(self) -> u32 {
        match self {
            ComplaintRoute::ToProvider => 5,
            ComplaintRoute::ToQualityBody => 15,
        }
    }

    /// The rule code of the answer term: `COMPLAINT_PROVIDER_TERM` or `COMPLAINT_QUALITY_BODY_TERM`.
    pub const fn answer_term_rule_code(self) -> RuleCode {
        match self {
            ComplaintRoute::ToProvider => RuleCode::ComplaintProviderTerm,
            ComplaintRoute::ToQualityBody => RuleCode::ComplaintQualityBodyTerm,
        }
    }
}

/// Why a complaint cannot take the route to the provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ComplaintRouteError {
    /// The complaint is not against the provider or its staff: the provider's
    /// complaint procedure does not cover another body's conduct.
    #[error("the complaint is not against the service provider or its employees")]
    NotAgainstProvider,
}

/// The route for a complaint filed with the provider. Rule `COMPLAINT_TO_PROVIDER`.
///
/// §18: "A complaint against decisions, actions (inaction) of the Service
/// Provider and (or) their employees on matters of rendering public services
/// shall be addressed to the head of the Service Provider."
///
/// §19: "The complaint shall be submitted to the Service Provider whose
/// decision, action (inaction) is being appealed."
pub fn route_to_provider(
    subject: &ComplaintSubject,
) -> Result<ComplaintRoute, ComplaintRouteError> {
    match subject.respondent {
        Respondent::ServiceProvider | Respondent::ProviderEmployee => {
            Ok(ComplaintRoute::ToProvider)
        }
        Respondent::OtherBody => Err(ComplaintRouteError::NotAgainstProvider),
    }
}

/// When a complaint is registered and by when it must be answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ComplaintDeadline {
    /// The route the complaint took.
    pub route: ComplaintRoute,
    /// The registration day (after-hours rule applied).
    pub registration_day: NaiveDate,
    /// The close of provider hours of the last working day of the term.
    pub answer_due: DateTime<Utc>,
}

impl ComplaintDeadline {
    /// The rule code of the term.
    pub const fn rule_code(&self) -> RuleCode {
        self.route.answer_term_rule_code()
    }

    /// Whether an answer given at an instant is within the term (the end instant included).
    pub fn is_met_by(&self, answered_at: DateTime<Utc>) -> bool {
        answered_at <= self.answer_due
    }
}

/// The registration day of a complaint received at an instant: received
/// outside working hours, on a weekend or a holiday, it is registered on the
/// next working day, like an application (App1 row 7, see
/// [`WorkingCalendar::acceptance_day`]).
pub fn registration_day(
    calendar: &WorkingCalendar,
    received_at: DateTime<Utc>,
) -> Result<NaiveDate, CalendarError> {
    calendar.acceptance_day(received_at)
}

/// The answer term of a complaint received at an instant on a route. Rules
/// `COMPLAINT_PROVIDER_TERM` (5 working days) and `COMPLAINT_QUALITY_BODY_TERM`
/// (15 working days), quoted at [`ComplaintRoute::answer_term_working_days`].
pub fn answer_deadline(
    calendar: &WorkingCalendar,
    route: ComplaintRoute,
    received_at: DateTime<Utc>,
) -> Result<ComplaintDeadline, CalendarError> {
    let registration_day = registration_day(calendar, received_at)?;
    let answer_due = calendar.term_end(registration_day, route.answer_term_working_days())?;
    Ok(ComplaintDeadline {
        route,
        registration_day,
        answer_due,
    })
}

/// The working days the provider has to forward a complaint or fully satisfy it.
pub const FORWARD_TERM_WORKING_DAYS: u32 = 3;

/// What the provider has done with a complaint filed with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ForwardingFacts {
    /// When the complaint reached the provider.
    pub received_at: DateTime<Utc>,
    /// When the provider made a decision or other administrative action that
    /// fully satisfies the complaint. A partial satisfaction is not recorded
    /// here: it does not release the provider from forwarding.
    pub fully_satisfied_at: Option<DateTime<Utc>>,
    /// When the complaint and the administrative case were forwarded.
    pub forwarded_at: Option<DateTime<Utc>>,
}

/// Whether a complaint must still be forwarded to the body processing complaints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ForwardingStatus {
    /// Fully satisfied within the 3 working days: forwarding is not required.
    NotRequired {
        /// When the complaint was fully satisfied.
        fully_satisfied_at: DateTime<Utc>,
    },
    /// Forwarded; `in_time` tells whether by the deadline.
    Forwarded {
        /// When it was forwarded.
        forwarded_at: DateTime<Utc>,
        /// The deadline it had.
        deadline: DateTime<Utc>,
        /// Whether `forwarded_at` is not after `deadline`.
        in_time: bool,
    },
    /// Not forwarded yet and the deadline has not passed.
    Due {
        /// The close of hours of the 3rd working day after acceptance.
        deadline: DateTime<Utc>,
    },
    /// Not forwarded and the deadline has passed.
    Overdue {
        /// The close of hours of the 3rd working day after acceptance.
        deadline: DateTime<Utc>,
    },
}

/// Whether, and by when, a complaint filed with the provider must be
/// forwarded. Rule `COMPLAINT_FORWARD_TERM`.
///
/// §19: "The Service Provider whose decision, action (inaction) is being
/// appealed shall, no later than three working days from the date of
/// accepting the complaint, forward it and the administrative case to the
/// body processing the complaint. In this case, the Service Provider whose
/// decision, action (inaction) is being appealed shall have the right not to
/// forward the complaint to the body processing the complaint if it makes a
/// decision or other administrative action within three working days that
/// fully satisfies the requirements stated in the complaint."
///
/// Reading: the day of accepting is the registration day (after-hours rule);
/// the 3 working days end at the close of hours of the 3rd working day after
/// it. A full satisfaction after that moment does not release the provider:
/// the right not to forward exists only "within three working days".
pub fn forwarding_status(
    calendar: &WorkingCalendar,
    facts: &ForwardingFacts,
    now: DateTime<Utc>,
) -> Result<ForwardingStatus, CalendarError> {
    let accepted_on = registration_day(calendar, facts.received_at)?;
    let deadline = calendar.term_end(accepted_on, FORWARD_TERM_WORKING_DAYS)?;
    if let Some(forwarded_at) = facts.forwarded_at {
        return Ok(ForwardingStatus::Forwarded {
            forwarded_at,
            deadline,
            in_time: forwarded_at <= deadline,
        });
    }
    match facts.fully_satisfied_at {
        Some(fully_satisfied_at) if fully_satisfied_at <= deadline => {
            Ok(ForwardingStatus::NotRequired { fully_satisfied_at })
        }
        _ if now <= deadline => Ok(ForwardingStatus::Due { deadline }),
        _ => Ok(ForwardingStatus::Overdue { deadline }),
    }
}

/// How an open complaint stands against its term.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ComplaintTermStatus {
    /// More working days are left than the due-soon threshold.
    OnTime,
    /// The term ends within the threshold, and has not ended.
    DueSoon,
    /// The term has ended.
    Overdue,
}

/// Classifies an open term (an answer or a forwarding) at an instant.
///
/// Overdue once `now` is after `due`. Otherwise due soon when the working
/// days left — those after today's local date, up to and including the
/// due date — are at most `due_soon_within_working_days`: with 0, only on
/// the due day itself; with 1, also on the working day before it (and on
/// the days off just before that day).
pub fn term_status(
    calendar: &WorkingCalendar,
    due: DateTime<Utc>,
    now: DateTime<Utc>,
    due_soon_within_working_days: u32,
) -> Result<ComplaintTermStatus, CalendarError> {
    if now > due {
        return Ok(ComplaintTermStatus::Overdue);
    }
    let time_zone = calendar.hours().time_zone();
    let today = now.with_timezone(&time_zone).date_naive();
    let due_day = due.with_timezone(&time_zone).date_naive();
    let working_days_left = calendar.working_days_between(today, due_day)?;
    if working_days_left <= due_soon_within_working_days {
        Ok(ComplaintTermStatus::DueSoon)
    } else {
        Ok(ComplaintTermStatus::OnTime)
    }
}

/// The instant before which an open term that has not ended is due soon, for
/// listing by term in storage: a term ending at `due` with `now <= due` is
/// [`ComplaintTermStatus::DueSoon`] by [`term_status`] exactly when
/// `due < due_soon_before(…)`. It is the local midnight that starts the
/// (`due_soon_within_working_days` + 1)-th working day after today: every due
/// day before it has at most the threshold of working days left.
pub fn due_soon_before(
    calendar: &WorkingCalendar,
    now: DateTime<Utc>,
    due_soon_within_working_days: u32,
) -> Result<DateTime<Utc>, CalendarError> {
    let time_zone = calendar.hours().time_zone();
    let today = now.with_timezone(&time_zone).date_naive();
    let first_day_not_due_soon =
        calendar.add_working_days(today, due_soon_within_working_days.saturating_add(1))?;
    calendar
        .hours()
        .instant(first_day_not_due_soon, chrono::NaiveTime::MIN)
}

/// Where the pre-trial procedure of a complaint stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PretrialStage {
    /// No complaint has been filed.
    NotFiled,
    /// A complaint is filed and has no final answer yet.
    Pending,
    /// The complaint has a final answer.
    FinalAnswerGiven,
    /// A law provides otherwise: no pre-trial procedure is required. Whether
    /// one does is a legal decision the caller makes; this crate does not guess it.
    NotRequiredByLaw,
}

/// Whether an appeal may be brought to court.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CourtAccess {
    /// The appeal may be brought to court.
    Open,
    /// The pre-trial procedure comes first.
    AfterPretrialProcedure,
}

/// Whether an appeal may go to court at a stage. Rule `COURT_AFTER_PRETRIAL`.
///
/// §19: "Unless otherwise provided by law, an appeal may be brought to the
/// court after a pre-trial action."
pub fn court_access(stage: PretrialStage) -> CourtAccess {
    match stage {
        PretrialStage::FinalAnswerGiven | PretrialStage::NotRequiredByLaw => CourtAccess::Open,
        PretrialStage::NotFiled | PretrialStage::Pending => CourtAccess::AfterPretrialProcedure,
    }
}

/// The clause of a final answer that names the route to court. Only
/// [`FinalAnswer::new`] makes one, so every final answer carries it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CourtRouteClause {
    _only_built_by_final_answer: (),
}

impl CourtRouteClause {
    /// The text shown to the applicant.
    pub const TEXT: &'static str = "The pre-trial procedure is complete. Unless otherwise provided \
        by law, you may appeal this answer to court (Rules, paragraph 19).";

    /// The text shown to the applicant.
    pub const fn text(&self) -> &'static str {
        Self::TEXT
    }

    /// The rule the clause implements: `COURT_AFTER_PRETRIAL`.
    pub const fn rule_code(&self) -> RuleCode {
        RuleCode::CourtAfterPretrial
    }
}

/// What a final answer decides on the complaint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ComplaintOutcome {
    /// The requirements of the complaint are fully satisfied.
    Satisfied,
    /// Some requirements are satisfied.
    PartiallySatisfied,
    /// The complaint is rejected.
    Rejected,
}

/// The final answer on a complaint. Rule `COURT_AFTER_PRETRIAL`: it always
/// names the route to court (§19, quoted at [`court_access`]; rules.md: "the
/// final answer tells the applicant so").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FinalAnswer {
    route: ComplaintRoute,
    outcome: ComplaintOutcome,
    answered_at: DateTime<Utc>,
    court_route: CourtRouteClause,
}

impl FinalAnswer {
    /// The final answer given on a route, with its court-route clause.
    pub fn new(
        route: ComplaintRoute,
        outcome: ComplaintOutcome,
        answered_at: DateTime<Utc>,
    ) -> Self {
        let court_route = CourtRouteClause {
            _only_built_by_final_answer: (),
        };
        Self {
            route,
            outcome,
            answered_at,
            court_route,
        }
    }

    /// The route on which the answer was given.
    pub fn route(&self) -> ComplaintRoute {
        self.route
    }

    /// What the answer decides.
    pub fn outcome(&self) -> ComplaintOutcome {
        self.outcome
    }

    /// When the answer was given.
    pub fn answered_at(&self) -> DateTime<Utc> {
        self.answered_at
    }

    /// The clause naming the route to court.
    pub fn court_route(&self) -> &CourtRouteClause {
        &self.court_route
    }

    /// The pre-trial stage after this answer: complete.
    pub fn pretrial_stage(&self) -> PretrialStage {
        PretrialStage::FinalAnswerGiven
    }
}
