//! `SIGNED_WITH_EDS` at intake: the shared checks of
//! `housing_platform::signature` (the CMS signature over the exact form
//! bytes, a signing key, the certificate's status at the certification
//! centre) and the rule itself (`housing_domain::eligibility::eds::check_signer`).
//!
//! Every failure is `UNAUTHENTICATED` with the reason `SIGNED_WITH_EDS` and a
//! message that says what is wrong; nothing is stored. A centre that cannot be
//! reached is `UNAVAILABLE` instead: the signature may well be good.

use chrono::{DateTime, Utc};
use housing_domain::eligibility::Application;
use housing_domain::eligibility::eds::{RevocationStatus, check_signer};
use housing_eds::{TrustAnchors, VerifiedSignature};
use housing_platform::error::ServiceError;
use housing_platform::signature::SignatureVerifier;

use crate::peers::Peers;

/// Verifies signatures against the trusted root and asks the centre about revocation.
#[derive(Debug, Clone)]
pub struct SignatureChecker {
    verifier: SignatureVerifier,
}

impl SignatureChecker {
    /// A checker trusting `trust_anchors`.
    pub fn new(trust_anchors: TrustAnchors, peers: Peers) -> Self {
        Self {
            verifier: SignatureVerifier::new(
                trust_anchors,
                peers.certification_centre,
                crate::SERVICE,
                peers.call_timeout,
                "application",
            ),
        }
    }

    /// The cryptographic checks and the key purpose.
    pub fn verify(
        &self,
        content: &[u8],
        cms_signature: &[u8],
        received_at: DateTime<Utc>,
    ) -> Result<VerifiedSignature, ServiceError> {
        self.verifier.verify(content, cms_signature, received_at)
    }

    /// The certificate's status at the moment the application was received.
    pub async fn revocation_status(
        &self,
        verified: &VerifiedSignature,
        received_at: DateTime<Utc>,
    ) -> Result<RevocationStatus, ServiceError> {
        self.verifier.revocation_status(verified, received_at).await
    }

    /// The rule: signing key, valid at signing time, not revoked, and naming
    /// the applicant or the representative who files.
    pub fn check_signer(
        &self,
        verified: &VerifiedSignature,
        revocation: RevocationStatus,
        application: &Application,
    ) -> Result<(), ServiceError> {
        check_signer(
            &verified.signer_certificate(revocation),
            verified.signing_time(),
            application,
        )
        .map_err(|rejection| self.verifier.rejected(&rejection.to_string()))
    }
}
