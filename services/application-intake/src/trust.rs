//! The root certificate signer certificates must chain to: from a configured
//! DER file, or asked of the certification centre at start-up.

use std::time::{Duration, Instant};

use anyhow::Context;
use housing_eds::TrustAnchors;
use housing_proto::housing::registry::v1::GetRootCertificateRequest;

use crate::peers::Peers;
use crate::settings::TrustRootSource;

const FIRST_RETRY_DELAY: Duration = Duration::from_millis(100);
const LONGEST_RETRY_DELAY: Duration = Duration::from_secs(2);

/// Loads the trusted root. From the centre, the call is repeated with a
/// growing delay until it answers or `wait` is over: in the all-in-one
/// launcher and the end-to-end tests the centre may still be starting.
pub async fn load_trust_anchors(
    source: &TrustRootSource,
    peers: &Peers,
) -> anyhow::Result<TrustAnchors> {
    let root_der = match source {
        TrustRootSource::File(path) => tokio::fs::read(path)
            .await
            .with_context(|| format!("cannot read the trust root {}", path.display()))?,
        TrustRootSource::CertificationCentre { wait } => root_from_centre(peers, *wait).await?,
    };
    TrustAnchors::from_root_der(&root_der)
        .context("the trust root is not a usable root certificate")
}

async fn root_from_centre(peers: &Peers, wait: Duration) -> anyhow::Result<Vec<u8>> {
    let started = Instant::now();
    let mut delay = FIRST_RETRY_DELAY;
    let mut attempts = 0_u32;
    loop {
        attempts += 1;
        let answer = peers
            .certification_centre
            .clone()
            .get_root_certificate(peers.request(GetRootCertificateRequest {}))
            .await;
        match answer {
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
