//! The whole suite in one process, for end-to-end tests through the public
//! contracts: [`spawn_suite`] binds a listener for each of the five services
//! first (port 0), then builds registry-gateway (with the demo dataset),
//! notification, eligibility-verification, application-intake and
//! complaints, each with
//! the others' addresses and a fresh database of its own, and hands out typed
//! clients acting as a given caller.
//!
//! Business time is the demo's: intake and eligibility read a clock that
//! started at 10:00 on Wednesday 15 April 2026 in Almaty (the acceptance day
//! of every demo application, docs/demo-dataset.md) and runs at real speed,
//! so that retries and leases still come due. Complaints reads the same
//! clock plus an offset that a test may move on ([`Suite::advance_complaints_clock`])
//! to let complaint terms run out.

pub mod credentials;
pub mod demo;

use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context;
use chrono::{DateTime, TimeDelta, Utc};
use housing_platform::caller::Caller;
use housing_proto::housing::complaints::v1::complaints_service_client::ComplaintsServiceClient;
use housing_proto::housing::eligibility::v1::eligibility_service_client::EligibilityServiceClient;
use housing_proto::housing::intake::v1::application_intake_service_client::ApplicationIntakeServiceClient;
use housing_proto::housing::notification::v1::notification_service_client::NotificationServiceClient;
use housing_proto::housing::registry::v1::certification_centre_service_client::CertificationCentreServiceClient;
use housing_storage::testing::TestDatabase;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tonic::transport::{Channel, Endpoint};

pub use credentials::{CallerChannel, Credentials};

/// Which database every service of a suite uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// A fresh SQLite file per service.
    Sqlite,
    /// A fresh PostgreSQL database per service (`HOUSING_TEST_POSTGRES_URL`).
    Postgres,
}

/// How a suite starts.
#[derive(Debug, Clone, Copy)]
pub struct SuiteOptions {
    /// The databases.
    pub backend: Backend,
    /// Bind eligibility's listener but do not serve it until
    /// [`Suite::start_eligibility`]: intake's hand-overs fail meanwhile.
    pub eligibility_deferred: bool,
    /// Run in the mutual-TLS mode with a fresh development PKI (client
    /// certificates, staff tokens, citizens' EDS authentication) instead of
    /// the insecure loopback mode.
    pub mutual_tls: bool,
}

impl Default for SuiteOptions {
    fn default() -> Self {
        Self {
            backend: Backend::Sqlite,
            eligibility_deferred: false,
            mutual_tls: false,
        }
    }
}

pub use housing_suite::demo::demo_start;

/// A clock that started at [`demo_start`] when the suite started and runs at
/// real speed. It serves as intake's and eligibility's clock.
#[derive(Debug)]
pub struct DemoClock {
    offset: TimeDelta,
}

impl DemoClock {
    fn starting_now() -> Self {
        Self {
            offset: demo_start() - Utc::now(),
        }
    }

    fn read(&self) -> DateTime<Utc> {
        Utc::now() + self.offset
    }
}

impl housing_platform::clock::Clock for DemoClock {
    fn now(&self) -> DateTime<Utc> {
        self.read()
    }
}

/// Complaints' clock: the demo clock plus an offset a test moves on.
#[derive(Debug)]
pub struct ComplaintsClock {
    demo: Arc<DemoClock>,
    extra_micros: std::sync::atomic::AtomicI64,
}

impl housing_platform::clock::Clock for ComplaintsClock {
    fn now(&self) -> DateTime<Utc> {
        self.demo.read()
            + TimeDelta::microseconds(self.extra_micros.load(std::sync::atomic::Ordering::SeqCst))
    }
}

/// A service running in the suite.
#[derive(Debug)]
struct Running {
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<anyhow::Result<()>>,
}

impl Running {
    fn spawn<F>(run: impl FnOnce(oneshot::Receiver<()>) -> F) -> Self
    where
        F: Future<Output = anyhow::Result<()>> + Send + 'static,
    {
        let (stop, stopped) = oneshot::channel();
        Self {
            stop: Some(stop),
            task: tokio::spawn(run(stopped)),
        }
    }

    async fn stop(mut self) -> anyhow::Result<()> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        self.task.await.context("a service task panicked")?
    }

    async fn crash(self) {
        self.task.abort();
        let _ = self.task.await;
    }
}

async fn until(stopped: oneshot::Receiver<()>) {
    let _ = stopped.await;
}

/// Where the five services answer, and the business time they share: a
/// suite in this process ([`Suite`] dereferences to its endpoints) or a
/// deployed one, such as the compose stack ([`Endpoints::on_loopback`]).
/// Hands out typed clients acting as a given caller.
#[derive(Debug, Clone)]
pub struct Endpoints {
    /// registry-gateway (and the certification centre).
    pub gateway_address: SocketAddr,
    /// notification.
    pub notification_address: SocketAddr,
    /// eligibility-verification.
    pub eligibility_address: SocketAddr,
    /// application-intake.
    pub intake_address: SocketAddr,
    /// complaints.
    pub complaints_address: SocketAddr,
    /// Business time minus system time.
    clock_shift: TimeDelta,
    /// The harness's credentials in the mutual-TLS mode; `None` in the insecure one.
    credentials: Option<Credentials>,
}

/// The five services, running.
#[derive(Debug)]
pub struct Suite {
    endpoints: Endpoints,
    databases: Vec<TestDatabase>,
    complaints_database_url: String,
    complaints_clock: Arc<ComplaintsClock>,
    intake_database_url: String,
    eligibility_pending: Option<(eligibility_verification::Settings, TcpListener)>,
    clock: Arc<DemoClock>,
    /// The development PKI's directory in the mutual-TLS mode.
    _pki: Option<tempfile::TempDir>,
    gateway: Option<Running>,
    notification: Option<Running>,
    eligibility: Option<Running>,
    intake: Option<Running>,
    complaints: Option<Running>,
}

async fn fresh_database(
    backend: Backend,
    migrations: &housing_storage::Migrations,
) -> anyhow::Result<TestDatabase> {
    match backend {
        Backend::Sqlite => Ok(TestDatabase::sqlite(migrations).await?),
        Backend::Postgres => TestDatabase::postgres(migrations)
            .await?
            .context("PostgreSQL is skipped on purpose"),
    }
}

async fn loopback_listener() -> anyhow::Result<(TcpListener, SocketAddr)> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let address = listener.local_addr()?;
    Ok((listener, address))
}

fn http(address: SocketAddr) -> String {
    format!("http://{address}")
}

/// A service's settings: `pairs` plus the security mode's, as `system`.
fn service_variables<K, V>(
    credentials: Option<&Credentials>,
    system: &str,
    pairs: impl IntoIterator<Item = (K, V)>,
) -> Vec<(String, String)>
where
    K: Into<String>,
    V: Into<String>,
{
    match credentials {
        None => housing_platform::security::insecure_loopback(pairs),
        Some(credentials) => pairs
            .into_iter()
            .map(|(name, value)| (name.into(), value.into()))
            .chain(housing_platform::security::dev_pki_variables(
                credentials.directory(),
                system,
            ))
            .collect(),
    }
}

/// Starts the suite: every listener first, then each service with the
/// others' addresses and a fresh database.
pub async fn spawn_suite(options: SuiteOptions) -> anyhow::Result<Suite> {
    let (gateway_listener, gateway_address) = loopback_listener().await?;
    let (notification_listener, notification_address) = loopback_listener().await?;
    let (eligibility_listener, eligibility_address) = loopback_listener().await?;
    let (intake_listener, intake_address) = loopback_listener().await?;
    let (complaints_listener, complaints_address) = loopback_listener().await?;
    let clock = Arc::new(DemoClock::starting_now());
    let (pki, credentials) = if options.mutual_tls {
        let directory = tempfile::tempdir().context("a directory for the PKI")?;
        credentials::write_dev_pki(directory.path())?;
        let credentials = Credentials::from_dev_pki(directory.path())?;
        (Some(directory), Some(credentials))
    } else {
        (None, None)
    };
    let complaints_clock = Arc::new(ComplaintsClock {
        demo: Arc::clone(&clock),
        extra_micros: std::sync::atomic::AtomicI64::new(0),
    });

    let gateway_database =
        fresh_database(options.backend, &registry_gateway::storage::MIGRATIONS).await?;
    let notification_database =
        fresh_database(options.backend, &notification::storage::MIGRATIONS).await?;
    let eligibility_database = fresh_database(
        options.backend,
        &eligibility_verification::storage::MIGRATIONS,
    )
    .await?;
    let intake_database =
        fresh_database(options.backend, &application_intake::storage::MIGRATIONS).await?;
    let complaints_database =
        fresh_database(options.backend, &complaints::storage::MIGRATIONS).await?;

    let gateway_settings = registry_gateway::Settings::from_variables(service_variables(
        credentials.as_ref(),
        registry_gateway::SERVICE,
        [
            (
                "HOUSING_REGISTRY_DATABASE_URL",
                gateway_database.url.as_str(),
            ),
            ("HOUSING_REGISTRY_FIXTURES", "demo"),
            (
                "HOUSING_REGISTRY_CLIENT_SYSTEMS",
                "eligibility-verification,application-intake,notification",
            ),
        ],
    ))
    .context("gateway settings")?;
    let gateway =
        registry_gateway::Application::build_with_listener(gateway_settings, gateway_listener)
            .await
            .context("the gateway builds")?;
    let gateway = Running::spawn(|stopped| gateway.run_until_stopped(until(stopped)));

    let notification_settings = notification::Settings::from_variables(service_variables(
        credentials.as_ref(),
        notification::SERVICE,
        [
            (
                "HOUSING_NOTIFICATION_DATABASE_URL",
                notification_database.url.clone(),
            ),
            (
                "HOUSING_NOTIFICATION_REGISTRY_ADDRESS",
                http(gateway_address),
            ),
            (
                "HOUSING_NOTIFICATION_WORKER_POLL_INTERVAL_MS",
                "100".to_owned(),
            ),
            // Citizens' EDS authentication is judged by the business clock.
            (
                "HOUSING_BUSINESS_CLOCK_SHIFT_SECONDS",
                clock.offset.num_seconds().to_string(),
            ),
        ],
    ))
    .context("notification settings")?;
    let notification = notification::Application::build_with_listener(
        notification_settings,
        notification_listener,
    )
    .await
    .context("notification builds")?;
    let notification = Running::spawn(|stopped| notification.run_until_stopped(until(stopped)));

    let eligibility_settings =
        eligibility_verification::Settings::from_variables(service_variables(
            credentials.as_ref(),
            eligibility_verification::SERVICE,
            [
                (
                    "HOUSING_ELIGIBILITY_DATABASE_URL",
                    eligibility_database.url.clone(),
                ),
                (
                    "HOUSING_ELIGIBILITY_REGISTRY_ADDRESS",
                    http(gateway_address),
                ),
                ("HOUSING_ELIGIBILITY_INTAKE_ADDRESS", http(intake_address)),
                (
                    "HOUSING_ELIGIBILITY_NOTIFICATION_ADDRESS",
                    http(notification_address),
                ),
                (
                    "HOUSING_ELIGIBILITY_EVALUATION_INTERVAL_MS",
                    "100".to_owned(),
                ),
                ("HOUSING_ELIGIBILITY_OUTBOX_INTERVAL_MS", "100".to_owned()),
                (
                    "HOUSING_ELIGIBILITY_OUTBOX_RETRY_INITIAL_MS",
                    "100".to_owned(),
                ),
                ("HOUSING_ELIGIBILITY_OUTBOX_RETRY_MAX_MS", "1000".to_owned()),
            ],
        ))
        .context("eligibility settings")?
        .with_clock(clock.clone());
    let (eligibility, eligibility_pending) = if options.eligibility_deferred {
        (None, Some((eligibility_settings, eligibility_listener)))
    } else {
        (
            Some(start_eligibility(eligibility_settings, eligibility_listener).await?),
            None,
        )
    };

    let intake_database_url = intake_database.url.clone();
    let intake = start_intake(
        &intake_database_url,
        eligibility_address,
        gateway_address,
        clock.clone(),
        intake_listener,
        credentials.as_ref(),
    )
    .await?;

    let complaints_database_url = complaints_database.url.clone();
    let peers = ComplaintsPeers {
        intake: intake_address,
        eligibility: eligibility_address,
        gateway: gateway_address,
        notification: notification_address,
    };
    let complaints = start_complaints(
        &complaints_database_url,
        &peers,
        complaints_clock.clone(),
        complaints_listener,
        credentials.as_ref(),
    )
    .await?;

    Ok(Suite {
        endpoints: Endpoints {
            gateway_address,
            notification_address,
            eligibility_address,
            intake_address,
            complaints_address,
            clock_shift: clock.offset,
            credentials,
        },
        databases: vec![
            gateway_database,
            notification_database,
            eligibility_database,
            intake_database,
            complaints_database,
        ],
        complaints_database_url,
        complaints_clock,
        intake_database_url,
        eligibility_pending,
        clock,
        _pki: pki,
        gateway: Some(gateway),
        notification: Some(notification),
        eligibility,
        intake: Some(intake),
        complaints: Some(complaints),
    })
}

/// Where complaints finds its peers.
struct ComplaintsPeers {
    intake: SocketAddr,
    eligibility: SocketAddr,
    gateway: SocketAddr,
    notification: SocketAddr,
}

async fn start_complaints(
    database_url: &str,
    peers: &ComplaintsPeers,
    clock: Arc<ComplaintsClock>,
    listener: TcpListener,
    credentials: Option<&Credentials>,
) -> anyhow::Result<Running> {
    let settings = complaints::Settings::from_variables(service_variables(
        credentials,
        complaints::SERVICE,
        [
            ("HOUSING_COMPLAINTS_DATABASE_URL", database_url.to_owned()),
            ("HOUSING_COMPLAINTS_INTAKE_ADDRESS", http(peers.intake)),
            (
                "HOUSING_COMPLAINTS_ELIGIBILITY_ADDRESS",
                http(peers.eligibility),
            ),
            (
                "HOUSING_COMPLAINTS_CERTIFICATION_CENTRE_ADDRESS",
                http(peers.gateway),
            ),
            (
                "HOUSING_COMPLAINTS_NOTIFICATION_ADDRESS",
                http(peers.notification),
            ),
            ("HOUSING_COMPLAINTS_PEER_TIMEOUT_MS", "2000".to_owned()),
            (
                "HOUSING_COMPLAINTS_OUTBOX_POLL_INTERVAL_MS",
                "100".to_owned(),
            ),
            (
                "HOUSING_COMPLAINTS_OUTBOX_INITIAL_BACKOFF_MS",
                "50".to_owned(),
            ),
            ("HOUSING_COMPLAINTS_OUTBOX_MAX_BACKOFF_MS", "500".to_owned()),
        ],
    ))
    .context("complaints settings")?
    .with_clock(clock);
    let complaints = complaints::Application::build_with_listener(settings, listener)
        .await
        .context("complaints builds")?;
    Ok(Running::spawn(|stopped| {
        complaints.run_until_stopped(until(stopped))
    }))
}

async fn start_eligibility(
    settings: eligibility_verification::Settings,
    listener: TcpListener,
) -> anyhow::Result<Running> {
    let eligibility =
        eligibility_verification::Application::build_with_listener(settings, listener)
            .await
            .context("eligibility builds")?;
    Ok(Running::spawn(|stopped| {
        eligibility.run_until_stopped(until(stopped))
    }))
}

async fn start_intake(
    database_url: &str,
    eligibility_address: SocketAddr,
    gateway_address: SocketAddr,
    clock: Arc<DemoClock>,
    listener: TcpListener,
    credentials: Option<&Credentials>,
) -> anyhow::Result<Running> {
    let settings = application_intake::Settings::from_variables(service_variables(
        credentials,
        application_intake::SERVICE,
        [
            ("HOUSING_INTAKE_DATABASE_URL", database_url.to_owned()),
            (
                "HOUSING_INTAKE_ELIGIBILITY_ADDRESS",
                http(eligibility_address),
            ),
            (
                "HOUSING_INTAKE_CERTIFICATION_CENTRE_ADDRESS",
                http(gateway_address),
            ),
            ("HOUSING_INTAKE_PEER_TIMEOUT_MS", "2000".to_owned()),
            ("HOUSING_INTAKE_OUTBOX_POLL_INTERVAL_MS", "100".to_owned()),
            ("HOUSING_INTAKE_OUTBOX_INITIAL_BACKOFF_MS", "50".to_owned()),
            ("HOUSING_INTAKE_OUTBOX_MAX_BACKOFF_MS", "500".to_owned()),
        ],
    ))
    .context("intake settings")?
    .with_clock(clock);
    let intake = application_intake::Application::build_with_listener(settings, listener)
        .await
        .context("intake builds")?;
    Ok(Running::spawn(|stopped| {
        intake.run_until_stopped(until(stopped))
    }))
}

impl Endpoints {
    /// The services on 127.0.0.1 at the given ports (intake, eligibility,
    /// registry-gateway, notification, complaints), whose business clock is
    /// the system clock shifted by `clock_shift`.
    pub fn on_loopback(ports: [u16; 5], clock_shift: TimeDelta) -> Self {
        let at = |port| SocketAddr::from(([127, 0, 0, 1], port));
        Self {
            intake_address: at(ports[0]),
            eligibility_address: at(ports[1]),
            gateway_address: at(ports[2]),
            notification_address: at(ports[3]),
            complaints_address: at(ports[4]),
            clock_shift,
            credentials: None,
        }
    }

    /// The same services, reached over mutual TLS with `credentials`.
    pub fn with_credentials(self, credentials: Credentials) -> Self {
        Self {
            credentials: Some(credentials),
            ..self
        }
    }

    /// The harness's credentials, in the mutual-TLS mode.
    pub fn credentials(&self) -> Option<&Credentials> {
        self.credentials.as_ref()
    }

    /// A lazily connected channel to `address`, plaintext or mutual TLS.
    pub fn raw_channel(&self, address: SocketAddr) -> Channel {
        match &self.credentials {
            None => Endpoint::from_shared(http(address))
                .expect("a loopback endpoint")
                .connect_lazy(),
            Some(credentials) => credentials.endpoint(address).connect_lazy(),
        }
    }

    fn channel(&self, address: SocketAddr, caller: Caller) -> CallerChannel {
        CallerChannel {
            inner: self.raw_channel(address),
            caller,
            prover: self
                .credentials
                .clone()
                .map(|credentials| credentials::Prover {
                    credentials,
                    centre: self.certification_centre(),
                    clock_shift: self.clock_shift,
                }),
        }
    }

    /// application-intake, as `caller`.
    pub fn intake(&self, caller: Caller) -> ApplicationIntakeServiceClient<CallerChannel> {
        ApplicationIntakeServiceClient::new(self.channel(self.intake_address, caller))
    }

    /// eligibility-verification, as `caller`.
    pub fn eligibility(&self, caller: Caller) -> EligibilityServiceClient<CallerChannel> {
        EligibilityServiceClient::new(self.channel(self.eligibility_address, caller))
    }

    /// notification, as `caller`.
    pub fn notification(&self, caller: Caller) -> NotificationServiceClient<CallerChannel> {
        NotificationServiceClient::new(self.channel(self.notification_address, caller))
    }

    /// complaints, as `caller`.
    pub fn complaints(&self, caller: Caller) -> ComplaintsServiceClient<CallerChannel> {
        ComplaintsServiceClient::new(self.channel(self.complaints_address, caller))
    }

    /// The certification centre of the test PKI.
    pub fn certification_centre(&self) -> CertificationCentreServiceClient<Channel> {
        CertificationCentreServiceClient::new(self.raw_channel(self.gateway_address))
    }

    /// The business clock's "now".
    pub fn now(&self) -> DateTime<Utc> {
        Utc::now() + self.clock_shift
    }
}

impl std::ops::Deref for Suite {
    type Target = Endpoints;

    fn deref(&self) -> &Endpoints {
        &self.endpoints
    }
}

impl Suite {
    /// Moves complaints' clock on (intake's and eligibility's stay).
    pub fn advance_complaints_clock(&self, by: TimeDelta) {
        self.complaints_clock.extra_micros.fetch_add(
            by.num_microseconds().unwrap_or(0),
            std::sync::atomic::Ordering::SeqCst,
        );
    }

    /// Stops complaints at once, as a crash would: nothing is drained.
    pub async fn crash_complaints(&mut self) {
        if let Some(complaints) = self.complaints.take() {
            complaints.crash().await;
        }
    }

    /// Starts complaints again on its database and address.
    pub async fn restart_complaints(&mut self) -> anyhow::Result<()> {
        anyhow::ensure!(self.complaints.is_none(), "complaints is running");
        let listener = TcpListener::bind(self.complaints_address)
            .await
            .context("complaints' address is free again")?;
        let peers = ComplaintsPeers {
            intake: self.intake_address,
            eligibility: self.eligibility_address,
            gateway: self.gateway_address,
            notification: self.notification_address,
        };
        self.complaints = Some(
            start_complaints(
                &self.complaints_database_url,
                &peers,
                self.complaints_clock.clone(),
                listener,
                self.endpoints.credentials.as_ref(),
            )
            .await?,
        );
        Ok(())
    }

    /// Serves eligibility when the suite was started with it deferred.
    pub async fn start_eligibility(&mut self) -> anyhow::Result<()> {
        let (settings, listener) = self
            .eligibility_pending
            .take()
            .context("eligibility is running already")?;
        self.eligibility = Some(start_eligibility(settings, listener).await?);
        Ok(())
    }

    /// Stops intake at once, as a crash would: nothing is drained.
    pub async fn crash_intake(&mut self) {
        if let Some(intake) = self.intake.take() {
            intake.crash().await;
        }
    }

    /// Starts intake again on its database and address.
    pub async fn restart_intake(&mut self) -> anyhow::Result<()> {
        anyhow::ensure!(self.intake.is_none(), "intake is running");
        let listener = TcpListener::bind(self.intake_address)
            .await
            .context("intake's address is free again")?;
        self.intake = Some(
            start_intake(
                &self.intake_database_url,
                self.eligibility_address,
                self.gateway_address,
                self.clock.clone(),
                listener,
                self.endpoints.credentials.as_ref(),
            )
            .await?,
        );
        Ok(())
    }

    /// Stops every service (complaints first, the gateway last) and drops the databases.
    pub async fn stop(mut self) -> anyhow::Result<()> {
        for running in [
            self.complaints.take(),
            self.intake.take(),
            self.eligibility.take(),
            self.notification.take(),
            self.gateway.take(),
        ]
        .into_iter()
        .flatten()
        {
            running.stop().await?;
        }
        for database in self.databases.drain(..) {
            database.cleanup().await;
        }
        Ok(())
    }
}
