//! The application, the registry facts and the decision (rules.md §1, §2, §5).
