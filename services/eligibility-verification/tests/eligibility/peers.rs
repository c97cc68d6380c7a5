//! Recording stand-ins for application-intake and notification: they accept
//! `RecordApplicationEvent` and `SendNotification`, keep what they received
//! (with the caller's metadata), and can be told to fail the next calls.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use housing_proto::housing::intake::v1 as intake;
use housing_proto::housing::intake::v1::application_intake_service_server::{
    ApplicationIntakeService, ApplicationIntakeServiceServer,
};
use housing_proto::housing::notification::v1 as notification;
use housing_proto::housing::notification::v1::notification_service_server::{
    NotificationService, NotificationServiceServer,
};
use tokio::sync::oneshot;
use tonic::service::Routes;
use tonic::{Request, Response, Status};

/// What the peers received, in order, with the caller role and id.
#[derive(Debug, Default)]
pub struct Received {
    pub events: Mutex<Vec<(String, intake::RecordApplicationEventRequest)>>,
    pub notices: Mutex<Vec<(String, notification::SendNotificationRequest)>>,
    /// Calls to fail with UNAVAILABLE before accepting again.
    pub failures_to_inject: AtomicUsize,
}

impl Received {
    pub fn events(&self) -> Vec<intake::RecordApplicationEventRequest> {
        self.events
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .map(|(_, event)| event.clone())
            .collect()
    }

    pub fn notices(&self) -> Vec<notification::SendNotificationRequest> {
        self.notices
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .map(|(_, notice)| notice.clone())
            .collect()
    }

    pub fn callers(&self) -> Vec<String> {
        let events = self.events.lock().unwrap_or_else(PoisonError::into_inner);
        let notices = self.notices.lock().unwrap_or_else(PoisonError::into_inner);
        events
            .iter()
            .map(|(caller, _)| caller.clone())
            .chain(notices.iter().map(|(caller, _)| caller.clone()))
            .collect()
    }

    fn injected_failure(&self) -> Result<(), Status> {
        let took_one = self
            .failures_to_inject
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |left| {
                left.checked_sub(1)
            })
            .is_ok();
        if took_one {
            Err(Status::unavailable("injected by the test"))
        } else {
            Ok(())
        }
    }
}

fn caller_of<T>(request: &Request<T>) -> String {
    let value = |key| {
        request
            .metadata()
            .get(key)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    format!("{}/{}", value("x-caller-role"), value("x-caller-id"))
}

#[derive(Debug, Clone)]
struct Peers(Arc<Received>);

#[tonic::async_trait]
impl ApplicationIntakeService for Peers {
    async fn submit_application(
        &self,
        _: Request<intake::SubmitApplicationRequest>,
    ) -> Result<Response<intake::SubmitApplicationResponse>, Status> {
        Err(Status::unimplemented("not in the stand-in"))
    }
    async fn get_application(
        &self,
        _: Request<intake::GetApplicationRequest>,
    ) -> Result<Response<intake::GetApplicationResponse>, Status> {
        Err(Status::unimplemented("not in the stand-in"))
    }
    async fn list_applications(
        &self,
        _: Request<intake::ListApplicationsRequest>,
    ) -> Result<Response<intake::ListApplicationsResponse>, Status> {
        Err(Status::unimplemented("not in the stand-in"))
    }
    async fn withdraw_application(
        &self,
        _: Request<intake::WithdrawApplicationRequest>,
    ) -> Result<Response<intake::WithdrawApplicationResponse>, Status> {
        Err(Status::unimplemented("not in the stand-in"))
    }
    async fn list_application_events(
        &self,
        _: Request<intake::ListApplicationEventsRequest>,
    ) -> Result<Response<intake::ListApplicationEventsResponse>, Status> {
        Err(Status::unimplemented("not in the stand-in"))
    }
    async fn record_application_event(
        &self,
        request: Request<intake::RecordApplicationEventRequest>,
    ) -> Result<Response<intake::RecordApplicationEventResponse>, Status> {
        self.0.injected_failure()?;
        let caller = caller_of(&request);
        self.0
            .events
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push((caller, request.into_inner()));
        Ok(Response::new(
            intake::RecordApplicationEventResponse::default(),
        ))
    }
}

#[tonic::async_trait]
impl NotificationService for Peers {
    async fn send_notification(
        &self,
        request: Request<notification::SendNotificationRequest>,
    ) -> Result<Response<notification::SendNotificationResponse>, Status> {
        self.0.injected_failure()?;
        let caller = caller_of(&request);
        self.0
            .notices
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push((caller, request.into_inner()));
        Ok(Response::new(
            notification::SendNotificationResponse::default(),
        ))
    }
    async fn get_notification(
        &self,
        _: Request<notification::GetNotificationRequest>,
    ) -> Result<Response<notification::GetNotificationResponse>, Status> {
        Err(Status::unimplemented("not in the stand-in"))
    }
    async fn list_notifications(
        &self,
        _: Request<notification::ListNotificationsRequest>,
    ) -> Result<Response<notification::ListNotificationsResponse>, Status> {
        Err(Status::unimplemented("not in the stand-in"))
    }
    async fn list_outbox_messages(
        &self,
        _: Request<notification::ListOutboxMessagesRequest>,
    ) -> Result<Response<notification::ListOutboxMessagesResponse>, Status> {
        Err(Status::unimplemented("not in the stand-in"))
    }
    async fn list_templates(
        &self,
        _: Request<notification::ListTemplatesRequest>,
    ) -> Result<Response<notification::ListTemplatesResponse>, Status> {
        Err(Status::unimplemented("not in the stand-in"))
    }
}

/// The stand-ins, serving both services on one port.
#[derive(Debug)]
pub struct RecordingPeers {
    pub address: SocketAddr,
    pub received: Arc<Received>,
    stop: Option<oneshot::Sender<()>>,
}

impl RecordingPeers {
    pub async fn start() -> Self {
        let received = Arc::new(Received::default());
        let peers = Peers(Arc::clone(&received));
        let routes = Routes::new(ApplicationIntakeServiceServer::new(peers.clone()))
            .add_service(NotificationServiceServer::new(peers));
        let listener = housing_platform::server::bind("127.0.0.1:0".parse().expect("address"))
            .await
            .expect("the stand-ins bind");
        let address = listener.local_addr().expect("an address");
        let (stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(housing_platform::server::serve(
            listener,
            routes,
            housing_platform::limits::Limits::default(),
            housing_platform::security::Security::InsecureLoopback,
            async move {
                let _ = stopped.await;
            },
            std::time::Duration::from_secs(1),
        ));
        Self {
            address,
            received,
            stop: Some(stop),
        }
    }
}

impl Drop for RecordingPeers {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}
