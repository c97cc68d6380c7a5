//! Processing terms of the two tracks and the hearing before a denial (rules.md §3).

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};

use super::{CalendarError, WorkingCalendar};
use crate::RuleCode;

/// The processing term of an application, by track.
///
/// §13: "The Service Provider shall accept and within 1 (one) working day
/// process the application […] When registering citizens of the Republic of
/// Kazakhstan in need of housing, kandases, whose only home is recognized as
/// emergency housing in the manner prescribed by the legislation of the
/// Republic of Kazakhstan, the application processing term shall be 3 (three)
/// working days."
///
/// App1 row 3: "1) […] who have not had own housing on the territory of the
/// Republic of Kazakhstan in the last five years – 1 (one) working day;
/// 2) […] whose only home is recognized as emergency housing […] - 3 (three)
/// working days."
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProcessingTerm {
    /// Track 1 (no housing in the last five years): 1 working day,
    /// rule `TERM_TRACK_NO_HOUSING`.
    NoHousing,
    /// Track 2 (the only home is emergency housing): 3 working days,
    /// rule `TERM_TRACK_EMERGENCY`.
    Emergency,
}

impl ProcessingTerm {
    /// The length of the term in working days.
    pub const fn working_days(self) -> u32 {
        match self {
            ProcessingTerm::NoHousing => 1,
            ProcessingTerm::Emergency => 3,
        }
    }

    /// The rule code a decision cites for its term.
    pub const fn rule_code(self) -> RuleCode {
        match self {
            ProcessingTerm::NoHousing => RuleCode::TermTrackNoHousing,
            ProcessingTerm::Emergency => RuleCode::TermTrackEmergency,
        }
    }
}

/// When an application is accepted and by when it must be decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProcessingDeadline {
    /// The term that applies.
    pub term: ProcessingTerm,
    /// The acceptance day (rule `AFTER_HOURS_NEXT_WORKING_DAY`).
    pub acceptance_day: NaiveDate,
    /// The close of provider hours of the last working day of the term.
    pub term_end: DateTime<Utc>,
}

impl ProcessingDeadline {
    /// The rule code of the term.
    pub const fn rule_code(&self) -> RuleCode {
        self.term.rule_code()
    }

    /// Whether a decision made at an instant is within the term. The term
    /// ends at 18:30:00, so a decision at that instant is still in time.
    pub fn is_met_by(&self, decided_at: DateTime<Utc>) -> bool {
        decided_at <= self.term_end
    }
}

/// The local time at which hearings are scheduled; 10:00 by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HearingSlot(NaiveTime);

impl HearingSlot {
    /// A slot at a local time; it must be an appointment time of the
    /// provider's hours, which [`WorkingCalendar::hearing_schedule`] checks.
    pub const fn at(local_time: NaiveTime) -> Self {
        Self(local_time)
    }

    /// The local time of the slot.
    pub const fn local_time(self) -> NaiveTime {
        self.0
    }
}

impl Default for HearingSlot {
    fn default() -> Self {
        Self(NaiveTime::from_hms_opt(10, 0, 0).expect("10:00 is a valid time of day"))
    }
}

/// The hearing of a preliminary denial, and the term it leaves for the final decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HearingSchedule {
    /// The date of notification: the local date on which the notice was sent.
    pub notice_day: NaiveDate,
    /// When the hearing is held: the hearing slot of the 2nd working day after the notice day.
    pub hearing_at: DateTime<Utc>,
    /// Until when the applicant may state their position: the start of the hearing.
    pub position_deadline: DateTime<Utc>,
    /// The end of the processing term, extended when the notice left fewer
    /// than 3 working days before the original end.
    pub term_end: DateTime<Utc>,
    /// Whether `term_end` is later than the original term end.
    pub term_was_extended: bool,
}

impl HearingSchedule {
    /// The rule code the schedule implements.
    pub const RULE_CODE: RuleCode = RuleCode::Hearing;
}

/// The hearing is held no later than this many working days after the notice.
pub const HEARING_WITHIN_WORKING_DAYS_OF_NOTICE: u32 = 2;
/// The notice is sent at least this many working days before the term ends.
pub const HEARING_NOTICE_WORKING_DAYS_BEFORE_TERM_END: u32 = 3;

impl WorkingCalendar {
    /// The acceptance day and term end of an application received at an
    /// instant. Rules `AFTER_HOURS_NEXT_WORKING_DAY` and
    /// `TERM_TRACK_NO_HOUSING` / `TERM_TRACK_EMERGENCY` (see [`ProcessingTerm`]).
    pub fn processing_deadline(
        &self,
        received_at: DateTime<Utc>,
        term: ProcessingTerm,
    ) -> Result<ProcessingDeadline, CalendarError> {
        let acceptance_day = self.acceptance_day(received_at)?;
        let term_end = self.term_end(acceptance_day, term.working_days())?;
        Ok(ProcessingDeadline {
            term,
            acceptance_day,
            term_end,
        })
    }

    /// Schedules the hearing of a preliminary denial. Rule `HEARING`.
    ///
    /// §17: "If grounds for denied public service are identified in accordance
    /// with Article 73 of the Administrative Procedural and Process-Related
    /// Code of the Republic of Kazakhstan, the Service Provider shall notify
    /// the Service Recipient of the preliminary decision, of the denied public
    /// service, as well as the time, date and place (method) of the hearing so
    /// that the Service Recipient could express his position on the
    /// preliminary decision. Notification of the hearing shall be sent at
    /// least 3 (three) working days before expiry of the term for the public
    /// service provision. The hearing shall be held no later than 2 (two)
    /// working days from the date of notification."
    ///
    /// Reading:
    /// * the date of notification is the local date on which the notice is
    ///   sent, whatever the hour; working days count from the day after it;
    /// * the hearing is held at the slot (10:00 by default) of the 2nd working
    ///   day after the notice day — the latest day allowed, which gives the
    ///   applicant the most time to prepare; the position may be stated until
    ///   the hearing starts;
    /// * rules.md §3: "A preliminary denial extends the term so that the
    ///   hearing notice is 3 working days before its end": the term ends at
    ///   the later of the original end and the close of hours of the 3rd
    ///   working day after the notice day.
    pub fn hearing_schedule(
        &self,
        notice_at: DateTime<Utc>,
        original_term_end: DateTime<Utc>,
        slot: HearingSlot,
    ) -> Result<HearingSchedule, CalendarError> {
        if !self.hours().is_appointment_time(slot.local_time()) {
            return Err(CalendarError::HearingSlotOutsideHours(slot.local_time()));
        }
        let notice_day = self.notice_day(notice_at);
        let hearing_day =
            self.add_working_days(notice_day, HEARING_WITHIN_WORKING_DAYS_OF_NOTICE)?;
        let hearing_at = self.hours().instant(hearing_day, slot.local_time())?;
        let earliest_allowed_term_end =
            self.term_end(notice_day, HEARING_NOTICE_WORKING_DAYS_BEFORE_TERM_END)?;
        let term_end = original_term_end.max(earliest_allowed_term_end);
        Ok(HearingSchedule {
            notice_day,
            hearing_at,
            position_deadline: hearing_at,
            term_end,
            term_was_extended: term_end > original_term_end,
        })
    }

    /// Whether a hearing notice sent at `notice_at` is at least 3 working
    /// days before a term ending at `term_end` (§17, rule `HEARING`, quoted
    /// at [`WorkingCalendar::hearing_schedule`]): the term must not end
    /// before the close of hours of the 3rd working day after the notice day.
    pub fn hearing_notice_is_timely(
        &self,
        notice_at: DateTime<Utc>,
        term_end: DateTime<Utc>,
    ) -> Result<bool, CalendarError> {
        let notice_day = self.notice_day(notice_at);
        let earliest_allowed_term_end =
            self.term_end(notice_day, HEARING_NOTICE_WORKING_DAYS_BEFORE_TERM_END)?;
        Ok(term_end >= earliest_allowed_term_end)
    }

    /// Whether a hearing at `hearing_at` is held after the notice and no later
    /// than 2 working days from the date of notification (§17, rule `HEARING`,
    /// quoted at [`WorkingCalendar::hearing_schedule`]).
    pub fn hearing_is_within_limit(
        &self,
        notice_at: DateTime<Utc>,
        hearing_at: DateTime<Utc>,
    ) -> Result<bool, CalendarError> {
        let notice_day = self.notice_day(notice_at);
        let last_hearing_day =
            self.add_working_days(notice_day, HEARING_WITHIN_WORKING_DAYS_OF_NOTICE)?;
        Ok(notice_at < hearing_at && hearing_at < self.close_of_day(last_hearing_day)?)
    }

    /// The date of notification: the local date of the instant the notice is sent.
    fn notice_day(&self, notice_at: DateTime<Utc>) -> NaiveDate {
        notice_at
            .with_timezone(&self.hours().time_zone())
            .date_naive()
    }
}
