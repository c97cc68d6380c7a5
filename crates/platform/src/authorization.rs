//! Who may call what: the one declaration of the roles allowed on every RPC of
//! the suite ([`TABLE`]), and the tower layer that enforces it before any
//! handler runs ([`AuthorizationLayer`], installed by [`crate::server::serve`]).
//!
//! The layer answers, for a call of `/package.Service/Method`:
//!
//! * a method the table does not name: PERMISSION_DENIED, reason
//!   `PERMISSION_DENIED` (fail closed: a new RPC is callable by nobody until
//!   it is declared here);
//! * [`Access::Roles`] without an identified caller (no or an unknown
//!   `x-caller-role`, a staff caller without `x-caller-id`, a citizen without
//!   `x-caller-iin`): UNAUTHENTICATED, reason `UNAUTHENTICATED` (a malformed
//!   citizen IIN is INVALID_ARGUMENT on `x-caller-iin`);
//! * [`Access::Roles`] with a role not listed: PERMISSION_DENIED, reason
//!   `PERMISSION_DENIED`;
//! * [`Access::Open`] and [`Access::ClientSystem`]: passed to the service.
//!
//! The services keep the checks that depend on data (a citizen sees only
//! their own applications, notices, complaints; who decides a complaint
//! depends on its route and state); this table holds only what depends on the
//! role alone. docs/security.md, "Who may call what", shows the table; a test
//! checks that it matches [`matrix_markdown`].

use std::future::Future;

use tonic::Status;

use crate::gate::Gate;
use tonic::metadata::MetadataMap;

use crate::caller::{Caller, ROLE_KEY, Role};
use crate::error::ServiceError;
use Role::{Auditor, Citizen, ComplaintsBody, Operator, ProviderHead, System};

/// Who may call an RPC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, identified or not: the standard services (health, reflection),
    /// the public register list, and registry-gateway's stand-ins for systems
    /// outside the suite (its administrative service and the test PKI), which
    /// take no identification.
    Open,
    /// A caller identified by `x-caller-role` (`housing_platform::caller`)
    /// with one of these roles.
    Roles(&'static [Role]),
    /// A calling system identified after X-Road (`x-client-system`,
    /// `x-on-behalf-of`, `x-case-id`). registry-gateway checks it against the
    /// systems it is configured to serve (INVALID_ARGUMENT when a key is
    /// missing, PERMISSION_DENIED / `UNKNOWN_CLIENT_SYSTEM` for a system it
    /// does not serve) because it writes refused queries to its query log
    /// too; the layer passes these calls through.
    ClientSystem,
}

/// One RPC and who may call it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    /// The full method path, `/package.Service/Method`.
    pub method: &'static str,
    /// Who may call it.
    pub access: Access,
}

/// Every role, in the order the matrix shows them.
pub const ALL_ROLES: [Role; 6] = Role::ALL;

/// Any identified caller.
const ANY_ROLE: &[Role] = &ALL_ROLES;
/// Submitting or filing a signed form: the citizen who signed it, or an
/// operator or a system relaying it (the signature authenticates the form).
const SIGNED_FORM_SENDERS: &[Role] = &[Citizen, Operator, System];
/// Reading applications, cases and complaints: a citizen (their own only,
/// checked by the service), the provider's staff, the complaints body and the
/// suite's systems. Not auditors: they read logs, not files.
const FILE_READERS: &[Role] = &[Citizen, Operator, ProviderHead, ComplaintsBody, System];
/// Reading notices: a citizen (their own only), the provider's staff and the
/// suite's systems.
const NOTICE_READERS: &[Role] = &[Citizen, Operator, ProviderHead, System];
/// The provider's staff and the suite's systems.
const PROVIDER_STAFF_AND_SYSTEMS: &[Role] = &[Operator, ProviderHead, System];
/// The provider's staff.
const PROVIDER_STAFF: &[Role] = &[Operator, ProviderHead];
/// The suite's systems only.
const SYSTEMS: &[Role] = &[System];

const fn roles(method: &'static str, roles: &'static [Role]) -> Entry {
    Entry {
        method,
        access: Access::Roles(roles),
    }
}

const fn open(method: &'static str) -> Entry {
    Entry {
        method,
        access: Access::Open,
    }
}

const fn client_system(method: &'static str) -> Entry {
    Entry {
        method,
        access: Access::ClientSystem,
    }
}

/// The declaration: every RPC of every service of the suite.
pub static TABLE: &[Entry] = &[
    // application-intake.
    roles(
        "/housing.intake.v1.ApplicationIntakeService/SubmitApplication",
        SIGNED_FORM_SENDERS,
    ),
    roles(
        "/housing.intake.v1.ApplicationIntakeService/GetApplication",
        FILE_READERS,
    ),
    roles(
        "/housing.intake.v1.ApplicationIntakeService/ListApplications",
        FILE_READERS,
    ),
    // The applicant or representative, or staff on their written request.
    roles(
        "/housing.intake.v1.ApplicationIntakeService/WithdrawApplication",
        &[Citizen, Operator, ProviderHead],
    ),
    roles(
        "/housing.intake.v1.ApplicationIntakeService/ListApplicationEvents",
        FILE_READERS,
    ),
    roles(
        "/housing.intake.v1.ApplicationIntakeService/RecordApplicationEvent",
        SYSTEMS,
    ),
    // eligibility-verification.
    roles(
        "/housing.eligibility.v1.EligibilityService/OpenCase",
        SYSTEMS,
    ),
    roles(
        "/housing.eligibility.v1.EligibilityService/GetCase",
        FILE_READERS,
    ),
    roles(
        "/housing.eligibility.v1.EligibilityService/ListCases",
        FILE_READERS,
    ),
    roles(
        "/housing.eligibility.v1.EligibilityService/WithdrawCase",
        SYSTEMS,
    ),
    roles(
        "/housing.eligibility.v1.EligibilityService/GetDecision",
        FILE_READERS,
    ),
    roles(
        "/housing.eligibility.v1.EligibilityService/ListDecisions",
        FILE_READERS,
    ),
    roles(
        "/housing.eligibility.v1.EligibilityService/GetHearing",
        FILE_READERS,
    ),
    roles(
        "/housing.eligibility.v1.EligibilityService/ListHearings",
        FILE_READERS,
    ),
    roles(
        "/housing.eligibility.v1.EligibilityService/StatePosition",
        &[Citizen],
    ),
    roles(
        "/housing.eligibility.v1.EligibilityService/DecideAfterHearing",
        PROVIDER_STAFF,
    ),
    roles(
        "/housing.eligibility.v1.EligibilityService/ReevaluateCase",
        PROVIDER_STAFF_AND_SYSTEMS,
    ),
    roles(
        "/housing.eligibility.v1.EligibilityService/RegisterByComplaintDecision",
        &[ProviderHead, ComplaintsBody, System],
    ),
    roles(
        "/housing.eligibility.v1.EligibilityService/GetRegisterEntry",
        FILE_READERS,
    ),
    // Carries no names and no IINs.
    open("/housing.eligibility.v1.EligibilityService/ListPublishedRegisterEntries"),
    // notification.
    roles(
        "/housing.notification.v1.NotificationService/SendNotification",
        &[Operator, System],
    ),
    roles(
        "/housing.notification.v1.NotificationService/GetNotification",
        NOTICE_READERS,
    ),
    roles(
        "/housing.notification.v1.NotificationService/ListNotifications",
        NOTICE_READERS,
    ),
    // Every recipient's number and address.
    roles(
        "/housing.notification.v1.NotificationService/ListOutboxMessages",
        PROVIDER_STAFF_AND_SYSTEMS,
    ),
    // Not personal data, but every call is made by someone.
    roles(
        "/housing.notification.v1.NotificationService/ListTemplates",
        ANY_ROLE,
    ),
    // complaints.
    roles(
        "/housing.complaints.v1.ComplaintsService/FileComplaint",
        SIGNED_FORM_SENDERS,
    ),
    roles(
        "/housing.complaints.v1.ComplaintsService/GetComplaint",
        FILE_READERS,
    ),
    roles(
        "/housing.complaints.v1.ComplaintsService/ListComplaints",
        FILE_READERS,
    ),
    roles(
        "/housing.complaints.v1.ComplaintsService/ForwardComplaint",
        PROVIDER_STAFF,
    ),
    // Which of the two may decide a given complaint depends on its route and
    // state: the service checks that.
    roles(
        "/housing.complaints.v1.ComplaintsService/DecideComplaint",
        &[ProviderHead, ComplaintsBody],
    ),
    roles(
        "/housing.complaints.v1.ComplaintsService/GetAdministrativeCase",
        &[Operator, ProviderHead, ComplaintsBody, System],
    ),
    // The audit trail every service that keeps personal data serves
    // (application-intake, eligibility-verification, notification,
    // complaints): auditors only.
    roles(
        "/housing.audit.v1.AuditService/ListAuditRecords",
        &[Auditor],
    ),
    roles(
        "/housing.audit.v1.AuditService/VerifyAuditTrail",
        &[Auditor],
    ),
    // registry-gateway: the registers, after X-Road.
    client_system("/housing.registry.v1.RegistryGatewayService/QueryRegisters"),
    client_system("/housing.registry.v1.RegistryGatewayService/GetIdentity"),
    client_system("/housing.registry.v1.RegistryGatewayService/GetMigrationRecord"),
    client_system("/housing.registry.v1.RegistryGatewayService/GetCivilStatusRecord"),
    client_system("/housing.registry.v1.RegistryGatewayService/GetAddressRecord"),
    client_system("/housing.registry.v1.RegistryGatewayService/GetRealEstateRecord"),
    client_system("/housing.registry.v1.RegistryGatewayService/GetEmergencyHousingRecord"),
    client_system("/housing.registry.v1.RegistryGatewayService/GetCertifiedExpert"),
    client_system("/housing.registry.v1.RegistryGatewayService/GetStateHousingUseRecord"),
    client_system("/housing.registry.v1.RegistryGatewayService/GetUnifiedRepublicanDatabaseRecord"),
    client_system("/housing.registry.v1.RegistryGatewayService/GetSocialCategoryRecord"),
    client_system("/housing.registry.v1.RegistryGatewayService/GetMobileCitizenRecord"),
    // registry-gateway: the stand-in's administrative service (tests and
    // operators of the test network; no production gateway has it).
    open("/housing.registry.v1.RegistryAdminService/PutPerson"),
    open("/housing.registry.v1.RegistryAdminService/GetPerson"),
    open("/housing.registry.v1.RegistryAdminService/DeletePerson"),
    open("/housing.registry.v1.RegistryAdminService/ListPersons"),
    open("/housing.registry.v1.RegistryAdminService/PutCertifiedExpert"),
    open("/housing.registry.v1.RegistryAdminService/DeleteCertifiedExpert"),
    open("/housing.registry.v1.RegistryAdminService/SetFaultInjection"),
    open("/housing.registry.v1.RegistryAdminService/ListFaultInjections"),
    open("/housing.registry.v1.RegistryAdminService/ListQueryLogEntries"),
    open("/housing.registry.v1.RegistryAdminService/VerifyQueryLog"),
    // registry-gateway: the test PKI, standing in for the national
    // certification centre.
    open("/housing.registry.v1.CertificationCentreService/GetRootCertificate"),
    open("/housing.registry.v1.CertificationCentreService/IssueCertificate"),
    open("/housing.registry.v1.CertificationCentreService/RevokeCertificate"),
    open("/housing.registry.v1.CertificationCentreService/CheckCertificateStatus"),
    // The standard services every server runs.
    open("/grpc.health.v1.Health/Check"),
    open("/grpc.health.v1.Health/Watch"),
    open("/grpc.reflection.v1.ServerReflection/ServerReflectionInfo"),
    open("/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo"),
];

/// Who may call `method` (`/package.Service/Method`); `None` when the table
/// does not name it, and then nobody may.
pub fn access(method: &str) -> Option<Access> {
    TABLE
        .iter()
        .find(|entry| entry.method == method)
        .map(|entry| entry.access)
}

/// Whether a call of `method` with `metadata` may reach its handler.
pub fn authorize(method: &str, metadata: &MetadataMap) -> Result<(), ServiceError> {
    match access(method) {
        None => Err(ServiceError::PermissionDenied),
        Some(Access::Open | Access::ClientSystem) => Ok(()),
        Some(Access::Roles(roles)) => Caller::from_metadata(metadata)?.require(roles),
    }
}

/// The table as a Markdown matrix: one row per RPC of the suite's own
/// services, a column per role; `yes` where the role may call it. Open RPCs
/// show `anyone`, registry-gateway's registers `X-Road`. docs/security.md
/// holds exactly this text.
pub fn matrix_markdown() -> String {
    let mut text = String::from("| RPC |");
    for role in ALL_ROLES {
        text.push_str(&format!(" {} |", role.as_str()));
    }
    text.push_str("\n|---|");
    for _ in ALL_ROLES {
        text.push_str("---|");
    }
    text.push('\n');
    for entry in TABLE {
        let name = entry
            .method
            .trim_start_matches('/')
            .trim_start_matches("housing.");
        text.push_str(&format!("| `{name}` |"));
        match entry.access {
            Access::Roles(allowed) => {
                for role in ALL_ROLES {
                    text.push_str(if allowed.contains(&role) {
                        " yes |"
                    } else {
                        " |"
                    });
                }
            }
            Access::Open => {
                for _ in ALL_ROLES {
                    text.push_str(" anyone |");
                }
            }
            Access::ClientSystem => {
                for _ in ALL_ROLES {
                    text.push_str(" X-Road |");
                }
            }
        }
        text.push('\n');
    }
    text
}

/// The gate that enforces [`TABLE`] on every call of a server
/// (`GateLayer::new(AuthorizationLayer)`, in [`crate::server::serve`]).
#[derive(Debug, Clone, Copy, Default)]
pub struct AuthorizationLayer;

impl Gate for AuthorizationLayer {
    fn admit<Body: Send + 'static>(
        &self,
        mut request: http::Request<Body>,
    ) -> impl Future<Output = Result<http::Request<Body>, Status>> + Send {
        // The headers are lent to the check, not copied.
        let metadata = MetadataMap::from_headers(std::mem::take(request.headers_mut()));
        let verdict = check(request.uri().path(), &metadata);
        *request.headers_mut() = metadata.into_headers();
        std::future::ready(verdict.map(|()| request))
    }
}

/// The table's verdict on a call of `method` with `metadata`.
fn check(method: &str, metadata: &MetadataMap) -> Result<(), Status> {
    authorize(method, metadata).map_err(|error| {
        // The role as established (never an IIN or an id): enough to tell a
        // misconfigured client from a probe.
        let role = metadata
            .get(ROLE_KEY)
            .and_then(|value| value.to_str().ok())
            .and_then(|text| Role::parse(text.trim()))
            .map_or("none", Role::as_str);
        tracing::info!(
            rpc.method = method,
            caller_role = role,
            error = %error,
            "call refused by the authorization table"
        );
        Status::from(error)
    })
}

#[cfg(test)]
mod tests;
