//! Starting a notification service and a real registry-gateway for a test,
//! the clients, the requests, and waiting for the worker.

use std::collections::HashMap;
use std::future::Future;
use std::time::Duration;

use housing_domain::Iin;
use housing_domain::iin::check_digit;
use housing_platform::caller::{Caller, Role};
use housing_proto::housing::common::v1::Register;
use housing_proto::housing::notification::v1 as pb;
use housing_proto::housing::notification::v1::notification_service_client::NotificationServiceClient;
use housing_proto::housing::registry::v1 as registry_pb;
use housing_proto::housing::registry::v1::registry_admin_service_client::RegistryAdminServiceClient;
use housing_storage::testing::TestDatabase;
use notification::{Application, FailureScript, ProviderSetup, Settings};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tonic::service::Interceptor;
use tonic::service::interceptor::InterceptedService;
use tonic::transport::Channel;
use tonic::{Request, Status};
use tonic_types::StatusExt;

/// The sending system the tests act as.
pub const SENDER: &str = "eligibility-verification";
/// The number the mobile citizens database links in the tests.
pub const LINKED_NUMBER: &str = "+77015550000";
/// Another number, as a citizen might write on the form.
pub const OTHER_NUMBER: &str = "+77019999999";
/// The e-mail address of the tests.
pub const EMAIL: &str = "aigerim.test@example.kz";

/// The notification client, acting as one caller.
pub type NotificationClient = NotificationServiceClient<InterceptedService<Channel, ActAs>>;

/// A registry-gateway running in-process on its own SQLite file, serving the
/// notification system.
#[derive(Debug)]
pub struct TestGateway {
    _database: TestDatabase,
    address: std::net::SocketAddr,
    channel: Channel,
    stop: Option<oneshot::Sender<()>>,
    server: Option<JoinHandle<anyhow::Result<()>>>,
}

impl TestGateway {
    /// A gateway with no data; persons are put in place per test.
    pub async fn spawn() -> TestGateway {
        let database = TestDatabase::sqlite(&registry_gateway::storage::MIGRATIONS)
            .await
            .expect("a gateway database");
        let settings = registry_gateway::Settings::from_variables(
            housing_platform::security::insecure_loopback([
                ("HOUSING_LISTEN_ADDRESS", "127.0.0.1:0".to_owned()),
                ("HOUSING_REGISTRY_DATABASE_URL", database.url.clone()),
                ("HOUSING_REGISTRY_FIXTURES", "none".to_owned()),
                (
                    "HOUSING_REGISTRY_CLIENT_SYSTEMS",
                    "notification,eligibility-verification".to_owned(),
                ),
            ]),
        )
        .expect("valid gateway settings");
        let application = registry_gateway::Application::build(settings)
            .await
            .expect("the gateway starts");
        let address = application.address();
        let (stop, stopped) = oneshot::channel::<()>();
        let server = tokio::spawn(application.run_until_stopped(async move {
            let _ = stopped.await;
        }));
        let channel = connect(address).await;
        TestGateway {
            _database: database,
            address,
            channel,
            stop: Some(stop),
            server: Some(server),
        }
    }

    /// `http://host:port`, for the notification settings.
    pub fn url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// Puts a mobile-citizens record in place for `iin`.
    pub async fn put_mobile_citizen(&self, iin: &str, registered: bool, linked: bool) {
        let record = registry_pb::MobileCitizenRecord {
            registered,
            linked_to_portal_account: linked,
            phone: if registered {
                LINKED_NUMBER.to_owned()
            } else {
                String::new()
            },
        };
        RegistryAdminServiceClient::new(self.channel.clone())
            .put_person(registry_pb::PutPersonRequest {
                person: Some(registry_pb::PersonRecord {
                    iin: iin.to_owned(),
                    mobile_citizen: Some(record),
                    ..Default::default()
                }),
            })
            .await
            .expect("the person is put in place");
    }

    /// Takes the mobile citizens database down (`true`) or brings it back.
    pub async fn set_mobile_citizens_outage(&self, outage: bool) {
        RegistryAdminServiceClient::new(self.channel.clone())
            .set_fault_injection(registry_pb::SetFaultInjectionRequest {
                fault_injection: Some(registry_pb::FaultInjection {
                    register: Register::MobileCitizens as i32,
                    added_latency: None,
                    error_rate: 0.0,
                    outage,
                    update_time: None,
                }),
            })
            .await
            .expect("the fault injection is set");
    }

    /// Every query-log entry's case id and outcome, oldest first.
    pub async fn logged_queries(&self) -> Vec<registry_pb::QueryLogEntry> {
        RegistryAdminServiceClient::new(self.channel.clone())
            .list_query_log_entries(registry_pb::ListQueryLogEntriesRequest {
                case_id: String::new(),
                page_size: 1000,
                page_token: String::new(),
            })
            .await
            .expect("the query log is listed")
            .into_inner()
            .entries
    }

    /// Stops the gateway.
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(server) = self.server.take() {
            let _ = server.await;
        }
    }
}

impl Drop for TestGateway {
    fn drop(&mut self) {
        if let Some(server) = self.server.take() {
            server.abort();
        }
    }
}

/// The settings of a test service: port 0, the test's database, the test's
/// gateway, short intervals so that retries take milliseconds, plus `overrides`.
pub fn settings(
    database: &TestDatabase,
    gateway: &TestGateway,
    overrides: &[(&str, &str)],
) -> Settings {
    let mut variables: Vec<(String, String)> = [
        ("HOUSING_LISTEN_ADDRESS", "127.0.0.1:0".to_owned()),
        ("HOUSING_NOTIFICATION_DATABASE_URL", database.url.clone()),
        ("HOUSING_NOTIFICATION_REGISTRY_ADDRESS", gateway.url()),
        (
            "HOUSING_NOTIFICATION_REGISTRY_TIMEOUT_MS",
            "2000".to_owned(),
        ),
        (
            "HOUSING_NOTIFICATION_RETRY_INITIAL_BACKOFF_MS",
            "20".to_owned(),
        ),
        (
            "HOUSING_NOTIFICATION_RETRY_MAX_BACKOFF_MS",
            "100".to_owned(),
        ),
        ("HOUSING_NOTIFICATION_RETRY_MAX_ATTEMPTS", "5".to_owned()),
        (
            "HOUSING_NOTIFICATION_PROVIDER_TIMEOUT_MS",
            "2000".to_owned(),
        ),
        (
            "HOUSING_NOTIFICATION_WORKER_POLL_INTERVAL_MS",
            "20".to_owned(),
        ),
        ("HOUSING_NOTIFICATION_SWEEPER_INTERVAL_MS", "50".to_owned()),
        ("HOUSING_NOTIFICATION_SENDING_TIMEOUT_MS", "5000".to_owned()),
        ("HOUSING_NOTIFICATION_SHUTDOWN_GRACE_MS", "2000".to_owned()),
    ]
    .into_iter()
    .map(|(name, value)| (name.to_owned(), value))
    .collect();
    for (name, value) in overrides {
        variables.retain(|(existing, _)| existing != name);
        variables.push(((*name).to_owned(), (*value).to_owned()));
    }
    Settings::from_variables(housing_platform::security::insecure_loopback(variables))
        .expect("valid test settings")
}

/// A notification service running for one test.
#[derive(Debug)]
pub struct TestApp {
    channel: Channel,
    /// The built-in adapters' failure script, shared with the running service.
    pub failures: FailureScript,
    stop: Option<oneshot::Sender<()>>,
    server: Option<JoinHandle<anyhow::Result<()>>>,
}

impl TestApp {
    /// The service over the test's database and gateway.
    pub async fn spawn(database: &TestDatabase, gateway: &TestGateway) -> TestApp {
        Self::spawn_with(database, gateway, &[]).await
    }

    /// The service with some settings overridden.
    pub async fn spawn_with(
        database: &TestDatabase,
        gateway: &TestGateway,
        overrides: &[(&str, &str)],
    ) -> TestApp {
        let settings = settings(database, gateway, overrides);
        let listener = tokio::net::TcpListener::bind(settings.listen_address)
            .await
            .expect("bind");
        let failures = FailureScript::new();
        let application = Application::build_with_providers(
            settings,
            listener,
            ProviderSetup::BuiltIn(failures.clone()),
        )
        .await
        .expect("the service starts");
        let address = application.address();
        let (stop, stopped) = oneshot::channel::<()>();
        let server = tokio::spawn(application.run_until_stopped(async move {
            let _ = stopped.await;
        }));
        TestApp {
            channel: connect(address).await,
            failures,
            stop: Some(stop),
            server: Some(server),
        }
    }

    /// The client acting as `caller`.
    pub fn client_as(&self, caller: Caller) -> NotificationClient {
        NotificationServiceClient::with_interceptor(self.channel.clone(), ActAs(Some(caller)))
    }

    /// The client acting as the sending system.
    pub fn sender(&self) -> NotificationClient {
        self.client_as(Caller::system(SENDER))
    }

    /// The client acting as an operator.
    pub fn operator(&self) -> NotificationClient {
        self.client_as(Caller::staff(Role::Operator, "operator-7"))
    }

    /// The client acting as the citizen with `iin`.
    pub fn citizen(&self, iin: &str) -> NotificationClient {
        self.client_as(Caller::citizen(Iin::parse(iin).expect("valid IIN")))
    }

    /// The client sending no identity at all.
    pub fn anonymous(&self) -> NotificationClient {
        NotificationServiceClient::with_interceptor(self.channel.clone(), ActAs(None))
    }

    /// Stops the service and waits for it to drain and close its database.
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(server) = self.server.take() {
            server
                .await
                .expect("the server task ends")
                .expect("the server stops cleanly");
        }
    }

    /// Kills the service as a crash would: no drain, attempts in flight lost.
    pub async fn crash(mut self) {
        if let Some(server) = self.server.take() {
            server.abort();
            let _ = server.await;
        }
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        // A test that panics before `stop` must not leave a server behind.
        if let Some(server) = self.server.take() {
            server.abort();
        }
    }
}

async fn connect(address: std::net::SocketAddr) -> Channel {
    tonic::transport::Endpoint::from_shared(format!("http://{address}"))
        .expect("endpoint")
        .connect()
        .await
        .expect("the server accepts connections")
}

/// Adds a caller's identity to every call (or none).
#[derive(Debug, Clone)]
pub struct ActAs(Option<Caller>);

impl Interceptor for ActAs {
    fn call(&mut self, mut request: Request<()>) -> Result<Request<()>, Status> {
        if let Some(caller) = &self.0 {
            caller.attach(request.metadata_mut());
        }
        Ok(request)
    }
}

/// The `n`-th test IIN: valid, distinct for distinct `n` below 10 000.
pub fn iin(n: u16) -> String {
    for variant in 0..10_u8 {
        let text = format!("95020{variant}4{n:04}");
        let digits: Vec<u8> = text.bytes().map(|byte| byte - b'0').collect();
        let first: [u8; 11] = digits.try_into().expect("11 digits");
        if let Ok(check) = check_digit(&first) {
            return format!("{text}{check}");
        }
    }
    panic!("no valid IIN for {n}");
}

/// A withdrawal notice to `recipient`: the simplest template.
pub fn withdrawal(request_id: &str, recipient: &str) -> pb::SendNotificationRequest {
    pb::SendNotificationRequest {
        request_id: request_id.to_owned(),
        recipient_iin: recipient.to_owned(),
        application: "applications/1001".to_owned(),
        complaint: String::new(),
        kind: pb::NotificationKind::Withdrawal as i32,
        parameters: parameters(&[
            ("application_number", "1001"),
            ("withdrawal_date", "01.07.2025"),
        ]),
        phone: String::new(),
        email: String::new(),
    }
}

/// A parameter map.
pub fn parameters(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    pairs
        .iter()
        .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
        .collect()
}

/// Sends and returns the notice.
pub async fn send(
    client: &mut NotificationClient,
    request: pb::SendNotificationRequest,
) -> pb::Notification {
    client
        .send_notification(request)
        .await
        .expect("the notice is sent")
        .into_inner()
        .notification
        .expect("a notice")
}

/// Reads a notice as an operator.
pub async fn get(app: &TestApp, name: &str) -> pb::Notification {
    app.operator()
        .get_notification(pb::GetNotificationRequest {
            name: name.to_owned(),
        })
        .await
        .expect("the notice is read")
        .into_inner()
        .notification
        .expect("a notice")
}

/// The delivery of a channel.
pub fn delivery(notice: &pb::Notification, channel: pb::Channel) -> Option<pb::Delivery> {
    notice
        .deliveries
        .iter()
        .find(|delivery| delivery.channel == channel as i32)
        .cloned()
}

/// The channels of a notice's deliveries, in order.
pub fn channels(notice: &pb::Notification) -> Vec<pb::Channel> {
    notice
        .deliveries
        .iter()
        .map(|delivery| pb::Channel::try_from(delivery.channel).expect("a known channel"))
        .collect()
}

/// A delivery's state.
pub fn state(delivery: &pb::Delivery) -> pb::delivery::State {
    pb::delivery::State::try_from(delivery.state).expect("a known state")
}

/// Waits until the channel's delivery of `name` reaches a final state
/// (DELIVERED or PERMANENT_FAILURE) and returns it. The generous limit only
/// guards against a hang; no test depends on how fast it is.
pub async fn settled_delivery(app: &TestApp, name: &str, channel: pb::Channel) -> pb::Delivery {
    eventually(|| async {
        let notice = get(app, name).await;
        delivery(&notice, channel).filter(|delivery| {
            matches!(
                state(delivery),
                pb::delivery::State::Delivered | pb::delivery::State::PermanentFailure
            )
        })
    })
    .await
}

/// Polls `check` until it gives `Some`, for at most 30 s.
pub async fn eventually<T, F, Fut>(mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(found) = check().await {
            return found;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the expected state was not reached"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Every outbox message, oldest first.
pub async fn outbox(app: &TestApp, notification: &str) -> Vec<pb::OutboxMessage> {
    app.operator()
        .list_outbox_messages(pb::ListOutboxMessagesRequest {
            channel: 0,
            notification: notification.to_owned(),
            page_size: 500,
            page_token: String::new(),
        })
        .await
        .expect("the outbox is listed")
        .into_inner()
        .messages
}

/// The `ErrorInfo.reason` of a status.
pub fn reason(status: &Status) -> String {
    status
        .get_error_details()
        .error_info()
        .map(|info| info.reason.clone())
        .unwrap_or_default()
}

/// The fields of a status's `BadRequest` violations.
pub fn violated_fields(status: &Status) -> Vec<String> {
    status
        .get_error_details()
        .bad_request()
        .map(|bad_request| {
            bad_request
                .field_violations
                .iter()
                .map(|violation| violation.field.clone())
                .collect()
        })
        .unwrap_or_default()
}

/// The text of a notice in a language.
pub fn text(notice: &pb::Notification, language: pb::Language) -> pb::RenderedText {
    notice
        .texts
        .iter()
        .find(|text| text.language == language as i32)
        .cloned()
        .expect("a text in the language")
}
