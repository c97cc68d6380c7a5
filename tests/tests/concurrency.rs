//! Fifty concurrent identical submissions make one application, one case,
//! one decision and one notice.

use std::collections::BTreeSet;
use std::time::Duration;

use housing_e2e_tests::demo::{
    application_of, citizen, decided, eventually, operator, signed_request, signing_key,
};
use housing_e2e_tests::{Backend, SuiteOptions, spawn_suite};
use housing_proto::housing::eligibility::v1 as eligibility;
use housing_proto::housing::intake::v1 as intake;
use housing_proto::housing::notification::v1 as notification;

async fn fifty_identical_submissions_make_one_application(backend: Backend) {
    let suite = spawn_suite(SuiteOptions {
        backend,
        ..SuiteOptions::default()
    })
    .await
    .expect("the suite starts");
    let demo = application_of("D15");
    let filer = demo.filer();
    let key = signing_key(&suite, &filer).await;
    let request = signed_request(&suite, &demo.form(), &key);

    let mut submissions = tokio::task::JoinSet::new();
    for _ in 0..50 {
        let mut client = suite.intake(citizen(&filer));
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
    assert_eq!(names.len(), 1, "every call names the same application");
    let name = names.pop_first().expect("one name");

    let application = decided(&suite, &filer, &name).await;
    assert_eq!(application.state(), intake::application::State::Registered);
    let applications = suite
        .intake(operator())
        .list_applications(intake::ListApplicationsRequest::default())
        .await
        .expect("the applications")
        .into_inner()
        .applications;
    assert_eq!(applications.len(), 1);
    let cases = suite
        .eligibility(operator())
        .list_cases(eligibility::ListCasesRequest::default())
        .await
        .expect("the cases")
        .into_inner()
        .cases;
    assert_eq!(cases.len(), 1);
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
    assert_eq!(notices.len(), 1);
    suite.stop().await.expect("the suite stops cleanly");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_identical_submissions_on_sqlite() {
    fifty_identical_submissions_make_one_application(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_identical_submissions_on_postgres() {
    if std::env::var_os(housing_storage::testing::SKIP_POSTGRES_VARIABLE).is_some() {
        return;
    }
    fifty_identical_submissions_make_one_application(Backend::Postgres).await;
}
