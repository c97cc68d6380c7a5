//! The intake store behaves the same on PostgreSQL and SQLite: the active
//! place, request ids, event ids and the outbox's order, claims and trace
//! contexts.

use application_intake::model::{
    Actor, ApplicationId, ApplicationState, SignatureRecord, StoredApplication, active_key,
};
use application_intake::storage::{
    ApplicationChange, IntakeStore, MIGRATIONS, NewEvent, NewOutboxMessage, NewSubmission,
    OutboxKind, StoreError, SubmitOutcome,
};
use chrono::{DateTime, NaiveDate, TimeDelta, TimeZone, Utc};
use housing_domain::Iin;
use housing_domain::eligibility::Kato;
use housing_storage::testing::TestDatabase;

const APPLICANT: &str = "900101300017";

/// A trace context as `housing_platform::telemetry::current_trace_context` writes it.
const TRACE_CONTEXT: &str = "traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\n\
     tracestate: congo=t61rcWkgMzE";

fn received() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 4, 15, 5, 0, 0)
        .single()
        .expect("an instant")
}

fn event(event_id: &str, state: ApplicationState) -> NewEvent {
    NewEvent {
        event_id: event_id.to_owned(),
        state,
        event_time: received(),
        decision: None,
        register_entry: None,
        processing_deadline: None,
        actor: Actor::intake(),
        rule_codes: Vec::new(),
        recorded_at: received(),
    }
}

fn submission(request_id: &str, locality: &str) -> NewSubmission {
    let applicant = Iin::parse(APPLICANT).expect("a valid IIN");
    let locality = Kato::parse(locality).expect("a KATO code");
    NewSubmission {
        application: StoredApplication {
            id: ApplicationId::generate(),
            request_id: request_id.to_owned(),
            applicant_iin: applicant,
            representative_iin: None,
            locality,
            state: ApplicationState::Submitted,
            form_content: vec![1, 2, 3],
            signature: SignatureRecord {
                signer_iin: applicant,
                certificate_serial: "0a1b".to_owned(),
                signing_time: received() - TimeDelta::minutes(1),
                content_sha256: "00".repeat(32),
            },
            submit_time: received(),
            acceptance_date: NaiveDate::from_ymd_opt(2026, 4, 15).expect("a date"),
            processing_deadline: received() + TimeDelta::days(1),
            latest_decision: None,
            register_entry: None,
            update_time: received(),
            revision: 1,
        },
        cms_signature: vec![4, 5, 6],
        active_key: active_key(&applicant, &locality),
        first_event: event("submitted", ApplicationState::Submitted),
        open_case: NewOutboxMessage::new(OutboxKind::OpenCase, b"open".to_vec()),
    }
}

fn change_to(state: ApplicationState) -> ApplicationChange {
    ApplicationChange {
        state,
        processing_deadline: None,
        latest_decision: None,
        register_entry: None,
        withdrawal_reason: None,
        update_time: received(),
    }
}

async fn created(store: &IntakeStore, submission: &NewSubmission) -> StoredApplication {
    match store.submit(submission).await.expect("stored") {
        SubmitOutcome::Created(application) => application,
        SubmitOutcome::ExistingRequest(_) => panic!("a new request"),
    }
}

async fn the_active_place_is_held_until_a_final_state(test_database: &TestDatabase) {
    let database = test_database.database.clone();
    let store = IntakeStore::new(database);
    let first = created(&store, &submission("request-1", "351010000")).await;

    let second = store.submit(&submission("request-2", "351010000")).await;
    assert!(
        matches!(&second, Err(StoreError::ActiveApplicationExists { existing }) if *existing == first.id),
        "{second:?}"
    );
    // Nothing of the refused submission is left behind.
    assert_eq!(store.undelivered_count().await.expect("count"), 1);

    store
        .change(
            &first,
            &change_to(ApplicationState::Denied),
            &event("decision-1", ApplicationState::Denied),
            None,
        )
        .await
        .expect("denied");
    created(&store, &submission("request-2", "351010000")).await;
}

async fn a_used_request_id_finds_its_application(test_database: &TestDatabase) {
    let database = test_database.database.clone();
    let store = IntakeStore::new(database);
    let first = created(&store, &submission("request-1", "351010000")).await;
    // Another attempt under the same id (another generated application id).
    let again = store
        .submit(&submission("request-1", "352410000"))
        .await
        .expect("answered");
    assert!(
        matches!(&again, SubmitOutcome::ExistingRequest(existing) if existing.id == first.id),
        "{again:?}"
    );
    assert_eq!(
        store
            .find_by_request_id("request-1")
            .await
            .expect("read")
            .map(|application| application.id),
        Some(first.id)
    );
}

async fn an_event_id_is_recorded_once_and_a_stale_change_is_refused(test_database: &TestDatabase) {
    let database = test_database.database.clone();
    let store = IntakeStore::new(database);
    let first = created(&store, &submission("request-1", "351010000")).await;

    let duplicate = store
        .change(
            &first,
            &change_to(ApplicationState::Verifying),
            &event("submitted", ApplicationState::Verifying),
            None,
        )
        .await;
    assert!(
        matches!(duplicate, Err(StoreError::DuplicateEvent)),
        "{duplicate:?}"
    );
    let unchanged = store.get(&first.id).await.expect("read").expect("present");
    assert_eq!(
        unchanged.revision, 1,
        "the refused change left nothing behind"
    );
    assert_eq!(unchanged.state, ApplicationState::Submitted);

    let verifying = store
        .change(
            &first,
            &change_to(ApplicationState::Verifying),
            &event("e-1", ApplicationState::Verifying),
            None,
        )
        .await
        .expect("changed");
    assert_eq!(verifying.revision, 2);
    let stale = store
        .change(
            &first,
            &change_to(ApplicationState::Denied),
            &event("e-2", ApplicationState::Denied),
            None,
        )
        .await;
    assert!(matches!(stale, Err(StoreError::Stale)), "{stale:?}");
    let history = store.list_events(&first.id, 0, 10).await.expect("history");
    let event_ids: Vec<&str> = history
        .iter()
        .map(|event| event.event_id.as_str())
        .collect();
    assert_eq!(event_ids, ["submitted", "e-1"]);
}

async fn outbox_messages_of_one_application_go_in_order_and_are_claimed_once(
    test_database: &TestDatabase,
) {
    let database = test_database.database.clone();
    let store = IntakeStore::new(database);
    let mut opening = submission("request-1", "351010000");
    opening.open_case.trace_context = Some(TRACE_CONTEXT.to_owned());
    let first = created(&store, &opening).await;
    // Written with no trace context (as before the column existed).
    let mut withdrawal = NewOutboxMessage::new(OutboxKind::WithdrawCase, b"withdraw".to_vec());
    withdrawal.trace_context = None;
    store
        .change(
            &first,
            &change_to(ApplicationState::Withdrawn),
            &event("withdrawal", ApplicationState::Withdrawn),
            Some(&withdrawal),
        )
        .await
        .expect("withdrawn");
    let later = Utc::now() + TimeDelta::seconds(1);

    let due = store.due_messages(later, 10).await.expect("due");
    assert_eq!(due.len(), 1, "the withdrawal waits for the opening");
    assert_eq!(due[0].kind, OutboxKind::OpenCase);
    assert_eq!(
        due[0].trace_context.as_deref(),
        Some(TRACE_CONTEXT),
        "the trace context reads back as written"
    );
    let lease = later + TimeDelta::seconds(30);
    assert!(store.claim(&due[0], lease).await.expect("claim"));
    assert!(
        !store.claim(&due[0], lease).await.expect("claim"),
        "claimed once"
    );
    assert!(store.due_messages(later, 10).await.expect("due").is_empty());

    store
        .complete_delivery(&due[0], later, None)
        .await
        .expect("delivered");
    let due = store.due_messages(later, 10).await.expect("due");
    assert_eq!(due.len(), 1);
    assert_eq!(due[0].kind, OutboxKind::WithdrawCase);
    assert_eq!(due[0].payload, b"withdraw");
    assert_eq!(due[0].trace_context, None);
    store
        .schedule_retry(&due[0], later + TimeDelta::seconds(60), "Unavailable: down")
        .await
        .expect("rescheduled");
    assert!(store.due_messages(later, 10).await.expect("due").is_empty());
    assert_eq!(store.undelivered_count().await.expect("count"), 1);
}

housing_storage::storage_test_suite!(
    &MIGRATIONS;
    the_active_place_is_held_until_a_final_state,
    a_used_request_id_finds_its_application,
    an_event_id_is_recorded_once_and_a_stale_change_is_refused,
    outbox_messages_of_one_application_go_in_order_and_are_claimed_once,
);
