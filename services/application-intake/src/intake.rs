//! The service's core, behind the gRPC adapter: what each call does, with
//! callers and domain types, never wire details beyond the requests.
//!
//! * `submission` — SubmitApplication.
//! * `account` — the personal account: GetApplication, ListApplications, ListApplicationEvents.
//! * `lifecycle` — WithdrawApplication and RecordApplicationEvent.
//!
//! Which roles may call which RPC is declared once, in
//! `housing_platform::authorization::TABLE`, and enforced before any handler
//! runs; the core checks only what depends on the data (whose application it is).

use std::sync::Arc;

use housing_domain::calendar::WorkingCalendar;
use housing_platform::caller::{Caller, Role};
use housing_platform::error::{Reason, ServiceError};
use housing_storage::StorageError;
use tokio::sync::Notify;

use crate::clock::Clock;
use crate::model::StoredApplication;
use crate::settings::SizeLimits;
use crate::signature::SignatureChecker;
use crate::storage::{IntakeStore, StoreError};

mod account;
mod lifecycle;
mod submission;

/// How often a change that lost a race with another change is retried
/// before the caller is told to retry.
const STALE_RETRIES: usize = 5;

/// Everything the calls need.
#[derive(Debug, Clone)]
pub struct Intake {
    store: IntakeStore,
    signatures: SignatureChecker,
    calendar: Arc<WorkingCalendar>,
    clock: Arc<dyn Clock>,
    limits: SizeLimits,
    /// Wakes the outbox dispatcher when a message is written.
    outbox_written: Arc<Notify>,
}

impl Intake {
    /// The core over its parts.
    pub fn new(
        store: IntakeStore,
        signatures: SignatureChecker,
        calendar: Arc<WorkingCalendar>,
        clock: Arc<dyn Clock>,
        limits: SizeLimits,
        outbox_written: Arc<Notify>,
    ) -> Self {
        Self {
            store,
            signatures,
            calendar,
            clock,
            limits,
            outbox_written,
        }
    }
}

/// Roles that may read any application (the personal account is the citizen's).
const STAFF_READERS: [Role; 4] = [
    Role::Operator,
    Role::ProviderHead,
    Role::ComplaintsBody,
    Role::System,
];

/// Whether `caller` may see `application`: a citizen only when they are its
/// applicant or representative; staff and the suite's systems always.
fn may_read(caller: &Caller, application: &StoredApplication) -> bool {
    match caller.role() {
        Role::Citizen => caller.iin().is_some_and(|iin| application.concerns(iin)),
        role => STAFF_READERS.contains(&role),
    }
}

/// An application the caller may not see is one that does not exist, for them.
fn not_found() -> ServiceError {
    ServiceError::NotFound {
        resource: "application",
    }
}

/// The one translation of storage failures into what callers see.
impl From<StoreError> for ServiceError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::ActiveApplicationExists { existing } => ServiceError::AlreadyExists {
                resource: "application",
                existing: existing.name(),
            },
            StoreError::Stale => ServiceError::Unavailable {
                reason: Reason::Unavailable,
                message: "the application is being changed by another call; retry".to_owned(),
            },
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
