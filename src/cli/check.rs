//! `shipshape check`: render every environment in memory, then gate it: spec errors, golden
//! drift, schema validity and policy findings, with exit code 0 (clean), 1 (drift, invalid
//! resources or findings) or 2 (spec, template or usage errors).

use std::path::PathBuf;
use std::process::ExitCode;

use super::{EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS};
use crate::golden::{self, Drift, RenderedText};
use crate::render::{self, RenderedFile, Renderer};
use crate::workspace::Workspace;

/// Arguments of `shipshape check`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  shipshape check\n  shipshape check materi-api/production janua-api"
)]
pub struct Args {
    /// Environments to check, as `<app>` or `<app>/<env>` (default: all).
    #[arg(value_name = "APP[/ENV]")]
    pub select: Vec<String>,
    /// The workspace folder (holds `environments/` and `golden/`).
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub workspace: PathBuf,
}

impl RenderedText for RenderedFile {
    fn rel_path(&self) -> &str {
        &self.path
    }

    fn text(&self) -> &str {
        &self.text
    }
}

/// Runs the subcommand.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let ws = Workspace::open(&args.workspace)?;
    let ids = ws.select(&args.select)?;
    let renderer = Renderer::new(&ws)?;
    let results = render::render_all(&renderer, &ws, &ids);

    let mut errors = 0usize;
    let mut drift: Vec<Drift> = Vec::new();
    let mut files = 0usize;
    for (id, result) in &results {
        match result {
            Ok(rendered) => {
                files += rendered.len();
                drift.extend(golden::compare(&ws.golden_dir(), id, rendered)?);
            }
            Err(e) => {
                errors += 1;
                eprintln!("error: {e}\n");
            }
        }
    }
    for d in &drift {
        print!("{}", unified(d));
    }
    let envs = results.len();
    println!(
        "checked {envs} environment{} ({files} file{}): {} with errors, {} drifted file{}",
        plural(envs),
        plural(files),
        errors,
        drift.len(),
        plural(drift.len()),
    );
    if !drift.is_empty() {
        println!("review the changes, then accept them with `shipshape golden accept`");
    }
    let code = if errors > 0 {
        EXIT_ERROR
    } else if !drift.is_empty() {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    };
    Ok(ExitCode::from(code))
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// A unified diff of one drifted file, golden on the left.
pub fn unified(d: &Drift) -> String {
    let (old, new, note) = match d {
        Drift::Missing { rendered, .. } => ("", rendered.as_str(), "golden file missing"),
        Drift::Changed {
            golden, rendered, ..
        } => (golden.as_str(), rendered.as_str(), "golden file differs"),
        Drift::Stale { golden, .. } => (golden.as_str(), "", "no longer rendered"),
    };
    let path = d.path();
    let diff = similar::TextDiff::from_lines(old, new);
    let mut out = format!("drift: golden/{path}: {note}\n");
    out.push_str(
        &diff
            .unified_diff()
            .context_radius(3)
            .header(&format!("golden/{path}"), &format!("rendered/{path}"))
            .to_string(),
    );
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out
}
