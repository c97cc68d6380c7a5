//! The suite's gRPC contracts, generated from `proto/` at build time.
//!
//! Each package of `proto/housing/<area>/v1` is a module here:
//! `housing_proto::housing::intake::v1`, and so on. [`FILE_DESCRIPTOR_SET`]
//! holds every file, for server reflection.
//!
//! Generated types stay at the gRPC edge of each service: services convert them
//! into `housing-domain` types with `TryFrom` and never let them further in.

#![allow(clippy::all, missing_debug_implementations, missing_docs)]

/// The encoded `FileDescriptorSet` of every contract, for server reflection.
pub const FILE_DESCRIPTOR_SET: &[u8] =
    include_bytes!(concat!(env!("OUT_DIR"), "/housing_descriptor.bin"));

/// Google's common types the contracts use (vendored `google/type/date.proto`).
pub mod google {
    /// `google.type`.
    pub mod r#type {
        include!(concat!(env!("OUT_DIR"), "/google.r#type.rs"));
    }
}

/// The suite's packages.
pub mod housing {
    /// `housing.common.v1`: types shared by every service.
    pub mod common {
        /// Version 1.
        pub mod v1 {
            tonic::include_proto!("housing.common.v1");
        }
    }
    /// `housing.intake.v1`: application-intake.
    pub mod intake {
        /// Version 1.
        pub mod v1 {
            tonic::include_proto!("housing.intake.v1");
        }
    }
    /// `housing.eligibility.v1`: eligibility-verification.
    pub mod eligibility {
        /// Version 1.
        pub mod v1 {
            tonic::include_proto!("housing.eligibility.v1");
        }
    }
    /// `housing.registry.v1`: registry-gateway.
    pub mod registry {
        /// Version 1.
        pub mod v1 {
            tonic::include_proto!("housing.registry.v1");
        }
    }
    /// `housing.notification.v1`: notification.
    pub mod notification {
        /// Version 1.
        pub mod v1 {
            tonic::include_proto!("housing.notification.v1");
        }
    }
    /// `housing.audit.v1`: the audit trail every service that keeps personal data serves.
    pub mod audit {
        /// Version 1.
        pub mod v1 {
            tonic::include_proto!("housing.audit.v1");
        }
    }
    /// `housing.complaints.v1`: complaints.
    pub mod complaints {
        /// Version 1.
        pub mod v1 {
            tonic::include_proto!("housing.complaints.v1");
        }
    }
}
