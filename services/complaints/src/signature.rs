//! `SIGNED_WITH_EDS` for complaints: a complaint is signed like an
//! application. The shared checks of `housing_platform::signature` (the CMS
//! signature over the exact form bytes, a signing key, the certificate's
//! status at receipt), and the complainant as the signer.
//!
//! Every failure is `UNAUTHENTICATED` with the reason `SIGNED_WITH_EDS`;
//! nothing is stored. A centre that cannot be reached is `UNAVAILABLE`.

use chrono::{DateTime, Utc};
use housing_domain::Iin;
use housing_domain::eligibility::eds::RevocationStatus;
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
    pub fn new(trust_anchors: TrustAnchors, peers: &Peers) -> Self {
        Self {
            verifier: SignatureVerifier::new(
                trust_anchors,
                peers.certification_centre.clone(),
                crate::SERVICE,
                peers.call_timeout,
                "complaint",
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

    /// Fails unless the certificate was good when the complaint was received.
    pub async fn require_not_revoked(
        &self,
        verified: &VerifiedSignature,
        received_at: DateTime<Utc>,
    ) -> Result<(), ServiceError> {
        match self
            .verifier
            .revocation_status(verified, received_at)
            .await?
        {
            RevocationStatus::Good => Ok(()),
            RevocationStatus::Revoked => Err(self
                .verifier
                .rejected("the signer certificate was revoked when the complaint was received")),
            RevocationStatus::Unknown => Err(self
                .verifier
                .rejected("the certification centre does not know the signer certificate")),
        }
    }

    /// Fails unless the certificate names the complainant.
    pub fn require_signer(
        &self,
        verified: &VerifiedSignature,
        complainant: &Iin,
    ) -> Result<(), ServiceError> {
        if &verified.signer_iin() == complainant {
            Ok(())
        } else {
            Err(self
                .verifier
                .rejected("the signer certificate does not name the complainant of the form"))
        }
    }
}
