//! The suite as docker-compose.yml deploys it: each service in its own
//! container, PostgreSQL, the images `deploy/images.sh` provides. Driven from
//! outside through the public contracts only, on the ports the stack
//! publishes on 127.0.0.1.
//!
//! One test, in phases, on one stack (project `housing-e2e`, its volumes
//! removed before and after):
//! 1. the stack comes up and every service answers grpc.health.v1 SERVING;
//! 2. a government system in another language (the Python grpcio client of
//!    tests/python/client.py, generated from proto/) files D01 and reads the
//!    registration back;
//! 3. every other scenario of the demo dataset, filed concurrently by the
//!    Rust client, comes to its documented outcome (docs/demo-dataset.md);
//! 4. eligibility-verification is killed mid-flow: an application filed
//!    meanwhile waits at intake and is decided once it is started again;
//! 5. notification is stopped mid-flow: the decision is made, and the notice
//!    reaches the personal account once it is started again;
//! 6. no IIN, name or phone number of the demo dataset is in any container's log.
//!
//! The stack's business clock is shifted to the demo's day
//! (`HOUSING_BUSINESS_CLOCK_SHIFT_SECONDS`), as the in-process suite's is.
//!
//! Left out of a plain `cargo test` (it needs Docker and the images): the
//! test target requires the `compose` feature. `scripts/test.sh` builds the
//! images (`deploy/images.sh --prebuilt`) and runs it with `--features compose`. `HOUSING_COMPOSE` names the compose command (default:
//! `docker compose` if the plugin is there, else `docker-compose`).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use chrono::{TimeDelta, Utc};
use housing_e2e_tests::credentials::write_dev_pki;
use housing_e2e_tests::demo::{
    DemoApplication, application_of, check_outcome, citizen, demo_start, eventually,
    file_and_check, personal_values, submit,
};
use housing_e2e_tests::{Credentials, Endpoints};
use housing_proto::housing::intake::v1 as intake;
use tokio::task::JoinSet;

const PROJECT: &str = "housing-e2e";
/// intake, eligibility, registry-gateway, notification, complaints.
const PORTS: [u16; 5] = [50051, 50052, 50053, 50054, 50055];
const SERVICES: [&str; 5] = [
    "application-intake",
    "eligibility-verification",
    "registry-gateway",
    "notification",
    "complaints",
];
/// Filed by the Python client.
const PYTHON_SCENARIO: &str = "D01";
/// Filed while eligibility-verification is down.
const ELIGIBILITY_DOWN_SCENARIO: &str = "D15";
/// Filed while notification is down.
const NOTIFICATION_DOWN_SCENARIO: &str = "D37";
/// Every other documented application (tests/tests/demo_outcomes.rs has each alone).
const SCENARIOS: [&str; 26] = [
    "D05", "D06", "D07", "D08", "D10", "D11", "D12", "D13", "D14", "D16", "D18", "D19", "D20",
    "D21", "D22", "D23", "D24", "D26", "D28", "D29", "D30", "D31", "D33", "D34", "D35", "D42",
];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The compose command: `HOUSING_COMPOSE`, or the Docker plugin, or the standalone tool.
fn compose_program() -> Vec<String> {
    if let Ok(named) = std::env::var("HOUSING_COMPOSE") {
        return named.split_whitespace().map(str::to_owned).collect();
    }
    let plugin = Command::new("docker")
        .args(["compose", "version"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success());
    if plugin {
        vec!["docker".to_owned(), "compose".to_owned()]
    } else {
        vec!["docker-compose".to_owned()]
    }
}

/// The stack of this test; taken down, volumes and all, when dropped.
struct Stack {
    program: Vec<String>,
    clock_shift: TimeDelta,
    /// The development PKI the stack's mutual TLS runs on (HOUSING_PKI_DIR).
    pki: tempfile::TempDir,
    credentials: Credentials,
}

impl Stack {
    fn command(&self, arguments: &[&str]) -> Command {
        let mut command = Command::new(&self.program[0]);
        command
            .args(&self.program[1..])
            .args(["-p", PROJECT, "-f"])
            .arg(root().join("docker-compose.yml"))
            .args(arguments)
            .current_dir(root())
            .env(
                "HOUSING_BUSINESS_CLOCK_SHIFT_SECONDS",
                self.clock_shift.num_seconds().to_string(),
            )
            .env("HOUSING_PKI_DIR", self.pki.path())
            .stdin(Stdio::null());
        command
    }

    fn run(&self, arguments: &[&str]) -> Output {
        let output = self
            .command(arguments)
            .output()
            .unwrap_or_else(|error| panic!("{:?} does not run: {error}", self.program));
        assert!(
            output.status.success(),
            "compose {arguments:?} failed:\n{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        output
    }

    /// A fresh stack whose business clock shows the demo's day.
    fn up() -> Self {
        let pki = tempfile::tempdir().expect("a directory for the PKI");
        write_dev_pki(pki.path()).expect("a development PKI");
        let credentials = Credentials::from_dev_pki(pki.path()).expect("the harness's credentials");
        let stack = Self {
            program: compose_program(),
            clock_shift: TimeDelta::seconds((demo_start() - Utc::now()).num_seconds()),
            pki,
            credentials,
        };
        stack.run(&["down", "--volumes", "--remove-orphans"]);
        stack.run(&["up", "--detach", "--no-build"]);
        stack
    }

    fn endpoints(&self) -> Endpoints {
        Endpoints::on_loopback(PORTS, self.clock_shift).with_credentials(self.credentials.clone())
    }

    fn logs(&self) -> String {
        let output = self.command(&["logs", "--no-color"]).output();
        match output {
            Ok(output) => String::from_utf8_lossy(&output.stdout).into_owned(),
            Err(error) => format!("(no logs: {error})"),
        }
    }
}

impl Drop for Stack {
    fn drop(&mut self) {
        if std::thread::panicking() {
            let logs = self.logs();
            let tail: Vec<&str> = logs.lines().rev().take(300).collect();
            eprintln!("--- the stack's last log lines ---");
            for line in tail.into_iter().rev() {
                eprintln!("{line}");
            }
        }
        let _ = self
            .command(&["down", "--volumes", "--remove-orphans"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
}

/// Whether the service on `port` answers grpc.health.v1 SERVING (over mutual TLS).
async fn serving(credentials: &Credentials, port: u16) -> bool {
    let Ok(channel) = credentials
        .endpoint(SocketAddr::from(([127, 0, 0, 1], port)))
        .connect_timeout(Duration::from_secs(2))
        .timeout(Duration::from_secs(2))
        .connect()
        .await
    else {
        return false;
    };
    use tonic_health::pb::health_check_response::ServingStatus;
    tonic_health::pb::health_client::HealthClient::new(channel)
        .check(tonic_health::pb::HealthCheckRequest::default())
        .await
        .is_ok_and(|response| response.into_inner().status() == ServingStatus::Serving)
}

async fn until_serving(credentials: &Credentials, ports: &[u16], limit: Duration) {
    let started = Instant::now();
    for &port in ports {
        while !serving(credentials, port).await {
            assert!(
                started.elapsed() < limit,
                "port {port} is not SERVING after {limit:?}"
            );
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
    }
}

fn port_of(service: &str) -> u16 {
    let index = SERVICES
        .iter()
        .position(|known| *known == service)
        .expect("a service of the suite");
    PORTS[index]
}

fn python_client_files_and_reads(stack: &Stack) {
    let python = std::env::var_os("HOUSING_TEST_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join(".tools/venv/bin/python"));
    let run = Command::new(&python)
        .arg(root().join("tests/python/client.py"))
        .arg("--pki")
        .arg(stack.pki.path())
        .arg("--clock-shift-seconds")
        .arg(stack.clock_shift.num_seconds().to_string())
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|error| {
            panic!("{python:?} does not run ({error}): run scripts/setup.sh first")
        });
    let output = format!(
        "{}{}",
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(run.status.success(), "the Python client failed:\n{output}");
    // The demo's Seitkali family is registered (docs/demo-dataset.md, D01).
    assert!(output.contains(" STATE_REGISTERED "), "{output}");
}

async fn every_scenario(endpoints: &Endpoints) {
    let mut running = JoinSet::new();
    for number in SCENARIOS {
        let endpoints = endpoints.clone();
        running.spawn(async move {
            file_and_check(&endpoints, &application_of(number)).await;
            number
        });
    }
    let mut done = Vec::new();
    while let Some(result) = running.join_next().await {
        match result {
            Ok(number) => done.push(number),
            Err(error) if error.is_panic() => std::panic::resume_unwind(error.into_panic()),
            Err(error) => panic!("a scenario did not finish: {error}"),
        }
    }
    assert_eq!(done.len(), SCENARIOS.len());
}

/// Submits `demo`; intake accepts it whatever state its peers are in.
async fn submit_and_hold(endpoints: &Endpoints, demo: &DemoApplication) -> String {
    let submitted = submit(endpoints, demo)
        .await
        .expect("intake accepts the application");
    submitted.name
}

async fn state_at_intake(endpoints: &Endpoints, filer: &str, name: &str) -> intake::Application {
    endpoints
        .intake(citizen(filer))
        .get_application(intake::GetApplicationRequest {
            name: name.to_owned(),
        })
        .await
        .expect("intake answers")
        .into_inner()
        .application
        .expect("an application")
}

async fn eligibility_killed_mid_flow(stack: &Stack, endpoints: &Endpoints) {
    let demo = application_of(ELIGIBILITY_DOWN_SCENARIO);
    stack.run(&["kill", "-s", "SIGKILL", "eligibility-verification"]);
    let name = submit_and_hold(endpoints, &demo).await;
    // Intake's hand-overs fail meanwhile; the application waits, kept.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let waiting = state_at_intake(endpoints, &demo.filer(), &name).await;
    assert_eq!(waiting.state(), intake::application::State::Submitted);
    stack.run(&["start", "eligibility-verification"]);
    until_serving(
        &stack.credentials,
        &[port_of("eligibility-verification")],
        Duration::from_secs(120),
    )
    .await;
    check_outcome(endpoints, &demo, &name).await;
}

async fn notification_stopped_mid_flow(stack: &Stack, endpoints: &Endpoints) {
    let demo = application_of(NOTIFICATION_DOWN_SCENARIO);
    stack.run(&["stop", "notification"]);
    let name = submit_and_hold(endpoints, &demo).await;
    let filer = demo.filer();
    // Eligibility decides and tells intake; the notice waits in its outbox.
    eventually(
        "the decision reaches intake",
        Duration::from_secs(60),
        || async {
            let application = state_at_intake(endpoints, &filer, &name).await;
            (application.state() == intake::application::State::Registered).then_some(())
        },
    )
    .await;
    stack.run(&["start", "notification"]);
    until_serving(
        &stack.credentials,
        &[port_of("notification")],
        Duration::from_secs(120),
    )
    .await;
    check_outcome(endpoints, &demo, &name).await;
}

fn no_personal_data_in_the_logs(stack: &Stack) {
    let logs = stack.logs();
    assert!(
        logs.lines().count() > 100,
        "the stack's logs are read: {} lines",
        logs.lines().count()
    );
    let found: Vec<String> = personal_values()
        .into_iter()
        .filter(|value| logs.contains(value.as_str()))
        .collect();
    assert!(
        found.is_empty(),
        "personal data in the stack's logs: {} values",
        found.len()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_compose_stack_end_to_end() {
    let stack = Stack::up();
    let endpoints = stack.endpoints();
    until_serving(&stack.credentials, &PORTS, Duration::from_secs(240)).await;
    eprintln!("compose: every service is SERVING");

    python_client_files_and_reads(&stack);
    eprintln!("compose: the Python client filed {PYTHON_SCENARIO} and read its registration");

    let started = Instant::now();
    every_scenario(&endpoints).await;
    eprintln!(
        "compose: {} demo scenarios came to their outcomes in {:.1} s",
        SCENARIOS.len(),
        started.elapsed().as_secs_f64()
    );

    eligibility_killed_mid_flow(&stack, &endpoints).await;
    eprintln!("compose: eligibility-verification killed and restarted, nothing lost");
    notification_stopped_mid_flow(&stack, &endpoints).await;
    eprintln!("compose: notification stopped and restarted, nothing lost");

    no_personal_data_in_the_logs(&stack);
    drop(stack);
}
