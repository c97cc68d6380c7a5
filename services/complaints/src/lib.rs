//! `complaints`: Handles complaints against decisions, actions and inaction of the provider (Chapter 3 of the Rules).
//!
//! A library first: its binary, the all-in-one launcher and the tests all
//! build the service through [`run`].

use std::future::Future;

use housing_platform::server;
use tokio::net::TcpListener;

/// The service's name in logs and traces.
pub const SERVICE: &str = "complaints";

/// Where the service listens unless configured otherwise.
pub const DEFAULT_LISTEN_ADDRESS: &str = "127.0.0.1:50055";

/// Serves the service on `listener` until `shutdown` completes.
pub async fn run(
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send,
) -> anyhow::Result<()> {
    let standard = server::standard_services(&[]).await?;
    server::serve(
        listener,
        standard.routes,
        shutdown,
        server::DEFAULT_GRACE_PERIOD,
    )
    .await
}
