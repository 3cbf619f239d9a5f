//! Secret masking in diffs: the marker printed in place of a secret, and the masking of one
//! value or of the secrets inside a text. What is secret is decided by the one detector in
//! [`crate::secrets`]:
//! every value under a Kubernetes Secret's `data` and `stringData`; everything under a key
//! whose name looks secret (env var values, Compose `environment:` entries, ConfigMap data,
//! Helm values), but not under names that refer to a secret (`secretName`, `secretKeyRef`,
//! `existingSecret`, `imagePullSecrets`); the `value` of a `{name, value}` item whose name
//! looks secret (Kubernetes `env`); the argument after a password flag (`--password`, `x`);
//! the `kubectl.kubernetes.io/last-applied-configuration` annotation (a copy of the object);
//! any string that carries a credential itself (a URL with a password, a PEM private key, a
//! JWT, a well-known token) is masked whole; inside other strings, the values of
//! secret-looking assignments and flags (`db.password=...` in a properties file,
//! `Password=...;` in a connection string, `--requirepass ...`) are masked.
//! A masked value prints as `<secret: 12 chars>`, and as `<secret: 12 chars, changed>` on the
//! new side of a change, so reviewers see that it changed and its length, never the value.

use serde_json::Value;

pub use crate::secrets::{Secrecy, child_of_list, child_of_map};
use crate::secrets::{credential, secret_spans};

#[cfg(test)]
use crate::secrets::LAST_APPLIED;

/// A text with the values of its secret-looking assignments masked (a properties, `.env` or
/// INI file in a ConfigMap, a `--password=...` argument), or `None` when it has none. `old`
/// is the other side's text for the new side of a change: a value that differs from the old
/// side's value under the same name is marked changed.
pub fn mask_embedded(text: &str, old: Option<&str>) -> Option<String> {
    let spans = secret_spans(text);
    if spans.is_empty() {
        return None;
    }
    let old_values: std::collections::HashMap<&str, &str> = old
        .map(|old| {
            secret_spans(old)
                .into_iter()
                .map(|s| (s.name, &old[s.start..s.end]))
                .collect()
        })
        .unwrap_or_default();
    let mut out = String::with_capacity(text.len());
    let mut done = 0;
    for span in spans {
        let value = &text[span.start..span.end];
        let changed = old.is_some() && old_values.get(span.name) != Some(&value);
        let marker = marker(&Value::String(value.to_string()), changed);
        out.push_str(&text[done..span.start]);
        out.push_str(marker.as_str().unwrap_or_default());
        done = span.end;
    }
    out.push_str(&text[done..]);
    Some(out)
}

/// Whether a scalar at a node of this secrecy is masked.
pub fn is_masked_scalar(value: &Value, secrecy: Secrecy) -> bool {
    match value {
        Value::Null => false,
        Value::String(s) => secrecy != Secrecy::Plain || credential(s).is_some(),
        Value::Bool(_) | Value::Number(_) => {
            matches!(secrecy, Secrecy::Scalar | Secrecy::All)
        }
        Value::Array(_) | Value::Object(_) => false,
    }
}

/// The marker printed for a masked scalar.
pub fn marker(value: &Value, changed: bool) -> Value {
    let len = match value {
        Value::String(s) => s.chars().count(),
        other => other.to_string().chars().count(),
    };
    let unit = if len == 1 { "char" } else { "chars" };
    let changed = if changed { ", changed" } else { "" };
    Value::String(format!("<secret: {len} {unit}{changed}>"))
}

/// Whether a string is a marker printed for a masked value.
pub fn is_marker(text: &str) -> bool {
    text.starts_with("<secret: ") && text.ends_with('>')
}

/// A value with every secret in it masked (one side only: nothing to compare with).
/// `masked` is set when anything was masked.
pub fn mask_one(value: &Value, secrecy: Secrecy, reveal: bool, masked: &mut bool) -> Value {
    if reveal {
        return value.clone();
    }
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| {
                    let child = child_of_map(secrecy, k, &[map]);
                    (k.clone(), mask_one(v, child, reveal, masked))
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(
            items
                .iter()
                .enumerate()
                .map(|(i, v)| {
                    let previous = i.checked_sub(1).and_then(|p| items.get(p));
                    mask_one(v, child_of_list(secrecy, previous), reveal, masked)
                })
                .collect(),
        ),
        scalar if is_masked_scalar(scalar, secrecy) => {
            *masked = true;
            marker(scalar, false)
        }
        Value::String(text) => match mask_embedded(text, None) {
            Some(shown) => {
                *masked = true;
                Value::String(shown)
            }
            None => Value::String(text.clone()),
        },
        scalar => scalar.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn assignments_inside_texts_are_masked() {
        let old = "db.host=pg\ndb.password=hunter2\nexport API_TOKEN=abc\nurl: http://x:80\n";
        let new = "db.host=pg\ndb.password=hunter3\nexport API_TOKEN=abc\nurl: http://x:80\n";
        assert_eq!(
            mask_embedded(old, None).unwrap(),
            "db.host=pg\ndb.password=<secret: 7 chars>\nexport API_TOKEN=<secret: 3 chars>\nurl: http://x:80\n"
        );
        assert_eq!(
            mask_embedded(new, Some(old)).unwrap(),
            "db.host=pg\ndb.password=<secret: 7 chars, changed>\nexport API_TOKEN=<secret: 3 chars>\nurl: http://x:80\n"
        );
        assert_eq!(
            mask_embedded("--password=s3cret", None).unwrap(),
            "--password=<secret: 6 chars>"
        );
        assert_eq!(mask_embedded("host: db\nport: 5432\n", None), None);
        assert_eq!(mask_embedded("secretName: tls", None), None);
    }

    #[test]
    fn markers_say_length_and_change() {
        assert_eq!(
            marker(&Value::String("hunter2".into()), false),
            "<secret: 7 chars>"
        );
        assert_eq!(
            marker(&Value::String("x".into()), true),
            "<secret: 1 char, changed>"
        );
    }

    #[test]
    fn env_values_with_secret_names_are_masked() {
        let env = serde_json::json!({"env": [
            {"name": "DB_PASSWORD", "value": "hunter2"},
            {"name": "LOG_LEVEL", "value": "debug"}
        ]});
        let mut masked = false;
        let out = mask_one(&env, Secrecy::Plain, false, &mut masked);
        assert!(masked);
        assert_eq!(out["env"][0]["value"], "<secret: 7 chars>");
        assert_eq!(out["env"][1]["value"], "debug");
    }

    #[test]
    fn everything_under_a_secret_key_is_masked() {
        let values = serde_json::json!({
            "apiKey": {"value": "k-123", "header": "X-Key"},
            "tokens": ["t-1", "t-2"],
            "secretKeyRef": {"name": "db", "key": "password"},
            "metadata": {"annotations": {LAST_APPLIED: "{\"data\":{}}"}}
        });
        let mut masked = false;
        let out = mask_one(&values, Secrecy::Plain, false, &mut masked);
        assert_eq!(out["apiKey"]["value"], "<secret: 5 chars>");
        assert_eq!(out["apiKey"]["header"], "<secret: 5 chars>");
        assert_eq!(out["tokens"][1], "<secret: 3 chars>");
        assert_eq!(out["secretKeyRef"]["key"], "password");
        assert_eq!(
            out["metadata"]["annotations"][LAST_APPLIED],
            "<secret: 11 chars>"
        );
    }
}
