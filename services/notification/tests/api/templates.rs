//! Templates per kind, in Kazakh and Russian, versioned, with placeholders.

use housing_proto::housing::notification::v1 as pb;
use housing_storage::testing::TestDatabase;

use crate::support::*;

housing_storage::storage_test_suite!(
    &notification::storage::MIGRATIONS;
    every_kind_has_a_template_listed_in_both_languages,
    a_final_denial_lists_every_ground_and_the_complaint_route,
    a_preliminary_decision_gives_the_hearing_in_both_languages,
    a_complaint_decision_names_the_route_to_court,
);

async fn every_kind_has_a_template_listed_in_both_languages(database: &TestDatabase) {
    let gateway = TestGateway::spawn().await;
    let app = TestApp::spawn(database, &gateway).await;
    // Templates are not personal data: a citizen may read them too.
    let templates = app
        .citizen(&iin(20))
        .list_templates(pb::ListTemplatesRequest {})
        .await
        .expect("listed")
        .into_inner()
        .templates;
    for kind in 1..=7 {
        let template = templates
            .iter()
            .find(|template| template.kind == kind)
            .unwrap_or_else(|| panic!("no template for kind {kind}"));
        assert!(template.name.starts_with("templates/"));
        assert!(template.version >= 1);
        assert!(!template.placeholders.is_empty());
        let languages: Vec<i32> = template.texts.iter().map(|text| text.language).collect();
        assert_eq!(
            languages,
            [pb::Language::Kk as i32, pb::Language::Ru as i32]
        );
        for placeholder in &template.placeholders {
            let marker = format!("{{{placeholder}}}");
            assert!(
                template
                    .texts
                    .iter()
                    .all(|text| text.subject.contains(&marker) || text.body.contains(&marker))
            );
        }
    }
    let unauthenticated = app
        .anonymous()
        .list_templates(pb::ListTemplatesRequest {})
        .await
        .expect_err("an unidentified caller");
    assert_eq!(unauthenticated.code(), tonic::Code::Unauthenticated);
    app.stop().await;
    gateway.stop().await;
}

async fn a_final_denial_lists_every_ground_and_the_complaint_route(database: &TestDatabase) {
    let gateway = TestGateway::spawn().await;
    let app = TestApp::spawn(database, &gateway).await;
    let request = pb::SendNotificationRequest {
        request_id: "cases/21/decisions/2".to_owned(),
        recipient_iin: iin(21),
        application: "applications/21".to_owned(),
        kind: pb::NotificationKind::FinalDenial as i32,
        parameters: parameters(&[
            ("application_number", "21"),
            ("decision_date", "12.06.2025"),
            (
                "grounds.kk",
                "1. OWNED_HOUSING_LAST_5_YEARS — соңғы 5 жылда тұрғын үй болған (15.2-тармақ)\n2. HAS_STATE_OR_LEASED_HOUSING — мемлекеттік тұрғын үй пайдаланады (15.5-тармақ)",
            ),
            (
                "grounds.ru",
                "1. OWNED_HOUSING_LAST_5_YEARS — владел жильём в последние 5 лет (пп. 2 п. 15)\n2. HAS_STATE_OR_LEASED_HOUSING — пользуется жильём из государственного фонда (пп. 5 п. 15)",
            ),
        ]),
        ..Default::default()
    };
    let notice = send(&mut app.sender(), request).await;
    assert_eq!(notice.template, "templates/final_denial");
    assert_eq!(notice.template_version, 1);
    assert_eq!(notice.kind, pb::NotificationKind::FinalDenial as i32);

    let kazakh = text(&notice, pb::Language::Kk);
    let russian = text(&notice, pb::Language::Ru);
    for ground in ["OWNED_HOUSING_LAST_5_YEARS", "HAS_STATE_OR_LEASED_HOUSING"] {
        assert!(kazakh.body.contains(ground) && russian.body.contains(ground));
    }
    assert!(kazakh.body.contains("мемлекеттік тұрғын үй пайдаланады"));
    assert!(
        russian
            .body
            .contains("пользуется жильём из государственного фонда")
    );
    // The complaint route: the head of the provider, Otbasy Bank, the terms, court.
    assert!(russian.body.contains("руководителю услугодателя"));
    assert!(russian.body.contains("Отбасы банк"));
    assert!(russian.body.contains("пяти рабочих дней"));
    assert!(russian.body.contains("в досудебном порядке"));
    assert!(kazakh.body.contains("басшысының атына"));
    assert!(kazakh.body.contains("бес жұмыс күні"));
    assert!(!kazakh.body.contains('{') && !russian.body.contains('{'));
    app.stop().await;
    gateway.stop().await;
}

async fn a_preliminary_decision_gives_the_hearing_in_both_languages(database: &TestDatabase) {
    let gateway = TestGateway::spawn().await;
    let app = TestApp::spawn(database, &gateway).await;
    let request = pb::SendNotificationRequest {
        request_id: "cases/22/decisions/1".to_owned(),
        recipient_iin: iin(22),
        application: "applications/22".to_owned(),
        kind: pb::NotificationKind::PreliminaryDecision as i32,
        parameters: parameters(&[
            ("application_number", "22"),
            ("grounds", "OWNED_HOUSING_LAST_5_YEARS"),
            ("hearing_date", "16.06.2025"),
            ("hearing_time", "10:30"),
            ("hearing_method.kk", "бейнебайланыс арқылы"),
            ("hearing_method.ru", "по видеосвязи"),
            ("position_deadline", "16.06.2025 10:30"),
        ]),
        ..Default::default()
    };
    let notice = send(&mut app.sender(), request).await;
    let kazakh = text(&notice, pb::Language::Kk);
    let russian = text(&notice, pb::Language::Ru);
    assert!(kazakh.body.contains("Тыңдау күні: 16.06.2025."));
    assert!(kazakh.body.contains("Тыңдау уақыты: 10:30."));
    assert!(kazakh.body.contains("бейнебайланыс арқылы"));
    assert!(russian.body.contains("Дата заслушивания: 16.06.2025."));
    assert!(russian.body.contains("по видеосвязи"));
    assert!(!russian.body.contains("бейнебайланыс"));
    assert!(kazakh.body.contains("OWNED_HOUSING_LAST_5_YEARS"));
    assert_eq!(notice.template, "templates/preliminary_decision");
    app.stop().await;
    gateway.stop().await;
}

async fn a_complaint_decision_names_the_route_to_court(database: &TestDatabase) {
    let gateway = TestGateway::spawn().await;
    let app = TestApp::spawn(database, &gateway).await;
    let request = pb::SendNotificationRequest {
        request_id: "complaints/5/decision".to_owned(),
        recipient_iin: iin(23),
        application: "applications/23".to_owned(),
        complaint: "complaints/5".to_owned(),
        kind: pb::NotificationKind::ComplaintDecided as i32,
        parameters: parameters(&[
            ("complaint_number", "5"),
            ("decision_date", "20.06.2025"),
            ("outcome.kk", "шағым қанағаттандырылмады"),
            ("outcome.ru", "жалоба оставлена без удовлетворения"),
        ]),
        ..Default::default()
    };
    let notice = send(&mut app.sender(), request).await;
    assert_eq!(notice.complaint, "complaints/5");
    assert!(
        text(&notice, pb::Language::Ru)
            .body
            .contains("вы можете обжаловать это решение в суде")
    );
    assert!(
        text(&notice, pb::Language::Kk)
            .body
            .contains("сотқа шағымдана аласыз")
    );
    app.stop().await;
    gateway.stop().await;
}
