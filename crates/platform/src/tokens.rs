//! Operators' signed bearer tokens: EdDSA (Ed25519) JSON Web Tokens issued by
//! the provider's identity service and carried as `authorization: Bearer …`.
//!
//! A token names one member of staff (`sub`) and one role (`role`: operator,
//! provider-head, complaints-body or auditor). It must be signed with the
//! configured key, name the configured issuer and the audience
//! [`AUDIENCE`], be current (`nbf` ≤ now < `exp`, 30 s leeway) and live at
//! most [`MAX_LIFETIME`]. Citizens do not use tokens (they authenticate with
//! their EDS), and systems do not (their TLS certificate names them): a token
//! for either role is refused.
//!
//! `housing-token` issues tokens from a signing key file; see docs/security.md.

use std::time::Duration;

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use crate::caller::{Caller, Role};

/// The audience every token must name.
pub const AUDIENCE: &str = "housing-provision-center";
/// The issuer tokens name unless `HOUSING_TOKEN_ISSUER` says otherwise.
pub const DEFAULT_ISSUER: &str = "otbasy-bank-identity";
/// The longest a token may live (`exp` − `iat`): one working shift.
pub const MAX_LIFETIME: Duration = Duration::from_secs(12 * 60 * 60);
const LEEWAY_SECONDS: u64 = 30;

/// The roles a token may carry.
pub const TOKEN_ROLES: [Role; 4] = [
    Role::Operator,
    Role::ProviderHead,
    Role::ComplaintsBody,
    Role::Auditor,
];

/// Why a token is refused. Never carries the token.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TokenError {
    /// Malformed, wrongly signed, expired, of another issuer or audience.
    #[error("the bearer token is not valid: {0}")]
    Invalid(String),
    /// Valid, but for a role no token may carry, or living too long.
    #[error("the bearer token is not acceptable: {0}")]
    Refused(&'static str),
}

/// The claims of a token.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Claims {
    /// Issuer.
    pub iss: String,
    /// Audience.
    pub aud: String,
    /// The member of staff's id.
    pub sub: String,
    /// Their role, as it travels in metadata (`operator`, …).
    pub role: String,
    /// Issued at, seconds since the epoch.
    pub iat: u64,
    /// Not before, seconds since the epoch.
    pub nbf: u64,
    /// Expires at, seconds since the epoch.
    pub exp: u64,
}

/// Checks tokens against the issuer's public key.
#[derive(Clone)]
pub struct TokenVerifier {
    key: DecodingKey,
    validation: Validation,
}

impl std::fmt::Debug for TokenVerifier {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("TokenVerifier")
            .field("issuer", &self.validation.iss)
            .finish_non_exhaustive()
    }
}

impl TokenVerifier {
    /// A verifier for tokens of `issuer` signed by the Ed25519 key whose
    /// public half is `public_key_pem` (SubjectPublicKeyInfo PEM).
    pub fn new(public_key_pem: &[u8], issuer: &str) -> Result<Self, TokenError> {
        let key = DecodingKey::from_ed_pem(public_key_pem)
            .map_err(|error| TokenError::Invalid(format!("unusable public key: {error}")))?;
        let mut validation = Validation::new(Algorithm::EdDSA);
        validation.set_issuer(&[issuer]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "nbf", "iat", "iss", "aud", "sub"]);
        validation.validate_nbf = true;
        validation.leeway = LEEWAY_SECONDS;
        Ok(Self { key, validation })
    }

    /// The staff caller a token names.
    pub fn verify(&self, token: &str) -> Result<Caller, TokenError> {
        let data = jsonwebtoken::decode::<Claims>(token, &self.key, &self.validation)
            .map_err(|error| TokenError::Invalid(error.kind_text()))?;
        let claims = data.claims;
        if claims.exp.saturating_sub(claims.iat) > MAX_LIFETIME.as_secs() {
            return Err(TokenError::Refused("it lives longer than 12 hours"));
        }
        let role = Role::parse(&claims.role)
            .filter(|role| TOKEN_ROLES.contains(role))
            .ok_or(TokenError::Refused(
                "its role is not one a token may carry (operator, provider-head, complaints-body, auditor)",
            ))?;
        if claims.sub.trim().is_empty() || claims.sub.len() > 128 {
            return Err(TokenError::Refused("it names no member of staff"));
        }
        Ok(Caller::staff(role, claims.sub))
    }
}

/// A token error's kind without any part of the token.
trait KindText {
    fn kind_text(&self) -> String;
}

impl KindText for jsonwebtoken::errors::Error {
    fn kind_text(&self) -> String {
        use jsonwebtoken::errors::ErrorKind;
        match self.kind() {
            ErrorKind::ExpiredSignature => "expired".to_owned(),
            ErrorKind::ImmatureSignature => "not valid yet".to_owned(),
            ErrorKind::InvalidSignature => "bad signature".to_owned(),
            ErrorKind::InvalidIssuer => "another issuer".to_owned(),
            ErrorKind::InvalidAudience => "another audience".to_owned(),
            ErrorKind::InvalidAlgorithm => "another algorithm".to_owned(),
            ErrorKind::MissingRequiredClaim(claim) => format!("no `{claim}` claim"),
            _ => "malformed".to_owned(),
        }
    }
}

/// Signs tokens: the identity service's side, used by `housing-token` and tests.
#[derive(Clone)]
pub struct TokenIssuer {
    key: EncodingKey,
    issuer: String,
}

impl std::fmt::Debug for TokenIssuer {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("TokenIssuer")
            .field("issuer", &self.issuer)
            .finish_non_exhaustive()
    }
}

impl TokenIssuer {
    /// An issuer named `issuer` signing with the Ed25519 key `private_key_pem` (PKCS#8 PEM).
    pub fn new(private_key_pem: &[u8], issuer: &str) -> Result<Self, TokenError> {
        let key = EncodingKey::from_ed_pem(private_key_pem)
            .map_err(|error| TokenError::Invalid(format!("unusable signing key: {error}")))?;
        Ok(Self {
            key,
            issuer: issuer.to_owned(),
        })
    }

    /// A token for `subject` in `role`, valid from now for `lifetime`.
    pub fn issue(
        &self,
        role: Role,
        subject: &str,
        lifetime: Duration,
    ) -> Result<String, TokenError> {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_err(|_| TokenError::Refused("the clock is before 1970"))?
            .as_secs();
        self.issue_claims(&Claims {
            iss: self.issuer.clone(),
            aud: AUDIENCE.to_owned(),
            sub: subject.to_owned(),
            role: role.as_str().to_owned(),
            iat: now,
            nbf: now,
            exp: now + lifetime.as_secs(),
        })
    }

    /// A token with exactly these claims (tests use it for expired or
    /// long-lived tokens).
    pub fn issue_claims(&self, claims: &Claims) -> Result<String, TokenError> {
        jsonwebtoken::encode(&Header::new(Algorithm::EdDSA), claims, &self.key)
            .map_err(|error| TokenError::Invalid(error.kind_text()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dev_pki::DevPki;

    fn pair() -> (TokenIssuer, TokenVerifier) {
        let pki = DevPki::generate("test CA", &[]).expect("a PKI");
        (
            TokenIssuer::new(pki.token_signing_key_pem.as_bytes(), DEFAULT_ISSUER).expect("issuer"),
            TokenVerifier::new(pki.token_public_key_pem.as_bytes(), DEFAULT_ISSUER)
                .expect("verifier"),
        )
    }

    fn now() -> u64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("after 1970")
            .as_secs()
    }

    #[test]
    fn a_token_names_its_member_of_staff_and_role() {
        let (issuer, verifier) = pair();
        for role in TOKEN_ROLES {
            let token = issuer
                .issue(role, "staff-7", Duration::from_secs(600))
                .expect("a token");
            let caller = verifier.verify(&token).expect("valid");
            assert_eq!(caller.role(), role);
            assert_eq!(caller.id(), "staff-7");
        }
    }

    #[test]
    fn tokens_for_citizens_or_systems_are_refused() {
        let (issuer, verifier) = pair();
        for role in [Role::Citizen, Role::System] {
            let token = issuer
                .issue(role, "someone", Duration::from_secs(600))
                .expect("a token");
            assert!(matches!(
                verifier.verify(&token),
                Err(TokenError::Refused(_))
            ));
        }
    }

    #[test]
    fn another_key_an_expired_token_or_a_long_one_is_refused() {
        let (issuer, verifier) = pair();
        let (other_issuer, _) = pair();
        let foreign = other_issuer
            .issue(Role::Auditor, "a-1", Duration::from_secs(600))
            .expect("a token");
        assert_eq!(
            verifier.verify(&foreign),
            Err(TokenError::Invalid("bad signature".to_owned()))
        );
        let claims = |iat: u64, exp: u64| Claims {
            iss: DEFAULT_ISSUER.to_owned(),
            aud: AUDIENCE.to_owned(),
            sub: "op-1".to_owned(),
            role: "operator".to_owned(),
            iat,
            nbf: iat,
            exp,
        };
        let expired = issuer
            .issue_claims(&claims(now() - 7200, now() - 3600))
            .expect("a token");
        assert_eq!(
            verifier.verify(&expired),
            Err(TokenError::Invalid("expired".to_owned()))
        );
        let long = issuer
            .issue_claims(&claims(now(), now() + 13 * 3600))
            .expect("a token");
        assert!(matches!(
            verifier.verify(&long),
            Err(TokenError::Refused(_))
        ));
        let mut other_audience = claims(now(), now() + 600);
        other_audience.aud = "another-system".to_owned();
        let token = issuer.issue_claims(&other_audience).expect("a token");
        assert_eq!(
            verifier.verify(&token),
            Err(TokenError::Invalid("another audience".to_owned()))
        );
        assert!(verifier.verify("not.a.token").is_err());
        let mut tampered = issuer
            .issue(Role::Operator, "op-1", Duration::from_secs(600))
            .expect("a token");
        // Flip the role in the payload: the signature no longer matches.
        let parts: Vec<&str> = tampered.split('.').collect();
        let payload = String::from_utf8(
            base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, parts[1])
                .expect("base64"),
        )
        .expect("utf-8")
        .replace("operator", "provider-head");
        tampered = format!(
            "{}.{}.{}",
            parts[0],
            base64::Engine::encode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, payload),
            parts[2]
        );
        assert_eq!(
            verifier.verify(&tampered),
            Err(TokenError::Invalid("bad signature".to_owned()))
        );
    }
}
