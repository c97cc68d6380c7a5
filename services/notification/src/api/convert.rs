//! The service's types ↔ the wire types of `housing.notification.v1`.

use chrono::{DateTime, Utc};
use housing_proto::housing::notification::v1 as pb;

use crate::notice::{
    Channel, Delivery, DeliveryState, Language, Notice, NotificationKind, RenderedText,
};
use crate::storage::StoredOutboxMessage;
use crate::templates::{TEMPLATES_COLLECTION, Template};

/// The kind of a wire value; `None` for UNSPECIFIED and unknown values.
pub fn kind_from_proto(value: i32) -> Option<NotificationKind> {
    match pb::NotificationKind::try_from(value).ok()? {
        pb::NotificationKind::Unspecified => None,
        pb::NotificationKind::Registration => Some(NotificationKind::Registration),
        pb::NotificationKind::PreliminaryDecision => Some(NotificationKind::PreliminaryDecision),
        pb::NotificationKind::FinalDenial => Some(NotificationKind::FinalDenial),
        pb::NotificationKind::ComplaintRegistered => Some(NotificationKind::ComplaintRegistered),
        pb::NotificationKind::ComplaintForwarded => Some(NotificationKind::ComplaintForwarded),
        pb::NotificationKind::ComplaintDecided => Some(NotificationKind::ComplaintDecided),
        pb::NotificationKind::Withdrawal => Some(NotificationKind::Withdrawal),
    }
}

/// The wire value of a kind.
pub fn kind_to_proto(kind: NotificationKind) -> pb::NotificationKind {
    match kind {
        NotificationKind::Registration => pb::NotificationKind::Registration,
        NotificationKind::PreliminaryDecision => pb::NotificationKind::PreliminaryDecision,
        NotificationKind::FinalDenial => pb::NotificationKind::FinalDenial,
        NotificationKind::ComplaintRegistered => pb::NotificationKind::ComplaintRegistered,
        NotificationKind::ComplaintForwarded => pb::NotificationKind::ComplaintForwarded,
        NotificationKind::ComplaintDecided => pb::NotificationKind::ComplaintDecided,
        NotificationKind::Withdrawal => pb::NotificationKind::Withdrawal,
    }
}

/// The channel of a wire value: `Ok(None)` for UNSPECIFIED, `Err` for unknown values.
pub fn channel_from_proto(value: i32) -> Result<Option<Channel>, prost::UnknownEnumValue> {
    match pb::Channel::try_from(value)? {
        pb::Channel::Unspecified => Ok(None),
        pb::Channel::PersonalAccount => Ok(Some(Channel::PersonalAccount)),
        pb::Channel::Sms => Ok(Some(Channel::Sms)),
        pb::Channel::Email => Ok(Some(Channel::Email)),
    }
}

fn channel_to_proto(channel: Channel) -> pb::Channel {
    match channel {
        Channel::PersonalAccount => pb::Channel::PersonalAccount,
        Channel::Sms => pb::Channel::Sms,
        Channel::Email => pb::Channel::Email,
    }
}

fn state_to_proto(state: DeliveryState) -> pb::delivery::State {
    match state {
        DeliveryState::Created => pb::delivery::State::Created,
        DeliveryState::Sending => pb::delivery::State::Sending,
        DeliveryState::Delivered => pb::delivery::State::Delivered,
        DeliveryState::PermanentFailure => pb::delivery::State::PermanentFailure,
        DeliveryState::TemporaryFailure => pb::delivery::State::TemporaryFailure,
        DeliveryState::TechnicalFailure => pb::delivery::State::TechnicalFailure,
    }
}

fn language_to_proto(language: Language) -> pb::Language {
    match language {
        Language::Kazakh => pb::Language::Kk,
        Language::Russian => pb::Language::Ru,
    }
}

/// A wire timestamp.
pub fn timestamp(instant: DateTime<Utc>) -> prost_types::Timestamp {
    prost_types::Timestamp {
        seconds: instant.timestamp(),
        nanos: i32::try_from(instant.timestamp_subsec_nanos()).unwrap_or_default(),
    }
}

fn rendered_text(text: &RenderedText) -> pb::RenderedText {
    pb::RenderedText {
        language: language_to_proto(text.language) as i32,
        subject: text.subject.clone(),
        body: text.body.clone(),
    }
}

fn delivery(delivery: &Delivery) -> pb::Delivery {
    pb::Delivery {
        channel: channel_to_proto(delivery.channel) as i32,
        state: state_to_proto(delivery.state) as i32,
        address: delivery
            .address
            .as_ref()
            .map(|address| address.as_str().to_owned())
            .unwrap_or_default(),
        attempts: i32::try_from(delivery.attempts).unwrap_or(i32::MAX),
        next_attempt_time: delivery.next_attempt_time.map(timestamp),
        update_time: Some(timestamp(delivery.update_time)),
        failure_reason: delivery.failure_reason.clone(),
        provider_reference: delivery.provider_reference.clone(),
    }
}

/// A notice on the wire.
pub fn notification(notice: &Notice) -> pb::Notification {
    pb::Notification {
        name: notice.id.name(),
        request_id: notice.request_id.clone(),
        recipient_iin: notice.recipient.as_str().to_owned(),
        application: notice.application.clone(),
        complaint: notice.complaint.clone(),
        kind: kind_to_proto(notice.kind) as i32,
        template: format!("{TEMPLATES_COLLECTION}{}", notice.template.template),
        template_version: i32::try_from(notice.template.version).unwrap_or(i32::MAX),
        texts: notice.texts.iter().map(rendered_text).collect(),
        deliveries: notice.deliveries.iter().map(delivery).collect(),
        create_time: Some(timestamp(notice.create_time)),
    }
}

/// A template version on the wire.
pub fn template(template: &Template) -> pb::Template {
    pb::Template {
        name: template.resource_name(),
        kind: kind_to_proto(template.kind) as i32,
        version: i32::try_from(template.version).unwrap_or(i32::MAX),
        texts: template
            .texts
            .iter()
            .map(|text| pb::RenderedText {
                language: language_to_proto(text.language) as i32,
                subject: text.subject().to_owned(),
                body: text.body().to_owned(),
            })
            .collect(),
        placeholders: template.placeholders.clone(),
    }
}

/// An outbox message on the wire.
pub fn outbox_message(stored: &StoredOutboxMessage) -> pb::OutboxMessage {
    let message = &stored.message;
    pb::OutboxMessage {
        channel: channel_to_proto(message.channel) as i32,
        address: message.address.as_str().to_owned(),
        subject: message.subject.clone(),
        body: message.body.clone(),
        notification: message.notification.clone(),
        create_time: Some(timestamp(message.create_time)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_round_trips_and_unspecified_is_none() {
        for kind in NotificationKind::ALL {
            assert_eq!(kind_from_proto(kind_to_proto(kind) as i32), Some(kind));
        }
        assert_eq!(kind_from_proto(0), None);
        assert_eq!(kind_from_proto(99), None);
    }

    #[test]
    fn channels_tell_unspecified_from_unknown() {
        assert_eq!(channel_from_proto(0), Ok(None));
        assert_eq!(channel_from_proto(2), Ok(Some(Channel::Sms)));
        assert!(channel_from_proto(42).is_err());
    }
}
