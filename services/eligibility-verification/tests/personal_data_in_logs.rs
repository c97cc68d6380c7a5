//! No IIN, name, phone number or e-mail address ever appears in a log line
//! of the service, on any path: opening, registry faults and alerts,
//! decisions, positions, operators' decisions, refusals, reads, deliveries.
//!
//! Its own test binary: it installs the process-wide subscriber that captures
//! every line, at every level of the service's own crates.

use std::io::Write;
use std::sync::{Arc, Mutex, PoisonError};

use chrono::TimeDelta;
use housing_proto::housing::common::v1::Register;
use housing_proto::housing::eligibility::v1 as pb;
use housing_proto::housing::intake::v1::FamilyRelation;
use housing_storage::testing::TestDatabase;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::MakeWriter;

#[path = "eligibility/forms.rs"]
#[allow(dead_code)]
mod forms;
#[path = "eligibility/peers.rs"]
#[allow(dead_code)]
mod peers;
#[path = "eligibility/support.rs"]
#[allow(dead_code)]
mod support;

use forms::{Form, KARAGANDA, demo};
use support::{TestApp, instant, open_request};

/// Collects every log line in memory.
#[derive(Debug, Clone, Default)]
struct CapturedLines(Arc<Mutex<Vec<u8>>>);

impl CapturedLines {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap_or_else(PoisonError::into_inner)).into_owned()
    }
}

impl Write for CapturedLines {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for CapturedLines {
    type Writer = CapturedLines;

    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_personal_data_in_any_log_line() {
    let captured = CapturedLines::default();
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::new(
            "warn,eligibility_verification=trace,housing_platform=trace,housing_storage=trace",
        ))
        .with_writer(captured.clone())
        .with_ansi(false)
        .init();

    let database = TestDatabase::sqlite(&eligibility_verification::storage::MIGRATIONS)
        .await
        .expect("a fresh SQLite database");
    let app = TestApp::spawn(&database).await;

    // A family registered, read by the citizen and an operator.
    let form = Form::new(demo::D01_APPLICANT, KARAGANDA)
        .declare(demo::D02_SPOUSE, FamilyRelation::Spouse)
        .consent_of(demo::D02_SPOUSE)
        .build();
    app.open("d01", form).await;
    app.wait_for_state("cases/d01", pb::case::State::Registered)
        .await;
    app.citizen(demo::D01_APPLICANT)
        .get_case(pb::GetCaseRequest {
            name: "cases/d01".to_owned(),
        })
        .await
        .expect("their own case");
    app.citizen(demo::D15_APPLICANT)
        .get_case(pb::GetCaseRequest {
            name: "cases/d01".to_owned(),
        })
        .await
        .expect_err("not theirs");

    // A registry outage, retried, alerted, then a preliminary denial, a
    // position and an operator's decision.
    app.set_outage(Register::RealEstate, true).await;
    app.open("d14", Form::new(demo::D14_APPLICANT, KARAGANDA).build())
        .await;
    app.wait_for_state("cases/d14", pb::case::State::AwaitingRegistries)
        .await;
    app.clock.set(instant("2026-04-16T17:00:00+05:00"));
    app.wait_for_case("cases/d14", |case| case.operator_alert_time.is_some())
        .await;
    app.set_outage(Register::RealEstate, false).await;
    app.advance(TimeDelta::hours(1));
    app.wait_for_state("cases/d14", pb::case::State::HearingScheduled)
        .await;
    app.citizen(demo::D14_APPLICANT)
        .state_position(pb::StatePositionRequest {
            name: "cases/d14/hearing".to_owned(),
            request_id: "p-1".to_owned(),
            position: Some(pb::Position {
                text: "Seitkali Aigerim explains the sale".to_owned(),
                attachments: Vec::new(),
                state_time: None,
            }),
        })
        .await
        .expect("a position");
    app.clock.set(instant("2026-04-21T10:00:00+05:00"));
    app.operator("op-17")
        .decide_after_hearing(pb::DecideAfterHearingRequest {
            name: "cases/d14/hearing".to_owned(),
            request_id: "d-1".to_owned(),
            resolution: pb::decide_after_hearing_request::Resolution::ConfirmDenial as i32,
            reasons: "The sale is on record.".to_owned(),
        })
        .await
        .expect("decided");

    // Bad input naming a person.
    let mut bad = open_request("d24", Form::new("900512490014", KARAGANDA).build());
    bad.form.as_mut().expect("a form").phone = "+7 701 555 0101".to_owned();
    app.system().open_case(bad).await.expect_err("bad input");

    app.wait_until("every message delivered", || {
        app.received().events().len() >= 4 && app.received().notices().len() >= 3
    })
    .await;
    app.stop().await;
    database.cleanup().await;

    let logs = captured.text();
    assert!(logs.contains("case decided"), "the scenario logged: {logs}");
    assert!(
        logs.contains("operators alerted"),
        "the alert is a log line"
    );
    for personal in [
        demo::D01_APPLICANT,
        demo::D02_SPOUSE,
        demo::D03_CHILD,
        demo::D04_CHILD,
        demo::D14_APPLICANT,
        demo::D15_APPLICANT,
        "900512490014",
        "+77015550199",
        "applicant@example.kz",
        "Seitkali",
        "Aigerim",
    ] {
        assert!(
            !logs.contains(personal),
            "personal data in the logs: {personal}"
        );
    }
}
