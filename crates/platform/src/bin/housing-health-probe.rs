//! `housing-health-probe [ADDRESS] [SERVICE]`: asks a service's
//! `grpc.health.v1.Health/Check` and exits 0 only if it answers SERVING.
//! The containers' health check (docker-compose.yml), where no grpcurl is
//! installed. ADDRESS defaults to `127.0.0.1:$HOUSING_HEALTH_PORT`, then to
//! the port of `HOUSING_LISTEN_ADDRESS`; SERVICE defaults to the whole server ("").
//! With the service's `HOUSING_TLS_*` settings in its environment it connects
//! over mutual TLS with the service's own certificate; without them, in
//! plaintext (the insecure loopback mode).

use std::process::ExitCode;
use std::time::Duration;

use tonic_health::pb::HealthCheckRequest;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;

const USAGE: &str = "usage: housing-health-probe [HOST:PORT] [SERVICE]";
const DEADLINE: Duration = Duration::from_secs(3);

fn default_address() -> Option<String> {
    if let Ok(port) = std::env::var("HOUSING_HEALTH_PORT") {
        return Some(format!("127.0.0.1:{}", port.trim()));
    }
    let listen = std::env::var("HOUSING_LISTEN_ADDRESS").ok()?;
    let port = listen.trim().rsplit_once(':')?.1.to_owned();
    Some(format!("127.0.0.1:{port}"))
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let mut arguments = std::env::args().skip(1);
    let address = arguments.next().or_else(default_address);
    let service = arguments.next().unwrap_or_default();
    let (Some(address), None) = (address, arguments.next()) else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    match check(&address, service).await {
        Ok(ServingStatus::Serving) => ExitCode::SUCCESS,
        Ok(status) => {
            eprintln!("{address}: {}", status.as_str_name());
            ExitCode::FAILURE
        }
        Err(problem) => {
            eprintln!("{address}: {problem}");
            ExitCode::FAILURE
        }
    }
}

async fn check(address: &str, service: String) -> Result<ServingStatus, String> {
    let variables = housing_platform::settings::Variables::from_process_environment();
    let security = if variables
        .get(housing_platform::security::TLS_CERT_FILE_VARIABLE)
        .is_some()
    {
        housing_platform::security::Security::from_variables(&variables)
            .map_err(|error| error.to_string())?
    } else {
        housing_platform::security::Security::InsecureLoopback
    };
    let endpoint = security
        .endpoint(&format!("http://{address}"))
        .map_err(|error| error.to_string())?
        .connect_timeout(DEADLINE)
        .timeout(DEADLINE);
    let channel = endpoint
        .connect()
        .await
        .map_err(|error| format!("no connection: {error}"))?;
    let response = HealthClient::new(channel)
        .check(HealthCheckRequest { service })
        .await
        .map_err(|status| format!("{:?}: {}", status.code(), status.message()))?;
    Ok(response.into_inner().status())
}
