//! What establishing the caller costs per call in the mutual-TLS mode, on
//! top of the TLS connection itself: reading a system's name from its client
//! certificate; checking a staff token (Ed25519) against the verifier and,
//! as deployed, the withdrawal list (the authentication layer's
//! `authenticate`); checking a citizen's EDS authentication signature
//! (RSA-2048, CMS) and a rostered member of staff's, with the watched roster's
//! look at its file and lookup
//! (`verify_eds_authentication`; then one question to the certification
//! centre per certificate a minute, `security::revocation`).

use std::sync::Arc;
use std::time::Duration;

use chrono::{TimeDelta, Utc};
use housing_domain::Iin;
use housing_eds::rand_core::OsRng;
use housing_eds::{KeyPurpose, PersonCertificateRequest, TestCertificateAuthority};
use housing_platform::caller::Role;
use housing_platform::clock::SystemClock;
use housing_platform::dev_pki::DevPki;
use housing_platform::security::EDS_AUTHENTICATION_STATEMENT;
use housing_platform::security::Security;
use housing_platform::security::authentication::{
    authenticate, eds_authorization, eds_staff_authorization, verify_eds_authentication,
};
use housing_platform::security::staff::{EDS_STAFF_AUTHENTICATION_STATEMENT, StaffRoster};
use housing_platform::security::watched::WatchedFile;
use housing_platform::security::withdrawn::WithdrawnStaff;
use housing_platform::tokens::{DEFAULT_ISSUER, TokenIssuer, TokenVerifier};
use tonic::metadata::MetadataMap;

fn main() {
    divan::main();
}

struct Fixture {
    security: Security,
    anchors: housing_eds::TrustAnchors,
    system_certificate_der: Vec<u8>,
    staff: MetadataMap,
    citizen: MetadataMap,
    staff_eds: String,
    roster: WatchedFile<StaffRoster>,
    /// Holds the roster and the withdrawal list for as long as they are watched.
    _files: tempfile::TempDir,
}

fn fixture() -> Fixture {
    let pki = DevPki::generate("bench CA", &["application-intake"]).expect("a PKI");
    let system = pki.system("application-intake").expect("a certificate");
    let files = tempfile::tempdir().expect("a directory");
    std::fs::write(files.path().join("withdrawn.txt"), "operator-9\n").expect("written");
    std::fs::write(
        files.path().join("roster.txt"),
        "operator operator-eds-1 900101300017\n",
    )
    .expect("written");
    let tokens = TokenVerifier::new(pki.token_public_key_pem.as_bytes(), DEFAULT_ISSUER)
        .expect("a verifier");
    let security = Security::mutual_tls(
        system.certificate_pem.as_bytes(),
        system.private_key_pem.as_bytes(),
        pki.ca_pem.as_bytes(),
        housing_platform::security::StaffAccess {
            tokens: Some(tokens),
            roster: None,
            // As deployed: every staff authentication looks at the list's file.
            withdrawn: Some(
                WithdrawnStaff::load(files.path().join("withdrawn.txt")).expect("the list"),
            ),
        },
        Arc::new(SystemClock),
    );
    let now = Utc::now();
    let authority = TestCertificateAuthority::generate(
        "bench NCA",
        now - TimeDelta::days(1),
        now + TimeDelta::days(3650),
        &mut OsRng,
    )
    .expect("a root");
    let person = authority
        .issue(
            &PersonCertificateRequest {
                holder_iin: Iin::parse("900101300017").expect("a valid IIN"),
                common_name: "BENCHMARK".to_owned(),
                purpose: KeyPurpose::Authentication,
                not_before: now - TimeDelta::days(1),
                not_after: now + TimeDelta::days(365),
            },
            &mut OsRng,
        )
        .expect("a certificate");

    let token = TokenIssuer::new(pki.token_signing_key_pem.as_bytes(), DEFAULT_ISSUER)
        .expect("an issuer")
        .issue(Role::Operator, "operator-1", Duration::from_secs(3600))
        .expect("a token");
    let mut staff = MetadataMap::new();
    staff.insert(
        "authorization",
        format!("Bearer {token}").parse().expect("ascii"),
    );
    let mut citizen = MetadataMap::new();
    citizen.insert(
        "authorization",
        eds_authorization(&person.certificate_der, &person.private_key_pkcs8_der, now)
            .expect("a signature")
            .parse()
            .expect("ascii"),
    );
    let staff_eds =
        eds_staff_authorization(&person.certificate_der, &person.private_key_pkcs8_der, now)
            .expect("a signature")
            .strip_prefix("EDS-Staff ")
            .expect("the scheme")
            .to_owned();
    // As deployed: the roster is a watched file, looked at on every sign-in.
    let roster = StaffRoster::watch(files.path().join("roster.txt")).expect("a roster");
    let system_certificate_der = system.certificate_der.clone();
    Fixture {
        security,
        anchors: authority.trust_anchors().clone(),
        system_certificate_der,
        staff,
        citizen,
        staff_eds,
        roster,
        _files: files,
    }
}

fn run(bencher: divan::Bencher, pick: fn(&Fixture) -> &MetadataMap) {
    let fixture = fixture();
    let Security::MutualTls(tls) = &fixture.security else {
        unreachable!("the mutual-TLS mode");
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a runtime");
    let metadata = pick(&fixture);
    // Checked once outside the loop: the benchmark measures success.
    runtime
        .block_on(authenticate(
            tls,
            Some(&fixture.system_certificate_der),
            metadata,
        ))
        .expect("authenticated");
    bencher.bench_local(|| {
        runtime.block_on(authenticate(
            tls,
            Some(divan::black_box(&fixture.system_certificate_der)),
            divan::black_box(metadata),
        ))
    });
}

#[divan::bench]
fn system_by_certificate(bencher: divan::Bencher) {
    static EMPTY: std::sync::OnceLock<MetadataMap> = std::sync::OnceLock::new();
    let _ = EMPTY.set(MetadataMap::new());
    run(bencher, |_| EMPTY.get().expect("set"));
}

#[divan::bench]
fn staff_by_token(bencher: divan::Bencher) {
    run(bencher, |fixture| &fixture.staff);
}

#[divan::bench]
fn citizen_by_eds(bencher: divan::Bencher) {
    let fixture = fixture();
    let header = fixture
        .citizen
        .get("authorization")
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("EDS "))
        .expect("an EDS header")
        .to_owned();
    let now = Utc::now();
    verify_eds_authentication(EDS_AUTHENTICATION_STATEMENT, &fixture.anchors, &header, now)
        .expect("verified");
    bencher.bench_local(|| {
        verify_eds_authentication(
            EDS_AUTHENTICATION_STATEMENT,
            divan::black_box(&fixture.anchors),
            divan::black_box(&header),
            now,
        )
    });
}

#[divan::bench]
fn staff_by_eds_and_roster(bencher: divan::Bencher) {
    let fixture = fixture();
    let now = Utc::now();
    let member = |fixture: &Fixture| {
        verify_eds_authentication(
            EDS_STAFF_AUTHENTICATION_STATEMENT,
            &fixture.anchors,
            &fixture.staff_eds,
            now,
        )
        .ok()
        .and_then(|verified| fixture.roster.current().member(&verified.signer_iin()))
    };
    assert!(member(&fixture).is_some(), "the rostered operator");
    bencher.bench_local(|| member(divan::black_box(&fixture)));
}
