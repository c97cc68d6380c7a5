//! The tracing subscriber of every service, and traces across services.
//!
//! Log lines are structured; filtering follows `RUST_LOG` (default `info`).
//! `HOUSING_LOG_FORMAT=json` switches to JSON lines for log collectors.
//! Personal data (IINs, names) is never put in a field or a span attribute:
//! types that carry it redact their `Debug` output, and services log
//! resource names instead.
//!
//! Traces: every inbound call gets a span (`grpc.request`, with `rpc.method`
//! and a `request_id`: the caller's `x-request-id`, or a fresh one) whose
//! parent is the W3C trace context (`traceparent`) the caller sent; every
//! outbound call of the suite carries the current span's context
//! ([`inject_trace_context`], called by `Caller::attach`). So a call that
//! crosses services is one trace. Spans are exported over OTLP/gRPC when the
//! standard variables name a collector (`OTEL_EXPORTER_OTLP_ENDPOINT` or
//! `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`; `OTEL_SERVICE_NAME` overrides the
//! service name; `OTEL_TRACES_EXPORTER=none` turns export off). Without a
//! collector, trace ids are still made and propagated, and nothing is sent.

use opentelemetry::propagation::{Extractor, Injector};
use opentelemetry::trace::TracerProvider as _;
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::propagation::TraceContextPropagator;
use opentelemetry_sdk::trace::SdkTracerProvider;
use tonic::metadata::{MetadataKey, MetadataMap, MetadataValue};
use tracing_opentelemetry::OpenTelemetrySpanExt;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt;
use tracing_subscriber::prelude::*;

/// The metadata key of a caller-chosen request id.
pub const REQUEST_ID_KEY: &str = "x-request-id";
/// The longest request id taken from a caller; a longer one is replaced.
const MAX_REQUEST_ID_LENGTH: usize = 128;

/// Output format of log lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line.
    Json,
}

impl LogFormat {
    /// Reads the format from the value of `HOUSING_LOG_FORMAT` (unset or unknown: text).
    pub fn from_setting(value: Option<&str>) -> Self {
        match value {
            Some("json") => LogFormat::Json,
            _ => LogFormat::Text,
        }
    }
}

/// Keeps the trace pipeline running; dropping it flushes the spans not yet
/// exported. Hold it for the life of `main`.
#[derive(Debug)]
#[must_use = "dropping the guard shuts the trace pipeline down"]
pub struct Telemetry {
    provider: SdkTracerProvider,
}

impl Drop for Telemetry {
    fn drop(&mut self) {
        let _ = self.provider.shutdown();
    }
}

/// Whether the standard variables ask for OTLP export.
fn otlp_requested() -> bool {
    let named =
        |variable: &str| std::env::var(variable).is_ok_and(|value| !value.trim().is_empty());
    let disabled = std::env::var("OTEL_TRACES_EXPORTER").is_ok_and(|value| value.trim() == "none");
    !disabled
        && (named("OTEL_EXPORTER_OTLP_ENDPOINT") || named("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"))
}

/// Installs the global subscriber and trace pipeline for `service`, with OTLP
/// export when the `OTEL_*` variables ask for it. Call once, first thing in
/// `main` (inside the Tokio runtime), and keep the guard.
pub fn init(service: &'static str, format: LogFormat) -> Telemetry {
    let service_name = std::env::var("OTEL_SERVICE_NAME")
        .ok()
        .filter(|name| !name.trim().is_empty())
        .unwrap_or_else(|| service.to_owned());
    let mut builder = SdkTracerProvider::builder()
        .with_resource(Resource::builder().with_service_name(service_name).build());
    let mut export_problem = None;
    if otlp_requested() {
        match opentelemetry_otlp::SpanExporter::builder()
            .with_tonic()
            .build()
        {
            Ok(exporter) => builder = builder.with_batch_exporter(exporter),
            Err(error) => export_problem = Some(error.to_string()),
        }
    }
    let telemetry = install(service, format, builder.build());
    if let Some(problem) = export_problem {
        tracing::error!(%problem, "the OTLP exporter cannot be set up; spans are not exported");
    }
    telemetry
}

/// Installs the global subscriber with spans going to `provider` (tests pass
/// one with an in-memory exporter), and the W3C trace-context propagator.
pub fn install(service: &'static str, format: LogFormat, provider: SdkTracerProvider) -> Telemetry {
    opentelemetry::global::set_text_map_propagator(TraceContextPropagator::new());
    let tracer = provider.tracer(service);
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let traces = tracing_opentelemetry::layer().with_tracer(tracer);
    let registry = tracing_subscriber::registry().with(filter).with(traces);
    let installed = match format {
        LogFormat::Text => registry.with(fmt::layer().with_target(false)).try_init(),
        LogFormat::Json => registry
            .with(fmt::layer().json().with_current_span(true))
            .try_init(),
    };
    if installed.is_ok() {
        tracing::info!(service, "telemetry initialised");
    }
    Telemetry { provider }
}

/// Writes the current span's trace context (`traceparent`, `tracestate`)
/// into outgoing request metadata. Without a current span it writes nothing.
pub fn inject_trace_context(metadata: &mut MetadataMap) {
    let context = tracing::Span::current().context();
    opentelemetry::global::get_text_map_propagator(|propagator| {
        propagator.inject_context(&context, &mut MetadataInjector(metadata));
    });
}

/// The span of one inbound call: `rpc.method`, the request id, and the
/// caller's trace context as parent. Served by every service (`server::serve`).
pub fn request_span(request: &tonic::codegen::http::Request<()>) -> tracing::Span {
    let headers = request.headers();
    let request_id = headers
        .get(REQUEST_ID_KEY)
        .and_then(|value| value.to_str().ok())
        .filter(|id| {
            !id.is_empty()
                && id.len() <= MAX_REQUEST_ID_LENGTH
                && id.bytes().all(|byte| byte.is_ascii_graphic())
        })
        .map(str::to_owned)
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    let span = tracing::info_span!(
        "grpc.request",
        otel.kind = "server",
        rpc.system = "grpc",
        rpc.method = %request.uri().path(),
        request_id = %request_id,
    );
    let parent = opentelemetry::global::get_text_map_propagator(|propagator| {
        propagator.extract(&HeaderExtractor(headers))
    });
    let _ = span.set_parent(parent);
    span
}

struct MetadataInjector<'a>(&'a mut MetadataMap);

impl Injector for MetadataInjector<'_> {
    fn set(&mut self, key: &str, value: String) {
        if let (Ok(key), Ok(value)) = (
            MetadataKey::from_bytes(key.as_bytes()),
            MetadataValue::try_from(value.as_str()),
        ) {
            self.0.insert(key, value);
        }
    }
}

struct HeaderExtractor<'a>(&'a tonic::codegen::http::HeaderMap);

impl Extractor for HeaderExtractor<'_> {
    fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).and_then(|value| value.to_str().ok())
    }

    fn keys(&self) -> Vec<&str> {
        self.0.keys().map(|key| key.as_str()).collect()
    }
}
