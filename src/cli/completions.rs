//! `shipshape completions`: shell completion scripts generated from the command line's
//! definition, so they always match the flags of this build.

use std::process::ExitCode;

use clap::CommandFactory;

use crate::cli::{Cli, EXIT_CLEAN};
use crate::fsutil::write_stdout;

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
    write_stdout(&script)?;
    Ok(ExitCode::from(EXIT_CLEAN))
}
