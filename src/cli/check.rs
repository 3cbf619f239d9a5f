//! `shipshape check`: render every environment in memory and gate it: spec and template
//! errors, golden drift (shown with the object-aware diff), schema validity (strict) and policy
//! findings. Exit 0 clean, 1 drift, invalid resources or findings, 2 spec, template or usage
//! errors. Nothing is written.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use rayon::prelude::*;

use super::{EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS};
use crate::check::{Outcome, check_environment, orphan_finding, rule_docs};
use crate::config::Config;
use crate::diff;
use crate::fsutil::write_stdout;
use crate::golden::{self, Drift};
use crate::policy::exemption::Date;
use crate::progress::Progress;
use crate::render::Renderer;
use crate::report::{self, OutputArgs, Report};
use crate::schema::{self, Registry};
use crate::workspace::Workspace;

/// Arguments of `shipshape check`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  shipshape check\n  shipshape check materi-api/production janua-api\n  \
                        shipshape check --format text --format sarif=check.sarif"
)]
pub struct Args {
    /// Environments to check, as `<app>` or `<app>/<env>` (default: all).
    #[arg(value_name = "APP[/ENV]")]
    pub select_envs: Vec<String>,
    /// The workspace folder (holds `environments/` and `golden/`).
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub workspace: PathBuf,
    /// Rule selection and failure threshold.
    #[command(flatten)]
    pub policy: super::lint::PolicyArgs,
    /// Kubernetes version to validate against (default: `kubernetesVersion` in
    /// shipshape.yaml, else the newest bundled).
    #[arg(long, value_name = "VERSION")]
    pub kubernetes_version: Option<String>,
    /// Print secret values in drift instead of masked markers.
    #[arg(long)]
    pub show_secrets: bool,
    /// Report formats.
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Runs the subcommand.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    args.output.check()?;
    let ws = Workspace::open(&args.workspace)?;
    super::warn_layout(&ws)?;
    if ws.environments()?.is_empty() {
        eprintln!(
            "error: nothing to check: the workspace has no environment\n  help: add `environments/<app>/<env>.yaml` (with `environments/<app>/app.yaml` for what the environments share), or run `shipshape init` to start from an example"
        );
        return Ok(ExitCode::from(EXIT_ERROR));
    }
    let ids = ws.select(&args.select_envs)?;
    let config = Config::load(&ws.root)?;
    let renderer = Renderer::new(&ws)?;
    let registry = workspace_registry(&ws, &config, args.kubernetes_version.clone())?;
    let cli_layer = args.policy.profile();
    // A bad selector on the command line or in shipshape.yaml is one usage error, up front.
    for id in &ids {
        config
            .selection(Some(&id.env), &[&cli_layer])
            .context("invalid rule selection")?;
    }
    let today = Date::today();
    let loader = crate::spec::Loader::new(&ws.root);
    let progress = Progress::new("check", "environments", ids.len());
    // The schemas load on one thread while the first environments render on the other.
    let (_, outcomes) = rayon::join(
        || registry.preload(),
        || -> Vec<Outcome> {
            ids.par_iter()
                .map(|id| {
                    let outcome = check_environment(
                        &ws, &loader, &renderer, &registry, id, &config, &cli_layer, today,
                    );
                    progress.advance(1);
                    outcome
                })
                .collect()
        },
    );
    drop(progress);
    // Golden files of environments (or apps) that were deleted: drift nobody renders.
    let orphans = golden::orphans(
        &ws.golden_dir(),
        &ws.environments()?,
        ws.selected_apps(&args.select_envs).as_ref(),
    )?;

    let text_to_stdout = args
        .output
        .formats
        .iter()
        .any(|f| f.path.is_none() && f.format == report::Format::Text);
    let color = text_to_stdout && report::stdout_wants_color();
    let mut merged = Report {
        command: "check".into(),
        ..Default::default()
    };
    let (mut errors, mut files, mut drifted) = (0usize, 0usize, 0usize);
    let mut fails = !orphans.is_empty();
    let mut shown = String::new();
    // A Namespace is one object: two apps of one environment that both create it would not
    // apply together.
    let mut creators: std::collections::BTreeMap<(&str, &str), Vec<(String, &str)>> =
        Default::default();
    for (id, outcome) in ids.iter().zip(&outcomes) {
        if let Some((namespace, at)) = &outcome.creates_namespace {
            creators
                .entry((id.env.as_str(), namespace.as_str()))
                .or_default()
                .push((id.app.clone(), at.as_str()));
        }
    }
    for ((env, namespace), apps) in &creators {
        if apps.len() > 1 {
            errors += 1;
            let list: Vec<String> = apps
                .iter()
                .map(|(app, at)| format!("{app} ({at})"))
                .collect();
            eprintln!(
                "error: namespace `{namespace}` of environment `{env}` is created by {} apps: {}
  help: keep `createNamespace: true` in one of them (its Namespace object carries no app labels, so any one will do)
",
                apps.len(),
                list.join(", ")
            );
        }
    }
    let spec_errors: Vec<&crate::spec::SpecError> = outcomes
        .iter()
        .filter_map(|o| o.spec_error.as_ref())
        .collect();
    for block in crate::spec::spec_error_blocks(&spec_errors) {
        eprintln!("error: {block}\n");
    }
    for outcome in outcomes {
        files += outcome.files;
        if let Some(e) = &outcome.error {
            errors += 1;
            if outcome.spec_error.is_none() {
                eprintln!("error: {e}\n");
            }
            continue;
        }
        for d in &outcome.drift {
            drifted += 1;
            if text_to_stdout {
                shown.push_str(&show_drift(d, args.show_secrets, color));
            }
        }
        fails |= outcome.fails;
        merged.resources.extend(outcome.report.resources);
        merged.findings.extend(outcome.report.findings);
        merged.sources.extend(outcome.report.sources);
    }
    for d in &orphans {
        drifted += 1;
        if text_to_stdout {
            shown.push_str(&show_drift(d, args.show_secrets, color));
        }
        merged.findings.push(orphan_finding(d));
    }
    write_stdout(shown.as_bytes())?;
    merged.sort();
    merged.rules = rule_docs(&merged.findings);
    args.output.emit(&merged)?;
    if text_to_stdout {
        let envs = ids.len();
        let mut summary = format!(
            "checked {envs} environment{} ({files} file{}): {errors} with errors, {drifted} drifted file{}\n",
            plural(envs),
            plural(files),
            plural(drifted),
        );
        if drifted > 0 {
            summary
                .push_str("review the changes, then accept them with `shipshape golden accept`\n");
        }
        write_stdout(summary.as_bytes())?;
    }
    let code = if errors > 0 {
        EXIT_ERROR
    } else if fails {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    };
    Ok(ExitCode::from(code))
}

/// The schemas rendered output is validated against: the Kubernetes version asked for (else
/// `kubernetesVersion` of shipshape.yaml, else the newest bundled), the workspace's own CRD
/// schemas (`shipshape schema import` writes them to `schemas/crds`), strict.
pub(crate) fn workspace_registry(
    ws: &Workspace,
    config: &Config,
    kubernetes_version: Option<String>,
) -> anyhow::Result<Registry> {
    let registry = Registry::new(schema::registry::Options {
        kubernetes_version: kubernetes_version.or_else(|| config.kubernetes_version.clone()),
        schema_locations: Some(ws.root.join("schemas/crds"))
            .filter(|d| d.is_dir())
            .into_iter()
            .collect(),
        strict: true,
        ..Default::default()
    })?;
    Ok(registry)
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// The drift of one file through the object-aware diff; a plain line diff when the files
/// differ only in what the objects do not hold (comments, formatting) or the golden file no
/// longer parses.
fn show_drift(d: &Drift, show_secrets: bool, color: bool) -> String {
    // A file without a golden copy yet is new: every object in it would show as added, which
    // says nothing the rendered file does not. One line and the way to accept it instead.
    if let Drift::Missing { path, .. } = d {
        let env = path.rsplit_once('/').map_or(path.as_str(), |(dir, _)| dir);
        return format!(
            "drift: golden/{path}: golden file missing (a new file); accept it with `shipshape golden accept {env}`\n"
        );
    }
    let note = match d {
        Drift::Missing { .. } => "golden file missing",
        Drift::Changed { .. } => "golden file differs",
        Drift::Stale { .. } => "no longer rendered",
        Drift::Orphan { .. } => "orphan: no environment renders it",
    };
    let mut out = format!("drift: golden/{}: {note}\n", d.path());
    let options = diff::Options {
        show_secrets,
        ..Default::default()
    };
    match diff::workspace::drift_diffs(std::slice::from_ref(d), &options) {
        Ok(files) if !files.is_empty() => {
            out.push_str(&diff::render(
                &files,
                diff::Format::Human,
                &diff::FormatOptions { color },
            ));
        }
        _ => {
            let (old, new) = match d {
                Drift::Missing { rendered, .. } => ("", rendered.as_str()),
                Drift::Changed {
                    golden, rendered, ..
                } => (golden.as_str(), rendered.as_str()),
                Drift::Stale { golden, .. } | Drift::Orphan { golden, .. } => (golden.as_str(), ""),
            };
            out.push_str(
                &similar::TextDiff::from_lines(old, new)
                    .unified_diff()
                    .context_radius(3)
                    .header(
                        &format!("golden/{}", d.path()),
                        &format!("rendered/{}", d.path()),
                    )
                    .to_string(),
            );
        }
    }
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out
}
