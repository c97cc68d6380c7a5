//! How long the gateway may wait for registers on a call.
//!
//! The gateway waits for a register at most its own register timeout, and
//! never past the caller's gRPC deadline (`grpc-timeout`): it keeps back part
//! of the caller's time — a fifth, at most 1 s — to give a proper
//! REGISTER_TIMEOUT answer (and log it) before the caller's deadline expires
//! and the transport cancels the call.

use std::time::Duration;

use tonic::metadata::MetadataMap;

const DEADLINE_HEADER: &str = "grpc-timeout";
const MOST_KEPT_BACK: Duration = Duration::from_secs(1);

/// The time this call may spend waiting for registers.
pub fn register_budget(metadata: &MetadataMap, register_timeout: Duration) -> Duration {
    let Some(caller_left) = metadata
        .get(DEADLINE_HEADER)
        .and_then(|value| value.to_str().ok())
        .and_then(parse_grpc_timeout)
    else {
        return register_timeout;
    };
    let kept_back = (caller_left / 5).min(MOST_KEPT_BACK);
    register_timeout.min(caller_left.saturating_sub(kept_back))
}

/// Parses a `grpc-timeout` value: up to 8 digits and a unit (H, M, S, m, u, n).
fn parse_grpc_timeout(text: &str) -> Option<Duration> {
    if text.len() < 2 || text.len() > 9 {
        return None;
    }
    let (digits, unit) = text.split_at(text.len() - 1);
    let value: u64 = digits.parse().ok()?;
    Some(match unit {
        "H" => Duration::from_secs(value.checked_mul(3600)?),
        "M" => Duration::from_secs(value.checked_mul(60)?),
        "S" => Duration::from_secs(value),
        "m" => Duration::from_millis(value),
        "u" => Duration::from_micros(value),
        "n" => Duration::from_nanos(value),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_timeout(value: &str) -> MetadataMap {
        let mut metadata = MetadataMap::new();
        metadata.insert(DEADLINE_HEADER, value.parse().expect("ASCII"));
        metadata
    }

    #[test]
    fn without_a_deadline_the_register_timeout_applies() {
        assert_eq!(
            register_budget(&MetadataMap::new(), Duration::from_secs(5)),
            Duration::from_secs(5)
        );
    }

    #[test]
    fn a_caller_deadline_shortens_the_budget_and_keeps_time_back() {
        let five_seconds = Duration::from_secs(5);
        assert_eq!(
            register_budget(&with_timeout("300m"), five_seconds),
            Duration::from_millis(240)
        );
        assert_eq!(
            register_budget(&with_timeout("2S"), five_seconds),
            Duration::from_millis(1600)
        );
        assert_eq!(
            register_budget(&with_timeout("10S"), Duration::from_secs(30)),
            Duration::from_secs(9),
            "at most 1 s is kept back"
        );
        assert_eq!(
            register_budget(&with_timeout("1H"), five_seconds),
            five_seconds
        );
    }

    #[test]
    fn malformed_deadlines_are_ignored() {
        for value in ["", "5", "5x", "123456789S", "-1S"] {
            assert_eq!(parse_grpc_timeout(value), None, "{value:?}");
        }
        assert_eq!(parse_grpc_timeout("250u"), Some(Duration::from_micros(250)));
    }
}
