//! The JUnit format: JUnit XML for CI test reports.
//!
//! `<testsuites>` holds one `<testsuite>` per file (sorted by path; findings without a
//! location go to a suite named `(no location)`). A suite holds one `<testcase>` per resource
//! (validation) and one per rule-object pair for findings that belong to no resource (lint).
//! A finding's position decides its resource: the last resource of the same file that starts
//! at or before it (a finding without a position goes to its object's resource).
//!
//! A case fails (`<failure>`) when its resource is invalid or it has an error or warning
//! finding that is not exempted; it is an `<error>` when its resource could not be checked;
//! `<skipped>` when its resource was skipped or all its findings are exempted. The failure's
//! body lists every finding as `file:line:col: severity[code/name]: message`; info findings
//! and exemptions go to `<system-out>`. The document follows the Jenkins JUnit schema
//! (`junit-10.xsd`): skipped counts are attributes of each `<testsuite>` only, since
//! `<testsuites>` carries just name, time, tests, failures and errors. Text and attributes are XML-escaped and characters
//! XML 1.0 cannot carry are replaced with U+FFFD.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::{Finding, Render, RenderOptions, Report, Resource, Severity, Status};

/// The JUnit XML renderer.
#[derive(Debug, Clone, Copy, Default)]
pub struct Junit;

/// The suite name for findings without a file.
const NO_LOCATION: &str = "(no location)";

/// One `<testcase>` being built.
struct Case<'a> {
    name: String,
    resource: Option<&'a Resource>,
    findings: Vec<&'a Finding>,
}

enum Outcome {
    Pass,
    Failure,
    Error,
    Skipped(String),
}

impl Case<'_> {
    fn outcome(&self) -> Outcome {
        let open_fails = self
            .findings
            .iter()
            .any(|f| f.exempted.is_none() && f.severity <= Severity::Warning);
        match self.resource.map(|r| r.status) {
            Some(Status::Error) => return Outcome::Error,
            Some(Status::Invalid) => return Outcome::Failure,
            Some(Status::Skipped) if !open_fails => {
                let reason = self.resource.and_then(|r| r.reason.clone());
                return Outcome::Skipped(reason.unwrap_or_else(|| "skipped".into()));
            }
            _ => {}
        }
        if open_fails {
            Outcome::Failure
        } else if self.resource.is_none()
            && !self.findings.is_empty()
            && self.findings.iter().all(|f| f.exempted.is_some())
        {
            let reasons: Vec<&str> = self
                .findings
                .iter()
                .filter_map(|f| f.exempted.as_ref().map(|e| e.reason.as_str()))
                .collect();
            Outcome::Skipped(format!("exempted: {}", reasons.join("; ")))
        } else {
            Outcome::Pass
        }
    }
}

impl Render for Junit {
    fn render(&self, report: &Report, _options: &RenderOptions) -> String {
        let suites = build_suites(report);

        let mut totals = [0usize; 4];
        let mut body = String::new();
        for (file, cases) in &suites {
            let mut counts = [cases.len(), 0, 0, 0];
            let mut cases_xml = String::new();
            for case in cases {
                let outcome = case.outcome();
                match outcome {
                    Outcome::Pass => {}
                    Outcome::Failure => counts[1] += 1,
                    Outcome::Error => counts[2] += 1,
                    Outcome::Skipped(_) => counts[3] += 1,
                }
                case_xml(&mut cases_xml, file, case, &outcome);
            }
            for (t, c) in totals.iter_mut().zip(counts) {
                *t += c;
            }
            let _ = writeln!(
                body,
                "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\">",
                escape(file),
                counts[0],
                counts[1],
                counts[2],
                counts[3]
            );
            body.push_str(&cases_xml);
            body.push_str("  </testsuite>\n");
        }

        let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        let _ = writeln!(
            out,
            "<testsuites name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\">",
            escape(&format!("shipshape {}", report.command)),
            totals[0],
            totals[1],
            totals[2]
        );
        out.push_str(&body);
        out.push_str("</testsuites>\n");
        out
    }
}

/// Groups resources and findings into suites (by file) of cases.
fn build_suites(report: &Report) -> BTreeMap<String, Vec<Case<'_>>> {
    let mut suites: BTreeMap<String, Vec<Case<'_>>> = BTreeMap::new();
    for r in &report.resources {
        suites
            .entry(r.location.file.clone())
            .or_default()
            .push(Case {
                name: r.object.clone(),
                resource: Some(r),
                findings: Vec::new(),
            });
    }
    for f in &report.findings {
        // A finding without a position belongs to its object's resource, when listed.
        let placed = match (&f.location, &f.object) {
            (None, Some(object)) => report
                .resources
                .iter()
                .find(|r| &r.object == object)
                .map(|r| r.location.clone()),
            _ => f.location.clone(),
        };
        let file = placed
            .as_ref()
            .map_or(NO_LOCATION.to_string(), |l| l.file.clone());
        let cases = suites.entry(file).or_default();
        // The resource the finding lies in: the last one starting at or before it.
        let owner = placed.as_ref().and_then(|loc| {
            cases
                .iter()
                .enumerate()
                .filter_map(|(i, c)| c.resource.map(|r| (i, r)))
                .filter(|(_, r)| (r.location.line, r.location.col) <= (loc.line, loc.col))
                .max_by_key(|(_, r)| (r.location.line, r.location.col))
                .map(|(i, _)| i)
        });
        let index = match owner {
            Some(i) => i,
            None => {
                let name = match &f.object {
                    Some(object) => format!("{object} {}/{}", f.rule.code, f.rule.name),
                    None => format!("{}/{}", f.rule.code, f.rule.name),
                };
                match cases
                    .iter()
                    .position(|c| c.resource.is_none() && c.name == name)
                {
                    Some(i) => i,
                    None => {
                        cases.push(Case {
                            name,
                            resource: None,
                            findings: Vec::new(),
                        });
                        cases.len() - 1
                    }
                }
            }
        };
        cases[index].findings.push(f);
    }
    suites
}

/// Writes one `<testcase>`.
fn case_xml(out: &mut String, file: &str, case: &Case<'_>, outcome: &Outcome) {
    let _ = write!(
        out,
        "    <testcase name=\"{}\" classname=\"{}\"",
        escape(&case.name),
        escape(file)
    );
    let failing: Vec<&Finding> = case
        .findings
        .iter()
        .copied()
        .filter(|f| f.exempted.is_none() && f.severity <= Severity::Warning)
        .collect();
    let other: Vec<&Finding> = case
        .findings
        .iter()
        .copied()
        .filter(|f| f.exempted.is_some() || f.severity > Severity::Warning)
        .collect();
    if matches!(outcome, Outcome::Pass) && other.is_empty() {
        out.push_str("/>\n");
        return;
    }
    out.push_str(">\n");
    let reason = case.resource.and_then(|r| r.reason.as_deref());
    match outcome {
        Outcome::Pass => {}
        Outcome::Skipped(message) => {
            let _ = writeln!(out, "      <skipped message=\"{}\"/>", escape(message));
        }
        Outcome::Failure | Outcome::Error => {
            let (tag, kind) = match outcome {
                Outcome::Error => ("error", "error".to_string()),
                _ => (
                    "failure",
                    match case.resource {
                        Some(r) if r.status == Status::Invalid => "invalid".to_string(),
                        _ => failing
                            .first()
                            .map_or("error".to_string(), |f| f.severity.to_string()),
                    },
                ),
            };
            let message = failing
                .first()
                .map(|f| f.message.as_str())
                .or(reason)
                .unwrap_or(kind.as_str());
            let mut text = String::new();
            if let (Some(reason), true) = (reason, failing.is_empty()) {
                let _ = writeln!(text, "{reason}");
            }
            for f in &failing {
                finding_lines(&mut text, f);
            }
            let _ = writeln!(
                out,
                "      <{tag} message=\"{}\" type=\"{}\">{}</{tag}>",
                escape(message),
                escape(&kind),
                escape_text(&text)
            );
        }
    }
    if !other.is_empty() {
        let mut text = String::new();
        for f in &other {
            finding_lines(&mut text, f);
        }
        let _ = writeln!(out, "      <system-out>{}</system-out>", escape_text(&text));
    }
    out.push_str("    </testcase>\n");
}

/// `file:line:col: severity[code/name]: message` and the help, exemption and spec lines.
fn finding_lines(out: &mut String, f: &Finding) {
    if let Some(loc) = &f.location {
        let _ = write!(out, "{loc}: ");
    }
    let _ = writeln!(
        out,
        "{}[{}/{}]: {}",
        f.severity, f.rule.code, f.rule.name, f.message
    );
    for r in &f.related {
        let _ = writeln!(out, "  {}: {}", r.label, r.location);
    }
    if let Some(help) = &f.help {
        let _ = writeln!(out, "  help: {help}");
    }
    if let Some(spec) = &f.spec_hint {
        let _ = writeln!(out, "  spec: {spec}");
    }
    if let Some(ex) = &f.exempted {
        let _ = write!(out, "  exempted: {}", ex.reason);
        if let Some(expires) = &ex.expires {
            let _ = write!(out, " (until {expires})");
        }
        out.push('\n');
    }
}

/// Escapes an XML attribute value: the five predefined entities, line breaks and tabs as
/// character references (so that parsers keep them), and characters that XML 1.0 does not
/// allow replaced with U+FFFD.
pub fn escape(s: &str) -> String {
    escape_with(s, false)
}

/// Escapes XML element content like [`escape`], but keeps line breaks and tabs as they are.
pub fn escape_text(s: &str) -> String {
    escape_with(s, true)
}

fn escape_with(s: &str, content: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\n' | '\t' if content => out.push(c),
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c if allowed_in_xml(c) => out.push(c),
            _ => out.push('\u{fffd}'),
        }
    }
    out
}

/// XML 1.0's `Char` production.
fn allowed_in_xml(c: char) -> bool {
    matches!(c, '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}')
}
