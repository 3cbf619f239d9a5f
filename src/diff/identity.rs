//! An environment's identity in its rendered objects, folded out of environment-vs-environment
//! diffs.
//!
//! Two environments of one app differ in their namespace and in the value of the
//! `app.kubernetes.io/instance` label (`<app>-<env>`) on every object and selector. Listed per
//! object, those changes bury the differences a reviewer is looking for (replicas, resources,
//! configuration). When both sides have one namespace and one instance value, the old side is
//! rewritten to the new identity at exactly those places (`metadata.namespace`, the
//! `Namespace` object, and instance label values in any map), and the diff names the change
//! once. Other mentions of the namespace (a host name, a `namespaceSelector`) are real
//! differences and stay.

use std::collections::BTreeSet;
use std::fmt;

use serde::Serialize;
use serde_json::Value;

use super::Target;
use super::objects::Object;

/// The label that names an app's instance (`<app>-<env>`).
pub const INSTANCE_LABEL: &str = "app.kubernetes.io/instance";

/// The label that names the version of an app; a release changes it on every object.
pub const VERSION_LABEL: &str = "app.kubernetes.io/version";

/// Which part of the identity changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Part {
    /// The namespace of every namespaced object.
    Namespace,
    /// The `app.kubernetes.io/instance` label value.
    Instance,
    /// The `app.kubernetes.io/version` label value, changed on every object of a file.
    Version,
}

impl Part {
    /// How the part is named in output.
    pub fn label(self) -> &'static str {
        match self {
            Part::Namespace => "namespace",
            Part::Instance => "instance label",
            Part::Version => VERSION_LABEL,
        }
    }
}

/// One part of the identity, old and new.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// What changed.
    pub part: Part,
    /// Its value in the old environment.
    pub old: String,
    /// Its value in the new environment.
    pub new: String,
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} -> {}", self.part.label(), self.old, self.new)
    }
}

/// The identity changes between two environments, from their Kubernetes objects: a part is
/// named only when each side has exactly one value for it and the two differ.
pub fn changes(old: &[Object], new: &[Object]) -> Vec<Change> {
    let mut out = Vec::new();
    if let (Some(o), Some(n)) = (only(namespaces(old)), only(namespaces(new)))
        && o != n
    {
        out.push(Change {
            part: Part::Namespace,
            old: o,
            new: n,
        });
    }
    if let (Some(o), Some(n)) = (
        only(label_values(old, INSTANCE_LABEL)),
        only(label_values(new, INSTANCE_LABEL)),
    ) && o != n
    {
        out.push(Change {
            part: Part::Instance,
            old: o,
            new: n,
        });
    }
    out
}

/// The version label change of a file: named when the Kubernetes objects carrying
/// `app.kubernetes.io/version` have one value on each side and the two differ (a release that
/// changes the version of everything). Objects without the label (a `Namespace`) do not
/// count.
pub fn version_change(old: &[Object], new: &[Object]) -> Option<Change> {
    let (o, n) = (
        only(label_values(old, VERSION_LABEL))?,
        only(label_values(new, VERSION_LABEL))?,
    );
    (o != n).then_some(Change {
        part: Part::Version,
        old: o,
        new: n,
    })
}

/// Rewrites `objects` (the old side) to the new identity; returns the changes that applied
/// to at least one of them.
pub fn apply(objects: &mut [Object], changes: &[Change]) -> Vec<Change> {
    let mut applied = BTreeSet::new();
    for object in objects.iter_mut() {
        for (i, change) in changes.iter().enumerate() {
            let hit = match change.part {
                Part::Namespace => rename_namespace(object, &change.old, &change.new),
                Part::Instance => {
                    replace_label(&mut object.value, INSTANCE_LABEL, &change.old, &change.new)
                }
                Part::Version => {
                    object.target == Target::Kubernetes
                        && replace_label(&mut object.value, VERSION_LABEL, &change.old, &change.new)
                }
            };
            if hit {
                applied.insert(i);
            }
        }
    }
    applied.into_iter().map(|i| changes[i].clone()).collect()
}

fn only(values: BTreeSet<String>) -> Option<String> {
    if values.len() == 1 {
        values.into_iter().next()
    } else {
        None
    }
}

fn is_namespace_object(object: &Object) -> bool {
    object.target == Target::Kubernetes
        && object.id.kind == "Namespace"
        && object.id.group.is_empty()
}

/// The namespaces of the namespaced Kubernetes objects and the names of `Namespace` objects.
fn namespaces(objects: &[Object]) -> BTreeSet<String> {
    objects
        .iter()
        .filter(|o| o.target == Target::Kubernetes)
        .filter_map(|o| {
            if is_namespace_object(o) {
                Some(o.id.name.clone())
            } else {
                o.id.namespace.clone()
            }
        })
        .collect()
}

/// The values of a label on the Kubernetes objects.
fn label_values(objects: &[Object], label: &str) -> BTreeSet<String> {
    objects
        .iter()
        .filter(|o| o.target == Target::Kubernetes)
        .filter_map(|o| {
            o.value
                .pointer("/metadata/labels")?
                .get(label)?
                .as_str()
                .map(str::to_string)
        })
        .collect()
}

/// Moves a Kubernetes object from namespace `old` to `new` (a `Namespace` object is renamed,
/// with its `kubernetes.io/metadata.name` label).
fn rename_namespace(object: &mut Object, old: &str, new: &str) -> bool {
    if object.target != Target::Kubernetes {
        return false;
    }
    let mut hit = false;
    if is_namespace_object(object) {
        if object.id.name == old {
            object.id.name = new.to_string();
            hit |= set_if(object.value.pointer_mut("/metadata/name"), old, new);
            hit |= set_if(
                object
                    .value
                    .pointer_mut("/metadata/labels/kubernetes.io~1metadata.name"),
                old,
                new,
            );
        }
        return hit;
    }
    if object.id.namespace.as_deref() == Some(old) {
        object.id.namespace = Some(new.to_string());
        hit |= set_if(object.value.pointer_mut("/metadata/namespace"), old, new);
    }
    hit
}

/// Sets every `<label>: old` in any map of the value to `new`.
fn replace_label(value: &mut Value, label: &str, old: &str, new: &str) -> bool {
    match value {
        Value::Object(map) => {
            let mut hit = false;
            for (key, v) in map.iter_mut() {
                if key == label {
                    hit |= set_if(Some(v), old, new);
                } else {
                    hit |= replace_label(v, label, old, new);
                }
            }
            hit
        }
        Value::Array(items) => items
            .iter_mut()
            .fold(false, |hit, v| replace_label(v, label, old, new) | hit),
        _ => false,
    }
}

fn set_if(value: Option<&mut Value>, old: &str, new: &str) -> bool {
    match value {
        Some(v) if v.as_str() == Some(old) => {
            *v = Value::String(new.to_string());
            true
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::objects::from_text;

    const PRODUCTION: &str = "apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels:
    kubernetes.io/metadata.name: shop
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
  labels: {app.kubernetes.io/instance: web-production, app.kubernetes.io/part-of: shop}
spec:
  selector:
    matchLabels: {app.kubernetes.io/instance: web-production}
  replicas: 3
";

    fn objects(text: &str) -> Vec<Object> {
        from_text("k.yaml", text, Target::Kubernetes).unwrap()
    }

    #[test]
    fn the_old_side_takes_the_new_identity_at_identity_places_only() {
        let staging = PRODUCTION
            .replace("shop\n", "shop-staging\n")
            .replace("web-production", "web-staging")
            .replace("replicas: 3", "replicas: 1");
        let (mut old, new) = (objects(PRODUCTION), objects(&staging));
        let found = changes(&old, &new);
        assert_eq!(
            found.iter().map(ToString::to_string).collect::<Vec<_>>(),
            [
                "namespace shop -> shop-staging",
                "instance label web-production -> web-staging"
            ]
        );
        assert_eq!(apply(&mut old, &found), found);
        assert_eq!(old[0].id.name, "shop-staging");
        assert_eq!(old[0].value, new[0].value);
        assert_eq!(old[1].id.namespace.as_deref(), Some("shop-staging"));
        // `part-of: shop` names the system, not the namespace: it stays.
        assert_eq!(
            old[1]
                .value
                .pointer("/metadata/labels/app.kubernetes.io~1part-of"),
            Some(&Value::from("shop"))
        );
        let mut rest = old[1].value.clone();
        rest["spec"]["replicas"] = Value::from(1);
        assert_eq!(rest, new[1].value);
    }

    #[test]
    fn a_part_is_named_only_when_each_side_has_one_value() {
        let two_namespaces = format!(
            "{PRODUCTION}---\napiVersion: v1\nkind: ConfigMap\nmetadata: {{name: c, namespace: other}}\n"
        );
        let staging = PRODUCTION.replace("web-production", "web-staging");
        let found = changes(&objects(&two_namespaces), &objects(&staging));
        assert_eq!(
            found,
            [Change {
                part: Part::Instance,
                old: "web-production".into(),
                new: "web-staging".into()
            }]
        );
        assert!(changes(&objects(PRODUCTION), &objects(PRODUCTION)).is_empty());
    }
}
