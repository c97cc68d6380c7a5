use anyhow::Context;
use application_intake::{Application, Settings};
use housing_platform::{server, telemetry};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let log_format = std::env::var("HOUSING_LOG_FORMAT").ok();
    let _telemetry = telemetry::init(
        application_intake::SERVICE,
        telemetry::LogFormat::from_setting(log_format.as_deref()),
    );
    let settings = Settings::from_process_environment().context("invalid settings")?;
    let application = Application::build(settings).await?;
    tracing::info!(address = %application.address(), "listening");
    application
        .run_until_stopped(server::shutdown_signal())
        .await
}
