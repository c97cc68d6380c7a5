//! The audit trail end to end: a demo application goes through intake,
//! eligibility and notification, its filer complains against the denial, and
//! an auditor then finds, on each of the four services that keep personal
//! data, the calls that touched the applicant, with who made them; every
//! trail verifies intact; nobody but an auditor may read or verify a trail.

use std::net::SocketAddr;

use chrono::TimeDelta;
use housing_e2e_tests::demo::{
    application_of, citizen, decided, iin_of, notice_in_the_personal_account, operator,
    signing_key, submit,
};
use housing_e2e_tests::{SuiteOptions, spawn_suite};
use housing_platform::caller::{Caller, Role};
use housing_proto::housing::audit::v1 as audit;
use housing_proto::housing::audit::v1::audit_service_client::AuditServiceClient;
use housing_proto::housing::common::v1 as common;
use housing_proto::housing::complaints::v1 as complaints;
use housing_proto::housing::eligibility::v1 as eligibility;
use prost::Message;
use tonic::Code;
use tonic::transport::{Channel, Endpoint};

/// Calls a service's AuditService as `caller`.
struct Trail {
    client: AuditServiceClient<Channel>,
}

impl Trail {
    async fn at(address: SocketAddr) -> Self {
        let channel = Endpoint::from_shared(format!("http://{address}"))
            .expect("endpoint")
            .connect()
            .await
            .expect("the server answers");
        Self {
            client: AuditServiceClient::new(channel),
        }
    }

    async fn list(
        &mut self,
        caller: &Caller,
        request: audit::ListAuditRecordsRequest,
    ) -> Result<Vec<audit::AuditRecord>, tonic::Status> {
        let mut records = Vec::new();
        let mut page_token = String::new();
        loop {
            let mut call = tonic::Request::new(audit::ListAuditRecordsRequest {
                page_size: 20,
                page_token: page_token.clone(),
                ..request.clone()
            });
            caller.attach(call.metadata_mut());
            let page = self.client.list_audit_records(call).await?.into_inner();
            records.extend(page.records);
            if page.next_page_token.is_empty() {
                return Ok(records);
            }
            page_token = page.next_page_token;
        }
    }

    async fn verify(
        &mut self,
        caller: &Caller,
    ) -> Result<audit::VerifyAuditTrailResponse, tonic::Status> {
        let mut call = tonic::Request::new(audit::VerifyAuditTrailRequest {});
        caller.attach(call.metadata_mut());
        Ok(self.client.verify_audit_trail(call).await?.into_inner())
    }
}

fn auditor() -> Caller {
    Caller::staff(Role::Auditor, "auditor-e2e")
}

fn method(record: &audit::AuditRecord) -> &str {
    record.rpc.rsplit('/').next().unwrap_or_default()
}

fn caller_of(record: &audit::AuditRecord) -> (common::ActorRole, String) {
    let caller = record
        .caller
        .as_ref()
        .expect("every record names its caller");
    (caller.role(), caller.id.clone())
}

/// The record of `rpc` by `role` / `id` about `person`, or a failure that
/// shows what the trail holds.
fn find<'a>(
    records: &'a [audit::AuditRecord],
    rpc: &str,
    action: audit::AuditAction,
    role: common::ActorRole,
    id: &str,
) -> &'a audit::AuditRecord {
    records
        .iter()
        .find(|record| {
            method(record) == rpc
                && record.action() == action
                && caller_of(record) == (role, id.to_owned())
        })
        .unwrap_or_else(|| {
            let seen: Vec<String> = records
                .iter()
                .map(|record| {
                    let (role, id) = caller_of(record);
                    format!("{} {:?} by {role:?} {id}", record.rpc, record.action())
                })
                .collect();
            panic!("no {rpc} {action:?} by {role:?} {id} in {seen:#?}")
        })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_auditor_finds_every_call_that_touched_the_applicant_on_each_service() {
    let suite = spawn_suite(SuiteOptions::default())
        .await
        .expect("the suite starts");
    // D14 is denied; its applicant files for herself and complains.
    let demo = application_of("D14");
    let filer = demo.filer();
    let applicant = iin_of(demo.applicant);
    assert_eq!(filer, applicant, "D14's applicant files herself");
    let submitted = submit(&suite, &demo).await.expect("intake accepts");
    let application = decided(&suite, &filer, &submitted.name).await;
    suite
        .eligibility(citizen(&filer))
        .get_decision(eligibility::GetDecisionRequest {
            name: application.latest_decision.clone(),
        })
        .await
        .expect("the filer reads the decision");
    notice_in_the_personal_account(&suite, &filer, |notice| {
        notice.application == application.name && notice.complaint.is_empty()
    })
    .await;

    let form = complaints::ComplaintForm {
        form_version: "COMPLAINT/2025".to_owned(),
        complainant_iin: filer.clone(),
        application: application.name.clone(),
        decision: application.latest_decision.clone(),
        subject: complaints::ComplaintSubject::Decision as i32,
        route: complaints::ComplaintRoute::ProviderHead as i32,
        staff_member: String::new(),
        text: "The decision is wrong.".to_owned(),
        requested_remedy: String::new(),
        attachments: Vec::new(),
    };
    let key = signing_key(&suite, &filer).await;
    let content = form.encode_to_vec();
    let cms_signature = housing_eds::sign_detached(
        &content,
        &key.certificate_der,
        &key.private_key_pkcs8_der,
        suite.now() - TimeDelta::minutes(1),
    )
    .expect("the test key signs");
    let complaint = suite
        .complaints(citizen(&filer))
        .file_complaint(complaints::FileComplaintRequest {
            request_id: uuid::Uuid::new_v4().to_string(),
            signed_form: Some(common::SignedDocument {
                content,
                cms_signature,
            }),
        })
        .await
        .expect("the complaint is registered")
        .into_inner()
        .complaint
        .expect("a complaint");
    notice_in_the_personal_account(&suite, &filer, |notice| notice.complaint == complaint.name)
        .await;
    // An operator looks the complaint up: a read by staff.
    suite
        .complaints(operator())
        .get_complaint(complaints::GetComplaintRequest {
            name: complaint.name.clone(),
        })
        .await
        .expect("the operator reads the complaint");

    let by_applicant = audit::ListAuditRecordsRequest {
        person_iin: applicant.clone(),
        ..audit::ListAuditRecordsRequest::default()
    };
    use audit::AuditAction::{Change, Read};
    use common::ActorRole::{Citizen, Operator, System};

    // application-intake: the filing, the hand-over's status events and the filer's reads.
    let mut intake = Trail::at(suite.intake_address).await;
    let records = intake
        .list(&auditor(), by_applicant.clone())
        .await
        .expect("the auditor lists intake's trail");
    let filed = find(&records, "SubmitApplication", Change, Citizen, "citizen");
    assert_eq!(filed.caller_iin, filer);
    assert_eq!(filed.case_id, application.name);
    assert!(filed.person_iins.contains(&applicant));
    for (declared, _) in demo.declared {
        assert!(
            filed.person_iins.contains(&iin_of(declared)),
            "the declared family is recorded"
        );
    }
    find(
        &records,
        "RecordApplicationEvent",
        Change,
        System,
        "eligibility-verification",
    );
    find(&records, "GetApplication", Read, Citizen, "citizen");
    // complaints reads the application it files against.
    find(&records, "GetApplication", Read, System, "complaints");
    let by_case = intake
        .list(
            &auditor(),
            audit::ListAuditRecordsRequest {
                case_id: application.name.clone(),
                caller_id: "eligibility-verification".to_owned(),
                ..audit::ListAuditRecordsRequest::default()
            },
        )
        .await
        .expect("the auditor lists by case and caller");
    assert!(!by_case.is_empty());
    assert!(by_case.iter().all(|record| {
        record.case_id == application.name
            && caller_of(record).1 == "eligibility-verification"
            && method(record) == "RecordApplicationEvent"
    }));

    // eligibility-verification: the case opened by intake, the filer's and
    // complaints' reads of the decision.
    let mut eligibility_trail = Trail::at(suite.eligibility_address).await;
    let records = eligibility_trail
        .list(&auditor(), by_applicant.clone())
        .await
        .expect("the auditor lists eligibility's trail");
    let opened = find(&records, "OpenCase", Change, System, "application-intake");
    assert!(opened.case_id.starts_with("cases/"), "{}", opened.case_id);
    find(&records, "GetDecision", Read, Citizen, "citizen");
    find(&records, "GetDecision", Read, System, "complaints");

    // notification: the notices sent and the filer reading them.
    let mut notification = Trail::at(suite.notification_address).await;
    let records = notification
        .list(&auditor(), by_applicant.clone())
        .await
        .expect("the auditor lists notification's trail");
    let sent = find(
        &records,
        "SendNotification",
        Change,
        System,
        "eligibility-verification",
    );
    assert_eq!(sent.case_id, application.name);
    let complaint_notice = find(&records, "SendNotification", Change, System, "complaints");
    assert_eq!(complaint_notice.case_id, complaint.name);
    find(&records, "ListNotifications", Read, Citizen, "citizen");

    // complaints: the filing and the operator's read.
    let mut complaints_trail = Trail::at(suite.complaints_address).await;
    let records = complaints_trail
        .list(&auditor(), by_applicant.clone())
        .await
        .expect("the auditor lists complaints' trail");
    let filed = find(&records, "FileComplaint", Change, Citizen, "citizen");
    assert_eq!(filed.case_id, complaint.name);
    let read = find(&records, "GetComplaint", Read, Operator, "operator-e2e");
    assert!(read.caller_iin.is_empty());

    // Every trail is whole, and none is the auditor's to read but the auditor's.
    for (name, trail) in [
        ("intake", &mut intake),
        ("eligibility", &mut eligibility_trail),
        ("notification", &mut notification),
        ("complaints", &mut complaints_trail),
    ] {
        let verified = trail
            .verify(&auditor())
            .await
            .expect("the auditor verifies");
        assert!(verified.intact, "{name}: {verified:?}");
        assert!(verified.records_checked > 0, "{name}");
        assert_eq!(verified.first_broken_sequence, 0, "{name}");
        for refused in [operator(), citizen(&filer)] {
            let listed = trail
                .list(&refused, by_applicant.clone())
                .await
                .expect_err("only auditors read the trail");
            assert_eq!(listed.code(), Code::PermissionDenied, "{name}");
            let verify = trail
                .verify(&refused)
                .await
                .expect_err("only auditors verify the trail");
            assert_eq!(verify.code(), Code::PermissionDenied, "{name}");
        }
    }
    suite.stop().await.expect("the suite stops cleanly");
}

#[test]
fn every_service_creates_its_audit_trail_with_the_shared_text() {
    let postgres = housing_storage::audit::POSTGRES_MIGRATION;
    let sqlite = housing_storage::audit::SQLITE_MIGRATION;
    let copies = [
        (
            include_str!(
                "../../services/application-intake/migrations/postgres/0003_audit_log.sql"
            ),
            postgres,
        ),
        (
            include_str!("../../services/application-intake/migrations/sqlite/0003_audit_log.sql"),
            sqlite,
        ),
        (
            include_str!(
                "../../services/eligibility-verification/migrations/postgres/0003_audit_log.sql"
            ),
            postgres,
        ),
        (
            include_str!(
                "../../services/eligibility-verification/migrations/sqlite/0003_audit_log.sql"
            ),
            sqlite,
        ),
        (
            include_str!("../../services/notification/migrations/postgres/0002_audit_log.sql"),
            postgres,
        ),
        (
            include_str!("../../services/notification/migrations/sqlite/0002_audit_log.sql"),
            sqlite,
        ),
        (
            include_str!("../../services/complaints/migrations/postgres/0003_audit_log.sql"),
            postgres,
        ),
        (
            include_str!("../../services/complaints/migrations/sqlite/0003_audit_log.sql"),
            sqlite,
        ),
    ];
    for (index, (copy, shared)) in copies.into_iter().enumerate() {
        assert_eq!(
            copy, shared,
            "migration {index} differs from the shared text"
        );
    }
}
