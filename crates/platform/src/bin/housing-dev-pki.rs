//! `housing-dev-pki DIRECTORY [SYSTEM…]`: writes a development PKI for the
//! mutual-TLS mode into DIRECTORY: a CA, a certificate and key for each of
//! the suite's five services and for each SYSTEM named (by default
//! `operator-console`, for operators' grpcurl, and `python-government-system`,
//! the contract tests' client), and the key pair staff tokens are signed with.
//! For docker-compose and for trying the secure mode on one machine; real
//! deployments use their own PKI (docs/security.md). `scripts/dev-pki.sh`
//! runs it for docker-compose.

use std::path::PathBuf;
use std::process::ExitCode;

use housing_platform::dev_pki::{DevPki, SUITE_SYSTEMS};

const USAGE: &str = "usage: housing-dev-pki DIRECTORY [SYSTEM...]";
const DEFAULT_CLIENTS: [&str; 2] = ["operator-console", "python-government-system"];

fn main() -> ExitCode {
    let mut arguments = std::env::args().skip(1);
    let Some(directory) = arguments.next().map(PathBuf::from) else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    let named: Vec<String> = arguments.collect();
    let clients: Vec<&str> = if named.is_empty() {
        DEFAULT_CLIENTS.to_vec()
    } else {
        named.iter().map(String::as_str).collect()
    };
    let systems: Vec<&str> = SUITE_SYSTEMS.iter().copied().chain(clients).collect();
    let written = DevPki::generate("Housing Provision Center development CA", &systems)
        .map_err(|error| error.to_string())
        .and_then(|pki| pki.write_to(&directory).map_err(|error| error.to_string()));
    match written {
        Ok(()) => {
            println!(
                "development PKI written to {} for: {}",
                directory.display(),
                systems.join(", ")
            );
            ExitCode::SUCCESS
        }
        Err(problem) => {
            eprintln!("cannot write the development PKI: {problem}");
            ExitCode::FAILURE
        }
    }
}
