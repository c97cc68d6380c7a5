//! The layer that establishes the caller of every call before anything else
//! runs: in the mutual-TLS mode from the client certificate, a staff token, a
//! rostered member of staff's EDS authentication signature or a citizen's; in
//! the insecure development mode from the metadata as declared.
//!
//! What it establishes is written into the request as the `x-caller-*`
//! metadata ([`crate::caller`]) after removing whatever the client sent under
//! those keys, so that the authorization table, the rate limiter and the
//! handlers read one identity, and in the secure mode only a proven one. The
//! `authorization` header is removed once checked: no handler sees a credential.

use base64::Engine;
use std::future::Future;

use chrono::{DateTime, TimeDelta, Utc};
use der::Decode;
use housing_domain::Iin;
use housing_eds::{KeyPurpose, TrustAnchors, VerifiedSignature};
use tonic::Status;
use tonic::metadata::MetadataMap;
use tonic::transport::server::{TcpConnectInfo, TlsConnectInfo};

use super::staff::EDS_STAFF_AUTHENTICATION_STATEMENT;
use super::{EDS_AUTHENTICATION_FRESHNESS, EDS_AUTHENTICATION_STATEMENT, MutualTls, Security};
use crate::caller::{Caller, ID_KEY, IIN_KEY, ROLE_KEY, gateway_query};
use crate::error::{ErrorReason, Reason, ServiceError};
use crate::gate::Gate;

/// The longest credential header accepted (a CMS signature with its
/// certificate is about 2 KiB; a token a few hundred bytes).
const MAX_CREDENTIAL_BYTES: usize = 16 * 1024;

/// Who the mutual-TLS peer presenting `certificate_der` is: the common name of
/// its subject. The TLS handshake has already checked it chains to the CA.
pub fn system_name(certificate_der: &[u8]) -> Option<String> {
    let certificate = x509_cert::Certificate::from_der(certificate_der).ok()?;
    certificate
        .tbs_certificate
        .subject
        .0
        .iter()
        .flat_map(|rdn| rdn.0.iter())
        .find(|attribute| attribute.oid == const_oid_common_name())
        .and_then(|attribute| {
            attribute
                .value
                .decode_as::<der::asn1::Utf8StringRef<'_>>()
                .map(|text| text.as_str().to_owned())
                .or_else(|_| {
                    attribute
                        .value
                        .decode_as::<der::asn1::PrintableStringRef<'_>>()
                        .map(|text| text.as_str().to_owned())
                })
                .ok()
        })
        .map(|name| name.trim().to_owned())
        .filter(|name| !name.is_empty())
}

fn const_oid_common_name() -> der::asn1::ObjectIdentifier {
    der::asn1::ObjectIdentifier::new_unwrap("2.5.4.3")
}

/// Establishes the caller of a call in the mutual-TLS mode.
pub async fn authenticate(
    tls: &MutualTls,
    peer_certificate: Option<&[u8]>,
    metadata: &MetadataMap,
) -> Result<Caller, ServiceError> {
    let system = peer_certificate
        .and_then(system_name)
        .ok_or_else(|| unauthenticated("no client certificate naming a system"))?;
    // A register query names its calling system (X-Road's identification,
    // checked by registry-gateway against its client list): it must be the
    // system the certificate proves.
    if let Some(client_system) = metadata.get(gateway_query::CLIENT_SYSTEM_KEY)
        && client_system.to_str().map(str::trim).ok() != Some(system.as_str())
    {
        return Err(unauthenticated(
            "x-client-system names another system than the client certificate",
        ));
    }
    let Some(credential) = metadata.get("authorization") else {
        return Ok(Caller::system(system));
    };
    let credential = credential
        .to_str()
        .map_err(|_| unauthenticated("the authorization header is not text"))?
        .trim();
    if credential.len() > MAX_CREDENTIAL_BYTES {
        return Err(unauthenticated("the authorization header is too long"));
    }
    if let Some(token) = strip_scheme(credential, "Bearer") {
        let verifier = tls
            .staff
            .tokens
            .as_ref()
            .ok_or_else(|| unauthenticated("this service accepts no staff tokens"))?;
        let caller = verifier
            .verify(token)
            .map_err(|error| unauthenticated(&error.to_string()))?;
        return tls.staff.admit(caller).map_err(unauthenticated);
    }
    if let Some(signature) = strip_scheme(credential, "EDS") {
        let signer = eds_signer(tls, EDS_AUTHENTICATION_STATEMENT, signature).await?;
        return Ok(Caller::citizen(signer));
    }
    if let Some(signature) = strip_scheme(credential, "EDS-Staff") {
        let roster = tls
            .staff
            .roster
            .as_ref()
            .map(|roster| roster.current())
            .filter(|roster| !roster.is_empty())
            .ok_or_else(|| {
                unauthenticated("this service has no staff roster: staff authenticate with a token")
            })?;
        let signer = eds_signer(tls, EDS_STAFF_AUTHENTICATION_STATEMENT, signature).await?;
        let member = roster.member(&signer).ok_or_else(|| {
            unauthenticated(
                "the EDS authentication certificate's holder is not on the staff roster",
            )
        })?;
        return tls.staff.admit(member).map_err(unauthenticated);
    }
    Err(unauthenticated(
        "the authorization scheme is neither Bearer, EDS nor EDS-Staff",
    ))
}

fn strip_scheme<'a>(credential: &'a str, scheme: &str) -> Option<&'a str> {
    let (given, rest) = credential.split_once(' ')?;
    given.eq_ignore_ascii_case(scheme).then(|| rest.trim())
}

/// Whose EDS authentication signature of `statement` this is: checked,
/// then asked of the certification centre for revocation.
async fn eds_signer(
    tls: &MutualTls,
    statement: &[u8],
    signature_base64: &str,
) -> Result<Iin, ServiceError> {
    let Some(trust) = tls.eds_trust.get() else {
        return Err(unauthenticated(
            "this service does not accept EDS authentication",
        ));
    };
    let now = trust.clock.now();
    let verified = verify_eds_authentication(statement, &trust.anchors, signature_base64, now)?;
    trust
        .revocation
        .check(&verified.certificate_serial().to_string(), now)
        .await?;
    Ok(verified.signer_iin())
}

/// The cryptographic checks of an EDS authentication signature (the
/// `authorization: EDS` or `EDS-Staff` value without its scheme) at `now`:
/// it signs `statement` ([`EDS_AUTHENTICATION_STATEMENT`] for a citizen,
/// [`EDS_STAFF_AUTHENTICATION_STATEMENT`] for staff), chains to `anchors`, is made with an authentication
/// key, and is fresh. Revocation is asked of the centre after.
pub fn verify_eds_authentication(
    statement: &[u8],
    anchors: &TrustAnchors,
    signature_base64: &str,
    now: DateTime<Utc>,
) -> Result<VerifiedSignature, ServiceError> {
    let signature = base64::engine::general_purpose::STANDARD
        .decode(signature_base64)
        .map_err(|_| unauthenticated("the EDS signature is not base64"))?;
    let verified = housing_eds::verify_detached(statement, &signature, anchors, now)
        .map_err(|error| unauthenticated(&format!("the EDS signature: {error}")))?;
    if verified.key_purpose() != KeyPurpose::Authentication {
        return Err(unauthenticated(
            "the EDS signature is not made with an authentication key",
        ));
    }
    let freshness = TimeDelta::from_std(EDS_AUTHENTICATION_FRESHNESS).unwrap_or(TimeDelta::MAX);
    if verified.signing_time() + freshness < now {
        return Err(unauthenticated(
            "the EDS authentication signature is too old: sign the statement again",
        ));
    }
    Ok(verified)
}

fn unauthenticated(message: &str) -> ServiceError {
    ServiceError::Unauthenticated {
        reason: ErrorReason::Other(Reason::Unauthenticated),
        message: message.to_owned(),
    }
}

/// The gate every server runs first (`GateLayer::new(AuthenticationLayer::new(security))`,
/// in [`crate::server::serve`]).
#[derive(Debug, Clone)]
pub struct AuthenticationLayer {
    security: Security,
}

impl AuthenticationLayer {
    /// The gate for a server in `security`'s mode.
    pub fn new(security: Security) -> Self {
        Self { security }
    }
}

impl Gate for AuthenticationLayer {
    fn admit<Body: Send + 'static>(
        &self,
        mut request: http::Request<Body>,
    ) -> impl Future<Output = Result<http::Request<Body>, Status>> + Send {
        let security = self.security.clone();
        async move {
            let Security::MutualTls(tls) = &security else {
                // The insecure mode: identities as declared.
                return Ok(request);
            };
            let peer_certificate = request
                .extensions()
                .get::<TlsConnectInfo<TcpConnectInfo>>()
                .and_then(TlsConnectInfo::peer_certs)
                .and_then(|certificates| certificates.first().map(|first| first.to_vec()));
            // The headers are lent to the check and rewritten, not copied.
            let mut metadata = MetadataMap::from_headers(std::mem::take(request.headers_mut()));
            let established = authenticate(tls, peer_certificate.as_deref(), &metadata).await;
            for key in [ROLE_KEY, ID_KEY, IIN_KEY, "authorization"] {
                metadata.remove(key);
            }
            if let Ok(caller) = &established {
                caller.write_identity(&mut metadata);
            }
            *request.headers_mut() = metadata.into_headers();
            match established {
                Ok(_) => Ok(request),
                Err(error) => {
                    tracing::info!(
                        rpc.method = request.uri().path(),
                        error = %error,
                        "call refused: the caller is not authenticated"
                    );
                    Err(Status::from(error))
                }
            }
        }
    }
}

/// A citizen's `authorization` header value: a detached signature of
/// [`EDS_AUTHENTICATION_STATEMENT`] with their authentication key, signed at
/// `signed_at` (client tools and tests).
pub fn eds_authorization(
    authentication_certificate_der: &[u8],
    authentication_key_pkcs8_der: &[u8],
    signed_at: chrono::DateTime<Utc>,
) -> Result<String, housing_eds::SigningError> {
    signed_authorization(
        "EDS",
        EDS_AUTHENTICATION_STATEMENT,
        authentication_certificate_der,
        authentication_key_pkcs8_der,
        signed_at,
    )
}

/// A rostered member of staff's `authorization` header value: a detached
/// signature of [`EDS_STAFF_AUTHENTICATION_STATEMENT`] with their
/// authentication key, signed at `signed_at` (operators' tools and tests).
pub fn eds_staff_authorization(
    authentication_certificate_der: &[u8],
    authentication_key_pkcs8_der: &[u8],
    signed_at: chrono::DateTime<Utc>,
) -> Result<String, housing_eds::SigningError> {
    signed_authorization(
        "EDS-Staff",
        EDS_STAFF_AUTHENTICATION_STATEMENT,
        authentication_certificate_der,
        authentication_key_pkcs8_der,
        signed_at,
    )
}

fn signed_authorization(
    scheme: &str,
    statement: &[u8],
    certificate_der: &[u8],
    key_pkcs8_der: &[u8],
    signed_at: chrono::DateTime<Utc>,
) -> Result<String, housing_eds::SigningError> {
    let signature =
        housing_eds::sign_detached(statement, certificate_der, key_pkcs8_der, signed_at)?;
    Ok(format!(
        "{scheme} {}",
        base64::engine::general_purpose::STANDARD.encode(signature)
    ))
}
