//! Fixtures loaded at start-up: the demo dataset, files in both formats,
//! loaded once per database, refused with their location when wrong.

use std::collections::BTreeSet;
use std::path::Path;

use housing_domain::Iin;
use housing_proto::housing::registry::v1 as pb;
use housing_storage::testing::TestDatabase;
use registry_gateway::Application;
use registry_gateway::fixture::demo_document;
use serde_json::json;

use crate::support::*;

housing_storage::storage_test_suite!(
    &registry_gateway::storage::MIGRATIONS;
    the_demo_dataset_loads_and_every_iin_in_it_is_valid,
    a_fixture_is_loaded_once_and_administrative_changes_survive_a_restart,
    a_json_lines_fixture_is_streamed_in,
    an_invalid_fixture_stops_the_start_and_says_where,
);

async fn all_iins(app: &TestApp) -> Vec<String> {
    let mut admin = app.admin();
    let mut iins = Vec::new();
    let mut page_token = String::new();
    loop {
        let page = admin
            .list_persons(pb::ListPersonsRequest {
                page_size: 1000,
                page_token,
            })
            .await
            .expect("a page")
            .into_inner();
        iins.extend(page.iins);
        if page.next_page_token.is_empty() {
            return iins;
        }
        page_token = page.next_page_token;
    }
}

async fn the_demo_dataset_loads_and_every_iin_in_it_is_valid(database: &TestDatabase) {
    let document = demo_document().expect("the demo dataset parses");
    assert!(document.persons.len() >= 30);
    let application =
        Application::build(settings(database, &[("HOUSING_REGISTRY_FIXTURES", "demo")]))
            .await
            .expect("the gateway starts with the demo dataset");
    let summary = &application.fixtures()[0];
    assert!(!summary.skipped);
    assert_eq!(
        summary.persons,
        u64::try_from(document.persons.len()).expect("count")
    );
    assert_eq!(
        summary.certified_experts,
        u64::try_from(document.certified_experts.len()).expect("count")
    );
    let app = TestApp::run(application).await;

    let expected: BTreeSet<String> = document
        .persons
        .iter()
        .map(|person| person.iin.clone())
        .collect();
    assert_eq!(expected.len(), document.persons.len(), "IINs are distinct");
    let loaded: BTreeSet<String> = all_iins(&app).await.into_iter().collect();
    assert_eq!(loaded, expected);
    for iin in &loaded {
        assert!(Iin::parse(iin).is_ok(), "{iin} has a valid check digit");
    }
    // Every IIN a record names is a valid IIN of the dataset too.
    let text = serde_json::to_string(&document).expect("serialises");
    let value: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    let mut named = Vec::new();
    collect_iin_fields(&value, &mut named);
    assert!(named.len() > document.persons.len());
    for iin in named {
        assert!(expected.contains(&iin), "{iin} is a person of the dataset");
    }
    for expert in &document.certified_experts {
        let answer = app
            .gateway()
            .get_certified_expert(pb::GetCertifiedExpertRequest {
                certificate_number: expert.certificate_number.clone(),
                as_of_date: date(2030, 1, 1),
            })
            .await
            .expect("answers")
            .into_inner();
        assert!(answer.found, "{}", expert.certificate_number);
    }
    app.stop().await;
}

fn collect_iin_fields(value: &serde_json::Value, found: &mut Vec<String>) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, value) in map {
                if key.ends_with("iin")
                    && let Some(text) = value.as_str()
                {
                    found.push(text.to_owned());
                }
                collect_iin_fields(value, found);
            }
        }
        serde_json::Value::Array(items) => {
            for item in items {
                collect_iin_fields(item, found);
            }
        }
        _ => {}
    }
}

fn person_json(n: u16, surname: &str) -> serde_json::Value {
    json!({
        "iin": iin(n),
        "note": "a test person",
        "identity": {
            "surname": surname,
            "given_name": "Aigerim",
            "birth_date": "1990-05-12",
            "sex": "female",
            "citizenship": "kazakhstan"
        },
        "domicile_registrations": [
            {"kato": "351610000", "address": "Karaganda, Abai street 1", "from": "2010-01-01"}
        ],
        "ownerships": [{
            "dwelling": {"cadastral_number": format!("09:001:002:{n:04}"), "kato": "351610000",
                          "address": "Karaganda, Abai street 1", "kind": "apartment"},
            "share": "1/2",
            "acquired": "2015-03-01",
            "acquisition_basis": "state_mortgage_programme",
            "state_programme": "Nurly Zher"
        }],
        "mobile_phone": {"phone": "+77015550101", "linked_to_portal_account": true}
    })
}

fn write(path: &Path, content: &str) {
    std::fs::write(path, content).expect("the fixture is written");
}

async fn a_fixture_is_loaded_once_and_administrative_changes_survive_a_restart(
    database: &TestDatabase,
) {
    let directory = tempfile::tempdir().expect("a directory");
    let path = directory.path().join("fixture.json");
    let path_text = path.display().to_string();
    write(
        &path,
        &json!({"persons": [person_json(1, "Seitkali"), person_json(2, "Omarova")]}).to_string(),
    );
    let overrides = [("HOUSING_REGISTRY_FIXTURES", path_text.as_str())];

    let app = TestApp::spawn_with(database, &overrides).await;
    assert_eq!(all_iins(&app).await.len(), 2);
    let real_estate = app
        .gateway()
        .get_real_estate_record(pb::GetRealEstateRecordRequest {
            iin: iin(1),
            as_of_date: date(2026, 4, 15),
        })
        .await
        .expect("answers")
        .into_inner()
        .record
        .expect("found");
    assert_eq!(real_estate.ownerships[0].share_denominator, 2);
    assert_eq!(real_estate.ownerships[0].state_programme, "Nurly Zher");
    app.admin()
        .delete_person(pb::DeletePersonRequest { iin: iin(2) })
        .await
        .expect("deleted");
    app.stop().await;

    // The same fixture again: skipped, so the deletion stands.
    let application = Application::build(settings(database, &overrides))
        .await
        .expect("starts");
    assert!(application.fixtures()[0].skipped);
    let app = TestApp::run(application).await;
    assert_eq!(all_iins(&app).await, [iin(1)]);
    app.stop().await;

    // A changed fixture is loaded: its persons are put in place again.
    write(
        &path,
        &json!({"persons": [person_json(1, "Seitkali"), person_json(2, "Omarova"), person_json(3, "Bekov")]})
            .to_string(),
    );
    let app = TestApp::spawn_with(database, &overrides).await;
    assert_eq!(all_iins(&app).await.len(), 3);
    app.stop().await;
}

async fn a_json_lines_fixture_is_streamed_in(database: &TestDatabase) {
    let directory = tempfile::tempdir().expect("a directory");
    let path = directory.path().join("population.jsonl");
    let lines = [
        json!({"certified_expert": {"certificate_number": "KZ-EXP-9", "holder_name": "Kim Sergey",
                                    "from": "2024-01-01", "to": "2028-12-31"}})
        .to_string(),
        json!({"person": person_json(5, "Ivanov")}).to_string(),
        String::new(),
        json!({"person": person_json(6, "Petrov")}).to_string(),
    ];
    write(&path, &(lines.join("\n") + "\n"));
    let path_text = path.display().to_string();
    let application = Application::build(settings(
        database,
        &[("HOUSING_REGISTRY_FIXTURES", path_text.as_str())],
    ))
    .await
    .expect("starts");
    let summary = application.fixtures()[0].clone();
    assert_eq!((summary.persons, summary.certified_experts), (2, 1));
    let app = TestApp::run(application).await;
    assert_eq!(all_iins(&app).await.len(), 2);
    let expert = app
        .gateway()
        .get_certified_expert(pb::GetCertifiedExpertRequest {
            certificate_number: "KZ-EXP-9".to_owned(),
            as_of_date: date(2026, 4, 15),
        })
        .await
        .expect("answers")
        .into_inner();
    assert!(expert.found);
    app.stop().await;
}

async fn an_invalid_fixture_stops_the_start_and_says_where(database: &TestDatabase) {
    let directory = tempfile::tempdir().expect("a directory");
    let cases: [(&str, String, &[&str]); 4] = [
        (
            "bad-iin.jsonl",
            [
                json!({"person": person_json(5, "Ivanov")}).to_string(),
                json!({"person": {"iin": "900101300125"}}).to_string(),
            ]
            .join("\n"),
            &["line 2", "iin"],
        ),
        (
            "twice.jsonl",
            [
                json!({"person": person_json(5, "Ivanov")}).to_string(),
                json!({"person": person_json(5, "Ivanov")}).to_string(),
            ]
            .join("\n"),
            &["line 2", "listed twice"],
        ),
        (
            "typo.json",
            json!({"persons": [{"iin": iin(7), "identiti": {}}]}).to_string(),
            &["identiti"],
        ),
        (
            "inconsistent.json",
            json!({"persons": [person_json(8, "Li"), {
                "iin": iin(9),
                "marriages": [{"spouse_iin": iin(9), "registered": "2020-01-01"}]
            }]})
            .to_string(),
            &["persons[1]", "marriages[0].spouse_iin"],
        ),
    ];
    for (name, content, expected) in cases {
        let path = directory.path().join(name);
        write(&path, &content);
        let path_text = path.display().to_string();
        let error = Application::build(settings(
            database,
            &[("HOUSING_REGISTRY_FIXTURES", path_text.as_str())],
        ))
        .await
        .expect_err("an invalid fixture stops the start");
        let message = format!("{error:#}");
        for part in expected {
            assert!(message.contains(part), "{name}: {message}");
        }
        // The message says where, never what: no IIN is quoted.
        assert!(!message.contains(&iin(9)), "{message}");
    }
    let unsupported = directory.path().join("fixture.csv");
    write(&unsupported, "iin\n");
    let path_text = unsupported.display().to_string();
    let error = Application::build(settings(
        database,
        &[("HOUSING_REGISTRY_FIXTURES", path_text.as_str())],
    ))
    .await
    .expect_err("unsupported");
    assert!(format!("{error:#}").contains(".jsonl"));
}
