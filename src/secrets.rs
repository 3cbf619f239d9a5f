//! The one secret detector: what counts as a secret, by the name it is stored under and by
//! the shape of the value itself. Everything that refuses, masks or hides secrets asks here:
//! the spec checks (a spec holds no secret values), the `plaintext-secret` rule, the diff's
//! masking (`diff::mask`, which adds markers and the walk over changes), schema messages
//! (which never quote a value at a secret path) and the source lines the text report echoes.
//!
//! - **Names** are split into words at `_`, `-`, `.`, other separators and camelCase
//!   boundaries; a name is secret when a word is one of [`SECRET_WORDS`] (`PASSWORD`, `PASS`,
//!   `PWD`, `PAT`, `TOKEN`, `KEY`, `PRIVATE`, `SIGNING`, `DSN`, ...) or holds one of
//!   [`SECRET_FRAGMENTS`] (`DBPASSWORD`), unless its last word makes it a reference or a
//!   setting about a secret (`PASSWORD_FILE`, `secretName`, `TOKEN_TTL_SECONDS`). Whole words
//!   keep `PATH`, `PATCH`, `COMPASS` and `BYPASS` from matching.
//! - **Values** carry a credential themselves ([`credential`]): a PEM private key, a JWT, a
//!   `Bearer`/`Basic` authorization, a token with a well-known prefix (`ghp_`, `sk_live_`,
//!   `AKIA...`), a URL or DSN with a password. Inside a longer text ([`secret_spans`]),
//!   secret-looking assignments (`db.password=...`, `Password=...;` anywhere in a connection
//!   string) and flags (`--password X`, `--requirepass X`, `--token=X`) hold secrets.
//! - **References** are not secrets ([`is_reference`]): `${VAR}`, `$(VAR)`, `$VAR`,
//!   `{{ .Values.x }}`, `<placeholder>`, and empty values.

use serde_json::{Map, Value};

/// Words that make a name secret.
const SECRET_WORDS: &[&str] = &[
    "PASSWORD",
    "PASSWORDS",
    "PASSWD",
    "PASS",
    "PWD",
    "PASSPHRASE",
    "PAT",
    "TOKEN",
    "TOKENS",
    "SECRET",
    "KEY",
    "APIKEY",
    "CREDENTIAL",
    "CREDENTIALS",
    "CREDS",
    "PRIVATE",
    "SIGNING",
    "DSN",
    "REQUIREPASS",
    "MASTERAUTH",
];

/// Fragments that make a name secret even inside a longer word (`DBPASSWORD`).
const SECRET_FRAGMENTS: &[&str] = &[
    "PASSWORD",
    "PASSWD",
    "SECRET",
    "TOKEN",
    "APIKEY",
    "CREDENTIAL",
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
    "PUBLIC",
];

/// Last words that make a name refer to a secret, or describe one, rather than hold it
/// (`secretName`, `secretKeyRef`, `PASSWORD_FILE`, `imagePullSecrets`, `TOKEN_TTL_SECONDS`,
/// `TOKEN_URL`).
const REFERENCE_WORDS: &[&str] = &[
    "NAME",
    "NAMES",
    "REF",
    "REFS",
    "FILE",
    "PATH",
    "DIR",
    "ID",
    "SELECTOR",
    "TYPE",
    "LENGTH",
    "SIZE",
    "ENABLED",
    "REQUIRED",
    "MODE",
    "FORMAT",
    "ALGORITHM",
    "COUNT",
    "PREFIX",
    "SECRETS",
    "TTL",
    "SECONDS",
    "TIMEOUT",
    "EXPIRY",
    "EXPIRATION",
    "LIFETIME",
    "URL",
    "URI",
    "HOST",
    "PORT",
    "ENDPOINT",
    "REGISTRY",
    "ISSUER",
    "AUDIENCE",
    "VERSION",
    "HEADER",
];

/// Whether a key or variable name looks like it holds a secret (`DB_PASSWORD`, `jwtSecret`,
/// `OPENAI_API_KEY`, `GITHUB_PAT`, `--requirepass`), and not like a reference to one or a
/// setting about one (`PASSWORD_FILE`, `secretName`, `TOKEN_TTL_SECONDS`).
pub fn is_secret_name(name: &str) -> bool {
    // `key` alone names a key elsewhere (secretKeyRef.key, configMap items, tolerations);
    // `secrets` lists references (Compose service secrets); `PWD` is the working directory.
    // Service account token settings are not tokens.
    if matches!(
        name,
        "key" | "secrets" | "PWD" | "serviceAccountToken" | "automountServiceAccountToken"
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
        let pass_through = w == "PASS" && words.get(i + 1).is_some_and(|n| n == "THROUGH");
        (SECRET_WORDS.contains(&w.as_str()) && !lookup_key && !pass_through)
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

/// Whether a value is a reference to somewhere else, not a literal: empty, `${VAR}`,
/// `$(VAR)`, `$VAR`, `{{ .Values.x }}` or a `<placeholder>`.
pub fn is_reference(value: &str) -> bool {
    let v = value.trim().trim_matches(|c| c == '"' || c == '\'');
    let wrapped = |open: &str, close: &str| {
        v.len() > open.len() + close.len() && v.starts_with(open) && v.ends_with(close)
    };
    let shell_var = v.strip_prefix('$').is_some_and(|name| {
        !name.is_empty()
            && !name.starts_with(|c: char| c.is_ascii_digit())
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    });
    v.is_empty()
        || wrapped("${", "}")
        || wrapped("$(", ")")
        || wrapped("{{", "}}")
        || (wrapped("<", ">") && !v[1..v.len() - 1].contains(['<', '>']))
        || shell_var
}

/// Whether a value is a switch or a number (`CORS_ALLOW_CREDENTIALS: "true"`,
/// `TOKEN_TTL: "3600"`): a setting about a secret, not a secret.
pub fn is_setting_value(text: &str) -> bool {
    let t = text.trim();
    t.is_empty()
        || [
            "true", "false", "yes", "no", "on", "off", "enabled", "disabled",
        ]
        .iter()
        .any(|w| t.eq_ignore_ascii_case(w))
        || t.parse::<f64>().is_ok()
}

/// Prefixes of well-known access tokens, with the fewest characters that must follow.
const TOKEN_PREFIXES: &[(&str, usize)] = &[
    ("sk_live_", 10),
    ("sk_test_", 10),
    ("rk_live_", 10),
    ("pk_live_", 10),
    ("sk-proj-", 10),
    ("sk-ant-", 10),
    ("ghp_", 20),
    ("gho_", 20),
    ("ghu_", 20),
    ("ghs_", 20),
    ("ghr_", 20),
    ("github_pat_", 20),
    ("glpat-", 16),
    ("xoxb-", 10),
    ("xoxp-", 10),
    ("xoxa-", 10),
    ("xoxs-", 10),
    ("xapp-", 10),
    ("npm_", 30),
    ("pypi-", 30),
    ("hf_", 30),
    ("AIza", 30),
    ("SG.", 20),
    ("shpat_", 20),
    ("dop_v1_", 20),
];

/// What credential a text carries itself, anywhere in it: `Some("a private key")`,
/// `Some("a JWT")`, `Some("a URL with a password")`, ...; `None` when it carries none.
pub fn credential(text: &str) -> Option<&'static str> {
    if text.contains("-----BEGIN") && text.contains("PRIVATE KEY") {
        return Some("a private key");
    }
    if url_with_password(text) {
        return Some("a URL with a password");
    }
    let lower = text.to_ascii_lowercase();
    for scheme in ["bearer ", "basic "] {
        let mut from = 0;
        while let Some(at) = lower[from..].find(scheme) {
            let start = from + at;
            let before_ok = start == 0 || !lower.as_bytes()[start - 1].is_ascii_alphanumeric();
            let token = text[start + scheme.len()..]
                .split(|c: char| c.is_whitespace() || c == '"' || c == '\'')
                .next()
                .unwrap_or("");
            if before_ok
                && token.len() >= 8
                && !is_reference(token)
                && token
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-._~+/=".contains(c))
            {
                return Some("an authorization header");
            }
            from = start + scheme.len();
        }
    }
    for token in text.split(|c: char| !(c.is_ascii_alphanumeric() || "-_.".contains(c))) {
        if is_jwt(token) {
            return Some("a JWT");
        }
        let body = |prefix: &str, min: usize| {
            token.strip_prefix(prefix).is_some_and(|rest| {
                rest.len() >= min
                    && rest
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
            })
        };
        let aws = ["AKIA", "ASIA"].iter().any(|p| {
            token.strip_prefix(p).is_some_and(|rest| {
                rest.len() == 16
                    && rest
                        .chars()
                        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
            })
        });
        if aws || TOKEN_PREFIXES.iter().any(|(p, min)| body(p, *min)) {
            return Some("an access token");
        }
    }
    None
}

/// Whether a token is a JSON Web Token: three base64url parts, the first a JSON object.
fn is_jwt(token: &str) -> bool {
    let parts: Vec<&str> = token.split('.').collect();
    parts.len() == 3
        && parts[0].starts_with("eyJ")
        && parts[0].len() >= 10
        && parts[1].len() >= 10
        && parts.iter().all(|p| {
            p.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        })
}

/// Whether a text holds a URL or DSN with a password anywhere in it
/// (`postgres://user:pass@host`, `redis://:pass@host`, `user:pass@tcp(db:3306)/app`); a
/// password that is a reference (`${DB_PASSWORD}`) does not count.
pub fn url_with_password(text: &str) -> bool {
    let password_in = |authority: &str| match authority.rsplit_once('@') {
        Some((userinfo, _)) => userinfo
            .split_once(':')
            .is_some_and(|(_, pass)| !pass.is_empty() && !is_reference(pass)),
        None => false,
    };
    let mut rest = text;
    while let Some(at) = rest.find("://") {
        rest = &rest[at + 3..];
        let authority = rest
            .split(|c: char| matches!(c, '/' | '?' | '#') || c.is_whitespace())
            .next()
            .unwrap_or("");
        if password_in(authority) {
            return true;
        }
    }
    // Go-style DSNs: `user:pass@tcp(host:3306)/db`.
    text.split_whitespace()
        .filter(|word| !word.contains("://"))
        .any(|word| {
            let Some(at) = word.find("@tcp(").or_else(|| word.find("@unix(")) else {
                return false;
            };
            let start = word[..at].rfind(['=', '"', '\'']).map_or(0, |i| i + 1);
            password_in(&word[start..at + 1])
        })
}

/// A secret value inside a longer text: the name it is stored under, and its byte range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span<'a> {
    /// The name that makes it secret (`db.password`, `--requirepass`).
    pub name: &'a str,
    /// Byte offset of the value's start.
    pub start: usize,
    /// Byte offset after the value's end.
    pub end: usize,
}

/// The secret values inside a text: per line, a secret-looking assignment that starts the
/// line (`db.password=...`, `API_KEY: ...`, `export TOKEN=...`: the rest of the line), else
/// secret-looking `name=value` pairs anywhere in it (`Server=db;Password=x;`,
/// `?user=u&password=x`, `--token=x`), and secret-looking flags followed by a value
/// (`--requirepass x`, `--password x`). References are not secret.
pub fn secret_spans(text: &str) -> Vec<Span<'_>> {
    let mut spans = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        match line_assignment(body) {
            Some((name, start, end)) => {
                if !is_reference(&body[start..end]) {
                    spans.push(Span {
                        name,
                        start: offset + start,
                        end: offset + end,
                    });
                }
            }
            None => spans.extend(pairs_and_flags(body).into_iter().map(|s| Span {
                start: offset + s.start,
                end: offset + s.end,
                ..s
            })),
        }
        offset += line.len();
    }
    spans
}

/// The secret-looking assignment that a line is (`db.password=...`, `API_KEY: ...`): the
/// name, and the byte range of the value (the rest of the line, trimmed).
fn line_assignment(line: &str) -> Option<(&str, usize, usize)> {
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

/// Secret-looking `name=value` pairs and `--flag value` arguments anywhere in one line.
fn pairs_and_flags(line: &str) -> Vec<Span<'_>> {
    let separators = |c: char| c.is_whitespace() || matches!(c, ';' | '&' | '?' | ',');
    let mut tokens = Vec::new();
    let mut start = None;
    for (i, c) in line.char_indices() {
        match (separators(c), start) {
            (true, Some(s)) => {
                tokens.push((s, i));
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(s) = start {
        tokens.push((s, line.len()));
    }
    let mut spans = Vec::new();
    for (k, &(s, e)) in tokens.iter().enumerate() {
        let token = &line[s..e];
        if let Some(eq) = token.find('=') {
            let name = token[..eq].trim_matches(|c| c == '"' || c == '\'');
            let value = &token[eq + 1..];
            if !value.is_empty() && is_secret_name(name) && !is_reference(value) {
                spans.push(Span {
                    name,
                    start: s + eq + 1,
                    end: e,
                });
            }
        } else if is_password_flag(token)
            && let Some(&(vs, ve)) = tokens.get(k + 1)
        {
            let value = &line[vs..ve];
            if !value.starts_with('-') && !is_reference(value) {
                spans.push(Span {
                    name: token,
                    start: vs,
                    end: ve,
                });
            }
        }
    }
    spans
}

/// Whether a command-line argument is a flag whose value is a secret (`--password`,
/// `--requirepass`, `-token`), so that the next argument is the secret.
pub fn is_password_flag(arg: &str) -> bool {
    arg.starts_with('-') && !arg.contains('=') && is_secret_name(arg)
}

/// Whether a text holds a secret anywhere: a credential, or a secret-looking assignment or
/// flag value.
pub fn contains_secret(text: &str) -> bool {
    credential(text).is_some() || !secret_spans(text).is_empty()
}

/// Why a literal value stored under a name is a secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Literal {
    /// The name looks secret and the value is a literal (not a reference or a setting).
    Name,
    /// The value carries a credential itself, or holds a secret inside it: what it holds
    /// (`"a URL with a password"`, `"a private key"`, `"a password argument"`).
    Value(&'static str),
}

/// Whether the literal `value` stored under `name` is a secret written in plain text, and
/// why. References (`${VAR}`, `<placeholder>`, empty) and settings about a secret
/// (`TOKEN_TTL: "3600"`) are not.
pub fn literal_secret(name: &str, value: &str) -> Option<Literal> {
    if is_reference(value) {
        return None;
    }
    if let Some(what) = credential(value) {
        return Some(Literal::Value(what));
    }
    if is_secret_name(name) && !is_setting_value(value) {
        return Some(Literal::Name);
    }
    if !secret_spans(value).is_empty() {
        return Some(Literal::Value("a password or token inside it"));
    }
    None
}

/// The literal secrets in a command line given as a list of arguments: the index of each
/// argument that holds one (`--password`, `hunter2`: 1; `--token=x`: 0;
/// `redis-server --requirepass x` in one argument: 0), with what it holds.
pub fn secret_arguments(args: &[&str]) -> Vec<(usize, &'static str)> {
    let mut out = Vec::new();
    for (i, arg) in args.iter().enumerate() {
        let after_flag = i > 0 && is_password_flag(args[i - 1]) && !arg.starts_with('-');
        if after_flag && !is_reference(arg) {
            out.push((i, "a password argument"));
        } else if let Some(what) = credential(arg) {
            out.push((i, what));
        } else if !secret_spans(arg).is_empty() {
            out.push((i, "a password argument"));
        }
    }
    out
}

/// Whether a source line (as the text report echoes it) shows a secret: a `key: value` or
/// `KEY=value` whose key looks secret, or a value that holds a secret in any form.
pub fn line_holds_secret(line: &str) -> bool {
    let item = line.trim_start().trim_start_matches(['-', ' ', '\t']);
    let assigned = item.split_once(": ").or_else(|| item.split_once('='));
    if let Some((key, value)) = assigned {
        let key = key.trim().trim_matches(|c| c == '"' || c == '\'');
        let value = value.split(" #").next().unwrap_or("").trim();
        if is_secret_name(key) && !is_reference(value) && !value.is_empty() {
            return true;
        }
    }
    contains_secret(line)
}

/// How secret the node of a document being walked is.
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

/// The annotation in which `kubectl apply` keeps a copy of the object, secrets included.
pub const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

/// The secrecy of a document's root: a Kubernetes Secret (`kind: Secret`, `apiVersion: v1`)
/// or not.
pub fn root_secrecy(document: &Value) -> Secrecy {
    let is_secret = document.get("kind").and_then(Value::as_str) == Some("Secret")
        && document
            .get("apiVersion")
            .and_then(Value::as_str)
            .is_none_or(|v| v == "v1");
    if is_secret {
        Secrecy::SecretObject
    } else {
        Secrecy::Plain
    }
}

/// The secrecy of the value under `key` in a map (`siblings` are the map on each side, for
/// the `{name, value}` rule: the `value` of an item whose `name` looks secret).
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

/// The secrecy of an item of a list; `previous` is the item before it, when it is a flag
/// whose value is secret (`["--password", "x"]`).
pub fn child_of_list(parent: Secrecy, previous: Option<&Value>) -> Secrecy {
    match parent {
        Secrecy::All => Secrecy::All,
        Secrecy::Scalar => Secrecy::Scalar,
        Secrecy::Plain | Secrecy::SecretObject => {
            if previous
                .and_then(Value::as_str)
                .is_some_and(is_password_flag)
            {
                Secrecy::Scalar
            } else {
                Secrecy::Plain
            }
        }
    }
}

/// Whether the value at a JSON pointer of a document is secret, or holds one: under a
/// Secret's `data`/`stringData`, under a secret-looking key, the `value` of a secret-looking
/// `{name, value}` item, the argument after a password flag, or a string that holds a
/// secret itself.
pub fn is_secret_at(root: &Value, pointer: &str) -> bool {
    let mut secrecy = root_secrecy(root);
    let mut node = Some(root);
    for token in crate::manifest::yaml::pointer_tokens(pointer) {
        (secrecy, node) = match node {
            Some(Value::Object(map)) => (child_of_map(secrecy, &token, &[map]), map.get(&*token)),
            Some(Value::Array(items)) => {
                let index = token.parse::<usize>().ok();
                let previous = index
                    .and_then(|i| i.checked_sub(1))
                    .and_then(|i| items.get(i));
                (
                    child_of_list(secrecy, previous),
                    index.and_then(|i| items.get(i)),
                )
            }
            _ => (child_of_map(secrecy, &token, &[]), None),
        };
    }
    !matches!(secrecy, Secrecy::Plain | Secrecy::SecretObject)
        || node.and_then(Value::as_str).is_some_and(contains_secret)
}

/// Whether a JSON pointer names a secret by its keys alone (`/env/DB_PASSWORD`), for a
/// value whose document is not at hand.
pub fn is_secret_path(pointer: &str) -> bool {
    is_secret_at(&Value::Null, pointer)
}

/// Whether the value at a JSON pointer of a document is secret or has a secret anywhere
/// below it.
pub fn holds_secret_at(root: &Value, pointer: &str) -> bool {
    if is_secret_at(root, pointer) {
        return true;
    }
    let children: Vec<String> = match root.pointer(pointer) {
        Some(Value::Object(map)) => map
            .keys()
            .map(|k| format!("{pointer}/{}", crate::manifest::yaml::escape_token(k)))
            .collect(),
        Some(Value::Array(items)) => (0..items.len()).map(|i| format!("{pointer}/{i}")).collect(),
        _ => Vec::new(),
    };
    children.iter().any(|child| holds_secret_at(root, child))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        for name in [
            "PASSWORD",
            "DB_PASSWORD",
            "db-pass",
            "DB_PWD",
            "GITHUB_PAT",
            "postgresPassword",
            "JWT_SECRET",
            "jwt_secret_key",
            "SECRET_KEY_BASE",
            "API_KEY",
            "apiKey",
            "APIKEY",
            "OPENAI_API_KEY",
            "GITHUB_TOKEN",
            "apiToken",
            "AWS_CREDENTIALS",
            "gcpCredential",
            "private_key",
            "privateKey",
            "SIGNING_KEY",
            "DBPASSWORD",
            "SENTRY_DSN",
            "app.secret",
            "--requirepass",
        ] {
            assert!(is_secret_name(name), "{name} should be secret");
        }
        for name in [
            "key",
            "PATH",
            "PATCH",
            "COMPASS",
            "BYPASS",
            "PASS_THROUGH",
            "PWD",
            "secretName",
            "secretKeyRef",
            "secretRef",
            "existingSecret",
            "PASSWORD_FILE",
            "SECRET_NAME",
            "TOKEN_TTL_SECONDS",
            "TOKEN_URL",
            "REDIS_HOST",
            "KEYCLOAK_URL",
            "LOG_LEVEL",
            "PORT",
            "monkey",
            "name",
            "publicKey",
            "PUBLIC_KEY",
            "secrets",
            "imagePullSecrets",
            "topologyKey",
            "sortKey",
        ] {
            assert!(!is_secret_name(name), "{name} should not be secret");
        }
    }

    #[test]
    fn references() {
        for v in [
            "",
            "  ",
            "${DB_PASSWORD}",
            "$(DB_PASSWORD)",
            "$DB_PASSWORD",
            "{{ .Values.password }}",
            "<your-password>",
        ] {
            assert!(is_reference(v), "{v:?}");
        }
        for v in ["hunter2", "$5ecret", "<a><b>", "${A}x"] {
            assert!(!is_reference(v), "{v:?}");
        }
    }

    #[test]
    fn credentials() {
        for (text, what) in [
            ("postgresql://user:pw@db:5432/app", "a URL with a password"),
            ("redis://:pw@redis:6379/0", "a URL with a password"),
            ("app user:pw@tcp(db:3306)/app", "a URL with a password"),
            (
                "-----BEGIN RSA PRIVATE KEY-----\nabc\n-----END RSA PRIVATE KEY-----",
                "a private key",
            ),
            (
                "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJl",
                "a JWT",
            ),
            (
                "Authorization: Bearer abcdef123456",
                "an authorization header",
            ),
            ("sk_live_4eC39HqLyjWDarjtT1zdp7dc", "an access token"),
            (
                "ghp_16C7e42F292c6912E7710c838347Ae178B4a",
                "an access token",
            ),
            (
                "github_pat_11ABCDEFG0123456789_abcdefghij",
                "an access token",
            ),
            (
                "xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy",
                "an access token",
            ),
            ("AKIAIOSFODNN7EXAMPLE", "an access token"),
            ("glpat-xxxxxxxxxxxxxxxxxxxx", "an access token"),
        ] {
            assert_eq!(credential(text), Some(what), "{text}");
        }
        for text in [
            "http://email-service:3001/api/v1",
            "https://user@example.com/x",
            "postgres://user:${DB_PASSWORD}@db/x",
            "https://example.com/a@b",
            "plain",
            "Bearer ${TOKEN}",
            "AKIA",
            "1.2.3",
        ] {
            assert_eq!(credential(text), None, "{text}");
        }
    }

    #[test]
    fn spans_inside_texts() {
        let shown = |text: &str| {
            secret_spans(text)
                .iter()
                .map(|s| text[s.start..s.end].to_string())
                .collect::<Vec<_>>()
        };
        assert_eq!(shown("db.host=pg\ndb.password=hunter2\n"), ["hunter2"]);
        assert_eq!(shown("Server=db;User Id=sa;Password=hunter2;"), ["hunter2"]);
        assert_eq!(shown("host=db user=app password=hunter2"), ["hunter2"]);
        assert_eq!(shown("redis-server --requirepass hunter2"), ["hunter2"]);
        assert_eq!(shown("mysqld --password hunter2 --port 1"), ["hunter2"]);
        assert_eq!(shown("--password=hunter2"), ["hunter2"]);
        assert!(shown("redis-server --requirepass ${REDIS_PASSWORD}").is_empty());
        assert!(shown("--password-file /run/secrets/pw").is_empty());
        assert!(shown("host: db\nport: 5432\n").is_empty());
    }

    #[test]
    fn literals() {
        assert_eq!(
            literal_secret("DB_PASSWORD", "hunter2"),
            Some(Literal::Name)
        );
        assert_eq!(literal_secret("DB_PASSWORD", "${DB_PASSWORD}"), None);
        assert_eq!(literal_secret("DB_PASSWORD", "<placeholder>"), None);
        assert_eq!(literal_secret("TOKEN_TTL", "3600"), None);
        assert_eq!(
            literal_secret("CACHE_URL", "redis://:pw@cache:6379"),
            Some(Literal::Value("a URL with a password"))
        );
        assert_eq!(
            literal_secret("TLS", "-----BEGIN PRIVATE KEY-----\nx"),
            Some(Literal::Value("a private key"))
        );
        assert_eq!(literal_secret("LOG_LEVEL", "debug"), None);
        assert_eq!(
            secret_arguments(&["--password", "hunter2", "--port", "5432"]),
            [(1, "a password argument")]
        );
        assert!(secret_arguments(&["--password", "$(DB_PASSWORD)"]).is_empty());
    }

    #[test]
    fn paths() {
        let secret = serde_json::json!({"apiVersion": "v1", "kind": "Secret",
            "stringData": {"pin": 1234}, "metadata": {"name": "db"}});
        assert!(is_secret_at(&secret, "/stringData/pin"));
        assert!(!is_secret_at(&secret, "/metadata/name"));
        let pod = serde_json::json!({"env": [{"name": "DB_PASSWORD", "value": 1}],
            "args": ["--password", "x"], "url": "redis://:pw@h"});
        assert!(is_secret_at(&pod, "/env/0/value"));
        assert!(!is_secret_at(&pod, "/env/0/name"));
        assert!(is_secret_at(&pod, "/args/1"));
        assert!(!is_secret_at(&pod, "/args/0"));
        assert!(is_secret_at(&pod, "/url"));
        assert!(holds_secret_at(&secret, ""));
        assert!(is_secret_path("/env/DB_PASSWORD"));
        assert!(!is_secret_path("/env/LOG_LEVEL"));
        assert!(holds_secret_at(&pod, "/env"));
        assert!(!holds_secret_at(&secret, "/metadata"));
    }

    #[test]
    fn echoed_lines() {
        assert!(line_holds_secret("  password: hunter2"));
        assert!(line_holds_secret("    - DB_PASSWORD=hunter2"));
        assert!(line_holds_secret("  url: postgres://u:p@h/db"));
        assert!(!line_holds_secret("  password: ${DB_PASSWORD}"));
        assert!(!line_holds_secret("  name: DB_PASSWORD"));
        assert!(!line_holds_secret("  replicas: three"));
    }
}
