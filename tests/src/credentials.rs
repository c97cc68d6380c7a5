//! How the harness proves who it acts as, when the suite runs in the
//! mutual-TLS mode (docs/security.md): the harness's own client certificate
//! (`e2e-tests` of the development PKI) on every connection; for a member of
//! staff a bearer token signed with the development token key; for a citizen
//! an EDS authentication signature made with an authentication key the test
//! certification centre issues them on first use. In the insecure mode the
//! identity is declared in `x-caller-*` metadata, as before.

use std::collections::HashMap;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use anyhow::Context as _;
use chrono::{DateTime, TimeDelta, Utc};
use housing_platform::caller::{Caller, Role};
use housing_platform::dev_pki::{DevPki, SUITE_SYSTEMS};
use housing_platform::security::authentication::{eds_authorization, eds_staff_authorization};
use housing_platform::security::{Security, dev_pki_variables};
use housing_platform::settings::Variables;
use housing_platform::tokens::{DEFAULT_ISSUER, TokenIssuer};
use housing_proto::housing::registry::v1 as registry;
use housing_proto::housing::registry::v1::certification_centre_service_client::CertificationCentreServiceClient;
use tokio::sync::Mutex;
use tonic::metadata::{MetadataMap, MetadataValue};
use tonic::transport::{Channel, Endpoint};

/// The name of the harness's own client certificate.
pub const HARNESS_SYSTEM: &str = "e2e-tests";
/// Systems of the development PKI besides the suite's services: the harness,
/// the Python client of the contract tests, and operators' grpcurl.
pub const CLIENT_SYSTEMS: [&str; 3] = [
    HARNESS_SYSTEM,
    "python-government-system",
    "operator-console",
];

/// Every system the development PKI of a test run has a certificate for.
pub fn pki_systems() -> Vec<&'static str> {
    SUITE_SYSTEMS
        .iter()
        .chain(CLIENT_SYSTEMS.iter())
        .copied()
        .collect()
}

/// Generates a development PKI for every system into `directory`.
pub fn write_dev_pki(directory: &Path) -> anyhow::Result<()> {
    DevPki::generate("Housing Provision Center test CA", &pki_systems())?
        .write_to(directory)
        .with_context(|| format!("cannot write the PKI into {}", directory.display()))
}

/// A citizen's authentication key and certificate, DER.
type AuthenticationKey = (Vec<u8>, Vec<u8>);

/// `message` as a request whose `authorization` header is `authorization`
/// (a token, or an EDS sign-in, made by the test itself).
pub fn authorized<T>(message: T, authorization: &str) -> tonic::Request<T> {
    let mut request = tonic::Request::new(message);
    request.metadata_mut().insert(
        "authorization",
        authorization.parse().expect("an ASCII authorization value"),
    );
    request
}

/// The harness's credentials in the mutual-TLS mode.
#[derive(Clone)]
pub struct Credentials {
    directory: PathBuf,
    /// The harness's side of mutual TLS: its `e2e-tests` certificate.
    security: Security,
    tokens: TokenIssuer,
    citizens: Arc<Mutex<HashMap<String, AuthenticationKey>>>,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("Credentials")
            .field("directory", &self.directory)
            .finish_non_exhaustive()
    }
}

impl Credentials {
    /// The harness's credentials from a development PKI directory.
    pub fn from_dev_pki(directory: &Path) -> anyhow::Result<Self> {
        let read = |name: &str| {
            std::fs::read(directory.join(name))
                .with_context(|| format!("cannot read {name} of the development PKI"))
        };
        let variables: Variables = dev_pki_variables(directory, HARNESS_SYSTEM)
            .into_iter()
            .collect();
        let security = Security::from_variables(&variables)?;
        let tokens = TokenIssuer::new(&read("token-signing.key")?, DEFAULT_ISSUER)?;
        Ok(Self {
            directory: directory.to_owned(),
            security,
            tokens,
            citizens: Arc::new(Mutex::new(HashMap::new())),
        })
    }

    /// The development PKI's directory.
    pub fn directory(&self) -> &Path {
        &self.directory
    }

    /// An endpoint to a service on `address` over mutual TLS.
    pub fn endpoint(&self, address: std::net::SocketAddr) -> Endpoint {
        self.security
            .endpoint(&format!("https://{address}"))
            .expect("a loopback endpoint over mutual TLS")
    }

    /// A staff member's bearer token.
    pub fn staff_token(&self, caller: &Caller) -> anyhow::Result<String> {
        Ok(self
            .tokens
            .issue(caller.role(), caller.id(), Duration::from_secs(600))?)
    }

    /// A citizen's `authorization` value, signed at `now` with their
    /// authentication key (issued by the certification centre on first use).
    async fn citizen_authorization(
        &self,
        iin: &str,
        centre: &CertificationCentreServiceClient<Channel>,
        now: DateTime<Utc>,
    ) -> anyhow::Result<String> {
        let (certificate, key) = self.authentication_key(iin, centre, now).await?;
        Ok(eds_authorization(&certificate, &key, now)?)
    }

    /// A member of staff's `authorization: EDS-Staff` value, signed at `now`
    /// with the authentication key of the person `iin` names (issued by the
    /// certification centre on first use); it proves a member of staff if the
    /// development roster lists them.
    pub async fn staff_eds_authorization(
        &self,
        iin: &str,
        centre: &CertificationCentreServiceClient<Channel>,
        now: DateTime<Utc>,
    ) -> anyhow::Result<String> {
        let (certificate, key) = self.authentication_key(iin, centre, now).await?;
        Ok(eds_staff_authorization(&certificate, &key, now)?)
    }

    /// The person's authentication certificate and key, issued on first use.
    async fn authentication_key(
        &self,
        iin: &str,
        centre: &CertificationCentreServiceClient<Channel>,
        now: DateTime<Utc>,
    ) -> anyhow::Result<AuthenticationKey> {
        let mut citizens = self.citizens.lock().await;
        if !citizens.contains_key(iin) {
            let issued = centre
                .clone()
                .issue_certificate(registry::IssueCertificateRequest {
                    iin: iin.to_owned(),
                    common_name: "DEMO PERSON".to_owned(),
                    purpose: registry::KeyPurpose::Authentication as i32,
                    not_before: Some(timestamp(now - TimeDelta::days(30))),
                    not_after: Some(timestamp(now + TimeDelta::days(335))),
                })
                .await
                .context("the certification centre issues an authentication key")?
                .into_inner();
            citizens.insert(
                iin.to_owned(),
                (issued.certificate_der, issued.private_key_pkcs8_der),
            );
        }
        Ok(citizens[iin].clone())
    }
}

fn timestamp(instant: DateTime<Utc>) -> prost_types::Timestamp {
    prost_types::Timestamp {
        seconds: instant.timestamp(),
        nanos: 0,
    }
}

/// What a [`CallerChannel`] needs to prove its caller in the mutual-TLS mode.
#[derive(Clone, Debug)]
pub(crate) struct Prover {
    pub(crate) credentials: Credentials,
    pub(crate) centre: CertificationCentreServiceClient<Channel>,
    pub(crate) clock_shift: TimeDelta,
}

impl Prover {
    async fn authorization(&self, caller: &Caller) -> anyhow::Result<Option<String>> {
        match caller.role() {
            Role::System => Ok(None),
            Role::Citizen => {
                let iin = caller.iin().context("a citizen without an IIN")?;
                let now = Utc::now() + self.clock_shift;
                Ok(Some(
                    self.credentials
                        .citizen_authorization(iin.as_str(), &self.centre, now)
                        .await?,
                ))
            }
            _ => Ok(Some(format!(
                "Bearer {}",
                self.credentials.staff_token(caller)?
            ))),
        }
    }
}

/// A channel whose requests carry a caller: declared in metadata, and in the
/// mutual-TLS mode proven with a token or an EDS authentication signature.
#[derive(Clone, Debug)]
pub struct CallerChannel {
    pub(crate) inner: Channel,
    pub(crate) caller: Caller,
    pub(crate) prover: Option<Prover>,
}

type BoxError = Box<dyn std::error::Error + Send + Sync>;

impl tower_service::Service<http::Request<tonic::body::Body>> for CallerChannel {
    type Response = http::Response<tonic::body::Body>;
    type Error = BoxError;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Self::Error>> + Send>>;

    fn poll_ready(&mut self, context: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        tower_service::Service::poll_ready(&mut self.inner, context).map_err(Into::into)
    }

    fn call(&mut self, mut request: http::Request<tonic::body::Body>) -> Self::Future {
        let ready = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, ready);
        let caller = self.caller.clone();
        let prover = self.prover.clone();
        Box::pin(async move {
            let mut metadata = MetadataMap::new();
            caller.attach(&mut metadata);
            if let Some(prover) = prover
                && let Some(authorization) = prover
                    .authorization(&caller)
                    .await
                    .map_err(|error| -> BoxError { error.into() })?
            {
                let value: MetadataValue<_> = authorization.parse().map_err(
                    |error: tonic::metadata::errors::InvalidMetadataValue| -> BoxError {
                        error.into()
                    },
                )?;
                metadata.insert("authorization", value);
            }
            request.headers_mut().extend(metadata.into_headers());
            tower_service::Service::call(&mut inner, request)
                .await
                .map_err(Into::into)
        })
    }
}
