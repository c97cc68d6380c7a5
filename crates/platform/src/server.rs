//! The gRPC server every service runs: its own services plus the standard
//! ones (grpc.health.v1 and server reflection, v1 and v1alpha so that every
//! grpcurl finds it), served until a shutdown signal, then drained within a
//! bounded grace period.

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::time::Duration;

use tokio::net::TcpListener;
use tonic::service::Routes;
use tonic::transport::Server;
use tonic::transport::server::TcpIncoming;
use tonic_health::ServingStatus;
use tonic_health::server::HealthReporter;

use crate::gate::GateLayer;
use crate::limits::Limits;
use crate::security::Security;
use crate::security::authentication::AuthenticationLayer;

/// How long in-flight calls may run after a shutdown signal before the server stops anyway.
pub const DEFAULT_GRACE_PERIOD: Duration = Duration::from_secs(10);

/// Binds a listener. Port 0 asks the system for a free port (tests use it).
pub async fn bind(address: SocketAddr) -> io::Result<TcpListener> {
    TcpListener::bind(address).await
}

/// The standard services, ready to have a service's own added.
#[derive(Debug)]
pub struct StandardServices {
    /// Reports SERVING / NOT_SERVING per service name on grpc.health.v1.
    pub health: HealthReporter,
    /// Health and reflection; add the service's own with [`Routes::add_service`].
    pub routes: Routes,
}

/// Builds health and reflection for a service whose gRPC services are
/// `service_names` (full names, e.g. `housing.intake.v1.ApplicationIntakeService`).
/// Reflection lists exactly those services and health, and each is reported
/// SERVING, as is the server as a whole (the empty name).
pub async fn standard_services(service_names: &[&str]) -> anyhow::Result<StandardServices> {
    let (health, health_service) = tonic_health::server::health_reporter();
    health.set_service_status("", ServingStatus::Serving).await;
    for name in service_names {
        health
            .set_service_status(*name, ServingStatus::Serving)
            .await;
    }

    let configure = || {
        let mut builder = tonic_reflection::server::Builder::configure()
            .register_encoded_file_descriptor_set(housing_proto::FILE_DESCRIPTOR_SET)
            .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
            // google.rpc.ErrorInfo and BadRequest, so that grpcurl shows error details.
            .register_encoded_file_descriptor_set(tonic_types::pb::FILE_DESCRIPTOR_SET)
            .with_service_name("grpc.health.v1.Health");
        for name in service_names {
            builder = builder.with_service_name(*name);
        }
        builder
    };
    let reflection_v1 = configure().build_v1()?;
    let reflection_v1alpha = configure().build_v1alpha()?;

    let routes = Routes::new(health_service)
        .add_service(reflection_v1)
        .add_service(reflection_v1alpha);
    Ok(StandardServices { health, routes })
}

/// Serves `routes` on `listener` until `shutdown` completes, then stops
/// accepting and lets in-flight calls finish for at most `grace_period`.
/// Connections are secured and callers established as `security` says
/// ([`crate::security`]); the insecure mode refuses a non-loopback listener.
/// Every call runs under `limits` ([`crate::limits`]: deadline, concurrency,
/// per-caller rate; the message size is set on each generated server).
pub async fn serve(
    listener: TcpListener,
    routes: Routes,
    limits: Limits,
    security: Security,
    shutdown: impl Future<Output = ()> + Send,
    grace_period: Duration,
) -> anyhow::Result<()> {
    security.check_listen_address(listener.local_addr()?.ip())?;
    security.announce();
    let (shutdown_started, shutdown_observed) = tokio::sync::oneshot::channel::<()>();
    let signal = async move {
        shutdown.await;
        tracing::info!("shutdown requested, draining in-flight calls");
        let _ = shutdown_started.send(());
    };
    let mut builder = Server::builder();
    if let Some(tls) = security.server_tls() {
        builder = builder.tls_config(tls)?;
    }
    let server = builder
        // One span per call, child of the caller's W3C trace context.
        .trace_fn(crate::telemetry::request_span)
        // Who is calling, proven in the mutual-TLS mode, before anything else runs.
        .layer(GateLayer::new(AuthenticationLayer::new(security)))
        // Deadline, concurrency and per-caller rate.
        .layer(limits.layer())
        // Who may call what (crate::authorization), before any handler runs.
        .layer(GateLayer::new(crate::authorization::AuthorizationLayer))
        .add_routes(routes)
        // TCP_NODELAY: without it Nagle's algorithm meets the client's delayed
        // ACK and a lone unary call waits ~40 ms for its answer to leave.
        .serve_with_incoming_shutdown(TcpIncoming::from(listener).with_nodelay(Some(true)), signal);
    tokio::pin!(server);
    let grace_expired = async {
        if shutdown_observed.await.is_ok() {
            tokio::time::sleep(grace_period).await;
        } else {
            // The server ended on its own; never fire.
            std::future::pending::<()>().await;
        }
    };
    tokio::select! {
        served = &mut server => served.map_err(anyhow::Error::from),
        () = grace_expired => {
            tracing::warn!(grace_period_ms = grace_period.as_millis(), "grace period over, stopping with calls in flight");
            Ok(())
        }
    }
}

/// Completes on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::error!(%error, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::error!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
}

/// The address a bound listener ended up on (port 0 resolved).
pub fn local_address(listener: &TcpListener) -> io::Result<SocketAddr> {
    listener.local_addr()
}
