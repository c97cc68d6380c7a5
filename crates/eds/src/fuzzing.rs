//! Bodies of the fuzz targets in `fuzz/` (cargo fuzz, on nightly). They live
//! here so that a stable property test (`tests/fuzz_bodies.rs`) runs the very
//! same code over random inputs, and a target cannot rot unnoticed.

use std::sync::LazyLock;

use chrono::{DateTime, TimeZone, Utc};
use housing_domain::Iin;
use rsa::rand_core::OsRng;

use crate::{
    KeyPurpose, PersonCertificateRequest, TestCertificateAuthority, VerifiedSignature,
    sign_detached, verify_detached,
};

/// The content every valid signature of the fixture signs.
const CONTENT: &[u8] = b"housing.intake.v1.ApplicationForm, as signed by the applicant";
const SIGNER_IIN: &str = "900101300126";

/// A root, and one valid detached signature of [`CONTENT`] by a person it
/// certified: generated once per process (key generation is the slow part).
struct Fixture {
    root: TestCertificateAuthority,
    signature: Vec<u8>,
    signed_at: DateTime<Utc>,
}

static FIXTURE: LazyLock<Fixture> = LazyLock::new(|| {
    let at = |year| {
        Utc.with_ymd_and_hms(year, 6, 1, 10, 0, 0)
            .single()
            .expect("an instant")
    };
    let root = TestCertificateAuthority::generate("Fuzzing root", at(2020), at(2040), &mut OsRng)
        .expect("a root");
    let person = root
        .issue(
            &PersonCertificateRequest {
                holder_iin: Iin::parse(SIGNER_IIN).expect("a valid IIN"),
                common_name: "ТЕСТОВ ТЕСТ".to_owned(),
                purpose: KeyPurpose::Signing,
                not_before: at(2024),
                not_after: at(2027),
            },
            &mut OsRng,
        )
        .expect("a person certificate");
    let signed_at = at(2025);
    let signature = sign_detached(
        CONTENT,
        &person.certificate_der,
        &person.private_key_pkcs8_der,
        signed_at,
    )
    .expect("a signature");
    Fixture {
        root,
        signature,
        signed_at,
    }
});

/// [`verify_detached`] on arbitrary bytes. The first byte chooses how the
/// rest is read:
///
/// * even: a content and a CMS signature (the second byte says where the
///   content ends), verified against the fixture's root: only the fixture's
///   signer, who alone holds a key the root certified, over the fixture's
///   content, may verify;
/// * odd: edits of the fixture's valid signature (three bytes each: a
///   position, two bytes big-endian, and a value to XOR there), verified
///   against the fixture's content and root: whatever still verifies is the
///   same signer over the same content.
///
/// Returns whether the signature verified.
pub fn verify_detached_bytes(data: &[u8]) -> bool {
    let fixture = &*FIXTURE;
    let anchors = fixture.root.trust_anchors();
    let Some((&mode, rest)) = data.split_first() else {
        return false;
    };
    if mode % 2 == 0 {
        let Some((&split, rest)) = rest.split_first() else {
            return false;
        };
        let (content, signature) = rest.split_at(usize::from(split).min(rest.len()));
        match verify_detached(content, signature, anchors, fixture.signed_at) {
            Ok(verified) => {
                assert_eq!(content, CONTENT, "a signature verified over other content");
                assert_same_signature(&verified);
                true
            }
            Err(_) => false,
        }
    } else {
        let mut signature = fixture.signature.clone();
        for edit in rest.chunks_exact(3) {
            let position = usize::from(u16::from_be_bytes([edit[0], edit[1]]));
            if let Some(byte) = signature.get_mut(position % fixture.signature.len()) {
                *byte ^= edit[2];
            }
        }
        match verify_detached(CONTENT, &signature, anchors, fixture.signed_at) {
            Ok(verified) => {
                assert_same_signature(&verified);
                true
            }
            Err(_) => false,
        }
    }
}

/// The fixture's valid signature: a seed for the fuzzer (mode 1, no edits,
/// is `[1]`; mode 0 with the real content and signature is this).
pub fn seed_valid_signature() -> Vec<u8> {
    let fixture = &*FIXTURE;
    let mut seed = vec![0, u8::try_from(CONTENT.len()).expect("a short content")];
    seed.extend_from_slice(CONTENT);
    seed.extend_from_slice(&fixture.signature);
    seed
}

fn assert_same_signature(verified: &VerifiedSignature) {
    use sha2::{Digest, Sha256};
    assert_eq!(verified.signer_iin().as_str(), SIGNER_IIN);
    assert_eq!(verified.key_purpose(), KeyPurpose::Signing);
    assert_eq!(
        verified.content_sha256_hex(),
        hex::encode(Sha256::digest(CONTENT)),
        "the digest reported is not the content's"
    );
}
