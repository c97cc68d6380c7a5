//! The test certification centre over gRPC, black-box: a real server on
//! port 0 serving only CertificationCentreService, a fresh database per test
//! on both backends, the generated client.

use std::net::SocketAddr;
use std::time::Duration;

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use der::Decode;
use housing_domain::Iin;
use housing_eds::{KeyPurpose, TrustAnchors, sign_detached, verify_detached};
use housing_platform::server;
use housing_proto::housing::registry::v1 as pb;
use housing_storage::testing::TestDatabase;
use housing_storage::{Database, PoolSettings};
use pb::certification_centre_service_client::CertificationCentreServiceClient;
use registry_gateway::pki::{self, CertificationCentre};
use registry_gateway::storage::MIGRATIONS;
use tonic::Code;
use tonic::transport::Channel;
use tonic_types::StatusExt;
use x509_cert::Certificate;
use x509_cert::ext::pkix::{BasicConstraints, ExtendedKeyUsage, KeyUsage};

const APPLICANT_IIN: &str = "900101300017";
const APPLICANT_NAME: &str = "ТЕСТОВ ТЕСТ ТЕСТОВИЧ";
/// `id-at-commonName`.
const COMMON_NAME: der::asn1::ObjectIdentifier = der::asn1::ObjectIdentifier::new_unwrap("2.5.4.3");
/// `id-at-serialNumber`.
const SUBJECT_SERIAL_NUMBER: der::asn1::ObjectIdentifier =
    der::asn1::ObjectIdentifier::new_unwrap("2.5.4.5");
/// `id-at-countryName`.
const COUNTRY_NAME: der::asn1::ObjectIdentifier =
    der::asn1::ObjectIdentifier::new_unwrap("2.5.4.6");
/// `id-kp-clientAuth`.
const CLIENT_AUTHENTICATION: der::asn1::ObjectIdentifier =
    der::asn1::ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.2");

fn utc(year: i32, month: u32, day: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(year, month, day, 0, 0, 0)
        .single()
        .expect("a valid instant")
}

fn timestamp(instant: DateTime<Utc>) -> prost_types::Timestamp {
    prost_types::Timestamp {
        seconds: instant.timestamp(),
        nanos: i32::try_from(instant.timestamp_subsec_nanos()).expect("below one second"),
    }
}

fn instant(timestamp: &prost_types::Timestamp) -> DateTime<Utc> {
    DateTime::from_timestamp(
        timestamp.seconds,
        u32::try_from(timestamp.nanos).expect("non-negative nanoseconds"),
    )
    .expect("a valid timestamp")
}

/// A centre served on a port of its own.
struct RunningCentre {
    client: CertificationCentreServiceClient<Channel>,
    stop: tokio::sync::oneshot::Sender<()>,
    server: tokio::task::JoinHandle<anyhow::Result<()>>,
}

impl RunningCentre {
    async fn start(database: Database) -> Self {
        let centre = CertificationCentre::open(database)
            .await
            .expect("the centre opens");
        let listener = server::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
            .await
            .expect("a free port");
        let address = server::local_address(&listener).expect("the bound address");
        let standard = server::standard_services(&[pki::SERVICE_NAME])
            .await
            .expect("health and reflection");
        let routes = standard.routes.add_service(centre.into_service());
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(server::serve(
            listener,
            routes,
            housing_platform::limits::Limits::default(),
            housing_platform::security::Security::InsecureLoopback,
            async move {
                let _ = stopped.await;
            },
            Duration::from_secs(2),
        ));
        let channel = tonic::transport::Endpoint::from_shared(format!("http://{address}"))
            .expect("an endpoint")
            .connect()
            .await
            .expect("a connection");
        Self {
            client: CertificationCentreServiceClient::new(channel),
            stop,
            server,
        }
    }

    async fn stop(self) {
        drop(self.client);
        let _ = self.stop.send(());
        self.server
            .await
            .expect("the server task ends")
            .expect("the server stops cleanly");
    }

    async fn root(&mut self) -> Vec<u8> {
        self.client
            .get_root_certificate(pb::GetRootCertificateRequest {})
            .await
            .expect("the root")
            .into_inner()
            .certificate_der
    }

    async fn issue(&mut self, purpose: pb::KeyPurpose) -> pb::IssueCertificateResponse {
        self.client
            .issue_certificate(pb::IssueCertificateRequest {
                iin: APPLICANT_IIN.to_owned(),
                common_name: APPLICANT_NAME.to_owned(),
                purpose: purpose.into(),
                not_before: Some(timestamp(utc(2025, 1, 1))),
                not_after: Some(timestamp(utc(2026, 1, 1))),
            })
            .await
            .expect("a certificate")
            .into_inner()
    }

    async fn status_at(
        &mut self,
        serial_number: &str,
        at: DateTime<Utc>,
    ) -> pb::CheckCertificateStatusResponse {
        self.client
            .check_certificate_status(pb::CheckCertificateStatusRequest {
                serial_number: serial_number.to_owned(),
                at_time: Some(timestamp(at)),
            })
            .await
            .expect("a status")
            .into_inner()
    }

    async fn revoke_at(&mut self, serial_number: &str, at: DateTime<Utc>) -> DateTime<Utc> {
        let response = self
            .client
            .revoke_certificate(pb::RevokeCertificateRequest {
                serial_number: serial_number.to_owned(),
                revocation_time: Some(timestamp(at)),
                reason: "key compromise".to_owned(),
            })
            .await
            .expect("revoked")
            .into_inner();
        instant(&response.revocation_time.expect("a revocation time"))
    }
}

/// The subject's attributes in the order they are encoded, with their text.
fn subject_attributes(certificate: &Certificate) -> Vec<(der::asn1::ObjectIdentifier, String)> {
    certificate
        .tbs_certificate
        .subject
        .0
        .iter()
        .flat_map(|relative_name| relative_name.0.iter())
        .map(|attribute| {
            let text = std::str::from_utf8(attribute.value.value())
                .expect("a text attribute")
                .to_owned();
            (attribute.oid, text)
        })
        .collect()
}

fn status_of(response: &pb::CheckCertificateStatusResponse) -> pb::CertificateStatus {
    pb::CertificateStatus::try_from(response.status).expect("a known status")
}

async fn issued_certificates_carry_their_purpose_and_subject(test_database: &TestDatabase) {
    let database = test_database.database.clone();
    let mut centre = RunningCentre::start(database).await;
    let root = Certificate::from_der(&centre.root().await).expect("a root certificate");

    for purpose in [pb::KeyPurpose::Signing, pb::KeyPurpose::Authentication] {
        let issued = centre.issue(purpose).await;
        let certificate = Certificate::from_der(&issued.certificate_der).expect("a certificate");
        let tbs = &certificate.tbs_certificate;

        assert_eq!(tbs.issuer, root.tbs_certificate.subject);
        assert_eq!(
            hex::encode(tbs.serial_number.as_bytes()),
            issued.serial_number
        );
        assert_eq!(
            subject_attributes(&certificate),
            [
                (COMMON_NAME, APPLICANT_NAME.to_owned()),
                (SUBJECT_SERIAL_NUMBER, format!("IIN{APPLICANT_IIN}")),
                (COUNTRY_NAME, "KZ".to_owned()),
            ]
        );
        let (key_usage_critical, key_usage) = tbs
            .get::<KeyUsage>()
            .expect("decodable")
            .expect("a keyUsage extension");
        assert!(key_usage_critical);
        let (_, basic_constraints) = tbs
            .get::<BasicConstraints>()
            .expect("decodable")
            .expect("basicConstraints");
        assert!(!basic_constraints.ca);
        let client_authentication = tbs
            .get::<ExtendedKeyUsage>()
            .expect("decodable")
            .is_some_and(|(_, usage)| usage.0.contains(&CLIENT_AUTHENTICATION));
        assert!(key_usage.digital_signature());
        match purpose {
            pb::KeyPurpose::Signing => {
                assert!(key_usage.non_repudiation());
                assert!(!key_usage.key_encipherment());
                assert!(!client_authentication);
            }
            _ => {
                assert!(!key_usage.non_repudiation());
                assert!(key_usage.key_encipherment());
                assert!(client_authentication);
            }
        }
        assert!(!issued.private_key_pkcs8_der.is_empty());
    }
    centre.stop().await;
}

async fn signatures_verify_against_the_root_it_serves(test_database: &TestDatabase) {
    let database = test_database.database.clone();
    let mut centre = RunningCentre::start(database).await;
    let trust_anchors = TrustAnchors::from_root_der(&centre.root().await).expect("a usable root");
    let form = b"ApplicationForm { track: TRACK_NO_HOUSING }";
    let signed_at = utc(2025, 6, 1);

    for (purpose, expected) in [
        (pb::KeyPurpose::Signing, KeyPurpose::Signing),
        (pb::KeyPurpose::Authentication, KeyPurpose::Authentication),
    ] {
        let issued = centre.issue(purpose).await;
        let signature = sign_detached(
            form,
            &issued.certificate_der,
            &issued.private_key_pkcs8_der,
            signed_at,
        )
        .expect("a signature");
        let verified =
            verify_detached(form, &signature, &trust_anchors, signed_at).expect("verifies");
        assert_eq!(verified.key_purpose(), expected);
        assert_eq!(
            verified.signer_iin(),
            Iin::parse(APPLICANT_IIN).expect("an IIN")
        );
        assert_eq!(verified.certificate_serial().as_str(), issued.serial_number);
        assert_eq!(verified.not_before(), utc(2025, 1, 1));
        assert_eq!(verified.not_after(), utc(2026, 1, 1));
    }
    centre.stop().await;
}

async fn a_revoked_certificate_is_revoked_from_its_revocation_time_on(
    test_database: &TestDatabase,
) {
    let database = test_database.database.clone();
    let mut centre = RunningCentre::start(database).await;
    let issued = centre.issue(pb::KeyPurpose::Signing).await;
    let revoked_at = utc(2025, 3, 1) + TimeDelta::microseconds(250);

    let before = centre.status_at(&issued.serial_number, revoked_at).await;
    assert_eq!(status_of(&before), pb::CertificateStatus::Good);

    assert_eq!(
        centre.revoke_at(&issued.serial_number, revoked_at).await,
        revoked_at
    );

    let just_before = centre
        .status_at(
            &issued.serial_number,
            revoked_at - TimeDelta::microseconds(1),
        )
        .await;
    assert_eq!(status_of(&just_before), pb::CertificateStatus::Good);
    assert_eq!(just_before.revocation_time, None);
    for at in [revoked_at, revoked_at + TimeDelta::days(30)] {
        let after = centre.status_at(&issued.serial_number, at).await;
        assert_eq!(status_of(&after), pb::CertificateStatus::Revoked);
        assert_eq!(
            after.revocation_time.as_ref().map(instant),
            Some(revoked_at)
        );
        assert!(after.produced_time.is_some());
    }

    // The first revocation stands: revoking again changes nothing.
    assert_eq!(
        centre
            .revoke_at(&issued.serial_number, revoked_at + TimeDelta::days(1))
            .await,
        revoked_at
    );
    // Serials are matched in either case.
    let uppercase = centre
        .status_at(&issued.serial_number.to_uppercase(), revoked_at)
        .await;
    assert_eq!(status_of(&uppercase), pb::CertificateStatus::Revoked);
    centre.stop().await;
}

async fn a_serial_the_centre_never_issued_is_unknown(test_database: &TestDatabase) {
    let database = test_database.database.clone();
    let mut centre = RunningCentre::start(database).await;
    let never_issued = "4a0b0c0d0e0f10111213141516171819";
    let status = centre.status_at(never_issued, utc(2025, 6, 1)).await;
    assert_eq!(status_of(&status), pb::CertificateStatus::Unknown);

    let revoking = centre
        .client
        .revoke_certificate(pb::RevokeCertificateRequest {
            serial_number: never_issued.to_owned(),
            revocation_time: None,
            reason: String::new(),
        })
        .await
        .expect_err("not found");
    assert_eq!(revoking.code(), Code::NotFound);
    centre.stop().await;
}

async fn bad_requests_name_their_fields_and_never_their_values(test_database: &TestDatabase) {
    let database = test_database.database.clone();
    let mut centre = RunningCentre::start(database).await;
    let refused = centre
        .client
        .issue_certificate(pb::IssueCertificateRequest {
            iin: "900101300016".to_owned(),
            common_name: String::new(),
            purpose: pb::KeyPurpose::Unspecified.into(),
            not_before: Some(timestamp(utc(2026, 1, 1))),
            not_after: Some(timestamp(utc(2025, 1, 1))),
        })
        .await
        .expect_err("invalid");
    assert_eq!(refused.code(), Code::InvalidArgument);
    let details = refused.get_error_details();
    let fields: Vec<&str> = details
        .bad_request()
        .expect("field violations")
        .field_violations
        .iter()
        .map(|violation| violation.field.as_str())
        .collect();
    assert_eq!(fields, ["iin", "common_name", "purpose", "not_after"]);
    assert!(!format!("{refused:?}").contains("900101300016"));
    assert_eq!(
        details.error_info().map(|info| info.reason.as_str()),
        Some("INVALID_ARGUMENT")
    );

    let bad_serial = centre
        .client
        .check_certificate_status(pb::CheckCertificateStatusRequest {
            serial_number: "serial".to_owned(),
            at_time: None,
        })
        .await
        .expect_err("invalid");
    assert_eq!(bad_serial.code(), Code::InvalidArgument);
    centre.stop().await;
}

async fn centres_opening_at_once_on_an_empty_database_share_one_root(test_database: &TestDatabase) {
    let database = test_database.database.clone();
    let (first, second) = tokio::join!(
        CertificationCentre::open(database.clone()),
        CertificationCentre::open(database.clone()),
    );
    let (first, second) = (first.expect("opens"), second.expect("opens"));
    assert_eq!(first.root_certificate_der(), second.root_certificate_der());
}

housing_storage::storage_test_suite!(
    &MIGRATIONS;
    issued_certificates_carry_their_purpose_and_subject,
    signatures_verify_against_the_root_it_serves,
    a_revoked_certificate_is_revoked_from_its_revocation_time_on,
    a_serial_the_centre_never_issued_is_unknown,
    bad_requests_name_their_fields_and_never_their_values,
    centres_opening_at_once_on_an_empty_database_share_one_root,
    a_restart_keeps_the_root_and_the_statuses,
);

/// Stops the centre, closes the pool, connects to the same database again
/// and starts a new centre: the root, the certificates and the revocations
/// are still there (the URL of the `TestDatabase` reconnects to it).
async fn a_restart_keeps_the_root_and_the_statuses(test_database: &TestDatabase) {
    let mut before_restart = RunningCentre::start(test_database.database.clone()).await;
    let root = before_restart.root().await;
    let revoked = before_restart.issue(pb::KeyPurpose::Signing).await;
    let kept_good = before_restart.issue(pb::KeyPurpose::Authentication).await;
    let revoked_at = utc(2025, 3, 1);
    before_restart
        .revoke_at(&revoked.serial_number, revoked_at)
        .await;
    before_restart.stop().await;
    test_database.database.close().await;

    let reconnected = Database::connect(&test_database.url, &MIGRATIONS, &PoolSettings::default())
        .await
        .expect("the same database again");
    let mut after_restart = RunningCentre::start(reconnected.clone()).await;
    assert_eq!(after_restart.root().await, root);
    let at = utc(2025, 6, 1);
    assert_eq!(
        status_of(&after_restart.status_at(&revoked.serial_number, at).await),
        pb::CertificateStatus::Revoked
    );
    assert_eq!(
        status_of(&after_restart.status_at(&kept_good.serial_number, at).await),
        pb::CertificateStatus::Good
    );
    after_restart.stop().await;
    reconnected.close().await;
}
