//! Fields a diff leaves out (`--ignore`, and `diff.ignore` in `shipshape.yaml`).
//!
//! A rule is `[KIND:]PATH`: a field path as the diff prints it
//! (`metadata.annotations["checksum/config"]`, `spec.replicas`,
//! `spec.template.spec.containers[web].image`), optionally restricted to objects of one kind
//! (`Deployment:spec.replicas`). The rule covers the field and everything under it. A `*`
//! segment matches any key (`metadata.labels.*`), `[*]` any list item or bracketed key
//! (`spec.template.spec.containers[*].image`), and `**` any number of segments
//! (`**.annotations["checksum/config"]`, on the object and on its pod template). An ignored change is left out while the diff
//! is built, so it counts for neither the summary nor the exit code.

use std::fmt;
use std::str::FromStr;

/// One segment of a field path.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    /// A map key: `name`, or `["app.kubernetes.io/name"]`.
    Key(String),
    /// A list item or index: `[web]`, `[port=80]`, `[0]`.
    Item(String),
    /// `*`: any key.
    AnyKey,
    /// `[*]`: any item, index or bracketed key.
    Any,
    /// `**`: any number of segments, none included.
    Deep,
}

impl Segment {
    fn matches(&self, other: &Segment) -> bool {
        match (self, other) {
            (Segment::Any | Segment::Deep, _) => true,
            (Segment::AnyKey, Segment::Key(_)) => true,
            (Segment::Key(a), Segment::Key(b)) => a == b,
            (Segment::Item(a), Segment::Item(b)) => a == b,
            // An item id that is not plain is printed quoted, like a key.
            (Segment::Key(a), Segment::Item(b)) => a == b,
            _ => false,
        }
    }
}

/// A field the diff leaves out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IgnoreRule {
    /// Objects of this kind only, when set.
    pub kind: Option<String>,
    /// The field path as written.
    pub path: String,
    segments: Vec<Segment>,
}

impl IgnoreRule {
    /// Whether a change at `path` (as the diff prints it) of an object of `kind` is ignored.
    pub fn matches(&self, kind: &str, path: &str) -> bool {
        if self.kind.as_deref().is_some_and(|k| k != kind) {
            return false;
        }
        let Ok(segments) = parse_path(path) else {
            return false;
        };
        covers(&self.segments, &segments)
    }
}

/// Whether the rule's segments match a prefix of the path's.
fn covers(rule: &[Segment], path: &[Segment]) -> bool {
    match rule.split_first() {
        None => true,
        Some((Segment::Deep, rest)) => (0..=path.len()).any(|skip| covers(rest, &path[skip..])),
        Some((first, rest)) => path
            .split_first()
            .is_some_and(|(seg, tail)| first.matches(seg) && covers(rest, tail)),
    }
}

impl fmt::Display for IgnoreRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            Some(kind) => write!(f, "{kind}:{}", self.path),
            None => f.write_str(&self.path),
        }
    }
}

/// What `--ignore` and `diff.ignore` expect, for error messages.
pub const SYNTAX: &str = "expected `[KIND:]PATH`, a field path as the diff prints it, e.g. `spec.replicas`, `Deployment:spec.replicas` or `metadata.annotations[\"checksum/config\"]`";

impl FromStr for IgnoreRule {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let text = text.trim();
        // A kind is a name before the first `:` that comes before any `.` or `[`.
        let (kind, path) = match text.find([':', '.', '[']) {
            Some(i) if text.as_bytes()[i] == b':' => (Some(&text[..i]), &text[i + 1..]),
            _ => (None, text),
        };
        if let Some(kind) = kind
            && (kind.is_empty()
                || !kind.starts_with(|c: char| c.is_ascii_alphabetic())
                || !kind.chars().all(|c| c.is_ascii_alphanumeric()))
        {
            return Err(format!(
                "`{text}`: `{kind}` is not a kind (letters and digits, e.g. `Deployment`); {SYNTAX}"
            ));
        }
        if path.is_empty() {
            return Err(format!("`{text}` names no field; {SYNTAX}"));
        }
        let segments = parse_path(path).map_err(|why| format!("`{text}`: {why}; {SYNTAX}"))?;
        Ok(IgnoreRule {
            kind: kind.map(str::to_string),
            path: path.to_string(),
            segments,
        })
    }
}

/// Splits a printed field path into segments.
fn parse_path(path: &str) -> Result<Vec<Segment>, String> {
    let mut out = Vec::new();
    let chars: Vec<char> = path.chars().collect();
    let mut i = 0;
    let mut expect_key = true;
    while i < chars.len() {
        match chars[i] {
            '.' => {
                if expect_key {
                    return Err(format!("an empty field name at character {}", i + 1));
                }
                expect_key = true;
                i += 1;
            }
            '[' => {
                let start = i;
                i += 1;
                if chars.get(i) == Some(&'"') {
                    // A JSON string, then `]`.
                    let mut j = i + 1;
                    while j < chars.len() && chars[j] != '"' {
                        j += if chars[j] == '\\' { 2 } else { 1 };
                    }
                    if j >= chars.len() {
                        return Err(format!("the `\"` at character {} is not closed", i + 1));
                    }
                    let quoted: String = chars[i..=j].iter().collect();
                    let key: String = serde_json::from_str(&quoted)
                        .map_err(|e| format!("{quoted} is not a JSON string: {e}"))?;
                    if chars.get(j + 1) != Some(&']') {
                        return Err(format!("expected `]` at character {}", j + 2));
                    }
                    out.push(Segment::Key(key));
                    i = j + 2;
                } else {
                    let Some(len) = chars[i..].iter().position(|&c| c == ']') else {
                        return Err(format!("the `[` at character {} is not closed", start + 1));
                    };
                    let inner: String = chars[i..i + len].iter().collect();
                    if inner.is_empty() {
                        return Err(format!("empty `[]` at character {}", start + 1));
                    }
                    out.push(if inner == "*" {
                        Segment::Any
                    } else {
                        Segment::Item(inner)
                    });
                    i += len + 1;
                }
                expect_key = false;
            }
            ']' => return Err(format!("a `]` without `[` at character {}", i + 1)),
            _ => {
                if !expect_key {
                    return Err(format!(
                        "expected `.` or `[` at character {}, after a `]`",
                        i + 1
                    ));
                }
                let len = chars[i..]
                    .iter()
                    .position(|&c| c == '.' || c == '[' || c == ']')
                    .unwrap_or(chars.len() - i);
                let key: String = chars[i..i + len].iter().collect();
                out.push(match key.as_str() {
                    "*" => Segment::AnyKey,
                    "**" => Segment::Deep,
                    _ => Segment::Key(key),
                });
                i += len;
                expect_key = false;
            }
        }
    }
    if expect_key && !out.is_empty() {
        return Err("the path ends with `.`".into());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(text: &str) -> IgnoreRule {
        text.parse().unwrap()
    }

    #[test]
    fn a_rule_covers_its_field_and_everything_under_it() {
        let r = rule("metadata.annotations[\"checksum/config\"]");
        assert_eq!(r.kind, None);
        assert!(r.matches("Deployment", "metadata.annotations[\"checksum/config\"]"));
        assert!(!r.matches("Deployment", "metadata.annotations[\"checksum/other\"]"));
        assert!(!r.matches("Deployment", "metadata.annotations"));
        let r = rule("spec.template");
        assert!(r.matches("Deployment", "spec.template.spec.containers[web].image"));
        assert!(!r.matches("Deployment", "spec.templates"));
    }

    #[test]
    fn a_kind_restricts_the_rule() {
        let r = rule("Deployment:spec.replicas");
        assert_eq!(r.kind.as_deref(), Some("Deployment"));
        assert!(r.matches("Deployment", "spec.replicas"));
        assert!(!r.matches("StatefulSet", "spec.replicas"));
        assert_eq!(r.to_string(), "Deployment:spec.replicas");
        // A colon inside a bracket is part of the path.
        let r = rule("data[\"a:b\"]");
        assert_eq!(r.kind, None);
        assert!(r.matches("ConfigMap", "data[\"a:b\"]"));
    }

    #[test]
    fn wildcards_match_any_key_or_item() {
        let r = rule("spec.template.spec.containers[*].image");
        assert!(r.matches("Deployment", "spec.template.spec.containers[web].image"));
        assert!(r.matches("Deployment", "spec.template.spec.containers[0].image"));
        assert!(!r.matches("Deployment", "spec.template.spec.containers[web].args"));
        let r = rule("metadata.labels.*");
        assert!(r.matches("Service", "metadata.labels[\"app.kubernetes.io/version\"]"));
        assert!(r.matches("Service", "metadata.labels.tier"));
        let r = rule("**.annotations[\"checksum/config\"]");
        assert!(r.matches("Deployment", "metadata.annotations[\"checksum/config\"]"));
        assert!(r.matches(
            "Deployment",
            "spec.template.metadata.annotations[\"checksum/config\"]"
        ));
        assert!(!r.matches("Deployment", "spec.template.metadata.labels.tier"));
    }

    #[test]
    fn bad_rules_say_what_is_expected() {
        for (text, why) in [
            ("", "names no field"),
            ("Deployment:", "names no field"),
            ("spec..replicas", "an empty field name at character 6"),
            (
                "spec.containers[web",
                "the `[` at character 16 is not closed",
            ),
            ("data[\"x]", "is not closed"),
            ("spec.", "ends with `.`"),
            ("apps/v1:spec", "is not a kind"),
            ("spec[a]b", "expected `.` or `[` at character 8"),
        ] {
            let err = text.parse::<IgnoreRule>().unwrap_err();
            assert!(err.contains(why), "{text}: {err}");
            assert!(err.contains("[KIND:]PATH"), "{text}: {err}");
        }
    }
}
