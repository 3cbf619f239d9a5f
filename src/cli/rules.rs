//! `shipshape rules`: list every policy rule with its code, name, severity and targets.

use std::process::ExitCode;

/// Arguments of `shipshape rules`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs the subcommand.
pub fn run(_args: Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`rules` is not available yet")
}
