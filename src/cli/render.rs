//! `shipshape render`: render environments to an output folder.
//!
//! Everything is rendered in memory first; only when every selected environment rendered
//! does anything get written, each file through a temporary file renamed into place, so a
//! reader sees the old file or the new one, never half of one.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;

use crate::cli::{EXIT_CLEAN, EXIT_ERROR};
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
    let ids = workspace.select(&args.selections)?;
    let renderer = Renderer::new(&workspace)?;
    let results = render_all(&renderer, &workspace, &ids);
    let mut files: Vec<RenderedFile> = Vec::new();
    let mut failed = 0usize;
    for (_, result) in results {
        match result {
            Ok(rendered) => files.extend(rendered),
            Err(e) => {
                failed += 1;
                eprintln!("error: {e}");
            }
        }
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
    for file in &files {
        let path = out.join(&file.path);
        write_atomically(&path, &file.text)
            .with_context(|| format!("{}: cannot write the file", path.display()))?;
    }
    println!(
        "rendered {} file{} for {} environment{} into {}",
        files.len(),
        if files.len() == 1 { "" } else { "s" },
        ids.len(),
        if ids.len() == 1 { "" } else { "s" },
        out.display()
    );
    Ok(ExitCode::from(EXIT_CLEAN))
}

/// Writes `text` to a temporary file next to `path`, then renames it over `path`: readers
/// and an interrupted run see the old file or the new one, never part of one. (No fsync:
/// rendered files are reproducible, and syncing each one costs more than rendering it.)
pub fn write_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or_else(|| Path::new("."));
    std::fs::create_dir_all(dir)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(text.as_bytes())?;
        drop(f);
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}
