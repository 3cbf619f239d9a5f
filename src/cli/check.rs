//! `shipshape check`: render every environment in memory and gate it: spec and template
//! errors, golden drift (shown with the object-aware diff), schema validity (strict) and policy
//! findings. Exit 0 clean, 1 drift, invalid resources or findings, 2 spec, template or usage
//! errors. Nothing is written.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use rayon::prelude::*;

use super::{EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS};
use crate::config::Config;
use crate::diff;
use crate::fsutil::write_stdout;
use crate::golden::{self, Drift};
use crate::manifest::{self, Location, Source};
use crate::policy;
use crate::policy::environment::environment_context;
use crate::policy::exemption::Date;
use crate::policy::profile::Profile;
use crate::progress::Progress;
use crate::render::Renderer;
use crate::report::{self, Finding, OutputArgs, Report, RuleRef, Severity};
use crate::schema::{self, Registry};
use crate::spec::{self, EnvId, Environment, Target};
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

/// What checking one environment produced.
struct Outcome {
    error: Option<String>,
    fails: bool,
    files: usize,
    drift: Vec<Drift>,
    report: Report,
}

/// Runs the subcommand.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    args.output.check()?;
    let ws = Workspace::open(&args.workspace)?;
    let ids = ws.select(&args.select_envs)?;
    let config = Config::load(&ws.root)?;
    let renderer = Renderer::new(&ws)?;
    let registry = Registry::new(schema::registry::Options {
        kubernetes_version: args
            .kubernetes_version
            .clone()
            .or_else(|| config.kubernetes_version.clone()),
        // The workspace's own CRD schemas (`shipshape schema import` writes them there).
        schema_locations: Some(ws.root.join("schemas/crds"))
            .filter(|d| d.is_dir())
            .into_iter()
            .collect(),
        strict: true,
        ..Default::default()
    })?;
    let cli_layer = args.policy.profile();
    // A bad selector on the command line or in shipshape.yaml is one usage error, up front.
    for id in &ids {
        config
            .selection(Some(&id.env), &[&cli_layer])
            .context("invalid rule selection")?;
    }
    let today = Date::today();
    let progress = Progress::new("check", "environments", ids.len());
    // The schemas load on one thread while the first environments render on the other.
    let (_, outcomes) = rayon::join(
        || registry.preload(),
        || -> Vec<Outcome> {
            ids.par_iter()
                .map(|id| {
                    let outcome = check_environment(
                        &ws, &renderer, &registry, id, &config, &cli_layer, today,
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
    for outcome in outcomes {
        files += outcome.files;
        if let Some(e) = &outcome.error {
            errors += 1;
            eprintln!("error: {e}\n");
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

/// Documentation of every code among the findings: policy rules, validation codes and drift.
fn rule_docs(findings: &[Finding]) -> Vec<report::RuleDoc> {
    let used = |code: &str| findings.iter().any(|f| f.rule.code == code);
    let mut docs = policy::rule_docs(findings);
    docs.extend(
        schema::validate::codes::rule_docs()
            .into_iter()
            .filter(|d| used(&d.rule.code)),
    );
    if used(DRIFT) {
        docs.push(report::RuleDoc {
            rule: RuleRef {
                code: DRIFT.into(),
                name: DRIFT.into(),
            },
            summary: "The rendered file differs from its committed golden copy.".into(),
            doc: "`check` renders every environment and compares each file with `golden/<app>/<env>/<file>`: a missing, different or no longer rendered golden file is drift.\n\nReview the change with `shipshape diff <app>/<env>`; if it is intended, accept it with `shipshape golden accept <app>/<env>` and commit the golden files.".into(),
            severity: Severity::Error,
        });
    }
    docs
}

/// The code of golden drift findings.
const DRIFT: &str = "golden-drift";

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Loads, renders, compares, validates and lints one environment.
fn check_environment(
    ws: &Workspace,
    renderer: &Renderer,
    registry: &Registry,
    id: &EnvId,
    config: &Config,
    cli_layer: &Profile,
    today: Date,
) -> Outcome {
    let mut outcome = Outcome {
        fails: false,
        error: None,
        files: 0,
        drift: Vec::new(),
        report: Report::default(),
    };
    let env = match spec::load_environment(&ws.root, id) {
        Ok(env) => env,
        Err(e) => {
            outcome.error = Some(e.to_string());
            return outcome;
        }
    };
    let cx = match environment_context(config, &env, &[cli_layer], today) {
        Ok(cx) => cx,
        Err(e) => {
            outcome.error = Some(format!("environment {id}: {e}"));
            return outcome;
        }
    };
    let fail_on = cx.selection.fail_on;
    let rendered = match renderer.render(&env) {
        Ok(r) => r,
        Err(e) => {
            outcome.error = Some(e.to_string());
            return outcome;
        }
    };
    outcome.files = rendered.len();
    let drift = match golden::compare(&ws.golden_dir(), id, &rendered) {
        Ok(d) => d,
        Err(e) => {
            outcome.error = Some(e.to_string());
            return outcome;
        }
    };
    let report = &mut outcome.report;
    let mut lint_docs = Vec::new();
    for file in &rendered {
        let identical = !drift.iter().any(|d| d.path() == file.path);
        let shown = if identical {
            format!("golden/{}", file.path)
        } else {
            format!("rendered/{}", file.path)
        };
        let source = Source::new(shown, file.text.clone());
        let docs = match manifest::load(&source) {
            Ok(d) => d,
            Err(e) => {
                outcome.error = Some(format!(
                    "{e} (rendered for {id}; a template produced invalid YAML)"
                ));
                return outcome;
            }
        };
        report.add_source(&source);
        let target = manifest::Target::from(file.target);
        for doc in &docs {
            let v = registry.validate_document(doc, target);
            report.resources.push(report::Resource {
                location: doc.location(),
                object: resource_name(doc, file.target),
                status: v.status,
                reason: v.reason,
            });
            report.findings.extend(v.findings);
        }
        if file.target != Target::Helm {
            lint_docs.extend(docs);
        }
    }
    for d in &drift {
        report.findings.push(drift_finding(d, id));
    }
    let mut findings = policy::lint(&lint_docs, &cx);
    for f in &mut findings {
        if let Some(key) = f.spec_hint.take() {
            let key = match component_of(&env, f.object.as_deref()) {
                Some(component) => format!("components.{component}.{key}"),
                None => key,
            };
            f.spec_hint = Some(spec_hint(&ws.root, &env, &key));
        }
    }
    report.findings.extend(findings);
    outcome.fails = !drift.is_empty() || report.fails(fail_on);
    outcome.drift = drift;
    outcome
}

fn resource_name(doc: &manifest::Document, target: Target) -> String {
    match target {
        Target::Kubernetes => doc.display_name(),
        Target::Helm => "HelmValues".into(),
        Target::Compose => "Compose".into(),
    }
}

/// The component a finding's object was rendered from: a Kubernetes object
/// (`Kind/namespace/name`) or a Compose service (`services.name`) named after one.
fn component_of<'a>(env: &'a Environment, object: Option<&str>) -> Option<&'a str> {
    let object = object?;
    let name = match object.strip_prefix("services.") {
        Some(service) => service,
        None => object.rsplit('/').next()?,
    };
    env.spec
        .components
        .get_key_value(name)
        .map(|(key, _)| key.as_str())
}

/// "set `key` (now at file:line:col)" or "set `key` in environments/<app>/<env>.yaml".
fn spec_hint(root: &Path, env: &Environment, key: &str) -> String {
    let pointer = spec::load::key_to_pointer(key);
    match env.layered.origins.get(&pointer) {
        Some(origin) => format!("`{key}` is set at {}", origin.key_location()),
        None => {
            let file = env
                .files
                .last()
                .map(|f| spec::load::display_path(root, f))
                .unwrap_or_default();
            format!("set `{key}` in {file}")
        }
    }
}

fn drift_finding(d: &Drift, id: &EnvId) -> Finding {
    let (message, line) = match d {
        Drift::Missing { .. } => ("golden file is missing".to_string(), 1),
        Drift::Changed {
            golden, rendered, ..
        } => {
            let line = golden
                .lines()
                .zip(rendered.lines())
                .position(|(a, b)| a != b)
                .unwrap_or_else(|| golden.lines().count().min(rendered.lines().count()))
                + 1;
            (
                "golden file differs from the render".to_string(),
                line as u32,
            )
        }
        Drift::Stale { .. } | Drift::Orphan { .. } => {
            ("golden file is no longer rendered".to_string(), 1)
        }
    };
    Finding {
        rule: RuleRef {
            code: DRIFT.into(),
            name: DRIFT.into(),
        },
        severity: Severity::Error,
        message,
        help: Some(format!(
            "review the change with `shipshape diff {id}`, then accept it with `shipshape golden accept {id}`"
        )),
        location: Some(Location {
            file: format!("golden/{}", d.path()),
            line,
            col: 1,
        }),
        pointer: None,
        object: None,
        spec_hint: None,
        exempted: None,
    }
}

/// A golden file of an environment that no longer exists: drift, fixed by accepting (which
/// removes it) or by restoring the environment.
fn orphan_finding(d: &Drift) -> Finding {
    let path = d.path();
    let env = path.rsplit_once('/').map_or(path, |(dir, _)| dir);
    Finding {
        rule: RuleRef {
            code: DRIFT.into(),
            name: DRIFT.into(),
        },
        severity: Severity::Error,
        message: format!(
            "orphan golden file: no environment renders it (environments/{env}.yaml does not exist)"
        ),
        help: Some(format!(
            "remove it with `shipshape golden accept` (or delete golden/{env}/), or restore environments/{env}.yaml"
        )),
        location: Some(Location {
            file: format!("golden/{path}"),
            line: 1,
            col: 1,
        }),
        pointer: None,
        object: None,
        spec_hint: None,
        exempted: None,
    }
}

/// The drift of one file through the object-aware diff; a plain line diff when the files
/// differ only in what the objects do not hold (comments, formatting) or the golden file no
/// longer parses.
fn show_drift(d: &Drift, show_secrets: bool, color: bool) -> String {
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
