//! The individual identification number (IIN, ЖСН / ИИН).
//!
//! Twelve digits, the last a check digit. The number is parsed once at the edge
//! and carried as [`Iin`] afterwards: the domain never sees a raw string.
//!
//! The leading digits of an IIN used to encode the birth date and sex; since 2013
//! they are not authoritative (rules.md, `ADULT`), so this type deliberately
//! offers no way to derive either. The birth date comes from the identity register.
//!
//! An IIN is personal data. `Debug` is redacted so that a stray `{:?}` in a log
//! line cannot leak it, and there is no `Display`: code that needs the digits
//! asks for them with [`Iin::as_str`], which is easy to find in review.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A syntactically valid IIN: twelve ASCII digits with a correct check digit.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Iin([u8; 12]);

/// Why a string is not an IIN.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum IinError {
    /// Not exactly twelve characters.
    #[error("an IIN has exactly 12 digits")]
    Length,
    /// A character other than an ASCII digit.
    #[error("an IIN has only the digits 0-9")]
    NotDigits,
    /// Both weight sequences give a control value of 10: no valid IIN has these first 11 digits.
    #[error("no valid IIN has these first 11 digits")]
    Uncomputable,
    /// The twelfth digit is not the check digit of the first eleven.
    #[error("the check digit of the IIN does not match")]
    CheckDigit,
}

impl Iin {
    /// Parses an IIN, checking length, digits and the check digit.
    pub fn parse(text: &str) -> Result<Self, IinError> {
        let bytes = text.as_bytes();
        let bytes: [u8; 12] = bytes.try_into().map_err(|_| IinError::Length)?;
        if !bytes.iter().all(u8::is_ascii_digit) {
            return Err(IinError::NotDigits);
        }
        let digits: [u8; 12] = bytes.map(|b| b - b'0');
        let expected = check_digit(digits[..11].try_into().expect("11 digits"))?;
        if expected != digits[11] {
            return Err(IinError::CheckDigit);
        }
        Ok(Self(bytes))
    }

    /// The twelve digits. Personal data: never put the result in a log line.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).expect("an IIN holds ASCII digits only")
    }
}

/// Computes the check digit of the first eleven digits of an IIN.
///
/// Weights 1..11, sum modulo 11; when that gives 10, weights 3..11, 1, 2; when
/// that too gives 10, no valid IIN starts with these digits.
pub fn check_digit(first_eleven: &[u8; 11]) -> Result<u8, IinError> {
    const FIRST: [u32; 11] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
    const SECOND: [u32; 11] = [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2];
    let weighted = |weights: &[u32; 11]| -> u32 {
        first_eleven
            .iter()
            .zip(weights)
            .map(|(&digit, &weight)| u32::from(digit) * weight)
            .sum::<u32>()
            % 11
    };
    let mut control = weighted(&FIRST);
    if control == 10 {
        control = weighted(&SECOND);
    }
    if control == 10 {
        return Err(IinError::Uncomputable);
    }
    Ok(u8::try_from(control).expect("control value below 11"))
}

impl FromStr for Iin {
    type Err = IinError;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse(text)
    }
}

impl fmt::Debug for Iin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Iin(<redacted>)")
    }
}

impl Serialize for Iin {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Iin {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Self::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Completes eleven digits into a valid IIN string, if one exists.
    fn complete(first_eleven: [u8; 11]) -> Option<String> {
        let check = check_digit(&first_eleven).ok()?;
        Some(
            first_eleven
                .iter()
                .chain(std::iter::once(&check))
                .map(|d| char::from(b'0' + d))
                .collect(),
        )
    }

    #[test]
    fn accepts_a_number_with_the_right_check_digit() {
        // Weights 1..11 over 90010130012: 9 + 4 + 6 + 21 + 10 + 22 = 72 = 6 (mod 11).
        let first: [u8; 11] = [9, 0, 0, 1, 0, 1, 3, 0, 0, 1, 2];
        let sum: u32 = first
            .iter()
            .zip(1u32..)
            .map(|(&d, w)| u32::from(d) * w)
            .sum();
        assert_eq!(sum % 11, 6);
        assert!(Iin::parse("900101300126").is_ok());
    }

    #[test]
    fn uses_the_second_weights_when_the_first_give_ten() {
        // 00000000010: the first weights give 10 (weight 10 on the tenth digit),
        // the second weights give 1 (weight 1 on the tenth digit).
        let first = [0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0];
        assert_eq!(check_digit(&first), Ok(1));
        assert!(Iin::parse("000000000101").is_ok());
        assert_eq!(Iin::parse("000000000100"), Err(IinError::CheckDigit));
    }

    #[test]
    fn refuses_eleven_digits_for_which_no_check_digit_exists() {
        // Search for a prefix where both weightings give 10, and show it is refused.
        let prefix = (0u64..)
            .map(|n| {
                let mut digits = [0u8; 11];
                let mut rest = n;
                for slot in digits.iter_mut().rev() {
                    *slot = u8::try_from(rest % 10).expect("digit");
                    rest /= 10;
                }
                digits
            })
            .find(|digits| check_digit(digits) == Err(IinError::Uncomputable))
            .expect("such prefixes exist");
        let text: String = prefix
            .iter()
            .chain(std::iter::once(&0))
            .map(|d| char::from(b'0' + d))
            .collect();
        assert_eq!(Iin::parse(&text), Err(IinError::Uncomputable));
    }

    #[test]
    fn refuses_wrong_length_and_non_digits() {
        assert_eq!(Iin::parse(""), Err(IinError::Length));
        assert_eq!(Iin::parse("90010130012"), Err(IinError::Length));
        assert_eq!(Iin::parse("9001013001265"), Err(IinError::Length));
        assert_eq!(Iin::parse("90010130012a"), Err(IinError::NotDigits));
        assert_eq!(
            Iin::parse("９００１０１３００１２５"),
            Err(IinError::Length)
        );
    }

    #[test]
    fn debug_never_shows_the_digits() {
        let iin = Iin::parse("900101300126").expect("valid");
        assert_eq!(format!("{iin:?}"), "Iin(<redacted>)");
    }

    #[test]
    fn serde_round_trips_as_a_string() {
        let iin = Iin::parse("900101300126").expect("valid");
        let json = serde_json::to_string(&iin).expect("serialise");
        assert_eq!(json, "\"900101300126\"");
        assert_eq!(serde_json::from_str::<Iin>(&json).expect("parse"), iin);
        assert!(serde_json::from_str::<Iin>("\"900101300125\"").is_err());
    }

    proptest! {
        #[test]
        fn every_completed_prefix_parses_and_every_other_last_digit_fails(
            first in proptest::array::uniform11(0u8..10),
            other in 0u8..10,
        ) {
            if let Some(valid) = complete(first) {
                let parsed = Iin::parse(&valid).expect("completed IIN parses");
                prop_assert_eq!(parsed.as_str(), valid.as_str());
                let last = valid.as_bytes()[11] - b'0';
                if other != last {
                    let mut wrong = valid.clone();
                    wrong.replace_range(11..12, &other.to_string());
                    prop_assert_eq!(Iin::parse(&wrong), Err(IinError::CheckDigit));
                }
            }
        }

        #[test]
        fn never_panics_on_arbitrary_text(text in ".{0,20}") {
            let _ = Iin::parse(&text);
        }
    }
}
