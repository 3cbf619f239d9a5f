//! `shipshape check`: render every environment, validate, lint and compare with golden/.

use std::process::ExitCode;

/// Arguments of `shipshape check`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs the subcommand.
pub fn run(_args: Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`check` is not available yet")
}
