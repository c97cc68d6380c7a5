//! `SIGNED_WITH_EDS` at intake: the CMS signature over the exact form bytes,
//! the certificate's status at the certification centre, and the rule itself
//! (`housing_domain::eligibility::eds::check_signer`).
//!
//! Every failure is `UNAUTHENTICATED` with the reason `SIGNED_WITH_EDS` and a
//! message that says what is wrong; nothing is stored. A centre that cannot be
//! reached is `UNAVAILABLE` instead: the signature may well be good.

use chrono::{DateTime, Utc};
use housing_domain::RuleCode;
use housing_domain::eligibility::Application;
use housing_domain::eligibility::eds::{RevocationStatus, check_signer};
use housing_eds::{EdsError, KeyPurpose, TrustAnchors, VerifiedSignature, verify_detached};
use housing_platform::error::{ErrorReason, Reason, ServiceError};
use housing_proto::housing::registry::v1::{CertificateStatus, CheckCertificateStatusRequest};

use crate::peers::Peers;
use crate::wire::timestamp;

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

    /// The cryptographic checks of `housing_eds::verify_detached` and the key
    /// purpose: an authentication key never signs an application.
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
                "the application was signed with an authentication key, not a signing key",
            ));
        }
        Ok(verified)
    }

    /// The certificate's status at the moment the application was received
    /// (docs/test-pki.md: not at the signer's own claim of signing time).
    pub async fn revocation_status(
        &self,
        verified: &VerifiedSignature,
        received_at: DateTime<Utc>,
    ) -> Result<RevocationStatus, ServiceError> {
        let request = self.peers.request(CheckCertificateStatusRequest {
            serial_number: verified.certificate_serial().to_string(),
            at_time: Some(timestamp(received_at)),
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
        Ok(match answer.status() {
            CertificateStatus::Good => RevocationStatus::Good,
            CertificateStatus::Revoked => RevocationStatus::Revoked,
            CertificateStatus::Unknown | CertificateStatus::Unspecified => {
                RevocationStatus::Unknown
            }
        })
    }

    /// The rule: signing key, valid at signing time, not revoked, and naming
    /// the applicant or the representative who files.
    pub fn check_signer(
        verified: &VerifiedSignature,
        revocation: RevocationStatus,
        application: &Application,
    ) -> Result<(), ServiceError> {
        check_signer(
            &verified.signer_certificate(revocation),
            verified.signing_time(),
            application,
        )
        .map_err(|rejection| rejected(&rejection.to_string()))
    }
}

fn rejected(problem: &str) -> ServiceError {
    ServiceError::Unauthenticated {
        reason: ErrorReason::Rule(RuleCode::SignedWithEds),
        message: format!("the application is not signed with a valid EDS: {problem}"),
    }
}

/// The verifier's own words, which name no person; a tampered form gets a
/// plainer sentence, because that is what a citizen has to understand.
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
