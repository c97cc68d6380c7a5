//! SubmitApplication: the signature first, then the form, then one transaction.

use housing_domain::calendar::CalendarError;
use housing_domain::eligibility::processing_term;
use housing_platform::caller::{Caller, Role};
use housing_platform::error::{Reason, ServiceError, Violation};
use housing_proto::housing::common::v1::SignedDocument;
use housing_proto::housing::eligibility::v1::OpenCaseRequest;
use housing_proto::housing::intake::v1::SubmitApplicationRequest;
use prost::Message;

use super::{Intake, may_read, not_found};
use crate::form;
use crate::model::{
    Actor, ApplicationId, ApplicationState, SignatureRecord, StoredApplication, active_key,
};
use crate::storage::{NewEvent, NewOutboxMessage, NewSubmission, OutboxKind, SubmitOutcome};
use crate::wire::{date, timestamp};

/// The event id of every application's first event.
pub const SUBMITTED_EVENT_ID: &str = "submitted";

impl Intake {
    /// Accepts a signed application, or finds the one a replayed request created.
    ///
    /// In order (the caller's role is checked before, by
    /// `housing_platform::authorization`): the size of the signed content; the CMS signature
    /// and the key's purpose (`SIGNED_WITH_EDS`); a replayed request id; the
    /// certificate's revocation at receipt; the form decoded from exactly the
    /// signed bytes and validated (every violation at once); the signer
    /// against the applicant or representative (`SIGNED_WITH_EDS`); the
    /// acceptance day and the processing deadline; then the application, its
    /// first event, its request id and the hand-over to eligibility in one
    /// transaction. Any failure stores nothing.
    pub async fn submit(
        &self,
        caller: &Caller,
        request: SubmitApplicationRequest,
    ) -> Result<StoredApplication, ServiceError> {
        let received_at = self.clock.now();
        let SignedDocument {
            content,
            cms_signature,
        } = request.signed_form.ok_or_else(|| {
            ServiceError::invalid_field("signed_form", "is required: the form and its signature")
        })?;
        form::check_content_size(&content, &self.limits)
            .map_err(|violation| ServiceError::invalid(vec![violation]))?;
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
            // The citizen who is signed in is the one who signs.
            return Err(ServiceError::PermissionDenied);
        }

        let request_id = check_request_id(&request.request_id)?;
        if let Some(existing) = self.store.find_by_request_id(&request_id).await? {
            return replay(caller, existing, &verified.content_sha256_hex());
        }

        let revocation = self
            .signatures
            .revocation_status(&verified, received_at)
            .await?;
        let acceptance_date = self
            .calendar
            .acceptance_day(received_at)
            .map_err(calendar_unavailable)?;
        let wire_form =
            form::decode(&content).map_err(|violation| ServiceError::invalid(vec![violation]))?;
        let valid = form::validate(wire_form, &self.limits, received_at, acceptance_date)
            .map_err(ServiceError::invalid)?;
        self.signatures
            .check_signer(&verified, revocation, &valid.application)?;
        let term = processing_term(valid.application.track);
        let processing_deadline = self
            .calendar
            .term_end(acceptance_date, term.working_days())
            .map_err(calendar_unavailable)?;

        let id = ApplicationId::generate();
        let application = StoredApplication {
            id: id.clone(),
            request_id,
            applicant_iin: valid.application.applicant,
            representative_iin: valid
                .application
                .representative
                .as_ref()
                .map(|representative| representative.iin),
            locality: valid.application.locality,
            state: ApplicationState::Submitted,
            form_content: content,
            signature: SignatureRecord {
                signer_iin: verified.signer_iin(),
                certificate_serial: verified.certificate_serial().to_string(),
                signing_time: verified.signing_time(),
                content_sha256: verified.content_sha256_hex(),
            },
            submit_time: received_at,
            acceptance_date,
            processing_deadline,
            latest_decision: None,
            register_entry: None,
            update_time: received_at,
            revision: 1,
        };
        let open_case = OpenCaseRequest {
            // OpenCase is idempotent on the application: a redelivery finds the case.
            request_id: id.name(),
            application: id.name(),
            form: Some(valid.wire),
            submit_time: Some(timestamp(received_at)),
            acceptance_date: Some(date(acceptance_date)),
        };
        let submission = NewSubmission {
            active_key: active_key(&application.applicant_iin, &application.locality),
            first_event: NewEvent {
                event_id: SUBMITTED_EVENT_ID.to_owned(),
                state: ApplicationState::Submitted,
                event_time: received_at,
                decision: None,
                register_entry: None,
                processing_deadline: Some(processing_deadline),
                actor: Actor {
                    id: caller.id().to_owned(),
                    role: caller.role(),
                },
                rule_codes: vec![term.rule_code().as_str().to_owned()],
                recorded_at: received_at,
            },
            open_case: NewOutboxMessage::new(OutboxKind::OpenCase, open_case.encode_to_vec()),
            cms_signature,
            application,
        };

        match self.store.submit(&submission).await? {
            SubmitOutcome::Created(created) => {
                self.outbox_written.notify_one();
                tracing::info!(
                    application = %created.id,
                    acceptance_date = %created.acceptance_date,
                    certificate_serial = %created.signature.certificate_serial,
                    "application submitted"
                );
                Ok(created)
            }
            // A concurrent call with the same request id stored it first.
            SubmitOutcome::ExistingRequest(existing) => replay(
                caller,
                existing,
                &submission.application.signature.content_sha256,
            ),
        }
    }
}

/// AIP-155: a UUID chosen by the caller.
fn check_request_id(request_id: &str) -> Result<String, ServiceError> {
    uuid::Uuid::parse_str(request_id)
        .map(|_| request_id.to_owned())
        .map_err(|_| {
            ServiceError::invalid_field("request_id", "must be a UUID chosen by the caller")
        })
}

/// A request id seen before names the same request (AIP-155): the same signed
/// form gets the application it created. A different form under a used id is
/// a client's mistake, refused rather than silently answered with another
/// form's application.
fn replay(
    caller: &Caller,
    existing: StoredApplication,
    content_sha256: &str,
) -> Result<StoredApplication, ServiceError> {
    if !may_read(caller, &existing) {
        return Err(not_found());
    }
    if existing.signature.content_sha256 != content_sha256 {
        return Err(ServiceError::invalid(vec![Violation::new(
            "request_id",
            "was used for another form: choose a new request id for a new form",
        )]));
    }
    tracing::info!(application = %existing.id, "submission replayed");
    Ok(existing)
}

/// A year the calendar has no data for: the provider must load it before
/// applications of that year can be accepted.
fn calendar_unavailable(error: CalendarError) -> ServiceError {
    tracing::error!(error = %error, "the working calendar cannot give the acceptance day or the term");
    ServiceError::Unavailable {
        reason: Reason::Unavailable,
        message: "the working calendar has no data for the day of receipt; retry later".to_owned(),
    }
}
