//! `shipshape lint`: run the policy rules on any manifests.

use std::process::ExitCode;

/// Arguments of `shipshape lint`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs the subcommand.
pub fn run(_args: Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`lint` is not available yet")
}
