//! The population generator: deterministic, consistent, loadable.

use std::collections::{HashMap, HashSet};

use housing_domain::Iin;
use housing_proto::housing::common::v1::Register;
use housing_proto::housing::registry::v1 as pb;
use housing_storage::testing::TestDatabase;
use registry_gateway::Application;
use registry_gateway::fixture::checked_person;
use registry_gateway::fixture::format::{FixtureExpert, FixtureLine, FixturePerson};
use registry_gateway::generator::{GeneratorSettings, generate, generate_to_file, reference_date};

use crate::support::*;

housing_storage::storage_test_suite!(
    &registry_gateway::storage::MIGRATIONS;
    a_generated_population_loads_and_answers,
);

fn population(seed: u64, persons: usize) -> Vec<u8> {
    let mut bytes = Vec::new();
    generate(&GeneratorSettings { seed, persons }, &mut bytes).expect("generated");
    bytes
}

fn parse(bytes: &[u8]) -> (Vec<FixtureExpert>, Vec<FixturePerson>) {
    let text = std::str::from_utf8(bytes).expect("UTF-8");
    let mut experts = Vec::new();
    let mut persons = Vec::new();
    for line in text.lines() {
        match serde_json::from_str::<FixtureLine>(line).expect("a fixture line") {
            FixtureLine::CertifiedExpert(expert) => experts.push(expert),
            FixtureLine::Person(person) => persons.push(*person),
        }
    }
    (experts, persons)
}

#[test]
fn the_same_seed_gives_the_same_population() {
    let first = population(42, 3000);
    assert_eq!(first, population(42, 3000));
    assert_ne!(first, population(43, 3000));
    let (_, persons) = parse(&first);
    assert_eq!(persons.len(), 3000);
}

#[test]
fn every_generated_person_passes_the_checks_of_put_person() {
    let (_, persons) = parse(&population(1, 30_000));
    for person in persons {
        let iin = person.iin.clone();
        if let Err(violations) = checked_person(person) {
            panic!("{iin}: {violations:?}");
        }
    }
}

#[test]
fn a_generated_population_is_consistent_and_realistic() {
    let (experts, persons) = parse(&population(7, 5000));
    assert_eq!(persons.len(), 5000);
    let by_iin: HashMap<&str, &FixturePerson> = persons
        .iter()
        .map(|person| (person.iin.as_str(), person))
        .collect();
    assert_eq!(by_iin.len(), persons.len(), "IINs are unique");
    let expert_numbers: HashSet<&str> = experts
        .iter()
        .map(|expert| expert.certificate_number.as_str())
        .collect();

    let (mut married, mut parents, mut owners, mut categorised, mut histories_with_moves) =
        (0, 0, 0, 0, 0);
    for person in &persons {
        assert!(Iin::parse(&person.iin).is_ok(), "{}", person.iin);
        let identity = person.identity.as_ref().expect("everyone has an identity");
        assert!(identity.birth_date <= reference_date());
        assert!(
            !person.domicile_registrations.is_empty(),
            "an address history"
        );
        for marriage in &person.marriages {
            married += 1;
            let spouse = by_iin
                .get(marriage.spouse_iin.as_str())
                .expect("the spouse is in the population");
            assert!(
                spouse
                    .marriages
                    .iter()
                    .any(|theirs| theirs.spouse_iin == person.iin
                        && theirs.registered == marriage.registered),
                "marriages are recorded on both sides"
            );
        }
        for birth in &person.children {
            parents += 1;
            let child = by_iin
                .get(birth.child_iin.as_str())
                .expect("the child is in the population");
            assert_eq!(
                child.identity.as_ref().map(|identity| identity.birth_date),
                Some(birth.birth_date)
            );
            for parent in [&birth.mother_iin, &birth.father_iin].into_iter().flatten() {
                assert!(by_iin.contains_key(parent.as_str()));
            }
        }
        for registration in &person.domicile_registrations {
            for member in &registration.household {
                assert!(
                    by_iin.contains_key(member.iin.as_str()),
                    "household members exist"
                );
            }
            if let Some(to) = registration.to {
                assert!(to >= registration.from);
            }
        }
        if person.domicile_registrations.len() > 1 {
            histories_with_moves += 1;
        }
        for report in &person.technical_reports {
            assert!(expert_numbers.contains(report.expert_certificate_number.as_str()));
        }
        if !person.ownerships.is_empty() {
            owners += 1;
        }
        if !person.social_categories.is_empty() {
            categorised += 1;
        }
    }
    // Realistic shares, loosely: families, property, moves and categories are common.
    assert!(married > 1000, "{married}");
    assert!(parents > 500, "{parents}");
    assert!(owners > 1000, "{owners}");
    assert!(categorised > 300, "{categorised}");
    assert!(histories_with_moves > 2000, "{histories_with_moves}");
    assert!(
        persons
            .iter()
            .any(|person| !person.kandas_statuses.is_empty())
    );
    assert!(
        persons
            .iter()
            .any(|person| person.parental_care_loss.is_some())
    );
    assert!(
        persons
            .iter()
            .any(|person| !person.emergency_recognitions.is_empty())
    );
    assert!(
        persons
            .iter()
            .any(|person| !person.unified_database_registrations.is_empty())
    );
    assert!(
        persons
            .iter()
            .any(|person| !person.state_housing_uses.is_empty())
    );
}

async fn a_generated_population_loads_and_answers(database: &TestDatabase) {
    let directory = tempfile::tempdir().expect("a directory");
    let path = directory.path().join("population.jsonl");
    generate_to_file(
        &GeneratorSettings {
            seed: 11,
            persons: 1500,
        },
        &path,
    )
    .expect("generated");
    let (_, persons) = parse(&std::fs::read(&path).expect("read"));
    let path_text = path.display().to_string();
    let application = Application::build(settings(
        database,
        &[("HOUSING_REGISTRY_FIXTURES", path_text.as_str())],
    ))
    .await
    .expect("the population loads");
    assert_eq!(application.fixtures()[0].persons, 1500);
    let app = TestApp::run(application).await;
    let total = app
        .admin()
        .list_persons(pb::ListPersonsRequest {
            page_size: 1,
            page_token: String::new(),
        })
        .await
        .expect("listed")
        .into_inner()
        .total_size;
    assert_eq!(total, 1500);

    let couple = persons
        .iter()
        .find(|person| !person.marriages.is_empty() && !person.children.is_empty())
        .expect("a family in the population");
    let mut family = vec![couple.iin.clone(), couple.marriages[0].spouse_iin.clone()];
    family.extend(couple.children.iter().map(|birth| birth.child_iin.clone()));
    let response = app
        .gateway()
        .query_registers(family_query(&family, date(2026, 6, 30)))
        .await
        .expect("answers")
        .into_inner();
    for iin in &family {
        assert_eq!(
            answer_status(&response, iin, Register::Identity),
            pb::AnswerStatus::Found
        );
        assert_eq!(
            answer_status(&response, iin, Register::Address),
            pb::AnswerStatus::Found
        );
    }
    assert_eq!(
        answer_status(&response, &couple.iin, Register::CivilStatus),
        pb::AnswerStatus::Found
    );
    app.stop().await;
}
