//! Who may do what, idempotent opening, withdrawal, and bad input reported
//! field by field.

use chrono::TimeDelta;
use housing_platform::caller::Role;
use housing_proto::housing::common::v1::Track;
use housing_proto::housing::eligibility::v1 as pb;
use housing_storage::audit::{AuditAction, AuditLog, AuditQuery};
use housing_storage::testing::TestDatabase;

use crate::forms::{Form, KARAGANDA, SHYMKENT, date, demo};
use crate::support::{TestApp, open_request, reason, violated_fields};

housing_storage::storage_test_suite!(
    &eligibility_verification::storage::MIGRATIONS;
    opening_a_case_twice_returns_the_same_case,
    a_citizen_sees_only_cases_they_are_a_party_to,
    bad_input_is_reported_field_by_field,
    a_withdrawn_case_is_closed_and_never_decided,
);

async fn opening_a_case_twice_returns_the_same_case(database: &TestDatabase) {
    let app = TestApp::spawn(database).await;
    let form = Form::new(demo::D15_APPLICANT, KARAGANDA).build();
    let first = app.open("d15", form.clone()).await;
    let mut redelivery = open_request("d15", form);
    redelivery.request_id = "another-delivery".to_owned();
    let second = app
        .system()
        .open_case(redelivery)
        .await
        .expect("a redelivery is answered")
        .into_inner()
        .case
        .expect("a case");
    assert_eq!(second.name, first.name);
    app.wait_for_state("cases/d15", pb::case::State::Registered)
        .await;
    let third = app
        .open("d15", Form::new(demo::D15_APPLICANT, KARAGANDA).build())
        .await;
    assert_eq!(
        third.state,
        pb::case::State::Registered as i32,
        "the case as it is now"
    );

    let listed = app
        .operator("op-1")
        .list_cases(pb::ListCasesRequest::default())
        .await
        .expect("cases list")
        .into_inner();
    assert_eq!(listed.cases.len(), 1);
    assert_eq!(app.decisions("cases/d15").await.len(), 1, "decided once");
    app.stop().await;
}

async fn a_citizen_sees_only_cases_they_are_a_party_to(database: &TestDatabase) {
    let app = TestApp::spawn(database).await;
    app.open("d15", Form::new(demo::D15_APPLICANT, KARAGANDA).build())
        .await;
    let orphan = Form::new(demo::D08_APPLICANT, SHYMKENT)
        .filed_by_legal_representative(demo::D09_GUARDIAN)
        .build();
    app.open("d08", orphan).await;
    app.wait_for_state("cases/d08", pb::case::State::Registered)
        .await;

    let get = |name: &str| pb::GetCaseRequest {
        name: name.to_owned(),
    };
    let own = app
        .citizen(demo::D15_APPLICANT)
        .get_case(get("cases/d15"))
        .await
        .expect("their own case");
    assert_eq!(own.into_inner().case.expect("a case").name, "cases/d15");
    let other = app
        .citizen(demo::D15_APPLICANT)
        .get_case(get("cases/d08"))
        .await
        .expect_err("not theirs");
    assert_eq!(other.code(), tonic::Code::NotFound);
    let decision = app
        .citizen(demo::D15_APPLICANT)
        .get_decision(pb::GetDecisionRequest {
            name: "cases/d08/decisions/1".to_owned(),
        })
        .await
        .expect_err("nor its decisions");
    assert_eq!(decision.code(), tonic::Code::NotFound);

    // The guardian filed for the minor: the case is the guardian's to read too.
    let mut guardian = app.citizen(demo::D09_GUARDIAN);
    guardian
        .get_case(get("cases/d08"))
        .await
        .expect("the representative reads the case");
    guardian
        .get_register_entry(pb::GetRegisterEntryRequest {
            name: "registerEntries/d08".to_owned(),
        })
        .await
        .expect("and the register entry");
    let listed = guardian
        .list_cases(pb::ListCasesRequest::default())
        .await
        .expect("their cases")
        .into_inner();
    let names: Vec<&str> = listed.cases.iter().map(|case| case.name.as_str()).collect();
    assert_eq!(names, ["cases/d08"]);

    let open = app
        .citizen(demo::D15_APPLICANT)
        .open_case(open_request(
            "d99",
            Form::new(demo::D15_APPLICANT, KARAGANDA).build(),
        ))
        .await
        .expect_err("only intake opens cases");
    assert_eq!(open.code(), tonic::Code::PermissionDenied);
    let auditor = app
        .staff(Role::Auditor, "audit-1")
        .get_case(get("cases/d15"))
        .await
        .expect_err("auditors read logs, not cases");
    assert_eq!(auditor.code(), tonic::Code::PermissionDenied);
    let nobody = app
        .anonymous()
        .get_case(get("cases/d15"))
        .await
        .expect_err("unidentified");
    assert_eq!(nobody.code(), tonic::Code::Unauthenticated);

    // Every read of a case's data, and every case opened, is in the audit
    // trail with its caller, its persons and its case; refused calls are not.
    let trail = AuditLog::new(database.database.clone());
    let entries = trail
        .list(&AuditQuery {
            limit: 500,
            ..AuditQuery::default()
        })
        .await
        .expect("the audit trail");
    // The test itself polls GetCase as a system while it waits for a state:
    // reads too, as many as it polled.
    let polled = |entry: &&housing_storage::audit::AuditEntry| {
        entry.draft.caller_role == "system" && entry.draft.rpc.ends_with("/GetCase")
    };
    assert!(entries.iter().any(|entry| polled(&entry)));
    let seen: Vec<(String, String, String, String, AuditAction)> = entries
        .iter()
        .filter(|entry| !polled(entry))
        .map(|entry| {
            (
                entry.draft.caller_role.clone(),
                entry.draft.caller_iin.clone(),
                entry
                    .draft
                    .rpc
                    .rsplit('/')
                    .next()
                    .unwrap_or_default()
                    .to_owned(),
                entry.draft.case.clone(),
                entry.draft.action,
            )
        })
        .collect();
    let entry = |role: &str, iin: &str, rpc: &str, case: &str, action| {
        (
            role.to_owned(),
            iin.to_owned(),
            rpc.to_owned(),
            case.to_owned(),
            action,
        )
    };
    assert_eq!(
        seen,
        vec![
            entry("system", "", "OpenCase", "cases/d15", AuditAction::Change),
            entry("system", "", "OpenCase", "cases/d08", AuditAction::Change),
            entry(
                "citizen",
                demo::D15_APPLICANT,
                "GetCase",
                "cases/d15",
                AuditAction::Read
            ),
            entry(
                "citizen",
                demo::D09_GUARDIAN,
                "GetCase",
                "cases/d08",
                AuditAction::Read
            ),
            entry(
                "citizen",
                demo::D09_GUARDIAN,
                "GetRegisterEntry",
                "cases/d08",
                AuditAction::Read
            ),
            entry(
                "citizen",
                demo::D09_GUARDIAN,
                "ListCases",
                "cases/d08",
                AuditAction::Read
            ),
        ]
    );
    // The minor's case names the minor and the guardian who filed.
    let mut persons = entries[1].draft.persons.clone();
    persons.sort();
    let mut expected = vec![
        demo::D08_APPLICANT.to_owned(),
        demo::D09_GUARDIAN.to_owned(),
    ];
    expected.sort();
    assert_eq!(persons, expected);
    let verified = trail.verify().await.expect("verify");
    assert_eq!(
        (verified.entries, verified.intact()),
        (i64::try_from(entries.len()).expect("small"), true)
    );
    app.stop().await;
}

async fn bad_input_is_reported_field_by_field(database: &TestDatabase) {
    let app = TestApp::spawn(database).await;
    let mut form = Form::new("900512490014", "35101000").build();
    form.track = Track::Unspecified as i32;
    form.phone = "8 701 555 01 01".to_owned();
    let mut request = open_request("d01", form);
    request.application = "applications/".to_owned();
    request.submit_time = None;
    let status = app
        .system()
        .open_case(request)
        .await
        .expect_err("bad input");
    assert_eq!(reason(&status), "INVALID_ARGUMENT");
    let mut fields = violated_fields(&status);
    fields.sort();
    assert_eq!(
        fields,
        [
            "application",
            "form.applicant_iin",
            "form.locality_kato",
            "form.phone",
            "form.track",
            "submit_time",
        ]
    );
    assert!(!status.message().contains("900512490014"));

    // The acceptance day must be the calendar's for the submission.
    let mut request = open_request("d01", Form::new(demo::D01_APPLICANT, KARAGANDA).build());
    request.acceptance_date = date(2026, 4, 16);
    let status = app
        .system()
        .open_case(request)
        .await
        .expect_err("not the calendar's acceptance day");
    assert_eq!(violated_fields(&status), ["acceptance_date"]);

    let status = app
        .citizen(demo::D01_APPLICANT)
        .state_position(pb::StatePositionRequest {
            name: "cases/d01".to_owned(),
            request_id: String::new(),
            position: Some(pb::Position::default()),
        })
        .await
        .expect_err("bad input");
    assert_eq!(
        violated_fields(&status),
        ["name", "request_id", "position.text"]
    );
    let status = app
        .operator("op-1")
        .list_cases(pb::ListCasesRequest {
            page_size: -1,
            page_token: "not-a-token".to_owned(),
            ..Default::default()
        })
        .await
        .expect_err("bad paging");
    assert_eq!(violated_fields(&status), ["page_size"]);
    app.stop().await;
}

async fn a_withdrawn_case_is_closed_and_never_decided(database: &TestDatabase) {
    let app = TestApp::spawn(database).await;
    app.open("d14", Form::new(demo::D14_APPLICANT, KARAGANDA).build())
        .await;
    app.wait_for_state("cases/d14", pb::case::State::HearingScheduled)
        .await;
    let withdraw = pb::WithdrawCaseRequest {
        name: "cases/d14".to_owned(),
    };
    let denied = app
        .operator("op-1")
        .withdraw_case(withdraw.clone())
        .await
        .expect_err("intake withdraws, on the applicant's request");
    assert_eq!(denied.code(), tonic::Code::PermissionDenied);
    let case = app
        .system()
        .withdraw_case(withdraw.clone())
        .await
        .expect("withdrawn")
        .into_inner()
        .case
        .expect("a case");
    assert_eq!(case.state, pb::case::State::Withdrawn as i32);
    app.system()
        .withdraw_case(withdraw)
        .await
        .expect("withdrawing again changes nothing");

    // The hearing's deadline passes: no lapse on a withdrawn case.
    app.advance(TimeDelta::days(7));
    app.open("d15", Form::new(demo::D15_APPLICANT, KARAGANDA).build())
        .await;
    app.wait_for_state("cases/d15", pb::case::State::Registered)
        .await;
    let case = app.case("cases/d14").await;
    assert_eq!(case.state, pb::case::State::Withdrawn as i32);
    assert_eq!(app.decisions("cases/d14").await.len(), 1);

    let final_case = app
        .system()
        .withdraw_case(pb::WithdrawCaseRequest {
            name: "cases/d15".to_owned(),
        })
        .await
        .expect_err("registered: final");
    assert_eq!(final_case.code(), tonic::Code::FailedPrecondition);
    app.stop().await;
}
