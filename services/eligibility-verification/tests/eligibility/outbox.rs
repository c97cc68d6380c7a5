//! The outbox: every decision is reported to intake and noticed to the filer
//! once, in order, with retries; against the recording stand-ins and against
//! the real notification service.

use std::sync::atomic::Ordering;

use housing_proto::housing::eligibility::v1 as pb;
use housing_proto::housing::intake::v1 as intake;
use housing_proto::housing::notification::v1 as notification;
use housing_storage::testing::TestDatabase;

use crate::forms::{Form, KARAGANDA, SHYMKENT, demo};
use crate::support::{TestApp, instant};

housing_storage::storage_test_suite!(
    &eligibility_verification::storage::MIGRATIONS;
    a_decision_is_reported_to_intake_and_noticed_to_the_filer_once,
    failed_deliveries_are_retried_and_stay_in_order,
    the_real_notification_service_renders_and_sends_the_notice,
);

async fn a_decision_is_reported_to_intake_and_noticed_to_the_filer_once(database: &TestDatabase) {
    let app = TestApp::spawn(database).await;
    let orphan = Form::new(demo::D08_APPLICANT, SHYMKENT)
        .filed_by_legal_representative(demo::D09_GUARDIAN)
        .build();
    app.open("d08", orphan).await;
    app.wait_for_state("cases/d08", pb::case::State::Registered)
        .await;
    app.wait_until("the event and the notice", || {
        app.received().events().len() == 1 && app.received().notices().len() == 1
    })
    .await;

    let event = app.received().events().remove(0);
    assert_eq!(event.parent, "applications/d08");
    let event = event.event.expect("an event");
    assert_eq!(event.event_id, "cases/d08/decisions/1");
    assert_eq!(event.state, intake::application::State::Registered as i32);
    assert_eq!(event.decision, "cases/d08/decisions/1");
    assert_eq!(event.register_entry, "registerEntries/d08");
    assert_eq!(event.rule_codes, ["CATEGORY"]);
    assert_eq!(
        event.actor.expect("an actor").id,
        "eligibility-verification"
    );

    let entry = app
        .system()
        .get_register_entry(pb::GetRegisterEntryRequest {
            name: "registerEntries/d08".to_owned(),
        })
        .await
        .expect("the entry")
        .into_inner()
        .register_entry
        .expect("an entry");
    let notice = app.received().notices().remove(0);
    assert_eq!(notice.request_id, "cases/d08/decisions/1");
    // The guardian filed and signed: the notice is theirs.
    assert_eq!(notice.recipient_iin, demo::D09_GUARDIAN);
    assert_eq!(notice.application, "applications/d08");
    assert_eq!(
        notice.kind,
        notification::NotificationKind::Registration as i32
    );
    assert_eq!(notice.phone, "+77015550199");
    let parameter = |name: &str| notice.parameters.get(name).cloned().unwrap_or_default();
    assert_eq!(parameter("application_number"), "d08");
    assert_eq!(parameter("register_entry"), entry.ordinal.to_string());
    assert_eq!(parameter("registration_date"), "2026-04-15");
    assert_eq!(parameter("locality"), SHYMKENT);
    assert_eq!(parameter("category.ru"), "без категории");
    assert!(
        app.received()
            .callers()
            .iter()
            .all(|caller| caller == "system/eligibility-verification")
    );

    // Another decision goes out; the first is not sent again.
    app.open("d15", Form::new(demo::D15_APPLICANT, KARAGANDA).build())
        .await;
    app.wait_until("the second decision's messages", || {
        app.received().events().len() == 2 && app.received().notices().len() == 2
    })
    .await;
    let request_ids: Vec<String> = app
        .received()
        .notices()
        .into_iter()
        .map(|notice| notice.request_id)
        .collect();
    assert_eq!(
        request_ids,
        ["cases/d08/decisions/1", "cases/d15/decisions/1"]
    );
    app.stop().await;
}

async fn failed_deliveries_are_retried_and_stay_in_order(database: &TestDatabase) {
    let app = TestApp::spawn(database).await;
    // The first two deliveries (the event and the notice of the preliminary
    // decision) fail; they are retried a minute later.
    app.received().failures_to_inject.store(2, Ordering::SeqCst);
    app.open("d20", Form::new(demo::D20_APPLICANT, KARAGANDA).build())
        .await;
    app.wait_for_state("cases/d20", pb::case::State::HearingScheduled)
        .await;
    app.wait_until("both first deliveries to fail", || {
        app.received().failures_to_inject.load(Ordering::SeqCst) == 0
    })
    .await;
    assert!(app.received().events().is_empty());

    // Two days on, the hearing lapses: its messages queue behind the first ones.
    app.clock.set(instant("2026-04-17T10:00:00+05:00"));
    app.wait_for_state("cases/d20", pb::case::State::Denied)
        .await;
    app.advance_until("all four messages", || {
        app.received().events().len() == 2 && app.received().notices().len() == 2
    })
    .await;
    let states: Vec<i32> = app
        .received()
        .events()
        .into_iter()
        .map(|event| event.event.expect("an event").state)
        .collect();
    assert_eq!(
        states,
        [
            intake::application::State::HearingScheduled as i32,
            intake::application::State::Denied as i32
        ]
    );
    let notices = app.received().notices();
    assert_eq!(
        notices[0].kind,
        notification::NotificationKind::PreliminaryDecision as i32
    );
    let preliminary = &notices[0].parameters;
    assert_eq!(preliminary["hearing_date"], "2026-04-17");
    assert_eq!(preliminary["hearing_time"], "10:00");
    assert_eq!(preliminary["position_deadline"], "2026-04-17 10:00");
    assert_eq!(
        preliminary["hearing_method.ru"],
        "письменно через личный кабинет"
    );
    assert!(preliminary["grounds"].starts_with("HAS_STATE_OR_LEASED_HOUSING"));
    assert_eq!(
        notices[1].kind,
        notification::NotificationKind::FinalDenial as i32
    );
    assert_eq!(notices[1].request_id, "cases/d20/decisions/2");
    assert!(notices[1].parameters["grounds"].contains("HAS_STATE_OR_LEASED_HOUSING"));
    assert_eq!(notices[1].parameters["trigger"], "HEARING_LAPSED");
    for notice in &notices {
        assert!(
            !notice
                .parameters
                .values()
                .any(|value| value.contains(demo::D20_APPLICANT))
        );
    }
    app.stop().await;
}

async fn the_real_notification_service_renders_and_sends_the_notice(database: &TestDatabase) {
    let app = TestApp::spawn_with_real_notification(database).await;
    let form = Form::new(demo::D01_APPLICANT, KARAGANDA)
        .consent_of(demo::D02_SPOUSE)
        .build();
    app.open("d01", form).await;
    app.wait_for_state("cases/d01", pb::case::State::Registered)
        .await;
    let notices = app
        .wait_for_notifications("applications/d01", |notices| !notices.is_empty())
        .await;
    assert_eq!(notices.len(), 1);
    let notice = &notices[0];
    assert_eq!(notice.request_id, "cases/d01/decisions/1");
    assert_eq!(
        notice.kind,
        notification::NotificationKind::Registration as i32
    );
    let russian = notice
        .texts
        .iter()
        .find(|text| text.language == notification::Language::Ru as i32)
        .expect("a Russian text");
    assert!(russian.body.contains("№ d01"), "{}", russian.body);
    assert!(russian.body.contains(KARAGANDA));
    // D01's number is registered and linked: a text message goes, to the
    // registered number.
    let channels: Vec<i32> = notice
        .deliveries
        .iter()
        .map(|delivery| delivery.channel)
        .collect();
    assert!(
        channels.contains(&(notification::Channel::Sms as i32)),
        "{channels:?}"
    );
    app.stop().await;
}
