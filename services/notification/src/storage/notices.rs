//! Notices, their texts and their deliveries.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use housing_domain::Iin;
use housing_storage::StorageError;
use housing_storage::sqlx::{self, Row, any::AnyRow};

use super::{NotificationStore, StoreError, from_micros, placeholders, to_micros, to_u32};
use crate::contact::ContactAddress;
use crate::notice::{
    Channel, Delivery, DeliveryState, Language, Notice, NotificationId, NotificationKind,
    RenderedText, TemplateReference,
};

/// A notice to store, with its first deliveries.
#[derive(Debug, Clone)]
pub struct NewNotice {
    /// Its public id.
    pub id: NotificationId,
    /// The idempotency key.
    pub request_id: String,
    /// SHA-256 (hex) of the request's content.
    pub request_fingerprint: String,
    /// The recipient.
    pub recipient: Iin,
    /// `applications/{application}`.
    pub application: String,
    /// `complaints/{complaint}`, or empty.
    pub complaint: String,
    /// The kind.
    pub kind: NotificationKind,
    /// The template used.
    pub template: TemplateReference,
    /// Kazakh and Russian.
    pub texts: Vec<RenderedText>,
    /// The caller id that sent it.
    pub requested_by: String,
    /// When it was created.
    pub create_time: DateTime<Utc>,
    /// One per channel.
    pub deliveries: Vec<NewDelivery>,
}

/// A delivery to store with a new notice.
#[derive(Debug, Clone)]
pub struct NewDelivery {
    /// The channel.
    pub channel: Channel,
    /// Its first state.
    pub state: DeliveryState,
    /// Where it goes, once known.
    pub address: Option<ContactAddress>,
    /// A text message whose number the mobile citizens database has yet to give.
    pub awaiting_mobile_citizen_check: bool,
    /// Attempts already made (a failed look-up at send time counts).
    pub attempts: u32,
    /// When the worker takes it up.
    pub next_attempt_time: Option<DateTime<Utc>>,
    /// Why it waits or failed, when it does.
    pub failure_reason: String,
}

/// A stored notice with what only the service needs to know about it.
#[derive(Debug, Clone)]
pub struct StoredNotice {
    /// The notice.
    pub notice: Notice,
    /// SHA-256 (hex) of the request's content, to tell a replay from a different request.
    pub request_fingerprint: String,
    /// The order of creation; keys the pages.
    pub sequence: i64,
}

/// What inserting a notice did.
#[derive(Debug, Clone)]
pub enum InsertedNotice {
    /// The notice is new.
    Created(StoredNotice),
    /// A notice with the same `request_id` exists: it is returned, nothing is written.
    Existing(StoredNotice),
}

/// Which notices to list.
#[derive(Debug, Clone, Default)]
pub struct NoticeFilter {
    /// Only to this recipient.
    pub recipient: Option<Iin>,
    /// Only about this application.
    pub application: Option<String>,
}

const NOTICE_COLUMNS: &str = "sequence, notification_id, request_id, request_fingerprint, \
    recipient_iin, application, complaint, kind, template, template_version, subject_kk, \
    body_kk, subject_ru, body_ru, create_time_micros";

/// Bound values per delivery row of an insert.
const DELIVERY_INSERT_COLUMNS: usize = 9;

const DELIVERY_COLUMNS: &str = "notification_sequence, channel, state, address, attempts, \
    next_attempt_micros, update_time_micros, failure_reason, provider_reference";

impl NotificationStore {
    /// Stores a notice and its deliveries in one transaction. When a notice
    /// with the same `request_id` exists — a replay, possibly concurrent —
    /// the unique key refuses the second and the first is returned.
    pub async fn insert_notice(&self, new: &NewNotice) -> Result<InsertedNotice, StoreError> {
        match self.try_insert_notice(new).await {
            Ok(sequence) => Ok(InsertedNotice::Created(StoredNotice {
                notice: notice_of_new(new),
                request_fingerprint: new.request_fingerprint.clone(),
                sequence,
            })),
            Err(StoreError::Storage(StorageError::Conflict)) => {
                match self.notice_by_request_id(&new.request_id).await? {
                    Some(existing) => Ok(InsertedNotice::Existing(existing)),
                    // The conflict was on another key (a random id drawn twice):
                    // nothing was written, and the caller may retry.
                    None => Err(StoreError::Storage(StorageError::Conflict)),
                }
            }
            Err(error) => Err(error),
        }
    }

    async fn try_insert_notice(&self, new: &NewNotice) -> Result<i64, StoreError> {
        let text = |language: Language| {
            new.texts
                .iter()
                .find(|text| text.language == language)
                .ok_or_else(|| StoreError::Corrupt {
                    what: "notice",
                    problem: format!("no {} text to store", language.code()),
                })
        };
        let (kazakh, russian) = (text(Language::Kazakh)?, text(Language::Russian)?);
        let mut transaction = self.database.pool().begin().await?;
        let sequence: i64 = sqlx::query_scalar(
            "INSERT INTO notifications (notification_id, request_id, request_fingerprint, \
             recipient_iin, application, complaint, kind, template, template_version, \
             subject_kk, body_kk, subject_ru, body_ru, requested_by, create_time_micros) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) \
             RETURNING sequence",
        )
        .bind(new.id.as_str())
        .bind(&new.request_id)
        .bind(&new.request_fingerprint)
        .bind(new.recipient.as_str())
        .bind(&new.application)
        .bind(&new.complaint)
        .bind(new.kind.code())
        .bind(&new.template.template)
        .bind(i64::from(new.template.version))
        .bind(&kazakh.subject)
        .bind(&kazakh.body)
        .bind(&russian.subject)
        .bind(&russian.body)
        .bind(&new.requested_by)
        .bind(to_micros(new.create_time))
        .fetch_one(&mut *transaction)
        .await?;
        // One statement for all deliveries: a round trip per notice, not per channel.
        if !new.deliveries.is_empty() {
            let rows = (0..new.deliveries.len())
                .map(|row| {
                    let first = row * DELIVERY_INSERT_COLUMNS + 1;
                    format!(
                        "({}, NULL, '')",
                        placeholders(first, DELIVERY_INSERT_COLUMNS)
                    )
                })
                .collect::<Vec<_>>()
                .join(", ");
            let sql = format!(
                "INSERT INTO deliveries (notification_sequence, channel, state, address, \
                 awaiting_mobile_citizen_check, attempts, next_attempt_micros, \
                 update_time_micros, failure_reason, sending_since_micros, provider_reference) \
                 VALUES {rows}"
            );
            let mut query = sqlx::query(&sql);
            for delivery in &new.deliveries {
                query = query
                    .bind(sequence)
                    .bind(delivery.channel.code())
                    .bind(delivery.state.code())
                    .bind(delivery.address.as_ref().map_or("", ContactAddress::as_str))
                    .bind(i64::from(delivery.awaiting_mobile_citizen_check))
                    .bind(i64::from(delivery.attempts))
                    .bind(delivery.next_attempt_time.map(to_micros))
                    .bind(to_micros(new.create_time))
                    .bind(delivery.failure_reason.as_str());
            }
            query.execute(&mut *transaction).await?;
        }
        transaction.commit().await?;
        Ok(sequence)
    }

    /// The notice sent with `request_id`, if any.
    pub async fn notice_by_request_id(
        &self,
        request_id: &str,
    ) -> Result<Option<StoredNotice>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {NOTICE_COLUMNS} FROM notifications WHERE request_id = $1"
        ))
        .bind(request_id)
        .fetch_optional(self.database.pool())
        .await?;
        self.with_deliveries(row.into_iter().collect())
            .await
            .map(|mut notices| notices.pop())
    }

    /// The notice of an id, if any.
    pub async fn notice(&self, id: &NotificationId) -> Result<Option<StoredNotice>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {NOTICE_COLUMNS} FROM notifications WHERE notification_id = $1"
        ))
        .bind(id.as_str())
        .fetch_optional(self.database.pool())
        .await?;
        self.with_deliveries(row.into_iter().collect())
            .await
            .map(|mut notices| notices.pop())
    }

    /// Notices matching `filter`, newest first, created before the notice of
    /// sequence `before` (all when `None`), at most `limit`.
    pub async fn list_notices(
        &self,
        filter: &NoticeFilter,
        before: Option<i64>,
        limit: u32,
    ) -> Result<Vec<StoredNotice>, StoreError> {
        let mut conditions = vec!["sequence < $1".to_owned()];
        let mut next = 2;
        if filter.recipient.is_some() {
            conditions.push(format!("recipient_iin = ${next}"));
            next += 1;
        }
        if filter.application.is_some() {
            conditions.push(format!("application = ${next}"));
            next += 1;
        }
        let sql = format!(
            "SELECT {NOTICE_COLUMNS} FROM notifications WHERE {} ORDER BY sequence DESC LIMIT ${next}",
            conditions.join(" AND ")
        );
        let mut query = sqlx::query(&sql).bind(before.unwrap_or(i64::MAX));
        if let Some(recipient) = &filter.recipient {
            query = query.bind(recipient.as_str().to_owned());
        }
        if let Some(application) = &filter.application {
            query = query.bind(application.clone());
        }
        let rows = query
            .bind(i64::from(limit))
            .fetch_all(self.database.pool())
            .await?;
        self.with_deliveries(rows).await
    }

    /// Decodes notice rows and reads their deliveries in one query.
    async fn with_deliveries(&self, rows: Vec<AnyRow>) -> Result<Vec<StoredNotice>, StoreError> {
        let mut notices = rows
            .iter()
            .map(decode_notice)
            .collect::<Result<Vec<_>, _>>()?;
        if notices.is_empty() {
            return Ok(notices);
        }
        let sql = format!(
            "SELECT {DELIVERY_COLUMNS} FROM deliveries WHERE notification_sequence IN ({}) \
             ORDER BY notification_sequence, delivery_id",
            placeholders(1, notices.len())
        );
        let mut query = sqlx::query(&sql);
        for stored in &notices {
            query = query.bind(stored.sequence);
        }
        let mut deliveries: HashMap<i64, Vec<Delivery>> = HashMap::new();
        for row in query.fetch_all(self.database.pool()).await? {
            let sequence: i64 = row.try_get("notification_sequence")?;
            deliveries
                .entry(sequence)
                .or_default()
                .push(decode_delivery(&row)?);
        }
        for stored in &mut notices {
            let mut own = deliveries.remove(&stored.sequence).unwrap_or_default();
            own.sort_by_key(|delivery| delivery.channel);
            stored.notice.deliveries = own;
        }
        Ok(notices)
    }
}

/// The notice a successful insert stored, without reading it back (times
/// are already whole microseconds, see [`crate::clock`]).
fn notice_of_new(new: &NewNotice) -> Notice {
    let mut deliveries: Vec<Delivery> = new
        .deliveries
        .iter()
        .map(|delivery| Delivery {
            channel: delivery.channel,
            state: delivery.state,
            address: delivery.address.clone(),
            attempts: delivery.attempts,
            next_attempt_time: delivery.next_attempt_time,
            update_time: new.create_time,
            failure_reason: delivery.failure_reason.clone(),
            provider_reference: String::new(),
        })
        .collect();
    deliveries.sort_by_key(|delivery| delivery.channel);
    Notice {
        id: new.id.clone(),
        request_id: new.request_id.clone(),
        recipient: new.recipient,
        application: new.application.clone(),
        complaint: new.complaint.clone(),
        kind: new.kind,
        template: new.template.clone(),
        texts: new.texts.clone(),
        deliveries,
        create_time: new.create_time,
    }
}

fn decode_notice(row: &AnyRow) -> Result<StoredNotice, StoreError> {
    let corrupt = |problem: &str| StoreError::Corrupt {
        what: "notice",
        problem: problem.to_owned(),
    };
    let id: String = row.try_get("notification_id")?;
    let id = NotificationId::parse(&id).ok_or_else(|| corrupt("malformed id"))?;
    let recipient: String = row.try_get("recipient_iin")?;
    let recipient = Iin::parse(&recipient).map_err(|_| corrupt("malformed recipient"))?;
    let kind: String = row.try_get("kind")?;
    let kind = NotificationKind::from_code(&kind).ok_or_else(|| corrupt("unknown kind"))?;
    let texts = vec![
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
    ];
    Ok(StoredNotice {
        notice: Notice {
            id,
            request_id: row.try_get("request_id")?,
            recipient,
            application: row.try_get("application")?,
            complaint: row.try_get("complaint")?,
            kind,
            template: TemplateReference {
                template: row.try_get("template")?,
                version: to_u32("notice", row.try_get("template_version")?)?,
            },
            texts,
            deliveries: Vec::new(),
            create_time: from_micros("notice", row.try_get("create_time_micros")?)?,
        },
        request_fingerprint: row.try_get("request_fingerprint")?,
        sequence: row.try_get("sequence")?,
    })
}

fn decode_delivery(row: &AnyRow) -> Result<Delivery, StoreError> {
    let corrupt = |problem: &str| StoreError::Corrupt {
        what: "delivery",
        problem: problem.to_owned(),
    };
    let channel: String = row.try_get("channel")?;
    let channel = Channel::from_code(&channel).ok_or_else(|| corrupt("unknown channel"))?;
    let state: String = row.try_get("state")?;
    let state = DeliveryState::from_code(&state).ok_or_else(|| corrupt("unknown state"))?;
    let address: String = row.try_get("address")?;
    let next_attempt: Option<i64> = row.try_get("next_attempt_micros")?;
    Ok(Delivery {
        channel,
        state,
        address: (!address.is_empty()).then(|| ContactAddress::from_stored(address)),
        attempts: to_u32("delivery", row.try_get("attempts")?)?,
        next_attempt_time: next_attempt
            .map(|micros| from_micros("delivery", micros))
            .transpose()?,
        update_time: from_micros("delivery", row.try_get("update_time_micros")?)?,
        failure_reason: row.try_get("failure_reason")?,
        provider_reference: row.try_get("provider_reference")?,
    })
}
