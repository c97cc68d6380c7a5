//! Who asks: the X-Road-style identification every query carries in gRPC metadata.

pub use housing_platform::caller::gateway_query::{
    CASE_ID_KEY, CLIENT_SYSTEM_KEY, ON_BEHALF_OF_KEY,
};
use housing_platform::error::Violation;
use tonic::metadata::MetadataMap;

/// Longest identification value accepted: enough for any system name, staff id
/// or resource name, short enough that the query log cannot be bloated through it.
const MAX_VALUE_LENGTH: usize = 256;

/// The identification as sent, before it is checked. Kept raw because the
/// query log records refused queries too, with whatever they said.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Identification {
    /// `x-client-system`, empty when missing.
    pub client_system: String,
    /// `x-on-behalf-of`, empty when missing.
    pub on_behalf_of: String,
    /// `x-case-id`, empty when missing.
    pub case_id: String,
}

impl Identification {
    /// Reads the three keys; a value that is not visible ASCII counts as missing.
    pub fn from_metadata(metadata: &MetadataMap) -> Self {
        let value = |key: &str| {
            metadata
                .get(key)
                .and_then(|value| value.to_str().ok())
                .map(|value| value.trim().chars().take(MAX_VALUE_LENGTH + 1).collect())
                .unwrap_or_default()
        };
        Self {
            client_system: value(CLIENT_SYSTEM_KEY),
            on_behalf_of: value(ON_BEHALF_OF_KEY),
            case_id: value(CASE_ID_KEY),
        }
    }

    /// One violation per missing or oversized key, named `metadata.<key>`.
    pub fn violations(&self) -> Vec<Violation> {
        [
            (CLIENT_SYSTEM_KEY, &self.client_system),
            (ON_BEHALF_OF_KEY, &self.on_behalf_of),
            (CASE_ID_KEY, &self.case_id),
        ]
        .into_iter()
        .filter_map(|(key, value)| {
            let field = format!("metadata.{key}");
            if value.is_empty() {
                Some(Violation::new(field, "is required on every query"))
            } else if value.chars().count() > MAX_VALUE_LENGTH {
                Some(Violation::new(
                    field,
                    format!("must be at most {MAX_VALUE_LENGTH} characters"),
                ))
            } else {
                None
            }
        })
        .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn metadata(pairs: &[(&'static str, &str)]) -> MetadataMap {
        let mut metadata = MetadataMap::new();
        for (key, value) in pairs {
            metadata.insert(*key, value.parse().expect("ASCII value"));
        }
        metadata
    }

    #[test]
    fn reads_the_three_keys() {
        let identification = Identification::from_metadata(&metadata(&[
            (CLIENT_SYSTEM_KEY, "eligibility-verification"),
            (ON_BEHALF_OF_KEY, "operator-7"),
            (CASE_ID_KEY, "applications/1"),
        ]));
        assert_eq!(identification.client_system, "eligibility-verification");
        assert_eq!(identification.on_behalf_of, "operator-7");
        assert_eq!(identification.case_id, "applications/1");
        assert!(identification.violations().is_empty());
    }

    #[test]
    fn names_every_missing_key() {
        let identification =
            Identification::from_metadata(&metadata(&[(ON_BEHALF_OF_KEY, "operator-7")]));
        let fields: Vec<String> = identification
            .violations()
            .into_iter()
            .map(|violation| violation.field)
            .collect();
        assert_eq!(fields, ["metadata.x-client-system", "metadata.x-case-id"]);
    }

    #[test]
    fn refuses_oversized_values() {
        let long = "a".repeat(MAX_VALUE_LENGTH + 50);
        let identification = Identification::from_metadata(&metadata(&[
            (CLIENT_SYSTEM_KEY, "eligibility-verification"),
            (ON_BEHALF_OF_KEY, "operator-7"),
            (CASE_ID_KEY, &long),
        ]));
        assert_eq!(identification.case_id.len(), MAX_VALUE_LENGTH + 1);
        assert_eq!(identification.violations().len(), 1);
    }
}
