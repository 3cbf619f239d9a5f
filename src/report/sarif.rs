//! The SARIF format: SARIF 2.1.0 as GitHub code scanning accepts it.
//!
//! One run; `tool.driver` names shipshape with its version and lists a rule for every code
//! that appears (documented ones with short and full descriptions, help text and Markdown,
//! and the default level). Each finding is a result with `ruleId`, `ruleIndex`, `level`
//! (`error`, `warning`, `note`), its message, a physical location (relative URI with
//! forward slashes, start line and column) and the object as a logical location. Exempted
//! findings carry a `suppressions` entry with the exemption's reason as justification.
//!
//! GitHub rejects a whole upload when one result lacks a file. A finding without a location
//! is therefore reported at the start of its object's resource when the report lists it,
//! and otherwise as a `toolExecutionNotifications` entry of the run's invocation.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use super::{Finding, Location, Render, RenderOptions, Report, RuleDoc, Severity};

/// The SARIF schema the output declares.
pub const SARIF_SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// Where users learn about the tool (`tool.driver.informationUri`): the package's
/// repository when Cargo.toml names one.
pub const INFORMATION_URI: &str = if env!("CARGO_PKG_REPOSITORY").is_empty() {
    "https://shipshape.dev"
} else {
    env!("CARGO_PKG_REPOSITORY")
};

/// The SARIF renderer.
#[derive(Debug, Clone, Copy, Default)]
pub struct Sarif;

impl Render for Sarif {
    fn render(&self, report: &Report, _options: &RenderOptions) -> String {
        let mut text = serde_json::to_string_pretty(&to_value(report))
            .expect("a JSON value always serializes");
        text.push('\n');
        text
    }
}

/// The report as a SARIF log.
pub fn to_value(report: &Report) -> Value {
    // Every code that appears, with its documentation when the report has it; sorted by
    // code so that `ruleIndex` is stable.
    let mut rules: BTreeMap<&str, (&str, Option<&RuleDoc>)> = BTreeMap::new();
    for doc in &report.rules {
        rules.insert(&doc.rule.code, (&doc.rule.name, Some(doc)));
    }
    for f in &report.findings {
        rules.entry(&f.rule.code).or_insert((&f.rule.name, None));
    }
    let index: BTreeMap<&str, usize> = rules.keys().enumerate().map(|(i, c)| (*c, i)).collect();
    let rules: Vec<Value> = rules
        .iter()
        .map(|(code, (name, doc))| rule(code, name, *doc))
        .collect();
    // GitHub rejects a whole upload when one result has no file, so findings that cannot be
    // placed in a file become notifications of the run instead of results.
    let mut results = Vec::new();
    let mut notifications = Vec::new();
    for f in &report.findings {
        let rule_index = index[f.rule.code.as_str()];
        match place(report, f) {
            Some(location) => results.push(result(f, rule_index, location)),
            None => notifications.push(json!({
                "level": level(f.severity),
                "message": { "text": message_text(f) },
                "descriptor": { "id": f.rule.code, "index": rule_index },
            })),
        }
    }
    let mut invocation = Map::new();
    invocation.insert("executionSuccessful".into(), json!(true));
    if !notifications.is_empty() {
        invocation.insert(
            "toolExecutionNotifications".into(),
            Value::Array(notifications),
        );
    }
    json!({
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "shipshape",
                    "version": env!("CARGO_PKG_VERSION"),
                    "semanticVersion": env!("CARGO_PKG_VERSION"),
                    "informationUri": INFORMATION_URI,
                    "rules": rules,
                }
            },
            "invocations": [invocation],
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    })
}

/// A `reportingDescriptor` for one rule.
fn rule(code: &str, name: &str, doc: Option<&RuleDoc>) -> Value {
    let mut rule = Map::new();
    rule.insert("id".into(), json!(code));
    rule.insert("name".into(), json!(name));
    match doc {
        Some(doc) => {
            rule.insert("shortDescription".into(), json!({ "text": doc.summary }));
            rule.insert(
                "fullDescription".into(),
                json!({ "text": full_description(doc) }),
            );
            rule.insert(
                "help".into(),
                json!({ "text": doc.doc, "markdown": doc.doc }),
            );
            rule.insert(
                "defaultConfiguration".into(),
                json!({ "level": level(doc.severity) }),
            );
        }
        None => {
            rule.insert("shortDescription".into(), json!({ "text": name }));
        }
    }
    Value::Object(rule)
}

/// The first paragraph of the documentation that is not a heading, else the summary.
fn full_description(doc: &RuleDoc) -> String {
    doc.doc
        .split("\n\n")
        .map(str::trim)
        .find(|p| !p.is_empty() && !p.starts_with('#'))
        .map(|p| p.lines().map(str::trim).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|| doc.summary.clone())
}

/// SARIF's level for a severity.
fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// Where a finding is reported: its own location, else the start of its object's resource.
fn place<'a>(report: &'a Report, f: &'a Finding) -> Option<&'a Location> {
    f.location.as_ref().or_else(|| {
        let object = f.object.as_ref()?;
        report
            .resources
            .iter()
            .find(|r| &r.object == object)
            .map(|r| &r.location)
    })
}

/// The message with the help and spec hints as further paragraphs.
fn message_text(f: &Finding) -> String {
    let mut text = f.message.clone();
    if let Some(help) = &f.help {
        text.push_str("\n\nhelp: ");
        text.push_str(help);
    }
    if let Some(spec) = &f.spec_hint {
        text.push_str("\n\nspec: ");
        text.push_str(spec);
    }
    text
}

/// A `result` for one finding, reported at `loc`.
fn result(f: &Finding, rule_index: usize, loc: &Location) -> Value {
    let mut result = Map::new();
    result.insert("ruleId".into(), json!(f.rule.code));
    result.insert("ruleIndex".into(), json!(rule_index));
    result.insert("level".into(), json!(level(f.severity)));
    result.insert("message".into(), json!({ "text": message_text(f) }));

    let mut location = Map::new();
    location.insert(
        "physicalLocation".into(),
        json!({
            "artifactLocation": { "uri": artifact_uri(&loc.file) },
            "region": { "startLine": loc.line, "startColumn": loc.col },
        }),
    );
    if let Some(object) = &f.object {
        location.insert(
            "logicalLocations".into(),
            json!([{ "fullyQualifiedName": object, "kind": "object" }]),
        );
    }
    result.insert("locations".into(), json!([location]));
    if !f.related.is_empty() {
        let related: Vec<Value> = f
            .related
            .iter()
            .enumerate()
            .map(|(i, r)| {
                json!({
                    "id": i + 1,
                    "physicalLocation": {
                        "artifactLocation": { "uri": artifact_uri(&r.location.file) },
                        "region": { "startLine": r.location.line, "startColumn": r.location.col },
                    },
                    "message": { "text": r.description() },
                })
            })
            .collect();
        result.insert("relatedLocations".into(), Value::Array(related));
    }
    if let Some(ex) = &f.exempted {
        let mut justification = ex.reason.clone();
        if let Some(expires) = &ex.expires {
            justification.push_str(&format!(" (until {expires})"));
        }
        result.insert(
            "suppressions".into(),
            json!([{
                "kind": "external",
                "status": "accepted",
                "justification": justification,
                "properties": { "source": ex.source },
            }]),
        );
    }
    Value::Object(result)
}

/// A file path as a SARIF artifact URI: relative to the working folder when it lies in it,
/// forward slashes, no leading `./`, characters outside the URI grammar percent-encoded.
/// A path outside the working folder becomes a `file://` URI.
pub fn artifact_uri(file: &str) -> String {
    let mut path = file.replace('\\', "/");
    let absolute = path.starts_with('/') || has_drive(&path);
    if absolute {
        if let Ok(cwd) = std::env::current_dir() {
            let cwd = cwd.display().to_string().replace('\\', "/");
            let cwd = cwd.trim_end_matches('/');
            if let Some(rest) = path.strip_prefix(cwd).and_then(|r| r.strip_prefix('/')) {
                path = rest.to_string();
            }
        }
    }
    while let Some(rest) = path.strip_prefix("./") {
        path = rest.to_string();
    }
    if path.starts_with('/') {
        format!("file://{}", percent_encode(&path, true))
    } else if has_drive(&path) {
        format!("file:///{}", percent_encode(&path, true))
    } else {
        // In a relative reference a `:` would read as a scheme: encode it.
        percent_encode(&path, false)
    }
}

/// Whether a path starts with a Windows drive (`C:/`).
fn has_drive(path: &str) -> bool {
    let b = path.as_bytes();
    b.len() >= 3 && b[0].is_ascii_alphabetic() && b[1] == b':' && b[2] == b'/'
}

/// Percent-encodes every byte that is not unreserved, a sub-delimiter, `/`, `@`, or (when
/// `colon`) `:`.
fn percent_encode(s: &str, colon: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        let keep =
            b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=/@".contains(&b) || (colon && b == b':');
        if keep {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_relative_with_forward_slashes() {
        assert_eq!(artifact_uri("./k8s/deploy.yaml"), "k8s/deploy.yaml");
        assert_eq!(artifact_uri("k8s\\deploy.yaml"), "k8s/deploy.yaml");
        assert_eq!(artifact_uri("my dir/a#1.yaml"), "my%20dir/a%231.yaml");
        assert_eq!(artifact_uri("a:1.yaml"), "a%3A1.yaml");
        assert_eq!(artifact_uri("C:\\k8s\\a.yaml"), "file:///C:/k8s/a.yaml");
        assert_eq!(
            artifact_uri("/elsewhere/a.yaml"),
            "file:///elsewhere/a.yaml"
        );
        let cwd = std::env::current_dir().unwrap();
        let inside = cwd.join("sub/a.yaml");
        assert_eq!(artifact_uri(&inside.display().to_string()), "sub/a.yaml");
    }
}
