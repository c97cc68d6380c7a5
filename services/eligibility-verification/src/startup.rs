//! Building and running the service: the one way the binary, the dev
//! launcher and the tests start it.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context;
use housing_platform::audit::{AuditTrailService, Auditor};
use housing_platform::security::Security;
use housing_platform::server;
use housing_proto::housing::audit::v1::audit_service_server;
use housing_proto::housing::eligibility::v1::eligibility_service_server::{
    self, EligibilityServiceServer,
};
use housing_proto::housing::registry::v1::certification_centre_service_client::CertificationCentreServiceClient;
use housing_storage::audit::AuditLog;
use housing_storage::{Database, PoolSettings};
use secrecy::ExposeSecret;
use tokio::net::TcpListener;
use tokio::sync::{Notify, watch};
use tonic::service::Routes;
use tonic::transport::Channel;

use crate::dispatcher::Dispatcher;
use crate::engine::{Engine, EngineSettings};
use crate::registry::RegistryClient;
use crate::service::EligibilityApi;
use crate::settings::Settings;
use crate::storage::{MIGRATIONS, Store};
use crate::workers::{run_evaluation_worker, run_lapse_worker};

/// A built service: database migrated, calendar loaded, peers' channels
/// ready (connected lazily), listener bound. Nothing runs until
/// [`Application::run_until_stopped`].
#[derive(Debug)]
pub struct Application {
    listener: TcpListener,
    address: SocketAddr,
    routes: Routes,
    engine: Engine,
    dispatcher: Dispatcher,
    settings: Settings,
    evaluation_wakeup: Arc<Notify>,
    outbox_wakeup: Arc<Notify>,
}

impl Application {
    /// Builds the service and binds its listener (port 0 picks a free port;
    /// see [`Application::address`]).
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        let listener = server::bind(settings.listen_address)
            .await
            .with_context(|| format!("cannot listen on {}", settings.listen_address))?;
        Self::build_with_listener(settings, listener).await
    }

    /// Builds the service on a listener bound beforehand (the launcher binds
    /// every service's listener first, so that each knows the others' addresses).
    pub async fn build_with_listener(
        settings: Settings,
        listener: TcpListener,
    ) -> anyhow::Result<Self> {
        let calendar = housing_platform::calendar::load(&settings.calendar_files).await?;
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
        .context("cannot open the eligibility database")?;
        let audit_log = AuditLog::new(database.clone());
        let store = Store::new(database);

        let peers = &settings.peers;
        let registry_channel = lazy_channel(&settings.security, &peers.registry_address)?;
        housing_platform::trust_root::trust_citizen_eds_from_centre(
            &settings.security,
            &CertificationCentreServiceClient::new(registry_channel.clone()),
            crate::SERVICE,
            peers.registry_timeout,
            Some(Arc::clone(&settings.clock)),
        )
        .await?;
        let registry = RegistryClient::new(registry_channel, peers.registry_timeout);
        let evaluation_wakeup = Arc::new(Notify::new());
        let outbox_wakeup = Arc::new(Notify::new());
        let engine = Engine::new(
            store.clone(),
            registry,
            calendar,
            Arc::clone(&settings.clock),
            EngineSettings {
                registry_retry: settings.registry_retry,
                alert_margin: settings.alert_margin,
                hearing: settings.hearing,
            },
            Arc::clone(&evaluation_wakeup),
            Arc::clone(&outbox_wakeup),
        );
        let dispatcher = Dispatcher::new(
            store,
            lazy_channel(&settings.security, &peers.intake_address)?,
            lazy_channel(&settings.security, &peers.notification_address)?,
            settings.outbox,
            peers.peer_timeout,
            Arc::clone(&settings.clock),
        );

        let standard = server::standard_services(&[
            eligibility_service_server::SERVICE_NAME,
            audit_service_server::SERVICE_NAME,
        ])
        .await?;
        let routes = standard
            .routes
            .add_service(
                EligibilityServiceServer::new(EligibilityApi::new(
                    engine.clone(),
                    Auditor::new(audit_log.clone()),
                ))
                .max_decoding_message_size(settings.server_limits.max_message_bytes)
                .max_encoding_message_size(settings.server_limits.max_message_bytes),
            )
            .add_service(
                AuditTrailService::new(audit_log)
                    .into_server()
                    .max_decoding_message_size(settings.server_limits.max_message_bytes)
                    .max_encoding_message_size(settings.server_limits.max_message_bytes),
            );
        let address = server::local_address(&listener)?;
        Ok(Self {
            listener,
            address,
            routes,
            engine,
            dispatcher,
            settings,
            evaluation_wakeup,
            outbox_wakeup,
        })
    }

    /// The address the service listens on, with port 0 resolved.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// The port the service listens on.
    pub fn port(&self) -> u16 {
        self.address.port()
    }

    /// Serves and runs the workers until `shutdown` completes; then stops
    /// taking calls, lets in-flight calls and the workers' current work
    /// finish within the grace period, and closes the database.
    pub async fn run_until_stopped(
        self,
        shutdown: impl Future<Output = ()> + Send,
    ) -> anyhow::Result<()> {
        let (stop_workers, workers_stopped) = watch::channel(false);
        let mut workers = tokio::task::JoinSet::new();
        workers.spawn(run_evaluation_worker(
            self.engine.clone(),
            self.settings.evaluation,
            self.evaluation_wakeup,
            workers_stopped.clone(),
        ));
        workers.spawn(run_lapse_worker(
            self.engine.clone(),
            self.settings.lapse_interval,
            workers_stopped.clone(),
        ));
        workers.spawn(self.dispatcher.run(self.outbox_wakeup, workers_stopped));

        let signal = async move {
            shutdown.await;
            let _ = stop_workers.send(true);
        };
        let served = server::serve(
            self.listener,
            self.routes,
            self.settings.server_limits,
            self.settings.security,
            signal,
            server::DEFAULT_GRACE_PERIOD,
        )
        .await;
        let drained = tokio::time::timeout(server::DEFAULT_GRACE_PERIOD, async {
            while workers.join_next().await.is_some() {}
        })
        .await;
        if drained.is_err() {
            tracing::warn!("grace period over, stopping with background work in flight");
            workers.abort_all();
        }
        self.engine.store().database().close().await;
        served
    }
}

/// A channel to a peer, connected on first use and shared by every call.
fn lazy_channel(security: &Security, address: &str) -> anyhow::Result<Channel> {
    Ok(security
        .endpoint(address)
        .with_context(|| format!("{address} cannot be reached"))?
        .tcp_nodelay(true)
        .connect_lazy())
}
