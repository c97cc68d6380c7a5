//! `housing-domain`: the Rules for registering citizens of the Republic of
//! Kazakhstan in need of housing, kandases, in the electronic database
//! "Housing Provision Center" (Order No. 130 of 17 April 2025, in force
//! 24 May 2025), written as code.
//!
//! The crate is pure: no I/O, no async, no database, no generated gRPC types.
//! Services turn their wire types into the types here, ask for a decision and
//! store what comes back.
//!
//! * [`iin`] — the individual identification number, parsed with its check digit.
//! * [`codes`] — the stable rule codes every decision cites.
//! * [`calendar`] — the working calendar of Kazakhstan and the legal terms.
//! * [`eligibility`] — the application, the registry facts and the decision.
//! * [`complaint`] — complaint routes and terms (Chapter 3 of the Rules).
//! * [`fuzzing`] — the bodies of the fuzz targets (`fuzz/`), run by stable tests too.

pub mod calendar;
pub mod codes;
pub mod complaint;
pub mod eligibility;
pub mod fuzzing;
pub mod iin;

pub use codes::RuleCode;
pub use iin::Iin;
