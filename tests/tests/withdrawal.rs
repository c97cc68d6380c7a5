//! Step 7 of the registration flow: the applicant withdraws before a final
//! decision, and eligibility closes the case; after a final decision the
//! withdrawal is refused.

use std::time::Duration;

use housing_e2e_tests::demo::{application_of, citizen, decided, eventually, operator, submit};
use housing_e2e_tests::{SuiteOptions, spawn_suite};
use housing_proto::housing::eligibility::v1 as eligibility;
use housing_proto::housing::intake::v1 as intake;
use tonic::Code;

fn withdrawal(name: &str) -> intake::WithdrawApplicationRequest {
    intake::WithdrawApplicationRequest {
        name: name.to_owned(),
        request_id: uuid::Uuid::new_v4().to_string(),
        reason: "changed my mind".to_owned(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_withdrawal_during_the_hearing_closes_the_case() {
    let suite = spawn_suite(SuiteOptions::default())
        .await
        .expect("the suite starts");
    let demo = application_of("D14");
    let filer = demo.filer();
    let stored = submit(&suite, &demo).await.expect("intake accepts");
    let preliminary = decided(&suite, &filer, &stored.name).await;
    assert_eq!(
        preliminary.state(),
        intake::application::State::HearingScheduled
    );

    let withdrawn = suite
        .intake(citizen(&filer))
        .withdraw_application(withdrawal(&stored.name))
        .await
        .expect("withdrawn before the final decision")
        .into_inner()
        .application
        .expect("an application");
    assert_eq!(withdrawn.state(), intake::application::State::Withdrawn);

    let case_name = stored.name.replacen("applications/", "cases/", 1);
    eventually(
        "eligibility closes the case",
        Duration::from_secs(30),
        || async {
            let case = suite
                .eligibility(operator())
                .get_case(eligibility::GetCaseRequest {
                    name: case_name.clone(),
                })
                .await
                .ok()?
                .into_inner()
                .case?;
            (case.state() == eligibility::case::State::Withdrawn).then_some(())
        },
    )
    .await;
    suite.stop().await.expect("the suite stops cleanly");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_registered_application_cannot_be_withdrawn() {
    let suite = spawn_suite(SuiteOptions::default())
        .await
        .expect("the suite starts");
    let demo = application_of("D15");
    let filer = demo.filer();
    let stored = submit(&suite, &demo).await.expect("intake accepts");
    let registered = decided(&suite, &filer, &stored.name).await;
    assert_eq!(registered.state(), intake::application::State::Registered);

    let refused = suite
        .intake(citizen(&filer))
        .withdraw_application(withdrawal(&stored.name))
        .await
        .expect_err("registration is final");
    assert_eq!(refused.code(), Code::FailedPrecondition);
    suite.stop().await.expect("the suite stops cleanly");
}
