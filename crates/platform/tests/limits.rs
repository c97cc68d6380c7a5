//! Every limit of `housing_platform::limits` over a real connection, against
//! a test service whose calls wait at a gate the test opens: small
//! configured limits and calls that wait for the test, never for the clock.
//!
//! The gate serves [`METHOD`], a path the authorization table declares open
//! to anyone, so that the calls meet the limits and nothing else. It takes
//! and returns a `google.protobuf.Any`. With `x-test-wait` it reports that it
//! has started and waits for a permit of the gate; with
//! `x-test-reply-bytes: N` it answers N bytes.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use housing_platform::limits::Limits;
use housing_platform::server;
use prost_types::Any;
use tokio::sync::{Semaphore, mpsc};
use tonic::body::Body;
use tonic::codegen::http;
use tonic::codegen::{BoxFuture, Service};
use tonic::server::{NamedService, UnaryService};
use tonic::{Code, Status};
use tonic_health::pb::HealthCheckRequest;
use tonic_health::pb::health_client::HealthClient;
use tonic_prost::ProstCodec;
use tonic_types::StatusExt;

/// An RPC open to anyone in `housing_platform::authorization::TABLE`.
const METHOD: &str = "/housing.registry.v1.RegistryAdminService/VerifyQueryLog";
const CITIZEN_A: &str = "900101300126";
const CITIZEN_B: &str = "900512490013";

#[derive(Clone)]
struct Gate {
    open: Arc<Semaphore>,
    entered: mpsc::UnboundedSender<()>,
    max_message_bytes: usize,
}

impl NamedService for Gate {
    const NAME: &'static str = "housing.registry.v1.RegistryAdminService";
}

impl Service<http::Request<Body>> for Gate {
    type Response = http::Response<Body>;
    type Error = Infallible;
    type Future = BoxFuture<Self::Response, Self::Error>;

    fn poll_ready(
        &mut self,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Result<(), Self::Error>> {
        std::task::Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: http::Request<Body>) -> Self::Future {
        let gate = self.clone();
        Box::pin(async move {
            // As the generated servers of the services are configured.
            let mut grpc = tonic::server::Grpc::new(ProstCodec::<Any, Any>::default())
                .apply_max_message_size_config(
                    Some(gate.max_message_bytes),
                    Some(gate.max_message_bytes),
                );
            Ok(grpc.unary(Handler(gate), request).await)
        })
    }
}

struct Handler(Gate);

impl UnaryService<Any> for Handler {
    type Response = Any;
    type Future = BoxFuture<tonic::Response<Any>, Status>;

    fn call(&mut self, request: tonic::Request<Any>) -> Self::Future {
        let gate = self.0.clone();
        Box::pin(async move {
            let metadata = request.metadata();
            if metadata.contains_key("x-test-wait") {
                let _ = gate.entered.send(());
                let _permit = gate.open.acquire().await.expect("the gate stays");
            }
            let reply_bytes = metadata
                .get("x-test-reply-bytes")
                .and_then(|value| value.to_str().ok()?.parse::<usize>().ok())
                .unwrap_or(0);
            Ok(tonic::Response::new(Any {
                type_url: String::new(),
                value: vec![7; reply_bytes],
            }))
        })
    }
}

/// A server of the gate and grpc.health.v1 under `limits`.
struct Running {
    address: SocketAddr,
    open: Arc<Semaphore>,
    entered: mpsc::UnboundedReceiver<()>,
    stop: tokio::sync::oneshot::Sender<()>,
    server: tokio::task::JoinHandle<anyhow::Result<()>>,
}

impl Running {
    async fn start(limits: Limits) -> Self {
        let listener = server::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
            .await
            .expect("a free port");
        let address = server::local_address(&listener).expect("the bound address");
        let standard = server::standard_services(&[Gate::NAME])
            .await
            .expect("health and reflection");
        let open = Arc::new(Semaphore::new(0));
        let (entered_tx, entered) = mpsc::unbounded_channel();
        let routes = standard.routes.add_service(Gate {
            open: Arc::clone(&open),
            entered: entered_tx,
            max_message_bytes: limits.max_message_bytes,
        });
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(server::serve(
            listener,
            routes,
            limits,
            housing_platform::security::Security::InsecureLoopback,
            async move {
                let _ = stopped.await;
            },
            Duration::from_secs(2),
        ));
        Self {
            address,
            open,
            entered,
            stop,
            server,
        }
    }

    async fn channel(&self) -> tonic::transport::Channel {
        tonic::transport::Endpoint::from_shared(format!("http://{}", self.address))
            .expect("an endpoint")
            .connect()
            .await
            .expect("a connection")
    }

    /// Waits until a call has reached the handler.
    async fn wait_entered(&mut self) {
        self.entered.recv().await.expect("a call entered");
    }

    async fn stop(self) {
        self.open.add_permits(Semaphore::MAX_PERMITS / 2);
        let _ = self.stop.send(());
        self.server
            .await
            .expect("the server task ends")
            .expect("the server stops cleanly");
    }
}

/// One call of [`METHOD`] with `headers` and a `payload` of that many bytes.
async fn call(
    channel: tonic::transport::Channel,
    headers: &[(&'static str, &str)],
    payload: usize,
) -> Result<Any, Status> {
    let mut grpc = tonic::client::Grpc::new(channel);
    grpc.ready()
        .await
        .map_err(|error| Status::unknown(error.to_string()))?;
    let mut request = tonic::Request::new(Any {
        type_url: String::new(),
        value: vec![1; payload],
    });
    for (key, value) in headers {
        request
            .metadata_mut()
            .insert(*key, value.parse().expect("ascii metadata"));
    }
    grpc.unary(
        request,
        http::uri::PathAndQuery::from_static(METHOD),
        ProstCodec::<Any, Any>::default(),
    )
    .await
    .map(tonic::Response::into_inner)
}

fn reason(status: &Status) -> String {
    status
        .get_error_details()
        .error_info()
        .map(|info| info.reason.clone())
        .unwrap_or_default()
}

const OPERATOR_1: [(&str, &str); 2] = [("x-caller-role", "operator"), ("x-caller-id", "op-1")];

#[tokio::test]
async fn messages_over_the_size_limit_are_refused_both_ways() {
    let running = Running::start(Limits {
        max_message_bytes: 1024,
        ..Limits::default()
    })
    .await;
    let channel = running.channel().await;

    call(channel.clone(), &OPERATOR_1, 900)
        .await
        .expect("a message within the limit");
    let too_large = call(channel.clone(), &OPERATOR_1, 2048)
        .await
        .expect_err("a request over the limit");
    // tonic 0.14 answers a message over the limit OUT_OF_RANGE.
    assert_eq!(too_large.code(), Code::OutOfRange, "{too_large:?}");
    let reply_too_large = call(
        channel.clone(),
        &[OPERATOR_1[0], OPERATOR_1[1], ("x-test-reply-bytes", "4096")],
        10,
    )
    .await
    .expect_err("a reply over the limit");
    assert_eq!(
        reply_too_large.code(),
        Code::OutOfRange,
        "{reply_too_large:?}"
    );
    running.stop().await;
}

#[tokio::test]
async fn a_call_past_the_servers_cap_gets_deadline_exceeded_and_frees_its_slot() {
    let running = Running::start(Limits {
        max_call_duration: Duration::from_millis(200),
        max_concurrent_calls: 1,
        ..Limits::default()
    })
    .await;
    let channel = running.channel().await;

    // The gate never opens: only the server's cap ends the call.
    let late = call(
        channel.clone(),
        &[OPERATOR_1[0], OPERATOR_1[1], ("x-test-wait", "1")],
        1,
    )
    .await
    .expect_err("past the cap");
    assert_eq!(late.code(), Code::DeadlineExceeded, "{late:?}");
    assert_eq!(reason(&late), "DEADLINE_EXCEEDED");
    // The dropped call gave its slot back: the one slot serves the next call.
    call(channel, &OPERATOR_1, 1)
        .await
        .expect("the slot is free again");
    running.stop().await;
}

#[tokio::test]
async fn the_call_over_the_concurrency_limit_is_shed_while_health_still_answers() {
    let mut running = Running::start(Limits {
        max_concurrent_calls: 2,
        ..Limits::default()
    })
    .await;
    let channel = running.channel().await;
    const WAITING: [(&str, &str); 3] = [
        ("x-caller-role", "system"),
        ("x-caller-id", "eligibility-verification"),
        ("x-test-wait", "1"),
    ];
    let first = tokio::spawn(call(channel.clone(), &WAITING, 1));
    running.wait_entered().await;
    let second = tokio::spawn(call(channel.clone(), &WAITING, 1));
    running.wait_entered().await;

    let shed = call(channel.clone(), &OPERATOR_1, 1)
        .await
        .expect_err("a third call while two run");
    assert_eq!(shed.code(), Code::ResourceExhausted, "{shed:?}");
    assert_eq!(reason(&shed), "OVERLOADED");
    let health = HealthClient::new(channel.clone())
        .check(HealthCheckRequest {
            service: String::new(),
        })
        .await
        .expect("health is exempt");
    assert_eq!(
        health.into_inner().status,
        tonic_health::pb::health_check_response::ServingStatus::Serving as i32
    );

    running.open.add_permits(2);
    first
        .await
        .expect("joined")
        .expect("the first call ends well");
    second
        .await
        .expect("joined")
        .expect("the second call ends well");
    call(channel, &OPERATOR_1, 1)
        .await
        .expect("room again once they ended");
    running.stop().await;
}

#[tokio::test]
async fn a_caller_over_its_rate_is_refused_with_a_retry_delay_while_others_get_through() {
    let log = Log::default();
    let _subscriber = tracing::subscriber::set_default(
        tracing_subscriber::fmt()
            .with_writer(log.clone())
            .with_ansi(false)
            .finish(),
    );
    // One call a minute after a burst of two: no refill within the test.
    let running = Running::start(Limits {
        rate_limit_per_minute: 1,
        rate_limit_burst: 2,
        ..Limits::default()
    })
    .await;
    let channel = running.channel().await;
    let citizen_a = [
        ("x-caller-role", "citizen"),
        ("x-caller-id", "citizen"),
        ("x-caller-iin", CITIZEN_A),
    ];
    let citizen_b = [
        ("x-caller-role", "citizen"),
        ("x-caller-id", "citizen"),
        ("x-caller-iin", CITIZEN_B),
    ];
    let operator_2 = [("x-caller-role", "operator"), ("x-caller-id", "op-2")];

    for caller in [&OPERATOR_1[..], &citizen_a[..]] {
        for _ in 0..2 {
            call(channel.clone(), caller, 1)
                .await
                .expect("within the burst");
        }
        let refused = call(channel.clone(), caller, 1)
            .await
            .expect_err("over the rate");
        assert_eq!(refused.code(), Code::ResourceExhausted, "{refused:?}");
        assert_eq!(reason(&refused), "RATE_LIMIT_EXCEEDED");
        let delay = refused
            .get_error_details()
            .retry_info()
            .and_then(|info| info.retry_delay)
            .expect("a retry delay");
        assert!(
            delay > Duration::ZERO && delay <= Duration::from_secs(60),
            "{delay:?}"
        );
    }
    // Another operator, and another citizen with the same role and id but
    // another IIN, each have a bucket of their own.
    call(channel.clone(), &operator_2, 1)
        .await
        .expect("another operator");
    call(channel.clone(), &citizen_b, 1)
        .await
        .expect("another citizen");
    running.stop().await;

    let written = log.text();
    assert!(
        written.contains("rate limit"),
        "the refusal is logged: {written}"
    );
    assert!(
        !written.contains(CITIZEN_A) && !written.contains(CITIZEN_B),
        "{written}"
    );
}

/// Log lines written during a test.
#[derive(Clone, Default)]
struct Log(Arc<Mutex<Vec<u8>>>);

impl Log {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().expect("log")).into_owned()
    }
}

impl std::io::Write for Log {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("log").extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Log {
    type Writer = Self;

    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}
