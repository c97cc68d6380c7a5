//! Submitting: what is stored, idempotency, and one active application per
//! applicant and locality.

use std::collections::BTreeSet;

use housing_proto::housing::intake::v1 as pb;
use housing_storage::testing::TestDatabase;
use pb::application::State;
use tonic::Code;

use crate::support::eligibility::FakeEligibility;
use crate::support::{
    ALMATY, KARAGANDA, PKI, TestIntake, almaty, error_metadata, eventually, form, form_for, iins,
    intake_now, reason, signed_request, state_of, stored_applications, submit_as_applicant,
    violated_fields,
};

housing_storage::storage_test_suite!(
    &application_intake::storage::MIGRATIONS;
    a_signed_application_is_stored_and_handed_to_eligibility,
    a_replayed_request_returns_the_same_application,
    fifty_concurrent_identical_submissions_make_one_application,
    fifty_concurrent_different_requests_for_one_locality_make_one_application,
    one_active_application_per_applicant_and_locality,
);

async fn a_signed_application_is_stored_and_handed_to_eligibility(database: &TestDatabase) {
    let (eligibility, eligibility_address) = FakeEligibility::start().await;
    let intake = TestIntake::spawn(database, eligibility_address).await;
    let form = form();

    let application = submit_as_applicant(&intake, &form).await.expect("accepted");

    assert!(application.name.starts_with("applications/"));
    assert_eq!(application.state(), State::Submitted);
    assert_eq!(
        application.form.as_ref(),
        Some(&form),
        "what is signed is what is kept"
    );
    let signature = application.signature.clone().expect("the signature check");
    assert_eq!(signature.signer_iin, iins::APPLICANT);
    assert_eq!(signature.content_sha256.len(), 64);
    assert!(!signature.certificate_serial.is_empty());
    let acceptance = application.acceptance_date.expect("an acceptance date");
    assert_eq!(
        (acceptance.year, acceptance.month, acceptance.day),
        (2026, 4, 15)
    );
    // TERM_TRACK_NO_HOUSING: one working day, to 18:30 of Thursday.
    assert_eq!(
        application
            .processing_deadline
            .map(|deadline| deadline.seconds),
        Some(almaty(2026, 4, 16, 18, 30).timestamp())
    );

    eventually("eligibility opened the case", || async {
        state_of(&intake, &application.name).await == State::Verifying
    })
    .await;
    let (open_case_calls, case) = eligibility.calls(|calls| {
        (
            calls.open_case.clone(),
            calls.cases.get(&application.name).cloned(),
        )
    });
    assert_eq!(open_case_calls, std::slice::from_ref(&application.name));
    let case = case.expect("the case");
    assert_eq!(case.form.as_ref(), Some(&form));
    assert_eq!(case.acceptance_date, application.acceptance_date);

    let events = intake
        .citizen(iins::APPLICANT)
        .list_application_events(pb::ListApplicationEventsRequest {
            parent: application.name.clone(),
            ..Default::default()
        })
        .await
        .expect("the history")
        .into_inner()
        .events;
    let states: Vec<State> = events.iter().map(pb::ApplicationEvent::state).collect();
    assert_eq!(states, [State::Submitted, State::Verifying]);
    assert_eq!(events[0].rule_codes, ["TERM_TRACK_NO_HOUSING"]);
    intake.stop().await;
    eligibility.stop().await;
}

async fn a_replayed_request_returns_the_same_application(database: &TestDatabase) {
    let (eligibility, eligibility_address) = FakeEligibility::start().await;
    let intake = TestIntake::spawn(database, eligibility_address).await;
    let request = signed_request(&form(), &PKI.applicant, intake_now(&intake));
    let mut client = intake.citizen(iins::APPLICANT);

    let first = client
        .submit_application(request.clone())
        .await
        .expect("accepted")
        .into_inner()
        .application
        .expect("an application");
    let replay = client
        .submit_application(request.clone())
        .await
        .expect("the replay is answered")
        .into_inner()
        .application
        .expect("an application");
    assert_eq!(replay.name, first.name);
    assert_eq!(stored_applications(&intake).await.len(), 1);

    // The same request id with another form is a client's mistake.
    let mut other_form = signed_request(&form_for(KARAGANDA), &PKI.applicant, intake_now(&intake));
    other_form.request_id = request.request_id.clone();
    let refused = client
        .submit_application(other_form)
        .await
        .expect_err("another form under a used request id");
    assert_eq!(refused.code(), Code::InvalidArgument);
    assert_eq!(violated_fields(&refused), ["request_id"]);
    assert_eq!(stored_applications(&intake).await.len(), 1);
    intake.stop().await;
    eligibility.stop().await;
}

async fn fifty_concurrent_identical_submissions_make_one_application(database: &TestDatabase) {
    let (eligibility, eligibility_address) = FakeEligibility::start().await;
    let intake = TestIntake::spawn(database, eligibility_address).await;
    let request = signed_request(&form(), &PKI.applicant, intake_now(&intake));

    let mut submissions = tokio::task::JoinSet::new();
    for _ in 0..50 {
        let mut client = intake.citizen(iins::APPLICANT);
        let request = request.clone();
        submissions.spawn(async move { client.submit_application(request).await });
    }
    let mut names = BTreeSet::new();
    while let Some(joined) = submissions.join_next().await {
        let response = joined.expect("the task ends").expect("every call succeeds");
        names.insert(
            response
                .into_inner()
                .application
                .expect("an application")
                .name,
        );
    }
    assert_eq!(names.len(), 1, "every call names the one application");
    let stored = stored_applications(&intake).await;
    assert_eq!(stored.len(), 1);
    let name = stored[0].name.clone();
    eventually("the case is opened", || async {
        state_of(&intake, &name).await == State::Verifying
    })
    .await;
    assert_eq!(eligibility.calls(|calls| calls.open_case.len()), 1);
    intake.stop().await;
    eligibility.stop().await;
}

async fn one_active_application_per_applicant_and_locality(database: &TestDatabase) {
    let (eligibility, eligibility_address) = FakeEligibility::start().await;
    let intake = TestIntake::spawn(database, eligibility_address).await;
    let first = submit_as_applicant(&intake, &form())
        .await
        .expect("accepted");

    for locality in [ALMATY, "751310000"] {
        // The same locality, or another district of the same city of national status.
        let second = submit_as_applicant(&intake, &form_for(locality))
            .await
            .expect_err("a second active application");
        assert_eq!(second.code(), Code::AlreadyExists, "{locality}");
        assert_eq!(reason(&second), "ALREADY_EXISTS");
        assert_eq!(
            error_metadata(&second, "application"),
            Some(first.name.clone())
        );
    }

    let elsewhere = submit_as_applicant(&intake, &form_for(KARAGANDA))
        .await
        .expect("another locality is another application");
    assert_ne!(elsewhere.name, first.name);

    intake
        .citizen(iins::APPLICANT)
        .withdraw_application(pb::WithdrawApplicationRequest {
            name: first.name.clone(),
            request_id: uuid::Uuid::new_v4().to_string(),
            reason: String::new(),
        })
        .await
        .expect("withdrawn");
    let after_withdrawal = submit_as_applicant(&intake, &form())
        .await
        .expect("a withdrawn application holds no place");
    assert_ne!(after_withdrawal.name, first.name);
    assert_eq!(stored_applications(&intake).await.len(), 3);
    intake.stop().await;
    eligibility.stop().await;
}

async fn fifty_concurrent_different_requests_for_one_locality_make_one_application(
    database: &TestDatabase,
) {
    let (eligibility, eligibility_address) = FakeEligibility::start().await;
    let intake = TestIntake::spawn(database, eligibility_address).await;

    let mut submissions = tokio::task::JoinSet::new();
    for _ in 0..50 {
        // Each a request of its own: the database, not the request id, decides.
        let request = signed_request(&form(), &PKI.applicant, intake_now(&intake));
        let mut client = intake.citizen(iins::APPLICANT);
        submissions.spawn(async move { client.submit_application(request).await });
    }
    let mut accepted = Vec::new();
    let mut refused = Vec::new();
    while let Some(joined) = submissions.join_next().await {
        match joined.expect("the task ends") {
            Ok(response) => {
                accepted.push(response.into_inner().application.expect("an application"))
            }
            Err(status) => refused.push(status),
        }
    }
    assert_eq!(accepted.len(), 1, "exactly one is accepted");
    assert_eq!(refused.len(), 49);
    for status in &refused {
        assert_eq!(status.code(), Code::AlreadyExists, "{status:?}");
        assert_eq!(
            error_metadata(status, "application"),
            Some(accepted[0].name.clone())
        );
    }
    assert_eq!(stored_applications(&intake).await.len(), 1);
    intake.stop().await;
    eligibility.stop().await;
}
