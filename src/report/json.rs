//! The JSON format: one stable document for scripts.
//!
//! Shape (version 1; fields are always present, `null` when unknown):
//!
//! ```json
//! {
//!   "version": 1,
//!   "command": "lint",
//!   "summary": {
//!     "resources": {"total": 0, "valid": 0, "invalid": 0, "error": 0, "skipped": 0},
//!     "findings": {"total": 1, "error": 1, "warning": 0, "info": 0, "exempted": 0}
//!   },
//!   "resources": [
//!     {"file": "a.yaml", "line": 1, "column": 1, "object": "Deployment/web",
//!      "status": "valid", "reason": null}
//!   ],
//!   "findings": [
//!     {"code": "SS103", "rule": "latest-tag", "severity": "error", "message": "...",
//!      "help": null, "file": "a.yaml", "line": 20, "column": 16, "pointer": "/spec/...",
//!      "object": "Deployment/web", "spec": null,
//!      "related": [{"label": "rendered", "file": "golden/...", "line": 20, "column": 16}],
//!      "exempted": {"reason": "...", "source": "...", "expires": null}}
//!   ]
//! }
//! ```
//!
//! `summary.findings` counts exempted findings only under `exempted`; `exempted` is `null`
//! for findings that are not exempted. `related` is the one field present only when it has
//! entries: further places a finding concerns (`check` findings that point at the spec list
//! the line of the rendered output, in its golden copy). Findings and resources keep the report's order.

use serde::Serialize;

use super::{
    Exemption, Finding, Render, RenderOptions, Report, Resource, Severity, Status, Summary,
};

/// The version of the JSON shape; bumped on any incompatible change.
pub const JSON_VERSION: u32 = 1;

/// The JSON renderer.
#[derive(Debug, Clone, Copy, Default)]
pub struct Json;

impl Render for Json {
    fn render(&self, report: &Report, _options: &RenderOptions) -> String {
        // Serialized straight from the report (no intermediate value tree): a report of
        // many resources costs its output text and little more.
        let mut text = serde_json::to_string_pretty(&Document::of(report))
            .expect("the JSON document always serializes");
        text.push('\n');
        text
    }
}

/// The documented shape, borrowing from the report.
#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    command: &'a str,
    summary: Summary,
    #[serde(serialize_with = "each_resource")]
    resources: &'a [Resource],
    #[serde(serialize_with = "each_finding")]
    findings: &'a [Finding],
}

impl Document<'_> {
    fn of(report: &Report) -> Document<'_> {
        Document {
            version: JSON_VERSION,
            command: &report.command,
            summary: report.summary(),
            resources: &report.resources,
            findings: &report.findings,
        }
    }
}

#[derive(Serialize)]
struct ResourceEntry<'a> {
    file: &'a str,
    line: u32,
    column: u32,
    object: &'a str,
    status: Status,
    reason: Option<&'a str>,
}

#[derive(Serialize)]
struct FindingEntry<'a> {
    code: &'a str,
    rule: &'a str,
    severity: Severity,
    message: &'a str,
    help: Option<&'a str>,
    file: Option<&'a str>,
    line: Option<u32>,
    column: Option<u32>,
    pointer: Option<&'a str>,
    object: Option<&'a str>,
    spec: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related: Vec<RelatedEntry<'a>>,
    exempted: Option<ExemptionEntry<'a>>,
}

#[derive(Serialize)]
struct RelatedEntry<'a> {
    label: &'a str,
    file: &'a str,
    line: u32,
    column: u32,
}

#[derive(Serialize)]
struct ExemptionEntry<'a> {
    reason: &'a str,
    source: &'a str,
    expires: Option<&'a str>,
}

fn each_resource<S: serde::Serializer>(resources: &&[Resource], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(resources.iter().map(|r| ResourceEntry {
        file: &r.location.file,
        line: r.location.line,
        column: r.location.col,
        object: &r.object,
        status: r.status,
        reason: r.reason.as_deref(),
    }))
}

fn each_finding<S: serde::Serializer>(findings: &&[Finding], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(findings.iter().map(|f| {
        FindingEntry {
            code: &f.rule.code,
            rule: &f.rule.name,
            severity: f.severity,
            message: &f.message,
            help: f.help.as_deref(),
            file: f.location.as_ref().map(|l| l.file.as_str()),
            line: f.location.as_ref().map(|l| l.line),
            column: f.location.as_ref().map(|l| l.col),
            pointer: f.pointer.as_deref(),
            object: f.object.as_deref(),
            spec: f.spec_hint.as_deref(),
            related: f
                .related
                .iter()
                .map(|r| RelatedEntry {
                    label: &r.label,
                    file: &r.location.file,
                    line: r.location.line,
                    column: r.location.col,
                })
                .collect(),
            exempted: f.exempted.as_ref().map(|e: &Exemption| ExemptionEntry {
                reason: &e.reason,
                source: &e.source,
                expires: e.expires.as_deref(),
            }),
        }
    }))
}
