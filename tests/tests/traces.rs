//! One call that crosses services is one trace: the W3C trace context a
//! caller sends reaches every service the call goes through, over the wire
//! (`traceparent` in gRPC metadata), and no span attribute carries an IIN.
//!
//! Its own test binary: it installs the process-wide subscriber with an
//! in-memory span exporter, which every in-process service reports to.

use chrono::TimeDelta;
use housing_e2e_tests::demo::{application_of, citizen, decided, signing_key, submit};
use housing_e2e_tests::{SuiteOptions, spawn_suite};
use housing_platform::telemetry::{self, LogFormat};
use housing_proto::housing::common::v1 as common;
use housing_proto::housing::complaints::v1 as pb;
use opentelemetry::trace::TraceContextExt;
use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider};
use prost::Message;
use tracing::Instrument;
use tracing_opentelemetry::OpenTelemetrySpanExt;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_complaint_filed_is_one_trace_through_complaints_intake_eligibility_and_the_centre() {
    let exporter = InMemorySpanExporter::default();
    let provider = SdkTracerProvider::builder()
        .with_simple_exporter(exporter.clone())
        .build();
    let _telemetry = telemetry::install("housing-e2e-tests", LogFormat::Text, provider.clone());

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
    suite
        .complaints(citizen(&filer))
        .file_complaint(request)
        .instrument(root)
        .await
        .expect("the complaint is registered");
    suite.stop().await.expect("the suite stops cleanly");
    provider.force_flush().expect("the spans are flushed");

    let spans = exporter.get_finished_spans().expect("the exported spans");
    let attribute = |span: &opentelemetry_sdk::trace::SpanData, key: &str| {
        span.attributes
            .iter()
            .find(|pair| pair.key.as_str() == key)
            .map(|pair| pair.value.as_str().into_owned())
    };
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

    // No IIN of the demo dataset in any attribute of any span.
    let document = registry_gateway::fixture::demo_document().expect("the demo dataset");
    for span in &spans {
        for pair in &span.attributes {
            let value = pair.value.as_str();
            assert!(
                document
                    .persons
                    .iter()
                    .all(|person| !value.contains(&person.iin)),
                "span {} carries an IIN in {}",
                span.name,
                pair.key
            );
        }
    }
}
