//! The delivery worker: claims due deliveries, attempts them concurrently,
//! sweeps stuck ones, and drains at shutdown.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Notify;
use tokio::task::JoinSet;
use tokio::time::MissedTickBehavior;

use super::attempt::{attempt_delivery, sweep_stuck_deliveries};
use crate::clock;
use crate::mobile_citizens::MobileCitizenDirectory;
use crate::providers::{EmailProvider, SmsProvider};
use crate::settings::DeliverySettings;
use crate::storage::NotificationStore;

/// What every attempt needs.
#[derive(Debug)]
pub struct DeliveryContext {
    /// The service's data.
    pub store: NotificationStore,
    /// The mobile citizens database, for text messages still waiting for a number.
    pub directory: MobileCitizenDirectory,
    /// The text-message adapter.
    pub sms: Arc<dyn SmsProvider>,
    /// The e-mail adapter.
    pub email: Arc<dyn EmailProvider>,
    /// Backoff, ceiling, timeouts.
    pub settings: DeliverySettings,
}

/// The worker. New notices wake it through `wake`; a timer wakes it for
/// retries that come due.
#[derive(Debug)]
pub struct DeliveryWorker {
    context: Arc<DeliveryContext>,
    wake: Arc<Notify>,
}

impl DeliveryWorker {
    /// A worker over `context`, woken by `wake`.
    pub fn new(context: DeliveryContext, wake: Arc<Notify>) -> Self {
        Self {
            context: Arc::new(context),
            wake,
        }
    }

    /// Works until `shutdown` completes, then lets attempts in flight finish
    /// for at most `grace`. Attempts still running after it are dropped: their
    /// deliveries stay SENDING and the sweeper takes them back after a restart.
    pub async fn run(self, shutdown: impl Future<Output = ()> + Send, grace: Duration) {
        let settings = self.context.settings;
        let mut in_flight: JoinSet<()> = JoinSet::new();
        let mut sweep_timer = tokio::time::interval(settings.sweeper_interval);
        sweep_timer.set_missed_tick_behavior(MissedTickBehavior::Delay);
        tokio::pin!(shutdown);
        loop {
            let room = settings.concurrency.saturating_sub(in_flight.len());
            if room > 0 {
                match self
                    .context
                    .store
                    .claim_due_deliveries(clock::now(), room)
                    .await
                {
                    Ok(claimed) => {
                        for delivery in claimed {
                            let context = Arc::clone(&self.context);
                            in_flight
                                .spawn(async move { attempt_delivery(&context, delivery).await });
                        }
                    }
                    // The database is away: the timer brings the worker back.
                    Err(error) => {
                        tracing::warn!(error = %error, "cannot claim due deliveries");
                    }
                }
            }
            // Biased so that the rare branches come first: under sustained load
            // an attempt finishes at every turn and would otherwise starve the sweeper.
            tokio::select! {
                biased;
                () = &mut shutdown => break,
                _ = sweep_timer.tick() => {
                    sweep_stuck_deliveries(&self.context).await;
                }
                Some(finished) = in_flight.join_next(), if !in_flight.is_empty() => {
                    log_if_panicked(finished);
                    // Collect every other attempt that finished meanwhile, so
                    // that the next claim fills the room in one statement.
                    while let Some(finished) = in_flight.try_join_next() {
                        log_if_panicked(finished);
                    }
                }
                () = self.wake.notified() => {}
                () = tokio::time::sleep(settings.poll_interval) => {}
            }
        }
        let drained = tokio::time::timeout(grace, async {
            while let Some(finished) = in_flight.join_next().await {
                log_if_panicked(finished);
            }
        })
        .await;
        if drained.is_err() {
            tracing::warn!(
                attempts = in_flight.len(),
                "shutdown grace over, dropping delivery attempts in flight; the sweeper will retry them"
            );
            in_flight.abort_all();
        }
        tracing::info!("delivery worker stopped");
    }
}

fn log_if_panicked(finished: Result<(), tokio::task::JoinError>) {
    if let Err(error) = finished
        && error.is_panic()
    {
        tracing::error!("a delivery attempt panicked; the sweeper will retry its delivery");
    }
}
