//! DECISION_NOTICE: the personal account always; a text message only to the
//! number the mobile citizens database shows registered and linked; e-mail
//! when given.

use housing_proto::housing::notification::v1 as pb;
use housing_storage::testing::TestDatabase;

use crate::support::*;

housing_storage::storage_test_suite!(
    &notification::storage::MIGRATIONS;
    a_registered_and_linked_number_gets_the_text_message,
    a_registered_number_not_linked_gets_no_text_message,
    a_person_unknown_to_the_database_gets_no_text_message,
    an_email_address_given_gets_an_email,
    the_text_goes_to_the_linked_number_not_the_one_on_the_form,
);

async fn a_registered_and_linked_number_gets_the_text_message(database: &TestDatabase) {
    let gateway = TestGateway::spawn().await;
    gateway.put_mobile_citizen(&iin(1), true, true).await;
    let app = TestApp::spawn(database, &gateway).await;

    let mut request = withdrawal("decisions/1", &iin(1));
    request.phone = LINKED_NUMBER.to_owned();
    let notice = send(&mut app.sender(), request).await;
    assert_eq!(
        channels(&notice),
        [pb::Channel::PersonalAccount, pb::Channel::Sms]
    );
    let personal_account = delivery(&notice, pb::Channel::PersonalAccount).expect("always");
    assert_eq!(state(&personal_account), pb::delivery::State::Delivered);

    let sms = settled_delivery(&app, &notice.name, pb::Channel::Sms).await;
    assert_eq!(state(&sms), pb::delivery::State::Delivered);
    assert_eq!(sms.address, LINKED_NUMBER);
    assert_eq!(sms.attempts, 1);
    assert!(sms.provider_reference.starts_with("outbox/"));

    let messages = outbox(&app, &notice.name).await;
    assert_eq!(messages.len(), 1);
    let message = &messages[0];
    assert_eq!(message.channel, pb::Channel::Sms as i32);
    assert_eq!(message.address, LINKED_NUMBER);
    // Both languages, Kazakh first.
    let kazakh = text(&notice, pb::Language::Kk);
    let russian = text(&notice, pb::Language::Ru);
    let kazakh_at = message.body.find(&kazakh.body).expect("the Kazakh text");
    let russian_at = message.body.find(&russian.body).expect("the Russian text");
    assert!(kazakh_at < russian_at);

    // The look-up went through the gateway identified after X-Road (its
    // query log is written behind the answer, hence the wait).
    eventually(|| async {
        gateway.logged_queries().await.into_iter().find(|entry| {
            entry.client_system == "notification"
                && entry.case_id == "applications/1001"
                && entry.on_behalf_of == SENDER
        })
    })
    .await;
    app.stop().await;
    gateway.stop().await;
}

async fn a_registered_number_not_linked_gets_no_text_message(database: &TestDatabase) {
    let gateway = TestGateway::spawn().await;
    gateway.put_mobile_citizen(&iin(2), true, false).await;
    let app = TestApp::spawn(database, &gateway).await;

    let mut request = withdrawal("decisions/2", &iin(2));
    request.phone = LINKED_NUMBER.to_owned();
    let notice = send(&mut app.sender(), request).await;
    assert_eq!(channels(&notice), [pb::Channel::PersonalAccount]);
    assert!(outbox(&app, &notice.name).await.is_empty());
    app.stop().await;
    gateway.stop().await;
}

async fn a_person_unknown_to_the_database_gets_no_text_message(database: &TestDatabase) {
    let gateway = TestGateway::spawn().await;
    let app = TestApp::spawn(database, &gateway).await;

    let mut request = withdrawal("decisions/3", &iin(3));
    request.phone = LINKED_NUMBER.to_owned();
    let notice = send(&mut app.sender(), request).await;
    assert_eq!(channels(&notice), [pb::Channel::PersonalAccount]);
    assert!(outbox(&app, &notice.name).await.is_empty());
    app.stop().await;
    gateway.stop().await;
}

async fn an_email_address_given_gets_an_email(database: &TestDatabase) {
    let gateway = TestGateway::spawn().await;
    let app = TestApp::spawn(database, &gateway).await;

    let mut request = withdrawal("decisions/4", &iin(4));
    request.email = EMAIL.to_owned();
    let notice = send(&mut app.sender(), request).await;
    assert_eq!(
        channels(&notice),
        [pb::Channel::PersonalAccount, pb::Channel::Email]
    );
    let email = settled_delivery(&app, &notice.name, pb::Channel::Email).await;
    assert_eq!(state(&email), pb::delivery::State::Delivered);
    assert_eq!(email.address, EMAIL);

    let messages = outbox(&app, &notice.name).await;
    assert_eq!(messages.len(), 1);
    let message = &messages[0];
    assert_eq!(message.channel, pb::Channel::Email as i32);
    assert_eq!(message.address, EMAIL);
    let kazakh = text(&notice, pb::Language::Kk);
    let russian = text(&notice, pb::Language::Ru);
    assert_eq!(
        message.subject,
        format!("{} / {}", kazakh.subject, russian.subject)
    );
    assert!(message.body.contains(&kazakh.body) && message.body.contains(&russian.body));
    app.stop().await;
    gateway.stop().await;
}

async fn the_text_goes_to_the_linked_number_not_the_one_on_the_form(database: &TestDatabase) {
    let gateway = TestGateway::spawn().await;
    gateway.put_mobile_citizen(&iin(5), true, true).await;
    let app = TestApp::spawn(database, &gateway).await;

    let mut request = withdrawal("decisions/5", &iin(5));
    request.phone = OTHER_NUMBER.to_owned();
    let notice = send(&mut app.sender(), request).await;
    let sms = settled_delivery(&app, &notice.name, pb::Channel::Sms).await;
    assert_eq!(sms.address, LINKED_NUMBER);
    let messages = outbox(&app, &notice.name).await;
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0].address, LINKED_NUMBER);
    assert!(
        messages
            .iter()
            .all(|message| message.address != OTHER_NUMBER)
    );
    app.stop().await;
    gateway.stop().await;
}
