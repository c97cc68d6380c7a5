//! Resource names (AIP-122), parsed once at the edge.
//!
//! | resource | name |
//! |---|---|
//! | case | `cases/{case}`, `{case}` the application's id |
//! | decision | `cases/{case}/decisions/{n}`, `n` from 1 in order of making |
//! | hearing | `cases/{case}/hearing` (a singleton) |
//! | register entry | `registerEntries/{case}`: at most one per case |
//!
//! Names are not personal data: they are what log lines carry.

use std::fmt;

/// The id shared by an application and its case: 1 to 64 ASCII letters,
/// digits, `-` or `_` (what application-intake gives its applications).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CaseId(String);

/// Why a text is not a resource name of the expected kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("must be a resource name of the form {pattern}")]
pub struct NameError {
    /// The expected form, for the field violation.
    pub pattern: &'static str,
}

const MAX_ID_LENGTH: usize = 64;

impl CaseId {
    /// Parses a bare id.
    pub fn parse(text: &str) -> Option<Self> {
        let valid = !text.is_empty()
            && text.len() <= MAX_ID_LENGTH
            && text
                .bytes()
                .all(|byte| byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_');
        valid.then(|| Self(text.to_owned()))
    }

    /// The id of `applications/{id}`.
    pub fn from_application_name(name: &str) -> Result<Self, NameError> {
        const PATTERN: &str = "applications/{application}";
        name.strip_prefix("applications/")
            .and_then(Self::parse)
            .ok_or(NameError { pattern: PATTERN })
    }

    /// The id of `cases/{id}`.
    pub fn from_case_name(name: &str) -> Result<Self, NameError> {
        name.strip_prefix("cases/")
            .and_then(Self::parse)
            .ok_or(NameError {
                pattern: "cases/{case}",
            })
    }

    /// The id of `cases/{id}/hearing`.
    pub fn from_hearing_name(name: &str) -> Result<Self, NameError> {
        name.strip_prefix("cases/")
            .and_then(|rest| rest.strip_suffix("/hearing"))
            .and_then(Self::parse)
            .ok_or(NameError {
                pattern: "cases/{case}/hearing",
            })
    }

    /// The id of `registerEntries/{id}`.
    pub fn from_register_entry_name(name: &str) -> Result<Self, NameError> {
        name.strip_prefix("registerEntries/")
            .and_then(Self::parse)
            .ok_or(NameError {
                pattern: "registerEntries/{register_entry}",
            })
    }

    /// The id and number of `cases/{id}/decisions/{n}`.
    pub fn from_decision_name(name: &str) -> Result<(Self, i64), NameError> {
        const PATTERN: NameError = NameError {
            pattern: "cases/{case}/decisions/{decision}",
        };
        let rest = name.strip_prefix("cases/").ok_or(PATTERN)?;
        let (id, number) = rest.split_once("/decisions/").ok_or(PATTERN)?;
        let id = Self::parse(id).ok_or(PATTERN)?;
        // Digits only: "+1" or "01" would name the same decision twice.
        if number.is_empty()
            || number.starts_with('0')
            || !number.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(PATTERN);
        }
        let number = number.parse::<i64>().map_err(|_| PATTERN)?;
        Ok((id, number))
    }

    /// The id itself.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `applications/{id}`.
    pub fn application_name(&self) -> String {
        format!("applications/{}", self.0)
    }

    /// `cases/{id}`.
    pub fn case_name(&self) -> String {
        format!("cases/{}", self.0)
    }

    /// `cases/{id}/hearing`.
    pub fn hearing_name(&self) -> String {
        format!("cases/{}/hearing", self.0)
    }

    /// `cases/{id}/decisions/{number}`.
    pub fn decision_name(&self, number: i64) -> String {
        format!("cases/{}/decisions/{number}", self.0)
    }

    /// `registerEntries/{id}`.
    pub fn register_entry_name(&self) -> String {
        format!("registerEntries/{}", self.0)
    }
}

impl fmt::Display for CaseId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Whether a text is a complaint's name, `complaints/{complaint}`.
pub fn is_complaint_name(name: &str) -> bool {
    name.strip_prefix("complaints/")
        .and_then(CaseId::parse)
        .is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        let id = CaseId::parse("app-1_A").expect("valid id");
        assert_eq!(CaseId::from_case_name(&id.case_name()), Ok(id.clone()));
        assert_eq!(
            CaseId::from_hearing_name(&id.hearing_name()),
            Ok(id.clone())
        );
        assert_eq!(
            CaseId::from_register_entry_name(&id.register_entry_name()),
            Ok(id.clone())
        );
        assert_eq!(
            CaseId::from_decision_name(&id.decision_name(12)),
            Ok((id.clone(), 12))
        );
        assert_eq!(
            CaseId::from_application_name(&id.application_name()),
            Ok(id)
        );
    }

    #[test]
    fn malformed_names_are_refused() {
        for name in [
            "",
            "cases/",
            "cases/a/b",
            "cases/a b",
            "applications/1",
            &format!("cases/{}", "x".repeat(65)),
        ] {
            assert!(CaseId::from_case_name(name).is_err(), "{name}");
        }
        for name in [
            "cases/1/decisions/",
            "cases/1/decisions/0",
            "cases/1/decisions/01",
            "cases/1/decisions/+1",
            "cases/1/decisions/1/x",
            "cases/1/decision/1",
        ] {
            assert!(CaseId::from_decision_name(name).is_err(), "{name}");
        }
        assert!(is_complaint_name("complaints/c-1"));
        assert!(!is_complaint_name("complaint/c-1"));
    }
}
