//! The GitLab format: a Code Quality report, the JSON array GitLab reads from a job's
//! `artifacts:reports:codequality` file and shows in merge requests.
//!
//! Each finding that is not exempted becomes one issue:
//!
//! ```json
//! [
//!   {"description": "SS103 read-only-root-fs: ...", "check_name": "SS103/read-only-root-fs",
//!    "fingerprint": "<sha256 hex>", "severity": "minor",
//!    "location": {"path": "a.yaml", "lines": {"begin": 20}}}
//! ]
//! ```
//!
//! Severities map error → `major`, warning → `minor`, info → `info`. The fingerprint hashes
//! the rule, file, object, pointer and message, not the line, so that GitLab sees the same
//! issue as unchanged when lines above it move; findings that would share one get a counter.
//! A finding without a position takes its object's resource position, or else line 1 of
//! the file it belongs to (`.` when it has none).

use std::collections::HashMap;

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::{Finding, Render, RenderOptions, Report, Severity};

/// The GitLab Code Quality renderer.
#[derive(Debug, Clone, Copy, Default)]
pub struct Gitlab;

#[derive(Serialize)]
struct Issue<'a> {
    description: String,
    check_name: String,
    fingerprint: String,
    severity: &'static str,
    location: IssueLocation<'a>,
}

#[derive(Serialize)]
struct IssueLocation<'a> {
    path: &'a str,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: u32,
}

impl Render for Gitlab {
    fn render(&self, report: &Report, _options: &RenderOptions) -> String {
        let mut seen: HashMap<String, usize> = HashMap::new();
        let issues: Vec<Issue<'_>> = report
            .findings
            .iter()
            .filter(|f| f.exempted.is_none())
            .map(|f| issue(report, f, &mut seen))
            .collect();
        let mut text =
            serde_json::to_string_pretty(&issues).expect("the Code Quality report serializes");
        text.push('\n');
        text
    }
}

fn issue<'a>(report: &'a Report, f: &'a Finding, seen: &mut HashMap<String, usize>) -> Issue<'a> {
    let location = f.location.as_ref().or_else(|| {
        let object = f.object.as_ref()?;
        report
            .resources
            .iter()
            .find(|r| &r.object == object)
            .map(|r| &r.location)
    });
    let (path, line) = location.map_or((".", 1), |l| (l.file.as_str(), l.line.max(1)));

    let mut description = format!("{} {}: ", f.rule.code, f.rule.name);
    if let Some(object) = &f.object {
        description.push_str(object);
        description.push_str(": ");
    }
    description.push_str(&f.message);
    for r in &f.related {
        description.push_str(&format!(" ({}: {})", r.label, r.location));
    }
    if let Some(help) = &f.help {
        if !description.ends_with(['.', '!', '?']) {
            description.push('.');
        }
        description.push_str(" Fix: ");
        description.push_str(help);
    }

    let mut hasher = Sha256::new();
    for part in [
        f.rule.code.as_str(),
        path,
        f.object.as_deref().unwrap_or(""),
        f.pointer.as_deref().unwrap_or(""),
        f.message.as_str(),
    ] {
        hasher.update(part.as_bytes());
        hasher.update([0]);
    }
    let mut fingerprint = hex(&hasher.finalize());
    let count = seen.entry(fingerprint.clone()).or_insert(0);
    *count += 1;
    if *count > 1 {
        let mut again = Sha256::new();
        again.update(fingerprint.as_bytes());
        again.update(count.to_string().as_bytes());
        fingerprint = hex(&again.finalize());
    }

    Issue {
        description,
        check_name: format!("{}/{}", f.rule.code, f.rule.name),
        fingerprint,
        severity: match f.severity {
            Severity::Error => "major",
            Severity::Warning => "minor",
            Severity::Info => "info",
        },
        location: IssueLocation {
            path,
            lines: Lines { begin: line },
        },
    }
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(out, "{b:02x}");
    }
    out
}
