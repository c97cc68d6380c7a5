//! The mobile citizens database, asked through registry-gateway: whether a
//! text message may go, and to which number (`DECISION_NOTICE`, §16).

use std::time::Duration;

use chrono::{Datelike, Utc};
use housing_domain::Iin;
use housing_platform::caller::gateway_query;
use housing_platform::security::Security;
use housing_proto::google::r#type::Date;
use housing_proto::housing::registry::v1 as pb;
use housing_proto::housing::registry::v1::registry_gateway_service_client::RegistryGatewayServiceClient;
use tonic::transport::Channel;
use tonic::{Code, Request};

use crate::contact::PhoneNumber;
use crate::settings::RegistrySettings;

/// The system name this service gives registry-gateway (`x-client-system`).
pub const CLIENT_SYSTEM: &str = crate::SERVICE;

/// What the mobile citizens database says about a recipient.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MobileCitizenAnswer {
    /// A number is registered and linked to the portal account: text it.
    Linked {
        /// The registered number.
        number: PhoneNumber,
    },
    /// The person is known but has no registered number linked to the portal account.
    NotLinked,
    /// The database has nothing on the person.
    NotFound,
    /// The gateway did not answer: not an answer, so the text message waits and is retried.
    Fault {
        /// A stable code and an explanation, for the delivery's failure reason.
        reason: String,
    },
}

impl MobileCitizenAnswer {
    /// A short label for log lines; never the number.
    pub fn label(&self) -> &'static str {
        match self {
            MobileCitizenAnswer::Linked { .. } => "linked",
            MobileCitizenAnswer::NotLinked => "not_linked",
            MobileCitizenAnswer::NotFound => "not_found",
            MobileCitizenAnswer::Fault { .. } => "fault",
        }
    }
}

/// The mobile citizens database through registry-gateway. Cloning shares the
/// lazily connected channel, so no look-up pays for a connection.
#[derive(Debug, Clone)]
pub struct MobileCitizenDirectory {
    client: RegistryGatewayServiceClient<Channel>,
    timeout: Duration,
}

impl MobileCitizenDirectory {
    /// The channel to the gateway at `settings.address`, connected on first
    /// use: the directory's, and the certification centre's (the same server).
    pub fn channel(settings: &RegistrySettings, security: &Security) -> anyhow::Result<Channel> {
        Ok(security
            .endpoint(&settings.address)?
            .connect_timeout(settings.timeout)
            .connect_lazy())
    }

    /// A directory over `channel` ([`MobileCitizenDirectory::channel`]).
    pub fn new(channel: Channel, settings: &RegistrySettings) -> Self {
        Self {
            client: RegistryGatewayServiceClient::new(channel),
            timeout: settings.timeout,
        }
    }

    /// Asks about `recipient` as of today (Asia/Almaty), on behalf of
    /// `on_behalf_of`, for the case `application`.
    pub async fn look_up(
        &self,
        recipient: &Iin,
        application: &str,
        on_behalf_of: &str,
    ) -> MobileCitizenAnswer {
        let today = Utc::now()
            .with_timezone(&chrono_tz::Asia::Almaty)
            .date_naive();
        let mut request = Request::new(pb::GetMobileCitizenRecordRequest {
            iin: recipient.as_str().to_owned(),
            as_of_date: Some(Date {
                year: today.year(),
                month: i32::try_from(today.month()).unwrap_or_default(),
                day: i32::try_from(today.day()).unwrap_or_default(),
            }),
        });
        gateway_query::attach(
            request.metadata_mut(),
            CLIENT_SYSTEM,
            on_behalf_of,
            application,
        );
        request.set_timeout(self.timeout);
        let mut client = self.client.clone();
        // The outer timeout also bounds connecting, which grpc-timeout does not.
        let answer = tokio::time::timeout(self.timeout, client.get_mobile_citizen_record(request));
        match answer.await {
            Err(_elapsed) => MobileCitizenAnswer::Fault {
                reason: "REGISTER_TIMEOUT: the mobile citizens database did not answer in time"
                    .to_owned(),
            },
            Ok(Err(status)) => fault_of(&status),
            Ok(Ok(response)) => answer_of(response.into_inner()),
        }
    }
}

fn answer_of(response: pb::GetMobileCitizenRecordResponse) -> MobileCitizenAnswer {
    let record = match (response.found, response.record) {
        (true, Some(record)) => record,
        _ => return MobileCitizenAnswer::NotFound,
    };
    if !(record.registered && record.linked_to_portal_account) {
        return MobileCitizenAnswer::NotLinked;
    }
    match PhoneNumber::parse(&record.phone) {
        Ok(number) => MobileCitizenAnswer::Linked { number },
        Err(_) => {
            // Not a number any operator would take; the database is the
            // authority, so no text goes rather than one to a guessed number.
            tracing::warn!("the mobile citizens database gave a malformed linked number");
            MobileCitizenAnswer::NotLinked
        }
    }
}

fn fault_of(status: &tonic::Status) -> MobileCitizenAnswer {
    let reason = match status.code() {
        Code::DeadlineExceeded => {
            "REGISTER_TIMEOUT: the mobile citizens database did not answer in time".to_owned()
        }
        Code::Unavailable
        | Code::Unknown
        | Code::Internal
        | Code::Aborted
        | Code::Cancelled
        | Code::ResourceExhausted => {
            "REGISTER_UNAVAILABLE: the mobile citizens database is unavailable".to_owned()
        }
        code => {
            // The gateway refused the query itself (an unknown client system,
            // missing identification): a configuration fault on this side. The
            // text waits like for any fault, and operators are told here.
            tracing::error!(
                code = ?code,
                "registry-gateway refused the mobile citizen look-up; check that it serves the notification system"
            );
            format!("GATEWAY_REFUSED: registry-gateway refused the look-up ({code:?})")
        }
    };
    MobileCitizenAnswer::Fault { reason }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(registered: bool, linked: bool, phone: &str) -> pb::GetMobileCitizenRecordResponse {
        pb::GetMobileCitizenRecordResponse {
            found: true,
            record: Some(pb::MobileCitizenRecord {
                registered,
                linked_to_portal_account: linked,
                phone: phone.to_owned(),
            }),
        }
    }

    #[test]
    fn only_a_registered_and_linked_number_is_texted() {
        assert_eq!(
            answer_of(record(true, true, "+77015550000")),
            MobileCitizenAnswer::Linked {
                number: PhoneNumber::parse("+77015550000").expect("valid")
            }
        );
        assert_eq!(
            answer_of(record(true, false, "+77015550000")),
            MobileCitizenAnswer::NotLinked
        );
        assert_eq!(
            answer_of(record(false, true, "+77015550000")),
            MobileCitizenAnswer::NotLinked
        );
        assert_eq!(
            answer_of(record(true, true, "12345")),
            MobileCitizenAnswer::NotLinked
        );
        assert_eq!(
            answer_of(pb::GetMobileCitizenRecordResponse::default()),
            MobileCitizenAnswer::NotFound
        );
    }

    #[test]
    fn gateway_faults_are_not_answers() {
        for code in [
            Code::Unavailable,
            Code::DeadlineExceeded,
            Code::PermissionDenied,
        ] {
            assert!(matches!(
                fault_of(&tonic::Status::new(code, "x")),
                MobileCitizenAnswer::Fault { .. }
            ));
        }
    }
}
