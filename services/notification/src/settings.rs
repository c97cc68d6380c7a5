//! The service's settings, parsed from an injectable source of variables.
//!
//! `main` passes the process environment; tests pass a map, so that no test
//! ever calls `std::env::set_var`. Every variable has a default that gives the
//! zero-setup development service: an SQLite file under `./data/`, the
//! registry gateway of the dev launcher, retries over several hours.
//!
//! | variable | default | meaning |
//! |---|---|---|
//! | `HOUSING_LISTEN_ADDRESS` | `127.0.0.1:50054` | where gRPC is served (port 0: any free port) |
//! | `HOUSING_GRPC_*` | see [`housing_platform::limits`] | message size, deadline, concurrency and per-caller rate limits of every call |
//! | `HOUSING_NOTIFICATION_DATABASE_URL` | `sqlite://data/notification.db?mode=rwc` | `postgres://…` or `sqlite:…` |
//! | `HOUSING_NOTIFICATION_DATABASE_MAX_CONNECTIONS` | `16` | pool size |
//! | `HOUSING_NOTIFICATION_REGISTRY_ADDRESS` | `http://127.0.0.1:50053` | registry-gateway, for the mobile citizens database |
//! | `HOUSING_NOTIFICATION_REGISTRY_TIMEOUT_MS` | `3000` | deadline of one mobile-citizen look-up |
//! | `HOUSING_NOTIFICATION_RETRY_INITIAL_BACKOFF_MS` | `30000` | wait after the first failed attempt |
//! | `HOUSING_NOTIFICATION_RETRY_MAX_BACKOFF_MS` | `3600000` | longest wait between attempts |
//! | `HOUSING_NOTIFICATION_RETRY_MAX_ATTEMPTS` | `15` | ceiling: the failure of this attempt is permanent |
//! | `HOUSING_NOTIFICATION_PROVIDER_TIMEOUT_MS` | `30000` | how long a provider adapter may take to accept a message |
//! | `HOUSING_NOTIFICATION_WORKER_POLL_INTERVAL_MS` | `1000` | the worker's timer (new notices wake it at once) |
//! | `HOUSING_NOTIFICATION_WORKER_CONCURRENCY` | `32` | most deliveries in flight at once |
//! | `HOUSING_NOTIFICATION_SWEEPER_INTERVAL_MS` | `60000` | how often stuck deliveries are looked for |
//! | `HOUSING_NOTIFICATION_SENDING_TIMEOUT_MS` | `300000` | a delivery SENDING longer than this is stuck |
//! | `HOUSING_NOTIFICATION_SHUTDOWN_GRACE_MS` | `10000` | how long in-flight calls and sends may finish at shutdown |

use std::net::SocketAddr;
use std::time::Duration;

use housing_platform::limits::Limits;
use housing_platform::security::Security;
pub use housing_platform::settings::SettingsError;
use housing_platform::settings::Variables;
pub use housing_storage::DatabaseSettings;

use crate::delivery::RetryPolicy;

/// Where gRPC is served.
pub const LISTEN_ADDRESS_VARIABLE: &str = "HOUSING_LISTEN_ADDRESS";
/// The database URL.
pub const DATABASE_URL_VARIABLE: &str = "HOUSING_NOTIFICATION_DATABASE_URL";
/// The pool size.
pub const DATABASE_MAX_CONNECTIONS_VARIABLE: &str = "HOUSING_NOTIFICATION_DATABASE_MAX_CONNECTIONS";
/// registry-gateway's address.
pub const REGISTRY_ADDRESS_VARIABLE: &str = "HOUSING_NOTIFICATION_REGISTRY_ADDRESS";
/// The deadline of one mobile-citizen look-up, in milliseconds.
pub const REGISTRY_TIMEOUT_VARIABLE: &str = "HOUSING_NOTIFICATION_REGISTRY_TIMEOUT_MS";
/// The wait after the first failed attempt, in milliseconds.
pub const RETRY_INITIAL_BACKOFF_VARIABLE: &str = "HOUSING_NOTIFICATION_RETRY_INITIAL_BACKOFF_MS";
/// The longest wait between attempts, in milliseconds.
pub const RETRY_MAX_BACKOFF_VARIABLE: &str = "HOUSING_NOTIFICATION_RETRY_MAX_BACKOFF_MS";
/// The ceiling on attempts.
pub const RETRY_MAX_ATTEMPTS_VARIABLE: &str = "HOUSING_NOTIFICATION_RETRY_MAX_ATTEMPTS";
/// How long an adapter may take, in milliseconds.
pub const PROVIDER_TIMEOUT_VARIABLE: &str = "HOUSING_NOTIFICATION_PROVIDER_TIMEOUT_MS";
/// The worker's timer, in milliseconds.
pub const WORKER_POLL_INTERVAL_VARIABLE: &str = "HOUSING_NOTIFICATION_WORKER_POLL_INTERVAL_MS";
/// Most deliveries in flight.
pub const WORKER_CONCURRENCY_VARIABLE: &str = "HOUSING_NOTIFICATION_WORKER_CONCURRENCY";
/// The sweeper's timer, in milliseconds.
pub const SWEEPER_INTERVAL_VARIABLE: &str = "HOUSING_NOTIFICATION_SWEEPER_INTERVAL_MS";
/// When a SENDING delivery counts as stuck, in milliseconds.
pub const SENDING_TIMEOUT_VARIABLE: &str = "HOUSING_NOTIFICATION_SENDING_TIMEOUT_MS";
/// The shutdown grace period, in milliseconds.
pub const SHUTDOWN_GRACE_VARIABLE: &str = "HOUSING_NOTIFICATION_SHUTDOWN_GRACE_MS";

/// Every variable of the service's own prefix; any other
/// `HOUSING_NOTIFICATION_*` variable is refused as a probable typo.
const NOTIFICATION_VARIABLES: [&str; 13] = [
    DATABASE_URL_VARIABLE,
    DATABASE_MAX_CONNECTIONS_VARIABLE,
    REGISTRY_ADDRESS_VARIABLE,
    REGISTRY_TIMEOUT_VARIABLE,
    RETRY_INITIAL_BACKOFF_VARIABLE,
    RETRY_MAX_BACKOFF_VARIABLE,
    RETRY_MAX_ATTEMPTS_VARIABLE,
    PROVIDER_TIMEOUT_VARIABLE,
    WORKER_POLL_INTERVAL_VARIABLE,
    WORKER_CONCURRENCY_VARIABLE,
    SWEEPER_INTERVAL_VARIABLE,
    SENDING_TIMEOUT_VARIABLE,
    SHUTDOWN_GRACE_VARIABLE,
];
const NOTIFICATION_PREFIX: &str = "HOUSING_NOTIFICATION_";

/// The zero-setup database: an SQLite file under `./data/`, created on first start.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/notification.db?mode=rwc";
/// registry-gateway as the dev launcher starts it.
pub const DEFAULT_REGISTRY_ADDRESS: &str = "http://127.0.0.1:50053";

const DEFAULT_REGISTRY_TIMEOUT: Duration = Duration::from_millis(3_000);
const DEFAULT_RETRY_INITIAL_BACKOFF: Duration = Duration::from_millis(30_000);
const DEFAULT_RETRY_MAX_BACKOFF: Duration = Duration::from_millis(3_600_000);
const DEFAULT_RETRY_MAX_ATTEMPTS: u32 = 15;
const DEFAULT_PROVIDER_TIMEOUT: Duration = Duration::from_millis(30_000);
const DEFAULT_WORKER_POLL_INTERVAL: Duration = Duration::from_millis(1_000);
const DEFAULT_WORKER_CONCURRENCY: usize = 32;
const DEFAULT_SWEEPER_INTERVAL: Duration = Duration::from_millis(60_000);
const DEFAULT_SENDING_TIMEOUT: Duration = Duration::from_millis(300_000);
const DEFAULT_SHUTDOWN_GRACE: Duration = Duration::from_millis(10_000);

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
    /// registry-gateway.
    pub registry: RegistrySettings,
    /// The delivery worker and the sweeper.
    pub delivery: DeliverySettings,
    /// How long in-flight calls and sends may finish after a shutdown signal.
    pub shutdown_grace: Duration,
}

/// How the service reaches registry-gateway.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistrySettings {
    /// `http://host:port`.
    pub address: String,
    /// The deadline of one look-up; past it the look-up is a gateway fault.
    pub timeout: Duration,
}

/// How deliveries are attempted, retried and swept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeliverySettings {
    /// Backoff and ceiling.
    pub retry: RetryPolicy,
    /// How long an adapter may take to accept a message; past it the attempt is a technical failure.
    pub provider_timeout: Duration,
    /// The worker's timer; new notices wake it at once.
    pub poll_interval: Duration,
    /// Most deliveries in flight at once.
    pub concurrency: usize,
    /// How often the sweeper looks for stuck deliveries.
    pub sweeper_interval: Duration,
    /// A delivery SENDING longer than this is stuck (its worker died) and goes
    /// back to TECHNICAL_FAILURE for a retry. Longer than any live attempt can take.
    pub sending_timeout: Duration,
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
        variables.refuse_unknown("notification", NOTIFICATION_PREFIX, &NOTIFICATION_VARIABLES)?;

        let listen_address =
            variables.socket_address_or(LISTEN_ADDRESS_VARIABLE, crate::DEFAULT_LISTEN_ADDRESS)?;
        let database = variables.database_or(
            DATABASE_URL_VARIABLE,
            DEFAULT_DATABASE_URL,
            DATABASE_MAX_CONNECTIONS_VARIABLE,
        )?;
        let registry_address =
            variables.peer_address_or(REGISTRY_ADDRESS_VARIABLE, DEFAULT_REGISTRY_ADDRESS)?;
        let registry_timeout =
            variables.milliseconds_or(REGISTRY_TIMEOUT_VARIABLE, DEFAULT_REGISTRY_TIMEOUT)?;
        let initial_backoff = variables.milliseconds_or(
            RETRY_INITIAL_BACKOFF_VARIABLE,
            DEFAULT_RETRY_INITIAL_BACKOFF,
        )?;
        let max_backoff =
            variables.milliseconds_or(RETRY_MAX_BACKOFF_VARIABLE, DEFAULT_RETRY_MAX_BACKOFF)?;
        if max_backoff < initial_backoff {
            return Err(SettingsError::Invalid {
                variable: RETRY_MAX_BACKOFF_VARIABLE,
                problem: format!("must not be shorter than {RETRY_INITIAL_BACKOFF_VARIABLE}"),
            });
        }
        let max_attempts = variables.between_or(
            RETRY_MAX_ATTEMPTS_VARIABLE,
            DEFAULT_RETRY_MAX_ATTEMPTS,
            1,
            100,
        )?;
        let provider_timeout =
            variables.milliseconds_or(PROVIDER_TIMEOUT_VARIABLE, DEFAULT_PROVIDER_TIMEOUT)?;
        let poll_interval = variables
            .milliseconds_or(WORKER_POLL_INTERVAL_VARIABLE, DEFAULT_WORKER_POLL_INTERVAL)?;
        let concurrency = variables.between_or(
            WORKER_CONCURRENCY_VARIABLE,
            DEFAULT_WORKER_CONCURRENCY,
            1,
            1024,
        )?;
        let sweeper_interval =
            variables.milliseconds_or(SWEEPER_INTERVAL_VARIABLE, DEFAULT_SWEEPER_INTERVAL)?;
        let sending_timeout =
            variables.milliseconds_or(SENDING_TIMEOUT_VARIABLE, DEFAULT_SENDING_TIMEOUT)?;
        // A live attempt looks the number up and then waits for the adapter: the
        // sweeper must never take a delivery from a worker that is still on it.
        if sending_timeout <= registry_timeout + provider_timeout {
            return Err(SettingsError::Invalid {
                variable: SENDING_TIMEOUT_VARIABLE,
                problem: format!(
                    "must be longer than {REGISTRY_TIMEOUT_VARIABLE} plus {PROVIDER_TIMEOUT_VARIABLE}"
                ),
            });
        }
        let shutdown_grace =
            variables.milliseconds_or(SHUTDOWN_GRACE_VARIABLE, DEFAULT_SHUTDOWN_GRACE)?;

        Ok(Settings {
            listen_address,
            server_limits: Limits::from_variables(&variables)?,
            security: Security::from_variables(&variables)?,
            database,
            registry: RegistrySettings {
                address: registry_address,
                timeout: registry_timeout,
            },
            delivery: DeliverySettings {
                retry: RetryPolicy {
                    initial_backoff,
                    max_backoff,
                    max_attempts,
                },
                provider_timeout,
                poll_interval,
                concurrency,
                sweeper_interval,
                sending_timeout,
            },
            shutdown_grace,
        })
    }

    /// Parses the settings from the process environment (variables that are
    /// not valid Unicode are left out).
    pub fn from_process_environment() -> Result<Self, SettingsError> {
        Self::from_variables(Variables::from_process_environment())
    }
}

#[cfg(test)]
mod tests;
