//! The GitHub format: workflow commands that GitHub Actions shows as annotations.
//!
//! Each finding that is not exempted becomes one line,
//! `::error file=F,line=L,col=C,title=CODE name::message` (`::warning` and `::notice` for
//! the other severities), with help and spec hints on further lines of the message. Values
//! are escaped as the runner expects: `%`, `\r`, `\n` in the message; also `:` and `,` in
//! properties. A plain summary line ends the output (it shows in the log).

use std::fmt::Write;

use super::{Finding, Render, RenderOptions, Report, Severity};

/// The GitHub annotations renderer.
#[derive(Debug, Clone, Copy, Default)]
pub struct Github;

impl Render for Github {
    fn render(&self, report: &Report, _options: &RenderOptions) -> String {
        let mut out = String::new();
        part(report, &mut out);
        out.push_str(&report.summary().closing_lines(&report.command));
        out
    }
}

/// Writes the annotations of `part`'s findings that are not exempted (the format written
/// file by file; the summary's [`closing_lines`](super::Summary::closing_lines) end it).
pub(crate) fn part(part: &Report, out: &mut String) {
    for f in part.findings.iter().filter(|f| f.exempted.is_none()) {
        out.push_str(&command(f));
        out.push('\n');
    }
}

/// One workflow command for a finding.
fn command(f: &Finding) -> String {
    let level = match f.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    };
    let mut props = Vec::new();
    if let Some(loc) = &f.location {
        props.push(format!("file={}", escape_property(&loc.file)));
        props.push(format!("line={}", loc.line));
        props.push(format!("col={}", loc.col));
    }
    props.push(format!(
        "title={}",
        escape_property(&format!("{} {}", f.rule.code, f.rule.name))
    ));
    let mut message = f.message.clone();
    if f.location.is_none()
        && let Some(object) = &f.object
    {
        message = format!("{object}: {message}");
    }
    for r in &f.related {
        let _ = write!(message, "\n{}: {}", r.label, r.location);
    }
    if let Some(help) = &f.help {
        let _ = write!(message, "\nhelp: {help}");
    }
    if let Some(spec) = &f.spec_hint {
        let _ = write!(message, "\nspec: {spec}");
    }
    format!("::{level} {}::{}", props.join(","), escape_data(&message))
}

/// Escapes a command's message (`%`, `\r`, `\n`).
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a command property value (the message escapes plus `:` and `,`).
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_as_the_runner_expects() {
        assert_eq!(
            escape_data("50% done\r\nnext: a,b"),
            "50%25 done%0D%0Anext: a,b"
        );
        assert_eq!(
            escape_property("dir,x/50%:a.yaml\n"),
            "dir%2Cx/50%25%3Aa.yaml%0A"
        );
    }
}
