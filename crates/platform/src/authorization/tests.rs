use std::collections::HashSet;

use super::*;
use crate::caller::{ID_KEY, IIN_KEY};

fn metadata(pairs: &[(&'static str, &str)]) -> MetadataMap {
    let mut metadata = MetadataMap::new();
    for (key, value) in pairs {
        metadata.insert(*key, value.parse().expect("ASCII value"));
    }
    metadata
}

fn as_role(role: Role) -> MetadataMap {
    match role {
        Role::Citizen => metadata(&[(ROLE_KEY, "citizen"), (IIN_KEY, "900101300126")]),
        other => metadata(&[(ROLE_KEY, other.as_str()), (ID_KEY, "someone")]),
    }
}

const SUBMIT: &str = "/housing.intake.v1.ApplicationIntakeService/SubmitApplication";
const RECORD: &str = "/housing.intake.v1.ApplicationIntakeService/RecordApplicationEvent";

#[test]
fn every_method_is_named_once_and_well_formed() {
    let mut seen = HashSet::new();
    for entry in TABLE {
        assert!(seen.insert(entry.method), "{} twice", entry.method);
        let parts: Vec<&str> = entry.method.split('/').collect();
        assert!(
            parts.len() == 3 && parts[0].is_empty() && parts[1].contains('.'),
            "{} is not /package.Service/Method",
            entry.method
        );
        if let Access::Roles(roles) = entry.access {
            assert!(!roles.is_empty(), "{} allows nobody", entry.method);
        }
    }
}

#[test]
fn a_listed_role_passes_and_any_other_is_denied() {
    for role in ALL_ROLES {
        let result = authorize(RECORD, &as_role(role));
        if role == Role::System {
            assert!(result.is_ok(), "{role:?}");
        } else {
            assert!(
                matches!(result, Err(ServiceError::PermissionDenied)),
                "{role:?}: {result:?}"
            );
        }
    }
    assert!(authorize(SUBMIT, &as_role(Role::Citizen)).is_ok());
    assert!(matches!(
        authorize(SUBMIT, &as_role(Role::Auditor)),
        Err(ServiceError::PermissionDenied)
    ));
}

#[test]
fn only_auditors_read_and_verify_the_audit_trail() {
    for method in [
        "/housing.audit.v1.AuditService/ListAuditRecords",
        "/housing.audit.v1.AuditService/VerifyAuditTrail",
    ] {
        for role in ALL_ROLES {
            let result = authorize(method, &as_role(role));
            if role == Role::Auditor {
                assert!(result.is_ok(), "{method} {role:?}: {result:?}");
            } else {
                assert!(
                    matches!(result, Err(ServiceError::PermissionDenied)),
                    "{method} {role:?}: {result:?}"
                );
            }
        }
        assert!(matches!(
            authorize(method, &MetadataMap::new()),
            Err(ServiceError::Unauthenticated { .. })
        ));
    }
}

#[test]
fn an_unidentified_caller_is_unauthenticated_where_a_role_is_required() {
    for unidentified in [
        MetadataMap::new(),
        metadata(&[(ROLE_KEY, "minister"), (ID_KEY, "someone")]),
        metadata(&[(ROLE_KEY, "operator")]),
        metadata(&[(ROLE_KEY, "citizen")]),
    ] {
        assert!(matches!(
            authorize(SUBMIT, &unidentified),
            Err(ServiceError::Unauthenticated { .. })
        ));
    }
    assert!(matches!(
        authorize(
            SUBMIT,
            &metadata(&[(ROLE_KEY, "citizen"), (IIN_KEY, "900101300125")])
        ),
        Err(ServiceError::InvalidArgument { .. })
    ));
}

#[test]
fn open_and_client_system_methods_pass_without_identity() {
    for method in [
        "/grpc.health.v1.Health/Check",
        "/housing.eligibility.v1.EligibilityService/ListPublishedRegisterEntries",
        "/housing.registry.v1.RegistryGatewayService/QueryRegisters",
    ] {
        assert!(authorize(method, &MetadataMap::new()).is_ok(), "{method}");
    }
}

#[test]
fn a_method_missing_from_the_table_is_denied_to_everyone() {
    for method in [
        "/housing.intake.v1.ApplicationIntakeService/DeleteEverything",
        "/no.such.Service/Method",
        "/",
        "",
    ] {
        assert_eq!(access(method), None);
        for role in ALL_ROLES {
            assert!(matches!(
                authorize(method, &as_role(role)),
                Err(ServiceError::PermissionDenied)
            ));
        }
        assert!(matches!(
            authorize(method, &MetadataMap::new()),
            Err(ServiceError::PermissionDenied)
        ));
    }
}

#[test]
fn docs_security_shows_the_table() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/security.md");
    let document = std::fs::read_to_string(path).expect("docs/security.md");
    let start = "<!-- authorization matrix: begin -->\n";
    let end = "<!-- authorization matrix: end -->";
    let begin = document.find(start).expect("the matrix's begin marker") + start.len();
    let finish = document[begin..]
        .find(end)
        .expect("the matrix's end marker")
        + begin;
    let shown = &document[begin..finish];
    let expected = matrix_markdown();
    assert!(
        shown == expected,
        "docs/security.md does not show the authorization table; replace its matrix with:\n{expected}"
    );
}

mod layer {
    use std::convert::Infallible;
    use std::task::{Context, Poll};

    use tonic::Code;
    use tonic_types::StatusExt;
    use tower_layer::Layer;
    use tower_service::Service;

    use super::*;

    /// Answers 200 with "reached" to anything: whether the call got through.
    #[derive(Debug, Clone)]
    struct Reached;

    impl Service<http::Request<()>> for Reached {
        type Response = http::Response<String>;
        type Error = Infallible;
        type Future = std::future::Ready<Result<Self::Response, Infallible>>;

        fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
            Poll::Ready(Ok(()))
        }

        fn call(&mut self, _: http::Request<()>) -> Self::Future {
            std::future::ready(Ok(http::Response::new("reached".to_owned())))
        }
    }

    async fn call(method: &str, headers: &[(&'static str, &str)]) -> http::Response<String> {
        let mut request = http::Request::builder().uri(format!("http://localhost{method}"));
        for (key, value) in headers {
            request = request.header(*key, *value);
        }
        let mut service = crate::gate::GateLayer::new(AuthorizationLayer).layer(Reached);
        service
            .call(request.body(()).expect("request"))
            .await
            .expect("infallible")
    }

    fn status_of(response: &http::Response<String>) -> Status {
        Status::from_header_map(response.headers()).expect("a gRPC status in the headers")
    }

    #[tokio::test]
    async fn an_allowed_call_reaches_the_service() {
        let response = call(RECORD, &[(ROLE_KEY, "system"), (ID_KEY, "eligibility")]).await;
        assert_eq!(response.body(), "reached");
    }

    #[tokio::test]
    async fn a_denied_call_is_answered_with_the_stable_reason() {
        let response = call(RECORD, &[(ROLE_KEY, "operator"), (ID_KEY, "op-1")]).await;
        assert_eq!(response.body(), "");
        let status = status_of(&response);
        assert_eq!(status.code(), Code::PermissionDenied);
        let info = status.get_details_error_info().expect("ErrorInfo");
        assert_eq!(info.reason, "PERMISSION_DENIED");
        assert_eq!(info.domain, crate::error::ERROR_DOMAIN);

        let unidentified = status_of(&call(RECORD, &[]).await);
        assert_eq!(unidentified.code(), Code::Unauthenticated);
        let info = unidentified.get_details_error_info().expect("ErrorInfo");
        assert_eq!(info.reason, "UNAUTHENTICATED");

        let unknown =
            status_of(&call("/housing.intake.v1.ApplicationIntakeService/Nope", &[]).await);
        assert_eq!(unknown.code(), Code::PermissionDenied);
    }
}
