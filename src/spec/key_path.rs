//! Key paths as users type them, into JSON pointers into a spec: dotted keys
//! (`autoscaling.minReplicas`), indices (`ports[0]`, also `ports.0`), quoted keys for keys
//! holding dots or brackets (`config.data["KEY.WITH.DOTS"]`, `env["PORT"]`), and list items
//! by name or by another key (`ports[http]`, `ports[containerPort=8080]`): the paths `diff`
//! prints.

use serde_json::Value;

use crate::manifest::yaml::escape_token;

/// One step of a key path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// A map key: `name` or `["quoted.key"]`.
    Key(String),
    /// A list index: `[0]`.
    Index(usize),
    /// `[id]`: the list item whose `name` is `id` (or the map key `id`); `[key=id]`: the
    /// list item whose `key` is `id`.
    Item {
        /// The item's key that identifies it (`None`: `name`).
        key: Option<String>,
        /// The identifying value.
        id: String,
    },
}

/// A key path that does not parse: where (1-based column, in characters) and what was
/// expected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("column {col}: {message}")]
pub struct KeyPathError {
    /// The column.
    pub col: usize,
    /// What was expected there.
    pub message: String,
}

/// Parses a key path.
pub fn parse(path: &str) -> Result<Vec<Step>, KeyPathError> {
    let chars: Vec<char> = path.chars().collect();
    let error = |at: usize, message: &str| KeyPathError {
        col: at + 1,
        message: message.to_string(),
    };
    let mut steps = Vec::new();
    let mut i = 0;
    // A path may start with `.` (as `diff` prints the top level).
    if chars.first() == Some(&'.') {
        i = 1;
    }
    let mut need_key = false;
    while i < chars.len() {
        match chars[i] {
            '[' if !need_key => {
                let open = i;
                i += 1;
                if chars.get(i) == Some(&'"') {
                    // A JSON string: up to the first unescaped quote.
                    let start = i;
                    i += 1;
                    let mut escaped = false;
                    while i < chars.len() && (escaped || chars[i] != '"') {
                        escaped = !escaped && chars[i] == '\\';
                        i += 1;
                    }
                    if i >= chars.len() {
                        return Err(error(
                            start,
                            "unclosed quote: expected `\"` and `]` after the key",
                        ));
                    }
                    let quoted: String = chars[start..=i].iter().collect();
                    let key: String = serde_json::from_str(&quoted).map_err(|_| {
                        error(
                            start,
                            "expected a JSON string (escape `\"` and `\\` with `\\`)",
                        )
                    })?;
                    i += 1;
                    if chars.get(i) != Some(&']') {
                        return Err(error(i, "expected `]` after the quoted key"));
                    }
                    steps.push(Step::Key(key));
                } else {
                    let start = i;
                    while i < chars.len() && chars[i] != ']' {
                        i += 1;
                    }
                    if i >= chars.len() {
                        return Err(error(open, "unclosed `[`: expected `]`"));
                    }
                    let inner: String = chars[start..i].iter().collect();
                    if inner.is_empty() {
                        return Err(error(
                            open,
                            "empty `[]`: expected an index, a name or a quoted key",
                        ));
                    }
                    steps.push(bracket_step(&inner));
                }
                i += 1;
            }
            '.' if !need_key && !steps.is_empty() => {
                need_key = true;
                i += 1;
            }
            '.' | '[' | ']' => {
                return Err(error(
                    i,
                    if need_key {
                        "expected a key after `.` (quote a key holding `.` or `[` as `[\"a.b\"]`)"
                    } else {
                        "expected a key, `[` or the end of the path"
                    },
                ));
            }
            _ => {
                let start = i;
                while i < chars.len() && !matches!(chars[i], '.' | '[' | ']') {
                    i += 1;
                }
                if !steps.is_empty() && !need_key {
                    return Err(error(start, "expected `.` or `[` before the key"));
                }
                steps.push(Step::Key(chars[start..i].iter().collect()));
                need_key = false;
            }
        }
    }
    if need_key {
        return Err(error(chars.len(), "expected a key after `.`"));
    }
    Ok(steps)
}

fn bracket_step(inner: &str) -> Step {
    if !inner.is_empty() && inner.chars().all(|c| c.is_ascii_digit()) {
        if let Ok(index) = inner.parse() {
            return Step::Index(index);
        }
    }
    match inner.split_once('=') {
        Some((key, id)) if !key.is_empty() => Step::Item {
            key: Some(key.to_string()),
            id: id.to_string(),
        },
        _ => Step::Item {
            key: None,
            id: inner.to_string(),
        },
    }
}

/// The JSON pointer a parsed path names in a document, resolving list items by their
/// identifying key in the first of `documents` that holds the list (the merged spec, then
/// the spec with its defaults). A step that finds nothing stays in the pointer as a key, so
/// that the lookup fails at it.
pub fn to_pointer(steps: &[Step], documents: &[&Value]) -> String {
    let mut pointer = String::new();
    for step in steps {
        let token = match step {
            Step::Key(key) => escape_token(key),
            Step::Index(index) => index.to_string(),
            Step::Item { key, id } => {
                let list = documents
                    .iter()
                    .find_map(|d| d.pointer(&pointer))
                    .and_then(Value::as_array);
                let field = key.as_deref().unwrap_or("name");
                let found = list.and_then(|items| {
                    items
                        .iter()
                        .position(|item| item.get(field).is_some_and(|v| same_id(v, id)))
                });
                match (found, key) {
                    (Some(index), _) => index.to_string(),
                    (None, None) => escape_token(id),
                    (None, Some(key)) => escape_token(&format!("{key}={id}")),
                }
            }
        };
        pointer.push('/');
        pointer.push_str(&token);
    }
    pointer
}

fn same_id(value: &Value, id: &str) -> bool {
    match value {
        Value::String(s) => s == id,
        Value::Number(n) => n.to_string() == id,
        _ => false,
    }
}

/// Whether a key can be written bare in a path (else it is quoted: `["a.b"]`).
pub fn is_plain_key(key: &str) -> bool {
    !key.is_empty()
        && !key.chars().all(|c| c.is_ascii_digit())
        && !key.chars().any(|c| {
            matches!(c, '.' | '[' | ']' | '"' | '=') || c.is_whitespace() || c.is_control()
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn key(k: &str) -> Step {
        Step::Key(k.into())
    }

    #[test]
    fn parses_dotted_bracketed_and_quoted_paths() {
        assert_eq!(
            parse("autoscaling.minReplicas").unwrap(),
            [key("autoscaling"), key("minReplicas")]
        );
        assert_eq!(
            parse("ports[0].containerPort").unwrap(),
            [key("ports"), Step::Index(0), key("containerPort")]
        );
        assert_eq!(parse("env[\"PORT\"]").unwrap(), [key("env"), key("PORT")]);
        assert_eq!(
            parse("config.data[\"KEY.WITH.DOTS\"]").unwrap(),
            [key("config"), key("data"), key("KEY.WITH.DOTS")]
        );
        assert_eq!(
            parse("labels[\"a\\\"b\"]").unwrap(),
            [key("labels"), key("a\"b")]
        );
        assert_eq!(
            parse("ports[containerPort=8080]").unwrap(),
            [
                key("ports"),
                Step::Item {
                    key: Some("containerPort".into()),
                    id: "8080".into()
                }
            ]
        );
        assert_eq!(parse(".replicas").unwrap(), [key("replicas")]);
        assert_eq!(parse("ports.0").unwrap(), [key("ports"), key("0")]);
    }

    #[test]
    fn malformed_paths_name_the_column_and_what_was_expected() {
        let err = |p: &str| parse(p).unwrap_err().to_string();
        assert_eq!(err("ports[0"), "column 6: unclosed `[`: expected `]`");
        assert_eq!(
            err("env[\"PORT]"),
            "column 5: unclosed quote: expected `\"` and `]` after the key"
        );
        assert_eq!(
            err("env[\"PORT\"x"),
            "column 11: expected `]` after the quoted key"
        );
        assert_eq!(
            err("a..b"),
            "column 3: expected a key after `.` (quote a key holding `.` or `[` as `[\"a.b\"]`)"
        );
        assert_eq!(err("a."), "column 3: expected a key after `.`");
        assert_eq!(
            err("ports[]"),
            "column 6: empty `[]`: expected an index, a name or a quoted key"
        );
        assert_eq!(
            err("ports[0]x"),
            "column 9: expected `.` or `[` before the key"
        );
    }

    #[test]
    fn list_items_resolve_by_name_or_key() {
        let doc = json!({"ports": [{"name": "http", "containerPort": 8080}, {"name": "metrics", "containerPort": 9090}]});
        let pointer = |p: &str| to_pointer(&parse(p).unwrap(), &[&doc]);
        assert_eq!(
            pointer("ports[metrics].containerPort"),
            "/ports/1/containerPort"
        );
        assert_eq!(pointer("ports[containerPort=9090].name"), "/ports/1/name");
        assert_eq!(pointer("ports[nope]"), "/ports/nope");
        assert_eq!(pointer("config.data[\"a/b\"]"), "/config/data/a~1b");
    }
}
