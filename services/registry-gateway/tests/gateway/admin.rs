//! The administrative service: a person's whole record put, replaced, read,
//! listed and deleted; experts likewise.

use housing_domain::Iin;
use housing_proto::housing::registry::v1 as pb;
use housing_storage::testing::TestDatabase;
use tonic::Code;

use crate::support::*;

housing_storage::storage_test_suite!(
    &registry_gateway::storage::MIGRATIONS;
    a_person_is_put_replaced_read_and_deleted,
    an_invalid_record_is_refused_field_by_field,
    persons_are_listed_page_by_page_in_iin_order,
    experts_are_put_and_deleted,
);

async fn a_person_is_put_replaced_read_and_deleted(database: &TestDatabase) {
    let app = TestApp::spawn(database).await;
    let mut admin = app.admin();
    let mut person = full_person(10);
    if let Some(identity) = &mut person.identity {
        // The identity's IIN may be left out: it is the person's.
        identity.iin.clear();
    }
    let stored = admin
        .put_person(pb::PutPersonRequest {
            person: Some(person.clone()),
        })
        .await
        .expect("put")
        .into_inner()
        .person
        .expect("the record as stored");
    assert_eq!(
        stored
            .identity
            .as_ref()
            .map(|identity| identity.iin.as_str()),
        Some(iin(10).as_str())
    );
    let read = admin
        .get_person(pb::GetPersonRequest { iin: iin(10) })
        .await
        .expect("read")
        .into_inner()
        .person
        .expect("the record");
    assert_eq!(read, stored);

    // Replaced as a whole: registers left out of the new record are gone.
    let replacement = identity_only(10, date(1985, 6, 10));
    admin
        .put_person(pb::PutPersonRequest {
            person: Some(replacement.clone()),
        })
        .await
        .expect("replaced");
    let read = admin
        .get_person(pb::GetPersonRequest { iin: iin(10) })
        .await
        .expect("read")
        .into_inner()
        .person;
    assert_eq!(read, Some(replacement));
    let real_estate = app
        .gateway()
        .get_real_estate_record(pb::GetRealEstateRecordRequest {
            iin: iin(10),
            as_of_date: date(2026, 4, 15),
        })
        .await
        .expect("answers")
        .into_inner();
    assert!(!real_estate.found);

    admin
        .delete_person(pb::DeletePersonRequest { iin: iin(10) })
        .await
        .expect("deleted");
    let status = admin
        .get_person(pb::GetPersonRequest { iin: iin(10) })
        .await
        .expect_err("gone");
    assert_eq!(status.code(), Code::NotFound);
    let status = admin
        .delete_person(pb::DeletePersonRequest { iin: iin(10) })
        .await
        .expect_err("already gone");
    assert_eq!(status.code(), Code::NotFound);
    let identity = app
        .gateway()
        .get_identity(pb::GetIdentityRequest {
            iin: iin(10),
            as_of_date: date(2026, 4, 15),
        })
        .await
        .expect("answers")
        .into_inner();
    assert!(!identity.found);
    app.stop().await;
}

async fn an_invalid_record_is_refused_field_by_field(database: &TestDatabase) {
    let app = TestApp::spawn(database).await;
    let mut admin = app.admin();
    let status = admin
        .put_person(pb::PutPersonRequest { person: None })
        .await
        .expect_err("refused");
    assert_eq!(violated_fields(&status), ["person"]);

    let mut person = full_person(10);
    person.iin = "900101300125".to_owned();
    if let Some(civil_status) = &mut person.civil_status {
        civil_status.marriages[0].spouse_iin = "1".to_owned();
    }
    if let Some(mobile) = &mut person.mobile_citizen {
        mobile.phone = "87015550000".to_owned();
    }
    let status = admin
        .put_person(pb::PutPersonRequest {
            person: Some(person),
        })
        .await
        .expect_err("refused");
    assert_eq!(status.code(), Code::InvalidArgument);
    assert_eq!(
        violated_fields(&status),
        [
            "person.iin",
            "person.identity.iin",
            "person.civil_status.marriages[0].spouse_iin",
            "person.mobile_citizen.phone"
        ]
    );
    let status = admin
        .get_person(pb::GetPersonRequest {
            iin: "123".to_owned(),
        })
        .await
        .expect_err("refused");
    assert_eq!(violated_fields(&status), ["iin"]);
    app.stop().await;
}

async fn persons_are_listed_page_by_page_in_iin_order(database: &TestDatabase) {
    let app = TestApp::spawn(database).await;
    put_persons(
        &app,
        (0..25).map(|n| identity_only(100 + n * 7, date(1990, 1, 1))),
    )
    .await;
    let mut admin = app.admin();
    let mut listed = Vec::new();
    let mut page_token = String::new();
    loop {
        let page = admin
            .list_persons(pb::ListPersonsRequest {
                page_size: 10,
                page_token,
            })
            .await
            .expect("a page")
            .into_inner();
        assert_eq!(page.total_size, 25);
        assert!(page.iins.len() <= 10);
        // Page tokens are opaque: no IIN in them.
        assert!(
            page.iins
                .iter()
                .all(|iin| !page.next_page_token.contains(iin.as_str()))
        );
        listed.extend(page.iins);
        if page.next_page_token.is_empty() {
            break;
        }
        page_token = page.next_page_token;
    }
    let mut expected: Vec<String> = (0..25).map(|n| iin(100 + n * 7)).collect();
    expected.sort();
    assert_eq!(listed, expected);
    assert!(listed.iter().all(|iin| Iin::parse(iin).is_ok()));

    let status = admin
        .list_persons(pb::ListPersonsRequest {
            page_size: -1,
            page_token: "zz".to_owned(),
        })
        .await
        .expect_err("refused");
    assert_eq!(status.code(), Code::InvalidArgument);
    app.stop().await;
}

async fn experts_are_put_and_deleted(database: &TestDatabase) {
    let app = TestApp::spawn(database).await;
    let mut admin = app.admin();
    admin
        .put_certified_expert(pb::PutCertifiedExpertRequest {
            expert: Some(expert("E-1", date(2020, 1, 1), None)),
        })
        .await
        .expect("put");
    // Replaced: the certificate was cut short.
    admin
        .put_certified_expert(pb::PutCertifiedExpertRequest {
            expert: Some(expert("E-1", date(2020, 1, 1), date(2024, 1, 1))),
        })
        .await
        .expect("replaced");
    let answer = app
        .gateway()
        .get_certified_expert(pb::GetCertifiedExpertRequest {
            certificate_number: "E-1".to_owned(),
            as_of_date: date(2026, 4, 15),
        })
        .await
        .expect("answers")
        .into_inner();
    assert_eq!(
        answer.expert.expect("found").valid,
        period(date(2020, 1, 1), date(2024, 1, 1))
    );

    let status = admin
        .put_certified_expert(pb::PutCertifiedExpertRequest {
            expert: Some(expert("has space", date(2024, 1, 1), date(2023, 1, 1))),
        })
        .await
        .expect_err("refused");
    assert_eq!(
        violated_fields(&status),
        ["expert.certificate_number", "expert.valid.end_date"]
    );

    admin
        .delete_certified_expert(pb::DeleteCertifiedExpertRequest {
            certificate_number: "E-1".to_owned(),
        })
        .await
        .expect("deleted");
    let status = admin
        .delete_certified_expert(pb::DeleteCertifiedExpertRequest {
            certificate_number: "E-1".to_owned(),
        })
        .await
        .expect_err("gone");
    assert_eq!(status.code(), Code::NotFound);
    app.stop().await;
}
