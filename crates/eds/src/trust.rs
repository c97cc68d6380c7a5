//! The roots a verifier trusts: the certification centre's root certificates.

use chrono::{DateTime, Utc};
use der::{Decode, Encode};
use rsa::pkcs1v15::VerifyingKey;
use sha2::Sha256;
use x509_cert::Certificate;
use x509_cert::ext::pkix::{BasicConstraints, KeyUsage};

use crate::error::TrustAnchorError;
use crate::keys::{rsa_sha256_signature_verifies, rsa_sha256_verifying_key};
use crate::oid;
use crate::time::utc_from_asn1_time;

/// The root certificates whose issued certificates a verifier accepts.
///
/// The suite trusts one root per environment: the real centre's RSA root in
/// production, the test PKI's root (`GetRootCertificate`) everywhere else.
/// Chains are one level deep, root → person, as the centre issues them.
#[derive(Debug, Clone)]
pub struct TrustAnchors {
    anchors: Vec<TrustAnchor>,
}

#[derive(Debug, Clone)]
struct TrustAnchor {
    certificate: Certificate,
    verifying_key: VerifyingKey<Sha256>,
}

impl TrustAnchors {
    /// Trusts the given DER-encoded root certificates. Each must be a CA
    /// certificate (basicConstraints cA, keyUsage keyCertSign) with an RSA key
    /// of at least 2048 bits.
    pub fn from_der_certificates<Der: AsRef<[u8]>>(
        root_certificates_der: impl IntoIterator<Item = Der>,
    ) -> Result<Self, TrustAnchorError> {
        let anchors = root_certificates_der
            .into_iter()
            .map(|der| TrustAnchor::from_der(der.as_ref()))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self { anchors })
    }

    /// Trusts a single DER-encoded root certificate.
    pub fn from_root_der(root_certificate_der: &[u8]) -> Result<Self, TrustAnchorError> {
        Self::from_der_certificates([root_certificate_der])
    }

    /// How many roots are trusted.
    pub fn len(&self) -> usize {
        self.anchors.len()
    }

    /// Whether no root is trusted (then nothing verifies).
    pub fn is_empty(&self) -> bool {
        self.anchors.is_empty()
    }

    /// Whether a trusted root issued `certificate` and was itself valid at `at`:
    /// the root's subject is the certificate's issuer and the root's key
    /// verifies the certificate's SHA-256 RSA signature.
    pub(crate) fn issued(&self, certificate: &Certificate, at: DateTime<Utc>) -> bool {
        self.anchors
            .iter()
            .any(|anchor| anchor.issued(certificate, at))
    }
}

impl TrustAnchor {
    fn from_der(der: &[u8]) -> Result<Self, TrustAnchorError> {
        let certificate =
            Certificate::from_der(der).map_err(TrustAnchorError::MalformedCertificate)?;
        Self::from_certificate(certificate)
    }

    fn from_certificate(certificate: Certificate) -> Result<Self, TrustAnchorError> {
        if !may_issue_certificates(&certificate) {
            return Err(TrustAnchorError::NotACertificateAuthority);
        }
        let verifying_key =
            rsa_sha256_verifying_key(&certificate.tbs_certificate.subject_public_key_info)
                .ok_or(TrustAnchorError::UnsupportedPublicKey)?;
        Ok(Self {
            certificate,
            verifying_key,
        })
    }

    fn issued(&self, certificate: &Certificate, at: DateTime<Utc>) -> bool {
        let root = &self.certificate.tbs_certificate;
        let validity = &root.validity;
        let root_valid_at_signing_time = utc_from_asn1_time(&validity.not_before) <= at
            && at <= utc_from_asn1_time(&validity.not_after);
        root_valid_at_signing_time
            && root.subject == certificate.tbs_certificate.issuer
            && certificate_signature_verifies(certificate, &self.verifying_key)
    }
}

/// Whether a certificate may issue others: basicConstraints with cA set and,
/// when keyUsage is present, keyCertSign (RFC 5280 §4.2.1.3, §4.2.1.9).
pub(crate) fn may_issue_certificates(certificate: &Certificate) -> bool {
    let tbs = &certificate.tbs_certificate;
    let is_certificate_authority = matches!(
        tbs.get::<BasicConstraints>(),
        Ok(Some((_critical, BasicConstraints { ca: true, .. })))
    );
    let may_sign_certificates = match tbs.get::<KeyUsage>() {
        Ok(Some((_critical, key_usage))) => key_usage.key_cert_sign(),
        Ok(None) => true,
        Err(_) => false,
    };
    is_certificate_authority && may_sign_certificates
}

/// Whether `issuer_key` signed `certificate` with RSA PKCS#1 v1.5 and SHA-256.
/// The TBS part is re-encoded from the parsed certificate: a certificate that
/// was not DER to begin with fails here, which is the safe way to fail.
fn certificate_signature_verifies(
    certificate: &Certificate,
    issuer_key: &VerifyingKey<Sha256>,
) -> bool {
    if certificate.signature_algorithm.oid != oid::SHA256_WITH_RSA_ENCRYPTION
        || certificate.tbs_certificate.signature.oid != oid::SHA256_WITH_RSA_ENCRYPTION
    {
        return false;
    }
    let Ok(to_be_signed) = certificate.tbs_certificate.to_der() else {
        return false;
    };
    let Some(signature) = certificate.signature.as_bytes() else {
        return false;
    };
    rsa_sha256_signature_verifies(issuer_key, &to_be_signed, signature)
}
