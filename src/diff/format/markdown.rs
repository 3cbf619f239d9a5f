//! The Markdown format, for a pull request comment: the summary, a table of objects added,
//! removed, changed and renamed per kind, then per file a collapsible `<details>` section per
//! object with its field changes in a `diff` block. Sections stop before the comment would
//! pass GitHub's size limit; a closing note counts the objects left out.

use super::{Kind, field_lines, yaml};
use crate::diff::{FileDiff, ObjectChange, ObjectDiff, Summary};

/// Prints file diffs as Markdown.
pub fn render(files: &[&FileDiff]) -> String {
    let summary = Summary::of(files.iter().copied());
    let mut out = String::from("## shipshape diff\n\n");
    if !summary.has_differences() {
        out.push_str("No differences.\n");
        return out;
    }
    let headline = if summary.total.total() == 0 {
        summary.to_string()
    } else if summary.versions > 0 {
        let full = summary.to_string();
        let versions = full.rsplit("; ").next().unwrap_or_default().to_string();
        format!("{}; {versions}", summary.total)
    } else {
        summary.total.to_string()
    };
    out.push_str(&format!("**Summary:** {headline}\n\n"));
    out.push_str("| kind | added | removed | changed | renamed |\n");
    out.push_str("| --- | ---: | ---: | ---: | ---: |\n");
    for (kind, counts) in &summary.kinds {
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} |\n",
            cell(kind),
            counts.added,
            counts.removed,
            counts.changed,
            counts.renamed
        ));
    }
    let total = summary.total;
    out.push_str(&format!(
        "| **total** | **{}** | **{}** | **{}** | **{}** |\n",
        total.added, total.removed, total.changed, total.renamed
    ));
    let mut omitted = 0usize;
    for file in files {
        let mut heading = Some(format!("\n### {}\n", cell(&file.path)));
        if let (Some(heading), Some(note)) = (&mut heading, super::identity_note(file, cell)) {
            heading.push_str(&format!("\n_{}_\n", note.replace("->", "→")));
        }
        for object in &file.objects {
            let mut section = String::new();
            render_object(&mut section, object);
            let extra = heading.as_ref().map_or(0, String::len);
            if omitted > 0 || out.len() + extra + section.len() > MAX_COMMENT {
                omitted += 1;
                continue;
            }
            if let Some(heading) = heading.take() {
                out.push_str(&heading);
            }
            out.push_str(&section);
        }
    }
    if omitted > 0 {
        let objects = if omitted == 1 {
            "object is"
        } else {
            "objects are"
        };
        out.push_str(&format!(
            "\n_{omitted} more {objects} not shown: a pull request comment holds 65,536 characters. \
             `shipshape diff` prints every change, and `--format json` lists them for tools._\n"
        ));
    }
    out
}

/// The most characters of per-object sections, below GitHub's 65,536-character comment limit
/// with room for the summary and the closing note.
const MAX_COMMENT: usize = 60_000;

/// Text for a table cell or heading: in a code span, with `|` escaped.
fn cell(text: &str) -> String {
    let ticks = "`".repeat(longest_run(text, '`') + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{ticks}{pad}{}{pad}{ticks}", text.replace('|', "\\|"))
}

fn html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn longest_run(text: &str, c: char) -> usize {
    let mut best = 0;
    let mut run = 0;
    for ch in text.chars() {
        if ch == c {
            run += 1;
            best = best.max(run);
        } else {
            run = 0;
        }
    }
    best
}

fn render_object(out: &mut String, object: &ObjectDiff) {
    let id = format!("<code>{}</code>", html(&object.id.to_string()));
    let fields = match object.fields.len() {
        1 => " (1 field)".to_string(),
        n => format!(" ({n} fields)"),
    };
    let title = match object.change {
        ObjectChange::Added => format!("<b>added</b> {id}"),
        ObjectChange::Removed => format!("<b>removed</b> {id}"),
        ObjectChange::Changed => format!("<b>changed</b> {id}{fields}"),
        ObjectChange::Renamed => format!(
            "<b>renamed</b> {id} from <code>{}</code>{fields}",
            html(object.previous_name.as_deref().unwrap_or_default())
        ),
    };
    let mut body = Vec::new();
    match object.change {
        ObjectChange::Added | ObjectChange::Removed => {
            let sign = if object.change == ObjectChange::Added {
                '+'
            } else {
                '-'
            };
            if let Some(value) = &object.object {
                for text in yaml::block(value) {
                    body.push(format!("{sign} {text}"));
                }
            }
        }
        ObjectChange::Changed | ObjectChange::Renamed => {
            for field in &object.fields {
                for line in field_lines(field, true) {
                    let sign = match line.kind {
                        Kind::Added | Kind::AddedValue => '+',
                        Kind::Removed | Kind::RemovedValue => '-',
                        Kind::Changed | Kind::Context | Kind::Hunk => ' ',
                    };
                    let pad = " ".repeat(line.indent);
                    body.push(format!("{sign} {pad}{}", line.text).trim_end().to_string());
                }
            }
        }
    }
    out.push_str(&format!("\n<details>\n<summary>{title}</summary>\n\n"));
    if !body.is_empty() {
        let body = body.join("\n");
        let fence = "`".repeat((longest_run(&body, '`') + 1).max(3));
        out.push_str(&format!("{fence}diff\n{body}\n{fence}\n\n"));
    }
    out.push_str("</details>\n");
}
