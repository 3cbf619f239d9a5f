//! Values as reviewers read them: YAML-like, plain where that is unambiguous, quoted where a
//! plain scalar would read as another type; masked-secret markers printed as they are.

use serde_json::Value;

use crate::diff::mask;
use crate::manifest::yaml::reads_as_text;

/// Longest flow list printed on one line.
const MAX_INLINE: usize = 60;

/// A string printed plain, or quoted when plain would be ambiguous. `flow` also quotes
/// characters that end a flow list item.
fn string(s: &str, flow: bool) -> String {
    if mask::is_marker(s) || is_plain(s, flow) {
        s.to_string()
    } else {
        serde_json::to_string(s).unwrap_or_default()
    }
}

fn is_plain(s: &str, flow: bool) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    if s.trim() != s
        || s.chars().any(char::is_control)
        || "?:,[]{}#&*!|>'\"%@`".contains(first)
        || s == "-"
        || s.starts_with("- ")
        || s.contains(": ")
        || s.ends_with(':')
        || s.contains(" #")
        || s.contains(" -> ")
        || (flow && s.contains([',', '[', ']', '{', '}']))
    {
        return false;
    }
    reads_as_text(s)
}

/// A scalar on one line (strings that span lines are quoted).
pub fn scalar(value: &Value) -> String {
    match value {
        Value::String(s) => string(s, false),
        Value::Null => "null".into(),
        other => other.to_string(),
    }
}

/// A value on one line when it is short enough: scalars, empty collections, and short lists
/// of scalars (`[a, b]`). Strings that span lines are not inline.
pub fn inline(value: &Value) -> Option<String> {
    match value {
        Value::String(s) if s.contains('\n') => None,
        Value::Object(map) if map.is_empty() => Some("{}".into()),
        Value::Object(_) => None,
        Value::Array(items) => {
            if items.iter().any(|v| v.is_object() || v.is_array()) {
                return None;
            }
            if items
                .iter()
                .any(|v| v.as_str().is_some_and(|s| s.contains('\n')))
            {
                return None;
            }
            let parts: Vec<String> = items
                .iter()
                .map(|v| match v {
                    Value::String(s) => string(s, true),
                    other => scalar(other),
                })
                .collect();
            let text = format!("[{}]", parts.join(", "));
            (text.len() <= MAX_INLINE).then_some(text)
        }
        other => Some(scalar(other)),
    }
}

/// A list of names as a flow list: `[a, b]`.
pub fn flow_list(items: &[String]) -> String {
    let parts: Vec<String> = items.iter().map(|s| string(s, true)).collect();
    format!("[{}]", parts.join(", "))
}

/// A value as block YAML lines (no trailing newline), lists indented like `kubectl` prints
/// them (`- ` at the level of their key).
pub fn block(value: &Value) -> Vec<String> {
    let mut out = Vec::new();
    emit(value, 0, &mut out);
    out
}

fn key(k: &str) -> String {
    string(k, true)
}

fn emit(value: &Value, indent: usize, out: &mut Vec<String>) {
    let pad = " ".repeat(indent);
    match value {
        Value::Object(map) if !map.is_empty() => {
            for (k, v) in map {
                let k = key(k);
                match v {
                    Value::Object(m) if !m.is_empty() => {
                        out.push(format!("{pad}{k}:"));
                        emit(v, indent + 2, out);
                    }
                    Value::Array(items) if !items.is_empty() => {
                        out.push(format!("{pad}{k}:"));
                        emit(v, indent, out);
                    }
                    Value::String(s) if s.contains('\n') => {
                        out.push(format!("{pad}{k}: {}", literal_header(s)));
                        literal_body(s, indent + 2, out);
                    }
                    other => out.push(format!("{pad}{k}: {}", inline_or_empty(other))),
                }
            }
        }
        Value::Array(items) if !items.is_empty() => {
            for item in items {
                let mut nested = Vec::new();
                match item {
                    Value::String(s) if s.contains('\n') => {
                        nested.push(format!("{pad}  {}", literal_header(s)));
                        literal_body(s, indent + 2, &mut nested);
                    }
                    Value::Object(m) if !m.is_empty() => emit(item, indent + 2, &mut nested),
                    Value::Array(l) if !l.is_empty() => emit(item, indent + 2, &mut nested),
                    other => nested.push(format!("{pad}  {}", inline_or_empty(other))),
                }
                if let Some(first) = nested.first_mut() {
                    first.replace_range(indent..indent + 2, "- ");
                }
                out.extend(nested);
            }
        }
        Value::String(s) if s.contains('\n') => {
            out.push(format!("{pad}{}", literal_header(s)));
            literal_body(s, indent + 2, out);
        }
        other => out.push(format!("{pad}{}", inline_or_empty(other))),
    }
}

fn inline_or_empty(value: &Value) -> String {
    match value {
        Value::Object(_) => "{}".into(),
        Value::Array(_) => "[]".into(),
        other => scalar(other),
    }
}

/// `|` (keep the final line break), `|-` (none) or `|+` (several).
fn literal_header(s: &str) -> &'static str {
    if s.ends_with("\n\n") {
        "|+"
    } else if s.ends_with('\n') {
        "|"
    } else {
        "|-"
    }
}

fn literal_body(s: &str, indent: usize, out: &mut Vec<String>) {
    let pad = " ".repeat(indent);
    let body = s.strip_suffix('\n').unwrap_or(s);
    for line in body.split('\n') {
        if line.is_empty() {
            out.push(String::new());
        } else {
            out.push(format!("{pad}{line}"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn scalars_are_quoted_only_when_ambiguous() {
        assert_eq!(scalar(&json!("shop/web:1.4.0")), "shop/web:1.4.0");
        assert_eq!(scalar(&json!("3")), "\"3\"");
        assert_eq!(scalar(&json!("true")), "\"true\"");
        assert_eq!(scalar(&json!("")), "\"\"");
        assert_eq!(scalar(&json!("a: b")), "\"a: b\"");
        assert_eq!(scalar(&json!(3)), "3");
        assert_eq!(scalar(&json!(null)), "null");
        assert_eq!(scalar(&json!("<secret: 3 chars>")), "<secret: 3 chars>");
    }

    #[test]
    fn blocks_look_like_kubectl_output() {
        let value = json!({
            "metadata": {"name": "web", "labels": {}},
            "containers": [{"name": "web", "args": ["a", "b"]}],
            "script": "one\ntwo\n"
        });
        assert_eq!(
            block(&value).join("\n"),
            "metadata:\n  name: web\n  labels: {}\ncontainers:\n- name: web\n  args:\n  - a\n  - b\nscript: |\n  one\n  two"
        );
    }

    #[test]
    fn short_scalar_lists_are_inline() {
        assert_eq!(inline(&json!(["a", "b,c", 1])).unwrap(), "[a, \"b,c\", 1]");
        assert_eq!(inline(&json!([{"a": 1}])), None);
    }
}
