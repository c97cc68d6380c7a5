//! The application, the registry facts and the decision (rules.md §1, §2, §5).
//!
//! Rules as code, after Catala and OpenFisca: each rule is a function under the
//! paragraph of the Rules it implements (its doc comment quotes it), the rule
//! set is chosen by effective date ([`RuleSetVersion::in_force_on`]), every
//! rule is evaluated and recorded with the register facts that decided it, and
//! a decision prints a trace without personal data ([`Decision::trace`]).
//!
//! ```text
//! Application + RegistryFacts (as of the acceptance date) + RuleSetVersion + Scheduling
//!     └─ evaluate ─▶ Decision { family, evaluations, category, outcome, terms }
//! ```
//!
//! Interpretations of ambiguous text are listed in `docs/eligibility.md`.

mod application;
mod context;
mod dates;
mod decision;
pub mod eds;
mod facts;
mod family;
mod kato;
pub mod notice;
mod rule_set;
mod rules;
mod terms;
mod trace;

pub use application::{
    Application, Consents, ContactDetails, DeclaredFamilyMember, DeclaredRelation, EmailAddress,
    HousingStock, PhoneNumber, Representative, RepresentativeCapacity, SocialCategory,
    TechnicalReport, Track,
};
pub use decision::{
    CategoryOutcome, ConsentCheckbox, ConsentGiver, Decision, DecisionOutcome, Fact, FamilyMember,
    FamilySource, Ground, Hearing, Observation, PersonReference, PersonRole, Register,
    RuleEvaluation, RuleOutcome, Terms,
};
pub use facts::{
    AcquisitionBasis, Alienation, AlienationBasis, BirthRecord, CadastralNumber,
    CadastralNumberError, CertifiedExpert, Citizenship, CivilStatus, DomicileRegistration,
    Dwelling, DwellingKind, EmergencyRecognition, HouseholdResident, HousingConduct,
    HousingConductRecord, Identity, IdentityRecord, KandasStatus, Marriage, MobileCitizensEntry,
    Ownership, ParentalCareLoss, ParentalCareStatus, PersonFacts, RegisteredHousehold,
    RegisteredTechnicalReport, RegistryFacts, ResidentRelation, Share, ShareError, ShareParts,
    SocialCategoryRecord, StateHousingKind, StateHousingUse, UnifiedDatabaseStatus,
};
pub use family::persons_to_query;
pub use kato::{Kato, KatoError, NationalCity};
pub use rule_set::{NoRuleSetInForce, RuleSetVersion};
pub use terms::{Scheduling, processing_term};

use chrono::NaiveDate;

use crate::calendar::CalendarError;
use crate::iin::Iin;
use context::Context;

/// Why an application cannot be evaluated (yet). None of these is a decision:
/// the service retries or alerts an operator, it never denies on them.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EvaluationError {
    /// No rule set is in force on the acceptance date.
    #[error(transparent)]
    NoRuleSetInForce(#[from] NoRuleSetInForce),
    /// The caller asked for a rule set other than the one in force on the acceptance date.
    #[error("rule set {requested} is not the one in force on {acceptance_date} ({in_force})")]
    RuleSetNotInForce {
        /// The version asked for.
        requested: RuleSetVersion,
        /// The version in force.
        in_force: RuleSetVersion,
        /// The acceptance date.
        acceptance_date: NaiveDate,
    },
    /// The facts are not "as of" the acceptance date.
    #[error(
        "the registry facts are as of {facts_as_of}, not the acceptance date {acceptance_date}"
    )]
    FactsNotAsOfAcceptanceDate {
        /// The snapshot's date.
        facts_as_of: NaiveDate,
        /// The acceptance date.
        acceptance_date: NaiveDate,
    },
    /// Register answers are missing for some persons (see [`persons_to_query`]).
    /// The IINs are redacted in `Debug` and left out of the message.
    #[error("registry facts are missing for {} person(s)", missing.len())]
    FactsMissing {
        /// Whose answers are missing.
        missing: Vec<Iin>,
    },
    /// The acceptance date is not the one the calendar gives for the submission instant.
    #[error(
        "the acceptance date {stated} is not the calendar's {computed} for the submission time"
    )]
    AcceptanceDateMismatch {
        /// The application's acceptance date.
        stated: NaiveDate,
        /// The calendar's.
        computed: NaiveDate,
    },
    /// The calendar cannot compute the terms (a year without data, …).
    #[error(transparent)]
    Calendar(#[from] CalendarError),
}

/// Evaluates an application against the registry facts under a rule set.
///
/// Every rule of §1 and §2 is evaluated and recorded; every ground that holds
/// is listed with its facts; the terms come from the calendar. Deterministic:
/// the same inputs always give the same decision.
pub fn evaluate(
    application: &Application,
    facts: &RegistryFacts,
    rule_set: RuleSetVersion,
    scheduling: &Scheduling<'_>,
) -> Result<Decision, EvaluationError> {
    let acceptance_date = application.acceptance_date;
    let in_force = RuleSetVersion::in_force_on(acceptance_date)?;
    if in_force != rule_set {
        return Err(EvaluationError::RuleSetNotInForce {
            requested: rule_set,
            in_force,
            acceptance_date,
        });
    }
    if facts.as_of != acceptance_date {
        return Err(EvaluationError::FactsNotAsOfAcceptanceDate {
            facts_as_of: facts.as_of,
            acceptance_date,
        });
    }
    let computed = scheduling
        .calendar
        .acceptance_day(application.submitted_at)?;
    if computed != acceptance_date {
        return Err(EvaluationError::AcceptanceDateMismatch {
            stated: acceptance_date,
            computed,
        });
    }
    let missing: Vec<Iin> = family::persons_needed_for_evaluation(application, facts)
        .into_iter()
        .filter(|iin| facts.person(*iin).is_none())
        .collect();
    let Some(applicant) = facts
        .person(application.applicant)
        .filter(|_| missing.is_empty())
    else {
        return Err(EvaluationError::FactsMissing { missing });
    };

    let context = Context::new(application, facts, applicant);
    let (evaluations, category) = rules::evaluate_all(&context);
    let grounds: Vec<Ground> = evaluations
        .iter()
        .filter(|evaluation| evaluation.is_ground_found())
        .map(|evaluation| Ground {
            code: evaluation.code,
            failed_requirements: evaluation.failed_requirements.clone(),
            facts: evaluation.facts.clone(),
        })
        .collect();
    let outcome = if grounds.is_empty() {
        DecisionOutcome::Register {
            category: match category {
                CategoryOutcome::Confirmed { category } => Some(category),
                CategoryOutcome::NotStated | CategoryOutcome::NotConfirmed { .. } => None,
            },
        }
    } else {
        DecisionOutcome::GroundsFound { grounds }
    };
    let terms = terms::terms_of(
        application,
        scheduling,
        matches!(outcome, DecisionOutcome::GroundsFound { .. }),
    )?;
    Ok(Decision {
        rule_set,
        as_of: acceptance_date,
        submitted_at: application.submitted_at,
        track: application.track,
        stock: application.stock,
        locality: application.locality,
        family: context
            .members()
            .iter()
            .map(|considered| considered.member)
            .collect(),
        evaluations,
        category,
        outcome,
        terms,
    })
}
