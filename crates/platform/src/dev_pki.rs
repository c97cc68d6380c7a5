//! The development PKI: a certificate authority, a TLS certificate for each
//! system that takes part in mutual TLS, and the key pair operators' bearer
//! tokens are signed with. `housing-dev-pki` writes it to a directory for
//! docker-compose and for trying the secure mode on one machine; the tests
//! generate one in a temporary directory. Real deployments get their
//! certificates and token keys from their own PKI, by configuration
//! ([`crate::security`]); nothing here is used by a service at run time.
//!
//! Files written by [`DevPki::write_to`]:
//!
//! | file | what |
//! |---|---|
//! | `ca.pem` | the development CA's certificate: `HOUSING_TLS_CA_FILE` of every system |
//! | `<system>.pem`, `<system>.key` | a system's certificate (its name is the subject's CN; DNS names `<system>` and `localhost`, IP 127.0.0.1) and private key: `HOUSING_TLS_CERT_FILE`, `HOUSING_TLS_KEY_FILE` |
//! | `token-signing.key` | the Ed25519 key operators' tokens are signed with (for `housing-token`) |
//! | `token-signing.pub.pem` | its public key: `HOUSING_TOKEN_PUBLIC_KEY_FILE` of every service |
//! | `staff-withdrawn.txt` | staff ids whose access is withdrawn, none at first: `HOUSING_STAFF_WITHDRAWN_FILE` of every service |
//! | `staff-roster.txt` | [`DEVELOPMENT_STAFF_ROSTER`]: fictitious staff who may act with their EDS authentication key, `HOUSING_STAFF_ROSTER_FILE` of every service |
//!
//! The CA's private key is not kept: no certificate can be added later
//! without generating the whole set again, so a leaked directory cannot mint
//! new identities.

use std::fs;
use std::io;
use std::net::{IpAddr, Ipv4Addr};
use std::path::Path;

use chrono::{Datelike, Utc};
use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyPair, KeyUsagePurpose, SanType,
};

/// The suite's own services: each gets a certificate.
pub const SUITE_SYSTEMS: [&str; 5] = [
    "application-intake",
    "eligibility-verification",
    "registry-gateway",
    "notification",
    "complaints",
];

/// The name of the withdrawn staff ids' file in the directory.
pub const STAFF_WITHDRAWN_FILE: &str = "staff-withdrawn.txt";

/// The name of the staff roster's file in the directory.
pub const STAFF_ROSTER_FILE: &str = "staff-roster.txt";

/// The development staff roster ([`crate::security::staff`]): one fictitious
/// member of staff per role, whose EDS authentication keys the test
/// certification centre issues on request.
pub const DEVELOPMENT_STAFF_ROSTER: &str = "\
# The development staff roster: fictitious people, one per role.
# role            staff id            IIN
operator          operator-eds-1      750203400015
provider-head     provider-head-eds-1 781105500027
complaints-body   complaints-eds-1    810712400036
auditor           auditor-eds-1       840903300043
";

/// One system's certificate and key, PEM.
#[derive(Clone)]
pub struct SystemCertificate {
    /// The system's name: the certificate subject's common name.
    pub name: String,
    /// The certificate, PEM.
    pub certificate_pem: String,
    /// The same certificate, DER (what a TLS peer presents).
    pub certificate_der: Vec<u8>,
    /// The private key (PKCS#8), PEM. Secret.
    pub private_key_pem: String,
}

impl std::fmt::Debug for SystemCertificate {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("SystemCertificate")
            .field("name", &self.name)
            .field("private_key_pem", &"[redacted]")
            .finish_non_exhaustive()
    }
}

/// A generated development PKI.
#[derive(Clone)]
pub struct DevPki {
    /// The CA's certificate, PEM.
    pub ca_pem: String,
    /// A certificate per system.
    pub systems: Vec<SystemCertificate>,
    /// The Ed25519 token-signing key (PKCS#8), PEM. Secret.
    pub token_signing_key_pem: String,
    /// Its public key (SubjectPublicKeyInfo), PEM.
    pub token_public_key_pem: String,
}

impl std::fmt::Debug for DevPki {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("DevPki")
            .field("systems", &self.systems)
            .field("token_signing_key_pem", &"[redacted]")
            .finish_non_exhaustive()
    }
}

impl DevPki {
    /// Generates a CA named `ca_name`, a certificate for every name in
    /// `systems` (server and client use) and a token-signing key. Valid from
    /// the start of the current month for two years.
    pub fn generate(ca_name: &str, systems: &[&str]) -> Result<Self, rcgen::Error> {
        let today = Utc::now().date_naive();
        let month = u8::try_from(today.month()).unwrap_or(1);
        let not_before = rcgen::date_time_ymd(today.year(), month, 1);
        let not_after = rcgen::date_time_ymd(today.year() + 2, month, 1);

        let ca_key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256)?;
        let mut ca_params = CertificateParams::new(Vec::<String>::new())?;
        ca_params.distinguished_name = name(ca_name);
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
        ca_params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        ca_params.not_before = not_before;
        ca_params.not_after = not_after;
        let ca_certificate = ca_params.self_signed(&ca_key)?;
        let issuer = Issuer::new(ca_params, ca_key);

        let mut certificates = Vec::with_capacity(systems.len());
        for system in systems {
            let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256)?;
            let mut params =
                CertificateParams::new(vec![(*system).to_owned(), "localhost".to_owned()])?;
            params
                .subject_alt_names
                .push(SanType::IpAddress(IpAddr::V4(Ipv4Addr::LOCALHOST)));
            params.distinguished_name = name(system);
            params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
            params.extended_key_usages = vec![
                ExtendedKeyUsagePurpose::ServerAuth,
                ExtendedKeyUsagePurpose::ClientAuth,
            ];
            params.use_authority_key_identifier_extension = true;
            params.not_before = not_before;
            params.not_after = not_after;
            let certificate = params.signed_by(&key, &issuer)?;
            certificates.push(SystemCertificate {
                name: (*system).to_owned(),
                certificate_pem: certificate.pem(),
                certificate_der: certificate.der().to_vec(),
                private_key_pem: key.serialize_pem(),
            });
        }

        let token_key = KeyPair::generate_for(&rcgen::PKCS_ED25519)?;
        Ok(Self {
            ca_pem: ca_certificate.pem(),
            systems: certificates,
            token_signing_key_pem: token_key.serialize_pem(),
            token_public_key_pem: token_key.public_key_pem(),
        })
    }

    /// The certificate of `system`, if it has one.
    pub fn system(&self, system: &str) -> Option<&SystemCertificate> {
        self.systems.iter().find(|entry| entry.name == system)
    }

    /// Writes the files listed in the module's documentation into `directory`
    /// (created if missing). The private keys are as readable as the other
    /// files: docker-compose bind-mounts the directory into containers that
    /// run as an unprivileged user of their own. It is a development PKI;
    /// production keys come from the deployment's own secret store.
    pub fn write_to(&self, directory: &Path) -> io::Result<()> {
        fs::create_dir_all(directory)?;
        fs::write(directory.join("ca.pem"), &self.ca_pem)?;
        for system in &self.systems {
            fs::write(
                directory.join(format!("{}.pem", system.name)),
                &system.certificate_pem,
            )?;
            write_secret(
                &directory.join(format!("{}.key", system.name)),
                &system.private_key_pem,
            )?;
        }
        write_secret(
            &directory.join("token-signing.key"),
            &self.token_signing_key_pem,
        )?;
        fs::write(
            directory.join("token-signing.pub.pem"),
            &self.token_public_key_pem,
        )?;
        fs::write(directory.join(STAFF_ROSTER_FILE), DEVELOPMENT_STAFF_ROSTER)?;
        fs::write(
            directory.join(STAFF_WITHDRAWN_FILE),
            "# Staff ids whose access is withdrawn, one per line.\n",
        )?;
        Ok(())
    }
}

fn name(common_name: &str) -> DistinguishedName {
    let mut name = DistinguishedName::new();
    name.push(
        DnType::OrganizationName,
        "Housing Provision Center (development)",
    );
    name.push(DnType::CommonName, common_name);
    name
}

fn write_secret(path: &Path, text: &str) -> io::Result<()> {
    fs::write(path, text)
}
