use super::*;

#[test]
fn grpc_timeouts_parse_in_every_unit_and_nothing_else_does() {
    assert_eq!(parse_grpc_timeout("2H"), Some(Duration::from_secs(7200)));
    assert_eq!(parse_grpc_timeout("3M"), Some(Duration::from_secs(180)));
    assert_eq!(parse_grpc_timeout("5S"), Some(Duration::from_secs(5)));
    assert_eq!(parse_grpc_timeout("250m"), Some(Duration::from_millis(250)));
    assert_eq!(
        parse_grpc_timeout("99999999u"),
        Some(Duration::from_micros(99_999_999))
    );
    assert_eq!(parse_grpc_timeout("7n"), Some(Duration::from_nanos(7)));
    for malformed in [
        "",
        "m",
        "5",
        "123456789S",
        "5s",
        "-5S",
        "5 S",
        "٣S",
        "5é",
        "+5S",
    ] {
        assert_eq!(parse_grpc_timeout(malformed), None, "{malformed:?}");
    }
}

#[test]
fn a_bucket_allows_its_burst_then_refuses_with_the_time_to_the_next_token() {
    let limiter = RateLimiter::new(60, 2);
    let start = Instant::now();
    assert!(limiter.check(&"operator-1", start).is_ok());
    assert!(limiter.check(&"operator-1", start).is_ok());
    let retry_after = limiter
        .check(&"operator-1", start)
        .expect_err("over the burst");
    assert_eq!(retry_after, Duration::from_secs(1));
    // Another caller has a bucket of its own.
    assert!(limiter.check(&"operator-2", start).is_ok());
    // Half a second refills half a token: still refused, half a second to wait.
    let half = start + Duration::from_millis(500);
    assert_eq!(
        limiter.check(&"operator-1", half),
        Err(Duration::from_millis(500))
    );
    assert!(
        limiter
            .check(&"operator-1", start + Duration::from_secs(1))
            .is_ok()
    );
}

#[test]
fn a_clock_read_out_of_order_neither_drains_nor_fills_a_bucket() {
    let limiter = RateLimiter::new(60, 1);
    let start = Instant::now() + Duration::from_secs(10);
    assert!(limiter.check(&"a", start).is_ok());
    assert!(limiter.check(&"a", start - Duration::from_secs(5)).is_err());
    assert!(limiter.check(&"a", start + Duration::from_secs(1)).is_ok());
}

#[test]
fn idle_callers_are_swept_out_and_busy_ones_kept() {
    let limiter = RateLimiter::new(60, 5);
    let start = Instant::now();
    for caller in 0..SWEEP_FLOOR {
        limiter.check(&caller, start).expect("first call");
    }
    assert_eq!(limiter.tracked_callers(), SWEEP_FLOOR);
    // Five seconds later every bucket is full again but caller 0, drained now.
    let later = start + Duration::from_secs(5);
    for _ in 0..5 {
        limiter.check(&0_usize, later).expect("within the burst");
    }
    limiter.check(&"newcomer", later).expect("a new caller");
    assert_eq!(limiter.tracked_callers(), 2, "caller 0 and the newcomer");
    assert!(
        limiter.check(&0_usize, later).is_err(),
        "caller 0 kept its count"
    );
}

#[test]
fn limits_take_their_defaults_and_read_the_shared_variables() {
    assert_eq!(
        Limits::from_variables(&Variables::default()).expect("defaults"),
        Limits::default()
    );
    let variables: Variables = [
        (MAX_MESSAGE_BYTES_VARIABLE, "2048"),
        (MAX_CALL_DURATION_VARIABLE, "1500"),
        (MAX_CONCURRENT_CALLS_VARIABLE, "3"),
        (RATE_LIMIT_PER_MINUTE_VARIABLE, "10"),
        (RATE_LIMIT_BURST_VARIABLE, "4"),
        // Another service's variable is none of the server's business.
        ("HOUSING_INTAKE_MAX_FORM_BYTES", "1"),
    ]
    .into_iter()
    .collect();
    assert_eq!(
        Limits::from_variables(&variables).expect("limits"),
        Limits {
            max_message_bytes: 2048,
            max_call_duration: Duration::from_millis(1500),
            max_concurrent_calls: 3,
            rate_limit_per_minute: 10,
            rate_limit_burst: 4,
        }
    );
}

#[test]
fn unknown_and_malformed_limits_are_refused() {
    let typo: Variables = [("HOUSING_GRPC_MAX_CALLS", "3")].into_iter().collect();
    assert!(matches!(
        Limits::from_variables(&typo),
        Err(SettingsError::Unknown { .. })
    ));
    for (variable, value) in [
        (MAX_MESSAGE_BYTES_VARIABLE, "10"),
        (MAX_CALL_DURATION_VARIABLE, "0"),
        (MAX_CONCURRENT_CALLS_VARIABLE, "0"),
        (RATE_LIMIT_PER_MINUTE_VARIABLE, "-1"),
        (RATE_LIMIT_BURST_VARIABLE, "lots"),
    ] {
        let variables: Variables = [(variable, value)].into_iter().collect();
        match Limits::from_variables(&variables) {
            Err(SettingsError::Invalid {
                variable: named, ..
            }) => assert_eq!(named, variable),
            other => panic!("{variable}={value}: {other:?}"),
        }
    }
}

#[test]
fn a_service_raises_its_message_size_to_fit_its_content_limits_never_lowers_it() {
    let limits = Limits::default();
    assert_eq!(
        limits
            .with_message_bytes_at_least(10 * 1024 * 1024)
            .max_message_bytes,
        10 * 1024 * 1024
    );
    assert_eq!(
        limits.with_message_bytes_at_least(10).max_message_bytes,
        DEFAULT_MAX_MESSAGE_BYTES
    );
}

/// A service whose calls never end.
#[derive(Clone)]
struct Never;

impl Service<http::Request<()>> for Never {
    type Response = http::Response<Body>;
    type Error = std::convert::Infallible;
    type Future = std::future::Pending<Result<Self::Response, Self::Error>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, _: http::Request<()>) -> Self::Future {
        std::future::pending()
    }
}

// Over a connection, tonic's client enforces the same `grpc-timeout` it
// sends, so only the service itself can show that the server honours it.
#[tokio::test]
async fn the_callers_shorter_grpc_timeout_is_honoured_under_a_long_cap() {
    let limits = Limits {
        max_call_duration: Duration::from_secs(3600),
        ..Limits::default()
    };
    let mut service = limits.layer().layer(Never);
    let request = http::Request::builder()
        .uri("/test.Gate/Call")
        .header("grpc-timeout", "100m")
        .body(())
        .expect("a request");
    let response = tokio::time::timeout(Duration::from_secs(60), service.call(request))
        .await
        .expect("the server's deadline ends the call first")
        .expect("an answer");
    let status = Status::from_header_map(response.headers()).expect("a status");
    assert_eq!(status.code(), tonic::Code::DeadlineExceeded);
}

proptest::proptest! {
    #[test]
    fn grpc_timeout_body_on_arbitrary_bytes(data in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..12)) {
        fuzz_grpc_timeout(&data);
    }

    #[test]
    fn grpc_timeout_body_on_near_timeouts(text in "[0-9]{0,10}[HMSmunh ]?") {
        fuzz_grpc_timeout(text.as_bytes());
    }
}
