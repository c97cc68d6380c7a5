use housing_platform::telemetry;
use registry_gateway::cli;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let log_format = std::env::var("HOUSING_LOG_FORMAT").ok();
    let _telemetry = telemetry::init(
        registry_gateway::SERVICE,
        telemetry::LogFormat::from_setting(log_format.as_deref()),
    );
    let command = cli::Command::parse(std::env::args().skip(1)).map_err(anyhow::Error::msg)?;
    cli::run(command).await
}
