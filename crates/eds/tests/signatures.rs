//! Signing and verifying application forms the way the suite does: a root of
//! the test PKI issues persons' certificates, a person signs a form, intake
//! verifies it against the root.

use std::sync::LazyLock;

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use housing_domain::Iin;
use housing_domain::eligibility::eds::{KeyUsage, RevocationStatus};
use housing_eds::rand_core::OsRng;
use housing_eds::{
    CertificateAuthorityError, EdsError, IssuedCertificate, KeyPurpose, PersonCertificateRequest,
    SigningError, TestCertificateAuthority, TrustAnchorError, TrustAnchors, sign_detached,
    verify_detached,
};
use proptest::prelude::*;
use sha2::{Digest, Sha256};

const APPLICANT_IIN: &str = "900101300017";
const OTHER_PERSON_IIN: &str = "850505400127";
const FORM: &[u8] = b"ApplicationForm { applicant: 900101300017, track: TRACK_NO_HOUSING }";

fn utc(year: i32, month: u32, day: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(year, month, day, 0, 0, 0)
        .single()
        .expect("a valid instant")
}

fn iin(text: &str) -> Iin {
    Iin::parse(text).expect("a valid IIN")
}

/// 2025-06-01 10:00 UTC: inside every person certificate below.
fn signing_time() -> DateTime<Utc> {
    utc(2025, 6, 1) + TimeDelta::hours(10)
}

struct Pki {
    root: TestCertificateAuthority,
    other_root: TestCertificateAuthority,
    signing: IssuedCertificate,
    authentication: IssuedCertificate,
    from_other_root: IssuedCertificate,
}

fn person(
    authority: &TestCertificateAuthority,
    holder: &str,
    purpose: KeyPurpose,
) -> IssuedCertificate {
    authority
        .issue(
            &PersonCertificateRequest {
                holder_iin: iin(holder),
                common_name: "ТЕСТОВ ТЕСТ ТЕСТОВИЧ".to_owned(),
                purpose,
                not_before: utc(2025, 1, 1),
                not_after: utc(2026, 1, 1),
            },
            &mut OsRng,
        )
        .expect("a person certificate")
}

/// Generated once per test binary: key generation is the slow part.
static PKI: LazyLock<Pki> = LazyLock::new(|| {
    let root = TestCertificateAuthority::generate(
        "Test national certification centre",
        utc(2020, 1, 1),
        utc(2040, 1, 1),
        &mut OsRng,
    )
    .expect("a root");
    let other_root = TestCertificateAuthority::generate(
        "Some other centre",
        utc(2020, 1, 1),
        utc(2040, 1, 1),
        &mut OsRng,
    )
    .expect("another root");
    Pki {
        signing: person(&root, APPLICANT_IIN, KeyPurpose::Signing),
        authentication: person(&root, APPLICANT_IIN, KeyPurpose::Authentication),
        from_other_root: person(&other_root, APPLICANT_IIN, KeyPurpose::Signing),
        root,
        other_root,
    }
});

fn sign(content: &[u8], person: &IssuedCertificate, at: DateTime<Utc>) -> Vec<u8> {
    sign_detached(
        content,
        &person.certificate_der,
        &person.private_key_pkcs8_der,
        at,
    )
    .expect("a signature")
}

fn verify_against_root(
    content: &[u8],
    signature: &[u8],
    received_at: DateTime<Utc>,
) -> Result<housing_eds::VerifiedSignature, EdsError> {
    verify_detached(content, signature, PKI.root.trust_anchors(), received_at)
}

#[test]
fn a_signed_form_verifies_and_names_its_signer() {
    let signature = sign(FORM, &PKI.signing, signing_time());
    let verified = verify_against_root(FORM, &signature, signing_time()).expect("verifies");

    assert_eq!(verified.signer_iin(), iin(APPLICANT_IIN));
    assert_eq!(verified.key_purpose(), KeyPurpose::Signing);
    assert_eq!(verified.certificate_serial(), &PKI.signing.serial_number);
    assert_eq!(verified.signing_time(), signing_time());
    assert_eq!(
        verified.content_sha256().as_slice(),
        Sha256::digest(FORM).as_slice()
    );
    assert_eq!(
        verified.content_sha256_hex(),
        hex::encode(Sha256::digest(FORM))
    );
    assert_eq!(verified.not_before(), utc(2025, 1, 1));
    assert_eq!(verified.not_after(), utc(2026, 1, 1));
}

#[test]
fn a_changed_byte_in_the_content_is_a_digest_mismatch() {
    let signature = sign(FORM, &PKI.signing, signing_time());
    let mut changed = FORM.to_vec();
    changed[0] ^= 0x20;
    assert_eq!(
        verify_against_root(&changed, &signature, signing_time()),
        Err(EdsError::DigestMismatch)
    );
}

#[test]
fn an_authentication_key_is_classified_as_authentication() {
    let signature = sign(FORM, &PKI.authentication, signing_time());
    let verified = verify_against_root(FORM, &signature, signing_time()).expect("verifies");
    assert_eq!(verified.key_purpose(), KeyPurpose::Authentication);
    let usage = verified.key_usage();
    assert!(usage.digital_signature && usage.key_encipherment && usage.client_authentication);
    assert!(!usage.non_repudiation);
}

#[test]
fn a_certificate_from_another_root_is_untrusted() {
    let signature = sign(FORM, &PKI.from_other_root, signing_time());
    assert_eq!(
        verify_against_root(FORM, &signature, signing_time()),
        Err(EdsError::UntrustedChain)
    );
}

#[test]
fn every_trusted_root_is_tried() {
    let both_roots = TrustAnchors::from_der_certificates([
        PKI.root.certificate_der(),
        PKI.other_root.certificate_der(),
    ])
    .expect("two roots");
    assert_eq!(both_roots.len(), 2);
    let signature = sign(FORM, &PKI.from_other_root, signing_time());
    assert!(verify_detached(FORM, &signature, &both_roots, signing_time()).is_ok());
}

#[test]
fn signing_before_the_validity_is_refused() {
    let before = utc(2025, 1, 1) - TimeDelta::seconds(1);
    let signature = sign(FORM, &PKI.signing, before);
    assert_eq!(
        verify_against_root(FORM, &signature, signing_time()),
        Err(EdsError::CertificateNotYetValid {
            signing_time: before,
            not_before: utc(2025, 1, 1),
        })
    );
}

#[test]
fn signing_after_the_validity_is_refused() {
    let after = utc(2026, 1, 1) + TimeDelta::seconds(1);
    let signature = sign(FORM, &PKI.signing, after);
    assert_eq!(
        verify_against_root(FORM, &signature, after),
        Err(EdsError::CertificateExpired {
            signing_time: after,
            not_after: utc(2026, 1, 1),
        })
    );
}

#[test]
fn both_ends_of_the_validity_are_inside_it() {
    for at in [utc(2025, 1, 1), utc(2026, 1, 1)] {
        let signature = sign(FORM, &PKI.signing, at);
        assert!(verify_against_root(FORM, &signature, at).is_ok(), "{at}");
    }
}

#[test]
fn the_signer_iin_is_the_holder_of_the_certificate() {
    let other_person = person(&PKI.root, OTHER_PERSON_IIN, KeyPurpose::Signing);
    let signature = sign(FORM, &other_person, signing_time());
    let verified = verify_against_root(FORM, &signature, signing_time()).expect("verifies");
    assert_eq!(verified.signer_iin().as_str(), OTHER_PERSON_IIN);
}

#[test]
fn the_domain_reads_the_signer_certificate_facts() {
    let signing = verify_against_root(
        FORM,
        &sign(FORM, &PKI.signing, signing_time()),
        signing_time(),
    )
    .expect("verifies")
    .signer_certificate(RevocationStatus::Good);
    assert_eq!(signing.subject_iin, iin(APPLICANT_IIN));
    assert_eq!(signing.key_usage, KeyUsage::SIGNING);
    assert_eq!(signing.valid_from, utc(2025, 1, 1));
    assert_eq!(signing.valid_to, utc(2026, 1, 1));
    assert_eq!(signing.revocation, RevocationStatus::Good);
    assert!(signing.chains_to_trusted_root);

    let authentication = verify_against_root(
        FORM,
        &sign(FORM, &PKI.authentication, signing_time()),
        signing_time(),
    )
    .expect("verifies")
    .signer_certificate(RevocationStatus::Revoked);
    assert_eq!(authentication.key_usage, KeyUsage::AUTHENTICATION);
    assert!(!authentication.key_usage.is_signing_key());
    assert_eq!(authentication.revocation, RevocationStatus::Revoked);
}

#[test]
fn signing_with_a_key_that_is_not_the_certificates_fails() {
    let result = sign_detached(
        FORM,
        &PKI.signing.certificate_der,
        &PKI.authentication.private_key_pkcs8_der,
        signing_time(),
    );
    assert!(
        matches!(result, Err(SigningError::KeyDoesNotMatchCertificate)),
        "{result:?}"
    );
}

#[test]
fn a_reloaded_root_issues_certificates_the_original_trusts() {
    let reloaded = TestCertificateAuthority::from_pkcs8_and_certificate(
        PKI.root.private_key_pkcs8_der(),
        PKI.root.certificate_der(),
    )
    .expect("the same root");
    assert_eq!(reloaded.certificate_der(), PKI.root.certificate_der());
    let issued = person(&reloaded, APPLICANT_IIN, KeyPurpose::Signing);
    let signature = sign(FORM, &issued, signing_time());
    assert!(verify_against_root(FORM, &signature, signing_time()).is_ok());
}

#[test]
fn a_root_does_not_load_with_another_roots_key() {
    let result = TestCertificateAuthority::from_pkcs8_and_certificate(
        PKI.other_root.private_key_pkcs8_der(),
        PKI.root.certificate_der(),
    );
    assert!(
        matches!(
            result,
            Err(CertificateAuthorityError::KeyDoesNotMatchCertificate)
        ),
        "{result:?}"
    );
}

#[test]
fn a_person_certificate_is_not_a_trust_anchor() {
    assert_eq!(
        TrustAnchors::from_root_der(&PKI.signing.certificate_der).map(|anchors| anchors.len()),
        Err(TrustAnchorError::NotACertificateAuthority)
    );
}

#[test]
fn the_authority_refuses_requests_it_cannot_honour() {
    let request = |common_name: &str, not_before: DateTime<Utc>, not_after: DateTime<Utc>| {
        PersonCertificateRequest {
            holder_iin: iin(APPLICANT_IIN),
            common_name: common_name.to_owned(),
            purpose: KeyPurpose::Signing,
            not_before,
            not_after,
        }
    };
    let cases = [
        (request("", utc(2025, 1, 1), utc(2026, 1, 1)), "empty name"),
        (
            request(&"Ы".repeat(65), utc(2025, 1, 1), utc(2026, 1, 1)),
            "long name",
        ),
        (
            request("A\nB", utc(2025, 1, 1), utc(2026, 1, 1)),
            "control character",
        ),
        (
            request("A", utc(2026, 1, 1), utc(2025, 1, 1)),
            "reversed validity",
        ),
        (
            request("A", utc(2019, 1, 1), utc(2026, 1, 1)),
            "before the root",
        ),
        (
            request("A", utc(2025, 1, 1), utc(2041, 1, 1)),
            "after the root",
        ),
    ];
    for (request, case) in cases {
        let result = PKI.root.issue(&request, &mut OsRng);
        assert!(result.is_err(), "{case}: {result:?}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    /// Any content round-trips, and any other content is a digest mismatch.
    #[test]
    fn any_content_round_trips(content in proptest::collection::vec(any::<u8>(), 0..4096), flipped_bit in 0_usize..8) {
        let signature = sign(&content, &PKI.signing, signing_time());
        let verified = verify_against_root(&content, &signature, signing_time()).expect("verifies");
        let content_sha256: [u8; 32] = Sha256::digest(&content).into();
        prop_assert_eq!(verified.content_sha256(), &content_sha256);

        let mut other = content.clone();
        match other.first_mut() {
            Some(first) => *first ^= 1 << flipped_bit,
            None => other.push(0),
        }
        prop_assert_eq!(
            verify_against_root(&other, &signature, signing_time()),
            Err(EdsError::DigestMismatch)
        );
    }
}
