//! Grounds found: the preliminary decision, the hearing of §17 by the
//! calendar, the position, the decision after the hearing, the lapse.

use housing_platform::caller::Role;
use housing_proto::housing::common::v1::{ActorRole, Register};
use housing_proto::housing::eligibility::v1 as pb;
use housing_proto::housing::eligibility::v1::decide_after_hearing_request::Resolution;
use housing_proto::housing::intake::v1::FamilyRelation;
use housing_storage::testing::TestDatabase;

use crate::forms::{Form, KARAGANDA, demo};
use crate::support::{TestApp, instant, reason, timestamp};

housing_storage::storage_test_suite!(
    &eligibility_verification::storage::MIGRATIONS;
    grounds_found_give_a_preliminary_decision_and_a_hearing_by_the_calendar,
    a_stated_position_then_an_operator_confirms_the_denial,
    the_head_of_the_provider_registers_after_the_hearing,
    with_no_position_the_denial_becomes_final_on_its_own,
);

fn position(request_id: &str, text: &str) -> pb::StatePositionRequest {
    pb::StatePositionRequest {
        name: "cases/d14/hearing".to_owned(),
        request_id: request_id.to_owned(),
        position: Some(pb::Position {
            text: text.to_owned(),
            attachments: Vec::new(),
            state_time: None,
        }),
    }
}

fn decide(case: &str, request_id: &str, resolution: Resolution) -> pb::DecideAfterHearingRequest {
    pb::DecideAfterHearingRequest {
        name: format!("{case}/hearing"),
        request_id: request_id.to_owned(),
        resolution: resolution as i32,
        reasons: "Heard the applicant; the registers stand.".to_owned(),
    }
}

async fn grounds_found_give_a_preliminary_decision_and_a_hearing_by_the_calendar(
    database: &TestDatabase,
) {
    let app = TestApp::spawn(database).await;
    app.open("d14", Form::new(demo::D14_APPLICANT, KARAGANDA).build())
        .await;
    let case = app
        .wait_for_state("cases/d14", pb::case::State::HearingScheduled)
        .await;
    // Decided Wednesday 15 April 10:00: the notice day is that Wednesday; the
    // hearing at 10:00 on the 2nd working day after it (Friday 17); the term,
    // 1 working day (Thursday 16, 18:30), extended so that the notice is 3
    // working days before its end (Monday 20, 18:30).
    assert_eq!(
        case.processing_deadline,
        timestamp("2026-04-20T18:30:00+05:00")
    );

    let decision = app.decisions("cases/d14").await.remove(0);
    assert_eq!(
        decision.outcome,
        pb::decision::Outcome::PreliminaryDenial as i32
    );
    let codes: Vec<&str> = decision
        .grounds
        .iter()
        .map(|ground| ground.code.as_str())
        .collect();
    assert_eq!(codes, ["OWNED_HOUSING_LAST_5_YEARS"]);
    let fact = &decision.grounds[0].facts[0];
    assert_eq!(fact.register, Register::RealEstate as i32);
    assert_eq!(fact.subject, "applicant");
    assert_eq!(fact.subject_iin, demo::D14_APPLICANT);
    assert!(
        !fact.record_key.is_empty(),
        "the dwelling's cadastral number"
    );
    assert!(
        fact.description.contains("alienated 2023-06-10"),
        "{}",
        fact.description
    );
    let terms = decision.terms.expect("terms");
    assert_eq!(terms.processing_term_code, "TERM_TRACK_NO_HOUSING");
    assert_eq!(
        terms.hearing_notice_time,
        timestamp("2026-04-15T10:00:00+05:00")
    );
    assert_eq!(terms.hearing_time, timestamp("2026-04-17T10:00:00+05:00"));
    assert_eq!(
        terms.position_deadline,
        timestamp("2026-04-17T10:00:00+05:00")
    );

    let hearing = app.hearing("cases/d14").await;
    assert_eq!(hearing.state, pb::hearing::State::Scheduled as i32);
    assert_eq!(hearing.preliminary_decision, "cases/d14/decisions/1");
    assert_eq!(
        hearing.method,
        pb::hearing::Method::WrittenPersonalAccount as i32
    );
    assert_eq!(hearing.hearing_time, timestamp("2026-04-17T10:00:00+05:00"));
    app.stop().await;
}

async fn a_stated_position_then_an_operator_confirms_the_denial(database: &TestDatabase) {
    let app = TestApp::spawn(database).await;
    app.open("d14", Form::new(demo::D14_APPLICANT, KARAGANDA).build())
        .await;
    app.wait_for_state("cases/d14", pb::case::State::HearingScheduled)
        .await;

    let mut applicant = app.citizen(demo::D14_APPLICANT);
    let hearing = applicant
        .state_position(position("p-1", "The flat was sold to pay for treatment."))
        .await
        .expect("the applicant states a position")
        .into_inner()
        .hearing
        .expect("a hearing");
    assert_eq!(hearing.state, pb::hearing::State::PositionStated as i32);
    assert_eq!(hearing.positions.len(), 1);
    assert!(hearing.positions[0].state_time.is_some());
    // A replay records nothing new.
    let replayed = applicant
        .state_position(position("p-1", "The flat was sold to pay for treatment."))
        .await
        .expect("a replay")
        .into_inner()
        .hearing
        .expect("a hearing");
    assert_eq!(replayed.positions.len(), 1);
    // Nobody else may state a position on it, or even see it.
    let stranger = app
        .citizen(demo::D15_APPLICANT)
        .state_position(position("p-2", "Not mine"))
        .await
        .expect_err("not their case");
    assert_eq!(stranger.code(), tonic::Code::NotFound);

    let mut operator = app.operator("op-17");
    let too_early = operator
        .decide_after_hearing(decide("cases/d14", "d-1", Resolution::ConfirmDenial))
        .await
        .expect_err("the hearing is not held yet");
    assert_eq!(too_early.code(), tonic::Code::FailedPrecondition);

    app.clock.set(instant("2026-04-17T10:05:00+05:00"));
    let too_late = applicant
        .state_position(position("p-3", "One more thing"))
        .await
        .expect_err("the hearing has started");
    assert_eq!(too_late.code(), tonic::Code::FailedPrecondition);
    assert_eq!(reason(&too_late), "FAILED_PRECONDITION");
    let citizen_decides = applicant
        .decide_after_hearing(decide("cases/d14", "d-0", Resolution::Register))
        .await
        .expect_err("a citizen does not decide");
    assert_eq!(citizen_decides.code(), tonic::Code::PermissionDenied);

    let decision = operator
        .decide_after_hearing(decide("cases/d14", "d-1", Resolution::ConfirmDenial))
        .await
        .expect("the operator decides")
        .into_inner()
        .decision
        .expect("a decision");
    assert_eq!(decision.name, "cases/d14/decisions/2");
    assert_eq!(decision.outcome, pb::decision::Outcome::Denied as i32);
    assert_eq!(decision.trigger, pb::decision::Trigger::AfterHearing as i32);
    let decided_by = decision.decided_by.clone().expect("who decided");
    assert_eq!(decided_by.id, "op-17");
    assert_eq!(decided_by.role, ActorRole::Operator as i32);
    assert_eq!(
        decision.reasons,
        "Heard the applicant; the registers stand."
    );
    assert_eq!(
        decision.grounds.len(),
        1,
        "a reasoned denial lists its grounds"
    );
    assert!(decision.trace.contains("op-17"));

    let replay = operator
        .decide_after_hearing(decide("cases/d14", "d-1", Resolution::ConfirmDenial))
        .await
        .expect("a replay")
        .into_inner()
        .decision
        .expect("a decision");
    assert_eq!(replay.name, decision.name);

    let case = app.case("cases/d14").await;
    assert_eq!(case.state, pb::case::State::Denied as i32);
    let hearing = app.hearing("cases/d14").await;
    assert_eq!(hearing.state, pb::hearing::State::Decided as i32);
    assert_eq!(hearing.final_decision, "cases/d14/decisions/2");
    let again = operator
        .decide_after_hearing(decide("cases/d14", "d-2", Resolution::Register))
        .await
        .expect_err("already decided");
    assert_eq!(again.code(), tonic::Code::FailedPrecondition);
    app.stop().await;
}

async fn the_head_of_the_provider_registers_after_the_hearing(database: &TestDatabase) {
    let app = TestApp::spawn(database).await;
    let form = Form::new(demo::D24_APPLICANT, KARAGANDA)
        .declare(demo::D25_DECLARED, FamilyRelation::Spouse)
        .consent_of(demo::D25_DECLARED)
        .build();
    app.open("d24", form).await;
    app.wait_for_state("cases/d24", pb::case::State::HearingScheduled)
        .await;
    let grounds: Vec<String> = app.decisions("cases/d24").await[0]
        .grounds
        .iter()
        .map(|ground| ground.code.clone())
        .collect();
    assert_eq!(grounds, ["INACCURATE_DATA"]);
    app.citizen(demo::D24_APPLICANT)
        .state_position(pb::StatePositionRequest {
            name: "cases/d24/hearing".to_owned(),
            request_id: "p-1".to_owned(),
            position: Some(pb::Position {
                text: "We married abroad; the record is being transferred.".to_owned(),
                attachments: vec![housing_proto::housing::common::v1::Attachment {
                    file_name: "certificate.pdf".to_owned(),
                    media_type: "application/pdf".to_owned(),
                    content: b"%PDF-1.7".to_vec(),
                }],
                state_time: None,
            }),
        })
        .await
        .expect("the applicant states a position");

    app.clock.set(instant("2026-04-17T11:00:00+05:00"));
    let decision = app
        .staff(Role::ProviderHead, "head-1")
        .decide_after_hearing(decide("cases/d24", "d-1", Resolution::Register))
        .await
        .expect("the head decides")
        .into_inner()
        .decision
        .expect("a decision");
    assert_eq!(decision.outcome, pb::decision::Outcome::Registered as i32);
    assert!(decision.grounds.is_empty());
    assert_eq!(
        decision.decided_by.expect("who decided").role,
        ActorRole::ProviderHead as i32
    );
    let case = app.case("cases/d24").await;
    assert_eq!(case.state, pb::case::State::Registered as i32);
    assert_eq!(case.register_entry, "registerEntries/d24");
    let hearing = app.hearing("cases/d24").await;
    assert_eq!(hearing.positions[0].attachments.len(), 1);
    assert_eq!(hearing.state, pb::hearing::State::Decided as i32);
    app.stop().await;
}

async fn with_no_position_the_denial_becomes_final_on_its_own(database: &TestDatabase) {
    let app = TestApp::spawn(database).await;
    app.open("d20", Form::new(demo::D20_APPLICANT, KARAGANDA).build())
        .await;
    app.wait_for_state("cases/d20", pb::case::State::HearingScheduled)
        .await;
    // The position may be stated until the hearing starts: at 10:00 it has.
    app.clock.set(instant("2026-04-17T10:00:00+05:00"));
    let case = app
        .wait_for_state("cases/d20", pb::case::State::Denied)
        .await;
    assert_eq!(case.latest_decision, "cases/d20/decisions/2");
    let decisions = app.decisions("cases/d20").await;
    assert_eq!(decisions.len(), 2);
    let lapsed = &decisions[1];
    assert_eq!(lapsed.outcome, pb::decision::Outcome::Denied as i32);
    assert_eq!(lapsed.trigger, pb::decision::Trigger::HearingLapsed as i32);
    let decided_by = lapsed.decided_by.clone().expect("who decided");
    assert_eq!(decided_by.role, ActorRole::System as i32);
    assert_eq!(decided_by.id, "eligibility-verification");
    assert_eq!(lapsed.grounds[0].code, "HAS_STATE_OR_LEASED_HOUSING");
    let hearing = app.hearing("cases/d20").await;
    assert_eq!(hearing.state, pb::hearing::State::Lapsed as i32);
    assert_eq!(hearing.final_decision, "cases/d20/decisions/2");
    app.stop().await;
}
