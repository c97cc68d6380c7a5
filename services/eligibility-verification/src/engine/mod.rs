//! The workflow of a case (docs/registration-flow.md, steps 3–7): open it,
//! gather the facts and decide, hold the hearing, decide after it or let the
//! denial lapse into a final one, re-evaluate, register on a complaint's
//! decision, withdraw.
//!
//! Every change is one [`Commit`]: the decision, the case's new state, the
//! hearing or register entry, the outbox messages to intake and notification,
//! and the idempotency key of the call — all or nothing, guarded by the case's
//! version so that concurrent writers (the worker, an operator, the lapse)
//! cannot both act on the same state. A writer that loses re-reads and tries
//! again, or reports the conflict.

mod decide;
mod evaluation;
mod hearing;

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use housing_domain::calendar::WorkingCalendar;
use housing_platform::error::{ErrorReason, Reason, ServiceError};
use tokio::sync::Notify;

use crate::clock::Clock;
use crate::registry::RegistryClient;
use crate::settings::{Backoff, HearingSettings};
use crate::storage::{CaseRecord, Store, StoreError};

pub use evaluation::EvaluationOutcome;

/// How often a write that lost to a concurrent one is tried again.
const ATTEMPTS_ON_CONFLICT: usize = 3;

/// What the engine is configured with.
#[derive(Debug, Clone)]
pub struct EngineSettings {
    /// How registry faults are retried.
    pub registry_retry: Backoff,
    /// Operators are alerted when a waiting case has less than this left.
    pub alert_margin: Duration,
    /// How hearings are held.
    pub hearing: HearingSettings,
}

/// The workflow over the store, the registers, the calendar and the clock.
#[derive(Debug, Clone)]
pub struct Engine {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    store: Store,
    registry: RegistryClient,
    calendar: WorkingCalendar,
    clock: Arc<dyn Clock>,
    settings: EngineSettings,
    /// Wakes the evaluation worker: a case was opened.
    evaluation_wakeup: Arc<Notify>,
    /// Wakes the outbox dispatcher: messages were written.
    outbox_wakeup: Arc<Notify>,
}

impl Engine {
    /// An engine; the two notifiers wake the evaluation worker and the outbox dispatcher.
    pub fn new(
        store: Store,
        registry: RegistryClient,
        calendar: WorkingCalendar,
        clock: Arc<dyn Clock>,
        settings: EngineSettings,
        evaluation_wakeup: Arc<Notify>,
        outbox_wakeup: Arc<Notify>,
    ) -> Self {
        Self {
            inner: Arc::new(Inner {
                store,
                registry,
                calendar,
                clock,
                settings,
                evaluation_wakeup,
                outbox_wakeup,
            }),
        }
    }

    /// The store.
    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    /// Now, by the service's clock, to the microsecond: instants are stored
    /// so, and an answer built before a write must equal a later read.
    pub fn now(&self) -> DateTime<Utc> {
        let now = self.inner.clock.now();
        DateTime::from_timestamp_micros(now.timestamp_micros()).unwrap_or(now)
    }

    fn calendar(&self) -> &WorkingCalendar {
        &self.inner.calendar
    }

    /// The local date of an instant in the provider's time zone.
    fn local_date(&self, instant: DateTime<Utc>) -> NaiveDate {
        instant
            .with_timezone(&self.calendar().hours().time_zone())
            .date_naive()
    }

    fn outbox_written(&self) {
        self.inner.outbox_wakeup.notify_one();
    }

    /// A case that must exist (the caller already resolved access to it).
    async fn load_case(&self, id: &crate::names::CaseId) -> Result<CaseRecord, ServiceError> {
        self.inner
            .store
            .case(id)
            .await?
            .ok_or(ServiceError::NotFound { resource: "case" })
    }
}

/// A duration as a chrono delta, saturating (settings are far below the limit).
fn delta(duration: Duration) -> TimeDelta {
    TimeDelta::from_std(duration).unwrap_or(TimeDelta::MAX)
}

/// A change the case's state does not allow.
fn failed_precondition(message: impl Into<String>) -> ServiceError {
    ServiceError::FailedPrecondition {
        reason: ErrorReason::Other(Reason::FailedPrecondition),
        message: message.into(),
    }
}

/// A write that kept losing to concurrent ones: the caller may retry.
fn contended() -> ServiceError {
    ServiceError::Unavailable {
        reason: Reason::Unavailable,
        message: "the case changed while the request was processed; retry".to_owned(),
    }
}

impl From<StoreError> for ServiceError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Storage(housing_storage::StorageError::Unavailable(_)) => {
                ServiceError::Unavailable {
                    reason: Reason::Unavailable,
                    message: "the database is unavailable; retry".to_owned(),
                }
            }
            other => ServiceError::Internal(anyhow::Error::new(other)),
        }
    }
}
