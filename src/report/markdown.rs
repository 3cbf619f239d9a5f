//! The Markdown format: tables for a GitHub job summary or a pull request comment.
//!
//! A heading, a summary table (resources per status and/or findings per severity), a table
//! of findings (location, severity, rule, message; in file order as in the text format), a table of exempted findings with their
//! reasons, and, for validation, a table of the resources that are not valid (all of them
//! with `verbose`). Cell text is escaped: `|`, `&`, `<`, `>`, and line breaks become `<br>`.

use std::fmt::Write;

use super::{Finding, Render, RenderOptions, Report, Status};

/// The Markdown renderer.
#[derive(Debug, Clone, Copy, Default)]
pub struct Markdown;

impl Render for Markdown {
    fn render(&self, report: &Report, options: &RenderOptions) -> String {
        let summary = report.summary();
        let mut out = format!("## shipshape {}\n", cell(&report.command));

        if report.has_resources() {
            let r = &summary.resources;
            count_table(
                &mut out,
                ["Resources", "Valid", "Invalid", "Not checked", "Skipped"],
                [r.total, r.valid, r.invalid, r.error, r.skipped],
            );
        }
        if report.has_finding_summary() {
            let f = &summary.findings;
            count_table(
                &mut out,
                ["Findings", "Errors", "Warnings", "Infos", "Exempted"],
                [f.total, f.error, f.warning, f.info, f.exempted],
            );
        }

        let (exempted, open): (Vec<&Finding>, Vec<&Finding>) = super::text::by_file(report)
            .into_iter()
            .partition(|f| f.exempted.is_some());
        if !open.is_empty() {
            out.push_str("\n### Findings\n\n");
            out.push_str("| Location | Severity | Rule | Message |\n");
            out.push_str("|---|---|---|---|\n");
            for f in open {
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {} |",
                    location(f),
                    f.severity,
                    rule(f),
                    message(f)
                );
            }
        }

        if !exempted.is_empty() {
            out.push_str("\n### Exempted findings\n\n");
            out.push_str("| Location | Severity | Rule | Message | Reason | Expires |\n");
            out.push_str("|---|---|---|---|---|---|\n");
            for f in exempted {
                let ex = f.exempted.as_ref().expect("filtered on exempted");
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {} | {} | {} |",
                    location(f),
                    f.severity,
                    rule(f),
                    message(f),
                    cell(&ex.reason),
                    ex.expires.as_deref().map_or(String::new(), cell)
                );
            }
        }

        let listed: Vec<_> = report
            .resources
            .iter()
            .filter(|r| options.verbose || r.status != Status::Valid)
            .collect();
        if !listed.is_empty() {
            out.push_str("\n### Resources\n\n");
            out.push_str("| Location | Object | Status | Reason |\n");
            out.push_str("|---|---|---|---|\n");
            for r in listed {
                let _ = writeln!(
                    out,
                    "| {}:{} | {} | {} | {} |",
                    cell(&r.location.file),
                    r.location.line,
                    cell(&r.object),
                    r.status,
                    r.reason.as_deref().map_or(String::new(), cell)
                );
            }
        }
        out
    }
}

/// `file:line`, or the object, or empty.
fn location(f: &Finding) -> String {
    match (&f.location, &f.object) {
        (Some(loc), _) => format!("{}:{}", cell(&loc.file), loc.line),
        (None, Some(object)) => cell(object),
        (None, None) => String::new(),
    }
}

/// `` `CODE` name ``.
fn rule(f: &Finding) -> String {
    format!("`{}` {}", cell(&f.rule.code), cell(&f.rule.name))
}

/// The message, with help on a second line of the cell.
fn message(f: &Finding) -> String {
    let mut text = cell(&f.message);
    for r in &f.related {
        let _ = write!(
            text,
            "<br>{}: {}",
            cell(&r.label),
            cell(&r.location.to_string())
        );
    }
    if let Some(help) = &f.help {
        let _ = write!(text, "<br>help: {}", cell(help));
    }
    text
}

/// Escapes text for a table cell: `&`, `<`, `>` as entities, `|` as `\|`, line breaks as
/// `<br>`.
pub fn cell(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '|' => out.push_str("\\|"),
            '\n' => out.push_str("<br>"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// A one-row table of counts, right-aligned.
fn count_table(out: &mut String, headers: [&str; 5], counts: [usize; 5]) {
    let _ = writeln!(out, "\n| {} |", headers.join(" | "));
    out.push_str("|---:|---:|---:|---:|---:|\n");
    let cells: Vec<String> = counts.iter().map(ToString::to_string).collect();
    let _ = writeln!(out, "| {} |", cells.join(" | "));
}
