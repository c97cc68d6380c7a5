//! A gateway fault is not an answer: the text message waits and is retried;
//! the personal-account notice is never held up.

use housing_proto::housing::notification::v1 as pb;
use housing_storage::testing::TestDatabase;

use crate::support::*;

housing_storage::storage_test_suite!(
    &notification::storage::MIGRATIONS;
    the_text_waits_for_the_mobile_citizens_database_and_goes_out_when_it_is_back,
    a_number_unlinked_meanwhile_ends_the_waiting_text_for_good,
);

async fn the_text_waits_for_the_mobile_citizens_database_and_goes_out_when_it_is_back(
    database: &TestDatabase,
) {
    let gateway = TestGateway::spawn().await;
    gateway.put_mobile_citizen(&iin(50), true, true).await;
    gateway.set_mobile_citizens_outage(true).await;
    let app = TestApp::spawn_with(
        database,
        &gateway,
        &[
            // The text outlasts the outage (some 30 s of attempts) however
            // slow the machine.
            ("HOUSING_NOTIFICATION_RETRY_MAX_ATTEMPTS", "100"),
            ("HOUSING_NOTIFICATION_RETRY_MAX_BACKOFF_MS", "300"),
        ],
    )
    .await;

    let mut request = withdrawal("cases/50/decisions/1", &iin(50));
    request.email = EMAIL.to_owned();
    let notice = send(&mut app.sender(), request).await;
    assert_eq!(
        channels(&notice),
        [
            pb::Channel::PersonalAccount,
            pb::Channel::Sms,
            pb::Channel::Email
        ]
    );
    let personal_account = delivery(&notice, pb::Channel::PersonalAccount).expect("always");
    assert_eq!(state(&personal_account), pb::delivery::State::Delivered);
    let waiting = delivery(&notice, pb::Channel::Sms).expect("a waiting text");
    assert_eq!(state(&waiting), pb::delivery::State::TechnicalFailure);
    assert!(waiting.failure_reason.starts_with("REGISTER_UNAVAILABLE"));
    assert!(waiting.address.is_empty());
    assert!(waiting.next_attempt_time.is_some());
    // The e-mail does not wait for the gateway.
    let email = settled_delivery(&app, &notice.name, pb::Channel::Email).await;
    assert_eq!(state(&email), pb::delivery::State::Delivered);

    gateway.set_mobile_citizens_outage(false).await;
    let sms = settled_delivery(&app, &notice.name, pb::Channel::Sms).await;
    assert_eq!(state(&sms), pb::delivery::State::Delivered);
    assert_eq!(sms.address, LINKED_NUMBER);
    assert!(sms.attempts >= 2);
    let texts: Vec<pb::OutboxMessage> = outbox(&app, &notice.name)
        .await
        .into_iter()
        .filter(|message| message.channel == pb::Channel::Sms as i32)
        .collect();
    assert_eq!(texts.len(), 1);
    assert_eq!(texts[0].address, LINKED_NUMBER);
    app.stop().await;
    gateway.stop().await;
}

async fn a_number_unlinked_meanwhile_ends_the_waiting_text_for_good(database: &TestDatabase) {
    let gateway = TestGateway::spawn().await;
    gateway.put_mobile_citizen(&iin(51), true, true).await;
    gateway.set_mobile_citizens_outage(true).await;
    let app = TestApp::spawn_with(
        database,
        &gateway,
        &[
            // The text outlasts the outage (some 30 s of attempts) however
            // slow the machine.
            ("HOUSING_NOTIFICATION_RETRY_MAX_ATTEMPTS", "100"),
            ("HOUSING_NOTIFICATION_RETRY_MAX_BACKOFF_MS", "300"),
        ],
    )
    .await;
    let notice = send(
        &mut app.sender(),
        withdrawal("cases/51/decisions/1", &iin(51)),
    )
    .await;
    let waiting = delivery(&notice, pb::Channel::Sms).expect("a waiting text");
    assert_eq!(state(&waiting), pb::delivery::State::TechnicalFailure);

    gateway.put_mobile_citizen(&iin(51), true, false).await;
    gateway.set_mobile_citizens_outage(false).await;
    let sms = settled_delivery(&app, &notice.name, pb::Channel::Sms).await;
    assert_eq!(state(&sms), pb::delivery::State::PermanentFailure);
    assert!(sms.failure_reason.starts_with("MOBILE_CITIZEN_NOT_LINKED"));
    assert!(outbox(&app, &notice.name).await.is_empty());
    app.stop().await;
    gateway.stop().await;
}
