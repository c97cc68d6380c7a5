use std::path::PathBuf;
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
    let settings = parse(&[]).expect("defaults parse");
    assert_eq!(settings.listen_address.to_string(), "127.0.0.1:50051");
    assert_eq!(settings.database.url.expose_secret(), DEFAULT_DATABASE_URL);
    assert_eq!(
        settings.peers.eligibility_address,
        DEFAULT_ELIGIBILITY_ADDRESS
    );
    assert_eq!(
        settings.peers.certification_centre_address,
        DEFAULT_CERTIFICATION_CENTRE_ADDRESS
    );
    assert_eq!(
        settings.trust_root,
        TrustRootSource::CertificationCentre {
            wait: Duration::from_secs(30)
        }
    );
    assert_eq!(settings.limits.max_form_bytes, 3 * 1024 * 1024);
    assert_eq!(settings.limits.max_attachment_bytes, 2 * 1024 * 1024);
    assert_eq!(settings.outbox.batch_size, 64);
    assert!(settings.calendar_files.is_empty());
}

#[test]
fn every_variable_is_read() {
    let settings = parse(&[
        ("HOUSING_LISTEN_ADDRESS", "127.0.0.1:0"),
        ("HOUSING_INTAKE_DATABASE_URL", "postgres://u:p@db/intake"),
        ("HOUSING_INTAKE_DATABASE_MAX_CONNECTIONS", "4"),
        ("HOUSING_INTAKE_ELIGIBILITY_ADDRESS", "http://10.0.0.2:9000"),
        (
            "HOUSING_INTAKE_CERTIFICATION_CENTRE_ADDRESS",
            "http://10.0.0.3:9000",
        ),
        ("HOUSING_INTAKE_TRUST_ROOT_FILE", "/etc/housing/root.der"),
        ("HOUSING_INTAKE_PEER_TIMEOUT_MS", "700"),
        ("HOUSING_INTAKE_MAX_FORM_BYTES", "1000"),
        ("HOUSING_INTAKE_MAX_ATTACHMENT_BYTES", "500"),
        ("HOUSING_INTAKE_OUTBOX_POLL_INTERVAL_MS", "50"),
        ("HOUSING_INTAKE_OUTBOX_BATCH_SIZE", "8"),
        ("HOUSING_INTAKE_OUTBOX_INITIAL_BACKOFF_MS", "10"),
        ("HOUSING_INTAKE_OUTBOX_MAX_BACKOFF_MS", "100"),
        ("HOUSING_CALENDAR_FILES", "a/2027.json, b/2028.json"),
    ])
    .expect("settings parse");
    assert_eq!(settings.listen_address.port(), 0);
    assert_eq!(settings.database.max_connections, 4);
    assert_eq!(settings.peers.call_timeout, Duration::from_millis(700));
    assert_eq!(
        settings.trust_root,
        TrustRootSource::File(PathBuf::from("/etc/housing/root.der"))
    );
    assert_eq!(
        settings.limits,
        SizeLimits {
            max_form_bytes: 1000,
            max_attachment_bytes: 500
        }
    );
    assert_eq!(
        settings.outbox,
        OutboxSettings {
            poll_interval: Duration::from_millis(50),
            batch_size: 8,
            initial_backoff: Duration::from_millis(10),
            max_backoff: Duration::from_millis(100),
        }
    );
    assert_eq!(
        settings.calendar_files,
        vec![PathBuf::from("a/2027.json"), PathBuf::from("b/2028.json")]
    );
}

#[test]
fn a_misspelt_intake_variable_is_refused() {
    let error = parse(&[("HOUSING_INTAKE_DATABSE_URL", "sqlite::memory:")]).expect_err("typo");
    assert!(matches!(error, SettingsError::Unknown { .. }), "{error}");
}

#[test]
fn malformed_values_name_their_variable() {
    for (variable, value) in [
        ("HOUSING_INTAKE_DATABASE_URL", "mysql://db"),
        ("HOUSING_INTAKE_ELIGIBILITY_ADDRESS", "127.0.0.1:50052"),
        ("HOUSING_INTAKE_PEER_TIMEOUT_MS", "0"),
        ("HOUSING_INTAKE_OUTBOX_BATCH_SIZE", "5000"),
        ("HOUSING_INTAKE_MAX_FORM_BYTES", "many"),
    ] {
        let error = parse(&[(variable, value)]).expect_err(variable);
        assert!(error.to_string().starts_with(variable), "{error}");
    }
}

#[test]
fn an_attachment_limit_above_the_form_limit_is_refused() {
    let error = parse(&[
        ("HOUSING_INTAKE_MAX_FORM_BYTES", "100"),
        ("HOUSING_INTAKE_MAX_ATTACHMENT_BYTES", "200"),
    ])
    .expect_err("attachment above form");
    assert!(
        error.to_string().starts_with(MAX_ATTACHMENT_BYTES_VARIABLE),
        "{error}"
    );
}

#[test]
fn a_backoff_ceiling_below_the_first_delay_is_refused() {
    let error = parse(&[
        ("HOUSING_INTAKE_OUTBOX_INITIAL_BACKOFF_MS", "500"),
        ("HOUSING_INTAKE_OUTBOX_MAX_BACKOFF_MS", "100"),
    ])
    .expect_err("ceiling below first delay");
    assert!(
        error.to_string().starts_with(OUTBOX_MAX_BACKOFF_VARIABLE),
        "{error}"
    );
}
