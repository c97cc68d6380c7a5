//! The root certificate that EDS signer certificates must chain to: read
//! from a configured DER file, or asked of the certification centre at
//! start-up. Every service that accepts signed documents loads it this way.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::Context;
use housing_eds::TrustAnchors;
use housing_proto::housing::registry::v1::GetRootCertificateRequest;
use housing_proto::housing::registry::v1::certification_centre_service_client::CertificationCentreServiceClient;
use tonic::transport::Channel;

use crate::caller::Caller;

const FIRST_RETRY_DELAY: Duration = Duration::from_millis(100);
const LONGEST_RETRY_DELAY: Duration = Duration::from_secs(2);

/// Where the root certificate that signer certificates must chain to comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TrustRootSource {
    /// Ask the certification centre (`GetRootCertificate`) at start-up,
    /// retrying until it answers or the wait is over.
    CertificationCentre {
        /// How long to keep asking.
        wait: Duration,
    },
    /// Read a DER certificate from a file.
    File(PathBuf),
}

/// Loads the trusted root. From the centre, the call is repeated with a
/// growing delay until it answers or `wait` is over: in the all-in-one
/// launcher and the end-to-end tests the centre may still be starting.
/// `service` is the calling system's name; each call has `call_timeout`.
pub async fn load_trust_anchors(
    source: &TrustRootSource,
    centre: &CertificationCentreServiceClient<Channel>,
    service: &str,
    call_timeout: Duration,
) -> anyhow::Result<TrustAnchors> {
    let root_der = match source {
        TrustRootSource::File(path) => tokio::fs::read(path)
            .await
            .with_context(|| format!("cannot read the trust root {}", path.display()))?,
        TrustRootSource::CertificationCentre { wait } => {
            root_from_centre(centre, service, call_timeout, *wait).await?
        }
    };
    TrustAnchors::from_root_der(&root_der)
        .context("the trust root is not a usable root certificate")
}

/// How long a service that takes no signed documents waits at start-up for
/// the certification centre's root, in the mutual-TLS mode.
pub const CITIZEN_EDS_ROOT_WAIT: Duration = Duration::from_secs(60);

/// In the mutual-TLS mode, lets citizens authenticate to a service that takes
/// no signed documents (and so has no trust root of its own): asks the
/// certification centre for its root, as [`load_trust_anchors`] does, and
/// hands it to `security` with the service's business clock (`None`: the
/// settings'). Nothing to do in the insecure mode.
pub async fn trust_citizen_eds_from_centre(
    security: &crate::security::Security,
    centre: &CertificationCentreServiceClient<Channel>,
    service: &str,
    call_timeout: Duration,
    clock: Option<std::sync::Arc<dyn crate::clock::Clock>>,
) -> anyhow::Result<()> {
    if !security.needs_citizen_eds_trust() {
        return Ok(());
    }
    let source = TrustRootSource::CertificationCentre {
        wait: CITIZEN_EDS_ROOT_WAIT,
    };
    let anchors = load_trust_anchors(&source, centre, service, call_timeout).await?;
    security.trust_citizen_eds(
        anchors,
        clock,
        crate::security::revocation::RevocationChecker::new(centre.clone(), service, call_timeout),
    );
    Ok(())
}

async fn root_from_centre(
    centre: &CertificationCentreServiceClient<Channel>,
    service: &str,
    call_timeout: Duration,
    wait: Duration,
) -> anyhow::Result<Vec<u8>> {
    let started = Instant::now();
    let mut delay = FIRST_RETRY_DELAY;
    let mut attempts = 0_u32;
    loop {
        attempts += 1;
        let mut request = tonic::Request::new(GetRootCertificateRequest {});
        Caller::system(service).attach(request.metadata_mut());
        request.set_timeout(call_timeout);
        match centre.clone().get_root_certificate(request).await {
            Ok(response) => {
                tracing::info!(
                    attempts,
                    "trust root received from the certification centre"
                );
                return Ok(response.into_inner().certificate_der);
            }
            Err(status) if started.elapsed() + delay < wait => {
                tracing::debug!(code = ?status.code(), attempts, "certification centre not answering yet");
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(LONGEST_RETRY_DELAY);
            }
            Err(status) => {
                anyhow::bail!(
                    "the certification centre gave no root certificate within {} ms \
                     ({attempts} attempts, last: {:?} {})",
                    wait.as_millis(),
                    status.code(),
                    status.message()
                );
            }
        }
    }
}
