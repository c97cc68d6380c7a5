//! The gRPC adapter: wire requests in, `housing-eds` and the store behind,
//! wire responses out.

use std::sync::Arc;

use chrono::Utc;
use housing_eds::CertificateAuthorityError;
use housing_eds::rand_core::OsRng;
use housing_platform::error::{Reason, ServiceError};
use housing_proto::housing::registry::v1 as pb;
use housing_storage::StorageError;
use pb::certification_centre_service_server::CertificationCentreService;
use tonic::{Request, Response, Status};

use super::CertificationCentre;
use super::requests::{self, RootValidity, timestamp};
use super::store::{CertificateStoreError, IssuedCertificateRecord, StoredStatus};

#[tonic::async_trait]
impl CertificationCentreService for CertificationCentre {
    async fn get_root_certificate(
        &self,
        _request: Request<pb::GetRootCertificateRequest>,
    ) -> Result<Response<pb::GetRootCertificateResponse>, Status> {
        Ok(Response::new(pb::GetRootCertificateResponse {
            certificate_der: self.authority.certificate_der().to_vec(),
        }))
    }

    async fn issue_certificate(
        &self,
        request: Request<pb::IssueCertificateRequest>,
    ) -> Result<Response<pb::IssueCertificateResponse>, Status> {
        let now = Utc::now();
        let root = RootValidity {
            not_before: self.authority.not_before(),
            not_after: self.authority.not_after(),
        };
        let person = requests::person_certificate_request(request.get_ref(), root, now)?;
        let holder_iin = person.holder_iin;
        let purpose = person.purpose;

        // RSA key generation takes tens to hundreds of milliseconds of CPU:
        // off the async workers.
        let authority = Arc::clone(&self.authority);
        let issued = tokio::task::spawn_blocking(move || authority.issue(&person, &mut OsRng))
            .await
            .map_err(|join_error| {
                ServiceError::Internal(
                    anyhow::Error::new(join_error).context("the certificate issuing task failed"),
                )
            })?
            .map_err(issuance_failure)?;

        self.store
            .record_issued(&IssuedCertificateRecord {
                serial_number: issued.serial_number.clone(),
                holder_iin,
                purpose,
                not_before: issued.not_before,
                not_after: issued.not_after,
                certificate_der: issued.certificate_der.clone(),
                issued_at: now,
            })
            .await
            .map_err(storage_failure)?;
        tracing::info!(
            serial_number = %issued.serial_number,
            purpose = %purpose,
            "certificate issued"
        );
        Ok(Response::new(pb::IssueCertificateResponse {
            certificate_der: issued.certificate_der,
            private_key_pkcs8_der: issued.private_key_pkcs8_der.to_vec(),
            serial_number: issued.serial_number.to_string(),
        }))
    }

    async fn revoke_certificate(
        &self,
        request: Request<pb::RevokeCertificateRequest>,
    ) -> Result<Response<pb::RevokeCertificateResponse>, Status> {
        let now = Utc::now();
        let revocation = requests::revocation_request(request.get_ref(), now)?;
        match self
            .store
            .status(&revocation.serial_number)
            .await
            .map_err(storage_failure)?
        {
            StoredStatus::NotIssued => {
                return Err(ServiceError::NotFound {
                    resource: "certificate",
                }
                .into());
            }
            StoredStatus::Issued { .. } => {}
        }
        let standing = self
            .store
            .revoke_unless_revoked(
                &revocation.serial_number,
                revocation.revoked_at,
                &revocation.reason,
                now,
            )
            .await
            .map_err(storage_failure)?;
        tracing::info!(
            serial_number = %revocation.serial_number,
            revoked_at = %standing.revoked_at,
            "certificate revoked"
        );
        Ok(Response::new(pb::RevokeCertificateResponse {
            revocation_time: Some(timestamp(standing.revoked_at)),
        }))
    }

    async fn check_certificate_status(
        &self,
        request: Request<pb::CheckCertificateStatusRequest>,
    ) -> Result<Response<pb::CheckCertificateStatusResponse>, Status> {
        let now = Utc::now();
        let question = requests::status_request(request.get_ref(), now)?;
        let stored = self
            .store
            .status(&question.serial_number)
            .await
            .map_err(storage_failure)?;
        let (status, revocation_time) = match stored {
            StoredStatus::NotIssued => (pb::CertificateStatus::Unknown, None),
            StoredStatus::Issued {
                revocation: Some(revocation),
            } if revocation.revoked_at <= question.at => (
                pb::CertificateStatus::Revoked,
                Some(timestamp(revocation.revoked_at)),
            ),
            // Revoked later than the moment asked about: good at that moment.
            StoredStatus::Issued { .. } => (pb::CertificateStatus::Good, None),
        };
        Ok(Response::new(pb::CheckCertificateStatusResponse {
            status: status.into(),
            revocation_time,
            produced_time: Some(timestamp(now)),
        }))
    }
}

/// An issuance the authority refused. The request was checked before, so the
/// checks here only catch a disagreement between the two: still the caller's input.
fn issuance_failure(error: CertificateAuthorityError) -> ServiceError {
    match error {
        CertificateAuthorityError::InvalidCommonName => ServiceError::invalid_field(
            "common_name",
            "must be 1 to 64 characters without control characters",
        ),
        CertificateAuthorityError::EmptyValidity
        | CertificateAuthorityError::ValidityOutsideAuthority
        | CertificateAuthorityError::InstantOutOfRange(_) => ServiceError::invalid_field(
            "not_after",
            "must end after not_before, within the root certificate's validity",
        ),
        other => ServiceError::Internal(anyhow::Error::new(other).context("issuing a certificate")),
    }
}

/// A store failure: retryable when the database is unreachable, internal otherwise.
fn storage_failure(error: CertificateStoreError) -> ServiceError {
    match error {
        CertificateStoreError::Storage(StorageError::Unavailable(_)) => ServiceError::Unavailable {
            reason: Reason::Unavailable,
            message: "the certification centre's database is unavailable".to_owned(),
        },
        other => ServiceError::Internal(
            anyhow::Error::new(other).context("the certification centre's store"),
        ),
    }
}
