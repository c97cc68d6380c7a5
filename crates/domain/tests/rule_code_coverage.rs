//! Every code of the rules catalogue has tests, and the catalogue and the code agree.
//!
//! Convention: a test that exercises a rule code is named after the code in
//! snake case, then `holds` or `fails`, then whatever describes the case, for
//! example `adult_holds_on_the_18th_birthday` and
//! `adult_fails_the_day_before_the_18th_birthday`. "Holds" means the rule's
//! condition is met (for a ground of denial: the ground is found); "fails" means
//! it is not. This test reads the crate's sources and fails when a code lacks
//! either kind of case, so a code added to the catalogue without tests breaks
//! the build.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use housing_domain::RuleCode;

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn rust_sources(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read source directory") {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            rust_sources(&path, found);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            found.push(path);
        }
    }
}

/// Names of every function marked `#[test]` (directly or under `proptest!`) in the crate.
fn test_function_names() -> BTreeSet<String> {
    let mut files = Vec::new();
    for dir in ["src", "tests", "benches"] {
        let path = manifest_dir().join(dir);
        if path.exists() {
            rust_sources(&path, &mut files);
        }
    }
    let mut names = BTreeSet::new();
    for file in files {
        let text = std::fs::read_to_string(&file).expect("read source");
        let mut after_test_attribute = false;
        for line in text.lines().map(str::trim) {
            if line.starts_with("#[test]") || line.starts_with("#[test_case") {
                after_test_attribute = true;
                continue;
            }
            if after_test_attribute {
                if let Some(rest) = line.strip_prefix("fn ") {
                    let name: String = rest
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                        .collect();
                    names.insert(name);
                    after_test_attribute = false;
                } else if !line.starts_with("#[") && !line.starts_with("//") {
                    after_test_attribute = false;
                }
            }
        }
    }
    names
}

/// The codes in the first column of the catalogue's tables.
fn catalogue_codes() -> BTreeSet<String> {
    let text = std::fs::read_to_string(manifest_dir().join("../../docs/spec/rules.md"))
        .expect("docs/spec/rules.md is the catalogue");
    text.lines()
        .filter_map(|line| line.strip_prefix("| `"))
        .filter_map(|rest| rest.split('`').next())
        .filter(|code| {
            code.chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
        })
        .map(str::to_owned)
        .collect()
}

fn snake(code: RuleCode) -> String {
    code.as_str().to_ascii_lowercase()
}

#[test]
fn the_code_enum_matches_the_catalogue() {
    let in_code: BTreeSet<String> = RuleCode::ALL
        .iter()
        .map(|c| c.as_str().to_owned())
        .collect();
    assert_eq!(in_code, catalogue_codes());
}

#[test]
fn the_catalogue_copy_matches_the_shared_spec_when_present() {
    // The repository carries its own copy so that a clone is self-contained;
    // where the shared specification sits beside the clone, they must agree.
    let shared = manifest_dir().join("../../../shared/spec/rules.md");
    if let Ok(shared) = std::fs::read_to_string(shared) {
        let ours = std::fs::read_to_string(manifest_dir().join("../../docs/spec/rules.md"))
            .expect("docs/spec/rules.md");
        assert_eq!(
            ours, shared,
            "docs/spec/rules.md drifted from the shared specification"
        );
    }
}

#[test]
fn every_code_has_a_case_where_it_holds_and_one_where_it_fails() {
    let names = test_function_names();
    let missing: Vec<String> = RuleCode::ALL
        .iter()
        .flat_map(|&code| ["holds", "fails"].map(|kind| format!("{}_{kind}", snake(code))))
        .filter(|prefix| !test_function_names_contain(&names, prefix))
        .collect();
    assert!(missing.is_empty(), "rule codes without tests: {missing:#?}");
}

fn test_function_names_contain(names: &BTreeSet<String>, prefix: &str) -> bool {
    names.iter().any(|name| name.starts_with(prefix))
}
