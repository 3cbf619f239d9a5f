//! `shipshape explain`: explain a policy rule: what it checks, why, an example and the fix.

use std::process::ExitCode;

/// Arguments of `shipshape explain`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs the subcommand.
pub fn run(_args: Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`explain` is not available yet")
}
