//! `shipshape render`: render environments to an output folder.
//!
//! Everything is rendered in memory first; only when every selected environment rendered
//! does anything get written, all files or none ([`WriteSet`]): a reader sees the old set or
//! the new one, never a mix, and nothing is written through a link leading out of the
//! output folder.

use std::path::PathBuf;
use std::process::ExitCode;

use crate::cli::{EXIT_CLEAN, EXIT_ERROR};
use crate::fsutil::{WriteSet, write_stdout};
use crate::render::{RenderedFile, Renderer, render_all};
use crate::workspace::Workspace;

/// Arguments of `shipshape render`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Environments to render: `APP` (all its environments) or `APP/ENV`; every environment
    /// when none is given.
    #[arg(value_name = "APP[/ENV]")]
    pub selections: Vec<String>,
    /// Folder the files are written to, as `<app>/<env>/<file>` [default: `rendered/` in the
    /// workspace].
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// The workspace: the folder holding `environments/`.
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub workspace: PathBuf,
}

/// Runs the subcommand.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let workspace = Workspace::open(&args.workspace)?;
    super::warn_layout(&workspace)?;
    let ids = workspace.select(&args.selections)?;
    let renderer = Renderer::new(&workspace)?;
    let results = render_all(&renderer, &workspace, &ids);
    let mut files: Vec<RenderedFile> = Vec::new();
    let mut failed = 0usize;
    let mut errors = Vec::new();
    for (_, result) in results {
        match result {
            Ok(rendered) => files.extend(rendered),
            Err(e) => {
                failed += 1;
                errors.push(e);
            }
        }
    }
    for message in crate::render::error_messages(&errors) {
        eprintln!("error: {message}");
    }
    if failed > 0 {
        eprintln!(
            "error: {failed} of {} environment{} failed to render; nothing was written",
            ids.len(),
            if ids.len() == 1 { "" } else { "s" }
        );
        return Ok(ExitCode::from(EXIT_ERROR));
    }
    let out = args.out.unwrap_or_else(|| workspace.root.join("rendered"));
    let mut set = WriteSet::new(&out);
    for file in &files {
        set.write(&file.path, file.text.as_bytes());
    }
    set.commit()?;
    let summary = format!(
        "rendered {} file{} for {} environment{} into {}\n",
        files.len(),
        if files.len() == 1 { "" } else { "s" },
        ids.len(),
        if ids.len() == 1 { "" } else { "s" },
        out.display()
    );
    write_stdout(summary.as_bytes())?;
    Ok(ExitCode::from(EXIT_CLEAN))
}
