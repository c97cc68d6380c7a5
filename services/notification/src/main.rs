use anyhow::Context;
use housing_platform::{server, telemetry};
use notification::{Application, Settings};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let log_format = std::env::var("HOUSING_LOG_FORMAT").ok();
    let _telemetry = telemetry::init(
        notification::SERVICE,
        telemetry::LogFormat::from_setting(log_format.as_deref()),
    );
    let settings = Settings::from_process_environment().context("invalid settings")?;
    let application = Application::build(settings).await?;
    tracing::info!(address = %application.address(), "listening");
    application
        .run_until_stopped(server::shutdown_signal())
        .await
}
