//! The outbox dispatcher: delivers the status events to application-intake
//! and the notices to notification, in batches, with retries.
//!
//! Both receivers are idempotent (intake on `event_id`, notification on
//! `request_id`), so a message delivered but not marked — a crash between the
//! two — is simply delivered again. A failed delivery is retried with
//! exponential backoff up to a ceiling of attempts, then abandoned with an
//! error in the log. Messages of one case to one destination go in order.
//!
//! Each delivery runs in an `outbox.deliver` span whose parent is the trace
//! context stored with the message (the evaluation or call that wrote it), so
//! the call to intake or notification continues the trace of the application.

use std::sync::Arc;
use std::time::Duration;

use chrono::TimeDelta;
use housing_platform::caller::Caller;
use housing_platform::telemetry;
use housing_proto::housing::intake::v1::application_intake_service_client::ApplicationIntakeServiceClient;
use housing_proto::housing::notification::v1::notification_service_client::NotificationServiceClient;
use tokio::sync::{Notify, watch};
use tokio::task::JoinSet;
use tonic::transport::Channel;
use tracing::Instrument;

use crate::adapter::outbox::{decode_notice, decode_status_event};
use crate::clock::Clock;
use crate::settings::OutboxSettings;
use crate::storage::{Destination, OutboxMessage, Store};

/// The dispatcher and what it needs.
#[derive(Debug, Clone)]
pub struct Dispatcher {
    store: Store,
    intake: ApplicationIntakeServiceClient<Channel>,
    notification: NotificationServiceClient<Channel>,
    settings: OutboxSettings,
    peer_timeout: Duration,
    clock: Arc<dyn Clock>,
}

/// How one delivery went.
enum Delivery {
    Delivered(i64),
    Failed {
        message: OutboxMessage,
        error: String,
        retryable: bool,
    },
}

impl Dispatcher {
    /// A dispatcher over the shared, lazily connected channels to the peers.
    pub fn new(
        store: Store,
        intake: Channel,
        notification: Channel,
        settings: OutboxSettings,
        peer_timeout: Duration,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            store,
            intake: ApplicationIntakeServiceClient::new(intake),
            notification: NotificationServiceClient::new(notification),
            settings,
            peer_timeout,
            clock,
        }
    }

    /// Delivers due messages until the shutdown signal; wakes when messages
    /// are written (`wakeup`) and at least every `settings.interval`.
    pub async fn run(self, wakeup: Arc<Notify>, mut shutdown: watch::Receiver<bool>) {
        loop {
            if *shutdown.borrow() {
                break;
            }
            let delivered_some = self.dispatch_batch().await;
            if delivered_some {
                // The next messages of the same cases are due now.
                continue;
            }
            tokio::select! {
                () = wakeup.notified() => {}
                () = tokio::time::sleep(self.settings.interval) => {}
                _ = shutdown.changed() => {}
            }
        }
    }

    /// Delivers one batch; true when at least one message was delivered.
    async fn dispatch_batch(&self) -> bool {
        let limit = i64::try_from(self.settings.batch_size).unwrap_or(i64::MAX);
        let messages = match self
            .store
            .due_outbox_messages(self.clock.now(), limit)
            .await
        {
            Ok(messages) => messages,
            Err(error) => {
                tracing::error!(%error, "cannot read the outbox");
                return false;
            }
        };
        if messages.is_empty() {
            return false;
        }
        let mut sending = JoinSet::new();
        for message in messages {
            let dispatcher = self.clone();
            let span = telemetry::with_stored_parent(
                tracing::info_span!(
                    parent: None,
                    "outbox.deliver",
                    otel.kind = "consumer",
                    case = %message.case_id.case_name(),
                    destination = message.destination.as_str(),
                ),
                message.trace_context.as_deref(),
            );
            sending.spawn(async move { dispatcher.deliver(message).await }.instrument(span));
        }
        let mut delivered = Vec::new();
        while let Some(result) = sending.join_next().await {
            match result {
                Ok(Delivery::Delivered(id)) => delivered.push(id),
                Ok(Delivery::Failed {
                    message,
                    error,
                    retryable,
                }) => self.record_failure(&message, &error, retryable).await,
                Err(error) => tracing::error!(%error, "an outbox delivery task failed"),
            }
        }
        if let Err(error) = self
            .store
            .mark_outbox_delivered(&delivered, self.clock.now())
            .await
        {
            // They will be delivered again: the receivers ignore the replay.
            tracing::error!(%error, "cannot mark outbox messages delivered");
            return false;
        }
        !delivered.is_empty()
    }

    async fn deliver(self, message: OutboxMessage) -> Delivery {
        // The suite's own services accept these calls from a system caller only.
        let caller = Caller::system(crate::SERVICE);
        let sent = match message.destination {
            Destination::Intake => match decode_status_event(&message.payload) {
                Ok(event) => {
                    let mut request = tonic::Request::new(event);
                    request.set_timeout(self.peer_timeout);
                    caller.attach(request.metadata_mut());
                    self.intake
                        .clone()
                        .record_application_event(request)
                        .await
                        .map(|_| ())
                }
                Err(error) => return undecodable(message, &error),
            },
            Destination::Notification => match decode_notice(&message.payload) {
                Ok(notice) => {
                    let mut request = tonic::Request::new(notice);
                    request.set_timeout(self.peer_timeout);
                    caller.attach(request.metadata_mut());
                    self.notification
                        .clone()
                        .send_notification(request)
                        .await
                        .map(|_| ())
                }
                Err(error) => return undecodable(message, &error),
            },
        };
        match sent {
            Ok(()) => Delivery::Delivered(message.id),
            Err(status) => Delivery::Failed {
                message,
                error: format!("{:?}: {}", status.code(), status.message()),
                // The request is fixed when the change is committed: one the
                // receiver refuses as malformed will never be accepted. Every
                // other failure (down, not yet deployed, misconfigured) may pass.
                retryable: status.code() != tonic::Code::InvalidArgument,
            },
        }
    }

    async fn record_failure(&self, message: &OutboxMessage, error: &str, retryable: bool) {
        let attempts = u32::try_from(message.attempts.saturating_add(1)).unwrap_or(u32::MAX);
        let abandon = !retryable || attempts >= self.settings.max_attempts;
        let wait = TimeDelta::from_std(self.settings.retry.after_failures(attempts))
            .unwrap_or(TimeDelta::MAX);
        let now = self.clock.now();
        let next_attempt = now.checked_add_signed(wait).unwrap_or(now);
        if abandon {
            tracing::error!(
                case = %message.case_id.case_name(),
                destination = message.destination.as_str(),
                attempts,
                "outbox message abandoned"
            );
        } else {
            tracing::debug!(
                case = %message.case_id.case_name(),
                destination = message.destination.as_str(),
                attempts,
                "outbox delivery failed; retried later"
            );
        }
        let next_attempt = if abandon { now } else { next_attempt };
        if let Err(store_error) = self
            .store
            .mark_outbox_failed(message.id, error, next_attempt, abandon)
            .await
        {
            tracing::error!(error = %store_error, "cannot record an outbox failure");
        }
    }
}

fn undecodable(message: OutboxMessage, error: &prost::DecodeError) -> Delivery {
    Delivery::Failed {
        message,
        error: format!("the stored request cannot be decoded: {error}"),
        retryable: false,
    }
}
