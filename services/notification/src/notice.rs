//! A notice and its deliveries, in the service's own types.
//!
//! The wire enums of `housing.notification.v1` stay in the gRPC adapter
//! (`api`); the rest of the service works with these. Each enum has a stable
//! lowercase code, which is what the database stores.

use std::fmt;

use chrono::{DateTime, Utc};
use housing_domain::Iin;

use crate::contact::ContactAddress;

/// What kind of notice: each has its own template.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum NotificationKind {
    /// Registered (`DECISION_NOTICE`), with the register entry and category.
    Registration,
    /// Preliminary decision with the hearing (`HEARING`, §17).
    PreliminaryDecision,
    /// Final reasoned denial: every ground and the complaint route (Chapter 3).
    FinalDenial,
    /// Complaint registered, with its number and term (§18).
    ComplaintRegistered,
    /// Complaint forwarded to the body processing complaints (§19).
    ComplaintForwarded,
    /// Complaint decided, with the route to court (`COURT_AFTER_PRETRIAL`).
    ComplaintDecided,
    /// Application withdrawn.
    Withdrawal,
}

impl NotificationKind {
    /// Every kind, in the order of the contract.
    pub const ALL: [NotificationKind; 7] = [
        NotificationKind::Registration,
        NotificationKind::PreliminaryDecision,
        NotificationKind::FinalDenial,
        NotificationKind::ComplaintRegistered,
        NotificationKind::ComplaintForwarded,
        NotificationKind::ComplaintDecided,
        NotificationKind::Withdrawal,
    ];

    /// The stable code; also the name of the kind's template (`templates/{code}`).
    pub const fn code(self) -> &'static str {
        match self {
            NotificationKind::Registration => "registration",
            NotificationKind::PreliminaryDecision => "preliminary_decision",
            NotificationKind::FinalDenial => "final_denial",
            NotificationKind::ComplaintRegistered => "complaint_registered",
            NotificationKind::ComplaintForwarded => "complaint_forwarded",
            NotificationKind::ComplaintDecided => "complaint_decided",
            NotificationKind::Withdrawal => "withdrawal",
        }
    }

    /// The kind of a stable code.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.code() == code)
    }

    /// Whether a notice of this kind concerns a complaint, which it must then name.
    pub const fn concerns_a_complaint(self) -> bool {
        matches!(
            self,
            NotificationKind::ComplaintRegistered
                | NotificationKind::ComplaintForwarded
                | NotificationKind::ComplaintDecided
        )
    }
}

/// A delivery channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Channel {
    /// The personal account on the provider's Internet resource: always used.
    PersonalAccount,
    /// A text message to the number linked to the portal account.
    Sms,
    /// An e-mail to the address given on the form.
    Email,
}

impl Channel {
    /// The stable code.
    pub const fn code(self) -> &'static str {
        match self {
            Channel::PersonalAccount => "personal_account",
            Channel::Sms => "sms",
            Channel::Email => "email",
        }
    }

    /// The channel of a stable code.
    pub fn from_code(code: &str) -> Option<Self> {
        [Channel::PersonalAccount, Channel::Sms, Channel::Email]
            .into_iter()
            .find(|channel| channel.code() == code)
    }
}

/// Where a delivery is, after GOV.UK Notify's lifecycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DeliveryState {
    /// Created, not yet handed to the provider.
    Created,
    /// Taken up by the worker and handed to the provider, outcome not yet recorded.
    Sending,
    /// Delivered.
    Delivered,
    /// Refused for good, or given up after the ceiling of attempts: not retried.
    PermanentFailure,
    /// The provider could not deliver for now: retried with backoff.
    TemporaryFailure,
    /// Our side or the provider's failed: retried with backoff.
    TechnicalFailure,
}

impl DeliveryState {
    /// The stable code.
    pub const fn code(self) -> &'static str {
        match self {
            DeliveryState::Created => "created",
            DeliveryState::Sending => "sending",
            DeliveryState::Delivered => "delivered",
            DeliveryState::PermanentFailure => "permanent_failure",
            DeliveryState::TemporaryFailure => "temporary_failure",
            DeliveryState::TechnicalFailure => "technical_failure",
        }
    }

    /// The state of a stable code.
    pub fn from_code(code: &str) -> Option<Self> {
        [
            DeliveryState::Created,
            DeliveryState::Sending,
            DeliveryState::Delivered,
            DeliveryState::PermanentFailure,
            DeliveryState::TemporaryFailure,
            DeliveryState::TechnicalFailure,
        ]
        .into_iter()
        .find(|state| state.code() == code)
    }

    /// Whether nothing more will happen to the delivery.
    pub const fn is_final(self) -> bool {
        matches!(
            self,
            DeliveryState::Delivered | DeliveryState::PermanentFailure
        )
    }
}

/// A language of the notices: both are always rendered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Language {
    /// Kazakh, the state language: first in every notice.
    Kazakh,
    /// Russian.
    Russian,
}

impl Language {
    /// Both languages, Kazakh first.
    pub const ALL: [Language; 2] = [Language::Kazakh, Language::Russian];

    /// ISO 639-1 code, as in the template files and the language-specific parameters.
    pub const fn code(self) -> &'static str {
        match self {
            Language::Kazakh => "kk",
            Language::Russian => "ru",
        }
    }
}

/// The public id of a notice, the `{notification}` of `notifications/{notification}`:
/// 32 lowercase hexadecimal digits, random so that names cannot be enumerated.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct NotificationId(String);

/// The collection part of a notice's resource name.
pub const NOTIFICATIONS_COLLECTION: &str = "notifications/";

impl NotificationId {
    /// A new random id.
    pub fn generate() -> Self {
        Self(uuid::Uuid::new_v4().simple().to_string())
    }

    /// Parses the id part of a name.
    pub fn parse(id: &str) -> Option<Self> {
        let well_formed = id.len() == 32
            && id
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        well_formed.then(|| Self(id.to_owned()))
    }

    /// Parses a resource name, `notifications/{id}`.
    pub fn parse_name(name: &str) -> Option<Self> {
        name.strip_prefix(NOTIFICATIONS_COLLECTION)
            .and_then(Self::parse)
    }

    /// The id.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The resource name, `notifications/{id}`. Safe to log.
    pub fn name(&self) -> String {
        format!("{NOTIFICATIONS_COLLECTION}{}", self.0)
    }
}

impl fmt::Debug for NotificationId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{NOTIFICATIONS_COLLECTION}{}", self.0)
    }
}

/// Shows the resource name: safe in log lines, unlike anything about the recipient.
impl fmt::Display for NotificationId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{NOTIFICATIONS_COLLECTION}{}", self.0)
    }
}

/// A notice rendered in one language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedText {
    /// The language.
    pub language: Language,
    /// Subject line.
    pub subject: String,
    /// Body.
    pub body: String,
}

/// The template a notice was rendered from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateReference {
    /// The template's name without the collection, e.g. `registration`.
    pub template: String,
    /// Its version.
    pub version: u32,
}

/// A notice as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// Its public id.
    pub id: NotificationId,
    /// The idempotency key it was sent with.
    pub request_id: String,
    /// The recipient. Personal data: never logged.
    pub recipient: Iin,
    /// `applications/{application}`.
    pub application: String,
    /// `complaints/{complaint}`, or empty.
    pub complaint: String,
    /// The kind.
    pub kind: NotificationKind,
    /// The template and version used.
    pub template: TemplateReference,
    /// Kazakh first, then Russian.
    pub texts: Vec<RenderedText>,
    /// One per channel used, personal account first.
    pub deliveries: Vec<Delivery>,
    /// When it was created.
    pub create_time: DateTime<Utc>,
}

impl Notice {
    /// The text in one language.
    pub fn text(&self, language: Language) -> Option<&RenderedText> {
        self.texts.iter().find(|text| text.language == language)
    }
}

/// A delivery of a notice through one channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// The channel.
    pub channel: Channel,
    /// Where it is.
    pub state: DeliveryState,
    /// The phone number or e-mail address; `None` for the personal account and
    /// for a text message still waiting for the mobile citizens database.
    pub address: Option<ContactAddress>,
    /// Times it was taken up for sending.
    pub attempts: u32,
    /// When the worker takes it up next, if it will.
    pub next_attempt_time: Option<DateTime<Utc>>,
    /// Last change.
    pub update_time: DateTime<Utc>,
    /// Why it failed (or waits), when it did: a stable code, a colon, an explanation.
    pub failure_reason: String,
    /// The provider's reference, once accepted.
    pub provider_reference: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for kind in NotificationKind::ALL {
            assert_eq!(NotificationKind::from_code(kind.code()), Some(kind));
        }
        for channel in [Channel::PersonalAccount, Channel::Sms, Channel::Email] {
            assert_eq!(Channel::from_code(channel.code()), Some(channel));
        }
        assert_eq!(
            DeliveryState::from_code("technical_failure"),
            Some(DeliveryState::TechnicalFailure)
        );
        assert_eq!(DeliveryState::from_code("lost"), None);
    }

    #[test]
    fn notification_names_parse_only_their_own_shape() {
        let id = NotificationId::generate();
        assert_eq!(NotificationId::parse_name(&id.name()), Some(id.clone()));
        assert_eq!(NotificationId::parse_name(id.as_str()), None);
        assert_eq!(NotificationId::parse_name("notifications/ABC"), None);
        assert_eq!(
            NotificationId::parse_name(&format!("notifications/{}", "G".repeat(32))),
            None
        );
    }
}
