//! The text format: what a person reads in a terminal.
//!
//! Findings are grouped by file, each as `file:line:col: severity[code/name]: message`,
//! followed by the source line with a caret under the column (when the report carries the
//! file's [`Source`](crate::manifest::Source)), then `help:` and `spec:` lines. Exempted
//! findings follow as a count, or (with `verbose`) in their own section with the exemption's
//! reason and expiry. For
//! validation, resources that are not valid are listed (all of them with `verbose`), and
//! summary lines close the output. Source lines of findings about secrets, and source lines
//! that show a secret (see [`crate::secrets::line_holds_secret`]), are masked.

use std::fmt::Write;

use super::{Finding, Render, RenderOptions, Report, Status, Summary};

/// The text renderer.
#[derive(Debug, Clone, Copy, Default)]
pub struct Text;

impl Render for Text {
    fn render(&self, report: &Report, options: &RenderOptions) -> String {
        let mut writer = TextWriter::new(options);
        let mut out = String::new();
        writer.part(report, by_file(report), &mut out);
        writer.finish(&report.command, &report.summary(), &mut out);
        out
    }
}

/// The text format written part by part (one file's results at a time, in file order), so
/// that a long run prints as it goes. Open findings are written at once; the exempted
/// section and the resource statuses, which follow all findings, are kept (as text) until
/// [`TextWriter::finish`]. [`Text`] renders a whole report as one part.
#[derive(Debug)]
pub(crate) struct TextWriter {
    paint: Paint,
    verbose: bool,
    /// Whether a finding block has been written (blocks are separated by blank lines).
    wrote_finding: bool,
    exempted: Vec<String>,
    statuses: String,
}

impl TextWriter {
    pub(crate) fn new(options: &RenderOptions) -> TextWriter {
        TextWriter {
            paint: Paint(options.color),
            verbose: options.verbose,
            wrote_finding: false,
            exempted: Vec::new(),
            statuses: String::new(),
        }
    }

    /// Writes the open `findings` of `part` (in the order given) to `out`, and keeps its
    /// exempted findings and resource statuses for [`TextWriter::finish`].
    pub(crate) fn part(&mut self, part: &Report, findings: Vec<&Finding>, out: &mut String) {
        let paint = self.paint;
        for f in findings {
            match &f.exempted {
                None => {
                    if self.wrote_finding {
                        out.push('\n');
                    }
                    out.push_str(&finding_block(part, f, paint));
                    self.wrote_finding = true;
                }
                Some(ex) => {
                    let mut entry = headline(f, paint);
                    let mut note = ex.reason.clone();
                    if let Some(expires) = &ex.expires {
                        let _ = write!(note, " (until {expires})");
                    }
                    let _ = write!(note, " [{}]", ex.source);
                    let _ = writeln!(entry, "  {} {}", paint.bold("exempted:"), clean(&note));
                    self.exempted.push(entry);
                }
            }
        }
        for r in &part.resources {
            if r.status == Status::Valid && !self.verbose {
                continue;
            }
            let out = &mut self.statuses;
            let _ = write!(
                out,
                "{}: {}: {}",
                paint.bold(&r.location.to_string()),
                clean(&r.object),
                paint.status(r.status)
            );
            if let Some(reason) = &r.reason {
                let _ = write!(out, ": {}", clean(reason));
            }
            out.push('\n');
        }
    }

    /// Whether valid resources are listed (`verbose`).
    pub(crate) fn lists_valid(&self) -> bool {
        self.verbose
    }

    /// Writes what follows the findings: the exempted section, the resource statuses (when
    /// the report shows resources) and the summary lines.
    pub(crate) fn finish(&mut self, command: &str, summary: &Summary, out: &mut String) {
        let paint = self.paint;
        let mut sections = Vec::new();
        if !self.exempted.is_empty() && self.verbose {
            let mut section = format!(
                "{}\n",
                paint.bold(&format!("exempted ({}):", self.exempted.len()))
            );
            section.extend(self.exempted.drain(..));
            sections.push(section);
        } else if !self.exempted.is_empty() {
            // Exemptions are decisions already taken: their count, not their list, unless
            // asked for.
            let n = self.exempted.len();
            sections.push(format!(
                "{} {} (list {} with --verbose)\n",
                paint.bold("exempted:"),
                super::plural(n, "finding", "findings"),
                if n == 1 { "it" } else { "them" }
            ));
            self.exempted.clear();
        }
        if summary.shows_resources(command) && !self.statuses.is_empty() {
            sections.push(std::mem::take(&mut self.statuses));
        }
        sections.push(summary.closing_lines(command));
        let mut separate = self.wrote_finding;
        for section in sections.into_iter().filter(|s| !s.is_empty()) {
            if separate {
                out.push('\n');
            }
            out.push_str(&section);
            separate = true;
        }
    }
}

/// Findings in file order: by file, line, column (stable, so equal positions keep the
/// report's order); findings without a location last.
pub(crate) fn by_file(report: &Report) -> Vec<&Finding> {
    let mut findings: Vec<&Finding> = report.findings.iter().collect();
    fn key(f: &Finding) -> Option<(&str, u32, u32)> {
        f.location
            .as_ref()
            .map(|l| (l.file.as_str(), l.line, l.col))
    }
    findings.sort_by(|a, b| match (key(a), key(b)) {
        (Some(x), Some(y)) => x.cmp(&y),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    });
    findings
}

/// `file:line:col: severity[code/name]: message` (the object instead of the position when
/// the finding has no location).
fn headline(f: &Finding, paint: Paint) -> String {
    let mut out = String::new();
    match (&f.location, &f.object) {
        (Some(loc), _) => {
            let _ = write!(out, "{}: ", paint.bold(&loc.to_string()));
        }
        (None, Some(object)) => {
            let _ = write!(out, "{}: ", paint.bold(&clean(object)));
        }
        (None, None) => {}
    }
    let _ = writeln!(
        out,
        "{}{}: {}",
        paint.severity(f.severity),
        paint.bold(&format!("[{}/{}]", f.rule.code, f.rule.name)),
        clean(&f.message)
    );
    out
}

/// A finding with its excerpt and help lines.
fn finding_block(report: &Report, f: &Finding, paint: Paint) -> String {
    let mut out = headline(f, paint);
    if let Some(loc) = &f.location
        && let Some(line) = report
            .sources
            .get(&loc.file)
            .and_then(|s| s.line_text(loc.line))
    {
        let (line, col) = if is_secret_finding(f) || crate::secrets::line_holds_secret(line) {
            mask_secret(line, loc.col)
        } else {
            (line.to_string(), loc.col)
        };
        let (line, col) = excerpt_window(&line, col);
        let line = clean(&line);
        let number = loc.line.to_string();
        let gutter = " ".repeat(number.len());
        let caret_pad: String = line
            .chars()
            .take(col.saturating_sub(1) as usize)
            .map(|c| if c == '\t' { '\t' } else { ' ' })
            .collect();
        let _ = writeln!(out, "  {} {line}", paint.gutter(&format!("{number} |")));
        let _ = writeln!(
            out,
            "  {} {caret_pad}{}",
            paint.gutter(&format!("{gutter} |")),
            paint.caret(f.severity)
        );
    }
    for r in &f.related {
        let label = format!("{}:", r.label);
        let _ = writeln!(
            out,
            "  {} {}",
            paint.bold(&label),
            clean(&r.location.to_string())
        );
    }
    if let Some(help) = &f.help {
        let _ = writeln!(out, "  {} {}", paint.bold("help:"), clean(help));
    }
    if let Some(spec) = &f.spec_hint {
        let _ = writeln!(out, "  {} {}", paint.bold("spec:"), clean(spec));
    }
    out
}

/// The most characters of a source line an excerpt shows.
const EXCERPT_WIDTH: usize = 160;

/// A source line longer than [`EXCERPT_WIDTH`] cut to a window around the column, with `…`
/// where it was cut (a minified 1 MB line must not flood the terminal); returns the shown
/// text and the column within it.
fn excerpt_window(line: &str, col: u32) -> (String, u32) {
    let len = line.chars().count();
    if len <= EXCERPT_WIDTH {
        return (line.to_string(), col);
    }
    let at = (col.saturating_sub(1) as usize).min(len);
    let start = at
        .saturating_sub(EXCERPT_WIDTH / 2)
        .min(len - EXCERPT_WIDTH);
    let end = start + EXCERPT_WIDTH;
    let mut shown = String::new();
    if start > 0 {
        shown.push('…');
    }
    shown.extend(line.chars().skip(start).take(EXCERPT_WIDTH));
    if end < len {
        shown.push('…');
    }
    let col = (at - start) as u32 + 1 + u32::from(start > 0);
    (shown, col)
}

/// Findings whose source line may hold a secret value: a rule about secrets, any finding
/// about a `Secret` object, or a message that masked a secret value (`<secret>`).
fn is_secret_finding(f: &Finding) -> bool {
    let secretish = |s: &str| s.to_ascii_lowercase().contains("secret");
    f.message.contains("<secret>")
        || secretish(&f.rule.code)
        || secretish(&f.rule.name)
        || f.object
            .as_deref()
            .is_some_and(|o| o.starts_with("Secret/"))
}

/// The mask that replaces a secret value.
const MASK: &str = "***";

/// Masks the value part of a source line: everything after the first `key: ` (a line
/// ending in `key:` holds no value), else after the `=` of a list item `- NAME=value`
/// (Compose `environment:`), else everything after the indentation and list dashes. Returns the masked line and the caret column, moved onto
/// the mask when it pointed into the masked part.
pub(crate) fn mask_secret(line: &str, col: u32) -> (String, u32) {
    let indent = line.len() - line.trim_start_matches([' ', '\t', '-']).len();
    let list_item = line.trim_start().starts_with("- ");
    let colon = line.find(": ");
    let equals = line.find('=').filter(|&i| list_item && i > indent);
    // Whichever separator comes first ends the key: `- PASSWORD=x # note: y` keeps only
    // `- PASSWORD=`.
    let keep = match (colon, equals) {
        (Some(c), Some(e)) if e < c => e + 1,
        (Some(c), _) => c + 2,
        (None, Some(e)) => e + 1,
        (None, None) if line.trim_end().ends_with(':') => return (line.to_string(), col),
        (None, None) => indent,
    };
    let (head, tail) = line.split_at(keep);
    if tail.trim().is_empty() {
        return (line.to_string(), col);
    }
    let masked = format!("{head}{MASK}");
    let head_cols = head.chars().count() as u32;
    let col = col.min(head_cols + 1);
    (masked, col)
}

/// Replaces control characters (other than tab) so that input cannot drive the terminal.
fn clean(s: &str) -> String {
    if !s.chars().any(|c| c.is_control() && c != '\t') {
        return s.to_string();
    }
    s.chars()
        .map(|c| match c {
            '\n' | '\r' => ' ',
            c if c.is_control() && c != '\t' => '\u{fffd}',
            c => c,
        })
        .collect()
}

/// ANSI styling, or plain text when colour is off.
#[derive(Debug, Clone, Copy)]
struct Paint(bool);

impl Paint {
    fn wrap(self, codes: &str, s: &str) -> String {
        if self.0 {
            format!("\x1b[{codes}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }

    fn bold(self, s: &str) -> String {
        self.wrap("1", s)
    }

    fn severity_codes(severity: super::Severity) -> &'static str {
        match severity {
            super::Severity::Error => "1;31",
            super::Severity::Warning => "1;33",
            super::Severity::Info => "1;36",
        }
    }

    fn severity(self, severity: super::Severity) -> String {
        self.wrap(Self::severity_codes(severity), severity.as_str())
    }

    fn caret(self, severity: super::Severity) -> String {
        self.wrap(Self::severity_codes(severity), "^")
    }

    fn gutter(self, s: &str) -> String {
        self.wrap("1;34", s)
    }

    fn status(self, status: Status) -> String {
        let (codes, name) = match status {
            Status::Valid => ("32", "valid"),
            Status::Invalid => ("1;31", "invalid"),
            Status::Error => ("1;31", "error"),
            Status::Skipped => ("33", "skipped"),
        };
        self.wrap(codes, name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_show_a_window_around_the_column() {
        assert_eq!(excerpt_window("short: line", 3), ("short: line".into(), 3));
        let line = format!("{}X{}", "a".repeat(500_000), "b".repeat(500_000));
        let (shown, col) = excerpt_window(&line, 500_001);
        assert_eq!(shown.chars().count(), EXCERPT_WIDTH + 2);
        assert!(shown.starts_with('…') && shown.ends_with('…'));
        assert_eq!(shown.chars().nth(col as usize - 1), Some('X'));
        let (shown, col) = excerpt_window(&line, 1);
        assert!(!shown.starts_with('…') && shown.ends_with('…'));
        assert_eq!(col, 1);
        let (shown, col) = excerpt_window(&line, 1_000_001);
        assert!(shown.starts_with('…') && !shown.ends_with('…'));
        assert_eq!(shown.chars().nth(col as usize - 1), Some('b'));
    }

    #[test]
    fn masks_values_not_keys() {
        assert_eq!(
            mask_secret("  password: hunter2", 13),
            ("  password: ***".to_string(), 13)
        );
        assert_eq!(
            mask_secret("  password: hunter2-and-more", 20),
            ("  password: ***".to_string(), 13)
        );
        assert_eq!(
            mask_secret("      - DB_PASSWORD=s3cr3t", 9),
            ("      - DB_PASSWORD=***".to_string(), 9)
        );
        assert_eq!(
            mask_secret("    c2VjcmV0Cg==", 5),
            ("    ***".to_string(), 5)
        );
        assert_eq!(
            mask_secret("stringData:", 1),
            ("stringData:".to_string(), 1)
        );
        assert_eq!(
            mask_secret("  token: {a: b, c: d}", 3),
            ("  token: ***".to_string(), 3)
        );
        assert_eq!(
            mask_secret("      - POSTGRES_PASSWORD=postgres # note: x", 9),
            ("      - POSTGRES_PASSWORD=***".to_string(), 9)
        );
    }
}
