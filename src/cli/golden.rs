//! `shipshape golden`: accept rendered output into golden/.

use std::process::ExitCode;

/// Arguments of `shipshape golden`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs the subcommand.
pub fn run(_args: Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`golden` is not available yet")
}
