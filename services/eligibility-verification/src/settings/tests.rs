use std::time::Duration;

use secrecy::ExposeSecret;

use super::*;

fn parse(variables: &[(&str, &str)]) -> Result<Settings, SettingsError> {
    Settings::from_variables(housing_platform::security::insecure_loopback(
        variables.iter().copied(),
    ))
}

#[test]
fn defaults_give_the_zero_setup_service() {
    let settings = parse(&[]).expect("defaults are valid");
    assert_eq!(settings.listen_address.to_string(), "127.0.0.1:50052");
    assert_eq!(settings.database.url.expose_secret(), DEFAULT_DATABASE_URL);
    assert_eq!(settings.peers.registry_address, "http://127.0.0.1:50053");
    assert_eq!(settings.peers.intake_address, "http://127.0.0.1:50051");
    assert_eq!(
        settings.peers.notification_address,
        "http://127.0.0.1:50054"
    );
    assert_eq!(settings.alert_margin, Duration::from_secs(2 * 60 * 60));
    assert_eq!(
        settings.hearing.method,
        HearingMethod::WrittenPersonalAccount
    );
    assert_eq!(settings.hearing.slot.to_string(), "10:00:00");
    assert!(settings.calendar_files.is_empty());
}

#[test]
fn variables_override_the_defaults() {
    let settings = parse(&[
        ("HOUSING_LISTEN_ADDRESS", "127.0.0.1:0"),
        (
            "HOUSING_ELIGIBILITY_DATABASE_URL",
            "postgres://u:p@db/eligibility",
        ),
        ("HOUSING_ELIGIBILITY_REGISTRY_RETRY_INITIAL_MS", "20"),
        ("HOUSING_ELIGIBILITY_REGISTRY_RETRY_MAX_MS", "50"),
        ("HOUSING_ELIGIBILITY_ALERT_MARGIN_MINUTES", "30"),
        ("HOUSING_ELIGIBILITY_HEARING_METHOD", "video-conference"),
        ("HOUSING_ELIGIBILITY_HEARING_SLOT", "15:30"),
        (
            "HOUSING_CALENDAR_FILES",
            "/etc/calendar/2027.json, /etc/calendar/2028.json",
        ),
    ])
    .expect("valid");
    assert_eq!(settings.listen_address.port(), 0);
    assert_eq!(settings.registry_retry.initial, Duration::from_millis(20));
    assert_eq!(settings.alert_margin, Duration::from_secs(30 * 60));
    assert_eq!(settings.hearing.method, HearingMethod::VideoConference);
    assert_eq!(settings.calendar_files.len(), 2);
}

#[test]
fn a_misspelt_variable_of_the_service_is_refused() {
    let error = parse(&[("HOUSING_ELIGIBILITY_DATABSE_URL", "sqlite::memory:")]).expect_err("typo");
    assert!(matches!(error, SettingsError::Unknown { .. }));
}

#[test]
fn malformed_values_name_their_variable_without_echoing_them() {
    for (variable, value) in [
        ("HOUSING_ELIGIBILITY_DATABASE_URL", "mysql://secret@db"),
        ("HOUSING_ELIGIBILITY_REGISTRY_ADDRESS", "127.0.0.1:50053"),
        ("HOUSING_ELIGIBILITY_REGISTRY_TIMEOUT_MS", "0"),
        ("HOUSING_ELIGIBILITY_EVALUATION_CONCURRENCY", "0"),
        ("HOUSING_ELIGIBILITY_HEARING_METHOD", "telepathy"),
        // Lunch break and after hours are not appointment times.
        ("HOUSING_ELIGIBILITY_HEARING_SLOT", "13:30"),
        ("HOUSING_ELIGIBILITY_HEARING_SLOT", "19:00"),
    ] {
        let error = parse(&[(variable, value)]).expect_err(value);
        let message = error.to_string();
        assert!(message.starts_with(variable), "{message}");
        assert!(!message.contains("secret"), "{message}");
    }
}

#[test]
fn a_backoff_whose_ceiling_is_below_its_start_is_refused() {
    let error = parse(&[
        ("HOUSING_ELIGIBILITY_OUTBOX_RETRY_INITIAL_MS", "5000"),
        ("HOUSING_ELIGIBILITY_OUTBOX_RETRY_MAX_MS", "1000"),
    ])
    .expect_err("ceiling below start");
    assert!(error.to_string().starts_with(OUTBOX_RETRY_MAX_VARIABLE));
}

#[test]
fn the_backoff_doubles_up_to_its_ceiling() {
    let backoff = Backoff {
        initial: Duration::from_secs(5),
        max: Duration::from_secs(60),
    };
    let waits: Vec<u64> = (1..=6)
        .map(|failures| backoff.after_failures(failures).as_secs())
        .collect();
    assert_eq!(waits, [5, 10, 20, 40, 60, 60]);
    assert_eq!(backoff.after_failures(u32::MAX), Duration::from_secs(60));
}
