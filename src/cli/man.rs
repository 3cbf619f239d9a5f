//! `shipshape man`: manual pages (roff) generated from the command line's definition: one for
//! `shipshape` and one per subcommand (`shipshape-validate.1`, `shipshape-golden-accept.1`).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::CommandFactory;

use crate::cli::{Cli, EXIT_CLEAN};
use crate::fsutil::{write_atomic_creating_dirs, write_stdout};

/// Arguments of `shipshape man`.
#[derive(Debug, clap::Args)]
#[command(
    after_long_help = "Read one with `shipshape man | man -l -`; install them with \
    `shipshape man --out ~/.local/share/man/man1`."
)]
pub struct Args {
    /// Write every page (the command and each subcommand) into this folder instead of
    /// printing the main page.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

/// Runs the subcommand.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let pages = pages();
    match args.out {
        None => {
            let (_, main) = &pages[0];
            write_stdout(main)?;
        }
        Some(dir) => {
            for (name, page) in &pages {
                let path = dir.join(name);
                write_atomic_creating_dirs(&path, page)
                    .with_context(|| format!("cannot write {}", path.display()))?;
            }
            eprintln!("wrote {} manual pages to {}", pages.len(), dir.display());
        }
    }
    Ok(ExitCode::from(EXIT_CLEAN))
}

/// Every page as (file name, roff text): the command's first, then its subcommands depth
/// first, in the order `--help` lists them.
pub fn pages() -> Vec<(String, Vec<u8>)> {
    let mut cmd = Cli::command().disable_help_subcommand(true);
    cmd.build();
    let mut pages = Vec::new();
    collect(cmd, &mut pages);
    pages
}

fn collect(cmd: clap::Command, pages: &mut Vec<(String, Vec<u8>)>) {
    let man = clap_mangen::Man::new(cmd.clone());
    let mut page = Vec::new();
    man.render(&mut page)
        .expect("rendering into memory does not fail");
    pages.push((man.get_filename(), page));
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        collect(sub.clone(), pages);
    }
}
