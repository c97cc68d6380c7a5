//! Who is on the other end of a connection, and how a caller proves who they are.
//!
//! Every service runs in one of two modes, chosen by its settings:
//!
//! * **Mutual TLS** (production, docker-compose): the server presents its
//!   certificate and requires one from every client, both issued by the
//!   configured CA (`HOUSING_TLS_CERT_FILE`, `HOUSING_TLS_KEY_FILE`,
//!   `HOUSING_TLS_CA_FILE`); calls to peers do the same. The caller of each
//!   call is then established by the [`authentication`] layer from what was
//!   proven, never from what the request declares:
//!   * a **system** (one of the suite's services or another government
//!     system) is the common name of its client certificate;
//!   * a **member of staff** sends `authorization: Bearer <token>`, a token
//!     signed by the provider's identity service ([`crate::tokens`]; the public
//!     key is `HOUSING_TOKEN_PUBLIC_KEY_FILE`);
//!   * a **member of staff** may instead send `authorization: EDS-Staff
//!     <base64 CMS>`, signed with their own EDS authentication key, if the
//!     provider's roster (`HOUSING_STAFF_ROSTER_FILE`, [`staff`]) gives their
//!     IIN a role;
//!   * either way, a member of staff whose id the withdrawal list names
//!     (`HOUSING_STAFF_WITHDRAWN_FILE`, [`withdrawn`]) is refused from the
//!     next call after it changes;
//!   * a **citizen** sends `authorization: EDS <base64 CMS>`: a detached
//!     signature of [`EDS_AUTHENTICATION_STATEMENT`] made with their EDS
//!     authentication key less than [`EDS_AUTHENTICATION_FRESHNESS`] ago, whose
//!     certificate chains to the EDS trust root; their IIN is the certificate's.
//!
//!   Identity metadata a client sends itself (`x-caller-*`) is discarded.
//! * **Insecure loopback** (`HOUSING_INSECURE_LOOPBACK=true`, the zero-setup
//!   default's one development setting): plaintext HTTP/2, identity as the
//!   request declares it in `x-caller-*` metadata. Refused unless the server
//!   listens on a loopback address and every peer is on loopback; announced by
//!   a warning at start-up.
//!
//! With neither configured a service does not start.

pub mod authentication;
pub mod revocation;
pub mod staff;
pub mod watched;
pub mod withdrawn;

use std::net::IpAddr;
use std::path::Path;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use housing_eds::TrustAnchors;
use tonic::transport::{Certificate, ClientTlsConfig, Endpoint, Identity, ServerTlsConfig};

use crate::caller::Caller;
use crate::clock::Clock;
use crate::settings::{SettingsError, Variables};
use crate::tokens::{DEFAULT_ISSUER, TokenVerifier};

/// `true` for the insecure development mode.
pub const INSECURE_LOOPBACK_VARIABLE: &str = "HOUSING_INSECURE_LOOPBACK";
/// This system's certificate (PEM, may hold the chain).
pub const TLS_CERT_FILE_VARIABLE: &str = "HOUSING_TLS_CERT_FILE";
/// This system's private key (PEM).
pub const TLS_KEY_FILE_VARIABLE: &str = "HOUSING_TLS_KEY_FILE";
/// The CA certificates (PEM) that peers' and clients' certificates must chain to.
pub const TLS_CA_FILE_VARIABLE: &str = "HOUSING_TLS_CA_FILE";
/// The identity service's Ed25519 public key (PEM) staff tokens are checked with.
pub const TOKEN_PUBLIC_KEY_FILE_VARIABLE: &str = "HOUSING_TOKEN_PUBLIC_KEY_FILE";
/// The issuer staff tokens must name ([`DEFAULT_ISSUER`] unless set).
pub const TOKEN_ISSUER_VARIABLE: &str = "HOUSING_TOKEN_ISSUER";

/// What a citizen signs with their authentication key to identify themselves.
pub const EDS_AUTHENTICATION_STATEMENT: &[u8] =
    b"Housing Provision Center: I authenticate with my EDS authentication key";
/// How old a citizen's authentication signature may be.
pub const EDS_AUTHENTICATION_FRESHNESS: Duration = Duration::from_secs(5 * 60);

/// The security settings every service shares.
pub const VARIABLES: [&str; 8] = [
    INSECURE_LOOPBACK_VARIABLE,
    TLS_CERT_FILE_VARIABLE,
    TLS_KEY_FILE_VARIABLE,
    TLS_CA_FILE_VARIABLE,
    TOKEN_PUBLIC_KEY_FILE_VARIABLE,
    TOKEN_ISSUER_VARIABLE,
    staff::STAFF_ROSTER_FILE_VARIABLE,
    withdrawn::STAFF_WITHDRAWN_FILE_VARIABLE,
];

/// How a service's connections are secured and its callers identified.
#[derive(Clone, Debug)]
pub enum Security {
    /// Plaintext on loopback, identities as declared. Development only.
    InsecureLoopback,
    /// Mutual TLS, identities proven.
    MutualTls(Arc<MutualTls>),
}

/// The material of the mutual-TLS mode.
pub struct MutualTls {
    server: ServerTlsConfig,
    client: ClientTlsConfig,
    /// How members of staff prove who they are.
    staff: StaffAccess,
    /// The business clock from the settings.
    clock: Arc<dyn Clock>,
    /// What citizens' EDS authentication is checked against.
    eds_trust: OnceLock<CitizenEds>,
}

/// How members of staff prove who they are, and whose access is withdrawn.
#[derive(Debug, Default)]
pub struct StaffAccess {
    /// Checks bearer tokens; `None`: no tokens accepted.
    pub tokens: Option<TokenVerifier>,
    /// Who may act as staff with their EDS authentication key; `None`: no
    /// one may.
    pub roster: Option<watched::WatchedFile<staff::StaffRoster>>,
    /// Staff ids refused whatever they present; `None`: no list followed.
    pub withdrawn: Option<withdrawn::WithdrawnStaff>,
}

impl StaffAccess {
    /// Refuses `caller` if their access is withdrawn.
    pub(crate) fn admit(&self, caller: Caller) -> Result<Caller, &'static str> {
        match &self.withdrawn {
            Some(withdrawn) if withdrawn.is_withdrawn(caller.id()) => {
                Err("this member of staff's access is withdrawn")
            }
            _ => Ok(caller),
        }
    }
}

/// What citizens' EDS authentication is checked against: the roots their
/// keys must chain to, the clock their signatures are judged by, and the
/// certification centre that says whether their certificate is revoked.
#[derive(Debug)]
pub struct CitizenEds {
    /// The trusted roots.
    pub anchors: TrustAnchors,
    /// The business clock.
    pub clock: Arc<dyn Clock>,
    /// The revocation check.
    pub revocation: revocation::RevocationChecker,
}

impl MutualTls {
    fn new(
        certificate_pem: &[u8],
        key_pem: &[u8],
        ca_pem: &[u8],
        staff: StaffAccess,
        clock: Arc<dyn Clock>,
    ) -> Self {
        let identity = Identity::from_pem(certificate_pem, key_pem);
        let ca = Certificate::from_pem(ca_pem);
        Self {
            server: ServerTlsConfig::new()
                .identity(identity.clone())
                .client_ca_root(ca.clone())
                .timeout(Duration::from_secs(10)),
            client: ClientTlsConfig::new().ca_certificate(ca).identity(identity),
            staff,
            clock,
            eds_trust: OnceLock::new(),
        }
    }
}

impl std::fmt::Debug for MutualTls {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("MutualTls")
            .field("staff", &self.staff)
            .field(
                "eds_trust",
                &self.eds_trust.get().map(|trust| trust.anchors.len()),
            )
            .finish_non_exhaustive()
    }
}

impl Security {
    /// Reads the mode from the settings, loading certificates and keys.
    pub fn from_variables(variables: &Variables) -> Result<Self, SettingsError> {
        variables.refuse_unknown("the suite's security", "HOUSING_TLS_", &VARIABLES)?;
        variables.refuse_unknown("the suite's security", "HOUSING_TOKEN_", &VARIABLES)?;
        variables.refuse_unknown("the suite's security", "HOUSING_STAFF_", &VARIABLES)?;
        let insecure = variables.parse_or(INSECURE_LOOPBACK_VARIABLE, "false", |text| {
            text.parse::<bool>()
                .map_err(|_| "must be true or false".to_owned())
        })?;
        let files = [
            TLS_CERT_FILE_VARIABLE,
            TLS_KEY_FILE_VARIABLE,
            TLS_CA_FILE_VARIABLE,
        ]
        .map(|variable| variables.get(variable).map(|path| (variable, path.trim())));
        let set = files.iter().filter(|file| file.is_some()).count();
        if insecure {
            if set > 0 {
                return Err(SettingsError::Invalid {
                    variable: INSECURE_LOOPBACK_VARIABLE,
                    problem: "cannot be true together with HOUSING_TLS_* files: choose one mode"
                        .to_owned(),
                });
            }
            for variable in [
                staff::STAFF_ROSTER_FILE_VARIABLE,
                withdrawn::STAFF_WITHDRAWN_FILE_VARIABLE,
            ] {
                if variables.get(variable).is_some() {
                    return Err(SettingsError::Invalid {
                        variable,
                        problem: "staff are authenticated only in the mutual-TLS mode".to_owned(),
                    });
                }
            }
            return Ok(Self::InsecureLoopback);
        }
        let [Some(cert), Some(key), Some(ca)] = files else {
            return Err(SettingsError::Invalid {
                variable: TLS_CERT_FILE_VARIABLE,
                problem: if set == 0 {
                    "no transport security is configured: set HOUSING_TLS_CERT_FILE, \
                     HOUSING_TLS_KEY_FILE and HOUSING_TLS_CA_FILE, or, for development \
                     on this machine only, HOUSING_INSECURE_LOOPBACK=true"
                        .to_owned()
                } else {
                    "HOUSING_TLS_CERT_FILE, HOUSING_TLS_KEY_FILE and HOUSING_TLS_CA_FILE \
                     go together"
                        .to_owned()
                },
            });
        };
        let certificate = read(cert.0, cert.1)?;
        let key = read(key.0, key.1)?;
        let ca = read(ca.0, ca.1)?;
        let tokens = match variables.get(TOKEN_PUBLIC_KEY_FILE_VARIABLE) {
            None => None,
            Some(path) => {
                let pem = read(TOKEN_PUBLIC_KEY_FILE_VARIABLE, path.trim())?;
                let issuer = variables
                    .get(TOKEN_ISSUER_VARIABLE)
                    .map_or(DEFAULT_ISSUER, str::trim);
                Some(
                    TokenVerifier::new(&pem, issuer).map_err(|error| SettingsError::Invalid {
                        variable: TOKEN_PUBLIC_KEY_FILE_VARIABLE,
                        problem: error.to_string(),
                    })?,
                )
            }
        };
        let roster = variables
            .get(staff::STAFF_ROSTER_FILE_VARIABLE)
            .map(|path| staff::StaffRoster::watch(path.trim()))
            .transpose()
            .map_err(|problem| SettingsError::Invalid {
                variable: staff::STAFF_ROSTER_FILE_VARIABLE,
                problem,
            })?;
        let withdrawn = variables
            .get(withdrawn::STAFF_WITHDRAWN_FILE_VARIABLE)
            .map(|path| withdrawn::WithdrawnStaff::load(path.trim()))
            .transpose()
            .map_err(|problem| SettingsError::Invalid {
                variable: withdrawn::STAFF_WITHDRAWN_FILE_VARIABLE,
                problem,
            })?;
        let clock = crate::clock::business_clock(variables)?;
        Ok(Self::mutual_tls(
            &certificate,
            &key,
            &ca,
            StaffAccess {
                tokens,
                roster,
                withdrawn,
            },
            clock,
        ))
    }

    /// The mutual-TLS mode from PEM material, accepting staff as `staff` says.
    pub fn mutual_tls(
        certificate_pem: &[u8],
        key_pem: &[u8],
        ca_pem: &[u8],
        staff: StaffAccess,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self::MutualTls(Arc::new(MutualTls::new(
            certificate_pem,
            key_pem,
            ca_pem,
            staff,
            clock,
        )))
    }

    /// Whether this is the insecure development mode.
    pub fn is_insecure(&self) -> bool {
        matches!(self, Self::InsecureLoopback)
    }

    /// Lets citizens authenticate with EDS keys that chain to `anchors`,
    /// judged at the time `clock` gives (the service's business clock, as
    /// signatures on documents are; the settings' business clock when `None`),
    /// whose certificates `revocation` finds not revoked. The first call wins;
    /// the insecure mode ignores it.
    pub fn trust_citizen_eds(
        &self,
        anchors: TrustAnchors,
        clock: Option<Arc<dyn Clock>>,
        revocation: revocation::RevocationChecker,
    ) {
        if let Self::MutualTls(tls) = self {
            let clock = clock.unwrap_or_else(|| Arc::clone(&tls.clock));
            let _ = tls.eds_trust.set(CitizenEds {
                anchors,
                clock,
                revocation,
            });
        }
    }

    /// Whether citizens' EDS authentication needs [`Security::trust_citizen_eds`] still.
    pub fn needs_citizen_eds_trust(&self) -> bool {
        match self {
            Self::InsecureLoopback => false,
            Self::MutualTls(tls) => tls.eds_trust.get().is_none(),
        }
    }

    /// The TLS configuration of the server, if any.
    pub(crate) fn server_tls(&self) -> Option<ServerTlsConfig> {
        match self {
            Self::InsecureLoopback => None,
            Self::MutualTls(tls) => Some(tls.server.clone()),
        }
    }

    /// Checks that the server may listen on `address` in this mode.
    pub fn check_listen_address(&self, address: IpAddr) -> anyhow::Result<()> {
        if self.is_insecure() && !address.is_loopback() {
            anyhow::bail!(
                "{INSECURE_LOOPBACK_VARIABLE}=true serves plaintext and self-declared identities, \
                 so only on a loopback address; {address} is not one. Configure HOUSING_TLS_* instead"
            );
        }
        Ok(())
    }

    /// An endpoint for the peer at `address` (`http://host:port` or
    /// `https://host:port`): over mutual TLS, checking the peer's certificate
    /// names the host, in the secure mode; plaintext, and only to a loopback
    /// host, in the insecure one.
    pub fn endpoint(&self, address: &str) -> anyhow::Result<Endpoint> {
        let host = peer_host(address)?;
        match self {
            Self::InsecureLoopback => {
                if !host_is_loopback(&host) {
                    anyhow::bail!(
                        "{INSECURE_LOOPBACK_VARIABLE}=true reaches peers over plaintext, so only \
                         on loopback; the peer {address} is not. Configure HOUSING_TLS_* instead"
                    );
                }
                Ok(Endpoint::from_shared(address.to_owned())?)
            }
            Self::MutualTls(tls) => {
                let secure = match address.strip_prefix("http://") {
                    Some(rest) => format!("https://{rest}"),
                    None => address.to_owned(),
                };
                Ok(Endpoint::from_shared(secure)?
                    .tls_config(tls.client.clone().domain_name(host))?)
            }
        }
    }

    /// Logs, loudly, what the mode means. Every service calls it at start-up.
    pub fn announce(&self) {
        match self {
            Self::InsecureLoopback => {
                tracing::warn!(
                    "INSECURE DEVELOPMENT MODE ({INSECURE_LOOPBACK_VARIABLE}=true): plaintext \
                     HTTP/2 on loopback only, callers' identities are taken as they declare \
                     them. Never use it with real data."
                );
            }
            Self::MutualTls(tls) => {
                tracing::info!(
                    staff_tokens = tls.staff.tokens.is_some(),
                    staff_on_the_eds_roster = tls
                        .staff
                        .roster
                        .as_ref()
                        .map_or(0, |roster| roster.current().len()),
                    staff_withdrawals_followed = tls.staff.withdrawn.is_some(),
                    "mutual TLS: clients and peers present certificates of the configured CA"
                );
            }
        }
    }
}

fn read(variable: &'static str, path: &str) -> Result<Vec<u8>, SettingsError> {
    std::fs::read(Path::new(path)).map_err(|error| SettingsError::Invalid {
        variable,
        problem: format!("cannot read {path}: {error}"),
    })
}

/// The host of a peer address.
fn peer_host(address: &str) -> anyhow::Result<String> {
    let uri: http::Uri = address.parse()?;
    let host = uri
        .host()
        .ok_or_else(|| anyhow::anyhow!("the peer address {address} names no host"))?;
    Ok(host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_owned())
}

fn host_is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<IpAddr>()
            .is_ok_and(|address| address.is_loopback())
}

/// `variables` plus the one development setting, `HOUSING_INSECURE_LOOPBACK=true`:
/// the settings of a service run on loopback by the development launcher,
/// the tests and the benchmarks.
pub fn insecure_loopback<K, V>(variables: impl IntoIterator<Item = (K, V)>) -> Vec<(String, String)>
where
    K: Into<String>,
    V: Into<String>,
{
    variables
        .into_iter()
        .map(|(name, value)| (name.into(), value.into()))
        .chain([(INSECURE_LOOPBACK_VARIABLE.to_owned(), "true".to_owned())])
        .collect()
}

/// The settings of `system` whose files are in a directory written by
/// [`crate::dev_pki::DevPki::write_to`]: its certificate, key, the CA, the
/// token key, the staff roster and withdrawals, as (variable, path) pairs ready to join a
/// service's variables.
pub fn dev_pki_variables(directory: &Path, system: &str) -> Vec<(String, String)> {
    [
        (TLS_CERT_FILE_VARIABLE, format!("{system}.pem")),
        (TLS_KEY_FILE_VARIABLE, format!("{system}.key")),
        (TLS_CA_FILE_VARIABLE, "ca.pem".to_owned()),
        (
            TOKEN_PUBLIC_KEY_FILE_VARIABLE,
            "token-signing.pub.pem".to_owned(),
        ),
        (
            staff::STAFF_ROSTER_FILE_VARIABLE,
            crate::dev_pki::STAFF_ROSTER_FILE.to_owned(),
        ),
        (
            withdrawn::STAFF_WITHDRAWN_FILE_VARIABLE,
            crate::dev_pki::STAFF_WITHDRAWN_FILE.to_owned(),
        ),
    ]
    .into_iter()
    .map(|(variable, file)| {
        (
            variable.to_owned(),
            directory.join(file).display().to_string(),
        )
    })
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_configured_is_refused_with_the_two_ways_out() {
        let error = Security::from_variables(&Variables::default()).expect_err("no mode");
        let text = error.to_string();
        assert!(text.contains("HOUSING_TLS_CERT_FILE"), "{text}");
        assert!(text.contains("HOUSING_INSECURE_LOOPBACK=true"), "{text}");
    }

    #[test]
    fn the_insecure_mode_stays_on_loopback() {
        let security = Security::from_variables(&Variables::from_iter([(
            INSECURE_LOOPBACK_VARIABLE,
            "true",
        )]))
        .expect("insecure mode");
        assert!(security.is_insecure());
        assert!(
            security
                .check_listen_address("127.0.0.1".parse().expect("ip"))
                .is_ok()
        );
        assert!(
            security
                .check_listen_address("0.0.0.0".parse().expect("ip"))
                .is_err()
        );
        assert!(security.endpoint("http://127.0.0.1:50051").is_ok());
        assert!(security.endpoint("http://localhost:50051").is_ok());
        assert!(security.endpoint("http://[::1]:50051").is_ok());
        assert!(security.endpoint("http://notification:50054").is_err());
        assert!(security.endpoint("http://10.0.0.5:50054").is_err());
    }

    #[test]
    fn partial_or_mixed_settings_are_refused() {
        let partial = Variables::from_iter([(TLS_CERT_FILE_VARIABLE, "/nowhere/cert.pem")]);
        assert!(
            Security::from_variables(&partial)
                .expect_err("partial")
                .to_string()
                .contains("go together")
        );
        let mixed = Variables::from_iter([
            (INSECURE_LOOPBACK_VARIABLE, "true"),
            (TLS_CERT_FILE_VARIABLE, "/nowhere/cert.pem"),
        ]);
        assert!(Security::from_variables(&mixed).is_err());
        let typo = Variables::from_iter([("HOUSING_TLS_CERT_PATH", "/x")]);
        assert!(matches!(
            Security::from_variables(&typo),
            Err(SettingsError::Unknown { .. })
        ));
    }

    /// A development PKI for `system` in a temporary directory, and its settings.
    fn dev_pki_settings(system: &str) -> (tempfile::TempDir, Variables) {
        let directory = tempfile::tempdir().expect("a temporary directory");
        crate::dev_pki::DevPki::generate("test CA", &[system])
            .expect("a PKI")
            .write_to(directory.path())
            .expect("written");
        let variables = dev_pki_variables(directory.path(), system)
            .into_iter()
            .collect();
        (directory, variables)
    }

    #[test]
    fn the_secure_mode_loads_a_dev_pki_and_reaches_peers_over_tls() {
        let (_directory, variables) = dev_pki_settings("notification");
        let security = Security::from_variables(&variables).expect("secure mode");
        assert!(!security.is_insecure());
        assert!(security.needs_citizen_eds_trust());
        assert!(
            security
                .check_listen_address("0.0.0.0".parse().expect("ip"))
                .is_ok()
        );
        let endpoint = security
            .endpoint("http://notification:50054")
            .expect("an endpoint");
        assert_eq!(endpoint.uri().scheme_str(), Some("https"));
        let missing = Variables::from_iter([
            (TLS_CERT_FILE_VARIABLE, "/nowhere/cert.pem"),
            (TLS_KEY_FILE_VARIABLE, "/nowhere/key.pem"),
            (TLS_CA_FILE_VARIABLE, "/nowhere/ca.pem"),
        ]);
        let text = Security::from_variables(&missing)
            .expect_err("missing files")
            .to_string();
        assert!(text.contains("cannot read /nowhere/cert.pem"), "{text}");
    }

    #[test]
    fn the_staff_roster_is_loaded_in_the_secure_mode_and_refused_in_the_insecure_one() {
        let (directory, variables) = dev_pki_settings("complaints");
        let Security::MutualTls(tls) = Security::from_variables(&variables).expect("secure mode")
        else {
            panic!("the secure mode");
        };
        let roster = tls.staff.roster.as_ref().expect("a roster");
        assert_eq!(roster.current().len(), 4);
        assert!(tls.staff.withdrawn.is_some());

        // A roster with a bad line stops the start, naming the line, not its text.
        let roster = directory.path().join(crate::dev_pki::STAFF_ROSTER_FILE);
        std::fs::write(
            &roster,
            "operator operator-1 750203400015\nclerk clerk-1 781105500027\n",
        )
        .expect("written");
        let text = Security::from_variables(&variables)
            .expect_err("a bad roster")
            .to_string();
        assert!(text.contains(staff::STAFF_ROSTER_FILE_VARIABLE), "{text}");
        assert!(text.contains("line 2"), "{text}");
        assert!(!text.contains("781105500027"), "{text}");

        let insecure = Variables::from_iter([
            (INSECURE_LOOPBACK_VARIABLE, "true"),
            (staff::STAFF_ROSTER_FILE_VARIABLE, "/nowhere/roster.txt"),
        ]);
        assert!(Security::from_variables(&insecure).is_err());
    }
}
