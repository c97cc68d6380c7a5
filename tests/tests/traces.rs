//! One call that crosses services is one trace: the W3C trace context a
//! caller sends reaches every service the call goes through, over the wire
//! (`traceparent` in gRPC metadata) and through the outboxes and the
//! evaluation worker (the context stored with the row), so an application is
//! one trace from intake to notification; and no span attribute carries an
//! IIN, a name or a phone number of the demo dataset.
//!
//! Its own test binary: it installs the process-wide subscriber with an
//! in-memory span exporter, which every in-process service of every test here
//! reports to; each test picks its own trace out of the spans.

use std::sync::OnceLock;

use chrono::TimeDelta;
use housing_e2e_tests::demo::{
    application_of, citizen, decided, notice_in_the_personal_account, personal_values, signing_key,
    submit,
};
use housing_e2e_tests::{SuiteOptions, spawn_suite};
use housing_platform::telemetry::{self, LogFormat, Telemetry};
use housing_proto::housing::common::v1 as common;
use housing_proto::housing::complaints::v1 as pb;
use opentelemetry::trace::{SpanId, TraceContextExt};
use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider, SpanData};
use prost::Message;
use tracing::Instrument;
use tracing_opentelemetry::OpenTelemetrySpanExt;

/// The process-wide trace pipeline every test of this binary shares: the
/// subscriber can be installed once per process, and its guard must outlive
/// every test (dropping it shuts the pipeline down).
struct Tracing {
    exporter: InMemorySpanExporter,
    provider: SdkTracerProvider,
    _telemetry: Telemetry,
}

impl Tracing {
    fn get() -> &'static Tracing {
        static TRACING: OnceLock<Tracing> = OnceLock::new();
        TRACING.get_or_init(|| {
            let exporter = InMemorySpanExporter::default();
            let provider = SdkTracerProvider::builder()
                .with_simple_exporter(exporter.clone())
                .build();
            let telemetry =
                telemetry::install("housing-e2e-tests", LogFormat::Text, provider.clone());
            Tracing {
                exporter,
                provider,
                _telemetry: telemetry,
            }
        })
    }

    /// Every span finished so far, by every test.
    fn finished_spans(&self) -> Vec<SpanData> {
        self.provider.force_flush().expect("the spans are flushed");
        self.exporter
            .get_finished_spans()
            .expect("the exported spans")
    }
}

fn attribute(span: &SpanData, key: &str) -> Option<String> {
    span.attributes
        .iter()
        .find(|pair| pair.key.as_str() == key)
        .map(|pair| pair.value.as_str().into_owned())
}

/// The spans of one inbound call of `method`, in any trace.
fn calls<'a>(spans: &'a [SpanData], method: &str) -> Vec<&'a SpanData> {
    spans
        .iter()
        .filter(|span| {
            span.name == "grpc.request" && attribute(span, "rpc.method").as_deref() == Some(method)
        })
        .collect()
}

/// No IIN, name or phone number of the demo dataset in any attribute of any
/// span, or of any event (log line) recorded on one.
fn assert_no_personal_data(spans: &[SpanData]) {
    let personal = personal_values();
    for span in spans {
        let events = span.events.iter().flat_map(|event| event.attributes.iter());
        for pair in span.attributes.iter().chain(events) {
            let value = pair.value.as_str();
            assert!(
                personal.iter().all(|personal| !value.contains(personal)),
                "span {} carries personal data in {}",
                span.name,
                pair.key
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_complaint_filed_is_one_trace_through_complaints_intake_eligibility_the_centre_and_notification()
 {
    let tracing = Tracing::get();

    let suite = spawn_suite(SuiteOptions::default())
        .await
        .expect("the suite starts");
    let demo = application_of("D14");
    let filer = demo.filer();
    let submitted = submit(&suite, &demo).await.expect("intake accepts");
    let application = decided(&suite, &filer, &submitted.name).await;

    let form = pb::ComplaintForm {
        form_version: "COMPLAINT/2025".to_owned(),
        complainant_iin: filer.clone(),
        application: application.name.clone(),
        decision: application.latest_decision.clone(),
        subject: pb::ComplaintSubject::Decision as i32,
        route: pb::ComplaintRoute::ProviderHead as i32,
        staff_member: String::new(),
        text: "The decision is wrong.".to_owned(),
        requested_remedy: String::new(),
        attachments: Vec::new(),
    };
    let key = signing_key(&suite, &filer).await;
    let content = form.encode_to_vec();
    let cms_signature = housing_eds::sign_detached(
        &content,
        &key.certificate_der,
        &key.private_key_pkcs8_der,
        suite.now() - TimeDelta::minutes(1),
    )
    .expect("the test key signs");
    let mut request = tonic::Request::new(pb::FileComplaintRequest {
        request_id: uuid::Uuid::new_v4().to_string(),
        signed_form: Some(common::SignedDocument {
            content,
            cms_signature,
        }),
    });
    request.metadata_mut().insert(
        telemetry::REQUEST_ID_KEY,
        "portal-4711".parse().expect("ascii"),
    );

    // The portal's own span: the root of the trace.
    let root = tracing::info_span!("portal.file_complaint");
    let trace_id = root.context().span().span_context().trace_id();
    let complaint = suite
        .complaints(citizen(&filer))
        .file_complaint(request)
        .instrument(root)
        .await
        .expect("the complaint is registered")
        .into_inner()
        .complaint
        .expect("a complaint");
    // The notice of registration goes through the complaints outbox.
    notice_in_the_personal_account(&suite, &filer, |notice| notice.complaint == complaint.name)
        .await;
    suite.stop().await.expect("the suite stops cleanly");

    let spans = tracing.finished_spans();
    let methods: Vec<String> = spans
        .iter()
        .filter(|span| span.span_context.trace_id() == trace_id && span.name == "grpc.request")
        .filter_map(|span| attribute(span, "rpc.method"))
        .collect();
    for method in [
        "/housing.complaints.v1.ComplaintsService/FileComplaint",
        "/housing.registry.v1.CertificationCentreService/CheckCertificateStatus",
        "/housing.intake.v1.ApplicationIntakeService/GetApplication",
        "/housing.eligibility.v1.EligibilityService/GetDecision",
        // Through the outbox.
        "/housing.notification.v1.NotificationService/SendNotification",
    ] {
        assert!(
            methods.iter().any(|found| found == method),
            "{method} is in the trace: {methods:?}"
        );
    }
    let filed = spans
        .iter()
        .find(|span| {
            attribute(span, "rpc.method").as_deref()
                == Some("/housing.complaints.v1.ComplaintsService/FileComplaint")
        })
        .expect("the FileComplaint span");
    assert_eq!(
        attribute(filed, "request_id").as_deref(),
        Some("portal-4711")
    );

    assert_no_personal_data(&spans);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_application_is_one_trace_from_intake_through_eligibility_and_the_registers_to_notification()
 {
    let tracing = Tracing::get();

    let suite = spawn_suite(SuiteOptions::default())
        .await
        .expect("the suite starts");
    // Registered: decided from the registers, announced to intake and notified.
    let demo = application_of("D01");
    let filer = demo.filer();
    let submitted = submit(&suite, &demo).await.expect("intake accepts");
    let application = decided(&suite, &filer, &submitted.name).await;
    notice_in_the_personal_account(&suite, &filer, |notice| {
        notice.application == application.name
    })
    .await;
    suite.stop().await.expect("the suite stops cleanly");

    let spans = tracing.finished_spans();
    // The citizen's SubmitApplication call (the one that logged this
    // application; the complaint test submits another), sent with no trace
    // context: the root of the application's trace.
    let submission = calls(
        &spans,
        "/housing.intake.v1.ApplicationIntakeService/SubmitApplication",
    )
    .into_iter()
    .find(|span| {
        span.events.iter().any(|event| {
            event.attributes.iter().any(|pair| {
                pair.key.as_str() == "application" && pair.value.as_str() == application.name
            })
        })
    })
    .expect("the SubmitApplication span of the application");
    assert_eq!(submission.parent_span_id, SpanId::INVALID, "a root span");
    let trace_id = submission.span_context.trace_id();
    let in_trace: Vec<&SpanData> = spans
        .iter()
        .filter(|span| span.span_context.trace_id() == trace_id)
        .collect();
    let methods: Vec<String> = in_trace
        .iter()
        .filter(|span| span.name == "grpc.request")
        .filter_map(|span| attribute(span, "rpc.method"))
        .collect();
    for method in [
        "/housing.intake.v1.ApplicationIntakeService/SubmitApplication",
        // intake's outbox hands the application over.
        "/housing.eligibility.v1.EligibilityService/OpenCase",
        // The evaluation worker asks the registers.
        "/housing.registry.v1.RegistryGatewayService/QueryRegisters",
        // eligibility's outbox reports the decision and sends the notice.
        "/housing.intake.v1.ApplicationIntakeService/RecordApplicationEvent",
        "/housing.notification.v1.NotificationService/SendNotification",
    ] {
        assert!(
            methods.iter().any(|found| found == method),
            "{method} is in the trace of the application: {methods:?}"
        );
    }

    // Each hand-over is a child of the span that wrote it.
    let span_named = |name: &str| -> Vec<&SpanData> {
        in_trace
            .iter()
            .copied()
            .filter(|span| span.name == name)
            .collect()
    };
    let opening = calls(
        &spans,
        "/housing.eligibility.v1.EligibilityService/OpenCase",
    )
    .into_iter()
    .find(|span| span.span_context.trace_id() == trace_id)
    .expect("the OpenCase span");
    assert!(
        span_named("outbox.deliver")
            .iter()
            .any(|span| span.parent_span_id == submission.span_context.span_id()),
        "intake's delivery of the case continues SubmitApplication"
    );
    let evaluations = span_named("eligibility.evaluate");
    assert!(
        evaluations
            .iter()
            .any(|span| span.parent_span_id == opening.span_context.span_id()),
        "the evaluation continues OpenCase"
    );
    assert!(
        span_named("outbox.deliver").iter().any(|span| evaluations
            .iter()
            .any(|evaluation| span.parent_span_id == evaluation.span_context.span_id())),
        "eligibility's deliveries continue the evaluation"
    );

    assert_no_personal_data(&spans);
}
