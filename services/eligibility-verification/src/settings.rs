//! The service's settings, parsed from an injectable source of variables.
//!
//! `main` passes the process environment; tests pass a map, so that no test
//! ever calls `std::env::set_var`. Every variable has a default that gives the
//! zero-setup development service: an SQLite file under `./data/`, the peers
//! on their default loopback ports.
//!
//! | variable | default | meaning |
//! |---|---|---|
//! | `HOUSING_LISTEN_ADDRESS` | `127.0.0.1:50052` | where gRPC is served (port 0: any free port) |
//! | `HOUSING_GRPC_*` | see [`housing_platform::limits`] | message size, deadline, concurrency and per-caller rate limits of every call |
//! | `HOUSING_ELIGIBILITY_DATABASE_URL` | `sqlite://data/eligibility-verification.db?mode=rwc` | `postgres://…` or `sqlite:…` |
//! | `HOUSING_ELIGIBILITY_DATABASE_MAX_CONNECTIONS` | `16` | pool size |
//! | `HOUSING_ELIGIBILITY_REGISTRY_ADDRESS` | `http://127.0.0.1:50053` | registry-gateway |
//! | `HOUSING_ELIGIBILITY_INTAKE_ADDRESS` | `http://127.0.0.1:50051` | application-intake (status events) |
//! | `HOUSING_ELIGIBILITY_NOTIFICATION_ADDRESS` | `http://127.0.0.1:50054` | notification (notices) |
//! | `HOUSING_ELIGIBILITY_REGISTRY_TIMEOUT_MS` | `10000` | deadline of one `QueryRegisters` call |
//! | `HOUSING_ELIGIBILITY_REGISTRY_RETRY_INITIAL_MS` | `5000` | first wait after a registry fault |
//! | `HOUSING_ELIGIBILITY_REGISTRY_RETRY_MAX_MS` | `600000` | longest wait between registry attempts (the backoff doubles up to it) |
//! | `HOUSING_ELIGIBILITY_ALERT_MARGIN_MINUTES` | `120` | operators are alerted when a waiting case's term ends within this margin |
//! | `HOUSING_ELIGIBILITY_EVALUATION_INTERVAL_MS` | `1000` | the evaluation worker looks for due cases at least this often (it is also woken by new cases) |
//! | `HOUSING_ELIGIBILITY_EVALUATION_CONCURRENCY` | `64` | cases evaluated at once |
//! | `HOUSING_ELIGIBILITY_EVALUATION_LEASE_MS` | `120000` | how long a claimed case is reserved for the worker that claimed it (a crash frees it after this) |
//! | `HOUSING_ELIGIBILITY_LAPSE_INTERVAL_MS` | `30000` | how often lapsed hearings are looked for |
//! | `HOUSING_ELIGIBILITY_OUTBOX_INTERVAL_MS` | `1000` | the outbox dispatcher looks for due messages at least this often (it is also woken by new ones) |
//! | `HOUSING_ELIGIBILITY_OUTBOX_BATCH_SIZE` | `256` | messages taken and sent together |
//! | `HOUSING_ELIGIBILITY_OUTBOX_RETRY_INITIAL_MS` | `1000` | first wait after a failed delivery |
//! | `HOUSING_ELIGIBILITY_OUTBOX_RETRY_MAX_MS` | `600000` | longest wait between deliveries |
//! | `HOUSING_ELIGIBILITY_OUTBOX_MAX_ATTEMPTS` | `200` | deliveries tried before a message is abandoned (logged as an error) |
//! | `HOUSING_ELIGIBILITY_PEER_TIMEOUT_MS` | `10000` | deadline of one call to intake or notification |
//! | `HOUSING_ELIGIBILITY_HEARING_METHOD` | `written-personal-account` | or `video-conference` |
//! | `HOUSING_ELIGIBILITY_HEARING_SLOT` | `10:00` | local time of hearings (within provider hours, not at lunch) |
//! | `HOUSING_CALENDAR_FILES` | (none) | comma-separated calendar year files (docs/calendar.md); a file replaces the built-in year of the same number |
//! | `HOUSING_BUSINESS_CLOCK_SHIFT_SECONDS` | `0` | business time = system time + this many seconds, for demonstrations and tests on fixed-date data (warned at start-up) |

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use chrono::NaiveTime;
use housing_domain::calendar::ProviderHours;
use housing_platform::limits::Limits;
use housing_platform::security::Security;
pub use housing_platform::settings::SettingsError;
use housing_platform::settings::Variables;
pub use housing_storage::DatabaseSettings;

use crate::clock::Clock;
use crate::model::HearingMethod;

/// Where gRPC is served (shared by every service).
pub const LISTEN_ADDRESS_VARIABLE: &str = "HOUSING_LISTEN_ADDRESS";
/// The database URL.
pub const DATABASE_URL_VARIABLE: &str = "HOUSING_ELIGIBILITY_DATABASE_URL";
/// The pool size.
pub const DATABASE_MAX_CONNECTIONS_VARIABLE: &str = "HOUSING_ELIGIBILITY_DATABASE_MAX_CONNECTIONS";
/// registry-gateway's address.
pub const REGISTRY_ADDRESS_VARIABLE: &str = "HOUSING_ELIGIBILITY_REGISTRY_ADDRESS";
/// application-intake's address.
pub const INTAKE_ADDRESS_VARIABLE: &str = "HOUSING_ELIGIBILITY_INTAKE_ADDRESS";
/// notification's address.
pub const NOTIFICATION_ADDRESS_VARIABLE: &str = "HOUSING_ELIGIBILITY_NOTIFICATION_ADDRESS";
/// Deadline of one registry call, in milliseconds.
pub const REGISTRY_TIMEOUT_VARIABLE: &str = "HOUSING_ELIGIBILITY_REGISTRY_TIMEOUT_MS";
/// First registry retry wait, in milliseconds.
pub const REGISTRY_RETRY_INITIAL_VARIABLE: &str = "HOUSING_ELIGIBILITY_REGISTRY_RETRY_INITIAL_MS";
/// Longest registry retry wait, in milliseconds.
pub const REGISTRY_RETRY_MAX_VARIABLE: &str = "HOUSING_ELIGIBILITY_REGISTRY_RETRY_MAX_MS";
/// The alert margin, in minutes.
pub const ALERT_MARGIN_VARIABLE: &str = "HOUSING_ELIGIBILITY_ALERT_MARGIN_MINUTES";
/// The evaluation worker's polling interval, in milliseconds.
pub const EVALUATION_INTERVAL_VARIABLE: &str = "HOUSING_ELIGIBILITY_EVALUATION_INTERVAL_MS";
/// Cases evaluated at once.
pub const EVALUATION_CONCURRENCY_VARIABLE: &str = "HOUSING_ELIGIBILITY_EVALUATION_CONCURRENCY";
/// The evaluation lease, in milliseconds.
pub const EVALUATION_LEASE_VARIABLE: &str = "HOUSING_ELIGIBILITY_EVALUATION_LEASE_MS";
/// The lapse worker's interval, in milliseconds.
pub const LAPSE_INTERVAL_VARIABLE: &str = "HOUSING_ELIGIBILITY_LAPSE_INTERVAL_MS";
/// The outbox dispatcher's polling interval, in milliseconds.
pub const OUTBOX_INTERVAL_VARIABLE: &str = "HOUSING_ELIGIBILITY_OUTBOX_INTERVAL_MS";
/// Outbox messages taken at once.
pub const OUTBOX_BATCH_SIZE_VARIABLE: &str = "HOUSING_ELIGIBILITY_OUTBOX_BATCH_SIZE";
/// First outbox retry wait, in milliseconds.
pub const OUTBOX_RETRY_INITIAL_VARIABLE: &str = "HOUSING_ELIGIBILITY_OUTBOX_RETRY_INITIAL_MS";
/// Longest outbox retry wait, in milliseconds.
pub const OUTBOX_RETRY_MAX_VARIABLE: &str = "HOUSING_ELIGIBILITY_OUTBOX_RETRY_MAX_MS";
/// Deliveries tried before a message is abandoned.
pub const OUTBOX_MAX_ATTEMPTS_VARIABLE: &str = "HOUSING_ELIGIBILITY_OUTBOX_MAX_ATTEMPTS";
/// Deadline of one call to intake or notification, in milliseconds.
pub const PEER_TIMEOUT_VARIABLE: &str = "HOUSING_ELIGIBILITY_PEER_TIMEOUT_MS";
/// How hearings are held.
pub const HEARING_METHOD_VARIABLE: &str = "HOUSING_ELIGIBILITY_HEARING_METHOD";
/// The local time of hearings.
pub const HEARING_SLOT_VARIABLE: &str = "HOUSING_ELIGIBILITY_HEARING_SLOT";
/// Extra calendar year files (shared with the other services that count terms).
pub const CALENDAR_FILES_VARIABLE: &str = "HOUSING_CALENDAR_FILES";

/// Every variable of the service's own prefix; any other
/// `HOUSING_ELIGIBILITY_*` variable is refused as a probable typo.
const ELIGIBILITY_VARIABLES: [&str; 21] = [
    DATABASE_URL_VARIABLE,
    DATABASE_MAX_CONNECTIONS_VARIABLE,
    REGISTRY_ADDRESS_VARIABLE,
    INTAKE_ADDRESS_VARIABLE,
    NOTIFICATION_ADDRESS_VARIABLE,
    REGISTRY_TIMEOUT_VARIABLE,
    REGISTRY_RETRY_INITIAL_VARIABLE,
    REGISTRY_RETRY_MAX_VARIABLE,
    ALERT_MARGIN_VARIABLE,
    EVALUATION_INTERVAL_VARIABLE,
    EVALUATION_CONCURRENCY_VARIABLE,
    EVALUATION_LEASE_VARIABLE,
    LAPSE_INTERVAL_VARIABLE,
    OUTBOX_INTERVAL_VARIABLE,
    OUTBOX_BATCH_SIZE_VARIABLE,
    OUTBOX_RETRY_INITIAL_VARIABLE,
    OUTBOX_RETRY_MAX_VARIABLE,
    OUTBOX_MAX_ATTEMPTS_VARIABLE,
    PEER_TIMEOUT_VARIABLE,
    HEARING_METHOD_VARIABLE,
    HEARING_SLOT_VARIABLE,
];
const ELIGIBILITY_PREFIX: &str = "HOUSING_ELIGIBILITY_";

/// The zero-setup database: an SQLite file under `./data/`, created on first start.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/eligibility-verification.db?mode=rwc";
/// registry-gateway's default address.
pub const DEFAULT_REGISTRY_ADDRESS: &str = "http://127.0.0.1:50053";
/// application-intake's default address.
pub const DEFAULT_INTAKE_ADDRESS: &str = "http://127.0.0.1:50051";
/// notification's default address.
pub const DEFAULT_NOTIFICATION_ADDRESS: &str = "http://127.0.0.1:50054";

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
    /// The database.
    pub database: DatabaseSettings,
    /// The services this one calls.
    pub peers: PeerSettings,
    /// How registry faults are retried.
    pub registry_retry: Backoff,
    /// Operators are alerted when a case still waiting for registers has less
    /// than this left before its processing term ends.
    pub alert_margin: Duration,
    /// The evaluation worker.
    pub evaluation: EvaluationSettings,
    /// How often lapsed hearings are looked for.
    pub lapse_interval: Duration,
    /// The outbox dispatcher.
    pub outbox: OutboxSettings,
    /// How and when hearings are held.
    pub hearing: HearingSettings,
    /// Calendar year files loaded on top of the built-in calendar.
    pub calendar_files: Vec<PathBuf>,
    /// Where "now" comes from: the business clock (the system clock, shifted
    /// by `HOUSING_BUSINESS_CLOCK_SHIFT_SECONDS` when set), unless a test puts
    /// a [`crate::clock::ManualClock`] here.
    pub clock: Arc<dyn Clock>,
}

/// The services this one calls, and how long it waits for them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeerSettings {
    /// registry-gateway, `http://host:port`.
    pub registry_address: String,
    /// application-intake, `http://host:port`.
    pub intake_address: String,
    /// notification, `http://host:port`.
    pub notification_address: String,
    /// Deadline of one `QueryRegisters` call.
    pub registry_timeout: Duration,
    /// Deadline of one call to intake or notification.
    pub peer_timeout: Duration,
}

/// Exponential backoff: `initial`, doubled after every failure, at most `max`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    /// The first wait.
    pub initial: Duration,
    /// The longest wait.
    pub max: Duration,
}

impl Backoff {
    /// The wait after the `failures`-th failure in a row (1 for the first).
    pub fn after_failures(&self, failures: u32) -> Duration {
        let doublings = failures.saturating_sub(1).min(31);
        self.initial
            .checked_mul(1_u32 << doublings)
            .unwrap_or(self.max)
            .min(self.max)
    }
}

/// The evaluation worker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EvaluationSettings {
    /// How often the worker looks for due cases when nothing wakes it.
    pub interval: Duration,
    /// Cases evaluated at once.
    pub concurrency: usize,
    /// How long a claimed case stays reserved for its worker.
    pub lease: Duration,
}

/// The outbox dispatcher.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutboxSettings {
    /// How often the dispatcher looks for due messages when nothing wakes it.
    pub interval: Duration,
    /// Messages taken and sent together.
    pub batch_size: usize,
    /// How failed deliveries are retried.
    pub retry: Backoff,
    /// Deliveries tried before a message is abandoned.
    pub max_attempts: u32,
}

/// How and when hearings are held.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HearingSettings {
    /// The method announced in the preliminary decision.
    pub method: HearingMethod,
    /// The local time of day hearings are held at.
    pub slot: NaiveTime,
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
        let variables: Variables = variables.into_iter().collect();
        variables.refuse_unknown(
            "eligibility-verification",
            ELIGIBILITY_PREFIX,
            &ELIGIBILITY_VARIABLES,
        )?;

        let listen_address =
            variables.socket_address_or(LISTEN_ADDRESS_VARIABLE, crate::DEFAULT_LISTEN_ADDRESS)?;
        let database = variables.database_or(
            DATABASE_URL_VARIABLE,
            DEFAULT_DATABASE_URL,
            DATABASE_MAX_CONNECTIONS_VARIABLE,
        )?;
        let peers = PeerSettings {
            registry_address: variables
                .peer_address_or(REGISTRY_ADDRESS_VARIABLE, DEFAULT_REGISTRY_ADDRESS)?,
            intake_address: variables
                .peer_address_or(INTAKE_ADDRESS_VARIABLE, DEFAULT_INTAKE_ADDRESS)?,
            notification_address: variables
                .peer_address_or(NOTIFICATION_ADDRESS_VARIABLE, DEFAULT_NOTIFICATION_ADDRESS)?,
            registry_timeout: variables
                .milliseconds_or(REGISTRY_TIMEOUT_VARIABLE, Duration::from_millis(10_000))?,
            peer_timeout: variables
                .milliseconds_or(PEER_TIMEOUT_VARIABLE, Duration::from_millis(10_000))?,
        };
        let registry_retry = Backoff {
            initial: variables.milliseconds_or(
                REGISTRY_RETRY_INITIAL_VARIABLE,
                Duration::from_millis(5_000),
            )?,
            max: variables
                .milliseconds_or(REGISTRY_RETRY_MAX_VARIABLE, Duration::from_millis(600_000))?,
        };
        check_backoff(REGISTRY_RETRY_MAX_VARIABLE, registry_retry)?;
        let alert_margin = variables.parse_or(ALERT_MARGIN_VARIABLE, "120", |text| {
            text.parse::<u64>()
                .map(|minutes| Duration::from_secs(minutes.saturating_mul(60)))
                .map_err(|error| error.to_string())
        })?;
        let evaluation = EvaluationSettings {
            interval: variables
                .milliseconds_or(EVALUATION_INTERVAL_VARIABLE, Duration::from_millis(1_000))?,
            concurrency: variables.between_or(EVALUATION_CONCURRENCY_VARIABLE, 64, 1, 4096)?,
            lease: variables
                .milliseconds_or(EVALUATION_LEASE_VARIABLE, Duration::from_millis(120_000))?,
        };
        let lapse_interval =
            variables.milliseconds_or(LAPSE_INTERVAL_VARIABLE, Duration::from_millis(30_000))?;
        let outbox = OutboxSettings {
            interval: variables
                .milliseconds_or(OUTBOX_INTERVAL_VARIABLE, Duration::from_millis(1_000))?,
            // Ids are bound one parameter each when a batch is marked: stay far
            // below PostgreSQL's 65535 bind parameters.
            batch_size: variables.between_or(OUTBOX_BATCH_SIZE_VARIABLE, 256, 1, 4096)?,
            retry: Backoff {
                initial: variables
                    .milliseconds_or(OUTBOX_RETRY_INITIAL_VARIABLE, Duration::from_millis(1_000))?,
                max: variables
                    .milliseconds_or(OUTBOX_RETRY_MAX_VARIABLE, Duration::from_millis(600_000))?,
            },
            max_attempts: variables.positive_or(OUTBOX_MAX_ATTEMPTS_VARIABLE, 200_u32)?,
        };
        check_backoff(OUTBOX_RETRY_MAX_VARIABLE, outbox.retry)?;
        let hearing = HearingSettings {
            method: variables.parse_or(
                HEARING_METHOD_VARIABLE,
                HearingMethod::WrittenPersonalAccount.as_str(),
                |text| {
                    HearingMethod::parse(text).ok_or_else(|| {
                        "must be written-personal-account or video-conference".to_owned()
                    })
                },
            )?,
            slot: variables.parse_or(HEARING_SLOT_VARIABLE, "10:00", |text| {
                let slot = NaiveTime::parse_from_str(text, "%H:%M")
                    .map_err(|_| "must be a local time HH:MM".to_owned())?;
                if ProviderHours::default().is_appointment_time(slot) {
                    Ok(slot)
                } else {
                    Err("must be within provider hours and not in the lunch break".to_owned())
                }
            })?,
        };
        let calendar_files = variables.paths(CALENDAR_FILES_VARIABLE);

        Ok(Settings {
            listen_address,
            server_limits: Limits::from_variables(&variables)?,
            security: Security::from_variables(&variables)?,
            database,
            peers,
            registry_retry,
            alert_margin,
            evaluation,
            lapse_interval,
            outbox,
            hearing,
            calendar_files,
            clock: housing_platform::clock::business_clock(&variables)?,
        })
    }

    /// Parses the settings from the process environment (variables that are
    /// not valid Unicode are left out).
    pub fn from_process_environment() -> Result<Self, SettingsError> {
        Self::from_variables(Variables::from_process_environment())
    }

    /// The same settings with another clock.
    pub fn with_clock(self, clock: Arc<dyn Clock>) -> Self {
        Self { clock, ..self }
    }
}

fn check_backoff(variable: &'static str, backoff: Backoff) -> Result<(), SettingsError> {
    if backoff.max < backoff.initial {
        return Err(SettingsError::Invalid {
            variable,
            problem: "must not be shorter than the first wait".to_owned(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests;
