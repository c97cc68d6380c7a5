//! The gateway's settings, parsed from an injectable source of variables.
//!
//! `main` passes the process environment; tests pass a map, so that no test
//! ever calls `std::env::set_var`. Every variable has a default that gives the
//! zero-setup development gateway: an SQLite file under `./data/`, the demo
//! dataset, the suite's own systems as known callers.
//!
//! | variable | default | meaning |
//! |---|---|---|
//! | `HOUSING_LISTEN_ADDRESS` | `127.0.0.1:50053` | where gRPC is served (port 0: any free port) |
//! | `HOUSING_GRPC_*` | see [`housing_platform::limits`] | message size, deadline, concurrency and per-caller rate limits of every call |
//! | `HOUSING_REGISTRY_DATABASE_URL` | `sqlite://data/registry-gateway.db?mode=rwc` | `postgres://…` or `sqlite:…` |
//! | `HOUSING_REGISTRY_DATABASE_MAX_CONNECTIONS` | `16` | pool size |
//! | `HOUSING_REGISTRY_FIXTURES` | `demo` | comma-separated fixture files; `demo` is the embedded demo dataset, `none` loads nothing |
//! | `HOUSING_REGISTRY_CLIENT_SYSTEMS` | `eligibility-verification,application-intake,notification,complaints` | the calling systems the gateway serves |
//! | `HOUSING_REGISTRY_REGISTER_TIMEOUT_MS` | `5000` | how long the gateway waits for a register before answering a timeout fault |
//! | `HOUSING_REGISTRY_QUERY_LOG_BATCH_SIZE` | `512` | most query-log entries written in one insert |

use std::collections::BTreeSet;
use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use housing_platform::limits::Limits;
use housing_platform::security::Security;
pub use housing_platform::settings::SettingsError;
use housing_platform::settings::Variables;
pub use housing_storage::DatabaseSettings;

/// Where gRPC is served.
pub const LISTEN_ADDRESS_VARIABLE: &str = "HOUSING_LISTEN_ADDRESS";
/// The database URL.
pub const DATABASE_URL_VARIABLE: &str = "HOUSING_REGISTRY_DATABASE_URL";
/// The pool size.
pub const DATABASE_MAX_CONNECTIONS_VARIABLE: &str = "HOUSING_REGISTRY_DATABASE_MAX_CONNECTIONS";
/// The fixture files loaded at start-up.
pub const FIXTURES_VARIABLE: &str = "HOUSING_REGISTRY_FIXTURES";
/// The calling systems the gateway serves.
pub const CLIENT_SYSTEMS_VARIABLE: &str = "HOUSING_REGISTRY_CLIENT_SYSTEMS";
/// The gateway's own wait limit for a register, in milliseconds.
pub const REGISTER_TIMEOUT_VARIABLE: &str = "HOUSING_REGISTRY_REGISTER_TIMEOUT_MS";
/// The query log's largest insert batch.
pub const QUERY_LOG_BATCH_SIZE_VARIABLE: &str = "HOUSING_REGISTRY_QUERY_LOG_BATCH_SIZE";

/// Every variable of the gateway's own prefix; any other `HOUSING_REGISTRY_*`
/// variable is refused as a probable typo.
const REGISTRY_VARIABLES: [&str; 6] = [
    DATABASE_URL_VARIABLE,
    DATABASE_MAX_CONNECTIONS_VARIABLE,
    FIXTURES_VARIABLE,
    CLIENT_SYSTEMS_VARIABLE,
    REGISTER_TIMEOUT_VARIABLE,
    QUERY_LOG_BATCH_SIZE_VARIABLE,
];
const REGISTRY_PREFIX: &str = "HOUSING_REGISTRY_";

/// The zero-setup database: an SQLite file under `./data/`, created on first start.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/registry-gateway.db?mode=rwc";
/// The systems of the suite that query the registers.
pub const DEFAULT_CLIENT_SYSTEMS: &str =
    "eligibility-verification,application-intake,notification,complaints";
/// The name of the embedded demo dataset in [`FIXTURES_VARIABLE`].
pub const DEMO_FIXTURE_NAME: &str = "demo";
/// The value of [`FIXTURES_VARIABLE`] that loads nothing.
pub const NO_FIXTURES: &str = "none";

const DEFAULT_REGISTER_TIMEOUT: Duration = Duration::from_secs(5);
const DEFAULT_QUERY_LOG_BATCH_SIZE: usize = 512;
const QUERY_LOG_QUEUE_CAPACITY: usize = 8192;

/// Everything the gateway is configured with.
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
    /// Fixtures loaded at start-up, in order (a later one wins for the same IIN).
    pub fixtures: Vec<FixtureSource>,
    /// The calling systems the gateway serves; any other is refused.
    pub client_systems: ClientSystems,
    /// How long the gateway waits for a register before it answers a timeout
    /// fault (a shorter caller deadline shortens it further).
    pub register_timeout: Duration,
    /// The query log's writer.
    pub query_log: QueryLogSettings,
}

/// A fixture to load at start-up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FixtureSource {
    /// The demo dataset embedded in the binary (`deploy/registry/demo.json`).
    Demo,
    /// A fixture file: `.json` (one document) or `.jsonl` (one entry per line).
    File(PathBuf),
}

impl fmt::Display for FixtureSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FixtureSource::Demo => f.write_str("the embedded demo dataset"),
            FixtureSource::File(path) => write!(f, "{}", path.display()),
        }
    }
}

/// The calling systems the gateway serves (X-Road's client subsystems).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientSystems(BTreeSet<String>);

impl ClientSystems {
    /// Parses a comma-separated list of system names (non-empty, no spaces).
    pub fn parse(list: &str) -> Result<Self, String> {
        let mut systems = BTreeSet::new();
        for name in list
            .split(',')
            .map(str::trim)
            .filter(|name| !name.is_empty())
        {
            if name.chars().any(char::is_whitespace) {
                return Err(format!("the system name {name:?} contains whitespace"));
            }
            systems.insert(name.to_owned());
        }
        if systems.is_empty() {
            return Err("at least one client system is needed".to_owned());
        }
        Ok(Self(systems))
    }

    /// Whether `system` is served.
    pub fn contains(&self, system: &str) -> bool {
        self.0.contains(system)
    }

    /// The names, sorted.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(String::as_str)
    }
}

/// How the query log is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueryLogSettings {
    /// Most entries written in one insert (and one transaction).
    pub max_batch_size: usize,
    /// Entries that may wait for the writer before callers wait for room.
    pub queue_capacity: usize,
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
        variables.refuse_unknown("registry-gateway", REGISTRY_PREFIX, &REGISTRY_VARIABLES)?;

        let listen_address =
            variables.socket_address_or(LISTEN_ADDRESS_VARIABLE, crate::DEFAULT_LISTEN_ADDRESS)?;
        let database = variables.database_or(
            DATABASE_URL_VARIABLE,
            DEFAULT_DATABASE_URL,
            DATABASE_MAX_CONNECTIONS_VARIABLE,
        )?;
        let fixtures = parse_fixtures(
            variables
                .get(FIXTURES_VARIABLE)
                .unwrap_or(DEMO_FIXTURE_NAME),
        );
        let client_systems = variables.parse_or(
            CLIENT_SYSTEMS_VARIABLE,
            DEFAULT_CLIENT_SYSTEMS,
            ClientSystems::parse,
        )?;
        let register_timeout =
            variables.milliseconds_or(REGISTER_TIMEOUT_VARIABLE, DEFAULT_REGISTER_TIMEOUT)?;
        // 12 bind parameters per entry: stay under PostgreSQL's 65535.
        let max_batch_size = variables.between_or(
            QUERY_LOG_BATCH_SIZE_VARIABLE,
            DEFAULT_QUERY_LOG_BATCH_SIZE,
            1,
            4096,
        )?;

        Ok(Settings {
            listen_address,
            server_limits: Limits::from_variables(&variables)?,
            security: Security::from_variables(&variables)?,
            database,
            fixtures,
            client_systems,
            register_timeout,
            query_log: QueryLogSettings {
                max_batch_size,
                queue_capacity: QUERY_LOG_QUEUE_CAPACITY,
            },
        })
    }

    /// Parses the settings from the process environment (variables that are
    /// not valid Unicode are left out).
    pub fn from_process_environment() -> Result<Self, SettingsError> {
        Self::from_variables(Variables::from_process_environment())
    }
}

fn parse_fixtures(list: &str) -> Vec<FixtureSource> {
    list.split(',')
        .map(str::trim)
        .filter(|entry| !entry.is_empty() && *entry != NO_FIXTURES)
        .map(|entry| {
            if entry == DEMO_FIXTURE_NAME {
                FixtureSource::Demo
            } else {
                FixtureSource::File(PathBuf::from(entry))
            }
        })
        .collect()
}

#[cfg(test)]
mod tests;
