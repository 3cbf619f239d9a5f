//! The JSON format: the summary and every changed object with its field paths, JSON
//! pointers and old and new values (masked where secret).

use serde::Serialize;

use crate::diff::{FileDiff, Summary};

#[derive(Serialize)]
struct Output<'a> {
    differences: bool,
    summary: Summary,
    files: &'a [&'a FileDiff],
}

/// Prints file diffs as pretty JSON (one trailing newline).
pub fn render(files: &[&FileDiff]) -> String {
    let summary = Summary::of(files.iter().copied());
    let output = Output {
        differences: summary.has_differences(),
        summary,
        files,
    };
    let mut text = serde_json::to_string_pretty(&output).unwrap_or_default();
    text.push('\n');
    text
}
