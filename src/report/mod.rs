//! Findings and results, and the one reporting layer that prints them.
//!
//! `validate`, `lint` and `check` each build a [`Report`]; every output format (text, JSON,
//! SARIF, JUnit, GitHub annotations, Markdown) renders the same value. A finding is a value,
//! not an error: errors are for the tool itself failing.

use serde::Serialize;

pub use crate::manifest::Location;

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
    /// Documentation of every rule that appears in `findings`.
    #[serde(skip)]
    pub rules: Vec<RuleDoc>,
}

impl Report {
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
        self.findings
            .iter()
            .any(|f| f.exempted.is_none() && f.severity <= threshold)
            || self
                .resources
                .iter()
                .any(|r| matches!(r.status, Status::Invalid | Status::Error))
    }
}
