//! A settings file that takes effect when it changes, with no restart: the
//! staff roster ([`super::staff`]) and the withdrawal list
//! ([`super::withdrawn`]).
//!
//! At start-up the file must be readable and valid, or the service does not
//! start. After that every use looks at the file's modification time (one
//! `stat`) and reads it again when the time changed. A change that cannot be
//! read, or is not valid, is logged once as an error (naming the variable and
//! the problem, never the file's text) and the content read last stays in
//! force, so a half-edited roster never locks staff out or lets anyone in.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::SystemTime;

/// A file's parsed content, kept in step with the file.
pub struct WatchedFile<T> {
    variable: &'static str,
    path: PathBuf,
    parse: fn(&str) -> Result<T, String>,
    state: Mutex<Loaded<T>>,
}

struct Loaded<T> {
    /// The modification time of the last version read, valid or not.
    modified: Option<SystemTime>,
    content: Arc<T>,
}

impl<T> std::fmt::Debug for WatchedFile<T> {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The content may name people: only where it comes from is shown.
        formatter
            .debug_struct("WatchedFile")
            .field("variable", &self.variable)
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl<T> WatchedFile<T> {
    /// Reads and parses `path` (named by the setting `variable`); a file that
    /// cannot be read or parsed is refused, with the problem, never the text.
    pub fn load(
        variable: &'static str,
        path: impl Into<PathBuf>,
        parse: fn(&str) -> Result<T, String>,
    ) -> Result<Self, String> {
        let path = path.into();
        let modified = std::fs::metadata(&path)
            .map_err(|error| format!("cannot read {}: {error}", path.display()))?
            .modified()
            .ok();
        let content = read(&path, parse)?;
        Ok(Self {
            variable,
            path,
            parse,
            state: Mutex::new(Loaded {
                modified,
                content: Arc::new(content),
            }),
        })
    }

    /// The content as the file says now, or as it said last when its latest
    /// version cannot be used.
    pub fn current(&self) -> Arc<T> {
        let modified = std::fs::metadata(&self.path)
            .and_then(|metadata| metadata.modified())
            .ok();
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        if modified.is_some() && modified != state.modified {
            state.modified = modified;
            match read(&self.path, self.parse) {
                Ok(content) => {
                    state.content = Arc::new(content);
                    tracing::info!(
                        variable = self.variable,
                        "a changed settings file was read again and is in force"
                    );
                }
                Err(problem) => tracing::error!(
                    variable = self.variable,
                    %problem,
                    "a changed settings file cannot be used: the version read last stays in force"
                ),
            }
        }
        Arc::clone(&state.content)
    }
}

fn read<T>(path: &std::path::Path, parse: fn(&str) -> Result<T, String>) -> Result<T, String> {
    let bytes =
        std::fs::read(path).map_err(|error| format!("cannot read {}: {error}", path.display()))?;
    let text = std::str::from_utf8(&bytes).map_err(|_| "is not UTF-8 text".to_owned())?;
    parse(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numbers(text: &str) -> Result<Vec<u32>, String> {
        text.split_whitespace()
            .map(|word| word.parse().map_err(|_| "not a number".to_owned()))
            .collect()
    }

    /// Writes `text` and gives the file a modification time `seconds` ahead,
    /// so that the change shows on file systems with coarse clocks too.
    fn rewrite(path: &std::path::Path, text: &str, seconds: u64) {
        std::fs::write(path, text).expect("written");
        std::fs::File::options()
            .write(true)
            .open(path)
            .and_then(|file| {
                file.set_modified(SystemTime::now() + std::time::Duration::from_secs(seconds))
            })
            .expect("touched");
    }

    #[test]
    fn a_change_takes_effect_and_a_bad_or_missing_version_keeps_the_last_good_one() {
        let directory = tempfile::tempdir().expect("a directory");
        let path = directory.path().join("numbers.txt");
        std::fs::write(&path, "1 2").expect("written");
        let watched = WatchedFile::load("NUMBERS", &path, numbers).expect("loaded");
        assert_eq!(*watched.current(), [1, 2]);

        rewrite(&path, "1 2 3", 2);
        assert_eq!(*watched.current(), [1, 2, 3]);

        rewrite(&path, "1 two", 4);
        assert_eq!(
            *watched.current(),
            [1, 2, 3],
            "an invalid version is not used"
        );
        assert_eq!(*watched.current(), [1, 2, 3]);

        rewrite(&path, "4", 6);
        assert_eq!(*watched.current(), [4], "a valid version after it is");

        std::fs::remove_file(&path).expect("removed");
        assert_eq!(*watched.current(), [4], "a missing file keeps the last");
    }

    #[test]
    fn a_missing_or_invalid_file_is_refused_at_start_up() {
        let directory = tempfile::tempdir().expect("a directory");
        let missing = directory.path().join("missing.txt");
        let refused = WatchedFile::load("NUMBERS", &missing, numbers).expect_err("missing");
        assert!(refused.contains("cannot read"), "{refused}");

        let invalid = directory.path().join("invalid.txt");
        std::fs::write(&invalid, "one").expect("written");
        let refused = WatchedFile::load("NUMBERS", &invalid, numbers).expect_err("invalid");
        assert_eq!(refused, "not a number");

        std::fs::write(&invalid, [0xff, 0xfe]).expect("written");
        let refused = WatchedFile::load("NUMBERS", &invalid, numbers).expect_err("not text");
        assert_eq!(refused, "is not UTF-8 text");
    }
}
