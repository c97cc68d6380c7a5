//! The personal account at intake: an application, a list of them, an
//! application's history. Every read is checked against the caller; the gRPC
//! adapter records it in the audit trail before it answers.

use housing_domain::Iin;
use housing_platform::caller::{Caller, Role};
use housing_platform::error::ServiceError;
use housing_proto::housing::intake::v1::{ListApplicationEventsRequest, ListApplicationsRequest};

use super::{Intake, may_read, not_found};
use crate::model::{ApplicationId, StoredApplication, StoredEvent};
use crate::storage::{ListFilter, PageAfter};
use crate::wire;

/// Page size when none is asked for (AIP-158).
pub const DEFAULT_PAGE_SIZE: i64 = 50;
/// Largest page.
pub const MAX_PAGE_SIZE: i64 = 500;

/// A page of applications and the token of the next.
#[derive(Debug)]
pub struct ApplicationPage {
    /// Newest submission first.
    pub applications: Vec<StoredApplication>,
    /// Empty on the last page.
    pub next_page_token: String,
}

/// A page of events and the token of the next.
#[derive(Debug)]
pub struct EventPage {
    /// The application whose history it is.
    pub application: StoredApplication,
    /// Oldest first.
    pub events: Vec<StoredEvent>,
    /// Empty on the last page.
    pub next_page_token: String,
}

impl Intake {
    /// One application, if the caller may see it.
    pub async fn get_application(
        &self,
        caller: &Caller,
        name: &str,
    ) -> Result<StoredApplication, ServiceError> {
        self.readable_application(caller, name, "name").await
    }

    /// A citizen's own applications (as applicant or representative), or for
    /// staff any applications by filter; newest first.
    pub async fn list_applications(
        &self,
        caller: &Caller,
        request: &ListApplicationsRequest,
    ) -> Result<ApplicationPage, ServiceError> {
        let applicant = match request.applicant_iin.as_str() {
            "" => None,
            text => Some(Iin::parse(text).map_err(|error| {
                ServiceError::invalid_field("applicant_iin", error.to_string())
            })?),
        };
        let state = match request.state {
            0 => None,
            value => Some(wire::application_state(value).ok_or_else(|| {
                ServiceError::invalid_field("state", "is not a state of the contract")
            })?),
        };
        let page_size = page_size(request.page_size, "page_size")?;
        let after = match request.page_token.as_str() {
            "" => None,
            token => Some(decode_application_token(token)?),
        };
        let filter = ListFilter {
            // A citizen sees only what concerns them, whatever the filter says:
            // asking for someone else's IIN lists what they filed for that person.
            concerning: match caller.role() {
                Role::Citizen => caller.iin().copied(),
                _ => None,
            },
            applicant,
            state,
        };
        // One more than the page tells whether another page follows.
        let mut applications = self
            .store
            .list(&filter, after.as_ref(), page_size + 1)
            .await?;
        let next_page_token = if applications.len() > page_usize(page_size) {
            applications.truncate(page_usize(page_size));
            applications
                .last()
                .map(encode_application_token)
                .unwrap_or_default()
        } else {
            String::new()
        };
        Ok(ApplicationPage {
            applications,
            next_page_token,
        })
    }

    /// An application's history, oldest first, if the caller may see the application.
    pub async fn list_events(
        &self,
        caller: &Caller,
        request: &ListApplicationEventsRequest,
    ) -> Result<EventPage, ServiceError> {
        let page_size = page_size(request.page_size, "page_size")?;
        let after_sequence = match request.page_token.as_str() {
            "" => 0,
            token => decode_event_token(token)?,
        };
        let application = self
            .readable_application(caller, &request.parent, "parent")
            .await?;
        let mut events = self
            .store
            .list_events(&application.id, after_sequence, page_size + 1)
            .await?;
        let next_page_token = if events.len() > page_usize(page_size) {
            events.truncate(page_usize(page_size));
            events
                .last()
                .map(|last| hex::encode(last.sequence.to_string()))
                .unwrap_or_default()
        } else {
            String::new()
        };
        Ok(EventPage {
            application,
            events,
            next_page_token,
        })
    }

    /// The application `name` names, when it exists and the caller may see it.
    pub(super) async fn readable_application(
        &self,
        caller: &Caller,
        name: &str,
        field: &str,
    ) -> Result<StoredApplication, ServiceError> {
        let id = ApplicationId::from_name(name).ok_or_else(|| {
            ServiceError::invalid_field(field, "must be applications/{application}")
        })?;
        match self.store.get(&id).await? {
            Some(application) if may_read(caller, &application) => Ok(application),
            _ => Err(not_found()),
        }
    }
}

fn page_size(requested: i32, field: &str) -> Result<i64, ServiceError> {
    match i64::from(requested) {
        0 => Ok(DEFAULT_PAGE_SIZE),
        size if size < 0 => Err(ServiceError::invalid_field(field, "must not be negative")),
        size => Ok(size.min(MAX_PAGE_SIZE)),
    }
}

fn page_usize(page_size: i64) -> usize {
    usize::try_from(page_size).unwrap_or(0)
}

/// Page tokens are opaque to callers (AIP-158): the position after which the
/// next page starts, hex-encoded.
fn encode_application_token(last: &StoredApplication) -> String {
    hex::encode(format!(
        "{}:{}",
        last.submit_time.timestamp_micros(),
        last.id.as_str()
    ))
}

fn decode_application_token(token: &str) -> Result<PageAfter, ServiceError> {
    let invalid = || ServiceError::invalid_field("page_token", "is not a token this service gave");
    let text = hex::decode(token)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .ok_or_else(invalid)?;
    let (micros, id) = text.split_once(':').ok_or_else(invalid)?;
    let id = ApplicationId::from_stored(id).ok_or_else(invalid)?;
    Ok(PageAfter {
        submit_time_micros: micros.parse().map_err(|_| invalid())?,
        id: id.as_str().to_owned(),
    })
}

fn decode_event_token(token: &str) -> Result<i64, ServiceError> {
    hex::decode(token)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .and_then(|text| text.parse().ok())
        .ok_or_else(|| {
            ServiceError::invalid_field("page_token", "is not a token this service gave")
        })
}
