//! Every register answers over gRPC, one by one and in a batch; "not found" is an answer.

use housing_proto::housing::common::v1::Register;
use housing_proto::housing::registry::v1 as pb;
use housing_proto::housing::registry::v1::register_answer::Record;
use housing_storage::testing::TestDatabase;

use crate::support::*;

housing_storage::storage_test_suite!(
    &registry_gateway::storage::MIGRATIONS;
    every_register_answers_a_person_put_in_place,
    an_unknown_person_is_not_found_in_every_register,
    a_family_is_answered_in_one_call_in_the_order_asked,
    certified_experts_are_answered_by_certificate_number,
);

const AS_OF: (i32, i32, i32) = (2026, 4, 15);

fn as_of() -> Option<housing_proto::google::r#type::Date> {
    date(AS_OF.0, AS_OF.1, AS_OF.2)
}

async fn every_register_answers_a_person_put_in_place(database: &TestDatabase) {
    let app = TestApp::spawn(database).await;
    let person = full_person(10);
    put_persons(&app, [person.clone()]).await;
    let mut gateway = app.gateway();
    let iin = person.iin.clone();

    let identity = gateway
        .get_identity(pb::GetIdentityRequest {
            iin: iin.clone(),
            as_of_date: as_of(),
        })
        .await
        .expect("identity answers")
        .into_inner();
    assert!(identity.found);
    let identity = identity.record.expect("a record");
    assert_eq!(identity.surname, "Testov");
    assert_eq!(identity.birth_date, date(1985, 6, 10));
    // The domicile address comes from the address register's current registration.
    assert_eq!(
        identity
            .domicile_address
            .map(|address| address.locality_kato),
        Some("351610000".to_owned())
    );

    let migration = gateway
        .get_migration_record(pb::GetMigrationRecordRequest {
            iin: iin.clone(),
            as_of_date: as_of(),
        })
        .await
        .expect("migration answers")
        .into_inner();
    assert!(migration.found);
    assert_eq!(migration.record, person.migration);

    let civil_status = gateway
        .get_civil_status_record(pb::GetCivilStatusRecordRequest {
            iin: iin.clone(),
            as_of_date: as_of(),
        })
        .await
        .expect("civil status answers")
        .into_inner();
    assert!(civil_status.found);
    assert_eq!(civil_status.record, person.civil_status);

    let address = gateway
        .get_address_record(pb::GetAddressRecordRequest {
            iin: iin.clone(),
            as_of_date: as_of(),
        })
        .await
        .expect("address answers")
        .into_inner();
    assert!(address.found);
    assert_eq!(address.record, person.address);

    let real_estate = gateway
        .get_real_estate_record(pb::GetRealEstateRecordRequest {
            iin: iin.clone(),
            as_of_date: as_of(),
        })
        .await
        .expect("real estate answers")
        .into_inner();
    assert!(real_estate.found);
    assert_eq!(real_estate.record, person.real_estate);

    let emergency = gateway
        .get_emergency_housing_record(pb::GetEmergencyHousingRecordRequest {
            iin: iin.clone(),
            as_of_date: as_of(),
        })
        .await
        .expect("emergency housing answers")
        .into_inner();
    assert!(emergency.found);
    assert_eq!(emergency.record, person.emergency_housing);

    let state_housing = gateway
        .get_state_housing_use_record(pb::GetStateHousingUseRecordRequest {
            iin: iin.clone(),
            as_of_date: as_of(),
        })
        .await
        .expect("state housing use answers")
        .into_inner();
    assert!(state_housing.found);
    assert_eq!(state_housing.record, person.state_housing_use);

    let unified = gateway
        .get_unified_republican_database_record(pb::GetUnifiedRepublicanDatabaseRecordRequest {
            iin: iin.clone(),
            as_of_date: as_of(),
        })
        .await
        .expect("the single database answers")
        .into_inner();
    assert!(unified.found);
    assert_eq!(unified.record, person.unified_database);

    let categories = gateway
        .get_social_category_record(pb::GetSocialCategoryRecordRequest {
            iin: iin.clone(),
            as_of_date: as_of(),
        })
        .await
        .expect("social categories answer")
        .into_inner();
    assert!(categories.found);
    assert_eq!(categories.record, person.social_categories);

    let mobile = gateway
        .get_mobile_citizen_record(pb::GetMobileCitizenRecordRequest {
            iin: iin.clone(),
            as_of_date: as_of(),
        })
        .await
        .expect("mobile citizens answer")
        .into_inner();
    assert!(mobile.found);
    assert_eq!(mobile.record, person.mobile_citizen);

    // The batch gives the same records as the single RPCs.
    let batch = gateway
        .query_registers(family_query(std::slice::from_ref(&iin), as_of()))
        .await
        .expect("the batch answers")
        .into_inner();
    assert_eq!(batch.answers.len(), 10);
    for answer in &batch.answers {
        assert_eq!(answer.status, pb::AnswerStatus::Found as i32, "{answer:?}");
    }
    let record_of = |register: Register| {
        batch
            .answers
            .iter()
            .find(|answer| answer.register == register as i32)
            .and_then(|answer| answer.record.clone())
    };
    assert_eq!(
        record_of(Register::RealEstate),
        person.real_estate.clone().map(Record::RealEstate)
    );
    assert_eq!(
        record_of(Register::MobileCitizens),
        person.mobile_citizen.clone().map(Record::MobileCitizen)
    );
    app.stop().await;
}

async fn an_unknown_person_is_not_found_in_every_register(database: &TestDatabase) {
    let app = TestApp::spawn(database).await;
    let mut gateway = app.gateway();
    let unknown = iin(77);
    let identity = gateway
        .get_identity(pb::GetIdentityRequest {
            iin: unknown.clone(),
            as_of_date: as_of(),
        })
        .await
        .expect("not found is an answer")
        .into_inner();
    assert!(!identity.found);
    assert_eq!(identity.record, None);
    let real_estate = gateway
        .get_real_estate_record(pb::GetRealEstateRecordRequest {
            iin: unknown.clone(),
            as_of_date: as_of(),
        })
        .await
        .expect("not found is an answer")
        .into_inner();
    assert!(!real_estate.found);
    let mobile = gateway
        .get_mobile_citizen_record(pb::GetMobileCitizenRecordRequest {
            iin: unknown.clone(),
            as_of_date: as_of(),
        })
        .await
        .expect("not found is an answer")
        .into_inner();
    assert!(!mobile.found);

    let batch = gateway
        .query_registers(family_query(std::slice::from_ref(&unknown), as_of()))
        .await
        .expect("not found is an answer")
        .into_inner();
    assert_eq!(batch.answers.len(), 10);
    assert!(batch.answers.iter().all(|answer| {
        answer.status == pb::AnswerStatus::NotFound as i32 && answer.record.is_none()
    }));

    // A person known to the identity register only: the other registers have nothing.
    put_persons(&app, [identity_only(78, date(1990, 1, 1))]).await;
    let batch = gateway
        .query_registers(family_query(&[iin(78)], as_of()))
        .await
        .expect("answers")
        .into_inner();
    assert_eq!(
        answer_status(&batch, &iin(78), Register::Identity),
        pb::AnswerStatus::Found
    );
    assert_eq!(
        answer_status(&batch, &iin(78), Register::RealEstate),
        pb::AnswerStatus::NotFound
    );
    app.stop().await;
}

async fn a_family_is_answered_in_one_call_in_the_order_asked(database: &TestDatabase) {
    let app = TestApp::spawn(database).await;
    put_persons(
        &app,
        [
            full_person(20),
            identity_only(21, date(1987, 2, 2)),
            identity_only(22, date(2015, 3, 3)),
        ],
    )
    .await;
    let family = vec![iin(20), iin(21), iin(22), iin(23)];
    let registers = [
        Register::RealEstate,
        Register::Identity,
        Register::MobileCitizens,
    ];
    let response = app
        .gateway()
        .query_registers(pb::QueryRegistersRequest {
            iins: family.clone(),
            registers: registers.iter().map(|register| *register as i32).collect(),
            as_of_date: as_of(),
            expert_certificate_numbers: Vec::new(),
        })
        .await
        .expect("the family is answered")
        .into_inner();
    let order: Vec<(String, i32)> = response
        .answers
        .iter()
        .map(|answer| (answer.iin.clone(), answer.register))
        .collect();
    let expected: Vec<(String, i32)> = family
        .iter()
        .flat_map(|iin| {
            registers
                .iter()
                .map(move |register| (iin.clone(), *register as i32))
        })
        .collect();
    assert_eq!(order, expected);
    assert_eq!(
        answer_status(&response, &iin(20), Register::RealEstate),
        pb::AnswerStatus::Found
    );
    assert_eq!(
        answer_status(&response, &iin(21), Register::Identity),
        pb::AnswerStatus::Found
    );
    assert_eq!(
        answer_status(&response, &iin(21), Register::RealEstate),
        pb::AnswerStatus::NotFound
    );
    for register in registers {
        assert_eq!(
            answer_status(&response, &iin(23), register),
            pb::AnswerStatus::NotFound
        );
    }
    assert!(response.expert_answers.is_empty());
    app.stop().await;
}

async fn certified_experts_are_answered_by_certificate_number(database: &TestDatabase) {
    let app = TestApp::spawn(database).await;
    app.admin()
        .put_certified_expert(pb::PutCertifiedExpertRequest {
            expert: Some(expert("KZ-EXP-1", date(2023, 1, 1), date(2027, 12, 31))),
        })
        .await
        .expect("the expert is put in place");
    let mut gateway = app.gateway();
    let found = gateway
        .get_certified_expert(pb::GetCertifiedExpertRequest {
            certificate_number: "KZ-EXP-1".to_owned(),
            as_of_date: as_of(),
        })
        .await
        .expect("answers")
        .into_inner();
    assert!(found.found);
    let expert = found.expert.expect("the expert");
    assert_eq!(expert.holder_name, "Expert Expertov");
    // Valid on the day asked: the end (in 2027) is not yet known.
    assert_eq!(expert.valid, period(date(2023, 1, 1), None));

    let missing = gateway
        .get_certified_expert(pb::GetCertifiedExpertRequest {
            certificate_number: "KZ-EXP-404".to_owned(),
            as_of_date: as_of(),
        })
        .await
        .expect("not found is an answer")
        .into_inner();
    assert!(!missing.found);

    let batch = gateway
        .query_registers(pb::QueryRegistersRequest {
            iins: Vec::new(),
            registers: Vec::new(),
            as_of_date: as_of(),
            expert_certificate_numbers: vec!["KZ-EXP-1".to_owned(), "KZ-EXP-404".to_owned()],
        })
        .await
        .expect("experts alone are a valid batch")
        .into_inner();
    assert!(batch.answers.is_empty());
    let statuses: Vec<(String, i32)> = batch
        .expert_answers
        .iter()
        .map(|answer| (answer.certificate_number.clone(), answer.status))
        .collect();
    assert_eq!(
        statuses,
        [
            ("KZ-EXP-1".to_owned(), pb::AnswerStatus::Found as i32),
            ("KZ-EXP-404".to_owned(), pb::AnswerStatus::NotFound as i32),
        ]
    );
    app.stop().await;
}
