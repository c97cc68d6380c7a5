//! The test PKI: a real registry-gateway (its certification centre) running
//! for the whole test binary, and the certificates the tests sign with.
//!
//! RSA key generation is the slow part (docs/test-pki.md), so the gateway and
//! every certificate are made once, on a runtime of their own that outlives
//! each test's runtime, and shared.

use std::net::SocketAddr;
use std::sync::LazyLock;

use chrono::{DateTime, TimeZone, Utc};
use housing_domain::Iin;
use housing_eds::rand_core::OsRng;
use housing_eds::{KeyPurpose, PersonCertificateRequest, TestCertificateAuthority};
use housing_proto::housing::registry::v1 as registry;
use registry::certification_centre_service_client::CertificationCentreServiceClient;

use super::iins;

/// A person's certificate and private key.
#[derive(Debug, Clone)]
pub struct Signer {
    /// DER X.509.
    pub certificate_der: Vec<u8>,
    /// DER PKCS#8.
    pub private_key_der: Vec<u8>,
}

impl Signer {
    /// A detached CMS signature over `content` at `signing_time`.
    pub fn sign(&self, content: &[u8], signing_time: DateTime<Utc>) -> Vec<u8> {
        housing_eds::sign_detached(
            content,
            &self.certificate_der,
            &self.private_key_der,
            signing_time,
        )
        .expect("the test key signs")
    }
}

/// The running centre and the certificates it issued.
#[derive(Debug)]
pub struct Pki {
    /// The gateway's address, `http://…`.
    pub centre_address: String,
    /// The applicant's signing key.
    pub applicant: Signer,
    /// The applicant's authentication key.
    pub applicant_authentication: Signer,
    /// The applicant's signing key, expired at the end of 2024.
    pub applicant_expired: Signer,
    /// The applicant's signing key, revoked on 1 January 2026.
    pub applicant_revoked: Signer,
    /// The applicant's signing key from a root nobody trusts.
    pub applicant_other_root: Signer,
    /// The representative's signing key.
    pub representative: Signer,
    /// A third person's signing key.
    pub stranger: Signer,
}

/// The instant the revoked certificate was revoked.
pub fn revocation_time() -> DateTime<Utc> {
    utc(2026, 1, 1)
}

fn utc(year: i32, month: u32, day: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(year, month, day, 0, 0, 0)
        .single()
        .expect("a valid instant")
}

fn timestamp(instant: DateTime<Utc>) -> prost_types::Timestamp {
    prost_types::Timestamp {
        seconds: instant.timestamp(),
        nanos: 0,
    }
}

/// The shared PKI, started on first use.
pub static PKI: LazyLock<Pki> = LazyLock::new(|| {
    let (ready, started) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name("test-pki".to_owned())
        .spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .enable_all()
                .build()
                .expect("a runtime for the test PKI");
            runtime.block_on(async move {
                let (address, directory) = start_gateway().await;
                let pki = issue_certificates(address).await;
                ready.send(pki).expect("the tests wait for the PKI");
                // Serve for as long as the test binary runs; the directory
                // holding the gateway's database lives as long.
                let _keep = directory;
                std::future::pending::<()>().await;
            });
        })
        .expect("the test PKI thread starts");
    started.recv().expect("the test PKI starts")
});

async fn start_gateway() -> (SocketAddr, tempfile::TempDir) {
    let directory = tempfile::tempdir().expect("a directory for the gateway's database");
    let url = housing_storage::sqlite_url(&directory.path().join("gateway.db"));
    let settings = registry_gateway::Settings::from_variables(
        housing_platform::security::insecure_loopback([
            ("HOUSING_LISTEN_ADDRESS", "127.0.0.1:0"),
            ("HOUSING_REGISTRY_DATABASE_URL", url.as_str()),
            ("HOUSING_REGISTRY_FIXTURES", "none"),
        ]),
    )
    .expect("gateway settings");
    let gateway = registry_gateway::Application::build(settings)
        .await
        .expect("the gateway builds");
    let address = gateway.address();
    tokio::spawn(gateway.run_until_stopped(std::future::pending::<()>()));
    (address, directory)
}

async fn issue_certificates(address: SocketAddr) -> Pki {
    let centre_address = format!("http://{address}");
    let mut centre = CertificationCentreServiceClient::connect(centre_address.clone())
        .await
        .expect("the centre answers");
    let mut issue =
        async |iin: &str, purpose: registry::KeyPurpose, from: DateTime<Utc>, to: DateTime<Utc>| {
            let issued = centre
                .issue_certificate(registry::IssueCertificateRequest {
                    iin: iin.to_owned(),
                    common_name: "ТЕСТОВ ТЕСТ".to_owned(),
                    purpose: purpose as i32,
                    not_before: Some(timestamp(from)),
                    not_after: Some(timestamp(to)),
                })
                .await
                .expect("the centre issues")
                .into_inner();
            (
                Signer {
                    certificate_der: issued.certificate_der,
                    private_key_der: issued.private_key_pkcs8_der,
                },
                issued.serial_number,
            )
        };
    let signing = registry::KeyPurpose::Signing;
    let (applicant, _) = issue(iins::APPLICANT, signing, utc(2025, 6, 1), utc(2027, 6, 1)).await;
    let (applicant_authentication, _) = issue(
        iins::APPLICANT,
        registry::KeyPurpose::Authentication,
        utc(2025, 6, 1),
        utc(2027, 6, 1),
    )
    .await;
    let (applicant_expired, _) =
        issue(iins::APPLICANT, signing, utc(2024, 1, 1), utc(2025, 1, 1)).await;
    let (applicant_revoked, revoked_serial) =
        issue(iins::APPLICANT, signing, utc(2025, 6, 1), utc(2027, 6, 1)).await;
    let (representative, _) = issue(
        iins::REPRESENTATIVE,
        signing,
        utc(2025, 6, 1),
        utc(2027, 6, 1),
    )
    .await;
    let (stranger, _) = issue(iins::STRANGER, signing, utc(2025, 6, 1), utc(2027, 6, 1)).await;
    centre
        .revoke_certificate(registry::RevokeCertificateRequest {
            serial_number: revoked_serial,
            revocation_time: Some(timestamp(revocation_time())),
            reason: "key compromise (test)".to_owned(),
        })
        .await
        .expect("the centre revokes");
    let applicant_other_root = tokio::task::spawn_blocking(other_root_signer)
        .await
        .expect("the other root issues");
    Pki {
        centre_address,
        applicant,
        applicant_authentication,
        applicant_expired,
        applicant_revoked,
        applicant_other_root,
        representative,
        stranger,
    }
}

/// A signing certificate for the applicant from a root the service does not trust.
fn other_root_signer() -> Signer {
    let authority = TestCertificateAuthority::generate(
        "Some other certification centre",
        utc(2020, 1, 1),
        utc(2030, 1, 1),
        &mut OsRng,
    )
    .expect("another root");
    let issued = authority
        .issue(
            &PersonCertificateRequest {
                holder_iin: Iin::parse(iins::APPLICANT).expect("a valid IIN"),
                common_name: "ТЕСТОВ ТЕСТ".to_owned(),
                purpose: KeyPurpose::Signing,
                not_before: utc(2025, 6, 1),
                not_after: utc(2027, 6, 1),
            },
            &mut OsRng,
        )
        .expect("a certificate from the other root");
    Signer {
        certificate_der: issued.certificate_der,
        private_key_der: issued.private_key_pkcs8_der.to_vec(),
    }
}
