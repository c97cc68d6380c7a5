//! Detached CMS signatures, made the way NCALayer makes them for a person's
//! signing key.

use chrono::{DateTime, Utc};
use cms::builder::{SignedDataBuilder, SignerInfoBuilder};
use cms::cert::{CertificateChoices, IssuerAndSerialNumber};
use cms::signed_data::{EncapsulatedContentInfo, SignerIdentifier};
use der::asn1::{Any, SetOfVec};
use der::referenced::OwnedToRef;
use der::{Decode, Encode};
use rsa::pkcs1v15::{Signature, SigningKey};
use rsa::pkcs8::DecodePrivateKey;
use rsa::{RsaPrivateKey, RsaPublicKey};
use sha2::{Digest, Sha256};
use spki::AlgorithmIdentifierOwned;
use x509_cert::Certificate;
use x509_cert::attr::Attribute;

use crate::error::SigningError;
use crate::oid;
use crate::time::asn1_time_from_utc;

/// Signs `content` with a detached CMS signature: a DER `ContentInfo` with
/// `SignedData` that carries no content of its own, one `SignerInfo`
/// (identified by issuer and serial number), SHA-256, RSA PKCS#1 v1.5, the
/// signed attributes contentType (`id-data`), messageDigest and signingTime,
/// and the signer certificate.
///
/// `signing_time` is written with whole seconds. The private key must be the
/// certificate's, or the call fails rather than produce a signature that can
/// never verify.
pub fn sign_detached(
    content: &[u8],
    signer_certificate_der: &[u8],
    signer_private_key_pkcs8_der: &[u8],
    signing_time: DateTime<Utc>,
) -> Result<Vec<u8>, SigningError> {
    let certificate = Certificate::from_der(signer_certificate_der)
        .map_err(SigningError::MalformedCertificate)?;
    let private_key = RsaPrivateKey::from_pkcs8_der(signer_private_key_pkcs8_der)
        .map_err(SigningError::MalformedPrivateKey)?;
    let certificate_public_key = RsaPublicKey::try_from(
        certificate
            .tbs_certificate
            .subject_public_key_info
            .owned_to_ref(),
    )
    .map_err(|_| SigningError::KeyDoesNotMatchCertificate)?;
    if certificate_public_key != private_key.to_public_key() {
        return Err(SigningError::KeyDoesNotMatchCertificate);
    }
    let signing_key = SigningKey::<Sha256>::new(private_key);

    let content_digest = Sha256::digest(content);
    let detached_content = EncapsulatedContentInfo {
        econtent_type: oid::ID_DATA,
        econtent: None,
    };
    let signer_identifier = SignerIdentifier::IssuerAndSerialNumber(IssuerAndSerialNumber {
        issuer: certificate.tbs_certificate.issuer.clone(),
        serial_number: certificate.tbs_certificate.serial_number.clone(),
    });
    // RFC 5754 §2: the SHA-2 algorithm identifiers are written without parameters.
    let sha256 = AlgorithmIdentifierOwned {
        oid: oid::ID_SHA256,
        parameters: None,
    };

    // The builder adds contentType and messageDigest itself when given the
    // digest of detached content; signingTime is ours, so that the caller
    // decides the instant (the builder's own helper reads the system clock).
    let mut signer_info = SignerInfoBuilder::new(
        &signing_key,
        signer_identifier,
        sha256.clone(),
        &detached_content,
        Some(content_digest.as_slice()),
    )
    .map_err(SigningError::Cms)?;
    signer_info
        .add_signed_attribute(signing_time_attribute(signing_time)?)
        .map_err(SigningError::Cms)?;

    let content_info = SignedDataBuilder::new(&detached_content)
        .add_digest_algorithm(sha256)
        .map_err(SigningError::Cms)?
        .add_certificate(CertificateChoices::Certificate(certificate))
        .map_err(SigningError::Cms)?
        .add_signer_info::<_, Signature>(signer_info)
        .map_err(SigningError::Cms)?
        .build()
        .map_err(SigningError::Cms)?;
    content_info
        .to_der()
        .map_err(|error| SigningError::Cms(error.into()))
}

/// The signingTime attribute (RFC 5652 §11.3): UTCTime up to 2049,
/// GeneralizedTime from 2050.
fn signing_time_attribute(signing_time: DateTime<Utc>) -> Result<Attribute, SigningError> {
    let time = asn1_time_from_utc(signing_time)?;
    let value = Any::encode_from(&time).map_err(|error| SigningError::Cms(error.into()))?;
    let mut values = SetOfVec::new();
    values
        .insert(value)
        .map_err(|error| SigningError::Cms(error.into()))?;
    Ok(Attribute {
        oid: oid::ID_SIGNING_TIME,
        values,
    })
}
