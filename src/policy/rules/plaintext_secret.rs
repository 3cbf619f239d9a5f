//! SS601 plaintext-secret.

use serde_json::Value;

use super::{all_containers, container_label};
use crate::policy::model::compose_environment;
use crate::policy::{Hits, ObjectSet, Rule, RuleMeta, declare_rule};
use crate::secrets::{is_reference, is_secret_name as secret_name, url_with_password};

declare_rule! {
    /// Secret values must not be written in manifests.
    ///
    /// ## What it checks
    ///
    /// - a Secret object with values in `data` or `stringData` (base64 is an encoding, not
    ///   encryption);
    /// - a container `env` entry with a literal `value` whose name looks secret (`PASSWORD`,
    ///   `SECRET`, `TOKEN`, `API_KEY`, `PRIVATE_KEY`, `ACCESS_KEY`, `CREDENTIAL`), or any
    ///   value holding a URL with a password (`postgres://user:pass@host`);
    /// - the same in a Compose service's `environment:` (values from `${VARIABLES}` are
    ///   fine).
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

fn literal_secret(name: &str, value: &str) -> Option<&'static str> {
    let value = value.trim();
    if value.is_empty() || is_reference(value) {
        return None;
    }
    if url_with_password(value) {
        return Some("holds a URL with a password");
    }
    secret_name(name).then_some("holds a literal secret")
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
        for (w, c) in all_containers(set) {
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
                if let Some(what) = literal_secret(name, value) {
                    out.at_value(
                        w.doc,
                        c.at(&format!("/env/{j}/value")),
                        format!("env `{name}` of {} {what}", container_label(c)),
                        "use `valueFrom.secretKeyRef` to a Secret that is created outside the repository",
                    )
                    .spec("secrets");
                }
            }
        }
        for s in &set.compose {
            for (name, value, pointer) in compose_environment(s) {
                if let Some(value) = value
                    && let Some(what) = literal_secret(&name, &value)
                {
                    out.at_value(
                        s.doc,
                        pointer,
                        format!("environment `{name}` of service `{}` {what}", s.name),
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
    fn secret_looking_values() {
        assert!(secret_name("POSTGRES_PASSWORD"));
        assert!(secret_name("jwt_secret_key"));
        assert!(!secret_name("PASSWORD_FILE"));
        assert!(!secret_name("LOG_LEVEL"));
        assert!(url_with_password(
            "postgresql://postgres:postgres@db:5432/janua"
        ));
        assert!(!url_with_password("redis://redis:6379/0"));
        assert!(!url_with_password("postgres://user:${DB_PASSWORD}@db/x"));
        assert!(!url_with_password("https://example.com/a@b"));
        assert_eq!(literal_secret("DB_PASSWORD", "${DB_PASSWORD}"), None);
    }
}
