//! A registry fault is never a denial: the case waits, is retried with
//! backoff, operators are alerted before its term runs out, and nothing is
//! lost across a restart.

use chrono::TimeDelta;
use housing_proto::housing::common::v1::Register;
use housing_proto::housing::eligibility::v1 as pb;
use housing_storage::testing::TestDatabase;

use crate::forms::{Form, KARAGANDA, demo};
use crate::support::{TestApp, instant, timestamp};

housing_storage::storage_test_suite!(
    &eligibility_verification::storage::MIGRATIONS;
    a_registry_outage_makes_the_case_wait_and_retry_and_never_deny,
    operators_are_alerted_once_when_the_term_nears,
    a_case_far_from_its_term_waits_but_wakes_in_time_to_alert,
    a_waiting_case_survives_a_restart,
);

async fn a_registry_outage_makes_the_case_wait_and_retry_and_never_deny(database: &TestDatabase) {
    let app = TestApp::spawn(database).await;
    app.set_outage(Register::RealEstate, true).await;
    app.open("d14", Form::new(demo::D14_APPLICANT, KARAGANDA).build())
        .await;

    let waiting = app
        .wait_for_state("cases/d14", pb::case::State::AwaitingRegistries)
        .await;
    assert_eq!(waiting.registry_attempts, 1);
    // First wait: 1 minute (the test's initial backoff).
    assert_eq!(
        waiting.next_attempt_time,
        timestamp("2026-04-15T10:01:00+05:00")
    );
    assert!(waiting.operator_alert_time.is_none());
    assert!(waiting.latest_decision.is_empty(), "no decision on a fault");

    app.advance(TimeDelta::minutes(1));
    let retried = app
        .wait_for_case("cases/d14", |case| case.registry_attempts == 2)
        .await;
    assert_eq!(retried.state, pb::case::State::AwaitingRegistries as i32);
    // Second wait: doubled.
    assert_eq!(
        retried.next_attempt_time,
        timestamp("2026-04-15T10:03:00+05:00")
    );

    app.set_outage(Register::RealEstate, false).await;
    app.advance(TimeDelta::minutes(2));
    let decided = app
        .wait_for_state("cases/d14", pb::case::State::HearingScheduled)
        .await;
    assert_eq!(decided.registry_attempts, 3);
    assert!(decided.next_attempt_time.is_none());
    // Decided on the facts, once the registers answered.
    let decisions = app.decisions("cases/d14").await;
    assert_eq!(decisions.len(), 1);
    assert_eq!(decisions[0].grounds[0].code, "OWNED_HOUSING_LAST_5_YEARS");
    // Intake heard of the wait once, then of the decision.
    app.wait_until("two events at intake", || {
        app.received().events().len() == 2
    })
    .await;
    let events = app.received().events();
    let first = events[0].event.clone().expect("an event");
    assert_eq!(first.event_id, "cases/d14/awaiting-registries");
    app.stop().await;
}

async fn operators_are_alerted_once_when_the_term_nears(database: &TestDatabase) {
    // Thursday 16 April, 17:00: the term ends at 18:30, within the 2-hour margin.
    let app = TestApp::spawn_at(database, instant("2026-04-16T17:00:00+05:00"), &[]).await;
    app.set_outage(Register::Identity, true).await;
    app.open("d15", Form::new(demo::D15_APPLICANT, KARAGANDA).build())
        .await;
    let alerted = app
        .wait_for_state("cases/d15", pb::case::State::AwaitingRegistries)
        .await;
    assert_eq!(
        alerted.operator_alert_time,
        timestamp("2026-04-16T17:00:00+05:00")
    );

    let listed = app
        .operator("op-3")
        .list_cases(pb::ListCasesRequest {
            state: pb::case::State::AwaitingRegistries as i32,
            deadline_before: timestamp("2026-04-17T00:00:00+05:00"),
            page_size: 0,
            page_token: String::new(),
        })
        .await
        .expect("operators list the waiting cases")
        .into_inner();
    assert_eq!(listed.cases.len(), 1);
    assert_eq!(listed.cases[0].name, "cases/d15");

    app.advance(TimeDelta::minutes(1));
    let retried = app
        .wait_for_case("cases/d15", |case| case.registry_attempts == 2)
        .await;
    assert_eq!(
        retried.operator_alert_time, alerted.operator_alert_time,
        "alerted once"
    );
    app.stop().await;
}

async fn a_case_far_from_its_term_waits_but_wakes_in_time_to_alert(database: &TestDatabase) {
    // A long backoff would sleep past the alert: the next attempt is brought
    // forward to the moment the margin begins (Thursday 16:30).
    let app = TestApp::spawn_at(
        database,
        instant("2026-04-15T10:00:00+05:00"),
        &[
            ("HOUSING_ELIGIBILITY_REGISTRY_RETRY_INITIAL_MS", "172800000"),
            ("HOUSING_ELIGIBILITY_REGISTRY_RETRY_MAX_MS", "172800000"),
        ],
    )
    .await;
    app.set_outage(Register::CivilStatus, true).await;
    app.open("d15", Form::new(demo::D15_APPLICANT, KARAGANDA).build())
        .await;
    let waiting = app
        .wait_for_state("cases/d15", pb::case::State::AwaitingRegistries)
        .await;
    assert!(waiting.operator_alert_time.is_none());
    assert_eq!(
        waiting.next_attempt_time,
        timestamp("2026-04-16T16:30:00+05:00")
    );

    app.clock.set(instant("2026-04-16T16:30:00+05:00"));
    let alerted = app
        .wait_for_case("cases/d15", |case| case.operator_alert_time.is_some())
        .await;
    assert_eq!(alerted.registry_attempts, 2);
    assert_eq!(alerted.state, pb::case::State::AwaitingRegistries as i32);
    app.stop().await;
}

async fn a_waiting_case_survives_a_restart(database: &TestDatabase) {
    let mut app = TestApp::spawn(database).await;
    app.set_outage(Register::Migration, true).await;
    app.open("d15", Form::new(demo::D15_APPLICANT, KARAGANDA).build())
        .await;
    app.wait_for_state("cases/d15", pb::case::State::AwaitingRegistries)
        .await;

    app.restart().await;
    app.set_outage(Register::Migration, false).await;
    app.advance(TimeDelta::minutes(1));
    let case = app
        .wait_for_state("cases/d15", pb::case::State::Registered)
        .await;
    assert_eq!(case.registry_attempts, 2);
    app.stop().await;
}
