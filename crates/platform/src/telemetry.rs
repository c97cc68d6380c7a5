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
//!
//! Work handed over through a table — an outbox row delivered later by a
//! dispatcher, a case queued for a worker — keeps its trace too: the writer
//! stores [`current_trace_context`] with the row, and whoever takes the row
//! up runs in a span made [`with_stored_parent`], so the calls it makes
//! continue the trace of the call that wrote it. A row with no stored
//! context (written before the column existed) starts a new trace.

use std::collections::HashMap;

use opentelemetry::propagation::{Extractor, Injector};
use opentelemetry::trace::{TraceContextExt as _, TracerProvider as _};
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

/// The current span's W3C trace context as text, to store with work another
/// task takes up later (an outbox row, a case queued for a worker) and to
/// hand to [`with_stored_parent`] then: one `name: value` line per field the
/// propagator writes — `traceparent`, and `tracestate` when there is one.
/// `None` when there is no trace to continue (no current span, or tracing not
/// installed). It holds ids and flags only, never personal data.
pub fn current_trace_context() -> Option<String> {
    let context = tracing::Span::current().context();
    let mut fields = HashMap::new();
    opentelemetry::global::get_text_map_propagator(|propagator| {
        propagator.inject_context(&context, &mut fields);
    });
    let mut fields: Vec<(String, String)> = fields.into_iter().collect();
    if fields.is_empty() {
        return None;
    }
    fields.sort();
    let lines: Vec<String> = fields
        .into_iter()
        .map(|(name, value)| format!("{name}: {value}"))
        .collect();
    Some(lines.join("\n"))
}

/// Makes `span` a child of the span whose context `stored` holds (text
/// [`current_trace_context`] produced, read back from a row), so that the
/// work done in it, and every call it makes, continues that trace. With no
/// stored context (rows written before the column existed) or text that names
/// no valid context, `span` keeps its own parent: with none, a new trace.
/// Call it on a span not yet entered.
pub fn with_stored_parent(span: tracing::Span, stored: Option<&str>) -> tracing::Span {
    let Some(stored) = stored else {
        return span;
    };
    let fields: HashMap<String, String> = stored
        .lines()
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_owned(), value.trim().to_owned()))
        .collect();
    let parent =
        opentelemetry::global::get_text_map_propagator(|propagator| propagator.extract(&fields));
    if parent.span().span_context().is_valid() {
        let _ = span.set_parent(parent);
    }
    span
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

#[cfg(test)]
mod tests {
    use opentelemetry::trace::{SpanId, TraceId};
    use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider, SpanData};
    use tracing_subscriber::prelude::*;

    use super::*;

    /// Runs `work` under a subscriber that exports to memory; the finished spans.
    fn traced(work: impl FnOnce()) -> Vec<SpanData> {
        opentelemetry::global::set_text_map_propagator(TraceContextPropagator::new());
        let exporter = InMemorySpanExporter::default();
        let provider = SdkTracerProvider::builder()
            .with_simple_exporter(exporter.clone())
            .build();
        let subscriber = tracing_subscriber::registry()
            .with(tracing_opentelemetry::layer().with_tracer(provider.tracer("test")));
        tracing::subscriber::with_default(subscriber, work);
        provider.force_flush().expect("flushed");
        exporter.get_finished_spans().expect("the spans")
    }

    fn named<'a>(spans: &'a [SpanData], name: &str) -> &'a SpanData {
        spans
            .iter()
            .find(|span| span.name == name)
            .expect("the span is exported")
    }

    #[test]
    fn a_stored_context_makes_the_taker_a_child_of_the_writer() {
        let mut stored = None;
        let spans = traced(|| {
            let writer = tracing::info_span!("writer");
            stored = writer.in_scope(current_trace_context);
            drop(writer);
            let taker = with_stored_parent(tracing::info_span!("taker"), stored.as_deref());
            taker.in_scope(|| {});
        });
        let writer = named(&spans, "writer");
        let taker = named(&spans, "taker");
        let stored = stored.expect("a context is stored");
        assert!(
            stored.starts_with(&format!(
                "traceparent: 00-{}-{}-",
                writer.span_context.trace_id(),
                writer.span_context.span_id()
            )),
            "{stored}"
        );
        assert_eq!(
            taker.span_context.trace_id(),
            writer.span_context.trace_id()
        );
        assert_eq!(taker.parent_span_id, writer.span_context.span_id());
    }

    #[test]
    fn without_a_stored_context_the_taker_starts_a_new_trace() {
        let mut outside = Some(String::new());
        let spans = traced(|| {
            outside = current_trace_context();
            let writer = tracing::info_span!("writer");
            writer.in_scope(|| {});
            drop(writer);
            for (name, stored) in [
                ("unset", None),
                ("garbage", Some("traceparent: not-a-context")),
                (
                    "zeros",
                    Some("traceparent: 00-00000000000000000000000000000000-0000000000000000-01"),
                ),
            ] {
                let span = match name {
                    "unset" => tracing::info_span!("unset"),
                    "garbage" => tracing::info_span!("garbage"),
                    _ => tracing::info_span!("zeros"),
                };
                with_stored_parent(span, stored).in_scope(|| {});
            }
        });
        assert_eq!(outside, None, "no span, no context");
        let writer = named(&spans, "writer");
        for name in ["unset", "garbage", "zeros"] {
            let span = named(&spans, name);
            assert_ne!(span.span_context.trace_id(), TraceId::INVALID);
            assert_ne!(
                span.span_context.trace_id(),
                writer.span_context.trace_id(),
                "{name}"
            );
            assert_eq!(span.parent_span_id, SpanId::INVALID, "{name}");
        }
    }
}
