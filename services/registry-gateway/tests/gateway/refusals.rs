//! After X-Road: every query names its caller; strangers are refused; bad
//! queries are reported field by field; every refusal is logged too.

use housing_proto::housing::common::v1::Register;
use housing_proto::housing::registry::v1 as pb;
use housing_storage::testing::TestDatabase;
use tonic::Code;

use crate::support::*;

housing_storage::storage_test_suite!(
    &registry_gateway::storage::MIGRATIONS;
    a_query_without_identification_is_refused_and_logged,
    an_unknown_client_system_is_refused_and_logged,
    invalid_queries_are_reported_field_by_field_and_logged,
);

async fn a_query_without_identification_is_refused_and_logged(database: &TestDatabase) {
    let app = TestApp::spawn(database).await;
    put_persons(&app, [full_person(10)]).await;
    let status = app
        .gateway_as("", ON_BEHALF_OF, "")
        .get_identity(pb::GetIdentityRequest {
            iin: iin(10),
            as_of_date: date(2026, 4, 15),
        })
        .await
        .expect_err("refused");
    assert_eq!(status.code(), Code::InvalidArgument);
    assert_eq!(reason(&status), "INVALID_ARGUMENT");
    assert_eq!(
        violated_fields(&status),
        ["metadata.x-client-system", "metadata.x-case-id"]
    );
    // No personal data leaks into the refusal.
    assert!(!status.message().contains(&iin(10)));

    let entries = log_entries(&app).await;
    assert_eq!(entries.len(), 1);
    let entry = &entries[0];
    assert_eq!(entry.outcome, "REFUSED");
    assert_eq!(entry.client_system, "");
    assert_eq!(entry.on_behalf_of, ON_BEHALF_OF);
    assert_eq!(entry.response_sha256, "");
    assert_eq!(entry.registers, [Register::Identity as i32]);
    app.stop().await;
}

async fn an_unknown_client_system_is_refused_and_logged(database: &TestDatabase) {
    let app = TestApp::spawn(database).await;
    put_persons(&app, [full_person(10)]).await;
    let status = app
        .gateway_as("intruder", ON_BEHALF_OF, CASE_ID)
        .query_registers(family_query(&[iin(10)], date(2026, 4, 15)))
        .await
        .expect_err("refused");
    assert_eq!(status.code(), Code::PermissionDenied);
    assert_eq!(reason(&status), "UNKNOWN_CLIENT_SYSTEM");

    // A system the gateway does serve gets the answer.
    app.gateway_as("application-intake", ON_BEHALF_OF, CASE_ID)
        .query_registers(family_query(&[iin(10)], date(2026, 4, 15)))
        .await
        .expect("a known system is served");

    let entries = log_entries(&app).await;
    let outcomes: Vec<(&str, &str)> = entries
        .iter()
        .map(|entry| (entry.client_system.as_str(), entry.outcome.as_str()))
        .collect();
    assert_eq!(
        outcomes,
        [("intruder", "REFUSED"), ("application-intake", "OK")]
    );
    assert_eq!(entries[0].case_id, CASE_ID);
    assert_eq!(
        entries[0].method,
        "/housing.registry.v1.RegistryGatewayService/QueryRegisters"
    );
    assert_eq!(entries[0].registers.len(), 10);
    app.stop().await;
}

async fn invalid_queries_are_reported_field_by_field_and_logged(database: &TestDatabase) {
    let app = TestApp::spawn(database).await;
    let mut gateway = app.gateway();
    let status = gateway
        .get_identity(pb::GetIdentityRequest {
            iin: "900101300125".to_owned(),
            as_of_date: None,
        })
        .await
        .expect_err("invalid");
    assert_eq!(status.code(), Code::InvalidArgument);
    assert_eq!(violated_fields(&status), ["iin", "as_of_date"]);

    let status = gateway
        .query_registers(pb::QueryRegistersRequest {
            iins: vec![iin(1), "12345".to_owned(), iin(1)],
            registers: vec![Register::CertificationCentre as i32],
            as_of_date: date(2026, 2, 30),
            expert_certificate_numbers: vec!["has space".to_owned()],
        })
        .await
        .expect_err("invalid");
    assert_eq!(status.code(), Code::InvalidArgument);
    assert_eq!(
        violated_fields(&status),
        [
            "iins[1]",
            "iins[2]",
            "registers[0]",
            "expert_certificate_numbers[0]",
            "as_of_date"
        ]
    );

    let status = gateway
        .get_certified_expert(pb::GetCertifiedExpertRequest {
            certificate_number: String::new(),
            as_of_date: date(2026, 4, 15),
        })
        .await
        .expect_err("invalid");
    assert_eq!(violated_fields(&status), ["certificate_number"]);

    let entries = log_entries(&app).await;
    assert_eq!(entries.len(), 3);
    assert!(
        entries
            .iter()
            .all(|entry| entry.outcome == "INVALID_ARGUMENT" && entry.response_sha256.is_empty())
    );
    app.stop().await;
}
