//! Chapter 3 of the Rules through the public contracts: an applicant files a
//! complaint signed with EDS; the provider fully satisfies it (a new decision
//! at eligibility) or forwards it with the administrative case to the body
//! processing complaints, which decides; terms run out and supervisors see
//! it; the applicant is notified at every step, and the final answer names
//! the route to court.

use std::time::Duration;

use chrono::TimeDelta;
use housing_e2e_tests::demo::{
    application_of, citizen, decided, eventually, iin_of, operator, signing_key, submit,
};
use housing_e2e_tests::{Backend, Suite, SuiteOptions, spawn_suite};
use housing_platform::caller::{Caller, Role};
use housing_proto::housing::common::v1 as common;
use housing_proto::housing::complaints::v1 as pb;
use housing_proto::housing::eligibility::v1 as eligibility;
use housing_proto::housing::intake::v1 as intake;
use housing_proto::housing::notification::v1 as notification;
use housing_proto::housing::registry::v1 as registry;
use prost::Message;
use tonic::{Code, Status};
use tonic_types::StatusExt;

fn provider_head() -> Caller {
    Caller::staff(Role::ProviderHead, "head-e2e")
}

fn complaints_body() -> Caller {
    Caller::staff(Role::ComplaintsBody, "quality-body-e2e")
}

fn reason(status: &Status) -> String {
    status
        .get_error_details()
        .error_info()
        .map(|info| info.reason.clone())
        .unwrap_or_default()
}

fn violated_fields(status: &Status) -> Vec<String> {
    let mut fields: Vec<String> = status
        .get_error_details()
        .bad_request()
        .map(|bad| {
            bad.field_violations
                .iter()
                .map(|v| v.field.clone())
                .collect()
        })
        .unwrap_or_default();
    fields.sort();
    fields
}

fn form(
    complainant: &str,
    application: &intake::Application,
    route: pb::ComplaintRoute,
) -> pb::ComplaintForm {
    pb::ComplaintForm {
        form_version: "COMPLAINT/2025".to_owned(),
        complainant_iin: complainant.to_owned(),
        application: application.name.clone(),
        decision: application.latest_decision.clone(),
        subject: pb::ComplaintSubject::Decision as i32,
        route: route as i32,
        staff_member: String::new(),
        text: "The decision does not take my documents into account.".to_owned(),
        requested_remedy: "Register me in the housing register.".to_owned(),
        attachments: vec![common::Attachment {
            file_name: "certificate.pdf".to_owned(),
            media_type: "application/pdf".to_owned(),
            content: b"%PDF-1.7 certificate".to_vec(),
        }],
    }
}

fn signed(
    suite: &Suite,
    form: &pb::ComplaintForm,
    key: &registry::IssueCertificateResponse,
) -> pb::FileComplaintRequest {
    let content = form.encode_to_vec();
    let cms_signature = housing_eds::sign_detached(
        &content,
        &key.certificate_der,
        &key.private_key_pkcs8_der,
        suite.now() - TimeDelta::minutes(1),
    )
    .expect("the test key signs");
    pb::FileComplaintRequest {
        request_id: uuid::Uuid::new_v4().to_string(),
        signed_form: Some(common::SignedDocument {
            content,
            cms_signature,
        }),
    }
}

/// Files the demo application and waits for its first decision.
async fn decided_application(suite: &Suite, number: &str) -> (String, intake::Application) {
    let demo = application_of(number);
    let filer = demo.filer();
    let submitted = submit(suite, &demo).await.expect("intake accepts");
    let application = decided(suite, &filer, &submitted.name).await;
    (filer, application)
}

async fn file(
    suite: &Suite,
    filer: &str,
    form: &pb::ComplaintForm,
) -> Result<pb::Complaint, Status> {
    let key = signing_key(suite, filer).await;
    suite
        .complaints(citizen(filer))
        .file_complaint(signed(suite, form, &key))
        .await
        .map(|response| response.into_inner().complaint.expect("a complaint"))
}

async fn notice_of(
    suite: &Suite,
    filer: &str,
    complaint: &str,
    kind: notification::NotificationKind,
) -> notification::Notification {
    eventually(
        "the complaint's notice arrives",
        Duration::from_secs(30),
        || async {
            suite
                .notification(citizen(filer))
                .list_notifications(notification::ListNotificationsRequest {
                    recipient_iin: filer.to_owned(),
                    ..Default::default()
                })
                .await
                .ok()?
                .into_inner()
                .notifications
                .into_iter()
                .find(|notice| notice.complaint == complaint && notice.kind() == kind)
        },
    )
    .await
}

fn decide(
    name: &str,
    outcome: pb::complaint_decision::Outcome,
    remedy: pb::complaint_decision::Remedy,
) -> pb::DecideComplaintRequest {
    pb::DecideComplaintRequest {
        name: name.to_owned(),
        request_id: uuid::Uuid::new_v4().to_string(),
        outcome: outcome as i32,
        reasons: "The certificate of the applicant was not considered.".to_owned(),
        remedy: remedy as i32,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_provider_fully_satisfies_a_complaint_and_the_applicant_is_registered() {
    provider_satisfies(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_provider_fully_satisfies_a_complaint_on_postgres() {
    if std::env::var_os(housing_storage::testing::SKIP_POSTGRES_VARIABLE).is_some() {
        return;
    }
    provider_satisfies(Backend::Postgres).await;
}

async fn provider_satisfies(backend: Backend) {
    let suite = spawn_suite(SuiteOptions {
        backend,
        ..SuiteOptions::default()
    })
    .await
    .expect("the suite starts");
    let (filer, application) = decided_application(&suite, "D14").await;
    assert_eq!(
        application.state(),
        intake::application::State::HearingScheduled
    );

    let complaint = file(
        &suite,
        &filer,
        &form(&filer, &application, pb::ComplaintRoute::ProviderHead),
    )
    .await
    .expect("the complaint is registered");
    assert_eq!(complaint.state(), pb::complaint::State::Registered);
    assert!(
        complaint.number.starts_with("HPC-C-2026-"),
        "{}",
        complaint.number
    );
    // Wednesday 15 April 2026, 10:00: registered that day; forwarded by Monday
    // 20 April (3 working days), answered by Wednesday 22 April (5), 18:30 Almaty.
    let date = complaint.registration_date.expect("a date");
    assert_eq!((date.year, date.month, date.day), (2026, 4, 15));
    let almaty_close = |day: u32| {
        chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2026, 4, day, 13, 30, 0)
            .single()
            .expect("an instant")
            .timestamp()
    };
    assert_eq!(
        complaint.forward_deadline.expect("a forward term").seconds,
        almaty_close(20)
    );
    assert_eq!(
        complaint.answer_deadline.expect("an answer term").seconds,
        almaty_close(22)
    );
    assert_eq!(complaint.term_status(), pb::TermStatus::OnTime);
    let registered = notice_of(
        &suite,
        &filer,
        &complaint.name,
        notification::NotificationKind::ComplaintRegistered,
    )
    .await;
    assert_eq!(registered.application, application.name);

    // The complainant reads it; another citizen cannot know it exists.
    let read = suite
        .complaints(citizen(&filer))
        .get_complaint(pb::GetComplaintRequest {
            name: complaint.name.clone(),
        })
        .await
        .expect("the complainant reads it")
        .into_inner()
        .complaint
        .expect("a complaint");
    assert_eq!(read.number, complaint.number);
    let stranger = suite
        .complaints(citizen(&iin_of("D15")))
        .get_complaint(pb::GetComplaintRequest {
            name: complaint.name.clone(),
        })
        .await
        .expect_err("not theirs");
    assert_eq!(stranger.code(), Code::NotFound);

    // Only full satisfaction is the provider's own answer.
    let partial = suite
        .complaints(provider_head())
        .decide_complaint(decide(
            &complaint.name,
            pb::complaint_decision::Outcome::PartlySatisfied,
            pb::complaint_decision::Remedy::Unspecified,
        ))
        .await
        .expect_err("the provider forwards what it does not fully satisfy");
    assert_eq!(partial.code(), Code::FailedPrecondition);
    assert_eq!(reason(&partial), "COMPLAINT_FORWARD_TERM");
    let by_operator = suite
        .complaints(operator())
        .decide_complaint(decide(
            &complaint.name,
            pb::complaint_decision::Outcome::Satisfied,
            pb::complaint_decision::Remedy::Register,
        ))
        .await
        .expect_err("an operator does not decide complaints");
    assert_eq!(by_operator.code(), Code::PermissionDenied);

    let request = decide(
        &complaint.name,
        pb::complaint_decision::Outcome::Satisfied,
        pb::complaint_decision::Remedy::Register,
    );
    let decided = suite
        .complaints(provider_head())
        .decide_complaint(request.clone())
        .await
        .expect("the head of the provider satisfies it")
        .into_inner()
        .complaint
        .expect("a complaint");
    assert_eq!(decided.state(), pb::complaint::State::Decided);
    let decision = decided.decision.clone().expect("a decision");
    assert_eq!(decision.decided_by.expect("who").id, "head-e2e");
    assert!(
        decision.court_route.contains("court"),
        "{}",
        decision.court_route
    );
    // A replay of the same request answers the same decision.
    let replayed = suite
        .complaints(provider_head())
        .decide_complaint(request)
        .await
        .expect("a replay")
        .into_inner()
        .complaint
        .expect("a complaint");
    assert_eq!(
        replayed.decision.expect("a decision").decide_time,
        decision.decide_time
    );

    // The remedy takes effect in eligibility as a new decision citing the complaint.
    let resulting = eventually(
        "the registration takes effect",
        Duration::from_secs(30),
        || async {
            let complaint = suite
                .complaints(operator())
                .get_complaint(pb::GetComplaintRequest {
                    name: complaint.name.clone(),
                })
                .await
                .ok()?
                .into_inner()
                .complaint?;
            let resulting = complaint.decision?.resulting_decision;
            (!resulting.is_empty()).then_some(resulting)
        },
    )
    .await;
    let new_decision = suite
        .eligibility(operator())
        .get_decision(eligibility::GetDecisionRequest { name: resulting })
        .await
        .expect("the new decision")
        .into_inner()
        .decision
        .expect("a decision");
    assert_eq!(
        new_decision.outcome(),
        eligibility::decision::Outcome::Registered
    );
    assert_eq!(new_decision.complaint, complaint.name);
    eventually(
        "intake shows the registration",
        Duration::from_secs(30),
        || async {
            let application = suite
                .intake(citizen(&filer))
                .get_application(intake::GetApplicationRequest {
                    name: application.name.clone(),
                })
                .await
                .ok()?
                .into_inner()
                .application?;
            (application.state() == intake::application::State::Registered).then_some(())
        },
    )
    .await;
    notice_of(
        &suite,
        &filer,
        &complaint.name,
        notification::NotificationKind::ComplaintDecided,
    )
    .await;
    suite.stop().await.expect("the suite stops cleanly");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forwarded_complaint_carries_the_administrative_case_and_the_body_decides() {
    let suite = spawn_suite(SuiteOptions::default())
        .await
        .expect("the suite starts");
    let (filer, application) = decided_application(&suite, "D16").await;
    let complaint = file(
        &suite,
        &filer,
        &form(&filer, &application, pb::ComplaintRoute::ProviderHead),
    )
    .await
    .expect("registered");

    let forward = pb::ForwardComplaintRequest {
        name: complaint.name.clone(),
        request_id: uuid::Uuid::new_v4().to_string(),
        body: "Committee for quality control of public services".to_owned(),
    };
    let by_citizen = suite
        .complaints(citizen(&filer))
        .forward_complaint(forward.clone())
        .await
        .expect_err("citizens do not forward");
    assert_eq!(by_citizen.code(), Code::PermissionDenied);
    let forwarded = suite
        .complaints(operator())
        .forward_complaint(forward)
        .await
        .expect("forwarded")
        .into_inner()
        .complaint
        .expect("a complaint");
    assert_eq!(forwarded.state(), pb::complaint::State::Forwarded);
    let forwarding = forwarded.forwarding.clone().expect("a forwarding");
    assert_eq!(forwarding.forwarded_by.expect("who").id, "operator-e2e");
    // Received by the body on Wednesday 15 April: 15 working days
    // (COMPLAINT_QUALITY_BODY_TERM) by the suite's calendar, 1 and 7 May off.
    let answer = forwarding.answer_deadline.expect("a term").seconds;
    let expected = housing_domain::calendar::WorkingCalendar::builtin()
        .term_end(
            chrono::NaiveDate::from_ymd_opt(2026, 4, 15).expect("a date"),
            15,
        )
        .expect("2026 is covered");
    assert_eq!(answer, expected.timestamp());
    assert!(answer > complaint.answer_deadline.expect("a term").seconds);
    assert_eq!(
        forwarded
            .answer_deadline
            .expect("the term in force")
            .seconds,
        answer
    );
    notice_of(
        &suite,
        &filer,
        &complaint.name,
        notification::NotificationKind::ComplaintForwarded,
    )
    .await;

    let case = suite
        .complaints(complaints_body())
        .get_administrative_case(pb::GetAdministrativeCaseRequest {
            name: complaint.name.clone(),
        })
        .await
        .expect("the body reads the administrative case")
        .into_inner()
        .administrative_case
        .expect("a case");
    assert_eq!(
        case.application.expect("the application").name,
        application.name
    );
    assert!(!case.events.is_empty(), "the status history");
    assert!(case.case.is_some(), "the eligibility case");
    assert!(
        case.decisions
            .iter()
            .any(|decision| decision.name == application.latest_decision),
        "the decision complained of, with its facts"
    );
    assert!(case.hearing.is_some(), "the hearing record");
    assert!(
        case.notifications
            .iter()
            .any(|notice| notice.kind() == notification::NotificationKind::PreliminaryDecision),
        "the notices sent"
    );
    assert_eq!(
        case.complaint.expect("the complaint").state(),
        pb::complaint::State::Forwarded
    );
    let citizen_case = suite
        .complaints(citizen(&filer))
        .get_administrative_case(pb::GetAdministrativeCaseRequest {
            name: complaint.name.clone(),
        })
        .await
        .expect_err("the case file is for staff");
    assert_eq!(citizen_case.code(), Code::PermissionDenied);

    let by_head = suite
        .complaints(provider_head())
        .decide_complaint(decide(
            &complaint.name,
            pb::complaint_decision::Outcome::Rejected,
            pb::complaint_decision::Remedy::Unspecified,
        ))
        .await
        .expect_err("a forwarded complaint is the body's");
    assert_eq!(by_head.code(), Code::PermissionDenied);
    let with_remedy = suite
        .complaints(complaints_body())
        .decide_complaint(decide(
            &complaint.name,
            pb::complaint_decision::Outcome::Rejected,
            pb::complaint_decision::Remedy::Register,
        ))
        .await
        .expect_err("a rejection orders nothing");
    assert_eq!(with_remedy.code(), Code::InvalidArgument);
    assert_eq!(violated_fields(&with_remedy), vec!["remedy".to_owned()]);
    let rejected = suite
        .complaints(complaints_body())
        .decide_complaint(decide(
            &complaint.name,
            pb::complaint_decision::Outcome::Rejected,
            pb::complaint_decision::Remedy::Unspecified,
        ))
        .await
        .expect("the body rejects it")
        .into_inner()
        .complaint
        .expect("a complaint");
    let decision = rejected.decision.clone().expect("a decision");
    assert_eq!(
        decision.outcome(),
        pb::complaint_decision::Outcome::Rejected
    );
    assert_eq!(decision.decided_by.expect("who").id, "quality-body-e2e");
    assert!(decision.court_route.contains("court"));
    assert_eq!(rejected.term_status(), pb::TermStatus::OnTime);
    let decided_notice = notice_of(
        &suite,
        &filer,
        &complaint.name,
        notification::NotificationKind::ComplaintDecided,
    )
    .await;
    assert!(
        decided_notice
            .texts
            .iter()
            .any(|text| text.body.contains("суд")),
        "the final answer names the route to court"
    );
    suite.stop().await.expect("the suite stops cleanly");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn terms_run_out_and_supervisors_list_due_soon_and_overdue_complaints() {
    let suite = spawn_suite(SuiteOptions::default())
        .await
        .expect("the suite starts");
    let (filer, application) = decided_application(&suite, "D06").await;
    let complaint = file(
        &suite,
        &filer,
        &form(&filer, &application, pb::ComplaintRoute::ProviderHead),
    )
    .await
    .expect("registered");
    let listed = |term: pb::TermStatus| {
        let suite = &suite;
        async move {
            suite
                .complaints(provider_head())
                .list_complaints(pb::ListComplaintsRequest {
                    term_status: term as i32,
                    ..Default::default()
                })
                .await
                .expect("listed")
                .into_inner()
                .complaints
                .into_iter()
                .map(|complaint| (complaint.name.clone(), complaint.term_status()))
                .collect::<Vec<_>>()
        }
    };
    let on_time = vec![(complaint.name.clone(), pb::TermStatus::OnTime)];
    assert_eq!(listed(pb::TermStatus::OnTime).await, on_time);
    assert!(listed(pb::TermStatus::Overdue).await.is_empty());

    // Monday 20 April, the last day to forward: due soon.
    suite.advance_complaints_clock(TimeDelta::days(5));
    let due_soon = vec![(complaint.name.clone(), pb::TermStatus::DueSoon)];
    assert_eq!(listed(pb::TermStatus::DueSoon).await, due_soon);
    assert!(listed(pb::TermStatus::OnTime).await.is_empty());

    // Wednesday 22 April: the forwarding term is over.
    suite.advance_complaints_clock(TimeDelta::days(2));
    let overdue = vec![(complaint.name.clone(), pb::TermStatus::Overdue)];
    assert_eq!(listed(pb::TermStatus::Overdue).await, overdue);
    let too_late = suite
        .complaints(provider_head())
        .decide_complaint(decide(
            &complaint.name,
            pb::complaint_decision::Outcome::Satisfied,
            pb::complaint_decision::Remedy::Reevaluate,
        ))
        .await
        .expect_err("past the three days the provider must forward");
    assert_eq!(reason(&too_late), "COMPLAINT_FORWARD_TERM");

    // A citizen lists their own only, whatever they ask for.
    let own = suite
        .complaints(citizen(&filer))
        .list_complaints(pb::ListComplaintsRequest::default())
        .await
        .expect("listed")
        .into_inner()
        .complaints;
    assert_eq!(own.len(), 1);
    let others = suite
        .complaints(citizen(&iin_of("D15")))
        .list_complaints(pb::ListComplaintsRequest {
            complainant_iin: filer.clone(),
            ..Default::default()
        })
        .await
        .expect("listed")
        .into_inner()
        .complaints;
    assert!(others.is_empty());
    let contradictory = suite
        .complaints(provider_head())
        .list_complaints(pb::ListComplaintsRequest {
            state: pb::complaint::State::Decided as i32,
            term_status: pb::TermStatus::Overdue as i32,
            ..Default::default()
        })
        .await
        .expect_err("term status filters open complaints");
    assert_eq!(
        violated_fields(&contradictory),
        vec!["term_status".to_owned()]
    );
    suite.stop().await.expect("the suite stops cleanly");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_complaints_are_refused_and_nothing_is_stored() {
    let mut suite = spawn_suite(SuiteOptions::default())
        .await
        .expect("the suite starts");
    let (filer, application) = decided_application(&suite, "D07").await;
    let good = form(&filer, &application, pb::ComplaintRoute::QualityBody);

    // Signed by someone else than the complainant of the form.
    let other = iin_of("D15");
    let other_key = signing_key(&suite, &other).await;
    let forged = suite
        .complaints(operator())
        .file_complaint(signed(&suite, &good, &other_key))
        .await
        .expect_err("the signer must be the complainant");
    assert_eq!(forged.code(), Code::Unauthenticated);
    assert_eq!(reason(&forged), "SIGNED_WITH_EDS");
    // A citizen files only what they signed.
    let key = signing_key(&suite, &filer).await;
    let as_other = suite
        .complaints(citizen(&other))
        .file_complaint(signed(&suite, &good, &key))
        .await
        .expect_err("not their signature");
    assert_eq!(as_other.code(), Code::PermissionDenied);
    // A changed form no longer matches its signature.
    let mut tampered = signed(&suite, &good, &key);
    if let Some(document) = tampered.signed_form.as_mut() {
        document.content.push(0);
    }
    let tampered = suite
        .complaints(citizen(&filer))
        .file_complaint(tampered)
        .await
        .expect_err("tampered");
    assert_eq!(reason(&tampered), "SIGNED_WITH_EDS");
    // Every faulty field at once.
    let mut bad = good.clone();
    bad.form_version = "OLD".to_owned();
    bad.subject = pb::ComplaintSubject::Unspecified as i32;
    bad.text = String::new();
    let invalid = suite
        .complaints(citizen(&filer))
        .file_complaint(signed(&suite, &bad, &key))
        .await
        .expect_err("invalid");
    assert_eq!(invalid.code(), Code::InvalidArgument);
    assert_eq!(
        violated_fields(&invalid),
        vec![
            "signed_form.content.form_version".to_owned(),
            "signed_form.content.subject".to_owned(),
            "signed_form.content.text".to_owned(),
        ]
    );
    // A complaint about someone else's application: for them it does not exist.
    let (_, someone_elses) = decided_application(&suite, "D15").await;
    let foreign = form(&filer, &someone_elses, pb::ComplaintRoute::QualityBody);
    let foreign = suite
        .complaints(citizen(&filer))
        .file_complaint(signed(&suite, &foreign, &key))
        .await
        .expect_err("not their application");
    assert_eq!(foreign.code(), Code::NotFound);
    let listed = suite
        .complaints(operator())
        .list_complaints(pb::ListComplaintsRequest::default())
        .await
        .expect("listed")
        .into_inner()
        .complaints;
    assert!(
        listed.is_empty(),
        "nothing of the refused filings is stored"
    );

    // A good one, replayed, is one complaint; it survives a crash.
    let request = signed(&suite, &good, &key);
    let first = suite
        .complaints(citizen(&filer))
        .file_complaint(request.clone())
        .await
        .expect("registered")
        .into_inner()
        .complaint
        .expect("a complaint");
    // Filed with the quality body: 15 working days, nothing to forward.
    assert!(first.forward_deadline.is_none());
    suite.crash_complaints().await;
    suite.restart_complaints().await.expect("restarts");
    let again = suite
        .complaints(citizen(&filer))
        .file_complaint(request)
        .await
        .expect("a replay")
        .into_inner()
        .complaint
        .expect("a complaint");
    assert_eq!(again.name, first.name);
    assert_eq!(again.number, first.number);
    let not_forwardable = suite
        .complaints(operator())
        .forward_complaint(pb::ForwardComplaintRequest {
            name: first.name.clone(),
            request_id: uuid::Uuid::new_v4().to_string(),
            body: "Committee".to_owned(),
        })
        .await
        .expect_err("filed with the body already");
    assert_eq!(not_forwardable.code(), Code::FailedPrecondition);
    notice_of(
        &suite,
        &filer,
        &first.name,
        notification::NotificationKind::ComplaintRegistered,
    )
    .await;
    suite.stop().await.expect("the suite stops cleanly");
}
