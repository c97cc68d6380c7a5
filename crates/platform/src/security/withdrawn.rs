//! Staff whose access is withdrawn before their credentials run out: a staff
//! token lives up to 12 hours and a roster is read at start-up, so a member of
//! staff who leaves, or whose token leaks, is listed by staff id in the file
//! `HOUSING_STAFF_WITHDRAWN_FILE` (one id per line, `#` comments). Every
//! staff authentication looks at the file's modification time (one `stat`)
//! and reads it again when it changed, so a withdrawal takes effect from the
//! next call, with no restart. If the file cannot be read after a change, the
//! list read last stays in force and the problem is logged as an error.

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::{Mutex, PoisonError};
use std::time::SystemTime;

/// The file the withdrawn staff ids are read from.
pub const STAFF_WITHDRAWN_FILE_VARIABLE: &str = "HOUSING_STAFF_WITHDRAWN_FILE";

/// The staff ids whose access is withdrawn, kept in step with their file.
#[derive(Debug)]
pub struct WithdrawnStaff {
    path: PathBuf,
    state: Mutex<Loaded>,
}

#[derive(Debug, Default)]
struct Loaded {
    modified: Option<SystemTime>,
    ids: HashSet<String>,
}

impl WithdrawnStaff {
    /// Reads the list in `path`; an unreadable file is refused at start-up.
    pub fn load(path: impl Into<PathBuf>) -> std::io::Result<Self> {
        let path = path.into();
        let modified = std::fs::metadata(&path)?.modified().ok();
        let ids = parse(&std::fs::read_to_string(&path)?);
        Ok(Self {
            path,
            state: Mutex::new(Loaded { modified, ids }),
        })
    }

    /// Whether `staff_id`'s access is withdrawn, by the file as it is now.
    pub fn is_withdrawn(&self, staff_id: &str) -> bool {
        let modified = std::fs::metadata(&self.path)
            .and_then(|metadata| metadata.modified())
            .ok();
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        if modified.is_some() && modified != state.modified {
            match std::fs::read_to_string(&self.path) {
                Ok(text) => {
                    state.ids = parse(&text);
                    state.modified = modified;
                    tracing::info!(
                        withdrawn = state.ids.len(),
                        "the list of staff whose access is withdrawn was read again"
                    );
                }
                Err(error) => tracing::error!(
                    variable = STAFF_WITHDRAWN_FILE_VARIABLE,
                    %error,
                    "the list of withdrawn staff cannot be read again: the last one read stays in force"
                ),
            }
        }
        state.ids.contains(staff_id)
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
    fn a_withdrawal_takes_effect_once_the_file_changes_and_an_unreadable_file_keeps_the_last_list()
    {
        let directory = tempfile::tempdir().expect("a directory");
        let path = directory.path().join("withdrawn.txt");
        std::fs::write(&path, "# none yet\n").expect("written");
        let withdrawn = WithdrawnStaff::load(&path).expect("loaded");
        assert!(!withdrawn.is_withdrawn("operator-7"));

        std::fs::write(&path, "operator-7   # left on 3 December\nauditor-2\n").expect("written");
        // Coarse file-system clocks: make the change visible as a new time.
        let later = SystemTime::now() + std::time::Duration::from_secs(2);
        std::fs::File::options()
            .write(true)
            .open(&path)
            .and_then(|file| file.set_modified(later))
            .expect("touched");
        assert!(withdrawn.is_withdrawn("operator-7"));
        assert!(withdrawn.is_withdrawn("auditor-2"));
        assert!(!withdrawn.is_withdrawn("operator-8"));

        std::fs::remove_file(&path).expect("removed");
        assert!(withdrawn.is_withdrawn("operator-7"), "the last list stays");
    }

    #[test]
    fn a_missing_file_is_refused_at_start_up() {
        assert!(WithdrawnStaff::load("/nowhere/withdrawn.txt").is_err());
    }
}
