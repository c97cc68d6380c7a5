//! The service's settings, parsed from an injectable source of variables.
//!
//! `main` passes the process environment; tests pass a map, so that no test
//! ever calls `std::env::set_var` (the registry-gateway pattern). Every
//! variable has a default that gives the zero-setup development service.
//!
//! | variable | default | meaning |
//! |---|---|---|
//! | `HOUSING_LISTEN_ADDRESS` | `127.0.0.1:50051` | where gRPC is served (port 0: any free port) |
//! | `HOUSING_GRPC_*` | see [`housing_platform::limits`] | message size, deadline, concurrency and per-caller rate limits of every call |
//! | `HOUSING_INTAKE_DATABASE_URL` | `sqlite://data/application-intake.db?mode=rwc` | `postgres://…` or `sqlite:…` |
//! | `HOUSING_INTAKE_DATABASE_MAX_CONNECTIONS` | `16` | pool size |
//! | `HOUSING_INTAKE_ELIGIBILITY_ADDRESS` | `http://127.0.0.1:50052` | eligibility-verification |
//! | `HOUSING_INTAKE_CERTIFICATION_CENTRE_ADDRESS` | `http://127.0.0.1:50053` | the certification centre (registry-gateway's test PKI) |
//! | `HOUSING_INTAKE_TRUST_ROOT_FILE` | unset | a DER root certificate to trust instead of asking the centre at start-up |
//! | `HOUSING_INTAKE_TRUST_ROOT_WAIT_MS` | `30000` | how long start-up waits for the centre to give its root |
//! | `HOUSING_INTAKE_PEER_TIMEOUT_MS` | `5000` | deadline of each call to eligibility or the centre |
//! | `HOUSING_INTAKE_MAX_FORM_BYTES` | `3145728` | largest signed form (attachments included) |
//! | `HOUSING_INTAKE_MAX_ATTACHMENT_BYTES` | `2097152` | largest attached file |
//! | `HOUSING_INTAKE_OUTBOX_POLL_INTERVAL_MS` | `1000` | the dispatcher's timer (it also wakes on every new row) |
//! | `HOUSING_INTAKE_OUTBOX_BATCH_SIZE` | `64` | most messages the dispatcher sends at once |
//! | `HOUSING_INTAKE_OUTBOX_INITIAL_BACKOFF_MS` | `250` | first retry delay after a failed hand-over |
//! | `HOUSING_INTAKE_OUTBOX_MAX_BACKOFF_MS` | `60000` | ceiling of the doubling retry delay |
//! | `HOUSING_CALENDAR_FILES` | unset | comma-separated calendar year files (docs/calendar.md) beyond the built-in years |
//! | `HOUSING_BUSINESS_CLOCK_SHIFT_SECONDS` | `0` | business time = system time + this many seconds, for demonstrations and tests on fixed-date data (warned at start-up) |
//!
//! The clock that stamps receipt is the business clock
//! ([`housing_platform::clock::business_clock`]) unless a test injects another
//! ([`Settings::clock`]).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use housing_platform::limits::Limits;
use housing_platform::security::Security;
pub use housing_platform::settings::SettingsError;
use housing_platform::settings::{Variables, positive};
pub use housing_platform::trust_root::TrustRootSource;
pub use housing_storage::DatabaseSettings;

use crate::clock::Clock;

/// Where gRPC is served.
pub const LISTEN_ADDRESS_VARIABLE: &str = "HOUSING_LISTEN_ADDRESS";
/// The database URL.
pub const DATABASE_URL_VARIABLE: &str = "HOUSING_INTAKE_DATABASE_URL";
/// The pool size.
pub const DATABASE_MAX_CONNECTIONS_VARIABLE: &str = "HOUSING_INTAKE_DATABASE_MAX_CONNECTIONS";
/// eligibility-verification's address.
pub const ELIGIBILITY_ADDRESS_VARIABLE: &str = "HOUSING_INTAKE_ELIGIBILITY_ADDRESS";
/// The certification centre's address.
pub const CERTIFICATION_CENTRE_ADDRESS_VARIABLE: &str =
    "HOUSING_INTAKE_CERTIFICATION_CENTRE_ADDRESS";
/// A DER root certificate file to trust instead of the centre's answer.
pub const TRUST_ROOT_FILE_VARIABLE: &str = "HOUSING_INTAKE_TRUST_ROOT_FILE";
/// How long start-up waits for the centre's root.
pub const TRUST_ROOT_WAIT_VARIABLE: &str = "HOUSING_INTAKE_TRUST_ROOT_WAIT_MS";
/// The deadline of each call to a peer.
pub const PEER_TIMEOUT_VARIABLE: &str = "HOUSING_INTAKE_PEER_TIMEOUT_MS";
/// The largest signed form.
pub const MAX_FORM_BYTES_VARIABLE: &str = "HOUSING_INTAKE_MAX_FORM_BYTES";
/// The largest attachment.
pub const MAX_ATTACHMENT_BYTES_VARIABLE: &str = "HOUSING_INTAKE_MAX_ATTACHMENT_BYTES";
/// The outbox dispatcher's timer.
pub const OUTBOX_POLL_INTERVAL_VARIABLE: &str = "HOUSING_INTAKE_OUTBOX_POLL_INTERVAL_MS";
/// The outbox dispatcher's batch size.
pub const OUTBOX_BATCH_SIZE_VARIABLE: &str = "HOUSING_INTAKE_OUTBOX_BATCH_SIZE";
/// The first retry delay of the outbox.
pub const OUTBOX_INITIAL_BACKOFF_VARIABLE: &str = "HOUSING_INTAKE_OUTBOX_INITIAL_BACKOFF_MS";
/// The ceiling of the outbox's retry delay.
pub const OUTBOX_MAX_BACKOFF_VARIABLE: &str = "HOUSING_INTAKE_OUTBOX_MAX_BACKOFF_MS";
/// Calendar year files shared by the services that compute terms.
pub const CALENDAR_FILES_VARIABLE: &str = "HOUSING_CALENDAR_FILES";

/// Every variable of the service's own prefix; any other `HOUSING_INTAKE_*`
/// variable is refused as a probable typo.
const INTAKE_VARIABLES: [&str; 13] = [
    DATABASE_URL_VARIABLE,
    DATABASE_MAX_CONNECTIONS_VARIABLE,
    ELIGIBILITY_ADDRESS_VARIABLE,
    CERTIFICATION_CENTRE_ADDRESS_VARIABLE,
    TRUST_ROOT_FILE_VARIABLE,
    TRUST_ROOT_WAIT_VARIABLE,
    PEER_TIMEOUT_VARIABLE,
    MAX_FORM_BYTES_VARIABLE,
    MAX_ATTACHMENT_BYTES_VARIABLE,
    OUTBOX_POLL_INTERVAL_VARIABLE,
    OUTBOX_BATCH_SIZE_VARIABLE,
    OUTBOX_INITIAL_BACKOFF_VARIABLE,
    OUTBOX_MAX_BACKOFF_VARIABLE,
];
const INTAKE_PREFIX: &str = "HOUSING_INTAKE_";

/// The zero-setup database: an SQLite file under `./data/`, created on first start.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/application-intake.db?mode=rwc";
/// eligibility-verification on the development machine.
pub const DEFAULT_ELIGIBILITY_ADDRESS: &str = "http://127.0.0.1:50052";
/// registry-gateway (and its certification centre) on the development machine.
pub const DEFAULT_CERTIFICATION_CENTRE_ADDRESS: &str = "http://127.0.0.1:50053";

const DEFAULT_TRUST_ROOT_WAIT: Duration = Duration::from_secs(30);
const DEFAULT_PEER_TIMEOUT: Duration = Duration::from_secs(5);
const DEFAULT_MAX_FORM_BYTES: usize = 3 * 1024 * 1024;
const DEFAULT_MAX_ATTACHMENT_BYTES: usize = 2 * 1024 * 1024;
/// gRPC messages above 64 MiB are refused whatever the setting: a form is
/// a document, not a bulk upload.
const LARGEST_ALLOWED_FORM_BYTES: usize = 64 * 1024 * 1024;
const DEFAULT_OUTBOX_POLL_INTERVAL: Duration = Duration::from_secs(1);
const DEFAULT_OUTBOX_BATCH_SIZE: usize = 64;
const DEFAULT_OUTBOX_INITIAL_BACKOFF: Duration = Duration::from_millis(250);
const DEFAULT_OUTBOX_MAX_BACKOFF: Duration = Duration::from_secs(60);

/// Everything the service is configured with.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Where gRPC is served; port 0 asks the system for a free port.
    pub listen_address: SocketAddr,
    /// Limits of every call served: message size, deadline, concurrency,
    /// per-caller rate (the shared `HOUSING_GRPC_*` variables).
    pub server_limits: Limits,
    /// How connections are secured and callers established
    /// ([`housing_platform::security`]).
    pub security: Security,
    /// The service's own database.
    pub database: DatabaseSettings,
    /// The services it calls.
    pub peers: PeerSettings,
    /// Where the trusted EDS root comes from.
    pub trust_root: TrustRootSource,
    /// Size limits of what a citizen may submit.
    pub limits: SizeLimits,
    /// The outbox dispatcher.
    pub outbox: OutboxSettings,
    /// Calendar year files loaded beyond the built-in years.
    pub calendar_files: Vec<PathBuf>,
    /// The clock that stamps the receipt of an application (and so its
    /// acceptance day): the business clock, unless a test injects another.
    pub clock: Arc<dyn Clock>,
}

/// The peers the service calls, over lazily connected shared channels.
#[derive(Debug, Clone)]
pub struct PeerSettings {
    /// eligibility-verification, `http://host:port`.
    pub eligibility_address: String,
    /// The certification centre, `http://host:port`.
    pub certification_centre_address: String,
    /// The deadline of each call.
    pub call_timeout: Duration,
}

/// Size limits of a submission.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SizeLimits {
    /// The largest signed form, attachments included.
    pub max_form_bytes: usize,
    /// The largest single attachment.
    pub max_attachment_bytes: usize,
}

/// How the outbox dispatcher works.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutboxSettings {
    /// How often it looks for due messages when nothing wakes it.
    pub poll_interval: Duration,
    /// Most messages sent concurrently in one round.
    pub batch_size: usize,
    /// The first retry delay; each failure doubles it.
    pub initial_backoff: Duration,
    /// The ceiling of the retry delay.
    pub max_backoff: Duration,
}

impl Settings {
    /// Parses the settings from `variables` (name, value); missing ones take their defaults.
    pub fn from_variables<K, V>(
        variables: impl IntoIterator<Item = (K, V)>,
    ) -> Result<Self, SettingsError>
    where
        K: Into<String>,
        V: Into<String>,
    {
        // A blank variable counts as unset here: it takes its default.
        let variables = variables
            .into_iter()
            .collect::<Variables>()
            .with_blank_as_unset();
        variables.refuse_unknown("application-intake", INTAKE_PREFIX, &INTAKE_VARIABLES)?;

        let listen_address =
            variables.socket_address_or(LISTEN_ADDRESS_VARIABLE, crate::DEFAULT_LISTEN_ADDRESS)?;
        let database = variables.database_or(
            DATABASE_URL_VARIABLE,
            DEFAULT_DATABASE_URL,
            DATABASE_MAX_CONNECTIONS_VARIABLE,
        )?;
        let eligibility_address =
            variables.peer_address_or(ELIGIBILITY_ADDRESS_VARIABLE, DEFAULT_ELIGIBILITY_ADDRESS)?;
        let certification_centre_address = variables.peer_address_or(
            CERTIFICATION_CENTRE_ADDRESS_VARIABLE,
            DEFAULT_CERTIFICATION_CENTRE_ADDRESS,
        )?;
        let call_timeout =
            variables.milliseconds_or(PEER_TIMEOUT_VARIABLE, DEFAULT_PEER_TIMEOUT)?;
        let trust_root = match variables.get(TRUST_ROOT_FILE_VARIABLE) {
            Some(path) => TrustRootSource::File(PathBuf::from(path)),
            None => TrustRootSource::CertificationCentre {
                wait: variables
                    .milliseconds_or(TRUST_ROOT_WAIT_VARIABLE, DEFAULT_TRUST_ROOT_WAIT)?,
            },
        };
        let max_form_bytes = variables.parse_or(
            MAX_FORM_BYTES_VARIABLE,
            &DEFAULT_MAX_FORM_BYTES.to_string(),
            |text| match positive::<usize>(text)? {
                bytes if bytes > LARGEST_ALLOWED_FORM_BYTES => Err(format!(
                    "must be at most {LARGEST_ALLOWED_FORM_BYTES} bytes"
                )),
                bytes => Ok(bytes),
            },
        )?;
        let max_attachment_bytes = variables.parse_or(
            MAX_ATTACHMENT_BYTES_VARIABLE,
            &DEFAULT_MAX_ATTACHMENT_BYTES.to_string(),
            |text| match positive::<usize>(text)? {
                bytes if bytes > max_form_bytes => Err(format!(
                    "must not exceed {MAX_FORM_BYTES_VARIABLE} ({max_form_bytes})"
                )),
                bytes => Ok(bytes),
            },
        )?;
        let poll_interval = variables
            .milliseconds_or(OUTBOX_POLL_INTERVAL_VARIABLE, DEFAULT_OUTBOX_POLL_INTERVAL)?;
        let batch_size = variables.between_or(
            OUTBOX_BATCH_SIZE_VARIABLE,
            DEFAULT_OUTBOX_BATCH_SIZE,
            1,
            1024,
        )?;
        let initial_backoff = variables.milliseconds_or(
            OUTBOX_INITIAL_BACKOFF_VARIABLE,
            DEFAULT_OUTBOX_INITIAL_BACKOFF,
        )?;
        let max_backoff =
            variables.milliseconds_or(OUTBOX_MAX_BACKOFF_VARIABLE, DEFAULT_OUTBOX_MAX_BACKOFF)?;
        if max_backoff < initial_backoff {
            return Err(SettingsError::Invalid {
                variable: OUTBOX_MAX_BACKOFF_VARIABLE,
                problem: format!("must not be below {OUTBOX_INITIAL_BACKOFF_VARIABLE}"),
            });
        }
        let calendar_files = variables.paths(CALENDAR_FILES_VARIABLE);

        Ok(Settings {
            listen_address,
            server_limits: Limits::from_variables(&variables)?,
            security: Security::from_variables(&variables)?,
            database,
            peers: PeerSettings {
                eligibility_address,
                certification_centre_address,
                call_timeout,
            },
            trust_root,
            limits: SizeLimits {
                max_form_bytes,
                max_attachment_bytes,
            },
            outbox: OutboxSettings {
                poll_interval,
                batch_size,
                initial_backoff,
                max_backoff,
            },
            calendar_files,
            clock: housing_platform::clock::business_clock(&variables)?,
        })
    }

    /// Parses the settings from the process environment (variables that are
    /// not valid Unicode are left out).
    pub fn from_process_environment() -> Result<Self, SettingsError> {
        Self::from_variables(Variables::from_process_environment())
    }

    /// The same settings with another clock (tests fix the receipt instant).
    pub fn with_clock(self, clock: Arc<dyn Clock>) -> Self {
        Self { clock, ..self }
    }
}

#[cfg(test)]
mod tests;
