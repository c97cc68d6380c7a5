//! Verifying a detached CMS signature over a document, and what it says.

use chrono::{DateTime, TimeDelta, Utc};
use cms::cert::CertificateChoices;
use cms::content_info::ContentInfo;
use cms::signed_data::{SignedAttributes, SignedData, SignerIdentifier, SignerInfo};
use der::asn1::{Any, ObjectIdentifier, OctetString};
use der::{Decode, Encode};
use housing_domain::Iin;
use housing_domain::eligibility::eds::{RevocationStatus, SignerCertificate};
use sha2::{Digest, Sha256};
use spki::AlgorithmIdentifierOwned;
use x509_cert::Certificate;
use x509_cert::ext::pkix::{BasicConstraints, SubjectKeyIdentifier};
use x509_cert::time::Time;

use crate::error::EdsError;
use crate::keys::{rsa_sha256_signature_verifies, rsa_sha256_verifying_key};
use crate::oid;
use crate::purpose::{CertificateKeyUsage, KeyPurpose};
use crate::serial::CertificateSerialNumber;
use crate::subject::{SubjectIinError, iin_of_subject};
use crate::time::utc_from_asn1_time;
use crate::trust::TrustAnchors;

/// How far a signer's clock may run ahead of the receiver's: a signing time
/// later than the receipt by more than this is refused.
pub const ALLOWED_CLOCK_SKEW: TimeDelta = TimeDelta::minutes(5);

/// A signature that verified, and the facts of its signer certificate.
///
/// Only [`verify_detached`] makes one, so holding a `VerifiedSignature` means
/// the checks it documents passed. Revocation is not among them: ask the
/// certification centre for [`certificate_serial`](Self::certificate_serial)
/// and hand its answer to [`signer_certificate`](Self::signer_certificate).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedSignature {
    signer_iin: Iin,
    key_purpose: KeyPurpose,
    key_usage: CertificateKeyUsage,
    certificate_serial: CertificateSerialNumber,
    signing_time: DateTime<Utc>,
    content_sha256: [u8; 32],
    not_before: DateTime<Utc>,
    not_after: DateTime<Utc>,
}

impl VerifiedSignature {
    /// The IIN of the signer certificate's subject (`SERIALNUMBER=IIN...`).
    pub fn signer_iin(&self) -> Iin {
        self.signer_iin
    }

    /// Signing or authentication key. `SIGNED_WITH_EDS` accepts signing keys only.
    pub fn key_purpose(&self) -> KeyPurpose {
        self.key_purpose
    }

    /// The usage bits the purpose was read from.
    pub fn key_usage(&self) -> CertificateKeyUsage {
        self.key_usage
    }

    /// The signer certificate's serial number: what the centre's status check takes.
    pub fn certificate_serial(&self) -> &CertificateSerialNumber {
        &self.certificate_serial
    }

    /// The signingTime signed attribute, as the signer's clock gave it.
    pub fn signing_time(&self) -> DateTime<Utc> {
        self.signing_time
    }

    /// SHA-256 of the content: what the signature binds.
    pub fn content_sha256(&self) -> &[u8; 32] {
        &self.content_sha256
    }

    /// SHA-256 of the content, lowercase hex (`SignatureInfo.content_sha256`).
    pub fn content_sha256_hex(&self) -> String {
        hex::encode(self.content_sha256)
    }

    /// First instant of the signer certificate's validity.
    pub fn not_before(&self) -> DateTime<Utc> {
        self.not_before
    }

    /// Last instant of the signer certificate's validity.
    pub fn not_after(&self) -> DateTime<Utc> {
        self.not_after
    }

    /// The facts `housing_domain::eligibility::eds::check_signer` decides
    /// `SIGNED_WITH_EDS` on, with the certification centre's answer on
    /// revocation. The chain verified, so it ends at a trusted root.
    pub fn signer_certificate(&self, revocation: RevocationStatus) -> SignerCertificate {
        SignerCertificate {
            subject_iin: self.signer_iin,
            key_usage: self.key_usage.into(),
            valid_from: self.not_before,
            valid_to: self.not_after,
            revocation,
            chains_to_trusted_root: true,
        }
    }
}

/// Verifies a detached CMS signature (`SignedDocument.cms_signature`) over
/// `content` (`SignedDocument.content`) received at `received_at`.
///
/// In order, refusing at the first failure:
///
/// 1. the bytes are a DER `ContentInfo` with `SignedData` of type `id-data`,
///    detached, with exactly one signer using SHA-256 and RSA PKCS#1 v1.5;
/// 2. the signed attributes hold exactly one contentType (`id-data`),
///    messageDigest and signingTime;
/// 3. the signer certificate is in the signature and its RSA key (2048 bits
///    or more) verifies the signature over the DER of the signed attributes;
/// 4. the messageDigest is SHA-256 of `content`: what is signed is what is
///    processed;
/// 5. a trusted root, valid at signing time, issued the certificate (its
///    signature verifies with the root's key and its issuer is the root);
/// 6. the certificate has no critical extension this verifier does not know,
///    and is not a CA certificate;
/// 7. the certificate was valid at signing time (both ends inclusive), and the
///    signing time is not after `received_at` by more than
///    [`ALLOWED_CLOCK_SKEW`];
/// 8. the subject names one person as `SERIALNUMBER=IIN<12 digits>` with a
///    valid check digit;
/// 9. the key usages make it a signing or an authentication key.
///
/// Revocation is left to the caller (see [`VerifiedSignature`]): the status
/// lives with the certification centre, and asking it is I/O.
pub fn verify_detached(
    content: &[u8],
    cms_signature_der: &[u8],
    trust_anchors: &TrustAnchors,
    received_at: DateTime<Utc>,
) -> Result<VerifiedSignature, EdsError> {
    let content_info = ContentInfo::from_der(cms_signature_der).map_err(EdsError::MalformedCms)?;
    if content_info.content_type != oid::ID_SIGNED_DATA {
        return Err(EdsError::NotSignedData);
    }
    let signed_data: SignedData = content_info
        .content
        .decode_as()
        .map_err(EdsError::MalformedCms)?;
    if signed_data.encap_content_info.econtent_type != oid::ID_DATA {
        return Err(EdsError::UnexpectedContentType);
    }
    if signed_data.encap_content_info.econtent.is_some() {
        return Err(EdsError::NotDetached);
    }
    let signer_info = only_signer(&signed_data)?;
    check_digest_algorithm(&signer_info.digest_alg)?;
    check_signature_algorithm(&signer_info.signature_algorithm)?;

    let empty_attributes = SignedAttributes::new();
    let signed_attributes = signer_info
        .signed_attrs
        .as_ref()
        .unwrap_or(&empty_attributes);
    let content_type: ObjectIdentifier =
        decode_single_attribute(signed_attributes, oid::ID_CONTENT_TYPE, "contentType")?;
    if content_type != oid::ID_DATA {
        return Err(EdsError::UnexpectedContentType);
    }
    let message_digest: OctetString =
        decode_single_attribute(signed_attributes, oid::ID_MESSAGE_DIGEST, "messageDigest")?;
    let signing_time: Time =
        decode_single_attribute(signed_attributes, oid::ID_SIGNING_TIME, "signingTime")?;
    let signing_time = utc_from_asn1_time(&signing_time);

    let signer_certificate = find_signer_certificate(&signed_data, &signer_info.sid)?;
    let tbs = &signer_certificate.tbs_certificate;
    let signer_key = rsa_sha256_verifying_key(&tbs.subject_public_key_info)
        .ok_or(EdsError::UnsupportedPublicKey)?;
    // RFC 5652 §5.4: the signature covers the DER of the signed attributes
    // with the SET OF tag, not the [0] IMPLICIT tag they travel under.
    let signed_attributes_der = signed_attributes.to_der().map_err(EdsError::MalformedCms)?;
    if !rsa_sha256_signature_verifies(
        &signer_key,
        &signed_attributes_der,
        signer_info.signature.as_bytes(),
    ) {
        return Err(EdsError::BadSignature);
    }

    let content_sha256: [u8; 32] = Sha256::digest(content).into();
    if message_digest.as_bytes() != content_sha256.as_slice() {
        return Err(EdsError::DigestMismatch);
    }

    if !trust_anchors.issued(signer_certificate, signing_time) {
        return Err(EdsError::UntrustedChain);
    }
    check_critical_extensions(signer_certificate)?;
    if is_certificate_authority(signer_certificate) {
        return Err(EdsError::SignerIsCertificateAuthority);
    }

    let not_before = utc_from_asn1_time(&tbs.validity.not_before);
    let not_after = utc_from_asn1_time(&tbs.validity.not_after);
    if signing_time < not_before {
        return Err(EdsError::CertificateNotYetValid {
            signing_time,
            not_before,
        });
    }
    if signing_time > not_after {
        return Err(EdsError::CertificateExpired {
            signing_time,
            not_after,
        });
    }
    let latest_acceptable_signing_time = received_at
        .checked_add_signed(ALLOWED_CLOCK_SKEW)
        .unwrap_or(DateTime::<Utc>::MAX_UTC);
    if signing_time > latest_acceptable_signing_time {
        return Err(EdsError::SigningTimeInFuture {
            signing_time,
            received_at,
        });
    }

    let signer_iin = iin_of_subject(&tbs.subject).map_err(|error| match error {
        SubjectIinError::Missing => EdsError::NoIinInSubject,
        SubjectIinError::Ambiguous => EdsError::AmbiguousSubject,
        SubjectIinError::Invalid(iin_error) => EdsError::InvalidIinInSubject(iin_error),
    })?;
    let key_usage =
        CertificateKeyUsage::of_certificate(tbs).map_err(|_| EdsError::MalformedCertificate)?;
    let key_purpose = key_usage
        .purpose()
        .ok_or(EdsError::UnrecognisedKeyPurpose)?;

    Ok(VerifiedSignature {
        signer_iin,
        key_purpose,
        key_usage,
        certificate_serial: CertificateSerialNumber::of_certificate(&tbs.serial_number),
        signing_time,
        content_sha256,
        not_before,
        not_after,
    })
}

fn only_signer(signed_data: &SignedData) -> Result<&SignerInfo, EdsError> {
    let signers = signed_data.signer_infos.0.as_slice();
    match signers {
        [only] => Ok(only),
        _ => Err(EdsError::SignerCount {
            found: signers.len(),
        }),
    }
}

/// SHA-256, with its parameters absent (RFC 5754 §2) or NULL (older signers).
fn check_digest_algorithm(algorithm: &AlgorithmIdentifierOwned) -> Result<(), EdsError> {
    let parameters_absent_or_null = algorithm
        .parameters
        .as_ref()
        .is_none_or(|parameters| parameters.is_null());
    if algorithm.oid != oid::ID_SHA256 || !parameters_absent_or_null {
        return Err(EdsError::UnsupportedDigestAlgorithm(algorithm.oid));
    }
    Ok(())
}

/// RSA PKCS#1 v1.5, named either `sha256WithRSAEncryption` or, as RFC 5754
/// §3.2 also allows with the digest given apart, `rsaEncryption`.
fn check_signature_algorithm(algorithm: &AlgorithmIdentifierOwned) -> Result<(), EdsError> {
    if algorithm.oid != oid::SHA256_WITH_RSA_ENCRYPTION && algorithm.oid != oid::RSA_ENCRYPTION {
        return Err(EdsError::UnsupportedSignatureAlgorithm(algorithm.oid));
    }
    Ok(())
}

/// The value of an attribute that must appear exactly once with exactly one value.
fn decode_single_attribute<Value: der::DecodeOwned>(
    attributes: &SignedAttributes,
    attribute_type: ObjectIdentifier,
    attribute_name: &'static str,
) -> Result<Value, EdsError> {
    let mut matching = attributes
        .iter()
        .filter(|attribute| attribute.oid == attribute_type);
    let attribute = matching.next().ok_or(EdsError::MissingSignedAttribute {
        attribute: attribute_name,
    })?;
    let malformed = EdsError::MalformedSignedAttribute {
        attribute: attribute_name,
    };
    if matching.next().is_some() {
        return Err(malformed);
    }
    let [value]: &[Any; 1] = attribute
        .values
        .as_slice()
        .try_into()
        .map_err(|_| malformed.clone())?;
    let value_der = value.to_der().map_err(|_| malformed.clone())?;
    Value::from_der(&value_der).map_err(|_| malformed)
}

/// The certificate among the signature's that the `SignerInfo` names, by
/// issuer and serial number or by subject key identifier.
fn find_signer_certificate<'a>(
    signed_data: &'a SignedData,
    signer_identifier: &SignerIdentifier,
) -> Result<&'a Certificate, EdsError> {
    let certificates = signed_data
        .certificates
        .iter()
        .flat_map(|certificate_set| certificate_set.0.iter())
        .filter_map(|choice| match choice {
            CertificateChoices::Certificate(certificate) => Some(certificate),
            _ => None,
        });
    let mut named = certificates.filter(|certificate| {
        let tbs = &certificate.tbs_certificate;
        match signer_identifier {
            SignerIdentifier::IssuerAndSerialNumber(issuer_and_serial) => {
                tbs.issuer == issuer_and_serial.issuer
                    && tbs.serial_number == issuer_and_serial.serial_number
            }
            SignerIdentifier::SubjectKeyIdentifier(key_identifier) => matches!(
                tbs.get::<SubjectKeyIdentifier>(),
                Ok(Some((_critical, identifier))) if identifier == *key_identifier
            ),
        }
    });
    named.next().ok_or(EdsError::SignerCertificateMissing)
}

/// Whether basicConstraints makes the certificate a CA's: a CA's key signs
/// certificates, never a person's documents.
fn is_certificate_authority(certificate: &Certificate) -> bool {
    matches!(
        certificate.tbs_certificate.get::<BasicConstraints>(),
        Ok(Some((_critical, BasicConstraints { ca: true, .. })))
    )
}

/// RFC 5280 §4.2: a certificate with a critical extension the verifier does
/// not process must be rejected.
fn check_critical_extensions(certificate: &Certificate) -> Result<(), EdsError> {
    const PROCESSED: [ObjectIdentifier; 5] = [
        oid::KEY_USAGE,
        oid::EXTENDED_KEY_USAGE,
        oid::BASIC_CONSTRAINTS,
        oid::SUBJECT_KEY_IDENTIFIER,
        oid::AUTHORITY_KEY_IDENTIFIER,
    ];
    let extensions = certificate.tbs_certificate.extensions.iter().flatten();
    for extension in extensions {
        if extension.critical && !PROCESSED.contains(&extension.extn_id) {
            return Err(EdsError::UnsupportedCriticalExtension(extension.extn_id));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
