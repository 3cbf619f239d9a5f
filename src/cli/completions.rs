//! `shipshape completions`: shell completion scripts generated from the command line's
//! definition, so they always match the flags of this build.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Context;
use clap::CommandFactory;

use crate::cli::{Cli, EXIT_CLEAN};

/// Arguments of `shipshape completions`.
#[derive(Debug, clap::Args)]
#[command(after_long_help = "Install, for example:\n  \
    bash:  shipshape completions bash > ~/.local/share/bash-completion/completions/shipshape\n  \
    zsh:   shipshape completions zsh > \"${fpath[1]}/_shipshape\"\n  \
    fish:  shipshape completions fish > ~/.config/fish/completions/shipshape.fish")]
pub struct Args {
    /// The shell to write the completion script for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// Runs the subcommand: the script goes to stdout.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "shipshape", &mut script);
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(&script)
        .and_then(|()| stdout.flush())
        .context("cannot write to stdout")?;
    Ok(ExitCode::from(EXIT_CLEAN))
}
