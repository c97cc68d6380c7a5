//! The complaints store behaves the same on PostgreSQL and SQLite: numbering
//! per year, request ids, stale changes, lists by term and the outbox, with
//! the trace contexts of its messages.

use chrono::{DateTime, NaiveDate, TimeDelta, TimeZone, Utc};
use complaints::model::{
    Actor, ComplaintId, ComplaintState, DecisionRecord, ForwardingRecord, Remedy, SignatureRecord,
    StoredComplaint,
};
use complaints::storage::{
    ComplaintStore, DeadlineRange, FileOutcome, ListFilter, MIGRATIONS, NewOutboxMessage,
    OutboxKind, PageAfter, StoreError,
};
use housing_domain::Iin;
use housing_domain::complaint::{ComplaintOutcome, ComplaintRoute};
use housing_platform::caller::Role;
use housing_storage::testing::TestDatabase;

const COMPLAINANT: &str = "900101300126";
const OTHER: &str = "900101300017";

/// A trace context as `housing_platform::telemetry::current_trace_context` writes it.
const TRACE_CONTEXT: &str = "traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\n\
     tracestate: congo=t61rcWkgMzE";

fn received() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 4, 15, 5, 0, 0)
        .single()
        .expect("an instant")
}

fn complaint(request_id: &str, complainant: &str, deadline: DateTime<Utc>) -> StoredComplaint {
    let complainant = Iin::parse(complainant).expect("a valid IIN");
    StoredComplaint {
        id: ComplaintId::generate(),
        request_id: request_id.to_owned(),
        number: String::new(),
        complainant_iin: complainant,
        applicant_iin: complainant,
        representative_iin: None,
        application: "applications/0123456789abcdef0123456789abcdef".to_owned(),
        decision: Some("cases/0123456789abcdef0123456789abcdef/decisions/1".to_owned()),
        route: ComplaintRoute::ToProvider,
        form_content: vec![1, 2, 3],
        signature: SignatureRecord {
            signer_iin: complainant,
            certificate_serial: "0a1b".to_owned(),
            signing_time: received() - TimeDelta::minutes(1),
            content_sha256: "00".repeat(32),
        },
        phone: "+77011234567".to_owned(),
        email: String::new(),
        registration_time: received(),
        registration_date: NaiveDate::from_ymd_opt(2026, 4, 15).expect("a date"),
        answer_deadline: received() + TimeDelta::days(7),
        forward_deadline: Some(deadline),
        state: ComplaintState::Registered,
        deadline,
        forwarding: None,
        decision_record: None,
        update_time: received(),
        revision: 1,
    }
}

fn notice() -> Vec<NewOutboxMessage> {
    vec![NewOutboxMessage {
        kind: OutboxKind::Notice,
        payload: b"registered".to_vec(),
        trace_context: Some(TRACE_CONTEXT.to_owned()),
    }]
}

fn number(year: i32, sequence: i64) -> String {
    format!("HPC-C-{year}-{sequence:06}")
}

async fn filed(store: &ComplaintStore, complaint: &StoredComplaint) -> StoredComplaint {
    match store
        .file(complaint, b"cms", number, |_| notice())
        .await
        .expect("stored")
    {
        FileOutcome::Created(created) => created,
        FileOutcome::ExistingRequest(_) => panic!("a new request"),
    }
}

async fn numbers_run_per_year_and_a_used_request_id_finds_its_complaint(test: &TestDatabase) {
    let store = ComplaintStore::new(test.database.clone());
    let first = filed(&store, &complaint("r-1", COMPLAINANT, received())).await;
    let second = filed(&store, &complaint("r-2", COMPLAINANT, received())).await;
    assert_eq!(first.number, "HPC-C-2026-000001");
    assert_eq!(second.number, "HPC-C-2026-000002");
    let mut next_year = complaint("r-3", COMPLAINANT, received());
    next_year.registration_date = NaiveDate::from_ymd_opt(2027, 1, 4).expect("a date");
    assert_eq!(filed(&store, &next_year).await.number, "HPC-C-2027-000001");

    let again = store
        .file(&complaint("r-1", OTHER, received()), b"cms", number, |_| {
            notice()
        })
        .await
        .expect("answered");
    assert!(
        matches!(&again, FileOutcome::ExistingRequest(existing) if existing.id == first.id),
        "{again:?}"
    );
    // The refused filing took no number and left no message behind.
    assert_eq!(store.pending_message_count().await.expect("count"), 3);
    let read = store.get(&first.id).await.expect("read").expect("found");
    assert_eq!(read, first);
}

async fn a_stale_change_is_refused_and_a_decision_reads_back(test: &TestDatabase) {
    let store = ComplaintStore::new(test.database.clone());
    let stored = filed(&store, &complaint("r-1", COMPLAINANT, received())).await;
    let mut forwarded = stored.clone();
    forwarded.state = ComplaintState::Forwarded;
    forwarded.deadline = received() + TimeDelta::days(21);
    forwarded.forwarding = Some(ForwardingRecord {
        request_id: "f-1".to_owned(),
        body: "Quality control committee".to_owned(),
        forward_time: received() + TimeDelta::days(1),
        forwarded_by: Actor {
            id: "op-1".to_owned(),
            role: Role::Operator,
        },
        answer_deadline: received() + TimeDelta::days(21),
    });
    forwarded.revision += 1;
    store
        .forward(&forwarded, b"case file", &[])
        .await
        .expect("forwarded");
    assert!(matches!(
        store.forward(&forwarded, b"case file", &[]).await,
        Err(StoreError::Stale)
    ));
    assert_eq!(
        store.case_file(&stored.id).await.expect("read"),
        Some(b"case file".to_vec())
    );

    let mut decided = forwarded.clone();
    decided.state = ComplaintState::Decided;
    decided.decision_record = Some(DecisionRecord {
        request_id: "d-1".to_owned(),
        outcome: ComplaintOutcome::Satisfied,
        reasons: "The certificate was ignored.".to_owned(),
        decided_by: Actor {
            id: "body-7".to_owned(),
            role: Role::ComplaintsBody,
        },
        decide_time: received() + TimeDelta::days(3),
        remedy: Some(Remedy::Register),
        resulting_decision: None,
    });
    decided.revision += 1;
    store
        .decide(
            &decided,
            // Written with no trace context (as before the column existed).
            &[NewOutboxMessage {
                kind: OutboxKind::Register,
                payload: b"register".to_vec(),
                trace_context: None,
            }],
        )
        .await
        .expect("decided");
    assert_eq!(
        store.get(&stored.id).await.expect("read").expect("found"),
        decided
    );

    let due = store
        .due_messages(Utc::now() + TimeDelta::seconds(1), 10)
        .await
        .expect("due");
    let register = due
        .iter()
        .find(|message| message.kind == OutboxKind::Register)
        .expect("the remedy is due");
    assert_eq!(register.trace_context, None);
    store
        .mark_delivered(register, Some("cases/x/decisions/2"), Utc::now())
        .await
        .expect("delivered");
    let read = store.get(&stored.id).await.expect("read").expect("found");
    assert_eq!(
        read.decision_record
            .and_then(|decision| decision.resulting_decision)
            .as_deref(),
        Some("cases/x/decisions/2")
    );
}

async fn lists_filter_by_party_state_and_open_term_earliest_first(test: &TestDatabase) {
    let store = ComplaintStore::new(test.database.clone());
    let day = |days| received() + TimeDelta::days(days);
    let late = filed(&store, &complaint("r-1", COMPLAINANT, day(1))).await;
    let soon = filed(&store, &complaint("r-2", COMPLAINANT, day(3))).await;
    let later = filed(&store, &complaint("r-3", OTHER, day(9))).await;
    let names = |list: Vec<StoredComplaint>| -> Vec<ComplaintId> {
        list.into_iter().map(|complaint| complaint.id).collect()
    };

    let all = store
        .list(&ListFilter::default(), None, 10)
        .await
        .expect("list");
    assert_eq!(
        names(all),
        vec![late.id.clone(), soon.id.clone(), later.id.clone()]
    );
    let own = ListFilter {
        concerning: Some(Iin::parse(OTHER).expect("valid")),
        ..ListFilter::default()
    };
    assert_eq!(
        names(store.list(&own, None, 10).await.expect("list")),
        vec![later.id.clone()]
    );
    let overdue = ListFilter {
        open_deadline: Some(DeadlineRange {
            from: None,
            until: Some(day(2)),
        }),
        ..ListFilter::default()
    };
    assert_eq!(
        names(store.list(&overdue, None, 10).await.expect("list")),
        vec![late.id.clone()]
    );
    let due_soon = ListFilter {
        open_deadline: Some(DeadlineRange {
            from: Some(day(2)),
            until: Some(day(5)),
        }),
        ..ListFilter::default()
    };
    assert_eq!(
        names(store.list(&due_soon, None, 10).await.expect("list")),
        vec![soon.id.clone()]
    );
    let decided = ListFilter {
        state: Some(ComplaintState::Decided),
        ..ListFilter::default()
    };
    assert!(
        store
            .list(&decided, None, 10)
            .await
            .expect("list")
            .is_empty()
    );

    let first_page = store
        .list(&ListFilter::default(), None, 2)
        .await
        .expect("list");
    let after = PageAfter {
        deadline_micros: first_page[1].deadline.timestamp_micros(),
        id: first_page[1].id.as_str().to_owned(),
    };
    let second_page = store
        .list(&ListFilter::default(), Some(&after), 2)
        .await
        .expect("list");
    assert_eq!(names(second_page), vec![later.id]);
}

async fn outbox_failures_wait_and_abandoned_messages_stop(test: &TestDatabase) {
    let store = ComplaintStore::new(test.database.clone());
    filed(&store, &complaint("r-1", COMPLAINANT, received())).await;
    let now = Utc::now() + TimeDelta::seconds(1);
    let due = store.due_messages(now, 10).await.expect("due");
    assert_eq!(due.len(), 1);
    assert_eq!(due[0].payload, b"registered");
    assert_eq!(
        due[0].trace_context.as_deref(),
        Some(TRACE_CONTEXT),
        "the trace context reads back as written"
    );
    store
        .mark_failed(
            &due[0],
            "Unavailable: down",
            now + TimeDelta::seconds(60),
            false,
        )
        .await
        .expect("rescheduled");
    assert!(store.due_messages(now, 10).await.expect("due").is_empty());
    let retried = store
        .due_messages(now + TimeDelta::seconds(61), 10)
        .await
        .expect("due");
    assert_eq!(retried[0].attempts, 1);
    store
        .mark_failed(&retried[0], "InvalidArgument: bad", now, true)
        .await
        .expect("abandoned");
    assert!(
        store
            .due_messages(now + TimeDelta::days(1), 10)
            .await
            .expect("due")
            .is_empty()
    );
    assert_eq!(store.pending_message_count().await.expect("count"), 0);
}

housing_storage::storage_test_suite!(
    &MIGRATIONS;
    numbers_run_per_year_and_a_used_request_id_finds_its_complaint,
    a_stale_change_is_refused_and_a_decision_reads_back,
    lists_filter_by_party_state_and_open_term_earliest_first,
    outbox_failures_wait_and_abandoned_messages_stop,
);
