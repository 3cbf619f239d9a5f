//! Canonical YAML output: block style, two-space indentation, keys in the order given, and
//! strings quoted whenever any YAML reader could take them for something else.
//!
//! Rendered files are read by YAML 1.2 tools (shipshape itself) and by YAML 1.1 tools
//! (kubectl's go-yaml, PyYAML in docker-compose), which disagree on plain scalars such as
//! `yes`, `on`, `0755` or `22:22`. A string is written plain only when it is a string for
//! both; otherwise it is single-quoted, or double-quoted with escapes when it holds a
//! character that neither may carry raw: control characters, the line breaks of YAML 1.1
//! (NEL U+0085, LS U+2028, PS U+2029, which go-yaml folds or rejects in other styles) and
//! the other characters YAML does not print (U+FEFF, U+FFFE, U+FFFF).

use serde_json::Value;

/// Serialises a value as block YAML; the text ends with a newline.
pub fn to_yaml(value: &Value) -> String {
    let mut out = String::new();
    match value {
        Value::Object(m) if !m.is_empty() => write_map(&mut out, m, 0),
        Value::Array(a) if !a.is_empty() => write_list(&mut out, a, 0),
        other => {
            out.push_str(&scalar(other));
            out.push('\n');
        }
    }
    out
}

fn write_map(out: &mut String, map: &serde_json::Map<String, Value>, indent: usize) {
    for (key, value) in map {
        push_indent(out, indent);
        out.push_str(&string(key));
        out.push(':');
        match value {
            Value::Object(m) if !m.is_empty() => {
                out.push('\n');
                write_map(out, m, indent + 2);
            }
            Value::Array(a) if !a.is_empty() => {
                out.push('\n');
                write_list(out, a, indent);
            }
            other => {
                out.push(' ');
                out.push_str(&scalar(other));
                out.push('\n');
            }
        }
    }
}

fn write_list(out: &mut String, list: &[Value], indent: usize) {
    for item in list {
        push_indent(out, indent);
        out.push_str("- ");
        match item {
            Value::Object(m) if !m.is_empty() => {
                let mut child = String::new();
                write_map(&mut child, m, indent + 2);
                out.push_str(&child[indent + 2..]);
            }
            Value::Array(a) if !a.is_empty() => {
                let mut child = String::new();
                write_list(&mut child, a, indent + 2);
                out.push_str(&child[indent + 2..]);
            }
            other => {
                out.push_str(&scalar(other));
                out.push('\n');
            }
        }
    }
}

fn push_indent(out: &mut String, indent: usize) {
    out.extend(std::iter::repeat_n(' ', indent));
}

fn scalar(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => string(s),
        Value::Object(_) => "{}".into(),
        Value::Array(_) => "[]".into(),
    }
}

/// A string as a YAML scalar: plain when that is unambiguous, quoted otherwise.
pub fn string(s: &str) -> String {
    if is_plain_safe(s) {
        s.to_string()
    } else if s.chars().any(needs_escape) {
        double_quoted(s)
    } else {
        format!("'{}'", s.replace('\'', "''"))
    }
}

/// Whether a character must be written as an escape (see the module documentation).
fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}'
        )
}

/// A double-quoted scalar with JSON's escapes (which YAML 1.1 and 1.2 readers share): `\n`,
/// `\t`, `\r`, `\b`, `\f`, `\"`, `\\` and `\uxxxx` for every other character that
/// [`needs_escape`].
fn double_quoted(s: &str) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if needs_escape(c) => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Words that YAML 1.1 or 1.2 readers resolve to booleans or null.
const SPECIAL_WORDS: [&str; 14] = [
    "y", "n", "yes", "no", "on", "off", "true", "false", "null", "~", ".inf", "-.inf", "+.inf",
    ".nan",
];

fn is_plain_safe(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    if SPECIAL_WORDS.contains(&s.to_ascii_lowercase().as_str()) {
        return false;
    }
    // Indicators that start something other than a plain scalar, and leading whitespace.
    if "-?:,[]{}#&*!|>'\"%@` \t".contains(first) {
        return false;
    }
    if s.ends_with([' ', ':'])
        || s.contains(": ")
        || s.contains(" #")
        || s.chars().any(needs_escape)
    {
        return false;
    }
    !looks_numeric(s)
}

/// Whether a reader could take the text for a number (decimal, octal, hex, binary,
/// exponent or YAML 1.1 base-60 such as `22:22`). Deliberately broad: `1.0.0` and
/// `8080:8080` count, so they are quoted.
fn looks_numeric(s: &str) -> bool {
    let body = s.strip_prefix(['+', '-']).unwrap_or(s);
    let Some(first) = body.chars().next() else {
        return false;
    };
    (first.is_ascii_digit() || first == '.')
        && body
            .chars()
            .all(|c| c.is_ascii_hexdigit() || "xXoO_.:eE+-".contains(c))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn ambiguous_strings_are_quoted() {
        for s in [
            "yes", "No", "on", "OFF", "y", "true", "null", "~", "", "0755", "22:22", "1.0.0",
            "8080", "1e3", "0x1F", ".5", "-1", ".inf", "- a", "a: b", "a #b", "@x", "*x", "x:",
            " x",
        ] {
            assert!(string(s).starts_with('\''), "{s} -> {}", string(s));
        }
        assert_eq!(string("it's"), "it's");
        assert_eq!(string("'x'"), "'''x'''");
        assert_eq!(string("a\nb"), "\"a\\nb\"");
    }

    #[test]
    fn ordinary_strings_stay_plain() {
        for s in [
            "api",
            "500m",
            "2Gi",
            "v1.0.0",
            "app.kubernetes.io/name",
            "http://email-service:3001/api/v1",
            "Accept,Accept-Language",
            "info,api=info",
            "no-new-privileges:true",
            "/app/migrate",
            "ghcr.io/materi/api:v1.0.0",
        ] {
            assert_eq!(string(s), s);
        }
    }

    #[test]
    fn block_layout() {
        let v = json!({
            "a": {"b": [1, {"c": "yes", "d": []}, [2, 3]], "e": {}},
            "f": null,
        });
        assert_eq!(
            to_yaml(&v),
            "a:\n  b:\n  - 1\n  - c: 'yes'\n    d: []\n  - - 2\n    - 3\n  e: {}\nf: null\n"
        );
    }

    /// Strings with YAML 1.1 line breaks and characters YAML does not print.
    const UNPRINTABLE: [&str; 9] = [
        "a\u{2028}b",
        "a\u{2029}b",
        "a\u{85}b",
        "\u{2028}",
        "x\u{7f}y",
        "x\u{9b}y",
        "\u{feff}bom",
        "bell\u{7}\u{8}\u{c}\u{1b}",
        "q\"\\\u{2028}",
    ];

    #[test]
    fn line_breaks_and_unprintable_characters_are_escaped() {
        for s in UNPRINTABLE {
            let out = string(s);
            assert!(out.starts_with('"'), "{s:?} -> {out}");
            assert!(!out.chars().any(needs_escape), "{s:?} -> {out:?}");
        }
        assert_eq!(string("a\u{2028}b\u{85}"), "\"a\\u2028b\\u0085\"");
        assert_eq!(string("a\u{1b}\u{8}"), "\"a\\u001b\\b\"");
    }

    /// kubectl (go-yaml, YAML 1.1) reads every such string back unchanged.
    #[test]
    fn kubectl_reads_escaped_strings_back() {
        let data: serde_json::Map<String, Value> = UNPRINTABLE
            .iter()
            .enumerate()
            .map(|(i, s)| (format!("k{i}"), json!(s)))
            .collect();
        let object = json!({
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {"name": "unprintable"},
            "data": data,
        });
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("configmap.yaml");
        std::fs::write(&file, to_yaml(&object)).unwrap();
        let run = std::process::Command::new("kubectl")
            .args(["label", "--local", "-o", "json", "-f"])
            .arg(&file)
            .arg("x=y")
            .output();
        let Ok(out) = run else {
            eprintln!("kubectl is not installed: skipping the check that it reads the output");
            return;
        };
        assert!(
            out.status.success(),
            "kubectl cannot read:\n{}\n{}",
            to_yaml(&object),
            String::from_utf8_lossy(&out.stderr)
        );
        let read: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(read["data"], object["data"]);
    }

    #[test]
    fn output_reads_back_as_the_same_value() {
        let v = json!({
            "s": ["yes", "22:22", "0755", "a\tb", "x'y", "multi\nline", "é", "#c", "k: v"],
            "u": UNPRINTABLE,
            "n": [1, -2, 2.5, true, null],
            "nested": [{"a": [{"b": "c"}]}],
        });
        let text = to_yaml(&v);
        let docs = crate::manifest::yaml::parse_stream(&text).unwrap();
        assert_eq!(docs[0].root.as_ref().unwrap().to_value(), v);
        let back: Value = serde_yaml::from_str(&text).unwrap();
        assert_eq!(back, v);
    }
}
