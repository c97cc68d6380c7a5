//! What the certification centre keeps (migration `0100_certification_centre.sql`):
//! its root, the certificates it issued and their revocations.
//!
//! Instants are microseconds since the epoch (`BIGINT`), as everywhere in the
//! suite's storage; serial numbers are lowercase hex.

use chrono::{DateTime, Utc};
use housing_domain::Iin;
use housing_eds::{CertificateSerialNumber, KeyPurpose};
use housing_storage::sqlx::{self, Row};
use housing_storage::{Database, StorageError};

/// The only row of `certification_centre_root`.
const ROOT_ROW_ID: i64 = 1;

/// The centre's tables.
#[derive(Debug, Clone)]
pub(crate) struct CertificateStore {
    database: Database,
}

/// The root CA as stored.
pub(crate) struct StoredRoot {
    pub(crate) certificate_der: Vec<u8>,
    pub(crate) private_key_pkcs8_der: Vec<u8>,
}

/// A certificate the centre issued, as recorded.
#[derive(Debug, Clone)]
pub(crate) struct IssuedCertificateRecord {
    pub(crate) serial_number: CertificateSerialNumber,
    pub(crate) holder_iin: Iin,
    pub(crate) purpose: KeyPurpose,
    pub(crate) not_before: DateTime<Utc>,
    pub(crate) not_after: DateTime<Utc>,
    pub(crate) certificate_der: Vec<u8>,
    pub(crate) issued_at: DateTime<Utc>,
}

/// What the centre knows of a serial number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StoredStatus {
    /// The centre never issued it.
    NotIssued,
    /// Issued, and revoked when `revocation` says so.
    Issued {
        /// The revocation, if any.
        revocation: Option<Revocation>,
    },
}

/// A revocation as recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Revocation {
    /// Revoked at every moment from this one on.
    pub(crate) revoked_at: DateTime<Utc>,
}

/// A failure to read or write the centre's tables.
#[derive(Debug, thiserror::Error)]
pub(crate) enum CertificateStoreError {
    /// The database failed.
    #[error(transparent)]
    Storage(#[from] StorageError),
    /// A stored row does not decode: the table was changed behind the centre's back.
    #[error("a stored {what} cannot be decoded")]
    Corrupt {
        /// Which column.
        what: &'static str,
    },
}

impl From<sqlx::Error> for CertificateStoreError {
    fn from(error: sqlx::Error) -> Self {
        CertificateStoreError::Storage(StorageError::from(error))
    }
}

impl CertificateStore {
    pub(crate) fn new(database: Database) -> Self {
        Self { database }
    }

    /// The root, when one was created before.
    pub(crate) async fn root(&self) -> Result<Option<StoredRoot>, CertificateStoreError> {
        let row = sqlx::query(
            "SELECT certificate_der, private_key_pkcs8_der FROM certification_centre_root WHERE id = $1",
        )
        .bind(ROOT_ROW_ID)
        .fetch_optional(self.database.pool())
        .await?;
        row.map(|row| {
            Ok(StoredRoot {
                certificate_der: row.try_get("certificate_der")?,
                private_key_pkcs8_der: row.try_get("private_key_pkcs8_der")?,
            })
        })
        .transpose()
    }

    /// Keeps `root` unless a root is kept already: when two instances start on
    /// an empty database at once, the first insert wins and both then read it.
    pub(crate) async fn keep_root_unless_present(
        &self,
        root: &StoredRoot,
        created_at: DateTime<Utc>,
    ) -> Result<(), CertificateStoreError> {
        sqlx::query(
            "INSERT INTO certification_centre_root \
             (id, certificate_der, private_key_pkcs8_der, created_at_micros) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO NOTHING",
        )
        .bind(ROOT_ROW_ID)
        .bind(root.certificate_der.as_slice())
        .bind(root.private_key_pkcs8_der.as_slice())
        .bind(created_at.timestamp_micros())
        .execute(self.database.pool())
        .await?;
        Ok(())
    }

    /// Records an issued certificate.
    pub(crate) async fn record_issued(
        &self,
        certificate: &IssuedCertificateRecord,
    ) -> Result<(), CertificateStoreError> {
        sqlx::query(
            "INSERT INTO certification_centre_certificates \
             (serial_number, holder_iin, purpose, not_before_micros, not_after_micros, certificate_der, issued_at_micros) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(certificate.serial_number.as_str())
        .bind(certificate.holder_iin.as_str())
        .bind(certificate.purpose.as_str())
        .bind(certificate.not_before.timestamp_micros())
        .bind(certificate.not_after.timestamp_micros())
        .bind(certificate.certificate_der.as_slice())
        .bind(certificate.issued_at.timestamp_micros())
        .execute(self.database.pool())
        .await?;
        Ok(())
    }

    /// Whether the centre issued the certificate with this serial, and its revocation.
    pub(crate) async fn status(
        &self,
        serial_number: &CertificateSerialNumber,
    ) -> Result<StoredStatus, CertificateStoreError> {
        let row = sqlx::query(
            "SELECT r.revoked_at_micros \
             FROM certification_centre_certificates c \
             LEFT JOIN certification_centre_revocations r ON r.serial_number = c.serial_number \
             WHERE c.serial_number = $1",
        )
        .bind(serial_number.as_str())
        .fetch_optional(self.database.pool())
        .await?;
        let Some(row) = row else {
            return Ok(StoredStatus::NotIssued);
        };
        let revocation = row
            .try_get::<Option<i64>, _>("revoked_at_micros")?
            .map(|micros| {
                Ok::<_, CertificateStoreError>(Revocation {
                    revoked_at: instant(micros, "revocation time")?,
                })
            })
            .transpose()?;
        Ok(StoredStatus::Issued { revocation })
    }

    /// Records a revocation unless the certificate is revoked already, and
    /// returns the revocation that stands: the first one. The certificate must
    /// have been issued (the foreign key refuses others).
    pub(crate) async fn revoke_unless_revoked(
        &self,
        serial_number: &CertificateSerialNumber,
        revoked_at: DateTime<Utc>,
        reason: &str,
        recorded_at: DateTime<Utc>,
    ) -> Result<Revocation, CertificateStoreError> {
        sqlx::query(
            "INSERT INTO certification_centre_revocations \
             (serial_number, revoked_at_micros, reason, recorded_at_micros) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (serial_number) DO NOTHING",
        )
        .bind(serial_number.as_str())
        .bind(revoked_at.timestamp_micros())
        .bind(reason)
        .bind(recorded_at.timestamp_micros())
        .execute(self.database.pool())
        .await?;
        let revoked_at_micros: i64 = sqlx::query_scalar(
            "SELECT revoked_at_micros FROM certification_centre_revocations WHERE serial_number = $1",
        )
        .bind(serial_number.as_str())
        .fetch_one(self.database.pool())
        .await?;
        Ok(Revocation {
            revoked_at: instant(revoked_at_micros, "revocation time")?,
        })
    }
}

fn instant(micros: i64, what: &'static str) -> Result<DateTime<Utc>, CertificateStoreError> {
    DateTime::from_timestamp_micros(micros).ok_or(CertificateStoreError::Corrupt { what })
}
