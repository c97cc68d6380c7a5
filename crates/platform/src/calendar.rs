//! The working calendar a service computes terms with: the built-in years
//! plus the configured year files (`HOUSING_CALENDAR_FILES`, docs/calendar.md).

use std::path::PathBuf;

use anyhow::Context;
use housing_domain::calendar::{CalendarYear, WorkingCalendar};

/// The built-in years plus the configured files; a file for a built-in year
/// replaces it (a new Government transfer is announced that way).
pub async fn load(files: &[PathBuf]) -> anyhow::Result<WorkingCalendar> {
    let mut calendar = WorkingCalendar::builtin();
    for path in files {
        let text = tokio::fs::read_to_string(path)
            .await
            .with_context(|| format!("cannot read the calendar file {}", path.display()))?;
        let year = CalendarYear::from_json(&text)
            .with_context(|| format!("{} is not a calendar year file", path.display()))?;
        tracing::info!(year = year.year(), file = %path.display(), "calendar year loaded");
        calendar = calendar.replace_year(year);
    }
    Ok(calendar)
}
