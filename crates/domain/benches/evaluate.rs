//! One evaluation of a realistic family: applicant, spouse and two children,
//! a few dwellings with history, an address history in Almaty (so the 3-year
//! domicile rule runs), a stated category to confirm.
//!
//! Run with `cargo bench -p housing-domain --bench evaluate`.

use chrono::{NaiveDate, TimeZone, Utc};
use housing_domain::calendar::WorkingCalendar;
use housing_domain::eligibility::{
    AcquisitionBasis, Alienation, AlienationBasis, Application, BirthRecord, CadastralNumber,
    Citizenship, Consents, ContactDetails, DeclaredFamilyMember, DeclaredRelation,
    DomicileRegistration, Dwelling, DwellingKind, HousingStock, Identity, IdentityRecord, Kato,
    Marriage, Ownership, PersonFacts, RegistryFacts, RuleSetVersion, Scheduling, Share,
    SocialCategory, SocialCategoryRecord, Track, evaluate,
};
use housing_domain::iin::{Iin, check_digit};

fn main() {
    divan::main();
}

fn day(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).expect("valid date")
}

fn person(seed: u16) -> Iin {
    (0..10u8)
        .find_map(|variant| {
            let text = format!("900101{variant}{seed:04}");
            let digits: Vec<u8> = text.bytes().map(|b| b - b'0').collect();
            let first: [u8; 11] = digits.try_into().ok()?;
            let check = check_digit(&first).ok()?;
            Iin::parse(&format!("{text}{check}")).ok()
        })
        .expect("a valid IIN exists for the seed")
}

fn citizen(iin: Iin, birth_date: NaiveDate) -> PersonFacts {
    PersonFacts::new(
        iin,
        IdentityRecord::Found(Identity {
            birth_date,
            citizenship: Citizenship::Kazakhstan,
            date_of_death: None,
        }),
    )
}

fn kato(text: &str) -> Kato {
    Kato::parse(text).expect("valid KATO")
}

fn dwelling(number: &str, locality: &str, ownerships: Vec<Ownership>) -> Dwelling {
    Dwelling {
        cadastral_number: CadastralNumber::parse(number).expect("valid cadastral number"),
        locality: kato(locality),
        kind: DwellingKind::Apartment,
        ownerships,
    }
}

fn realistic_family() -> (Application, RegistryFacts) {
    let (applicant, spouse, first_child, second_child) =
        (person(1), person(2), person(3), person(4));
    let acceptance = day(2025, 6, 2);

    let mut applicant_facts = citizen(applicant, day(1988, 9, 14));
    applicant_facts.civil_status.marriages = vec![
        Marriage {
            spouse: person(7),
            registered_on: day(2009, 5, 5),
            dissolved_on: Some(day(2012, 2, 2)),
        },
        Marriage {
            spouse,
            registered_on: day(2014, 7, 12),
            dissolved_on: None,
        },
    ];
    applicant_facts.civil_status.births = [first_child, second_child]
        .into_iter()
        .map(|child| BirthRecord {
            child,
            parents: vec![applicant, spouse],
        })
        .collect();
    applicant_facts.domicile_history = vec![
        DomicileRegistration {
            locality: kato("351610000"),
            registered_from: day(2006, 1, 1),
            registered_to: Some(day(2016, 3, 31)),
        },
        DomicileRegistration {
            locality: kato("751110000"),
            registered_from: day(2016, 4, 1),
            registered_to: Some(day(2021, 8, 15)),
        },
        DomicileRegistration {
            locality: kato("751710000"),
            registered_from: day(2021, 8, 16),
            registered_to: None,
        },
    ];
    applicant_facts.social_categories = vec![SocialCategoryRecord {
        category: SocialCategory::FamilyRaisingChildWithDisability,
        valid_from: day(2019, 1, 1),
        valid_to: None,
        source_register: String::from("labour and social protection"),
    }];

    let facts = RegistryFacts {
        as_of: acceptance,
        persons: vec![
            applicant_facts,
            citizen(spouse, day(1990, 2, 3)),
            citizen(first_child, day(2015, 10, 1)),
            citizen(second_child, day(2019, 3, 8)),
        ],
        dwellings: vec![
            dwelling(
                "20-315-012-345",
                "351610000",
                vec![Ownership {
                    owner: applicant,
                    share: Share::WHOLE,
                    acquired_on: day(2010, 6, 1),
                    acquisition_basis: AcquisitionBasis::Purchase,
                    alienation: Some(Alienation {
                        alienated_on: day(2016, 3, 1),
                        basis: AlienationBasis::Sale,
                        habitable_at_alienation: true,
                    }),
                }],
            ),
            dwelling(
                "09-311-045-678",
                "352410000",
                vec![Ownership {
                    owner: spouse,
                    share: Share::new(1, 3).expect("a third"),
                    acquired_on: day(2008, 11, 20),
                    acquisition_basis: AcquisitionBasis::Inheritance,
                    alienation: Some(Alienation {
                        alienated_on: day(2018, 4, 4),
                        basis: AlienationBasis::Sale,
                        habitable_at_alienation: true,
                    }),
                }],
            ),
            dwelling("20-320-001-002", "751110000", Vec::new()),
        ],
        emergency_recognitions: Vec::new(),
        technical_reports: Vec::new(),
        certified_experts: Vec::new(),
        households: Vec::new(),
    };

    let application = Application {
        applicant,
        representative: None,
        declared_family: vec![
            DeclaredFamilyMember {
                iin: spouse,
                relation: DeclaredRelation::Spouse,
            },
            DeclaredFamilyMember {
                iin: first_child,
                relation: DeclaredRelation::Child,
            },
            DeclaredFamilyMember {
                iin: second_child,
                relation: DeclaredRelation::Child,
            },
        ],
        stated_category: Some(SocialCategory::FamilyRaisingChildWithDisability),
        track: Track::NoHousing,
        stock: HousingStock::General,
        locality: kato("750000000"),
        consents: Consents {
            personal_data_consent_given_by: [applicant, spouse].into(),
            housing_check: true,
            data_processing: true,
            publication: true,
            registration_without_category: true,
        },
        technical_report: None,
        contact: ContactDetails::default(),
        submitted_at: Utc
            .with_ymd_and_hms(2025, 6, 2, 4, 0, 0)
            .single()
            .expect("valid instant"),
        acceptance_date: acceptance,
    };
    (application, facts)
}

#[divan::bench]
fn evaluate_a_family_of_four(bencher: divan::Bencher) {
    let (application, facts) = realistic_family();
    let calendar = WorkingCalendar::builtin();
    let decided_at = application.submitted_at + chrono::Duration::hours(1);
    let scheduling = Scheduling::new(&calendar, decided_at);
    // The family is eligible: the whole rule set runs, and it registers.
    let decision = evaluate(&application, &facts, RuleSetVersion::Order130, &scheduling)
        .expect("the family evaluates");
    assert!(decision.grounds().is_empty(), "{}", decision.trace());
    bencher.bench(|| {
        evaluate(
            divan::black_box(&application),
            divan::black_box(&facts),
            RuleSetVersion::Order130,
            &scheduling,
        )
        .expect("the family evaluates")
    });
}
