//! Requests other than `OpenCase`, parsed: names, page sizes and tokens,
//! filters and the commands of the hearing and of re-evaluation. Every field
//! at fault is reported at once.

use chrono::{DateTime, Utc};
use housing_platform::error::{ServiceError, Violation};
use housing_proto::housing::eligibility::v1 as pb;
use prost::Message;

use super::instant_from_wire;
use super::responses::{case_state_from_wire, hearing_state_from_wire};
use crate::model::{CaseState, HearingState};
use crate::names::{CaseId, NameError, is_complaint_name};

/// Longest idempotency key accepted.
const MAX_REQUEST_ID_LENGTH: usize = super::form::MAX_REQUEST_ID_LENGTH;
/// Longest free text (reasons, a position).
pub const MAX_TEXT_LENGTH: usize = 10_000;
/// Most attachments to a position.
pub const MAX_ATTACHMENTS: usize = 10;

/// Fails with every violation found, or passes.
fn finish<T>(value: Option<T>, violations: Vec<Violation>) -> Result<T, ServiceError> {
    match value {
        Some(value) if violations.is_empty() => Ok(value),
        _ => Err(ServiceError::invalid(violations)),
    }
}

fn name<T>(
    field: &str,
    parsed: Result<T, NameError>,
    violations: &mut Vec<Violation>,
) -> Option<T> {
    parsed
        .map_err(|error| violations.push(Violation::new(field, error.to_string())))
        .ok()
}

/// `name` of a case.
pub fn case_name(text: &str) -> Result<CaseId, ServiceError> {
    let mut violations = Vec::new();
    let id = name("name", CaseId::from_case_name(text), &mut violations);
    finish(id, violations)
}

/// `name` of a hearing.
pub fn hearing_name(text: &str) -> Result<CaseId, ServiceError> {
    let mut violations = Vec::new();
    let id = name("name", CaseId::from_hearing_name(text), &mut violations);
    finish(id, violations)
}

/// `name` of a decision.
pub fn decision_name(text: &str) -> Result<(CaseId, i64), ServiceError> {
    let mut violations = Vec::new();
    let id = name("name", CaseId::from_decision_name(text), &mut violations);
    finish(id, violations)
}

/// `name` of a register entry.
pub fn register_entry_name(text: &str) -> Result<CaseId, ServiceError> {
    let mut violations = Vec::new();
    let id = name(
        "name",
        CaseId::from_register_entry_name(text),
        &mut violations,
    );
    finish(id, violations)
}

/// A page request: how many, and where to continue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<C> {
    /// At most this many.
    pub size: i64,
    /// Continue after this position, from a previous page's token.
    pub after: Option<C>,
}

/// A position in a list, written into page tokens.
pub trait Cursor: Sized {
    /// The cursor's fields as text.
    fn to_text(&self) -> String;
    /// The cursor of a text.
    fn from_text(text: &str) -> Option<Self>;
}

impl Cursor for (DateTime<Utc>, CaseId) {
    fn to_text(&self) -> String {
        format!("{}|{}", self.0.timestamp_micros(), self.1)
    }
    fn from_text(text: &str) -> Option<Self> {
        let (micros, id) = text.split_once('|')?;
        Some((
            DateTime::from_timestamp_micros(micros.parse().ok()?)?,
            CaseId::parse(id)?,
        ))
    }
}

impl Cursor for (DateTime<Utc>, i64) {
    fn to_text(&self) -> String {
        format!("{}|{}", self.0.timestamp_micros(), self.1)
    }
    fn from_text(text: &str) -> Option<Self> {
        let (micros, ordinal) = text.split_once('|')?;
        Some((
            DateTime::from_timestamp_micros(micros.parse().ok()?)?,
            ordinal.parse().ok()?,
        ))
    }
}

impl Cursor for i64 {
    fn to_text(&self) -> String {
        self.to_string()
    }
    fn from_text(text: &str) -> Option<Self> {
        text.parse().ok()
    }
}

/// The opaque token of a cursor (AIP-158): not meant to be read by clients.
pub fn page_token<C: Cursor>(cursor: &C) -> String {
    hex::encode(format!("v1|{}", cursor.to_text()))
}

fn parse_page<C: Cursor>(
    size: i32,
    token: &str,
    default_size: i64,
    max_size: i64,
    violations: &mut Vec<Violation>,
) -> Option<Page<C>> {
    let size = match size {
        0 => default_size,
        size if size < 0 => {
            violations.push(Violation::new("page_size", "must not be negative"));
            return None;
        }
        // AIP-158: a larger size is coerced to the maximum.
        size => i64::from(size).min(max_size),
    };
    let after = if token.is_empty() {
        None
    } else {
        let cursor = hex::decode(token)
            .ok()
            .and_then(|bytes| String::from_utf8(bytes).ok())
            .and_then(|text| text.strip_prefix("v1|").and_then(C::from_text));
        if cursor.is_none() {
            violations.push(Violation::new(
                "page_token",
                "not a token from a previous response",
            ));
            return None;
        }
        cursor
    };
    Some(Page { size, after })
}

/// `ListCases`, parsed.
#[derive(Debug, Clone)]
pub struct ListCases {
    /// Only this state.
    pub state: Option<CaseState>,
    /// Only deadlines before this.
    pub deadline_before: Option<DateTime<Utc>>,
    /// The page.
    pub page: Page<(DateTime<Utc>, CaseId)>,
}

/// Parses `ListCases`.
pub fn list_cases(request: &pb::ListCasesRequest) -> Result<ListCases, ServiceError> {
    let mut violations = Vec::new();
    let state = case_state_from_wire(request.state)
        .map_err(|_| violations.push(Violation::new("state", "not a state of a case")))
        .ok()
        .flatten();
    let deadline_before = optional_instant(
        "deadline_before",
        request.deadline_before.as_ref(),
        &mut violations,
    );
    let page = parse_page(
        request.page_size,
        &request.page_token,
        50,
        500,
        &mut violations,
    );
    finish(
        page.map(|page| ListCases {
            state,
            deadline_before,
            page,
        }),
        violations,
    )
}

/// `ListDecisions`, parsed.
pub fn list_decisions(
    request: &pb::ListDecisionsRequest,
) -> Result<(CaseId, Page<i64>), ServiceError> {
    let mut violations = Vec::new();
    let id = name(
        "parent",
        CaseId::from_case_name(&request.parent),
        &mut violations,
    );
    let page = parse_page(
        request.page_size,
        &request.page_token,
        50,
        500,
        &mut violations,
    );
    finish(id.zip(page), violations)
}

/// `ListHearings`, parsed.
#[derive(Debug, Clone)]
pub struct ListHearings {
    /// Only this state.
    pub state: Option<HearingState>,
    /// Only hearings before this.
    pub hearing_before: Option<DateTime<Utc>>,
    /// The page.
    pub page: Page<(DateTime<Utc>, CaseId)>,
}

/// Parses `ListHearings`.
pub fn list_hearings(request: &pb::ListHearingsRequest) -> Result<ListHearings, ServiceError> {
    let mut violations = Vec::new();
    let state = hearing_state_from_wire(request.state)
        .map_err(|_| violations.push(Violation::new("state", "not a state of a hearing")))
        .ok()
        .flatten();
    let hearing_before = optional_instant(
        "hearing_before",
        request.hearing_before.as_ref(),
        &mut violations,
    );
    let page = parse_page(
        request.page_size,
        &request.page_token,
        50,
        500,
        &mut violations,
    );
    finish(
        page.map(|page| ListHearings {
            state,
            hearing_before,
            page,
        }),
        violations,
    )
}

/// Where a list of register entries continues: (submission time, ordinal).
pub type EntryCursor = (DateTime<Utc>, i64);

/// `ListPublishedRegisterEntries`, parsed.
#[derive(Debug, Clone)]
pub struct ListPublished {
    /// The region's two KATO digits.
    pub region: String,
    /// The page.
    pub page: Page<EntryCursor>,
}

/// Parses `ListPublishedRegisterEntries`.
pub fn list_published(
    request: &pb::ListPublishedRegisterEntriesRequest,
) -> Result<ListPublished, ServiceError> {
    let mut violations = Vec::new();
    let region = &request.region_kato;
    let valid_region = (region.len() == 2 || region.len() == 9)
        && region.bytes().all(|byte| byte.is_ascii_digit());
    if !valid_region {
        violations.push(Violation::new(
            "region_kato",
            "the region's 2 KATO digits, or its 9-digit code",
        ));
    }
    let page = parse_page(
        request.page_size,
        &request.page_token,
        100,
        1000,
        &mut violations,
    );
    let region = valid_region.then(|| region[..2].to_owned());
    finish(
        region
            .zip(page)
            .map(|(region, page)| ListPublished { region, page }),
        violations,
    )
}

fn optional_instant(
    field: &str,
    timestamp: Option<&prost_types::Timestamp>,
    violations: &mut Vec<Violation>,
) -> Option<DateTime<Utc>> {
    let timestamp = timestamp?;
    let instant = instant_from_wire(Some(timestamp));
    if instant.is_none() {
        violations.push(Violation::new(field, "not a valid timestamp"));
    }
    instant
}

fn request_id(text: &str, violations: &mut Vec<Violation>) -> Option<String> {
    if text.is_empty() || text.len() > MAX_REQUEST_ID_LENGTH {
        violations.push(Violation::new(
            "request_id",
            format!("required, at most {MAX_REQUEST_ID_LENGTH} characters"),
        ));
        return None;
    }
    Some(text.to_owned())
}

fn required_text(field: &str, text: &str, violations: &mut Vec<Violation>) -> Option<String> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        violations.push(Violation::new(field, "required"));
        return None;
    }
    if trimmed.chars().count() > MAX_TEXT_LENGTH {
        violations.push(Violation::new(
            field,
            format!("at most {MAX_TEXT_LENGTH} characters"),
        ));
        return None;
    }
    Some(trimmed.to_owned())
}

/// `StatePosition`, parsed.
#[derive(Debug, Clone)]
pub struct StatePosition {
    /// The case whose hearing it is.
    pub case_id: CaseId,
    /// The idempotency key.
    pub request_id: String,
    /// The position, re-encoded with its state time set when recorded.
    pub position: pb::Position,
}

/// Parses `StatePosition`.
pub fn state_position(request: &pb::StatePositionRequest) -> Result<StatePosition, ServiceError> {
    let mut violations = Vec::new();
    let id = name(
        "name",
        CaseId::from_hearing_name(&request.name),
        &mut violations,
    );
    let request_id = request_id(&request.request_id, &mut violations);
    let position = match &request.position {
        None => {
            violations.push(Violation::new("position", "required"));
            None
        }
        Some(position) => {
            let text = required_text("position.text", &position.text, &mut violations);
            if position.attachments.len() > MAX_ATTACHMENTS {
                violations.push(Violation::new(
                    "position.attachments",
                    format!("at most {MAX_ATTACHMENTS} attachments"),
                ));
            }
            for (index, attachment) in position.attachments.iter().enumerate() {
                let path = format!("position.attachments[{index}]");
                if attachment.file_name.is_empty() || attachment.file_name.len() > 255 {
                    violations.push(Violation::new(
                        format!("{path}.file_name"),
                        "1 to 255 characters",
                    ));
                }
                if attachment.media_type.is_empty() {
                    violations.push(Violation::new(format!("{path}.media_type"), "required"));
                }
                if attachment.content.is_empty() {
                    violations.push(Violation::new(format!("{path}.content"), "required"));
                }
            }
            text.map(|text| pb::Position {
                text,
                attachments: position.attachments.clone(),
                state_time: None,
            })
        }
    };
    let parsed = match (id, request_id, position) {
        (Some(case_id), Some(request_id), Some(position)) => Some(StatePosition {
            case_id,
            request_id,
            position,
        }),
        _ => None,
    };
    finish(parsed, violations)
}

/// Encodes a position with the moment it was stated.
pub fn encode_position(mut position: pb::Position, stated_at: DateTime<Utc>) -> Vec<u8> {
    position.state_time = Some(super::instant_to_wire(stated_at));
    position.encode_to_vec()
}

/// The resolution of `DecideAfterHearing`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resolution {
    /// The grounds stand: reasoned denial.
    ConfirmDenial,
    /// The position was convincing: register.
    Register,
}

/// `DecideAfterHearing`, parsed.
#[derive(Debug, Clone)]
pub struct DecideAfterHearing {
    /// The case.
    pub case_id: CaseId,
    /// The idempotency key.
    pub request_id: String,
    /// What is decided.
    pub resolution: Resolution,
    /// Why.
    pub reasons: String,
}

/// Parses `DecideAfterHearing`.
pub fn decide_after_hearing(
    request: &pb::DecideAfterHearingRequest,
) -> Result<DecideAfterHearing, ServiceError> {
    use pb::decide_after_hearing_request::Resolution as Wire;
    let mut violations = Vec::new();
    let id = name(
        "name",
        CaseId::from_hearing_name(&request.name),
        &mut violations,
    );
    let request_id = request_id(&request.request_id, &mut violations);
    let resolution = match Wire::try_from(request.resolution) {
        Ok(Wire::ConfirmDenial) => Some(Resolution::ConfirmDenial),
        Ok(Wire::Register) => Some(Resolution::Register),
        _ => {
            violations.push(Violation::new(
                "resolution",
                "must be RESOLUTION_CONFIRM_DENIAL or RESOLUTION_REGISTER",
            ));
            None
        }
    };
    let reasons = required_text("reasons", &request.reasons, &mut violations);
    let parsed = match (id, request_id, resolution, reasons) {
        (Some(case_id), Some(request_id), Some(resolution), Some(reasons)) => {
            Some(DecideAfterHearing {
                case_id,
                request_id,
                resolution,
                reasons,
            })
        }
        _ => None,
    };
    finish(parsed, violations)
}

/// `ReevaluateCase`, parsed.
#[derive(Debug, Clone)]
pub struct ReevaluateCase {
    /// The case.
    pub case_id: CaseId,
    /// The idempotency key.
    pub request_id: String,
    /// Why.
    pub reason: String,
    /// The complaint that ordered it.
    pub complaint: Option<String>,
}

/// Parses `ReevaluateCase`.
pub fn reevaluate_case(
    request: &pb::ReevaluateCaseRequest,
) -> Result<ReevaluateCase, ServiceError> {
    let mut violations = Vec::new();
    let id = name(
        "name",
        CaseId::from_case_name(&request.name),
        &mut violations,
    );
    let request_id = request_id(&request.request_id, &mut violations);
    let reason = required_text("reason", &request.reason, &mut violations);
    let complaint = if request.complaint.is_empty() {
        None
    } else if is_complaint_name(&request.complaint) {
        Some(request.complaint.clone())
    } else {
        violations.push(Violation::new(
            "complaint",
            "must be a resource name of the form complaints/{complaint}",
        ));
        None
    };
    let parsed = match (id, request_id, reason) {
        (Some(case_id), Some(request_id), Some(reason)) => Some(ReevaluateCase {
            case_id,
            request_id,
            reason,
            complaint,
        }),
        _ => None,
    };
    finish(parsed, violations)
}

/// `RegisterByComplaintDecision`, parsed.
#[derive(Debug, Clone)]
pub struct RegisterByComplaint {
    /// The case.
    pub case_id: CaseId,
    /// The idempotency key.
    pub request_id: String,
    /// The complaint whose decision orders the registration.
    pub complaint: String,
    /// Why.
    pub reasons: String,
}

/// Parses `RegisterByComplaintDecision`.
pub fn register_by_complaint(
    request: &pb::RegisterByComplaintDecisionRequest,
) -> Result<RegisterByComplaint, ServiceError> {
    let mut violations = Vec::new();
    let id = name(
        "name",
        CaseId::from_case_name(&request.name),
        &mut violations,
    );
    let request_id = request_id(&request.request_id, &mut violations);
    let complaint = if is_complaint_name(&request.complaint) {
        Some(request.complaint.clone())
    } else {
        violations.push(Violation::new(
            "complaint",
            "required: a resource name of the form complaints/{complaint}",
        ));
        None
    };
    let reasons = required_text("reasons", &request.reasons, &mut violations);
    let parsed = match (id, request_id, complaint, reasons) {
        (Some(case_id), Some(request_id), Some(complaint), Some(reasons)) => {
            Some(RegisterByComplaint {
                case_id,
                request_id,
                complaint,
                reasons,
            })
        }
        _ => None,
    };
    finish(parsed, violations)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_tokens_round_trip_and_garbage_is_refused() {
        let cursor = (
            DateTime::from_timestamp_micros(1_776_225_600_000_001).expect("an instant"),
            CaseId::parse("app-7").expect("an id"),
        );
        let token = page_token(&cursor);
        let mut violations = Vec::new();
        let page: Option<Page<(DateTime<Utc>, CaseId)>> =
            parse_page(0, &token, 50, 500, &mut violations);
        assert_eq!(page.map(|page| page.after), Some(Some(cursor)));
        let page: Option<Page<i64>> = parse_page(0, "zz", 50, 500, &mut violations);
        assert!(page.is_none());
        assert_eq!(violations.len(), 1);
    }

    #[test]
    fn page_sizes_default_coerce_and_refuse_negatives() {
        let mut violations = Vec::new();
        let size = |size| parse_page::<i64>(size, "", 50, 500, &mut Vec::new()).map(|p| p.size);
        assert_eq!(size(0), Some(50));
        assert_eq!(size(7), Some(7));
        assert_eq!(size(10_000), Some(500));
        assert!(parse_page::<i64>(-1, "", 50, 500, &mut violations).is_none());
        assert_eq!(violations[0].field, "page_size");
    }

    #[test]
    fn decide_after_hearing_reports_every_field_at_once() {
        let error = decide_after_hearing(&pb::DecideAfterHearingRequest::default())
            .expect_err("empty request");
        let ServiceError::InvalidArgument { violations, .. } = error else {
            panic!("expected invalid argument");
        };
        let fields: Vec<&str> = violations.iter().map(|v| v.field.as_str()).collect();
        assert_eq!(fields, ["name", "request_id", "resolution", "reasons"]);
    }
}
