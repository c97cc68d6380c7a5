//! The national certification centre's test PKI: `housing.registry.v1.CertificationCentreService`.
//!
//! A root CA of its own, generated at the first start and kept in the
//! gateway's database (so a restart keeps the same root, the certificates it
//! issued and their revocations), that issues persons' EDS certificates the way
//! the real centre (NCA, pki.gov.kz) does, revokes them and answers their
//! status at a moment, OCSP-like. Tests and the demo get their keys here;
//! application-intake verifies signatures against [`GetRootCertificate`] with
//! `housing-eds` and asks [`CheckCertificateStatus`] about the signer
//! certificate. See `docs/test-pki.md`.
//!
//! Wiring, for the gateway's server (migrations `0100_certification_centre.sql`
//! must have run on `database`):
//!
//! ```text
//! let centre = registry_gateway::pki::CertificationCentre::open(database.clone()).await?;
//! let standard = server::standard_services(&[registry_gateway::pki::SERVICE_NAME, ...]).await?;
//! let routes = standard.routes.add_service(centre.into_service());
//! ```
//!
//! The centre never logs an IIN or a name; serial numbers and purposes only.
//!
//! [`GetRootCertificate`]: pb::certification_centre_service_server::CertificationCentreService::get_root_certificate
//! [`CheckCertificateStatus`]: pb::certification_centre_service_server::CertificationCentreService::check_certificate_status

use std::sync::Arc;

use anyhow::Context;
use chrono::{DateTime, TimeZone, Utc};
use housing_eds::TestCertificateAuthority;
use housing_eds::rand_core::OsRng;
use housing_proto::housing::registry::v1 as pb;
use housing_storage::Database;
use pb::certification_centre_service_server::CertificationCentreServiceServer;

use self::store::{CertificateStore, StoredRoot};

mod requests;
mod service;
mod store;

/// The full gRPC name of the service, for health and reflection.
pub const SERVICE_NAME: &str = pb::certification_centre_service_server::SERVICE_NAME;

/// The test root's subject common name. "TEST" is in the name so that nobody
/// mistakes it for the real centre's root.
pub const ROOT_COMMON_NAME: &str = "TEST national certification centre (RSA)";

/// The test root's validity: wide, so that tests may issue certificates valid
/// in the past (an expired signer) or far ahead.
fn root_validity() -> (DateTime<Utc>, DateTime<Utc>) {
    let not_before = Utc
        .with_ymd_and_hms(2000, 1, 1, 0, 0, 0)
        .single()
        .expect("2000-01-01 is a valid instant");
    let not_after = Utc
        .with_ymd_and_hms(2099, 12, 31, 23, 59, 59)
        .single()
        .expect("2099-12-31 is a valid instant");
    (not_before, not_after)
}

/// The test certification centre: its root and its records.
#[derive(Debug, Clone)]
pub struct CertificationCentre {
    authority: Arc<TestCertificateAuthority>,
    store: CertificateStore,
}

impl CertificationCentre {
    /// Opens the centre on the gateway's (migrated) database: loads the root
    /// kept there, or generates one and keeps it when there is none yet.
    pub async fn open(database: Database) -> anyhow::Result<Self> {
        let store = CertificateStore::new(database);
        let stored_root = match store.root().await.context("reading the test root CA")? {
            Some(root) => root,
            None => {
                let generated = tokio::task::spawn_blocking(|| {
                    let (not_before, not_after) = root_validity();
                    TestCertificateAuthority::generate(
                        ROOT_COMMON_NAME,
                        not_before,
                        not_after,
                        &mut OsRng,
                    )
                })
                .await
                .context("generating the test root CA")?
                .context("generating the test root CA")?;
                let root = StoredRoot {
                    certificate_der: generated.certificate_der().to_vec(),
                    private_key_pkcs8_der: generated.private_key_pkcs8_der().to_vec(),
                };
                store
                    .keep_root_unless_present(&root, Utc::now())
                    .await
                    .context("keeping the test root CA")?;
                // Read back: another instance may have kept its root first.
                store
                    .root()
                    .await
                    .context("reading the test root CA")?
                    .context("the test root CA was kept but cannot be read back")?
            }
        };
        let authority = tokio::task::spawn_blocking(move || {
            TestCertificateAuthority::from_pkcs8_and_certificate(
                &stored_root.private_key_pkcs8_der,
                &stored_root.certificate_der,
            )
        })
        .await
        .context("loading the test root CA")?
        .context("the stored test root CA is not usable")?;
        tracing::info!(root = ?authority, "certification centre ready");
        Ok(Self {
            authority: Arc::new(authority),
            store,
        })
    }

    /// The root certificate, DER: what verifiers of the suite trust.
    pub fn root_certificate_der(&self) -> &[u8] {
        self.authority.certificate_der()
    }

    /// The gRPC service, ready to add to the server's routes.
    pub fn into_service(self) -> CertificationCentreServiceServer<CertificationCentre> {
        CertificationCentreServiceServer::new(self)
    }
}
