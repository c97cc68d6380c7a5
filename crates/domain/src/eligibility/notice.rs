//! `DECISION_NOTICE`: where the registration notice or reasoned denial goes.

use serde::{Deserialize, Serialize};

use super::application::{Application, EmailAddress, PhoneNumber};
use super::facts::RegistryFacts;

/// A channel a notice is sent through.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "channel", rename_all = "SCREAMING_SNAKE_CASE")]
pub enum NoticeChannel {
    /// The personal account on the provider's resource: always.
    PersonalAccount,
    /// A text message to the number the mobile citizens database links to the
    /// portal account.
    TextMessage {
        /// The registered number.
        number: PhoneNumber,
    },
    /// An e-mail to the address written on the form.
    Email {
        /// The address.
        address: EmailAddress,
    },
}

/// `DECISION_NOTICE`.
///
/// §16: "The decision on putting citizens of the Republic of Kazakhstan,
/// kandases, on the register of needing housing in the Informatization Facility
/// with the sending of a notification of registration or reasoned denial of
/// registration shall be made by the Service Provider and sent to the citizen
/// of the Republic of Kazakhstan, kandases, by means of a notification in the
/// personal account of the Service Recipient and the subscriber device of the
/// cellular communication to his subscriber number in the form of a text
/// message, in the case of registration and connection of the subscriber number
/// of the service recipient, provided by the cellular operator to the portal
/// account."
///
/// The notice goes to the filer (the representative when one files: it is their
/// personal account and signature): always to the personal account; by text
/// message only to the number the mobile citizens database has for the filer
/// **and** links to their portal account (never to the form's number, which is
/// unverified); by e-mail when the form gives an address. A filer without
/// answers in `facts` gets no text message.
pub fn channels(application: &Application, facts: &RegistryFacts) -> Vec<NoticeChannel> {
    let mut channels = vec![NoticeChannel::PersonalAccount];
    let registered_number = facts
        .person(application.filer())
        .and_then(|filer| filer.mobile_citizens.as_ref())
        .filter(|entry| entry.linked_to_portal_account);
    if let Some(entry) = registered_number {
        channels.push(NoticeChannel::TextMessage {
            number: entry.number.clone(),
        });
    }
    if let Some(address) = &application.contact.email {
        channels.push(NoticeChannel::Email {
            address: address.clone(),
        });
    }
    channels
}
