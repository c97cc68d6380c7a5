//! `SIGNED_WITH_EDS` for every service that accepts signed documents
//! (applications at intake, complaints): the CMS signature over the exact
//! bytes, a signing key, and the certificate's status at the certification
//! centre at the moment of receipt (docs/test-pki.md).
//!
//! Every failure is `UNAUTHENTICATED` with the reason `SIGNED_WITH_EDS` and a
//! message that says what is wrong; a centre that cannot be reached is
//! `UNAVAILABLE` instead: the signature may well be good.

use std::time::Duration;

use chrono::{DateTime, Utc};
use housing_domain::RuleCode;
use housing_domain::eligibility::eds::RevocationStatus;
use housing_eds::{EdsError, KeyPurpose, TrustAnchors, VerifiedSignature, verify_detached};
use housing_proto::housing::registry::v1::certification_centre_service_client::CertificationCentreServiceClient;
use housing_proto::housing::registry::v1::{CertificateStatus, CheckCertificateStatusRequest};
use tonic::transport::Channel;

use crate::caller::Caller;
use crate::error::{ErrorReason, Reason, ServiceError};

/// Verifies the signatures of one kind of document ("application",
/// "complaint") against the trusted root, and asks the centre about revocation.
#[derive(Debug, Clone)]
pub struct SignatureVerifier {
    trust_anchors: TrustAnchors,
    centre: CertificationCentreServiceClient<Channel>,
    service: &'static str,
    call_timeout: Duration,
    document: &'static str,
}

impl SignatureVerifier {
    /// A verifier of `document`s trusting `trust_anchors`; `service` calls the
    /// centre as the system it is, each call within `call_timeout`.
    pub fn new(
        trust_anchors: TrustAnchors,
        centre: CertificationCentreServiceClient<Channel>,
        service: &'static str,
        call_timeout: Duration,
        document: &'static str,
    ) -> Self {
        Self {
            trust_anchors,
            centre,
            service,
            call_timeout,
            document,
        }
    }

    /// The cryptographic checks of `housing_eds::verify_detached` and the key
    /// purpose: an authentication key never signs a document.
    pub fn verify(
        &self,
        content: &[u8],
        cms_signature: &[u8],
        received_at: DateTime<Utc>,
    ) -> Result<VerifiedSignature, ServiceError> {
        let verified = verify_detached(content, cms_signature, &self.trust_anchors, received_at)
            .map_err(|error| self.rejected(&describe(&error)))?;
        if verified.key_purpose() != KeyPurpose::Signing {
            return Err(self.rejected(&format!(
                "the {} was signed with an authentication key, not a signing key",
                self.document
            )));
        }
        Ok(verified)
    }

    /// The certificate's status at the moment the document was received (not
    /// at the signer's own claim of signing time).
    pub async fn revocation_status(
        &self,
        verified: &VerifiedSignature,
        received_at: DateTime<Utc>,
    ) -> Result<RevocationStatus, ServiceError> {
        let answer = ask_certificate_status(
            &self.centre,
            self.service,
            self.call_timeout,
            verified.certificate_serial().to_string(),
            received_at,
        )
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
            })?;
        Ok(match answer {
            CertificateStatus::Good => RevocationStatus::Good,
            CertificateStatus::Revoked => RevocationStatus::Revoked,
            CertificateStatus::Unknown | CertificateStatus::Unspecified => {
                RevocationStatus::Unknown
            }
        })
    }

    /// The `SIGNED_WITH_EDS` refusal of a document, saying what is wrong.
    pub fn rejected(&self, problem: &str) -> ServiceError {
        ServiceError::Unauthenticated {
            reason: ErrorReason::Rule(RuleCode::SignedWithEds),
            message: format!(
                "the {} is not signed with a valid EDS: {problem}",
                self.document
            ),
        }
    }
}

/// Asks the certification centre, as the system `service` within
/// `call_timeout`, for the status of the certificate `serial` at `at`:
/// signed documents' signers here, citizens' authentication certificates in
/// [`crate::security::revocation`].
pub(crate) async fn ask_certificate_status(
    centre: &CertificationCentreServiceClient<Channel>,
    service: &str,
    call_timeout: Duration,
    serial: String,
    at: DateTime<Utc>,
) -> Result<CertificateStatus, tonic::Status> {
    let mut request = tonic::Request::new(CheckCertificateStatusRequest {
        serial_number: serial,
        at_time: Some(prost_types::Timestamp {
            seconds: at.timestamp(),
            nanos: i32::try_from(at.timestamp_subsec_nanos()).unwrap_or(0),
        }),
    });
    Caller::system(service).attach(request.metadata_mut());
    request.set_timeout(call_timeout);
    Ok(centre
        .clone()
        .check_certificate_status(request)
        .await?
        .into_inner()
        .status())
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
