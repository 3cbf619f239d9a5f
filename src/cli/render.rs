//! `shipshape render`: render environments to an output folder.

use std::process::ExitCode;

/// Arguments of `shipshape render`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs the subcommand.
pub fn run(_args: Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`render` is not available yet")
}
