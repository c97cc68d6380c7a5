//! The test PKI's certificate authority: a root that issues persons'
//! certificates the way the national certification centre does.
//!
//! Test only. It generates the person's key pair and hands back the private
//! key, which a real centre never sees; registry-gateway's
//! CertificationCentreService serves it to tests and the demo.

use std::fmt;

use chrono::{DateTime, Utc};
use der::referenced::OwnedToRef;
use der::{Decode, Encode};
use housing_domain::Iin;
use rsa::pkcs1v15::{Signature, SigningKey};
use rsa::pkcs8::{DecodePrivateKey, EncodePrivateKey};
use rsa::rand_core::CryptoRngCore;
use rsa::{RsaPrivateKey, RsaPublicKey};
use sha2::Sha256;
use spki::SubjectPublicKeyInfoOwned;
use x509_cert::Certificate;
use x509_cert::builder::{Builder, CertificateBuilder, Profile};
use x509_cert::ext::pkix::{
    AuthorityKeyIdentifier, BasicConstraints, ExtendedKeyUsage, KeyUsage, KeyUsages,
    SubjectKeyIdentifier,
};
use x509_cert::name::Name;
use x509_cert::serial_number::SerialNumber;
use x509_cert::time::Validity;
use zeroize::Zeroizing;

use crate::error::CertificateAuthorityError;
use crate::oid;
use crate::purpose::KeyPurpose;
use crate::serial::CertificateSerialNumber;
use crate::subject::{authority_subject, person_subject};
use crate::time::{asn1_time_from_utc, utc_from_asn1_time};
use crate::trust::TrustAnchors;

/// Size of every key the test PKI generates, as the centre's RSA keys.
pub const RSA_KEY_BITS: usize = 2048;

/// The longest common name X.520 allows (`ub-common-name`).
pub const MAXIMUM_COMMON_NAME_CHARACTERS: usize = 64;

/// Octets of a random serial number: 128 bits, well under RFC 5280's 20 octets,
/// with more than the 64 random bits the CA/Browser Forum asks for.
const SERIAL_NUMBER_OCTETS: usize = 16;

/// A root certificate authority of the test PKI, with its private key.
pub struct TestCertificateAuthority {
    signing_key: SigningKey<Sha256>,
    private_key_pkcs8_der: Zeroizing<Vec<u8>>,
    certificate: Certificate,
    certificate_der: Vec<u8>,
    trust_anchors: TrustAnchors,
}

/// What to put in a person's certificate.
#[derive(Debug, Clone)]
pub struct PersonCertificateRequest {
    /// The holder, written as `SERIALNUMBER=IIN<12 digits>`.
    pub holder_iin: Iin,
    /// The holder's name for `CN` (test data).
    pub common_name: String,
    /// Signing or authentication key.
    pub purpose: KeyPurpose,
    /// First instant of validity (whole seconds are kept).
    pub not_before: DateTime<Utc>,
    /// Last instant of validity (whole seconds are kept).
    pub not_after: DateTime<Utc>,
}

/// A person's certificate with its freshly generated key.
pub struct IssuedCertificate {
    /// DER-encoded X.509 certificate.
    pub certificate_der: Vec<u8>,
    /// DER-encoded PKCS#8 private key, wiped from memory when dropped.
    pub private_key_pkcs8_der: Zeroizing<Vec<u8>>,
    /// The certificate's serial number.
    pub serial_number: CertificateSerialNumber,
    /// First instant of validity, as written in the certificate.
    pub not_before: DateTime<Utc>,
    /// Last instant of validity, as written in the certificate.
    pub not_after: DateTime<Utc>,
}

impl TestCertificateAuthority {
    /// Generates a root: a new RSA-2048 key and a self-signed certificate
    /// `CN=<common_name>, C=KZ` with basicConstraints cA and keyUsage
    /// keyCertSign + cRLSign, valid over the given interval.
    ///
    /// Key generation is CPU-bound (tens to hundreds of milliseconds in an
    /// optimised build): async callers run it on a blocking thread.
    pub fn generate(
        common_name: &str,
        not_before: DateTime<Utc>,
        not_after: DateTime<Utc>,
        rng: &mut impl CryptoRngCore,
    ) -> Result<Self, CertificateAuthorityError> {
        check_common_name(common_name)?;
        let validity = validity(not_before, not_after)?;
        let private_key = RsaPrivateKey::new(rng, RSA_KEY_BITS)
            .map_err(CertificateAuthorityError::KeyGeneration)?;
        let signing_key = SigningKey::<Sha256>::new(private_key);
        let subject =
            authority_subject(common_name).map_err(CertificateAuthorityError::Encoding)?;
        let public_key_info = public_key_info(signing_key.as_ref())?;
        let builder = CertificateBuilder::new(
            Profile::Root,
            random_serial_number(rng)?,
            validity,
            subject,
            public_key_info,
            &signing_key,
        )
        .map_err(CertificateAuthorityError::Certificate)?;
        let certificate = builder
            .build_with_rng::<Signature>(rng)
            .map_err(CertificateAuthorityError::Certificate)?;
        let private_key_pkcs8_der = private_key_pkcs8_der(signing_key.as_ref())?;
        Self::assemble(signing_key, private_key_pkcs8_der, certificate)
    }

    /// Loads a root kept from an earlier [`generate`](Self::generate): its
    /// PKCS#8 private key and its certificate, both DER. Checks that the key is
    /// the certificate's and that the certificate is a usable root.
    pub fn from_pkcs8_and_certificate(
        private_key_pkcs8_der: &[u8],
        certificate_der: &[u8],
    ) -> Result<Self, CertificateAuthorityError> {
        let private_key = RsaPrivateKey::from_pkcs8_der(private_key_pkcs8_der)
            .map_err(CertificateAuthorityError::MalformedPrivateKey)?;
        let certificate = Certificate::from_der(certificate_der)
            .map_err(CertificateAuthorityError::MalformedCertificate)?;
        let certificate_public_key = RsaPublicKey::try_from(
            certificate
                .tbs_certificate
                .subject_public_key_info
                .owned_to_ref(),
        )
        .map_err(|_| CertificateAuthorityError::KeyDoesNotMatchCertificate)?;
        if certificate_public_key != private_key.to_public_key() {
            return Err(CertificateAuthorityError::KeyDoesNotMatchCertificate);
        }
        Self::assemble(
            SigningKey::<Sha256>::new(private_key),
            Zeroizing::new(private_key_pkcs8_der.to_vec()),
            certificate,
        )
    }

    fn assemble(
        signing_key: SigningKey<Sha256>,
        private_key_pkcs8_der: Zeroizing<Vec<u8>>,
        certificate: Certificate,
    ) -> Result<Self, CertificateAuthorityError> {
        let certificate_der = certificate
            .to_der()
            .map_err(CertificateAuthorityError::Encoding)?;
        let trust_anchors = TrustAnchors::from_root_der(&certificate_der)
            .map_err(CertificateAuthorityError::NotARoot)?;
        Ok(Self {
            signing_key,
            private_key_pkcs8_der,
            certificate,
            certificate_der,
            trust_anchors,
        })
    }

    /// The root certificate, DER: what verifiers trust.
    pub fn certificate_der(&self) -> &[u8] {
        &self.certificate_der
    }

    /// The root's private key, PKCS#8 DER: for keeping the root across restarts.
    pub fn private_key_pkcs8_der(&self) -> &[u8] {
        &self.private_key_pkcs8_der
    }

    /// The root as the only trust anchor.
    pub fn trust_anchors(&self) -> &TrustAnchors {
        &self.trust_anchors
    }

    /// First instant of the root's validity.
    pub fn not_before(&self) -> DateTime<Utc> {
        utc_from_asn1_time(&self.certificate.tbs_certificate.validity.not_before)
    }

    /// Last instant of the root's validity.
    pub fn not_after(&self) -> DateTime<Utc> {
        utc_from_asn1_time(&self.certificate.tbs_certificate.validity.not_after)
    }

    /// Issues a person's certificate with a new RSA-2048 key: subject
    /// `CN=<name>, SERIALNUMBER=IIN<12 digits>, C=KZ`, a random 128-bit serial,
    /// basicConstraints not a CA, subject and authority key identifiers, and the
    /// purpose's usages:
    ///
    /// * signing: keyUsage digitalSignature + nonRepudiation;
    /// * authentication: keyUsage digitalSignature + keyEncipherment,
    ///   extendedKeyUsage clientAuth.
    ///
    /// The validity must lie within the root's. Key generation is CPU-bound:
    /// async callers run it on a blocking thread.
    pub fn issue(
        &self,
        request: &PersonCertificateRequest,
        rng: &mut impl CryptoRngCore,
    ) -> Result<IssuedCertificate, CertificateAuthorityError> {
        check_common_name(&request.common_name)?;
        let validity = validity(request.not_before, request.not_after)?;
        if utc_from_asn1_time(&validity.not_before) < self.not_before()
            || utc_from_asn1_time(&validity.not_after) > self.not_after()
        {
            return Err(CertificateAuthorityError::ValidityOutsideAuthority);
        }
        let subject = person_subject(&request.common_name, &request.holder_iin)
            .map_err(CertificateAuthorityError::Encoding)?;
        let holder_private_key = RsaPrivateKey::new(rng, RSA_KEY_BITS)
            .map_err(CertificateAuthorityError::KeyGeneration)?;
        let certificate = self.sign_person_certificate(
            subject,
            public_key_info(&holder_private_key)?,
            request.purpose,
            validity,
            rng,
        )?;
        let certificate_der = certificate
            .to_der()
            .map_err(CertificateAuthorityError::Encoding)?;
        Ok(IssuedCertificate {
            certificate_der,
            private_key_pkcs8_der: private_key_pkcs8_der(&holder_private_key)?,
            serial_number: CertificateSerialNumber::of_certificate(
                &certificate.tbs_certificate.serial_number,
            ),
            not_before: utc_from_asn1_time(&certificate.tbs_certificate.validity.not_before),
            not_after: utc_from_asn1_time(&certificate.tbs_certificate.validity.not_after),
        })
    }

    /// The root's signing key, for tests that craft certificates the centre
    /// never issues (no IIN, unknown critical extensions) and see them refused.
    #[cfg(test)]
    pub(crate) fn signing_key(&self) -> &SigningKey<Sha256> {
        &self.signing_key
    }

    fn sign_person_certificate(
        &self,
        subject: Name,
        holder_public_key_info: SubjectPublicKeyInfoOwned,
        purpose: KeyPurpose,
        validity: Validity,
        rng: &mut impl CryptoRngCore,
    ) -> Result<Certificate, CertificateAuthorityError> {
        let authority_key_identifier = AuthorityKeyIdentifier::try_from(
            self.certificate
                .tbs_certificate
                .subject_public_key_info
                .owned_to_ref(),
        )
        .map_err(|error| CertificateAuthorityError::Certificate(error.into()))?;
        let subject_key_identifier =
            SubjectKeyIdentifier::try_from(holder_public_key_info.owned_to_ref())
                .map_err(|error| CertificateAuthorityError::Certificate(error.into()))?;
        // `Profile::Leaf` always sets nonRepudiation, which an authentication
        // key must not carry; the manual profile writes exactly the extensions below.
        let mut builder = CertificateBuilder::new(
            Profile::Manual {
                issuer: Some(self.certificate.tbs_certificate.subject.clone()),
            },
            random_serial_number(rng)?,
            validity,
            subject,
            holder_public_key_info,
            &self.signing_key,
        )
        .map_err(CertificateAuthorityError::Certificate)?;
        builder
            .add_extension(&subject_key_identifier)
            .map_err(CertificateAuthorityError::Certificate)?;
        builder
            .add_extension(&authority_key_identifier)
            .map_err(CertificateAuthorityError::Certificate)?;
        builder
            .add_extension(&BasicConstraints {
                ca: false,
                path_len_constraint: None,
            })
            .map_err(CertificateAuthorityError::Certificate)?;
        builder
            .add_extension(&key_usage_of(purpose))
            .map_err(CertificateAuthorityError::Certificate)?;
        if purpose == KeyPurpose::Authentication {
            builder
                .add_extension(&ExtendedKeyUsage(vec![oid::CLIENT_AUTHENTICATION]))
                .map_err(CertificateAuthorityError::Certificate)?;
        }
        builder
            .build_with_rng::<Signature>(rng)
            .map_err(CertificateAuthorityError::Certificate)
    }
}

impl fmt::Debug for TestCertificateAuthority {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never the private key.
        formatter
            .debug_struct("TestCertificateAuthority")
            .field(
                "serial_number",
                &CertificateSerialNumber::of_certificate(
                    &self.certificate.tbs_certificate.serial_number,
                ),
            )
            .field("not_before", &self.not_before())
            .field("not_after", &self.not_after())
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for IssuedCertificate {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never the private key.
        formatter
            .debug_struct("IssuedCertificate")
            .field("serial_number", &self.serial_number)
            .field("not_before", &self.not_before)
            .field("not_after", &self.not_after)
            .finish_non_exhaustive()
    }
}

fn key_usage_of(purpose: KeyPurpose) -> KeyUsage {
    KeyUsage(match purpose {
        KeyPurpose::Signing => KeyUsages::DigitalSignature | KeyUsages::NonRepudiation,
        KeyPurpose::Authentication => KeyUsages::DigitalSignature | KeyUsages::KeyEncipherment,
    })
}

fn check_common_name(common_name: &str) -> Result<(), CertificateAuthorityError> {
    let characters = common_name.chars().count();
    if characters == 0
        || characters > MAXIMUM_COMMON_NAME_CHARACTERS
        || common_name.chars().any(char::is_control)
    {
        return Err(CertificateAuthorityError::InvalidCommonName);
    }
    Ok(())
}

fn validity(
    not_before: DateTime<Utc>,
    not_after: DateTime<Utc>,
) -> Result<Validity, CertificateAuthorityError> {
    let validity = Validity {
        not_before: asn1_time_from_utc(not_before)?,
        not_after: asn1_time_from_utc(not_after)?,
    };
    // Compared after truncation to whole seconds: that is what the certificate says.
    if utc_from_asn1_time(&validity.not_after) <= utc_from_asn1_time(&validity.not_before) {
        return Err(CertificateAuthorityError::EmptyValidity);
    }
    Ok(validity)
}

/// A positive serial of exactly [`SERIAL_NUMBER_OCTETS`] significant octets:
/// the top bit is cleared (positive without a sign octet) and the next set (no
/// leading zero octet), leaving 126 random bits.
fn random_serial_number(
    rng: &mut impl CryptoRngCore,
) -> Result<SerialNumber, CertificateAuthorityError> {
    let mut octets = [0_u8; SERIAL_NUMBER_OCTETS];
    rng.fill_bytes(&mut octets);
    octets[0] = (octets[0] & 0x7f) | 0x40;
    SerialNumber::new(&octets).map_err(CertificateAuthorityError::Encoding)
}

fn public_key_info(
    private_key: &RsaPrivateKey,
) -> Result<SubjectPublicKeyInfoOwned, CertificateAuthorityError> {
    SubjectPublicKeyInfoOwned::from_key(private_key.to_public_key())
        .map_err(|error| CertificateAuthorityError::Certificate(error.into()))
}

fn private_key_pkcs8_der(
    private_key: &RsaPrivateKey,
) -> Result<Zeroizing<Vec<u8>>, CertificateAuthorityError> {
    let document = private_key
        .to_pkcs8_der()
        .map_err(CertificateAuthorityError::MalformedPrivateKey)?;
    Ok(Zeroizing::new(document.as_bytes().to_vec()))
}
