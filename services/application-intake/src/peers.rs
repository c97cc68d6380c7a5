//! The services intake calls, over shared lazily connected channels: one per
//! peer, cloned into every client, so that start order does not matter and
//! no request pays for a connection.

use std::time::Duration;

use anyhow::Context;
use housing_platform::caller::Caller;
use housing_platform::security::Security;
use housing_proto::housing::eligibility::v1::eligibility_service_client::EligibilityServiceClient;
use housing_proto::housing::registry::v1::certification_centre_service_client::CertificationCentreServiceClient;
use tonic::Request;
use tonic::transport::Channel;

use crate::settings::PeerSettings;

/// How long establishing a connection to a peer may take before the call fails
/// (and, for the outbox, is retried).
const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);

/// Clients of the peers.
#[derive(Debug, Clone)]
pub struct Peers {
    /// eligibility-verification.
    pub eligibility: EligibilityServiceClient<Channel>,
    /// The certification centre (registry-gateway's test PKI).
    pub certification_centre: CertificationCentreServiceClient<Channel>,
    /// The deadline of each call.
    pub call_timeout: Duration,
}

impl Peers {
    /// Prepares the channels; nothing connects until the first call.
    pub fn connect_lazily(settings: &PeerSettings, security: &Security) -> anyhow::Result<Self> {
        let channel = |address: &str| -> anyhow::Result<Channel> {
            Ok(security
                .endpoint(address)
                .with_context(|| format!("{address} cannot be reached"))?
                .connect_timeout(CONNECT_TIMEOUT)
                .tcp_nodelay(true)
                .connect_lazy())
        };
        Ok(Self {
            eligibility: EligibilityServiceClient::new(channel(&settings.eligibility_address)?),
            certification_centre: CertificationCentreServiceClient::new(channel(
                &settings.certification_centre_address,
            )?),
            call_timeout: settings.call_timeout,
        })
    }

    /// A request from this service, identified as the system it is, with the
    /// call deadline set.
    pub fn request<T>(&self, message: T) -> Request<T> {
        let mut request = Request::new(message);
        Caller::system(crate::SERVICE).attach(request.metadata_mut());
        request.set_timeout(self.call_timeout);
        request
    }
}
