//! Tests of `housing_domain::eligibility`, one module per part of the catalogue.
//!
//! Names follow tests/rule_code_coverage.rs: `<code>_holds_…` when the rule's
//! condition is met (for a ground: the ground is found), `<code>_fails_…` when not.

mod fixture;

mod admission;
mod category;
mod decision;
mod deterioration;
mod eds;
mod emergency;
mod family;
mod grounds;
mod notice;
mod properties;
