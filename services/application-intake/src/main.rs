use anyhow::Context;
use housing_platform::{server, telemetry};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let log_format = std::env::var("HOUSING_LOG_FORMAT").ok();
    telemetry::init(
        application_intake::SERVICE,
        telemetry::LogFormat::from_setting(log_format.as_deref()),
    );
    let address = std::env::var("HOUSING_LISTEN_ADDRESS")
        .unwrap_or_else(|_| application_intake::DEFAULT_LISTEN_ADDRESS.to_owned())
        .parse()
        .context("HOUSING_LISTEN_ADDRESS is not a socket address")?;
    let listener = server::bind(address)
        .await
        .with_context(|| format!("cannot listen on {address}"))?;
    tracing::info!(address = %server::local_address(&listener)?, "listening");
    application_intake::run(listener, server::shutdown_signal()).await
}
