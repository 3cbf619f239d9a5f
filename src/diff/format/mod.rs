//! Printing a list of [`FileDiff`]: human text (colour on a terminal), a unified patch,
//! Markdown for a pull request comment, or JSON. Every format prints only what the diff
//! holds, and secrets were masked when it was built.

mod human;
mod json;
mod markdown;
mod unified;
pub mod yaml;

use std::str::FromStr;

use serde_json::Value;

use super::FileDiff;

/// An output format of `shipshape diff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// Objects and field paths with old and new values, and a summary line.
    Human,
    /// A classic unified patch per object (normalised YAML, secrets masked).
    Unified,
    /// A summary table and a collapsible section per object, for a pull request comment.
    Markdown,
    /// Machine-readable changes with paths, pointers, old and new values.
    Json,
}

impl Format {
    /// Every format, in the order `--help` lists them.
    pub const ALL: [Format; 4] = [
        Format::Human,
        Format::Unified,
        Format::Markdown,
        Format::Json,
    ];

    /// The name used on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Human => "human",
            Format::Unified => "unified",
            Format::Markdown => "markdown",
            Format::Json => "json",
        }
    }
}

impl FromStr for Format {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Format::ALL
            .into_iter()
            .find(|f| f.as_str() == s)
            .ok_or_else(|| {
                let names: Vec<&str> = Format::ALL.iter().map(|f| f.as_str()).collect();
                format!(
                    "unknown format `{s}`; expected one of: {}",
                    names.join(", ")
                )
            })
    }
}

/// How output is printed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FormatOptions {
    /// Colour the human format with ANSI escapes.
    pub color: bool,
}

/// Prints file diffs in a format. Files without differences are left out.
pub fn render(files: &[FileDiff], format: Format, options: &FormatOptions) -> String {
    let files: Vec<&FileDiff> = files.iter().filter(|f| !f.is_empty()).collect();
    match format {
        Format::Human => human::render(&files, options.color),
        Format::Unified => unified::render(&files),
        Format::Markdown => markdown::render(&files),
        Format::Json => json::render(&files),
    }
}

/// What a line of a change listing shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// An added field or line (signed `+`).
    Added,
    /// A removed field or line (signed `-`).
    Removed,
    /// A changed field on one line (`~ path: old -> new`), or the heading of a change shown
    /// as a small diff below it.
    Changed,
    /// A line of an added value under its field (`+` in patches, unsigned in human text).
    AddedValue,
    /// A line of a removed value under its field (`-` in patches, unsigned in human text).
    RemovedValue,
    /// Unchanged context.
    Context,
    /// A hunk header (`@@ -1,3 +1,3 @@`).
    Hunk,
}

/// One line of a change listing: its kind, its nesting under the field, and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Line {
    kind: Kind,
    indent: usize,
    text: String,
}

impl Line {
    fn new(kind: Kind, indent: usize, text: impl Into<String>) -> Line {
        Line {
            kind,
            indent,
            text: text.into(),
        }
    }
}

/// The lines that show one field change. With `split`, a one-line change becomes a removed
/// and an added line (for patch-style output).
fn field_lines(field: &super::FieldChange, split: bool) -> Vec<Line> {
    use super::Change;
    let path = &field.path;
    let mut out = Vec::new();
    match &field.change {
        Change::Added { new } => value_lines(&mut out, path, new, Kind::Added, Kind::AddedValue),
        Change::Removed { old } => {
            value_lines(&mut out, path, old, Kind::Removed, Kind::RemovedValue)
        }
        Change::Reordered { old, new } => {
            let (old, new) = (yaml::flow_list(old), yaml::flow_list(new));
            if split {
                out.push(Line::new(Kind::Removed, 0, format!("{path}: order {old}")));
                out.push(Line::new(Kind::Added, 0, format!("{path}: order {new}")));
            } else {
                out.push(Line::new(
                    Kind::Changed,
                    0,
                    format!("{path}: order changed: {old} -> {new}"),
                ));
            }
        }
        Change::Modified { old, new } => {
            let multiline = |v: &Value| v.as_str().is_some_and(|s| s.contains('\n'));
            let inline = if multiline(old) || multiline(new) {
                None
            } else {
                yaml::inline(old).zip(yaml::inline(new))
            };
            match inline {
                Some((a, b)) if split => {
                    out.push(Line::new(Kind::Removed, 0, format!("{path}: {a}")));
                    out.push(Line::new(Kind::Added, 0, format!("{path}: {b}")));
                }
                Some((a, b)) => {
                    out.push(Line::new(Kind::Changed, 0, format!("{path}: {a} -> {b}")));
                }
                None => {
                    let heading = if split { Kind::Context } else { Kind::Changed };
                    out.push(Line::new(heading, 0, format!("{path}:")));
                    let text = |v: &Value| match v {
                        Value::String(s) => s.clone(),
                        other => {
                            let mut lines = yaml::block(other).join("\n");
                            lines.push('\n');
                            lines
                        }
                    };
                    out.extend(text_hunks(&text(old), &text(new), 2));
                }
            }
        }
    }
    if let Some(note) = &field.note {
        out.push(Line::new(Kind::Context, 2, format!("= {note}")));
    }
    if let Some(reason) = field.immutable {
        out.push(Line::new(
            Kind::Context,
            2,
            format!("! immutable: {reason}; {}", super::immutable::FIX),
        ));
    }
    out
}

/// `path: value` on one line, or `path:` and the value as an indented block.
fn value_lines(out: &mut Vec<Line>, path: &str, value: &Value, head: Kind, body: Kind) {
    match yaml::inline(value) {
        Some(text) => out.push(Line::new(head, 0, format!("{path}: {text}"))),
        None => {
            out.push(Line::new(head, 0, format!("{path}:")));
            for text in yaml::block(value) {
                out.push(Line::new(body, 2, text));
            }
        }
    }
}

/// A small unified diff of two texts (three lines of context), nested at `indent`.
fn text_hunks(old: &str, new: &str, indent: usize) -> Vec<Line> {
    let diff = similar::TextDiff::from_lines(old, new);
    let mut out = Vec::new();
    for hunk in diff.unified_diff().context_radius(3).iter_hunks() {
        out.push(Line::new(Kind::Hunk, indent, hunk.header().to_string()));
        for change in hunk.iter_changes() {
            let text = change.value().trim_end_matches(['\n', '\r']).to_string();
            let kind = match change.tag() {
                similar::ChangeTag::Equal => Kind::Context,
                similar::ChangeTag::Delete => Kind::Removed,
                similar::ChangeTag::Insert => Kind::Added,
            };
            out.push(Line::new(kind, indent, text));
            if change.missing_newline() {
                out.push(Line::new(
                    Kind::Context,
                    indent,
                    "\\ No newline at end of file",
                ));
            }
        }
    }
    out
}

/// The identity changes folded out of a file's object diffs, in one sentence:
/// `throughout: namespace a -> b; instance label c -> d (--show-identity lists each)`; `code`
/// wraps each value (Markdown code spans).
pub(crate) fn identity_note(file: &FileDiff, code: impl Fn(&str) -> String) -> Option<String> {
    if file.identity.is_empty() {
        return None;
    }
    let parts: Vec<String> = file
        .identity
        .iter()
        .map(|c| format!("{} {} -> {}", c.part.label(), code(&c.old), code(&c.new)))
        .collect();
    Some(format!(
        "throughout: {} (--show-identity lists each)",
        parts.join("; ")
    ))
}
