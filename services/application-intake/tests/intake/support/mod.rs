//! Starting intake for a test, its clients, forms and signatures.

pub mod eligibility;
pub mod pki;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use application_intake::clock::ManualClock;
use application_intake::{Application, Settings};
use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use housing_domain::Iin;
use housing_platform::caller::{Caller, Role};
use housing_proto::housing::common::v1 as common;
use housing_proto::housing::intake::v1 as pb;
use housing_storage::testing::TestDatabase;
use pb::application_intake_service_client::ApplicationIntakeServiceClient;
use prost::Message;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tonic::service::Interceptor;
use tonic::service::interceptor::InterceptedService;
use tonic::transport::Channel;
use tonic::{Request, Status};
use tonic_types::StatusExt;

pub use pki::PKI;

/// The people of the tests. Valid IINs, no one real.
pub mod iins {
    /// The applicant.
    pub const APPLICANT: &str = "900101300017";
    /// An authorised person who files for the applicant.
    pub const REPRESENTATIVE: &str = "770707400049";
    /// Someone with nothing to do with the application.
    pub const STRANGER: &str = "911111500059";
    /// The applicant's spouse.
    pub const SPOUSE: &str = "850505400028";
}

/// Almaty, Medeu district: the locality most tests apply for.
pub const ALMATY: &str = "751110000";
/// Karaganda.
pub const KARAGANDA: &str = "351010000";
/// Temirtau.
pub const TEMIRTAU: &str = "352410000";

/// The largest attachment the tests' intake accepts.
pub const TEST_MAX_ATTACHMENT_BYTES: usize = 4096;

/// An instant given in Almaty time (UTC+5).
pub fn almaty(year: i32, month: u32, day: u32, hour: u32, minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(year, month, day, hour, minute, 0)
        .single()
        .expect("a valid instant")
        - TimeDelta::hours(5)
}

/// The usual moment of receipt: Wednesday 15 April 2026, 10:00 in Almaty.
pub fn wednesday_morning() -> DateTime<Utc> {
    almaty(2026, 4, 15, 10, 0)
}

/// Adds the caller's identity to every request.
#[derive(Debug, Clone)]
pub struct AttachCaller(Caller);

impl Interceptor for AttachCaller {
    fn call(&mut self, mut request: Request<()>) -> Result<Request<()>, Status> {
        self.0.attach(request.metadata_mut());
        Ok(request)
    }
}

/// A client of intake acting as one caller.
pub type IntakeClient = ApplicationIntakeServiceClient<InterceptedService<Channel, AttachCaller>>;

/// Intake running for one test.
#[derive(Debug)]
pub struct TestIntake {
    /// The clock stamping receipt.
    pub clock: Arc<ManualClock>,
    channel: Channel,
    stop: Option<oneshot::Sender<()>>,
    server: Option<JoinHandle<anyhow::Result<()>>>,
}

/// The settings of a test intake: port 0, the test's database, the shared
/// PKI, eligibility at `eligibility`, quick outbox timings; plus `overrides`.
pub fn settings(
    database: &TestDatabase,
    eligibility: SocketAddr,
    overrides: &[(&str, &str)],
) -> Settings {
    let mut variables: Vec<(String, String)> = [
        ("HOUSING_LISTEN_ADDRESS", "127.0.0.1:0".to_owned()),
        ("HOUSING_INTAKE_DATABASE_URL", database.url.clone()),
        (
            "HOUSING_INTAKE_ELIGIBILITY_ADDRESS",
            format!("http://{eligibility}"),
        ),
        (
            "HOUSING_INTAKE_CERTIFICATION_CENTRE_ADDRESS",
            PKI.centre_address.clone(),
        ),
        // The product's default: no call in a test is cut off and retried
        // because the machine is slow, so the tests can count calls exactly.
        ("HOUSING_INTAKE_PEER_TIMEOUT_MS", "5000".to_owned()),
        (
            "HOUSING_INTAKE_MAX_ATTACHMENT_BYTES",
            TEST_MAX_ATTACHMENT_BYTES.to_string(),
        ),
        ("HOUSING_INTAKE_OUTBOX_POLL_INTERVAL_MS", "50".to_owned()),
        ("HOUSING_INTAKE_OUTBOX_INITIAL_BACKOFF_MS", "20".to_owned()),
        ("HOUSING_INTAKE_OUTBOX_MAX_BACKOFF_MS", "200".to_owned()),
    ]
    .into_iter()
    .map(|(name, value)| (name.to_owned(), value))
    .collect();
    for (name, value) in overrides {
        variables.retain(|(existing, _)| existing != name);
        variables.push(((*name).to_owned(), (*value).to_owned()));
    }
    Settings::from_variables(housing_platform::security::insecure_loopback(variables))
        .expect("test settings")
}

impl TestIntake {
    /// Builds and serves intake on the test's database, its clock at
    /// [`wednesday_morning`].
    pub async fn spawn(database: &TestDatabase, eligibility: SocketAddr) -> Self {
        Self::spawn_with(settings(database, eligibility, &[])).await
    }

    /// Builds and serves intake with these settings, its clock at [`wednesday_morning`].
    pub async fn spawn_with(settings: Settings) -> Self {
        let clock = Arc::new(ManualClock::new(wednesday_morning()));
        let application = Application::build(settings.with_clock(clock.clone()))
            .await
            .expect("intake builds");
        let address = application.address();
        let (stop, stopped) = oneshot::channel::<()>();
        let server = tokio::spawn(application.run_until_stopped(async move {
            let _ = stopped.await;
        }));
        let channel = tonic::transport::Endpoint::from_shared(format!("http://{address}"))
            .expect("an endpoint")
            .connect_lazy();
        Self {
            clock,
            channel,
            stop: Some(stop),
            server: Some(server),
        }
    }

    /// A client acting as `caller`.
    pub fn client(&self, caller: Caller) -> IntakeClient {
        ApplicationIntakeServiceClient::with_interceptor(self.channel.clone(), AttachCaller(caller))
    }

    /// A client that says nothing of who calls.
    pub fn anonymous(&self) -> ApplicationIntakeServiceClient<Channel> {
        ApplicationIntakeServiceClient::new(self.channel.clone())
    }

    /// A client acting as the citizen with this IIN.
    pub fn citizen(&self, iin: &str) -> IntakeClient {
        self.client(Caller::citizen(Iin::parse(iin).expect("a valid IIN")))
    }

    /// A client acting as an operator.
    pub fn operator(&self) -> IntakeClient {
        self.client(Caller::staff(Role::Operator, "operator-17"))
    }

    /// A client acting as eligibility-verification.
    pub fn eligibility_system(&self) -> IntakeClient {
        self.client(Caller::system("eligibility-verification"))
    }

    /// Stops serving, draining in-flight calls and the dispatcher.
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

    /// Stops at once, as a crash would: nothing is drained.
    pub async fn crash(mut self) {
        if let Some(server) = self.server.take() {
            server.abort();
            let _ = server.await;
        }
    }
}

/// A complete track-1 form of the applicant for Almaty.
pub fn form() -> pb::ApplicationForm {
    pb::ApplicationForm {
        form_version: "APPENDIX-3/2025".to_owned(),
        applicant_iin: iins::APPLICANT.to_owned(),
        representative: None,
        declared_family: vec![pb::DeclaredFamilyMember {
            iin: iins::SPOUSE.to_owned(),
            relation: pb::FamilyRelation::Spouse as i32,
        }],
        stated_category: common::SocialCategory::Unspecified as i32,
        track: common::Track::NoHousing as i32,
        stock: common::Stock::General as i32,
        locality_kato: ALMATY.to_owned(),
        consents: Some(pb::Consents {
            housing_check: true,
            data_processing: true,
            publication: true,
            registration_without_category: true,
            family_member_consents: vec![pb::FamilyMemberConsent {
                member_iin: iins::SPOUSE.to_owned(),
                given_by_iin: iins::SPOUSE.to_owned(),
                consent_time: Some(prost_types::Timestamp {
                    seconds: almaty(2026, 3, 1, 12, 0).timestamp(),
                    nanos: 0,
                }),
            }],
        }),
        phone: "+77011234567".to_owned(),
        email: String::new(),
        technical_report: None,
    }
}

/// The same form, for another locality.
pub fn form_for(locality: &str) -> pb::ApplicationForm {
    pb::ApplicationForm {
        locality_kato: locality.to_owned(),
        ..form()
    }
}

/// A form the representative files for the applicant.
pub fn representative_form() -> pb::ApplicationForm {
    pb::ApplicationForm {
        representative: Some(pb::Representative {
            iin: iins::REPRESENTATIVE.to_owned(),
            capacity: pb::RepresentativeCapacity::AuthorisedPerson as i32,
            authority_document: "Power of attorney No. 17 of 2 March 2026".to_owned(),
        }),
        ..form()
    }
}

/// A request submitting `form` signed by `signer` one minute before `received_at`.
pub fn signed_request(
    form: &pb::ApplicationForm,
    signer: &pki::Signer,
    received_at: DateTime<Utc>,
) -> pb::SubmitApplicationRequest {
    let content = form.encode_to_vec();
    let cms_signature = signer.sign(&content, received_at - TimeDelta::minutes(1));
    pb::SubmitApplicationRequest {
        request_id: uuid::Uuid::new_v4().to_string(),
        signed_form: Some(common::SignedDocument {
            content,
            cms_signature,
        }),
    }
}

/// Submits the applicant's own signed `form` as the applicant, received at the intake's clock.
pub async fn submit_as_applicant(
    intake: &TestIntake,
    form: &pb::ApplicationForm,
) -> Result<pb::Application, Status> {
    let request = signed_request(form, &PKI.applicant, intake_now(intake));
    intake
        .citizen(iins::APPLICANT)
        .submit_application(request)
        .await
        .map(|response| response.into_inner().application.expect("an application"))
}

/// The intake's clock.
pub fn intake_now(intake: &TestIntake) -> DateTime<Utc> {
    use application_intake::clock::Clock;
    intake.clock.now()
}

/// `ErrorInfo.reason` of an error.
pub fn reason(status: &Status) -> String {
    status
        .get_error_details()
        .error_info()
        .map(|info| info.reason.clone())
        .unwrap_or_default()
}

/// `ErrorInfo.metadata[key]` of an error.
pub fn error_metadata(status: &Status, key: &str) -> Option<String> {
    status
        .get_error_details()
        .error_info()
        .and_then(|info| info.metadata.get(key).cloned())
}

/// The fields of `BadRequest` of an error, sorted.
pub fn violated_fields(status: &Status) -> Vec<String> {
    let mut fields: Vec<String> = status
        .get_error_details()
        .bad_request()
        .map(|bad_request| {
            bad_request
                .field_violations
                .iter()
                .map(|violation| violation.field.clone())
                .collect()
        })
        .unwrap_or_default();
    fields.sort();
    fields
}

/// The applications an operator sees: what is stored.
pub async fn stored_applications(intake: &TestIntake) -> Vec<pb::Application> {
    intake
        .operator()
        .list_applications(pb::ListApplicationsRequest {
            page_size: 500,
            ..Default::default()
        })
        .await
        .expect("an operator lists")
        .into_inner()
        .applications
}

/// An application's state as an operator sees it.
pub async fn state_of(intake: &TestIntake, name: &str) -> pb::application::State {
    intake
        .operator()
        .get_application(pb::GetApplicationRequest {
            name: name.to_owned(),
        })
        .await
        .expect("an operator reads")
        .into_inner()
        .application
        .expect("an application")
        .state()
}

/// Waits until `condition` holds, checking every 20 ms for at most 30 s:
/// the outbox works in the background. The limit only guards against a hang.
pub async fn eventually<F, Fut>(what: &str, mut condition: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while !condition().await {
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting until {what}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// An address nothing listens on (a port taken and given back).
pub async fn closed_port() -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a free port");
    listener.local_addr().expect("the bound address")
}
