//! The applications of the demo dataset (docs/demo-dataset.md, built in
//! `housing_suite::demo`) as citizens
//! file them: each form signed with a signing certificate the test PKI issues
//! to the filer, submitted to intake, and its outcome read back from intake,
//! eligibility and notification as the filer.

use std::collections::BTreeSet;
use std::time::Duration;

use chrono::TimeDelta;
use housing_domain::Iin;
use housing_platform::caller::{Caller, Role};
use housing_proto::housing::common::v1 as common;
use housing_proto::housing::eligibility::v1 as eligibility;
use housing_proto::housing::intake::v1 as intake;
use housing_proto::housing::notification::v1 as notification;
use housing_proto::housing::registry::v1 as registry;
use prost::Message;
use tonic::Status;

pub use housing_suite::demo::*;

use crate::Endpoints;
/// A citizen caller.
pub fn citizen(iin: &str) -> Caller {
    Caller::citizen(Iin::parse(iin).expect("a valid IIN"))
}

/// An operator of the provider.
pub fn operator() -> Caller {
    Caller::staff(Role::Operator, "operator-e2e")
}

/// A signing certificate and key the test PKI issues to `iin`.
pub async fn signing_key(suite: &Endpoints, iin: &str) -> registry::IssueCertificateResponse {
    let not_before = demo_start() - TimeDelta::days(30);
    suite
        .certification_centre()
        .issue_certificate(registry::IssueCertificateRequest {
            iin: iin.to_owned(),
            common_name: "DEMO PERSON".to_owned(),
            purpose: registry::KeyPurpose::Signing as i32,
            not_before: Some(prost_types::Timestamp {
                seconds: not_before.timestamp(),
                nanos: 0,
            }),
            not_after: Some(prost_types::Timestamp {
                seconds: (not_before + TimeDelta::days(365)).timestamp(),
                nanos: 0,
            }),
        })
        .await
        .expect("the centre issues a signing certificate")
        .into_inner()
}

/// A SubmitApplication request: `form` signed with `key` a minute ago.
pub fn signed_request(
    suite: &Endpoints,
    form: &intake::ApplicationForm,
    key: &registry::IssueCertificateResponse,
) -> intake::SubmitApplicationRequest {
    let content = form.encode_to_vec();
    let cms_signature = housing_eds::sign_detached(
        &content,
        &key.certificate_der,
        &key.private_key_pkcs8_der,
        suite.now() - TimeDelta::minutes(1),
    )
    .expect("the test key signs");
    intake::SubmitApplicationRequest {
        request_id: uuid::Uuid::new_v4().to_string(),
        signed_form: Some(common::SignedDocument {
            content,
            cms_signature,
        }),
    }
}

/// The filer signs the demo application and submits it.
pub async fn submit(
    suite: &Endpoints,
    demo: &DemoApplication,
) -> Result<intake::Application, Status> {
    let filer = demo.filer();
    let key = signing_key(suite, &filer).await;
    let request = signed_request(suite, &demo.form(), &key);
    suite
        .intake(citizen(&filer))
        .submit_application(request)
        .await
        .map(|response| response.into_inner().application.expect("an application"))
}

/// Checks `condition` every 50 ms until it gives a value, for at most `limit`.
pub async fn eventually<T, F, Fut>(what: &str, limit: Duration, mut condition: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        if let Some(value) = condition().await {
            return value;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting until {what}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The application once eligibility's first decision reached intake. The
/// limit only guards against a hang: after eligibility was down, intake's
/// next hand-over may be up to a minute away (its backoff's ceiling).
pub async fn decided(suite: &Endpoints, filer: &str, name: &str) -> intake::Application {
    eventually(
        "the first decision reaches intake",
        Duration::from_secs(90),
        || async {
            let application = suite
                .intake(citizen(filer))
                .get_application(intake::GetApplicationRequest {
                    name: name.to_owned(),
                })
                .await
                .ok()?
                .into_inner()
                .application?;
            use intake::application::State;
            matches!(
                application.state(),
                State::Registered | State::HearingScheduled | State::Denied
            )
            .then_some(application)
        },
    )
    .await
}

/// The first notice in `filer`'s personal account that `matches`, once it is
/// there (for at most 30 s).
pub async fn notice_in_the_personal_account(
    suite: &Endpoints,
    filer: &str,
    matches: impl Fn(&notification::Notification) -> bool,
) -> notification::Notification {
    eventually(
        "the notice is in the personal account",
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
                .find(|notice| matches(notice))
        },
    )
    .await
}

/// Files the demo application and checks its outcome everywhere the
/// personal account shows it: the application and its history at intake,
/// the decision at eligibility, the notice at notification.
pub async fn file_and_check(suite: &Endpoints, demo: &DemoApplication) {
    let submitted = submit(suite, demo)
        .await
        .expect("intake accepts the application");
    assert_eq!(submitted.state(), intake::application::State::Submitted);
    check_outcome(suite, demo, &submitted.name).await;
}

/// Checks the outcome of the submitted demo application `name` everywhere
/// the personal account shows it, once eligibility has decided it.
pub async fn check_outcome(suite: &Endpoints, demo: &DemoApplication, name: &str) {
    use intake::application::State;
    let filer = demo.filer();
    let application = decided(suite, &filer, name).await;
    let who = demo.applicant;

    let decision = suite
        .eligibility(citizen(&filer))
        .get_decision(eligibility::GetDecisionRequest {
            name: application.latest_decision.clone(),
        })
        .await
        .expect("the filer reads the decision")
        .into_inner()
        .decision
        .expect("a decision");
    let category = decision.category.clone().unwrap_or_default();
    match demo.expected {
        Expected::Registered(confirmed) => {
            assert_eq!(application.state(), State::Registered, "{who}");
            assert!(
                !application.register_entry.is_empty(),
                "{who}: a register entry"
            );
            assert_eq!(
                decision.outcome(),
                eligibility::decision::Outcome::Registered,
                "{who}"
            );
            assert!(decision.grounds.is_empty(), "{who}: {:?}", decision.grounds);
            assert_eq!(category.confirmed(), confirmed, "{who}'s category");
            let not_confirmed = demo.stated != common::SocialCategory::Unspecified
                && confirmed == common::SocialCategory::Unspecified;
            assert_eq!(
                category.code,
                if not_confirmed {
                    "CATEGORY_NOT_CONFIRMED"
                } else {
                    "CATEGORY"
                },
                "{who}"
            );
        }
        Expected::Denied(grounds, requirements) => {
            assert_eq!(application.state(), State::HearingScheduled, "{who}");
            assert_eq!(
                decision.outcome(),
                eligibility::decision::Outcome::PreliminaryDenial,
                "{who}"
            );
            let found: BTreeSet<&str> = decision
                .grounds
                .iter()
                .map(|ground| ground.code.as_str())
                .collect();
            assert_eq!(found, grounds.iter().copied().collect(), "{who}'s grounds");
            let failing: BTreeSet<&str> = decision
                .grounds
                .iter()
                .flat_map(|ground| ground.requirement_codes.iter().map(String::as_str))
                .collect();
            assert_eq!(
                failing,
                requirements.iter().copied().collect(),
                "{who}'s failing requirements"
            );
            assert!(
                decision
                    .grounds
                    .iter()
                    .all(|ground| !ground.facts.is_empty()),
                "{who}: every ground cites its facts"
            );
        }
    }

    let history: Vec<State> = suite
        .intake(citizen(&filer))
        .list_application_events(intake::ListApplicationEventsRequest {
            parent: application.name.clone(),
            ..Default::default()
        })
        .await
        .expect("the history")
        .into_inner()
        .events
        .iter()
        .map(intake::ApplicationEvent::state)
        .collect();
    assert_eq!(
        history.first(),
        Some(&State::Submitted),
        "{who}: {history:?}"
    );
    assert_eq!(
        history.last(),
        Some(&application.state()),
        "{who}: {history:?}"
    );

    let notice = notice_in_the_personal_account(suite, &filer, |notice| {
        notice.application == application.name
    })
    .await;
    let expected_kind = match demo.expected {
        Expected::Registered(_) => notification::NotificationKind::Registration,
        Expected::Denied(..) => notification::NotificationKind::PreliminaryDecision,
    };
    assert_eq!(notice.kind(), expected_kind, "{who}");
    let channels: BTreeSet<i32> = notice
        .deliveries
        .iter()
        .map(|delivery| delivery.channel)
        .collect();
    assert!(
        channels.contains(&(notification::Channel::PersonalAccount as i32)),
        "{who}: the personal account always"
    );
    assert_eq!(
        channels.contains(&(notification::Channel::Sms as i32)),
        demo.text_message,
        "{who}'s text message"
    );
}

/// Every IIN, name and phone number of the demo dataset: what no log line may hold.
pub fn personal_values() -> Vec<String> {
    let document = registry_gateway::fixture::demo_document().expect("the demo dataset parses");
    let mut values = Vec::new();
    for person in &document.persons {
        values.push(person.iin.clone());
        if let Some(identity) = &person.identity {
            values.extend(
                [
                    &identity.surname,
                    &identity.given_name,
                    &identity.patronymic,
                ]
                .into_iter()
                .filter(|name| name.chars().count() >= 4)
                .cloned(),
            );
        }
        if let Some(mobile) = &person.mobile_phone {
            values.push(mobile.phone.clone());
        }
    }
    values.sort();
    values.dedup();
    values
}
