//! Starting the service for a test, with a real registry-gateway (demo
//! dataset) and recording stand-ins for intake and notification; clients as
//! any caller; waiting for the workers without sleeping on the legal clock.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use eligibility_verification::clock::ManualClock;
use eligibility_verification::{Application, Settings};
use housing_platform::caller::{Caller, Role};
use housing_proto::housing::common::v1::Register;
use housing_proto::housing::eligibility::v1 as pb;
use housing_proto::housing::eligibility::v1::eligibility_service_client::EligibilityServiceClient;
use housing_proto::housing::intake::v1 as intake;
use housing_proto::housing::registry::v1 as registry;
use housing_proto::housing::registry::v1::registry_admin_service_client::RegistryAdminServiceClient;
use housing_storage::testing::TestDatabase;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tonic::service::Interceptor;
use tonic::service::interceptor::InterceptedService;
use tonic::transport::Channel;
use tonic::{Request, Status};

use crate::forms::date;
use crate::peers::{Received, RecordingPeers};

/// When the demo applications are submitted: Wednesday 15 April 2026, 09:00
/// in Almaty, a working day: accepted that day.
pub fn submitted() -> DateTime<Utc> {
    instant("2026-04-15T09:00:00+05:00")
}

/// The instant of an RFC 3339 text.
pub fn instant(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .expect("an RFC 3339 instant")
        .with_timezone(&Utc)
}

/// The wire timestamp of an RFC 3339 text.
pub fn timestamp(text: &str) -> Option<prost_types::Timestamp> {
    let instant = instant(text);
    Some(prost_types::Timestamp {
        seconds: instant.timestamp(),
        nanos: 0,
    })
}

/// A client identified as `caller` (none: unidentified).
pub type Client = EligibilityServiceClient<InterceptedService<Channel, AsCaller>>;

/// Attaches a caller's identity to every call.
#[derive(Debug, Clone)]
pub struct AsCaller(Option<Caller>);

impl Interceptor for AsCaller {
    fn call(&mut self, mut request: Request<()>) -> Result<Request<()>, Status> {
        if let Some(caller) = &self.0 {
            caller.attach(request.metadata_mut());
        }
        Ok(request)
    }
}

/// A registry-gateway with the demo dataset, on its own SQLite database.
struct Gateway {
    channel: Channel,
    address: String,
    stop: Option<oneshot::Sender<()>>,
    server: Option<JoinHandle<anyhow::Result<()>>>,
    database: Option<TestDatabase>,
}

impl Gateway {
    async fn start() -> Self {
        let database = TestDatabase::sqlite(&registry_gateway::storage::MIGRATIONS)
            .await
            .expect("a gateway database");
        let settings = registry_gateway::Settings::from_variables(
            housing_platform::security::insecure_loopback([
                ("HOUSING_LISTEN_ADDRESS", "127.0.0.1:0"),
                ("HOUSING_REGISTRY_DATABASE_URL", database.url.as_str()),
                ("HOUSING_REGISTRY_FIXTURES", "demo"),
                (
                    "HOUSING_REGISTRY_CLIENT_SYSTEMS",
                    "eligibility-verification,notification,application-intake",
                ),
            ]),
        )
        .expect("gateway settings");
        let application = registry_gateway::Application::build(settings)
            .await
            .expect("the gateway starts");
        let address = format!("http://{}", application.address());
        let (stop, stopped) = oneshot::channel::<()>();
        let server = tokio::spawn(application.run_until_stopped(async move {
            let _ = stopped.await;
        }));
        let channel = tonic::transport::Endpoint::from_shared(address.clone())
            .expect("an endpoint")
            .connect_lazy();
        Self {
            channel,
            address,
            stop: Some(stop),
            server: Some(server),
            database: Some(database),
        }
    }

    async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(server) = self.server.take() {
            let _ = server.await;
        }
        if let Some(database) = self.database.take() {
            database.cleanup().await;
        }
    }
}

/// The real notification service, on its own SQLite database.
struct Notification {
    channel: Channel,
    address: String,
    stop: Option<oneshot::Sender<()>>,
    server: Option<JoinHandle<anyhow::Result<()>>>,
    database: Option<TestDatabase>,
}

impl Notification {
    async fn start(registry_address: &str) -> Self {
        let database = TestDatabase::sqlite(&notification::storage::MIGRATIONS)
            .await
            .expect("a notification database");
        let settings = notification::Settings::from_variables(
            housing_platform::security::insecure_loopback([
                ("HOUSING_LISTEN_ADDRESS", "127.0.0.1:0"),
                ("HOUSING_NOTIFICATION_DATABASE_URL", database.url.as_str()),
                ("HOUSING_NOTIFICATION_REGISTRY_ADDRESS", registry_address),
                ("HOUSING_NOTIFICATION_WORKER_POLL_INTERVAL_MS", "20"),
            ]),
        )
        .expect("notification settings");
        let application = notification::Application::build(settings)
            .await
            .expect("notification starts");
        let address = format!("http://{}", application.address());
        let (stop, stopped) = oneshot::channel::<()>();
        let server = tokio::spawn(application.run_until_stopped(async move {
            let _ = stopped.await;
        }));
        let channel = tonic::transport::Endpoint::from_shared(address.clone())
            .expect("an endpoint")
            .connect_lazy();
        Self {
            channel,
            address,
            stop: Some(stop),
            server: Some(server),
            database: Some(database),
        }
    }

    async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(server) = self.server.take() {
            let _ = server.await;
        }
        if let Some(database) = self.database.take() {
            database.cleanup().await;
        }
    }
}

/// The service under test, its clock, the gateway and the stand-in peers.
pub struct TestApp {
    pub clock: Arc<ManualClock>,
    database_url: String,
    overrides: Vec<(String, String)>,
    channel: Channel,
    stop: Option<oneshot::Sender<()>>,
    server: Option<JoinHandle<anyhow::Result<()>>>,
    gateway: Option<Gateway>,
    peers: RecordingPeers,
    notification: Option<Notification>,
}

impl TestApp {
    /// The service on the test's database, its clock at 10:00 on the
    /// acceptance day (Wednesday 15 April 2026, Almaty).
    pub async fn spawn(database: &TestDatabase) -> Self {
        Self::spawn_at(database, instant("2026-04-15T10:00:00+05:00"), &[]).await
    }

    /// The service with its clock at `now` and some settings overridden.
    pub async fn spawn_at(
        database: &TestDatabase,
        now: DateTime<Utc>,
        overrides: &[(&str, &str)],
    ) -> Self {
        Self::launch(database, now, overrides, false).await
    }

    /// The service with the real notification service in-process (intake
    /// stays a recording stand-in: it knows only applications it accepted).
    pub async fn spawn_with_real_notification(database: &TestDatabase) -> Self {
        Self::launch(database, instant("2026-04-15T10:00:00+05:00"), &[], true).await
    }

    async fn launch(
        database: &TestDatabase,
        now: DateTime<Utc>,
        overrides: &[(&str, &str)],
        real_notification: bool,
    ) -> Self {
        let gateway = Gateway::start().await;
        let peers = RecordingPeers::start().await;
        let notification = if real_notification {
            Some(Notification::start(&gateway.address).await)
        } else {
            None
        };
        let clock = Arc::new(ManualClock::new(now));
        let mut overrides: Vec<(String, String)> = overrides
            .iter()
            .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
            .collect();
        if let Some(notification) = &notification {
            overrides.push((
                "HOUSING_ELIGIBILITY_NOTIFICATION_ADDRESS".to_owned(),
                notification.address.clone(),
            ));
        }
        let (channel, stop, server) = start_service(
            &database.url,
            &gateway.address,
            &format!("http://{}", peers.address),
            &clock,
            &overrides,
        )
        .await;
        Self {
            clock,
            database_url: database.url.clone(),
            overrides,
            channel,
            stop: Some(stop),
            server: Some(server),
            gateway: Some(gateway),
            peers,
            notification,
        }
    }

    /// The notices the real notification service holds for an application,
    /// once `ready` holds.
    pub async fn wait_for_notifications(
        &self,
        application: &str,
        ready: impl Fn(&[housing_proto::housing::notification::v1::Notification]) -> bool,
    ) -> Vec<housing_proto::housing::notification::v1::Notification> {
        use housing_proto::housing::notification::v1 as notification;
        let channel = self
            .notification
            .as_ref()
            .expect("the real notification service runs")
            .channel
            .clone();
        let mut client =
            notification::notification_service_client::NotificationServiceClient::with_interceptor(
                channel,
                AsCaller(Some(Caller::system(eligibility_verification::SERVICE))),
            );
        for _ in 0..3000 {
            let notices = client
                .list_notifications(notification::ListNotificationsRequest {
                    application: application.to_owned(),
                    ..Default::default()
                })
                .await
                .expect("notices list")
                .into_inner()
                .notifications;
            if ready(&notices) {
                return notices;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("waited in vain for the notices of {application}");
    }

    /// Stops the service (draining it) and starts it again on the same
    /// database, clock, gateway and peers: what a crash-and-restart leaves.
    pub async fn restart(&mut self) {
        self.stop_service().await;
        let gateway = self.gateway.as_ref().expect("the gateway runs");
        let (channel, stop, server) = start_service(
            &self.database_url,
            &gateway.address,
            &format!("http://{}", self.peers.address),
            &self.clock,
            &self.overrides,
        )
        .await;
        self.channel = channel;
        self.stop = Some(stop);
        self.server = Some(server);
    }

    async fn stop_service(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(server) = self.server.take() {
            server
                .await
                .expect("the server task ends")
                .expect("the service stops cleanly");
        }
    }

    /// Stops everything.
    pub async fn stop(mut self) {
        self.stop_service().await;
        if let Some(notification) = self.notification.take() {
            notification.stop().await;
        }
        if let Some(gateway) = self.gateway.take() {
            gateway.stop().await;
        }
    }

    pub fn client(&self, caller: Option<Caller>) -> Client {
        EligibilityServiceClient::with_interceptor(self.channel.clone(), AsCaller(caller))
    }

    /// As application-intake would call.
    pub fn system(&self) -> Client {
        self.client(Some(Caller::system("application-intake")))
    }

    pub fn operator(&self, id: &str) -> Client {
        self.client(Some(Caller::staff(Role::Operator, id)))
    }

    pub fn staff(&self, role: Role, id: &str) -> Client {
        self.client(Some(Caller::staff(role, id)))
    }

    pub fn citizen(&self, iin: &str) -> Client {
        self.client(Some(Caller::citizen(
            housing_domain::Iin::parse(iin).expect("a valid IIN"),
        )))
    }

    pub fn anonymous(&self) -> Client {
        self.client(None)
    }

    pub fn admin(&self) -> RegistryAdminServiceClient<Channel> {
        RegistryAdminServiceClient::new(
            self.gateway
                .as_ref()
                .expect("the gateway runs")
                .channel
                .clone(),
        )
    }

    /// What the stand-in intake and notification received.
    pub fn received(&self) -> &Received {
        &self.peers.received
    }

    /// Opens a case for a demo form submitted at [`submitted`].
    pub async fn open(&self, application: &str, form: intake::ApplicationForm) -> pb::Case {
        self.system()
            .open_case(open_request(application, form))
            .await
            .expect("the case opens")
            .into_inner()
            .case
            .expect("a case")
    }

    /// Reads a case as the system.
    pub async fn case(&self, name: &str) -> pb::Case {
        self.system()
            .get_case(pb::GetCaseRequest {
                name: name.to_owned(),
            })
            .await
            .expect("the case reads")
            .into_inner()
            .case
            .expect("a case")
    }

    /// Waits until the case satisfies `ready` (the workers run on their own).
    pub async fn wait_for_case(&self, name: &str, ready: impl Fn(&pb::Case) -> bool) -> pb::Case {
        let mut last = None;
        for _ in 0..3000 {
            let case = self.case(name).await;
            if ready(&case) {
                return case;
            }
            last = Some(case);
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("the case never got there; last seen: {last:?}");
    }

    /// Waits until the case is in `state`.
    pub async fn wait_for_state(&self, name: &str, state: pb::case::State) -> pb::Case {
        self.wait_for_case(name, |case| case.state == state as i32)
            .await
    }

    /// Waits until `ready` holds (outbox deliveries, …).
    pub async fn wait_until(&self, what: &str, ready: impl Fn() -> bool) {
        for _ in 0..3000 {
            if ready() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("waited in vain for {what}");
    }

    /// Moves the clock on a minute at a time until `ready` holds: retries
    /// fall due whenever the dispatcher recorded the failure they follow.
    pub async fn advance_until(&self, what: &str, ready: impl Fn() -> bool) {
        for _ in 0..3000 {
            if ready() {
                return;
            }
            self.advance(TimeDelta::minutes(1));
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("waited in vain for {what}");
    }

    /// A case's decisions, oldest first.
    pub async fn decisions(&self, case: &str) -> Vec<pb::Decision> {
        self.system()
            .list_decisions(pb::ListDecisionsRequest {
                parent: case.to_owned(),
                page_size: 0,
                page_token: String::new(),
            })
            .await
            .expect("the decisions list")
            .into_inner()
            .decisions
    }

    /// A case's hearing.
    pub async fn hearing(&self, case: &str) -> pb::Hearing {
        self.system()
            .get_hearing(pb::GetHearingRequest {
                name: format!("{case}/hearing"),
            })
            .await
            .expect("the hearing reads")
            .into_inner()
            .hearing
            .expect("a hearing")
    }

    /// Moves the clock on.
    pub fn advance(&self, by: TimeDelta) {
        self.clock.advance(by);
    }

    /// Takes a register down (or brings it back) at the gateway.
    pub async fn set_outage(&self, register: Register, outage: bool) {
        self.admin()
            .set_fault_injection(registry::SetFaultInjectionRequest {
                fault_injection: Some(registry::FaultInjection {
                    register: register as i32,
                    outage,
                    ..Default::default()
                }),
            })
            .await
            .expect("the fault is set");
    }

    /// The gateway's query-log entries for an application.
    pub async fn registry_queries(&self, application: &str) -> Vec<registry::QueryLogEntry> {
        self.admin()
            .list_query_log_entries(registry::ListQueryLogEntriesRequest {
                case_id: application.to_owned(),
                page_size: 1000,
                page_token: String::new(),
            })
            .await
            .expect("the query log reads")
            .into_inner()
            .entries
    }
}

/// An `OpenCaseRequest` for a demo form submitted at [`submitted`].
pub fn open_request(application: &str, form: intake::ApplicationForm) -> pb::OpenCaseRequest {
    let submitted = submitted();
    pb::OpenCaseRequest {
        request_id: format!("applications/{application}"),
        application: format!("applications/{application}"),
        form: Some(form),
        submit_time: Some(prost_types::Timestamp {
            seconds: submitted.timestamp(),
            nanos: 0,
        }),
        acceptance_date: date(2026, 4, 15),
    }
}

async fn start_service(
    database_url: &str,
    registry_address: &str,
    peers_address: &str,
    clock: &Arc<ManualClock>,
    overrides: &[(String, String)],
) -> (Channel, oneshot::Sender<()>, JoinHandle<anyhow::Result<()>>) {
    let mut variables: Vec<(String, String)> = [
        ("HOUSING_LISTEN_ADDRESS", "127.0.0.1:0"),
        ("HOUSING_ELIGIBILITY_DATABASE_URL", database_url),
        ("HOUSING_ELIGIBILITY_DATABASE_MAX_CONNECTIONS", "8"),
        ("HOUSING_ELIGIBILITY_REGISTRY_ADDRESS", registry_address),
        ("HOUSING_ELIGIBILITY_INTAKE_ADDRESS", peers_address),
        ("HOUSING_ELIGIBILITY_NOTIFICATION_ADDRESS", peers_address),
        // The workers look often; what falls due is decided by the manual clock.
        ("HOUSING_ELIGIBILITY_EVALUATION_INTERVAL_MS", "20"),
        ("HOUSING_ELIGIBILITY_LAPSE_INTERVAL_MS", "20"),
        ("HOUSING_ELIGIBILITY_OUTBOX_INTERVAL_MS", "20"),
        ("HOUSING_ELIGIBILITY_REGISTRY_RETRY_INITIAL_MS", "60000"),
        ("HOUSING_ELIGIBILITY_REGISTRY_RETRY_MAX_MS", "3600000"),
        ("HOUSING_ELIGIBILITY_OUTBOX_RETRY_INITIAL_MS", "60000"),
    ]
    .into_iter()
    .map(|(name, value)| (name.to_owned(), value.to_owned()))
    .collect();
    for (name, value) in overrides {
        variables.retain(|(existing, _)| existing != name);
        variables.push((name.clone(), value.clone()));
    }
    let settings =
        Settings::from_variables(housing_platform::security::insecure_loopback(variables))
            .expect("valid test settings")
            .with_clock(Arc::clone(clock) as Arc<dyn eligibility_verification::clock::Clock>);
    let application = Application::build(settings)
        .await
        .expect("the service starts");
    let address = application.address();
    let (stop, stopped) = oneshot::channel::<()>();
    let server = tokio::spawn(application.run_until_stopped(async move {
        let _ = stopped.await;
    }));
    let channel = tonic::transport::Endpoint::from_shared(format!("http://{address}"))
        .expect("an endpoint")
        .connect()
        .await
        .expect("the service accepts connections");
    (channel, stop, server)
}

impl Drop for TestApp {
    fn drop(&mut self) {
        // A test that panics before `stop` must not leave servers behind.
        if let Some(server) = self.server.take() {
            server.abort();
        }
        if let Some(gateway) = self.gateway.as_mut()
            && let Some(server) = gateway.server.take()
        {
            server.abort();
        }
        if let Some(notification) = self.notification.as_mut()
            && let Some(server) = notification.server.take()
        {
            server.abort();
        }
    }
}

/// The field violations of an INVALID_ARGUMENT status.
pub fn violated_fields(status: &Status) -> Vec<String> {
    use tonic_types::StatusExt;
    assert_eq!(status.code(), tonic::Code::InvalidArgument, "{status:?}");
    status
        .get_details_bad_request()
        .expect("field violations")
        .field_violations
        .into_iter()
        .map(|violation| violation.field)
        .collect()
}

/// The `ErrorInfo.reason` of a status.
pub fn reason(status: &Status) -> String {
    use tonic_types::StatusExt;
    status
        .get_details_error_info()
        .map(|info| info.reason)
        .unwrap_or_default()
}
