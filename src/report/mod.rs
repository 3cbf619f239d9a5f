//! Findings and results, and the one reporting layer that prints them.
//!
//! `validate`, `lint` and `check` each build a [`Report`]; every output format (text, JSON,
//! SARIF, JUnit, GitHub annotations, Markdown, GitLab Code Quality) renders the same value. A finding is a value,
//! not an error: errors are for the tool itself failing.
//!
//! Commands build a [`Report`] and hand it to [`emit()`] with the [`FormatSpec`]s the user
//! asked for (`--format text --format sarif=out.sarif`, parsed by [`OutputArgs`]). Each
//! format is one file behind the [`Render`] trait: [`text`], [`json`], [`sarif`], [`junit`],
//! [`github`], [`markdown`], [`gitlab`].

pub mod emit;
pub mod github;
pub mod gitlab;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod sarif;
pub mod stream;
pub mod text;

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Serialize;

pub use crate::manifest::Location;
use crate::manifest::Source;
pub use emit::{
    Format, FormatSpec, OutputArgs, Render, RenderOptions, emit, emit_with, render,
    stdout_wants_color,
};

/// How serious a finding is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Fails the run.
    Error,
    /// Fails the run with `--fail-on warning`.
    Warning,
    /// Never fails the run.
    Info,
}

impl Severity {
    /// The lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which check produced a finding: a stable code and a kebab-case name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct RuleRef {
    /// Stable code, e.g. `SS101`, or `schema` / `yaml` for validation.
    pub code: String,
    /// Kebab-case name, e.g. `run-as-non-root`.
    pub name: String,
}

/// An exemption that matched a finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Exemption {
    /// Why the finding is accepted.
    pub reason: String,
    /// Where the exemption was declared (annotation, spec file, shipshape.yaml).
    pub source: String,
    /// `YYYY-MM-DD` after which it no longer applies.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
}

/// One problem found in a file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The check that fired.
    pub rule: RuleRef,
    /// How serious it is.
    pub severity: Severity,
    /// What is wrong, in one sentence.
    pub message: String,
    /// How to fix it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// The offending field (or the object lacking one).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    /// JSON pointer of the offending field within its document.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pointer: Option<String>,
    /// The object, as `Kind/name` or `Kind/namespace/name`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub object: Option<String>,
    /// For rendered output: the spec key and file that control the field.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub spec_hint: Option<String>,
    /// Set when an exemption accepted the finding; it then does not fail the run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exempted: Option<Exemption>,
    /// Further places the finding concerns: for rendered output whose finding points at the
    /// spec, the line of the rendered file (in its golden copy).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<Related>,
}

/// A further place a finding concerns, with what it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Related {
    /// What the place is, one word: `rendered` for the line of the rendered output.
    pub label: String,
    /// Where it is (a file that exists in the workspace).
    pub location: Location,
}

impl Related {
    /// The description formats that carry a message per place print (SARIF).
    pub fn description(&self) -> String {
        match self.label.as_str() {
            "rendered" => format!("the rendered output ({})", self.location),
            other => format!("{other} ({})", self.location),
        }
    }
}

/// The validation status of one resource (one document, or one item of a `List`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Matches its schema.
    Valid,
    /// Does not match its schema.
    Invalid,
    /// Could not be checked: unparseable, no apiVersion/kind, duplicate key, not UTF-8.
    Error,
    /// Skipped: by `--skip`, or no schema with `--ignore-missing-schemas`.
    Skipped,
}

impl Status {
    /// The lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Valid => "valid",
            Status::Invalid => "invalid",
            Status::Error => "error",
            Status::Skipped => "skipped",
        }
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One resource's validation result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Resource {
    /// Where the resource starts.
    pub location: Location,
    /// `Kind/name` or `Kind/namespace/name` (as far as known).
    pub object: String,
    /// Its status.
    pub status: Status,
    /// Why it was skipped or could not be checked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// Documentation of a rule, for formats that carry it (SARIF) and for `explain`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleDoc {
    /// The rule.
    pub rule: RuleRef,
    /// One-line summary.
    pub summary: String,
    /// The full text (what it checks, why, example, fix), Markdown.
    pub doc: String,
    /// Default severity.
    pub severity: Severity,
}

/// Everything one command found.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Report {
    /// The command that produced it (`validate`, `lint`, `check`).
    pub command: String,
    /// Per-resource results (validation).
    pub resources: Vec<Resource>,
    /// Findings, sorted by file, line, column, code.
    pub findings: Vec<Finding>,
    /// Valid resources that were counted but not listed in `resources`, because no output
    /// lists valid resources (text without `--verbose`).
    #[serde(skip)]
    pub unlisted_valid: usize,
    /// Documentation of every rule that appears in `findings`.
    #[serde(skip)]
    pub rules: Vec<RuleDoc>,
    /// The files the findings point into, by display path, so that the text format can show
    /// the offending line. Optional: without a file's source, findings print without excerpt.
    #[serde(skip)]
    pub sources: BTreeMap<String, Arc<Source>>,
}

/// How many resources ended in each status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ResourceCounts {
    /// All resources.
    pub total: usize,
    /// Valid ones.
    pub valid: usize,
    /// Invalid ones.
    pub invalid: usize,
    /// Ones that could not be checked.
    pub error: usize,
    /// Skipped ones.
    pub skipped: usize,
}

/// How many findings there are, by severity. Exempted findings are counted only in
/// `exempted`, so `total = error + warning + info + exempted`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct FindingCounts {
    /// All findings, exempted ones included.
    pub total: usize,
    /// Errors that are not exempted.
    pub error: usize,
    /// Warnings that are not exempted.
    pub warning: usize,
    /// Infos that are not exempted.
    pub info: usize,
    /// Findings accepted by an exemption.
    pub exempted: usize,
}

/// The counts every format prints as its summary.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Resources per status.
    pub resources: ResourceCounts,
    /// Findings per severity.
    pub findings: FindingCounts,
}

impl Summary {
    /// The resource line: `3 resources: 1 valid, 1 invalid, 0 not checked, 1 skipped`.
    /// "Errors" is kept for the finding line (findings of severity error); a resource that
    /// could not be checked (unreadable, no apiVersion or kind, no schema) is "not checked".
    pub fn resource_line(&self) -> String {
        let r = &self.resources;
        format!(
            "{}: {} valid, {} invalid, {} not checked, {} skipped",
            plural(r.total, "resource", "resources"),
            r.valid,
            r.invalid,
            r.error,
            r.skipped
        )
    }

    /// Adds the counts of another part of a run.
    pub fn add(&mut self, other: &Summary) {
        let (r, o) = (&mut self.resources, &other.resources);
        r.total += o.total;
        r.valid += o.valid;
        r.invalid += o.invalid;
        r.error += o.error;
        r.skipped += o.skipped;
        let (f, o) = (&mut self.findings, &other.findings);
        f.total += o.total;
        f.error += o.error;
        f.warning += o.warning;
        f.info += o.info;
        f.exempted += o.exempted;
    }

    /// Whether the run fails: a finding that is not exempted at or above `threshold`, or a
    /// resource that is invalid or could not be checked.
    pub fn fails(&self, threshold: Severity) -> bool {
        let f = &self.findings;
        let open = match threshold {
            Severity::Error => f.error,
            Severity::Warning => f.error + f.warning,
            Severity::Info => f.error + f.warning + f.info,
        };
        open > 0 || self.resources.invalid > 0 || self.resources.error > 0
    }

    /// Whether a report of `command` with these counts lists resource statuses (validation
    /// always does, even of zero resources).
    pub fn shows_resources(&self, command: &str) -> bool {
        self.resources.total > 0 || command == "validate"
    }

    /// Whether a report of `command` with these counts prints the finding counts (always,
    /// except for a validation run without findings).
    pub fn shows_findings(&self, command: &str) -> bool {
        command != "validate" || self.findings.total > 0
    }

    /// The closing lines of the text and GitHub formats: the resource line and the finding
    /// line, each when the report shows it.
    pub fn closing_lines(&self, command: &str) -> String {
        let mut out = String::new();
        if self.shows_resources(command) {
            out.push_str(&self.resource_line());
            out.push('\n');
        }
        if self.shows_findings(command) {
            out.push_str(&self.finding_line());
            out.push('\n');
        }
        out
    }

    /// The finding line: `4 findings: 1 error, 1 warning, 1 info (1 exempted)`.
    pub fn finding_line(&self) -> String {
        let f = &self.findings;
        format!(
            "{}: {}, {}, {} ({} exempted)",
            plural(f.total, "finding", "findings"),
            plural(f.error, "error", "errors"),
            plural(f.warning, "warning", "warnings"),
            plural(f.info, "info", "infos"),
            f.exempted
        )
    }
}

/// `1 error`, `2 errors`.
pub(crate) fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("{n} {one}")
    } else {
        format!("{n} {many}")
    }
}

impl Report {
    /// Registers the file a finding points into, so that text output can quote its lines.
    pub fn add_source(&mut self, source: &Arc<Source>) {
        self.sources
            .entry(source.path.clone())
            .or_insert_with(|| Arc::clone(source));
    }

    /// Counts resources per status and findings per severity.
    pub fn summary(&self) -> Summary {
        let mut summary = Summary::default();
        summary.resources.total = self.unlisted_valid;
        summary.resources.valid = self.unlisted_valid;
        for r in &self.resources {
            let counts = &mut summary.resources;
            counts.total += 1;
            match r.status {
                Status::Valid => counts.valid += 1,
                Status::Invalid => counts.invalid += 1,
                Status::Error => counts.error += 1,
                Status::Skipped => counts.skipped += 1,
            }
        }
        for f in &self.findings {
            let counts = &mut summary.findings;
            counts.total += 1;
            match (&f.exempted, f.severity) {
                (Some(_), _) => counts.exempted += 1,
                (None, Severity::Error) => counts.error += 1,
                (None, Severity::Warning) => counts.warning += 1,
                (None, Severity::Info) => counts.info += 1,
            }
        }
        summary
    }

    /// Whether the report is about resources (validation), so formats list their statuses.
    pub fn has_resources(&self) -> bool {
        self.summary().shows_resources(&self.command)
    }

    /// Moves the resources, findings and sources of `part` (one file's results) into this
    /// report.
    pub fn append(&mut self, part: Report) {
        self.resources.extend(part.resources);
        self.findings.extend(part.findings);
        self.unlisted_valid += part.unlisted_valid;
        for (path, source) in part.sources {
            self.sources.entry(path).or_insert(source);
        }
    }

    /// Whether formats print the finding counts (always, except for a validation run
    /// without findings).
    pub fn has_finding_summary(&self) -> bool {
        self.summary().shows_findings(&self.command)
    }

    /// The documentation of a rule code, when the report carries it.
    pub fn rule_doc(&self, code: &str) -> Option<&RuleDoc> {
        self.rules.iter().find(|d| d.rule.code == code)
    }

    /// Sorts findings and resources into their stable order.
    pub fn sort(&mut self) {
        self.findings.sort_by(|a, b| {
            (&a.location, &a.rule.code, &a.pointer, &a.message).cmp(&(
                &b.location,
                &b.rule.code,
                &b.pointer,
                &b.message,
            ))
        });
        self.resources.sort_by(|a, b| a.location.cmp(&b.location));
    }

    /// Whether any finding that is not exempted is at or above `threshold`.
    pub fn fails(&self, threshold: Severity) -> bool {
        self.summary().fails(threshold)
    }
}
