//! Why a query was not answered, as the query log and the caller see it.

use housing_platform::error::{Reason, ServiceError, Violation};
use housing_proto::housing::common::v1::Register;

use crate::storage::StoreError;

/// The outcome logged for an answered query.
pub const OUTCOME_OK: &str = "OK";
/// The outcome logged for a query refused before any register was asked: an
/// unknown calling system, or identification missing.
pub const OUTCOME_REFUSED: &str = "REFUSED";

/// A query that got no answer.
#[derive(Debug, thiserror::Error)]
pub enum GatewayError {
    /// The X-Road identification is missing: refused.
    #[error("the query does not identify its caller")]
    Unidentified(Vec<Violation>),
    /// The calling system is not one the gateway serves: refused.
    #[error("unknown client system")]
    UnknownClientSystem,
    /// The query itself is malformed.
    #[error("invalid query")]
    InvalidQuery(Vec<Violation>),
    /// A register is unavailable (injected outage or error).
    #[error("the {} register is unavailable", register_name(*.0))]
    RegisterUnavailable(Register),
    /// A register did not answer within the budget.
    #[error("the {} register did not answer in time", register_name(*.0))]
    RegisterTimeout(Register),
    /// The gateway's own store failed.
    #[error("the registers' store failed")]
    Store(#[from] StoreError),
    /// The answer could not be logged, so it is not given.
    #[error("the query log is unavailable")]
    QueryLogUnavailable,
}

impl GatewayError {
    /// What the query log records as the outcome.
    pub fn outcome(&self) -> &'static str {
        match self {
            GatewayError::Unidentified(_) | GatewayError::UnknownClientSystem => OUTCOME_REFUSED,
            GatewayError::InvalidQuery(_) => Reason::InvalidArgument.as_str(),
            GatewayError::RegisterUnavailable(_) => Reason::RegisterUnavailable.as_str(),
            GatewayError::RegisterTimeout(_) => Reason::RegisterTimeout.as_str(),
            GatewayError::Store(error) if error.is_unavailable() => {
                Reason::RegisterUnavailable.as_str()
            }
            GatewayError::Store(_) => Reason::Internal.as_str(),
            GatewayError::QueryLogUnavailable => Reason::Unavailable.as_str(),
        }
    }
}

impl From<GatewayError> for ServiceError {
    fn from(error: GatewayError) -> Self {
        let message = error.to_string();
        match error {
            GatewayError::Unidentified(violations) | GatewayError::InvalidQuery(violations) => {
                ServiceError::invalid(violations)
            }
            GatewayError::UnknownClientSystem => ServiceError::UnknownClientSystem,
            GatewayError::RegisterUnavailable(_) => ServiceError::Unavailable {
                reason: Reason::RegisterUnavailable,
                message,
            },
            GatewayError::RegisterTimeout(_) => ServiceError::Unavailable {
                reason: Reason::RegisterTimeout,
                message,
            },
            // The registers live in the gateway's store: the caller sees the
            // registers unavailable and retries.
            GatewayError::Store(error) if error.is_unavailable() => {
                tracing::warn!(
                    error = format!("{:#}", anyhow::Error::from(error)),
                    "registers' store unavailable"
                );
                ServiceError::Unavailable {
                    reason: Reason::RegisterUnavailable,
                    message: "the registers are unavailable".to_owned(),
                }
            }
            GatewayError::Store(error) => ServiceError::Internal(anyhow::Error::from(error)),
            GatewayError::QueryLogUnavailable => ServiceError::Unavailable {
                reason: Reason::Unavailable,
                message,
            },
        }
    }
}

/// A register's name for messages and logs.
pub fn register_name(register: Register) -> &'static str {
    match register {
        Register::Unspecified => "unspecified",
        Register::Identity => "identity",
        Register::Migration => "migration",
        Register::CivilStatus => "civil-status",
        Register::Address => "address",
        Register::RealEstate => "real-estate",
        Register::EmergencyHousing => "emergency-housing",
        Register::CertifiedExperts => "certified-experts",
        Register::StateHousingUse => "state-housing-use",
        Register::UnifiedRepublicanDatabase => "single republican electronic database",
        Register::SocialCategories => "social-categories",
        Register::MobileCitizens => "mobile citizens",
        Register::CertificationCentre => "certification centre",
    }
}
