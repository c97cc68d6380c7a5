//! Who is calling: the identity every service reads from a request and every
//! service-to-service client attaches to one.
//!
//! The identity travels in gRPC metadata:
//!
//! | key | value |
//! |---|---|
//! | `x-caller-role` | `citizen`, `operator`, `provider-head`, `complaints-body`, `auditor`, `system` |
//! | `x-caller-id` | a staff id, a system name (`application-intake`), or `citizen` |
//! | `x-caller-iin` | for a citizen: their IIN |
//!
//! In the mutual-TLS mode these keys are written by the server's
//! authentication layer from what the caller proved (client certificate,
//! staff token, EDS authentication signature) after discarding whatever the
//! client sent; only in the insecure development mode are they taken as
//! declared ([`crate::security`]).
//! [`Caller`] is what services use; only the way it is established will change.
//! Every read of a person's data is attributable to a `Caller`.

use housing_domain::Iin;
use tonic::metadata::{MetadataMap, MetadataValue};

use crate::error::{ErrorReason, Reason, ServiceError, Violation};

/// Metadata key of the caller's role.
pub const ROLE_KEY: &str = "x-caller-role";
/// Metadata key of the caller's id.
pub const ID_KEY: &str = "x-caller-id";
/// Metadata key of a citizen caller's IIN.
pub const IIN_KEY: &str = "x-caller-iin";

/// The role a caller acts in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// A citizen or kandas, for themselves or as a representative.
    Citizen,
    /// An operator of the provider.
    Operator,
    /// The head of the provider or a person they authorised.
    ProviderHead,
    /// The body processing complaints.
    ComplaintsBody,
    /// An auditor: reads logs and audit trails.
    Auditor,
    /// One of the suite's services or another government system.
    System,
}

impl Role {
    /// The role as it travels in metadata.
    pub const fn as_str(self) -> &'static str {
        match self {
            Role::Citizen => "citizen",
            Role::Operator => "operator",
            Role::ProviderHead => "provider-head",
            Role::ComplaintsBody => "complaints-body",
            Role::Auditor => "auditor",
            Role::System => "system",
        }
    }

    /// Every role.
    pub const ALL: [Role; 6] = [
        Role::Citizen,
        Role::Operator,
        Role::ProviderHead,
        Role::ComplaintsBody,
        Role::Auditor,
        Role::System,
    ];

    /// The role its metadata text names.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|role| role.as_str() == text)
    }
}

/// An identified caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    role: Role,
    id: String,
    iin: Option<Iin>,
}

impl Caller {
    /// A citizen, identified by their IIN.
    pub fn citizen(iin: Iin) -> Self {
        Self {
            role: Role::Citizen,
            id: "citizen".to_owned(),
            iin: Some(iin),
        }
    }

    /// A member of staff or a body, by their id.
    pub fn staff(role: Role, id: impl Into<String>) -> Self {
        Self {
            role,
            id: id.into(),
            iin: None,
        }
    }

    /// One of the suite's services, by its name.
    pub fn system(name: impl Into<String>) -> Self {
        Self::staff(Role::System, name)
    }

    /// The role.
    pub fn role(&self) -> Role {
        self.role
    }

    /// The id: a staff id, a system name, or "citizen". Safe to log.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// A citizen's IIN. Personal data: never log it.
    pub fn iin(&self) -> Option<&Iin> {
        self.iin.as_ref()
    }

    /// Whether the caller is the citizen with this IIN.
    pub fn is_citizen(&self, iin: &Iin) -> bool {
        self.role == Role::Citizen && self.iin.as_ref() == Some(iin)
    }

    /// Reads the caller from request metadata.
    pub fn from_metadata(metadata: &MetadataMap) -> Result<Self, ServiceError> {
        let text = |key: &str| {
            metadata
                .get(key)
                .and_then(|value| value.to_str().ok())
                .map(str::trim)
                .filter(|value| !value.is_empty())
        };
        let unauthenticated = |message: &str| ServiceError::Unauthenticated {
            reason: ErrorReason::Other(Reason::Unauthenticated),
            message: message.to_owned(),
        };
        let role = text(ROLE_KEY).ok_or_else(|| unauthenticated("the caller is not identified"))?;
        let role = Role::parse(role).ok_or_else(|| unauthenticated("unknown caller role"))?;
        match role {
            Role::Citizen => {
                let iin = text(IIN_KEY)
                    .ok_or_else(|| unauthenticated("a citizen caller needs an IIN"))?;
                let iin = Iin::parse(iin).map_err(|error| {
                    ServiceError::invalid(vec![Violation::new(IIN_KEY, error.to_string())])
                })?;
                Ok(Self::citizen(iin))
            }
            _ => {
                let id = text(ID_KEY).ok_or_else(|| unauthenticated("the caller has no id"))?;
                Ok(Self::staff(role, id))
            }
        }
    }

    /// Writes the caller into outgoing request metadata, with the current
    /// span's trace context (`traceparent`): every call between the suite's
    /// services is attached this way, so a call that crosses them is one trace.
    /// In the mutual-TLS mode the receiving server discards the identity
    /// written here and establishes its own ([`crate::security`]); the trace
    /// context stays.
    pub fn attach(&self, metadata: &mut MetadataMap) {
        crate::telemetry::inject_trace_context(metadata);
        self.write_identity(metadata);
    }

    /// Writes the identity keys only.
    pub fn write_identity(&self, metadata: &mut MetadataMap) {
        metadata.insert(ROLE_KEY, MetadataValue::from_static(self.role.as_str()));
        if let Ok(id) = self.id.parse() {
            metadata.insert(ID_KEY, id);
        }
        if let Some(iin) = &self.iin
            && let Ok(value) = iin.as_str().parse()
        {
            metadata.insert(IIN_KEY, value);
        }
    }

    /// Fails with PERMISSION_DENIED unless the caller has one of `roles`.
    pub fn require(&self, roles: &[Role]) -> Result<(), ServiceError> {
        if roles.contains(&self.role) {
            Ok(())
        } else {
            Err(ServiceError::PermissionDenied)
        }
    }
}

/// Metadata a client of registry-gateway sends with every query (after X-Road).
pub mod gateway_query {
    use tonic::metadata::MetadataMap;

    /// The calling system.
    pub const CLIENT_SYSTEM_KEY: &str = "x-client-system";
    /// The official or citizen on whose behalf the query is made.
    pub const ON_BEHALF_OF_KEY: &str = "x-on-behalf-of";
    /// The case (application) the query is for.
    pub const CASE_ID_KEY: &str = "x-case-id";

    /// Attaches the three keys, and the current span's trace context. Values
    /// that are not valid metadata are left out, and the gateway then refuses
    /// the query as unidentified.
    pub fn attach(
        metadata: &mut MetadataMap,
        client_system: &str,
        on_behalf_of: &str,
        case_id: &str,
    ) {
        crate::telemetry::inject_trace_context(metadata);
        for (key, value) in [
            (CLIENT_SYSTEM_KEY, client_system),
            (ON_BEHALF_OF_KEY, on_behalf_of),
            (CASE_ID_KEY, case_id),
        ] {
            if let Ok(value) = value.parse() {
                metadata.insert(key, value);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iin() -> Iin {
        Iin::parse("900101300126").expect("valid IIN")
    }

    #[test]
    fn a_citizen_round_trips_through_metadata() {
        let mut metadata = MetadataMap::new();
        Caller::citizen(iin()).attach(&mut metadata);
        let caller = Caller::from_metadata(&metadata).expect("caller");
        assert!(caller.is_citizen(&iin()));
        assert_eq!(caller.role(), Role::Citizen);
    }

    #[test]
    fn staff_round_trip_and_require_checks_the_role() {
        let mut metadata = MetadataMap::new();
        Caller::staff(Role::Operator, "op-17").attach(&mut metadata);
        let caller = Caller::from_metadata(&metadata).expect("caller");
        assert_eq!(caller.id(), "op-17");
        assert!(
            caller
                .require(&[Role::Operator, Role::ProviderHead])
                .is_ok()
        );
        assert!(matches!(
            caller.require(&[Role::Auditor]),
            Err(ServiceError::PermissionDenied)
        ));
        assert!(!caller.is_citizen(&iin()));
    }

    #[test]
    fn missing_or_unknown_identity_is_unauthenticated() {
        let empty = MetadataMap::new();
        assert!(matches!(
            Caller::from_metadata(&empty),
            Err(ServiceError::Unauthenticated { .. })
        ));
        let mut unknown = MetadataMap::new();
        unknown.insert(ROLE_KEY, "minister".parse().expect("ascii"));
        assert!(matches!(
            Caller::from_metadata(&unknown),
            Err(ServiceError::Unauthenticated { .. })
        ));
        let mut citizen_without_iin = MetadataMap::new();
        citizen_without_iin.insert(ROLE_KEY, "citizen".parse().expect("ascii"));
        assert!(matches!(
            Caller::from_metadata(&citizen_without_iin),
            Err(ServiceError::Unauthenticated { .. })
        ));
    }

    #[test]
    fn a_malformed_citizen_iin_is_a_field_violation() {
        let mut metadata = MetadataMap::new();
        metadata.insert(ROLE_KEY, "citizen".parse().expect("ascii"));
        metadata.insert(IIN_KEY, "900101300125".parse().expect("ascii"));
        assert!(matches!(
            Caller::from_metadata(&metadata),
            Err(ServiceError::InvalidArgument { .. })
        ));
    }
}
