//! `housing-platform`: what every service of the suite shares.
//!
//! * [`audit`] — the audit trail of every read or change of a person's data:
//!   recording an access, and `housing.audit.v1.AuditService` for auditors.
//! * [`caller`] — who is calling, read from and written to request metadata.
//! * [`authorization`] — who may call what: the table of roles per RPC, and
//!   the layer that enforces it on every server.
//! * [`gate`] — the shape of the layers before every handler (authentication, authorization).
//! * [`security`] — mutual TLS, and how a caller is established: client
//!   certificates, staff tokens ([`tokens`]), citizens' EDS; or the insecure
//!   loopback mode for development. [`dev_pki`] makes certificates for it.
//! * [`limits`] — message size, deadline, concurrency and per-caller rate
//!   limits of every call.
//! * [`server`] — binding, the standard services (grpc.health.v1, server
//!   reflection), serving until a shutdown signal and draining in-flight calls.
//! * [`error`] — the one mapping from service errors to `tonic::Status`, with
//!   `google.rpc.ErrorInfo` and `BadRequest` details.
//! * [`settings`] — reading a service's settings from an injectable source of
//!   variables, with the parsers every service shares.
//! * [`telemetry`] — the tracing subscriber.
//! * [`calendar`] — the working calendar, built-in years plus configured files.
//! * [`clock`] — the business clock that terms are computed from.
//! * [`signature`] — `SIGNED_WITH_EDS`: verifying a signed document and its certificate's status.
//! * [`trust_root`] — the EDS root certificate, from a file or the certification centre.
//! * [`fuzzing`] — the bodies of the authentication fuzz targets and their fixture.

pub mod audit;
pub mod authorization;
pub mod calendar;
pub mod caller;
pub mod clock;
pub mod dev_pki;
pub mod error;
pub mod fuzzing;
pub mod gate;
pub mod limits;
pub mod security;
pub mod server;
pub mod settings;
pub mod signature;
pub mod telemetry;
pub mod tokens;
pub mod trust_root;
