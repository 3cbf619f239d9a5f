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
//!      "exempted": {"reason": "...", "source": "...", "expires": null}}
//!   ]
//! }
//! ```
//!
//! `summary.findings` counts exempted findings only under `exempted`; `exempted` is `null`
//! for findings that are not exempted. Findings and resources keep the report's order.

use serde_json::{Value, json};

use super::{Finding, Render, RenderOptions, Report, Resource};

/// The version of the JSON shape; bumped on any incompatible change.
pub const JSON_VERSION: u32 = 1;

/// The JSON renderer.
#[derive(Debug, Clone, Copy, Default)]
pub struct Json;

impl Render for Json {
    fn render(&self, report: &Report, _options: &RenderOptions) -> String {
        let mut text = serde_json::to_string_pretty(&to_value(report))
            .expect("a JSON value always serializes");
        text.push('\n');
        text
    }
}

/// The report as the documented JSON value.
pub fn to_value(report: &Report) -> Value {
    json!({
        "version": JSON_VERSION,
        "command": report.command,
        "summary": report.summary(),
        "resources": report.resources.iter().map(resource).collect::<Vec<_>>(),
        "findings": report.findings.iter().map(finding).collect::<Vec<_>>(),
    })
}

fn resource(r: &Resource) -> Value {
    json!({
        "file": r.location.file,
        "line": r.location.line,
        "column": r.location.col,
        "object": r.object,
        "status": r.status,
        "reason": r.reason,
    })
}

fn finding(f: &Finding) -> Value {
    json!({
        "code": f.rule.code,
        "rule": f.rule.name,
        "severity": f.severity,
        "message": f.message,
        "help": f.help,
        "file": f.location.as_ref().map(|l| &l.file),
        "line": f.location.as_ref().map(|l| l.line),
        "column": f.location.as_ref().map(|l| l.col),
        "pointer": f.pointer,
        "object": f.object,
        "spec": f.spec_hint,
        "exempted": f.exempted.as_ref().map(|e| json!({
            "reason": e.reason,
            "source": e.source,
            "expires": e.expires,
        })),
    })
}
