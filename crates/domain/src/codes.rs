//! The stable rule codes of the rules catalogue (`docs/spec/rules.md`).
//!
//! Codes are public identifiers: they appear in gRPC error reasons, decisions,
//! notifications and the register. A code never changes meaning; a new reading
//! of the law gets a new code and a new rule-set version.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Which part of the catalogue a code belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CodeKind {
    /// §1: who may register (admission requirements).
    Requirement,
    /// §2: grounds for denial (§15 of the Rules, Appendix 1 row 9).
    Ground,
    /// §3: terms, the calendar and the hearing.
    Term,
    /// §4: complaints (Chapter 3 of the Rules).
    Complaint,
}

macro_rules! rule_codes {
    ($( $(#[$doc:meta])* $variant:ident = $text:literal, $kind:ident; )*) => {
        /// A rule code of the catalogue.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum RuleCode {
            $( $(#[$doc])* $variant, )*
        }

        impl RuleCode {
            /// Every code of the catalogue, in catalogue order.
            pub const ALL: &'static [RuleCode] = &[$(RuleCode::$variant),*];

            /// The code as it appears on the wire: UPPER_SNAKE.
            pub const fn as_str(self) -> &'static str {
                match self { $(RuleCode::$variant => $text,)* }
            }

            /// The part of the catalogue the code belongs to.
            pub const fn kind(self) -> CodeKind {
                match self { $(RuleCode::$variant => CodeKind::$kind,)* }
            }
        }

        impl FromStr for RuleCode {
            type Err = UnknownRuleCode;
            fn from_str(text: &str) -> Result<Self, Self::Err> {
                match text {
                    $($text => Ok(RuleCode::$variant),)*
                    _ => Err(UnknownRuleCode),
                }
            }
        }
    };
}

rule_codes! {
    /// §7: 18 or older on the acceptance date (exception: a minor orphan filed for by a representative).
    Adult = "ADULT", Requirement;
    /// §7, §3.4: a citizen, or holds kandas status valid on the acceptance date.
    CitizenOrKandas = "CITIZEN_OR_KANDAS", Requirement;
    /// §7.1: track 1, no housing owned in the 5 years before acceptance.
    TrackNoHousing = "TRACK_NO_HOUSING", Requirement;
    /// §7.2, §13, App1 row 8: track 2, the only dwelling is recognised as emergency.
    TrackEmergencyHome = "TRACK_EMERGENCY_HOME", Requirement;
    /// §6: 3 years of continuous domicile in Astana, Almaty or Shymkent.
    Domicile3Years = "DOMICILE_3_YEARS", Requirement;
    /// §12, App1 row 9.4: consent of the applicant and every adult family member.
    Consent = "CONSENT", Requirement;
    /// §5, §13, App1 row 10: signed with a valid signing key naming the signer's IIN.
    SignedWithEds = "SIGNED_WITH_EDS", Requirement;
    /// §8: the applicant states a category of Art. 74 ¶1 of the Law.
    Category = "CATEGORY", Requirement;
    /// §9, §10: the stated category is not confirmed; registered without a category.
    CategoryNotConfirmed = "CATEGORY_NOT_CONFIRMED", Requirement;

    /// §15.1: already in the single republican electronic database.
    InUnifiedRepublicanDatabase = "IN_UNIFIED_REPUBLICAN_DATABASE", Ground;
    /// §15.2: owns or owned housing in the 5 years before acceptance.
    OwnedHousingLast5Years = "OWNED_HOUSING_LAST_5_YEARS", Ground;
    /// §15.3: owns housing in the locality (stock of a state institution).
    OwnsHousingInLocality = "OWNS_HOUSING_IN_LOCALITY", Ground;
    /// §15.4: owns housing anywhere (stock of a state enterprise).
    OwnsHousingStateEnterpriseStock = "OWNS_HOUSING_STATE_ENTERPRISE_STOCK", Ground;
    /// §15.5: uses state housing or housing rented by a local executive body.
    HasStateOrLeasedHousing = "HAS_STATE_OR_LEASED_HOUSING", Ground;
    /// §15.6, App1 row 9.1: inaccurate data.
    InaccurateData = "INACCURATE_DATA", Ground;
    /// §15.7: previously received and privatised state housing.
    PrivatizedStateHousing = "PRIVATIZED_STATE_HOUSING", Ground;
    /// §15.8, App1 row 9.3: the single emergency home is in another locality.
    EmergencyHomeInOtherLocality = "EMERGENCY_HOME_IN_OTHER_LOCALITY", Ground;
    /// §15.9: housing acquired under a state mortgage programme.
    StateMortgageProgramHousing = "STATE_MORTGAGE_PROGRAM_HOUSING", Ground;
    /// App1 row 9.2: a requirement of §1 fails.
    RequirementsNotMet = "REQUIREMENTS_NOT_MET", Ground;
    /// App1 row 9.3: track 2, deliberate deterioration of housing conditions.
    DeliberateDeterioration = "DELIBERATE_DETERIORATION", Ground;
    /// App1 row 9.4: consent missing.
    NoPersonalDataConsent = "NO_PERSONAL_DATA_CONSENT", Ground;

    /// §13, App1 row 3.1: track 1 decided within 1 working day.
    TermTrackNoHousing = "TERM_TRACK_NO_HOUSING", Term;
    /// §13, App1 row 3.2: track 2 decided within 3 working days.
    TermTrackEmergency = "TERM_TRACK_EMERGENCY", Term;
    /// App1 row 7: outside hours, weekends and holidays: accepted the next working day.
    AfterHoursNextWorkingDay = "AFTER_HOURS_NEXT_WORKING_DAY", Term;
    /// §17 (APPK Art. 73): preliminary decision and hearing before a denial.
    Hearing = "HEARING", Term;
    /// §16: notice to the personal account, and by text message to a registered number.
    DecisionNotice = "DECISION_NOTICE", Term;

    /// §18, §19: complaints go to the head of the provider.
    ComplaintToProvider = "COMPLAINT_TO_PROVIDER", Complaint;
    /// §18: the provider answers within 5 working days of registration.
    ComplaintProviderTerm = "COMPLAINT_PROVIDER_TERM", Complaint;
    /// §19: forwarded within 3 working days unless fully satisfied.
    ComplaintForwardTerm = "COMPLAINT_FORWARD_TERM", Complaint;
    /// §18: the quality-control body answers within 15 working days.
    ComplaintQualityBodyTerm = "COMPLAINT_QUALITY_BODY_TERM", Complaint;
    /// §19: court after the pre-trial procedure.
    CourtAfterPretrial = "COURT_AFTER_PRETRIAL", Complaint;
}

/// A string that is not a code of the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("not a rule code of the catalogue")]
pub struct UnknownRuleCode;

impl Serialize for RuleCode {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for RuleCode {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

impl fmt::Display for RuleCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_round_trips_through_its_text_and_serde() {
        for &code in RuleCode::ALL {
            assert_eq!(code.as_str().parse::<RuleCode>(), Ok(code));
            let json = serde_json::to_string(&code).expect("serialise");
            assert_eq!(json, format!("\"{}\"", code.as_str()));
        }
        assert_eq!("adult".parse::<RuleCode>(), Err(UnknownRuleCode));
    }
}
