//! Bodies of the fuzz targets in `fuzz/` (cargo fuzz, on nightly). They live
//! here so that stable property tests (`tests/fuzz_bodies.rs`) run the very
//! same code over random inputs, and a target cannot rot unnoticed.
//!
//! Each body panics when an invariant of the parser breaks; any input is
//! otherwise fine.

use crate::iin::{Iin, IinError};

/// [`Iin::parse`] on arbitrary bytes: a parsed IIN is exactly the twelve
/// digits given, parses again to itself and never shows in `Debug`; a refusal
/// never echoes the text.
pub fn iin(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match Iin::parse(text) {
        Ok(iin) => {
            assert_eq!(iin.as_str(), text, "an IIN is the text it was parsed from");
            assert_eq!(iin.as_str().len(), 12);
            assert!(iin.as_str().bytes().all(|byte| byte.is_ascii_digit()));
            assert_eq!(Iin::parse(iin.as_str()), Ok(iin), "an IIN parses to itself");
            assert!(!format!("{iin:?}").contains(text), "Debug is redacted");
        }
        Err(error) => {
            let expected_kind = if text.len() != 12 {
                IinError::Length
            } else if !text.bytes().all(|byte| byte.is_ascii_digit()) {
                IinError::NotDigits
            } else {
                // Twelve digits: only the check digit can be at fault.
                assert!(
                    matches!(error, IinError::CheckDigit | IinError::Uncomputable),
                    "{error:?}"
                );
                error
            };
            assert_eq!(error, expected_kind);
            // Digits that could be someone's IIN are never echoed (shorter
            // texts may well occur in the fixed messages, like "12").
            if text.len() >= 8 && text.bytes().all(|byte| byte.is_ascii_digit()) {
                assert!(
                    !error.to_string().contains(text),
                    "a refusal never echoes the digits"
                );
            }
        }
    }
}
