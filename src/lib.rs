//! shipshape: typed environment specs in, validated and linted manifests out.
//!
//! The pipeline runs one way: a [`spec`] (an app's `app.yaml` layered with one
//! `<env>.yaml`) is rendered by [`render`] through templates into target files (Kubernetes
//! YAML, Helm values, Compose); [`manifest`] parses files into documents that keep their
//! positions; [`schema`] validates documents against strict schemas; [`policy`] runs the
//! rule catalogue over them; [`diff`] compares them with committed golden output; [`report`]
//! prints what was found in every format. [`check`] is the whole pipeline for one environment; [`network_reach`] checks that the
//! rendered NetworkPolicies let each declared connection through. The [`cli`] module maps
//! subcommands onto these.

pub mod allocator;
pub mod check;
pub mod cli;
pub mod config;
pub mod diff;
pub mod fsutil;
pub mod golden;
pub mod import;
pub mod init;
pub mod manifest;
pub mod network_reach;
pub mod policy;
pub mod progress;
pub mod render;
pub mod report;
pub mod schema;
pub mod secrets;
pub mod spec;
pub mod workspace;
