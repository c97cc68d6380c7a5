//! `SIGNED_WITH_EDS` for complaints: a complaint is signed like an
//! application. The CMS signature over the exact form bytes, a signing key,
//! the certificate's status at receipt, and the complainant as the signer.
//!
//! Every failure is `UNAUTHENTICATED` with the reason `SIGNED_WITH_EDS`;
//! nothing is stored. A centre that cannot be reached is `UNAVAILABLE`.

use chrono::{DateTime, Utc};
use housing_domain::{Iin, RuleCode};
use housing_eds::{EdsError, KeyPurpose, TrustAnchors, VerifiedSignature, verify_detached};
use housing_platform::error::{ErrorReason, Reason, ServiceError};
use housing_proto::housing::registry::v1::{CertificateStatus, CheckCertificateStatusRequest};

use crate::peers::Peers;

/// Verifies signatures against the trusted root and asks the centre about revocation.
#[derive(Debug, Clone)]
pub struct SignatureChecker {
    trust_anchors: TrustAnchors,
    peers: Peers,
}

impl SignatureChecker {
    /// A checker trusting `trust_anchors`.
    pub fn new(trust_anchors: TrustAnchors, peers: Peers) -> Self {
        Self {
            trust_anchors,
            peers,
        }
    }

    /// The cryptographic checks and the key purpose: an authentication key
    /// never signs a complaint.
    pub fn verify(
        &self,
        content: &[u8],
        cms_signature: &[u8],
        received_at: DateTime<Utc>,
    ) -> Result<VerifiedSignature, ServiceError> {
        let verified = verify_detached(content, cms_signature, &self.trust_anchors, received_at)
            .map_err(|error| rejected(&describe(&error)))?;
        if verified.key_purpose() != KeyPurpose::Signing {
            return Err(rejected(
                "the complaint was signed with an authentication key, not a signing key",
            ));
        }
        Ok(verified)
    }

    /// Fails unless the certificate was good when the complaint was received.
    pub async fn require_not_revoked(
        &self,
        verified: &VerifiedSignature,
        received_at: DateTime<Utc>,
    ) -> Result<(), ServiceError> {
        let request = self.peers.request(CheckCertificateStatusRequest {
            serial_number: verified.certificate_serial().to_string(),
            at_time: Some(crate::wire::timestamp(received_at)),
        });
        let answer = self
            .peers
            .certification_centre
            .clone()
            .check_certificate_status(request)
            .await
            .map_err(|status| {
                tracing::warn!(
                    code = ?status.code(),
                    certificate_serial = %verified.certificate_serial(),
                    "the certification centre did not answer a status check"
                );
                ServiceError::Unavailable {
                    reason: Reason::Unavailable,
                    message: "the certification centre cannot confirm the certificate's status now; retry later"
                        .to_owned(),
                }
            })?
            .into_inner();
        match answer.status() {
            CertificateStatus::Good => Ok(()),
            CertificateStatus::Revoked => Err(rejected(
                "the signer certificate was revoked when the complaint was received",
            )),
            CertificateStatus::Unknown | CertificateStatus::Unspecified => Err(rejected(
                "the certification centre does not know the signer certificate",
            )),
        }
    }

    /// Fails unless the certificate names the complainant.
    pub fn require_signer(
        verified: &VerifiedSignature,
        complainant: &Iin,
    ) -> Result<(), ServiceError> {
        if &verified.signer_iin() == complainant {
            Ok(())
        } else {
            Err(rejected(
                "the signer certificate does not name the complainant of the form",
            ))
        }
    }
}

fn rejected(problem: &str) -> ServiceError {
    ServiceError::Unauthenticated {
        reason: ErrorReason::Rule(RuleCode::SignedWithEds),
        message: format!("the complaint is not signed with a valid EDS: {problem}"),
    }
}

/// The verifier's own words, which name no person.
fn describe(error: &EdsError) -> String {
    match error {
        EdsError::DigestMismatch => {
            "the signed form was changed after signing (the content does not match the signature)"
                .to_owned()
        }
        EdsError::UntrustedChain => {
            "the certificate was not issued by the national certification centre".to_owned()
        }
        other => other.to_string(),
    }
}
