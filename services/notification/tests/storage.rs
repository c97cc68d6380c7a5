//! The store behaves the same on PostgreSQL and SQLite: notices round-trip
//! with their deliveries, the request_id is unique and a replay gets the
//! first notice, a failed insert leaves nothing behind, claims never share a
//! delivery, outcomes of a lost attempt are refused, stuck deliveries are
//! found, and the outbox accepts a key once.

use std::collections::HashSet;
use std::time::Duration;

use housing_domain::Iin;
use housing_storage::Database;
use housing_storage::sqlx;
use housing_storage::testing::TestDatabase;
use notification::clock;
use notification::contact::ContactAddress;
use notification::notice::{
    Channel, DeliveryState, Language, NotificationId, NotificationKind, RenderedText,
    TemplateReference,
};
use notification::storage::{
    DeliveryUpdate, InsertedNotice, MIGRATIONS, NewDelivery, NewNotice, NoticeFilter,
    NotificationStore, OutboxFilter, OutboxMessage, StoreError,
};

fn recipient(n: u8) -> Iin {
    // Valid IINs (check digit computed offline).
    let text = match n {
        1 => "900101300126",
        2 => "850610300002",
        _ => "950202400001",
    };
    Iin::parse(text).expect("a valid IIN")
}

fn address(text: &str) -> Option<ContactAddress> {
    Some(ContactAddress::from_stored(text.to_owned()))
}

fn new_notice(request_id: &str, recipient: Iin, application: &str) -> NewNotice {
    let now = clock::now();
    NewNotice {
        id: NotificationId::generate(),
        request_id: request_id.to_owned(),
        request_fingerprint: format!("fingerprint of {request_id}"),
        recipient,
        application: application.to_owned(),
        complaint: String::new(),
        kind: NotificationKind::Withdrawal,
        template: TemplateReference {
            template: "withdrawal".to_owned(),
            version: 1,
        },
        texts: vec![
            RenderedText {
                language: Language::Kazakh,
                subject: "Өтініш кері қайтарып алынды".to_owned(),
                body: "Мәтін".to_owned(),
            },
            RenderedText {
                language: Language::Russian,
                subject: "Заявление отозвано".to_owned(),
                body: "Текст".to_owned(),
            },
        ],
        requested_by: "eligibility-verification".to_owned(),
        create_time: now,
        deliveries: vec![
            NewDelivery {
                channel: Channel::PersonalAccount,
                state: DeliveryState::Delivered,
                address: None,
                awaiting_mobile_citizen_check: false,
                attempts: 1,
                next_attempt_time: None,
                failure_reason: String::new(),
            },
            NewDelivery {
                channel: Channel::Email,
                state: DeliveryState::Created,
                address: address("someone@example.kz"),
                awaiting_mobile_citizen_check: false,
                attempts: 0,
                next_attempt_time: Some(now),
                failure_reason: String::new(),
            },
        ],
    }
}

async fn count(database: &Database, table: &str) -> i64 {
    sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
        .fetch_one(database.pool())
        .await
        .expect("count")
}

fn delivered(now: chrono::DateTime<chrono::Utc>, reference: &str) -> DeliveryUpdate {
    DeliveryUpdate {
        state: DeliveryState::Delivered,
        address: address("someone@example.kz"),
        awaiting_mobile_citizen_check: false,
        next_attempt_time: None,
        failure_reason: String::new(),
        provider_reference: reference.to_owned(),
        update_time: now,
    }
}

async fn a_notice_round_trips_with_its_deliveries(test_database: &TestDatabase) {
    let database = test_database.database.clone();
    let store = NotificationStore::new(database);
    let new = new_notice("decisions/1", recipient(1), "applications/1");
    let InsertedNotice::Created(created) = store.insert_notice(&new).await.expect("insert") else {
        panic!("a first insert creates");
    };
    let read = store.notice(&new.id).await.expect("read").expect("present");
    assert_eq!(read.notice, created.notice);
    assert_eq!(read.request_fingerprint, new.request_fingerprint);
    assert_eq!(read.notice.deliveries.len(), 2);
    assert_eq!(read.notice.deliveries[0].channel, Channel::PersonalAccount);
    assert_eq!(
        read.notice
            .text(Language::Kazakh)
            .map(|text| text.subject.as_str()),
        Some("Өтініш кері қайтарып алынды")
    );
    let by_key = store
        .notice_by_request_id("decisions/1")
        .await
        .expect("read")
        .expect("present");
    assert_eq!(by_key.notice, created.notice);
    assert!(
        store
            .notice(&NotificationId::generate())
            .await
            .expect("read")
            .is_none()
    );
}

async fn a_second_insert_under_the_same_key_returns_the_first(test_database: &TestDatabase) {
    let database = test_database.database.clone();
    let store = NotificationStore::new(database.clone());
    let first = new_notice("decisions/2", recipient(1), "applications/2");
    store.insert_notice(&first).await.expect("first insert");
    let second = new_notice("decisions/2", recipient(1), "applications/2");
    match store.insert_notice(&second).await.expect("second insert") {
        InsertedNotice::Existing(existing) => assert_eq!(existing.notice.id, first.id),
        InsertedNotice::Created(_) => panic!("the key was taken"),
    }
    assert_eq!(count(&database, "notifications").await, 1);
    assert_eq!(count(&database, "deliveries").await, 2);
}

async fn a_failed_insert_leaves_nothing_half_written(test_database: &TestDatabase) {
    let database = test_database.database.clone();
    let store = NotificationStore::new(database.clone());
    let mut broken = new_notice("decisions/3", recipient(1), "applications/3");
    // Two deliveries on one channel break the unique key after the notice row is written.
    let duplicate = broken.deliveries[1].clone();
    broken.deliveries.push(duplicate);
    let result = store.insert_notice(&broken).await;
    assert!(matches!(result, Err(StoreError::Storage(_))), "{result:?}");
    assert_eq!(count(&database, "notifications").await, 0);
    assert_eq!(count(&database, "deliveries").await, 0);
}

async fn lists_are_newest_first_filtered_and_paged(test_database: &TestDatabase) {
    let database = test_database.database.clone();
    let store = NotificationStore::new(database);
    let mut ids = Vec::new();
    for n in 0..4 {
        let new = new_notice(&format!("decisions/l{n}"), recipient(1), "applications/7");
        store.insert_notice(&new).await.expect("insert");
        ids.push(new.id);
    }
    store
        .insert_notice(&new_notice(
            "decisions/other",
            recipient(2),
            "applications/8",
        ))
        .await
        .expect("insert");

    let filter = NoticeFilter {
        recipient: Some(recipient(1)),
        application: Some("applications/7".to_owned()),
    };
    let first = store.list_notices(&filter, None, 3).await.expect("list");
    let after = first.last().map(|last| last.sequence);
    let second = store.list_notices(&filter, after, 3).await.expect("list");
    let listed: Vec<NotificationId> = first
        .iter()
        .chain(&second)
        .map(|stored| stored.notice.id.clone())
        .collect();
    ids.reverse();
    assert_eq!(listed, ids);
    let everything = store
        .list_notices(&NoticeFilter::default(), None, 100)
        .await
        .expect("list");
    assert_eq!(everything.len(), 5);
    assert!(
        everything
            .iter()
            .all(|stored| stored.notice.deliveries.len() == 2)
    );
}

async fn claims_take_due_deliveries_once(test_database: &TestDatabase) {
    let database = test_database.database.clone();
    let store = NotificationStore::new(database);
    let mut later = new_notice("decisions/c2", recipient(1), "applications/1");
    later.deliveries[1].next_attempt_time =
        Some(clock::after(clock::now(), Duration::from_secs(3600)));
    store.insert_notice(&later).await.expect("insert");
    let due = new_notice("decisions/c1", recipient(1), "applications/1");
    store.insert_notice(&due).await.expect("insert");

    let claimed = store
        .claim_due_deliveries(clock::now(), 10)
        .await
        .expect("claim");
    assert_eq!(
        claimed.len(),
        1,
        "only the due e-mail; never the personal account"
    );
    let delivery = &claimed[0];
    assert_eq!(delivery.notification, due.id);
    assert_eq!(delivery.channel, Channel::Email);
    assert_eq!(delivery.attempts, 1);
    assert_eq!(delivery.recipient, recipient(1));
    assert_eq!(delivery.texts.len(), 2);
    assert!(
        store
            .claim_due_deliveries(clock::now(), 10)
            .await
            .expect("claim")
            .is_empty()
    );
    let notice = store.notice(&due.id).await.expect("read").expect("present");
    assert_eq!(notice.notice.deliveries[1].state, DeliveryState::Sending);
    assert_eq!(notice.notice.deliveries[1].next_attempt_time, None);

    // An outcome for another attempt number is refused; the right one lands.
    let now = clock::now();
    assert!(
        !store
            .record_delivery_outcome(delivery.delivery_id, 2, &delivered(now, "outbox/1"))
            .await
            .expect("record")
    );
    assert!(
        store
            .record_delivery_outcome(delivery.delivery_id, 1, &delivered(now, "outbox/1"))
            .await
            .expect("record")
    );
    assert!(
        !store
            .record_delivery_outcome(delivery.delivery_id, 1, &delivered(now, "outbox/1"))
            .await
            .expect("record"),
        "a delivery no longer SENDING takes no outcome"
    );
    let notice = store.notice(&due.id).await.expect("read").expect("present");
    assert_eq!(notice.notice.deliveries[1].state, DeliveryState::Delivered);
    assert_eq!(notice.notice.deliveries[1].provider_reference, "outbox/1");
}

async fn concurrent_claims_never_share_a_delivery(test_database: &TestDatabase) {
    let database = test_database.database.clone();
    let store = NotificationStore::new(database);
    for n in 0..30 {
        store
            .insert_notice(&new_notice(
                &format!("decisions/k{n}"),
                recipient(1),
                "applications/1",
            ))
            .await
            .expect("insert");
    }
    let mut workers = tokio::task::JoinSet::new();
    for _ in 0..4 {
        let store = store.clone();
        workers.spawn(async move {
            let mut taken = Vec::new();
            loop {
                let claimed = store
                    .claim_due_deliveries(clock::now(), 4)
                    .await
                    .expect("claim");
                if claimed.is_empty() {
                    return taken;
                }
                taken.extend(claimed.into_iter().map(|delivery| delivery.delivery_id));
            }
        });
    }
    let mut all = Vec::new();
    while let Some(taken) = workers.join_next().await {
        all.extend(taken.expect("a worker finished"));
    }
    let distinct: HashSet<i64> = all.iter().copied().collect();
    assert_eq!(all.len(), 30);
    assert_eq!(distinct.len(), 30);
}

async fn deliveries_sending_too_long_are_found_stuck(test_database: &TestDatabase) {
    let database = test_database.database.clone();
    let store = NotificationStore::new(database);
    let new = new_notice("decisions/s1", recipient(1), "applications/1");
    store.insert_notice(&new).await.expect("insert");
    let claimed_at = clock::now();
    let claimed = store
        .claim_due_deliveries(claimed_at, 10)
        .await
        .expect("claim");
    assert_eq!(claimed.len(), 1);

    let before_the_claim = clock::before(claimed_at, Duration::from_secs(1));
    assert!(
        store
            .stuck_deliveries(before_the_claim, 10)
            .await
            .expect("stuck")
            .is_empty()
    );
    let stuck = store
        .stuck_deliveries(clock::after(claimed_at, Duration::from_secs(1)), 10)
        .await
        .expect("stuck");
    assert_eq!(stuck.len(), 1);
    assert_eq!(stuck[0].delivery_id, claimed[0].delivery_id);
    assert_eq!(stuck[0].attempts, 1);
    assert_eq!(
        stuck[0].address.as_ref().map(ContactAddress::as_str),
        Some("someone@example.kz")
    );

    // Taken back for a retry, it is due again and no longer stuck.
    let retry_at = clock::now();
    let taken_back = DeliveryUpdate {
        state: DeliveryState::TechnicalFailure,
        address: stuck[0].address.clone(),
        awaiting_mobile_citizen_check: false,
        next_attempt_time: Some(retry_at),
        failure_reason: "STUCK_IN_SENDING: test".to_owned(),
        provider_reference: String::new(),
        update_time: retry_at,
    };
    assert!(
        store
            .record_delivery_outcome(stuck[0].delivery_id, 1, &taken_back)
            .await
            .expect("record")
    );
    assert!(
        store
            .stuck_deliveries(clock::after(claimed_at, Duration::from_secs(1)), 10)
            .await
            .expect("stuck")
            .is_empty()
    );
    let again = store
        .claim_due_deliveries(clock::now(), 10)
        .await
        .expect("claim");
    assert_eq!(again.len(), 1);
    assert_eq!(again[0].attempts, 2);
}

async fn the_outbox_accepts_a_key_once_and_lists_oldest_first(test_database: &TestDatabase) {
    let database = test_database.database.clone();
    let store = NotificationStore::new(database.clone());
    let message = |key: &str, channel: Channel| OutboxMessage {
        message_key: key.to_owned(),
        channel,
        address: ContactAddress::from_stored("+77015550000".to_owned()),
        subject: String::new(),
        body: "Мәтін\n\nТекст".to_owned(),
        notification: format!("notifications/{}", key.len()),
        create_time: clock::now(),
    };
    let first = store
        .accept_outbox_message(&message("k/sms", Channel::Sms))
        .await
        .expect("accept");
    let again = store
        .accept_outbox_message(&message("k/sms", Channel::Sms))
        .await
        .expect("accept");
    assert_eq!(first, again);
    store
        .accept_outbox_message(&message("k/email", Channel::Email))
        .await
        .expect("accept");
    assert_eq!(count(&database, "outbox_messages").await, 2);

    let all = store
        .list_outbox_messages(&OutboxFilter::default(), None, 10)
        .await
        .expect("list");
    let keys: Vec<&str> = all
        .iter()
        .map(|stored| stored.message.message_key.as_str())
        .collect();
    assert_eq!(keys, ["k/sms", "k/email"]);
    let texts = store
        .list_outbox_messages(
            &OutboxFilter {
                channel: Some(Channel::Sms),
                notification: None,
            },
            None,
            10,
        )
        .await
        .expect("list");
    assert_eq!(texts.len(), 1);
    let after_first = store
        .list_outbox_messages(&OutboxFilter::default(), Some(first), 10)
        .await
        .expect("list");
    assert_eq!(after_first.len(), 1);
    assert_eq!(after_first[0].message.message_key, "k/email");
}

housing_storage::storage_test_suite!(
    &MIGRATIONS;
    a_notice_round_trips_with_its_deliveries,
    a_second_insert_under_the_same_key_returns_the_first,
    a_failed_insert_leaves_nothing_half_written,
    lists_are_newest_first_filtered_and_paged,
    claims_take_due_deliveries_once,
    concurrent_claims_never_share_a_delivery,
    deliveries_sending_too_long_are_found_stuck,
    the_outbox_accepts_a_key_once_and_lists_oldest_first,
);
