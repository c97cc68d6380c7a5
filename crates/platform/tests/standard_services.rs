//! The standard services answer over a real connection: health reports
//! SERVING, reflection lists the service, and shutdown drains and returns.

use std::net::SocketAddr;
use std::time::Duration;

use housing_platform::server;
use tokio_stream::StreamExt;
use tonic_health::pb::HealthCheckRequest;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;
use tonic_reflection::pb::v1::ServerReflectionRequest;
use tonic_reflection::pb::v1::server_reflection_client::ServerReflectionClient;
use tonic_reflection::pb::v1::server_reflection_request::MessageRequest;
use tonic_reflection::pb::v1::server_reflection_response::MessageResponse;

const SERVICE: &str = "housing.intake.v1.ApplicationIntakeService";

async fn start() -> (
    SocketAddr,
    tokio::sync::oneshot::Sender<()>,
    tokio::task::JoinHandle<anyhow::Result<()>>,
) {
    let listener = server::bind("127.0.0.1:0".parse().expect("address"))
        .await
        .expect("bind");
    let address = server::local_address(&listener).expect("address");
    let standard = server::standard_services(&[SERVICE])
        .await
        .expect("standard services");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let handle = tokio::spawn(server::serve(
        listener,
        standard.routes,
        housing_platform::limits::Limits::default(),
        housing_platform::security::Security::InsecureLoopback,
        async move {
            let _ = stopped.await;
        },
        Duration::from_secs(2),
    ));
    (address, stop, handle)
}

async fn channel(address: SocketAddr) -> tonic::transport::Channel {
    tonic::transport::Endpoint::from_shared(format!("http://{address}"))
        .expect("endpoint")
        .connect()
        .await
        .expect("connect")
}

#[tokio::test]
async fn health_reports_the_server_and_the_service_serving() {
    let (address, stop, handle) = start().await;
    let mut health = HealthClient::new(channel(address).await);
    for service in ["", SERVICE] {
        let status = health
            .check(HealthCheckRequest {
                service: service.to_owned(),
            })
            .await
            .expect("health check")
            .into_inner()
            .status;
        assert_eq!(status, ServingStatus::Serving as i32, "service {service:?}");
    }
    let unknown = health
        .check(HealthCheckRequest {
            service: "no.such.Service".to_owned(),
        })
        .await
        .expect_err("unknown service");
    assert_eq!(unknown.code(), tonic::Code::NotFound);
    stop.send(()).expect("server running");
    handle.await.expect("join").expect("clean shutdown");
}

#[tokio::test]
async fn reflection_lists_the_service_and_health() {
    let (address, stop, handle) = start().await;
    let mut reflection = ServerReflectionClient::new(channel(address).await);
    let request = ServerReflectionRequest {
        host: String::new(),
        message_request: Some(MessageRequest::ListServices(String::new())),
    };
    let mut responses = reflection
        .server_reflection_info(tokio_stream::iter([request]))
        .await
        .expect("reflection")
        .into_inner();
    let response = responses.next().await.expect("one response").expect("ok");
    let Some(MessageResponse::ListServicesResponse(list)) = response.message_response else {
        panic!("expected a service list");
    };
    let mut names: Vec<String> = list.service.into_iter().map(|s| s.name).collect();
    names.sort();
    assert_eq!(names, ["grpc.health.v1.Health", SERVICE]);
    stop.send(()).expect("server running");
    handle.await.expect("join").expect("clean shutdown");
}

#[tokio::test]
async fn reflection_describes_the_error_details_every_error_carries() {
    let (address, stop, handle) = start().await;
    let mut reflection = ServerReflectionClient::new(channel(address).await);
    for symbol in ["google.rpc.ErrorInfo", "google.rpc.BadRequest"] {
        let request = ServerReflectionRequest {
            host: String::new(),
            message_request: Some(MessageRequest::FileContainingSymbol(symbol.to_owned())),
        };
        let mut responses = reflection
            .server_reflection_info(tokio_stream::iter([request]))
            .await
            .expect("reflection")
            .into_inner();
        let response = responses.next().await.expect("one response").expect("ok");
        assert!(
            matches!(
                response.message_response,
                Some(MessageResponse::FileDescriptorResponse(_))
            ),
            "{symbol} is described"
        );
    }
    stop.send(()).expect("server running");
    handle.await.expect("join").expect("clean shutdown");
}
