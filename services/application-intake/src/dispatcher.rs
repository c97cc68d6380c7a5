//! The outbox dispatcher: delivers what the transactions wrote to
//! eligibility-verification, at least once, in order per application.
//!
//! It wakes when a message is written (a [`Notify`]) and on a timer (for
//! retries, and for messages another instance or a crashed run left behind),
//! sends up to a batch of due messages concurrently, and marks each done only
//! after eligibility answered. A failure is retried with a doubling delay up
//! to a ceiling. A crash at any point means a redelivery, which eligibility
//! answers with the case it already has (OpenCase is idempotent on the
//! application name), so nothing is lost and nothing is doubled.
//!
//! Each delivery runs in an `outbox.deliver` span whose parent is the trace
//! context stored with the message, so the call to eligibility continues the
//! trace of the call that wrote it (the SubmitApplication of the application).

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use housing_platform::telemetry;
use housing_proto::housing::eligibility::v1::{OpenCaseRequest, WithdrawCaseRequest};
use prost::Message;
use tokio::sync::{Notify, watch};
use tokio::task::JoinSet;
use tonic::Code;
use tracing::Instrument;

use crate::clock::Clock;
use crate::model::{Actor, ApplicationState};
use crate::peers::Peers;
use crate::settings::OutboxSettings;
use crate::storage::{DueMessage, IntakeStore, NewEvent, OutboxKind, VerifyingFollowUp};

/// The event id of the move to VERIFYING once eligibility opened the case.
pub const CASE_OPENED_EVENT_ID: &str = "case-opened";

/// How long a claimed message stays reserved beyond the call's own deadline:
/// if this dispatcher dies mid-call, the message is due again after it.
const LEASE_MARGIN: Duration = Duration::from_secs(5);

/// The dispatcher and what it needs.
#[derive(Debug, Clone)]
pub struct Dispatcher {
    store: IntakeStore,
    peers: Peers,
    settings: OutboxSettings,
    clock: Arc<dyn Clock>,
    wakeup: Arc<Notify>,
}

/// How a delivery ended.
enum Delivery {
    /// Eligibility accepted it.
    Delivered,
    /// Nothing left to do there (a withdrawal of a case that is already
    /// final or unknown); recorded as delivered.
    NothingToDo(Code),
    /// Worth another attempt.
    Failed(String),
}

impl Dispatcher {
    /// A dispatcher; `wakeup` is notified by every transaction that writes a message.
    pub fn new(
        store: IntakeStore,
        peers: Peers,
        settings: OutboxSettings,
        clock: Arc<dyn Clock>,
        wakeup: Arc<Notify>,
    ) -> Self {
        Self {
            store,
            peers,
            settings,
            clock,
            wakeup,
        }
    }

    /// Delivers until `stop` turns true; a delivery in flight then finishes.
    pub async fn run(self, mut stop: watch::Receiver<bool>) {
        tracing::info!(service = crate::SERVICE, "outbox dispatcher started");
        loop {
            self.deliver_due().await;
            tokio::select! {
                () = self.wakeup.notified() => {}
                () = tokio::time::sleep(self.settings.poll_interval) => {}
                _ = stop.wait_for(|stop| *stop) => break,
            }
        }
        tracing::info!(service = crate::SERVICE, "outbox dispatcher stopped");
    }

    /// Sends every message due now, a batch at a time.
    async fn deliver_due(&self) {
        loop {
            let batch_size = i64::try_from(self.settings.batch_size).unwrap_or(i64::MAX);
            let due = match self.store.due_messages(Utc::now(), batch_size).await {
                Ok(due) => due,
                Err(error) => {
                    tracing::warn!(error = %error, "cannot read the outbox; trying again later");
                    return;
                }
            };
            let full_batch = due.len() >= self.settings.batch_size;
            if due.is_empty() {
                return;
            }
            let mut deliveries = JoinSet::new();
            for message in due {
                let dispatcher = self.clone();
                let span = telemetry::with_stored_parent(
                    tracing::info_span!(
                        parent: None,
                        "outbox.deliver",
                        otel.kind = "consumer",
                        application = %message.application,
                        kind = ?message.kind,
                    ),
                    message.trace_context.as_deref(),
                );
                deliveries.spawn(async move { dispatcher.deliver(message).await }.instrument(span));
            }
            while deliveries.join_next().await.is_some() {}
            if !full_batch {
                return;
            }
        }
    }

    async fn deliver(&self, message: DueMessage) {
        let lease_until = after(Utc::now(), self.peers.call_timeout + LEASE_MARGIN);
        match self.store.claim(&message, lease_until).await {
            Ok(true) => {}
            // Another dispatcher has it.
            Ok(false) => return,
            Err(error) => {
                tracing::warn!(error = %error, "cannot claim an outbox message");
                return;
            }
        }
        let attempt = message.attempts + 1;
        let outcome = match message.kind {
            OutboxKind::OpenCase => self.open_case(&message).await,
            OutboxKind::WithdrawCase => self.withdraw_case(&message).await,
        };
        let recorded = match outcome {
            Delivery::Delivered => {
                tracing::info!(
                    application = %message.application,
                    kind = ?message.kind,
                    attempt,
                    "handed over to eligibility"
                );
                let follow_up = (message.kind == OutboxKind::OpenCase).then(|| {
                    let now = self.clock.now();
                    VerifyingFollowUp {
                        event: NewEvent {
                            event_id: CASE_OPENED_EVENT_ID.to_owned(),
                            state: ApplicationState::Verifying,
                            event_time: now,
                            decision: None,
                            register_entry: None,
                            processing_deadline: None,
                            actor: Actor::intake(),
                            rule_codes: Vec::new(),
                            recorded_at: now,
                        },
                    }
                });
                self.store
                    .complete_delivery(&message, Utc::now(), follow_up.as_ref())
                    .await
            }
            Delivery::NothingToDo(code) => {
                tracing::warn!(
                    application = %message.application,
                    kind = ?message.kind,
                    ?code,
                    "eligibility had nothing to withdraw"
                );
                self.store
                    .complete_delivery(&message, Utc::now(), None)
                    .await
            }
            Delivery::Failed(failure) => {
                let delay = self.backoff(attempt);
                tracing::warn!(
                    application = %message.application,
                    kind = ?message.kind,
                    attempt,
                    retry_in_ms = delay.as_millis(),
                    failure = %failure,
                    "hand-over to eligibility failed"
                );
                self.store
                    .schedule_retry(&message, after(Utc::now(), delay), &failure)
                    .await
            }
        };
        if let Err(error) = recorded {
            // The lease runs out and the message is delivered again: harmless.
            tracing::warn!(
                application = %message.application,
                error = %error,
                "cannot record the outcome of a hand-over"
            );
        }
    }

    async fn open_case(&self, message: &DueMessage) -> Delivery {
        let request = match OpenCaseRequest::decode(message.payload.as_slice()) {
            Ok(request) => request,
            Err(error) => return Delivery::Failed(format!("undecodable payload: {error}")),
        };
        match self
            .peers
            .eligibility
            .clone()
            .open_case(self.peers.request(request))
            .await
        {
            Ok(_) => Delivery::Delivered,
            Err(status) => Delivery::Failed(describe(&status)),
        }
    }

    async fn withdraw_case(&self, message: &DueMessage) -> Delivery {
        let request = match WithdrawCaseRequest::decode(message.payload.as_slice()) {
            Ok(request) => request,
            Err(error) => return Delivery::Failed(format!("undecodable payload: {error}")),
        };
        match self
            .peers
            .eligibility
            .clone()
            .withdraw_case(self.peers.request(request))
            .await
        {
            Ok(_) => Delivery::Delivered,
            // The case reached a final decision first, or was never opened
            // (the opening always goes first, so only if eligibility lost it).
            Err(status) if matches!(status.code(), Code::FailedPrecondition | Code::NotFound) => {
                Delivery::NothingToDo(status.code())
            }
            Err(status) => Delivery::Failed(describe(&status)),
        }
    }

    /// The delay before attempt `attempt + 1`: the first delay, doubled per
    /// failure, at most the ceiling.
    fn backoff(&self, attempt: i64) -> Duration {
        let doublings = u32::try_from(attempt.saturating_sub(1).clamp(0, 30)).unwrap_or(30);
        self.settings
            .initial_backoff
            .saturating_mul(2_u32.saturating_pow(doublings))
            .min(self.settings.max_backoff)
    }
}

fn after(instant: DateTime<Utc>, delay: Duration) -> DateTime<Utc> {
    TimeDelta::from_std(delay)
        .ok()
        .and_then(|delay| instant.checked_add_signed(delay))
        .unwrap_or(instant)
}

/// A failure for the log and the outbox row: the code and eligibility's
/// message (which, by the suite's conventions, names no person).
fn describe(status: &tonic::Status) -> String {
    format!("{:?}: {}", status.code(), status.message())
}
