//! The processing term and the hearing of a decision (rules.md §3), from the
//! working calendar ([`crate::calendar`]).

use chrono::{DateTime, Utc};

use super::application::{Application, Track};
use super::decision::{Hearing, Terms};
use crate::calendar::{CalendarError, HearingSlot, ProcessingTerm, WorkingCalendar};

/// What the terms of a decision are computed with: the calendar, and the
/// instant the decision (for a denial: the preliminary decision and the hearing
/// notice) is issued. The crate has no clock; the caller passes "now".
#[derive(Debug, Clone, Copy)]
pub struct Scheduling<'a> {
    /// The working calendar.
    pub calendar: &'a WorkingCalendar,
    /// When the decision is issued.
    pub decided_at: DateTime<Utc>,
    /// The local time at which hearings are held.
    pub hearing_slot: HearingSlot,
}

impl<'a> Scheduling<'a> {
    /// Scheduling with the default hearing slot.
    pub fn new(calendar: &'a WorkingCalendar, decided_at: DateTime<Utc>) -> Self {
        Self {
            calendar,
            decided_at,
            hearing_slot: HearingSlot::default(),
        }
    }
}

/// The processing term of a track: `TERM_TRACK_NO_HOUSING` (1 working day) or
/// `TERM_TRACK_EMERGENCY` (3 working days).
pub fn processing_term(track: Track) -> ProcessingTerm {
    match track {
        Track::NoHousing => ProcessingTerm::NoHousing,
        Track::EmergencyHome => ProcessingTerm::Emergency,
    }
}

/// The terms of a decision; the `HEARING` schedule only when grounds were found.
pub(crate) fn terms_of(
    application: &Application,
    scheduling: &Scheduling<'_>,
    grounds_found: bool,
) -> Result<Terms, CalendarError> {
    let term = processing_term(application.track);
    let term_end = scheduling
        .calendar
        .term_end(application.acceptance_date, term.working_days())?;
    let hearing = if grounds_found {
        let schedule = scheduling.calendar.hearing_schedule(
            scheduling.decided_at,
            term_end,
            scheduling.hearing_slot,
        )?;
        Some(Hearing {
            notice_day: schedule.notice_day,
            hearing_at: schedule.hearing_at,
            position_deadline: schedule.position_deadline,
            term_end: schedule.term_end,
            term_was_extended: schedule.term_was_extended,
        })
    } else {
        None
    };
    Ok(Terms {
        processing_term: term.rule_code(),
        working_days: term.working_days(),
        acceptance_day: application.acceptance_date,
        term_end,
        hearing,
    })
}
