//! No IIN, phone number, e-mail address or other personal data ever appears
//! in a log line of the service, on any path: sends, gateway faults, retries,
//! failures, refusals, reads.
//!
//! Its own test binary: it installs the process-wide subscriber that captures
//! every line, at every level of the service's own crates.

use std::io::Write;
use std::sync::{Arc, Mutex, PoisonError};

use housing_platform::caller::Caller;
use housing_proto::housing::notification::v1 as pb;
use housing_storage::testing::TestDatabase;
use notification::ScriptedFailure;
use notification::notice::Channel;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::MakeWriter;

#[path = "api/support.rs"]
#[allow(dead_code)]
mod support;

use support::*;

/// Collects every log line in memory.
#[derive(Debug, Clone, Default)]
struct CapturedLines(Arc<Mutex<Vec<u8>>>);

impl CapturedLines {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap_or_else(PoisonError::into_inner)).into_owned()
    }
}

impl Write for CapturedLines {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for CapturedLines {
    type Writer = CapturedLines;

    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_personal_data_in_any_log_line() {
    let captured = CapturedLines::default();
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::new(
            "warn,notification=trace,housing_platform=trace,housing_storage=trace",
        ))
        .with_writer(captured.clone())
        .with_ansi(false)
        .init();

    let database = TestDatabase::sqlite(&notification::storage::MIGRATIONS)
        .await
        .expect("a fresh SQLite database");
    let gateway = TestGateway::spawn().await;
    let linked = iin(80);
    let waiting = iin(81);
    gateway.put_mobile_citizen(&linked, true, true).await;
    gateway.put_mobile_citizen(&waiting, true, true).await;
    let app = TestApp::spawn(&database, &gateway).await;
    let mut sender = app.sender();
    let personal_value = "Айгерім Сапарқызы";

    // A send on every channel, with a retry and a permanent failure.
    app.failures
        .fail_next(Channel::Sms, 1, ScriptedFailure::Temporary);
    app.failures
        .fail_next(Channel::Email, 1, ScriptedFailure::Permanent);
    let mut request = withdrawal("cases/80/decisions/1", &linked);
    request.phone = OTHER_NUMBER.to_owned();
    request.email = EMAIL.to_owned();
    request
        .parameters
        .insert("application_number".to_owned(), personal_value.to_owned());
    let notice = send(&mut sender, request.clone()).await;
    settled_delivery(&app, &notice.name, pb::Channel::Sms).await;
    settled_delivery(&app, &notice.name, pb::Channel::Email).await;
    // A replay and a conflicting reuse of the key.
    send(&mut sender, request.clone()).await;
    let mut conflicting = request.clone();
    conflicting.email = String::new();
    sender
        .send_notification(conflicting)
        .await
        .expect_err("another request under the key");

    // A gateway fault, then recovery.
    gateway.set_mobile_citizens_outage(true).await;
    let held = send(&mut sender, withdrawal("cases/81/decisions/1", &waiting)).await;
    gateway.set_mobile_citizens_outage(false).await;
    settled_delivery(&app, &held.name, pb::Channel::Sms).await;

    // Refusals and reads.
    let mut invalid = withdrawal("cases/82/decisions/1", &linked);
    invalid.email = "broken address@example".to_owned();
    invalid.phone = "+7 701 555".to_owned();
    sender
        .send_notification(invalid)
        .await
        .expect_err("invalid");
    let mut citizen = app.citizen(&waiting);
    citizen
        .get_notification(pb::GetNotificationRequest {
            name: notice.name.clone(),
        })
        .await
        .expect_err("not theirs");
    citizen
        .list_notifications(pb::ListNotificationsRequest {
            recipient_iin: linked.clone(),
            ..Default::default()
        })
        .await
        .expect_err("not theirs");
    app.client_as(Caller::citizen(
        housing_domain::Iin::parse(&linked).expect("valid"),
    ))
    .list_notifications(pb::ListNotificationsRequest::default())
    .await
    .expect("their own");
    outbox(&app, "").await;
    app.stop().await;
    gateway.stop().await;
    database.cleanup().await;

    let lines = captured.text();
    assert!(lines.contains("notice created"), "nothing was captured");
    assert!(lines.contains("notice read") || lines.contains("notices listed"));
    assert!(lines.contains(&notice.name), "reads name the notices");
    assert!(lines.contains("refused"), "refused reads are logged too");
    for personal in [
        linked.as_str(),
        waiting.as_str(),
        "7015550000",
        "7019999999",
        EMAIL,
        "aigerim.test",
        "broken address",
        personal_value,
    ] {
        assert!(
            !lines.contains(personal),
            "personal data in the log: {personal}"
        );
    }
}
