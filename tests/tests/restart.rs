//! A crash of intake between storing an application and handing it over, then
//! a restart: nothing lost, nothing doubled — one case, one decision, one
//! notice.

use std::time::Duration;

use housing_e2e_tests::demo::{application_of, citizen, decided, eventually, operator, submit};
use housing_e2e_tests::{Backend, SuiteOptions, spawn_suite};
use housing_proto::housing::eligibility::v1 as eligibility;
use housing_proto::housing::intake::v1 as intake;
use housing_proto::housing::notification::v1 as notification;

async fn a_crash_between_store_and_hand_over_loses_and_doubles_nothing(backend: Backend) {
    let mut suite = spawn_suite(SuiteOptions {
        backend,
        eligibility_deferred: true,
        ..SuiteOptions::default()
    })
    .await
    .expect("the suite starts");
    let demo = application_of("D01");
    let filer = demo.filer();
    let stored = submit(&suite, &demo).await.expect("intake accepts");

    // Eligibility is not serving: the hand-over cannot happen before the crash.
    suite.crash_intake().await;
    suite.start_eligibility().await.expect("eligibility starts");
    suite.restart_intake().await.expect("intake restarts");

    let application = decided(&suite, &filer, &stored.name).await;
    assert_eq!(application.state(), intake::application::State::Registered);

    let case = stored.name.replacen("applications/", "cases/", 1);
    let decisions = suite
        .eligibility(operator())
        .list_decisions(eligibility::ListDecisionsRequest {
            parent: case.clone(),
            ..Default::default()
        })
        .await
        .expect("the case's decisions")
        .into_inner()
        .decisions;
    assert_eq!(decisions.len(), 1, "one decision");
    let cases = suite
        .eligibility(operator())
        .list_cases(eligibility::ListCasesRequest::default())
        .await
        .expect("the cases")
        .into_inner()
        .cases;
    assert_eq!(
        cases
            .iter()
            .map(|case| case.name.as_str())
            .collect::<Vec<_>>(),
        [case.as_str()],
        "one case"
    );
    let applications = suite
        .intake(operator())
        .list_applications(intake::ListApplicationsRequest::default())
        .await
        .expect("the applications")
        .into_inner()
        .applications;
    assert_eq!(applications.len(), 1, "one application");
    let notices = eventually("the notice is sent", Duration::from_secs(30), || async {
        let notices = suite
            .notification(citizen(&filer))
            .list_notifications(notification::ListNotificationsRequest {
                recipient_iin: filer.clone(),
                ..Default::default()
            })
            .await
            .ok()?
            .into_inner()
            .notifications;
        (!notices.is_empty()).then_some(notices)
    })
    .await;
    assert_eq!(notices.len(), 1, "one notice");
    let history = suite
        .intake(citizen(&filer))
        .list_application_events(intake::ListApplicationEventsRequest {
            parent: stored.name.clone(),
            ..Default::default()
        })
        .await
        .expect("the history")
        .into_inner()
        .events;
    let registered = history
        .iter()
        .filter(|event| event.state() == intake::application::State::Registered)
        .count();
    assert_eq!(registered, 1, "registered once: {history:?}");
    suite.stop().await.expect("the suite stops cleanly");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crash_between_store_and_hand_over_on_sqlite() {
    a_crash_between_store_and_hand_over_loses_and_doubles_nothing(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crash_between_store_and_hand_over_on_postgres() {
    if std::env::var_os(housing_storage::testing::SKIP_POSTGRES_VARIABLE).is_some() {
        return;
    }
    a_crash_between_store_and_hand_over_loses_and_doubles_nothing(Backend::Postgres).await;
}
