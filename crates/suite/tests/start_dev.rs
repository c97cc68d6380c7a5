//! Tests against `housing-suite start-dev` as users run it: in an empty
//! directory, on its documented addresses, one suite at a time.
//!
//! * docs/operators.md cannot rot: every `sh` block of the guide runs in
//!   order with a real grpcurl. A block whose first line is
//!   `# expect: <Code>` must fail with that gRPC code; every other block
//!   must succeed.
//! * A government system in another language integrates: the Python grpcio
//!   client of `tests/python/client.py`, generated from `proto/`, signs an
//!   application with its own CMS library, submits it and reads it back.
//!
//! grpcurl and the Python packages come from `scripts/setup.sh`
//! (`.tools/venv`, on the PATH of `scripts/test.sh`). Without them the tests
//! fail rather than pass silently; `HOUSING_TEST_SKIP_GRPCURL=1` and
//! `HOUSING_TEST_SKIP_PYTHON=1` skip them on purpose.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const GUIDE: &str = include_str!("../../../docs/operators.md");
const SKIP_VARIABLE: &str = "HOUSING_TEST_SKIP_GRPCURL";
const SKIP_PYTHON_VARIABLE: &str = "HOUSING_TEST_SKIP_PYTHON";
/// The suite listens on fixed addresses: one test at a time runs it.
static ONE_SUITE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());
const PORTS: [u16; 5] = [50051, 50052, 50053, 50054, 50055];

/// One `sh` block of the guide.
#[derive(Debug)]
struct Block {
    script: String,
    expected_failure: Option<String>,
}

fn blocks(markdown: &str) -> Vec<Block> {
    let mut found = Vec::new();
    let mut current: Option<Vec<&str>> = None;
    for line in markdown.lines() {
        match (&mut current, line.trim_end()) {
            (None, "```sh") => current = Some(Vec::new()),
            (Some(lines), "```") => {
                let expected_failure = lines
                    .first()
                    .and_then(|first| first.strip_prefix("# expect: "))
                    .map(str::to_owned);
                found.push(Block {
                    script: lines.join("\n"),
                    expected_failure,
                });
                current = None;
            }
            (Some(lines), _) => lines.push(line),
            (None, _) => {}
        }
    }
    assert!(current.is_none(), "an sh block of the guide is not closed");
    found
}

/// The whole guide as one bash script: variables set in one block serve the next.
fn script(blocks: &[Block]) -> String {
    let mut script = String::from("set -euo pipefail\n");
    for (index, block) in blocks.iter().enumerate() {
        script.push_str(&format!("echo '--- block {}'\n", index + 1));
        match &block.expected_failure {
            None => {
                script.push_str(&block.script);
                script.push('\n');
            }
            Some(code) => script.push_str(&format!(
                "if out=$( {{\n{}\n}} 2>&1 ); then\n  echo \"$out\"; echo 'block {n}: expected {code}, but it succeeded'; exit 1\nfi\n\
                 echo \"$out\"\ngrep -q 'Code: {code}' <<<\"$out\" || {{ echo 'block {n}: expected {code}'; exit 1; }}\n",
                block.script,
                n = index + 1,
            )),
        }
    }
    script
}

fn on_path(program: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|path| {
        std::env::split_paths(&path)
            .map(|directory| directory.join(program))
            .find(|candidate| candidate.is_file())
    })
}

/// grpcurl from the PATH; `None` only when the tests that need it are
/// skipped on purpose. Without it otherwise, the test fails.
fn grpcurl_or_skip() -> Option<PathBuf> {
    let found = on_path("grpcurl");
    if found.is_none() && std::env::var_os(SKIP_VARIABLE).is_none() {
        panic!(
            "grpcurl is not on the PATH: run the tests with scripts/test.sh, \
             or set {SKIP_VARIABLE}=1 to skip this test on purpose"
        );
    }
    found
}

struct Suite {
    child: Child,
    log: PathBuf,
}

impl Suite {
    /// Starts the suite and waits until complaints, the last to start, is SERVING.
    fn start_serving(directory: &Path, grpcurl: &Path) -> Self {
        Self::start_serving_with(directory, grpcurl, &[])
    }

    fn start_serving_with(directory: &Path, grpcurl: &Path, environment: &[(&str, &str)]) -> Self {
        let suite = Self::start_with(directory, environment);
        let started = Instant::now();
        loop {
            let up = Command::new(grpcurl)
                .args([
                    "-plaintext",
                    "127.0.0.1:50055",
                    "grpc.health.v1.Health/Check",
                ])
                .output()
                .expect("grpcurl runs");
            if up.status.success() {
                return suite;
            }
            assert!(
                started.elapsed() < Duration::from_secs(120),
                "the suite did not come up:\n{}",
                suite.log()
            );
            std::thread::sleep(Duration::from_millis(250));
        }
    }

    /// Starts the suite with `environment` added to its variables.
    fn start_with(directory: &Path, environment: &[(&str, &str)]) -> Self {
        for port in PORTS {
            assert!(
                std::net::TcpListener::bind(("127.0.0.1", port)).is_ok(),
                "port {port} is taken: stop the suite running on this machine before the tests"
            );
        }
        let log = directory.join("suite.log");
        let output = std::fs::File::create(&log).expect("a log file");
        let child = Command::new(env!("CARGO_BIN_EXE_housing-suite"))
            .arg("start-dev")
            .current_dir(directory)
            .env("NO_COLOR", "1")
            .envs(environment.iter().copied())
            .stdout(output.try_clone().expect("the log file"))
            .stderr(output)
            .spawn()
            .expect("housing-suite starts");
        Self { child, log }
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Ctrl-C, and the suite must stop cleanly.
    fn stop(mut self) {
        let pid = self.child.id().to_string();
        // bash's own kill: no procps needed.
        let signalled = Command::new("bash")
            .args(["-c", &format!("kill -INT {pid}")])
            .status()
            .expect("bash runs");
        assert!(signalled.success());
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().expect("the suite's status") {
                assert!(
                    status.success(),
                    "the suite stopped with {status}:\n{}",
                    self.log()
                );
                return;
            }
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "the suite did not stop on Ctrl-C:\n{}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Suite {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn the_guide_has_commands_for_every_operator_task() {
    let guide = blocks(GUIDE);
    let all = guide
        .iter()
        .map(|block| block.script.as_str())
        .collect::<Vec<_>>()
        .join("\n");
    for rpc in [
        "GetApplication",
        "ListHearings",
        "DecideAfterHearing",
        "ReevaluateCase",
        "TERM_STATUS_OVERDUE",
        "ListQueryLogEntries",
        "grpc.health.v1.Health/Check",
    ] {
        assert!(all.contains(rpc), "the guide runs {rpc}");
    }
}

#[test]
fn every_command_of_the_operators_guide_works_against_the_running_suite() {
    let Some(grpcurl) = grpcurl_or_skip() else {
        return;
    };
    let _one = ONE_SUITE_AT_A_TIME
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let directory = tempfile::tempdir().expect("a temporary directory");
    let suite = Suite::start_serving(directory.path(), &grpcurl);

    let script_path = directory.path().join("guide.sh");
    std::fs::write(&script_path, script(&blocks(GUIDE))).expect("the script is written");
    let binary_directory = Path::new(env!("CARGO_BIN_EXE_housing-suite"))
        .parent()
        .expect("the binary's directory")
        .to_path_buf();
    let path = std::env::join_paths(std::iter::once(binary_directory).chain(
        std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()),
    ))
    .expect("a PATH");
    let run = Command::new("bash")
        .arg(&script_path)
        .current_dir(directory.path())
        .env("PATH", path)
        .stdin(Stdio::null())
        .output()
        .expect("bash runs");
    let output = format!(
        "{}{}",
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(
        run.status.success(),
        "a command of docs/operators.md failed:\n{output}\n--- suite log ---\n{}",
        suite.log()
    );
    assert!(output.contains("\"status\": \"SERVING\""), "{output}");
    assert!(output.contains("\"intact\": true"), "{output}");
    suite.stop();
}

#[test]
fn expected_failures_are_wrapped_and_plain_blocks_are_not() {
    let guide = "```sh\necho one\n```\n\n```sh\n# expect: NotFound\nfalse\n```\n";
    let parsed = blocks(guide);
    assert_eq!(parsed.len(), 2);
    assert_eq!(parsed[0].expected_failure, None);
    assert_eq!(parsed[1].expected_failure.as_deref(), Some("NotFound"));
    let script = script(&parsed);
    assert!(script.contains("grep -q 'Code: NotFound'"));
}

#[test]
fn a_python_grpcio_client_generated_from_the_contracts_submits_and_reads_an_application() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let python = root.join(".tools/venv/bin/python");
    let has_packages = python.is_file()
        && Command::new(&python)
            .args(["-c", "import grpc, grpc_tools, cryptography, asn1crypto"])
            .status()
            .is_ok_and(|status| status.success());
    let grpcurl = on_path("grpcurl");
    let (true, Some(grpcurl)) = (has_packages, grpcurl) else {
        if std::env::var_os(SKIP_PYTHON_VARIABLE).is_some() {
            return;
        }
        panic!(
            "grpcio, grpcio-tools, cryptography, asn1crypto (in .tools/venv) or grpcurl are missing: \
             run the tests with scripts/test.sh, or set {SKIP_PYTHON_VARIABLE}=1 to skip on purpose"
        );
    };
    let _one = ONE_SUITE_AT_A_TIME
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let directory = tempfile::tempdir().expect("a temporary directory");
    let suite = Suite::start_serving(directory.path(), &grpcurl);
    let run = Command::new(&python)
        .arg(root.join("tests/python/client.py"))
        .current_dir(directory.path())
        .stdin(Stdio::null())
        .output()
        .expect("python runs");
    let output = format!(
        "{}{}",
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(
        run.status.success(),
        "the Python client failed:\n{output}\n--- suite log ---\n{}",
        suite.log()
    );
    // The demo's Seitkali family is registered (docs/demo-dataset.md, D01).
    assert!(output.contains(" STATE_REGISTERED "), "{output}");
    suite.stop();
}

#[test]
fn start_dev_prints_what_it_runs_stops_on_ctrl_c_and_keeps_the_data_across_a_restart() {
    let Some(grpcurl) = grpcurl_or_skip() else {
        return;
    };
    let _one = ONE_SUITE_AT_A_TIME
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let directory = tempfile::tempdir().expect("a temporary directory");

    let first = Suite::start_serving(directory.path(), &grpcurl);
    let banner = first.log();
    for expected in [
        "storage: SQLite files under ./data/",
        "application-intake",
        "127.0.0.1:50051",
        "127.0.0.1:50055",
        "43 persons loaded",
        "INSECURE: HOUSING_INSECURE_LOOPBACK=true",
        "demo-submit",
        "ApplicationIntakeService/GetApplication",
    ] {
        assert!(banner.contains(expected), "{expected:?} in:\n{banner}");
    }
    let submitted = Command::new(env!("CARGO_BIN_EXE_housing-suite"))
        .args(["demo-submit", "D14"])
        .current_dir(directory.path())
        .stdin(Stdio::null())
        .output()
        .expect("demo-submit runs");
    assert!(
        submitted.status.success(),
        "{}",
        String::from_utf8_lossy(&submitted.stderr)
    );
    let name = String::from_utf8_lossy(&submitted.stdout).trim().to_owned();
    assert!(name.starts_with("applications/"), "{name}");
    first.stop();

    let second = Suite::start_serving(directory.path(), &grpcurl);
    assert!(
        second.log().contains("already loaded"),
        "the demo dataset is not loaded twice:\n{}",
        second.log()
    );
    let read = Command::new(&grpcurl)
        .args([
            "-plaintext",
            "-H",
            "x-caller-role: operator",
            "-H",
            "x-caller-id: operator-1",
            "-d",
            &format!("{{\"name\": \"{name}\"}}"),
            "127.0.0.1:50051",
            "housing.intake.v1.ApplicationIntakeService/GetApplication",
        ])
        .output()
        .expect("grpcurl runs");
    let answer = String::from_utf8_lossy(&read.stdout);
    assert!(
        read.status.success() && answer.contains(&name),
        "the application filed before the restart:\n{answer}{}",
        String::from_utf8_lossy(&read.stderr)
    );
    second.stop();
}

/// grpcurl over mutual TLS with `operator-console`'s certificate of `pki`.
fn grpcurl_tls(grpcurl: &Path, pki: &Path, arguments: &[&str]) -> std::process::Output {
    let file = |name: &str| pki.join(name).display().to_string();
    Command::new(grpcurl)
        .args([
            "-cacert",
            &file("ca.pem"),
            "-cert",
            &file("operator-console.pem"),
            "-key",
            &file("operator-console.key"),
        ])
        .args(arguments)
        .output()
        .expect("grpcurl runs")
}

#[test]
fn with_a_development_pki_start_dev_runs_everything_over_mutual_tls() {
    let Some(grpcurl) = grpcurl_or_skip() else {
        return;
    };
    let _one = ONE_SUITE_AT_A_TIME
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let directory = tempfile::tempdir().expect("a temporary directory");
    let pki = directory.path().join("pki");
    let generated = housing_platform::dev_pki::DevPki::generate(
        "start-dev test CA",
        &[
            "application-intake",
            "eligibility-verification",
            "registry-gateway",
            "notification",
            "complaints",
            "operator-console",
        ],
    )
    .expect("a PKI");
    generated.write_to(&pki).expect("written");
    let pki_text = pki.display().to_string();
    let suite = Suite::start_with(directory.path(), &[("HOUSING_PKI_DIR", &pki_text)]);
    let started = Instant::now();
    while !grpcurl_tls(
        &grpcurl,
        &pki,
        &["127.0.0.1:50055", "grpc.health.v1.Health/Check"],
    )
    .status
    .success()
    {
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "the suite did not come up over mutual TLS:\n{}",
            suite.log()
        );
        std::thread::sleep(Duration::from_millis(250));
    }
    let banner = suite.log();
    assert!(!banner.contains("INSECURE"), "{banner}");
    assert!(banner.contains("mutual TLS"), "{banner}");

    // Plaintext is refused now.
    let plaintext = Command::new(&grpcurl)
        .args([
            "-plaintext",
            "127.0.0.1:50051",
            "grpc.health.v1.Health/Check",
        ])
        .output()
        .expect("grpcurl runs");
    assert!(!plaintext.status.success());

    // The citizen files with their EDS (demo-submit over mutual TLS) ...
    let submitted = Command::new(env!("CARGO_BIN_EXE_housing-suite"))
        .args(["demo-submit", "D14"])
        .env("HOUSING_PKI_DIR", &pki_text)
        .current_dir(directory.path())
        .stdin(Stdio::null())
        .output()
        .expect("demo-submit runs");
    assert!(
        submitted.status.success(),
        "{}",
        String::from_utf8_lossy(&submitted.stderr)
    );
    let name = String::from_utf8_lossy(&submitted.stdout).trim().to_owned();
    assert!(name.starts_with("applications/"), "{name}");

    // ... and an operator reads it with a signed token.
    let token = housing_platform::tokens::TokenIssuer::new(
        generated.token_signing_key_pem.as_bytes(),
        housing_platform::tokens::DEFAULT_ISSUER,
    )
    .expect("an issuer")
    .issue(
        housing_platform::caller::Role::Operator,
        "operator-1",
        Duration::from_secs(600),
    )
    .expect("a token");
    let authorization = format!("authorization: Bearer {token}");
    let request = format!("{{\"name\": \"{name}\"}}");
    let read = grpcurl_tls(
        &grpcurl,
        &pki,
        &[
            "-H",
            &authorization,
            "-d",
            &request,
            "127.0.0.1:50051",
            "housing.intake.v1.ApplicationIntakeService/GetApplication",
        ],
    );
    let answer = String::from_utf8_lossy(&read.stdout);
    assert!(
        read.status.success() && answer.contains(&name),
        "{answer}{}",
        String::from_utf8_lossy(&read.stderr)
    );
    // A token of another key is refused: UNAUTHENTICATED.
    let forged = grpcurl_tls(
        &grpcurl,
        &pki,
        &[
            "-H",
            "authorization: Bearer e30.e30.AAAA",
            "-d",
            &request,
            "127.0.0.1:50051",
            "housing.intake.v1.ApplicationIntakeService/GetApplication",
        ],
    );
    assert!(!forged.status.success());
    assert!(
        String::from_utf8_lossy(&forged.stderr).contains("Unauthenticated"),
        "{}",
        String::from_utf8_lossy(&forged.stderr)
    );
    suite.stop();
}

/// An OTLP/gRPC collector on a free loopback port that keeps what it receives.
mod collector {
    use std::sync::{Arc, Mutex, PoisonError};

    use opentelemetry_proto::tonic::collector::trace::v1::trace_service_server::{
        TraceService, TraceServiceServer,
    };
    use opentelemetry_proto::tonic::collector::trace::v1::{
        ExportTraceServiceRequest, ExportTraceServiceResponse,
    };

    #[derive(Debug, Clone, Default)]
    pub struct Received(Arc<Mutex<Vec<ExportTraceServiceRequest>>>);

    impl Received {
        pub fn all(&self) -> Vec<ExportTraceServiceRequest> {
            self.0
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .clone()
        }
    }

    #[tonic::async_trait]
    impl TraceService for Received {
        async fn export(
            &self,
            request: tonic::Request<ExportTraceServiceRequest>,
        ) -> Result<tonic::Response<ExportTraceServiceResponse>, tonic::Status> {
            self.0
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(request.into_inner());
            Ok(tonic::Response::new(ExportTraceServiceResponse::default()))
        }
    }

    /// Serves the collector; returns its address and what it receives.
    pub async fn start() -> (std::net::SocketAddr, Received) {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a loopback port");
        let address = listener.local_addr().expect("an address");
        let received = Received::default();
        let service = TraceServiceServer::new(received.clone());
        tokio::spawn(async move {
            tonic::transport::Server::builder()
                .add_service(service)
                .serve_with_incoming(tonic::transport::server::TcpIncoming::from(listener))
                .await
        });
        (address, received)
    }
}

#[test]
fn spans_go_to_the_otlp_collector_the_standard_variables_name() {
    let Some(grpcurl) = grpcurl_or_skip() else {
        return;
    };
    let _one = ONE_SUITE_AT_A_TIME
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    let (address, received) = runtime.block_on(collector::start());
    let endpoint = format!("http://{address}");
    let directory = tempfile::tempdir().expect("a temporary directory");
    let suite = Suite::start_serving_with(
        directory.path(),
        &grpcurl,
        &[
            ("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint.as_str()),
            ("OTEL_SERVICE_NAME", "housing-under-test"),
        ],
    );
    // Ctrl-C: the pipeline flushes what it has not exported yet.
    suite.stop();

    let exports = received.all();
    let service_names: Vec<String> = exports
        .iter()
        .flat_map(|export| &export.resource_spans)
        .filter_map(|spans| spans.resource.as_ref())
        .flat_map(|resource| &resource.attributes)
        .filter(|attribute| attribute.key == "service.name")
        .filter_map(|attribute| attribute.value.as_ref())
        .map(|value| format!("{value:?}"))
        .collect();
    assert!(
        !service_names.is_empty()
            && service_names
                .iter()
                .all(|name| name.contains("housing-under-test")),
        "{service_names:?}"
    );
    let health_checks = exports
        .iter()
        .flat_map(|export| &export.resource_spans)
        .flat_map(|spans| &spans.scope_spans)
        .flat_map(|scope| &scope.spans)
        .filter(|span| span.name == "grpc.request")
        .filter(|span| {
            span.attributes.iter().any(|attribute| {
                attribute.key == "rpc.method"
                    && format!("{:?}", attribute.value).contains("grpc.health.v1.Health/Check")
            })
        })
        .count();
    assert!(
        health_checks >= 1,
        "the health checks made while starting are exported as grpc.request spans"
    );
}
