use std::collections::HashMap;

use super::*;

fn parameters(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    pairs
        .iter()
        .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
        .collect()
}

fn file(name: &str, version: u32, kk_body: &str, ru_body: &str, placeholders: &[&str]) -> String {
    serde_json::json!({
        "name": name,
        "kind": "withdrawal",
        "version": version,
        "placeholders": placeholders,
        "texts": {
            "kk": { "subject": "Тақырып", "body": kk_body },
            "ru": { "subject": "Тема", "body": ru_body },
        }
    })
    .to_string()
}

#[test]
fn every_kind_has_an_embedded_template_in_both_languages() {
    let catalogue = TemplateCatalogue::embedded().expect("the embedded templates are valid");
    for kind in NotificationKind::ALL {
        let template = catalogue
            .current(kind)
            .unwrap_or_else(|| panic!("no template for {kind:?}"));
        assert_eq!(template.name, kind.code());
        let languages: Vec<Language> = template.texts.iter().map(|text| text.language).collect();
        assert_eq!(languages, Language::ALL);
        assert!(!template.placeholders.is_empty());
    }
}

#[test]
fn the_final_denial_lists_the_grounds_and_the_complaint_route() {
    let catalogue = TemplateCatalogue::embedded().expect("valid");
    let template = catalogue
        .current(NotificationKind::FinalDenial)
        .expect("a final denial template");
    assert!(template.placeholders.iter().any(|name| name == "grounds"));
    let texts = template
        .render(&parameters(&[
            ("application_number", "1001"),
            ("decision_date", "05.06.2025"),
            ("grounds.kk", "OWNED_HOUSING_LAST_5_YEARS: тұрғын үй болған"),
            ("grounds.ru", "OWNED_HOUSING_LAST_5_YEARS: было жильё"),
        ]))
        .expect("rendered");
    let kazakh = &texts[0].body;
    let russian = &texts[1].body;
    assert!(kazakh.contains("OWNED_HOUSING_LAST_5_YEARS: тұрғын үй болған"));
    assert!(russian.contains("OWNED_HOUSING_LAST_5_YEARS: было жильё"));
    // The route of §18–§19: the head of the provider, Otbasy Bank, the terms, court afterwards.
    assert!(russian.contains("руководителю услугодателя"));
    assert!(russian.contains("Отбасы банк"));
    assert!(russian.contains("пяти рабочих дней"));
    assert!(russian.contains("пятнадцати рабочих дней"));
    assert!(russian.contains("в досудебном порядке"));
    assert!(kazakh.contains("басшысының атына"));
    assert!(kazakh.contains("Отбасы банк"));
    assert!(kazakh.contains("бес жұмыс күні"));
    assert!(kazakh.contains("он бес жұмыс күні"));
}

#[test]
fn the_complaint_decision_names_the_route_to_court() {
    let catalogue = TemplateCatalogue::embedded().expect("valid");
    let template = catalogue
        .current(NotificationKind::ComplaintDecided)
        .expect("a template");
    for text in &template.texts {
        let names_court = match text.language {
            Language::Kazakh => text.body().contains("сотқа шағымдана аласыз"),
            Language::Russian => text.body().contains("обжаловать это решение в суде"),
        };
        assert!(names_court, "{:?}", text.language);
    }
}

#[test]
fn a_shared_value_fills_both_languages_and_a_specific_one_wins() {
    let catalogue = TemplateCatalogue::embedded().expect("valid");
    let template = catalogue
        .current(NotificationKind::Withdrawal)
        .expect("a template");
    let texts = template
        .render(&parameters(&[
            ("application_number", "77"),
            ("withdrawal_date", "01.07.2025"),
            ("withdrawal_date.kk", "2025 жылғы 1 шілде"),
            ("unused", "ignored"),
        ]))
        .expect("rendered");
    assert!(texts[0].body.contains("№ 77"));
    assert!(texts[0].body.contains("2025 жылғы 1 шілде"));
    assert!(texts[1].body.contains("№ 77"));
    assert!(texts[1].body.contains("01.07.2025"));
    assert!(!texts[1].body.contains("{"));
}

#[test]
fn missing_placeholders_are_all_reported_by_name() {
    let catalogue = TemplateCatalogue::embedded().expect("valid");
    let template = catalogue
        .current(NotificationKind::PreliminaryDecision)
        .expect("a template");
    let violations = template
        .render(&parameters(&[
            ("application_number", "1"),
            ("grounds.kk", "..."),
            ("hearing_date", "10.06.2025"),
            ("hearing_time", "10:00"),
        ]))
        .expect_err("placeholders are missing");
    let fields: Vec<&str> = violations
        .iter()
        .map(|violation| violation.field.as_str())
        .collect();
    assert_eq!(
        fields,
        [
            "parameters[grounds.ru]",
            "parameters[hearing_method]",
            "parameters[position_deadline]"
        ]
    );
}

#[test]
fn braces_in_a_value_are_not_placeholders() {
    let source = file("withdrawal", 1, "{a} және {b}", "{a} и {b}", &["a", "b"]);
    let catalogue =
        TemplateCatalogue::from_sources(&[("withdrawal.v1.json", &source)]).expect("valid");
    let template = catalogue
        .current(NotificationKind::Withdrawal)
        .expect("present");
    let texts = template
        .render(&parameters(&[("a", "{b}"), ("b", "2")]))
        .expect("rendered");
    assert_eq!(texts[0].body, "{b} және 2");
    assert_eq!(texts[1].body, "{b} и 2");
}

#[test]
fn the_highest_version_is_current_and_every_version_is_listed() {
    let first = file("withdrawal", 1, "{a}", "{a}", &["a"]);
    let second = file("withdrawal", 2, "{a} {b}", "{a} {b}", &["a", "b"]);
    let catalogue =
        TemplateCatalogue::from_sources(&[("w.v2.json", &second), ("w.v1.json", &first)])
            .expect("valid");
    assert_eq!(
        catalogue
            .all()
            .iter()
            .map(|template| template.version)
            .collect::<Vec<_>>(),
        [1, 2]
    );
    let current = catalogue
        .current(NotificationKind::Withdrawal)
        .expect("present");
    assert_eq!(current.version, 2);
    assert_eq!(current.placeholders, ["a", "b"]);
}

#[test]
fn malformed_templates_are_refused_at_load() {
    let cases = [
        (
            "undeclared placeholder",
            file("withdrawal", 1, "{a} {c}", "{a}", &["a"]),
        ),
        (
            "declared but unused in one language",
            file("withdrawal", 1, "{a}", "text", &["a"]),
        ),
        ("stray brace", file("withdrawal", 1, "{a", "{a}", &["a"])),
        ("bad name", file("withdrawal", 1, "{A}", "{A}", &["A"])),
        ("version zero", file("withdrawal", 0, "x", "y", &[])),
        (
            "unknown kind",
            file("withdrawal", 1, "x", "y", &[])
                .replace("\"kind\":\"withdrawal\"", "\"kind\":\"eviction\""),
        ),
    ];
    for (what, source) in cases {
        assert!(
            TemplateCatalogue::from_sources(&[("t.json", &source)]).is_err(),
            "{what} was accepted"
        );
    }
    let once = file("withdrawal", 1, "x", "y", &[]);
    assert!(
        TemplateCatalogue::from_sources(&[("a.json", &once), ("b.json", &once)]).is_err(),
        "a duplicate version was accepted"
    );
}

#[test]
fn parameter_names_and_values_are_checked() {
    let long = "x".repeat(MAX_PARAMETER_VALUE_CHARS + 1);
    let violations = parameter_violations(&parameters(&[
        ("grounds", "fine\nwith lines"),
        ("grounds.en", "no such language"),
        ("Bad-Name", "x"),
        ("outcome", &long),
        ("category", "bell\u{7}"),
    ]));
    let fields: Vec<&str> = violations
        .iter()
        .map(|violation| violation.field.as_str())
        .collect();
    assert_eq!(
        fields,
        [
            "parameters[Bad-Name]",
            "parameters[category]",
            "parameters[grounds.en]",
            "parameters[outcome]"
        ]
    );
}
