//! The shape of the layers that stand before every handler: a [`Gate`]
//! looks at a call and lets it through (possibly rewriting its headers) or
//! answers it at once with a gRPC status. [`GateLayer`] is the tower plumbing
//! they share; authentication ([`crate::security::authentication`]) and
//! authorization ([`crate::authorization`]) are gates.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use tonic::Status;

/// Decides whether a call may go on.
pub trait Gate: Clone + Send + Sync + 'static {
    /// Lets the call through (as it is, or with its headers rewritten), or
    /// refuses it with the status to answer.
    fn admit<Body: Send + 'static>(
        &self,
        request: http::Request<Body>,
    ) -> impl Future<Output = Result<http::Request<Body>, Status>> + Send;
}

/// The tower layer of a [`Gate`].
#[derive(Debug, Clone)]
pub struct GateLayer<G> {
    gate: G,
}

impl<G> GateLayer<G> {
    /// The layer of `gate`.
    pub fn new(gate: G) -> Self {
        Self { gate }
    }
}

impl<S, G: Clone> tower_layer::Layer<S> for GateLayer<G> {
    type Service = Gated<S, G>;

    fn layer(&self, inner: S) -> Self::Service {
        Gated {
            inner,
            gate: self.gate.clone(),
        }
    }
}

/// A service behind a [`GateLayer`].
#[derive(Debug, Clone)]
pub struct Gated<S, G> {
    inner: S,
    gate: G,
}

impl<S, G, RequestBody, ResponseBody> tower_service::Service<http::Request<RequestBody>>
    for Gated<S, G>
where
    S: tower_service::Service<http::Request<RequestBody>, Response = http::Response<ResponseBody>>
        + Clone
        + Send
        + 'static,
    S::Future: Send + 'static,
    G: Gate,
    RequestBody: Send + 'static,
    ResponseBody: Default + Send + 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Self::Error>> + Send>>;

    fn poll_ready(&mut self, context: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(context)
    }

    fn call(&mut self, request: http::Request<RequestBody>) -> Self::Future {
        // The ready service is the one to call; a clone stays for the next call.
        let ready = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, ready);
        let gate = self.gate.clone();
        Box::pin(async move {
            match gate.admit(request).await {
                Ok(request) => inner.call(request).await,
                Err(status) => Ok(status.into_http()),
            }
        })
    }
}
