//! The gRPC adapter: `housing.notification.v1.NotificationService`.
//!
//! Wire types stop here: requests become [`request::SendRequest`] and the
//! service's own types, answers are converted back in [`convert`]. Every
//! read is logged with the caller's role and id and the notices' names —
//! never an IIN, a number or an address.
//!
//! Every call that sends or reads a notice is recorded in the audit trail
//! (`housing_platform::audit`) with the caller, the recipient's IIN and the
//! case (the complaint, or else the application, the notice is about): a
//! notice sent right after it is stored, a read before the data is returned.
//! When the trail cannot be written the call fails with UNAVAILABLE and
//! returns nothing.

mod access;
mod convert;
mod pagination;
pub mod request;

use std::sync::Arc;

use housing_platform::audit::{Access, AuditAction, Auditor};
use housing_platform::caller::Caller;
use housing_platform::error::{Reason, ServiceError, Violation};
use housing_proto::housing::notification::v1 as pb;
use housing_proto::housing::notification::v1::notification_service_server::{
    NotificationService, SERVICE_NAME,
};
use housing_storage::StorageError;
use tokio::sync::Notify;
use tonic::{Request, Response, Status};

use self::access::{ReadScope, read_scope};
use self::request::{APPLICATIONS_COLLECTION, SendRequest, is_resource_name, parse_iin};
use crate::channels;
use crate::clock;
use crate::delivery::RetryPolicy;
use crate::mobile_citizens::MobileCitizenDirectory;
use crate::notice::{Channel, Notice, NotificationId};
use crate::storage::{
    InsertedNotice, NewNotice, NoticeFilter, NotificationStore, OutboxFilter, StoreError,
    StoredNotice,
};
use crate::templates::TemplateCatalogue;

/// What the gRPC service works with.
#[derive(Debug)]
pub struct ApiState {
    /// The service's data.
    pub store: NotificationStore,
    /// The templates, every version.
    pub catalogue: Arc<TemplateCatalogue>,
    /// The mobile citizens database.
    pub directory: MobileCitizenDirectory,
    /// Backoff and ceiling, for a text message that must wait for the gateway.
    pub retry: RetryPolicy,
    /// Wakes the delivery worker when a notice has something to send.
    pub wake_worker: Arc<Notify>,
    /// Records every access to a notice in the audit trail.
    pub auditor: Auditor,
}

/// The gRPC service.
#[derive(Debug, Clone)]
pub struct NotificationApi {
    state: Arc<ApiState>,
}

impl NotificationApi {
    /// The service over `state`.
    pub fn new(state: ApiState) -> Self {
        Self {
            state: Arc::new(state),
        }
    }

    /// Records `accesses` through `method` of this service.
    async fn audit(
        &self,
        caller: &Caller,
        method: &str,
        action: AuditAction,
        accesses: impl IntoIterator<Item = Access>,
    ) -> Result<(), Status> {
        self.state
            .auditor
            .record_all(
                caller,
                &format!("/{SERVICE_NAME}/{method}"),
                action,
                accesses,
            )
            .await
            .map_err(Status::from)
    }

    async fn send(&self, caller: &Caller, send: SendRequest) -> Result<StoredNotice, ServiceError> {
        let state = &self.state;
        // A replay — the common case after a sender's retry — costs one read.
        if let Some(existing) = state
            .store
            .notice_by_request_id(&send.request_id)
            .await
            .map_err(store_error)?
        {
            return replay(caller, existing, &send);
        }

        let id = NotificationId::generate();
        let answer = state
            .directory
            .look_up(&send.recipient, &send.application, caller.id())
            .await;
        let now = clock::now();
        let decision = channels::decide(
            &answer,
            send.form_phone.as_ref(),
            send.email.as_ref(),
            now,
            &state.retry,
        );
        let has_work = decision
            .deliveries
            .iter()
            .any(|delivery| delivery.next_attempt_time.is_some());
        let new = NewNotice {
            id,
            request_id: send.request_id.clone(),
            request_fingerprint: send.fingerprint.clone(),
            recipient: send.recipient,
            application: send.application.clone(),
            complaint: send.complaint.clone(),
            kind: send.kind,
            template: send.template.clone(),
            texts: send.texts.clone(),
            requested_by: caller.id().to_owned(),
            create_time: now,
            deliveries: decision.deliveries,
        };
        match state.store.insert_notice(&new).await.map_err(store_error)? {
            InsertedNotice::Created(stored) => {
                if has_work {
                    state.wake_worker.notify_one();
                }
                let channels: Vec<&str> = stored
                    .notice
                    .deliveries
                    .iter()
                    .map(|delivery| delivery.channel.code())
                    .collect();
                tracing::info!(
                    notification = %stored.notice.id,
                    application = %stored.notice.application,
                    kind = stored.notice.kind.code(),
                    template_version = stored.notice.template.version,
                    channels = channels.join(","),
                    mobile_citizen = answer.label(),
                    form_phone_matches_linked_number = ?decision.form_phone_matches_linked_number,
                    caller_role = caller.role().as_str(),
                    caller_id = caller.id(),
                    "notice created"
                );
                Ok(stored)
            }
            // A concurrent send of the same request won the unique key.
            InsertedNotice::Existing(existing) => replay(caller, existing, &send),
        }
    }
}

/// The answer to a request whose `request_id` is taken: the first notice when
/// the content is the same; ALREADY_EXISTS naming it when it is not, since a
/// different notice under the same key is a sender's mistake to surface.
fn replay(
    caller: &Caller,
    existing: StoredNotice,
    send: &SendRequest,
) -> Result<StoredNotice, ServiceError> {
    if existing.request_fingerprint != send.fingerprint {
        tracing::warn!(
            notification = %existing.notice.id,
            caller_id = caller.id(),
            "a different request reused the request_id of an existing notice"
        );
        return Err(ServiceError::AlreadyExists {
            resource: "notification",
            existing: existing.notice.id.name(),
        });
    }
    tracing::info!(
        notification = %existing.notice.id,
        caller_id = caller.id(),
        "replayed send answered with the existing notice"
    );
    Ok(existing)
}

/// Storage failures as callers see them: a database that cannot be reached
/// is UNAVAILABLE (retry); anything else is INTERNAL, its cause logged once.
fn store_error(error: StoreError) -> ServiceError {
    match error {
        StoreError::Storage(StorageError::Unavailable(_)) => ServiceError::Unavailable {
            reason: Reason::Unavailable,
            message: "the notification database is unavailable".to_owned(),
        },
        other => ServiceError::Internal(anyhow::Error::new(other)),
    }
}

/// The recipient of a notice and its case: the complaint it is about, or else
/// the application.
fn access(notice: &Notice) -> Access {
    let case = if notice.complaint.is_empty() {
        &notice.application
    } else {
        &notice.complaint
    };
    Access::new(case.clone(), [&notice.recipient])
}

#[tonic::async_trait]
impl NotificationService for NotificationApi {
    async fn send_notification(
        &self,
        request: Request<pb::SendNotificationRequest>,
    ) -> Result<Response<pb::SendNotificationResponse>, Status> {
        let caller = Caller::from_metadata(request.metadata())?;
        let send = SendRequest::parse(request.into_inner(), &self.state.catalogue)?;
        let stored = self.send(&caller, send).await?;
        self.audit(
            &caller,
            "SendNotification",
            AuditAction::Change,
            [access(&stored.notice)],
        )
        .await?;
        Ok(Response::new(pb::SendNotificationResponse {
            notification: Some(convert::notification(&stored.notice)),
        }))
    }

    async fn get_notification(
        &self,
        request: Request<pb::GetNotificationRequest>,
    ) -> Result<Response<pb::GetNotificationResponse>, Status> {
        let caller = Caller::from_metadata(request.metadata())?;
        let scope = read_scope(&caller)?;
        let id = NotificationId::parse_name(request.get_ref().name.trim()).ok_or_else(|| {
            ServiceError::invalid_field("name", "must be notifications/{notification}")
        })?;
        let stored = self.state.store.notice(&id).await.map_err(store_error)?;
        // Another citizen's notice is answered like a missing one.
        let Some(stored) = stored.filter(|stored| scope.covers(&stored.notice.recipient)) else {
            tracing::info!(
                caller_role = caller.role().as_str(),
                caller_id = caller.id(),
                notification = %id,
                "notice read refused: missing or not the caller's"
            );
            return Err(ServiceError::NotFound {
                resource: "notification",
            }
            .into());
        };
        tracing::info!(
            caller_role = caller.role().as_str(),
            caller_id = caller.id(),
            notification = %stored.notice.id,
            "notice read"
        );
        self.audit(
            &caller,
            "GetNotification",
            AuditAction::Read,
            [access(&stored.notice)],
        )
        .await?;
        Ok(Response::new(pb::GetNotificationResponse {
            notification: Some(convert::notification(&stored.notice)),
        }))
    }

    async fn list_notifications(
        &self,
        request: Request<pb::ListNotificationsRequest>,
    ) -> Result<Response<pb::ListNotificationsResponse>, Status> {
        let caller = Caller::from_metadata(request.metadata())?;
        let scope = read_scope(&caller)?;
        let request = request.into_inner();
        let mut violations = Vec::new();
        let recipient = if request.recipient_iin.trim().is_empty() {
            None
        } else {
            parse_iin("recipient_iin", &request.recipient_iin, &mut violations)
        };
        let application = request.application.trim();
        if !application.is_empty() && !is_resource_name(application, APPLICATIONS_COLLECTION) {
            violations.push(Violation::new(
                "application",
                "must be applications/{application}",
            ));
        }
        if !violations.is_empty() {
            return Err(ServiceError::invalid(violations).into());
        }
        let recipient = match (&scope, recipient) {
            (ReadScope::Everything, recipient) => recipient,
            (ReadScope::OwnNotices(own), None) => Some(*own),
            (ReadScope::OwnNotices(own), Some(asked)) if asked == *own => Some(asked),
            // Asking for someone else's personal account is refused, not emptied.
            (ReadScope::OwnNotices(_), Some(_)) => {
                tracing::info!(
                    caller_role = caller.role().as_str(),
                    caller_id = caller.id(),
                    "notices list refused: another citizen's personal account"
                );
                return Err(ServiceError::PermissionDenied.into());
            }
        };
        let filter = NoticeFilter {
            recipient,
            application: (!application.is_empty()).then(|| application.to_owned()),
        };
        let filter_key = format!(
            "recipient={};application={}",
            filter.recipient.as_ref().map_or("", |iin| iin.as_str()),
            application
        );
        let page_size = pagination::page_size(request.page_size)?;
        let before = pagination::decode(&request.page_token, "notifications", &filter_key)?;
        let mut page = self
            .state
            .store
            .list_notices(&filter, before, page_size + 1)
            .await
            .map_err(store_error)?;
        let next_page_token = if page.len() > page_size as usize {
            page.truncate(page_size as usize);
            page.last()
                .map(|last| pagination::encode("notifications", last.sequence, &filter_key))
                .unwrap_or_default()
        } else {
            String::new()
        };
        let names: Vec<String> = page.iter().map(|stored| stored.notice.id.name()).collect();
        tracing::info!(
            caller_role = caller.role().as_str(),
            caller_id = caller.id(),
            application = application,
            count = page.len(),
            notifications = names.join(","),
            "notices listed"
        );
        self.audit(
            &caller,
            "ListNotifications",
            AuditAction::Read,
            page.iter()
                .map(|stored| access(&stored.notice))
                .collect::<Vec<_>>(),
        )
        .await?;
        Ok(Response::new(pb::ListNotificationsResponse {
            notifications: page
                .iter()
                .map(|stored| convert::notification(&stored.notice))
                .collect(),
            next_page_token,
        }))
    }

    async fn list_outbox_messages(
        &self,
        request: Request<pb::ListOutboxMessagesRequest>,
    ) -> Result<Response<pb::ListOutboxMessagesResponse>, Status> {
        let caller = Caller::from_metadata(request.metadata())?;
        let request = request.into_inner();
        let mut violations = Vec::new();
        let channel = match convert::channel_from_proto(request.channel) {
            Ok(Some(Channel::PersonalAccount)) => {
                violations.push(Violation::new(
                    "channel",
                    "the outbox holds text messages and e-mails only",
                ));
                None
            }
            Ok(channel) => channel,
            Err(_) => {
                violations.push(Violation::new("channel", "is not a known channel"));
                None
            }
        };
        let notification = request.notification.trim();
        if !notification.is_empty() && NotificationId::parse_name(notification).is_none() {
            violations.push(Violation::new(
                "notification",
                "must be notifications/{notification}",
            ));
        }
        if !violations.is_empty() {
            return Err(ServiceError::invalid(violations).into());
        }
        let filter = OutboxFilter {
            channel,
            notification: (!notification.is_empty()).then(|| notification.to_owned()),
        };
        let filter_key = format!(
            "channel={};notification={notification}",
            channel.map_or("", Channel::code)
        );
        let page_size = pagination::page_size(request.page_size)?;
        let after = pagination::decode(&request.page_token, "outbox", &filter_key)?;
        let mut page = self
            .state
            .store
            .list_outbox_messages(&filter, after, page_size + 1)
            .await
            .map_err(store_error)?;
        let next_page_token = if page.len() > page_size as usize {
            page.truncate(page_size as usize);
            page.last()
                .map(|last| pagination::encode("outbox", last.sequence, &filter_key))
                .unwrap_or_default()
        } else {
            String::new()
        };
        let mut names: Vec<&str> = page
            .iter()
            .map(|stored| stored.message.notification.as_str())
            .collect();
        names.dedup();
        tracing::info!(
            caller_role = caller.role().as_str(),
            caller_id = caller.id(),
            count = page.len(),
            notifications = names.join(","),
            "outbox messages listed"
        );
        // The messages carry the recipients' numbers and addresses: each
        // notice's recipient is recorded.
        let mut accesses = Vec::with_capacity(names.len());
        for name in &names {
            let notice = match NotificationId::parse_name(name) {
                Some(id) => self.state.store.notice(&id).await.map_err(store_error)?,
                None => None,
            };
            if let Some(stored) = notice {
                accesses.push(access(&stored.notice));
            }
        }
        self.audit(&caller, "ListOutboxMessages", AuditAction::Read, accesses)
            .await?;
        Ok(Response::new(pb::ListOutboxMessagesResponse {
            messages: page.iter().map(convert::outbox_message).collect(),
            next_page_token,
        }))
    }

    async fn list_templates(
        &self,
        request: Request<pb::ListTemplatesRequest>,
    ) -> Result<Response<pb::ListTemplatesResponse>, Status> {
        // Not personal data, but every call is still made by someone.
        Caller::from_metadata(request.metadata())?;
        Ok(Response::new(pb::ListTemplatesResponse {
            templates: self
                .state
                .catalogue
                .all()
                .iter()
                .map(convert::template)
                .collect(),
        }))
    }
}
