//! Secret masking: which values are secret, and the marker printed in their place.
//!
//! Secret are: every value under a Kubernetes Secret's `data` and `stringData`; everything
//! under a key whose name looks secret (`PASSWORD`, `TOKEN`, `SECRET`, `KEY`, `CREDENTIAL`,
//! `PRIVATE`, ...: env var values, Compose `environment:` entries, ConfigMap data, Helm
//! values), but not under names that refer to a secret (`secretName`, `secretKeyRef`,
//! `existingSecret`, `imagePullSecrets`); the `value` of a `{name, value}` item whose name
//! looks secret (Kubernetes `env`); the `kubectl.kubernetes.io/last-applied-configuration`
//! annotation (a copy of the object); any string that carries credentials itself
//! (`scheme://user:pass@host`, a PEM private key); and, inside other strings, the values of
//! secret-looking assignments (`db.password=...` in a properties file, `--token=...`).
//! A masked value prints as `<secret: 12 chars>`, and as `<secret: 12 chars, changed>` on the
//! new side of a change, so reviewers see that it changed and its length, never the value.

use serde_json::{Map, Value};

/// How secret the node being walked is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Secrecy {
    /// Not secret (its children may be).
    Plain,
    /// Secret, and so is everything below it (a key whose name looks secret).
    Scalar,
    /// Everything below is secret (Secret `data` and `stringData`).
    All,
    /// The root of a Kubernetes Secret: its `data` and `stringData` are [`Secrecy::All`].
    SecretObject,
}

/// The secrecy of the value under `key` in a map (`siblings` are the map on each side, for
/// the `{name, value}` rule).
pub fn child_of_map(parent: Secrecy, key: &str, siblings: &[&Map<String, Value>]) -> Secrecy {
    match parent {
        Secrecy::All | Secrecy::Scalar => return Secrecy::All,
        Secrecy::SecretObject if key == "data" || key == "stringData" => return Secrecy::All,
        _ => {}
    }
    if is_secret_name(key) || key == LAST_APPLIED {
        return Secrecy::Scalar;
    }
    if key == "value"
        && siblings.iter().any(|map| {
            map.get("name")
                .and_then(Value::as_str)
                .is_some_and(is_secret_name)
        })
    {
        return Secrecy::Scalar;
    }
    Secrecy::Plain
}

/// The annotation in which `kubectl apply` keeps a copy of the object, secrets included.
const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

/// The secrecy of an item of a list.
pub fn child_of_list(parent: Secrecy) -> Secrecy {
    match parent {
        Secrecy::All => Secrecy::All,
        Secrecy::Scalar => Secrecy::Scalar,
        Secrecy::Plain | Secrecy::SecretObject => Secrecy::Plain,
    }
}

/// Words that make a key name secret.
const SECRET_WORDS: &[&str] = &[
    "PASSWORD",
    "PASSWORDS",
    "PASSWD",
    "PWD",
    "PASSPHRASE",
    "TOKEN",
    "TOKENS",
    "SECRET",
    "KEY",
    "APIKEY",
    "CREDENTIAL",
    "CREDENTIALS",
    "CREDS",
    "PRIVATE",
    "DSN",
];

/// Words before `KEY` that make it a lookup key, not a secret one (`topologyKey`).
const NON_SECRET_KEYS: &[&str] = &[
    "TOPOLOGY",
    "SORT",
    "PARTITION",
    "ROUTING",
    "CACHE",
    "SHARD",
    "HASH",
    "LABEL",
    "ANNOTATION",
    "PRIMARY",
    "FOREIGN",
    "IDEMPOTENCY",
    "OBJECT",
    "LOOKUP",
    "GROUP",
    "NODE",
    "CONFIG",
    "METRIC",
    "HEADER",
    "QUERY",
    "DEDUP",
    "MATCH",
    "SELECTOR",
];

/// Fragments that make a key name secret even inside a longer word (`DBPASSWORD`).
const SECRET_FRAGMENTS: &[&str] = &["PASSWORD", "PASSWD", "SECRET", "TOKEN", "APIKEY"];

/// Last words that make a name refer to a secret rather than hold one (`secretName`,
/// `secretKeyRef`, `PASSWORD_FILE`, `imagePullSecrets`).
const REFERENCE_WORDS: &[&str] = &[
    "NAME",
    "NAMES",
    "REF",
    "REFS",
    "FILE",
    "PATH",
    "ID",
    "SELECTOR",
    "TYPE",
    "LENGTH",
    "SIZE",
    "ENABLED",
    "MODE",
    "FORMAT",
    "ALGORITHM",
    "COUNT",
    "PREFIX",
    "SECRETS",
];

/// Whether a key or variable name looks like it holds a secret.
pub fn is_secret_name(name: &str) -> bool {
    // `key` alone names a key elsewhere (secretKeyRef.key, configMap items, tolerations);
    // `secrets` lists references (Compose service secrets).
    // Service account token settings are not tokens.
    if matches!(
        name,
        "key" | "secrets" | "serviceAccountToken" | "automountServiceAccountToken"
    ) {
        return false;
    }
    let words = words(name);
    let (Some(first), Some(last)) = (words.first(), words.last()) else {
        return false;
    };
    if REFERENCE_WORDS.contains(&last.as_str())
        || first == "EXISTING"
        || words.iter().any(|w| w == "PUBLIC")
    {
        return false;
    }
    words.iter().enumerate().any(|(i, w)| {
        let lookup_key = w == "KEY" && i > 0 && NON_SECRET_KEYS.contains(&words[i - 1].as_str());
        (SECRET_WORDS.contains(&w.as_str()) && !lookup_key)
            || SECRET_FRAGMENTS.iter().any(|f| w.contains(f))
    })
}

/// Splits a name into uppercase words at separators and camelCase boundaries.
fn words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let chars: Vec<char> = name.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_alphanumeric() {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            continue;
        }
        let boundary = c.is_uppercase()
            && i > 0
            && (chars[i - 1].is_lowercase()
                || (chars[i - 1].is_uppercase()
                    && chars.get(i + 1).is_some_and(|n| n.is_lowercase())));
        if boundary && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        current.extend(c.to_uppercase());
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

/// Whether a string carries a credential itself: a URL with `user:password@`, or a PEM
/// private key.
pub fn is_secret_value(text: &str) -> bool {
    if text.contains("-----BEGIN") && text.contains("PRIVATE KEY") {
        return true;
    }
    let mut rest = text;
    while let Some(at) = rest.find("://") {
        rest = &rest[at + 3..];
        let authority = rest
            .split(|c: char| matches!(c, '/' | '?' | '#') || c.is_whitespace())
            .next()
            .unwrap_or("");
        if let Some((userinfo, _)) = authority.rsplit_once('@')
            && userinfo.contains(':')
        {
            return true;
        }
    }
    false
}

/// The secret-looking assignment on a line (`db.password=...`, `API_KEY: ...`,
/// `--token=...`): the name, and the byte range of the value.
fn assignment(line: &str) -> Option<(&str, usize, usize)> {
    let at = line.find(['=', ':'])?;
    if line[at..].starts_with(':')
        && !line[at + 1..].starts_with([' ', '\t'])
        && !line[at + 1..].trim().is_empty()
    {
        return None; // `host:port`, `scheme://`
    }
    let name = line[..at].trim();
    let name = name.strip_prefix("export ").unwrap_or(name);
    let name = name.trim_matches(|c: char| c == '"' || c == '\'' || c.is_whitespace());
    if name.is_empty() || name.contains(char::is_whitespace) || !is_secret_name(name) {
        return None;
    }
    let rest = &line[at + 1..];
    let value = rest.trim();
    if value.is_empty() {
        return None;
    }
    let start = at + 1 + (rest.len() - rest.trim_start().len());
    Some((name, start, start + value.len()))
}

/// A text with the values of its secret-looking assignments masked (a properties, `.env` or
/// INI file in a ConfigMap, a `--password=...` argument), or `None` when it has none. `old`
/// is the other side's text for the new side of a change: a value that differs from the old
/// side's value under the same name is marked changed.
pub fn mask_embedded(text: &str, old: Option<&str>) -> Option<String> {
    if !text.contains(['=', ':']) {
        return None;
    }
    let old_values: std::collections::HashMap<&str, &str> = old
        .into_iter()
        .flat_map(str::lines)
        .filter_map(|line| {
            let (name, start, end) = assignment(line)?;
            Some((name, &line[start..end]))
        })
        .collect();
    let mut out = String::with_capacity(text.len());
    let mut any = false;
    for line in text.split_inclusive('\n') {
        match assignment(line) {
            Some((name, start, end)) => {
                let value = &line[start..end];
                let changed = old.is_some() && old_values.get(name) != Some(&value);
                let marker = marker(&Value::String(value.to_string()), changed);
                out.push_str(&line[..start]);
                out.push_str(marker.as_str().unwrap_or_default());
                out.push_str(&line[end..]);
                any = true;
            }
            None => out.push_str(line),
        }
    }
    any.then_some(out)
}

/// Whether a scalar at a node of this secrecy is masked.
pub fn is_masked_scalar(value: &Value, secrecy: Secrecy) -> bool {
    match value {
        Value::Null => false,
        Value::String(s) => secrecy != Secrecy::Plain || is_secret_value(s),
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
                .map(|v| mask_one(v, child_of_list(secrecy), reveal, masked))
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
    fn secret_names() {
        for name in [
            "PASSWORD",
            "DB_PASSWORD",
            "postgresPassword",
            "password",
            "JWT_SECRET",
            "SECRET_KEY_BASE",
            "API_KEY",
            "apiKey",
            "GITHUB_TOKEN",
            "AWS_CREDENTIALS",
            "private_key",
            "DBPASSWORD",
            "SENTRY_DSN",
        ] {
            assert!(is_secret_name(name), "{name} should be secret");
        }
        for name in [
            "key",
            "secretName",
            "secretKeyRef",
            "secretRef",
            "existingSecret",
            "PASSWORD_FILE",
            "REDIS_HOST",
            "KEYCLOAK_URL",
            "monkey",
            "name",
            "publicKey",
            "secrets",
            "imagePullSecrets",
            "topologyKey",
            "sortKey",
        ] {
            assert!(!is_secret_name(name), "{name} should not be secret");
        }
    }

    #[test]
    fn secret_values() {
        assert!(is_secret_value("postgresql://user:pw@db:5432/app"));
        assert!(is_secret_value("redis://:pw@redis:6379/0"));
        assert!(is_secret_value(
            "-----BEGIN RSA PRIVATE KEY-----\nabc\n-----END RSA PRIVATE KEY-----"
        ));
        assert!(!is_secret_value("http://email-service:3001/api/v1"));
        assert!(!is_secret_value("https://user@example.com/x"));
        assert!(!is_secret_value("plain"));
    }

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
