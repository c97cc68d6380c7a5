//! "As of" a day, register by register: facts that start later are not
//! visible, ends that come later are shown open, nobody exists before birth.

use housing_proto::google::r#type::Date;
use housing_proto::housing::common::v1::Register;
use housing_proto::housing::registry::v1 as pb;
use housing_proto::housing::registry::v1::register_answer::Record;
use housing_storage::testing::TestDatabase;

use crate::support::*;

housing_storage::storage_test_suite!(
    &registry_gateway::storage::MIGRATIONS;
    each_register_is_cut_at_the_day_asked,
    nobody_is_known_before_birth_and_a_death_is_known_from_its_day,
    an_expert_is_unknown_before_the_certificate,
);

/// Every register's record of person 10 as of a day (`None`: not found).
async fn records_on(app: &TestApp, as_of: Option<Date>) -> Vec<(Register, Option<Record>)> {
    let response = app
        .gateway()
        .query_registers(family_query(&[iin(10)], as_of))
        .await
        .expect("answers")
        .into_inner();
    response
        .answers
        .into_iter()
        .map(|answer| {
            let register = Register::try_from(answer.register).expect("a register");
            (register, answer.record)
        })
        .collect()
}

fn record(records: &[(Register, Option<Record>)], register: Register) -> Option<Record> {
    records
        .iter()
        .find(|(asked, _)| *asked == register)
        .and_then(|(_, record)| record.clone())
}

async fn each_register_is_cut_at_the_day_asked(database: &TestDatabase) {
    let app = TestApp::spawn(database).await;
    put_persons(&app, [full_person(10)]).await;

    // 2009-12-31: born, but no fact of any register has started.
    let before = records_on(&app, date(2009, 12, 31)).await;
    assert!(record(&before, Register::Identity).is_some());
    for register in [
        Register::Migration,
        Register::CivilStatus,
        Register::Address,
        Register::RealEstate,
        Register::EmergencyHousing,
        Register::StateHousingUse,
        Register::UnifiedRepublicanDatabase,
        Register::SocialCategories,
    ] {
        assert_eq!(record(&before, register), None, "{register:?} in 2009");
    }
    // The mobile citizens database keeps no dates: answered on any day.
    assert!(record(&before, Register::MobileCitizens).is_some());

    // 2011-06-01: the kandas status is valid, its end not yet known.
    let Some(Record::Migration(migration)) = record(
        &records_on(&app, date(2011, 6, 1)).await,
        Register::Migration,
    ) else {
        panic!("the migration record in 2011");
    };
    assert_eq!(
        migration.kandas_statuses[0].valid,
        period(date(2010, 1, 1), None)
    );

    // 2020-06-01: married (the 2024 dissolution not yet known), the 2014 child born,
    // the flat owned (its 2024 sale not yet known), state housing in use.
    let in_2020 = records_on(&app, date(2020, 6, 1)).await;
    let Some(Record::CivilStatus(civil)) = record(&in_2020, Register::CivilStatus) else {
        panic!("the civil-status record in 2020");
    };
    assert_eq!(civil.marriages[0].dissolution_date, None);
    assert_eq!(civil.children.len(), 1);
    let Some(Record::RealEstate(estate)) = record(&in_2020, Register::RealEstate) else {
        panic!("the real-estate record in 2020");
    };
    let ownership = &estate.ownerships[0];
    assert_eq!(ownership.alienated_date, None);
    assert_eq!(ownership.alienation_basis, 0);
    assert!(!ownership.habitable_at_alienation);
    let Some(Record::StateHousingUse(state_housing)) = record(&in_2020, Register::StateHousingUse)
    else {
        panic!("the state-housing record in 2020");
    };
    assert_eq!(state_housing.uses[0].period, period(date(2019, 1, 1), None));
    assert_eq!(record(&in_2020, Register::EmergencyHousing), None);
    assert_eq!(record(&in_2020, Register::UnifiedRepublicanDatabase), None);
    let Some(Record::Address(address)) = record(&in_2020, Register::Address) else {
        panic!("the address record in 2020");
    };
    assert_eq!(address.registrations.len(), 2);
    // The household member registered in 2023 is not yet there.
    assert!(address.registrations[1].household.is_empty());
    let Some(Record::SocialCategories(categories)) = record(&in_2020, Register::SocialCategories)
    else {
        panic!("the categories in 2020");
    };
    assert_eq!(
        categories.memberships[0].valid,
        period(date(2020, 1, 1), None)
    );

    // 2023-05-25: the technical report is registered, the recognition (June) is not.
    let Some(Record::EmergencyHousing(emergency)) = record(
        &records_on(&app, date(2023, 5, 25)).await,
        Register::EmergencyHousing,
    ) else {
        panic!("the emergency-housing record in May 2023");
    };
    assert_eq!(emergency.technical_reports.len(), 1);
    assert!(emergency.recognitions.is_empty());

    // 2024-09-01: the alienation's own day: known, with its basis.
    let Some(Record::RealEstate(estate)) = record(
        &records_on(&app, date(2024, 9, 1)).await,
        Register::RealEstate,
    ) else {
        panic!("the real-estate record on the day of the sale");
    };
    assert_eq!(estate.ownerships[0].alienated_date, date(2024, 9, 1));
    assert_eq!(
        estate.ownerships[0].alienation_basis,
        pb::AlienationBasis::Sale as i32
    );

    // The identity's domicile address follows the address history.
    let Some(Record::Identity(identity)) = record(
        &records_on(&app, date(2012, 1, 1)).await,
        Register::Identity,
    ) else {
        panic!("the identity in 2012");
    };
    assert_eq!(
        identity
            .domicile_address
            .map(|address| address.locality_kato),
        Some("710000000".to_owned())
    );
    // …and the document issued in 2015 was not yet the one held in 2012.
    assert_eq!(identity.document, None);

    // The single RPCs cut the same way.
    let single = app
        .gateway()
        .get_civil_status_record(pb::GetCivilStatusRecordRequest {
            iin: iin(10),
            as_of_date: date(2013, 1, 1),
        })
        .await
        .expect("answers")
        .into_inner();
    let civil = single.record.expect("married in 2012");
    assert!(civil.children.is_empty());
    assert_eq!(civil.marriages[0].dissolution_date, None);
    app.stop().await;
}

async fn nobody_is_known_before_birth_and_a_death_is_known_from_its_day(database: &TestDatabase) {
    let app = TestApp::spawn(database).await;
    let mut person = identity_only(30, date(2000, 2, 29));
    if let Some(identity) = &mut person.identity {
        identity.death_date = date(2025, 1, 31);
    }
    put_persons(&app, [person]).await;
    let mut gateway = app.gateway();
    let identity_on = |as_of: Option<Date>| {
        let mut gateway = gateway.clone();
        async move {
            gateway
                .get_identity(pb::GetIdentityRequest {
                    iin: iin(30),
                    as_of_date: as_of,
                })
                .await
                .expect("answers")
                .into_inner()
        }
    };
    assert!(!identity_on(date(2000, 2, 28)).await.found);
    let born = identity_on(date(2000, 2, 29)).await;
    assert!(born.found);
    assert_eq!(born.record.expect("identity").death_date, None);
    assert_eq!(
        identity_on(date(2025, 1, 30))
            .await
            .record
            .expect("identity")
            .death_date,
        None
    );
    assert_eq!(
        identity_on(date(2025, 1, 31))
            .await
            .record
            .expect("identity")
            .death_date,
        date(2025, 1, 31)
    );
    let batch = gateway
        .query_registers(family_query(&[iin(30)], date(1999, 12, 31)))
        .await
        .expect("answers")
        .into_inner();
    assert_eq!(
        answer_status(&batch, &iin(30), Register::Identity),
        pb::AnswerStatus::NotFound
    );
    app.stop().await;
}

async fn an_expert_is_unknown_before_the_certificate(database: &TestDatabase) {
    let app = TestApp::spawn(database).await;
    app.admin()
        .put_certified_expert(pb::PutCertifiedExpertRequest {
            expert: Some(expert("E-7", date(2022, 1, 1), date(2025, 10, 19))),
        })
        .await
        .expect("put");
    let mut gateway = app.gateway();
    let expert_on = |as_of: Option<Date>| {
        let mut gateway = gateway.clone();
        async move {
            gateway
                .get_certified_expert(pb::GetCertifiedExpertRequest {
                    certificate_number: "E-7".to_owned(),
                    as_of_date: as_of,
                })
                .await
                .expect("answers")
                .into_inner()
        }
    };
    assert!(!expert_on(date(2021, 12, 31)).await.found);
    assert_eq!(
        expert_on(date(2025, 10, 19))
            .await
            .expert
            .expect("valid")
            .valid,
        period(date(2022, 1, 1), date(2025, 10, 19))
    );
    assert_eq!(
        expert_on(date(2024, 1, 1))
            .await
            .expert
            .expect("valid")
            .valid,
        period(date(2022, 1, 1), None)
    );
    // After expiry the certificate is still on record, with its end.
    let expired = gateway
        .get_certified_expert(pb::GetCertifiedExpertRequest {
            certificate_number: "E-7".to_owned(),
            as_of_date: date(2026, 4, 15),
        })
        .await
        .expect("answers")
        .into_inner();
    assert_eq!(
        expired.expert.expect("on record").valid,
        period(date(2022, 1, 1), date(2025, 10, 19))
    );
    app.stop().await;
}
