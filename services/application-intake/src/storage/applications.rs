//! Applications: the submission transaction, reads, lists and changes.

use chrono::{DateTime, Utc};
use housing_domain::Iin;
use housing_storage::StorageError;
use housing_storage::sqlx;

use super::events::{NewEvent, insert_event};
use super::outbox::{NewOutboxMessage, insert_message};
use super::{
    APPLICATION_COLUMNS, IntakeStore, StoreError, application_from_row, date_column, micros,
};
use crate::model::{ApplicationId, ApplicationState, StoredApplication};

/// Everything one submission writes, in one transaction.
#[derive(Debug, Clone)]
pub struct NewSubmission {
    /// The application, in state SUBMITTED at revision 1.
    pub application: StoredApplication,
    /// The CMS signature, kept beside the signed bytes as evidence.
    pub cms_signature: Vec<u8>,
    /// Its place among the applicant's active applications (`model::active_key`).
    pub active_key: String,
    /// The first event of its history.
    pub first_event: NewEvent,
    /// The hand-over to eligibility-verification.
    pub open_case: NewOutboxMessage,
}

/// What a submission found.
#[derive(Debug, Clone)]
pub enum SubmitOutcome {
    /// Stored now.
    Created(StoredApplication),
    /// The request id was used before: the application it created.
    ExistingRequest(StoredApplication),
}

/// A change of an application's state, with what comes with it.
#[derive(Debug, Clone)]
pub struct ApplicationChange {
    /// The new state.
    pub state: ApplicationState,
    /// A new processing deadline, when the change brings one.
    pub processing_deadline: Option<DateTime<Utc>>,
    /// A new latest decision.
    pub latest_decision: Option<String>,
    /// A register entry.
    pub register_entry: Option<String>,
    /// The applicant's words on withdrawal.
    pub withdrawal_reason: Option<String>,
    /// When the change is made.
    pub update_time: DateTime<Utc>,
}

/// Which applications a list shows.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    /// Only those where this person is the applicant or the representative
    /// (a citizen's personal account).
    pub concerning: Option<Iin>,
    /// Only those of this applicant.
    pub applicant: Option<Iin>,
    /// Only those in this state.
    pub state: Option<ApplicationState>,
}

/// Where a page starts: after this application in the list's order
/// (newest submission first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageAfter {
    /// The submit time of the last application of the previous page.
    pub submit_time_micros: i64,
    /// Its id, to break ties.
    pub id: String,
}

impl IntakeStore {
    /// Stores a submission: the application, its first event, its request id
    /// and the outbox row, all or nothing.
    ///
    /// A unique-key conflict is resolved after the rollback: the request id
    /// was used before (the application it created is returned, so that
    /// concurrent replays all get the same answer), or another active
    /// application holds the applicant's place in the locality.
    pub async fn submit(&self, submission: &NewSubmission) -> Result<SubmitOutcome, StoreError> {
        match self.insert_submission(submission).await {
            Ok(()) => Ok(SubmitOutcome::Created(submission.application.clone())),
            Err(StoreError::Storage(StorageError::Conflict)) => {
                if let Some(existing) = self
                    .find_by_request_id(&submission.application.request_id)
                    .await?
                {
                    return Ok(SubmitOutcome::ExistingRequest(existing));
                }
                match self.find_active(&submission.active_key).await? {
                    Some(existing) => Err(StoreError::ActiveApplicationExists { existing }),
                    // The holder became final between the insert and this read:
                    // the caller may simply submit again.
                    None => Err(StoreError::Stale),
                }
            }
            Err(other) => Err(other),
        }
    }

    async fn insert_submission(&self, submission: &NewSubmission) -> Result<(), StoreError> {
        let application = &submission.application;
        let mut transaction = self.database.pool().begin().await?;
        sqlx::query(
            "INSERT INTO applications (id, request_id, applicant_iin, representative_iin, \
             locality_kato, active_key, state, form_content, cms_signature, signer_iin, \
             certificate_serial, signing_time_micros, content_sha256, submit_time_micros, \
             acceptance_date, processing_deadline_micros, update_time_micros, revision) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)",
        )
        .bind(application.id.as_str())
        .bind(&application.request_id)
        .bind(application.applicant_iin.as_str())
        .bind(application.representative_iin.as_ref().map(|iin| iin.as_str().to_owned()))
        .bind(application.locality.as_str())
        .bind(&submission.active_key)
        .bind(application.state.as_str())
        .bind(&application.form_content)
        .bind(&submission.cms_signature)
        .bind(application.signature.signer_iin.as_str())
        .bind(&application.signature.certificate_serial)
        .bind(micros(application.signature.signing_time))
        .bind(&application.signature.content_sha256)
        .bind(micros(application.submit_time))
        .bind(date_column(application.acceptance_date))
        .bind(micros(application.processing_deadline))
        .bind(micros(application.update_time))
        .bind(application.revision)
        .execute(&mut *transaction)
        .await?;
        insert_event(
            &mut transaction,
            &application.id,
            application.revision,
            &submission.first_event,
        )
        .await?;
        insert_message(
            &mut transaction,
            &application.id,
            application.revision,
            &submission.open_case,
            application.update_time,
        )
        .await?;
        transaction.commit().await?;
        Ok(())
    }

    /// The application a request id created, if any.
    pub async fn find_by_request_id(
        &self,
        request_id: &str,
    ) -> Result<Option<StoredApplication>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {APPLICATION_COLUMNS} FROM applications WHERE request_id = $1"
        ))
        .bind(request_id)
        .fetch_optional(self.database.pool())
        .await?;
        row.as_ref().map(application_from_row).transpose()
    }

    async fn find_active(&self, active_key: &str) -> Result<Option<ApplicationId>, StoreError> {
        let id: Option<String> =
            sqlx::query_scalar("SELECT id FROM applications WHERE active_key = $1")
                .bind(active_key)
                .fetch_optional(self.database.pool())
                .await?;
        id.map(|id| ApplicationId::from_stored(&id).ok_or(StoreError::Corrupt("application id")))
            .transpose()
    }

    /// One application.
    pub async fn get(&self, id: &ApplicationId) -> Result<Option<StoredApplication>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {APPLICATION_COLUMNS} FROM applications WHERE id = $1"
        ))
        .bind(id.as_str())
        .fetch_optional(self.database.pool())
        .await?;
        row.as_ref().map(application_from_row).transpose()
    }

    /// A page of applications, newest submission first; `limit` at most.
    pub async fn list(
        &self,
        filter: &ListFilter,
        after: Option<&PageAfter>,
        limit: i64,
    ) -> Result<Vec<StoredApplication>, StoreError> {
        // The SQL is assembled from fixed fragments only; every value is bound.
        let mut conditions = Vec::new();
        let mut text_values: Vec<String> = Vec::new();
        let mut next_placeholder = 1;
        let mut placeholder = || {
            let current = next_placeholder;
            next_placeholder += 1;
            current
        };
        if let Some(person) = &filter.concerning {
            let first = placeholder();
            let second = placeholder();
            conditions.push(format!(
                "(applicant_iin = ${first} OR representative_iin = ${second})"
            ));
            text_values.push(person.as_str().to_owned());
            text_values.push(person.as_str().to_owned());
        }
        if let Some(applicant) = &filter.applicant {
            let index = placeholder();
            conditions.push(format!("applicant_iin = ${index}"));
            text_values.push(applicant.as_str().to_owned());
        }
        if let Some(state) = filter.state {
            let index = placeholder();
            conditions.push(format!("state = ${index}"));
            text_values.push(state.as_str().to_owned());
        }
        let mut after_values = None;
        if let Some(after) = after {
            let time_first = placeholder();
            let time_second = placeholder();
            let id_index = placeholder();
            conditions.push(format!(
                "(submit_time_micros < ${time_first} OR (submit_time_micros = ${time_second} AND id < ${id_index}))"
            ));
            after_values = Some((after.submit_time_micros, after.id.clone()));
        }
        let limit_index = placeholder();
        let where_clause = if conditions.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", conditions.join(" AND "))
        };
        let sql = format!(
            "SELECT {APPLICATION_COLUMNS} FROM applications {where_clause} \
             ORDER BY submit_time_micros DESC, id DESC LIMIT ${limit_index}"
        );
        // Placeholders were handed out in binding order: text values first,
        // then the page position, then the limit.
        let mut query = sqlx::query(&sql);
        for value in text_values {
            query = query.bind(value);
        }
        if let Some((submit_time_micros, id)) = after_values {
            query = query
                .bind(submit_time_micros)
                .bind(submit_time_micros)
                .bind(id);
        }
        let rows = query.bind(limit).fetch_all(self.database.pool()).await?;
        rows.iter().map(application_from_row).collect()
    }

    /// Applies a change to an application read at `current.revision`, with
    /// its event and, when given, an outbox message, all or nothing.
    /// [`StoreError::Stale`] when the application changed since it was read;
    /// [`StoreError::DuplicateEvent`] when the event's id is recorded already.
    pub async fn change(
        &self,
        current: &StoredApplication,
        change: &ApplicationChange,
        event: &NewEvent,
        message: Option<&NewOutboxMessage>,
    ) -> Result<StoredApplication, StoreError> {
        let next_revision = current.revision + 1;
        let releases_active_place = i64::from(change.state.is_final());
        let mut transaction = self.database.pool().begin().await?;
        let updated = sqlx::query(
            "UPDATE applications SET state = $1, \
             active_key = CASE WHEN $2 = 1 THEN NULL ELSE active_key END, \
             processing_deadline_micros = COALESCE($3, processing_deadline_micros), \
             latest_decision = COALESCE($4, latest_decision), \
             register_entry = COALESCE($5, register_entry), \
             withdrawal_reason = COALESCE($6, withdrawal_reason), \
             update_time_micros = $7, revision = $8 \
             WHERE id = $9 AND revision = $10",
        )
        .bind(change.state.as_str())
        .bind(releases_active_place)
        .bind(change.processing_deadline.map(micros))
        .bind(change.latest_decision.clone())
        .bind(change.register_entry.clone())
        .bind(change.withdrawal_reason.clone())
        .bind(micros(change.update_time))
        .bind(next_revision)
        .bind(current.id.as_str())
        .bind(current.revision)
        .execute(&mut *transaction)
        .await?;
        if updated.rows_affected() != 1 {
            return Err(StoreError::Stale);
        }
        insert_event(&mut transaction, &current.id, next_revision, event)
            .await
            .map_err(|error| match error {
                StoreError::Storage(StorageError::Conflict) => StoreError::DuplicateEvent,
                other => other,
            })?;
        if let Some(message) = message {
            insert_message(
                &mut transaction,
                &current.id,
                next_revision,
                message,
                change.update_time,
            )
            .await?;
        }
        transaction.commit().await?;

        let mut changed = current.clone();
        changed.state = change.state;
        if let Some(deadline) = change.processing_deadline {
            changed.processing_deadline = deadline;
        }
        if let Some(decision) = &change.latest_decision {
            changed.latest_decision = Some(decision.clone());
        }
        if let Some(entry) = &change.register_entry {
            changed.register_entry = Some(entry.clone());
        }
        changed.update_time = change.update_time;
        changed.revision = next_revision;
        Ok(changed)
    }
}
