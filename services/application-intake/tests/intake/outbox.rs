//! The hand-over to eligibility: nothing lost when eligibility is down or
//! intake crashes, nothing doubled when an answer is lost.

use housing_proto::housing::intake::v1 as pb;
use housing_storage::testing::TestDatabase;
use pb::application::State;

use crate::support::eligibility::FakeEligibility;
use crate::support::{
    TestIntake, closed_port, eventually, form, iins, settings, state_of, submit_as_applicant,
};

housing_storage::storage_test_suite!(
    &application_intake::storage::MIGRATIONS;
    with_eligibility_down_the_application_waits_and_is_handed_over_later,
    a_crash_between_storing_and_handing_over_loses_nothing,
    a_lost_answer_is_redelivered_without_doubling,
    a_withdrawal_never_overtakes_the_opening_of_its_case,
);

async fn verifying_events(intake: &TestIntake, name: &str) -> usize {
    intake
        .operator()
        .list_application_events(pb::ListApplicationEventsRequest {
            parent: name.to_owned(),
            ..Default::default()
        })
        .await
        .expect("the history")
        .into_inner()
        .events
        .iter()
        .filter(|event| event.state() == State::Verifying)
        .count()
}

async fn with_eligibility_down_the_application_waits_and_is_handed_over_later(
    database: &TestDatabase,
) {
    let eligibility_address = closed_port().await;
    let intake = TestIntake::spawn(database, eligibility_address).await;
    let application = submit_as_applicant(&intake, &form())
        .await
        .expect("accepted");

    // Several attempts fail meanwhile (the retry delay starts at 20 ms).
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(state_of(&intake, &application.name).await, State::Submitted);

    let listener = tokio::net::TcpListener::bind(eligibility_address)
        .await
        .expect("eligibility comes up on its address");
    let eligibility = FakeEligibility::serve(listener);
    eventually("the case is opened", || async {
        state_of(&intake, &application.name).await == State::Verifying
    })
    .await;
    assert_eq!(eligibility.calls(|calls| calls.open_case.len()), 1);
    assert_eq!(verifying_events(&intake, &application.name).await, 1);
    intake.stop().await;
    eligibility.stop().await;
}

async fn a_crash_between_storing_and_handing_over_loses_nothing(database: &TestDatabase) {
    let eligibility_address = closed_port().await;
    // A crash in the middle of a hand-over leaves the message leased for the
    // call's timeout plus 5 s; with a 1 s timeout the restarted intake may
    // have to wait up to 6 s before it hands the message over again.
    let before_crash = TestIntake::spawn_with(settings(
        database,
        eligibility_address,
        &[("HOUSING_INTAKE_PEER_TIMEOUT_MS", "1000")],
    ))
    .await;
    let application = submit_as_applicant(&before_crash, &form())
        .await
        .expect("accepted");
    before_crash.crash().await;

    let listener = tokio::net::TcpListener::bind(eligibility_address)
        .await
        .expect("eligibility comes up on its address");
    let eligibility = FakeEligibility::serve(listener);
    let after_restart = TestIntake::spawn_with(settings(database, eligibility_address, &[])).await;
    eventually("the restarted intake opens the case", || async {
        state_of(&after_restart, &application.name).await == State::Verifying
    })
    .await;
    assert_eq!(
        eligibility.calls(|calls| calls.open_case.clone()),
        std::slice::from_ref(&application.name)
    );
    assert_eq!(verifying_events(&after_restart, &application.name).await, 1);
    let replay_after_restart = submit_as_applicant(&after_restart, &form())
        .await
        .expect_err("still the one active application");
    assert_eq!(replay_after_restart.code(), tonic::Code::AlreadyExists);
    after_restart.stop().await;
    eligibility.stop().await;
}

async fn a_lost_answer_is_redelivered_without_doubling(database: &TestDatabase) {
    let (eligibility, eligibility_address) = FakeEligibility::start().await;
    eligibility.lose_answers_to_open_case(1);
    let intake = TestIntake::spawn_with(settings(
        database,
        eligibility_address,
        &[("HOUSING_INTAKE_PEER_TIMEOUT_MS", "2000")],
    ))
    .await;
    let application = submit_as_applicant(&intake, &form())
        .await
        .expect("accepted");

    eventually("the case is opened", || async {
        state_of(&intake, &application.name).await == State::Verifying
    })
    .await;
    let (calls, cases) = eligibility.calls(|calls| (calls.open_case.len(), calls.cases.len()));
    assert_eq!(
        calls, 2,
        "the first answer was lost, so OpenCase came again"
    );
    assert_eq!(cases, 1, "and found the case it had opened");
    assert_eq!(verifying_events(&intake, &application.name).await, 1);
    intake.stop().await;
    eligibility.stop().await;
}

async fn a_withdrawal_never_overtakes_the_opening_of_its_case(database: &TestDatabase) {
    let eligibility_address = closed_port().await;
    let intake = TestIntake::spawn(database, eligibility_address).await;
    let application = submit_as_applicant(&intake, &form())
        .await
        .expect("accepted");
    intake
        .citizen(iins::APPLICANT)
        .withdraw_application(pb::WithdrawApplicationRequest {
            name: application.name.clone(),
            ..Default::default()
        })
        .await
        .expect("withdrawn while eligibility is down");

    let listener = tokio::net::TcpListener::bind(eligibility_address)
        .await
        .expect("eligibility comes up on its address");
    let eligibility = FakeEligibility::serve(listener);
    let case = application.name.replacen("applications/", "cases/", 1);
    eventually("the withdrawal reaches eligibility", || async {
        eligibility.calls(|calls| !calls.withdraw_case.is_empty())
    })
    .await;
    eligibility.calls(|calls| {
        assert_eq!(calls.open_case, std::slice::from_ref(&application.name));
        assert_eq!(calls.withdraw_case, std::slice::from_ref(&case));
        assert_eq!(
            calls.cases.get(&application.name).map(|case| case.state),
            Some(housing_proto::housing::eligibility::v1::case::State::Withdrawn as i32)
        );
    });
    // Opened after the withdrawal: the application stays withdrawn.
    assert_eq!(state_of(&intake, &application.name).await, State::Withdrawn);
    intake.stop().await;
    eligibility.stop().await;
}
