//! `shipshape validate`: validate manifests against Kubernetes, CRD, Compose and Helm values schemas.
//!
//! Exit 0 when every resource is valid (or skipped), 1 when one is invalid or has an error,
//! 2 for input errors: a file that cannot be read or is not YAML, no input at all (an empty
//! stdin, folders without manifests), or a bad flag.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use rayon::prelude::*;

use std::sync::atomic::{AtomicBool, Ordering};

use crate::cli::{EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS};
use crate::manifest::Source;
use crate::progress::Progress;
use crate::report::emit::{Format, FormatSpec, OutputArgs};
use crate::report::stream::Sink;
use crate::report::{Report, Severity};
use crate::schema::{Options, Registry, ResourceResult, Target, codes};

/// Arguments of `shipshape validate`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Files or folders (searched recursively for .yaml, .yml and .json); `-` reads stdin.
    #[arg(required = true, value_name = "PATH|-")]
    pub paths: Vec<String>,
    /// Unknown fields are errors (the default for rendered output in `check`, and always for
    /// Compose files). Duplicate keys are always errors.
    #[arg(long)]
    pub strict: bool,
    /// Skip resources that have no schema instead of reporting them as errors.
    #[arg(long)]
    pub ignore_missing_schemas: bool,
    /// Kinds to skip (`Secret`, or `apps/v1/Deployment`), comma-separated or repeated.
    #[arg(long, value_name = "KIND[,..]", value_delimiter = ',')]
    pub skip: Vec<String>,
    /// Kubernetes version of the schemas (1.33 to 1.37; default: `kubernetesVersion` in the
    /// workspace's shipshape.yaml, else the newest bundled).
    #[arg(long, value_name = "VERSION")]
    pub kubernetes_version: Option<String>,
    /// The workspace folder: its `schemas/crds` folder is read, and `kubernetesVersion` of its
    /// shipshape.yaml is the default Kubernetes version.
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub workspace: PathBuf,
    /// Folder of extra schemas: files from `shipshape schema import` or CRD YAML (repeatable).
    /// The workspace's `schemas/crds` folder is always read.
    #[arg(long, value_name = "DIR")]
    pub schema_location: Vec<PathBuf>,
    /// Validate every document as this target instead of detecting it.
    #[arg(long, value_enum)]
    pub target: Option<TargetArg>,
    /// Output format on stdout (text, json, sarif, junit, github, markdown, gitlab); a shorthand for
    /// `--format FORMAT`.
    #[arg(long, short = 'o', value_name = "FORMAT", conflicts_with = "formats")]
    pub output: Option<Format>,
    /// Output formats and verbosity.
    #[command(flatten)]
    pub report: OutputArgs,
}

/// What the documents are (`--target`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum TargetArg {
    /// Kubernetes resources (built-in kinds and CRDs).
    Kubernetes,
    /// Compose files.
    Compose,
    /// Helm values of the conventional application chart.
    HelmValues,
}

impl From<TargetArg> for Target {
    fn from(t: TargetArg) -> Target {
        match t {
            TargetArg::Kubernetes => Target::Kubernetes,
            TargetArg::Compose => Target::Compose,
            TargetArg::HelmValues => Target::HelmValues,
        }
    }
}

/// One input: a file on disk or stdin.
enum Input {
    File(PathBuf),
    Stdin,
}

impl Input {
    /// The path the report shows for it.
    fn display(&self) -> String {
        match self {
            Input::File(path) => path.display().to_string(),
            Input::Stdin => "-".into(),
        }
    }
}

/// Runs the subcommand.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let mut output = args.report.clone();
    if let Some(format) = args.output {
        output.formats = vec![FormatSpec::stdout(format)];
    }
    output.check()?;
    let mut locations = args.schema_location.clone();
    let crds = if args.workspace == Path::new(".") {
        PathBuf::from("schemas/crds")
    } else {
        args.workspace.join("schemas/crds")
    };
    if crds.is_dir() && !locations.contains(&crds) {
        locations.push(crds);
    }
    let config = crate::config::Config::load(&args.workspace)?;
    let registry = Registry::new(Options {
        kubernetes_version: args
            .kubernetes_version
            .clone()
            .or_else(|| config.kubernetes_version.clone()),
        schema_locations: locations,
        strict: args.strict,
        ignore_missing_schemas: args.ignore_missing_schemas,
        skip: args.skip.clone(),
    })?;
    registry.check_skip()?;
    // The Kubernetes schemas are indexed on one thread while the folders are listed.
    let ((), inputs) = rayon::join(|| registry.preload(), || collect_inputs(&args.paths));
    let mut inputs = inputs?;
    if inputs.is_empty() {
        anyhow::bail!(
            "no manifest files in {}: give files, or folders holding .yaml, .yml or .json files",
            args.paths.join(", ")
        );
    }
    // Results are written file by file in the report's order (by display path), so the
    // inputs are taken in that order.
    inputs.sort_by_cached_key(Input::display);
    let target = args.target.map(Target::from);
    let shell = Report {
        command: "validate".into(),
        rules: codes::rule_docs(),
        ..Report::default()
    };
    let mut sink = Sink::new(shell, &output)?;
    let list_valid = sink.lists_valid_resources();
    // Files are validated in parallel a chunk at a time; a writer thread takes each chunk's
    // results in order while the next chunk is validated. Memory holds a few chunks'
    // results, however many files there are.
    let chunk = rayon::current_num_threads() * FILES_PER_THREAD;
    let progress = Progress::new("validate", "files", inputs.len());
    let (results, received) = std::sync::mpsc::sync_channel::<Vec<Report>>(1);
    let input_errors = AtomicBool::new(false);
    let summary = std::thread::scope(|scope| {
        let writer = scope.spawn(|| {
            for parts in received {
                for part in parts {
                    if !part.findings.is_empty() {
                        progress.clear();
                    }
                    sink.add(part)?;
                }
            }
            progress.clear();
            sink.finish()
        });
        for inputs in inputs.chunks(chunk) {
            let parts: Vec<Report> = inputs
                .par_iter()
                .map(|input| {
                    let part = validate_input(&registry, input, target, list_valid);
                    if is_input_error(&part) {
                        input_errors.store(true, Ordering::Relaxed);
                    }
                    progress.advance(1);
                    part
                })
                .collect();
            // The writer stops taking parts only when it failed; its error is reported.
            if results.send(parts).is_err() {
                break;
            }
        }
        drop(results);
        writer
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })?;
    if summary.resources.total == 0 {
        eprintln!(
            "error: no documents in {}: the input is empty (did the command feeding it fail?)",
            args.paths.join(", ")
        );
        return Ok(ExitCode::from(EXIT_ERROR));
    }
    Ok(ExitCode::from(if input_errors.into_inner() {
        EXIT_ERROR
    } else if summary.fails(Severity::Error) {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    }))
}

/// Whether a part holds a file that could not be read or is not YAML: an input error (exit
/// 2), like in every command. A duplicate key that only `--strict` refuses is a finding.
fn is_input_error(part: &Report) -> bool {
    part.findings
        .iter()
        .any(|f| f.rule.code == codes::YAML && !f.message.starts_with("duplicate key"))
}

/// How many files each thread validates per chunk. At the end of a chunk a thread that is
/// done waits for the others, which costs most when the machine is busy and a thread loses
/// its processor for a while; the chunk's results (a count per valid file, the findings of
/// the others) stay small.
const FILES_PER_THREAD: usize = 256;

/// The results of one input: its resources (valid ones only counted unless `list_valid`),
/// findings and (when it has findings, for the excerpts of the text format) its text.
fn validate_input(
    registry: &Registry,
    input: &Input,
    target: Option<Target>,
    list_valid: bool,
) -> Report {
    let source = match input {
        Input::Stdin => Source::read_stdin(),
        Input::File(path) => Source::read(path),
    };
    let mut part = Report::default();
    match source {
        Ok(source) => {
            registry.validate_source(&source, target, list_valid, &mut part);
            // Keep only the text of a file with findings (for excerpts), not the position
            // trees its findings were located with.
            if !part.findings.is_empty() {
                part.add_source(&Source::new(source.path.clone(), source.text.clone()));
            }
        }
        Err(e) => ResourceResult::unreadable(&e).add_to(&mut part),
    }
    part
}

/// Expands the command-line paths: files as given, folders recursively (sorted), `-` once.
fn collect_inputs(paths: &[String]) -> anyhow::Result<Vec<Input>> {
    let mut inputs = Vec::new();
    let mut stdin = false;
    for p in paths {
        if p == "-" {
            if !stdin {
                inputs.push(Input::Stdin);
                stdin = true;
            }
            continue;
        }
        let path = PathBuf::from(p);
        let meta = std::fs::metadata(&path)
            .map_err(|e| anyhow::anyhow!("{p}: cannot read: {e}; check the path"))?;
        if meta.is_dir() {
            let mut files = crate::manifest::manifest_files(&path)
                .map_err(|e| anyhow::anyhow!("{p}: cannot read folder: {e}"))?;
            crate::manifest::skip_kustomizations(&mut files);
            if files.is_empty() {
                crate::manifest::warn_no_manifests(&path);
            }
            inputs.extend(files.into_iter().map(Input::File));
        } else {
            inputs.push(Input::File(path));
        }
    }
    Ok(inputs)
}
