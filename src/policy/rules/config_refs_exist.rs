//! SS603 config-refs-exist.

use serde_json::Value;

use super::{all_containers, is_true};
use crate::policy::model::{Container, Workload};
use crate::policy::{Hits, ObjectSet, Rule, RuleMeta, declare_rule};

declare_rule! {
    /// ConfigMaps and Secrets that pods use must exist.
    ///
    /// ## What it checks
    ///
    /// Every ConfigMap and Secret named by `env[].valueFrom` (`configMapKeyRef`,
    /// `secretKeyRef`), `envFrom` (`configMapRef`, `secretRef`) and volumes (`configMap`,
    /// `secret`, `projected`) must be in the same set of manifests (the environment, or the
    /// files given to one `lint` call), unless it is declared external (the environment's
    /// external secrets and configs, or `lint --external NAME`) or the reference is
    /// `optional: true`. A `configMapKeyRef`/`secretKeyRef` key must exist in the object.
    /// When `lint` is given no object at all of the referenced kind, the references are
    /// assumed to point elsewhere and are not checked.
    ///
    /// ## Why it matters
    ///
    /// A pod that references a missing ConfigMap or Secret never starts
    /// (`CreateContainerConfigError`), and the error only shows after the rollout began.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// envFrom:
    ///   - configMapRef:
    ///       name: api-confg   # the ConfigMap is called api-config
    /// ```
    ///
    /// ## Fix
    ///
    /// Correct the name, add the object, or declare it external when another system
    /// creates it.
    pub struct ConfigRefsExist {
        code: "SS603",
        name: "config-refs-exist",
        severity: Error,
        targets: [Kubernetes],
        enabled_by_default: true,
    }
}

/// One reference: kind, name, optional key, pointer of the name, whether optional.
struct Ref<'a> {
    kind: &'static str,
    name: &'a str,
    key: Option<(&'a str, String)>,
    pointer: String,
    optional: bool,
}

fn container_refs<'a>(c: &Container<'a>, out: &mut Vec<Ref<'a>>) {
    if let Some(env) = c.get("env").and_then(Value::as_array) {
        for (j, e) in env.iter().enumerate() {
            for (field, kind) in [("configMapKeyRef", "ConfigMap"), ("secretKeyRef", "Secret")] {
                let Some(r) = e.get("valueFrom").and_then(|v| v.get(field)) else {
                    continue;
                };
                let Some(name) = r.get("name").and_then(Value::as_str) else {
                    continue;
                };
                out.push(Ref {
                    kind,
                    name,
                    key: r
                        .get("key")
                        .and_then(Value::as_str)
                        .map(|k| (k, c.at(&format!("/env/{j}/valueFrom/{field}/key")))),
                    pointer: c.at(&format!("/env/{j}/valueFrom/{field}/name")),
                    optional: is_true(r.get("optional")),
                });
            }
        }
    }
    if let Some(env_from) = c.get("envFrom").and_then(Value::as_array) {
        for (j, e) in env_from.iter().enumerate() {
            for (field, kind) in [("configMapRef", "ConfigMap"), ("secretRef", "Secret")] {
                let Some(r) = e.get(field) else { continue };
                let Some(name) = r.get("name").and_then(Value::as_str) else {
                    continue;
                };
                out.push(Ref {
                    kind,
                    name,
                    key: None,
                    pointer: c.at(&format!("/envFrom/{j}/{field}/name")),
                    optional: is_true(r.get("optional")),
                });
            }
        }
    }
}

fn volume_refs<'a>(w: &Workload<'a>, out: &mut Vec<Ref<'a>>) {
    let Some(volumes) = w.pod.get("volumes").and_then(Value::as_array) else {
        return;
    };
    for (i, v) in volumes.iter().enumerate() {
        let base = w.pod_at(&format!("/volumes/{i}"));
        let mut push = |r: &'a Value, kind: &'static str, name_field: &str, pointer: String| {
            if let Some(name) = r.get(name_field).and_then(Value::as_str) {
                out.push(Ref {
                    kind,
                    name,
                    key: None,
                    pointer,
                    optional: is_true(r.get("optional")),
                });
            }
        };
        if let Some(r) = v.get("configMap") {
            push(r, "ConfigMap", "name", format!("{base}/configMap/name"));
        }
        if let Some(r) = v.get("secret") {
            push(
                r,
                "Secret",
                "secretName",
                format!("{base}/secret/secretName"),
            );
        }
        if let Some(sources) = v.pointer("/projected/sources").and_then(Value::as_array) {
            for (k, s) in sources.iter().enumerate() {
                if let Some(r) = s.get("configMap") {
                    push(
                        r,
                        "ConfigMap",
                        "name",
                        format!("{base}/projected/sources/{k}/configMap/name"),
                    );
                }
                if let Some(r) = s.get("secret") {
                    push(
                        r,
                        "Secret",
                        "name",
                        format!("{base}/projected/sources/{k}/secret/name"),
                    );
                }
            }
        }
    }
}

impl Rule for ConfigRefsExist {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn cross_resource(&self) -> bool {
        true
    }

    fn check(&self, set: &ObjectSet<'_>, out: &mut Hits) {
        let mut refs: Vec<(usize, Option<&str>, Ref<'_>)> = Vec::new();
        for (w, c) in all_containers(set) {
            let mut found = Vec::new();
            container_refs(c, &mut found);
            refs.extend(found.into_iter().map(|r| (w.doc, w.namespace, r)));
        }
        for w in &set.workloads {
            let mut found = Vec::new();
            volume_refs(w, &mut found);
            refs.extend(found.into_iter().map(|r| (w.doc, w.namespace, r)));
        }
        for (doc, namespace, r) in refs {
            if r.optional || set.cx.external.contains(r.name) || !set.can_resolve(r.kind) {
                continue;
            }
            let spec = if r.kind == "Secret" {
                "secrets"
            } else {
                "config"
            };
            match set.find(r.kind, namespace, r.name) {
                None => {
                    out.at_value(
                        doc,
                        r.pointer,
                        format!("{} `{}` does not exist{}", r.kind, r.name, namespace.map(|n| format!(" in namespace `{n}`")).unwrap_or_default()),
                        format!("correct the name, add the {}, or declare it external if another system creates it", r.kind),
                    )
                    .spec(spec);
                }
                Some((_, object)) => {
                    let Some((key, pointer)) = r.key else {
                        continue;
                    };
                    let has = ["data", "stringData", "binaryData"]
                        .iter()
                        .any(|f| object.value.get(*f).and_then(|d| d.get(key)).is_some());
                    if !has {
                        out.at_value(
                            doc,
                            pointer,
                            format!("{} `{}` has no key `{key}`", r.kind, r.name),
                            format!(
                                "use one of the keys of {} `{}` or add `{key}` to it",
                                r.kind, r.name
                            ),
                        )
                        .spec(spec);
                    }
                }
            }
        }
    }
}
