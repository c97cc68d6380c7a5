//! The service's core, behind the gRPC adapter: what each call does, with
//! callers and domain types.
//!
//! Who may do what (docs/complaints.md). The roles of each call are declared
//! once, in `housing_platform::authorization::TABLE`, and enforced before any
//! handler runs; the core checks what depends on the data: a citizen's own
//! complaints, the signer, and who decides a complaint on its route and state.
//!
//! | call | citizen | operator | provider-head | complaints-body | system | auditor |
//! |---|---|---|---|---|---|---|
//! | FileComplaint | signs their own | relays a signed form | — | — | relays | — |
//! | GetComplaint, ListComplaints | their own | all | all | all | all | — |
//! | ForwardComplaint | — | yes | yes | — | — | — |
//! | DecideComplaint | — | — | on the provider route, within the forwarding term, full satisfaction only | forwarded, or filed with the quality body | — | — |
//! | GetAdministrativeCase | — | yes | yes | yes | yes | — |

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use housing_domain::Iin;
use housing_domain::RuleCode;
use housing_domain::calendar::{CalendarError, WorkingCalendar};
use housing_domain::complaint::{
    ComplaintOutcome, ComplaintRoute, ComplaintTermStatus, FORWARD_TERM_WORKING_DAYS,
    ForwardingFacts, ForwardingStatus, answer_deadline, due_soon_before, forwarding_status,
    route_to_provider, term_status,
};
use housing_platform::audit::{Access, AuditAction, Auditor};
use housing_platform::caller::{Caller, Role};
use housing_platform::clock::Clock;
use housing_platform::error::{ErrorReason, Reason, ServiceError, Violation};
use housing_proto::housing::common::v1::SignedDocument;
use housing_proto::housing::complaints::v1 as pb;
use housing_proto::housing::eligibility::v1 as eligibility;
use housing_proto::housing::intake::v1 as intake;
use housing_proto::housing::notification::v1 as notification;
use housing_storage::StorageError;
use prost::Message;
use tokio::sync::Notify;
use tonic::Code;

use crate::form;
use crate::model::{
    Actor, ComplaintId, ComplaintState, DecisionRecord, ForwardingRecord, Remedy, SignatureRecord,
    StoredComplaint,
};
use crate::peers::Peers;
use crate::signature::SignatureChecker;
use crate::storage::{
    ComplaintStore, DeadlineRange, FileOutcome, ListFilter, NewOutboxMessage, OutboxKind,
    PageAfter, StoreError,
};

/// Page size when none is asked for (AIP-158).
pub const DEFAULT_PAGE_SIZE: i64 = 50;
/// Largest page.
pub const MAX_PAGE_SIZE: i64 = 500;
/// The longest request id, body name or reasons.
const MAX_REQUEST_ID_CHARS: usize = 256;
const MAX_BODY_CHARS: usize = 200;
const MAX_REASONS_CHARS: usize = 10_000;
/// How often a change that lost a race is retried before the caller is told to retry.
const STALE_RETRIES: usize = 5;
/// Roles that read complaints of anyone.
const STAFF_READERS: [Role; 4] = [
    Role::Operator,
    Role::ProviderHead,
    Role::ComplaintsBody,
    Role::System,
];

/// Everything the calls need; built by `startup`.
#[derive(Debug, Clone)]
pub struct Core {
    /// The database.
    pub(crate) store: ComplaintStore,
    /// The EDS checks.
    pub(crate) signatures: SignatureChecker,
    /// The peers.
    pub(crate) peers: Peers,
    /// The working calendar.
    pub(crate) calendar: Arc<WorkingCalendar>,
    /// The business clock.
    pub(crate) clock: Arc<dyn Clock>,
    /// The largest signed complaint.
    pub(crate) max_form_bytes: usize,
    /// The due-soon threshold.
    pub(crate) due_soon_working_days: u32,
    /// Wakes the dispatcher.
    pub(crate) outbox_written: Arc<Notify>,
    /// Records every read and change of a complaint in the audit trail.
    pub(crate) auditor: Auditor,
}

/// A page of complaints and the token of the next.
#[derive(Debug)]
pub struct ComplaintPage {
    /// Earliest term first.
    pub complaints: Vec<pb::Complaint>,
    /// Empty on the last page.
    pub next_page_token: String,
}

impl Core {
    /// Files a signed complaint, or finds the one a replayed request created.
    ///
    /// In order (the caller's role is checked before, by
    /// `housing_platform::authorization`): the size; the CMS signature and key purpose
    /// (`SIGNED_WITH_EDS`); a citizen signs their own; a replayed request id;
    /// the form decoded from exactly the signed bytes and validated (every
    /// violation at once); the complainant as the signer; the certificate's
    /// status at receipt; the application at intake, with the complainant as
    /// its applicant or representative; the decision at eligibility; the
    /// registration day and the terms (`COMPLAINT_TO_PROVIDER`,
    /// `COMPLAINT_PROVIDER_TERM` or `COMPLAINT_QUALITY_BODY_TERM`,
    /// `COMPLAINT_FORWARD_TERM`); then the complaint, its number and the
    /// notice in one transaction. Any failure stores nothing.
    pub async fn file(
        &self,
        caller: &Caller,
        request: pb::FileComplaintRequest,
    ) -> Result<pb::Complaint, ServiceError> {
        let received_at = self.now();
        let SignedDocument {
            content,
            cms_signature,
        } = request.signed_form.ok_or_else(|| {
            ServiceError::invalid_field("signed_form", "is required: the form and its signature")
        })?;
        if content.is_empty() || content.len() > self.max_form_bytes {
            return Err(ServiceError::invalid_field(
                "signed_form.content",
                format!("required, at most {} bytes", self.max_form_bytes),
            ));
        }
        if cms_signature.is_empty() {
            return Err(ServiceError::invalid_field(
                "signed_form.cms_signature",
                "is required: the detached CMS signature over the content",
            ));
        }
        let verified = self
            .signatures
            .verify(&content, &cms_signature, received_at)?;
        if caller.role() == Role::Citizen && caller.iin() != Some(&verified.signer_iin()) {
            return Err(ServiceError::PermissionDenied);
        }
        let request_id = uuid::Uuid::parse_str(&request.request_id)
            .map(|_| request.request_id.clone())
            .map_err(|_| {
                ServiceError::invalid_field("request_id", "must be a UUID chosen by the caller")
            })?;
        if let Some(existing) = self.store.find_by_request_id(&request_id).await? {
            return self.replay(caller, existing, &verified.content_sha256_hex());
        }
        let wire_form =
            form::decode(&content).map_err(|violation| ServiceError::invalid(vec![violation]))?;
        let valid = form::validate(&wire_form).map_err(ServiceError::invalid)?;
        self.signatures
            .require_signer(&verified, &valid.complainant)?;
        self.signatures
            .require_not_revoked(&verified, received_at)
            .await?;

        let application = self.application(&valid.application).await?;
        let application_form = application.form.unwrap_or_default();
        let applicant_iin = Iin::parse(&application_form.applicant_iin)
            .map_err(|_| internal("intake gave an application without a valid applicant"))?;
        let representative_iin = application_form
            .representative
            .as_ref()
            .and_then(|representative| Iin::parse(&representative.iin).ok());
        if valid.complainant != applicant_iin && Some(valid.complainant) != representative_iin {
            // Not their application: for them, it does not exist.
            return Err(ServiceError::NotFound {
                resource: "application",
            });
        }
        if let Some(decision) = &valid.decision {
            self.require_decision(decision).await?;
        }

        if valid.route == ComplaintRoute::ToProvider {
            // Every subject of the contract is the provider's or its staff's conduct.
            route_to_provider(&valid.subject).map_err(|error| {
                ServiceError::FailedPrecondition {
                    reason: ErrorReason::Rule(RuleCode::ComplaintToProvider),
                    message: error.to_string(),
                }
            })?;
        }
        let term = answer_deadline(&self.calendar, valid.route, received_at)
            .map_err(calendar_unavailable)?;
        let forward_deadline = match valid.route {
            ComplaintRoute::ToProvider => Some(
                self.calendar
                    .term_end(term.registration_day, FORWARD_TERM_WORKING_DAYS)
                    .map_err(calendar_unavailable)?,
            ),
            ComplaintRoute::ToQualityBody => None,
        };
        let complaint = StoredComplaint {
            id: ComplaintId::generate(),
            request_id,
            number: String::new(),
            complainant_iin: valid.complainant,
            applicant_iin,
            representative_iin,
            application: valid.application.clone(),
            decision: valid.decision.clone(),
            route: valid.route,
            form_content: content,
            signature: SignatureRecord {
                signer_iin: verified.signer_iin(),
                certificate_serial: verified.certificate_serial().to_string(),
                signing_time: verified.signing_time(),
                content_sha256: verified.content_sha256_hex(),
            },
            phone: application_form.phone.clone(),
            email: application_form.email.clone(),
            registration_time: received_at,
            registration_date: term.registration_day,
            answer_deadline: term.answer_due,
            forward_deadline,
            state: ComplaintState::Registered,
            deadline: forward_deadline.unwrap_or(term.answer_due),
            forwarding: None,
            decision_record: None,
            update_time: received_at,
            revision: 1,
        };
        let calendar = Arc::clone(&self.calendar);
        let outcome = self
            .store
            .file(
                &complaint,
                &cms_signature,
                |year, sequence| format!("HPC-C-{year}-{sequence:06}"),
                |numbered| {
                    vec![notice(
                        numbered,
                        "registered",
                        notification::NotificationKind::ComplaintRegistered,
                        [
                            ("complaint_number", numbered.number.clone()),
                            (
                                "registration_date",
                                numbered.registration_date.format("%Y-%m-%d").to_string(),
                            ),
                            (
                                "answer_due",
                                local_time(&calendar, numbered.answer_deadline),
                            ),
                        ],
                    )]
                },
            )
            .await?;
        match outcome {
            FileOutcome::Created(created) => {
                self.outbox_written.notify_one();
                tracing::info!(
                    complaint = %created.id,
                    number = %created.number,
                    route = crate::model::route_as_str(created.route),
                    registration_date = %created.registration_date,
                    "complaint registered"
                );
                self.to_wire(&created)
            }
            FileOutcome::ExistingRequest(existing) => {
                self.replay(caller, existing, &complaint.signature.content_sha256)
            }
        }
    }

    /// The business clock, to the microsecond the database keeps: what a call
    /// answers is what a later read shows.
    fn now(&self) -> DateTime<Utc> {
        let now = self.clock.now();
        DateTime::from_timestamp_micros(now.timestamp_micros()).unwrap_or(now)
    }

    fn replay(
        &self,
        caller: &Caller,
        existing: StoredComplaint,
        content_sha256: &str,
    ) -> Result<pb::Complaint, ServiceError> {
        if !may_read(caller, &existing) {
            return Err(not_found());
        }
        if existing.signature.content_sha256 != content_sha256 {
            return Err(ServiceError::invalid(vec![Violation::new(
                "request_id",
                "was used for another form: choose a new request id for a new form",
            )]));
        }
        tracing::info!(complaint = %existing.id, "filing replayed");
        self.to_wire(&existing)
    }

    /// One complaint, if the caller may see it; the read is recorded in the
    /// audit trail before it is returned.
    pub async fn get(&self, caller: &Caller, name: &str) -> Result<pb::Complaint, ServiceError> {
        let complaint = self.readable(caller, name).await?;
        let shown = self.to_wire(&complaint)?;
        self.audit(
            caller,
            "GetComplaint",
            AuditAction::Read,
            [access(&complaint)],
        )
        .await?;
        Ok(shown)
    }

    /// Records, after a successful change through `method`, the complaint
    /// `name` names with its persons as they are stored now.
    pub async fn audit_change(
        &self,
        caller: &Caller,
        method: &str,
        name: &str,
    ) -> Result<(), ServiceError> {
        let id = ComplaintId::from_name(name).ok_or_else(|| {
            ServiceError::Internal(anyhow::anyhow!("a changed complaint has no valid name"))
        })?;
        let complaint = self.store.get(&id).await?.ok_or_else(|| {
            ServiceError::Internal(anyhow::anyhow!("a changed complaint is not stored"))
        })?;
        self.audit(caller, method, AuditAction::Change, [access(&complaint)])
            .await
    }

    /// Records `accesses` through `method` of this service.
    async fn audit(
        &self,
        caller: &Caller,
        method: &str,
        action: AuditAction,
        accesses: impl IntoIterator<Item = Access>,
    ) -> Result<(), ServiceError> {
        self.auditor
            .record_all(
                caller,
                &format!("/{}/{method}", pb::complaints_service_server::SERVICE_NAME),
                action,
                accesses,
            )
            .await
    }

    /// Complaints by filter, earliest term first: a citizen's own, or for
    /// staff any, by complainant, state and term status.
    pub async fn list(
        &self,
        caller: &Caller,
        request: &pb::ListComplaintsRequest,
    ) -> Result<ComplaintPage, ServiceError> {
        let mut violations = Vec::new();
        let complainant = match request.complainant_iin.as_str() {
            "" => None,
            text => match Iin::parse(text) {
                Ok(iin) => Some(iin),
                Err(error) => {
                    violations.push(Violation::new("complainant_iin", error.to_string()));
                    None
                }
            },
        };
        let state = match request.state {
            0 => None,
            value => {
                let state = crate::wire::parse_state(value);
                if state.is_none() {
                    violations.push(Violation::new("state", "is not a state of the contract"));
                }
                state
            }
        };
        let term = match pb::TermStatus::try_from(request.term_status) {
            Ok(pb::TermStatus::Unspecified) => None,
            Ok(status) => Some(status),
            Err(_) => {
                violations.push(Violation::new(
                    "term_status",
                    "is not a term status of the contract",
                ));
                None
            }
        };
        if term.is_some() && state == Some(ComplaintState::Decided) {
            violations.push(Violation::new(
                "term_status",
                "filters open complaints: it cannot be combined with state DECIDED",
            ));
        }
        let page_size = match i64::from(request.page_size) {
            0 => DEFAULT_PAGE_SIZE,
            size if size < 0 => {
                violations.push(Violation::new("page_size", "must not be negative"));
                DEFAULT_PAGE_SIZE
            }
            size => size.min(MAX_PAGE_SIZE),
        };
        let after = match request.page_token.as_str() {
            "" => None,
            token => {
                let after = decode_token(token);
                if after.is_none() {
                    violations.push(Violation::new(
                        "page_token",
                        "is not a token this service gave",
                    ));
                }
                after
            }
        };
        if !violations.is_empty() {
            return Err(ServiceError::invalid(violations));
        }
        let now = self.now();
        let open_deadline = match term {
            None => None,
            Some(status) => {
                let cutoff = due_soon_before(&self.calendar, now, self.due_soon_working_days)
                    .map_err(calendar_unavailable)?;
                Some(match status {
                    pb::TermStatus::Overdue => DeadlineRange {
                        from: None,
                        until: Some(now),
                    },
                    pb::TermStatus::DueSoon => DeadlineRange {
                        from: Some(now),
                        until: Some(cutoff),
                    },
                    _ => DeadlineRange {
                        from: Some(cutoff),
                        until: None,
                    },
                })
            }
        };
        let filter = ListFilter {
            concerning: match caller.role() {
                Role::Citizen => caller.iin().copied(),
                _ => None,
            },
            complainant,
            state,
            open_deadline,
        };
        let mut complaints = self
            .store
            .list(&filter, after.as_ref(), page_size + 1)
            .await?;
        let page = usize::try_from(page_size).unwrap_or(usize::MAX);
        let next_page_token = if complaints.len() > page {
            complaints.truncate(page);
            complaints.last().map(encode_token).unwrap_or_default()
        } else {
            String::new()
        };
        let shown = complaints
            .iter()
            .map(|complaint| self.to_wire(complaint))
            .collect::<Result<_, _>>()?;
        self.audit(
            caller,
            "ListComplaints",
            AuditAction::Read,
            complaints.iter().map(access).collect::<Vec<_>>(),
        )
        .await?;
        Ok(ComplaintPage {
            complaints: shown,
            next_page_token,
        })
    }

    /// Forwards a complaint filed with the provider, with the whole
    /// administrative case, to the body processing complaints
    /// (`COMPLAINT_FORWARD_TERM`). The receiving body's term,
    /// `COMPLAINT_QUALITY_BODY_TERM`, counts from the day it receives it.
    pub async fn forward(
        &self,
        caller: &Caller,
        request: &pb::ForwardComplaintRequest,
    ) -> Result<pb::Complaint, ServiceError> {
        let mut violations = Vec::new();
        let id = parse_name(&request.name, &mut violations);
        let request_id = required_text(
            "request_id",
            &request.request_id,
            MAX_REQUEST_ID_CHARS,
            &mut violations,
        );
        let body = required_text("body", &request.body, MAX_BODY_CHARS, &mut violations);
        let (Some(id), Some(request_id), Some(body)) = (id, request_id, body) else {
            return Err(ServiceError::invalid(violations));
        };
        for _ in 0..STALE_RETRIES {
            let current = self.store.get(&id).await?.ok_or_else(not_found)?;
            if current
                .forwarding
                .as_ref()
                .is_some_and(|forwarding| forwarding.request_id == request_id)
            {
                return self.to_wire(&current);
            }
            if current.state != ComplaintState::Registered
                || current.route != ComplaintRoute::ToProvider
            {
                return Err(ServiceError::FailedPrecondition {
                    reason: ErrorReason::Rule(RuleCode::ComplaintForwardTerm),
                    message: format!(
                        "only a registered complaint filed with the provider is forwarded; this one is {}",
                        current.state.as_str()
                    ),
                });
            }
            let now = self.now();
            let received_on = self
                .calendar
                .acceptance_day(now)
                .map_err(calendar_unavailable)?;
            let answer_due = self
                .calendar
                .term_end(
                    received_on,
                    ComplaintRoute::ToQualityBody.answer_term_working_days(),
                )
                .map_err(calendar_unavailable)?;
            let mut forwarded = current.clone();
            forwarded.state = ComplaintState::Forwarded;
            forwarded.deadline = answer_due;
            forwarded.forwarding = Some(ForwardingRecord {
                request_id: request_id.clone(),
                body: body.clone(),
                forward_time: now,
                forwarded_by: Actor::of(caller),
                answer_deadline: answer_due,
            });
            forwarded.update_time = now;
            forwarded.revision += 1;
            let case = self.assemble_case(&forwarded).await?;
            let messages = vec![notice(
                &forwarded,
                "forwarded",
                notification::NotificationKind::ComplaintForwarded,
                [
                    ("complaint_number", forwarded.number.clone()),
                    ("forwarded_date", local_date(&self.calendar, now)),
                    ("complaint_body", body.clone()),
                ],
            )];
            match self
                .store
                .forward(&forwarded, &case.encode_to_vec(), &messages)
                .await
            {
                Ok(()) => {
                    self.outbox_written.notify_one();
                    let in_time = current
                        .forward_deadline
                        .is_none_or(|deadline| now <= deadline);
                    tracing::info!(
                        complaint = %forwarded.id,
                        caller_role = caller.role().as_str(),
                        caller_id = caller.id(),
                        in_time,
                        "complaint forwarded with the administrative case"
                    );
                    return self.to_wire(&forwarded);
                }
                Err(StoreError::Stale) => continue,
                Err(other) => return Err(other.into()),
            }
        }
        Err(contended())
    }

    /// Decides a complaint: the final answer, which names the route to court
    /// (`COURT_AFTER_PRETRIAL`). A satisfied complaint's remedy goes to
    /// eligibility-verification through the outbox and takes effect there as a
    /// new decision.
    pub async fn decide(
        &self,
        caller: &Caller,
        request: &pb::DecideComplaintRequest,
    ) -> Result<pb::Complaint, ServiceError> {
        let mut violations = Vec::new();
        let id = parse_name(&request.name, &mut violations);
        let request_id = required_text(
            "request_id",
            &request.request_id,
            MAX_REQUEST_ID_CHARS,
            &mut violations,
        );
        let reasons = required_text(
            "reasons",
            &request.reasons,
            MAX_REASONS_CHARS,
            &mut violations,
        );
        use pb::complaint_decision::{Outcome, Remedy as WireRemedy};
        let outcome = match Outcome::try_from(request.outcome) {
            Ok(Outcome::Satisfied) => Some(ComplaintOutcome::Satisfied),
            Ok(Outcome::PartlySatisfied) => Some(ComplaintOutcome::PartiallySatisfied),
            Ok(Outcome::Rejected) => Some(ComplaintOutcome::Rejected),
            Ok(Outcome::Unspecified) | Err(_) => {
                violations.push(Violation::new(
                    "outcome",
                    "required: satisfied, partly satisfied or rejected",
                ));
                None
            }
        };
        let remedy = match WireRemedy::try_from(request.remedy) {
            Ok(WireRemedy::Unspecified) => None,
            Ok(WireRemedy::Reevaluate) => Some(Remedy::Reevaluate),
            Ok(WireRemedy::Register) => Some(Remedy::Register),
            Err(_) => {
                violations.push(Violation::new("remedy", "is not a remedy of the contract"));
                None
            }
        };
        if outcome == Some(ComplaintOutcome::Rejected) && remedy.is_some() {
            violations.push(Violation::new(
                "remedy",
                "a rejected complaint orders nothing: leave it unspecified",
            ));
        }
        let (Some(id), Some(request_id), Some(reasons), Some(outcome)) =
            (id, request_id, reasons, outcome)
        else {
            return Err(ServiceError::invalid(violations));
        };
        if !violations.is_empty() {
            return Err(ServiceError::invalid(violations));
        }
        for _ in 0..STALE_RETRIES {
            let current = self.store.get(&id).await?.ok_or_else(not_found)?;
            if let Some(decision) = &current.decision_record {
                if decision.request_id == request_id {
                    return self.to_wire(&current);
                }
                return Err(ServiceError::FailedPrecondition {
                    reason: ErrorReason::Other(Reason::FailedPrecondition),
                    message: "the complaint is decided already".to_owned(),
                });
            }
            let now = self.now();
            self.require_decider(caller, &current, outcome, now)?;
            if let Some(remedy) = remedy {
                self.require_remedy_applies(&current, remedy).await?;
            }
            let mut decided = current.clone();
            decided.state = ComplaintState::Decided;
            decided.decision_record = Some(DecisionRecord {
                request_id: request_id.clone(),
                outcome,
                reasons: reasons.clone(),
                decided_by: Actor::of(caller),
                decide_time: now,
                remedy,
                resulting_decision: None,
            });
            decided.update_time = now;
            decided.revision += 1;
            let mut messages = vec![notice(
                &decided,
                "decided",
                notification::NotificationKind::ComplaintDecided,
                [
                    ("complaint_number", decided.number.clone()),
                    ("decision_date", local_date(&self.calendar, now)),
                    ("outcome", outcome_text(outcome).to_owned()),
                ],
            )];
            if let Some(remedy) = remedy {
                messages.push(remedy_message(&decided, remedy, &reasons));
            }
            match self.store.decide(&decided, &messages).await {
                Ok(()) => {
                    self.outbox_written.notify_one();
                    tracing::info!(
                        complaint = %decided.id,
                        caller_role = caller.role().as_str(),
                        caller_id = caller.id(),
                        outcome = crate::model::outcome_as_str(outcome),
                        remedy = remedy.map(Remedy::as_str),
                        in_time = now <= current.deadline,
                        "complaint decided"
                    );
                    return self.to_wire(&decided);
                }
                Err(StoreError::Stale) => continue,
                Err(other) => return Err(other.into()),
            }
        }
        Err(contended())
    }

    /// The administrative case: what was forwarded (for a forwarded or
    /// decided-after-forwarding complaint), otherwise gathered now from
    /// intake, eligibility and notification. The complaint in it is current.
    pub async fn administrative_case(
        &self,
        caller: &Caller,
        name: &str,
    ) -> Result<pb::AdministrativeCase, ServiceError> {
        let complaint = self.readable(caller, name).await?;
        let mut case = match self.store.case_file(&complaint.id).await? {
            Some(bytes) => pb::AdministrativeCase::decode(bytes.as_slice())
                .map_err(|error| ServiceError::Internal(anyhow::Error::new(error)))?,
            None => self.assemble_case(&complaint).await?,
        };
        case.complaint = Some(self.to_wire(&complaint)?);
        // The case holds the application too: its family is read as well.
        let mut persons: Vec<Iin> = vec![complaint.complainant_iin, complaint.applicant_iin];
        persons.extend(complaint.representative_iin);
        if let Some(form) = case.application.as_ref().and_then(|a| a.form.as_ref()) {
            persons.extend(
                form.declared_family
                    .iter()
                    .filter_map(|member| Iin::parse(&member.iin).ok()),
            );
        }
        self.audit(
            caller,
            "GetAdministrativeCase",
            AuditAction::Read,
            [Access::new(complaint.id.name(), &persons)],
        )
        .await?;
        Ok(case)
    }

    /// Who may decide now, and what. On the provider route a registered
    /// complaint is the provider's to fully satisfy within the forwarding
    /// term (§19); anything else is for the body processing complaints,
    /// after forwarding. A complaint filed with the quality body is that body's.
    fn require_decider(
        &self,
        caller: &Caller,
        complaint: &StoredComplaint,
        outcome: ComplaintOutcome,
        now: DateTime<Utc>,
    ) -> Result<(), ServiceError> {
        match (complaint.state, complaint.route) {
            (ComplaintState::Registered, ComplaintRoute::ToProvider) => {
                caller.require(&[Role::ProviderHead])?;
                if outcome != ComplaintOutcome::Satisfied {
                    return Err(forward_instead(
                        "the provider gives its own answer only by fully satisfying the complaint; \
                         otherwise it forwards the complaint with the administrative case",
                    ));
                }
                let status = forwarding_status(
                    &self.calendar,
                    &ForwardingFacts {
                        received_at: complaint.registration_time,
                        fully_satisfied_at: Some(now),
                        forwarded_at: None,
                    },
                    now,
                )
                .map_err(calendar_unavailable)?;
                match status {
                    ForwardingStatus::NotRequired { .. } => Ok(()),
                    _ => Err(forward_instead(
                        "the three working days to satisfy the complaint are over: \
                         it must be forwarded with the administrative case",
                    )),
                }
            }
            (ComplaintState::Registered, ComplaintRoute::ToQualityBody)
            | (ComplaintState::Forwarded, _) => caller.require(&[Role::ComplaintsBody]),
            (ComplaintState::Decided, _) => Err(ServiceError::FailedPrecondition {
                reason: ErrorReason::Other(Reason::FailedPrecondition),
                message: "the complaint is decided already".to_owned(),
            }),
        }
    }

    /// A remedy must be one the case can take: registration reverses a
    /// preliminary or final denial; a re-evaluation needs a decided case.
    async fn require_remedy_applies(
        &self,
        complaint: &StoredComplaint,
        remedy: Remedy,
    ) -> Result<(), ServiceError> {
        let case = self
            .peers
            .eligibility
            .clone()
            .get_case(self.peers.request(eligibility::GetCaseRequest {
                name: complaint.case_name(),
            }))
            .await
            .map_err(|status| peer_failure("eligibility-verification", &status))?
            .into_inner()
            .case
            .unwrap_or_default();
        use eligibility::case::State;
        let applies = match remedy {
            Remedy::Register => matches!(case.state(), State::HearingScheduled | State::Denied),
            Remedy::Reevaluate => matches!(
                case.state(),
                State::HearingScheduled | State::Registered | State::Denied
            ),
        };
        if applies {
            Ok(())
        } else {
            Err(ServiceError::FailedPrecondition {
                reason: ErrorReason::Other(Reason::FailedPrecondition),
                message: format!(
                    "the remedy {} does not apply to the case in its state {}",
                    remedy.as_str(),
                    case.state().as_str_name()
                ),
            })
        }
    }

    async fn application(&self, name: &str) -> Result<intake::Application, ServiceError> {
        match self
            .peers
            .intake
            .clone()
            .get_application(self.peers.request(intake::GetApplicationRequest {
                name: name.to_owned(),
            }))
            .await
        {
            Ok(response) => response
                .into_inner()
                .application
                .ok_or_else(|| internal("intake answered without an application")),
            Err(status) if status.code() == Code::NotFound => Err(ServiceError::NotFound {
                resource: "application",
            }),
            Err(status) => Err(peer_failure("application-intake", &status)),
        }
    }

    async fn require_decision(&self, name: &str) -> Result<(), ServiceError> {
        match self
            .peers
            .eligibility
            .clone()
            .get_decision(self.peers.request(eligibility::GetDecisionRequest {
                name: name.to_owned(),
            }))
            .await
        {
            Ok(_) => Ok(()),
            Err(status) if status.code() == Code::NotFound => Err(ServiceError::invalid_field(
                "signed_form.content.decision",
                "names no decision of the application",
            )),
            Err(status) => Err(peer_failure("eligibility-verification", &status)),
        }
    }

    /// Everything about the application, gathered now; nothing is missing
    /// or the call fails (a partial case is never forwarded).
    async fn assemble_case(
        &self,
        complaint: &StoredComplaint,
    ) -> Result<pb::AdministrativeCase, ServiceError> {
        let application = self.application(&complaint.application).await?;
        let mut events = Vec::new();
        let mut token = String::new();
        loop {
            let page = self
                .peers
                .intake
                .clone()
                .list_application_events(self.peers.request(intake::ListApplicationEventsRequest {
                    parent: complaint.application.clone(),
                    page_size: 500,
                    page_token: token,
                }))
                .await
                .map_err(|status| peer_failure("application-intake", &status))?
                .into_inner();
            events.extend(page.events);
            if page.next_page_token.is_empty() {
                break;
            }
            token = page.next_page_token;
        }
        let case_name = complaint.case_name();
        let case = match self
            .peers
            .eligibility
            .clone()
            .get_case(self.peers.request(eligibility::GetCaseRequest {
                name: case_name.clone(),
            }))
            .await
        {
            Ok(response) => response.into_inner().case,
            Err(status) if status.code() == Code::NotFound => None,
            Err(status) => return Err(peer_failure("eligibility-verification", &status)),
        };
        let mut decisions = Vec::new();
        let mut hearing = None;
        if case.is_some() {
            let mut token = String::new();
            loop {
                let page = self
                    .peers
                    .eligibility
                    .clone()
                    .list_decisions(self.peers.request(eligibility::ListDecisionsRequest {
                        parent: case_name.clone(),
                        page_size: 500,
                        page_token: token,
                    }))
                    .await
                    .map_err(|status| peer_failure("eligibility-verification", &status))?
                    .into_inner();
                decisions.extend(page.decisions);
                if page.next_page_token.is_empty() {
                    break;
                }
                token = page.next_page_token;
            }
            hearing = match self
                .peers
                .eligibility
                .clone()
                .get_hearing(self.peers.request(eligibility::GetHearingRequest {
                    name: format!("{case_name}/hearing"),
                }))
                .await
            {
                Ok(response) => response.into_inner().hearing,
                Err(status) if status.code() == Code::NotFound => None,
                Err(status) => return Err(peer_failure("eligibility-verification", &status)),
            };
        }
        let mut notifications = Vec::new();
        let mut token = String::new();
        loop {
            let page = self
                .peers
                .notification
                .clone()
                .list_notifications(self.peers.request(notification::ListNotificationsRequest {
                    recipient_iin: String::new(),
                    application: complaint.application.clone(),
                    page_size: 500,
                    page_token: token,
                }))
                .await
                .map_err(|status| peer_failure("notification", &status))?
                .into_inner();
            notifications.extend(page.notifications);
            if page.next_page_token.is_empty() {
                break;
            }
            token = page.next_page_token;
        }
        Ok(pb::AdministrativeCase {
            complaint: Some(self.to_wire(complaint)?),
            application: Some(application),
            events,
            case,
            decisions,
            hearing,
            notifications,
        })
    }

    async fn readable(&self, caller: &Caller, name: &str) -> Result<StoredComplaint, ServiceError> {
        let id = ComplaintId::from_name(name)
            .ok_or_else(|| ServiceError::invalid_field("name", "must be complaints/{complaint}"))?;
        match self.store.get(&id).await? {
            Some(complaint) if may_read(caller, &complaint) => Ok(complaint),
            _ => Err(not_found()),
        }
    }

    /// How a complaint stands against its term now.
    pub fn term_status_of(&self, complaint: &StoredComplaint) -> ComplaintTermStatus {
        if let Some(decision) = &complaint.decision_record {
            return if decision.decide_time <= complaint.deadline {
                ComplaintTermStatus::OnTime
            } else {
                ComplaintTermStatus::Overdue
            };
        }
        let now = self.now();
        term_status(
            &self.calendar,
            complaint.deadline,
            now,
            self.due_soon_working_days,
        )
        .unwrap_or(if now > complaint.deadline {
            ComplaintTermStatus::Overdue
        } else {
            ComplaintTermStatus::OnTime
        })
    }

    fn to_wire(&self, complaint: &StoredComplaint) -> Result<pb::Complaint, ServiceError> {
        crate::wire::complaint(complaint, self.term_status_of(complaint))
            .map_err(|error| ServiceError::Internal(anyhow::Error::new(error)))
    }
}

/// Whether `caller` may see `complaint`: a citizen who is a party; staff and systems.
/// The persons a complaint concerns (the complainant, the applicant, the
/// representative) and its name.
fn access(complaint: &StoredComplaint) -> Access {
    Access::new(
        complaint.id.name(),
        [&complaint.complainant_iin, &complaint.applicant_iin]
            .into_iter()
            .chain(complaint.representative_iin.as_ref()),
    )
}

fn may_read(caller: &Caller, complaint: &StoredComplaint) -> bool {
    match caller.role() {
        Role::Citizen => caller.iin().is_some_and(|iin| complaint.concerns(iin)),
        role => STAFF_READERS.contains(&role),
    }
}

fn not_found() -> ServiceError {
    ServiceError::NotFound {
        resource: "complaint",
    }
}

fn internal(message: &'static str) -> ServiceError {
    ServiceError::Internal(anyhow::anyhow!(message))
}

fn contended() -> ServiceError {
    ServiceError::Unavailable {
        reason: Reason::Unavailable,
        message: "the complaint is being changed by another call; retry".to_owned(),
    }
}

fn forward_instead(message: &str) -> ServiceError {
    ServiceError::FailedPrecondition {
        reason: ErrorReason::Rule(RuleCode::ComplaintForwardTerm),
        message: message.to_owned(),
    }
}

/// A peer's refusal or silence. Nothing was written, so the caller may retry.
fn peer_failure(peer: &str, status: &tonic::Status) -> ServiceError {
    tracing::warn!(peer, code = ?status.code(), "a peer call failed");
    ServiceError::Unavailable {
        reason: Reason::Unavailable,
        message: format!("{peer} cannot answer now; nothing was changed; retry later"),
    }
}

fn calendar_unavailable(error: CalendarError) -> ServiceError {
    tracing::error!(error = %error, "the working calendar cannot give the registration day or a term");
    ServiceError::Unavailable {
        reason: Reason::Unavailable,
        message: "the working calendar has no data for today; retry later".to_owned(),
    }
}

fn parse_name(name: &str, violations: &mut Vec<Violation>) -> Option<ComplaintId> {
    let id = ComplaintId::from_name(name);
    if id.is_none() {
        violations.push(Violation::new("name", "must be complaints/{complaint}"));
    }
    id
}

fn required_text(
    field: &str,
    text: &str,
    max_chars: usize,
    violations: &mut Vec<Violation>,
) -> Option<String> {
    let trimmed = text.trim();
    if trimmed.is_empty() || trimmed.chars().count() > max_chars {
        violations.push(Violation::new(
            field,
            format!("required, at most {max_chars} characters"),
        ));
        return None;
    }
    Some(trimmed.to_owned())
}

/// Page tokens are opaque to callers (AIP-158): the position after which
/// the next page starts, hex-encoded.
fn encode_token(last: &StoredComplaint) -> String {
    hex::encode(format!(
        "{}:{}",
        last.deadline.timestamp_micros(),
        last.id.as_str()
    ))
}

fn decode_token(token: &str) -> Option<PageAfter> {
    let text = String::from_utf8(hex::decode(token).ok()?).ok()?;
    let (micros, id) = text.split_once(':')?;
    Some(PageAfter {
        deadline_micros: micros.parse().ok()?,
        id: ComplaintId::from_stored(id)?.as_str().to_owned(),
    })
}

fn local_date(calendar: &WorkingCalendar, instant: DateTime<Utc>) -> String {
    instant
        .with_timezone(&calendar.hours().time_zone())
        .format("%Y-%m-%d")
        .to_string()
}

fn local_time(calendar: &WorkingCalendar, instant: DateTime<Utc>) -> String {
    instant
        .with_timezone(&calendar.hours().time_zone())
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

/// The outcome as the notice says it, in both languages of the notice.
fn outcome_text(outcome: ComplaintOutcome) -> &'static str {
    match outcome {
        ComplaintOutcome::Satisfied => "толық қанағаттандырылды / удовлетворена полностью",
        ComplaintOutcome::PartiallySatisfied => {
            "ішінара қанағаттандырылды / удовлетворена частично"
        }
        ComplaintOutcome::Rejected => "қанағаттандырусыз қалдырылды / оставлена без удовлетворения",
    }
}

/// A notice to the complainant about a step; idempotent at notification on
/// `complaints/{id}/{step}`.
fn notice<const N: usize>(
    complaint: &StoredComplaint,
    step: &str,
    kind: notification::NotificationKind,
    parameters: [(&str, String); N],
) -> NewOutboxMessage {
    let name = complaint.id.name();
    let request = notification::SendNotificationRequest {
        request_id: format!("{name}/{step}"),
        recipient_iin: complaint.complainant_iin.as_str().to_owned(),
        application: complaint.application.clone(),
        complaint: name,
        kind: kind as i32,
        parameters: parameters
            .into_iter()
            .map(|(key, value)| (key.to_owned(), value))
            .collect::<HashMap<_, _>>(),
        phone: complaint.phone.clone(),
        email: complaint.email.clone(),
    };
    NewOutboxMessage::new(OutboxKind::Notice, request.encode_to_vec())
}

/// The remedy's request to eligibility-verification; idempotent there on
/// `complaints/{id}/remedy`.
fn remedy_message(complaint: &StoredComplaint, remedy: Remedy, reasons: &str) -> NewOutboxMessage {
    let name = complaint.id.name();
    let request_id = format!("{name}/remedy");
    let payload = match remedy {
        Remedy::Reevaluate => eligibility::ReevaluateCaseRequest {
            name: complaint.case_name(),
            request_id,
            reason: reasons.to_owned(),
            complaint: name,
        }
        .encode_to_vec(),
        Remedy::Register => eligibility::RegisterByComplaintDecisionRequest {
            name: complaint.case_name(),
            request_id,
            complaint: name,
            reasons: reasons.to_owned(),
        }
        .encode_to_vec(),
    };
    NewOutboxMessage::new(OutboxKind::of_remedy(remedy), payload)
}

/// The one translation of storage failures into what callers see.
impl From<StoreError> for ServiceError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Stale => contended(),
            StoreError::Storage(StorageError::Unavailable(cause)) => {
                tracing::warn!(error = %cause, "the database is unavailable");
                ServiceError::Unavailable {
                    reason: Reason::Unavailable,
                    message: "the service's database is unavailable; retry later".to_owned(),
                }
            }
            other => ServiceError::Internal(anyhow::Error::new(other)),
        }
    }
}
