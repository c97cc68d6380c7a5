//! A human-readable trace of a decision, for operators and the applicant's
//! reasoned notice. It names people only by masked role ("applicant",
//! "spouse", "child 1"): no names, no IINs (an [`crate::Iin`] has no `Display`).

use std::fmt::Write as _;

use chrono::NaiveDate;
use serde::Serialize;

use super::decision::{
    CategoryOutcome, Decision, DecisionOutcome, Fact, FamilySource, Observation, PersonRole,
    Register, RuleOutcome,
};

/// The wire name of a unit-like enum value (its serde name, e.g. `NO_HOUSING`).
fn wire<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(text)) => text,
        Ok(other) => other.to_string(),
        Err(_) => String::from("?"),
    }
}

fn optional_day(day: Option<NaiveDate>) -> String {
    day.map_or_else(|| String::from("open"), |day| day.to_string())
}

/// The masked name of a role.
pub(crate) fn role_name(role: PersonRole) -> String {
    match role {
        PersonRole::Applicant => String::from("applicant"),
        PersonRole::Representative => String::from("representative"),
        PersonRole::Spouse => String::from("spouse"),
        PersonRole::Child(ordinal) => format!("child {ordinal}"),
        PersonRole::OtherMember(ordinal) => format!("family member {ordinal}"),
        PersonRole::Resident(ordinal) => format!("resident {ordinal}"),
    }
}

fn register_name(register: Register) -> &'static str {
    match register {
        Register::ApplicationForm => "application form",
        Register::Identity => "identity register",
        Register::Migration => "migration register",
        Register::CivilStatus => "civil-status register",
        Register::AddressRegistration => "address register",
        Register::RealEstate => "real-estate register",
        Register::EmergencyHousing => "emergency-housing register",
        Register::CertifiedExperts => "certified-experts register",
        Register::StateHousingUse => "state housing use",
        Register::UnifiedRepublicanDatabase => "single republican database",
        Register::SocialCategories => "social-categories register",
        Register::MobileCitizens => "mobile citizens database",
    }
}

/// What an observation says, in words.
fn describe(observation: &Observation) -> String {
    match observation {
        Observation::BirthDate {
            age_on_acceptance_date,
        } => format!("birth date; {age_on_acceptance_date} full years on the acceptance date"),
        Observation::IdentityNotFound => String::from("not found in the identity register"),
        Observation::Citizenship { citizenship } => format!("citizenship {}", wire(citizenship)),
        Observation::KandasStatus {
            valid_from,
            valid_to,
            valid_on_acceptance_date,
        } => format!(
            "kandas status {valid_from} to {}; valid on the acceptance date: {}",
            optional_day(*valid_to),
            yes_no(*valid_on_acceptance_date)
        ),
        Observation::NoKandasStatus => String::from("no kandas status on record"),
        Observation::ParentalCareLost {
            status,
            before_adulthood,
        } => format!(
            "{}; parents lost before 18: {}",
            wire(status),
            yes_no(*before_adulthood)
        ),
        Observation::NoParentalCareLossRecord => String::from("no orphan or parental-care record"),
        Observation::FiledByRepresentative { capacity } => {
            format!("filed by a representative ({})", wire(capacity))
        }
        Observation::Marriage {
            registered_on,
            dissolved_on,
            subsists_on_acceptance_date,
        } => format!(
            "marriage registered {registered_on}, dissolved {}; subsists on the acceptance date: {}",
            optional_day(*dissolved_on),
            yes_no(*subsists_on_acceptance_date)
        ),
        Observation::DeclaredMemberContradictsRegister { declared_relation } => format!(
            "declared as {} but the civil-status register does not show it",
            wire(declared_relation)
        ),
        Observation::DeclaredMemberIsTheApplicant => {
            String::from("the applicant is declared as their own family member")
        }
        Observation::DeclaredMemberNotFound => {
            String::from("declared family member not found in the identity register")
        }
        Observation::DeclaredMemberDeceased => {
            String::from("declared family member died on or before the acceptance date")
        }
        Observation::LegalRepresentativeOfAnAdult => {
            String::from("a legal representative of a minor files for an adult")
        }
        Observation::DomicileRegistration {
            locality,
            registered_from,
            registered_to,
        } => format!(
            "domicile in {locality} from {registered_from} to {}",
            optional_day(*registered_to)
        ),
        Observation::NoDomicileInCity { window_from } => {
            format!("not registered in the city on this day (window from {window_from})")
        }
        Observation::LocalityNotACityOfNationalStatus { locality } => {
            format!("{locality} is not a city of national status")
        }
        Observation::Ownership {
            locality,
            share,
            acquisition_basis,
            alienated_on,
            alienation_basis,
        } => {
            let basis = match serde_json::to_value(acquisition_basis) {
                Ok(serde_json::Value::Object(fields)) => fields
                    .get("basis")
                    .and_then(serde_json::Value::as_str)
                    .map_or_else(|| String::from("?"), str::to_owned),
                _ => String::from("?"),
            };
            let programme = match acquisition_basis {
                super::facts::AcquisitionBasis::StateMortgageProgramme { programme } => {
                    format!(" \"{programme}\"")
                }
                _ => String::new(),
            };
            let alienation = match (alienated_on, alienation_basis) {
                (Some(day), Some(how)) => format!(", alienated {day} by {}", wire(how)),
                _ => String::from(", still owned"),
            };
            format!(
                "owns {}/{} of a dwelling in {locality}, acquired by {basis}{programme}{alienation}",
                share.numerator(),
                share.denominator()
            )
        }
        Observation::NoOwnershipInWindow { window_from } => {
            format!("no dwelling owned by anyone considered since {window_from}")
        }
        Observation::StateHousingUse { kind, from, to } => {
            format!("uses {} from {from} to {}", wire(kind), optional_day(*to))
        }
        Observation::InUnifiedRepublicanDatabase => {
            String::from("registered in the single republican database")
        }
        Observation::SocialCategoryRecord {
            category,
            valid_from,
            valid_to,
            source_register,
            valid_on_acceptance_date,
        } => format!(
            "{} from {valid_from} to {} ({source_register}); valid on the acceptance date: {}",
            wire(category),
            optional_day(*valid_to),
            yes_no(*valid_on_acceptance_date)
        ),
        Observation::CategoryStated { category } => format!("states {}", wire(category)),
        Observation::NoValidRecordOfCategory { category } => format!(
            "no record of {} valid on the acceptance date; the applicant may ask the state body to correct the data",
            wire(category)
        ),
        Observation::RegistrationWithoutCategoryAgreed { agreed } => format!(
            "agreed to registration without a category: {}",
            yes_no(*agreed)
        ),
        Observation::PersonalDataConsentGiven { given_by } => {
            format!("personal-data consent given ({})", wire(given_by))
        }
        Observation::PersonalDataConsentMissing => String::from("personal-data consent missing"),
        Observation::ConsentCheckboxNotTicked { checkbox } => {
            format!("checkbox {} not ticked", wire(checkbox))
        }
        Observation::TechnicalReportMissing => String::from("no technical report attached"),
        Observation::TechnicalReportAttached {
            report_number,
            expert_certificate_number,
        } => format!(
            "technical report {report_number} by expert certificate {expert_certificate_number}"
        ),
        Observation::TechnicalReportNotRegistered => {
            String::from("the technical report is not on record")
        }
        Observation::TechnicalReportDiffersFromRegister => {
            String::from("the technical report differs from the one on record")
        }
        Observation::ExpertCertificateUnknown { certificate_number } => {
            format!("expert certificate {certificate_number} is not on record")
        }
        Observation::ExpertCertificate {
            certificate_number,
            valid_from,
            valid_to,
            valid_on_report_date,
        } => format!(
            "expert certificate {certificate_number} valid {valid_from} to {}; valid on the report date: {}",
            optional_day(*valid_to),
            yes_no(*valid_on_report_date)
        ),
        Observation::EmergencyRecognition {
            act_number,
            locality,
        } => format!("recognised as emergency by act {act_number} in {locality}"),
        Observation::NotRecognisedAsEmergency => String::from("not recognised as emergency"),
        Observation::ReportForAnotherDwelling => {
            String::from("the technical report is for another dwelling than the emergency one")
        }
        Observation::ReportLocalityDiffers {
            report_locality,
            recognised_locality,
        } => {
            format!("the report says {report_locality}, the recognition says {recognised_locality}")
        }
        Observation::AnotherDwellingOwned => {
            String::from("another dwelling owned on the acceptance date")
        }
        Observation::EmergencyHomeInAnotherLocality {
            home_locality,
            applied_locality,
        } => format!(
            "the emergency home is in {home_locality}, the application is for {applied_locality}"
        ),
        Observation::HousingConduct { conduct } => format!("recorded: {}", wire(conduct)),
        Observation::Accommodated { relation } => format!("accommodated ({})", wire(relation)),
        Observation::StockAppliedFor { stock } => format!("applies for the {} stock", wire(stock)),
        Observation::RequirementFails { requirement } => format!("requirement {requirement} fails"),
    }
}

fn yes_no(value: bool) -> &'static str {
    if value { "yes" } else { "no" }
}

impl Fact {
    /// What the fact says, in words, with no names or IINs (the trace's text
    /// after the register, role, property and date).
    pub fn describe(&self) -> String {
        describe(&self.observation)
    }
}

fn fact_line(fact: &Fact) -> String {
    let mut parts = vec![String::from(register_name(fact.register))];
    if let Some(person) = &fact.person {
        parts.push(role_name(person.role));
    }
    if let Some(property) = &fact.property {
        parts.push(format!("property {property}"));
    }
    if let Some(date) = fact.date {
        parts.push(date.to_string());
    }
    format!("{}: {}", parts.join(", "), describe(&fact.observation))
}

impl Decision {
    /// The decision as text: rule set, "as of" date, family by role, outcome,
    /// terms, then every rule with its outcome and facts. No names, no IINs.
    pub fn trace(&self) -> String {
        let mut text = String::new();
        // Writing to a String cannot fail; the results are ignored on purpose.
        let _ = writeln!(
            text,
            "Decision under rule set {} (in force from {}), as of {}",
            self.rule_set,
            self.rule_set.effective_from(),
            self.as_of
        );
        let _ = writeln!(
            text,
            "Track {}, stock {}, locality {}",
            wire(&self.track),
            wire(&self.stock),
            self.locality
        );
        let family: Vec<String> = self
            .family
            .iter()
            .map(|member| {
                let source = match member.source {
                    FamilySource::Register => "register",
                    FamilySource::Declared => "declared",
                    FamilySource::RegisterAndDeclared => "register and declared",
                };
                format!("{} ({source})", role_name(member.person.role))
            })
            .collect();
        let _ = writeln!(
            text,
            "Family: applicant{}{}",
            if family.is_empty() { "" } else { ", " },
            family.join(", ")
        );
        match &self.outcome {
            DecisionOutcome::Register { category } => {
                let _ = writeln!(
                    text,
                    "Outcome: REGISTER, category {}",
                    category.as_ref().map_or_else(|| String::from("none"), wire)
                );
            }
            DecisionOutcome::GroundsFound { grounds } => {
                let names: Vec<String> = grounds
                    .iter()
                    .map(|ground| {
                        if ground.failed_requirements.is_empty() {
                            ground.code.to_string()
                        } else {
                            let failed: Vec<&str> = ground
                                .failed_requirements
                                .iter()
                                .map(|code| code.as_str())
                                .collect();
                            format!("{} ({})", ground.code, failed.join(", "))
                        }
                    })
                    .collect();
                let _ = writeln!(text, "Outcome: GROUNDS FOUND: {}", names.join(", "));
            }
        }
        let category = match self.category {
            CategoryOutcome::NotStated => String::from("not stated"),
            CategoryOutcome::Confirmed { category } => format!("{} confirmed", wire(&category)),
            CategoryOutcome::NotConfirmed { stated } => format!("{} not confirmed", wire(&stated)),
        };
        let _ = writeln!(text, "Category: {category}");
        let _ = writeln!(
            text,
            "Term: {}, {} working day(s) from {}, ends {}",
            self.terms.processing_term,
            self.terms.working_days,
            self.terms.acceptance_day,
            self.terms.term_end.to_rfc3339()
        );
        if let Some(hearing) = &self.terms.hearing {
            let _ = writeln!(
                text,
                "HEARING: notice {}, hearing {}, position until {}, term ends {}{}",
                hearing.notice_day,
                hearing.hearing_at.to_rfc3339(),
                hearing.position_deadline.to_rfc3339(),
                hearing.term_end.to_rfc3339(),
                if hearing.term_was_extended {
                    " (extended)"
                } else {
                    ""
                }
            );
        }
        let _ = writeln!(text, "Rules:");
        for evaluation in &self.evaluations {
            let outcome = match evaluation.outcome {
                RuleOutcome::Holds => "HOLDS",
                RuleOutcome::Fails => "FAILS",
                RuleOutcome::NotApplicable => "NOT APPLICABLE",
            };
            let _ = writeln!(text, "  {} {outcome}", evaluation.code);
            for fact in &evaluation.facts {
                let _ = writeln!(text, "    - {}", fact_line(fact));
            }
        }
        text
    }
}
