//! Reading a service's settings from an injectable source of variables.
//!
//! `main` passes the process environment ([`Variables::from_process_environment`]);
//! tests pass a list of pairs ([`Variables::from_iter`]), so that no test ever
//! calls `std::env::set_var` (linkerd2-proxy's pattern). Each service keeps its
//! own variable names, defaults and rules; this module holds what they share:
//! refusing unknown variables of the service's prefix as probable typos,
//! reading a value with a default, and the parsers every service uses.
//!
//! A value is trimmed before it is parsed. A malformed value is a
//! [`SettingsError::Invalid`] naming its variable and never echoing the value
//! (a URL may hold a password).

use std::collections::HashMap;
use std::fmt::Display;
use std::net::SocketAddr;
use std::num::ParseIntError;
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use housing_storage::DatabaseSettings;
use secrecy::SecretString;

/// The suffix of a variable naming the file a secret setting is read from.
pub const FILE_SUFFIX: &str = "_FILE";

/// The pool size of a service's database unless its settings say otherwise.
pub const DEFAULT_MAX_CONNECTIONS: u32 = 16;

/// A setting that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    /// A variable's value is malformed.
    #[error("{variable}: {problem}")]
    Invalid {
        /// The variable.
        variable: &'static str,
        /// What is wrong, without echoing secrets.
        problem: String,
    },
    /// A variable of the service's own prefix that it does not know: probably a typo.
    #[error("{variable} is not a setting of {service}")]
    Unknown {
        /// The variable.
        variable: String,
        /// The service whose prefix it carries.
        service: &'static str,
    },
}

/// The variables a service's settings are read from, by name.
#[derive(Debug, Clone, Default)]
pub struct Variables {
    values: HashMap<String, String>,
    blank_is_unset: bool,
}

impl<K, V> FromIterator<(K, V)> for Variables
where
    K: Into<String>,
    V: Into<String>,
{
    fn from_iter<I: IntoIterator<Item = (K, V)>>(variables: I) -> Self {
        Self {
            values: variables
                .into_iter()
                .map(|(name, value)| (name.into(), value.into()))
                .collect(),
            blank_is_unset: false,
        }
    }
}

impl IntoIterator for Variables {
    type Item = (String, String);
    type IntoIter = std::collections::hash_map::IntoIter<String, String>;

    fn into_iter(self) -> Self::IntoIter {
        self.values.into_iter()
    }
}

impl Variables {
    /// The process environment (variables that are not valid Unicode are left out).
    pub fn from_process_environment() -> Self {
        std::env::vars_os()
            .filter_map(|(name, value)| Some((name.into_string().ok()?, value.into_string().ok()?)))
            .collect()
    }

    /// The same variables, where a blank value counts as unset (and so takes
    /// its default) and every value read is trimmed.
    pub fn with_blank_as_unset(self) -> Self {
        Self {
            blank_is_unset: true,
            ..self
        }
    }

    /// Refuses any variable that starts with `prefix` and is not one of
    /// `known`: a probable typo that would otherwise be silently ignored.
    pub fn refuse_unknown(
        &self,
        service: &'static str,
        prefix: &str,
        known: &[&str],
    ) -> Result<(), SettingsError> {
        let is_known = |name: &str| {
            known.contains(&name)
                || name
                    .strip_suffix(FILE_SUFFIX)
                    .is_some_and(|base| base.ends_with("_DATABASE_URL") && known.contains(&base))
        };
        match self
            .values
            .keys()
            .find(|name| name.starts_with(prefix) && !is_known(name))
        {
            Some(unknown) => Err(SettingsError::Unknown {
                variable: unknown.clone(),
                service,
            }),
            None => Ok(()),
        }
    }

    /// The value of `name`, if set (as given; trimmed with
    /// [`Variables::with_blank_as_unset`]).
    pub fn get(&self, name: &str) -> Option<&str> {
        let value = self.values.get(name).map(String::as_str);
        if self.blank_is_unset {
            value.map(str::trim).filter(|text| !text.is_empty())
        } else {
            value
        }
    }

    /// Parses the trimmed value of `variable`, or `default` when it is unset.
    pub fn parse_or<T>(
        &self,
        variable: &'static str,
        default: &str,
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> Result<T, SettingsError> {
        parse(self.get(variable).unwrap_or(default).trim())
            .map_err(|problem| SettingsError::Invalid { variable, problem })
    }

    /// A whole number of milliseconds, at least 1 ([`milliseconds`]).
    pub fn milliseconds_or(
        &self,
        variable: &'static str,
        default: Duration,
    ) -> Result<Duration, SettingsError> {
        self.parse_or(variable, &default.as_millis().to_string(), milliseconds)
    }

    /// A count of at least 1 ([`positive`]).
    pub fn positive_or<T>(&self, variable: &'static str, default: T) -> Result<T, SettingsError>
    where
        T: FromStr<Err = ParseIntError> + PartialEq + Default + Display,
    {
        self.parse_or(variable, &default.to_string(), positive::<T>)
    }

    /// A count between `least` and `most`, both included ([`between`]).
    pub fn between_or<T>(
        &self,
        variable: &'static str,
        default: T,
        least: T,
        most: T,
    ) -> Result<T, SettingsError>
    where
        T: FromStr<Err = ParseIntError> + PartialOrd + Display,
    {
        self.parse_or(variable, &default.to_string(), |text| {
            between(text, least, most)
        })
    }

    /// A socket address, `host:port` with a numeric host.
    pub fn socket_address_or(
        &self,
        variable: &'static str,
        default: &str,
    ) -> Result<SocketAddr, SettingsError> {
        self.parse_or(variable, default, |text| {
            text.parse::<SocketAddr>()
                .map_err(|error| error.to_string())
        })
    }

    /// A service's database: its URL ([`database_url`]) and its pool size (at
    /// least 1, [`DEFAULT_MAX_CONNECTIONS`] unless set). The URL may hold a
    /// password, so it may instead come from a file named by
    /// `<url_variable>_FILE` (as mounted secrets are), trailing newline ignored.
    pub fn database_or(
        &self,
        url_variable: &'static str,
        default_url: &str,
        max_connections_variable: &'static str,
    ) -> Result<DatabaseSettings, SettingsError> {
        let file_variable = format!("{url_variable}{FILE_SUFFIX}");
        let url = match (self.get(url_variable), self.get(&file_variable)) {
            (Some(_), Some(_)) => {
                return Err(SettingsError::Invalid {
                    variable: url_variable,
                    problem: format!("set either it or {file_variable}, not both"),
                });
            }
            (None, Some(path)) => {
                let text = std::fs::read_to_string(path.trim()).map_err(|error| {
                    SettingsError::Invalid {
                        variable: url_variable,
                        problem: format!("cannot read {file_variable} ({}): {error}", path.trim()),
                    }
                })?;
                database_url(text.trim()).map_err(|problem| SettingsError::Invalid {
                    variable: url_variable,
                    problem: format!("in {file_variable}: {problem}"),
                })?
            }
            _ => self.parse_or(url_variable, default_url, database_url)?,
        };
        Ok(DatabaseSettings {
            url,
            max_connections: self.positive_or(max_connections_variable, DEFAULT_MAX_CONNECTIONS)?,
        })
    }

    /// A peer's address ([`peer_address`]).
    pub fn peer_address_or(
        &self,
        variable: &'static str,
        default: &str,
    ) -> Result<String, SettingsError> {
        self.parse_or(variable, default, peer_address)
    }

    /// A comma-separated list of paths; blank entries are skipped, unset is empty.
    pub fn paths(&self, variable: &str) -> Vec<PathBuf> {
        self.get(variable)
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|entry| !entry.is_empty())
            .map(PathBuf::from)
            .collect()
    }
}

/// A whole number of milliseconds, at least 1.
pub fn milliseconds(text: &str) -> Result<Duration, String> {
    match text.parse::<u64>() {
        Ok(0) => Err("must be at least 1 ms".to_owned()),
        Ok(milliseconds) => Ok(Duration::from_millis(milliseconds)),
        Err(error) => Err(error.to_string()),
    }
}

/// A whole number of at least 1.
pub fn positive<T>(text: &str) -> Result<T, String>
where
    T: FromStr<Err = ParseIntError> + PartialEq + Default,
{
    match text.parse::<T>() {
        Ok(value) if value == T::default() => Err("must be at least 1".to_owned()),
        Ok(value) => Ok(value),
        Err(error) => Err(error.to_string()),
    }
}

/// A whole number between `least` and `most`, both included.
pub fn between<T>(text: &str, least: T, most: T) -> Result<T, String>
where
    T: FromStr<Err = ParseIntError> + PartialOrd + Display,
{
    match text.parse::<T>() {
        Ok(value) if least <= value && value <= most => Ok(value),
        Ok(_) => Err(format!("must be between {least} and {most}")),
        Err(error) => Err(error.to_string()),
    }
}

/// A database URL: `postgres://…` or `sqlite:…` (housing-storage's backends).
/// The problem never echoes the URL, which may hold a password.
pub fn database_url(text: &str) -> Result<SecretString, String> {
    housing_storage::Backend::of_url(text)
        .map(|_| SecretString::from(text.to_owned()))
        .map_err(|error| error.to_string())
}

/// A peer's address: an `http://` or `https://` URI, naming a host, that tonic
/// can connect to. How it is reached (mutual TLS, or plaintext on loopback
/// only) is the security mode's choice: [`crate::security::Security::endpoint`].
pub fn peer_address(text: &str) -> Result<String, String> {
    let rest = text
        .strip_prefix("http://")
        .or_else(|| text.strip_prefix("https://"))
        .ok_or_else(|| "must start with http:// or https://".to_owned())?;
    if rest.is_empty() {
        return Err("names no host".to_owned());
    }
    tonic::transport::Endpoint::from_shared(text.to_owned())
        .map(|_| text.to_owned())
        .map_err(|error| format!("is not a valid URI ({error})"))
}

#[cfg(test)]
mod tests;
