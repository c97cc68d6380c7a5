//! The query log: every query and answer, digests instead of personal data,
//! one hash chain that an auditor verifies and that tampering breaks.

use housing_proto::housing::common::v1::Register;
use housing_proto::housing::registry::v1 as pb;
use housing_storage::Backend;
use housing_storage::testing::TestDatabase;
use prost::Message;
use registry_gateway::query_log::{ChainHash, Draft, entry_hash, sha256_hex};
use sqlx::Executor;

use crate::support::*;

housing_storage::storage_test_suite!(
    &registry_gateway::storage::MIGRATIONS;
    every_query_is_logged_with_digests_of_request_and_answer,
    the_log_is_read_page_by_page_and_by_case,
    a_changed_entry_is_detected,
    a_removed_entry_and_a_removed_tail_are_detected,
    a_rewritten_entry_with_a_recomputed_hash_breaks_the_next_link,
    concurrent_queries_keep_one_sequential_chain,
);

async fn identity_queries(app: &TestApp, count: usize, case_id: &str) {
    let mut gateway = app.gateway_as(CLIENT_SYSTEM, ON_BEHALF_OF, case_id);
    for _ in 0..count {
        gateway
            .get_identity(pb::GetIdentityRequest {
                iin: iin(10),
                as_of_date: date(2026, 4, 15),
            })
            .await
            .expect("answers");
    }
}

/// Lets the test change the log behind the gateway's back, as someone with
/// the database owner's rights could: the append-only triggers go first.
async fn drop_append_only_guard(database: &TestDatabase) {
    let statements: &[&str] = match database.database.backend() {
        Backend::Postgres => {
            &["ALTER TABLE registry_query_log DISABLE TRIGGER registry_query_log_append_only"]
        }
        Backend::Sqlite => &[
            "DROP TRIGGER registry_query_log_no_update",
            "DROP TRIGGER registry_query_log_no_delete",
        ],
    };
    for statement in statements {
        database
            .database
            .pool()
            .execute(*statement)
            .await
            .expect("the guard is dropped");
    }
}

async fn tamper(database: &TestDatabase, statement: &str) {
    database
        .database
        .pool()
        .execute(statement)
        .await
        .expect("the log is changed behind the gateway's back");
}

async fn every_query_is_logged_with_digests_of_request_and_answer(database: &TestDatabase) {
    let app = TestApp::spawn(database).await;
    put_persons(&app, [full_person(10)]).await;
    let request = pb::GetIdentityRequest {
        iin: iin(10),
        as_of_date: date(2026, 4, 15),
    };
    let response = app
        .gateway()
        .get_identity(request.clone())
        .await
        .expect("answers")
        .into_inner();

    let entries = log_entries(&app).await;
    assert_eq!(entries.len(), 1);
    let entry = &entries[0];
    assert_eq!(entry.sequence, 1);
    assert_eq!(entry.client_system, CLIENT_SYSTEM);
    assert_eq!(entry.on_behalf_of, ON_BEHALF_OF);
    assert_eq!(entry.case_id, CASE_ID);
    assert_eq!(
        entry.method,
        "/housing.registry.v1.RegistryGatewayService/GetIdentity"
    );
    assert_eq!(entry.outcome, "OK");
    assert_eq!(entry.registers, [Register::Identity as i32]);
    assert_eq!(entry.request_sha256, sha256_hex(&request.encode_to_vec()));
    assert_eq!(entry.response_sha256, sha256_hex(&response.encode_to_vec()));
    assert!(entry.query_time.is_some());
    assert_eq!(entry.previous_hash, "0".repeat(64));
    // Digests only: neither the IIN nor the name is in the entry.
    let text = format!("{entry:?}");
    assert!(!text.contains(&iin(10)));
    assert!(!text.contains("Testov"));
    app.stop().await;
}

async fn the_log_is_read_page_by_page_and_by_case(database: &TestDatabase) {
    let app = TestApp::spawn(database).await;
    identity_queries(&app, 7, "applications/1").await;
    identity_queries(&app, 5, "applications/2").await;
    let mut admin = app.admin();
    let mut sequences = Vec::new();
    let mut page_token = String::new();
    let mut pages = 0;
    loop {
        let page = admin
            .list_query_log_entries(pb::ListQueryLogEntriesRequest {
                case_id: String::new(),
                page_size: 5,
                page_token,
            })
            .await
            .expect("a page")
            .into_inner();
        pages += 1;
        sequences.extend(page.entries.iter().map(|entry| entry.sequence));
        if page.next_page_token.is_empty() {
            break;
        }
        page_token = page.next_page_token;
    }
    assert_eq!(pages, 3);
    assert_eq!(sequences, (1..=12).collect::<Vec<i64>>());

    let second_case = admin
        .list_query_log_entries(pb::ListQueryLogEntriesRequest {
            case_id: "applications/2".to_owned(),
            page_size: 0,
            page_token: String::new(),
        })
        .await
        .expect("a page")
        .into_inner();
    let sequences: Vec<i64> = second_case
        .entries
        .iter()
        .map(|entry| entry.sequence)
        .collect();
    assert_eq!(sequences, [8, 9, 10, 11, 12]);
    assert!(second_case.next_page_token.is_empty());

    let bad_token = admin
        .list_query_log_entries(pb::ListQueryLogEntriesRequest {
            case_id: String::new(),
            page_size: 5,
            page_token: "not-a-token".to_owned(),
        })
        .await
        .expect_err("refused");
    assert_eq!(violated_fields(&bad_token), ["page_token"]);

    let verification = verify_log(&app).await;
    assert!(verification.intact);
    assert_eq!(verification.entries_checked, 12);
    assert_eq!(verification.first_broken_sequence, 0);
    app.stop().await;
}

async fn a_changed_entry_is_detected(database: &TestDatabase) {
    let app = TestApp::spawn(database).await;
    identity_queries(&app, 6, CASE_ID).await;
    assert!(verify_log(&app).await.intact);

    // While the guard stands, the database itself refuses the change.
    let refused = database
        .database
        .pool()
        .execute("UPDATE registry_query_log SET outcome = 'REFUSED' WHERE sequence = 3")
        .await;
    assert!(refused.is_err(), "the log must be append-only");

    drop_append_only_guard(database).await;
    tamper(
        database,
        "UPDATE registry_query_log SET outcome = 'REFUSED' WHERE sequence = 3",
    )
    .await;
    let verification = verify_log(&app).await;
    assert!(!verification.intact);
    assert_eq!(verification.first_broken_sequence, 3);
    assert_eq!(verification.entries_checked, 3);
    app.stop().await;
}

async fn a_removed_entry_and_a_removed_tail_are_detected(database: &TestDatabase) {
    let app = TestApp::spawn(database).await;
    identity_queries(&app, 6, CASE_ID).await;
    drop_append_only_guard(database).await;

    tamper(
        database,
        "DELETE FROM registry_query_log WHERE sequence = 6",
    )
    .await;
    let verification = verify_log(&app).await;
    assert!(!verification.intact);
    assert_eq!(
        verification.first_broken_sequence, 6,
        "the gateway knows it wrote six entries"
    );

    tamper(
        database,
        "DELETE FROM registry_query_log WHERE sequence = 4",
    )
    .await;
    let verification = verify_log(&app).await;
    assert!(!verification.intact);
    assert_eq!(verification.first_broken_sequence, 4);
    app.stop().await;
}

async fn a_rewritten_entry_with_a_recomputed_hash_breaks_the_next_link(database: &TestDatabase) {
    let app = TestApp::spawn(database).await;
    identity_queries(&app, 4, CASE_ID).await;
    let entries = log_entries(&app).await;
    let second = &entries[1];
    // A forger who knows the scheme rewrites entry 2 and recomputes its hash…
    let forged = Draft {
        query_time_micros: second
            .query_time
            .map(|time| time.seconds * 1_000_000 + i64::from(time.nanos / 1000))
            .expect("a query time"),
        client_system: second.client_system.clone(),
        on_behalf_of: "somebody-else".to_owned(),
        case_id: second.case_id.clone(),
        method: second.method.clone(),
        request_sha256: second.request_sha256.clone(),
        response_sha256: second.response_sha256.clone(),
        outcome: second.outcome.clone(),
        registers: second.registers.clone(),
    };
    let previous = ChainHash::from_hex(&second.previous_hash).expect("a hash");
    let forged_hash = entry_hash(previous, 2, &forged).to_hex();
    // …which is consistent on its own, as a check of entry 2 alone shows.
    let original = Draft {
        on_behalf_of: second.on_behalf_of.clone(),
        ..forged.clone()
    };
    assert_eq!(
        entry_hash(previous, 2, &original).to_hex(),
        second.entry_hash
    );

    drop_append_only_guard(database).await;
    tamper(
        database,
        &format!(
            "UPDATE registry_query_log SET on_behalf_of = 'somebody-else', entry_hash = '{forged_hash}' \
             WHERE sequence = 2"
        ),
    )
    .await;
    // Entry 3 still names the original hash as its predecessor.
    let verification = verify_log(&app).await;
    assert!(!verification.intact);
    assert_eq!(verification.first_broken_sequence, 3);
    app.stop().await;
}

async fn concurrent_queries_keep_one_sequential_chain(database: &TestDatabase) {
    let app = TestApp::spawn(database).await;
    put_persons(&app, [full_person(10)]).await;
    let mut calls = tokio::task::JoinSet::new();
    for caller in 0..8 {
        let mut gateway = app.gateway_as(
            CLIENT_SYSTEM,
            ON_BEHALF_OF,
            &format!("applications/{caller}"),
        );
        calls.spawn(async move {
            for _ in 0..25 {
                gateway
                    .query_registers(family_query(&[iin(10)], date(2026, 4, 15)))
                    .await
                    .expect("answers");
            }
        });
    }
    while let Some(call) = calls.join_next().await {
        call.expect("a caller finishes");
    }
    let entries = log_entries(&app).await;
    let sequences: Vec<i64> = entries.iter().map(|entry| entry.sequence).collect();
    assert_eq!(sequences, (1..=200).collect::<Vec<i64>>());
    for pair in entries.windows(2) {
        assert_eq!(pair[1].previous_hash, pair[0].entry_hash);
    }
    let verification = verify_log(&app).await;
    assert!(verification.intact);
    assert_eq!(verification.entries_checked, 200);
    app.stop().await;
}
