//! The provider's staff roster: who may act as a member of staff with their
//! own EDS authentication key instead of a token, and in which role.
//!
//! A certificate of the national certification centre proves a person (their
//! IIN), never a role in this suite. The roster is the provider's word on the
//! roles: a file (`HOUSING_STAFF_ROSTER_FILE`, a mounted secret,
//! [watched](super::watched) so that a change takes effect from the next call
//! with no restart) with one member of staff per line,
//!
//! ```text
//! # role        staff id      IIN
//! operator      operator-7    900101300017
//! auditor       auditor-2     880512400023
//! ```
//!
//! where the role is one of `operator`, `provider-head`, `complaints-body` or
//! `auditor` (the roles a token may carry) and the staff id is what the audit
//! trail records as the caller. A member of staff then sends
//! `authorization: EDS-Staff <base64 CMS>`: a detached signature of
//! [`EDS_STAFF_AUTHENTICATION_STATEMENT`], checked as a citizen's EDS
//! authentication is (the NCA root, an authentication key, fresh, not
//! revoked), whose signer must be on the roster. Signing a distinct statement
//! keeps the two capacities apart: a citizen's authentication signature never
//! makes them staff, and a staff member's never makes them the citizen.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use housing_domain::Iin;

use super::watched::WatchedFile;

use crate::caller::{Caller, Role};
use crate::tokens::TOKEN_ROLES;

/// The file the roster is read from.
pub const STAFF_ROSTER_FILE_VARIABLE: &str = "HOUSING_STAFF_ROSTER_FILE";

/// What a member of staff signs with their authentication key to act as staff.
pub const EDS_STAFF_AUTHENTICATION_STATEMENT: &[u8] =
    b"Housing Provision Center: I act as a member of the provider's staff with my EDS authentication key";

/// The longest staff id (as a token's `sub`).
const MAX_STAFF_ID_BYTES: usize = 128;

/// Who may act as staff with their EDS, by IIN.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct StaffRoster {
    members: HashMap<Iin, (Role, String)>,
}

impl std::fmt::Debug for StaffRoster {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The roster names people by IIN: only its size is shown.
        formatter
            .debug_struct("StaffRoster")
            .field("members", &self.members.len())
            .finish()
    }
}

/// Why a roster is refused: the line and the problem, never the line's text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {problem}")]
pub struct RosterError {
    /// The line, counted from 1.
    pub line: usize,
    /// What is wrong with it.
    pub problem: &'static str,
}

impl StaffRoster {
    /// Reads a roster in the format above.
    pub fn parse(text: &str) -> Result<Self, RosterError> {
        let mut members = HashMap::new();
        let mut ids = HashSet::new();
        for (index, line) in text.lines().enumerate() {
            let refuse = |problem| RosterError {
                line: index + 1,
                problem,
            };
            let content = line.split('#').next().unwrap_or_default().trim();
            if content.is_empty() {
                continue;
            }
            let fields: Vec<&str> = content.split_whitespace().collect();
            let [role, id, iin] = fields[..] else {
                return Err(refuse("expected three fields: role, staff id, IIN"));
            };
            let role = Role::parse(role)
                .filter(|role| TOKEN_ROLES.contains(role))
                .ok_or_else(|| {
                    refuse("the role is not operator, provider-head, complaints-body or auditor")
                })?;
            if id.len() > MAX_STAFF_ID_BYTES {
                return Err(refuse("the staff id is longer than 128 bytes"));
            }
            let iin = Iin::parse(iin).map_err(|_| refuse("the IIN is not a valid IIN"))?;
            if !ids.insert(id.to_owned()) {
                return Err(refuse("the staff id is on the roster already"));
            }
            if members.insert(iin, (role, id.to_owned())).is_some() {
                return Err(refuse("the IIN is on the roster already"));
            }
        }
        Ok(Self { members })
    }

    /// The roster in `path`, kept in step with the file; a file that cannot
    /// be read, or a roster that is not valid, is refused at start-up.
    pub fn watch(path: impl Into<PathBuf>) -> Result<WatchedFile<Self>, String> {
        WatchedFile::load(STAFF_ROSTER_FILE_VARIABLE, path, |text| {
            Self::parse(text).map_err(|error| format!("the roster {error}"))
        })
    }

    /// The member of staff `iin` acts as, if they are on the roster.
    pub fn member(&self, iin: &Iin) -> Option<Caller> {
        self.members
            .get(iin)
            .map(|(role, id)| Caller::staff(*role, id.clone()))
    }

    /// How many are on the roster.
    pub fn len(&self) -> usize {
        self.members.len()
    }

    /// Whether no one is.
    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OPERATOR_IIN: &str = "900101300017";

    #[test]
    fn members_are_found_by_iin_in_their_role() {
        let roster = StaffRoster::parse(&format!(
            "# the provider's staff\n\noperator operator-7 {OPERATOR_IIN}  # front office\n"
        ))
        .expect("a roster");
        assert_eq!(roster.len(), 1);
        assert_eq!(
            roster.member(&Iin::parse(OPERATOR_IIN).expect("iin")),
            Some(Caller::staff(Role::Operator, "operator-7"))
        );
        assert_eq!(
            roster.member(&Iin::parse("900101300126").expect("iin")),
            None
        );
    }

    #[test]
    fn a_malformed_line_is_refused_by_number_without_its_text() {
        for (text, problem) in [
            ("operator operator-7", "three fields"),
            (
                &format!("citizen someone {OPERATOR_IIN}") as &str,
                "the role",
            ),
            (&format!("system gateway {OPERATOR_IIN}"), "the role"),
            ("operator operator-7 900101300018", "not a valid IIN"),
            (
                &format!("operator a {OPERATOR_IIN}\nauditor b {OPERATOR_IIN}"),
                "IIN is on the roster",
            ),
            (
                "operator a 900101300017\nauditor a 900101300126",
                "staff id is on the roster",
            ),
        ] {
            let error = StaffRoster::parse(text).expect_err(text);
            let shown = error.to_string();
            assert!(shown.contains(problem), "{shown}");
            assert!(!shown.contains("9001013"), "the IIN is shown: {shown}");
        }
    }

    #[test]
    fn the_development_roster_has_one_member_per_staff_role() {
        let roster =
            StaffRoster::parse(crate::dev_pki::DEVELOPMENT_STAFF_ROSTER).expect("a roster");
        let roles: HashSet<Role> = roster.members.values().map(|(role, _)| *role).collect();
        assert_eq!(roles, TOKEN_ROLES.into_iter().collect::<HashSet<_>>());
        assert_eq!(roster.len(), TOKEN_ROLES.len());
    }

    #[test]
    fn the_debug_form_names_no_one() {
        let roster =
            StaffRoster::parse(&format!("auditor auditor-1 {OPERATOR_IIN}")).expect("a roster");
        let shown = format!("{roster:?}");
        assert!(!shown.contains(OPERATOR_IIN), "{shown}");
        assert!(!shown.contains("auditor-1"), "{shown}");
    }
}
