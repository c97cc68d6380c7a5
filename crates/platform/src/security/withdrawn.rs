//! Staff whose access is withdrawn before their credentials run out: a staff
//! token lives up to 12 hours, so a member of staff who leaves, or whose
//! token leaks, is listed by staff id in the file
//! `HOUSING_STAFF_WITHDRAWN_FILE` (one id per line, `#` comments). The file
//! is [watched](super::watched): a withdrawal takes effect from the next call
//! after the file changes, with no restart.

use std::collections::HashSet;
use std::path::PathBuf;

use super::watched::WatchedFile;

/// The file the withdrawn staff ids are read from.
pub const STAFF_WITHDRAWN_FILE_VARIABLE: &str = "HOUSING_STAFF_WITHDRAWN_FILE";

/// The staff ids whose access is withdrawn, kept in step with their file.
#[derive(Debug)]
pub struct WithdrawnStaff(WatchedFile<HashSet<String>>);

impl WithdrawnStaff {
    /// Reads the list in `path`; an unreadable file is refused at start-up.
    pub fn load(path: impl Into<PathBuf>) -> Result<Self, String> {
        WatchedFile::load(STAFF_WITHDRAWN_FILE_VARIABLE, path, |text| Ok(parse(text))).map(Self)
    }

    /// Whether `staff_id`'s access is withdrawn, by the file as it is now.
    pub fn is_withdrawn(&self, staff_id: &str) -> bool {
        self.0.current().contains(staff_id)
    }
}

fn parse(text: &str) -> HashSet<String> {
    text.lines()
        .map(|line| line.split('#').next().unwrap_or_default().trim())
        .filter(|id| !id.is_empty())
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_id_per_line_with_comments() {
        let directory = tempfile::tempdir().expect("a directory");
        let path = directory.path().join("withdrawn.txt");
        std::fs::write(
            &path,
            "# withdrawn\n\noperator-7   # left on 3 December\n  auditor-2\n",
        )
        .expect("written");
        let withdrawn = WithdrawnStaff::load(&path).expect("loaded");
        assert!(withdrawn.is_withdrawn("operator-7"));
        assert!(withdrawn.is_withdrawn("auditor-2"));
        assert!(!withdrawn.is_withdrawn("operator-8"));
        assert!(!withdrawn.is_withdrawn("# withdrawn"));
    }

    #[test]
    fn a_missing_file_is_refused_at_start_up() {
        assert!(WithdrawnStaff::load("/nowhere/withdrawn.txt").is_err());
    }
}
