//! Whether a citizen's EDS authentication certificate is revoked, asked of
//! the certification centre as signed documents' certificates are
//! ([`crate::signature`]). A certificate found good is not asked about again
//! for [`GOOD_FOR`]: a revocation takes effect within that time, and a citizen
//! making many calls costs one question a minute, not one a call. A revoked or
//! unknown certificate is never cached: it is refused every time it is shown.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use housing_proto::housing::registry::v1::CertificateStatus;
use housing_proto::housing::registry::v1::certification_centre_service_client::CertificationCentreServiceClient;
use tonic::transport::Channel;

use crate::error::{ErrorReason, Reason, ServiceError};

/// How long a certificate found good is taken as good.
pub const GOOD_FOR: Duration = Duration::from_secs(60);
/// At most this many certificates are remembered; beyond, the memory starts afresh.
const REMEMBERED: usize = 100_000;

/// Asks the certification centre, remembering good answers for [`GOOD_FOR`].
#[derive(Clone, Debug)]
pub struct RevocationChecker {
    centre: CertificationCentreServiceClient<Channel>,
    service: String,
    call_timeout: Duration,
    good: Arc<Mutex<HashMap<String, Instant>>>,
}

impl RevocationChecker {
    /// A checker asking `centre` as the system `service`, each call within `call_timeout`.
    pub fn new(
        centre: CertificationCentreServiceClient<Channel>,
        service: &str,
        call_timeout: Duration,
    ) -> Self {
        Self {
            centre,
            service: service.to_owned(),
            call_timeout,
            good: Arc::new(Mutex::new(HashMap::new())),
        }
    }

    /// Ok when the certificate `serial` was good at `at`; UNAUTHENTICATED when
    /// revoked or unknown to the centre; UNAVAILABLE when the centre does not
    /// answer (the certificate may well be good: retry).
    pub async fn check(&self, serial: &str, at: DateTime<Utc>) -> Result<(), ServiceError> {
        let remembered = self
            .good
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(serial)
            .is_some_and(|found| found.elapsed() < GOOD_FOR);
        if remembered {
            return Ok(());
        }
        let answer = crate::signature::ask_certificate_status(
            &self.centre,
            &self.service,
            self.call_timeout,
            serial.to_owned(),
            at,
        )
        .await
        .map_err(|status| {
            tracing::warn!(
                code = ?status.code(),
                "the certification centre did not answer an authentication certificate's status"
            );
            ServiceError::Unavailable {
                reason: Reason::Unavailable,
                message: "the certification centre cannot confirm the authentication \
                              certificate's status now; retry later"
                    .to_owned(),
            }
        })?;
        match answer {
            CertificateStatus::Good => {
                let mut good = self.good.lock().unwrap_or_else(PoisonError::into_inner);
                if good.len() >= REMEMBERED {
                    good.clear();
                }
                good.insert(serial.to_owned(), Instant::now());
                Ok(())
            }
            CertificateStatus::Revoked => {
                Err(refused("the EDS authentication certificate is revoked"))
            }
            CertificateStatus::Unknown | CertificateStatus::Unspecified => Err(refused(
                "the certification centre does not know the EDS authentication certificate",
            )),
        }
    }
}

fn refused(message: &str) -> ServiceError {
    ServiceError::Unauthenticated {
        reason: ErrorReason::Other(Reason::Unauthenticated),
        message: message.to_owned(),
    }
}
