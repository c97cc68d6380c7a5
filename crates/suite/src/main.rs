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
//!
//! Unless the environment chooses a security mode, the launcher runs the
//! services in the insecure loopback mode (`HOUSING_INSECURE_LOOPBACK=true`,
//! docs/security.md) and says so in its banner and in every service's log.
//! `HOUSING_PKI_DIR=deploy/dev-pki` (after `scripts/dev-pki.sh`) runs them in
//! the mutual-TLS mode instead, each with its own certificate; demo-submit
//! then connects with `operator-console`'s and authenticates the citizen
//! with their EDS.
//!
//! `housing-suite demo-submit Dnn` files the demo dataset's application of
//! `Dnn` (docs/demo-dataset.md) against a running suite, as the citizen who
//! files it: the test PKI issues them a signing certificate, the form is
//! signed and submitted to intake, and the application's name is printed,
//! ready for the operators' grpcurl commands (docs/operators.md).

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context;
use housing_platform::settings::Variables;
use housing_platform::{security, server, telemetry};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinSet;

const USAGE: &str = "usage: housing-suite start-dev | housing-suite demo-submit <Dnn>";

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut arguments = std::env::args().skip(1);
    match (
        arguments.next().as_deref(),
        arguments.next(),
        arguments.next(),
    ) {
        (Some("start-dev"), None, None) => start_dev().await,
        (Some("demo-submit"), Some(number), None) => demo_submit(&number).await,
        _ => anyhow::bail!(USAGE),
    }
}

/// Files the demo application of `number` against the suite on its default addresses.
async fn demo_submit(number: &str) -> anyhow::Result<()> {
    use housing_proto::housing::common::v1 as common;
    use housing_proto::housing::intake::v1 as intake;
    use housing_proto::housing::intake::v1::application_intake_service_client::ApplicationIntakeServiceClient;
    use housing_proto::housing::registry::v1 as registry;
    use housing_proto::housing::registry::v1::certification_centre_service_client::CertificationCentreServiceClient;
    use prost::Message;

    let demo = housing_suite::demo::find(number)
        .with_context(|| format!("{number} is not an application of the demo dataset"))?;
    let filer = demo.filer();
    let now = chrono::Utc::now();
    let timestamp = |instant: chrono::DateTime<chrono::Utc>| prost_types::Timestamp {
        seconds: instant.timestamp(),
        nanos: 0,
    };
    let environment = Variables::from_process_environment();
    let security = client_security(&environment)?;
    let centre_address = format!("http://{}", registry_gateway::DEFAULT_LISTEN_ADDRESS);
    let mut centre = CertificationCentreServiceClient::new(
        security
            .endpoint(&centre_address)?
            .connect()
            .await
            .with_context(|| {
                format!("the certification centre at {centre_address} does not answer")
            })?,
    );
    let issue = |purpose: registry::KeyPurpose| registry::IssueCertificateRequest {
        iin: filer.clone(),
        common_name: "DEMO PERSON".to_owned(),
        purpose: purpose as i32,
        not_before: Some(timestamp(now - chrono::TimeDelta::days(1))),
        not_after: Some(timestamp(now + chrono::TimeDelta::days(365))),
    };
    let key = centre
        .issue_certificate(issue(registry::KeyPurpose::Signing))
        .await
        .context("the certification centre issues no signing certificate")?
        .into_inner();
    let content = demo.form().encode_to_vec();
    let cms_signature = housing_eds::sign_detached(
        &content,
        &key.certificate_der,
        &key.private_key_pkcs8_der,
        now - chrono::TimeDelta::minutes(1),
    )
    .context("the test key cannot sign")?;
    let intake_address = format!("http://{}", application_intake::DEFAULT_LISTEN_ADDRESS);
    let mut request = tonic::Request::new(intake::SubmitApplicationRequest {
        request_id: uuid::Uuid::new_v4().to_string(),
        signed_form: Some(common::SignedDocument {
            content,
            cms_signature,
        }),
    });
    housing_platform::caller::Caller::citizen(
        housing_domain::Iin::parse(&filer).context("the demo filer's IIN")?,
    )
    .attach(request.metadata_mut());
    if !security.is_insecure() {
        // The citizen proves who they are with their EDS authentication key.
        let authentication = centre
            .issue_certificate(issue(registry::KeyPurpose::Authentication))
            .await
            .context("the certification centre issues no authentication certificate")?
            .into_inner();
        let authorization = security::authentication::eds_authorization(
            &authentication.certificate_der,
            &authentication.private_key_pkcs8_der,
            now - chrono::TimeDelta::seconds(5),
        )
        .context("the test key cannot sign")?;
        request
            .metadata_mut()
            .insert("authorization", authorization.parse()?);
    }
    let application = ApplicationIntakeServiceClient::new(
        security
            .endpoint(&intake_address)?
            .connect()
            .await
            .with_context(|| format!("application-intake at {intake_address} does not answer"))?,
    )
    .submit_application(request)
    .await
    .map_err(|status| anyhow::anyhow!("intake refused: {:?} {}", status.code(), status.message()))?
    .into_inner()
    .application
    .context("intake answered without an application")?;
    // The name alone, on standard output, so that scripts can use it.
    println!("{}", application.name);
    Ok(())
}

async fn start_dev() -> anyhow::Result<()> {
    let log_format = std::env::var("HOUSING_LOG_FORMAT").ok();
    let _telemetry = telemetry::init(
        "housing-suite",
        telemetry::LogFormat::from_setting(log_format.as_deref()),
    );

    let environment = Variables::from_process_environment();
    let insecure = service_variables(&environment, registry_gateway::SERVICE)
        .get(security::INSECURE_LOOPBACK_VARIABLE)
        .is_some_and(|value| value.trim() == "true");

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
        registry_gateway::Settings::from_variables(service_variables(
            &environment,
            registry_gateway::SERVICE,
        ))
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
        notification::Settings::from_variables(service_variables(
            &environment,
            notification::SERVICE,
        ))
        .context("notification settings")?,
        notification_listener,
    )
    .await
    .context("notification cannot start")?;
    lines.push(listening(notification::SERVICE, notification.address()));
    services.spawn(notification.run_until_stopped(shutdown()));

    let eligibility = eligibility_verification::Application::build_with_listener(
        eligibility_verification::Settings::from_variables(service_variables(
            &environment,
            eligibility_verification::SERVICE,
        ))
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
    let intake_settings = application_intake::Settings::from_variables(service_variables(
        &environment,
        application_intake::SERVICE,
    ))
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
        complaints::Settings::from_variables(service_variables(&environment, complaints::SERVICE))
            .context("complaints settings")?;
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

    print_banner(&lines, insecure);
    wait_for_shutdown_or_failure(&mut services).await?;
    let _ = stop.send(true);
    while let Some(result) = services.join_next().await {
        result.context("a service panicked")??;
    }
    tracing::info!("all services stopped");
    Ok(())
}

/// Names a development PKI directory (`scripts/dev-pki.sh`): start-dev then
/// runs every service in the mutual-TLS mode with its own certificate, and
/// demo-submit connects with `operator-console`'s.
const PKI_DIR_VARIABLE: &str = "HOUSING_PKI_DIR";

/// The settings of `service`: the environment, plus its security mode.
/// With `HOUSING_PKI_DIR`, its certificate, key, the CA and the token key of
/// that directory; otherwise the one development setting
/// (`HOUSING_INSECURE_LOOPBACK=true`) unless the environment chooses a mode
/// itself (the variable, or `HOUSING_TLS_*` files).
fn service_variables(environment: &Variables, service: &str) -> Variables {
    let chosen = environment
        .get(security::INSECURE_LOOPBACK_VARIABLE)
        .is_some()
        || environment.get(security::TLS_CERT_FILE_VARIABLE).is_some();
    let pki = environment.get(PKI_DIR_VARIABLE).map(PathBuf::from);
    let mut variables: Vec<(String, String)> = environment
        .clone()
        .into_iter()
        .filter(|(name, _)| name != PKI_DIR_VARIABLE)
        .collect();
    match pki {
        Some(directory) => variables.extend(security::dev_pki_variables(&directory, service)),
        None if !chosen => variables.push((
            security::INSECURE_LOOPBACK_VARIABLE.to_owned(),
            "true".to_owned(),
        )),
        None => {}
    }
    variables.into_iter().collect()
}

/// How demo-submit connects: with `operator-console`'s certificate of the
/// `HOUSING_PKI_DIR` PKI, or in plaintext to a suite on loopback.
fn client_security(environment: &Variables) -> anyhow::Result<security::Security> {
    let Some(directory) = environment.get(PKI_DIR_VARIABLE).map(PathBuf::from) else {
        return Ok(security::Security::InsecureLoopback);
    };
    let variables: Variables = security::dev_pki_variables(&directory, "operator-console")
        .into_iter()
        .collect();
    Ok(security::Security::from_variables(&variables)?)
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

fn print_banner(lines: &[String], insecure: bool) {
    println!("Housing Provision Center suite (development mode, loopback only)\n");
    if insecure {
        println!(
            "!! INSECURE: {}=true: plaintext on loopback, callers' identities as they declare",
            security::INSECURE_LOOPBACK_VARIABLE
        );
        println!("!! them (x-caller-* metadata). Development only; never with real data.");
        println!("!! Mutual TLS, staff tokens and EDS authentication: docs/security.md\n");
    }
    println!(
        "storage: SQLite files under ./data/ (unless HOUSING_<SERVICE>_DATABASE_URL says otherwise)"
    );
    println!("services:");
    for line in lines {
        println!("{line}");
    }
    if insecure {
        println!("\nhealth: grpcurl -plaintext 127.0.0.1:50051 grpc.health.v1.Health/Check");
        println!("a demo application (docs/demo-dataset.md), then its decision:");
        println!("  APP=$(cargo run -q -p housing-suite -- demo-submit D14)");
        println!(
            "  grpcurl -plaintext -H 'x-caller-role: operator' -H 'x-caller-id: operator-1' \\\n    \
             -d \"{{\\\"name\\\": \\\"$APP\\\"}}\" 127.0.0.1:50051 \\\n    \
             housing.intake.v1.ApplicationIntakeService/GetApplication"
        );
    } else {
        println!("\nmutual TLS with the development PKI of {PKI_DIR_VARIABLE} (docs/security.md):");
        println!(
            "  P=${PKI_DIR_VARIABLE}; grpcurl -cacert $P/ca.pem -cert $P/operator-console.pem \\\n    \
             -key $P/operator-console.key 127.0.0.1:50051 grpc.health.v1.Health/Check"
        );
        println!(
            "  staff tokens: cargo run -q -p housing-platform --bin housing-token -- \\\n    \
             $P/token-signing.key operator operator-1"
        );
    }
    println!("operators' tasks: docs/operators.md");
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
