//! Bad input: INVALID_ARGUMENT with every field at fault, and nothing written.

use housing_proto::housing::notification::v1 as pb;
use housing_storage::testing::TestDatabase;
use tonic::Code;

use crate::support::*;

housing_storage::storage_test_suite!(
    &notification::storage::MIGRATIONS;
    a_missing_placeholder_is_named_and_nothing_is_written,
    every_bad_field_is_reported_at_once,
);

async fn a_missing_placeholder_is_named_and_nothing_is_written(database: &TestDatabase) {
    let gateway = TestGateway::spawn().await;
    let app = TestApp::spawn(database, &gateway).await;
    let mut sender = app.sender();
    let mut request = withdrawal("cases/30/decisions/1", &iin(30));
    request.parameters.remove("withdrawal_date");
    request
        .parameters
        .insert("application_number.ru".to_owned(), "30".to_owned());
    request.parameters.remove("application_number");
    request
        .parameters
        .insert("application_number.kk".to_owned(), "30".to_owned());
    request.email = EMAIL.to_owned();

    let status = sender
        .send_notification(request.clone())
        .await
        .expect_err("a placeholder is missing");
    assert_eq!(status.code(), Code::InvalidArgument);
    assert_eq!(reason(&status), "INVALID_ARGUMENT");
    assert_eq!(violated_fields(&status), ["parameters[withdrawal_date]"]);

    let listed = app
        .operator()
        .list_notifications(pb::ListNotificationsRequest {
            recipient_iin: iin(30),
            ..Default::default()
        })
        .await
        .expect("listed")
        .into_inner();
    assert!(listed.notifications.is_empty());
    assert!(outbox(&app, "").await.is_empty());

    // The same key with the placeholder filled is a first send, not a replay.
    request
        .parameters
        .insert("withdrawal_date".to_owned(), "01.07.2025".to_owned());
    let notice = send(&mut sender, request).await;
    assert!(text(&notice, pb::Language::Ru).body.contains("№ 30"));
    app.stop().await;
    gateway.stop().await;
}

async fn every_bad_field_is_reported_at_once(database: &TestDatabase) {
    let gateway = TestGateway::spawn().await;
    let app = TestApp::spawn(database, &gateway).await;
    let request = pb::SendNotificationRequest {
        request_id: String::new(),
        recipient_iin: "123".to_owned(),
        application: "cases/1".to_owned(),
        complaint: String::new(),
        kind: pb::NotificationKind::ComplaintRegistered as i32,
        parameters: parameters(&[("complaint_number", "1"), ("answer_due", "x")]),
        phone: "8 701 555 00 00".to_owned(),
        email: "not-an-address".to_owned(),
    };
    let status = app
        .sender()
        .send_notification(request)
        .await
        .expect_err("invalid");
    assert_eq!(status.code(), Code::InvalidArgument);
    assert_eq!(
        violated_fields(&status),
        [
            "request_id",
            "recipient_iin",
            "application",
            "complaint",
            "parameters[registration_date]",
            "phone",
            "email"
        ]
    );
    // Personal data is never echoed back in the descriptions.
    assert!(!format!("{:?}", status.details()).contains("not-an-address"));
    assert!(outbox(&app, "").await.is_empty());
    app.stop().await;
    gateway.stop().await;
}
