//! The locality code: KATO, the classifier of administrative-territorial objects.
//!
//! Nine digits. The first two name the region or the city of national status;
//! the capital and the two other cities of national status have their own
//! two-digit prefixes, which is all rules.md §1 `DOMICILE_3_YEARS` needs.
//! Parsed once at the edge (parse, don't validate) and carried as [`Kato`].

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A syntactically valid KATO code: exactly nine ASCII digits.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Kato([u8; 9]);

/// Why a string is not a KATO code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum KatoError {
    /// Not exactly nine characters.
    #[error("a KATO code has exactly 9 digits")]
    Length,
    /// A character other than an ASCII digit.
    #[error("a KATO code has only the digits 0-9")]
    NotDigits,
}

/// The capital and the cities of national status (§6 of the Rules).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum NationalCity {
    /// The capital; KATO codes `71…`.
    Astana,
    /// City of national status; KATO codes `75…`.
    Almaty,
    /// City of national status; KATO codes `79…`.
    Shymkent,
}

impl Kato {
    /// Parses nine ASCII digits.
    pub fn parse(text: &str) -> Result<Self, KatoError> {
        let bytes: [u8; 9] = text.as_bytes().try_into().map_err(|_| KatoError::Length)?;
        if !bytes.iter().all(u8::is_ascii_digit) {
            return Err(KatoError::NotDigits);
        }
        Ok(Self(bytes))
    }

    /// The nine digits.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).expect("a KATO code holds ASCII digits only")
    }

    /// The capital or city of national status this code lies in, if any.
    ///
    /// Every district and settlement of such a city shares its two-digit prefix,
    /// so a domicile registered at district level still counts for the city.
    pub fn city_of_national_status(&self) -> Option<NationalCity> {
        match &self.0[..2] {
            b"71" => Some(NationalCity::Astana),
            b"75" => Some(NationalCity::Almaty),
            b"79" => Some(NationalCity::Shymkent),
            _ => None,
        }
    }

    /// Whether two codes name the same locality (the settlement applied for).
    ///
    /// Interpretation (docs/eligibility.md): inside a city of national status
    /// every code of the city is the same locality (its districts are not
    /// separate settlements); elsewhere the nine-digit codes must be equal.
    pub fn same_locality(&self, other: &Kato) -> bool {
        match (
            self.city_of_national_status(),
            other.city_of_national_status(),
        ) {
            (Some(ours), Some(theirs)) => ours == theirs,
            _ => self == other,
        }
    }
}

impl FromStr for Kato {
    type Err = KatoError;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse(text)
    }
}

// A locality code is not personal data: showing it helps operators read traces.
impl fmt::Debug for Kato {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Kato({})", self.as_str())
    }
}

impl fmt::Display for Kato {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Kato {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Kato {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Self::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_nine_digits_only() {
        assert!(Kato::parse("710000000").is_ok());
        assert_eq!(Kato::parse("71000000"), Err(KatoError::Length));
        assert_eq!(Kato::parse("71000000a"), Err(KatoError::NotDigits));
    }

    #[test]
    fn tells_the_cities_of_national_status() {
        let city = |text: &str| Kato::parse(text).expect("valid").city_of_national_status();
        assert_eq!(city("711210000"), Some(NationalCity::Astana));
        assert_eq!(city("751110000"), Some(NationalCity::Almaty));
        assert_eq!(city("791610000"), Some(NationalCity::Shymkent));
        assert_eq!(city("351610000"), None);
    }

    #[test]
    fn districts_of_a_national_city_are_one_locality() {
        let astana_district = Kato::parse("711210000").expect("valid");
        let astana = Kato::parse("710000000").expect("valid");
        let karaganda = Kato::parse("351610000").expect("valid");
        let temirtau = Kato::parse("352410000").expect("valid");
        assert!(astana.same_locality(&astana_district));
        assert!(!astana.same_locality(&karaganda));
        assert!(!karaganda.same_locality(&temirtau));
        assert!(karaganda.same_locality(&karaganda));
    }
}
