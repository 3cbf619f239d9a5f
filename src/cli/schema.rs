//! `shipshape schema`: manage schemas: import CRDs.

use std::process::ExitCode;

/// Arguments of `shipshape schema`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs the subcommand.
pub fn run(_args: Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`schema` is not available yet")
}
