//! A restart loses nothing: persons, experts, faults and the query log's chain.

use std::time::Duration;

use housing_proto::housing::common::v1::Register;
use housing_proto::housing::registry::v1 as pb;
use housing_storage::testing::TestDatabase;

use crate::support::*;

housing_storage::storage_test_suite!(
    &registry_gateway::storage::MIGRATIONS;
    a_restart_keeps_persons_experts_faults_and_the_log,
);

async fn a_restart_keeps_persons_experts_faults_and_the_log(database: &TestDatabase) {
    let first = TestApp::spawn(database).await;
    put_persons(&first, [full_person(10)]).await;
    first
        .admin()
        .put_certified_expert(pb::PutCertifiedExpertRequest {
            expert: Some(expert("E-1", date(2020, 1, 1), None)),
        })
        .await
        .expect("put");
    inject(&first, Register::MobileCitizens, Duration::ZERO, 0.0, true).await;
    first
        .gateway()
        .query_registers(family_query(&[iin(10)], date(2026, 4, 15)))
        .await
        .expect("answers");
    let before = log_entries(&first).await;
    assert_eq!(before.len(), 1);
    first.stop().await;

    let second = TestApp::spawn(database).await;
    let person = second
        .admin()
        .get_person(pb::GetPersonRequest { iin: iin(10) })
        .await
        .expect("still on record")
        .into_inner()
        .person;
    assert_eq!(person, Some(full_person(10)));
    let expert = second
        .gateway()
        .get_certified_expert(pb::GetCertifiedExpertRequest {
            certificate_number: "E-1".to_owned(),
            as_of_date: date(2026, 4, 15),
        })
        .await
        .expect("answers")
        .into_inner();
    assert!(expert.found);
    // The outage injected before the restart is still in force.
    let batch = second
        .gateway()
        .query_registers(family_query(&[iin(10)], date(2026, 4, 15)))
        .await
        .expect("answers")
        .into_inner();
    assert_eq!(
        answer_status(&batch, &iin(10), Register::MobileCitizens),
        pb::AnswerStatus::Unavailable
    );
    // The log goes on where it stopped, on the same chain.
    let after = log_entries(&second).await;
    assert_eq!(after.len(), 3);
    assert_eq!(after[0], before[0]);
    assert_eq!(after[1].sequence, 2);
    assert_eq!(after[1].previous_hash, before[0].entry_hash);
    let verification = verify_log(&second).await;
    assert!(verification.intact);
    assert_eq!(verification.entries_checked, 3);
    second.stop().await;
}
