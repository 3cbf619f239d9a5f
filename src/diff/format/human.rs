//! The human format: per file, each object that differs and its field changes, then a
//! summary line. Colour (ANSI) only when asked for: the command line decides (a terminal,
//! and `NO_COLOR` unset).

use super::{Kind, Line, field_lines, yaml};
use crate::diff::{FileDiff, ObjectChange, ObjectDiff, Summary};

const RESET: &str = "\x1b[0m";
const BOLD: &str = "\x1b[1m";
const RED: &str = "\x1b[31m";
const GREEN: &str = "\x1b[32m";
const YELLOW: &str = "\x1b[33m";
const CYAN: &str = "\x1b[36m";

struct Out {
    color: bool,
    text: String,
}

impl Out {
    fn line(&mut self, style: &str, text: &str) {
        if self.color && !style.is_empty() {
            self.text.push_str(style);
            self.text.push_str(text);
            self.text.push_str(RESET);
        } else {
            self.text.push_str(text);
        }
        self.text.push('\n');
    }
}

/// Prints file diffs as human text.
pub fn render(files: &[&FileDiff], color: bool) -> String {
    let mut out = Out {
        color,
        text: String::new(),
    };
    for file in files {
        out.line(BOLD, &file.path);
        if let Some(note) = super::identity_note(file, str::to_string) {
            out.line(CYAN, &format!("  = {note}"));
        }
        for object in &file.objects {
            render_object(&mut out, object);
        }
        out.line("", "");
    }
    let summary = Summary::of(files.iter().copied());
    out.line(BOLD, &format!("Summary: {summary}"));
    out.text
}

fn render_object(out: &mut Out, object: &ObjectDiff) {
    let (sign, style, note) = match object.change {
        ObjectChange::Added => ("+", GREEN, " (added)".to_string()),
        ObjectChange::Removed => ("-", RED, " (removed)".to_string()),
        ObjectChange::Changed => ("~", YELLOW, String::new()),
        ObjectChange::Renamed => (
            "~",
            YELLOW,
            format!(
                " (renamed from {})",
                object.previous_name.as_deref().unwrap_or_default()
            ),
        ),
    };
    out.line(style, &format!("  {sign} {}{note}", object.id));
    let whole = match object.change {
        ObjectChange::Added | ObjectChange::Removed => object.object.as_ref(),
        _ => None,
    };
    if let Some(value) = whole {
        let (sign, style) = if object.change == ObjectChange::Added {
            ("+", GREEN)
        } else {
            ("-", RED)
        };
        for text in yaml::block(value) {
            out.line(style, &format!("    {sign} {text}"));
        }
        return;
    }
    for field in &object.fields {
        for line in field_lines(field, false) {
            render_line(out, &line);
        }
    }
}

fn render_line(out: &mut Out, line: &Line) {
    let pad = " ".repeat(4 + line.indent);
    let (sign, style) = match line.kind {
        Kind::Added => ("+ ", GREEN),
        Kind::Removed => ("- ", RED),
        Kind::Changed => ("~ ", YELLOW),
        Kind::AddedValue => ("  ", GREEN),
        Kind::RemovedValue => ("  ", RED),
        Kind::Context => ("  ", ""),
        Kind::Hunk => ("", CYAN),
    };
    out.line(style, format!("{pad}{sign}{}", line.text).trim_end());
}
