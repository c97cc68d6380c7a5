//! The services complaints calls, over shared lazily connected channels: one
//! per peer, cloned into every client, so that start order does not matter.

use std::time::Duration;

use anyhow::Context;
use housing_platform::caller::Caller;
use housing_platform::security::Security;
use housing_proto::housing::eligibility::v1::eligibility_service_client::EligibilityServiceClient;
use housing_proto::housing::intake::v1::application_intake_service_client::ApplicationIntakeServiceClient;
use housing_proto::housing::notification::v1::notification_service_client::NotificationServiceClient;
use housing_proto::housing::registry::v1::certification_centre_service_client::CertificationCentreServiceClient;
use tonic::Request;
use tonic::transport::Channel;

use crate::settings::PeerSettings;

const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);

/// Clients of the peers.
#[derive(Debug, Clone)]
pub struct Peers {
    /// application-intake: the application and its history.
    pub intake: ApplicationIntakeServiceClient<Channel>,
    /// eligibility-verification: the case, its decisions and hearing; the remedies.
    pub eligibility: EligibilityServiceClient<Channel>,
    /// notification: the notices.
    pub notification: NotificationServiceClient<Channel>,
    /// The certification centre: signer certificates' status.
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
            intake: ApplicationIntakeServiceClient::new(channel(&settings.intake_address)?),
            eligibility: EligibilityServiceClient::new(channel(&settings.eligibility_address)?),
            notification: NotificationServiceClient::new(channel(&settings.notification_address)?),
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
