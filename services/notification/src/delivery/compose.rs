//! What a text message and an e-mail say: both languages, Kazakh first.
//!
//! A notice carries no language preference, and Kazakh and Russian are both
//! official, so every channel carries both texts, Kazakh (the state language)
//! first, as bilingual public notices in Kazakhstan do.

use crate::notice::{Channel, NotificationId, RenderedText};

/// Separates the two languages in a text message and an e-mail body.
const LANGUAGE_SEPARATOR: &str = "\n\n";

/// The key of a delivery, the same across its attempts: the adapter's idempotency key.
pub fn message_key(notification: &NotificationId, channel: Channel) -> String {
    format!("{}/deliveries/{}", notification.name(), channel.code())
}

/// A text message: each language's subject on its own line, then its body.
pub fn text_message_body(texts: &[RenderedText]) -> String {
    texts
        .iter()
        .map(|text| format!("{}\n{}", text.subject, text.body))
        .collect::<Vec<_>>()
        .join(LANGUAGE_SEPARATOR)
}

/// An e-mail subject: the subjects joined with " / ".
pub fn email_subject(texts: &[RenderedText]) -> String {
    texts
        .iter()
        .map(|text| text.subject.as_str())
        .collect::<Vec<_>>()
        .join(" / ")
}

/// An e-mail body: the bodies, separated by a rule.
pub fn email_body(texts: &[RenderedText]) -> String {
    texts
        .iter()
        .map(|text| text.body.as_str())
        .collect::<Vec<_>>()
        .join(&format!("{LANGUAGE_SEPARATOR}———{LANGUAGE_SEPARATOR}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notice::Language;

    fn texts() -> Vec<RenderedText> {
        vec![
            RenderedText {
                language: Language::Kazakh,
                subject: "Тақырып".to_owned(),
                body: "Мәтін".to_owned(),
            },
            RenderedText {
                language: Language::Russian,
                subject: "Тема".to_owned(),
                body: "Текст".to_owned(),
            },
        ]
    }

    #[test]
    fn both_languages_go_kazakh_first() {
        assert_eq!(text_message_body(&texts()), "Тақырып\nМәтін\n\nТема\nТекст");
        assert_eq!(email_subject(&texts()), "Тақырып / Тема");
        assert_eq!(email_body(&texts()), "Мәтін\n\n———\n\nТекст");
    }

    #[test]
    fn the_message_key_names_the_notice_and_the_channel() {
        let id = NotificationId::parse("0123456789abcdef0123456789abcdef").expect("valid");
        assert_eq!(
            message_key(&id, Channel::Sms),
            "notifications/0123456789abcdef0123456789abcdef/deliveries/sms"
        );
    }
}
