//! `shipshape diff`: object-aware diff: rendered vs golden, environment vs environment, or two paths.

use std::process::ExitCode;

/// Arguments of `shipshape diff`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs the subcommand.
pub fn run(_args: Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`diff` is not available yet")
}
