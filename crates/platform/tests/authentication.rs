//! The authentication layer's parsing of what a caller presents, over
//! arbitrary input: whatever the `authorization` header holds, the layer
//! answers with an error that never repeats it, or with the caller the
//! credential proves, and never panics. A token or signature changed in any
//! byte is refused.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use chrono::{TimeDelta, Utc};
use housing_domain::Iin;
use housing_eds::rand_core::OsRng;
use housing_eds::{KeyPurpose, PersonCertificateRequest, TestCertificateAuthority};
use housing_platform::caller::Role;
use housing_platform::clock::SystemClock;
use housing_platform::dev_pki::DevPki;
use housing_platform::security::authentication::{
    authenticate, eds_authorization, eds_staff_authorization, system_name,
};
use housing_platform::security::revocation::RevocationChecker;
use housing_platform::security::staff::StaffRoster;
use housing_platform::security::{MutualTls, Security, StaffAccess};
use housing_platform::tokens::{DEFAULT_ISSUER, TokenIssuer, TokenVerifier};
use housing_proto::housing::registry::v1::certification_centre_service_client::CertificationCentreServiceClient;
use proptest::prelude::*;
use tonic::metadata::{MetadataMap, MetadataValue};

struct Fixture {
    security: Security,
    system_der: Vec<u8>,
    token: String,
    eds: String,
    eds_staff: String,
    runtime: tokio::runtime::Runtime,
    /// Holds the watched roster's file.
    _files: tempfile::TempDir,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        let pki = DevPki::generate("property CA", &["application-intake"]).expect("a PKI");
        let system = pki.system("application-intake").expect("a certificate");
        let files = tempfile::tempdir().expect("a directory");
        let roster = files.path().join("roster.txt");
        // The fixture's person is also a rostered operator.
        std::fs::write(&roster, "operator operator-eds-1 900101300017\n").expect("written");
        let security = Security::mutual_tls(
            system.certificate_pem.as_bytes(),
            system.private_key_pem.as_bytes(),
            pki.ca_pem.as_bytes(),
            StaffAccess {
                tokens: Some(
                    TokenVerifier::new(pki.token_public_key_pem.as_bytes(), DEFAULT_ISSUER)
                        .expect("a verifier"),
                ),
                roster: Some(StaffRoster::watch(roster).expect("a roster")),
                withdrawn: None,
            },
            Arc::new(SystemClock),
        );
        let now = Utc::now();
        let authority = TestCertificateAuthority::generate(
            "property NCA",
            now - TimeDelta::days(1),
            now + TimeDelta::days(3650),
            &mut OsRng,
        )
        .expect("a root");
        let person = authority
            .issue(
                &PersonCertificateRequest {
                    holder_iin: Iin::parse("900101300017").expect("a valid IIN"),
                    common_name: "PROPERTY".to_owned(),
                    purpose: KeyPurpose::Authentication,
                    not_before: now - TimeDelta::days(1),
                    not_after: now + TimeDelta::days(365),
                },
                &mut OsRng,
            )
            .expect("a certificate");
        // A centre nobody answers at: the properties never get as far as
        // asking it, because no changed signature verifies.
        let centre = {
            let _guard = runtime.enter();
            CertificationCentreServiceClient::new(
                tonic::transport::Endpoint::from_static("http://127.0.0.1:9").connect_lazy(),
            )
        };
        security.trust_citizen_eds(
            authority.trust_anchors().clone(),
            None,
            RevocationChecker::new(centre, "property", Duration::from_millis(100)),
        );
        let token = TokenIssuer::new(pki.token_signing_key_pem.as_bytes(), DEFAULT_ISSUER)
            .expect("an issuer")
            .issue(Role::Auditor, "auditor-1", Duration::from_secs(3600))
            .expect("a token");
        let eds = eds_authorization(&person.certificate_der, &person.private_key_pkcs8_der, now)
            .expect("a signature");
        let eds_staff =
            eds_staff_authorization(&person.certificate_der, &person.private_key_pkcs8_der, now)
                .expect("a signature");
        Fixture {
            security,
            system_der: system.certificate_der.clone(),
            token,
            eds,
            eds_staff,
            runtime,
            _files: files,
        }
    })
}

fn tls(fixture: &Fixture) -> &MutualTls {
    match &fixture.security {
        Security::MutualTls(tls) => tls,
        Security::InsecureLoopback => unreachable!("the mutual-TLS mode"),
    }
}

fn with_authorization(value: &str) -> Option<MetadataMap> {
    let value: MetadataValue<_> = value.parse().ok()?;
    let mut metadata = MetadataMap::new();
    metadata.insert("authorization", value);
    Some(metadata)
}

#[test]
fn the_fixture_s_credentials_prove_their_callers() {
    let fixture = fixture();
    assert_eq!(
        system_name(&fixture.system_der).as_deref(),
        Some("application-intake")
    );
    let staff = fixture
        .runtime
        .block_on(authenticate(
            tls(fixture),
            Some(&fixture.system_der),
            &with_authorization(&format!("Bearer {}", fixture.token)).expect("ascii"),
        ))
        .expect("a valid token");
    assert_eq!((staff.role(), staff.id()), (Role::Auditor, "auditor-1"));
}

fn refusal(fixture: &Fixture, header: &str) -> String {
    let outcome = fixture.runtime.block_on(authenticate(
        tls(fixture),
        Some(&fixture.system_der),
        &with_authorization(header).expect("ascii"),
    ));
    let error = outcome.expect_err("refused");
    let status = tonic::Status::from(error);
    assert_eq!(status.code(), tonic::Code::Unauthenticated, "{status:?}");
    status.message().to_owned()
}

#[test]
fn a_citizen_s_and_a_staff_member_s_eds_signatures_do_not_stand_in_for_each_other() {
    let fixture = fixture();
    // The same person, the same key: what they signed decides the capacity,
    // and the signature of the one statement is no signature of the other.
    let citizen_as_staff = fixture.eds.replacen("EDS ", "EDS-Staff ", 1);
    let message = refusal(fixture, &citizen_as_staff);
    assert!(message.contains("EDS signature"), "{message}");
    let staff_as_citizen = fixture.eds_staff.replacen("EDS-Staff ", "EDS ", 1);
    let message = refusal(fixture, &staff_as_citizen);
    assert!(message.contains("EDS signature"), "{message}");
    let message = refusal(fixture, "Basic b3BlcmF0b3I6c2VjcmV0");
    assert!(message.contains("EDS-Staff"), "{message}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn any_header_is_refused_without_echo_or_proves_a_caller(text in "\\PC{0,300}") {
        let fixture = fixture();
        if let Some(metadata) = with_authorization(&text) {
            let outcome = fixture
                .runtime
                .block_on(authenticate(tls(fixture), Some(&fixture.system_der), &metadata));
            if let Err(error) = outcome {
                let message = error.to_string();
                let trimmed = text.trim();
                prop_assert!(
                    trimmed.len() < 8 || !message.contains(trimmed),
                    "the refusal repeats the credential: {message}"
                );
            }
        }
    }

    #[test]
    fn a_token_changed_in_one_byte_is_refused(position in 0_usize..10_000, byte in 0_u8..128) {
        let fixture = fixture();
        let mut token = fixture.token.clone().into_bytes();
        let position = position % token.len();
        prop_assume!(token[position] != byte);
        token[position] = byte;
        let Ok(token) = String::from_utf8(token) else { return Ok(()); };
        if let Some(metadata) = with_authorization(&format!("Bearer {token}")) {
            let outcome = fixture
                .runtime
                .block_on(authenticate(tls(fixture), Some(&fixture.system_der), &metadata));
            // A change in base64 padding bits may decode to the same bytes:
            // then it is the same token, and may pass as the same auditor.
            if let Ok(caller) = outcome {
                prop_assert_eq!((caller.role(), caller.id()), (Role::Auditor, "auditor-1"));
            }
        }
    }

    #[test]
    fn an_eds_signature_changed_in_one_byte_never_proves_anyone_else(
        staff in any::<bool>(),
        position in 0_usize..10_000,
        byte in 0_u8..128,
    ) {
        let fixture = fixture();
        let header = if staff { &fixture.eds_staff } else { &fixture.eds };
        let mut header = header.clone().into_bytes();
        // Past the scheme ("EDS " or "EDS-Staff "): the signature's base64.
        let scheme = header.iter().position(|&byte| byte == b' ').expect("a scheme") + 1;
        let position = scheme + position % (header.len() - scheme);
        prop_assume!(header[position] != byte);
        header[position] = byte;
        let Ok(header) = String::from_utf8(header) else { return Ok(()); };
        if let Some(metadata) = with_authorization(&header) {
            let outcome = fixture
                .runtime
                .block_on(authenticate(tls(fixture), Some(&fixture.system_der), &metadata));
            // Only an unchanged signature verifies, and then the revocation
            // check (a centre that does not answer) refuses with UNAVAILABLE.
            if let Ok(caller) = outcome {
                prop_assert!(false, "a changed signature proved {:?}", caller.role());
            }
        }
    }
}
