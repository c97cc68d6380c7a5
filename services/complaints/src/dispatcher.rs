//! The outbox dispatcher: delivers the notices to notification and the
//! remedies to eligibility-verification, with retries.
//!
//! Both receivers are idempotent on the request id the message carries
//! (`complaints/{id}/{step}`, `complaints/{id}/remedy`), so a message
//! delivered but not marked — a crash between the two — is delivered again
//! harmlessly. A failure is retried with a doubling delay; a request the
//! receiver refuses for good (INVALID_ARGUMENT, FAILED_PRECONDITION,
//! NOT_FOUND, PERMISSION_DENIED) or one failing past the ceiling of attempts
//! is abandoned with an error in the log. A registry fault during a
//! re-evaluation is UNAVAILABLE at eligibility: retried, never a denial.
//!
//! Each delivery runs in an `outbox.deliver` span whose parent is the trace
//! context stored with the message, so the call to notification or
//! eligibility continues the trace of the call that wrote it.

use std::sync::Arc;

use chrono::{TimeDelta, Utc};
use housing_platform::telemetry;
use housing_proto::housing::eligibility::v1 as eligibility;
use housing_proto::housing::notification::v1 as notification;
use prost::Message;
use tokio::sync::{Notify, watch};
use tokio::task::JoinSet;
use tonic::Code;
use tracing::Instrument;

use crate::peers::Peers;
use crate::settings::OutboxSettings;
use crate::storage::{ComplaintStore, DueMessage, OutboxKind};

/// Most messages sent at once.
const BATCH_SIZE: i64 = 32;

/// The dispatcher and what it needs.
#[derive(Debug, Clone)]
pub struct Dispatcher {
    store: ComplaintStore,
    peers: Peers,
    settings: OutboxSettings,
    wakeup: Arc<Notify>,
}

enum Sent {
    Delivered { resulting_decision: Option<String> },
    Failed { error: String, retryable: bool },
}

impl Dispatcher {
    /// A dispatcher over the peers' shared channels.
    pub fn new(
        store: ComplaintStore,
        peers: Peers,
        settings: OutboxSettings,
        wakeup: Arc<Notify>,
    ) -> Self {
        Self {
            store,
            peers,
            settings,
            wakeup,
        }
    }

    /// Delivers due messages until the shutdown signal; wakes when messages
    /// are written and at least every poll interval.
    pub async fn run(self, mut shutdown: watch::Receiver<bool>) {
        loop {
            if *shutdown.borrow() {
                break;
            }
            if self.dispatch_batch().await {
                continue;
            }
            tokio::select! {
                () = self.wakeup.notified() => {}
                () = tokio::time::sleep(self.settings.poll_interval) => {}
                _ = shutdown.changed() => {}
            }
        }
    }

    /// One batch; true when a full batch was found (more may be due).
    async fn dispatch_batch(&self) -> bool {
        let messages = match self.store.due_messages(Utc::now(), BATCH_SIZE).await {
            Ok(messages) => messages,
            Err(error) => {
                tracing::error!(%error, "cannot read the outbox");
                return false;
            }
        };
        let full = i64::try_from(messages.len()).unwrap_or(i64::MAX) >= BATCH_SIZE;
        let mut sending = JoinSet::new();
        for message in messages {
            let dispatcher = self.clone();
            let span = telemetry::with_stored_parent(
                tracing::info_span!(
                    parent: None,
                    "outbox.deliver",
                    otel.kind = "consumer",
                    complaint = %message.complaint_id,
                    kind = message.kind.as_str(),
                ),
                message.trace_context.as_deref(),
            );
            sending.spawn(
                async move {
                    let sent = dispatcher.send(&message).await;
                    dispatcher.record(&message, sent).await;
                }
                .instrument(span),
            );
        }
        while let Some(result) = sending.join_next().await {
            if let Err(error) = result {
                tracing::error!(%error, "an outbox delivery task failed");
            }
        }
        full
    }

    async fn send(&self, message: &DueMessage) -> Sent {
        let payload = message.payload.as_slice();
        let answer = match message.kind {
            OutboxKind::Notice => match notification::SendNotificationRequest::decode(payload) {
                Ok(request) => self
                    .peers
                    .notification
                    .clone()
                    .send_notification(self.peers.request(request))
                    .await
                    .map(|_| None),
                Err(error) => return undecodable(&error),
            },
            OutboxKind::Reevaluate => match eligibility::ReevaluateCaseRequest::decode(payload) {
                Ok(request) => self
                    .peers
                    .eligibility
                    .clone()
                    .reevaluate_case(self.peers.request(request))
                    .await
                    .map(|response| response.into_inner().decision.map(|decision| decision.name)),
                Err(error) => return undecodable(&error),
            },
            OutboxKind::Register => {
                match eligibility::RegisterByComplaintDecisionRequest::decode(payload) {
                    Ok(request) => self
                        .peers
                        .eligibility
                        .clone()
                        .register_by_complaint_decision(self.peers.request(request))
                        .await
                        .map(|response| {
                            response.into_inner().decision.map(|decision| decision.name)
                        }),
                    Err(error) => return undecodable(&error),
                }
            }
        };
        match answer {
            Ok(resulting_decision) => Sent::Delivered { resulting_decision },
            Err(status) => Sent::Failed {
                error: format!("{:?}: {}", status.code(), status.message()),
                retryable: !matches!(
                    status.code(),
                    Code::InvalidArgument
                        | Code::FailedPrecondition
                        | Code::NotFound
                        | Code::PermissionDenied
                ),
            },
        }
    }

    async fn record(&self, message: &DueMessage, sent: Sent) {
        let now = Utc::now();
        match sent {
            Sent::Delivered { resulting_decision } => {
                if let Err(error) = self
                    .store
                    .mark_delivered(message, resulting_decision.as_deref(), now)
                    .await
                {
                    tracing::error!(%error, "cannot mark an outbox message delivered; it is sent again");
                } else if message.kind != OutboxKind::Notice {
                    tracing::info!(
                        complaint = %message.complaint_id,
                        kind = message.kind.as_str(),
                        "the complaint's remedy took effect in eligibility-verification"
                    );
                }
            }
            Sent::Failed { error, retryable } => {
                let attempts =
                    u32::try_from(message.attempts.saturating_add(1)).unwrap_or(u32::MAX);
                let abandon = !retryable || attempts >= self.settings.max_attempts;
                let wait = TimeDelta::from_std(self.settings.backoff_after(attempts))
                    .unwrap_or(TimeDelta::MAX);
                let next_attempt = now.checked_add_signed(wait).unwrap_or(now);
                if abandon {
                    tracing::error!(
                        complaint = %message.complaint_id,
                        kind = message.kind.as_str(),
                        attempts,
                        error = %error,
                        "outbox message abandoned"
                    );
                } else {
                    tracing::debug!(
                        complaint = %message.complaint_id,
                        kind = message.kind.as_str(),
                        attempts,
                        "outbox delivery failed; retried later"
                    );
                }
                if let Err(store_error) = self
                    .store
                    .mark_failed(message, &error, next_attempt, abandon)
                    .await
                {
                    tracing::error!(error = %store_error, "cannot record an outbox failure");
                }
            }
        }
    }
}

fn undecodable(error: &prost::DecodeError) -> Sent {
    Sent::Failed {
        error: format!("the stored request cannot be decoded: {error}"),
        retryable: false,
    }
}
