//! The delivery lifecycle after GOV.UK Notify, against the built-in adapters
//! told to fail: retries with backoff, the ceiling, the provider timeout, and
//! the sweeper for deliveries stuck in SENDING.

use housing_proto::housing::notification::v1 as pb;
use housing_storage::testing::TestDatabase;
use notification::ScriptedFailure;
use notification::notice::Channel;

use crate::support::*;

housing_storage::storage_test_suite!(
    &notification::storage::MIGRATIONS;
    a_temporary_failure_is_retried_then_delivered,
    a_technical_failure_is_retried_then_delivered,
    a_permanent_failure_is_not_retried,
    retries_stop_at_the_ceiling_with_a_permanent_failure,
    a_provider_that_never_answers_is_a_technical_failure,
    a_delivery_stuck_in_sending_after_a_crash_is_swept_and_sent_once,
);

async fn a_temporary_failure_is_retried_then_delivered(database: &TestDatabase) {
    let gateway = TestGateway::spawn().await;
    let app = TestApp::spawn(database, &gateway).await;
    app.failures
        .fail_next(Channel::Email, 2, ScriptedFailure::Temporary);
    let mut request = withdrawal("cases/40/decisions/1", &iin(40));
    request.email = EMAIL.to_owned();
    let notice = send(&mut app.sender(), request).await;

    let email = settled_delivery(&app, &notice.name, pb::Channel::Email).await;
    assert_eq!(state(&email), pb::delivery::State::Delivered);
    assert_eq!(email.attempts, 3);
    assert!(email.failure_reason.is_empty());
    assert!(email.next_attempt_time.is_none());
    assert_eq!(outbox(&app, &notice.name).await.len(), 1);
    app.stop().await;
    gateway.stop().await;
}

async fn a_technical_failure_is_retried_then_delivered(database: &TestDatabase) {
    let gateway = TestGateway::spawn().await;
    gateway.put_mobile_citizen(&iin(41), true, true).await;
    let app = TestApp::spawn(database, &gateway).await;
    app.failures
        .fail_next(Channel::Sms, 1, ScriptedFailure::Technical);
    let notice = send(
        &mut app.sender(),
        withdrawal("cases/41/decisions/1", &iin(41)),
    )
    .await;

    let sms = settled_delivery(&app, &notice.name, pb::Channel::Sms).await;
    assert_eq!(state(&sms), pb::delivery::State::Delivered);
    assert_eq!(sms.attempts, 2);
    assert_eq!(outbox(&app, &notice.name).await.len(), 1);
    app.stop().await;
    gateway.stop().await;
}

async fn a_permanent_failure_is_not_retried(database: &TestDatabase) {
    let gateway = TestGateway::spawn().await;
    let app = TestApp::spawn(database, &gateway).await;
    app.failures
        .fail_next(Channel::Email, 1, ScriptedFailure::Permanent);
    let mut request = withdrawal("cases/42/decisions/1", &iin(42));
    request.email = EMAIL.to_owned();
    let notice = send(&mut app.sender(), request).await;

    let email = settled_delivery(&app, &notice.name, pb::Channel::Email).await;
    assert_eq!(state(&email), pb::delivery::State::PermanentFailure);
    assert_eq!(email.attempts, 1);
    assert!(
        email
            .failure_reason
            .starts_with("SCRIPTED_PERMANENT_FAILURE")
    );
    assert!(email.next_attempt_time.is_none());
    assert!(outbox(&app, &notice.name).await.is_empty());
    // The personal account is not affected by another channel's failure.
    let notice = get(&app, &notice.name).await;
    let personal_account = delivery(&notice, pb::Channel::PersonalAccount).expect("always");
    assert_eq!(state(&personal_account), pb::delivery::State::Delivered);
    app.stop().await;
    gateway.stop().await;
}

async fn retries_stop_at_the_ceiling_with_a_permanent_failure(database: &TestDatabase) {
    let gateway = TestGateway::spawn().await;
    gateway.put_mobile_citizen(&iin(43), true, true).await;
    let app = TestApp::spawn_with(
        database,
        &gateway,
        &[("HOUSING_NOTIFICATION_RETRY_MAX_ATTEMPTS", "3")],
    )
    .await;
    app.failures
        .fail_next(Channel::Sms, 10, ScriptedFailure::Temporary);
    let notice = send(
        &mut app.sender(),
        withdrawal("cases/43/decisions/1", &iin(43)),
    )
    .await;

    let sms = settled_delivery(&app, &notice.name, pb::Channel::Sms).await;
    assert_eq!(state(&sms), pb::delivery::State::PermanentFailure);
    assert_eq!(sms.attempts, 3);
    assert!(
        sms.failure_reason.starts_with(
            "ATTEMPTS_EXHAUSTED: gave up after 3 attempts; last: SCRIPTED_TEMPORARY_FAILURE"
        ),
        "{}",
        sms.failure_reason
    );
    // Exactly three attempts were made: seven scripted failures are left.
    assert_eq!(app.failures.remaining(Channel::Sms), 7);
    assert!(outbox(&app, &notice.name).await.is_empty());
    app.stop().await;
    gateway.stop().await;
}

async fn a_provider_that_never_answers_is_a_technical_failure(database: &TestDatabase) {
    let gateway = TestGateway::spawn().await;
    let app = TestApp::spawn_with(
        database,
        &gateway,
        &[
            // Short enough to wait out the provider that never answers,
            // long enough that the real second attempt is never cut off.
            ("HOUSING_NOTIFICATION_PROVIDER_TIMEOUT_MS", "1500"),
            ("HOUSING_NOTIFICATION_REGISTRY_TIMEOUT_MS", "2000"),
            ("HOUSING_NOTIFICATION_SENDING_TIMEOUT_MS", "5000"),
            // Long enough to read the failure before the retry, however
            // slow the machine.
            ("HOUSING_NOTIFICATION_RETRY_INITIAL_BACKOFF_MS", "3000"),
            ("HOUSING_NOTIFICATION_RETRY_MAX_BACKOFF_MS", "3000"),
        ],
    )
    .await;
    app.failures
        .fail_next(Channel::Email, 1, ScriptedFailure::NeverAnswer);
    let mut request = withdrawal("cases/44/decisions/1", &iin(44));
    request.email = EMAIL.to_owned();
    let notice = send(&mut app.sender(), request).await;

    let failed = eventually(|| async {
        delivery(&get(&app, &notice.name).await, pb::Channel::Email)
            .filter(|email| email.attempts == 1 && state(email) != pb::delivery::State::Sending)
    })
    .await;
    assert_eq!(state(&failed), pb::delivery::State::TechnicalFailure);
    assert!(failed.failure_reason.starts_with("PROVIDER_TIMEOUT"));
    assert!(failed.next_attempt_time.is_some());

    let email = settled_delivery(&app, &notice.name, pb::Channel::Email).await;
    assert_eq!(state(&email), pb::delivery::State::Delivered);
    assert_eq!(email.attempts, 2);
    app.stop().await;
    gateway.stop().await;
}

async fn a_delivery_stuck_in_sending_after_a_crash_is_swept_and_sent_once(database: &TestDatabase) {
    let gateway = TestGateway::spawn().await;
    let app = TestApp::spawn_with(
        database,
        &gateway,
        &[
            ("HOUSING_NOTIFICATION_PROVIDER_TIMEOUT_MS", "60000"),
            ("HOUSING_NOTIFICATION_SENDING_TIMEOUT_MS", "120000"),
        ],
    )
    .await;
    app.failures
        .fail_next(Channel::Email, 1, ScriptedFailure::NeverAnswer);
    let mut request = withdrawal("cases/45/decisions/1", &iin(45));
    request.email = EMAIL.to_owned();
    let notice = send(&mut app.sender(), request).await;
    let sending = eventually(|| async {
        delivery(&get(&app, &notice.name).await, pb::Channel::Email)
            .filter(|email| state(email) == pb::delivery::State::Sending)
    })
    .await;
    assert_eq!(sending.attempts, 1);
    app.crash().await;

    // After the crash the delivery is still SENDING; the restarted service's
    // sweeper finds it stuck once the suite's sending timeout (5 s) has run
    // out and hands it back for a retry. The timeouts are the suite's, so the
    // retry itself is never cut off or swept, however slow the machine.
    let restarted = TestApp::spawn(database, &gateway).await;
    let email = settled_delivery(&restarted, &notice.name, pb::Channel::Email).await;
    assert_eq!(state(&email), pb::delivery::State::Delivered);
    assert_eq!(email.attempts, 2);
    assert_eq!(outbox(&restarted, &notice.name).await.len(), 1);
    restarted.stop().await;
    gateway.stop().await;
}
