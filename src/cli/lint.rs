//! `shipshape lint`: run the policy rules on any manifests.
//!
//! Every file given to one call (files, folders searched recursively, `-` for stdin) forms one
//! set, so cross-resource rules see all of them. Files that cannot be read or parsed are
//! reported as findings and make the exit code 2; the other files are still linted. No
//! documents at all (an empty stdin) is an input error too. A duplicate key is a finding on
//! the object that holds it (as `validate` reports it), and its file is linted.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use rayon::prelude::*;

use crate::config::Config;
use crate::manifest::{self, Document, LoadError, Source};
use crate::policy::{self, Date, LintContext, Profile};
use crate::progress::Progress;
use crate::report::{Finding, OutputArgs, Report, RuleRef, Severity};
use crate::schema::validate::duplicate_key_finding;

use super::{EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS};

/// Arguments of `shipshape lint`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Manifest files or folders (searched recursively for .yaml, .yml and .json); `-` reads
    /// stdin.
    #[arg(required = true, value_name = "PATH|-")]
    pub paths: Vec<PathBuf>,
    /// Output formats.
    #[command(flatten)]
    pub output: OutputArgs,
    /// Rule selection and failure threshold.
    #[command(flatten)]
    pub policy: PolicyArgs,
    /// Apply this environment's profile from shipshape.yaml (and, for `production` or
    /// `prod`, the production-only rules).
    #[arg(long, value_name = "ENV")]
    pub environment: Option<String>,
    /// The workspace folder: its shipshape.yaml is the configuration (unless `--config`), and
    /// its environments are the names `--environment` takes.
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub workspace: PathBuf,
    /// The configuration file (default: shipshape.yaml of the workspace when it exists).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// ConfigMaps and Secrets that exist outside the given files (config-refs-exist skips
    /// them). Comma-separated or repeated.
    #[arg(long, value_delimiter = ',', value_name = "NAME")]
    pub external: Vec<String>,
}

/// The rule selection flags that `lint` and `check` share: one layer on top of the profiles
/// of shipshape.yaml.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct PolicyArgs {
    /// The lowest severity that fails the run (default: `failOn` of the profile, else error).
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub fail_on: Option<FailOn>,
    /// Run only these rules: codes (SS101), names (run-as-non-root), code prefixes (SS1) or
    /// ALL. Comma-separated or repeated.
    #[arg(long, value_delimiter = ',', value_name = "RULE")]
    pub select: Vec<String>,
    /// Run these rules in addition (e.g. the opt-in cpu-limits and image-digest).
    #[arg(long, value_delimiter = ',', value_name = "RULE")]
    pub extend_select: Vec<String>,
    /// Do not run these rules.
    #[arg(long, value_delimiter = ',', value_name = "RULE")]
    pub ignore: Vec<String>,
}

impl PolicyArgs {
    /// The flags as a profile layer.
    pub fn profile(&self) -> Profile {
        Profile {
            select: self.select.clone(),
            extend_select: self.extend_select.clone(),
            ignore: self.ignore.clone(),
            fail_on: self.fail_on.map(|f| match f {
                FailOn::Error => Severity::Error,
                FailOn::Warning => Severity::Warning,
            }),
            ..Profile::default()
        }
    }
}

/// Failure thresholds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    /// Fail on errors only.
    Error,
    /// Fail on warnings and errors.
    Warning,
}

/// Runs the subcommand.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    args.output.check()?;
    let config = match &args.config {
        Some(path) => Config::load_file(path)?,
        None => Config::load(&args.workspace)?,
    };
    if let Some(env) = &args.environment {
        check_environment_name(env, &config, &args.workspace)?;
    }
    let cli_layer = args.policy.profile();
    let selection = config
        .selection(args.environment.as_deref(), &[&cli_layer])
        .context("invalid rule selection")?;
    let fail_on = selection.fail_on;
    let mut cx = LintContext::new(Date::today());
    cx.environment = args.environment.clone();
    cx.selection = selection;
    cx.exemptions = config.exemption_entries();
    cx.external = args.external.iter().cloned().collect::<BTreeSet<_>>();

    let sources = read_sources(&args.paths)?;
    let progress = Progress::new("lint", "files", sources.len());
    let (docs, duplicates, load_errors) = load_all(&sources, &progress);
    if docs.is_empty() && load_errors.is_empty() && duplicates.is_empty() {
        drop(progress);
        let paths: Vec<String> = args.paths.iter().map(|p| p.display().to_string()).collect();
        anyhow::bail!(
            "no documents in {}: the input is empty (did the command feeding it fail?); give \
             files, or folders holding .yaml, .yml or .json files",
            paths.join(", ")
        );
    }
    let mut findings = policy::lint(&docs, &cx);
    drop(progress);
    // Spec keys only mean something for output rendered from an environment spec.
    findings.iter_mut().for_each(|f| f.spec_hint = None);
    findings.extend(duplicates);
    findings.extend(load_errors.iter().map(load_finding));
    let mut report = Report {
        command: "lint".into(),
        findings,
        ..Report::default()
    };
    report.sort();
    report.rules = policy::rule_docs(&report.findings);
    for source in sources.iter().flatten() {
        report.add_source(source);
    }
    args.output.emit(&report)?;
    let code = if !load_errors.is_empty() {
        EXIT_ERROR
    } else if report.fails(fail_on) {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    };
    Ok(ExitCode::from(code))
}

/// Refuses an `--environment` that would select nothing: it must have a profile in the
/// configuration, be an environment of the workspace, or be
/// `production`/`prod` (which run the production-only rules).
fn check_environment_name(env: &str, config: &Config, workspace: &Path) -> anyhow::Result<()> {
    let mut known: Vec<String> = config.policy.environments.keys().cloned().collect();
    if let Ok(ws) = crate::workspace::Workspace::open(workspace)
        && let Ok(ids) = ws.environments()
    {
        known.extend(ids.into_iter().map(|id| id.env));
    }
    known.extend(["production".to_string(), "prod".to_string()]);
    known.sort();
    known.dedup();
    if known.iter().any(|k| k == env) {
        return Ok(());
    }
    let hint = match crate::spec::suggest::closest(env, &known) {
        Some(s) => format!("did you mean `{s}`?"),
        None => format!("known: {}", known.join(", ")),
    };
    anyhow::bail!(
        "--environment `{env}` has no profile in shipshape.yaml and is no environment of this \
         workspace; {hint}"
    )
}

/// Reads every file named or found under the paths, in a stable order.
fn read_sources(paths: &[PathBuf]) -> anyhow::Result<Vec<Result<Arc<Source>, LoadError>>> {
    let mut files = Vec::new();
    let mut stdin_used = false;
    for path in paths {
        if path.as_os_str() == "-" {
            if stdin_used {
                anyhow::bail!("`-` (stdin) is given more than once");
            }
            stdin_used = true;
            files.push(None);
        } else if path.is_dir() {
            let mut found = manifest::manifest_files(path)
                .with_context(|| format!("cannot read folder {}", path.display()))?;
            manifest::skip_kustomizations(&mut found);
            if found.is_empty() {
                manifest::warn_no_manifests(path);
            }
            files.extend(found.into_iter().map(Some));
        } else if path.exists() {
            files.push(Some(path.clone()));
        } else {
            anyhow::bail!("{}: no such file or folder", path.display());
        }
    }
    Ok(files
        .into_par_iter()
        .map(|f| match f {
            Some(path) => Source::read(&path),
            None => Source::read_stdin(),
        })
        .collect())
}

/// Parses every source (in parallel); documents keep the sources' order. Returns the
/// documents, the findings of duplicate keys, and the files that cannot be read.
fn load_all(
    sources: &[Result<Arc<Source>, LoadError>],
    progress: &Progress,
) -> (Vec<Document>, Vec<Finding>, Vec<LoadError>) {
    /// A file's documents and the finding of its duplicate key, if it has one.
    type Loaded = (Vec<Document>, Option<Finding>);
    let loaded: Vec<Result<Loaded, LoadError>> = sources
        .par_iter()
        .map(|s| {
            let docs = match s {
                Ok(source) => {
                    manifest::load_checking_duplicates(source, None).map(|(docs, dup)| {
                        let finding = dup.map(|d| duplicate_key_finding(&docs, &d));
                        (docs, finding)
                    })
                }
                Err(e) => Err(e.clone()),
            };
            progress.advance(1);
            docs
        })
        .collect();
    let mut docs = Vec::new();
    let mut duplicates = Vec::new();
    let mut errors = Vec::new();
    for l in loaded {
        match l {
            Ok((d, duplicate)) => {
                docs.extend(d);
                duplicates.extend(duplicate);
            }
            Err(e) => errors.push(e),
        }
    }
    (docs, duplicates, errors)
}

fn load_finding(e: &LoadError) -> Finding {
    Finding {
        rule: RuleRef {
            code: "yaml".into(),
            name: "invalid-yaml".into(),
        },
        severity: Severity::Error,
        message: e.message.clone(),
        help: Some("fix the file so that it parses; the other files were linted".into()),
        location: Some(e.location()),
        pointer: None,
        object: None,
        spec_hint: None,
        exempted: None,
        related: Vec::new(),
    }
}
