//! No IIN, name or phone number of the demo dataset appears in any log line
//! of any service during an end-to-end run: applications registered and
//! denied (one filed by a representative), complaints filed, satisfied with a
//! registration, forwarded with the administrative case and rejected, and
//! reads by citizens and staff, staff signing in with their EDS (and the IINs
//! of the staff roster are looked for too). The suite runs in the mutual-TLS mode, so
//! that every credential a caller proves itself with passes through: no
//! staff token (a JWT, `eyJ…`), EDS authentication signature or key (DER in
//! base64, `MII…`) appears in a log line either.
//!
//! Its own test binary: it installs the process-wide subscriber that captures
//! every line, at every level of the suite's own crates.

use std::io::Write;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use chrono::TimeDelta;
use housing_e2e_tests::credentials::authorized;
use housing_e2e_tests::demo::{
    application_of, citizen, decided, eventually, operator, personal_values, signing_key, submit,
};
use housing_e2e_tests::{Suite, SuiteOptions, spawn_suite};
use housing_platform::caller::{Caller, Role};
use housing_platform::dev_pki::DEVELOPMENT_STAFF_ROSTER;
use housing_proto::housing::common::v1 as common;
use housing_proto::housing::complaints::v1 as pb;
use housing_proto::housing::intake::v1 as intake;
use housing_proto::housing::intake::v1::application_intake_service_client::ApplicationIntakeServiceClient;
use housing_proto::housing::notification::v1 as notification;
use prost::Message;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::MakeWriter;

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

async fn file_complaint(suite: &Suite, filer: &str, application: &intake::Application) -> String {
    let form = pb::ComplaintForm {
        form_version: "COMPLAINT/2025".to_owned(),
        complainant_iin: filer.to_owned(),
        application: application.name.clone(),
        decision: application.latest_decision.clone(),
        subject: pb::ComplaintSubject::Decision as i32,
        route: pb::ComplaintRoute::ProviderHead as i32,
        staff_member: String::new(),
        text: "The decision is wrong.".to_owned(),
        requested_remedy: "Register me.".to_owned(),
        attachments: Vec::new(),
    };
    let key = signing_key(suite, filer).await;
    let content = form.encode_to_vec();
    let cms_signature = housing_eds::sign_detached(
        &content,
        &key.certificate_der,
        &key.private_key_pkcs8_der,
        suite.now() - TimeDelta::minutes(1),
    )
    .expect("the test key signs");
    suite
        .complaints(citizen(filer))
        .file_complaint(pb::FileComplaintRequest {
            request_id: uuid::Uuid::new_v4().to_string(),
            signed_form: Some(common::SignedDocument {
                content,
                cms_signature,
            }),
        })
        .await
        .expect("the complaint is registered")
        .into_inner()
        .complaint
        .expect("a complaint")
        .name
}

/// The IINs of the development staff roster, in its order (the operator first).
fn development_roster_iins() -> Vec<String> {
    DEVELOPMENT_STAFF_ROSTER
        .lines()
        .filter(|line| !line.trim_start().starts_with('#'))
        .filter_map(|line| line.split_whitespace().nth(2))
        .map(str::to_owned)
        .collect()
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
        reasons: "Reasons.".to_owned(),
        remedy: remedy as i32,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_personal_data_in_any_log_line_of_an_end_to_end_run() {
    let captured = CapturedLines::default();
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::new(
            "warn,application_intake=trace,eligibility_verification=trace,notification=trace,\
             registry_gateway=trace,complaints=trace,housing_platform=trace,housing_storage=trace,\
             housing_domain=trace,housing_eds=trace",
        ))
        .with_writer(captured.clone())
        .with_ansi(false)
        .init();

    let suite = spawn_suite(SuiteOptions {
        mutual_tls: true,
        ..SuiteOptions::default()
    })
    .await
    .expect("the suite starts");
    let mut complaints = Vec::new();
    for number in ["D01", "D08", "D14", "D16", "D35"] {
        let demo = application_of(number);
        let filer = demo.filer();
        let submitted = submit(&suite, &demo).await.expect("intake accepts");
        let application = decided(&suite, &filer, &submitted.name).await;
        if application.state() == intake::application::State::HearingScheduled {
            complaints.push((
                filer.clone(),
                file_complaint(&suite, &filer, &application).await,
            ));
        }
        suite
            .notification(citizen(&filer))
            .list_notifications(notification::ListNotificationsRequest::default())
            .await
            .expect("the personal account");
    }
    assert!(complaints.len() >= 2, "two denials to complain about");

    let head = Caller::staff(Role::ProviderHead, "head-logs");
    let body = Caller::staff(Role::ComplaintsBody, "body-logs");
    let (first_filer, satisfied) = &complaints[0];
    suite
        .complaints(head)
        .decide_complaint(decide(
            satisfied,
            pb::complaint_decision::Outcome::Satisfied,
            pb::complaint_decision::Remedy::Register,
        ))
        .await
        .expect("satisfied");
    let (_, forwarded) = &complaints[1];
    suite
        .complaints(operator())
        .forward_complaint(pb::ForwardComplaintRequest {
            name: forwarded.clone(),
            request_id: uuid::Uuid::new_v4().to_string(),
            body: "Committee".to_owned(),
        })
        .await
        .expect("forwarded");
    suite
        .complaints(body.clone())
        .get_administrative_case(pb::GetAdministrativeCaseRequest {
            name: forwarded.clone(),
        })
        .await
        .expect("the case file");
    suite
        .complaints(body)
        .decide_complaint(decide(
            forwarded,
            pb::complaint_decision::Outcome::Rejected,
            pb::complaint_decision::Remedy::Unspecified,
        ))
        .await
        .expect("rejected");
    eventually(
        "the satisfied complaint's remedy takes effect",
        Duration::from_secs(30),
        || async {
            let complaint = suite
                .complaints(citizen(first_filer))
                .get_complaint(pb::GetComplaintRequest {
                    name: satisfied.clone(),
                })
                .await
                .ok()?
                .into_inner()
                .complaint?;
            (!complaint.decision?.resulting_decision.is_empty()).then_some(())
        },
    )
    .await;
    // A refused read by another citizen is logged too.
    let _ = suite
        .complaints(citizen(&complaints[1].0))
        .get_complaint(pb::GetComplaintRequest {
            name: satisfied.clone(),
        })
        .await;
    // Staff sign in with their own EDS: a rostered operator reads, and a
    // citizen off the roster is refused; neither's IIN reaches a log line.
    let credentials = suite.credentials().expect("the mutual-TLS mode");
    let centre = suite.certification_centre();
    let roster = development_roster_iins();
    for (iin, admitted) in [(roster[0].as_str(), true), (first_filer.as_str(), false)] {
        let header = credentials
            .staff_eds_authorization(iin, &centre, suite.now())
            .await
            .expect("signed");
        let listed = ApplicationIntakeServiceClient::new(suite.raw_channel(suite.intake_address))
            .list_applications(authorized(
                intake::ListApplicationsRequest::default(),
                &header,
            ))
            .await;
        assert_eq!(listed.is_ok(), admitted, "{listed:?}");
    }
    suite.stop().await.expect("the suite stops cleanly");

    let text = captured.text();
    assert!(
        text.contains("complaint registered") && text.contains("application submitted"),
        "the services' lines were captured"
    );
    for credential in ["eyJ", "MII", "PRIVATE KEY"] {
        assert!(
            !text.contains(credential),
            "a credential ({credential}…) in a log line:\n{}",
            text.lines()
                .filter(|line| line.contains(credential))
                .take(3)
                .collect::<Vec<_>>()
                .join("\n")
        );
    }
    let mut personal = personal_values();
    personal.extend(development_roster_iins());
    assert!(
        personal.len() > 43,
        "every demo IIN and more: {}",
        personal.len()
    );
    let leaked: Vec<String> = personal
        .into_iter()
        .filter(|value| text.contains(value.as_str()))
        .collect();
    assert!(
        leaked.is_empty(),
        "{} personal values appear in log lines, e.g. in:\n{}",
        leaked.len(),
        text.lines()
            .filter(|line| leaked.iter().any(|value| line.contains(value.as_str())))
            .take(5)
            .collect::<Vec<_>>()
            .join("\n")
    );
}
