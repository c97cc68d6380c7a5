//! What can go wrong, one enum per job: verifying a signature ([`EdsError`]),
//! making one ([`SigningError`]), running the test certificate authority
//! ([`CertificateAuthorityError`]) and loading trusted roots ([`TrustAnchorError`]).

use chrono::{DateTime, Utc};
use der::asn1::ObjectIdentifier;
use housing_domain::iin::IinError;

use crate::time::InstantOutOfRange;

/// Why a detached signature does not verify.
///
/// Every variant is a reason to refuse the signed document. Messages name the
/// problem and never the signer: they may reach a log line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EdsError {
    /// The bytes are not a DER-encoded CMS `ContentInfo` with `SignedData`.
    #[error("the signature is not a DER-encoded CMS SignedData")]
    MalformedCms(#[source] der::Error),
    /// A `ContentInfo` of another type than `signedData`.
    #[error("the CMS content is not signedData")]
    NotSignedData,
    /// The signature carries content of its own. The document is the bytes sent
    /// beside the signature and nothing else, so embedded content is refused
    /// rather than compared.
    #[error("the signature is not detached: it carries encapsulated content")]
    NotDetached,
    /// The signed content type is not `id-data`.
    #[error("the signed content type is not id-data")]
    UnexpectedContentType,
    /// Not exactly one `SignerInfo`.
    #[error("the signature has {found} signers, not exactly one")]
    SignerCount {
        /// How many there are.
        found: usize,
    },
    /// A digest algorithm other than SHA-256.
    #[error("the digest algorithm {0} is not supported: SHA-256 only")]
    UnsupportedDigestAlgorithm(ObjectIdentifier),
    /// A signature algorithm other than RSA PKCS#1 v1.5 with SHA-256 (GOST
    /// signatures of the real centre are among these).
    #[error("the signature algorithm {0} is not supported: RSA with SHA-256 only")]
    UnsupportedSignatureAlgorithm(ObjectIdentifier),
    /// The signer's key is not an RSA key of at least 2048 bits.
    #[error("the signer's public key is not an RSA key of at least 2048 bits")]
    UnsupportedPublicKey,
    /// A required signed attribute (contentType, messageDigest, signingTime) is absent.
    #[error("the signed attribute {attribute} is missing")]
    MissingSignedAttribute {
        /// Which one.
        attribute: &'static str,
    },
    /// A signed attribute appears twice, has other than one value, or a value of the wrong type.
    #[error("the signed attribute {attribute} is malformed")]
    MalformedSignedAttribute {
        /// Which one.
        attribute: &'static str,
    },
    /// The certificate the `SignerInfo` names is not among the signature's certificates.
    #[error("the signer certificate is not included in the signature")]
    SignerCertificateMissing,
    /// The signer certificate has an extension this verifier cannot read.
    #[error("the signer certificate has extensions that cannot be read")]
    MalformedCertificate,
    /// The signer certificate has a critical extension this verifier does not
    /// process (RFC 5280 §4.2: such a certificate must be rejected).
    #[error("the signer certificate has an unsupported critical extension {0}")]
    UnsupportedCriticalExtension(ObjectIdentifier),
    /// The signer certificate is a CA certificate (basicConstraints cA), not a person's.
    #[error("the signer certificate is a certificate authority's, not a person's")]
    SignerIsCertificateAuthority,
    /// SHA-256 of the content is not the signed messageDigest: what was signed
    /// is not what was sent.
    #[error("the content does not match the signed message digest")]
    DigestMismatch,
    /// The RSA signature over the signed attributes does not verify with the
    /// signer certificate's key.
    #[error("the signature value does not verify")]
    BadSignature,
    /// The signer certificate was not issued by a trusted root (unknown issuer,
    /// a certificate signature that does not verify, or a root not valid at
    /// signing time).
    #[error("the signer certificate does not chain to a trusted root")]
    UntrustedChain,
    /// Signed before the signer certificate's validity began.
    #[error("the signer certificate was not yet valid at signing time")]
    CertificateNotYetValid {
        /// The signing time of the signed attributes.
        signing_time: DateTime<Utc>,
        /// The certificate's first instant of validity.
        not_before: DateTime<Utc>,
    },
    /// Signed after the signer certificate expired.
    #[error("the signer certificate had expired at signing time")]
    CertificateExpired {
        /// The signing time of the signed attributes.
        signing_time: DateTime<Utc>,
        /// The certificate's last instant of validity.
        not_after: DateTime<Utc>,
    },
    /// The signing time is later than the moment the signature was received
    /// (beyond the allowed clock skew): a signer's clock cannot be ahead of
    /// the receiver's by more than that.
    #[error("the signing time is after the signature was received")]
    SigningTimeInFuture {
        /// The signing time of the signed attributes.
        signing_time: DateTime<Utc>,
        /// When the receiver got the signature.
        received_at: DateTime<Utc>,
    },
    /// The subject has no `SERIALNUMBER=IIN<12 digits>`.
    #[error("the signer certificate names no IIN in its subject")]
    NoIinInSubject,
    /// The subject has more than one `SERIALNUMBER`.
    #[error("the signer certificate names more than one serial number in its subject")]
    AmbiguousSubject,
    /// The subject's `SERIALNUMBER=IIN...` is not a valid IIN.
    #[error("the IIN in the signer certificate's subject is invalid: {0}")]
    InvalidIinInSubject(IinError),
    /// The key usages fit neither a signing nor an authentication key.
    #[error("the signer certificate's key usage is neither a signing nor an authentication key")]
    UnrecognisedKeyPurpose,
}

/// Why a document could not be signed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SigningError {
    /// The signer certificate is not DER X.509.
    #[error("the signer certificate is not a DER-encoded X.509 certificate")]
    MalformedCertificate(#[source] der::Error),
    /// The private key is not a DER PKCS#8 RSA key.
    #[error("the private key is not a DER-encoded PKCS#8 RSA key")]
    MalformedPrivateKey(#[source] rsa::pkcs8::Error),
    /// The private key is not the certificate's: the signature would never verify.
    #[error("the private key does not belong to the signer certificate")]
    KeyDoesNotMatchCertificate,
    /// The signing time cannot be written into a signature.
    #[error("the signing time cannot be encoded")]
    SigningTimeOutOfRange(#[from] InstantOutOfRange),
    /// Encoding or signing failed.
    // cms 0.2's builder error does not implement std::error::Error, so it is
    // carried in the message rather than as a source.
    #[error("building the CMS signature failed: {0}")]
    Cms(cms::builder::Error),
}

/// Why the test certificate authority could not start or issue.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CertificateAuthorityError {
    /// Generating an RSA key failed.
    #[error("generating an RSA key failed")]
    KeyGeneration(#[source] rsa::Error),
    /// The stored private key is not a DER PKCS#8 RSA key.
    #[error("the authority's private key is not a DER-encoded PKCS#8 RSA key")]
    MalformedPrivateKey(#[source] rsa::pkcs8::Error),
    /// The stored certificate is not DER X.509.
    #[error("the authority's certificate is not a DER-encoded X.509 certificate")]
    MalformedCertificate(#[source] der::Error),
    /// The stored private key is not the stored certificate's.
    #[error("the authority's private key does not belong to its certificate")]
    KeyDoesNotMatchCertificate,
    /// The stored certificate is not a usable root (see [`TrustAnchorError`]).
    #[error("the authority's certificate is not a usable root")]
    NotARoot(#[source] TrustAnchorError),
    /// The common name is empty, longer than 64 characters (X.520's upper
    /// bound) or has control characters.
    #[error("the common name must be 1 to 64 characters without control characters")]
    InvalidCommonName,
    /// The validity is empty or reversed.
    #[error("the validity must end after it starts")]
    EmptyValidity,
    /// The validity is not within the authority's own.
    #[error("the validity must lie within the authority's own validity")]
    ValidityOutsideAuthority,
    /// An instant cannot be written into a certificate.
    #[error("a validity instant cannot be encoded")]
    InstantOutOfRange(#[from] InstantOutOfRange),
    /// Encoding or signing the certificate failed.
    #[error("building the certificate failed")]
    Certificate(#[source] x509_cert::builder::Error),
    /// Encoding a key or certificate failed.
    #[error("encoding failed")]
    Encoding(#[source] der::Error),
}

/// Why a certificate cannot be a trusted root.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TrustAnchorError {
    /// Not DER X.509.
    #[error("the root is not a DER-encoded X.509 certificate")]
    MalformedCertificate(#[source] der::Error),
    /// Not a CA certificate (basicConstraints cA and keyUsage keyCertSign).
    #[error("the root is not a CA certificate allowed to sign certificates")]
    NotACertificateAuthority,
    /// Not an RSA key of at least 2048 bits.
    #[error("the root's key is not an RSA key of at least 2048 bits")]
    UnsupportedPublicKey,
}
