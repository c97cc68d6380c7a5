//! `SIGNED_WITH_EDS`: who may sign the application, with which key.
//!
//! The service extracts the signer certificate's facts (it parses the
//! certificate and asks the certification centre for its status); this module
//! only decides. A failure is an authentication error at intake, not a decision.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::application::Application;
use crate::iin::Iin;

/// The facts of a signer certificate that the rule reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignerCertificate {
    /// The IIN in the subject (`SERIALNUMBER=IIN<12 digits>`).
    pub subject_iin: Iin,
    /// The certificate's key usage bits.
    pub key_usage: KeyUsage,
    /// First instant of validity.
    pub valid_from: DateTime<Utc>,
    /// Last instant of validity.
    pub valid_to: DateTime<Utc>,
    /// The certification centre's answer on revocation.
    pub revocation: RevocationStatus,
    /// Whether the chain ends at a trusted root of the national certification centre.
    pub chains_to_trusted_root: bool,
}

/// The X.509 key usage bits that tell a signing key from an authentication key.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyUsage {
    /// `digitalSignature`.
    pub digital_signature: bool,
    /// `nonRepudiation` (`contentCommitment`): set on signing keys only.
    pub non_repudiation: bool,
    /// `keyEncipherment`: set on authentication keys.
    pub key_encipherment: bool,
}

impl KeyUsage {
    /// The usage of a signing key (RSA or GOST "SIGN" certificate).
    pub const SIGNING: KeyUsage = KeyUsage {
        digital_signature: true,
        non_repudiation: true,
        key_encipherment: false,
    };
    /// The usage of an authentication key ("AUTH" certificate).
    pub const AUTHENTICATION: KeyUsage = KeyUsage {
        digital_signature: true,
        key_encipherment: true,
        non_repudiation: false,
    };

    /// A signing key: `digitalSignature` and `nonRepudiation` both set.
    pub fn is_signing_key(self) -> bool {
        self.digital_signature && self.non_repudiation
    }
}

/// The certification centre's answer on revocation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RevocationStatus {
    /// Not revoked.
    Good,
    /// Revoked.
    Revoked,
    /// The centre could not say: the check is retried, never passed.
    Unknown,
}

/// Why a signature does not satisfy `SIGNED_WITH_EDS`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, thiserror::Error)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum SignerRejected {
    /// The chain does not end at a trusted root.
    #[error("the certificate does not chain to a trusted root")]
    UntrustedChain,
    /// An authentication key (or any key without `nonRepudiation`) signed.
    #[error("the application was signed with an authentication key, not a signing key")]
    NotASigningKey,
    /// Signed before the certificate's validity.
    #[error("the certificate was not yet valid at signing time")]
    NotYetValid,
    /// Signed after the certificate's validity.
    #[error("the certificate had expired at signing time")]
    Expired,
    /// The certificate is revoked.
    #[error("the certificate is revoked")]
    Revoked,
    /// Revocation status unknown: retry the check later.
    #[error("the revocation status of the certificate is unknown")]
    RevocationStatusUnknown,
    /// The certificate names someone other than the applicant (no representative files).
    #[error("the certificate does not name the applicant")]
    NotTheApplicant,
    /// The certificate names someone other than the representative who files.
    #[error("the certificate does not name the representative filing the application")]
    NotTheRepresentative,
}

/// `SIGNED_WITH_EDS`.
///
/// §5: "To register those in need of housing in the Information Facility, the
/// Service Recipient, using an EDS, logs in to the Service Provider's Internet
/// resource and opens his personal account, in which he files an application."
/// §13: "When registering as needing housing the Service Recipient shall sign
/// and transfer to the Service Provider through the Informatization Facility,
/// an application …". App1 row 10.1: "the service recipient can receive the
/// public service in electronic form through the portal subject to
/// availability of EDS."
///
/// The certificate chains to a trusted root, is a signing key (not an
/// authentication key), is valid at the signing instant (both ends inclusive),
/// is not revoked (an unknown status is not a pass), and names the applicant —
/// or the representative when one files. Checks run in that order and the
/// first failure is returned.
pub fn check_signer(
    certificate: &SignerCertificate,
    signed_at: DateTime<Utc>,
    application: &Application,
) -> Result<(), SignerRejected> {
    if !certificate.chains_to_trusted_root {
        return Err(SignerRejected::UntrustedChain);
    }
    if !certificate.key_usage.is_signing_key() {
        return Err(SignerRejected::NotASigningKey);
    }
    if signed_at < certificate.valid_from {
        return Err(SignerRejected::NotYetValid);
    }
    if signed_at > certificate.valid_to {
        return Err(SignerRejected::Expired);
    }
    match certificate.revocation {
        RevocationStatus::Good => {}
        RevocationStatus::Revoked => return Err(SignerRejected::Revoked),
        RevocationStatus::Unknown => return Err(SignerRejected::RevocationStatusUnknown),
    }
    match &application.representative {
        Some(representative) if certificate.subject_iin != representative.iin => {
            Err(SignerRejected::NotTheRepresentative)
        }
        None if certificate.subject_iin != application.applicant => {
            Err(SignerRejected::NotTheApplicant)
        }
        _ => Ok(()),
    }
}
