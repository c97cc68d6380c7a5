//! `housing-eds`: electronic digital signatures (EDS) the way the national
//! certification centre of Kazakhstan (NCA, pki.gov.kz) issues them, for the
//! whole suite. Pure: no I/O, no async, no clock — callers pass the instants.
//!
//! * [`sign_detached`] — a detached CMS `SignedData` over a document, as
//!   NCALayer makes it with a person's signing key (tests, the demo, client tools).
//! * [`verify_detached`] — checks such a signature against trusted roots and
//!   returns a [`VerifiedSignature`]: the signer's IIN, the key's purpose, the
//!   certificate serial and validity, the signing time and the content digest.
//!   Feed it to `housing_domain::eligibility::eds::check_signer` through
//!   [`VerifiedSignature::signer_certificate`], with the revocation status the
//!   certification centre gave for [`VerifiedSignature::certificate_serial`].
//! * [`TestCertificateAuthority`] — the test PKI's root: generates or loads a
//!   root CA and issues persons' signing and authentication certificates.
//! * [`fuzzing`] — the body of the `verify_detached` fuzz target (`fuzz/`),
//!   run by a stable property test too.
//!
//! One algorithm suite only: RSA (2048 bits or more), PKCS#1 v1.5, SHA-256.
//! The real centre also issues GOST R 34.10-2015 keys; those signatures are
//! refused here ([`EdsError::UnsupportedSignatureAlgorithm`]). See
//! `docs/test-pki.md`.
//!
//! ```
//! use chrono::{TimeDelta, TimeZone, Utc};
//! use housing_domain::Iin;
//! use housing_eds::{KeyPurpose, PersonCertificateRequest, TestCertificateAuthority};
//!
//! let mut rng = housing_eds::rand_core::OsRng;
//! let start = Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).single().ok_or("an instant")?;
//! let end = Utc.with_ymd_and_hms(2030, 1, 1, 0, 0, 0).single().ok_or("an instant")?;
//! let authority = TestCertificateAuthority::generate("Test root", start, end, &mut rng)?;
//! let person = authority.issue(
//!     &PersonCertificateRequest {
//!         holder_iin: Iin::parse("900101300017")?,
//!         common_name: "ТЕСТОВ ТЕСТ".to_owned(),
//!         purpose: KeyPurpose::Signing,
//!         not_before: start,
//!         not_after: start + TimeDelta::days(365),
//!     },
//!     &mut rng,
//! )?;
//! let signed_at = Utc.with_ymd_and_hms(2025, 6, 1, 10, 0, 0).single().ok_or("an instant")?;
//! let form = b"an application form";
//! let signature = housing_eds::sign_detached(
//!     form,
//!     &person.certificate_der,
//!     &person.private_key_pkcs8_der,
//!     signed_at,
//! )?;
//! let verified =
//!     housing_eds::verify_detached(form, &signature, authority.trust_anchors(), signed_at)?;
//! assert_eq!(verified.signer_iin().as_str(), "900101300017");
//! assert_eq!(verified.key_purpose(), KeyPurpose::Signing);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod authority;
mod error;
pub mod fuzzing;
mod keys;
mod oid;
mod purpose;
mod serial;
mod sign;
mod subject;
mod time;
mod trust;
mod verify;

pub use authority::{
    IssuedCertificate, MAXIMUM_COMMON_NAME_CHARACTERS, PersonCertificateRequest, RSA_KEY_BITS,
    TestCertificateAuthority,
};
pub use error::{CertificateAuthorityError, EdsError, SigningError, TrustAnchorError};
pub use keys::MINIMUM_RSA_MODULUS_BITS;
pub use purpose::{CertificateKeyUsage, KeyPurpose};
pub use serial::{CertificateSerialNumber, CertificateSerialNumberError};
pub use sign::sign_detached;
pub use time::InstantOutOfRange;
pub use trust::TrustAnchors;
pub use verify::{ALLOWED_CLOCK_SKEW, VerifiedSignature, verify_detached};

/// The random-number traits (rand_core 0.6) the key generation takes, and
/// `OsRng`, the operating system's generator: the RustCrypto family this crate
/// uses predates rand 0.9, so its generators are not rand 0.9's.
pub use rsa::rand_core;
