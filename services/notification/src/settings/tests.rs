use std::time::Duration;

use secrecy::ExposeSecret;

use super::*;

fn parse(pairs: &[(&str, &str)]) -> Result<Settings, SettingsError> {
    Settings::from_variables(housing_platform::security::insecure_loopback(
        pairs.iter().copied(),
    ))
}

#[test]
fn defaults_give_the_zero_setup_service() {
    let settings = parse(&[]).expect("defaults are valid");
    assert_eq!(settings.listen_address.to_string(), "127.0.0.1:50054");
    assert_eq!(settings.database.url.expose_secret(), DEFAULT_DATABASE_URL);
    assert_eq!(settings.registry.address, "http://127.0.0.1:50053");
    assert_eq!(settings.delivery.retry.max_attempts, 15);
    assert_eq!(
        settings.delivery.retry.initial_backoff,
        Duration::from_secs(30)
    );
    assert_eq!(settings.delivery.sending_timeout, Duration::from_secs(300));
}

#[test]
fn variables_override_the_defaults_and_unrelated_ones_are_ignored() {
    let settings = parse(&[
        ("HOUSING_LISTEN_ADDRESS", "127.0.0.1:0"),
        (
            "HOUSING_NOTIFICATION_DATABASE_URL",
            "postgres://u:p@127.0.0.1/notification",
        ),
        (
            "HOUSING_NOTIFICATION_REGISTRY_ADDRESS",
            "http://10.0.0.5:7000",
        ),
        ("HOUSING_NOTIFICATION_RETRY_MAX_ATTEMPTS", "3"),
        ("HOUSING_NOTIFICATION_RETRY_INITIAL_BACKOFF_MS", "50"),
        ("HOUSING_NOTIFICATION_RETRY_MAX_BACKOFF_MS", "200"),
        ("HOUSING_REGISTRY_FIXTURES", "none"),
        ("PATH", "/usr/bin"),
    ])
    .expect("valid");
    assert_eq!(settings.listen_address.port(), 0);
    assert_eq!(settings.registry.address, "http://10.0.0.5:7000");
    assert_eq!(settings.delivery.retry.max_attempts, 3);
    assert_eq!(
        settings.delivery.retry.max_backoff,
        Duration::from_millis(200)
    );
}

#[test]
fn malformed_values_name_their_variable() {
    let cases = [
        ("HOUSING_LISTEN_ADDRESS", "localhost"),
        ("HOUSING_NOTIFICATION_DATABASE_URL", "mysql://x"),
        ("HOUSING_NOTIFICATION_DATABASE_MAX_CONNECTIONS", "0"),
        ("HOUSING_NOTIFICATION_REGISTRY_ADDRESS", "127.0.0.1:50053"),
        ("HOUSING_NOTIFICATION_RETRY_MAX_ATTEMPTS", "0"),
        ("HOUSING_NOTIFICATION_WORKER_POLL_INTERVAL_MS", "soon"),
        ("HOUSING_NOTIFICATION_WORKER_CONCURRENCY", "0"),
        ("HOUSING_NOTIFICATION_SHUTDOWN_GRACE_MS", "0"),
    ];
    for (variable, value) in cases {
        match parse(&[(variable, value)]) {
            Err(SettingsError::Invalid {
                variable: named, ..
            }) => assert_eq!(named, variable),
            other => panic!("{variable}={value} gave {other:?}"),
        }
    }
}

#[test]
fn a_sending_timeout_a_live_attempt_could_outlast_is_refused() {
    let refused = parse(&[
        ("HOUSING_NOTIFICATION_REGISTRY_TIMEOUT_MS", "1000"),
        ("HOUSING_NOTIFICATION_PROVIDER_TIMEOUT_MS", "1000"),
        ("HOUSING_NOTIFICATION_SENDING_TIMEOUT_MS", "2000"),
    ]);
    assert!(matches!(
        refused,
        Err(SettingsError::Invalid {
            variable: SENDING_TIMEOUT_VARIABLE,
            ..
        })
    ));
    let backoff_inverted = parse(&[
        ("HOUSING_NOTIFICATION_RETRY_INITIAL_BACKOFF_MS", "500"),
        ("HOUSING_NOTIFICATION_RETRY_MAX_BACKOFF_MS", "100"),
    ]);
    assert!(matches!(
        backoff_inverted,
        Err(SettingsError::Invalid {
            variable: RETRY_MAX_BACKOFF_VARIABLE,
            ..
        })
    ));
}

#[test]
fn an_unknown_variable_of_the_prefix_is_a_probable_typo() {
    let typo = parse(&[("HOUSING_NOTIFICATION_RETRY_MAX_ATTEMPT", "3")]);
    assert!(matches!(typo, Err(SettingsError::Unknown { .. })));
}
