//! A small load run: SendNotification throughput and how soon the worker has
//! delivered everything, on SQLite or PostgreSQL, against a real in-process
//! registry-gateway.
//!
//! ```sh
//! cargo run --release -p notification --example send_throughput -- sqlite 2000 64
//! HOUSING_TEST_POSTGRES_URL=$(cat .tools/postgres-url) \
//!   cargo run --release -p notification --example send_throughput -- postgres 2000 64
//! ```
//!
//! Arguments: backend (`sqlite` or `postgres`), notices, concurrent senders.
//! Half the recipients have a linked number (a text message each), every
//! notice has an e-mail: each notice is one gateway look-up, one transaction
//! and two outbox messages.

use std::time::{Duration, Instant};

use housing_storage::testing::TestDatabase;
use notification::storage::MIGRATIONS;

#[path = "../tests/api/support.rs"]
#[allow(dead_code)]
mod support;

use support::*;

/// Distinct recipients; notices cycle through them.
const RECIPIENTS: u16 = 200;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut arguments = std::env::args().skip(1);
    let backend = arguments.next().unwrap_or_else(|| "sqlite".to_owned());
    let notices: usize = arguments.next().map_or(Ok(2000), |text| text.parse())?;
    let senders: usize = arguments.next().map_or(Ok(64), |text| text.parse())?;
    anyhow::ensure!(senders > 0, "at least one sender");

    let database = match backend.as_str() {
        "sqlite" => TestDatabase::sqlite(&MIGRATIONS).await?,
        "postgres" => TestDatabase::postgres(&MIGRATIONS)
            .await?
            .ok_or_else(|| anyhow::anyhow!("PostgreSQL skipped on purpose"))?,
        other => anyhow::bail!("unknown backend {other}: sqlite or postgres"),
    };
    let gateway = TestGateway::spawn().await;
    for n in 0..RECIPIENTS {
        gateway.put_mobile_citizen(&iin(n), true, n % 2 == 0).await;
    }
    let app = TestApp::spawn_with(
        &database,
        &gateway,
        &[
            ("HOUSING_NOTIFICATION_WORKER_POLL_INTERVAL_MS", "200"),
            ("HOUSING_NOTIFICATION_WORKER_CONCURRENCY", "64"),
        ],
    )
    .await;

    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for sender_index in 0..senders {
        let mut client = app.sender();
        tasks.spawn(async move {
            let mut sent = 0_usize;
            let mut index = sender_index;
            while index < notices {
                let recipient = iin(u16::try_from(index % usize::from(RECIPIENTS)).unwrap_or(0));
                let mut request = withdrawal(&format!("load/{index}"), &recipient);
                request.email = EMAIL.to_owned();
                send(&mut client, request).await;
                sent += 1;
                index += senders;
            }
            sent
        });
    }
    let mut sent = 0;
    while let Some(count) = tasks.join_next().await {
        sent += count?;
    }
    let send_time = started.elapsed();

    let expected_messages = notices + notices.div_ceil(2);
    loop {
        let delivered = count_outbox(&app).await;
        if delivered >= expected_messages {
            break;
        }
        anyhow::ensure!(
            started.elapsed() < Duration::from_secs(600),
            "only {delivered} of {expected_messages} messages after 10 minutes"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let all_delivered = started.elapsed();

    println!(
        "{backend}: {sent} notices by {senders} senders in {:.2} s = {:.0} SendNotification/s; \
         all {expected_messages} text messages and e-mails delivered after {:.2} s = {:.0} deliveries/s",
        send_time.as_secs_f64(),
        sent as f64 / send_time.as_secs_f64(),
        all_delivered.as_secs_f64(),
        expected_messages as f64 / all_delivered.as_secs_f64(),
    );
    app.stop().await;
    gateway.stop().await;
    database.cleanup().await;
    Ok(())
}

async fn count_outbox(app: &TestApp) -> usize {
    let mut client = app.operator();
    let mut total = 0;
    let mut page_token = String::new();
    loop {
        let page = client
            .list_outbox_messages(
                housing_proto::housing::notification::v1::ListOutboxMessagesRequest {
                    page_size: 500,
                    page_token,
                    ..Default::default()
                },
            )
            .await
            .map(tonic::Response::into_inner);
        let Ok(page) = page else { return total };
        total += page.messages.len();
        if page.next_page_token.is_empty() {
            return total;
        }
        page_token = page.next_page_token;
    }
}
