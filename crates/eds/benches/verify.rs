//! How long verifying one application's signature takes (the work
//! application-intake does per submitted form, minus the revocation call),
//! signing one, and issuing a certificate (RSA key generation).

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use housing_domain::Iin;
use housing_eds::rand_core::OsRng;
use housing_eds::{
    KeyPurpose, PersonCertificateRequest, TestCertificateAuthority, sign_detached, verify_detached,
};

fn main() {
    divan::main();
}

struct SignedForm {
    authority: TestCertificateAuthority,
    form: Vec<u8>,
    signature: Vec<u8>,
    signed_at: DateTime<Utc>,
}

fn signed_form(form_bytes: usize) -> SignedForm {
    let start = Utc
        .with_ymd_and_hms(2025, 1, 1, 0, 0, 0)
        .single()
        .expect("a valid instant");
    let authority = TestCertificateAuthority::generate(
        "Benchmark root",
        start,
        start + TimeDelta::days(3650),
        &mut OsRng,
    )
    .expect("a root");
    let person = authority
        .issue(
            &PersonCertificateRequest {
                holder_iin: Iin::parse("900101300017").expect("a valid IIN"),
                common_name: "BENCHMARK".to_owned(),
                purpose: KeyPurpose::Signing,
                not_before: start,
                not_after: start + TimeDelta::days(365),
            },
            &mut OsRng,
        )
        .expect("a certificate");
    let form = vec![0x5a_u8; form_bytes];
    let signed_at = start + TimeDelta::days(30);
    let signature = sign_detached(
        &form,
        &person.certificate_der,
        &person.private_key_pkcs8_der,
        signed_at,
    )
    .expect("a signature");
    SignedForm {
        authority,
        form,
        signature,
        signed_at,
    }
}

/// A form of a few kilobytes, and one with attachments of a megabyte: the
/// digest grows with the content, the RSA check does not.
#[divan::bench(args = [4 * 1024, 1024 * 1024])]
fn verify_detached_signature(bencher: divan::Bencher, form_bytes: usize) {
    let signed = signed_form(form_bytes);
    bencher.bench(|| {
        verify_detached(
            divan::black_box(&signed.form),
            divan::black_box(&signed.signature),
            signed.authority.trust_anchors(),
            signed.signed_at,
        )
        .expect("the signature verifies")
    });
}

#[divan::bench]
fn sign_detached_signature(bencher: divan::Bencher) {
    let signed = signed_form(4 * 1024);
    let start = signed.signed_at - TimeDelta::days(30);
    let person = signed
        .authority
        .issue(
            &PersonCertificateRequest {
                holder_iin: Iin::parse("900101300017").expect("a valid IIN"),
                common_name: "BENCHMARK".to_owned(),
                purpose: KeyPurpose::Signing,
                not_before: start,
                not_after: start + TimeDelta::days(365),
            },
            &mut OsRng,
        )
        .expect("a certificate");
    bencher.bench(|| {
        sign_detached(
            divan::black_box(&signed.form),
            &person.certificate_der,
            &person.private_key_pkcs8_der,
            signed.signed_at,
        )
        .expect("a signature")
    });
}

/// Issuing a person's certificate: almost all of it is generating the RSA-2048
/// key, whose time varies with how soon random candidates turn out prime.
#[divan::bench(sample_count = 20, sample_size = 1)]
fn issue_person_certificate(bencher: divan::Bencher) {
    let signed = signed_form(16);
    let start = signed.signed_at - TimeDelta::days(30);
    let request = PersonCertificateRequest {
        holder_iin: Iin::parse("900101300017").expect("a valid IIN"),
        common_name: "BENCHMARK".to_owned(),
        purpose: KeyPurpose::Signing,
        not_before: start,
        not_after: start + TimeDelta::days(365),
    };
    bencher.bench(|| {
        signed
            .authority
            .issue(&request, &mut OsRng)
            .expect("a certificate")
    });
}
