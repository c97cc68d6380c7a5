//! One decision is notified once: `request_id` is the idempotency key.

use housing_proto::housing::notification::v1 as pb;
use housing_storage::testing::TestDatabase;
use tonic::Code;

use crate::support::*;

housing_storage::storage_test_suite!(
    &notification::storage::MIGRATIONS;
    a_replay_returns_the_first_notice,
    twenty_concurrent_identical_sends_make_one_notice_and_one_message_per_channel,
    another_request_under_a_used_key_is_refused,
);

async fn a_replay_returns_the_first_notice(database: &TestDatabase) {
    let gateway = TestGateway::spawn().await;
    gateway.put_mobile_citizen(&iin(10), true, true).await;
    let app = TestApp::spawn(database, &gateway).await;
    let mut sender = app.sender();
    let mut request = withdrawal("cases/10/decisions/1", &iin(10));
    request.email = EMAIL.to_owned();

    let first = send(&mut sender, request.clone()).await;
    settled_delivery(&app, &first.name, pb::Channel::Sms).await;
    settled_delivery(&app, &first.name, pb::Channel::Email).await;
    let replayed = send(&mut sender, request).await;
    assert_eq!(replayed.name, first.name);
    assert_eq!(replayed.create_time, first.create_time);
    assert_eq!(replayed.texts, first.texts);
    // The replay shows the notice as it is now: delivered.
    assert!(
        replayed
            .deliveries
            .iter()
            .all(|delivery| state(delivery) == pb::delivery::State::Delivered)
    );

    let listed = app
        .operator()
        .list_notifications(pb::ListNotificationsRequest {
            recipient_iin: iin(10),
            ..Default::default()
        })
        .await
        .expect("listed")
        .into_inner();
    assert_eq!(listed.notifications.len(), 1);
    assert_eq!(outbox(&app, &first.name).await.len(), 2);
    app.stop().await;
    gateway.stop().await;
}

async fn twenty_concurrent_identical_sends_make_one_notice_and_one_message_per_channel(
    database: &TestDatabase,
) {
    let gateway = TestGateway::spawn().await;
    gateway.put_mobile_citizen(&iin(11), true, true).await;
    let app = TestApp::spawn(database, &gateway).await;
    let mut request = withdrawal("cases/11/decisions/1", &iin(11));
    request.email = EMAIL.to_owned();

    let mut sends = tokio::task::JoinSet::new();
    for _ in 0..20 {
        let mut sender = app.sender();
        let request = request.clone();
        sends.spawn(async move { send(&mut sender, request).await.name });
    }
    let mut names = Vec::new();
    while let Some(name) = sends.join_next().await {
        names.push(name.expect("the send task finished"));
    }
    names.dedup();
    assert_eq!(names.len(), 1, "{names:?}");
    let name = &names[0];

    settled_delivery(&app, name, pb::Channel::Sms).await;
    settled_delivery(&app, name, pb::Channel::Email).await;
    let listed = app
        .operator()
        .list_notifications(pb::ListNotificationsRequest {
            application: "applications/1001".to_owned(),
            ..Default::default()
        })
        .await
        .expect("listed")
        .into_inner();
    assert_eq!(listed.notifications.len(), 1);
    let messages = outbox(&app, "").await;
    let mut channels: Vec<i32> = messages.iter().map(|message| message.channel).collect();
    channels.sort_unstable();
    assert_eq!(
        channels,
        [pb::Channel::Sms as i32, pb::Channel::Email as i32]
    );
    app.stop().await;
    gateway.stop().await;
}

async fn another_request_under_a_used_key_is_refused(database: &TestDatabase) {
    let gateway = TestGateway::spawn().await;
    let app = TestApp::spawn(database, &gateway).await;
    let mut sender = app.sender();
    let first = send(&mut sender, withdrawal("cases/12/decisions/1", &iin(12))).await;

    let mut different = withdrawal("cases/12/decisions/1", &iin(12));
    different
        .parameters
        .insert("withdrawal_date".to_owned(), "02.07.2025".to_owned());
    let status = sender
        .send_notification(different)
        .await
        .expect_err("a different notice under the same key");
    assert_eq!(status.code(), Code::AlreadyExists);
    assert_eq!(reason(&status), "ALREADY_EXISTS");
    assert!(status.message().contains(&first.name));
    app.stop().await;
    gateway.stop().await;
}
