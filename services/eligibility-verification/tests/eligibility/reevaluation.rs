//! Re-evaluation with fresh registry data, and registration on a
//! complaint's decision: each a new decision, the earlier ones unchanged.

use chrono::TimeDelta;
use housing_platform::caller::Role;
use housing_proto::housing::common::v1::ActorRole;
use housing_proto::housing::eligibility::v1 as pb;
use housing_proto::housing::registry::v1 as registry;
use housing_storage::testing::TestDatabase;

use crate::forms::{Form, KARAGANDA, demo};
use crate::support::{TestApp, instant};

housing_storage::storage_test_suite!(
    &eligibility_verification::storage::MIGRATIONS;
    reevaluation_with_fresh_registry_data_adds_a_decision,
    a_complaints_decision_registers_a_denied_applicant,
);

fn reevaluate(case: &str, request_id: &str) -> pb::ReevaluateCaseRequest {
    pb::ReevaluateCaseRequest {
        name: case.to_owned(),
        request_id: request_id.to_owned(),
        reason: "The real-estate register corrected its record.".to_owned(),
        complaint: String::new(),
    }
}

async fn reevaluation_with_fresh_registry_data_adds_a_decision(database: &TestDatabase) {
    let app = TestApp::spawn(database).await;
    app.open("d14", Form::new(demo::D14_APPLICANT, KARAGANDA).build())
        .await;
    app.wait_for_state("cases/d14", pb::case::State::HearingScheduled)
        .await;
    let preliminary = app.decisions("cases/d14").await.remove(0);

    // The real-estate register corrects itself: D14 never owned the flat.
    let mut person = app
        .admin()
        .get_person(registry::GetPersonRequest {
            iin: demo::D14_APPLICANT.to_owned(),
        })
        .await
        .expect("the person reads")
        .into_inner()
        .person
        .expect("a record");
    person.real_estate = None;
    app.admin()
        .put_person(registry::PutPersonRequest {
            person: Some(person),
        })
        .await
        .expect("the person is replaced");

    app.advance(TimeDelta::hours(1));
    let mut operator = app.operator("op-9");
    let decision = operator
        .reevaluate_case(reevaluate("cases/d14", "r-1"))
        .await
        .expect("re-evaluated")
        .into_inner()
        .decision
        .expect("a decision");
    assert_eq!(decision.name, "cases/d14/decisions/2");
    assert_eq!(decision.outcome, pb::decision::Outcome::Registered as i32);
    assert_eq!(decision.trigger, pb::decision::Trigger::Reevaluation as i32);
    let decided_by = decision.decided_by.clone().expect("who asked");
    assert_eq!(decided_by.id, "op-9");
    assert_eq!(decided_by.role, ActorRole::Operator as i32);
    assert_eq!(
        decision.reasons,
        "The real-estate register corrected its record."
    );

    // Recorded as a new decision; the first is as it was.
    let decisions = app.decisions("cases/d14").await;
    assert_eq!(decisions.len(), 2);
    assert_eq!(decisions[0], preliminary);
    let case = app.case("cases/d14").await;
    assert_eq!(case.state, pb::case::State::Registered as i32);
    assert_eq!(case.latest_decision, "cases/d14/decisions/2");
    assert_eq!(case.register_entry, "registerEntries/d14");
    let hearing = app.hearing("cases/d14").await;
    assert_eq!(hearing.state, pb::hearing::State::Decided as i32);
    assert_eq!(hearing.final_decision, "cases/d14/decisions/2");

    // The fresh facts were asked on the operator's behalf.
    let queries = app.registry_queries("applications/d14").await;
    assert!(queries.iter().any(|query| query.on_behalf_of == "op-9"));

    // The same request is answered with the same decision; its key is not
    // for another case.
    let replay = operator
        .reevaluate_case(reevaluate("cases/d14", "r-1"))
        .await
        .expect("a replay")
        .into_inner()
        .decision
        .expect("a decision");
    assert_eq!(replay.name, decision.name);
    assert_eq!(app.decisions("cases/d14").await.len(), 2);
    let misused = operator
        .reevaluate_case(reevaluate("cases/d15", "r-1"))
        .await
        .expect_err("a key of another case");
    assert_eq!(misused.code(), tonic::Code::InvalidArgument);

    let citizen = app
        .citizen(demo::D14_APPLICANT)
        .reevaluate_case(reevaluate("cases/d14", "r-2"))
        .await
        .expect_err("citizens do not re-evaluate");
    assert_eq!(citizen.code(), tonic::Code::PermissionDenied);
    app.stop().await;
}

async fn a_complaints_decision_registers_a_denied_applicant(database: &TestDatabase) {
    let app = TestApp::spawn(database).await;
    app.open("d20", Form::new(demo::D20_APPLICANT, KARAGANDA).build())
        .await;
    app.wait_for_state("cases/d20", pb::case::State::HearingScheduled)
        .await;
    app.clock.set(instant("2026-04-17T10:00:00+05:00"));
    app.wait_for_state("cases/d20", pb::case::State::Denied)
        .await;

    let request = pb::RegisterByComplaintDecisionRequest {
        name: "cases/d20".to_owned(),
        request_id: "c-1".to_owned(),
        complaint: "complaints/c-77".to_owned(),
        reasons: "The complaint was satisfied: the lease ended before acceptance.".to_owned(),
    };
    let operator = app
        .operator("op-1")
        .register_by_complaint_decision(request.clone())
        .await
        .expect_err("an operator does not decide complaints");
    assert_eq!(operator.code(), tonic::Code::PermissionDenied);

    let mut body = app.staff(Role::ComplaintsBody, "quality-body-1");
    let decision = body
        .register_by_complaint_decision(request.clone())
        .await
        .expect("registered on the complaint")
        .into_inner()
        .decision
        .expect("a decision");
    assert_eq!(decision.name, "cases/d20/decisions/3");
    assert_eq!(decision.outcome, pb::decision::Outcome::Registered as i32);
    assert_eq!(decision.trigger, pb::decision::Trigger::Complaint as i32);
    assert_eq!(decision.complaint, "complaints/c-77");
    assert!(decision.grounds.is_empty());
    let case = app.case("cases/d20").await;
    assert_eq!(case.state, pb::case::State::Registered as i32);
    assert_eq!(case.register_entry, "registerEntries/d20");

    let again = body
        .register_by_complaint_decision(pb::RegisterByComplaintDecisionRequest {
            request_id: "c-2".to_owned(),
            ..request
        })
        .await
        .expect_err("already registered");
    assert_eq!(again.code(), tonic::Code::FailedPrecondition);
    app.stop().await;
}
