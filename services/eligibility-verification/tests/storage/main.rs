//! The storage conformance suite: every test runs on SQLite and on
//! PostgreSQL (`housing_storage::storage_test_suite!`), each on a fresh
//! database, through the store's public API.

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use eligibility_verification::model::CaseState;
use eligibility_verification::names::CaseId;
use eligibility_verification::storage::{
    CaseRecord, Commit, Destination, MIGRATIONS, NewCase, NewOutboxMessage, NewRegisterEntry,
    RegisterEntryChange, Store, StoreError,
};
use housing_domain::Iin;
use housing_domain::eligibility::{Kato, Track};
use housing_storage::testing::TestDatabase;

/// A trace context as `housing_platform::telemetry::current_trace_context` writes it.
const TRACE_CONTEXT: &str = "traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\n\
     tracestate: congo=t61rcWkgMzE";

housing_storage::storage_test_suite!(
    &MIGRATIONS;
    a_case_is_opened_once,
    a_stale_commit_writes_nothing,
    register_positions_follow_submission_within_a_locality,
    outbox_messages_of_a_case_and_destination_are_due_one_at_a_time,
    a_claimed_case_is_not_claimed_again_until_its_lease_ends,
    a_confirmed_registration_keeps_its_date_and_decision,
);

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .expect("an instant")
        .with_timezone(&Utc)
}

fn new_case(id: &str, locality: &str, submitted: &str) -> NewCase {
    NewCase {
        id: CaseId::parse(id).expect("an id"),
        request_id: format!("applications/{id}"),
        form: vec![1, 2, 3],
        applicant: Iin::parse("900512490013").expect("an IIN"),
        representative: None,
        locality: Kato::parse(locality).expect("a KATO code"),
        track: Track::NoHousing,
        submit_time: at(submitted),
        acceptance_date: NaiveDate::from_ymd_opt(2026, 4, 15).expect("a date"),
        processing_deadline: at("2026-04-16T18:30:00+05:00"),
        now: at("2026-04-15T10:00:00+05:00"),
        trace_context: Some(TRACE_CONTEXT.to_owned()),
    }
}

async fn open(store: &Store, id: &str, locality: &str, submitted: &str) -> CaseRecord {
    let case = new_case(id, locality, submitted);
    store.insert_case(&case).await.expect("opened");
    store.case(&case.id).await.expect("read").expect("present")
}

/// A commit that only changes the case (and writes `outbox`).
fn change(case: &CaseRecord, outbox: Vec<NewOutboxMessage>) -> Commit {
    let mut next = case.clone();
    next.update_time = case.update_time + TimeDelta::seconds(1);
    Commit {
        case: next,
        decision: None,
        register_entry: None,
        hearing: None,
        outbox: Box::new(move |_| outbox),
        request: None,
    }
}

fn register(case: &CaseRecord) -> Commit {
    let mut commit = change(case, Vec::new());
    commit.case.state = CaseState::Registered;
    commit.case.register_entry_active = true;
    commit.register_entry = Some(RegisterEntryChange::Activate(NewRegisterEntry {
        locality: case.locality,
        category: None,
        submit_time: case.submit_time,
        registration_date: NaiveDate::from_ymd_opt(2026, 4, 15).expect("a date"),
        decision: 1,
        publish: true,
    }));
    commit
}

async fn a_case_is_opened_once(test_database: &TestDatabase) {
    let database = test_database.database.clone();
    let store = Store::new(database);
    let case = new_case("app-1", "351010000", "2026-04-15T09:00:00+05:00");
    store.insert_case(&case).await.expect("opened");
    assert!(matches!(
        store.insert_case(&case).await,
        Err(StoreError::Duplicate)
    ));
    let stored = store.case(&case.id).await.expect("read").expect("present");
    assert_eq!(stored.state, CaseState::Verifying);
    assert_eq!(stored.next_attempt_time, Some(case.now), "due at once");
    assert_eq!(stored.form, vec![1, 2, 3]);
    assert_eq!(stored.trace_context.as_deref(), Some(TRACE_CONTEXT));
    assert_eq!(stored, CaseRecord::opened(case), "read back as written");
}

async fn a_stale_commit_writes_nothing(test_database: &TestDatabase) {
    let database = test_database.database.clone();
    let store = Store::new(database);
    let case = open(&store, "app-1", "351010000", "2026-04-15T09:00:00+05:00").await;
    let message = NewOutboxMessage {
        destination: Destination::Intake,
        payload: b"event".to_vec(),
        trace_context: None,
    };
    store
        .commit(change(&case, vec![message.clone()]))
        .await
        .expect("the first writer wins");
    // A second writer still holding the old version loses, entirely.
    let mut stale = register(&case);
    stale.outbox = Box::new(move |_| vec![message]);
    assert!(matches!(store.commit(stale).await, Err(StoreError::Stale)));
    let stored = store.case(&case.id).await.expect("read").expect("present");
    assert_eq!(stored.version, case.version + 1);
    assert_eq!(stored.state, CaseState::Verifying);
    assert!(
        store
            .register_entry(&case.id)
            .await
            .expect("read")
            .is_none()
    );
    assert_eq!(store.pending_outbox_count().await.expect("count"), 1);
}

async fn register_positions_follow_submission_within_a_locality(test_database: &TestDatabase) {
    let database = test_database.database.clone();
    let store = Store::new(database);
    // Two districts of Almaty are one locality; Karaganda is another.
    let later_in_almaty = open(&store, "a-late", "751110000", "2026-04-15T10:00:00+05:00").await;
    let earlier_in_almaty = open(&store, "a-early", "751510000", "2026-04-15T09:00:00+05:00").await;
    let karaganda = open(&store, "k-1", "351010000", "2026-04-15T08:00:00+05:00").await;
    for case in [&later_in_almaty, &karaganda, &earlier_in_almaty] {
        store.commit(register(case)).await.expect("registered");
    }
    let entry = |case: &CaseRecord| {
        let store = store.clone();
        let id = case.id.clone();
        async move {
            store
                .register_entry(&id)
                .await
                .expect("read")
                .expect("an entry")
        }
    };
    let (late, late_position) = entry(&later_in_almaty).await;
    let (early, early_position) = entry(&earlier_in_almaty).await;
    let (_, karaganda_position) = entry(&karaganda).await;
    assert_eq!(early_position, 1, "submitted first, registered last");
    assert_eq!(late_position, 2);
    assert_eq!(karaganda_position, 1);
    assert!(early.ordinal > late.ordinal, "ordinals follow registration");

    // Taken off the register: those behind move up; its ordinal is kept.
    let current = store
        .case(&earlier_in_almaty.id)
        .await
        .expect("read")
        .expect("present");
    let mut off = change(&current, Vec::new());
    off.case.state = CaseState::Denied;
    off.case.register_entry_active = false;
    off.register_entry = Some(RegisterEntryChange::Deactivate);
    store.commit(off).await.expect("deactivated");
    assert_eq!(entry(&later_in_almaty).await.1, 1);
    let (inactive, position) = entry(&earlier_in_almaty).await;
    assert!(!inactive.active);
    assert_eq!(position, 0);
    assert_eq!(inactive.ordinal, early.ordinal);

    let published = store
        .published_entries("75", None, 10)
        .await
        .expect("published");
    assert_eq!(published.len(), 1);
    assert_eq!(published[0].ordinal, late.ordinal);
}

async fn outbox_messages_of_a_case_and_destination_are_due_one_at_a_time(
    test_database: &TestDatabase,
) {
    let database = test_database.database.clone();
    let store = Store::new(database);
    let case = open(&store, "app-1", "351010000", "2026-04-15T09:00:00+05:00").await;
    let message = |destination, payload: &[u8], trace_context: Option<&str>| NewOutboxMessage {
        destination,
        payload: payload.to_vec(),
        trace_context: trace_context.map(str::to_owned),
    };
    store
        .commit(change(
            &case,
            vec![
                message(Destination::Intake, b"first event", Some(TRACE_CONTEXT)),
                // Written with no trace context (as before the column existed).
                message(Destination::Notification, b"notice", None),
                message(Destination::Intake, b"second event", Some(TRACE_CONTEXT)),
            ],
        ))
        .await
        .expect("written");
    let now = at("2026-04-15T11:00:00+05:00");
    let due = store.due_outbox_messages(now, 10).await.expect("due");
    let payloads: Vec<&[u8]> = due
        .iter()
        .map(|message| message.payload.as_slice())
        .collect();
    assert_eq!(payloads, [b"first event".as_slice(), b"notice".as_slice()]);
    assert_eq!(due[0].trace_context.as_deref(), Some(TRACE_CONTEXT));
    assert_eq!(due[1].trace_context, None);

    // The first event fails: the second waits behind it.
    let first = &due[0];
    store
        .mark_outbox_failed(first.id, "UNAVAILABLE", now + TimeDelta::minutes(1), false)
        .await
        .expect("failure recorded");
    store
        .mark_outbox_delivered(&[due[1].id], now)
        .await
        .expect("delivered");
    assert!(
        store
            .due_outbox_messages(now, 10)
            .await
            .expect("due")
            .is_empty()
    );

    let later = now + TimeDelta::minutes(1);
    let due = store.due_outbox_messages(later, 10).await.expect("due");
    assert_eq!(due.len(), 1);
    assert_eq!(due[0].payload, b"first event");
    assert_eq!(due[0].attempts, 1);
    store
        .mark_outbox_delivered(&[due[0].id], later)
        .await
        .expect("delivered");
    let due = store.due_outbox_messages(later, 10).await.expect("due");
    assert_eq!(due.len(), 1);
    assert_eq!(due[0].payload, b"second event");
    store
        .mark_outbox_failed(due[0].id, "INVALID_ARGUMENT", later, true)
        .await
        .expect("abandoned");
    assert_eq!(store.pending_outbox_count().await.expect("count"), 0);
}

async fn a_claimed_case_is_not_claimed_again_until_its_lease_ends(test_database: &TestDatabase) {
    let database = test_database.database.clone();
    let store = Store::new(database);
    let case = open(&store, "app-1", "351010000", "2026-04-15T09:00:00+05:00").await;
    let now = at("2026-04-15T10:00:00+05:00");
    let lease_end = now + TimeDelta::minutes(2);
    let claimed = store
        .claim_due_cases(now, lease_end, 10)
        .await
        .expect("claimed");
    assert_eq!(claimed.len(), 1);
    assert_eq!(claimed[0].version, case.version + 1);
    assert_eq!(
        claimed[0].trace_context.as_deref(),
        Some(TRACE_CONTEXT),
        "the worker gets the trace to continue"
    );
    assert!(
        store
            .claim_due_cases(now, lease_end, 10)
            .await
            .expect("nothing due")
            .is_empty()
    );
    // The claimer's commit goes through; one holding the version before the claim does not.
    assert!(matches!(
        store.commit(change(&case, Vec::new())).await,
        Err(StoreError::Stale)
    ));
    // A worker that died: the case is due again when the lease ends.
    let again = store
        .claim_due_cases(lease_end, lease_end + TimeDelta::minutes(2), 10)
        .await
        .expect("claimed again");
    assert_eq!(again.len(), 1);
    assert!(matches!(
        store.commit(change(&claimed[0], Vec::new())).await,
        Err(StoreError::Stale)
    ));
    store
        .commit(change(&again[0], Vec::new()))
        .await
        .expect("the latest claimer writes");
    let stored = store.case(&case.id).await.expect("read").expect("present");
    assert_eq!(
        stored.trace_context.as_deref(),
        Some(TRACE_CONTEXT),
        "a change keeps the trace of the case"
    );
}

async fn a_confirmed_registration_keeps_its_date_and_decision(test_database: &TestDatabase) {
    let database = test_database.database.clone();
    let store = Store::new(database);
    let case = open(&store, "app-1", "351010000", "2026-04-15T09:00:00+05:00").await;
    store.commit(register(&case)).await.expect("registered");
    let (first, _) = store
        .register_entry(&case.id)
        .await
        .expect("read")
        .expect("an entry");

    // A re-evaluation registers again, days later, as decision 2.
    let current = store.case(&case.id).await.expect("read").expect("present");
    let mut again = register(&current);
    if let Some(RegisterEntryChange::Activate(entry)) = &mut again.register_entry {
        entry.registration_date = NaiveDate::from_ymd_opt(2026, 5, 4).expect("a date");
        entry.decision = 2;
    }
    store.commit(again).await.expect("confirmed");
    let (confirmed, position) = store
        .register_entry(&case.id)
        .await
        .expect("read")
        .expect("an entry");
    assert_eq!(confirmed.ordinal, first.ordinal);
    assert_eq!(confirmed.registration_date, first.registration_date);
    assert_eq!(confirmed.decision, 1);
    assert_eq!(position, 1);
}
