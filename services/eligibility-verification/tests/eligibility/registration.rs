//! Registration: a family's facts in two registry round trips, the decision
//! with every rule, the register entry with its position, the published list.

use housing_proto::housing::common::v1::SocialCategory;
use housing_proto::housing::eligibility::v1 as pb;
use housing_proto::housing::intake::v1::FamilyRelation;
use housing_storage::testing::TestDatabase;
use prost::Message;

use crate::forms::{ALMATY, Form, KARAGANDA, demo};
use crate::support::TestApp;

housing_storage::storage_test_suite!(
    &eligibility_verification::storage::MIGRATIONS;
    a_family_is_registered_with_an_entry_a_position_and_a_published_line,
    a_confirmed_category_is_registered_and_only_consenting_entries_are_published,
);

async fn a_family_is_registered_with_an_entry_a_position_and_a_published_line(
    database: &TestDatabase,
) {
    let app = TestApp::spawn(database).await;
    let form = Form::new(demo::D01_APPLICANT, KARAGANDA)
        .declare(demo::D02_SPOUSE, FamilyRelation::Spouse)
        .consent_of(demo::D02_SPOUSE)
        .build();
    let opened = app.open("d01", form).await;
    assert_eq!(opened.name, "cases/d01");
    assert_eq!(opened.state, pb::case::State::Verifying as i32);

    let case = app
        .wait_for_state("cases/d01", pb::case::State::Registered)
        .await;
    assert_eq!(case.latest_decision, "cases/d01/decisions/1");
    assert_eq!(case.register_entry, "registerEntries/d01");
    assert_eq!(case.registry_attempts, 1);

    // The family's facts took two round trips: the applicant, the declared
    // spouse; then the children the civil-status register named.
    let queries = app.registry_queries("applications/d01").await;
    assert_eq!(queries.len(), 2, "{queries:?}");
    assert!(queries.iter().all(|query| query.outcome == "OK"
        && query.client_system == "eligibility-verification"
        && query.on_behalf_of == "system"));

    let decisions = app.decisions("cases/d01").await;
    assert_eq!(decisions.len(), 1);
    let decision = &decisions[0];
    assert_eq!(decision.outcome, pb::decision::Outcome::Registered as i32);
    assert_eq!(decision.trigger, pb::decision::Trigger::Initial as i32);
    assert_eq!(decision.rule_set_version, "ORDER-130");
    assert!(decision.grounds.is_empty());
    assert_eq!(
        decision.category.as_ref().expect("a category").code,
        "CATEGORY"
    );
    let codes: Vec<&str> = decision
        .evaluations
        .iter()
        .map(|rule| rule.code.as_str())
        .collect();
    for code in [
        "ADULT",
        "CONSENT",
        "OWNED_HOUSING_LAST_5_YEARS",
        "NO_PERSONAL_DATA_CONSENT",
    ] {
        assert!(codes.contains(&code), "{code} missing from {codes:?}");
    }
    let consent = decision
        .evaluations
        .iter()
        .find(|rule| rule.code == "CONSENT")
        .expect("CONSENT evaluated");
    assert_eq!(consent.outcome, pb::RuleOutcome::Holds as i32);
    // Applicant, spouse and two children: each with a fact, by role.
    let subjects: Vec<&str> = consent
        .facts
        .iter()
        .map(|fact| fact.subject.as_str())
        .collect();
    assert_eq!(subjects, ["applicant", "spouse", "child-1", "child-2"]);
    assert!(
        consent
            .facts
            .iter()
            .all(|fact| !fact.description.is_empty())
    );
    assert!(!decision.trace.contains(demo::D01_APPLICANT));

    let entry = app
        .system()
        .get_register_entry(pb::GetRegisterEntryRequest {
            name: "registerEntries/d01".to_owned(),
        })
        .await
        .expect("the entry reads")
        .into_inner()
        .register_entry
        .expect("an entry");
    assert_eq!(entry.position, 1);
    assert_eq!(entry.locality_kato, KARAGANDA);
    assert_eq!(entry.region_kato, "350000000");
    assert_eq!(entry.decision, "cases/d01/decisions/1");
    assert_eq!(entry.category, SocialCategory::Unspecified as i32);

    // A later application in the same locality comes after it.
    let second = Form::new(demo::D15_APPLICANT, KARAGANDA).build();
    let mut request = crate::support::open_request("d15", second);
    request.submit_time = crate::support::timestamp("2026-04-15T11:30:00+05:00");
    app.system().open_case(request).await.expect("opens");
    app.wait_for_state("cases/d15", pb::case::State::Registered)
        .await;
    let later = app
        .citizen(demo::D15_APPLICANT)
        .get_register_entry(pb::GetRegisterEntryRequest {
            name: "registerEntries/d15".to_owned(),
        })
        .await
        .expect("the citizen reads their entry")
        .into_inner()
        .register_entry
        .expect("an entry");
    assert_eq!(later.position, 2);
    assert!(later.ordinal > entry.ordinal);

    // The published list of the region: no names, no IINs; paged.
    let first_page = app
        .anonymous()
        .list_published_register_entries(pb::ListPublishedRegisterEntriesRequest {
            region_kato: "35".to_owned(),
            page_size: 1,
            page_token: String::new(),
        })
        .await
        .expect("the list is public")
        .into_inner();
    assert_eq!(first_page.entries.len(), 1);
    assert_eq!(first_page.entries[0].ordinal, entry.ordinal);
    assert!(!first_page.next_page_token.is_empty());
    let second_page = app
        .anonymous()
        .list_published_register_entries(pb::ListPublishedRegisterEntriesRequest {
            region_kato: "350000000".to_owned(),
            page_size: 1,
            page_token: first_page.next_page_token.clone(),
        })
        .await
        .expect("the next page")
        .into_inner();
    assert_eq!(second_page.entries.len(), 1);
    assert_eq!(second_page.entries[0].ordinal, later.ordinal);
    assert!(second_page.next_page_token.is_empty());
    let published = [first_page.encode_to_vec(), second_page.encode_to_vec()].concat();
    for iin in [
        demo::D01_APPLICANT,
        demo::D02_SPOUSE,
        demo::D03_CHILD,
        demo::D04_CHILD,
        demo::D15_APPLICANT,
    ] {
        assert!(
            !published
                .windows(iin.len())
                .any(|window| window == iin.as_bytes()),
            "an IIN in the published list"
        );
    }
    app.stop().await;
}

async fn a_confirmed_category_is_registered_and_only_consenting_entries_are_published(
    database: &TestDatabase,
) {
    let app = TestApp::spawn(database).await;
    let form = Form::new(demo::D05_APPLICANT, ALMATY)
        .category(SocialCategory::DisabilityGroup1Or2)
        .build();
    app.open("d05", form).await;
    app.wait_for_state("cases/d05", pb::case::State::Registered)
        .await;
    let decision = app.decisions("cases/d05").await.remove(0);
    let category = decision.category.expect("a category outcome");
    assert_eq!(
        category.confirmed,
        SocialCategory::DisabilityGroup1Or2 as i32
    );
    assert_eq!(category.code, "CATEGORY");

    let published = app
        .anonymous()
        .list_published_register_entries(pb::ListPublishedRegisterEntriesRequest {
            region_kato: "75".to_owned(),
            page_size: 0,
            page_token: String::new(),
        })
        .await
        .expect("the list is public")
        .into_inner();
    assert_eq!(published.entries.len(), 1);
    assert_eq!(
        published.entries[0].category,
        SocialCategory::DisabilityGroup1Or2 as i32
    );
    assert_eq!(published.entries[0].locality_kato, ALMATY);

    // Registered, but not published without the applicant's agreement.
    let form = Form::new(demo::D15_APPLICANT, KARAGANDA)
        .without_publication()
        .build();
    app.open("d15", form).await;
    app.wait_for_state("cases/d15", pb::case::State::Registered)
        .await;
    let published = app
        .anonymous()
        .list_published_register_entries(pb::ListPublishedRegisterEntriesRequest {
            region_kato: "35".to_owned(),
            page_size: 0,
            page_token: String::new(),
        })
        .await
        .expect("the list is public")
        .into_inner();
    assert!(published.entries.is_empty());
    app.stop().await;
}
