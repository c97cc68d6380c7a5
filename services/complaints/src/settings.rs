//! The service's settings, parsed from an injectable source of variables.
//!
//! `main` passes the process environment; tests pass a map. Every variable
//! has a default that gives the zero-setup development service.
//!
//! | variable | default | meaning |
//! |---|---|---|
//! | `HOUSING_LISTEN_ADDRESS` | `127.0.0.1:50055` | where gRPC is served (port 0: any free port) |
//! | `HOUSING_GRPC_*` | see [`housing_platform::limits`] | message size, deadline, concurrency and per-caller rate limits of every call |
//! | `HOUSING_COMPLAINTS_DATABASE_URL` | `sqlite://data/complaints.db?mode=rwc` | `postgres://…` or `sqlite:…` |
//! | `HOUSING_COMPLAINTS_DATABASE_MAX_CONNECTIONS` | `16` | pool size |
//! | `HOUSING_COMPLAINTS_INTAKE_ADDRESS` | `http://127.0.0.1:50051` | application-intake |
//! | `HOUSING_COMPLAINTS_ELIGIBILITY_ADDRESS` | `http://127.0.0.1:50052` | eligibility-verification |
//! | `HOUSING_COMPLAINTS_CERTIFICATION_CENTRE_ADDRESS` | `http://127.0.0.1:50053` | the certification centre (registry-gateway's test PKI) |
//! | `HOUSING_COMPLAINTS_NOTIFICATION_ADDRESS` | `http://127.0.0.1:50054` | notification |
//! | `HOUSING_COMPLAINTS_TRUST_ROOT_FILE` | unset | a DER root certificate to trust instead of asking the centre at start-up |
//! | `HOUSING_COMPLAINTS_TRUST_ROOT_WAIT_MS` | `30000` | how long start-up waits for the centre to give its root |
//! | `HOUSING_COMPLAINTS_PEER_TIMEOUT_MS` | `5000` | deadline of each call to a peer |
//! | `HOUSING_COMPLAINTS_MAX_FORM_BYTES` | `3145728` | largest signed complaint (attachments included) |
//! | `HOUSING_COMPLAINTS_DUE_SOON_WORKING_DAYS` | `1` | a term is due soon when at most this many working days are left |
//! | `HOUSING_COMPLAINTS_OUTBOX_POLL_INTERVAL_MS` | `1000` | the dispatcher's timer (it also wakes on every new message) |
//! | `HOUSING_COMPLAINTS_OUTBOX_INITIAL_BACKOFF_MS` | `250` | first retry delay after a failed delivery |
//! | `HOUSING_COMPLAINTS_OUTBOX_MAX_BACKOFF_MS` | `60000` | ceiling of the doubling retry delay |
//! | `HOUSING_COMPLAINTS_OUTBOX_MAX_ATTEMPTS` | `50` | a message failing this often is abandoned (with an error in the log) |
//! | `HOUSING_CALENDAR_FILES` | unset | comma-separated calendar year files (docs/calendar.md) beyond the built-in years |
//! | `HOUSING_BUSINESS_CLOCK_SHIFT_SECONDS` | `0` | business time = system time + this many seconds, for demonstrations and tests on fixed-date data (warned at start-up) |
//!
//! The business clock is the system clock, shifted by
//! `HOUSING_BUSINESS_CLOCK_SHIFT_SECONDS` when set, unless a test injects
//! another ([`Settings::with_clock`]).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use housing_platform::clock::Clock;
use housing_platform::limits::Limits;
use housing_platform::security::Security;
pub use housing_platform::settings::SettingsError;
use housing_platform::settings::{Variables, positive};
pub use housing_platform::trust_root::TrustRootSource;
pub use housing_storage::DatabaseSettings;

/// Where gRPC is served.
pub const LISTEN_ADDRESS_VARIABLE: &str = "HOUSING_LISTEN_ADDRESS";
/// The database URL.
pub const DATABASE_URL_VARIABLE: &str = "HOUSING_COMPLAINTS_DATABASE_URL";
/// The pool size.
pub const DATABASE_MAX_CONNECTIONS_VARIABLE: &str = "HOUSING_COMPLAINTS_DATABASE_MAX_CONNECTIONS";
/// application-intake's address.
pub const INTAKE_ADDRESS_VARIABLE: &str = "HOUSING_COMPLAINTS_INTAKE_ADDRESS";
/// eligibility-verification's address.
pub const ELIGIBILITY_ADDRESS_VARIABLE: &str = "HOUSING_COMPLAINTS_ELIGIBILITY_ADDRESS";
/// The certification centre's address.
pub const CERTIFICATION_CENTRE_ADDRESS_VARIABLE: &str =
    "HOUSING_COMPLAINTS_CERTIFICATION_CENTRE_ADDRESS";
/// notification's address.
pub const NOTIFICATION_ADDRESS_VARIABLE: &str = "HOUSING_COMPLAINTS_NOTIFICATION_ADDRESS";
/// A DER root certificate file to trust instead of the centre's answer.
pub const TRUST_ROOT_FILE_VARIABLE: &str = "HOUSING_COMPLAINTS_TRUST_ROOT_FILE";
/// How long start-up waits for the centre's root.
pub const TRUST_ROOT_WAIT_VARIABLE: &str = "HOUSING_COMPLAINTS_TRUST_ROOT_WAIT_MS";
/// The deadline of each call to a peer.
pub const PEER_TIMEOUT_VARIABLE: &str = "HOUSING_COMPLAINTS_PEER_TIMEOUT_MS";
/// The largest signed complaint.
pub const MAX_FORM_BYTES_VARIABLE: &str = "HOUSING_COMPLAINTS_MAX_FORM_BYTES";
/// The due-soon threshold in working days.
pub const DUE_SOON_VARIABLE: &str = "HOUSING_COMPLAINTS_DUE_SOON_WORKING_DAYS";
/// The outbox dispatcher's timer.
pub const OUTBOX_POLL_INTERVAL_VARIABLE: &str = "HOUSING_COMPLAINTS_OUTBOX_POLL_INTERVAL_MS";
/// The first retry delay of the outbox.
pub const OUTBOX_INITIAL_BACKOFF_VARIABLE: &str = "HOUSING_COMPLAINTS_OUTBOX_INITIAL_BACKOFF_MS";
/// The ceiling of the outbox's retry delay.
pub const OUTBOX_MAX_BACKOFF_VARIABLE: &str = "HOUSING_COMPLAINTS_OUTBOX_MAX_BACKOFF_MS";
/// The attempts after which a message is abandoned.
pub const OUTBOX_MAX_ATTEMPTS_VARIABLE: &str = "HOUSING_COMPLAINTS_OUTBOX_MAX_ATTEMPTS";
/// Calendar year files shared by the services that compute terms.
pub const CALENDAR_FILES_VARIABLE: &str = "HOUSING_CALENDAR_FILES";

/// Every variable of the service's own prefix; any other
/// `HOUSING_COMPLAINTS_*` variable is refused as a probable typo.
const COMPLAINTS_VARIABLES: [&str; 15] = [
    DATABASE_URL_VARIABLE,
    DATABASE_MAX_CONNECTIONS_VARIABLE,
    INTAKE_ADDRESS_VARIABLE,
    ELIGIBILITY_ADDRESS_VARIABLE,
    CERTIFICATION_CENTRE_ADDRESS_VARIABLE,
    NOTIFICATION_ADDRESS_VARIABLE,
    TRUST_ROOT_FILE_VARIABLE,
    TRUST_ROOT_WAIT_VARIABLE,
    PEER_TIMEOUT_VARIABLE,
    MAX_FORM_BYTES_VARIABLE,
    DUE_SOON_VARIABLE,
    OUTBOX_POLL_INTERVAL_VARIABLE,
    OUTBOX_INITIAL_BACKOFF_VARIABLE,
    OUTBOX_MAX_BACKOFF_VARIABLE,
    OUTBOX_MAX_ATTEMPTS_VARIABLE,
];
const COMPLAINTS_PREFIX: &str = "HOUSING_COMPLAINTS_";

/// The zero-setup database: an SQLite file under `./data/`, created on first start.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/complaints.db?mode=rwc";
/// application-intake on the development machine.
pub const DEFAULT_INTAKE_ADDRESS: &str = "http://127.0.0.1:50051";
/// eligibility-verification on the development machine.
pub const DEFAULT_ELIGIBILITY_ADDRESS: &str = "http://127.0.0.1:50052";
/// registry-gateway (and its certification centre) on the development machine.
pub const DEFAULT_CERTIFICATION_CENTRE_ADDRESS: &str = "http://127.0.0.1:50053";
/// notification on the development machine.
pub const DEFAULT_NOTIFICATION_ADDRESS: &str = "http://127.0.0.1:50054";

const DEFAULT_TRUST_ROOT_WAIT: Duration = Duration::from_secs(30);
const DEFAULT_PEER_TIMEOUT: Duration = Duration::from_secs(5);
const DEFAULT_MAX_FORM_BYTES: usize = 3 * 1024 * 1024;
/// A complaint is a document, not a bulk upload.
const LARGEST_ALLOWED_FORM_BYTES: usize = 64 * 1024 * 1024;
const DEFAULT_DUE_SOON_WORKING_DAYS: u32 = 1;
const DEFAULT_OUTBOX_POLL_INTERVAL: Duration = Duration::from_secs(1);
const DEFAULT_OUTBOX_INITIAL_BACKOFF: Duration = Duration::from_millis(250);
const DEFAULT_OUTBOX_MAX_BACKOFF: Duration = Duration::from_secs(60);
const DEFAULT_OUTBOX_MAX_ATTEMPTS: u32 = 50;

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
    /// The largest signed complaint, attachments included.
    pub max_form_bytes: usize,
    /// A term is due soon when at most this many working days are left.
    pub due_soon_working_days: u32,
    /// The outbox dispatcher.
    pub outbox: OutboxSettings,
    /// Calendar year files loaded beyond the built-in years.
    pub calendar_files: Vec<PathBuf>,
    /// The business clock: receipt, forwarding and decision instants.
    pub clock: Arc<dyn Clock>,
}

/// The peers the service calls, over lazily connected shared channels.
#[derive(Debug, Clone)]
pub struct PeerSettings {
    /// application-intake, `http://host:port`.
    pub intake_address: String,
    /// eligibility-verification.
    pub eligibility_address: String,
    /// The certification centre.
    pub certification_centre_address: String,
    /// notification.
    pub notification_address: String,
    /// The deadline of each call.
    pub call_timeout: Duration,
}

/// How the outbox dispatcher works.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutboxSettings {
    /// How often it looks for due messages when nothing wakes it.
    pub poll_interval: Duration,
    /// The first retry delay; each failure doubles it.
    pub initial_backoff: Duration,
    /// The ceiling of the retry delay.
    pub max_backoff: Duration,
    /// A message failing this often is abandoned.
    pub max_attempts: u32,
}

impl OutboxSettings {
    /// The wait after `failures` failed attempts: doubling from the initial backoff, capped.
    pub fn backoff_after(&self, failures: u32) -> Duration {
        let doublings = failures.saturating_sub(1).min(20);
        self.initial_backoff
            .saturating_mul(1 << doublings)
            .min(self.max_backoff)
    }
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
        variables.refuse_unknown("complaints", COMPLAINTS_PREFIX, &COMPLAINTS_VARIABLES)?;

        let listen_address =
            variables.socket_address_or(LISTEN_ADDRESS_VARIABLE, crate::DEFAULT_LISTEN_ADDRESS)?;
        let database = variables.database_or(
            DATABASE_URL_VARIABLE,
            DEFAULT_DATABASE_URL,
            DATABASE_MAX_CONNECTIONS_VARIABLE,
        )?;
        let peers = PeerSettings {
            intake_address: variables
                .peer_address_or(INTAKE_ADDRESS_VARIABLE, DEFAULT_INTAKE_ADDRESS)?,
            eligibility_address: variables
                .peer_address_or(ELIGIBILITY_ADDRESS_VARIABLE, DEFAULT_ELIGIBILITY_ADDRESS)?,
            certification_centre_address: variables.peer_address_or(
                CERTIFICATION_CENTRE_ADDRESS_VARIABLE,
                DEFAULT_CERTIFICATION_CENTRE_ADDRESS,
            )?,
            notification_address: variables
                .peer_address_or(NOTIFICATION_ADDRESS_VARIABLE, DEFAULT_NOTIFICATION_ADDRESS)?,
            call_timeout: variables.milliseconds_or(PEER_TIMEOUT_VARIABLE, DEFAULT_PEER_TIMEOUT)?,
        };
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
        let due_soon_working_days =
            variables.between_or(DUE_SOON_VARIABLE, DEFAULT_DUE_SOON_WORKING_DAYS, 0, 15)?;
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
        let outbox = OutboxSettings {
            poll_interval: variables
                .milliseconds_or(OUTBOX_POLL_INTERVAL_VARIABLE, DEFAULT_OUTBOX_POLL_INTERVAL)?,
            initial_backoff,
            max_backoff,
            max_attempts: variables.between_or(
                OUTBOX_MAX_ATTEMPTS_VARIABLE,
                DEFAULT_OUTBOX_MAX_ATTEMPTS,
                1,
                1000,
            )?,
        };
        Ok(Settings {
            listen_address,
            server_limits: Limits::from_variables(&variables)?,
            security: Security::from_variables(&variables)?,
            database,
            peers,
            trust_root,
            max_form_bytes,
            due_soon_working_days,
            outbox,
            calendar_files: variables.paths(CALENDAR_FILES_VARIABLE),
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

#[cfg(test)]
mod tests {
    use super::*;

    fn no_variables() -> Vec<(String, String)> {
        Vec::new()
    }

    #[test]
    fn defaults_give_the_development_service() {
        let settings =
            Settings::from_variables(housing_platform::security::insecure_loopback(no_variables()))
                .expect("defaults parse");
        assert_eq!(settings.listen_address.port(), 50055);
        assert_eq!(settings.peers.intake_address, DEFAULT_INTAKE_ADDRESS);
        assert_eq!(settings.due_soon_working_days, 1);
        assert_eq!(
            settings.trust_root,
            TrustRootSource::CertificationCentre {
                wait: DEFAULT_TRUST_ROOT_WAIT
            }
        );
        assert_eq!(settings.outbox.max_attempts, 50);
    }

    #[test]
    fn a_typo_in_a_variable_name_is_refused() {
        let error = Settings::from_variables(housing_platform::security::insecure_loopback([(
            "HOUSING_COMPLAINTS_DUE_SOON",
            "2",
        )]))
        .expect_err("an unknown variable of the prefix");
        assert!(error.to_string().contains("HOUSING_COMPLAINTS_DUE_SOON"));
    }

    #[test]
    fn bad_values_are_refused_with_the_variable_named() {
        for (variable, value) in [
            (DUE_SOON_VARIABLE, "16"),
            (MAX_FORM_BYTES_VARIABLE, "0"),
            (PEER_TIMEOUT_VARIABLE, "soon"),
            (INTAKE_ADDRESS_VARIABLE, "intake:50051"),
        ] {
            let error =
                Settings::from_variables(housing_platform::security::insecure_loopback([(
                    variable, value,
                )]))
                .expect_err("an invalid value is refused");
            assert!(error.to_string().contains(variable), "{variable}: {error}");
        }
        let error = Settings::from_variables(housing_platform::security::insecure_loopback([
            (OUTBOX_INITIAL_BACKOFF_VARIABLE, "500"),
            (OUTBOX_MAX_BACKOFF_VARIABLE, "100"),
        ]))
        .expect_err("a ceiling below the start");
        assert!(error.to_string().contains(OUTBOX_MAX_BACKOFF_VARIABLE));
    }

    #[test]
    fn backoff_doubles_up_to_its_ceiling() {
        let outbox = OutboxSettings {
            poll_interval: Duration::from_secs(1),
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_millis(1_000),
            max_attempts: 10,
        };
        assert_eq!(outbox.backoff_after(1), Duration::from_millis(100));
        assert_eq!(outbox.backoff_after(2), Duration::from_millis(200));
        assert_eq!(outbox.backoff_after(4), Duration::from_millis(800));
        assert_eq!(outbox.backoff_after(5), Duration::from_millis(1_000));
        assert_eq!(outbox.backoff_after(40), Duration::from_millis(1_000));
    }
}
