//! Building and running the gateway: the one way the binary, the dev launcher
//! and the tests start it.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context;
use housing_platform::limits::Limits;
use housing_platform::security::Security;
use housing_platform::server;
use housing_proto::housing::registry::v1::registry_admin_service_server::{
    self, RegistryAdminServiceServer,
};
use housing_proto::housing::registry::v1::registry_gateway_service_server::{
    self, RegistryGatewayServiceServer,
};
use housing_storage::{Database, PoolSettings};
use secrecy::ExposeSecret;
use tokio::net::TcpListener;
use tonic::service::Routes;

use crate::admin::AdminService;
use crate::faults::FaultInjector;
use crate::fixture::{LoadSummary, load_fixtures};
use crate::gateway::{GatewayService, GatewayState};
use crate::pki::{self, CertificationCentre};
use crate::query_log::{QueryLog, WriterTask};
use crate::settings::Settings;
use crate::storage::{MIGRATIONS, RegistryStore};

/// A built gateway: database migrated, fixtures loaded, listener bound.
#[derive(Debug)]
pub struct Application {
    listener: TcpListener,
    address: SocketAddr,
    routes: Routes,
    database: Database,
    query_log_writer: WriterTask,
    fixtures: Vec<LoadSummary>,
    server_limits: Limits,
    security: Security,
}

impl Application {
    /// Binds the configured address (port 0 picks a free port; see
    /// [`Application::address`]), then builds as [`Application::build_with_listener`].
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        let listener = server::bind(settings.listen_address)
            .await
            .with_context(|| format!("cannot listen on {}", settings.listen_address))?;
        Self::build_with_listener(settings, listener).await
    }

    /// Opens the database (migrating it), loads the fixtures this database has
    /// not loaded yet, restores the fault injections, starts the query log and
    /// opens the test certification centre (its root CA is generated at the
    /// first start), to serve on `listener` (the launcher binds every
    /// service's listener first).
    pub async fn build_with_listener(
        settings: Settings,
        listener: TcpListener,
    ) -> anyhow::Result<Self> {
        let url = settings.database.url.expose_secret();
        let database = Database::connect(
            url,
            &MIGRATIONS,
            &PoolSettings {
                max_connections: settings.database.max_connections,
                ..PoolSettings::default()
            },
        )
        .await
        .context("cannot open the registry database")?;
        let store = RegistryStore::new(database.clone());
        let fixtures = load_fixtures(&store, &settings.fixtures)
            .await
            .context("cannot load the fixtures")?;
        let faults = Arc::new(
            FaultInjector::restore(database.clone())
                .await
                .context("cannot restore the fault injections")?,
        );
        let (query_log, query_log_writer) = QueryLog::start(database.clone(), settings.query_log)
            .await
            .context("cannot start the query log")?;
        let certification_centre = CertificationCentre::open(database.clone())
            .await
            .context("cannot open the test certification centre")?;

        let gateway = GatewayService::new(Arc::new(GatewayState {
            store: store.clone(),
            faults: Arc::clone(&faults),
            query_log: query_log.clone(),
            client_systems: settings.client_systems.clone(),
            register_timeout: settings.register_timeout,
        }));
        let admin = AdminService::new(store, faults, query_log);
        let standard = server::standard_services(&[
            registry_gateway_service_server::SERVICE_NAME,
            registry_admin_service_server::SERVICE_NAME,
            pki::SERVICE_NAME,
        ])
        .await?;
        let bytes = settings.server_limits.max_message_bytes;
        let routes = standard
            .routes
            .add_service(
                RegistryGatewayServiceServer::new(gateway)
                    .max_decoding_message_size(bytes)
                    .max_encoding_message_size(bytes),
            )
            .add_service(
                RegistryAdminServiceServer::new(admin)
                    .max_decoding_message_size(bytes)
                    .max_encoding_message_size(bytes),
            )
            .add_service(
                certification_centre
                    .into_service()
                    .max_decoding_message_size(bytes)
                    .max_encoding_message_size(bytes),
            );

        let address = server::local_address(&listener)?;
        Ok(Self {
            listener,
            address,
            routes,
            database,
            query_log_writer,
            fixtures,
            server_limits: settings.server_limits,
            security: settings.security.clone(),
        })
    }

    /// The address the gateway listens on, with port 0 resolved.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// The port the gateway listens on.
    pub fn port(&self) -> u16 {
        self.address.port()
    }

    /// What loading each fixture did at start-up.
    pub fn fixtures(&self) -> &[LoadSummary] {
        &self.fixtures
    }

    /// Serves until `shutdown` completes, drains in-flight calls, writes the
    /// last query-log entries and closes the database.
    pub async fn run_until_stopped(
        self,
        shutdown: impl Future<Output = ()> + Send,
    ) -> anyhow::Result<()> {
        let served = server::serve(
            self.listener,
            self.routes,
            self.server_limits,
            self.security,
            shutdown,
            server::DEFAULT_GRACE_PERIOD,
        )
        .await;
        // The services (and their query-log handles) are gone with the server;
        // the writer now drains what they queued and stops.
        self.query_log_writer
            .finish(server::DEFAULT_GRACE_PERIOD)
            .await;
        self.database.close().await;
        served
    }
}
