//! The round trip of an import: the new spec rendered in memory and compared with the input
//! by the diff engine ([`crate::diff`]). Every difference is either a deliberate
//! normalisation, named, or something the spec cannot express, listed with its object and
//! field path. Nothing is left unsorted; values are never shown, so no secret is printed.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use super::{EnvObjects, ImportError, Request, SpecFile};
use crate::diff::objects::{self, Object};
use crate::diff::{Change, ObjectChange, ObjectDiff, Options, compare_objects};
use crate::manifest::Target as FileKind;
use crate::render::Renderer;
use crate::spec::EnvId;
use crate::spec::model::Target;
use crate::workspace::Workspace;

/// A deliberate difference between the input and the render, by name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Normalisation {
    /// Its name (`labels`, `namespace`, ...).
    pub name: &'static str,
    /// What it is.
    pub description: &'static str,
    /// How many fields or objects it touches.
    pub count: usize,
}

/// Something of the input the spec cannot express.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Loss {
    /// The object: `Deployment materi/api`, `service api`.
    pub object: String,
    /// The field path, or empty for the whole object.
    pub path: String,
    /// What happens to it: `removed`, `changed`, `added`, `object not rendered`, ...
    pub what: &'static str,
}

/// The round trip of one environment.
#[derive(Debug, Clone)]
pub struct Report {
    /// The environment.
    pub env: String,
    /// Objects in the input.
    pub input_objects: usize,
    /// Objects rendered from the new spec.
    pub rendered_objects: usize,
    /// The normalisations found, in the order of [`NORMALISATIONS`].
    pub normalisations: Vec<Normalisation>,
    /// What the spec cannot express, sorted.
    pub losses: Vec<Loss>,
}

/// Every normalisation: name and description.
pub const NORMALISATIONS: &[(&str, &str)] = &[
    (
        "labels",
        "the `app.kubernetes.io/*` labels and the spec's `labels` are set on every object",
    ),
    (
        "namespace",
        "the namespace is written on every namespaced object",
    ),
    (
        "api-token",
        "pods without a ServiceAccount of their own, or whose account does not ask for it, do not mount the API token",
    ),
    (
        "config-checksum",
        "the pod template carries a checksum of its ConfigMap, so a change rolls the pods",
    ),
    (
        "defaults",
        "values Kubernetes or Compose default to are written out",
    ),
    (
        "port-names",
        "ports without a name get one (probes, Services and Ingresses refer to ports by name)",
    ),
    (
        "target-port-by-name",
        "Services target container ports by name instead of number",
    ),
    (
        "text-values",
        "numbers and booleans are written as the text the API stores",
    ),
    (
        "ingress-class",
        "the `kubernetes.io/ingress.class` annotation becomes `spec.ingressClassName`",
    ),
    (
        "replicas-with-autoscaler",
        "a workload with an autoscaler leaves its replica count to it",
    ),
    (
        "secret-references",
        "Secrets are not copied into the spec: the spec references them, and they must exist",
    ),
    (
        "migration-job-name",
        "the migration Job is named after the image version, so each release runs it once",
    ),
    (
        "same-namespace-selector",
        "a ServiceMonitor's selector of its own namespace is left out (it is the default)",
    ),
    (
        "image-tag-latest",
        "an image without a tag or digest is written with the `latest` tag it implies",
    ),
    (
        "config-values-inlined",
        "a variable taken from a key of a ConfigMap of the input holds that key's value",
    ),
    (
        "flagger-threshold-range",
        "Flagger's deprecated metric `threshold` is written as `thresholdRange`",
    ),
    (
        "flagger-autoscaler-ref",
        "the Flagger Canary names the autoscaler, so Flagger scales the primary",
    ),
    (
        "migration-like-app",
        "the migration Job runs with the app's settings: its configuration, Secrets, resources, security context and account",
    ),
    (
        "literal-secrets-referenced",
        "a literal secret value becomes a reference to the Secret the note asks for",
    ),
    (
        "api-version",
        "the current API version of the same kind is written",
    ),
    (
        "depends-on-conditions",
        "Compose `depends_on` names the condition each service waits for",
    ),
    (
        "compose-units",
        "Compose sizes are written with lowercase units",
    ),
    (
        "empty-values",
        "empty maps and lists are left out, which is the same as unset",
    ),
    (
        "compose-version",
        "the obsolete Compose `version` key is left out",
    ),
    (
        "secret-pass-through",
        "secret variables are passed through from the shell on Compose instead of written",
    ),
    (
        "command-list",
        "a Compose command string is written as a list of words",
    ),
];

fn description(name: &str) -> &'static str {
    NORMALISATIONS
        .iter()
        .find(|(n, _)| *n == name)
        .map_or("", |(_, d)| d)
}

/// Renders the environment's new spec and compares it with its input.
pub fn prove(
    request: &Request,
    files: &[SpecFile],
    input: &EnvObjects,
) -> Result<Report, ImportError> {
    let id = EnvId {
        app: request.app.clone(),
        env: input.env.clone(),
    };
    let env_file = format!("{}.yaml", input.env);
    let texts: Vec<(std::path::PathBuf, String)> = files
        .iter()
        .filter(|f| {
            let name = f
                .path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default();
            name == "app.yaml" || name == env_file
        })
        .map(|f| (request.root.join(&f.path), f.text.clone()))
        .collect();
    let environment = crate::spec::load::load_texts(&request.root, &id, &texts)
        .map_err(|e| ImportError::Spec(e.to_string()))?;
    let workspace = Workspace {
        root: request.root.clone(),
    };
    let renderer = Renderer::new(&workspace).map_err(|e| ImportError::Render(e.to_string()))?;
    let rendered = renderer
        .render(&environment)
        .map_err(|e| ImportError::Render(e.to_string()))?;
    let (target, kind) = match input.kind {
        FileKind::Compose => (Target::Compose, FileKind::Compose),
        _ => (Target::Kubernetes, FileKind::Kubernetes),
    };
    let mut rendered_objects: Vec<Object> = Vec::new();
    for file in rendered.iter().filter(|f| f.target == target) {
        rendered_objects.extend(
            objects::from_text(&file.path, &file.text, kind)
                .map_err(|e| ImportError::Render(format!("{}: {}", e.path, e.message)))?,
        );
    }
    let autoscaled: BTreeSet<(String, String)> = rendered_objects
        .iter()
        .filter(|o| o.id.kind == "HorizontalPodAutoscaler")
        .filter_map(|o| {
            let t = &o.value["spec"]["scaleTargetRef"];
            Some((
                t["kind"].as_str()?.to_string(),
                t["name"].as_str()?.to_string(),
            ))
        })
        .collect();
    let input_count = input.objects.len();
    let rendered_count = rendered_objects.len();
    let mut early: Vec<&'static str> = Vec::new();
    let mut input_objects = input.objects.clone();
    if kind == FileKind::Kubernetes {
        adopt_identity(
            &mut input_objects,
            &rendered_objects,
            &environment.spec.namespace,
            &mut early,
        );
    }
    let diffs = compare_objects(input_objects, rendered_objects, &Options::default())
        .map_err(|e| ImportError::Render(format!("{}: {}", e.path, e.message)))?;
    let mut counts: Vec<(&'static str, usize)> = Vec::new();
    let mut losses = Vec::new();
    let mut count = |name: &'static str| match counts.iter_mut().find(|(n, _)| *n == name) {
        Some((_, c)) => *c += 1,
        None => counts.push((name, 1)),
    };
    let migration_job = early
        .contains(&"migration-job-name")
        .then(|| environment.spec.migration.as_ref().map(|_| ()))
        .flatten()
        .and_then(|_| {
            diffs
                .iter()
                .find(|(d, _)| d.id.kind == "Job" && d.change == ObjectChange::Changed)
                .map(|(d, _)| d.id.name.clone())
        });
    for name in early {
        count(name);
    }
    let context = Context {
        autoscaled,
        migration_job,
    };
    for (diff, _) in &diffs {
        classify(diff, &context, &mut count, &mut losses);
    }
    let normalisations = NORMALISATIONS
        .iter()
        .filter_map(|(name, _)| {
            counts
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, c)| Normalisation {
                    name,
                    description: description(name),
                    count: *c,
                })
        })
        .collect();
    losses.sort();
    losses.dedup();
    Ok(Report {
        env: input.env.clone(),
        input_objects: input_count,
        rendered_objects: rendered_count,
        normalisations,
        losses,
    })
}

/// Kinds without a namespace.
const CLUSTER_SCOPED: &[&str] = &[
    "Namespace",
    "ClusterRole",
    "ClusterRoleBinding",
    "CustomResourceDefinition",
    "PersistentVolume",
    "StorageClass",
    "PriorityClass",
    "IngressClass",
    "Node",
    "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration",
];

/// Gives input objects without a namespace the app's (where `kubectl apply -n` would put
/// them), and the input's migration Job the name the render gives it, so that each is
/// compared field by field with its rendered counterpart.
fn adopt_identity(
    input: &mut [Object],
    rendered: &[Object],
    namespace: &str,
    found: &mut Vec<&'static str>,
) {
    for o in input.iter_mut() {
        if o.id.namespace.is_none() && !CLUSTER_SCOPED.contains(&o.id.kind.as_str()) {
            o.id.namespace = Some(namespace.to_string());
            if let Some(meta) = o.value.get_mut("metadata").and_then(Value::as_object_mut) {
                meta.insert("namespace".into(), Value::String(namespace.to_string()));
            }
            found.push("namespace");
        }
    }
    for r in rendered.iter().filter(|r| r.id.kind == "Job") {
        let exists = |name: &str| {
            input
                .iter()
                .any(|o| o.id.kind == "Job" && o.id.name == name)
        };
        if exists(&r.id.name) {
            continue;
        }
        let candidate = input.iter_mut().find(|o| {
            o.id.kind == "Job"
                && r.id.name.starts_with(&format!("{}-", o.id.name))
                && !super::has_template(&o.value)
        });
        if let Some(o) = candidate {
            o.id.name = r.id.name.clone();
            if let Some(meta) = o.value.get_mut("metadata").and_then(Value::as_object_mut) {
                meta.insert("name".into(), Value::String(r.id.name.clone()));
            }
            found.push("migration-job-name");
        }
    }
}

struct Context {
    /// Workloads (kind, name) an autoscaler of the render scales.
    autoscaled: BTreeSet<(String, String)>,
    /// The rendered migration Job the input's was matched with.
    migration_job: Option<String>,
}

/// A leaf change: its path, the last key, and the change.
struct Leaf<'a> {
    path: String,
    key: String,
    change: &'a str,
    old: Option<&'a Value>,
    new: Option<&'a Value>,
}

fn last_key(path: &str) -> String {
    if let Some(stripped) = path.strip_suffix("\"]") {
        if let Some(i) = stripped.rfind("[\"") {
            return stripped[i + 2..].to_string();
        }
    }
    let tail = path.rsplit('.').next().unwrap_or(path);
    tail.split('[').next().unwrap_or(tail).to_string()
}

fn child_path(path: &str, key: &str) -> String {
    let plain = key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if path.is_empty() {
        key.to_string()
    } else if plain {
        format!("{path}.{key}")
    } else {
        format!("{path}[\"{key}\"]")
    }
}

/// Splits an added or removed map into its leaves, so each is sorted on its own.
fn leaves<'a>(path: &str, value: &'a Value, change: &'a str, added: bool, out: &mut Vec<Leaf<'a>>) {
    match value {
        Value::Object(m) if !m.is_empty() => {
            for (k, v) in m {
                leaves(&child_path(path, k), v, change, added, out);
            }
        }
        _ => out.push(Leaf {
            path: path.to_string(),
            key: last_key(path),
            change,
            old: (!added).then_some(value),
            new: added.then_some(value),
        }),
    }
}

fn classify(
    diff: &ObjectDiff,
    context: &Context,
    count: &mut dyn FnMut(&'static str),
    losses: &mut Vec<Loss>,
) {
    let object = diff.id.to_string();
    let kind = diff.id.kind.as_str();
    match diff.change {
        ObjectChange::Removed => {
            if kind == "Secret" && diff.id.group.is_empty() {
                count("secret-references");
            } else if kind == "compose" {
                let keys: Vec<&String> = diff
                    .object
                    .as_ref()
                    .and_then(Value::as_object)
                    .map(|m| m.keys().collect())
                    .unwrap_or_default();
                for k in keys {
                    if k == "version" {
                        count("compose-version");
                    } else {
                        losses.push(Loss {
                            object: format!("Compose file key `{k}`"),
                            path: String::new(),
                            what: "not expressed",
                        });
                    }
                }
            } else if diff.object.as_ref().is_some_and(super::has_template) {
                losses.push(Loss {
                    object,
                    path: String::new(),
                    what: "object not rendered: a template, not a manifest (render it first)",
                });
            } else {
                losses.push(Loss {
                    object,
                    path: String::new(),
                    what: "object not rendered",
                });
            }
            return;
        }
        ObjectChange::Added => {
            if kind == "compose" {
                return count("defaults");
            }
            losses.push(Loss {
                object,
                path: String::new(),
                what: "object added",
            });
            return;
        }
        ObjectChange::Renamed => {
            if kind == "Job" {
                count("migration-job-name");
            } else {
                losses.push(Loss {
                    object: format!(
                        "{object} (was {})",
                        diff.previous_name.clone().unwrap_or_default()
                    ),
                    path: String::new(),
                    what: "renamed",
                });
            }
        }
        ObjectChange::Changed => {}
    }
    let mut all = Vec::new();
    for f in &diff.fields {
        match &f.change {
            Change::Added { new } => leaves(&f.path, new, "added", true, &mut all),
            Change::Removed { old } => leaves(&f.path, old, "removed", false, &mut all),
            Change::Modified { old, new } => all.push(Leaf {
                path: f.path.clone(),
                key: last_key(&f.path),
                change: "changed",
                old: Some(old),
                new: Some(new),
            }),
            Change::Reordered { .. } => all.push(Leaf {
                path: f.path.clone(),
                key: last_key(&f.path),
                change: "order changed",
                old: None,
                new: None,
            }),
        }
    }
    let inlined: Vec<String> = all
        .iter()
        .filter(|l| l.change == "added" && l.path.ends_with("].value") && l.path.contains(".env["))
        .map(|l| l.path.trim_end_matches(".value").to_string())
        .filter(|var| {
            all.iter().any(|r| {
                r.change == "removed"
                    && r.path
                        .starts_with(&format!("{var}.valueFrom.configMapKeyRef"))
            })
        })
        .collect();
    let referenced: Vec<String> = all
        .iter()
        .filter(|l| {
            l.change == "removed" && l.path.ends_with("].value") && l.path.contains(".env[")
        })
        .map(|l| l.path.trim_end_matches(".value").to_string())
        .filter(|var| {
            all.iter().any(|a| {
                a.change == "added" && a.path.starts_with(&format!("{var}.valueFrom.secretKeyRef"))
            })
        })
        .collect();
    let removed_class: Vec<&Value> = all
        .iter()
        .filter(|l| l.change == "removed" && l.key == "kubernetes.io/ingress.class")
        .filter_map(|l| l.old)
        .collect();
    for leaf in &all {
        if context.migration_job.as_deref() == Some(diff.id.name.as_str()) && kind == "Job" {
            let moved = leaf.change == "removed"
                && leaf.path.contains(".envFrom[")
                && all
                    .iter()
                    .any(|a| a.change == "added" && a.key == leaf.key && a.new == leaf.old);
            if leaf.change == "added" || moved {
                count("migration-like-app");
                continue;
            }
        }
        let var = leaf
            .path
            .split(".valueFrom")
            .next()
            .unwrap_or_default()
            .trim_end_matches(".value");
        if referenced.iter().any(|v| v == var) {
            count("literal-secrets-referenced");
            continue;
        }
        if inlined.iter().any(|v| v == var) {
            count("config-values-inlined");
            continue;
        }
        match normalisation(diff, leaf, context, &removed_class) {
            Some(name) => count(name),
            None => losses.push(Loss {
                object: object.clone(),
                path: leaf.path.clone(),
                what: match leaf.change {
                    "added" => "added",
                    "removed" => "removed",
                    "changed" => "changed",
                    _ => "order changed",
                },
            }),
        }
    }
}

/// Values Kubernetes and Compose give a field that is not set, by the field's last key.
const DEFAULTS: &[(&str, &str)] = &[
    ("protocol", "\"TCP\""),
    ("type", "\"ClusterIP\""),
    ("scheme", "\"HTTP\""),
    ("successThreshold", "1"),
    ("failureThreshold", "3"),
    ("periodSeconds", "10"),
    ("timeoutSeconds", "1"),
    ("backoffLimit", "6"),
    ("restartPolicy", "\"Never\""),
    ("pathType", "\"Prefix\""),
    ("maxSkew", "1"),
    ("whenUnsatisfiable", "\"DoNotSchedule\""),
    ("progressDeadlineSeconds", "600"),
    ("replicas", "1"),
];

fn text_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn normalisation(
    diff: &ObjectDiff,
    leaf: &Leaf<'_>,
    context: &Context,
    removed_class: &[&Value],
) -> Option<&'static str> {
    let path = leaf.path.as_str();
    let kind = diff.id.kind.as_str();
    let compose = diff.id.kind == "service";
    let in_labels = path.starts_with("metadata.labels") || path.contains(".metadata.labels");
    if in_labels
        && (leaf.change == "added"
            || (leaf.change == "changed" && leaf.key.starts_with("app.kubernetes.io/")))
    {
        return Some("labels");
    }
    if kind == "Canary" {
        let metric = path.starts_with("spec.analysis.metrics[");
        let old_form = path.ends_with("].threshold") && leaf.change == "removed";
        let new_form = path.contains(".thresholdRange.") && leaf.change == "added";
        if metric && (old_form || new_form) {
            return Some("flagger-threshold-range");
        }
        if path.starts_with("spec.autoscalerRef") && leaf.change == "added" {
            return Some("flagger-autoscaler-ref");
        }
    }
    if leaf.change == "added" {
        if path == "metadata.namespace" {
            return Some("namespace");
        }
        if path.ends_with("automountServiceAccountToken") && leaf.new == Some(&Value::Bool(false)) {
            return Some("api-token");
        }
        if leaf.key == "checksum/config" {
            return Some("config-checksum");
        }
        if leaf.key == "name" && path.contains("ports[") {
            return Some("port-names");
        }
        if kind == "Ingress"
            && path == "spec.ingressClassName"
            && leaf.new.is_some_and(|v| removed_class.contains(&v))
        {
            return Some("ingress-class");
        }
        if let Some(new) = leaf.new {
            let shown = new.to_string();
            if DEFAULTS.iter().any(|(k, v)| *k == leaf.key && *v == shown) {
                return Some("defaults");
            }
        }
    }
    if leaf.change == "removed" {
        let empty = match leaf.old {
            Some(Value::Object(m)) => m.is_empty(),
            Some(Value::Array(a)) => a.is_empty(),
            Some(Value::Null) => true,
            _ => false,
        };
        if empty {
            return Some("empty-values");
        }
        if kind == "Ingress" && leaf.key == "kubernetes.io/ingress.class" {
            return Some("ingress-class");
        }
        if path == "spec.replicas"
            && context
                .autoscaled
                .contains(&(kind.to_string(), diff.id.name.clone()))
        {
            return Some("replicas-with-autoscaler");
        }
        if kind == "ServiceMonitor" && path.starts_with("spec.namespaceSelector.matchNames") {
            let own = diff.id.namespace.as_ref().map(|n| Value::String(n.clone()));
            let names = leaf.old.and_then(Value::as_array);
            if names.is_some_and(|n| n.len() == 1 && own.as_ref() == n.first()) {
                return Some("same-namespace-selector");
            }
        }
        if compose && path.starts_with("environment") && leaf.old.is_some() {
            return None;
        }
    }
    if leaf.change == "changed" {
        let (old, new) = (leaf.old?, leaf.new?);
        if path == "apiVersion" {
            let group = |v: &Value| {
                v.as_str()
                    .map(|t| t.rsplit_once('/').map_or("", |(g, _)| g).to_string())
            };
            if group(old).is_some() && group(old) == group(new) {
                return Some("api-version");
            }
        }
        if old.is_null() && new.as_object().is_some_and(Map::is_empty) {
            return Some("defaults");
        }
        if compose
            && leaf.key == "memory"
            && old.as_str().map(str::to_ascii_lowercase) == new.as_str().map(String::from)
        {
            return Some("compose-units");
        }
        if compose && leaf.key == "depends_on" {
            let names = |v: &Value| -> Option<Vec<String>> {
                let mut n: Vec<String> = match v {
                    Value::Array(a) => a
                        .iter()
                        .map(|x| x.as_str().map(String::from))
                        .collect::<Option<_>>()?,
                    Value::Object(m) => m.keys().cloned().collect(),
                    _ => return None,
                };
                n.sort();
                Some(n)
            };
            if names(old).is_some() && names(old) == names(new) {
                return Some("depends-on-conditions");
            }
        }
        if leaf.key == "image"
            && old
                .as_str()
                .is_some_and(|o| new.as_str() == Some(&format!("{o}:latest")))
        {
            return Some("image-tag-latest");
        }
        if leaf.key == "targetPort" && old.is_number() && new.is_string() {
            return Some("target-port-by-name");
        }
        if old != new && text_of(old).is_some() && text_of(old) == text_of(new) {
            return Some("text-values");
        }
        if compose && leaf.key == "command" {
            let words = |v: &Value| -> Option<Vec<String>> {
                match v {
                    Value::String(s) => Some(s.split_whitespace().map(String::from).collect()),
                    Value::Array(a) => a.iter().map(|x| x.as_str().map(String::from)).collect(),
                    _ => None,
                }
            };
            if words(old).is_some() && words(old) == words(new) {
                return Some("command-list");
            }
        }
        if compose && path.starts_with("environment") && new.is_null() {
            return Some("secret-pass-through");
        }
    }
    None
}
