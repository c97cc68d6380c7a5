//! The authorization table (`housing_platform::authorization::TABLE`) against
//! the contracts and against the running suite.
//!
//! * Every RPC of every service in the contracts' descriptor set, and of the
//!   standard services, has an entry; the table names no RPC that does not exist.
//! * Every RPC of every service of a running suite, called over the wire with
//!   an empty message by every role, by nobody and — on registry-gateway's
//!   registers — by a served and an unknown calling system, answers as the
//!   table says: a denied role gets PERMISSION_DENIED with the reason
//!   `PERMISSION_DENIED`, an allowed one anything but a refusal (an empty
//!   request is usually INVALID_ARGUMENT or NOT_FOUND). `--nocapture` prints
//!   the answers as a matrix.

use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::time::Duration;

use housing_e2e_tests::{SuiteOptions, spawn_suite};
use housing_platform::authorization::{ALL_ROLES, Access, TABLE, access};
use housing_platform::caller::gateway_query::{CASE_ID_KEY, CLIENT_SYSTEM_KEY, ON_BEHALF_OF_KEY};
use housing_platform::caller::{ID_KEY, IIN_KEY, ROLE_KEY, Role};
use prost::Message;
use prost::bytes::Buf;
use tonic::codec::{Codec, DecodeBuf, Decoder, EncodeBuf, Encoder};
use tonic::codegen::http::uri::PathAndQuery;
use tonic::metadata::MetadataMap;
use tonic::transport::{Channel, Endpoint};
use tonic::{Code, Request, Status};
use tonic_types::StatusExt;

/// The standard services every server of the suite runs besides its own.
/// Reflection's descriptor sets are not a dependency of the tests: its
/// methods are named here, and the wire test proves every server answers them.
const REFLECTION_METHODS: [&str; 2] = [
    "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo",
    "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
];

/// A system the suite's gateway serves (tests/src/lib.rs configures it).
const SERVED_SYSTEM: &str = "eligibility-verification";
/// A system it does not.
const UNKNOWN_SYSTEM: &str = "a-stranger";
/// A valid IIN that is no one's in the demo dataset.
const CITIZEN_IIN: &str = "900101300126";

fn methods_of(encoded: &[u8]) -> BTreeSet<String> {
    let set = prost_types::FileDescriptorSet::decode(encoded).expect("a descriptor set");
    let mut methods = BTreeSet::new();
    for file in &set.file {
        for service in &file.service {
            for method in &service.method {
                methods.insert(format!(
                    "/{}.{}/{}",
                    file.package(),
                    service.name(),
                    method.name()
                ));
            }
        }
    }
    methods
}

/// Every RPC the suite's servers serve, by the contracts.
fn served_methods() -> BTreeSet<String> {
    let mut methods = methods_of(housing_proto::FILE_DESCRIPTOR_SET);
    methods.extend(methods_of(tonic_health::pb::FILE_DESCRIPTOR_SET));
    methods.extend(REFLECTION_METHODS.iter().map(|method| (*method).to_owned()));
    methods
}

#[test]
fn every_rpc_of_the_contracts_is_in_the_table() {
    let served = served_methods();
    let declared: BTreeSet<String> = TABLE.iter().map(|entry| entry.method.to_owned()).collect();
    assert!(
        served.len() > 50,
        "the descriptor set lists {} RPCs",
        served.len()
    );
    let missing: Vec<&String> = served.difference(&declared).collect();
    let unknown: Vec<&String> = declared.difference(&served).collect();
    assert!(
        missing.is_empty(),
        "RPCs of the contracts without an entry in the authorization table: {missing:#?}"
    );
    assert!(
        unknown.is_empty(),
        "the authorization table names RPCs that do not exist: {unknown:#?}"
    );
    assert_eq!(declared.len(), TABLE.len(), "an RPC is named twice");
}

/// Who calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    /// No identification at all.
    Nobody,
    /// `x-caller-role` and the rest of `housing_platform::caller`.
    Role(Role),
    /// registry-gateway's X-Road identification, as this system.
    System(&'static str),
}

impl Who {
    fn label(self) -> &'static str {
        match self {
            Who::Nobody => "nobody",
            Who::Role(role) => role.as_str(),
            Who::System(SERVED_SYSTEM) => "x-road:served",
            Who::System(_) => "x-road:unknown",
        }
    }

    fn attach(self, metadata: &mut MetadataMap) {
        let mut insert = |key: &'static str, value: &str| {
            metadata.insert(key, value.parse().expect("ASCII metadata"));
        };
        match self {
            Who::Nobody => {}
            Who::Role(Role::Citizen) => {
                insert(ROLE_KEY, Role::Citizen.as_str());
                insert(IIN_KEY, CITIZEN_IIN);
            }
            Who::Role(role) => {
                insert(ROLE_KEY, role.as_str());
                insert(ID_KEY, "authorization-test");
            }
            Who::System(system) => {
                insert(CLIENT_SYSTEM_KEY, system);
                insert(ON_BEHALF_OF_KEY, "authorization-test");
                insert(CASE_ID_KEY, "applications/authorization-test");
            }
        }
    }
}

/// Sends an empty message and reads nothing of the answer but whether it is one.
#[derive(Debug, Clone, Copy, Default)]
struct EmptyCodec;

impl Codec for EmptyCodec {
    type Encode = ();
    type Decode = ();
    type Encoder = EmptyCodec;
    type Decoder = EmptyCodec;

    fn encoder(&mut self) -> Self::Encoder {
        EmptyCodec
    }

    fn decoder(&mut self) -> Self::Decoder {
        EmptyCodec
    }
}

impl Encoder for EmptyCodec {
    type Item = ();
    type Error = Status;

    fn encode(&mut self, (): (), _: &mut EncodeBuf<'_>) -> Result<(), Status> {
        Ok(())
    }
}

impl Decoder for EmptyCodec {
    type Item = ();
    type Error = Status;

    fn decode(&mut self, source: &mut DecodeBuf<'_>) -> Result<Option<()>, Status> {
        let length = source.remaining();
        source.advance(length);
        Ok(Some(()))
    }
}

/// Calls `method` with one empty message as `who` and waits for the first
/// answer or the status. Streaming on the wire is the same for every kind of
/// RPC, so one client call serves unary and streaming methods alike.
async fn call(channel: Channel, method: &str, who: Who) -> Result<(), Status> {
    let mut grpc = tonic::client::Grpc::new(channel);
    grpc.ready()
        .await
        .map_err(|error| Status::unavailable(error.to_string()))?;
    let path = PathAndQuery::try_from(method).expect("a method path");
    let mut request = Request::new(tonic::codegen::tokio_stream::iter([()]));
    who.attach(request.metadata_mut());
    let answer = async {
        let mut answers = grpc
            .streaming(request, path, EmptyCodec)
            .await?
            .into_inner();
        answers.message().await.map(|_| ())
    };
    tokio::time::timeout(Duration::from_secs(10), answer)
        .await
        .unwrap_or_else(|_| Err(Status::deadline_exceeded("no answer in 10 s")))
}

fn reason(status: &Status) -> Option<String> {
    status.get_details_error_info().map(|info| info.reason)
}

fn refused_for_role(answer: &Result<(), Status>) -> bool {
    matches!(answer, Err(status) if status.code() == Code::PermissionDenied
        && reason(status).as_deref() == Some("PERMISSION_DENIED"))
}

fn unauthenticated(answer: &Result<(), Status>) -> bool {
    matches!(answer, Err(status) if status.code() == Code::Unauthenticated
        && reason(status).as_deref() == Some("UNAUTHENTICATED"))
}

fn unknown_system(answer: &Result<(), Status>) -> bool {
    matches!(answer, Err(status) if status.code() == Code::PermissionDenied
        && reason(status).as_deref() == Some("UNKNOWN_CLIENT_SYSTEM"))
}

/// registry-gateway's refusal of a query without the X-Road keys.
fn unidentified_query(answer: &Result<(), Status>) -> bool {
    matches!(answer, Err(status) if status.code() == Code::InvalidArgument
        && status.get_details_bad_request().is_some_and(|bad| bad
            .field_violations
            .iter()
            .any(|violation| violation.field.starts_with("metadata."))))
}

/// Any refusal for who the caller is (rather than for what it asked).
fn refused(answer: &Result<(), Status>) -> bool {
    refused_for_role(answer)
        || unauthenticated(answer)
        || unknown_system(answer)
        || unidentified_query(answer)
}

fn short(answer: &Result<(), Status>) -> String {
    match answer {
        Ok(()) => "ok".to_owned(),
        Err(status) => match status.code() {
            Code::InvalidArgument if unidentified_query(answer) => "UNIDENT".to_owned(),
            Code::InvalidArgument => "INVALID".to_owned(),
            Code::NotFound => "NOT_FOUND".to_owned(),
            Code::PermissionDenied if unknown_system(answer) => "UNKNOWN_SYS".to_owned(),
            Code::PermissionDenied => "DENIED".to_owned(),
            Code::Unauthenticated => "UNAUTH".to_owned(),
            Code::FailedPrecondition => "PRECOND".to_owned(),
            other => format!("{other:?}"),
        },
    }
}

/// Whether `answer` is what the table says `who` gets from `method`.
fn as_declared(method: &str, who: Who, answer: &Result<(), Status>) -> bool {
    match (access(method), who) {
        (None, _) => refused_for_role(answer),
        (Some(Access::Open), _) => !refused(answer),
        (Some(Access::Roles(_)), Who::Nobody | Who::System(_)) => unauthenticated(answer),
        (Some(Access::Roles(allowed)), Who::Role(role)) => {
            if allowed.contains(&role) {
                !refused(answer)
            } else {
                refused_for_role(answer)
            }
        }
        (Some(Access::ClientSystem), Who::System(SERVED_SYSTEM)) => !refused(answer),
        (Some(Access::ClientSystem), Who::System(_)) => unknown_system(answer),
        (Some(Access::ClientSystem), Who::Nobody | Who::Role(_)) => unidentified_query(answer),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_rpc_answers_every_role_as_the_table_says() {
    let suite = spawn_suite(SuiteOptions::default())
        .await
        .expect("the suite starts");
    let servers: [(&str, SocketAddr); 5] = [
        ("intake", suite.intake_address),
        ("eligibility", suite.eligibility_address),
        ("gateway", suite.gateway_address),
        ("notification", suite.notification_address),
        ("complaints", suite.complaints_address),
    ];
    let mut channels = Vec::new();
    for (name, address) in servers {
        let channel = Endpoint::from_shared(format!("http://{address}"))
            .expect("endpoint")
            .connect()
            .await
            .expect("the server answers");
        channels.push((name, channel));
    }
    let server_of = |method: &str| -> &'static [&'static str] {
        let service = method.trim_start_matches('/');
        if service.starts_with("housing.intake.") {
            &["intake"]
        } else if service.starts_with("housing.eligibility.") {
            &["eligibility"]
        } else if service.starts_with("housing.registry.") {
            &["gateway"]
        } else if service.starts_with("housing.notification.") {
            &["notification"]
        } else if service.starts_with("housing.complaints.") {
            &["complaints"]
        } else if service.starts_with("housing.audit.") {
            // The audit trail: on every server that keeps personal data.
            &["intake", "eligibility", "notification", "complaints"]
        } else {
            // The standard services: on every server.
            &[
                "intake",
                "eligibility",
                "gateway",
                "notification",
                "complaints",
            ]
        }
    };

    let mut callers = vec![Who::Nobody];
    callers.extend(ALL_ROLES.map(Who::Role));
    let x_road = [Who::System(SERVED_SYSTEM), Who::System(UNKNOWN_SYSTEM)];

    // Every RPC of the contracts, and one no contract has on every server (fail closed).
    let mut methods: Vec<String> = served_methods().into_iter().collect();
    methods.push("/housing.intake.v1.ApplicationIntakeService/DeleteEverything".to_owned());
    methods.push("/housing.registry.v1.RegistryAdminService/DropDatabase".to_owned());

    let mut header = format!("{:<88}", "RPC @ server");
    for who in callers.iter().chain(&x_road) {
        header.push_str(&format!(" {:<15}", who.label()));
    }
    let mut matrix = vec![header];
    let mut wrong = Vec::new();
    let mut calls = 0;
    for method in &methods {
        let on = server_of(method);
        for (server, channel) in channels.iter().filter(|(name, _)| on.contains(name)) {
            let mut row = format!("{:<88}", format!("{method} @ {server}"));
            let mut whos = callers.clone();
            if access(method) == Some(Access::ClientSystem) {
                whos.extend(x_road);
            }
            for who in whos {
                let answer = call(channel.clone(), method, who).await;
                calls += 1;
                row.push_str(&format!(" {:<15}", short(&answer)));
                if !as_declared(method, who, &answer) {
                    wrong.push(format!(
                        "{method} @ {server} as {}: {:?} {:?} ({})",
                        who.label(),
                        answer.as_ref().err().map(Status::code),
                        answer.as_ref().err().and_then(reason),
                        answer.as_ref().err().map(Status::message).unwrap_or("ok"),
                    ));
                }
            }
            matrix.push(row);
        }
    }
    println!("{}", matrix.join("\n"));
    println!("{calls} calls");
    suite.stop().await.expect("the suite stops");
    assert!(
        wrong.is_empty(),
        "answers the authorization table does not declare:\n{}",
        wrong.join("\n")
    );
}
