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
use housing_proto::housing::complaints::v1::complaints_service_server::{
    self, ComplaintsServiceServer,
};
use housing_storage::audit::AuditLog;
use housing_storage::{Database, PoolSettings};
use secrecy::ExposeSecret;
use tokio::net::TcpListener;
use tokio::sync::{Notify, watch};
use tokio::task::JoinSet;
use tonic::service::Routes;

use crate::core::Core;
use crate::dispatcher::Dispatcher;
use crate::peers::Peers;
use crate::service::ComplaintsApi;
use crate::settings::Settings;
use crate::signature::SignatureChecker;
use crate::storage::{ComplaintStore, MIGRATIONS};

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
    /// Binds the configured address (port 0 picks a free port) and builds the service.
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        let listener = server::bind(settings.listen_address)
            .await
            .with_context(|| format!("cannot listen on {}", settings.listen_address))?;
        Self::build_with_listener(settings, listener).await
    }

    /// Builds the service on a listener bound beforehand (the launcher and the
    /// end-to-end tests bind every listener first). Opens and migrates the
    /// database, loads the calendar, prepares the peers' channels and loads
    /// the trusted root (which may wait for the certification centre).
    pub async fn build_with_listener(
        settings: Settings,
        listener: TcpListener,
    ) -> anyhow::Result<Self> {
        let address = server::local_address(&listener)?;
        let database = Database::connect(
            settings.database.url.expose_secret(),
            &MIGRATIONS,
            &PoolSettings {
                max_connections: settings.database.max_connections,
                ..PoolSettings::default()
            },
        )
        .await
        .context("cannot open the complaints database")?;
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
        let store = ComplaintStore::new(database.clone());
        let outbox_written = Arc::new(Notify::new());
        let core = Core {
            store: store.clone(),
            signatures: SignatureChecker::new(trust_anchors, &peers),
            peers: peers.clone(),
            calendar: Arc::new(calendar),
            clock: Arc::clone(&settings.clock),
            max_form_bytes: settings.max_form_bytes,
            due_soon_working_days: settings.due_soon_working_days,
            outbox_written: Arc::clone(&outbox_written),
            auditor: Auditor::new(AuditLog::new(database.clone())),
        };
        let dispatcher = Dispatcher::new(store, peers, settings.outbox, outbox_written);
        let standard = server::standard_services(&[
            complaints_service_server::SERVICE_NAME,
            audit_service_server::SERVICE_NAME,
        ])
        .await?;
        // The transport never refuses a complaint the content check would accept.
        let server_limits = settings
            .server_limits
            .with_message_bytes_at_least(settings.max_form_bytes + REQUEST_OVERHEAD_BYTES);
        let routes = standard
            .routes
            .add_service(
                ComplaintsServiceServer::new(ComplaintsApi::new(core))
                    .max_decoding_message_size(server_limits.max_message_bytes)
                    .max_encoding_message_size(server_limits.max_message_bytes),
            )
            .add_service(
                AuditTrailService::new(AuditLog::new(database.clone()))
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

    /// Serves and dispatches the outbox until `shutdown` completes, drains
    /// in-flight calls, lets the dispatcher finish and closes the database.
    /// Messages not yet delivered wait in the outbox for the next start.
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
