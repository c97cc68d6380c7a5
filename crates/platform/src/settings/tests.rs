use secrecy::ExposeSecret;

use super::*;

const SETTING: &str = "HOUSING_TEST_SETTING";

fn variables(pairs: &[(&str, &str)]) -> Variables {
    pairs.iter().copied().collect()
}

#[test]
fn an_unknown_variable_of_the_prefix_is_refused_and_others_are_ignored() {
    let typo = variables(&[("HOUSING_TEST_SETTNG", "1"), ("PATH", "/usr/bin")]);
    let error = typo
        .refuse_unknown("a-service", "HOUSING_TEST_", &[SETTING])
        .expect_err("typo refused");
    assert_eq!(
        error.to_string(),
        "HOUSING_TEST_SETTNG is not a setting of a-service"
    );
    variables(&[(SETTING, "1"), ("PATH", "/usr/bin")])
        .refuse_unknown("a-service", "HOUSING_TEST_", &[SETTING])
        .expect("known and unrelated variables are fine");
}

#[test]
fn values_are_trimmed_and_unset_ones_take_the_default() {
    assert_eq!(
        variables(&[(SETTING, " 250 ")])
            .milliseconds_or(SETTING, Duration::from_secs(1))
            .expect("trimmed"),
        Duration::from_millis(250)
    );
    assert_eq!(
        variables(&[])
            .positive_or(SETTING, 16_u32)
            .expect("the default"),
        16
    );
}

#[test]
fn a_blank_value_is_an_error_unless_blank_means_unset() {
    assert!(
        variables(&[(SETTING, " ")])
            .positive_or(SETTING, 16_u32)
            .is_err()
    );
    let blank_is_unset = variables(&[(SETTING, " ")]).with_blank_as_unset();
    assert_eq!(blank_is_unset.get(SETTING), None);
    assert_eq!(
        blank_is_unset
            .positive_or(SETTING, 16_u32)
            .expect("default"),
        16
    );
    assert_eq!(
        variables(&[(SETTING, " x ")])
            .with_blank_as_unset()
            .get(SETTING),
        Some("x")
    );
}

#[test]
fn parsers_refuse_what_the_services_refuse() {
    assert_eq!(milliseconds("0"), Err("must be at least 1 ms".to_owned()));
    assert!(milliseconds("soon").is_err());
    assert_eq!(positive::<u32>("0"), Err("must be at least 1".to_owned()));
    assert_eq!(
        between::<usize>("5000", 1, 4096),
        Err("must be between 1 and 4096".to_owned())
    );
    assert_eq!(between::<usize>("4096", 1, 4096), Ok(4096));
    assert!(database_url("mysql://secret@db").is_err_and(|problem| !problem.contains("secret")));
    assert_eq!(
        database_url("sqlite::memory:")
            .expect("sqlite")
            .expose_secret(),
        "sqlite::memory:"
    );
    assert_eq!(
        peer_address("127.0.0.1:50053"),
        Err("must start with http:// or https://".to_owned())
    );
    assert_eq!(peer_address("http://"), Err("names no host".to_owned()));
    assert_eq!(
        peer_address("http://127.0.0.1:50053").as_deref(),
        Ok("http://127.0.0.1:50053")
    );
}

#[test]
fn a_malformed_value_names_its_variable() {
    let error = variables(&[(SETTING, "localhost")])
        .socket_address_or(SETTING, "127.0.0.1:0")
        .expect_err("no port");
    assert!(
        matches!(
            error,
            SettingsError::Invalid {
                variable: SETTING,
                ..
            }
        ),
        "{error}"
    );
    assert!(error.to_string().starts_with(SETTING));
}

#[test]
fn a_list_of_paths_skips_blank_entries() {
    assert_eq!(
        variables(&[(SETTING, "a/2027.json, ,b/2028.json")]).paths(SETTING),
        [PathBuf::from("a/2027.json"), PathBuf::from("b/2028.json")]
    );
    assert!(variables(&[]).paths(SETTING).is_empty());
}

#[test]
fn a_database_is_its_trimmed_url_and_its_pool_size() {
    const POOL: &str = "HOUSING_TEST_POOL";
    let database = variables(&[(SETTING, " postgres://db/housing ")])
        .database_or(SETTING, "sqlite::memory:", POOL)
        .expect("a trimmed URL");
    assert_eq!(database.url.expose_secret(), "postgres://db/housing");
    assert_eq!(database.max_connections, DEFAULT_MAX_CONNECTIONS);

    let database = variables(&[(POOL, "4")])
        .database_or(SETTING, "sqlite::memory:", POOL)
        .expect("the default URL");
    assert_eq!(database.url.expose_secret(), "sqlite::memory:");
    assert_eq!(database.max_connections, 4);

    let error = variables(&[(POOL, "0")])
        .database_or(SETTING, "sqlite::memory:", POOL)
        .expect_err("an empty pool");
    assert!(error.to_string().starts_with(POOL));
}

#[test]
fn a_database_url_may_come_from_a_file_and_never_shows_in_errors() {
    const URL: &str = "HOUSING_TEST_DATABASE_URL";
    const URL_FILE: &str = "HOUSING_TEST_DATABASE_URL_FILE";
    const POOL: &str = "HOUSING_TEST_POOL";
    let directory = tempfile::tempdir().expect("a directory");
    let secret = directory.path().join("database-url");
    std::fs::write(&secret, "postgres://housing:s3cret@db/housing\n").expect("written");
    let path = secret.display().to_string();

    let from_file = variables(&[(URL_FILE, &path)]);
    from_file
        .refuse_unknown("a-service", "HOUSING_TEST_", &[URL, POOL])
        .expect("the _FILE form of a database URL is a known setting");
    let database = from_file
        .database_or(URL, "sqlite::memory:", POOL)
        .expect("the URL from the file");
    assert_eq!(
        database.url.expose_secret(),
        "postgres://housing:s3cret@db/housing"
    );

    let both = variables(&[(URL, "sqlite::memory:"), (URL_FILE, &path)]);
    assert!(both.database_or(URL, "sqlite::memory:", POOL).is_err());

    std::fs::write(&secret, "mysql://housing:s3cret@db/housing").expect("written");
    let error = from_file
        .database_or(URL, "sqlite::memory:", POOL)
        .expect_err("not a backend of the suite")
        .to_string();
    assert!(error.starts_with(URL), "{error}");
    assert!(!error.contains("s3cret"), "{error}");

    let missing = variables(&[(URL_FILE, "/nowhere/database-url")]);
    assert!(missing.database_or(URL, "sqlite::memory:", POOL).is_err());

    // Only database URLs take the _FILE form: another one is still a typo.
    assert!(
        variables(&[("HOUSING_TEST_POOL_FILE", "/x")])
            .refuse_unknown("a-service", "HOUSING_TEST_", &[URL, POOL])
            .is_err()
    );
}
