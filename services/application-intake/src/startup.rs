//! Building and running the service: the one way the binary, the dev
//! launcher and the tests start it.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use housing_platform::audit::{AuditTrailService, Auditor};
use housing_platform::limits::Limits;
use housing_platform::security::Security;
use housing_platform::security::revocation::RevocationChecker;
use housing_platform::server;
use housing_platform::trust_root::load_trust_anchors;
use housing_proto::housing::audit::v1::audit_service_server;
use housing_proto::housing::intake::v1::application_intake_service_server::{
    self, ApplicationIntakeServiceServer,
};
use housing_storage::audit::AuditLog;
use housing_storage::{Database, PoolSettings};
use secrecy::ExposeSecret;
use tokio::net::TcpListener;
use tokio::sync::{Notify, watch};
use tokio::task::JoinSet;
use tonic::service::Routes;

use crate::dispatcher::Dispatcher;
use crate::intake::Intake;
use crate::peers::Peers;
use crate::service::IntakeService;
use crate::settings::Settings;
use crate::signature::SignatureChecker;
use crate::storage::{IntakeStore, MIGRATIONS};

/// Room above the largest form for the signature and the request's framing.
const REQUEST_OVERHEAD_BYTES: usize = 256 * 1024;
/// How long the dispatcher may take to finish its deliveries at shutdown.
const DISPATCHER_GRACE_PERIOD: Duration = Duration::from_secs(5);

/// A built service: database migrated, trust root loaded, listener bound.
#[derive(Debug)]
pub struct Application {
    listener: TcpListener,
    address: SocketAddr,
    routes: Routes,
    database: Database,
    dispatcher: Dispatcher,
    server_limits: Limits,
    security: Security,
}

impl Application {
    /// Binds the configured address (port 0 picks a free port; see
    /// [`Application::address`]) and builds the service on it.
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        let listener = server::bind(settings.listen_address)
            .await
            .with_context(|| format!("cannot listen on {}", settings.listen_address))?;
        Self::build_with_listener(settings, listener).await
    }

    /// Builds the service on a listener bound beforehand: the launcher and the
    /// end-to-end tests bind every service's listener first, so that each can
    /// be given the others' addresses. `settings.listen_address` is ignored.
    ///
    /// Opens the database (migrating it), loads the calendar files, prepares
    /// the peers' channels and loads the trusted root (which may wait for the
    /// certification centre to answer).
    pub async fn build_with_listener(
        settings: Settings,
        listener: TcpListener,
    ) -> anyhow::Result<Self> {
        let address = server::local_address(&listener)?;
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
        .context("cannot open the intake database")?;
        let calendar = housing_platform::calendar::load(&settings.calendar_files).await?;
        let peers = Peers::connect_lazily(&settings.peers, &settings.security)?;
        let trust_anchors = load_trust_anchors(
            &settings.trust_root,
            &peers.certification_centre,
            crate::SERVICE,
            peers.call_timeout,
        )
        .await?;
        // Citizens authenticate with EDS keys of the same root, by the same clock.
        settings.security.trust_citizen_eds(
            trust_anchors.clone(),
            Some(Arc::clone(&settings.clock)),
            RevocationChecker::new(
                peers.certification_centre.clone(),
                crate::SERVICE,
                peers.call_timeout,
            ),
        );

        let store = IntakeStore::new(database.clone());
        let outbox_written = Arc::new(Notify::new());
        let intake = Intake::new(
            store.clone(),
            SignatureChecker::new(trust_anchors, peers.clone()),
            Arc::new(calendar),
            Arc::clone(&settings.clock),
            settings.limits,
            Arc::clone(&outbox_written),
        );
        let dispatcher = Dispatcher::new(
            store,
            peers,
            settings.outbox,
            Arc::clone(&settings.clock),
            outbox_written,
        );
        let audit_log = AuditLog::new(database.clone());
        let standard = server::standard_services(&[
            application_intake_service_server::SERVICE_NAME,
            audit_service_server::SERVICE_NAME,
        ])
        .await?;
        // The transport never refuses a form the content checks would accept:
        // an oversize form gets its field violation, not a transport error.
        let server_limits = settings
            .server_limits
            .with_message_bytes_at_least(settings.limits.max_form_bytes + REQUEST_OVERHEAD_BYTES);
        let routes = standard
            .routes
            .add_service(
                ApplicationIntakeServiceServer::new(IntakeService::new(
                    intake,
                    Auditor::new(audit_log.clone()),
                ))
                .max_decoding_message_size(server_limits.max_message_bytes)
                .max_encoding_message_size(server_limits.max_message_bytes),
            )
            .add_service(
                AuditTrailService::new(audit_log)
                    .into_server()
                    .max_decoding_message_size(server_limits.max_message_bytes)
                    .max_encoding_message_size(server_limits.max_message_bytes),
            );
        Ok(Self {
            listener,
            address,
            routes,
            database,
            dispatcher,
            server_limits,
            security: settings.security.clone(),
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

    /// Serves and dispatches the outbox until `shutdown` completes, drains
    /// in-flight calls, lets the dispatcher finish its deliveries and closes
    /// the database. Messages not yet delivered wait in the outbox for the
    /// next start.
    pub async fn run_until_stopped(
        self,
        shutdown: impl Future<Output = ()> + Send,
    ) -> anyhow::Result<()> {
        let (stop_dispatcher, dispatcher_stopped) = watch::channel(false);
        // In a JoinSet, not a detached task: should this future be dropped
        // unfinished (a runtime shutting down, a test's simulated crash), the
        // dispatcher ends with it instead of running on without a server.
        let mut dispatcher = JoinSet::new();
        dispatcher.spawn(self.dispatcher.run(dispatcher_stopped));
        let served = server::serve(
            self.listener,
            self.routes,
            self.server_limits,
            self.security,
            shutdown,
            server::DEFAULT_GRACE_PERIOD,
        )
        .await;
        let _ = stop_dispatcher.send(true);
        if tokio::time::timeout(DISPATCHER_GRACE_PERIOD, dispatcher.join_next())
            .await
            .is_err()
        {
            tracing::warn!("the outbox dispatcher did not stop in time; its messages stay pending");
            dispatcher.abort_all();
        }
        self.database.close().await;
        served
    }
}
