//! Bodies of the fuzz targets `authorization` and `staff_roster` in `fuzz/`
//! (cargo fuzz, on nightly), and the fixture they share with the
//! authentication layer's property tests. They live here so that stable
//! property tests (`tests/fuzz_bodies.rs`, `tests/authentication.rs`) run the
//! very same code over random inputs, and a target cannot rot unnoticed.

use std::collections::HashSet;
use std::sync::{Arc, LazyLock};
use std::time::Duration;

use chrono::{TimeDelta, Utc};
use housing_domain::Iin;
use housing_eds::rand_core::OsRng;
use housing_eds::{KeyPurpose, PersonCertificateRequest, TestCertificateAuthority};
use housing_proto::housing::registry::v1::certification_centre_service_client::CertificationCentreServiceClient;
use tonic::metadata::{MetadataMap, MetadataValue};

use crate::caller::{Caller, Role};
use crate::clock::SystemClock;
use crate::dev_pki::DevPki;
use crate::security::authentication::{authenticate, eds_authorization, eds_staff_authorization};
use crate::security::revocation::RevocationChecker;
use crate::security::staff::StaffRoster;
use crate::security::{MutualTls, Security, StaffAccess};
use crate::tokens::{DEFAULT_ISSUER, TOKEN_ROLES, TokenIssuer, TokenVerifier};

/// The IIN of the fixture's person: a citizen, and a rostered operator.
pub const FIXTURE_IIN: &str = "900101300017";

/// A service in the mutual-TLS mode, and one valid credential of each kind:
/// generated once per process (key generation is the slow part).
#[derive(Debug)]
pub struct AuthenticationFixture {
    /// The service's security: tokens of the fixture's key, the fixture's
    /// person on the roster as `operator-eds-1`, citizens' EDS of the
    /// fixture's NCA, and a certification centre nobody answers at, so an
    /// EDS signature that verifies is refused as UNAVAILABLE at that step.
    pub security: Security,
    /// A client certificate of the service's CA (`application-intake`).
    pub system_der: Vec<u8>,
    /// `Bearer <token>` of auditor `auditor-1`.
    pub token: String,
    /// `EDS <signature>` of the fixture's person.
    pub eds: String,
    /// `EDS-Staff <signature>` of the fixture's person.
    pub eds_staff: String,
    /// Runs the authentication layer.
    pub runtime: tokio::runtime::Runtime,
}

impl AuthenticationFixture {
    /// The mutual-TLS material.
    pub fn tls(&self) -> &MutualTls {
        match &self.security {
            Security::MutualTls(tls) => tls,
            Security::InsecureLoopback => unreachable!("the mutual-TLS mode"),
        }
    }

    /// Authenticates a call whose `authorization` header is `header`; `None`
    /// when `header` cannot be a header value at all.
    pub fn authenticate(&self, header: &str) -> Option<Result<Caller, tonic::Status>> {
        let value: MetadataValue<_> = header.parse().ok()?;
        let mut metadata = MetadataMap::new();
        metadata.insert("authorization", value);
        Some(
            self.runtime
                .block_on(authenticate(self.tls(), Some(&self.system_der), &metadata))
                .map_err(tonic::Status::from),
        )
    }
}

/// The fixture, built on first use.
pub fn authentication_fixture() -> &'static AuthenticationFixture {
    static FIXTURE: LazyLock<AuthenticationFixture> = LazyLock::new(build_fixture);
    &FIXTURE
}

fn build_fixture() -> AuthenticationFixture {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let pki = DevPki::generate("fuzzing CA", &["application-intake"]).expect("a PKI");
    let system = pki.system("application-intake").expect("a certificate");
    // The roster is a watched file, as deployed. Once read it is removed, so
    // no run leaves files behind; a watched file that has gone keeps the
    // roster read last.
    let roster_file =
        std::env::temp_dir().join(format!("housing-fuzzing-roster-{}.txt", std::process::id()));
    std::fs::write(
        &roster_file,
        format!("operator operator-eds-1 {FIXTURE_IIN}\n"),
    )
    .expect("the roster written");
    let roster = StaffRoster::watch(&roster_file).expect("a roster");
    let _ = std::fs::remove_file(&roster_file);
    let security = Security::mutual_tls(
        system.certificate_pem.as_bytes(),
        system.private_key_pem.as_bytes(),
        pki.ca_pem.as_bytes(),
        StaffAccess {
            tokens: Some(
                TokenVerifier::new(pki.token_public_key_pem.as_bytes(), DEFAULT_ISSUER)
                    .expect("a verifier"),
            ),
            roster: Some(roster),
            withdrawn: None,
        },
        Arc::new(SystemClock),
    );
    let now = Utc::now();
    let authority = TestCertificateAuthority::generate(
        "fuzzing NCA",
        now - TimeDelta::days(1),
        now + TimeDelta::days(3650),
        &mut OsRng,
    )
    .expect("a root");
    let person = authority
        .issue(
            &PersonCertificateRequest {
                holder_iin: Iin::parse(FIXTURE_IIN).expect("a valid IIN"),
                common_name: "FUZZING".to_owned(),
                purpose: KeyPurpose::Authentication,
                not_before: now - TimeDelta::days(1),
                not_after: now + TimeDelta::days(365),
            },
            &mut OsRng,
        )
        .expect("a certificate");
    let centre = {
        let _guard = runtime.enter();
        CertificationCentreServiceClient::new(
            tonic::transport::Endpoint::from_static("http://127.0.0.1:9").connect_lazy(),
        )
    };
    security.trust_citizen_eds(
        authority.trust_anchors().clone(),
        None,
        RevocationChecker::new(centre, "fuzzing", Duration::from_millis(100)),
    );
    let token = TokenIssuer::new(pki.token_signing_key_pem.as_bytes(), DEFAULT_ISSUER)
        .expect("an issuer")
        .issue(Role::Auditor, "auditor-1", Duration::from_secs(3600))
        .expect("a token");
    AuthenticationFixture {
        security,
        system_der: system.certificate_der.clone(),
        token: format!("Bearer {token}"),
        eds: eds_authorization(&person.certificate_der, &person.private_key_pkcs8_der, now)
            .expect("a signature"),
        eds_staff: eds_staff_authorization(
            &person.certificate_der,
            &person.private_key_pkcs8_der,
            now,
        )
        .expect("a signature"),
        runtime,
    }
}

/// The authentication layer on an `authorization` header made of arbitrary
/// bytes. The first byte chooses how the rest is read:
///
/// * even: the header's text itself;
/// * odd: edits of one of the fixture's valid credentials (the second byte
///   chooses the token, the citizen's EDS or the staff EDS; then three bytes
///   per edit: a position, two bytes big-endian, and a value to XOR there).
///
/// Whatever the header, the layer never panics; a refusal never repeats a
/// credential-like part of the header (16 characters or more); and only the
/// fixture's unchanged token proves a caller, `auditor-1` (an EDS signature
/// that still verifies is refused as UNAVAILABLE by the centre nobody
/// answers at). Returns whether a caller was proven.
pub fn authorization(data: &[u8]) -> bool {
    let fixture = authentication_fixture();
    let Some((&mode, rest)) = data.split_first() else {
        return false;
    };
    let header = if mode % 2 == 0 {
        String::from_utf8_lossy(rest).into_owned()
    } else {
        let Some((&which, edits)) = rest.split_first() else {
            return false;
        };
        let mut header = match which % 3 {
            0 => fixture.token.clone(),
            1 => fixture.eds.clone(),
            _ => fixture.eds_staff.clone(),
        }
        .into_bytes();
        for edit in edits.chunks_exact(3) {
            let position = usize::from(u16::from_be_bytes([edit[0], edit[1]])) % header.len();
            header[position] ^= edit[2];
        }
        String::from_utf8_lossy(&header).into_owned()
    };
    let Some(outcome) = fixture.authenticate(&header) else {
        return false;
    };
    match outcome {
        Ok(caller) => {
            assert_eq!(
                (caller.role(), caller.id()),
                (Role::Auditor, "auditor-1"),
                "only the fixture's token proves a caller"
            );
            true
        }
        Err(status) => {
            // No credential-like run of the message (16 characters or more
            // of base64, base64url or a token's alphabet; the refusals'
            // words are shorter) comes from the header.
            for run in status
                .message()
                .split(|character: char| {
                    !(character.is_ascii_alphanumeric() || "+/=_.-".contains(character))
                })
                .filter(|run| run.len() >= 16)
            {
                assert!(!header.contains(run), "the refusal repeats the header");
            }
            assert!(
                matches!(
                    status.code(),
                    tonic::Code::Unauthenticated | tonic::Code::Unavailable
                ),
                "{:?}",
                status.code()
            );
            false
        }
    }
}

/// [`StaffRoster::parse`] on arbitrary text. An accepted roster has at most
/// one member per line with content, each in a staff role, no staff id twice,
/// and every line's IIN a valid one; a refusal names a line of the text and
/// never repeats an IIN (a run of digits) from it. Returns whether the roster
/// was accepted.
pub fn staff_roster(data: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(data) else {
        return false;
    };
    match StaffRoster::parse(text) {
        Ok(roster) => {
            let lines: Vec<Vec<&str>> = text
                .lines()
                .map(|line| line.split('#').next().unwrap_or_default())
                .map(|content| content.split_whitespace().collect::<Vec<_>>())
                .filter(|fields| !fields.is_empty())
                .collect();
            assert_eq!(roster.len(), lines.len(), "one member per line");
            let mut ids = HashSet::new();
            for fields in &lines {
                let [_, id, iin] = fields[..] else {
                    panic!("an accepted line has three fields");
                };
                let iin = Iin::parse(iin).expect("an accepted IIN is valid");
                let member = roster.member(&iin).expect("the line's IIN is a member");
                assert_eq!(member.id(), id);
                assert!(TOKEN_ROLES.contains(&member.role()));
                assert!(ids.insert(id), "a staff id twice");
            }
            true
        }
        Err(error) => {
            assert!(error.line >= 1 && error.line <= text.lines().count());
            // An IIN of the text never shows: no run of six digits or more.
            let shown = error.to_string();
            for digits in text
                .split(|character: char| !character.is_ascii_digit())
                .filter(|digits| digits.len() >= 6)
            {
                assert!(!shown.contains(digits), "the refusal repeats the roster");
            }
            false
        }
    }
}
