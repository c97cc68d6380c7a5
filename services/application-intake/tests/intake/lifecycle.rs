//! After submission: withdrawal before a final decision, and the events
//! eligibility reports.

use housing_proto::housing::common::v1 as common;
use housing_proto::housing::intake::v1 as pb;
use housing_storage::testing::TestDatabase;
use pb::application::State;
use tonic::Code;

use crate::support::eligibility::FakeEligibility;
use crate::support::{
    TestIntake, almaty, closed_port, eventually, form, iins, reason, state_of, submit_as_applicant,
    violated_fields,
};

housing_storage::storage_test_suite!(
    &application_intake::storage::MIGRATIONS;
    the_applicant_withdraws_before_a_final_decision,
    a_final_decision_cannot_be_withdrawn,
    recorded_events_are_idempotent_and_update_the_application,
);

fn withdrawal(name: &str) -> pb::WithdrawApplicationRequest {
    pb::WithdrawApplicationRequest {
        name: name.to_owned(),
        request_id: uuid::Uuid::new_v4().to_string(),
        reason: "we found a flat".to_owned(),
    }
}

fn event(event_id: &str, state: State) -> pb::ApplicationEvent {
    pb::ApplicationEvent {
        event_id: event_id.to_owned(),
        state: state as i32,
        event_time: Some(prost_types::Timestamp {
            seconds: almaty(2026, 4, 15, 11, 0).timestamp(),
            nanos: 0,
        }),
        ..Default::default()
    }
}

async fn record(
    intake: &TestIntake,
    parent: &str,
    event: pb::ApplicationEvent,
) -> Result<pb::Application, tonic::Status> {
    intake
        .eligibility_system()
        .record_application_event(pb::RecordApplicationEventRequest {
            parent: parent.to_owned(),
            event: Some(event),
        })
        .await
        .map(|response| response.into_inner().application.expect("an application"))
}

async fn the_applicant_withdraws_before_a_final_decision(database: &TestDatabase) {
    let (eligibility, eligibility_address) = FakeEligibility::start().await;
    let intake = TestIntake::spawn(database, eligibility_address).await;
    let application = submit_as_applicant(&intake, &form())
        .await
        .expect("accepted");

    let refused = intake
        .citizen(iins::STRANGER)
        .withdraw_application(withdrawal(&application.name))
        .await
        .expect_err("not theirs");
    assert_eq!(refused.code(), Code::NotFound);

    let withdrawn = intake
        .citizen(iins::APPLICANT)
        .withdraw_application(withdrawal(&application.name))
        .await
        .expect("withdrawn")
        .into_inner()
        .application
        .expect("an application");
    assert_eq!(withdrawn.state(), State::Withdrawn);
    let again = intake
        .citizen(iins::APPLICANT)
        .withdraw_application(withdrawal(&application.name))
        .await
        .expect("withdrawing twice answers the withdrawn application")
        .into_inner()
        .application
        .expect("an application");
    assert_eq!(
        again.etag, withdrawn.etag,
        "nothing changed the second time"
    );

    let case = application.name.replacen("applications/", "cases/", 1);
    eventually("eligibility heard of the withdrawal", || async {
        eligibility.calls(|calls| calls.withdraw_case.contains(&case))
    })
    .await;
    eligibility.calls(|calls| {
        assert_eq!(
            calls.open_case,
            std::slice::from_ref(&application.name),
            "the case was opened first"
        );
        assert_eq!(
            calls.withdraw_case,
            std::slice::from_ref(&case),
            "and withdrawn once"
        );
    });
    assert_eq!(state_of(&intake, &application.name).await, State::Withdrawn);
    intake.stop().await;
    eligibility.stop().await;
}

async fn a_final_decision_cannot_be_withdrawn(database: &TestDatabase) {
    let intake = TestIntake::spawn(database, closed_port().await).await;
    let application = submit_as_applicant(&intake, &form())
        .await
        .expect("accepted");
    let mut registered = event("decision-1", State::Registered);
    registered.decision = "cases/c1/decisions/d1".to_owned();
    registered.register_entry = "registerEntries/e1".to_owned();
    record(&intake, &application.name, registered)
        .await
        .expect("recorded");

    let refused = intake
        .citizen(iins::APPLICANT)
        .withdraw_application(withdrawal(&application.name))
        .await
        .expect_err("registered is final");
    assert_eq!(refused.code(), Code::FailedPrecondition);
    assert_eq!(reason(&refused), "FAILED_PRECONDITION");
    assert_eq!(
        state_of(&intake, &application.name).await,
        State::Registered
    );
    intake.stop().await;
}

async fn recorded_events_are_idempotent_and_update_the_application(database: &TestDatabase) {
    let intake = TestIntake::spawn(database, closed_port().await).await;
    let application = submit_as_applicant(&intake, &form())
        .await
        .expect("accepted");

    let mut hearing = event("decision-1-notice", State::HearingScheduled);
    hearing.decision = format!(
        "{}/decisions/1",
        application.name.replacen("applications/", "cases/", 1)
    );
    hearing.processing_deadline = Some(prost_types::Timestamp {
        seconds: almaty(2026, 4, 21, 18, 30).timestamp(),
        nanos: 0,
    });
    hearing.rule_codes = vec![
        "OWNED_HOUSING_LAST_5_YEARS".to_owned(),
        "HEARING".to_owned(),
    ];
    hearing.actor = Some(common::Actor {
        id: "eligibility-verification".to_owned(),
        role: common::ActorRole::System as i32,
    });

    let first = record(&intake, &application.name, hearing.clone())
        .await
        .expect("recorded");
    assert_eq!(first.state(), State::HearingScheduled);
    assert_eq!(first.latest_decision, hearing.decision);
    assert_eq!(first.processing_deadline, hearing.processing_deadline);
    let replay = record(&intake, &application.name, hearing.clone())
        .await
        .expect("a replay is answered");
    assert_eq!(replay.etag, first.etag, "a replay changes nothing");

    let history = intake
        .citizen(iins::APPLICANT)
        .list_application_events(pb::ListApplicationEventsRequest {
            parent: application.name.clone(),
            ..Default::default()
        })
        .await
        .expect("the history")
        .into_inner()
        .events;
    assert_eq!(history.len(), 2, "submitted, then the hearing, once");
    assert_eq!(history[1].event_id, "decision-1-notice");
    assert_eq!(history[1].rule_codes, hearing.rule_codes);

    let citizen = intake
        .citizen(iins::APPLICANT)
        .record_application_event(pb::RecordApplicationEventRequest {
            parent: application.name.clone(),
            event: Some(event("forged", State::Registered)),
        })
        .await
        .expect_err("only the suite's systems report events");
    assert_eq!(citizen.code(), Code::PermissionDenied);

    let mut malformed = event("", State::Unspecified);
    malformed.decision = "decisions/1".to_owned();
    let refused = record(&intake, &application.name, malformed)
        .await
        .expect_err("a malformed event");
    assert_eq!(
        violated_fields(&refused),
        ["event.decision", "event.event_id", "event.state"]
    );
    let unknown = record(
        &intake,
        "applications/0123456789abcdef0123456789abcdef",
        event("e", State::Verifying),
    )
    .await
    .expect_err("no such application");
    assert_eq!(unknown.code(), Code::NotFound);
    intake.stop().await;
}
