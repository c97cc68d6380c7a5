//! The working calendar of Kazakhstan and the legal terms (rules.md §3, §4).
