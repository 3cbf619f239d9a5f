//! `shipshape validate`: validate manifests against Kubernetes, CRD, Compose and Helm values schemas.

use std::process::ExitCode;

/// Arguments of `shipshape validate`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs the subcommand.
pub fn run(_args: Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`validate` is not available yet")
}
