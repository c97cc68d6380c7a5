use secrecy::ExposeSecret;

use super::*;

fn no_variables() -> Vec<(String, String)> {
    Vec::new()
}

#[test]
fn defaults_give_the_zero_setup_gateway() {
    let settings =
        Settings::from_variables(housing_platform::security::insecure_loopback(no_variables()))
            .expect("defaults parse");
    assert_eq!(
        settings.listen_address,
        crate::DEFAULT_LISTEN_ADDRESS.parse().expect("address")
    );
    assert_eq!(settings.database.url.expose_secret(), DEFAULT_DATABASE_URL);
    assert_eq!(settings.fixtures, vec![FixtureSource::Demo]);
    assert!(settings.client_systems.contains("eligibility-verification"));
    assert!(!settings.client_systems.contains("somebody-else"));
    assert_eq!(settings.register_timeout, Duration::from_secs(5));
    assert_eq!(settings.query_log.max_batch_size, 512);
}

#[test]
fn every_variable_is_read() {
    let settings = Settings::from_variables(housing_platform::security::insecure_loopback([
        (LISTEN_ADDRESS_VARIABLE, "127.0.0.1:0"),
        (DATABASE_URL_VARIABLE, "postgres://u:p@localhost/registry"),
        (DATABASE_MAX_CONNECTIONS_VARIABLE, "4"),
        (FIXTURES_VARIABLE, "demo, /tmp/population.jsonl"),
        (
            CLIENT_SYSTEMS_VARIABLE,
            "eligibility-verification, test-client",
        ),
        (REGISTER_TIMEOUT_VARIABLE, "250"),
        (QUERY_LOG_BATCH_SIZE_VARIABLE, "64"),
    ]))
    .expect("valid settings");
    assert_eq!(settings.listen_address.port(), 0);
    assert_eq!(
        settings.database.url.expose_secret(),
        "postgres://u:p@localhost/registry"
    );
    assert_eq!(settings.database.max_connections, 4);
    assert_eq!(
        settings.fixtures,
        vec![
            FixtureSource::Demo,
            FixtureSource::File(PathBuf::from("/tmp/population.jsonl"))
        ]
    );
    assert_eq!(
        settings.client_systems.names().collect::<Vec<_>>(),
        ["eligibility-verification", "test-client"]
    );
    assert_eq!(settings.register_timeout, Duration::from_millis(250));
    assert_eq!(settings.query_log.max_batch_size, 64);
}

#[test]
fn none_loads_no_fixture() {
    let settings = Settings::from_variables(housing_platform::security::insecure_loopback([(
        FIXTURES_VARIABLE,
        NO_FIXTURES,
    )]))
    .expect("valid settings");
    assert!(settings.fixtures.is_empty());
}

#[test]
fn a_misspelt_registry_variable_is_refused() {
    let error = Settings::from_variables(housing_platform::security::insecure_loopback([(
        "HOUSING_REGISTRY_FIXTURE",
        "demo",
    )]))
    .expect_err("typo refused");
    assert!(matches!(error, SettingsError::Unknown { .. }), "{error}");
}

#[test]
fn other_variables_are_ignored() {
    Settings::from_variables(housing_platform::security::insecure_loopback([
        ("PATH", "/usr/bin"),
        ("HOUSING_LOG_FORMAT", "json"),
    ]))
    .expect("unrelated variables are fine");
}

#[test]
fn malformed_values_name_their_variable_and_hide_the_url() {
    let cases = [
        (LISTEN_ADDRESS_VARIABLE, "localhost"),
        (DATABASE_URL_VARIABLE, "mysql://secret@host/db"),
        (DATABASE_MAX_CONNECTIONS_VARIABLE, "0"),
        (CLIENT_SYSTEMS_VARIABLE, " , "),
        (CLIENT_SYSTEMS_VARIABLE, "two words"),
        (REGISTER_TIMEOUT_VARIABLE, "soon"),
        (QUERY_LOG_BATCH_SIZE_VARIABLE, "100000"),
    ];
    for (variable, value) in cases {
        let error = Settings::from_variables(housing_platform::security::insecure_loopback([(
            variable, value,
        )]))
        .expect_err(value);
        let message = error.to_string();
        assert!(message.starts_with(variable), "{message}");
        assert!(!message.contains("secret"), "{message}");
    }
}
