//! SS002 ambiguous-scalar.

use serde_json::Value;

use crate::manifest::yaml::unescape_token;
use crate::policy::{Hits, ObjectSet, Rule, RuleMeta, declare_rule};

declare_rule! {
    /// Plain values whose meaning depends on the YAML version of the reader.
    ///
    /// ## What it checks
    ///
    /// An unquoted value that the consumer's YAML 1.1 reader (kubectl's `sigs.k8s.io/yaml`
    /// for manifests, docker-compose's PyYAML for Compose files) reads differently than a
    /// YAML 1.2 reader does: `yes`, `no`, `on`, `off`, `y`, `n` (booleans), `010` (octal 8),
    /// `0b101`, `1_000` (numbers).
    ///
    /// ## Why it matters
    ///
    /// Editors, linters and templating tools that read YAML 1.2 see the text `yes` or the
    /// number 10 where the cluster sees `true` or 8: `privileged: yes` is a privileged pod,
    /// `replicas: 010` runs eight replicas, and a label `enabled: yes` is a boolean the API
    /// server refuses.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// metadata:
    ///   labels:
    ///     enabled: yes
    /// spec:
    ///   replicas: 010
    /// ```
    ///
    /// ## Fix
    ///
    /// Write what the reader reads (`true`, `8`), or quote the value when it is text
    /// (`enabled: "yes"`).
    pub struct AmbiguousScalar {
        code: "SS002",
        name: "ambiguous-scalar",
        severity: Warning,
        targets: [Kubernetes, Compose],
        enabled_by_default: true,
    }
}

/// Fields whose values are text: a boolean or a number read there is a mistake.
fn holds_text(pointer: &str) -> bool {
    let tokens: Vec<&str> = pointer.split('/').collect();
    let parent = tokens.len().checked_sub(2).map(|i| tokens[i]);
    matches!(
        parent,
        Some("labels" | "annotations" | "data" | "stringData" | "environment" | "nodeSelector")
    ) || (tokens.last() == Some(&"value") && tokens.contains(&"env"))
}

fn shown(value: &Value) -> String {
    match value {
        Value::Bool(b) => format!("boolean {b}"),
        Value::Null => "null".into(),
        Value::String(s) => format!("the text \"{s}\""),
        other => other.to_string(),
    }
}

impl Rule for AmbiguousScalar {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, set: &ObjectSet<'_>, out: &mut Hits) {
        for (doc, document) in set.docs.iter().enumerate() {
            let base = set.bases.get(doc).map_or("", String::as_str);
            for found in document.ambiguous_scalars() {
                let Some(pointer) = found.pointer.strip_prefix(base) else {
                    continue;
                };
                let key = pointer.rsplit('/').next().map(unescape_token);
                let written = match &key {
                    Some(key) if !found.is_key && key.parse::<usize>().is_err() => {
                        format!("{key}: {}", found.text)
                    }
                    _ => found.text.clone(),
                };
                if found.is_key {
                    out.at_key(
                        doc,
                        pointer,
                        format!("key `{written}` reads as `{}`", shown(&found.value)),
                        format!("quote the key (`\"{}\"`)", found.text),
                    );
                } else if holds_text(pointer) {
                    out.at_value(
                        doc,
                        pointer,
                        format!("`{written}` reads as {}; quote it", shown(&found.value)),
                        format!("write `\"{}\"`", found.text),
                    );
                } else {
                    let canonical = match &found.value {
                        Value::String(s) => format!("\"{s}\""),
                        other => other.to_string(),
                    };
                    out.at_value(
                        doc,
                        pointer,
                        format!(
                            "`{written}` reads as {}: write `{canonical}`",
                            shown(&found.value)
                        ),
                        format!(
                            "write `{canonical}`, or quote the value (`\"{}\"`) if it is text",
                            found.text
                        ),
                    );
                }
            }
        }
    }
}
