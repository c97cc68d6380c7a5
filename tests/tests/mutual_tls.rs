//! The suite in the mutual-TLS mode (docs/security.md): every connection,
//! between the services and from clients, presents a certificate of the
//! development CA; a system is who its certificate names, a member of staff
//! who their signed token names, a citizen who their EDS authentication
//! signature names. Identity metadata a client declares is ignored.

use std::net::SocketAddr;
use std::time::Duration;

use housing_e2e_tests::credentials::{authorized, write_dev_pki};
use housing_e2e_tests::demo::{self, application_of, file_and_check};
use housing_e2e_tests::{Suite, SuiteOptions, spawn_suite};
use housing_platform::caller::{Caller, Role};
use housing_platform::security::authentication::{eds_authorization, eds_staff_authorization};
use housing_platform::tokens::{DEFAULT_ISSUER, TokenIssuer};
use housing_proto::housing::audit::v1 as audit;
use housing_proto::housing::audit::v1::audit_service_client::AuditServiceClient;
use housing_proto::housing::complaints::v1 as complaints;
use housing_proto::housing::complaints::v1::complaints_service_client::ComplaintsServiceClient;
use housing_proto::housing::intake::v1 as intake;
use housing_proto::housing::registry::v1 as registry;
use housing_proto::housing::registry::v1::registry_gateway_service_client::RegistryGatewayServiceClient;
use tonic::Code;
use tonic::metadata::MetadataValue;
use tonic::transport::{Certificate, ClientTlsConfig, Endpoint, Identity};
use tonic_health::pb::HealthCheckRequest;
use tonic_health::pb::health_client::HealthClient;

async fn secure_suite() -> Suite {
    spawn_suite(SuiteOptions {
        mutual_tls: true,
        ..SuiteOptions::default()
    })
    .await
    .expect("the suite starts in the mutual-TLS mode")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_demo_application_runs_end_to_end_over_mutual_tls() {
    let suite = secure_suite().await;
    // The citizen files and reads with their EDS, the services call each
    // other with their certificates, the operator reads with a token.
    file_and_check(&suite, &application_of("D14")).await;
    file_and_check(&suite, &application_of("D01")).await;
    suite.stop().await.expect("the suite stops cleanly");
}

/// ForwardComplaint is for the provider's staff only: a system is refused by
/// the authorization table, a member of staff reaches the handler (which
/// then finds the empty request invalid).
fn forward_nothing() -> tonic::Request<complaints::ForwardComplaintRequest> {
    tonic::Request::new(complaints::ForwardComplaintRequest::default())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn identity_comes_from_what_the_caller_proves_not_what_it_declares() {
    let suite = secure_suite().await;
    let credentials = suite.credentials().expect("mutual TLS").clone();
    let mut client = ComplaintsServiceClient::new(suite.raw_channel(suite.complaints_address));

    // The harness's certificate names a system; declaring a role changes nothing.
    let mut declared = forward_nothing();
    declared
        .metadata_mut()
        .insert("x-caller-role", MetadataValue::from_static("operator"));
    declared
        .metadata_mut()
        .insert("x-caller-id", MetadataValue::from_static("operator-1"));
    let status = client
        .forward_complaint(declared)
        .await
        .expect_err("a system may not forward");
    assert_eq!(status.code(), Code::PermissionDenied, "{status:?}");

    // A signed operator token passes the table.
    let token = credentials.staff_token(&demo::operator()).expect("a token");
    let status = client
        .forward_complaint(authorized(
            complaints::ForwardComplaintRequest::default(),
            &format!("Bearer {token}"),
        ))
        .await
        .expect_err("an empty request");
    assert_eq!(status.code(), Code::InvalidArgument, "{status:?}");

    // A token signed with another key is refused outright.
    let foreign_pki = tempfile::tempdir().expect("a directory");
    write_dev_pki(foreign_pki.path()).expect("another PKI");
    let foreign = TokenIssuer::new(
        &std::fs::read(foreign_pki.path().join("token-signing.key")).expect("the key"),
        DEFAULT_ISSUER,
    )
    .expect("an issuer")
    .issue(Role::ProviderHead, "head-1", Duration::from_secs(600))
    .expect("a token");
    let status = client
        .forward_complaint(authorized(
            complaints::ForwardComplaintRequest::default(),
            &format!("Bearer {foreign}"),
        ))
        .await
        .expect_err("a forged token");
    assert_eq!(status.code(), Code::Unauthenticated, "{status:?}");

    // A citizen's declared IIN is no proof either: without their EDS
    // signature the harness is a system, and cannot read as that citizen.
    let mut as_citizen = tonic::Request::new(intake::ListApplicationsRequest::default());
    as_citizen
        .metadata_mut()
        .insert("x-caller-role", MetadataValue::from_static("citizen"));
    as_citizen
        .metadata_mut()
        .insert("x-caller-iin", MetadataValue::from_static("900101300126"));
    let listed = housing_proto::housing::intake::v1::application_intake_service_client::ApplicationIntakeServiceClient::new(
        suite.raw_channel(suite.intake_address),
    )
    .list_applications(as_citizen)
    .await;
    assert!(listed.is_ok(), "a system may list: {listed:?}");

    // A register query's x-client-system must be the system the certificate
    // proves: the harness cannot query as eligibility-verification.
    let mut gateway = RegistryGatewayServiceClient::new(suite.raw_channel(suite.gateway_address));
    let query = |system: &'static str| {
        let mut request = tonic::Request::new(registry::GetIdentityRequest {
            iin: "900101300126".to_owned(),
            ..Default::default()
        });
        for (key, value) in [
            ("x-client-system", system),
            ("x-on-behalf-of", "operator-1"),
            ("x-case-id", "applications/1"),
        ] {
            request
                .metadata_mut()
                .insert(key, MetadataValue::from_static(value));
        }
        request
    };
    let status = gateway
        .get_identity(query("eligibility-verification"))
        .await
        .expect_err("another system's name");
    assert_eq!(status.code(), Code::Unauthenticated, "{status:?}");
    let status = gateway
        .get_identity(query("e2e-tests"))
        .await
        .expect_err("not a client of the registers");
    assert_eq!(status.code(), Code::PermissionDenied, "{status:?}");

    // An EDS authentication signature that is not base64 is refused.
    let mut garbled = forward_nothing();
    garbled
        .metadata_mut()
        .insert("authorization", MetadataValue::from_static("EDS ***"));
    let status = client
        .forward_complaint(garbled)
        .await
        .expect_err("a garbled signature");
    assert_eq!(status.code(), Code::Unauthenticated, "{status:?}");
    suite.stop().await.expect("the suite stops cleanly");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_citizen_sees_only_their_own_applications() {
    let suite = secure_suite().await;
    let own = application_of("D01");
    let filed = demo::submit(&suite, &own).await.expect("filed");
    let other = application_of("D14").filer();
    let status = suite
        .intake(demo::citizen(&other))
        .get_application(intake::GetApplicationRequest {
            name: filed.name.clone(),
        })
        .await
        .expect_err("another citizen's application");
    assert!(
        matches!(status.code(), Code::PermissionDenied | Code::NotFound),
        "{status:?}"
    );
    let read = suite
        .intake(demo::citizen(&own.filer()))
        .get_application(intake::GetApplicationRequest {
            name: filed.name.clone(),
        })
        .await
        .expect("the filer reads their own");
    assert_eq!(
        read.into_inner().application.expect("an application").name,
        filed.name
    );
    suite.stop().await.expect("the suite stops cleanly");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_authentication_certificate_is_refused() {
    let suite = secure_suite().await;
    let iin = application_of("D01").filer();
    let now = suite.now();
    let timestamp = |instant: chrono::DateTime<chrono::Utc>| prost_types::Timestamp {
        seconds: instant.timestamp(),
        nanos: 0,
    };
    let mut centre = suite.certification_centre();
    let issue = || registry::IssueCertificateRequest {
        iin: iin.clone(),
        common_name: "DEMO PERSON".to_owned(),
        purpose: registry::KeyPurpose::Authentication as i32,
        not_before: Some(timestamp(now - chrono::TimeDelta::days(30))),
        not_after: Some(timestamp(now + chrono::TimeDelta::days(300))),
    };
    let mut intake_client = housing_proto::housing::intake::v1::application_intake_service_client::ApplicationIntakeServiceClient::new(
        suite.raw_channel(suite.intake_address),
    );
    let list_with = |key: &registry::IssueCertificateResponse| {
        let request = intake::ListApplicationsRequest {
            applicant_iin: iin.clone(),
            ..Default::default()
        };
        let authorization = eds_authorization(
            &key.certificate_der,
            &key.private_key_pkcs8_der,
            suite.now(),
        )
        .expect("signed");
        authorized(request, &authorization)
    };

    let good = centre
        .issue_certificate(issue())
        .await
        .expect("issued")
        .into_inner();
    intake_client
        .list_applications(list_with(&good))
        .await
        .expect("a good authentication certificate is accepted");

    let revoked = centre
        .issue_certificate(issue())
        .await
        .expect("issued")
        .into_inner();
    centre
        .revoke_certificate(registry::RevokeCertificateRequest {
            serial_number: revoked.serial_number.clone(),
            revocation_time: Some(timestamp(now - chrono::TimeDelta::minutes(1))),
            reason: "keyCompromise".to_owned(),
        })
        .await
        .expect("revoked");
    let status = intake_client
        .list_applications(list_with(&revoked))
        .await
        .expect_err("a revoked certificate");
    assert_eq!(status.code(), Code::Unauthenticated, "{status:?}");
    assert!(status.message().contains("revoked"), "{status:?}");
    suite.stop().await.expect("the suite stops cleanly");
}

async fn health(endpoint: Endpoint) -> Result<(), String> {
    let channel = endpoint
        .connect_timeout(Duration::from_secs(5))
        .connect()
        .await
        .map_err(|error| error.to_string())?;
    HealthClient::new(channel)
        .check(HealthCheckRequest::default())
        .await
        .map(|_| ())
        .map_err(|status| status.to_string())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connection_without_a_certificate_of_the_ca_is_refused() {
    let suite = secure_suite().await;
    let address: SocketAddr = suite.intake_address;
    let pki = suite
        .credentials()
        .expect("mutual TLS")
        .directory()
        .to_owned();
    let read = |directory: &std::path::Path, name: &str| {
        std::fs::read(directory.join(name)).expect("a PKI file")
    };
    let https = || Endpoint::from_shared(format!("https://{address}")).expect("an endpoint");

    // The harness's own credentials work.
    health(suite.credentials().expect("mutual TLS").endpoint(address))
        .await
        .expect("a client of the CA is served");

    // No client certificate: the handshake fails.
    let no_certificate = ClientTlsConfig::new()
        .ca_certificate(Certificate::from_pem(read(&pki, "ca.pem")))
        .domain_name("127.0.0.1");
    assert!(
        health(https().tls_config(no_certificate).expect("tls"))
            .await
            .is_err()
    );

    // A certificate of another CA: refused.
    let other = tempfile::tempdir().expect("a directory");
    write_dev_pki(other.path()).expect("another PKI");
    let foreign = ClientTlsConfig::new()
        .ca_certificate(Certificate::from_pem(read(&pki, "ca.pem")))
        .identity(Identity::from_pem(
            read(other.path(), "e2e-tests.pem"),
            read(other.path(), "e2e-tests.key"),
        ))
        .domain_name("127.0.0.1");
    assert!(
        health(https().tls_config(foreign).expect("tls"))
            .await
            .is_err()
    );

    // Plaintext: refused.
    assert!(
        health(Endpoint::from_shared(format!("http://{address}")).expect("an endpoint"))
            .await
            .is_err()
    );
    suite.stop().await.expect("the suite stops cleanly");
}

/// A member of staff on the development roster (`staff-roster.txt` of the
/// development PKI) authenticates with their own EDS authentication key: the
/// roster gives them their role and staff id, and the audit trail records the
/// reads under that id. The same kind of signature from someone who is not on
/// the roster, or a citizen's authentication signature, makes no one staff.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rostered_member_of_staff_authenticates_with_their_eds() {
    let suite = secure_suite().await;
    let filed = demo::submit(&suite, &application_of("D01"))
        .await
        .expect("filed");
    let now = suite.now();
    let timestamp = |instant: chrono::DateTime<chrono::Utc>| prost_types::Timestamp {
        seconds: instant.timestamp(),
        nanos: 0,
    };
    let mut centre = suite.certification_centre();
    let mut authentication_key = async |iin: &str| {
        centre
            .issue_certificate(registry::IssueCertificateRequest {
                iin: iin.to_owned(),
                common_name: "DEMO STAFF".to_owned(),
                purpose: registry::KeyPurpose::Authentication as i32,
                not_before: Some(timestamp(now - chrono::TimeDelta::days(30))),
                not_after: Some(timestamp(now + chrono::TimeDelta::days(300))),
            })
            .await
            .expect("issued")
            .into_inner()
    };
    let staff_header = |key: &registry::IssueCertificateResponse| {
        eds_staff_authorization(
            &key.certificate_der,
            &key.private_key_pkcs8_der,
            suite.now(),
        )
        .expect("signed")
    };
    let listing =
        |authorization: &str| authorized(intake::ListApplicationsRequest::default(), authorization);
    let mut intake_client = housing_proto::housing::intake::v1::application_intake_service_client::ApplicationIntakeServiceClient::new(
        suite.raw_channel(suite.intake_address),
    );

    // The roster's operator (750203400015 is operator-eds-1) lists every application.
    let operator_key = authentication_key("750203400015").await;
    let listed = intake_client
        .list_applications(listing(&staff_header(&operator_key)))
        .await
        .expect("a rostered operator lists applications")
        .into_inner();
    assert!(
        listed
            .applications
            .iter()
            .any(|application| application.name == filed.name),
        "the operator sees the filed application"
    );

    // The roster's auditor finds that read in the trail under the operator's staff id.
    let auditor_key = authentication_key("840903300043").await;
    let mut trail = AuditServiceClient::new(suite.raw_channel(suite.intake_address));
    let records = trail
        .list_audit_records(authorized(
            audit::ListAuditRecordsRequest {
                caller_id: "operator-eds-1".to_owned(),
                page_size: 50,
                ..Default::default()
            },
            &staff_header(&auditor_key),
        ))
        .await
        .expect("a rostered auditor reads the trail")
        .into_inner()
        .records;
    assert!(
        records.iter().any(|record| {
            record.case_id == filed.name
                && record.rpc.ends_with("/ListApplications")
                && record
                    .caller
                    .as_ref()
                    .is_some_and(|caller| caller.id == "operator-eds-1")
        }),
        "the operator's read is recorded under their staff id: {} records",
        records.len()
    );

    // A citizen who is not on the roster is no member of staff, whatever they sign.
    let citizen_key = authentication_key(&application_of("D01").filer()).await;
    let status = intake_client
        .list_applications(listing(&staff_header(&citizen_key)))
        .await
        .expect_err("not on the roster");
    assert_eq!(status.code(), Code::Unauthenticated, "{status:?}");
    assert!(status.message().contains("staff roster"), "{status:?}");

    // The operator's citizen authentication makes them a citizen, not staff:
    // they list only what concerns them, and the filed application does not.
    let as_citizen = eds_authorization(
        &operator_key.certificate_der,
        &operator_key.private_key_pkcs8_der,
        suite.now(),
    )
    .expect("signed");
    let own = intake_client
        .list_applications(listing(&as_citizen))
        .await
        .expect("a citizen lists their own")
        .into_inner();
    assert!(
        own.applications.is_empty(),
        "as a citizen the operator sees {} applications",
        own.applications.len()
    );
    suite.stop().await.expect("the suite stops cleanly");
}

/// Withdrawing a member of staff's access takes effect from the next call,
/// with no restart: their still valid token and their EDS sign-in are both
/// refused once their staff id is in the withdrawal list
/// (`staff-withdrawn.txt` of the development PKI), and others are not.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_withdrawn_member_of_staff_is_refused_from_the_next_call() {
    let suite = secure_suite().await;
    let credentials = suite.credentials().expect("mutual TLS").clone();
    let centre = suite.certification_centre();
    let withdrawn_operator = Caller::staff(Role::Operator, "operator-leaving");
    let list = |caller: Caller| {
        let mut client = suite.intake(caller);
        async move {
            client
                .list_applications(intake::ListApplicationsRequest::default())
                .await
        }
    };
    let list_with_eds = async |iin: &str| {
        let header = credentials
            .staff_eds_authorization(iin, &centre, suite.now())
            .await
            .expect("signed");
        housing_proto::housing::intake::v1::application_intake_service_client::ApplicationIntakeServiceClient::new(
            suite.raw_channel(suite.intake_address),
        )
        .list_applications(authorized(intake::ListApplicationsRequest::default(), &header))
        .await
    };
    // 750203400015 is the roster's operator-eds-1.
    list(withdrawn_operator.clone())
        .await
        .expect("a valid token before the withdrawal");
    list_with_eds("750203400015")
        .await
        .expect("a rostered operator before the withdrawal");

    std::fs::write(
        credentials
            .directory()
            .join(housing_platform::dev_pki::STAFF_WITHDRAWN_FILE),
        "operator-leaving\noperator-eds-1  # left the provider\n",
    )
    .expect("the withdrawal list written");

    let status = list(withdrawn_operator)
        .await
        .expect_err("a withdrawn member of staff's token");
    assert_eq!(status.code(), Code::Unauthenticated, "{status:?}");
    assert!(status.message().contains("withdrawn"), "{status:?}");
    let status = list_with_eds("750203400015")
        .await
        .expect_err("a withdrawn member of staff's EDS sign-in");
    assert_eq!(status.code(), Code::Unauthenticated, "{status:?}");
    assert!(status.message().contains("withdrawn"), "{status:?}");
    list(demo::operator())
        .await
        .expect("another operator's token still admitted");
    suite.stop().await.expect("the suite stops cleanly");
}

/// Writes a watched settings file and dates it `seconds` ahead, so that each
/// version shows as a change however coarse the file system's clock is.
fn rewrite(path: &std::path::Path, text: &str, seconds: u64) {
    std::fs::write(path, text).expect("written");
    std::fs::File::options()
        .write(true)
        .open(path)
        .and_then(|file| {
            file.set_modified(std::time::SystemTime::now() + Duration::from_secs(seconds))
        })
        .expect("dated");
}

/// The staff roster takes effect from the next call after it changes, with
/// no restart: someone added signs in with their EDS in the role the roster
/// gives them, a version with a bad line is not used (the last good one stays
/// in force), and someone taken off is refused again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_roster_change_takes_effect_from_the_next_call() {
    let suite = secure_suite().await;
    let credentials = suite.credentials().expect("mutual TLS").clone();
    let centre = suite.certification_centre();
    let roster = credentials
        .directory()
        .join(housing_platform::dev_pki::STAFF_ROSTER_FILE);
    let newcomer = application_of("D05").filer();
    let read_trail = async || {
        let header = credentials
            .staff_eds_authorization(&newcomer, &centre, suite.now())
            .await
            .expect("signed");
        AuditServiceClient::new(suite.raw_channel(suite.intake_address))
            .list_audit_records(authorized(
                audit::ListAuditRecordsRequest {
                    page_size: 1,
                    ..Default::default()
                },
                &header,
            ))
            .await
    };
    let status = read_trail().await.expect_err("not on the roster yet");
    assert_eq!(status.code(), Code::Unauthenticated, "{status:?}");
    assert!(status.message().contains("staff roster"), "{status:?}");

    let with_newcomer = format!(
        "{}auditor auditor-new {newcomer}\n",
        housing_platform::dev_pki::DEVELOPMENT_STAFF_ROSTER
    );
    rewrite(&roster, &with_newcomer, 2);
    read_trail().await.expect("the new auditor reads the trail");

    rewrite(
        &roster,
        &format!("{with_newcomer}clerk clerk-1 {newcomer}\n"),
        4,
    );
    read_trail()
        .await
        .expect("a bad version is not used: the last good roster stays");

    rewrite(
        &roster,
        housing_platform::dev_pki::DEVELOPMENT_STAFF_ROSTER,
        6,
    );
    let status = read_trail().await.expect_err("taken off the roster");
    assert_eq!(status.code(), Code::Unauthenticated, "{status:?}");
    suite.stop().await.expect("the suite stops cleanly");
}
