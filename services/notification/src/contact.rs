//! Phone numbers and e-mail addresses: personal data, parsed once at the edge.
//!
//! Every type here redacts its `Debug` output and has no `Display`, like
//! `housing_domain::Iin`: the digits or the address are reached only through
//! `as_str`, which is easy to find in review and never goes into a log line.

use std::fmt;

/// A mobile number as the mobile citizens database writes it: `+7` and 10 digits.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct PhoneNumber(String);

/// Why a phone number is not acceptable. Never echoes the number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PhoneNumberError {
    /// Not `+7` followed by exactly 10 digits.
    #[error("must be +7 followed by 10 digits")]
    Format,
}

impl PhoneNumber {
    /// Parses `+7` and 10 digits; spaces, dashes and brackets people write are dropped first.
    pub fn parse(text: &str) -> Result<Self, PhoneNumberError> {
        let compact: String = text
            .chars()
            .filter(|c| !matches!(c, ' ' | '-' | '(' | ')'))
            .collect();
        let digits = compact.strip_prefix("+7").ok_or(PhoneNumberError::Format)?;
        if digits.len() == 10 && digits.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Self(compact))
        } else {
            Err(PhoneNumberError::Format)
        }
    }

    /// The number. Personal data: never put it in a log line.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PhoneNumber(<redacted>)")
    }
}

/// An e-mail address as given on the form.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct EmailAddress(String);

/// Why an e-mail address is not acceptable. Never echoes the address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum EmailAddressError {
    /// Longer than SMTP allows (RFC 5321: 254 characters in a path).
    #[error("must be at most 254 characters")]
    TooLong,
    /// Not `local@domain.tld` without spaces.
    #[error("must be an address like name@example.kz")]
    Format,
}

impl EmailAddress {
    /// The most characters of an address.
    pub const MAX_LENGTH: usize = 254;

    /// Parses an address: one `@`, a non-empty local part, a domain with a dot
    /// that neither starts nor ends the domain, no whitespace or control
    /// characters. Deliverability is the provider's to tell (a permanent failure).
    pub fn parse(text: &str) -> Result<Self, EmailAddressError> {
        let text = text.trim();
        if text.chars().count() > Self::MAX_LENGTH {
            return Err(EmailAddressError::TooLong);
        }
        if text.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(EmailAddressError::Format);
        }
        let (local, domain) = text.split_once('@').ok_or(EmailAddressError::Format)?;
        let domain_well_formed = domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && !domain.contains('@');
        if local.is_empty() || !domain_well_formed {
            return Err(EmailAddressError::Format);
        }
        Ok(Self(text.to_owned()))
    }

    /// The address. Personal data: never put it in a log line.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("EmailAddress(<redacted>)")
    }
}

/// Where a text message or e-mail goes, as stored with a delivery.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct ContactAddress(String);

impl ContactAddress {
    /// Wraps a stored address (already parsed when it was stored).
    pub fn from_stored(address: String) -> Self {
        Self(address)
    }

    /// The address. Personal data: never put it in a log line.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<PhoneNumber> for ContactAddress {
    fn from(number: PhoneNumber) -> Self {
        Self(number.0)
    }
}

impl From<EmailAddress> for ContactAddress {
    fn from(address: EmailAddress) -> Self {
        Self(address.0)
    }
}

impl fmt::Debug for ContactAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ContactAddress(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_numbers_are_plus_seven_and_ten_digits() {
        assert_eq!(
            PhoneNumber::parse("+7 (701) 555-00-00")
                .expect("valid")
                .as_str(),
            "+77015550000"
        );
        for bad in [
            "",
            "87015550000",
            "+7701555000",
            "+770155500001",
            "+7701555000a",
        ] {
            assert_eq!(
                PhoneNumber::parse(bad),
                Err(PhoneNumberError::Format),
                "{bad}"
            );
        }
    }

    #[test]
    fn email_addresses_need_a_local_part_and_a_dotted_domain() {
        assert!(EmailAddress::parse("aigerim@example.kz").is_ok());
        for bad in [
            "",
            "example.kz",
            "@example.kz",
            "a@kz",
            "a@.kz",
            "a@kz.",
            "a@b@c.kz",
            "a b@c.kz",
            "a@c..kz",
        ] {
            assert_eq!(
                EmailAddress::parse(bad),
                Err(EmailAddressError::Format),
                "{bad}"
            );
        }
        let long = format!("{}@example.kz", "a".repeat(250));
        assert_eq!(EmailAddress::parse(&long), Err(EmailAddressError::TooLong));
    }

    #[test]
    fn debug_output_never_shows_the_contact() {
        let number = PhoneNumber::parse("+77015550000").expect("valid");
        let address = EmailAddress::parse("aigerim@example.kz").expect("valid");
        let shown = format!(
            "{number:?} {address:?} {:?}",
            ContactAddress::from(number.clone())
        );
        assert!(!shown.contains("7015550000"));
        assert!(!shown.contains("aigerim"));
    }
}
