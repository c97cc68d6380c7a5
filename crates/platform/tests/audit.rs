//! `housing_platform::audit` over a real trail, on both backends: the
//! auditor records who, which RPC, which persons and which case; a trail that
//! cannot be written refuses the call with UNAVAILABLE / AUDIT_UNAVAILABLE;
//! AuditService lists by every filter and page, verifies the chain and
//! answers auditors only.

use std::path::Path;

use housing_domain::Iin;
use housing_platform::audit::{Access, AuditAction, AuditTrailService, Auditor};
use housing_platform::caller::{Caller, ID_KEY, ROLE_KEY, Role};
use housing_platform::error::{Reason, ServiceError};
use housing_proto::housing::audit::v1 as pb;
use housing_proto::housing::audit::v1::audit_service_server::AuditService;
use housing_storage::Migrations;
use housing_storage::audit::AuditLog;
use housing_storage::sqlx::migrate::Migrator;
use housing_storage::testing::TestDatabase;
use tokio::sync::OnceCell;
use tonic::{Code, Request};

const GET: &str = "/housing.intake.v1.ApplicationIntakeService/GetApplication";
const SUBMIT: &str = "/housing.intake.v1.ApplicationIntakeService/SubmitApplication";
const APPLICANT: &str = "900512490013";
const SPOUSE: &str = "880203390020";

/// The storage crate's test migrations: their audit table is the shared
/// text, which that crate's test pins.
async fn migrations() -> &'static Migrations {
    static MIGRATIONS: OnceCell<Migrations> = OnceCell::const_new();
    MIGRATIONS
        .get_or_init(|| async {
            let load = |backend: &str| {
                let directory = Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("../storage/tests/migrations")
                    .join(backend);
                async move {
                    let migrator = Migrator::new(directory).await.expect("the migrations");
                    &*Box::leak(Box::new(migrator))
                }
            };
            Migrations {
                postgres: load("postgres").await,
                sqlite: load("sqlite").await,
            }
        })
        .await
}

fn iin(text: &str) -> Iin {
    Iin::parse(text).expect("a valid IIN")
}

fn as_auditor<T>(message: T) -> Request<T> {
    as_role(message, "auditor")
}

fn as_role<T>(message: T, role: &str) -> Request<T> {
    let mut request = Request::new(message);
    request
        .metadata_mut()
        .insert(ROLE_KEY, role.parse().expect("ASCII"));
    request
        .metadata_mut()
        .insert(ID_KEY, "auditor-1".parse().expect("ASCII"));
    request
}

async fn list(
    service: &AuditTrailService,
    request: pb::ListAuditRecordsRequest,
) -> pb::ListAuditRecordsResponse {
    service
        .list_audit_records(as_auditor(request))
        .await
        .expect("listed")
        .into_inner()
}

async fn the_auditor_records_who_what_and_whose(test_database: &TestDatabase) {
    let log = AuditLog::new(test_database.database.clone());
    let auditor = Auditor::new(log.clone());
    let citizen = Caller::citizen(iin(SPOUSE));
    auditor
        .record(
            &citizen,
            SUBMIT,
            AuditAction::Change,
            [&iin(SPOUSE), &iin(APPLICANT), &iin(SPOUSE)],
            "applications/1",
        )
        .await
        .expect("recorded");
    let operator = Caller::staff(Role::Operator, "operator-1");
    auditor
        .record_all(
            &operator,
            GET,
            AuditAction::Read,
            [
                Access::new("applications/1", [&iin(APPLICANT)]),
                Access::new("applications/2", [&iin(SPOUSE)]),
            ],
        )
        .await
        .expect("recorded");

    let service = AuditTrailService::new(log);
    let all = list(&service, pb::ListAuditRecordsRequest::default()).await;
    assert_eq!(all.records.len(), 3);
    assert!(all.next_page_token.is_empty());
    let first = &all.records[0];
    assert_eq!(first.sequence, 1);
    assert_eq!(first.rpc, SUBMIT);
    assert_eq!(first.action, i32::from(pb::AuditAction::Change));
    let caller = first.caller.as_ref().expect("a caller");
    assert_eq!(
        (caller.id.as_str(), caller.role),
        (
            "citizen",
            i32::from(housing_proto::housing::common::v1::ActorRole::Citizen)
        )
    );
    assert_eq!(first.caller_iin, SPOUSE);
    // Each person once, in IIN order.
    assert_eq!(first.person_iins, vec![SPOUSE, APPLICANT]);
    assert_eq!(first.case_id, "applications/1");
    assert_eq!(first.previous_hash, "0".repeat(64));
    assert_eq!(all.records[1].previous_hash, first.entry_hash);
    let second = &all.records[1];
    assert_eq!(
        second.caller.as_ref().map(|caller| caller.id.as_str()),
        Some("operator-1")
    );
    assert!(second.caller_iin.is_empty());
    assert!(second.record_time.is_some());

    let by_person = list(
        &service,
        pb::ListAuditRecordsRequest {
            person_iin: APPLICANT.to_owned(),
            ..pb::ListAuditRecordsRequest::default()
        },
    )
    .await;
    let sequences = |response: &pb::ListAuditRecordsResponse| -> Vec<i64> {
        response
            .records
            .iter()
            .map(|record| record.sequence)
            .collect()
    };
    assert_eq!(sequences(&by_person), vec![1, 2]);
    let by_case_and_caller = list(
        &service,
        pb::ListAuditRecordsRequest {
            case_id: "applications/1".to_owned(),
            caller_id: "operator-1".to_owned(),
            ..pb::ListAuditRecordsRequest::default()
        },
    )
    .await;
    assert_eq!(sequences(&by_case_and_caller), vec![2]);
    let after_the_last = list(
        &service,
        pb::ListAuditRecordsRequest {
            start_time: Some(prost_types::Timestamp {
                seconds: chrono::Utc::now().timestamp() + 3_600,
                nanos: 0,
            }),
            ..pb::ListAuditRecordsRequest::default()
        },
    )
    .await;
    assert!(after_the_last.records.is_empty());

    // Pages of two: the token leads to the rest.
    let page = list(
        &service,
        pb::ListAuditRecordsRequest {
            page_size: 2,
            ..pb::ListAuditRecordsRequest::default()
        },
    )
    .await;
    assert_eq!(sequences(&page), vec![1, 2]);
    assert!(!page.next_page_token.is_empty());
    let rest = list(
        &service,
        pb::ListAuditRecordsRequest {
            page_size: 2,
            page_token: page.next_page_token,
            ..pb::ListAuditRecordsRequest::default()
        },
    )
    .await;
    assert_eq!(sequences(&rest), vec![3]);
    assert!(rest.next_page_token.is_empty());

    let verified = service
        .verify_audit_trail(as_auditor(pb::VerifyAuditTrailRequest {}))
        .await
        .expect("verified")
        .into_inner();
    assert_eq!(
        (
            verified.intact,
            verified.records_checked,
            verified.first_broken_sequence
        ),
        (true, 3, 0)
    );
}

async fn only_auditors_read_the_trail(test_database: &TestDatabase) {
    let service = AuditTrailService::new(AuditLog::new(test_database.database.clone()));
    for role in Role::ALL.into_iter().filter(|role| *role != Role::Auditor) {
        let mut list = as_role(pb::ListAuditRecordsRequest::default(), role.as_str());
        let mut verify = as_role(pb::VerifyAuditTrailRequest {}, role.as_str());
        if role == Role::Citizen {
            for request in [list.metadata_mut(), verify.metadata_mut()] {
                request.insert(
                    housing_platform::caller::IIN_KEY,
                    APPLICANT.parse().expect("ASCII"),
                );
            }
        }
        let listed = service.list_audit_records(list).await;
        assert_eq!(
            listed.map(|_| ()).map_err(|status| status.code()),
            Err(Code::PermissionDenied),
            "{role:?}"
        );
        let verified = service.verify_audit_trail(verify).await;
        assert_eq!(
            verified.map(|_| ()).map_err(|status| status.code()),
            Err(Code::PermissionDenied),
            "{role:?}"
        );
    }
    let unidentified = service
        .list_audit_records(Request::new(pb::ListAuditRecordsRequest::default()))
        .await;
    assert_eq!(
        unidentified.map(|_| ()).map_err(|status| status.code()),
        Err(Code::Unauthenticated)
    );
    let invalid = service
        .list_audit_records(as_auditor(pb::ListAuditRecordsRequest {
            person_iin: "9005".to_owned(),
            ..pb::ListAuditRecordsRequest::default()
        }))
        .await;
    assert_eq!(
        invalid.map(|_| ()).map_err(|status| status.code()),
        Err(Code::InvalidArgument)
    );
}

async fn an_access_that_cannot_be_recorded_is_refused(test_database: &TestDatabase) {
    let auditor = Auditor::new(AuditLog::new(test_database.database.clone()));
    test_database.database.close().await;
    let refused = auditor
        .record(
            &Caller::staff(Role::Operator, "operator-1"),
            GET,
            AuditAction::Read,
            [&iin(APPLICANT)],
            "applications/1",
        )
        .await;
    let Err(error) = refused else {
        panic!("recorded on a closed database");
    };
    assert!(
        matches!(
            error,
            ServiceError::Unavailable {
                reason: Reason::AuditUnavailable,
                ..
            }
        ),
        "{error:?}"
    );
    let status = tonic::Status::from(error);
    assert_eq!(status.code(), Code::Unavailable);
    use tonic_types::StatusExt;
    assert_eq!(
        status
            .get_error_details()
            .error_info()
            .map(|info| info.reason.clone()),
        Some("AUDIT_UNAVAILABLE".to_owned())
    );
}

housing_storage::storage_test_suite!(
    migrations().await;
    the_auditor_records_who_what_and_whose,
    only_auditors_read_the_trail,
    an_access_that_cannot_be_recorded_is_refused,
);
