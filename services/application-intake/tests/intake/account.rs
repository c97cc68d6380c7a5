//! The personal account at intake: a citizen reads only their own
//! applications (as applicant or representative), staff read all, and lists
//! page.

use housing_proto::housing::intake::v1 as pb;
use housing_storage::audit::{AuditAction, AuditLog, AuditQuery};
use housing_storage::testing::TestDatabase;
use tonic::Code;

use crate::support::{
    KARAGANDA, PKI, TEMIRTAU, TestIntake, closed_port, form, form_for, iins, intake_now, reason,
    representative_form, signed_request, submit_as_applicant,
};

housing_storage::storage_test_suite!(
    &application_intake::storage::MIGRATIONS;
    a_citizen_reads_only_their_own_applications,
    a_representative_reads_what_they_filed_for_the_principal,
    lists_and_histories_page,
);

async fn get(
    client: &mut crate::support::IntakeClient,
    name: &str,
) -> Result<pb::Application, tonic::Status> {
    client
        .get_application(pb::GetApplicationRequest {
            name: name.to_owned(),
        })
        .await
        .map(|response| response.into_inner().application.expect("an application"))
}

async fn list(
    client: &mut crate::support::IntakeClient,
    request: pb::ListApplicationsRequest,
) -> Vec<String> {
    client
        .list_applications(request)
        .await
        .expect("a list")
        .into_inner()
        .applications
        .into_iter()
        .map(|application| application.name)
        .collect()
}

async fn a_citizen_reads_only_their_own_applications(database: &TestDatabase) {
    let intake = TestIntake::spawn(database, closed_port().await).await;
    let application = submit_as_applicant(&intake, &form())
        .await
        .expect("accepted");

    let mut applicant = intake.citizen(iins::APPLICANT);
    assert_eq!(
        get(&mut applicant, &application.name)
            .await
            .expect("own")
            .name,
        application.name
    );
    assert_eq!(
        list(&mut applicant, pb::ListApplicationsRequest::default()).await,
        std::slice::from_ref(&application.name)
    );

    let mut stranger = intake.citizen(iins::STRANGER);
    let hidden = get(&mut stranger, &application.name)
        .await
        .expect_err("not theirs");
    assert_eq!(hidden.code(), Code::NotFound, "not theirs to know of");
    assert!(
        list(&mut stranger, pb::ListApplicationsRequest::default())
            .await
            .is_empty()
    );
    assert!(
        list(
            &mut stranger,
            pb::ListApplicationsRequest {
                applicant_iin: iins::APPLICANT.to_owned(),
                ..Default::default()
            }
        )
        .await
        .is_empty(),
        "a filter cannot widen a citizen's view"
    );
    let events = stranger
        .list_application_events(pb::ListApplicationEventsRequest {
            parent: application.name.clone(),
            ..Default::default()
        })
        .await
        .expect_err("not theirs");
    assert_eq!(events.code(), Code::NotFound);

    let mut operator = intake.operator();
    assert!(get(&mut operator, &application.name).await.is_ok());
    let mut auditor = intake.client(housing_platform::caller::Caller::staff(
        housing_platform::caller::Role::Auditor,
        "auditor-3",
    ));
    let refused = get(&mut auditor, &application.name)
        .await
        .expect_err("auditors read logs");
    assert_eq!(refused.code(), Code::PermissionDenied);
    let anonymous = intake
        .anonymous()
        .get_application(pb::GetApplicationRequest {
            name: application.name.clone(),
        })
        .await
        .expect_err("no caller");
    assert_eq!(anonymous.code(), Code::Unauthenticated);
    assert_eq!(reason(&anonymous), "UNAUTHENTICATED");
    let malformed = get(&mut operator, "applications/../secrets")
        .await
        .expect_err("not a name");
    assert_eq!(malformed.code(), Code::InvalidArgument);

    // Every read and change is attributable: who, in which role, through
    // which call, whose data, which application.
    let trail = AuditLog::new(database.database.clone());
    let entries = trail
        .list(&AuditQuery {
            limit: 500,
            ..AuditQuery::default()
        })
        .await
        .expect("the audit trail");
    let method = |rpc: &str| rpc.rsplit('/').next().unwrap_or_default().to_owned();
    let mut family = vec![iins::APPLICANT.to_owned(), iins::SPOUSE.to_owned()];
    family.sort();
    let citizen_entries: Vec<(String, String, AuditAction, Vec<String>, String)> = entries
        .iter()
        .filter(|entry| entry.draft.caller_role == "citizen")
        .map(|entry| {
            let mut persons = entry.draft.persons.clone();
            persons.sort();
            (
                entry.draft.caller_iin.clone(),
                method(&entry.draft.rpc),
                entry.draft.action,
                persons,
                entry.draft.case.clone(),
            )
        })
        .collect();
    let by_applicant = |rpc: &str, action| {
        (
            iins::APPLICANT.to_owned(),
            rpc.to_owned(),
            action,
            family.clone(),
            application.name.clone(),
        )
    };
    assert_eq!(
        citizen_entries,
        vec![
            by_applicant("SubmitApplication", AuditAction::Change),
            by_applicant("GetApplication", AuditAction::Read),
            by_applicant("ListApplications", AuditAction::Read),
        ],
        "refused reads and empty lists read nothing"
    );
    assert!(
        entries
            .iter()
            .any(|entry| entry.draft.caller_id == "operator-17"
                && entry.draft.caller_role == "operator"
                && entry.draft.rpc == "/housing.intake.v1.ApplicationIntakeService/GetApplication"
                && entry.draft.case == application.name
                && entry.draft.persons.contains(&iins::SPOUSE.to_owned()))
    );
    assert!(
        entries
            .iter()
            .all(|entry| entry.draft.caller_role != "auditor"),
        "a refused call is not an access"
    );
    let verified = trail.verify().await.expect("verify");
    assert_eq!(
        (verified.entries, verified.intact()),
        (i64::try_from(entries.len()).expect("small"), true)
    );

    // A staff look-up by IIN is recorded even when it finds nothing.
    assert!(
        list(
            &mut operator,
            pb::ListApplicationsRequest {
                applicant_iin: iins::STRANGER.to_owned(),
                ..Default::default()
            }
        )
        .await
        .is_empty()
    );
    let looked_up = trail
        .list(&AuditQuery {
            person_iin: iins::STRANGER.to_owned(),
            limit: 10,
            ..AuditQuery::default()
        })
        .await
        .expect("the audit trail");
    assert_eq!(looked_up.len(), 1);
    assert_eq!(
        (
            looked_up[0].draft.caller_id.as_str(),
            looked_up[0].draft.case.as_str()
        ),
        ("operator-17", "applications")
    );
    intake.stop().await;
}

async fn a_representative_reads_what_they_filed_for_the_principal(database: &TestDatabase) {
    let intake = TestIntake::spawn(database, closed_port().await).await;
    let request = signed_request(
        &representative_form(),
        &PKI.representative,
        intake_now(&intake),
    );
    let filed = intake
        .citizen(iins::REPRESENTATIVE)
        .submit_application(request)
        .await
        .expect("the representative files")
        .into_inner()
        .application
        .expect("an application");
    assert_eq!(
        filed
            .signature
            .as_ref()
            .map(|signature| signature.signer_iin.as_str()),
        Some(iins::REPRESENTATIVE)
    );

    let mut representative = intake.citizen(iins::REPRESENTATIVE);
    assert!(get(&mut representative, &filed.name).await.is_ok());
    assert_eq!(
        list(
            &mut representative,
            pb::ListApplicationsRequest {
                applicant_iin: iins::APPLICANT.to_owned(),
                ..Default::default()
            }
        )
        .await,
        std::slice::from_ref(&filed.name)
    );
    let mut principal = intake.citizen(iins::APPLICANT);
    assert!(
        get(&mut principal, &filed.name).await.is_ok(),
        "the principal reads it too"
    );
    let mut stranger = intake.citizen(iins::STRANGER);
    assert_eq!(
        get(&mut stranger, &filed.name)
            .await
            .expect_err("not theirs")
            .code(),
        Code::NotFound
    );
    intake.stop().await;
}

async fn lists_and_histories_page(database: &TestDatabase) {
    let intake = TestIntake::spawn(database, closed_port().await).await;
    let mut names = Vec::new();
    for locality in [KARAGANDA, TEMIRTAU, "711210000"] {
        intake.clock.advance(chrono::TimeDelta::minutes(1));
        names.push(
            submit_as_applicant(&intake, &form_for(locality))
                .await
                .expect("accepted")
                .name,
        );
    }
    names.reverse(); // Newest first.

    let mut operator = intake.operator();
    let first_page = operator
        .list_applications(pb::ListApplicationsRequest {
            page_size: 2,
            ..Default::default()
        })
        .await
        .expect("a page")
        .into_inner();
    let first_names: Vec<String> = first_page
        .applications
        .iter()
        .map(|a| a.name.clone())
        .collect();
    assert_eq!(first_names, names[..2]);
    assert!(!first_page.next_page_token.is_empty());
    let second_page = operator
        .list_applications(pb::ListApplicationsRequest {
            page_size: 2,
            page_token: first_page.next_page_token,
            ..Default::default()
        })
        .await
        .expect("a page")
        .into_inner();
    let second_names: Vec<String> = second_page
        .applications
        .iter()
        .map(|a| a.name.clone())
        .collect();
    assert_eq!(second_names, names[2..]);
    assert!(second_page.next_page_token.is_empty());

    let by_state = list(
        &mut operator,
        pb::ListApplicationsRequest {
            state: pb::application::State::Registered as i32,
            ..Default::default()
        },
    )
    .await;
    assert!(by_state.is_empty());

    let bad_token = operator
        .list_applications(pb::ListApplicationsRequest {
            page_token: "not-a-token".to_owned(),
            ..Default::default()
        })
        .await
        .expect_err("a made-up token");
    assert_eq!(bad_token.code(), Code::InvalidArgument);

    // Withdrawal adds a second event: the history pages one at a time.
    intake
        .citizen(iins::APPLICANT)
        .withdraw_application(pb::WithdrawApplicationRequest {
            name: names[0].clone(),
            ..Default::default()
        })
        .await
        .expect("withdrawn");
    let mut applicant = intake.citizen(iins::APPLICANT);
    let first_event = applicant
        .list_application_events(pb::ListApplicationEventsRequest {
            parent: names[0].clone(),
            page_size: 1,
            page_token: String::new(),
        })
        .await
        .expect("the history")
        .into_inner();
    assert_eq!(first_event.events.len(), 1);
    assert_eq!(
        first_event.events[0].state(),
        pb::application::State::Submitted
    );
    let second_event = applicant
        .list_application_events(pb::ListApplicationEventsRequest {
            parent: names[0].clone(),
            page_size: 1,
            page_token: first_event.next_page_token,
        })
        .await
        .expect("the history")
        .into_inner();
    assert_eq!(second_event.events.len(), 1);
    assert_eq!(
        second_event.events[0].state(),
        pb::application::State::Withdrawn
    );
    assert_eq!(
        second_event.events[0]
            .actor
            .as_ref()
            .map(|actor| actor.id.as_str()),
        Some("citizen")
    );
    intake.stop().await;
}
