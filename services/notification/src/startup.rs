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
use housing_platform::server;
use housing_proto::housing::audit::v1::audit_service_server;
use housing_proto::housing::notification::v1::notification_service_server::{
    self, NotificationServiceServer,
};
use housing_proto::housing::registry::v1::certification_centre_service_client::CertificationCentreServiceClient;
use housing_storage::audit::AuditLog;
use housing_storage::{Database, PoolSettings};
use secrecy::ExposeSecret;
use tokio::net::TcpListener;
use tokio::sync::{Notify, oneshot};
use tonic::service::Routes;

use crate::api::{ApiState, NotificationApi};
use crate::delivery::{DeliveryContext, DeliveryWorker};
use crate::mobile_citizens::MobileCitizenDirectory;
use crate::providers::{BuiltInOutbox, EmailProvider, ProviderSetup, SmsProvider};
use crate::settings::Settings;
use crate::storage::{MIGRATIONS, NotificationStore};
use crate::templates::TemplateCatalogue;

/// A built service: database migrated, templates loaded, listener bound.
#[derive(Debug)]
pub struct Application {
    listener: TcpListener,
    address: SocketAddr,
    routes: Routes,
    database: Database,
    worker: DeliveryWorker,
    shutdown_grace: Duration,
    server_limits: Limits,
    security: Security,
}

impl Application {
    /// Binds `settings.listen_address` (port 0 picks a free port) and builds
    /// the service with the built-in adapters.
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        let listener = server::bind(settings.listen_address)
            .await
            .with_context(|| format!("cannot listen on {}", settings.listen_address))?;
        Self::build_with_listener(settings, listener).await
    }

    /// Builds the service on a listener bound by the caller (the dev launcher
    /// binds every service's listener first), with the built-in adapters.
    pub async fn build_with_listener(
        settings: Settings,
        listener: TcpListener,
    ) -> anyhow::Result<Self> {
        Self::build_with_providers(settings, listener, ProviderSetup::built_in()).await
    }

    /// Builds the service with the given adapters: real operators', or the
    /// built-in ones with a failure script.
    pub async fn build_with_providers(
        settings: Settings,
        listener: TcpListener,
        providers: ProviderSetup,
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
        .context("cannot open the notification database")?;
        let store = NotificationStore::new(database.clone());
        let catalogue =
            Arc::new(TemplateCatalogue::embedded().context("the embedded templates are invalid")?);
        let registry_channel =
            MobileCitizenDirectory::channel(&settings.registry, &settings.security)
                .context("cannot set up the registry-gateway client")?;
        let directory = MobileCitizenDirectory::new(registry_channel.clone(), &settings.registry);
        // Citizens read their notices: in the mutual-TLS mode they
        // authenticate with their EDS, whose root the certification centre gives.
        housing_platform::trust_root::trust_citizen_eds_from_centre(
            &settings.security,
            &CertificationCentreServiceClient::new(registry_channel),
            crate::SERVICE,
            settings.registry.timeout,
            None,
        )
        .await?;
        let (sms, email): (Arc<dyn SmsProvider>, Arc<dyn EmailProvider>) = match providers {
            ProviderSetup::BuiltIn(script) => {
                let outbox = Arc::new(BuiltInOutbox::new(store.clone(), script));
                (outbox.clone(), outbox)
            }
            ProviderSetup::External { sms, email } => (sms, email),
        };
        let wake_worker = Arc::new(Notify::new());
        let worker = DeliveryWorker::new(
            DeliveryContext {
                store: store.clone(),
                directory: directory.clone(),
                sms,
                email,
                settings: settings.delivery,
            },
            Arc::clone(&wake_worker),
        );
        let api = NotificationApi::new(ApiState {
            store,
            catalogue,
            directory,
            retry: settings.delivery.retry,
            wake_worker,
            auditor: Auditor::new(AuditLog::new(database.clone())),
        });
        let standard = server::standard_services(&[
            notification_service_server::SERVICE_NAME,
            audit_service_server::SERVICE_NAME,
        ])
        .await?;
        let routes = standard
            .routes
            .add_service(
                NotificationServiceServer::new(api)
                    .max_decoding_message_size(settings.server_limits.max_message_bytes)
                    .max_encoding_message_size(settings.server_limits.max_message_bytes),
            )
            .add_service(
                AuditTrailService::new(AuditLog::new(database.clone()))
                    .into_server()
                    .max_decoding_message_size(settings.server_limits.max_message_bytes)
                    .max_encoding_message_size(settings.server_limits.max_message_bytes),
            );
        let address = server::local_address(&listener)?;
        Ok(Self {
            listener,
            address,
            routes,
            database,
            worker,
            shutdown_grace: settings.shutdown_grace,
            server_limits: settings.server_limits,
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

    /// Serves and delivers until `shutdown` completes; then drains in-flight
    /// calls, lets the worker finish its attempts (both within the grace
    /// period) and closes the database. Dropping the returned future — a crash,
    /// as tests simulate one — stops the worker where it is: deliveries it had
    /// taken stay SENDING until the sweeper takes them back.
    pub async fn run_until_stopped(
        self,
        shutdown: impl Future<Output = ()> + Send,
    ) -> anyhow::Result<()> {
        let (stop_worker, worker_stopped) = oneshot::channel::<()>();
        let worker_shutdown = async move {
            let _ = worker_stopped.await;
        };
        // In a JoinSet so that the worker dies with this future if it is dropped.
        let mut worker = tokio::task::JoinSet::new();
        worker.spawn(self.worker.run(worker_shutdown, self.shutdown_grace));

        let served = server::serve(
            self.listener,
            self.routes,
            self.server_limits,
            self.security,
            shutdown,
            self.shutdown_grace,
        )
        .await;
        let _ = stop_worker.send(());
        while let Some(finished) = worker.join_next().await {
            if let Err(error) = finished {
                tracing::error!(error = %error, "the delivery worker failed");
            }
        }
        self.database.close().await;
        served
    }
}
