//! Schema validation: the registry of embedded and extra schemas, strictification, CRD
//! import, and validation of documents into located findings.
//!
//! Library entry: build one [`Registry`] (it is `Send + Sync`; every validator is compiled
//! once, on first use) and call [`Registry::validate_source`] for a file or
//! [`Registry::validate_document`] for one document and a known [`Target`].

pub mod crd;
pub mod formats;
pub mod messages;
pub mod registry;
pub mod removed;
pub mod strict;
pub mod validate;

pub use registry::{HelmChart, Options, Registry, Target};
pub use validate::{ResourceResult, Validation, codes, detect_target, is_helm_values_name};
