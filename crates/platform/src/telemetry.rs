//! The tracing subscriber of every service.
//!
//! Log lines are structured; filtering follows `RUST_LOG` (default `info`).
//! `HOUSING_LOG_FORMAT=json` switches to JSON lines for log collectors.
//! Personal data (IINs, names) is never put in a field: types that carry it
//! redact their `Debug` output, and services log resource names instead.

use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt;
use tracing_subscriber::prelude::*;

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

/// Installs the global subscriber for `service`. Call once, first thing in `main`.
pub fn init(service: &'static str, format: LogFormat) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let registry = tracing_subscriber::registry().with(filter);
    let installed = match format {
        LogFormat::Text => registry.with(fmt::layer().with_target(false)).try_init(),
        LogFormat::Json => registry
            .with(fmt::layer().json().with_current_span(true))
            .try_init(),
    };
    if installed.is_ok() {
        tracing::info!(service, "telemetry initialised");
    }
}
