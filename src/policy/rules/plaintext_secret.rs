//! SS601 plaintext-secret.

use serde_json::Value;

use super::{all_containers, container_label};
use crate::policy::model::compose_environment;
use crate::policy::{Hits, ObjectSet, Rule, RuleMeta, declare_rule};
use crate::secrets::{Literal, literal_secret, secret_arguments};

declare_rule! {
    /// Secret values must not be written in manifests.
    ///
    /// ## What it checks
    ///
    /// - a Secret object with values in `data` or `stringData` (base64 is an encoding, not
    ///   encryption);
    /// - a container `env` entry with a literal `value` whose name looks secret (`PASSWORD`,
    ///   `PASS`, `PWD`, `SECRET`, `TOKEN`, `API_KEY`, `PRIVATE_KEY`, `SIGNING_KEY`,
    ///   `CREDENTIAL`, `DSN`, ...), or any value that carries a credential itself: a URL with
    ///   a password (`postgres://user:pass@host`), a PEM private key, a JWT, a `Bearer`
    ///   token, a well-known token (`ghp_...`, `sk_live_...`, `AKIA...`), or a
    ///   `password=...` inside a connection string;
    /// - a container's `command` and `args` with a password flag and its value
    ///   (`--requirepass x`, `--password=x`) or a credential;
    /// - annotations (of any object and of pod templates) that hold a secret the same way;
    /// - the same in a Compose service's `environment:`, `command` and `entrypoint`.
    ///
    /// References are fine: `valueFrom.secretKeyRef`, `$(VAR)` in arguments, `${VARIABLE}`
    /// in Compose, `<placeholder>` and empty values.
    ///
    /// Findings name the keys, never the values.
    ///
    /// ## Why it matters
    ///
    /// Whatever is committed is readable by everyone with access to the repository, its
    /// forks and CI logs, forever: rotating the secret is the only fix.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// kind: Secret
    /// stringData:
    ///   JWT_SECRET: "super-secret-jwt-key"
    /// ```
    ///
    /// ## Fix
    ///
    /// Reference secrets that live outside the repository: `valueFrom.secretKeyRef` or
    /// `envFrom.secretRef` to a Secret created by an external store (External Secrets,
    /// Sealed Secrets, Vault), and `${VARIABLE}` or `secrets:` in Compose.
    pub struct PlaintextSecret {
        code: "SS601",
        name: "plaintext-secret",
        severity: Error,
        targets: [Kubernetes, Compose],
        enabled_by_default: true,
    }
}

/// What a literal secret holds, in a finding's words.
fn what(literal: Literal) -> String {
    match literal {
        Literal::Name => "holds a literal secret".into(),
        Literal::Value(what) => format!("holds {what}"),
    }
}

/// The secrets in the command line under `field` (a list of arguments, or one string in
/// Compose): the pointer of each below its container or service (`/args/1`), and what it
/// holds.
fn command_secrets(field: &str, value: &Value) -> Vec<(String, &'static str)> {
    match value {
        Value::Array(items) => {
            let args: Vec<&str> = items.iter().map(|v| v.as_str().unwrap_or("")).collect();
            secret_arguments(&args)
                .into_iter()
                .map(|(i, what)| (format!("/{field}/{i}"), what))
                .collect()
        }
        Value::String(line) => secret_arguments(&[line])
            .into_iter()
            .map(|(_, what)| (format!("/{field}"), what))
            .collect(),
        _ => Vec::new(),
    }
}

/// The annotation maps of the objects: each document's own `metadata.annotations`, and its
/// pod template's for workloads, as `(document, pointer)`.
fn annotation_maps(set: &ObjectSet<'_>) -> Vec<(usize, String)> {
    let mut out: Vec<(usize, String)> = (0..set.docs.len())
        .map(|i| (i, "/metadata/annotations".to_string()))
        .collect();
    for w in &set.workloads {
        let labels = w.kind.labels_pointer();
        let template = labels.trim_end_matches("labels").to_string() + "annotations";
        if template != "/metadata/annotations" {
            out.push((w.doc, template));
        }
    }
    out
}

impl Rule for PlaintextSecret {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, set: &ObjectSet<'_>, out: &mut Hits) {
        for (i, doc) in set.of_kind("Secret") {
            for field in ["stringData", "data"] {
                let Some(map) = doc.value.get(field).and_then(Value::as_object) else {
                    continue;
                };
                if map.is_empty() {
                    continue;
                }
                let keys: Vec<&str> = map.keys().map(String::as_str).collect();
                out.at_key(
                    i,
                    format!("/{field}"),
                    format!(
                        "Secret {} holds {} literal value{} in `{field}` ({}): anyone who can read the manifest can read them",
                        doc.name().unwrap_or("?"),
                        keys.len(),
                        if keys.len() == 1 { "" } else { "s" },
                        keys.join(", ")
                    ),
                    "keep secret values out of the repository: create the Secret from an external store (External Secrets, Sealed Secrets, Vault) and reference it by name",
                )
                .spec("secrets");
            }
        }
        for (i, pointer) in annotation_maps(set) {
            let doc = &set.docs[i];
            let Some(map) = doc.value.pointer(&pointer).and_then(Value::as_object) else {
                continue;
            };
            for (name, value) in map {
                let Some(found) = value.as_str().and_then(|v| literal_secret(name, v)) else {
                    continue;
                };
                out.at_value(
                    i,
                    format!("{pointer}/{}", crate::manifest::yaml::escape_token(name)),
                    format!(
                        "annotation `{name}` of {} {}",
                        doc.name().map_or("the object".to_string(), |n| format!("`{n}`")),
                        what(found)
                    ),
                    "keep secrets out of annotations: put them in a Secret that is created outside the repository",
                )
                .spec("secrets");
            }
        }
        for (w, c) in all_containers(set) {
            for field in ["command", "args"] {
                let Some(line) = c.get(field) else { continue };
                for (sub, what) in command_secrets(field, line) {
                    out.at_value(
                        w.doc,
                        c.at(&sub),
                        format!("`{field}` of {} holds {what}", container_label(c)),
                        "pass it from a Secret: an env var with `valueFrom.secretKeyRef`, referenced in the argument as `$(NAME)`",
                    )
                    .spec("secrets");
                }
            }
            let Some(env) = c.get("env").and_then(Value::as_array) else {
                continue;
            };
            for (j, e) in env.iter().enumerate() {
                let (Some(name), Some(value)) = (
                    e.get("name").and_then(Value::as_str),
                    e.get("value").and_then(Value::as_str),
                ) else {
                    continue;
                };
                if let Some(found) = literal_secret(name, value) {
                    out.at_value(
                        w.doc,
                        c.at(&format!("/env/{j}/value")),
                        format!("env `{name}` of {} {}", container_label(c), what(found)),
                        "use `valueFrom.secretKeyRef` to a Secret that is created outside the repository",
                    )
                    .spec("secrets");
                }
            }
        }
        for s in &set.compose {
            for field in ["command", "entrypoint"] {
                let Some(line) = s.get(field) else { continue };
                for (sub, what) in command_secrets(field, line) {
                    out.at_value(
                        s.doc,
                        s.at(&sub),
                        format!("`{field}` of service `{}` holds {what}", s.name),
                        "pass it from the shell or an untracked env file (`${VARIABLE}`), or use Compose `secrets:`",
                    )
                    .spec("secrets")
                    .service(s.name);
                }
            }
            for (name, value, pointer) in compose_environment(s) {
                if let Some(value) = value
                    && let Some(found) = literal_secret(&name, &value)
                {
                    out.at_value(
                        s.doc,
                        pointer,
                        format!("environment `{name}` of service `{}` {}", s.name, what(found)),
                        "pass it from the shell or an untracked env file (`${VARIABLE}`), or use Compose `secrets:`",
                    )
                    .spec("secrets")
                    .service(s.name);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands() {
        let args = serde_json::json!(["redis-server", "--requirepass", "hunter2"]);
        assert_eq!(
            command_secrets("args", &args),
            [("/args/2".to_string(), "a password argument")]
        );
        let line = serde_json::json!("redis-server --requirepass hunter2");
        assert_eq!(
            command_secrets("command", &line),
            [("/command".to_string(), "a password argument")]
        );
        let fine = serde_json::json!(["redis-server", "--requirepass", "$(REDIS_PASSWORD)"]);
        assert!(command_secrets("args", &fine).is_empty());
    }
}
