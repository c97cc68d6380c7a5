//! What the built-in text-message and e-mail adapters accepted: the outbox
//! that stands where a real operator plugs in.

use chrono::{DateTime, Utc};
use housing_storage::StorageError;
use housing_storage::sqlx::{self, Row, any::AnyRow};

use super::{NotificationStore, StoreError, from_micros, to_micros};
use crate::contact::ContactAddress;
use crate::notice::Channel;

/// A message for the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxMessage {
    /// The delivery's key: the outbox accepts each key once.
    pub message_key: String,
    /// Text message or e-mail.
    pub channel: Channel,
    /// The phone number or e-mail address.
    pub address: ContactAddress,
    /// Subject (e-mail only; empty for a text message).
    pub subject: String,
    /// Body.
    pub body: String,
    /// `notifications/{notification}`.
    pub notification: String,
    /// When the adapter accepted it.
    pub create_time: DateTime<Utc>,
}

/// A message in the outbox, with its place in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredOutboxMessage {
    /// The order of acceptance; keys the pages and makes the provider reference.
    pub sequence: i64,
    /// The message.
    pub message: OutboxMessage,
}

/// Which outbox messages to list.
#[derive(Debug, Clone, Default)]
pub struct OutboxFilter {
    /// Only this channel.
    pub channel: Option<Channel>,
    /// Only messages of this notice, `notifications/{notification}`.
    pub notification: Option<String>,
}

const OUTBOX_COLUMNS: &str =
    "sequence, message_key, channel, address, subject, body, notification, create_time_micros";

impl NotificationStore {
    /// Puts a message in the outbox and returns its sequence. A message with
    /// the same key — a resend after a crash between acceptance and recording
    /// — is accepted once: the first one's sequence is returned.
    pub async fn accept_outbox_message(&self, message: &OutboxMessage) -> Result<i64, StoreError> {
        let inserted = sqlx::query_scalar(
            "INSERT INTO outbox_messages (message_key, channel, address, subject, body, \
             notification, create_time_micros) VALUES ($1, $2, $3, $4, $5, $6, $7) \
             RETURNING sequence",
        )
        .bind(&message.message_key)
        .bind(message.channel.code())
        .bind(message.address.as_str())
        .bind(&message.subject)
        .bind(&message.body)
        .bind(&message.notification)
        .bind(to_micros(message.create_time))
        .fetch_one(self.database.pool())
        .await;
        match inserted.map_err(StoreError::from) {
            Ok(sequence) => Ok(sequence),
            Err(StoreError::Storage(StorageError::Conflict)) => {
                let existing: i64 = sqlx::query_scalar(
                    "SELECT sequence FROM outbox_messages WHERE message_key = $1",
                )
                .bind(&message.message_key)
                .fetch_one(self.database.pool())
                .await?;
                Ok(existing)
            }
            Err(error) => Err(error),
        }
    }

    /// Outbox messages matching `filter`, oldest first, after the message of
    /// sequence `after` (from the start when `None`), at most `limit`.
    pub async fn list_outbox_messages(
        &self,
        filter: &OutboxFilter,
        after: Option<i64>,
        limit: u32,
    ) -> Result<Vec<StoredOutboxMessage>, StoreError> {
        let mut conditions = vec!["sequence > $1".to_owned()];
        let mut next = 2;
        if filter.channel.is_some() {
            conditions.push(format!("channel = ${next}"));
            next += 1;
        }
        if filter.notification.is_some() {
            conditions.push(format!("notification = ${next}"));
            next += 1;
        }
        let sql = format!(
            "SELECT {OUTBOX_COLUMNS} FROM outbox_messages WHERE {} ORDER BY sequence LIMIT ${next}",
            conditions.join(" AND ")
        );
        let mut query = sqlx::query(&sql).bind(after.unwrap_or(0));
        if let Some(channel) = filter.channel {
            query = query.bind(channel.code());
        }
        if let Some(notification) = &filter.notification {
            query = query.bind(notification.clone());
        }
        let rows = query
            .bind(i64::from(limit))
            .fetch_all(self.database.pool())
            .await?;
        rows.iter().map(decode_outbox_message).collect()
    }
}

fn decode_outbox_message(row: &AnyRow) -> Result<StoredOutboxMessage, StoreError> {
    let channel: String = row.try_get("channel")?;
    let channel = Channel::from_code(&channel).ok_or_else(|| StoreError::Corrupt {
        what: "outbox message",
        problem: "unknown channel".to_owned(),
    })?;
    Ok(StoredOutboxMessage {
        sequence: row.try_get("sequence")?,
        message: OutboxMessage {
            message_key: row.try_get("message_key")?,
            channel,
            address: ContactAddress::from_stored(row.try_get("address")?),
            subject: row.try_get("subject")?,
            body: row.try_get("body")?,
            notification: row.try_get("notification")?,
            create_time: from_micros("outbox message", row.try_get("create_time_micros")?)?,
        },
    })
}
