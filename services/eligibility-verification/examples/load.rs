//! A load run: how many applications eligibility-verification decides per
//! second, end to end, on PostgreSQL — OpenCase, two QueryRegisters round
//! trips to a real registry-gateway for a family of four, the evaluation, the
//! decision with its register entry and outbox rows in one transaction, and
//! the outbox delivered to stand-in peers. It prints numbers; it asserts none.
//!
//! ```sh
//! HOUSING_TEST_POSTGRES_URL=$(cat .tools/postgres-url) \
//!   cargo run --release -p eligibility-verification --example load -- 3000
//! ```

use std::sync::Arc;
use std::time::{Duration, Instant};

use eligibility_verification::storage::{MIGRATIONS, Store};
use eligibility_verification::{Application, Settings};
use housing_platform::caller::Caller;
use housing_proto::google::r#type::Date;
use housing_proto::housing::common::v1 as common;
use housing_proto::housing::eligibility::v1 as pb;
use housing_proto::housing::eligibility::v1::eligibility_service_client::EligibilityServiceClient;
use housing_proto::housing::intake::v1 as intake;
use housing_storage::testing::TestDatabase;
use housing_storage::{Database, PoolSettings};
use secrecy::ExposeSecret;
use tokio::sync::Semaphore;

#[path = "../tests/eligibility/peers.rs"]
#[allow(dead_code)]
mod peers;

/// D01 of the demo dataset: a family of four, registered (two round trips).
const APPLICANT: &str = "900512490013";
const SPOUSE: &str = "880203390020";

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let applications: usize = std::env::args()
        .nth(1)
        .map(|count| count.parse())
        .transpose()?
        .unwrap_or(2000);
    let clients = 64;

    let gateway_database = TestDatabase::postgres(&registry_gateway::storage::MIGRATIONS)
        .await?
        .ok_or_else(|| anyhow::anyhow!("PostgreSQL is skipped; set HOUSING_TEST_POSTGRES_URL"))?;
    let gateway = registry_gateway::Application::build(registry_gateway::Settings::from_variables(
        housing_platform::security::insecure_loopback([
            ("HOUSING_LISTEN_ADDRESS", "127.0.0.1:0"),
            (
                "HOUSING_REGISTRY_DATABASE_URL",
                gateway_database.url.as_str(),
            ),
            ("HOUSING_REGISTRY_FIXTURES", "demo"),
        ]),
    )?)
    .await?;
    let gateway_address = format!("http://{}", gateway.address());
    let (stop_gateway, gateway_stopped) = tokio::sync::oneshot::channel::<()>();
    let gateway = tokio::spawn(gateway.run_until_stopped(async move {
        let _ = gateway_stopped.await;
    }));

    let peers = peers::RecordingPeers::start().await;
    let peers_address = format!("http://{}", peers.address);
    let database = TestDatabase::postgres(&MIGRATIONS)
        .await?
        .ok_or_else(|| anyhow::anyhow!("PostgreSQL is skipped"))?;
    let settings = Settings::from_variables(housing_platform::security::insecure_loopback([
        ("HOUSING_LISTEN_ADDRESS", "127.0.0.1:0"),
        ("HOUSING_ELIGIBILITY_DATABASE_URL", database.url.as_str()),
        (
            "HOUSING_ELIGIBILITY_REGISTRY_ADDRESS",
            gateway_address.as_str(),
        ),
        ("HOUSING_ELIGIBILITY_INTAKE_ADDRESS", peers_address.as_str()),
        (
            "HOUSING_ELIGIBILITY_NOTIFICATION_ADDRESS",
            peers_address.as_str(),
        ),
    ]))?;
    let database_url = settings.database.url.expose_secret().to_owned();
    let application = Application::build(settings).await?;
    let address = format!("http://{}", application.address());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let service = tokio::spawn(application.run_until_stopped(async move {
        let _ = stopped.await;
    }));
    let watcher =
        Store::new(Database::connect(&database_url, &MIGRATIONS, &PoolSettings::default()).await?);

    let channel = tonic::transport::Endpoint::from_shared(address)?
        .connect()
        .await?;
    let client =
        EligibilityServiceClient::with_interceptor(channel, |mut request: tonic::Request<()>| {
            Caller::system("application-intake").attach(request.metadata_mut());
            Ok(request)
        });

    println!(
        "load run: {applications} applications (a family of four each), {clients} concurrent clients, PostgreSQL"
    );
    let started = Instant::now();
    let permits = Arc::new(Semaphore::new(clients));
    let mut opening = tokio::task::JoinSet::new();
    for number in 0..applications {
        let permit = Arc::clone(&permits).acquire_owned().await?;
        let mut client = client.clone();
        opening.spawn(async move {
            let opened = client.open_case(open_request(number)).await;
            drop(permit);
            opened.map(|_| ())
        });
    }
    while let Some(opened) = opening.join_next().await {
        opened??;
    }
    let opened_in = started.elapsed();
    println!(
        "  opened   {applications} cases in {:>6.2} s  ({:>7.0} OpenCase/s)",
        opened_in.as_secs_f64(),
        applications as f64 / opened_in.as_secs_f64()
    );

    let decided_in = wait(Duration::from_secs(600), || async {
        let waiting = watcher
            .list_cases(
                &eligibility_verification::storage::CaseFilter {
                    state: Some(eligibility_verification::model::CaseState::Verifying),
                    ..Default::default()
                },
                1,
            )
            .await?;
        Ok(waiting.is_empty())
    })
    .await?;
    let delivered_in = wait(Duration::from_secs(600), || async {
        Ok(watcher.pending_outbox_count().await? == 0)
    })
    .await?;
    let elapsed = |at: Duration| at.max(opened_in).as_secs_f64();
    println!(
        "  decided  {applications} cases in {:>6.2} s  ({:>7.0} decisions/s end to end)",
        elapsed(decided_in),
        applications as f64 / elapsed(decided_in)
    );
    println!(
        "  outbox   {} events + {} notices delivered by {:>6.2} s",
        peers.received.events().len(),
        peers.received.notices().len(),
        elapsed(delivered_in)
    );
    let registered = watcher
        .list_cases(
            &eligibility_verification::storage::CaseFilter {
                state: Some(eligibility_verification::model::CaseState::Registered),
                ..Default::default()
            },
            i64::try_from(applications).unwrap_or(i64::MAX) + 1,
        )
        .await?
        .len();
    println!("  registered: {registered} of {applications}");

    let _ = stop.send(());
    service.await??;
    let _ = stop_gateway.send(());
    gateway.await??;
    watcher.database().close().await;
    database.cleanup().await;
    gateway_database.cleanup().await;
    Ok(())
}

/// Polls `done` every 20 ms; the time from the start of the run when it held.
async fn wait<F, Fut>(limit: Duration, done: F) -> anyhow::Result<Duration>
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<bool>>,
{
    let started = Instant::now();
    while started.elapsed() < limit {
        if done().await? {
            return Ok(started.elapsed());
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    anyhow::bail!("not done within {limit:?}")
}

fn open_request(number: usize) -> pb::OpenCaseRequest {
    let application = format!("applications/load-{number}");
    pb::OpenCaseRequest {
        request_id: application.clone(),
        application,
        form: Some(intake::ApplicationForm {
            form_version: "APPENDIX-3/2025".to_owned(),
            applicant_iin: APPLICANT.to_owned(),
            declared_family: vec![intake::DeclaredFamilyMember {
                iin: SPOUSE.to_owned(),
                relation: intake::FamilyRelation::Spouse as i32,
            }],
            track: common::Track::NoHousing as i32,
            stock: common::Stock::General as i32,
            locality_kato: "351010000".to_owned(),
            consents: Some(intake::Consents {
                housing_check: true,
                data_processing: true,
                publication: true,
                registration_without_category: true,
                family_member_consents: vec![intake::FamilyMemberConsent {
                    member_iin: SPOUSE.to_owned(),
                    given_by_iin: SPOUSE.to_owned(),
                    consent_time: None,
                }],
            }),
            phone: "+77015550101".to_owned(),
            ..Default::default()
        }),
        // Wednesday 15 April 2026, 09:00 in Almaty: accepted that day.
        submit_time: Some(prost_types::Timestamp {
            seconds: 1_776_225_600,
            nanos: 0,
        }),
        acceptance_date: Some(Date {
            year: 2026,
            month: 4,
            day: 15,
        }),
    }
}
