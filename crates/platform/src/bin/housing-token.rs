//! `housing-token KEY_FILE ROLE STAFF_ID [MINUTES]`: prints a signed bearer
//! token for a member of staff: ROLE is `operator`, `provider-head`,
//! `complaints-body` or `auditor`; MINUTES (default 60, at most 720) is how
//! long it lives. KEY_FILE is the Ed25519 signing key (PKCS#8 PEM), e.g.
//! `token-signing.key` of the development PKI; the issuer is
//! `HOUSING_TOKEN_ISSUER` or the default. The identity service's job in a
//! real deployment; here for development and operators' grpcurl:
//!
//! ```text
//! grpcurl -cacert pki/ca.pem -cert pki/operator-console.pem -key pki/operator-console.key \
//!   -H "authorization: Bearer $(housing-token pki/token-signing.key operator operator-1)" …
//! ```

use std::process::ExitCode;
use std::time::Duration;

use housing_platform::caller::Role;
use housing_platform::tokens::{DEFAULT_ISSUER, MAX_LIFETIME, TOKEN_ROLES, TokenIssuer};

const USAGE: &str = "usage: housing-token KEY_FILE ROLE STAFF_ID [MINUTES]";

fn main() -> ExitCode {
    let arguments: Vec<String> = std::env::args().skip(1).collect();
    match issue(&arguments) {
        Ok(token) => {
            println!("{token}");
            ExitCode::SUCCESS
        }
        Err(problem) => {
            eprintln!("{problem}\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn issue(arguments: &[String]) -> Result<String, String> {
    let [key_file, role, staff_id, rest @ ..] = arguments else {
        return Err("missing arguments".to_owned());
    };
    let minutes: u64 = match rest {
        [] => 60,
        [minutes] => minutes
            .parse()
            .map_err(|_| format!("{minutes} is not a number of minutes"))?,
        _ => return Err("too many arguments".to_owned()),
    };
    let lifetime = Duration::from_secs(minutes * 60);
    if minutes == 0 || lifetime > MAX_LIFETIME {
        return Err("MINUTES must be between 1 and 720".to_owned());
    }
    let role = Role::parse(role)
        .filter(|role| TOKEN_ROLES.contains(role))
        .ok_or_else(|| format!("{role} is not a staff role"))?;
    let key = std::fs::read(key_file).map_err(|error| format!("{key_file}: {error}"))?;
    let issuer =
        std::env::var("HOUSING_TOKEN_ISSUER").unwrap_or_else(|_| DEFAULT_ISSUER.to_owned());
    TokenIssuer::new(&key, issuer.trim())
        .and_then(|issuer| issuer.issue(role, staff_id, lifetime))
        .map_err(|error| error.to_string())
}
