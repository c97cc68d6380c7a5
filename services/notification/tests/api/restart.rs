//! A restart keeps everything: notices, deliveries, the outbox, and the work
//! still to do.

use housing_proto::housing::notification::v1 as pb;
use housing_storage::testing::TestDatabase;
use notification::ScriptedFailure;
use notification::notice::Channel;

use crate::support::*;

housing_storage::storage_test_suite!(
    &notification::storage::MIGRATIONS;
    a_restart_keeps_notices_outbox_and_pending_deliveries,
);

async fn a_restart_keeps_notices_outbox_and_pending_deliveries(database: &TestDatabase) {
    let gateway = TestGateway::spawn().await;
    gateway.put_mobile_citizen(&iin(70), true, true).await;
    // The retry waits 3 s here, not the suite's 20 ms: long enough that the
    // failed state is seen and the service stops before the retry is due,
    // however slow the machine.
    let app = TestApp::spawn_with(
        database,
        &gateway,
        &[
            ("HOUSING_NOTIFICATION_RETRY_INITIAL_BACKOFF_MS", "3000"),
            ("HOUSING_NOTIFICATION_RETRY_MAX_BACKOFF_MS", "3000"),
        ],
    )
    .await;
    let mut request = withdrawal("cases/70/decisions/1", &iin(70));
    request.email = EMAIL.to_owned();
    let delivered = send(&mut app.sender(), request).await;
    settled_delivery(&app, &delivered.name, pb::Channel::Sms).await;
    settled_delivery(&app, &delivered.name, pb::Channel::Email).await;

    // A second notice whose e-mail is failing when the service stops: its
    // retry is due only after the restart.
    app.failures
        .fail_next(Channel::Email, 1, ScriptedFailure::Temporary);
    let mut pending = withdrawal("cases/71/decisions/1", &iin(71));
    pending.email = EMAIL.to_owned();
    let pending = send(&mut app.sender(), pending).await;
    eventually(|| async {
        delivery(&get(&app, &pending.name).await, pb::Channel::Email)
            .filter(|email| state(email) == pb::delivery::State::TemporaryFailure)
    })
    .await;
    let before = get(&app, &delivered.name).await;
    app.stop().await;

    let restarted = TestApp::spawn(database, &gateway).await;
    assert_eq!(get(&restarted, &delivered.name).await, before);
    assert_eq!(outbox(&restarted, &delivered.name).await.len(), 2);
    let replayed = send(&mut restarted.sender(), {
        let mut request = withdrawal("cases/70/decisions/1", &iin(70));
        request.email = EMAIL.to_owned();
        request
    })
    .await;
    assert_eq!(replayed.name, delivered.name);

    let email = settled_delivery(&restarted, &pending.name, pb::Channel::Email).await;
    assert_eq!(state(&email), pb::delivery::State::Delivered);
    assert_eq!(email.attempts, 2);
    restarted.stop().await;
    gateway.stop().await;
}
