//! A load run of registry-gateway, printing its numbers (not a test).
//!
//! ```text
//! HOUSING_TEST_POSTGRES_URL=… cargo bench -p registry-gateway --bench gateway_load
//! ```
//!
//! For each backend (SQLite always, PostgreSQL when `HOUSING_TEST_POSTGRES_URL`
//! names a server): a fresh database with a generated population
//! (`BENCH_PERSONS`, default 100 000), a gateway on port 0, and
//! `BENCH_CONCURRENCY` clients (default 32) calling `QueryRegisters` for a
//! family of four, every register, for `BENCH_SECONDS` (default 10). Clients
//! and server share the machine. Then the query log's writer alone: appends
//! from 64 concurrent tasks. `BENCH_MUTUAL_TLS=1` runs the gateway and its
//! client over mutual TLS (a fresh development PKI) instead of plaintext.

use std::time::{Duration, Instant};

use housing_platform::dev_pki::DevPki;
use housing_platform::security::{Security, dev_pki_variables, insecure_loopback};
use housing_proto::housing::registry::v1 as pb;
use housing_proto::housing::registry::v1::registry_gateway_service_client::RegistryGatewayServiceClient;
use housing_storage::testing::TestDatabase;
use registry_gateway::fixture::format::{FixtureLine, FixturePerson};
use registry_gateway::generator::{GeneratorSettings, generate_to_file};
use registry_gateway::query_log::{Draft, QueryLog};
use registry_gateway::settings::QueryLogSettings;
use registry_gateway::storage::MIGRATIONS;
use registry_gateway::{Application, Settings};
use tokio::task::JoinSet;
use tonic::Request;
use tonic::metadata::MetadataValue;

fn setting(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(default)
}

fn main() -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    runtime.block_on(run())
}

async fn run() -> anyhow::Result<()> {
    let persons = usize::try_from(setting("BENCH_PERSONS", 100_000))?;
    let concurrency = setting("BENCH_CONCURRENCY", 32);
    let seconds = setting("BENCH_SECONDS", 10);
    let directory = tempfile::tempdir()?;
    let population = directory.path().join("population.jsonl");
    let started = Instant::now();
    generate_to_file(&GeneratorSettings { seed: 42, persons }, &population)?;
    println!(
        "generated {persons} persons in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let families = families_of_four(&population)?;
    println!("{} families of four to query", families.len());
    let mutual_tls = setting("BENCH_MUTUAL_TLS", 0) == 1;
    let pki = directory.path().join("pki");
    let client_security = if mutual_tls {
        let generated =
            DevPki::generate("load test CA", &[registry_gateway::SERVICE, "load-test"])?;
        generated.write_to(&pki)?;
        let client = generated
            .system("load-test")
            .expect("the client's certificate");
        println!("transport: mutual TLS");
        Security::mutual_tls(
            client.certificate_pem.as_bytes(),
            client.private_key_pem.as_bytes(),
            generated.ca_pem.as_bytes(),
            housing_platform::security::StaffAccess::default(),
            std::sync::Arc::new(housing_platform::clock::SystemClock),
        )
    } else {
        println!("transport: plaintext (insecure loopback)");
        Security::InsecureLoopback
    };

    let mut backends = vec![("sqlite", TestDatabase::sqlite(&MIGRATIONS).await?)];
    if std::env::var_os("HOUSING_TEST_POSTGRES_URL").is_some()
        && let Some(postgres) = TestDatabase::postgres(&MIGRATIONS).await?
    {
        backends.push(("postgres", postgres));
    }
    for (name, database) in backends {
        println!("\n== {name}");
        let variables = [
            ("HOUSING_LISTEN_ADDRESS", "127.0.0.1:0".to_owned()),
            ("HOUSING_REGISTRY_DATABASE_URL", database.url.clone()),
            (
                "HOUSING_REGISTRY_FIXTURES",
                population.display().to_string(),
            ),
            ("HOUSING_REGISTRY_CLIENT_SYSTEMS", "load-test".to_owned()),
            // The load test is one caller as fast as it can go: no rate limit.
            ("HOUSING_GRPC_RATE_LIMIT_PER_MINUTE", u32::MAX.to_string()),
            ("HOUSING_GRPC_RATE_LIMIT_BURST", u32::MAX.to_string()),
        ];
        let settings = Settings::from_variables(if mutual_tls {
            variables
                .into_iter()
                .map(|(name, value)| (name.to_owned(), value))
                .chain(dev_pki_variables(&pki, registry_gateway::SERVICE))
                .collect()
        } else {
            insecure_loopback(variables)
        })?;
        let application = Application::build(settings).await?;
        if let Some(load) = application.fixtures().first() {
            println!(
                "loaded {} persons in {:.1} s",
                load.persons,
                load.duration.as_secs_f64()
            );
        }
        let address = application.address();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(application.run_until_stopped(async move {
            let _ = stopped.await;
        }));
        query_registers_load(
            &client_security,
            address,
            &families,
            concurrency,
            Duration::from_secs(seconds),
        )
        .await?;
        let _ = stop.send(());
        server.await??;
        query_log_appends(&database).await?;
        database.cleanup().await;
    }
    Ok(())
}

/// Couples with two children in the population: four IINs each.
fn families_of_four(path: &std::path::Path) -> anyhow::Result<Vec<Vec<String>>> {
    let text = std::fs::read_to_string(path)?;
    let mut families = Vec::new();
    for line in text.lines() {
        if let FixtureLine::Person(person) = serde_json::from_str::<FixtureLine>(line)? {
            let person: &FixturePerson = &person;
            if person.children.len() == 2
                && person
                    .marriages
                    .iter()
                    .any(|marriage| marriage.dissolved.is_none())
                && person.identity.as_ref().is_some_and(|identity| {
                    identity.sex == registry_gateway::fixture::format::FixtureSex::Male
                })
            {
                let mut family = vec![person.iin.clone(), person.marriages[0].spouse_iin.clone()];
                family.extend(person.children.iter().map(|birth| birth.child_iin.clone()));
                families.push(family);
            }
        }
    }
    anyhow::ensure!(!families.is_empty(), "no family of four in the population");
    Ok(families)
}

async fn query_registers_load(
    security: &Security,
    address: std::net::SocketAddr,
    families: &[Vec<String>],
    concurrency: u64,
    duration: Duration,
) -> anyhow::Result<()> {
    let channel = security
        .endpoint(&format!("http://{address}"))?
        .connect()
        .await?;
    let deadline = Instant::now() + duration;
    let mut clients = JoinSet::new();
    for client in 0..concurrency {
        let channel = channel.clone();
        let families = families.to_vec();
        clients.spawn(async move {
            let mut gateway = RegistryGatewayServiceClient::new(channel);
            let mut latencies = Vec::new();
            let mut failures = 0_u64;
            let mut next = usize::try_from(client).unwrap_or(0) * 7919;
            while Instant::now() < deadline {
                let family = &families[next % families.len()];
                next += 1;
                let mut request = Request::new(pb::QueryRegistersRequest {
                    iins: family.clone(),
                    registers: Vec::new(),
                    as_of_date: Some(housing_proto::google::r#type::Date {
                        year: 2026,
                        month: 6,
                        day: 30,
                    }),
                    expert_certificate_numbers: Vec::new(),
                });
                let metadata = request.metadata_mut();
                metadata.insert("x-client-system", MetadataValue::from_static("load-test"));
                metadata.insert("x-on-behalf-of", MetadataValue::from_static("bench"));
                metadata.insert(
                    "x-case-id",
                    MetadataValue::from_static("applications/bench"),
                );
                let started = Instant::now();
                match gateway.query_registers(request).await {
                    Ok(response) if response.get_ref().answers.len() == 40 => {
                        latencies.push(started.elapsed());
                    }
                    _ => failures += 1,
                }
            }
            (latencies, failures)
        });
    }
    let mut latencies = Vec::new();
    let mut failures = 0;
    while let Some(result) = clients.join_next().await {
        let (mut client_latencies, client_failures) = result?;
        latencies.append(&mut client_latencies);
        failures += client_failures;
    }
    latencies.sort_unstable();
    let percentile = |share: f64| {
        #[allow(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            clippy::cast_precision_loss
        )]
        let index = ((latencies.len() as f64 - 1.0) * share).round() as usize;
        latencies
            .get(index)
            .map_or(0.0, |latency| latency.as_secs_f64() * 1000.0)
    };
    #[allow(clippy::cast_precision_loss)]
    let throughput = latencies.len() as f64 / duration.as_secs_f64();
    println!(
        "QueryRegisters, family of 4 x 10 registers, {concurrency} clients, {} s: \
         {throughput:.0} calls/s, latency p50 {:.2} ms, p95 {:.2} ms, p99 {:.2} ms, max {:.2} ms, {failures} failures",
        duration.as_secs(),
        percentile(0.50),
        percentile(0.95),
        percentile(0.99),
        percentile(1.0),
    );
    Ok(())
}

async fn query_log_appends(database: &TestDatabase) -> anyhow::Result<()> {
    const TASKS: usize = 64;
    const APPENDS_PER_TASK: usize = 1000;
    let (log, writer) = QueryLog::start(
        database.database.clone(),
        QueryLogSettings {
            max_batch_size: 512,
            queue_capacity: 8192,
        },
    )
    .await?;
    let started = Instant::now();
    let mut tasks = JoinSet::new();
    for task in 0..TASKS {
        let log = log.clone();
        tasks.spawn(async move {
            for append in 0..APPENDS_PER_TASK {
                log.append(Draft {
                    query_time_micros: 1_776_000_000_000_000,
                    client_system: "load-test".to_owned(),
                    on_behalf_of: "bench".to_owned(),
                    case_id: format!("applications/{task}"),
                    method: "/housing.registry.v1.RegistryGatewayService/QueryRegisters".to_owned(),
                    request_sha256: format!("{append:064x}"),
                    response_sha256: format!("{task:064x}"),
                    outcome: "OK".to_owned(),
                    registers: (1..=11).collect(),
                })
                .await?;
            }
            Ok::<_, registry_gateway::query_log::QueryLogError>(())
        });
    }
    while let Some(result) = tasks.join_next().await {
        result??;
    }
    let elapsed = started.elapsed();
    drop(log);
    writer.finish(Duration::from_secs(10)).await;
    #[allow(clippy::cast_precision_loss)]
    let rate = (TASKS * APPENDS_PER_TASK) as f64 / elapsed.as_secs_f64();
    println!(
        "query log: {} durable appends from {TASKS} concurrent tasks in {:.2} s: {rate:.0} entries/s",
        TASKS * APPENDS_PER_TASK,
        elapsed.as_secs_f64()
    );
    Ok(())
}
