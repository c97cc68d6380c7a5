//! The worker's side of the deliveries: claiming, recording, sweeping.
//!
//! A claim moves due deliveries to SENDING and counts the attempt in one
//! statement, so that two workers (or two instances of the service) never
//! take the same delivery: on PostgreSQL the second waits for the row and
//! then finds it no longer due; SQLite has one writer. An outcome is written
//! only if the delivery is still SENDING with the same attempt count, so that
//! a worker that lost its delivery to the sweeper cannot overwrite a later attempt.

use chrono::{DateTime, Utc};
use housing_domain::Iin;
use housing_storage::sqlx::{self, Row};

use super::{NotificationStore, StoreError, placeholders, to_micros, to_u32};
use crate::contact::ContactAddress;
use crate::notice::{Channel, DeliveryState, Language, NotificationId, RenderedText};

/// The states in which a delivery waits for an attempt.
const WAITING_STATES: &str = "'created', 'temporary_failure', 'technical_failure'";

/// A delivery the worker has taken up: SENDING, its attempt counted.
#[derive(Debug, Clone)]
pub struct ClaimedDelivery {
    /// The row.
    pub delivery_id: i64,
    /// Attempts including this one: the claim's token for recording the outcome.
    pub attempts: u32,
    /// The channel (text message or e-mail; the personal account is never claimed).
    pub channel: Channel,
    /// Where it goes; `None` while the mobile citizens database has not given the number.
    pub address: Option<ContactAddress>,
    /// Whether the number must be looked up first.
    pub awaiting_mobile_citizen_check: bool,
    /// The notice.
    pub notification: NotificationId,
    /// The recipient, for the look-up. Personal data: never logged.
    pub recipient: Iin,
    /// The application, the case id of the look-up.
    pub application: String,
    /// On whose behalf the notice was sent, for the look-up.
    pub requested_by: String,
    /// Kazakh and Russian.
    pub texts: Vec<RenderedText>,
}

/// A delivery found SENDING for too long.
#[derive(Debug, Clone)]
pub struct StuckDelivery {
    /// The row.
    pub delivery_id: i64,
    /// Attempts so far, the last one lost.
    pub attempts: u32,
    /// The channel.
    pub channel: Channel,
    /// Where it goes, as stored; kept when it goes back for a retry.
    pub address: Option<ContactAddress>,
    /// Whether the number must still be looked up.
    pub awaiting_mobile_citizen_check: bool,
    /// The notice.
    pub notification: NotificationId,
}

/// The outcome of an attempt, or of a sweep.
#[derive(Debug, Clone)]
pub struct DeliveryUpdate {
    /// The new state (never SENDING).
    pub state: DeliveryState,
    /// The address, when the attempt learnt or used one.
    pub address: Option<ContactAddress>,
    /// Whether the number still has to be looked up.
    pub awaiting_mobile_citizen_check: bool,
    /// The next attempt, after a retryable failure.
    pub next_attempt_time: Option<DateTime<Utc>>,
    /// Why it failed or waits; empty when delivered.
    pub failure_reason: String,
    /// The provider's reference, once accepted.
    pub provider_reference: String,
    /// When.
    pub update_time: DateTime<Utc>,
}

impl NotificationStore {
    /// Takes up to `limit` deliveries due at `now`: SENDING, attempt counted.
    pub async fn claim_due_deliveries(
        &self,
        now: DateTime<Utc>,
        limit: usize,
    ) -> Result<Vec<ClaimedDelivery>, StoreError> {
        let now = to_micros(now);
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let claimed: Vec<i64> = sqlx::query_scalar(&format!(
            "UPDATE deliveries SET state = 'sending', attempts = attempts + 1, \
             sending_since_micros = $1, update_time_micros = $2, next_attempt_micros = NULL \
             WHERE delivery_id IN ( \
                 SELECT delivery_id FROM deliveries \
                 WHERE next_attempt_micros IS NOT NULL AND next_attempt_micros <= $3 \
                 AND state IN ({WAITING_STATES}) \
                 ORDER BY next_attempt_micros, delivery_id LIMIT $4) \
             AND state IN ({WAITING_STATES}) \
             RETURNING delivery_id"
        ))
        .bind(now)
        .bind(now)
        .bind(now)
        .bind(limit)
        .fetch_all(self.database.pool())
        .await?;
        if claimed.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT d.delivery_id, d.attempts, d.channel, d.address, \
             d.awaiting_mobile_citizen_check, n.notification_id, n.recipient_iin, \
             n.application, n.requested_by, n.subject_kk, n.body_kk, n.subject_ru, n.body_ru \
             FROM deliveries d JOIN notifications n ON n.sequence = d.notification_sequence \
             WHERE d.delivery_id IN ({}) ORDER BY d.delivery_id",
            placeholders(1, claimed.len())
        );
        let mut query = sqlx::query(&sql);
        for delivery_id in &claimed {
            query = query.bind(*delivery_id);
        }
        let rows = query.fetch_all(self.database.pool()).await?;
        rows.iter()
            .map(|row| {
                let corrupt = |problem: &str| StoreError::Corrupt {
                    what: "delivery",
                    problem: problem.to_owned(),
                };
                let channel: String = row.try_get("channel")?;
                let notification: String = row.try_get("notification_id")?;
                let recipient: String = row.try_get("recipient_iin")?;
                let address: String = row.try_get("address")?;
                let awaiting: i64 = row.try_get("awaiting_mobile_citizen_check")?;
                Ok(ClaimedDelivery {
                    delivery_id: row.try_get("delivery_id")?,
                    attempts: to_u32("delivery", row.try_get("attempts")?)?,
                    channel: Channel::from_code(&channel)
                        .ok_or_else(|| corrupt("unknown channel"))?,
                    address: (!address.is_empty()).then(|| ContactAddress::from_stored(address)),
                    awaiting_mobile_citizen_check: awaiting != 0,
                    notification: NotificationId::parse(&notification)
                        .ok_or_else(|| corrupt("malformed notification id"))?,
                    recipient: Iin::parse(&recipient)
                        .map_err(|_| corrupt("malformed recipient"))?,
                    application: row.try_get("application")?,
                    requested_by: row.try_get("requested_by")?,
                    texts: vec![
                        RenderedText {
                            language: Language::Kazakh,
                            subject: row.try_get("subject_kk")?,
                            body: row.try_get("body_kk")?,
                        },
                        RenderedText {
                            language: Language::Russian,
                            subject: row.try_get("subject_ru")?,
                            body: row.try_get("body_ru")?,
                        },
                    ],
                })
            })
            .collect()
    }

    /// Records the outcome of the attempt numbered `attempts` of a SENDING
    /// delivery. `false` when the delivery is no longer that attempt's (the
    /// sweeper took it back): nothing is written.
    pub async fn record_delivery_outcome(
        &self,
        delivery_id: i64,
        attempts: u32,
        update: &DeliveryUpdate,
    ) -> Result<bool, StoreError> {
        let result = sqlx::query(
            "UPDATE deliveries SET state = $1, address = $2, awaiting_mobile_citizen_check = $3, \
             next_attempt_micros = $4, sending_since_micros = NULL, update_time_micros = $5, \
             failure_reason = $6, provider_reference = $7 \
             WHERE delivery_id = $8 AND state = 'sending' AND attempts = $9",
        )
        .bind(update.state.code())
        .bind(update.address.as_ref().map_or("", ContactAddress::as_str))
        .bind(i64::from(update.awaiting_mobile_citizen_check))
        .bind(update.next_attempt_time.map(to_micros))
        .bind(to_micros(update.update_time))
        .bind(&update.failure_reason)
        .bind(&update.provider_reference)
        .bind(delivery_id)
        .bind(i64::from(attempts))
        .execute(self.database.pool())
        .await?;
        Ok(result.rows_affected() == 1)
    }

    /// Deliveries SENDING since `cutoff` or earlier, oldest first, at most `limit`.
    pub async fn stuck_deliveries(
        &self,
        cutoff: DateTime<Utc>,
        limit: usize,
    ) -> Result<Vec<StuckDelivery>, StoreError> {
        let rows = sqlx::query(
            "SELECT d.delivery_id, d.attempts, d.channel, d.address, \
             d.awaiting_mobile_citizen_check, n.notification_id \
             FROM deliveries d JOIN notifications n ON n.sequence = d.notification_sequence \
             WHERE d.sending_since_micros IS NOT NULL AND d.sending_since_micros <= $1 \
             AND d.state = 'sending' \
             ORDER BY d.sending_since_micros, d.delivery_id LIMIT $2",
        )
        .bind(to_micros(cutoff))
        .bind(i64::try_from(limit).unwrap_or(i64::MAX))
        .fetch_all(self.database.pool())
        .await?;
        rows.iter()
            .map(|row| {
                let corrupt = |problem: &str| StoreError::Corrupt {
                    what: "delivery",
                    problem: problem.to_owned(),
                };
                let channel: String = row.try_get("channel")?;
                let notification: String = row.try_get("notification_id")?;
                let address: String = row.try_get("address")?;
                let awaiting: i64 = row.try_get("awaiting_mobile_citizen_check")?;
                Ok(StuckDelivery {
                    delivery_id: row.try_get("delivery_id")?,
                    attempts: to_u32("delivery", row.try_get("attempts")?)?,
                    channel: Channel::from_code(&channel)
                        .ok_or_else(|| corrupt("unknown channel"))?,
                    address: (!address.is_empty()).then(|| ContactAddress::from_stored(address)),
                    awaiting_mobile_citizen_check: awaiting != 0,
                    notification: NotificationId::parse(&notification)
                        .ok_or_else(|| corrupt("malformed notification id"))?,
                })
            })
            .collect()
    }
}
