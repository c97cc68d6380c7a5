//! The limits every server of the suite applies to every call ([`crate::server::serve`]):
//!
//! * a message size: each service sets [`Limits::max_message_bytes`] on its
//!   generated servers (`max_decoding_message_size`, `max_encoding_message_size`);
//!   tonic refuses a larger message with OUT_OF_RANGE;
//! * a deadline: the caller's `grpc-timeout`, capped by
//!   [`Limits::max_call_duration`] (which also applies when the caller sends
//!   none); a call that runs out is dropped and answered DEADLINE_EXCEEDED;
//! * a concurrency limit: at most [`Limits::max_concurrent_calls`] calls run at
//!   once; one more is shed at once with RESOURCE_EXHAUSTED (`OVERLOADED`)
//!   instead of queueing behind the others;
//! * a rate limit per caller: a token bucket of [`Limits::rate_limit_burst`]
//!   calls refilled at [`Limits::rate_limit_per_minute`], keyed by the caller's
//!   identity; a caller over its rate gets RESOURCE_EXHAUSTED
//!   (`RATE_LIMIT_EXCEEDED`) with a `google.rpc.RetryInfo` delay.
//!
//! grpc.health.v1 is exempt from the concurrency and rate limits, so that a
//! busy service is not reported unhealthy and restarted.
//!
//! | variable | default | meaning |
//! |---|---|---|
//! | `HOUSING_GRPC_MAX_MESSAGE_BYTES` | `4194304` | largest message received or sent |
//! | `HOUSING_GRPC_MAX_CALL_MS` | `30000` | longest a call may run, whatever deadline the caller sends |
//! | `HOUSING_GRPC_MAX_CONCURRENT_CALLS` | `256` | calls running at once; more are refused |
//! | `HOUSING_GRPC_RATE_LIMIT_PER_MINUTE` | `60000` | calls per minute a caller's bucket refills |
//! | `HOUSING_GRPC_RATE_LIMIT_BURST` | `1000` | calls a caller may make at once |

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::hash::{BuildHasher, Hash, RandomState};
use std::net::IpAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use tokio::sync::Semaphore;
use tonic::Status;
use tonic::body::Body;
use tonic::codegen::http;
use tonic::transport::server::TcpConnectInfo;
use tower_layer::Layer;
use tower_service::Service;

use crate::caller::gateway_query::CLIENT_SYSTEM_KEY;
use crate::caller::{ID_KEY, IIN_KEY, ROLE_KEY};
use crate::error::{Reason, ServiceError};
use crate::settings::{SettingsError, Variables};

/// The largest message a service receives or sends.
pub const MAX_MESSAGE_BYTES_VARIABLE: &str = "HOUSING_GRPC_MAX_MESSAGE_BYTES";
/// The longest a call may run.
pub const MAX_CALL_DURATION_VARIABLE: &str = "HOUSING_GRPC_MAX_CALL_MS";
/// Calls running at once.
pub const MAX_CONCURRENT_CALLS_VARIABLE: &str = "HOUSING_GRPC_MAX_CONCURRENT_CALLS";
/// A caller's sustained rate.
pub const RATE_LIMIT_PER_MINUTE_VARIABLE: &str = "HOUSING_GRPC_RATE_LIMIT_PER_MINUTE";
/// A caller's burst.
pub const RATE_LIMIT_BURST_VARIABLE: &str = "HOUSING_GRPC_RATE_LIMIT_BURST";

/// Every `HOUSING_GRPC_*` variable; any other is refused as a probable typo.
const VARIABLES: [&str; 5] = [
    MAX_MESSAGE_BYTES_VARIABLE,
    MAX_CALL_DURATION_VARIABLE,
    MAX_CONCURRENT_CALLS_VARIABLE,
    RATE_LIMIT_PER_MINUTE_VARIABLE,
    RATE_LIMIT_BURST_VARIABLE,
];
const PREFIX: &str = "HOUSING_GRPC_";

/// tonic's own default for received messages.
pub const DEFAULT_MAX_MESSAGE_BYTES: usize = 4 * 1024 * 1024;
const LARGEST_MAX_MESSAGE_BYTES: usize = 256 * 1024 * 1024;
const SMALLEST_MAX_MESSAGE_BYTES: usize = 1024;
const DEFAULT_MAX_CALL_DURATION: Duration = Duration::from_secs(30);
const DEFAULT_MAX_CONCURRENT_CALLS: usize = 256;
const DEFAULT_RATE_LIMIT_PER_MINUTE: u32 = 60_000;
const DEFAULT_RATE_LIMIT_BURST: u32 = 1_000;

/// The path prefix of grpc.health.v1, exempt from the concurrency and rate limits.
const HEALTH_PATH: &str = "/grpc.health.v1.Health/";

/// Fewest tracked callers before the rate limiter sweeps idle ones out.
const SWEEP_FLOOR: usize = 1024;

/// The limits of a server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The largest message received or sent, in bytes.
    pub max_message_bytes: usize,
    /// The longest a call may run; a caller's shorter `grpc-timeout` wins.
    pub max_call_duration: Duration,
    /// Calls running at once (grpc.health.v1 aside).
    pub max_concurrent_calls: usize,
    /// Calls per minute that refill a caller's bucket.
    pub rate_limit_per_minute: u32,
    /// The size of a caller's bucket: calls it may make at once.
    pub rate_limit_burst: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_message_bytes: DEFAULT_MAX_MESSAGE_BYTES,
            max_call_duration: DEFAULT_MAX_CALL_DURATION,
            max_concurrent_calls: DEFAULT_MAX_CONCURRENT_CALLS,
            rate_limit_per_minute: DEFAULT_RATE_LIMIT_PER_MINUTE,
            rate_limit_burst: DEFAULT_RATE_LIMIT_BURST,
        }
    }
}

impl Limits {
    /// Reads the shared `HOUSING_GRPC_*` variables; unset ones take their
    /// defaults, and an unknown `HOUSING_GRPC_*` variable is refused.
    pub fn from_variables(variables: &Variables) -> Result<Self, SettingsError> {
        variables.refuse_unknown("the gRPC server", PREFIX, &VARIABLES)?;
        Ok(Self {
            max_message_bytes: variables.between_or(
                MAX_MESSAGE_BYTES_VARIABLE,
                DEFAULT_MAX_MESSAGE_BYTES,
                SMALLEST_MAX_MESSAGE_BYTES,
                LARGEST_MAX_MESSAGE_BYTES,
            )?,
            max_call_duration: variables
                .milliseconds_or(MAX_CALL_DURATION_VARIABLE, DEFAULT_MAX_CALL_DURATION)?,
            max_concurrent_calls: variables.between_or(
                MAX_CONCURRENT_CALLS_VARIABLE,
                DEFAULT_MAX_CONCURRENT_CALLS,
                1,
                Semaphore::MAX_PERMITS,
            )?,
            rate_limit_per_minute: variables.positive_or(
                RATE_LIMIT_PER_MINUTE_VARIABLE,
                DEFAULT_RATE_LIMIT_PER_MINUTE,
            )?,
            rate_limit_burst: variables
                .positive_or(RATE_LIMIT_BURST_VARIABLE, DEFAULT_RATE_LIMIT_BURST)?,
        })
    }

    /// The same limits, with a message size no smaller than `bytes`: a service
    /// whose content limits allow larger messages (intake's forms) raises its
    /// transport limit to match them, so that the transport never refuses what
    /// the content checks would accept.
    pub fn with_message_bytes_at_least(self, bytes: usize) -> Self {
        Self {
            max_message_bytes: self.max_message_bytes.max(bytes),
            ..self
        }
    }

    /// The tower layer that enforces the deadline, the concurrency limit and
    /// the rate limit. One layer is one server: its clones share the counts.
    pub fn layer(&self) -> LimitsLayer {
        LimitsLayer {
            shared: Arc::new(Shared {
                max_call_duration: self.max_call_duration,
                calls: Arc::new(Semaphore::new(self.max_concurrent_calls)),
                rate: RateLimiter::new(self.rate_limit_per_minute, self.rate_limit_burst),
            }),
        }
    }
}

/// Parses a `grpc-timeout` header value: 1 to 8 digits and a unit (`H`, `M`,
/// `S`, `m`, `u`, `n`). Anything else is `None`, and the server's cap applies.
pub fn parse_grpc_timeout(text: &str) -> Option<Duration> {
    let unit = text.chars().last()?;
    let digits = &text[..text.len() - unit.len_utf8()];
    if digits.is_empty() || digits.len() > 8 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let value: u64 = digits.parse().ok()?;
    Some(match unit {
        'H' => Duration::from_secs(value.checked_mul(3600)?),
        'M' => Duration::from_secs(value.checked_mul(60)?),
        'S' => Duration::from_secs(value),
        'm' => Duration::from_millis(value),
        'u' => Duration::from_micros(value),
        'n' => Duration::from_nanos(value),
        _ => return None,
    })
}

/// The body of the `grpc_timeout` fuzz target (`fuzz/`), run by a stable
/// property test too: whatever parses is one to eight digits and a unit.
pub fn fuzz_grpc_timeout(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Some(timeout) = parse_grpc_timeout(text) {
        let (digits, unit) = text.split_at(text.len() - 1);
        assert!((1..=8).contains(&digits.len()), "{} digits", digits.len());
        assert!(digits.bytes().all(|byte| byte.is_ascii_digit()));
        assert!(["H", "M", "S", "m", "u", "n"].contains(&unit));
        assert!(timeout <= Duration::from_secs(99_999_999 * 3600));
    }
}

/// Enforces [`Limits`] on every call of a server.
#[derive(Debug, Clone)]
pub struct LimitsLayer {
    shared: Arc<Shared>,
}

impl<S> Layer<S> for LimitsLayer {
    type Service = LimitsService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        LimitsService {
            inner,
            shared: Arc::clone(&self.shared),
        }
    }
}

#[derive(Debug)]
struct Shared {
    max_call_duration: Duration,
    calls: Arc<Semaphore>,
    rate: RateLimiter,
}

/// The service [`LimitsLayer`] wraps a server's routes in.
#[derive(Debug, Clone)]
pub struct LimitsService<S> {
    inner: S,
    shared: Arc<Shared>,
}

impl<S, B> Service<http::Request<B>> for LimitsService<S>
where
    S: Service<http::Request<B>, Response = http::Response<Body>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    S::Error: Send + 'static,
    B: Send + 'static,
{
    type Response = http::Response<Body>;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Self::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: http::Request<B>) -> Self::Future {
        // The clone is ready only after poll_ready: call the one that was polled.
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        let shared = Arc::clone(&self.shared);
        let path = request.uri().path();

        let permit = if path.starts_with(HEALTH_PATH) {
            None
        } else {
            let Ok(permit) = Arc::clone(&shared.calls).try_acquire_owned() else {
                tracing::warn!(rpc.method = path, "too many calls in flight, call refused");
                return refuse(ServiceError::ResourceExhausted {
                    reason: Reason::Overloaded,
                    message: "the service is running as many calls as it may; retry later"
                        .to_owned(),
                    retry_after: None,
                });
            };
            if let Err(retry_after) = shared.rate.check(&caller_key(&request), Instant::now()) {
                // The role only: an id may be a citizen's IIN's stand-in, never logged.
                tracing::warn!(
                    rpc.method = path,
                    caller.role = header(&request, ROLE_KEY).unwrap_or("none"),
                    retry_after_ms = retry_after.as_millis(),
                    "caller over its rate limit, call refused"
                );
                return refuse(ServiceError::ResourceExhausted {
                    reason: Reason::RateLimitExceeded,
                    message: "the caller made more calls than its rate allows; retry later"
                        .to_owned(),
                    retry_after: Some(retry_after),
                });
            }
            Some(permit)
        };

        let deadline = header(&request, "grpc-timeout")
            .and_then(parse_grpc_timeout)
            .map_or(shared.max_call_duration, |asked| {
                asked.min(shared.max_call_duration)
            });
        let method = path.to_owned();
        Box::pin(async move {
            let answer = tokio::time::timeout(deadline, inner.call(request)).await;
            drop(permit);
            match answer {
                Ok(answered) => answered,
                Err(_) => {
                    tracing::warn!(
                        rpc.method = method,
                        deadline_ms = deadline.as_millis(),
                        "call ran past its deadline, dropped"
                    );
                    Ok(Status::from(ServiceError::DeadlineExceeded).into_http())
                }
            }
        })
    }
}

fn refuse<E: Send + 'static>(
    error: ServiceError,
) -> Pin<Box<dyn Future<Output = Result<http::Response<Body>, E>> + Send>> {
    Box::pin(std::future::ready(Ok(Status::from(error).into_http())))
}

fn header<'a, B>(request: &'a http::Request<B>, name: &str) -> Option<&'a str> {
    request
        .headers()
        .get(name)
        .and_then(|value| value.to_str().ok())
        .map(str::trim)
        .filter(|value| !value.is_empty())
}

/// Who a call is counted against: its caller identity (role, id and a
/// citizen's IIN), else the calling system of a registry query, else the
/// address it came from. Only ever hashed, never logged or stored as text.
#[derive(Hash)]
enum CallerKey<'a> {
    Caller {
        role: &'a str,
        id: Option<&'a str>,
        iin: Option<&'a str>,
    },
    ClientSystem(&'a str),
    Address(IpAddr),
    Anonymous,
}

fn caller_key<B>(request: &http::Request<B>) -> CallerKey<'_> {
    if let Some(role) = header(request, ROLE_KEY) {
        CallerKey::Caller {
            role,
            id: header(request, ID_KEY),
            iin: header(request, IIN_KEY),
        }
    } else if let Some(system) = header(request, CLIENT_SYSTEM_KEY) {
        CallerKey::ClientSystem(system)
    } else if let Some(address) = request
        .extensions()
        .get::<TcpConnectInfo>()
        .and_then(TcpConnectInfo::remote_addr)
    {
        CallerKey::Address(address.ip())
    } else {
        CallerKey::Anonymous
    }
}

/// Token buckets per caller, keyed by a hash of the caller's identity under a
/// random key of this process (so an IIN is never kept as such).
///
/// A bucket holds up to `burst` tokens and refills at `per_minute`; a call
/// takes one. A full bucket is the same as no bucket, so sweeping full ones
/// out loses nothing: the map holds only the callers seen within the last
/// `burst / per_minute` minutes. It is swept when it has doubled since the
/// last sweep, so the cost of sweeping stays constant per call.
pub struct RateLimiter {
    tokens_per_second: f64,
    burst: f64,
    hasher: RandomState,
    buckets: Mutex<Buckets>,
}

struct Buckets {
    by_caller: HashMap<u64, Bucket>,
    sweep_at: usize,
}

#[derive(Clone, Copy)]
struct Bucket {
    tokens: f64,
    updated: Instant,
}

impl fmt::Debug for RateLimiter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RateLimiter")
            .field("tokens_per_second", &self.tokens_per_second)
            .field("burst", &self.burst)
            .field("callers", &self.tracked_callers())
            .finish()
    }
}

impl RateLimiter {
    /// Buckets of `burst` calls refilled at `per_minute`.
    pub fn new(per_minute: u32, burst: u32) -> Self {
        Self {
            tokens_per_second: f64::from(per_minute.max(1)) / 60.0,
            burst: f64::from(burst.max(1)),
            hasher: RandomState::new(),
            buckets: Mutex::new(Buckets {
                by_caller: HashMap::new(),
                sweep_at: SWEEP_FLOOR,
            }),
        }
    }

    /// Takes a token from `caller`'s bucket at `now`, or says how long until
    /// one is there.
    pub fn check(&self, caller: &impl Hash, now: Instant) -> Result<(), Duration> {
        let key = self.hasher.hash_one(caller);
        let mut buckets = self
            .buckets
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if buckets.by_caller.len() >= buckets.sweep_at {
            buckets
                .by_caller
                .retain(|_, bucket| self.refilled(*bucket, now) < self.burst);
            buckets.sweep_at = (buckets.by_caller.len() * 2).max(SWEEP_FLOOR);
        }
        let bucket = buckets.by_caller.entry(key).or_insert(Bucket {
            tokens: self.burst,
            updated: now,
        });
        let tokens = self.refilled(*bucket, now);
        // A clock read earlier than the last one (two threads) never drains a bucket.
        bucket.updated = bucket.updated.max(now);
        if tokens >= 1.0 {
            bucket.tokens = tokens - 1.0;
            Ok(())
        } else {
            bucket.tokens = tokens;
            Err(Duration::from_secs_f64(
                (1.0 - tokens) / self.tokens_per_second,
            ))
        }
    }

    /// How many callers have a bucket that is not full (or not yet swept).
    pub fn tracked_callers(&self) -> usize {
        self.buckets
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .by_caller
            .len()
    }

    fn refilled(&self, bucket: Bucket, now: Instant) -> f64 {
        let elapsed = now.saturating_duration_since(bucket.updated).as_secs_f64();
        (bucket.tokens + elapsed * self.tokens_per_second).min(self.burst)
    }
}

#[cfg(test)]
mod tests;
