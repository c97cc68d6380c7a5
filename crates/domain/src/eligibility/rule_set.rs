//! Rule sets, switched on by effective date (OpenFisca-style).
//!
//! A decision records the version that produced it; a new reading of the law
//! becomes a new version with its own effective date, never an edit of an old one.

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A version of the rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum RuleSetVersion {
    /// Order No. 130 of 17 April 2025, in force 24 May 2025, with the
    /// interpretations of docs/spec/rules.md and docs/eligibility.md.
    #[serde(rename = "ORDER-130")]
    Order130,
}

/// No rule set was in force on the day asked about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("no rule set is in force on {date}")]
pub struct NoRuleSetInForce {
    /// The day asked about.
    pub date: NaiveDate,
}

impl RuleSetVersion {
    /// Every version, oldest first.
    pub const ALL: &'static [RuleSetVersion] = &[RuleSetVersion::Order130];

    /// The version's stable identifier, as decisions record it.
    pub const fn id(self) -> &'static str {
        match self {
            RuleSetVersion::Order130 => "ORDER-130",
        }
    }

    /// The first day the version applies.
    pub fn effective_from(self) -> NaiveDate {
        match self {
            RuleSetVersion::Order130 => {
                NaiveDate::from_ymd_opt(2025, 5, 24).expect("24 May 2025 is a date")
            }
        }
    }

    /// The version in force on a day: the latest one whose effective date is on or before it.
    pub fn in_force_on(date: NaiveDate) -> Result<RuleSetVersion, NoRuleSetInForce> {
        Self::ALL
            .iter()
            .rev()
            .copied()
            .find(|version| version.effective_from() <= date)
            .ok_or(NoRuleSetInForce { date })
    }
}

impl fmt::Display for RuleSetVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}
