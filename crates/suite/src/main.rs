//! `housing-suite start-dev`: every service of the suite in one process, on
//! loopback, with no external server. Ctrl-C stops them all, each draining
//! its in-flight calls.
//!
//! Each service takes its settings from the environment as it would alone
//! (its `HOUSING_<SERVICE>_*` variables; see docs/), except that the launcher
//! chooses the listen addresses: the defaults 127.0.0.1:50051–50055. Every
//! database is an SQLite file under `./data/` unless configured otherwise;
//! registry-gateway loads the demo dataset into its database on first start.
//! A restart keeps the data.

use std::net::SocketAddr;

use anyhow::Context;
use housing_platform::{server, telemetry};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinSet;

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

    // Every listener is bound before any service is built: intake and
    // eligibility call each other, and a port already taken should stop the
    // launcher before anything has started.
    let gateway_listener = bind(
        registry_gateway::SERVICE,
        registry_gateway::DEFAULT_LISTEN_ADDRESS,
    )
    .await?;
    let notification_listener =
        bind(notification::SERVICE, notification::DEFAULT_LISTEN_ADDRESS).await?;
    let eligibility_listener = bind(
        eligibility_verification::SERVICE,
        eligibility_verification::DEFAULT_LISTEN_ADDRESS,
    )
    .await?;
    let intake_listener = bind(
        application_intake::SERVICE,
        application_intake::DEFAULT_LISTEN_ADDRESS,
    )
    .await?;
    let complaints_listener = bind(complaints::SERVICE, complaints::DEFAULT_LISTEN_ADDRESS).await?;

    let (stop, stopped) = watch::channel(false);
    let shutdown = move || {
        let mut stopped = stopped.clone();
        async move {
            let _ = stopped.wait_for(|stop| *stop).await;
        }
    };
    let mut services = JoinSet::new();
    let mut lines = Vec::new();

    let gateway = registry_gateway::Application::build_with_listener(
        registry_gateway::Settings::from_process_environment()
            .context("registry-gateway settings")?,
        gateway_listener,
    )
    .await
    .context("registry-gateway cannot start")?;
    lines.push(listening(registry_gateway::SERVICE, gateway.address()));
    for fixture in gateway.fixtures() {
        let loaded = if fixture.skipped {
            "already loaded".to_owned()
        } else {
            format!("{} persons loaded", fixture.persons)
        };
        lines.push(format!("  {:<26} fixture {}: {loaded}", "", fixture.source));
    }
    services.spawn(gateway.run_until_stopped(shutdown()));

    let notification = notification::Application::build_with_listener(
        notification::Settings::from_process_environment().context("notification settings")?,
        notification_listener,
    )
    .await
    .context("notification cannot start")?;
    lines.push(listening(notification::SERVICE, notification.address()));
    services.spawn(notification.run_until_stopped(shutdown()));

    let eligibility = eligibility_verification::Application::build_with_listener(
        eligibility_verification::Settings::from_process_environment()
            .context("eligibility-verification settings")?,
        eligibility_listener,
    )
    .await
    .context("eligibility-verification cannot start")?;
    lines.push(listening(
        eligibility_verification::SERVICE,
        eligibility.address(),
    ));
    services.spawn(eligibility.run_until_stopped(shutdown()));

    // Intake's build asks the certification centre (served above) for the
    // trusted root, so it is built in its own task.
    let intake_settings = application_intake::Settings::from_process_environment()
        .context("application-intake settings")?;
    lines.push(listening(
        application_intake::SERVICE,
        server::local_address(&intake_listener)?,
    ));
    let intake_shutdown = shutdown();
    services.spawn(async move {
        application_intake::Application::build_with_listener(intake_settings, intake_listener)
            .await
            .context("application-intake cannot start")?
            .run_until_stopped(intake_shutdown)
            .await
    });

    // Complaints also asks the certification centre for the trusted root.
    let complaints_settings =
        complaints::Settings::from_process_environment().context("complaints settings")?;
    lines.push(listening(
        complaints::SERVICE,
        server::local_address(&complaints_listener)?,
    ));
    let complaints_shutdown = shutdown();
    services.spawn(async move {
        complaints::Application::build_with_listener(complaints_settings, complaints_listener)
            .await
            .context("complaints cannot start")?
            .run_until_stopped(complaints_shutdown)
            .await
    });

    print_banner(&lines);
    wait_for_shutdown_or_failure(&mut services).await?;
    let _ = stop.send(true);
    while let Some(result) = services.join_next().await {
        result.context("a service panicked")??;
    }
    tracing::info!("all services stopped");
    Ok(())
}

async fn bind(service: &str, address: &str) -> anyhow::Result<TcpListener> {
    let address: SocketAddr = address.parse()?;
    server::bind(address)
        .await
        .with_context(|| format!("{service} cannot listen on {address}"))
}

fn listening(service: &str, address: SocketAddr) -> String {
    format!("  {service:<26} {address}")
}

fn print_banner(lines: &[String]) {
    println!("Housing Provision Center suite (development mode, loopback only)\n");
    println!(
        "storage: SQLite files under ./data/ (unless HOUSING_<SERVICE>_DATABASE_URL says otherwise)"
    );
    println!("services:");
    for line in lines {
        println!("{line}");
    }
    println!("\nhealth: grpcurl -plaintext 127.0.0.1:50051 grpc.health.v1.Health/Check");
    println!("Ctrl-C stops everything.");
}

/// Waits for Ctrl-C or SIGTERM; a service that stops on its own before that
/// (it failed to start, or failed while running) stops the launcher with its error.
async fn wait_for_shutdown_or_failure(
    services: &mut JoinSet<anyhow::Result<()>>,
) -> anyhow::Result<()> {
    tokio::select! {
        () = server::shutdown_signal() => Ok(()),
        Some(ended) = services.join_next() => {
            ended.context("a service panicked")??;
            anyhow::bail!("a service stopped on its own")
        }
    }
}
