//! A citizen reads only their own notices; operators and the suite's services
//! read all; pages of lists.

use housing_platform::caller::{Caller, Role};
use housing_proto::housing::notification::v1 as pb;
use housing_storage::audit::{AuditAction, AuditLog, AuditQuery};
use housing_storage::testing::TestDatabase;
use tonic::Code;

use crate::support::*;

housing_storage::storage_test_suite!(
    &notification::storage::MIGRATIONS;
    a_citizen_reads_only_their_own_notices,
    only_senders_send_and_only_staff_read_the_outbox,
    operators_page_through_an_application_newest_first,
);

async fn a_citizen_reads_only_their_own_notices(database: &TestDatabase) {
    let gateway = TestGateway::spawn().await;
    let app = TestApp::spawn(database, &gateway).await;
    let mut sender = app.sender();
    let own = send(&mut sender, withdrawal("cases/60/decisions/1", &iin(60))).await;
    let others = send(&mut sender, withdrawal("cases/61/decisions/1", &iin(61))).await;
    let mut citizen = app.citizen(&iin(60));

    let read = citizen
        .get_notification(pb::GetNotificationRequest {
            name: own.name.clone(),
        })
        .await
        .expect("their own notice")
        .into_inner()
        .notification
        .expect("a notice");
    assert_eq!(read.name, own.name);

    // Someone else's notice is answered exactly like one that does not exist.
    let foreign = citizen
        .get_notification(pb::GetNotificationRequest {
            name: others.name.clone(),
        })
        .await
        .expect_err("not theirs");
    let missing = citizen
        .get_notification(pb::GetNotificationRequest {
            name: "notifications/0123456789abcdef0123456789abcdef".to_owned(),
        })
        .await
        .expect_err("no such notice");
    assert_eq!(foreign.code(), Code::NotFound);
    assert_eq!(missing.code(), Code::NotFound);
    assert_eq!(foreign.message(), missing.message());

    let personal_account = citizen
        .list_notifications(pb::ListNotificationsRequest::default())
        .await
        .expect("their personal account")
        .into_inner();
    let names: Vec<String> = personal_account
        .notifications
        .iter()
        .map(|notice| notice.name.clone())
        .collect();
    assert_eq!(names, std::slice::from_ref(&own.name));

    let someone_elses = citizen
        .list_notifications(pb::ListNotificationsRequest {
            recipient_iin: iin(61),
            ..Default::default()
        })
        .await
        .expect_err("another citizen's personal account");
    assert_eq!(someone_elses.code(), Code::PermissionDenied);

    for role in [Role::Auditor, Role::ComplaintsBody] {
        let refused = app
            .client_as(Caller::staff(role, "someone"))
            .get_notification(pb::GetNotificationRequest {
                name: own.name.clone(),
            })
            .await
            .expect_err("not a reader of notices");
        assert_eq!(refused.code(), Code::PermissionDenied);
    }
    let anonymous = app
        .anonymous()
        .get_notification(pb::GetNotificationRequest {
            name: own.name.clone(),
        })
        .await
        .expect_err("unidentified");
    assert_eq!(anonymous.code(), Code::Unauthenticated);

    // The two notices sent and the citizen's two reads are in the audit
    // trail, with the recipient; the refused calls are not.
    let trail = AuditLog::new(database.database.clone());
    let entries = trail
        .list(&AuditQuery {
            limit: 500,
            ..AuditQuery::default()
        })
        .await
        .expect("the audit trail");
    let seen: Vec<(String, String, AuditAction, Vec<String>, String)> = entries
        .iter()
        .map(|entry| {
            (
                entry.draft.caller_role.clone(),
                entry
                    .draft
                    .rpc
                    .rsplit('/')
                    .next()
                    .unwrap_or_default()
                    .to_owned(),
                entry.draft.action,
                entry.draft.persons.clone(),
                entry.draft.case.clone(),
            )
        })
        .collect();
    let entry = |role: &str, rpc: &str, action, recipient: &str| {
        (
            role.to_owned(),
            rpc.to_owned(),
            action,
            vec![recipient.to_owned()],
            "applications/1001".to_owned(),
        )
    };
    assert_eq!(
        seen,
        vec![
            entry("system", "SendNotification", AuditAction::Change, &iin(60)),
            entry("system", "SendNotification", AuditAction::Change, &iin(61)),
            entry("citizen", "GetNotification", AuditAction::Read, &iin(60)),
            entry("citizen", "ListNotifications", AuditAction::Read, &iin(60)),
        ]
    );
    assert!(
        entries[2..]
            .iter()
            .all(|entry| entry.draft.caller_iin == iin(60))
    );
    let verified = trail.verify().await.expect("verify");
    assert_eq!((verified.entries, verified.intact()), (4, true));
    app.stop().await;
    gateway.stop().await;
}

async fn only_senders_send_and_only_staff_read_the_outbox(database: &TestDatabase) {
    let gateway = TestGateway::spawn().await;
    let app = TestApp::spawn(database, &gateway).await;
    let mut citizen = app.citizen(&iin(62));
    let refused = citizen
        .send_notification(withdrawal("cases/62/decisions/1", &iin(62)))
        .await
        .expect_err("a citizen does not send notices");
    assert_eq!(refused.code(), Code::PermissionDenied);
    let refused = citizen
        .list_outbox_messages(pb::ListOutboxMessagesRequest::default())
        .await
        .expect_err("the outbox holds everyone's contacts");
    assert_eq!(refused.code(), Code::PermissionDenied);

    let operator_send = send(
        &mut app.operator(),
        withdrawal("cases/62/decisions/1", &iin(62)),
    )
    .await;
    assert!(operator_send.name.starts_with("notifications/"));
    let bad_channel = app
        .operator()
        .list_outbox_messages(pb::ListOutboxMessagesRequest {
            channel: pb::Channel::PersonalAccount as i32,
            ..Default::default()
        })
        .await
        .expect_err("the personal account has no outbox");
    assert_eq!(violated_fields(&bad_channel), ["channel"]);
    app.stop().await;
    gateway.stop().await;
}

async fn operators_page_through_an_application_newest_first(database: &TestDatabase) {
    let gateway = TestGateway::spawn().await;
    let app = TestApp::spawn(database, &gateway).await;
    let mut sender = app.sender();
    let mut sent = Vec::new();
    for n in 0..5 {
        let notice = send(
            &mut sender,
            withdrawal(&format!("cases/63/decisions/{n}"), &iin(63)),
        )
        .await;
        sent.push(notice.name);
    }
    send(&mut sender, {
        let mut other = withdrawal("cases/64/decisions/1", &iin(64));
        other.application = "applications/64".to_owned();
        other
    })
    .await;

    let mut operator = app.operator();
    let mut listed = Vec::new();
    let mut page_token = String::new();
    let mut pages = 0;
    loop {
        let page = operator
            .list_notifications(pb::ListNotificationsRequest {
                application: "applications/1001".to_owned(),
                page_size: 2,
                page_token: page_token.clone(),
                ..Default::default()
            })
            .await
            .expect("a page")
            .into_inner();
        pages += 1;
        assert!(page.notifications.len() <= 2);
        listed.extend(page.notifications.into_iter().map(|notice| notice.name));
        if page.next_page_token.is_empty() {
            break;
        }
        page_token = page.next_page_token;
    }
    sent.reverse();
    assert_eq!(listed, sent);
    assert_eq!(pages, 3);

    // A token belongs to the filters it was given out for.
    let first_page = operator
        .list_notifications(pb::ListNotificationsRequest {
            application: "applications/1001".to_owned(),
            page_size: 2,
            ..Default::default()
        })
        .await
        .expect("a page")
        .into_inner();
    let misused = operator
        .list_notifications(pb::ListNotificationsRequest {
            application: "applications/64".to_owned(),
            page_size: 2,
            page_token: first_page.next_page_token,
            ..Default::default()
        })
        .await
        .expect_err("a token of another list");
    assert_eq!(violated_fields(&misused), ["page_token"]);
    let negative = operator
        .list_notifications(pb::ListNotificationsRequest {
            page_size: -1,
            ..Default::default()
        })
        .await
        .expect_err("a negative page size");
    assert_eq!(violated_fields(&negative), ["page_size"]);
    app.stop().await;
    gateway.stop().await;
}
