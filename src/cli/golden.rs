//! `shipshape golden accept`: write the fresh render of environments over `golden/`,
//! all files or none, removing golden files an environment no longer renders and those of
//! environments that no longer exist. Runs on one workspace take turns (a lock file in the
//! workspace). Refuses under `CI=true` unless `--force`, so a pipeline never blesses its own
//! output.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;

use super::EXIT_ERROR;
use crate::check::check_environment;
use crate::config::Config;
use crate::fsutil::{Lock, WriteSet, write_stdout};
use crate::golden::{self, Drift};
use crate::policy::exemption::Date;
use crate::render::{self, Renderer};
use crate::report::{Report, plural};
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
    super::warn_layout(&ws)?;
    let ids = ws.select(&args.select)?;
    // One accept at a time per workspace: the second waits and then finds the first's work.
    let lock_path = ws.root.join(golden::LOCK_FILE);
    let _lock = Lock::acquire(&lock_path, "golden/")
        .with_context(|| format!("{}: cannot take the lock", lock_path.display()))?;
    let renderer = Renderer::new(&ws)?;
    let results = render::render_all(&renderer, &ws, &ids);
    let errors: Vec<&render::RenderError> = results
        .iter()
        .filter_map(|(_, r)| r.as_ref().err())
        .collect();
    for message in render::error_messages(errors.iter().copied()) {
        eprintln!("error: {message}\n");
    }
    if !errors.is_empty() {
        eprintln!("error: nothing written: fix the errors above first");
        return Ok(ExitCode::from(EXIT_ERROR));
    }
    let golden_dir = ws.golden_dir();
    let mut drift = Vec::new();
    let mut unchanged = 0usize;
    for (id, result) in &results {
        let rendered = result.as_ref().expect("errors returned above");
        let found = golden::compare(&golden_dir, id, rendered)?;
        unchanged += rendered.len()
            - found
                .iter()
                .filter(|d| matches!(d, Drift::Missing { .. } | Drift::Changed { .. }))
                .count();
        drift.extend(found);
    }
    drift.extend(golden::orphans(
        &golden_dir,
        &ws.environments()?,
        ws.selected_apps(&args.select).as_ref(),
    )?);
    let mut set = WriteSet::new(&golden_dir);
    let mut log = String::new();
    for d in &drift {
        let rel = d.path();
        match d {
            Drift::Missing { rendered, .. } | Drift::Changed { rendered, .. } => {
                set.write(rel, rendered.as_bytes());
                log.push_str(&format!("wrote golden/{rel}\n"));
            }
            Drift::Stale { .. } | Drift::Orphan { .. } => {
                set.remove(rel);
                log.push_str(&format!("removed golden/{rel}\n"));
            }
        }
    }
    set.commit()?;
    log.push_str(&format!(
        "{} golden file(s) updated, {unchanged} unchanged\n",
        drift.len()
    ));
    log.push_str(&findings_line(&ws, &ids)?);
    write_stdout(log.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

/// What the accepted output carries: the findings `check` reports on it (validation and
/// policy, with the workspace's profiles and exemptions), counted by severity. Accepting
/// does not fail on them; the line says whether `check` will.
fn findings_line(ws: &Workspace, ids: &[crate::spec::EnvId]) -> anyhow::Result<String> {
    let config = Config::load(&ws.root)?;
    let registry = super::check::workspace_registry(ws, &config, None)?;
    let renderer = Renderer::new(ws)?;
    let cli_layer = crate::policy::Profile::default();
    let today = Date::today();
    let mut report = Report::default();
    let mut fails = false;
    let loader = crate::spec::Loader::new(&ws.root);
    for id in ids {
        let outcome = check_environment(
            ws, &loader, &renderer, &registry, id, &config, &cli_layer, today,
        );
        fails |= outcome.fails;
        report.findings.extend(outcome.report.findings);
        report.resources.extend(outcome.report.resources);
    }
    let summary = report.summary();
    let f = &summary.findings;
    let open = f.error + f.warning + f.info;
    let mut line = format!(
        "the accepted output carries {}",
        plural(open, "finding", "findings")
    );
    if open > 0 {
        line.push_str(&format!(
            " ({}, {}, {})",
            plural(f.error, "error", "errors"),
            plural(f.warning, "warning", "warnings"),
            plural(f.info, "info", "infos")
        ));
    }
    if f.exempted > 0 {
        line.push_str(&format!(" and {} exempted", f.exempted));
    }
    if fails {
        line.push_str("; `shipshape check` fails on them: see them with `shipshape check`");
    } else if open > 0 {
        line.push_str("; see them with `shipshape check`");
    }
    line.push('\n');
    Ok(line)
}
