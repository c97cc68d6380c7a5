//! Signatures and certificates the centre never produces, crafted from genuine
//! ones, and how the verifier refuses each. The ordinary paths (round trip,
//! wrong content, wrong root, validity) are in `tests/signatures.rs`.

use std::sync::LazyLock;

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use cms::content_info::ContentInfo;
use cms::signed_data::{SignedData, SignerInfos};
use der::asn1::{Any, OctetString, PrintableStringRef, SetOfVec};
use der::{Decode, Encode};
use housing_domain::Iin;
use housing_domain::iin::IinError;
use rsa::pkcs1v15::Signature;
use rsa::rand_core::OsRng;
use rsa::signature::Signer;
use spki::{AlgorithmIdentifierOwned, SignatureBitStringEncoding};
use x509_cert::Certificate;
use x509_cert::attr::AttributeTypeAndValue;
use x509_cert::certificate::TbsCertificate;
use x509_cert::ext::Extension;
use x509_cert::name::{RdnSequence, RelativeDistinguishedName};

use super::*;
use crate::authority::{IssuedCertificate, PersonCertificateRequest, TestCertificateAuthority};
use crate::sign::sign_detached;
use crate::time::asn1_time_from_utc;

const FORM: &[u8] = b"ApplicationForm { track: TRACK_NO_HOUSING, locality: 751110000 }";

fn utc(year: i32, month: u32, day: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(year, month, day, 0, 0, 0)
        .single()
        .expect("a valid instant")
}

struct Fixture {
    authority: TestCertificateAuthority,
    signing: IssuedCertificate,
}

/// One root and one signing certificate for every test here: RSA key
/// generation is the slow part, and no test changes them.
static FIXTURE: LazyLock<Fixture> = LazyLock::new(|| {
    let authority = TestCertificateAuthority::generate(
        "Unit test root",
        utc(2020, 1, 1),
        utc(2040, 1, 1),
        &mut OsRng,
    )
    .expect("a root");
    let signing = authority
        .issue(
            &PersonCertificateRequest {
                holder_iin: Iin::parse("900101300017").expect("a valid IIN"),
                common_name: "ТЕСТОВ ТЕСТ".to_owned(),
                purpose: KeyPurpose::Signing,
                not_before: utc(2025, 1, 1),
                not_after: utc(2026, 1, 1),
            },
            &mut OsRng,
        )
        .expect("a signing certificate");
    Fixture { authority, signing }
});

fn signing_time() -> DateTime<Utc> {
    utc(2025, 6, 1) + TimeDelta::hours(10)
}

fn verify(content: &[u8], signature: &[u8]) -> Result<VerifiedSignature, EdsError> {
    verify_detached(
        content,
        signature,
        FIXTURE.authority.trust_anchors(),
        signing_time(),
    )
}

fn genuine_signature() -> Vec<u8> {
    sign_with_certificate(&FIXTURE.signing.certificate_der)
}

fn sign_with_certificate(certificate_der: &[u8]) -> Vec<u8> {
    sign_detached(
        FORM,
        certificate_der,
        &FIXTURE.signing.private_key_pkcs8_der,
        signing_time(),
    )
    .expect("a signature")
}

/// The genuine signing certificate with its TBS part changed and signed again
/// by the root: a certificate the root really issued, with contents the centre
/// never writes.
fn reissued_signing_certificate(change: impl FnOnce(&mut TbsCertificate)) -> Vec<u8> {
    let mut certificate =
        Certificate::from_der(&FIXTURE.signing.certificate_der).expect("a certificate");
    change(&mut certificate.tbs_certificate);
    let to_be_signed = certificate.tbs_certificate.to_der().expect("encodable");
    let signature: Signature = FIXTURE.authority.signing_key().sign(&to_be_signed);
    certificate.signature = signature.to_bitstring().expect("a bit string");
    certificate.to_der().expect("encodable")
}

/// The signature with its `SignedData` changed.
fn altered_signature(signature: &[u8], change: impl FnOnce(&mut SignedData)) -> Vec<u8> {
    let content_info = ContentInfo::from_der(signature).expect("a ContentInfo");
    let mut signed_data: SignedData = content_info.content.decode_as().expect("a SignedData");
    change(&mut signed_data);
    ContentInfo {
        content_type: content_info.content_type,
        content: Any::encode_from(&signed_data).expect("encodable"),
    }
    .to_der()
    .expect("encodable")
}

/// The signature with its only `SignerInfo` changed.
fn altered_signer_info(signature: &[u8], change: impl FnOnce(&mut SignerInfo)) -> Vec<u8> {
    altered_signature(signature, |signed_data| {
        let mut signer_infos =
            std::mem::replace(&mut signed_data.signer_infos.0, SetOfVec::new()).into_vec();
        change(&mut signer_infos[0]);
        signed_data.signer_infos = SignerInfos(SetOfVec::try_from(signer_infos).expect("a set"));
    })
}

fn serial_number_attribute(text: &str) -> RelativeDistinguishedName {
    let mut attributes = SetOfVec::new();
    attributes
        .insert(AttributeTypeAndValue {
            oid: oid::SUBJECT_SERIAL_NUMBER,
            value: Any::from(PrintableStringRef::new(text).expect("printable")),
        })
        .expect("one attribute");
    RelativeDistinguishedName(attributes)
}

#[test]
fn the_genuine_signature_verifies() {
    let verified = verify(FORM, &genuine_signature()).expect("verifies");
    assert_eq!(verified.key_purpose(), KeyPurpose::Signing);
}

#[test]
fn bytes_that_are_not_cms_are_malformed() {
    assert!(matches!(
        verify(FORM, b"not a signature"),
        Err(EdsError::MalformedCms(_))
    ));
}

#[test]
fn a_changed_signature_value_is_a_bad_signature() {
    let tampered = altered_signer_info(&genuine_signature(), |signer_info| {
        let mut value = signer_info.signature.as_bytes().to_vec();
        value[17] ^= 0x01;
        signer_info.signature = OctetString::new(value).expect("an octet string");
    });
    assert_eq!(verify(FORM, &tampered), Err(EdsError::BadSignature));
}

#[test]
fn a_changed_signing_time_is_a_bad_signature() {
    let later = asn1_time_from_utc(signing_time() + TimeDelta::days(1)).expect("in range");
    let tampered = altered_signer_info(&genuine_signature(), |signer_info| {
        let attributes = signer_info
            .signed_attrs
            .take()
            .expect("signed attributes")
            .into_vec()
            .into_iter()
            .map(|mut attribute| {
                if attribute.oid == oid::ID_SIGNING_TIME {
                    attribute.values =
                        SetOfVec::try_from(vec![Any::encode_from(&later).expect("encodable")])
                            .expect("a set");
                }
                attribute
            })
            .collect::<Vec<_>>();
        signer_info.signed_attrs = Some(SetOfVec::try_from(attributes).expect("a set"));
    });
    assert_eq!(verify(FORM, &tampered), Err(EdsError::BadSignature));
}

#[test]
fn a_missing_signing_time_is_refused() {
    let without_signing_time = altered_signer_info(&genuine_signature(), |signer_info| {
        let attributes = signer_info
            .signed_attrs
            .take()
            .expect("signed attributes")
            .into_vec()
            .into_iter()
            .filter(|attribute| attribute.oid != oid::ID_SIGNING_TIME)
            .collect::<Vec<_>>();
        signer_info.signed_attrs = Some(SetOfVec::try_from(attributes).expect("a set"));
    });
    assert_eq!(
        verify(FORM, &without_signing_time),
        Err(EdsError::MissingSignedAttribute {
            attribute: "signingTime"
        })
    );
}

#[test]
fn a_signature_carrying_its_content_is_not_detached() {
    let attached = altered_signature(&genuine_signature(), |signed_data| {
        let content = OctetString::new(FORM.to_vec()).expect("an octet string");
        signed_data.encap_content_info.econtent =
            Some(Any::encode_from(&content).expect("encodable"));
    });
    assert_eq!(verify(FORM, &attached), Err(EdsError::NotDetached));
}

#[test]
fn a_signature_without_signers_is_refused() {
    let no_signers = altered_signature(&genuine_signature(), |signed_data| {
        signed_data.signer_infos = SignerInfos(SetOfVec::new());
    });
    assert_eq!(
        verify(FORM, &no_signers),
        Err(EdsError::SignerCount { found: 0 })
    );
}

#[test]
fn a_digest_other_than_sha256_is_unsupported() {
    // id-sha1: what old signers still send.
    let sha1 = der::asn1::ObjectIdentifier::new_unwrap("1.3.14.3.2.26");
    let with_sha1 = altered_signer_info(&genuine_signature(), |signer_info| {
        signer_info.digest_alg = AlgorithmIdentifierOwned {
            oid: sha1,
            parameters: None,
        };
    });
    assert_eq!(
        verify(FORM, &with_sha1),
        Err(EdsError::UnsupportedDigestAlgorithm(sha1))
    );
}

#[test]
fn a_signature_algorithm_other_than_rsa_is_unsupported() {
    // GOST R 34.10-2015 512-bit with Streebog, as the real centre's GOST keys sign.
    let gost = der::asn1::ObjectIdentifier::new_unwrap("1.2.643.7.1.1.3.3");
    let with_gost = altered_signer_info(&genuine_signature(), |signer_info| {
        signer_info.signature_algorithm = AlgorithmIdentifierOwned {
            oid: gost,
            parameters: None,
        };
    });
    assert_eq!(
        verify(FORM, &with_gost),
        Err(EdsError::UnsupportedSignatureAlgorithm(gost))
    );
}

#[test]
fn a_subject_without_a_serial_number_names_no_iin() {
    let certificate = reissued_signing_certificate(|tbs| {
        tbs.subject.0.retain(|relative_name| {
            !relative_name
                .0
                .iter()
                .any(|a| a.oid == oid::SUBJECT_SERIAL_NUMBER)
        });
    });
    assert_eq!(
        verify(FORM, &sign_with_certificate(&certificate)),
        Err(EdsError::NoIinInSubject)
    );
}

#[test]
fn a_subject_with_a_wrong_check_digit_is_an_invalid_iin() {
    let certificate = reissued_signing_certificate(|tbs| {
        tbs.subject = RdnSequence(vec![serial_number_attribute("IIN900101300016")]);
    });
    assert_eq!(
        verify(FORM, &sign_with_certificate(&certificate)),
        Err(EdsError::InvalidIinInSubject(IinError::CheckDigit))
    );
}

#[test]
fn a_subject_with_two_serial_numbers_is_ambiguous() {
    let certificate = reissued_signing_certificate(|tbs| {
        tbs.subject
            .0
            .push(serial_number_attribute("IIN850505400127"));
    });
    assert_eq!(
        verify(FORM, &sign_with_certificate(&certificate)),
        Err(EdsError::AmbiguousSubject)
    );
}

#[test]
fn an_unknown_critical_extension_is_refused() {
    // A made-up private extension, marked critical.
    let unknown = der::asn1::ObjectIdentifier::new_unwrap("1.2.398.3.99.1");
    let certificate = reissued_signing_certificate(|tbs| {
        tbs.extensions.get_or_insert_with(Vec::new).push(Extension {
            extn_id: unknown,
            critical: true,
            extn_value: OctetString::new(vec![0x05, 0x00]).expect("an octet string"),
        });
    });
    assert_eq!(
        verify(FORM, &sign_with_certificate(&certificate)),
        Err(EdsError::UnsupportedCriticalExtension(unknown))
    );
}

#[test]
fn a_certificate_without_key_usages_has_no_recognised_purpose() {
    let certificate = reissued_signing_certificate(|tbs| {
        if let Some(extensions) = tbs.extensions.as_mut() {
            extensions.retain(|extension| extension.extn_id != oid::KEY_USAGE);
        }
    });
    assert_eq!(
        verify(FORM, &sign_with_certificate(&certificate)),
        Err(EdsError::UnrecognisedKeyPurpose)
    );
}

#[test]
fn the_root_cannot_sign_as_a_person() {
    let signature = sign_detached(
        FORM,
        FIXTURE.authority.certificate_der(),
        FIXTURE.authority.private_key_pkcs8_der(),
        signing_time(),
    )
    .expect("a signature");
    assert_eq!(
        verify(FORM, &signature),
        Err(EdsError::SignerIsCertificateAuthority)
    );
}

#[test]
fn a_signing_time_after_receipt_is_refused_beyond_the_clock_skew() {
    let signature = genuine_signature();
    let received_within_skew = signing_time() - ALLOWED_CLOCK_SKEW;
    assert!(
        verify_detached(
            FORM,
            &signature,
            FIXTURE.authority.trust_anchors(),
            received_within_skew
        )
        .is_ok()
    );
    let received_too_early = received_within_skew - TimeDelta::seconds(1);
    assert_eq!(
        verify_detached(
            FORM,
            &signature,
            FIXTURE.authority.trust_anchors(),
            received_too_early
        ),
        Err(EdsError::SigningTimeInFuture {
            signing_time: signing_time(),
            received_at: received_too_early,
        })
    );
}
