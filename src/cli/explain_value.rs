//! `shipshape explain-value`: show an environment's final value at a key path and the file and line that set it.

use std::process::ExitCode;

/// Arguments of `shipshape explain-value`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs the subcommand.
pub fn run(_args: Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`explain-value` is not available yet")
}
