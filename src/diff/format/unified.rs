//! The unified format: a classic patch per object, over the objects as normalised YAML
//! (secrets masked, maps and named lists in the old order so that only real changes show).
//! Headers name the file and, after a tab, the object.

use super::yaml;
use crate::diff::{FileDiff, ObjectChange, ObjectDiff, ObjectId};

/// Prints file diffs as unified patches.
pub fn render(files: &[&FileDiff]) -> String {
    let mut out = String::new();
    for file in files {
        // Patch tools skip text before a `---` header.
        if let Some(note) = super::identity_note(file, str::to_string) {
            out.push_str(&format!("# {}: {note}\n", file.path));
        }
        for object in &file.objects {
            render_object(&mut out, file, object);
        }
    }
    out
}

fn text(value: Option<&serde_json::Value>) -> String {
    match value {
        Some(value) => {
            let mut text = yaml::block(value).join("\n");
            text.push('\n');
            text
        }
        None => String::new(),
    }
}

fn render_object(out: &mut String, file: &FileDiff, object: &ObjectDiff) {
    let old_id = match &object.previous_name {
        Some(name) => ObjectId {
            name: name.clone(),
            ..object.id.clone()
        },
        None => object.id.clone(),
    };
    let old_header = match (object.change, &file.old_path) {
        (ObjectChange::Added, _) | (_, None) => "/dev/null".to_string(),
        (_, Some(path)) => format!("{path}\t{old_id}"),
    };
    let new_header = match (object.change, &file.new_path) {
        (ObjectChange::Removed, _) | (_, None) => "/dev/null".to_string(),
        (_, Some(path)) => format!("{path}\t{}", object.id),
    };
    out.push_str(&format!("--- {old_header}\n+++ {new_header}\n"));
    let (old, new) = (text(object.old.as_ref()), text(object.new.as_ref()));
    let diff = similar::TextDiff::from_lines(&old, &new);
    for hunk in diff.unified_diff().context_radius(3).iter_hunks() {
        out.push_str(&format!("{}\n", hunk.header()));
        for change in hunk.iter_changes() {
            let sign = match change.tag() {
                similar::ChangeTag::Equal => ' ',
                similar::ChangeTag::Delete => '-',
                similar::ChangeTag::Insert => '+',
            };
            out.push(sign);
            out.push_str(change.value().trim_end_matches('\n'));
            out.push('\n');
        }
    }
}
