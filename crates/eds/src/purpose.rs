//! What a person's key is for: signing or authentication.
//!
//! The national certification centre issues every person two keys. The
//! signing key ("SIGN", `RSA256_...`) carries `digitalSignature` and
//! `nonRepudiation`: it is what a person signs a document with. The
//! authentication key ("AUTH") carries `digitalSignature` and
//! `keyEncipherment` and the `clientAuth` extended key usage: it logs a
//! person in and must never count as their signature (`SIGNED_WITH_EDS`).

use std::fmt;

use x509_cert::certificate::TbsCertificate;
use x509_cert::ext::pkix::{ExtendedKeyUsage, KeyUsage};

use crate::oid;

/// What a person's key is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyPurpose {
    /// `digitalSignature` + `nonRepudiation`: what documents are signed with.
    Signing,
    /// `digitalSignature` + `keyEncipherment` + the `clientAuth` extended key
    /// usage: for logging in, never for signing.
    Authentication,
}

impl KeyPurpose {
    /// A stable name for storage and logs: `SIGNING` or `AUTHENTICATION`.
    pub const fn as_str(self) -> &'static str {
        match self {
            KeyPurpose::Signing => "SIGNING",
            KeyPurpose::Authentication => "AUTHENTICATION",
        }
    }

    /// The purpose [`KeyPurpose::as_str`] names.
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "SIGNING" => Some(KeyPurpose::Signing),
            "AUTHENTICATION" => Some(KeyPurpose::Authentication),
            _ => None,
        }
    }

    /// The key usages a certificate of this purpose carries.
    pub const fn key_usage(self) -> CertificateKeyUsage {
        match self {
            KeyPurpose::Signing => CertificateKeyUsage {
                digital_signature: true,
                non_repudiation: true,
                key_encipherment: false,
                client_authentication: false,
            },
            KeyPurpose::Authentication => CertificateKeyUsage {
                digital_signature: true,
                non_repudiation: false,
                key_encipherment: true,
                client_authentication: true,
            },
        }
    }
}

impl fmt::Display for KeyPurpose {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.as_str())
    }
}

/// The usages of a person's certificate that tell its purpose apart.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct CertificateKeyUsage {
    /// keyUsage `digitalSignature`.
    pub digital_signature: bool,
    /// keyUsage `nonRepudiation` (`contentCommitment`): signing keys only.
    pub non_repudiation: bool,
    /// keyUsage `keyEncipherment`: authentication keys.
    pub key_encipherment: bool,
    /// extendedKeyUsage `id-kp-clientAuth`: authentication keys.
    pub client_authentication: bool,
}

impl CertificateKeyUsage {
    /// Reads the keyUsage and extendedKeyUsage extensions. A certificate
    /// without a keyUsage extension has no usage bits here: RFC 5280 would
    /// allow it every usage, but the centre always writes the extension, so its
    /// absence is a certificate that is not the centre's kind.
    pub(crate) fn of_certificate(
        certificate: &TbsCertificate,
    ) -> Result<Self, MalformedKeyUsageExtension> {
        let key_usage = certificate
            .get::<KeyUsage>()
            .map_err(|_| MalformedKeyUsageExtension)?
            .map(|(_critical, key_usage)| key_usage);
        let extended_key_usage = certificate
            .get::<ExtendedKeyUsage>()
            .map_err(|_| MalformedKeyUsageExtension)?
            .map(|(_critical, extended_key_usage)| extended_key_usage);
        Ok(Self {
            digital_signature: key_usage.is_some_and(|usage| usage.digital_signature()),
            non_repudiation: key_usage.is_some_and(|usage| usage.non_repudiation()),
            key_encipherment: key_usage.is_some_and(|usage| usage.key_encipherment()),
            client_authentication: extended_key_usage
                .is_some_and(|usage| usage.0.contains(&oid::CLIENT_AUTHENTICATION)),
        })
    }

    /// The purpose these usages give the key, or `None` when they fit neither.
    ///
    /// A key with `nonRepudiation` is a signing key whatever else it carries:
    /// that bit is the holder's commitment to what they sign, and it is the bit
    /// `housing_domain`'s `SIGNED_WITH_EDS` reads. An authentication key is
    /// recognised only with all three of its marks and without
    /// `nonRepudiation`.
    pub fn purpose(self) -> Option<KeyPurpose> {
        if self.digital_signature && self.non_repudiation {
            Some(KeyPurpose::Signing)
        } else if self.digital_signature && self.key_encipherment && self.client_authentication {
            Some(KeyPurpose::Authentication)
        } else {
            None
        }
    }
}

impl From<CertificateKeyUsage> for housing_domain::eligibility::eds::KeyUsage {
    fn from(usage: CertificateKeyUsage) -> Self {
        Self {
            digital_signature: usage.digital_signature,
            non_repudiation: usage.non_repudiation,
            key_encipherment: usage.key_encipherment,
        }
    }
}

/// A keyUsage or extendedKeyUsage extension that does not decode, or appears twice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct MalformedKeyUsageExtension;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_purposes_classify_as_themselves() {
        for purpose in [KeyPurpose::Signing, KeyPurpose::Authentication] {
            assert_eq!(purpose.key_usage().purpose(), Some(purpose));
            assert_eq!(KeyPurpose::from_name(purpose.as_str()), Some(purpose));
        }
    }

    #[test]
    fn an_authentication_key_needs_the_client_authentication_usage() {
        let without_client_authentication = CertificateKeyUsage {
            client_authentication: false,
            ..KeyPurpose::Authentication.key_usage()
        };
        assert_eq!(without_client_authentication.purpose(), None);
    }

    #[test]
    fn non_repudiation_makes_a_signing_key_as_the_domain_reads_it() {
        let every_usage = CertificateKeyUsage {
            digital_signature: true,
            non_repudiation: true,
            key_encipherment: true,
            client_authentication: true,
        };
        assert_eq!(every_usage.purpose(), Some(KeyPurpose::Signing));
        let domain_usage = housing_domain::eligibility::eds::KeyUsage::from(every_usage);
        assert!(domain_usage.is_signing_key());
    }

    #[test]
    fn the_domain_sees_the_same_bits() {
        assert_eq!(
            housing_domain::eligibility::eds::KeyUsage::from(KeyPurpose::Signing.key_usage()),
            housing_domain::eligibility::eds::KeyUsage::SIGNING
        );
        assert_eq!(
            housing_domain::eligibility::eds::KeyUsage::from(
                KeyPurpose::Authentication.key_usage()
            ),
            housing_domain::eligibility::eds::KeyUsage::AUTHENTICATION
        );
    }
}
