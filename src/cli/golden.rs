//! `shipshape golden accept`: write the fresh render of environments over `golden/`,
//! atomically per file, removing golden files an environment no longer renders. Refuses under
//! `CI=true` unless `--force`, so a pipeline never blesses its own output.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;

use super::EXIT_ERROR;
use crate::golden::{self, Drift};
use crate::render::{self, Renderer};
use crate::workspace::Workspace;

/// Arguments of `shipshape golden`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// What to do.
    #[command(subcommand)]
    pub action: Action,
}

/// Golden actions.
#[derive(Debug, clap::Subcommand)]
pub enum Action {
    /// Render environments and write the result into `golden/`.
    #[command(
        after_help = "Examples:\n  shipshape golden accept\n  shipshape golden accept materi-api/production"
    )]
    Accept(AcceptArgs),
}

/// Arguments of `shipshape golden accept`.
#[derive(Debug, clap::Args)]
pub struct AcceptArgs {
    /// Environments to accept, as `<app>` or `<app>/<env>` (default: all).
    #[arg(value_name = "APP[/ENV]")]
    pub select: Vec<String>,
    /// The workspace folder (holds `environments/` and `golden/`).
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub workspace: PathBuf,
    /// Accept even when `CI=true`.
    #[arg(long)]
    pub force: bool,
}

/// Runs the subcommand.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    match args.action {
        Action::Accept(a) => accept(a),
    }
}

fn accept(args: AcceptArgs) -> anyhow::Result<ExitCode> {
    if std::env::var("CI").is_ok_and(|v| v == "true" || v == "1") && !args.force {
        eprintln!(
            "error: refusing to write golden files under CI=true: accept changes locally and commit them, or pass --force"
        );
        return Ok(ExitCode::from(EXIT_ERROR));
    }
    let ws = Workspace::open(&args.workspace)?;
    let ids = ws.select(&args.select)?;
    let renderer = Renderer::new(&ws)?;
    let results = render::render_all(&renderer, &ws, &ids);
    let mut failed = false;
    for (_, result) in &results {
        if let Err(e) = result {
            failed = true;
            eprintln!("error: {e}\n");
        }
    }
    if failed {
        eprintln!("error: nothing written: fix the errors above first");
        return Ok(ExitCode::from(EXIT_ERROR));
    }
    let golden_dir = ws.golden_dir();
    let mut changed = 0usize;
    let mut unchanged = 0usize;
    for (id, result) in &results {
        let rendered = result.as_ref().expect("errors returned above");
        let drift = golden::compare(&golden_dir, id, rendered)?;
        unchanged += rendered.len()
            - drift
                .iter()
                .filter(|d| !matches!(d, Drift::Stale { .. }))
                .count();
        for d in drift {
            let rel = d.path().to_string();
            let path = golden_dir.join(&rel);
            match d {
                Drift::Missing { rendered, .. } | Drift::Changed { rendered, .. } => {
                    golden::write_atomic(&path, rendered.as_bytes())
                        .with_context(|| format!("writing {}", path.display()))?;
                    println!("wrote golden/{rel}");
                }
                Drift::Stale { .. } => {
                    std::fs::remove_file(&path)
                        .with_context(|| format!("removing {}", path.display()))?;
                    println!("removed golden/{rel}");
                }
            }
            changed += 1;
        }
    }
    println!("{changed} golden file(s) updated, {unchanged} unchanged");
    Ok(ExitCode::SUCCESS)
}
