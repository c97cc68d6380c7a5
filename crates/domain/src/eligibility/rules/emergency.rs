//! Track 2: the only dwelling is recognised as emergency (`TRACK_EMERGENCY_HOME`),
//! and what its failures mean for the grounds of §2.

use super::super::application::{TechnicalReport, Track};
use super::super::context::{Context, HeldDwelling};
use super::super::dates::Period;
use super::super::decision::{Fact, Observation, Register, RuleEvaluation};
use super::super::facts::{CadastralNumber, EmergencyRecognition};
use crate::codes::RuleCode;

/// The track-2 check, sorted by the ground each failure leads to.
#[derive(Debug, Clone, Default)]
pub(crate) struct EmergencyHomeCheck {
    /// The evaluation of `TRACK_EMERGENCY_HOME` (all facts).
    pub evaluation: Option<RuleEvaluation>,
    /// Failures that are `REQUIREMENTS_NOT_MET` (no report, nothing recognised,
    /// not the only dwelling).
    pub unmet: Vec<Fact>,
    /// Failures that are `INACCURATE_DATA` (report not on record or different,
    /// expert not certified on the report date, report for another dwelling or
    /// locality).
    pub inaccurate: Vec<Fact>,
    /// Failures that are `EMERGENCY_HOME_IN_OTHER_LOCALITY`.
    pub other_locality: Vec<Fact>,
    /// The dwelling taken as the emergency home, if one is recognised.
    pub home: Option<CadastralNumber>,
}

/// `TRACK_EMERGENCY_HOME`.
///
/// §7.2: "whose only accommodation is recognized as emergency housing under the
/// legislation of the Republic of Kazakhstan, the registration of which is made
/// at the location of this housing by local executive bodies."
///
/// §13: "The Service Provider shall check the electronic copy of the technical
/// report (based on the technical inspection of the home) by a certified expert
/// in the architectural, urban planning and construction activities, attached
/// to the application in accordance with Appendix 1 to the Rules."
///
/// App1 row 8.2: "electronic copy of the technical report (based on the
/// technical inspection of the home) by a certified expert in architectural,
/// urban planning and construction activities."
///
/// The report is attached and on record in the emergency-housing register with
/// the same expert, date and dwelling; the expert's certificate is valid on the
/// report date; the dwelling is recognised as emergency (on or before the
/// acceptance date); no one in the family owns another dwelling on the
/// acceptance date; the application is for the dwelling's locality.
pub(crate) fn track_emergency_home(context: &Context<'_>) -> EmergencyHomeCheck {
    if context.application.track != Track::EmergencyHome {
        return EmergencyHomeCheck {
            evaluation: Some(RuleEvaluation::not_applicable(RuleCode::TrackEmergencyHome)),
            ..EmergencyHomeCheck::default()
        };
    }
    let mut check = EmergencyHomeCheck::default();
    let mut supporting = Vec::new();
    let held_today: Vec<HeldDwelling<'_>> = context
        .held_dwellings()
        .into_iter()
        .filter(|held| held.owned_on(context.as_of))
        .collect();

    // Which dwelling is the emergency home: the report's if it is recognised,
    // otherwise a recognised dwelling the family owns (so that the locality and
    // "only dwelling" checks still run when the report is missing or wrong).
    let report = context.application.technical_report.as_ref();
    let report_recognition =
        report.and_then(|report| recognition_of(context, &report.cadastral_number));
    let owned_recognition = held_today
        .iter()
        .find_map(|held| recognition_of(context, &held.dwelling.cadastral_number));
    let home = report_recognition.or(owned_recognition);
    check.home = home.map(|recognised| recognised.cadastral_number.clone());

    match report {
        None => check.unmet.push(Fact::new(
            Register::ApplicationForm,
            Observation::TechnicalReportMissing,
        )),
        Some(report) => {
            supporting.push(
                Fact::new(
                    Register::ApplicationForm,
                    Observation::TechnicalReportAttached {
                        report_number: report.report_number.clone(),
                        expert_certificate_number: report.expert_certificate_number.clone(),
                    },
                )
                .on_property(&report.cadastral_number)
                .dated(report.report_date),
            );
            check_report_on_record(context, report, &mut check, &mut supporting);
            check_expert(context, report, &mut check, &mut supporting);
            if report_recognition.is_none() {
                match owned_recognition {
                    Some(recognised) => check.inaccurate.push(
                        Fact::new(
                            Register::EmergencyHousing,
                            Observation::ReportForAnotherDwelling,
                        )
                        .on_property(&report.cadastral_number)
                        .dated(recognised.recognised_on),
                    ),
                    None => check.unmet.push(
                        Fact::new(
                            Register::EmergencyHousing,
                            Observation::NotRecognisedAsEmergency,
                        )
                        .on_property(&report.cadastral_number),
                    ),
                }
            }
            if let Some(recognised) = report_recognition
                && !report.locality.same_locality(&recognised.locality)
            {
                check.inaccurate.push(
                    Fact::new(
                        Register::EmergencyHousing,
                        Observation::ReportLocalityDiffers {
                            report_locality: report.locality,
                            recognised_locality: recognised.locality,
                        },
                    )
                    .on_property(&report.cadastral_number),
                );
            }
        }
    }

    match home {
        None => {
            if report.is_none() {
                check.unmet.push(Fact::new(
                    Register::EmergencyHousing,
                    Observation::NotRecognisedAsEmergency,
                ));
            }
        }
        Some(recognised) => {
            let recognition_fact = recognition_fact(recognised);
            supporting.push(recognition_fact.clone());
            if report.is_some() && report_recognition.is_none() {
                // The family's recognised dwelling explains the inaccuracy above.
                check.inaccurate.push(recognition_fact.clone());
            }
            for other in held_today
                .iter()
                .filter(|held| held.dwelling.cadastral_number != recognised.cadastral_number)
            {
                check.unmet.push(other.fact());
                check.unmet.push(
                    Fact::new(Register::RealEstate, Observation::AnotherDwellingOwned)
                        .about(other.owner)
                        .on_property(&other.dwelling.cadastral_number),
                );
            }
            if !recognised
                .locality
                .same_locality(&context.application.locality)
            {
                check.other_locality.push(recognition_fact);
                check.other_locality.push(
                    Fact::new(
                        Register::EmergencyHousing,
                        Observation::EmergencyHomeInAnotherLocality {
                            home_locality: recognised.locality,
                            applied_locality: context.application.locality,
                        },
                    )
                    .on_property(&recognised.cadastral_number),
                );
            }
        }
    }

    let holds =
        check.unmet.is_empty() && check.inaccurate.is_empty() && check.other_locality.is_empty();
    let facts = if holds {
        supporting
    } else {
        let mut failing = Vec::new();
        failing.extend(check.unmet.iter().cloned());
        failing.extend(check.inaccurate.iter().cloned());
        failing.extend(check.other_locality.iter().cloned());
        failing
    };
    check.evaluation = Some(RuleEvaluation::decided(
        RuleCode::TrackEmergencyHome,
        holds,
        facts,
    ));
    check
}

/// The recognition of a dwelling as emergency on or before the acceptance date.
fn recognition_of<'a>(
    context: &Context<'a>,
    cadastral_number: &CadastralNumber,
) -> Option<&'a EmergencyRecognition> {
    context
        .facts
        .emergency_recognitions
        .iter()
        .find(|recognition| {
            &recognition.cadastral_number == cadastral_number
                && recognition.recognised_on <= context.as_of
        })
}

fn recognition_fact(recognition: &EmergencyRecognition) -> Fact {
    Fact::new(
        Register::EmergencyHousing,
        Observation::EmergencyRecognition {
            act_number: recognition.act_number.clone(),
            locality: recognition.locality,
        },
    )
    .on_property(&recognition.cadastral_number)
    .dated(recognition.recognised_on)
}

/// The attached report must be the one on record: same number, expert, date, dwelling.
fn check_report_on_record(
    context: &Context<'_>,
    report: &TechnicalReport,
    check: &mut EmergencyHomeCheck,
    supporting: &mut Vec<Fact>,
) {
    let on_record = context
        .facts
        .technical_reports
        .iter()
        .find(|registered| registered.report_number == report.report_number);
    let fact = |observation| {
        Fact::new(Register::EmergencyHousing, observation)
            .on_property(&report.cadastral_number)
            .dated(report.report_date)
    };
    match on_record {
        None => check
            .inaccurate
            .push(fact(Observation::TechnicalReportNotRegistered)),
        Some(registered)
            if registered.expert_certificate_number != report.expert_certificate_number
                || registered.report_date != report.report_date
                || registered.cadastral_number != report.cadastral_number =>
        {
            check
                .inaccurate
                .push(fact(Observation::TechnicalReportDiffersFromRegister));
        }
        Some(registered) => supporting.push(
            Fact::new(
                Register::EmergencyHousing,
                Observation::TechnicalReportAttached {
                    report_number: registered.report_number.clone(),
                    expert_certificate_number: registered.expert_certificate_number.clone(),
                },
            )
            .on_property(&registered.cadastral_number)
            .dated(registered.report_date),
        ),
    }
}

/// The expert must hold a certificate valid on the report date (both ends inclusive).
fn check_expert(
    context: &Context<'_>,
    report: &TechnicalReport,
    check: &mut EmergencyHomeCheck,
    supporting: &mut Vec<Fact>,
) {
    let certificates: Vec<_> = context
        .facts
        .certified_experts
        .iter()
        .filter(|expert| expert.certificate_number == report.expert_certificate_number)
        .collect();
    if certificates.is_empty() {
        check.inaccurate.push(
            Fact::new(
                Register::CertifiedExperts,
                Observation::ExpertCertificateUnknown {
                    certificate_number: report.expert_certificate_number.clone(),
                },
            )
            .dated(report.report_date),
        );
        return;
    }
    let mut facts = Vec::new();
    let mut valid_on_report_date = false;
    for certificate in certificates {
        let valid =
            Period::new(certificate.valid_from, certificate.valid_to).contains(report.report_date);
        valid_on_report_date |= valid;
        facts.push(
            Fact::new(
                Register::CertifiedExperts,
                Observation::ExpertCertificate {
                    certificate_number: certificate.certificate_number.clone(),
                    valid_from: certificate.valid_from,
                    valid_to: certificate.valid_to,
                    valid_on_report_date: valid,
                },
            )
            .dated(report.report_date),
        );
    }
    if valid_on_report_date {
        supporting.extend(facts);
    } else {
        check.inaccurate.extend(facts);
    }
}
