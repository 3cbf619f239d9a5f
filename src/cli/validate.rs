//! `shipshape validate`: validate manifests against Kubernetes, CRD, Compose and Helm values schemas.

use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use rayon::prelude::*;

use crate::cli::{EXIT_CLEAN, EXIT_FINDINGS};
use crate::manifest::{LoadError, Location, Source};
use crate::report::{Finding, Report, Resource, RuleRef, Severity, Status};
use crate::schema::{Options, Registry, ResourceResult, Target, codes};

/// Arguments of `shipshape validate`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Files or folders (searched recursively for .yaml, .yml and .json); `-` reads stdin.
    #[arg(required = true, value_name = "PATH|-")]
    pub paths: Vec<String>,
    /// Unknown fields and duplicate keys are errors (the default for rendered output in
    /// `check`).
    #[arg(long)]
    pub strict: bool,
    /// Skip resources that have no schema instead of reporting them as errors.
    #[arg(long)]
    pub ignore_missing_schemas: bool,
    /// Kinds to skip (`Secret`, or `apps/v1/Deployment`), comma-separated or repeated.
    #[arg(long, value_name = "KIND[,..]", value_delimiter = ',')]
    pub skip: Vec<String>,
    /// Kubernetes version of the schemas (1.33 to 1.37).
    #[arg(long, value_name = "VERSION")]
    pub kubernetes_version: Option<String>,
    /// Folder of extra schemas: files from `shipshape schema import` or CRD YAML (repeatable).
    /// A `schemas/crds` folder in the current directory is always read.
    #[arg(long, value_name = "DIR")]
    pub schema_location: Vec<PathBuf>,
    /// Validate every document as this target instead of detecting it.
    #[arg(long, value_enum)]
    pub target: Option<TargetArg>,
    /// Output format.
    #[arg(long, short = 'o', value_enum, default_value = "text")]
    pub output: OutputFormat,
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

/// Output formats of `validate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    /// One line per finding and a summary line.
    Text,
    /// The report as JSON.
    Json,
    /// JUnit XML: one test case per resource.
    Junit,
}

/// One input: a file on disk or stdin.
enum Input {
    File(PathBuf),
    Stdin,
}

/// Runs the subcommand.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let mut locations = args.schema_location.clone();
    let workspace = Path::new("schemas/crds");
    if workspace.is_dir() && !locations.iter().any(|l| l == workspace) {
        locations.push(workspace.to_path_buf());
    }
    let registry = Registry::new(Options {
        kubernetes_version: args.kubernetes_version.clone(),
        schema_locations: locations,
        strict: args.strict,
        ignore_missing_schemas: args.ignore_missing_schemas,
        skip: args.skip.clone(),
    })?;
    let inputs = collect_inputs(&args.paths)?;
    let target = args.target.map(Target::from);
    let files = inputs.len();
    let results: Vec<Vec<ResourceResult>> = inputs
        .into_par_iter()
        .map(|input| validate_input(&registry, input, target))
        .collect();
    let mut report = Report {
        command: "validate".into(),
        ..Report::default()
    };
    for result in results.into_iter().flatten() {
        report.resources.push(result.resource);
        report.findings.extend(result.findings);
    }
    report.sort();
    let summary = Summary::of(&report, files);
    let out = match args.output {
        OutputFormat::Text => text(&report, &summary),
        OutputFormat::Json => json(&report, &summary),
        OutputFormat::Junit => junit(&report),
    };
    print!("{out}");
    Ok(ExitCode::from(if summary.invalid + summary.errors > 0 {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    }))
}

fn validate_input(
    registry: &Registry,
    input: Input,
    target: Option<Target>,
) -> Vec<ResourceResult> {
    let source = match input {
        Input::Stdin => {
            let mut bytes = Vec::new();
            match std::io::stdin().read_to_end(&mut bytes) {
                Ok(_) => match String::from_utf8(bytes) {
                    Ok(text) => Ok(Source::new("-", text)),
                    Err(e) => Err(LoadError {
                        path: "-".into(),
                        pos: Some(crate::manifest::pos_at_offset(
                            &String::from_utf8_lossy(e.as_bytes()),
                            e.utf8_error().valid_up_to(),
                        )),
                        message: "file is not valid UTF-8".into(),
                    }),
                },
                Err(e) => Err(LoadError {
                    path: "-".into(),
                    pos: None,
                    message: format!("cannot read stdin: {e}"),
                }),
            }
        }
        Input::File(path) => Source::read(&path),
    };
    match source {
        Ok(source) => registry.validate_source(&source, target),
        Err(e) => vec![unreadable(&e)],
    }
}

fn unreadable(e: &LoadError) -> ResourceResult {
    let location = e.location();
    ResourceResult {
        resource: Resource {
            location: location.clone(),
            object: String::new(),
            status: Status::Error,
            reason: Some(e.message.clone()),
        },
        findings: vec![Finding {
            rule: RuleRef {
                code: codes::YAML.into(),
                name: codes::YAML.into(),
            },
            severity: Severity::Error,
            message: e.message.clone(),
            help: Some(if e.message.contains("UTF-8") {
                "save the file as UTF-8".into()
            } else {
                "check that the file exists and can be read".into()
            }),
            location: Some(location),
            pointer: None,
            object: None,
            spec_hint: None,
            exempted: None,
        }],
    }
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
            let mut files = Vec::new();
            walk(&path, &mut files).map_err(|e| anyhow::anyhow!("{p}: cannot read folder: {e}"))?;
            files.sort();
            inputs.extend(files.into_iter().map(Input::File));
        } else {
            inputs.push(Input::File(path));
        }
    }
    Ok(inputs)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        if entry.file_type()?.is_dir() {
            walk(&path, out)?;
        } else if matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("yaml" | "yml" | "json")
        ) {
            out.push(path);
        }
    }
    Ok(())
}

/// Counts per status.
#[derive(Debug, Default, serde::Serialize)]
struct Summary {
    files: usize,
    resources: usize,
    valid: usize,
    invalid: usize,
    errors: usize,
    skipped: usize,
}

impl Summary {
    fn of(report: &Report, files: usize) -> Summary {
        let mut s = Summary {
            files,
            resources: report.resources.len(),
            ..Summary::default()
        };
        for r in &report.resources {
            match r.status {
                Status::Valid => s.valid += 1,
                Status::Invalid => s.invalid += 1,
                Status::Error => s.errors += 1,
                Status::Skipped => s.skipped += 1,
            }
        }
        s
    }

    fn line(&self) -> String {
        format!(
            "{} {} in {} {}: {} valid, {} invalid, {} {}, {} skipped",
            self.resources,
            plural(self.resources, "resource", "resources"),
            self.files,
            plural(self.files, "file", "files"),
            self.valid,
            self.invalid,
            self.errors,
            plural(self.errors, "error", "errors"),
            self.skipped
        )
    }
}

fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
}

fn text(report: &Report, summary: &Summary) -> String {
    let mut out = String::new();
    for f in &report.findings {
        let loc = f
            .location
            .as_ref()
            .map(Location::to_string)
            .unwrap_or_default();
        let object = f
            .object
            .as_deref()
            .map(|o| format!(" ({o})"))
            .unwrap_or_default();
        out.push_str(&format!(
            "{loc}: {}[{}]: {}{object}\n",
            f.severity, f.rule.code, f.message
        ));
        if let Some(help) = &f.help {
            out.push_str(&format!("  help: {help}\n"));
        }
    }
    out.push_str(&summary.line());
    out.push('\n');
    out
}

fn json(report: &Report, summary: &Summary) -> String {
    let value = serde_json::json!({
        "command": report.command,
        "summary": summary,
        "resources": report.resources,
        "findings": report.findings,
    });
    let mut s = serde_json::to_string_pretty(&value).expect("a report serializes");
    s.push('\n');
    s
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn junit(report: &Report) -> String {
    let failures = report
        .resources
        .iter()
        .filter(|r| matches!(r.status, Status::Invalid | Status::Error))
        .count();
    let skipped = report
        .resources
        .iter()
        .filter(|r| r.status == Status::Skipped)
        .count();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&format!(
        "<testsuites name=\"shipshape validate\" tests=\"{}\" failures=\"{failures}\" skipped=\"{skipped}\">\n",
        report.resources.len()
    ));
    out.push_str(&format!(
        "  <testsuite name=\"validate\" tests=\"{}\" failures=\"{failures}\" skipped=\"{skipped}\">\n",
        report.resources.len()
    ));
    for r in &report.resources {
        let name = if r.object.is_empty() {
            r.location.file.clone()
        } else {
            r.object.clone()
        };
        out.push_str(&format!(
            "    <testcase name=\"{}\" classname=\"{}\">\n",
            xml_escape(&name),
            xml_escape(&r.location.to_string())
        ));
        match r.status {
            Status::Valid => {}
            Status::Skipped => out.push_str(&format!(
                "      <skipped message=\"{}\"/>\n",
                xml_escape(r.reason.as_deref().unwrap_or("skipped"))
            )),
            Status::Invalid | Status::Error => {
                let findings: Vec<&Finding> = report
                    .findings
                    .iter()
                    .filter(|f| {
                        f.location.as_ref().map(|l| &l.file) == Some(&r.location.file)
                            && (f.object.as_deref() == Some(r.object.as_str())
                                || (r.object.is_empty() && f.object.is_none()))
                    })
                    .collect();
                let body: Vec<String> = findings
                    .iter()
                    .map(|f| {
                        let loc = f
                            .location
                            .as_ref()
                            .map(Location::to_string)
                            .unwrap_or_default();
                        format!("{loc}: {}", f.message)
                    })
                    .collect();
                out.push_str(&format!(
                    "      <failure message=\"{}\" type=\"{}\">{}</failure>\n",
                    xml_escape(
                        r.reason
                            .as_deref()
                            .unwrap_or(if r.status == Status::Invalid {
                                "invalid"
                            } else {
                                "error"
                            })
                    ),
                    if r.status == Status::Invalid {
                        "invalid"
                    } else {
                        "error"
                    },
                    xml_escape(&body.join("\n"))
                ));
            }
        }
        out.push_str("    </testcase>\n");
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}
