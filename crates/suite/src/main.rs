//! `housing-suite start-dev`: every service of the suite in one process, on
//! loopback, with no external server. Ctrl-C stops them all, each draining
//! its in-flight calls.

use std::net::SocketAddr;

use anyhow::Context;
use housing_platform::{server, telemetry};
use tokio::sync::watch;

const USAGE: &str = "usage: housing-suite start-dev";

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let command = std::env::args().nth(1);
    if command.as_deref() != Some("start-dev") {
        anyhow::bail!(USAGE);
    }
    let log_format = std::env::var("HOUSING_LOG_FORMAT").ok();
    telemetry::init(
        "housing-suite",
        telemetry::LogFormat::from_setting(log_format.as_deref()),
    );

    let (stop, stopped) = watch::channel(false);
    let shutdown = move || {
        let mut stopped = stopped.clone();
        async move {
            let _ = stopped.wait_for(|stop| *stop).await;
        }
    };

    let mut services = tokio::task::JoinSet::new();
    let mut lines = Vec::new();
    macro_rules! start {
        ($service:ident) => {{
            let address: SocketAddr = $service::DEFAULT_LISTEN_ADDRESS.parse()?;
            let listener = server::bind(address)
                .await
                .with_context(|| format!("{} cannot listen on {address}", $service::SERVICE))?;
            lines.push(format!(
                "  {:<26} {}",
                $service::SERVICE,
                server::local_address(&listener)?
            ));
            services.spawn($service::run(listener, shutdown()));
        }};
    }
    start!(registry_gateway);
    start!(eligibility_verification);
    start!(notification);
    start!(application_intake);
    start!(complaints);

    println!("Housing Provision Center suite (development mode, loopback only)\n");
    println!("services:");
    for line in &lines {
        println!("{line}");
    }
    println!("\nhealth: grpcurl -plaintext 127.0.0.1:50051 grpc.health.v1.Health/Check");
    println!("Ctrl-C stops everything.");

    server::shutdown_signal().await;
    let _ = stop.send(true);
    while let Some(result) = services.join_next().await {
        result.context("a service panicked")??;
    }
    tracing::info!("all services stopped");
    Ok(())
}
