//! The demo dataset decides as docs/demo-dataset.md says: each documented
//! application, with the facts fetched from a running gateway the way
//! eligibility-verification fetches them (two `QueryRegisters` rounds as of the
//! acceptance date), evaluated by `housing_domain::eligibility::evaluate`.
//!
//! The reading of the gateway's answers into the domain's facts below is the
//! plain one each field's contract documentation gives; it checks the dataset,
//! not eligibility-verification's adapter.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{NaiveDate, TimeZone, Utc};
use housing_domain::Iin;
use housing_domain::RuleCode;
use housing_domain::calendar::WorkingCalendar;
use housing_domain::eligibility::{
    self as domain, AcquisitionBasis, Alienation, AlienationBasis, Application, CadastralNumber,
    CategoryOutcome, Citizenship, Consents, ContactDetails, DecisionOutcome, DeclaredFamilyMember,
    DeclaredRelation, HousingStock, Kato, Representative, RepresentativeCapacity, RuleSetVersion,
    Scheduling, SocialCategory, TechnicalReport, Track,
};
use housing_proto::google::r#type::Date;
use housing_proto::housing::common::v1 as common;
use housing_proto::housing::registry::v1 as pb;
use housing_proto::housing::registry::v1::register_answer::Record;
use housing_storage::testing::TestDatabase;
use registry_gateway::fixture::demo_document;

use crate::support::*;

housing_storage::storage_test_suite!(
    &registry_gateway::storage::MIGRATIONS;
    every_demo_application_decides_as_documented,
);

const KARAGANDA: &str = "351610000";
const ALMATY: &str = "750000000";
const ASTANA: &str = "710000000";
const SHYMKENT: &str = "790000000";
const TEMIRTAU: &str = "352410000";
const PAVLODAR: &str = "551010000";
const AKTOBE: &str = "151010000";
const KOSTANAY: &str = "391010000";
const KOKSHETAU: &str = "111010000";
const ESIK: &str = "196243100";
const OSAKAROVKA: &str = "355633100";

fn acceptance() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 4, 15).expect("a valid date")
}

/// What a documented application should come to.
#[derive(Debug, Clone, Copy)]
enum Expected {
    Registered(Option<SocialCategory>),
    /// The grounds found and, for `REQUIREMENTS_NOT_MET`, the failing requirements.
    Denied(&'static [RuleCode], &'static [RuleCode]),
}

/// One documented application of the demo (docs/demo-dataset.md).
#[derive(Debug, Clone, Copy)]
struct DemoApplication {
    applicant: &'static str,
    representative: Option<&'static str>,
    declared: &'static [(&'static str, DeclaredRelation)],
    stated: Option<SocialCategory>,
    track: Track,
    stock: HousingStock,
    locality: &'static str,
    consent_missing: &'static [&'static str],
    /// Report number; the rest of the attached report is the one on record.
    report: Option<&'static str>,
    expected: Expected,
    text_message: bool,
}

const fn application(
    applicant: &'static str,
    locality: &'static str,
    expected: Expected,
) -> DemoApplication {
    DemoApplication {
        applicant,
        representative: None,
        declared: &[],
        stated: None,
        track: Track::NoHousing,
        stock: HousingStock::General,
        locality,
        consent_missing: &[],
        report: None,
        expected,
        text_message: true,
    }
}

const fn emergency(
    applicant: &'static str,
    locality: &'static str,
    report: &'static str,
    expected: Expected,
) -> DemoApplication {
    DemoApplication {
        track: Track::EmergencyHome,
        report: Some(report),
        ..application(applicant, locality, expected)
    }
}

const REGISTERED: Expected = Expected::Registered(None);

fn demo_applications() -> Vec<DemoApplication> {
    use Expected::Denied;
    vec![
        application("D01", KARAGANDA, REGISTERED),
        DemoApplication {
            stated: Some(SocialCategory::PersonWithDisabilityGroup1Or2),
            text_message: false,
            ..application(
                "D05",
                ALMATY,
                Expected::Registered(Some(SocialCategory::PersonWithDisabilityGroup1Or2)),
            )
        },
        application(
            "D06",
            ALMATY,
            Denied(&[RuleCode::RequirementsNotMet], &[RuleCode::Domicile3Years]),
        ),
        application(
            "D07",
            KARAGANDA,
            Denied(&[RuleCode::RequirementsNotMet], &[RuleCode::Adult]),
        ),
        DemoApplication {
            representative: Some("D09"),
            stated: Some(SocialCategory::OrphanOrChildWithoutParentalCare),
            ..application(
                "D08",
                SHYMKENT,
                Expected::Registered(Some(SocialCategory::OrphanOrChildWithoutParentalCare)),
            )
        },
        DemoApplication {
            stated: Some(SocialCategory::OrphanOrChildWithoutParentalCare),
            ..application("D10", ASTANA, REGISTERED)
        },
        DemoApplication {
            stated: Some(SocialCategory::Kandas),
            ..application(
                "D11",
                PAVLODAR,
                Expected::Registered(Some(SocialCategory::Kandas)),
            )
        },
        application(
            "D12",
            PAVLODAR,
            Denied(
                &[RuleCode::RequirementsNotMet],
                &[RuleCode::CitizenOrKandas],
            ),
        ),
        application("D13", KOSTANAY, REGISTERED),
        application(
            "D14",
            KARAGANDA,
            Denied(&[RuleCode::OwnedHousingLast5Years], &[]),
        ),
        application("D15", KARAGANDA, REGISTERED),
        application(
            "D16",
            KARAGANDA,
            Denied(&[RuleCode::OwnedHousingLast5Years], &[]),
        ),
        DemoApplication {
            stock: HousingStock::StateInstitution,
            ..application(
                "D18",
                KOSTANAY,
                Denied(
                    &[
                        RuleCode::OwnedHousingLast5Years,
                        RuleCode::OwnsHousingInLocality,
                    ],
                    &[],
                ),
            )
        },
        DemoApplication {
            stock: HousingStock::StateEnterprise,
            ..application(
                "D19",
                AKTOBE,
                Denied(
                    &[
                        RuleCode::OwnedHousingLast5Years,
                        RuleCode::OwnsHousingStateEnterpriseStock,
                    ],
                    &[],
                ),
            )
        },
        application(
            "D20",
            KARAGANDA,
            Denied(&[RuleCode::HasStateOrLeasedHousing], &[]),
        ),
        application(
            "D21",
            AKTOBE,
            Denied(&[RuleCode::InUnifiedRepublicanDatabase], &[]),
        ),
        application(
            "D22",
            PAVLODAR,
            Denied(&[RuleCode::PrivatizedStateHousing], &[]),
        ),
        application(
            "D23",
            KOKSHETAU,
            Denied(&[RuleCode::StateMortgageProgramHousing], &[]),
        ),
        DemoApplication {
            declared: &[("D25", DeclaredRelation::Spouse)],
            ..application("D24", KARAGANDA, Denied(&[RuleCode::InaccurateData], &[]))
        },
        emergency("D26", TEMIRTAU, "TR-DEMO-26", REGISTERED),
        emergency(
            "D28",
            OSAKAROVKA,
            "TR-DEMO-28",
            Denied(&[RuleCode::InaccurateData], &[]),
        ),
        emergency(
            "D29",
            KARAGANDA,
            "TR-DEMO-29",
            Denied(&[RuleCode::EmergencyHomeInOtherLocality], &[]),
        ),
        emergency(
            "D30",
            TEMIRTAU,
            "TR-DEMO-30",
            Denied(&[RuleCode::DeliberateDeterioration], &[]),
        ),
        emergency(
            "D31",
            OSAKAROVKA,
            "TR-DEMO-31",
            Denied(&[RuleCode::DeliberateDeterioration], &[]),
        ),
        emergency("D33", ESIK, "TR-DEMO-33", REGISTERED),
        emergency(
            "D34",
            PAVLODAR,
            "TR-DEMO-34",
            Denied(&[RuleCode::DeliberateDeterioration], &[]),
        ),
        DemoApplication {
            consent_missing: &["D36"],
            text_message: false,
            ..application(
                "D35",
                KARAGANDA,
                Denied(&[RuleCode::NoPersonalDataConsent], &[]),
            )
        },
        DemoApplication {
            stated: Some(SocialCategory::LargeFamily),
            ..application("D37", KARAGANDA, REGISTERED)
        },
        DemoApplication {
            stated: Some(SocialCategory::PensionerByAge),
            ..application(
                "D42",
                KARAGANDA,
                Expected::Registered(Some(SocialCategory::PensionerByAge)),
            )
        },
    ]
}

/// The demo persons by their number (`D01` …), from the notes of the dataset.
fn demo_iins() -> BTreeMap<String, Iin> {
    demo_document()
        .expect("the demo dataset")
        .persons
        .into_iter()
        .map(|person| {
            let number = person
                .note
                .as_deref()
                .and_then(|note| note.split_whitespace().next())
                .expect("every demo person's note starts with their number")
                .to_owned();
            (number, Iin::parse(&person.iin).expect("a valid IIN"))
        })
        .collect()
}

async fn every_demo_application_decides_as_documented(database: &TestDatabase) {
    let app = TestApp::spawn_with(database, &[("HOUSING_REGISTRY_FIXTURES", "demo")]).await;
    let iins = demo_iins();
    let calendar = WorkingCalendar::builtin();
    // 10:00 in Almaty on the acceptance date: a working day, within hours.
    let submitted_at = Utc
        .with_ymd_and_hms(2026, 4, 15, 5, 0, 0)
        .single()
        .expect("a valid instant");
    let scheduling = Scheduling::new(&calendar, submitted_at + chrono::Duration::hours(1));
    let rule_set = RuleSetVersion::in_force_on(acceptance()).expect("a rule set in force");
    let mut gateway = app.gateway();
    let mut documented = Vec::new();

    for demo in demo_applications() {
        let iin = |number: &str| *iins.get(number).unwrap_or_else(|| panic!("{number}"));
        let technical_report = demo.report.map(|number| attached_report(number, &iins));
        let application = Application {
            applicant: iin(demo.applicant),
            representative: demo.representative.map(|number| Representative {
                iin: iin(number),
                capacity: RepresentativeCapacity::LegalRepresentativeOfMinor,
            }),
            declared_family: demo
                .declared
                .iter()
                .map(|(number, relation)| DeclaredFamilyMember {
                    iin: iin(number),
                    relation: *relation,
                })
                .collect(),
            stated_category: demo.stated,
            track: demo.track,
            stock: demo.stock,
            locality: Kato::parse(demo.locality).expect("a KATO code"),
            consents: Consents {
                personal_data_consent_given_by: iins
                    .iter()
                    .filter(|(number, _)| !demo.consent_missing.contains(&number.as_str()))
                    .map(|(_, iin)| *iin)
                    .collect(),
                housing_check: true,
                data_processing: true,
                publication: true,
                registration_without_category: true,
            },
            technical_report,
            contact: ContactDetails::default(),
            submitted_at,
            acceptance_date: acceptance(),
        };

        // Two rounds, as eligibility-verification asks: those it knows, then
        // the register family it learns of.
        let mut first: BTreeSet<Iin> = [application.applicant].into();
        first.extend(
            application
                .representative
                .map(|representative| representative.iin),
        );
        first.extend(application.declared_family.iter().map(|member| member.iin));
        let experts: Vec<String> = application
            .technical_report
            .iter()
            .map(|report| report.expert_certificate_number.clone())
            .collect();
        let mut answers = query(&mut gateway, &first, &experts).await;
        let facts = facts_of(&answers, application.applicant);
        let second = domain::persons_to_query(&application, &facts);
        if !second.is_empty() {
            let more = query(&mut gateway, &second, &[]).await;
            answers.answers.extend(more.answers);
        }
        let facts = facts_of(&answers, application.applicant);

        let decision = domain::evaluate(&application, &facts, rule_set, &scheduling)
            .unwrap_or_else(|error| panic!("{}: {error}", demo.applicant));
        match (&decision.outcome, demo.expected) {
            (DecisionOutcome::Register { category }, Expected::Registered(expected)) => {
                assert_eq!(*category, expected, "{}'s category", demo.applicant);
            }
            (DecisionOutcome::GroundsFound { grounds }, Expected::Denied(codes, requirements)) => {
                let found: BTreeSet<RuleCode> = grounds.iter().map(|ground| ground.code).collect();
                assert_eq!(
                    found,
                    codes.iter().copied().collect(),
                    "{}'s grounds",
                    demo.applicant
                );
                let failed: BTreeSet<RuleCode> = grounds
                    .iter()
                    .flat_map(|ground| ground.failed_requirements.iter().copied())
                    .collect();
                assert_eq!(
                    failed,
                    requirements.iter().copied().collect(),
                    "{}'s failing requirements",
                    demo.applicant
                );
            }
            (outcome, expected) => {
                panic!(
                    "{}: expected {expected:?}, decided {outcome:?}",
                    demo.applicant
                )
            }
        }
        if demo.stated.is_some() && matches!(demo.expected, Expected::Registered(None)) {
            assert!(
                matches!(decision.category, CategoryOutcome::NotConfirmed { .. }),
                "{}: CATEGORY_NOT_CONFIRMED",
                demo.applicant
            );
        }
        let text_message = domain::notice::channels(&application, &facts)
            .iter()
            .any(|channel| matches!(channel, domain::notice::NoticeChannel::TextMessage { .. }));
        assert_eq!(
            text_message, demo.text_message,
            "{}'s text message",
            demo.applicant
        );
        documented.push(demo.applicant);
    }
    assert!(documented.len() >= 25);
    app.stop().await;
}

/// The report attached to a track-2 application: the one on record.
fn attached_report(number: &str, iins: &BTreeMap<String, Iin>) -> TechnicalReport {
    let document = demo_document().expect("the demo dataset");
    let (person, report) = document
        .persons
        .iter()
        .find_map(|person| {
            person
                .technical_reports
                .iter()
                .find(|report| report.report_number == number)
                .map(|report| (person, report))
        })
        .unwrap_or_else(|| panic!("report {number} is in the dataset"));
    assert!(iins.values().any(|iin| iin.as_str() == person.iin));
    let recognition = person
        .emergency_recognitions
        .iter()
        .find(|recognition| recognition.cadastral_number == report.cadastral_number)
        .expect("the dwelling is recognised");
    TechnicalReport {
        report_number: report.report_number.clone(),
        expert_certificate_number: report.expert_certificate_number.clone(),
        report_date: report.report_date,
        cadastral_number: CadastralNumber::parse(&report.cadastral_number).expect("cadastral"),
        locality: Kato::parse(&recognition.kato).expect("KATO"),
    }
}

async fn query(
    gateway: &mut GatewayClient,
    iins: &BTreeSet<Iin>,
    experts: &[String],
) -> pb::QueryRegistersResponse {
    gateway
        .query_registers(pb::QueryRegistersRequest {
            iins: iins.iter().map(|iin| iin.as_str().to_owned()).collect(),
            registers: Vec::new(),
            as_of_date: Some(Date {
                year: 2026,
                month: 4,
                day: 15,
            }),
            expert_certificate_numbers: experts.to_vec(),
        })
        .await
        .expect("the registers answer")
        .into_inner()
}

fn day(date: Option<&Date>) -> Option<NaiveDate> {
    let date = date?;
    NaiveDate::from_ymd_opt(
        date.year,
        u32::try_from(date.month).ok()?,
        u32::try_from(date.day).ok()?,
    )
}

fn start(period: Option<&common::DateInterval>) -> NaiveDate {
    day(period.and_then(|period| period.start_date.as_ref())).expect("a start date")
}

fn end(period: Option<&common::DateInterval>) -> Option<NaiveDate> {
    day(period.and_then(|period| period.end_date.as_ref()))
}

fn parse_iin(text: &str) -> Iin {
    Iin::parse(text).expect("the gateway answers valid IINs")
}

/// The domain's facts from the gateway's answers; the households are the
/// applicant's (whom they registered at their dwellings, by relation to them).
fn facts_of(response: &pb::QueryRegistersResponse, applicant: Iin) -> domain::RegistryFacts {
    let mut facts = domain::RegistryFacts::empty(acceptance());
    let mut persons: BTreeMap<Iin, domain::PersonFacts> = BTreeMap::new();
    let mut dwellings: BTreeMap<String, domain::Dwelling> = BTreeMap::new();
    for answer in &response.answers {
        assert!(
            answer.status == pb::AnswerStatus::Found as i32
                || answer.status == pb::AnswerStatus::NotFound as i32,
            "no fault is injected in this test"
        );
        let iin = parse_iin(&answer.iin);
        let person = persons
            .entry(iin)
            .or_insert_with(|| domain::PersonFacts::new(iin, domain::IdentityRecord::NotFound));
        let Some(record) = &answer.record else {
            continue;
        };
        match record {
            Record::Identity(identity) => {
                person.identity = domain::IdentityRecord::Found(domain::Identity {
                    birth_date: day(identity.birth_date.as_ref()).expect("a birth date"),
                    citizenship: match pb::Citizenship::try_from(identity.citizenship) {
                        Ok(pb::Citizenship::Kazakhstan) => Citizenship::Kazakhstan,
                        Ok(pb::Citizenship::Stateless) => Citizenship::Stateless,
                        _ => Citizenship::Foreign,
                    },
                    date_of_death: day(identity.death_date.as_ref()),
                });
            }
            Record::Migration(migration) => {
                person.kandas_statuses = migration
                    .kandas_statuses
                    .iter()
                    .map(|status| domain::KandasStatus {
                        valid_from: start(status.valid.as_ref()),
                        valid_to: end(status.valid.as_ref()),
                    })
                    .collect();
            }
            Record::CivilStatus(civil) => {
                person.civil_status = domain::CivilStatus {
                    marriages: civil
                        .marriages
                        .iter()
                        .map(|marriage| domain::Marriage {
                            spouse: parse_iin(&marriage.spouse_iin),
                            registered_on: day(marriage.registration_date.as_ref())
                                .expect("a registration date"),
                            dissolved_on: day(marriage.dissolution_date.as_ref()),
                        })
                        .collect(),
                    births: civil
                        .children
                        .iter()
                        .map(|birth| domain::BirthRecord {
                            child: parse_iin(&birth.child_iin),
                            parents: [&birth.mother_iin, &birth.father_iin]
                                .into_iter()
                                .filter(|parent| !parent.is_empty())
                                .map(|parent| parse_iin(parent))
                                .collect(),
                        })
                        .collect(),
                    parental_care_loss: civil.parental_care_loss.map(|loss| {
                        domain::ParentalCareLoss {
                            status: if loss.kind == pb::parental_care_loss::Kind::Orphan as i32 {
                                domain::ParentalCareStatus::Orphan
                            } else {
                                domain::ParentalCareStatus::LeftWithoutParentalCare
                            },
                            parents_lost_on: day(loss.parents_lost_date.as_ref()).expect("a date"),
                        }
                    }),
                };
            }
            Record::Address(address) => {
                for registration in &address.registrations {
                    let locality = registration
                        .address
                        .as_ref()
                        .map(|address| Kato::parse(&address.locality_kato).expect("KATO"))
                        .expect("an address");
                    let from = start(registration.period.as_ref());
                    let to = end(registration.period.as_ref());
                    person.domicile_history.push(domain::DomicileRegistration {
                        locality,
                        registered_from: from,
                        registered_to: to,
                    });
                    // Moving out of a dwelling that met the norm (App1 row 9.3).
                    if registration.met_housing_norm
                        && let Some(left) = to
                    {
                        person.housing_conduct.push(domain::HousingConductRecord {
                            kind: domain::HousingConduct::MovedOutWhereNotInNeed,
                            cadastral_number: (!registration.cadastral_number.is_empty()).then(
                                || {
                                    CadastralNumber::parse(&registration.cadastral_number)
                                        .expect("cadastral")
                                },
                            ),
                            on: left,
                        });
                    }
                    if iin == applicant
                        && !registration.household.is_empty()
                        && !registration.cadastral_number.is_empty()
                    {
                        facts.households.push(domain::RegisteredHousehold {
                            cadastral_number: CadastralNumber::parse(
                                &registration.cadastral_number,
                            )
                            .expect("cadastral"),
                            residents: registration
                                .household
                                .iter()
                                .map(|member| domain::HouseholdResident {
                                    iin: parse_iin(&member.iin),
                                    relation_to_applicant: match pb::household::Relation::try_from(
                                        member.relation,
                                    ) {
                                        Ok(pb::household::Relation::Spouse) => {
                                            domain::ResidentRelation::Spouse
                                        }
                                        Ok(pb::household::Relation::MinorChild) => {
                                            domain::ResidentRelation::MinorChild
                                        }
                                        Ok(pb::household::Relation::DisabledChild) => {
                                            domain::ResidentRelation::DisabledChild
                                        }
                                        Ok(pb::household::Relation::DisabledParent) => {
                                            domain::ResidentRelation::DisabledParent
                                        }
                                        _ => domain::ResidentRelation::Other,
                                    },
                                    registered_from: start(member.period.as_ref()),
                                    registered_to: end(member.period.as_ref()),
                                })
                                .collect(),
                        });
                    }
                }
            }
            Record::RealEstate(estate) => {
                for ownership in &estate.ownerships {
                    let dwelling = ownership.dwelling.as_ref().expect("a dwelling");
                    let entry = dwellings
                        .entry(dwelling.cadastral_number.clone())
                        .or_insert_with(|| domain::Dwelling {
                            cadastral_number: CadastralNumber::parse(&dwelling.cadastral_number)
                                .expect("cadastral"),
                            locality: Kato::parse(
                                &dwelling.address.as_ref().expect("an address").locality_kato,
                            )
                            .expect("KATO"),
                            kind: match pb::dwelling::Kind::try_from(dwelling.kind) {
                                Ok(pb::dwelling::Kind::House) => domain::DwellingKind::House,
                                Ok(pb::dwelling::Kind::Room) => domain::DwellingKind::Room,
                                _ => domain::DwellingKind::Apartment,
                            },
                            ownerships: Vec::new(),
                        });
                    entry.ownerships.push(ownership_of(iin, ownership));
                }
            }
            Record::EmergencyHousing(emergency) => {
                for recognition in &emergency.recognitions {
                    if !facts
                        .emergency_recognitions
                        .iter()
                        .any(|known| known.act_number == recognition.act_number)
                    {
                        facts
                            .emergency_recognitions
                            .push(domain::EmergencyRecognition {
                                act_number: recognition.act_number.clone(),
                                recognised_on: day(recognition.act_date.as_ref()).expect("a date"),
                                locality: Kato::parse(&recognition.locality_kato).expect("KATO"),
                                cadastral_number: CadastralNumber::parse(
                                    &recognition.cadastral_number,
                                )
                                .expect("cadastral"),
                            });
                    }
                }
                for report in &emergency.technical_reports {
                    if !facts
                        .technical_reports
                        .iter()
                        .any(|known| known.report_number == report.report_number)
                    {
                        facts
                            .technical_reports
                            .push(domain::RegisteredTechnicalReport {
                                report_number: report.report_number.clone(),
                                expert_certificate_number: report.expert_certificate_number.clone(),
                                report_date: day(report.report_date.as_ref()).expect("a date"),
                                cadastral_number: CadastralNumber::parse(&report.cadastral_number)
                                    .expect("cadastral"),
                            });
                    }
                }
            }
            Record::StateHousingUse(uses) => {
                person.state_housing_use = uses
                    .uses
                    .iter()
                    .map(|usage| domain::StateHousingUse {
                        kind: if usage.kind == pb::state_housing_use::Kind::StateStock as i32 {
                            domain::StateHousingKind::StateHousingStock
                        } else {
                            domain::StateHousingKind::RentedByLocalExecutiveBody
                        },
                        from: start(usage.period.as_ref()),
                        to: end(usage.period.as_ref()),
                    })
                    .collect();
            }
            Record::UnifiedDatabase(unified) => {
                // Registered on the day asked: a registration still open then.
                if let Some(registration) = unified
                    .registrations
                    .iter()
                    .find(|registration| end(registration.period.as_ref()).is_none())
                {
                    person.unified_republican_database =
                        domain::UnifiedDatabaseStatus::Registered {
                            registered_on: start(registration.period.as_ref()),
                        };
                }
            }
            Record::SocialCategories(categories) => {
                person.social_categories = categories
                    .memberships
                    .iter()
                    .filter_map(|membership| {
                        Some(domain::SocialCategoryRecord {
                            category: category_of(membership.category)?,
                            valid_from: start(membership.valid.as_ref()),
                            valid_to: end(membership.valid.as_ref()),
                            source_register: membership.source_register.clone(),
                        })
                    })
                    .collect();
            }
            Record::MobileCitizen(mobile) => {
                person.mobile_citizens = mobile.registered.then(|| domain::MobileCitizensEntry {
                    number: domain::PhoneNumber::new(mobile.phone.clone()),
                    linked_to_portal_account: mobile.linked_to_portal_account,
                });
            }
        }
    }
    for answer in &response.expert_answers {
        if let Some(expert) = &answer.expert {
            facts.certified_experts.push(domain::CertifiedExpert {
                certificate_number: expert.certificate_number.clone(),
                valid_from: start(expert.valid.as_ref()),
                valid_to: end(expert.valid.as_ref()),
            });
        }
    }
    facts.persons = persons.into_values().collect();
    facts.dwellings = dwellings.into_values().collect();
    facts
}

fn ownership_of(owner: Iin, ownership: &pb::Ownership) -> domain::Ownership {
    let acquisition_basis = match pb::AcquisitionBasis::try_from(ownership.acquisition_basis) {
        Ok(pb::AcquisitionBasis::Purchase) => AcquisitionBasis::Purchase,
        Ok(pb::AcquisitionBasis::Inheritance) => AcquisitionBasis::Inheritance,
        Ok(pb::AcquisitionBasis::Gift) => AcquisitionBasis::Gift,
        Ok(pb::AcquisitionBasis::Privatisation) => AcquisitionBasis::PrivatisationFromStateStock,
        Ok(pb::AcquisitionBasis::StateMortgageProgramme) => {
            AcquisitionBasis::StateMortgageProgramme {
                programme: ownership.state_programme.clone(),
            }
        }
        Ok(pb::AcquisitionBasis::Construction) => AcquisitionBasis::Construction,
        Ok(pb::AcquisitionBasis::Exchange) => AcquisitionBasis::Exchange,
        _ => AcquisitionBasis::Other,
    };
    let alienation = day(ownership.alienated_date.as_ref()).map(|alienated_on| Alienation {
        alienated_on,
        basis: match pb::AlienationBasis::try_from(ownership.alienation_basis) {
            Ok(pb::AlienationBasis::Exchange) => AlienationBasis::Exchange,
            Ok(pb::AlienationBasis::Gift) => AlienationBasis::Gift,
            Ok(pb::AlienationBasis::AcquiredByLocalExecutiveBody) => {
                AlienationBasis::AcquiredByLocalExecutiveBody
            }
            Ok(pb::AlienationBasis::Demolition) => AlienationBasis::Demolition,
            Ok(pb::AlienationBasis::Destruction) => AlienationBasis::Destruction,
            _ => AlienationBasis::Sale,
        },
        habitable_at_alienation: ownership.habitable_at_alienation,
    });
    domain::Ownership {
        owner,
        share: domain::Share::new(
            u32::try_from(ownership.share_numerator).expect("a share"),
            u32::try_from(ownership.share_denominator).expect("a share"),
        )
        .expect("a valid share"),
        acquired_on: day(ownership.acquired_date.as_ref()).expect("a date"),
        acquisition_basis,
        alienation,
    }
}

fn category_of(category: i32) -> Option<SocialCategory> {
    use common::SocialCategory as Wire;
    Some(match Wire::try_from(category).ok()? {
        Wire::Unspecified => return None,
        Wire::WarVeteran => SocialCategory::VeteranOfGreatPatrioticWar,
        Wire::CombatVeteran => SocialCategory::VeteranOfCombatOperations,
        Wire::DisabilityGroup1Or2 => SocialCategory::PersonWithDisabilityGroup1Or2,
        Wire::FamilyWithDisabledChild => SocialCategory::FamilyRaisingChildWithDisability,
        Wire::SevereChronicDisease => SocialCategory::PersonWithSevereChronicDisease,
        Wire::AgePensioner => SocialCategory::PensionerByAge,
        Wire::Orphan => SocialCategory::OrphanOrChildWithoutParentalCare,
        Wire::Kandas => SocialCategory::Kandas,
        Wire::EmergencyVictim => SocialCategory::VictimOfEmergencyOrDisaster,
        Wire::LargeFamily => SocialCategory::LargeFamily,
        Wire::FamilyOfFallen => SocialCategory::FamilyOfPersonWhoDiedOnDuty,
        Wire::SingleParentFamily => SocialCategory::SingleParentFamily,
        Wire::PublicSectorEmployee => SocialCategory::CivilServantOrPublicSectorEmployee,
    })
}
