//! `housing-suite`: the whole suite on one machine. The binary runs every
//! service (`start-dev`) and files demo applications against it
//! (`demo-submit`); [`demo`] holds the demo dataset's applications, which
//! the end-to-end tests file too.

pub mod demo;
