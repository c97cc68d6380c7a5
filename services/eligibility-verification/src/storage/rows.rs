//! Reading typed values out of rows, and binding a variable list of
//! parameters: the conventions of `housing-storage` (micros, YYYY-MM-DD, 0/1).

use chrono::{DateTime, NaiveDate, Utc};
use housing_domain::Iin;
use sqlx::any::{AnyArguments, AnyRow};
use sqlx::query::Query;
use sqlx::{Any, Row};

use super::StoreError;

/// Microseconds since the epoch of an instant.
pub fn micros(instant: DateTime<Utc>) -> i64 {
    instant.timestamp_micros()
}

/// The stored text of a date.
pub fn date_text(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

/// Typed reads of one row; a value that cannot be read is [`StoreError::Corrupt`].
pub struct Columns<'r>(pub &'r AnyRow);

impl Columns<'_> {
    pub fn text(&self, column: &str) -> Result<String, StoreError> {
        self.0
            .try_get::<String, _>(column)
            .map_err(|error| corrupt(column, error))
    }

    pub fn optional_text(&self, column: &str) -> Result<Option<String>, StoreError> {
        self.0
            .try_get::<Option<String>, _>(column)
            .map_err(|error| corrupt(column, error))
    }

    pub fn int(&self, column: &str) -> Result<i64, StoreError> {
        self.0
            .try_get::<i64, _>(column)
            .map_err(|error| corrupt(column, error))
    }

    pub fn optional_int(&self, column: &str) -> Result<Option<i64>, StoreError> {
        self.0
            .try_get::<Option<i64>, _>(column)
            .map_err(|error| corrupt(column, error))
    }

    pub fn flag(&self, column: &str) -> Result<bool, StoreError> {
        Ok(self.int(column)? != 0)
    }

    pub fn bytes(&self, column: &str) -> Result<Vec<u8>, StoreError> {
        self.0
            .try_get::<Vec<u8>, _>(column)
            .map_err(|error| corrupt(column, error))
    }

    pub fn instant(&self, column: &str) -> Result<DateTime<Utc>, StoreError> {
        instant_of(column, self.int(column)?)
    }

    pub fn optional_instant(&self, column: &str) -> Result<Option<DateTime<Utc>>, StoreError> {
        self.optional_int(column)?
            .map(|value| instant_of(column, value))
            .transpose()
    }

    pub fn date(&self, column: &str) -> Result<NaiveDate, StoreError> {
        let text = self.text(column)?;
        NaiveDate::parse_from_str(&text, "%Y-%m-%d")
            .map_err(|_| StoreError::Corrupt(format!("{column} is not a date")))
    }

    pub fn iin(&self, column: &str) -> Result<Iin, StoreError> {
        // The error names the column only: the value is personal data.
        Iin::parse(&self.text(column)?)
            .map_err(|_| StoreError::Corrupt(format!("{column} is not an IIN")))
    }

    pub fn optional_iin(&self, column: &str) -> Result<Option<Iin>, StoreError> {
        self.optional_text(column)?
            .map(|text| {
                Iin::parse(&text)
                    .map_err(|_| StoreError::Corrupt(format!("{column} is not an IIN")))
            })
            .transpose()
    }

    /// A stored enum name, parsed.
    pub fn parsed<T>(
        &self,
        column: &str,
        parse: impl Fn(&str) -> Option<T>,
    ) -> Result<T, StoreError> {
        let text = self.text(column)?;
        parse(&text).ok_or_else(|| StoreError::Corrupt(format!("{column} has an unknown value")))
    }
}

fn instant_of(column: &str, micros: i64) -> Result<DateTime<Utc>, StoreError> {
    DateTime::from_timestamp_micros(micros)
        .ok_or_else(|| StoreError::Corrupt(format!("{column} is out of range")))
}

fn corrupt(column: &str, error: sqlx::Error) -> StoreError {
    StoreError::Corrupt(format!("{column}: {error}"))
}

/// A value bound to a numbered parameter.
#[derive(Debug, Clone)]
pub enum Parameter {
    Int(i64),
    Text(String),
}

/// Parameters of a query assembled at run time; `$n` placeholders in order.
#[derive(Debug, Default)]
pub struct Parameters(Vec<Parameter>);

impl Parameters {
    /// Adds a parameter and returns its placeholder.
    pub fn add(&mut self, parameter: Parameter) -> String {
        self.0.push(parameter);
        format!("${}", self.0.len())
    }

    /// Binds every parameter to a query, in order.
    pub fn bind<'q>(
        self,
        mut query: Query<'q, Any, AnyArguments<'q>>,
    ) -> Query<'q, Any, AnyArguments<'q>> {
        for parameter in self.0 {
            query = match parameter {
                Parameter::Int(value) => query.bind(value),
                Parameter::Text(value) => query.bind(value),
            };
        }
        query
    }
}
