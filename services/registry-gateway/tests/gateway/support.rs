//! Starting a gateway for a test, its clients, and records to put in place.

use std::time::Duration;

use housing_domain::iin::check_digit;
use housing_platform::caller::gateway_query;
use housing_proto::google::r#type::Date;
use housing_proto::housing::common::v1::{DateInterval, Register, SocialCategory};
use housing_proto::housing::registry::v1 as pb;
use housing_proto::housing::registry::v1::registry_admin_service_client::RegistryAdminServiceClient;
use housing_proto::housing::registry::v1::registry_gateway_service_client::RegistryGatewayServiceClient;
use housing_storage::testing::TestDatabase;
use registry_gateway::{Application, Settings};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tonic::service::Interceptor;
use tonic::service::interceptor::InterceptedService;
use tonic::transport::Channel;
use tonic::{Request, Status};
use tonic_types::StatusExt;

/// The calling system the tests' gateway serves.
pub const CLIENT_SYSTEM: &str = "eligibility-verification";
/// On whose behalf the tests ask.
pub const ON_BEHALF_OF: &str = "operator-42";
/// The case the tests ask for.
pub const CASE_ID: &str = "applications/1001";

/// The gateway client the tests use, identified by [`Identify`].
pub type GatewayClient = RegistryGatewayServiceClient<InterceptedService<Channel, Identify>>;

/// A gateway running for one test.
#[derive(Debug)]
pub struct TestApp {
    channel: Channel,
    stop: Option<oneshot::Sender<()>>,
    server: Option<JoinHandle<anyhow::Result<()>>>,
}

/// The settings of a test gateway: port 0, the test's database, no fixture,
/// plus `overrides`.
pub fn settings(database: &TestDatabase, overrides: &[(&str, &str)]) -> Settings {
    let mut variables = vec![
        (
            "HOUSING_LISTEN_ADDRESS".to_owned(),
            "127.0.0.1:0".to_owned(),
        ),
        (
            "HOUSING_REGISTRY_DATABASE_URL".to_owned(),
            database.url.clone(),
        ),
        ("HOUSING_REGISTRY_FIXTURES".to_owned(), "none".to_owned()),
        (
            "HOUSING_REGISTRY_CLIENT_SYSTEMS".to_owned(),
            format!("{CLIENT_SYSTEM},application-intake"),
        ),
    ];
    for (name, value) in overrides {
        variables.retain(|(existing, _)| existing != name);
        variables.push(((*name).to_owned(), (*value).to_owned()));
    }
    Settings::from_variables(housing_platform::security::insecure_loopback(variables))
        .expect("valid test settings")
}

impl TestApp {
    /// A gateway over the test's database, with no fixture.
    pub async fn spawn(database: &TestDatabase) -> TestApp {
        Self::spawn_with(database, &[]).await
    }

    /// A gateway over the test's database with some settings overridden.
    pub async fn spawn_with(database: &TestDatabase, overrides: &[(&str, &str)]) -> TestApp {
        let application = Application::build(settings(database, overrides))
            .await
            .expect("the gateway starts");
        Self::run(application).await
    }

    /// Runs a built application.
    pub async fn run(application: Application) -> TestApp {
        let address = application.address();
        let (stop, stopped) = oneshot::channel::<()>();
        let server = tokio::spawn(application.run_until_stopped(async move {
            let _ = stopped.await;
        }));
        let channel = tonic::transport::Endpoint::from_shared(format!("http://{address}"))
            .expect("endpoint")
            .connect()
            .await
            .expect("the gateway accepts connections");
        TestApp {
            channel,
            stop: Some(stop),
            server: Some(server),
        }
    }

    /// The gateway client, identified as the tests' system, operator and case.
    pub fn gateway(&self) -> GatewayClient {
        self.gateway_as(CLIENT_SYSTEM, ON_BEHALF_OF, CASE_ID)
    }

    /// The gateway client with the given identification (empty values are not sent).
    pub fn gateway_as(
        &self,
        client_system: &str,
        on_behalf_of: &str,
        case_id: &str,
    ) -> GatewayClient {
        RegistryGatewayServiceClient::with_interceptor(
            self.channel.clone(),
            Identify {
                client_system: client_system.to_owned(),
                on_behalf_of: on_behalf_of.to_owned(),
                case_id: case_id.to_owned(),
            },
        )
    }

    /// The administrative client.
    pub fn admin(&self) -> RegistryAdminServiceClient<Channel> {
        RegistryAdminServiceClient::new(self.channel.clone())
    }

    /// The raw channel, for health and reflection.
    pub fn channel(&self) -> Channel {
        self.channel.clone()
    }

    /// Stops the gateway and waits for it to drain and close its database.
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
}

impl Drop for TestApp {
    fn drop(&mut self) {
        // A test that panics before `stop` must not leave a server behind.
        if let Some(server) = self.server.take() {
            server.abort();
        }
    }
}

/// Adds the X-Road identification to every call.
#[derive(Debug, Clone)]
pub struct Identify {
    client_system: String,
    on_behalf_of: String,
    case_id: String,
}

impl Interceptor for Identify {
    fn call(&mut self, mut request: Request<()>) -> Result<Request<()>, Status> {
        // The same helper the suite's services use as the gateway's clients;
        // an empty value reaches the gateway as a missing one.
        gateway_query::attach(
            request.metadata_mut(),
            &self.client_system,
            &self.on_behalf_of,
            &self.case_id,
        );
        Ok(request)
    }
}

/// The `n`-th test IIN: valid, distinct for distinct `n` below 10 000.
pub fn iin(n: u16) -> String {
    for variant in 0..10_u8 {
        let text = format!("85061{variant}3{n:04}");
        let digits: Vec<u8> = text.bytes().map(|byte| byte - b'0').collect();
        let first: [u8; 11] = digits.try_into().expect("11 digits");
        if let Ok(check) = check_digit(&first) {
            return format!("{text}{check}");
        }
    }
    panic!("no valid IIN for {n}");
}

/// A wire date.
pub fn date(year: i32, month: i32, day: i32) -> Option<Date> {
    Some(Date { year, month, day })
}

/// A period.
pub fn period(start: Option<Date>, end: Option<Date>) -> Option<DateInterval> {
    Some(DateInterval {
        start_date: start,
        end_date: end,
    })
}

/// A person with a record in every register, born 1985-06-10. Facts start
/// in 2010 or later and several end in 2024, so that "as of" dates cut them.
pub fn full_person(n: u16) -> pb::PersonRecord {
    let own = iin(n);
    let spouse = iin(n + 1);
    let child = iin(n + 2);
    let dwelling = pb::Dwelling {
        cadastral_number: format!("09:142:001:{n:04}"),
        address: Some(pb::Address {
            locality_kato: "351610000".to_owned(),
            text: "Karaganda, Abai street 1, flat 1".to_owned(),
        }),
        kind: pb::dwelling::Kind::Apartment as i32,
    };
    pb::PersonRecord {
        iin: own.clone(),
        identity: Some(pb::IdentityRecord {
            iin: own.clone(),
            surname: "Testov".to_owned(),
            given_name: "Test".to_owned(),
            patronymic: "Testovich".to_owned(),
            birth_date: date(1985, 6, 10),
            sex: pb::Sex::Male as i32,
            citizenship: pb::Citizenship::Kazakhstan as i32,
            death_date: None,
            document: Some(pb::IdentityDocument {
                number: "N00000001".to_owned(),
                issue_date: date(2015, 3, 1),
                issuer: "MIA".to_owned(),
            }),
            domicile_address: None,
        }),
        migration: Some(pb::MigrationRecord {
            kandas_statuses: vec![pb::KandasStatus {
                valid: period(date(2010, 1, 1), date(2011, 12, 31)),
                decision_number: "KND-1".to_owned(),
            }],
        }),
        civil_status: Some(pb::CivilStatusRecord {
            marriages: vec![pb::Marriage {
                spouse_iin: spouse,
                registration_date: date(2012, 5, 5),
                dissolution_date: date(2024, 2, 1),
                act_number: "MAR-1".to_owned(),
            }],
            children: vec![pb::Birth {
                child_iin: child,
                birth_date: date(2014, 7, 7),
                mother_iin: String::new(),
                father_iin: own.clone(),
                act_number: "BRT-1".to_owned(),
            }],
            parental_care_loss: None,
        }),
        address: Some(pb::AddressRecord {
            registrations: vec![
                pb::DomicileRegistration {
                    address: Some(pb::Address {
                        locality_kato: "710000000".to_owned(),
                        text: "Astana, Turan avenue 2".to_owned(),
                    }),
                    cadastral_number: String::new(),
                    period: period(date(2010, 1, 1), date(2016, 12, 31)),
                    met_housing_norm: false,
                    household: Vec::new(),
                },
                pb::DomicileRegistration {
                    address: dwelling.address.clone(),
                    cadastral_number: dwelling.cadastral_number.clone(),
                    period: period(date(2017, 1, 1), None),
                    met_housing_norm: true,
                    household: vec![pb::Household {
                        iin: iin(n + 3),
                        relation: pb::household::Relation::Other as i32,
                        period: period(date(2023, 3, 1), None),
                    }],
                },
            ],
        }),
        real_estate: Some(pb::RealEstateRecord {
            ownerships: vec![pb::Ownership {
                dwelling: Some(dwelling.clone()),
                share_numerator: 1,
                share_denominator: 2,
                acquired_date: date(2016, 12, 20),
                acquisition_basis: pb::AcquisitionBasis::StateMortgageProgramme as i32,
                state_programme: "7-20-25".to_owned(),
                alienated_date: date(2024, 9, 1),
                alienation_basis: pb::AlienationBasis::Sale as i32,
                habitable_at_alienation: true,
                owner_at_fault: false,
            }],
        }),
        emergency_housing: Some(pb::EmergencyHousingRecord {
            recognitions: vec![pb::EmergencyRecognition {
                act_number: "EMR-1".to_owned(),
                act_date: date(2023, 6, 1),
                locality_kato: "351610000".to_owned(),
                cadastral_number: dwelling.cadastral_number.clone(),
            }],
            technical_reports: vec![pb::TechnicalReportEntry {
                report_number: "TR-1".to_owned(),
                expert_certificate_number: "E-1".to_owned(),
                report_date: date(2023, 5, 20),
                cadastral_number: dwelling.cadastral_number.clone(),
            }],
        }),
        state_housing_use: Some(pb::StateHousingUseRecord {
            uses: vec![pb::StateHousingUse {
                kind: pb::state_housing_use::Kind::StateStock as i32,
                dwelling: Some(dwelling),
                period: period(date(2019, 1, 1), date(2024, 6, 30)),
            }],
        }),
        unified_database: Some(pb::UnifiedRepublicanDatabaseRecord {
            registrations: vec![pb::UnifiedRegistration {
                period: period(date(2021, 3, 1), None),
                local_executive_body: "Akimat of Karaganda".to_owned(),
                locality_kato: "351610000".to_owned(),
            }],
        }),
        social_categories: Some(pb::SocialCategoryRecord {
            memberships: vec![pb::SocialCategoryMembership {
                category: SocialCategory::DisabilityGroup1Or2 as i32,
                valid: period(date(2020, 1, 1), date(2024, 12, 31)),
                source_register: "Ministry of Labour".to_owned(),
            }],
        }),
        mobile_citizen: Some(pb::MobileCitizenRecord {
            registered: true,
            linked_to_portal_account: true,
            phone: "+77015550000".to_owned(),
        }),
    }
}

/// A minimal person: identity only.
pub fn identity_only(n: u16, birth: Option<Date>) -> pb::PersonRecord {
    let own = iin(n);
    pb::PersonRecord {
        iin: own.clone(),
        identity: Some(pb::IdentityRecord {
            iin: own,
            surname: "Minimal".to_owned(),
            given_name: "Person".to_owned(),
            birth_date: birth,
            sex: pb::Sex::Female as i32,
            citizenship: pb::Citizenship::Kazakhstan as i32,
            ..Default::default()
        }),
        ..Default::default()
    }
}

/// A certified expert.
pub fn expert(number: &str, start: Option<Date>, end: Option<Date>) -> pb::CertifiedExpert {
    pb::CertifiedExpert {
        certificate_number: number.to_owned(),
        holder_name: "Expert Expertov".to_owned(),
        valid: period(start, end),
        speciality: "Technical inspection".to_owned(),
    }
}

/// Puts persons in place through the administrative service.
pub async fn put_persons(app: &TestApp, persons: impl IntoIterator<Item = pb::PersonRecord>) {
    let mut admin = app.admin();
    for person in persons {
        admin
            .put_person(pb::PutPersonRequest {
                person: Some(person),
            })
            .await
            .expect("the person is put in place");
    }
}

/// Sets a register's faults.
pub async fn inject(
    app: &TestApp,
    register: Register,
    latency: Duration,
    error_rate: f64,
    outage: bool,
) -> pb::FaultInjection {
    app.admin()
        .set_fault_injection(pb::SetFaultInjectionRequest {
            fault_injection: Some(pb::FaultInjection {
                register: register as i32,
                added_latency: Some(prost_types::Duration::try_from(latency).expect("duration")),
                error_rate,
                outage,
                update_time: None,
            }),
        })
        .await
        .expect("the injection is set")
        .into_inner()
        .fault_injection
        .expect("the injection in force")
}

/// Every query-log entry, oldest first.
pub async fn log_entries(app: &TestApp) -> Vec<pb::QueryLogEntry> {
    let mut admin = app.admin();
    let mut entries = Vec::new();
    let mut page_token = String::new();
    loop {
        let page = admin
            .list_query_log_entries(pb::ListQueryLogEntriesRequest {
                case_id: String::new(),
                page_size: 1000,
                page_token,
            })
            .await
            .expect("the log is listed")
            .into_inner();
        entries.extend(page.entries);
        if page.next_page_token.is_empty() {
            return entries;
        }
        page_token = page.next_page_token;
    }
}

/// Verifies the query log.
pub async fn verify_log(app: &TestApp) -> pb::VerifyQueryLogResponse {
    app.admin()
        .verify_query_log(pb::VerifyQueryLogRequest {})
        .await
        .expect("the log is verified")
        .into_inner()
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

/// A `QueryRegisters` request about persons, all registers, as of a day.
pub fn family_query(iins: &[String], as_of: Option<Date>) -> pb::QueryRegistersRequest {
    pb::QueryRegistersRequest {
        iins: iins.to_vec(),
        registers: Vec::new(),
        as_of_date: as_of,
        expert_certificate_numbers: Vec::new(),
    }
}

/// The status of one answer of a batch.
pub fn answer_status(
    response: &pb::QueryRegistersResponse,
    iin: &str,
    register: Register,
) -> pb::AnswerStatus {
    let answer = response
        .answers
        .iter()
        .find(|answer| answer.iin == iin && answer.register == register as i32)
        .expect("an answer for the person and register");
    pb::AnswerStatus::try_from(answer.status).expect("a known status")
}
