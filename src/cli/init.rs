//! `shipshape init`: create a new workspace with an example app (see [`crate::init`]),
//! all files or none, never over an existing file unless `--force` says so.

use std::path::PathBuf;
use std::process::ExitCode;

use crate::fsutil::{WriteSet, write_stdout};
use crate::init::workspace_files;

/// Arguments of `shipshape init`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  shipshape init my-infra\n  \
                        cd my-infra && shipshape golden accept && shipshape check")]
pub struct Args {
    /// The folder of the new workspace (created when missing).
    #[arg(value_name = "DIR", default_value = ".")]
    pub dir: PathBuf,
    /// Overwrite files that already exist.
    #[arg(long)]
    pub force: bool,
}

/// Runs the subcommand.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let files = workspace_files();
    let existing: Vec<&str> = files
        .iter()
        .filter(|f| std::fs::symlink_metadata(args.dir.join(f.path)).is_ok())
        .map(|f| f.path)
        .collect();
    if !existing.is_empty() && !args.force {
        anyhow::bail!(
            "{}: init would overwrite {} existing file{}: {}\n  help: move {} away, choose another folder, or pass --force to overwrite {}",
            args.dir.display(),
            existing.len(),
            if existing.len() == 1 { "" } else { "s" },
            existing.join(", "),
            if existing.len() == 1 { "it" } else { "them" },
            if existing.len() == 1 { "it" } else { "them" },
        );
    }
    let mut set = WriteSet::new(&args.dir);
    for file in &files {
        set.write(file.path, file.text.as_bytes());
    }
    set.commit()?;
    let mut out = format!(
        "created a workspace in {} ({} files):\n",
        args.dir.display(),
        files.len()
    );
    for file in &files {
        out.push_str(&format!("  {}\n", file.path));
    }
    out.push_str("next:\n");
    if args.dir != std::path::Path::new(".") {
        out.push_str(&format!("  cd {}\n", args.dir.display()));
    }
    out.push_str(
        "  shipshape golden accept   # render every environment into golden/, then commit it\n  \
         shipshape check           # render, validate, lint and compare with golden/\n",
    );
    write_stdout(out.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}
