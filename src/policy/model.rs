//! What rules look at, extracted once from parsed documents.
//!
//! [`ObjectSet`] holds the documents of one lint run with everything derived from them: the
//! pod spec of every workload kind (Deployment, StatefulSet, DaemonSet, ReplicaSet,
//! ReplicationController, Job, CronJob, Pod: [`WorkloadKind`] is the one place that says what
//! a workload is) with its containers, the labels its pods carry (the template's and those
//! the controller adds), each container's effective security context (pod-level
//! settings inherited), the services of Compose files, and indexes that cross-resource rules
//! use (objects by kind, pods by label, HPAs by target, PDBs). Nothing here re-parses text.
//!
//! Every cross-resource lookup goes through an index, never a scan of all objects: label
//! indexes list objects per namespace by `key=value` and by key, and a selector
//! (`matchLabels` or `matchExpressions`) is answered from the lists of its most selective
//! `key=value`, `In` or `Exists` requirement, then checked in full. Only a selector without
//! such a requirement (an empty one, or only `NotIn`/`DoesNotExist`) looks at every object of
//! its namespace.

use std::borrow::Cow;
use std::collections::HashMap;

use serde_json::{Map, Value};

use crate::manifest::Document;
use crate::manifest::yaml::escape_token;

use super::LintContext;

/// Security context fields that a container inherits from the pod's securityContext.
const INHERITED_SECURITY_FIELDS: &[&str] = &[
    "runAsNonRoot",
    "runAsUser",
    "runAsGroup",
    "seccompProfile",
    "seLinuxOptions",
    "windowsOptions",
    "appArmorProfile",
];

/// A workload kind and where its pod spec sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WorkloadKind {
    /// apps/v1 Deployment.
    Deployment,
    /// apps/v1 StatefulSet.
    StatefulSet,
    /// apps/v1 DaemonSet.
    DaemonSet,
    /// apps/v1 ReplicaSet.
    ReplicaSet,
    /// v1 ReplicationController.
    ReplicationController,
    /// batch/v1 Job.
    Job,
    /// batch/v1 CronJob.
    CronJob,
    /// v1 Pod.
    Pod,
}

impl WorkloadKind {
    fn from_kind(kind: &str) -> Option<WorkloadKind> {
        Some(match kind {
            "Deployment" => WorkloadKind::Deployment,
            "StatefulSet" => WorkloadKind::StatefulSet,
            "DaemonSet" => WorkloadKind::DaemonSet,
            "ReplicaSet" => WorkloadKind::ReplicaSet,
            "ReplicationController" => WorkloadKind::ReplicationController,
            "Job" => WorkloadKind::Job,
            "CronJob" => WorkloadKind::CronJob,
            "Pod" => WorkloadKind::Pod,
            _ => return None,
        })
    }

    /// The JSON pointer of the pod spec in an object of this kind.
    pub fn pod_pointer(self) -> &'static str {
        match self {
            WorkloadKind::Pod => "/spec",
            WorkloadKind::CronJob => "/spec/jobTemplate/spec/template/spec",
            _ => "/spec/template/spec",
        }
    }

    /// The JSON pointer of the pod labels (`metadata.labels` of the template).
    pub fn labels_pointer(self) -> &'static str {
        match self {
            WorkloadKind::Pod => "/metadata/labels",
            WorkloadKind::CronJob => "/spec/jobTemplate/spec/template/metadata/labels",
            _ => "/spec/template/metadata/labels",
        }
    }

    /// Whether pods of this kind run until stopped (not Jobs and CronJobs).
    pub fn long_running(self) -> bool {
        !matches!(self, WorkloadKind::Job | WorkloadKind::CronJob)
    }

    /// Whether the kind has `spec.replicas` (Deployment, StatefulSet, ReplicaSet,
    /// ReplicationController).
    pub fn scalable(self) -> bool {
        matches!(
            self,
            WorkloadKind::Deployment
                | WorkloadKind::StatefulSet
                | WorkloadKind::ReplicaSet
                | WorkloadKind::ReplicationController
        )
    }

    /// The labels the controller adds to the pods besides the template's. Most values are
    /// only known in the cluster (hashes, uids, generated Job names).
    fn generated_labels(self) -> &'static [(&'static str, GeneratedValue)] {
        use GeneratedValue::{Any, CronJobJobName, ObjectName};
        match self {
            WorkloadKind::Deployment => &[("pod-template-hash", Any)],
            WorkloadKind::StatefulSet => &[
                ("statefulset.kubernetes.io/pod-name", Any),
                ("apps.kubernetes.io/pod-index", Any),
                ("controller-revision-hash", Any),
            ],
            WorkloadKind::DaemonSet => &[
                ("controller-revision-hash", Any),
                ("pod-template-generation", Any),
            ],
            WorkloadKind::Job => &[
                ("job-name", ObjectName),
                ("batch.kubernetes.io/job-name", ObjectName),
                ("controller-uid", Any),
                ("batch.kubernetes.io/controller-uid", Any),
                ("batch.kubernetes.io/job-completion-index", Any),
            ],
            WorkloadKind::CronJob => &[
                ("job-name", CronJobJobName),
                ("batch.kubernetes.io/job-name", CronJobJobName),
                ("controller-uid", Any),
                ("batch.kubernetes.io/controller-uid", Any),
                ("batch.kubernetes.io/job-completion-index", Any),
            ],
            WorkloadKind::ReplicaSet | WorkloadKind::ReplicationController | WorkloadKind::Pod => {
                &[]
            }
        }
    }
}

/// The value of a label a controller adds to its pods.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum GeneratedValue {
    /// The workload's own name.
    ObjectName,
    /// The name of a Job a CronJob creates: the CronJob's name, `-` and a number.
    CronJobJobName,
    /// Known only in the cluster: any value.
    Any,
}

/// API groups of Kubernetes itself: their kinds create no pods beyond the workload kinds.
const BUILTIN_GROUPS: &[&str] = &[
    "",
    "admissionregistration.k8s.io",
    "apiextensions.k8s.io",
    "apiregistration.k8s.io",
    "apps",
    "authentication.k8s.io",
    "authorization.k8s.io",
    "autoscaling",
    "batch",
    "certificates.k8s.io",
    "coordination.k8s.io",
    "discovery.k8s.io",
    "events.k8s.io",
    "extensions",
    "flowcontrol.apiserver.k8s.io",
    "internal.apiserver.k8s.io",
    "networking.k8s.io",
    "node.k8s.io",
    "policy",
    "rbac.authorization.k8s.io",
    "resource.k8s.io",
    "scheduling.k8s.io",
    "storage.k8s.io",
    "storagemigration.k8s.io",
];

/// Custom resources known to create no pods (configuration read by a mesh, a monitoring
/// stack or a certificate manager, and kustomize's own files, which never reach a cluster):
/// `(group, kind)`, where an empty kind stands for every kind of the group.
const PODLESS_CUSTOM_KINDS: &[(&str, &str)] = &[
    ("monitoring.coreos.com", "ServiceMonitor"),
    ("monitoring.coreos.com", "PodMonitor"),
    ("monitoring.coreos.com", "PrometheusRule"),
    ("monitoring.coreos.com", "Probe"),
    ("networking.istio.io", ""),
    ("security.istio.io", ""),
    ("cert-manager.io", ""),
    ("kustomize.config.k8s.io", ""),
];

/// Whether an object may make pods that no pod template in the set describes: a custom
/// resource (an operator's database, a Flagger Canary's primary) unless its kind is known to
/// create none. Pods of built-in workloads are described by their templates.
pub fn may_create_unseen_pods(api_version: Option<&str>, kind: &str) -> bool {
    let group = api_version
        .and_then(|v| v.rsplit_once('/'))
        .map_or("", |(group, _)| group);
    !BUILTIN_GROUPS.contains(&group)
        && !PODLESS_CUSTOM_KINDS
            .iter()
            .any(|&(g, k)| g == group && (k.is_empty() || k == kind))
}

/// One container of a pod spec.
#[derive(Debug, Clone)]
pub struct Container<'a> {
    /// JSON pointer of the container within its document.
    pub pointer: String,
    /// Whether it is an init container.
    pub init: bool,
    /// Its name (empty when missing).
    pub name: &'a str,
    /// The container object.
    pub spec: &'a Map<String, Value>,
}

impl<'a> Container<'a> {
    /// A field of the container.
    pub fn get(&self, key: &str) -> Option<&'a Value> {
        self.spec.get(key)
    }

    /// The pointer of a field below the container (`sub` starts with `/`).
    pub fn at(&self, sub: &str) -> String {
        format!("{}{}", self.pointer, sub)
    }

    /// The container's ports: `(name, containerPort)`.
    pub fn ports(&self) -> impl Iterator<Item = (Option<&'a str>, Option<i64>)> {
        self.spec
            .get("ports")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .map(|p| {
                (
                    p.get("name").and_then(Value::as_str),
                    p.get("containerPort").and_then(Value::as_i64),
                )
            })
    }
}

/// A security context setting as the container sees it.
#[derive(Debug, Clone)]
pub struct SecurityField<'a> {
    /// The value.
    pub value: &'a Value,
    /// Where it is set.
    pub pointer: String,
    /// Whether it comes from the pod's securityContext.
    pub pod_level: bool,
}

/// A workload object and its pod spec.
#[derive(Debug, Clone)]
pub struct Workload<'a> {
    /// Index of the document.
    pub doc: usize,
    /// The document.
    pub document: &'a Document,
    /// The kind.
    pub kind: WorkloadKind,
    /// `metadata.name` (empty when missing).
    pub name: &'a str,
    /// `metadata.namespace`.
    pub namespace: Option<&'a str>,
    /// The pod spec.
    pub pod: &'a Map<String, Value>,
    /// The pod labels.
    pub labels: Option<&'a Map<String, Value>>,
    /// Containers, then init containers.
    pub containers: Vec<Container<'a>>,
}

impl<'a> Workload<'a> {
    /// The pointer of a field below the pod spec (`sub` starts with `/`).
    pub fn pod_at(&self, sub: &str) -> String {
        format!("{}{}", self.kind.pod_pointer(), sub)
    }

    /// `spec.replicas` for scalable kinds (1 when absent); `None` for other kinds or when
    /// the value is not a number.
    pub fn replicas(&self) -> Option<i64> {
        if !self.kind.scalable() {
            return None;
        }
        match self.document.value.pointer("/spec/replicas") {
            None | Some(Value::Null) => Some(1),
            Some(v) => v.as_i64(),
        }
    }

    /// Whether `spec.replicas` is written in the object.
    pub fn replicas_set(&self) -> bool {
        self.document
            .value
            .pointer("/spec/replicas")
            .is_some_and(|v| !v.is_null())
    }

    /// Where a finding about the replica count points: `spec.replicas` when it is written,
    /// else the object (the count is the default).
    pub fn replicas_pointer(&self) -> &'static str {
        if self.replicas_set() {
            "/spec/replicas"
        } else {
            ""
        }
    }

    /// `spec.selector` as a selector: a LabelSelector, or for a ReplicationController a plain
    /// map of labels; `None` when it is not written.
    pub fn selector(&self) -> Option<LabelSelector> {
        let raw = self.document.value.pointer("/spec/selector")?;
        Some(if self.kind == WorkloadKind::ReplicationController {
            LabelSelector::from_map(Some(raw))
        } else {
            LabelSelector::from_label_selector(Some(raw))
        })
    }

    /// Whether the workload's pods can satisfy a selector: with the template's labels and
    /// those the controller adds (a Job's pods carry `job-name`; a hash label can have any
    /// value).
    pub fn pods_match(&self, selector: &LabelSelector) -> bool {
        selector.matches_by(|key| {
            if let Some(v) = self.labels.and_then(|l| l.get(key)).and_then(scalar_text) {
                return Some(LabelValue::Is(v));
            }
            let (_, generated) = self
                .kind
                .generated_labels()
                .iter()
                .find(|(name, _)| *name == key)?;
            Some(match generated {
                GeneratedValue::ObjectName => LabelValue::Is(Cow::Borrowed(self.name)),
                GeneratedValue::CronJobJobName => LabelValue::NumberedAfter(self.name),
                GeneratedValue::Any => LabelValue::Any,
            })
        })
    }

    /// The regular (not init) containers.
    pub fn app_containers(&self) -> impl Iterator<Item = &Container<'a>> {
        self.containers.iter().filter(|c| !c.init)
    }

    /// The effective value of a securityContext field for a container: the container's own
    /// setting, else (for fields a container inherits) the pod's.
    pub fn security(&self, container: &Container<'a>, field: &str) -> Option<SecurityField<'a>> {
        if let Some(v) = container
            .spec
            .get("securityContext")
            .and_then(|s| s.get(field))
            .filter(|v| !v.is_null())
        {
            return Some(SecurityField {
                value: v,
                pointer: container.at(&format!("/securityContext/{field}")),
                pod_level: false,
            });
        }
        if !INHERITED_SECURITY_FIELDS.contains(&field) {
            return None;
        }
        let v = self
            .pod
            .get("securityContext")
            .and_then(|s| s.get(field))
            .filter(|v| !v.is_null())?;
        Some(SecurityField {
            value: v,
            pointer: self.pod_at(&format!("/securityContext/{field}")),
            pod_level: true,
        })
    }
}

/// One service of a Compose file.
#[derive(Debug, Clone)]
pub struct ComposeService<'a> {
    /// Index of the document.
    pub doc: usize,
    /// The service name.
    pub name: &'a str,
    /// JSON pointer of the service (`/services/<name>`).
    pub pointer: String,
    /// The service definition (empty for `api:` with no body).
    pub spec: Cow<'a, Map<String, Value>>,
    /// Whether the service is an override fragment (neither `image` nor `build`): rules that
    /// require a field skip it, rules about fields it sets still apply.
    pub fragment: bool,
}

impl ComposeService<'_> {
    /// A field of the service.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.spec.get(key)
    }

    /// The pointer of a field below the service (`sub` starts with `/`).
    pub fn at(&self, sub: &str) -> String {
        format!("{}{}", self.pointer, sub)
    }
}

/// A label selector: `matchLabels` and `matchExpressions`, or a Service's plain map.
#[derive(Debug, Clone, Default)]
pub struct LabelSelector {
    /// Required `key=value` pairs.
    pub labels: Vec<(String, String)>,
    /// Set-based requirements.
    pub exprs: Vec<Requirement>,
}

/// The value a pod's label has, as far as the set shows it.
#[derive(Debug, Clone)]
enum LabelValue<'v> {
    /// This value.
    Is(Cow<'v, str>),
    /// A name, `-` and a number (`report-29001234`).
    NumberedAfter(&'v str),
    /// Some value only known in the cluster.
    Any,
}

/// One `matchExpressions` requirement.
#[derive(Debug, Clone)]
pub struct Requirement {
    /// The label key.
    pub key: String,
    /// `In`, `NotIn`, `Exists` or `DoesNotExist`.
    pub operator: String,
    /// The values for `In` and `NotIn`.
    pub values: Vec<String>,
}

/// A scalar as text (label values may be written unquoted as numbers or booleans).
pub fn scalar_text(v: &Value) -> Option<Cow<'_, str>> {
    match v {
        Value::String(s) => Some(Cow::Borrowed(s)),
        Value::Number(n) => Some(Cow::Owned(n.to_string())),
        Value::Bool(b) => Some(Cow::Owned(b.to_string())),
        _ => None,
    }
}

impl LabelSelector {
    /// A Service-style selector: a plain map of labels.
    pub fn from_map(v: Option<&Value>) -> LabelSelector {
        let labels = v
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .filter_map(|(k, v)| Some((k.clone(), scalar_text(v)?.into_owned())))
            .collect();
        LabelSelector {
            labels,
            exprs: Vec::new(),
        }
    }

    /// A `LabelSelector` object (`matchLabels`, `matchExpressions`).
    pub fn from_label_selector(v: Option<&Value>) -> LabelSelector {
        let mut sel = LabelSelector::from_map(v.and_then(|v| v.get("matchLabels")));
        sel.exprs = v
            .and_then(|v| v.get("matchExpressions"))
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|e| {
                Some(Requirement {
                    key: e.get("key")?.as_str()?.to_string(),
                    operator: e.get("operator")?.as_str()?.to_string(),
                    values: e
                        .get("values")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                        .filter_map(|v| Some(scalar_text(v)?.into_owned()))
                        .collect(),
                })
            })
            .collect();
        sel
    }

    /// Whether the selector has no requirement at all.
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty() && self.exprs.is_empty()
    }

    /// Whether a set of labels satisfies the selector (an empty selector matches everything).
    pub fn matches(&self, labels: Option<&Map<String, Value>>) -> bool {
        self.matches_by(|k| {
            labels
                .and_then(|l| l.get(k))
                .and_then(scalar_text)
                .map(LabelValue::Is)
        })
    }

    /// Whether labels given by a lookup satisfy the selector; a label whose value is unknown
    /// ([`LabelValue::Any`]) satisfies any requirement that a present label can.
    fn matches_by<'v>(&self, label: impl Fn(&str) -> Option<LabelValue<'v>>) -> bool {
        let is = |have: &LabelValue<'_>, want: &str| match have {
            LabelValue::Is(h) => h == want,
            LabelValue::NumberedAfter(name) => want
                .strip_prefix(*name)
                .and_then(|rest| rest.strip_prefix('-'))
                .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())),
            LabelValue::Any => true,
        };
        self.labels
            .iter()
            .all(|(k, v)| label(k).is_some_and(|have| is(&have, v)))
            && self.exprs.iter().all(|r| {
                let have = label(&r.key);
                match r.operator.as_str() {
                    "In" => have.is_some_and(|h| r.values.iter().any(|v| is(&h, v))),
                    "NotIn" => match have {
                        None | Some(LabelValue::Any | LabelValue::NumberedAfter(_)) => true,
                        Some(LabelValue::Is(h)) => r.values.iter().all(|v| *v != h),
                    },
                    "Exists" => have.is_some(),
                    "DoesNotExist" => have.is_none(),
                    _ => false,
                }
            })
    }

    /// The selector as `k=v,k2 in (a,b)` text for messages.
    pub fn describe(&self) -> String {
        let mut parts: Vec<String> = self
            .labels
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        for r in &self.exprs {
            parts.push(match r.operator.as_str() {
                "Exists" => r.key.clone(),
                "DoesNotExist" => format!("!{}", r.key),
                op => format!("{} {} ({})", r.key, op.to_lowercase(), r.values.join(",")),
            });
        }
        parts.join(",")
    }
}

/// Whether two namespaces can be the same one: an object without a namespace is deployed
/// into whatever namespace it is applied to, so it matches any.
pub fn same_namespace(a: Option<&str>, b: Option<&str>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => a == b,
        _ => true,
    }
}

/// Strings (namespaces, kinds, names, label keys and values) as numbers, so index keys are
/// three integers and a lookup allocates nothing.
#[derive(Debug, Default)]
struct Strings {
    ids: foldhash::HashMap<Box<str>, u32>,
}

impl Strings {
    fn intern(&mut self, s: &str) -> u32 {
        if let Some(&id) = self.ids.get(s) {
            return id;
        }
        // Ids stay below the reserved values of the index keys.
        let id = u32::try_from(self.ids.len()).expect("fewer than 2^32 distinct strings");
        self.ids.insert(s.into(), id);
        id
    }

    fn get(&self, s: &str) -> Option<u32> {
        self.ids.get(s).copied()
    }
}

/// The namespace part of an index key for objects without a namespace.
const NO_NAMESPACE: u32 = u32::MAX;
/// The namespace part of an index key for lists that hold every namespace.
const ALL_NAMESPACES: u32 = u32::MAX - 1;
/// A value part for "the key is present, whatever its value" (`Exists`).
const ANY_VALUE: u32 = u32::MAX;
/// A value part for "the value is known only in the cluster": any value may match.
const UNKNOWN_VALUE: u32 = u32::MAX - 1;
/// Key and value parts of the list of every object.
const EVERY: u32 = u32::MAX;

/// The namespace a lookup is for: every namespace (an object without one matches any), or
/// one namespace (its interned id, `None` when no indexed object has it).
#[derive(Debug, Clone, Copy)]
enum Scope {
    All,
    In(Option<u32>),
}

/// Lists of object ids (in the order they were added: document order) under
/// `(namespace, a, b)` keys. Every object is listed under its namespace (or
/// [`NO_NAMESPACE`]) and under [`ALL_NAMESPACES`], so the objects that can share a namespace
/// with another are at most two lists (see [`same_namespace`]).
#[derive(Debug, Default)]
struct Postings {
    lists: foldhash::HashMap<(u32, u32, u32), Vec<u32>>,
}

impl Postings {
    fn push(&mut self, ns: u32, a: u32, b: u32, id: usize) {
        let id = u32::try_from(id).expect("fewer than 2^32 objects");
        for n in [ns, ALL_NAMESPACES] {
            self.lists.entry((n, a, b)).or_default().push(id);
        }
    }

    fn get(&self, key: (u32, u32, u32)) -> &[u32] {
        self.lists.get(&key).map_or(&[], Vec::as_slice)
    }

    /// The objects under `(a, b)` that can be in the scope's namespace.
    fn lookup(&self, scope: Scope, a: u32, b: u32) -> [&[u32]; 2] {
        match scope {
            Scope::All => [self.get((ALL_NAMESPACES, a, b)), &[]],
            Scope::In(ns) => [
                ns.map_or(&[][..], |n| self.get((n, a, b))),
                self.get((NO_NAMESPACE, a, b)),
            ],
        }
    }

    /// The first object (in document order) under `(a, b)` that can be in the scope's
    /// namespace.
    fn first(&self, scope: Scope, a: u32, b: u32) -> Option<usize> {
        let [x, y] = self.lookup(scope, a, b);
        match (x.first(), y.first()) {
            (Some(&x), Some(&y)) => Some(x.min(y) as usize),
            (Some(&x), None) | (None, Some(&x)) => Some(x as usize),
            (None, None) => None,
        }
    }
}

/// A requirement of a selector that only objects carrying a label can satisfy: `key=value`
/// (`matchLabels`, `In`) or `key` (`Exists`).
#[derive(Debug)]
enum Positive<'s> {
    Values(&'s str, Vec<&'s str>),
    Key(&'s str),
}

impl LabelSelector {
    fn positives(&self) -> impl Iterator<Item = Positive<'_>> {
        let labels = self
            .labels
            .iter()
            .map(|(k, v)| Positive::Values(k, vec![v.as_str()]));
        let exprs = self.exprs.iter().filter_map(|r| match r.operator.as_str() {
            "In" => Some(Positive::Values(
                &r.key,
                r.values.iter().map(String::as_str).collect(),
            )),
            "Exists" => Some(Positive::Key(&r.key)),
            _ => None,
        });
        labels.chain(exprs)
    }
}

/// Objects by the labels they carry, per namespace: a selector is answered from the lists of
/// its most selective `key=value`, `In` or `Exists` requirement, then checked in full by the
/// caller.
#[derive(Debug, Default)]
struct LabelIndex {
    postings: Postings,
}

impl LabelIndex {
    /// Lists an object under every namespace-free key: to be called once per object, before
    /// its labels.
    fn add_object(&mut self, ns: u32, id: usize) {
        self.postings.push(ns, EVERY, EVERY, id);
    }

    fn add_label(&mut self, strings: &mut Strings, ns: u32, id: usize, key: &str, value: &str) {
        let (k, v) = (strings.intern(key), strings.intern(value));
        self.postings.push(ns, k, v, id);
        self.postings.push(ns, k, ANY_VALUE, id);
    }

    /// An object carries the label, with a value only the cluster knows.
    fn add_unknown(&mut self, strings: &mut Strings, ns: u32, id: usize, key: &str) {
        let k = strings.intern(key);
        self.postings.push(ns, k, UNKNOWN_VALUE, id);
        self.postings.push(ns, k, ANY_VALUE, id);
    }

    /// The lists of the objects that can satisfy one requirement.
    fn lists(&self, strings: &Strings, scope: Scope, p: &Positive<'_>) -> Vec<&[u32]> {
        let mut out = Vec::new();
        let Some(k) = strings.get(match p {
            Positive::Values(k, _) | Positive::Key(k) => k,
        }) else {
            return out;
        };
        match p {
            Positive::Values(_, values) => {
                for v in values {
                    if let Some(v) = strings.get(v) {
                        out.extend(self.postings.lookup(scope, k, v));
                    }
                }
                out.extend(self.postings.lookup(scope, k, UNKNOWN_VALUE));
            }
            Positive::Key(_) => out.extend(self.postings.lookup(scope, k, ANY_VALUE)),
        }
        out.retain(|l| !l.is_empty());
        out
    }

    /// The most selective requirement of a selector (the fewest objects listed), with its
    /// lists; `None` when the selector has no requirement the index can answer.
    fn most_selective<'s, 'x>(
        &'x self,
        strings: &Strings,
        scope: Scope,
        selector: &'s LabelSelector,
    ) -> Option<(Positive<'s>, Vec<&'x [u32]>)> {
        let mut best: Option<(usize, Positive<'s>, Vec<&'x [u32]>)> = None;
        for p in selector.positives() {
            let lists = self.lists(strings, scope, &p);
            let n: usize = lists.iter().map(|l| l.len()).sum();
            if best.as_ref().is_none_or(|(m, _, _)| n < *m) {
                best = Some((n, p, lists));
                if n == 0 {
                    break;
                }
            }
        }
        best.map(|(_, p, lists)| (p, lists))
    }

    /// The objects in the scope that may satisfy a selector, in id order: those listed under
    /// its most selective requirement, or every object in the scope when it has none.
    fn candidates(&self, strings: &Strings, scope: Scope, selector: &LabelSelector) -> Vec<usize> {
        let lists = match self.most_selective(strings, scope, selector) {
            Some((_, lists)) => lists,
            None => self.postings.lookup(scope, EVERY, EVERY).to_vec(),
        };
        merge(&lists)
    }
}

/// Ids from sorted lists as one sorted list without repeats.
fn merge(lists: &[&[u32]]) -> Vec<usize> {
    let mut out: Vec<usize> = lists
        .iter()
        .flat_map(|l| l.iter().map(|&i| i as usize))
        .collect();
    // Each list is sorted (an object can be in one twice: a template label that a controller
    // adds as well).
    if lists.len() > 1 {
        out.sort_unstable();
    }
    out.dedup();
    out
}

/// Selectors (of PodDisruptionBudgets) filed under one requirement each, to find those that
/// may match a set of labels by looking up the labels.
#[derive(Debug, Default)]
struct SelectorIndex {
    postings: Postings,
}

impl SelectorIndex {
    /// Files a selector under its most selective requirement as `objects` counts them.
    fn add(
        &mut self,
        strings: &mut Strings,
        objects: &LabelIndex,
        ns: Option<&str>,
        id: usize,
        selector: &LabelSelector,
    ) {
        let scope = scope_of(strings, ns);
        let ns = ns.map_or(NO_NAMESPACE, |n| strings.intern(n));
        match objects
            .most_selective(strings, scope, selector)
            .map(|(p, _)| p)
        {
            Some(Positive::Values(key, values)) => {
                let k = strings.intern(key);
                for v in values {
                    let v = strings.intern(v);
                    self.postings.push(ns, k, v, id);
                }
            }
            Some(Positive::Key(key)) => {
                let k = strings.intern(key);
                self.postings.push(ns, k, ANY_VALUE, id);
            }
            None => self.postings.push(ns, EVERY, EVERY, id),
        }
    }

    /// The selectors that may match labels in a namespace, in id order.
    fn candidates<'l>(
        &self,
        strings: &Strings,
        ns: Option<&str>,
        labels: impl Iterator<Item = (&'l str, Cow<'l, str>)>,
    ) -> Vec<usize> {
        let scope = scope_of(strings, ns);
        let mut lists: Vec<&[u32]> = self.postings.lookup(scope, EVERY, EVERY).to_vec();
        for (key, value) in labels {
            let Some(k) = strings.get(key) else { continue };
            lists.extend(self.postings.lookup(scope, k, ANY_VALUE));
            if let Some(v) = strings.get(&value) {
                lists.extend(self.postings.lookup(scope, k, v));
            }
        }
        lists.retain(|l| !l.is_empty());
        merge(&lists)
    }
}

/// The lookup scope of an object's namespace.
fn scope_of(strings: &Strings, ns: Option<&str>) -> Scope {
    match ns {
        None => Scope::All,
        Some(n) => Scope::In(strings.get(n)),
    }
}

/// The documents of one lint run and everything derived from them.
#[derive(Debug)]
pub struct ObjectSet<'a> {
    /// The documents, in input order.
    pub docs: &'a [Document],
    /// The run's context.
    pub cx: &'a LintContext,
    /// Every workload, in document order.
    pub workloads: Vec<Workload<'a>>,
    /// Every Compose service, in document order.
    pub compose: Vec<ComposeService<'a>>,
    /// For documents that are items of a `List`: the item's pointer in its file's document
    /// (`/items/3`), parallel to `docs`; empty when no document is a list item.
    pub bases: Vec<String>,
    /// Every string an index key holds.
    strings: Strings,
    by_kind: HashMap<&'a str, Vec<usize>>,
    /// Documents by `(kind, name)`, per namespace.
    by_name: Postings,
    /// Workloads by the labels of their pods (template labels and those controllers add).
    pods: LabelIndex,
    /// Services by their own labels (what a ServiceMonitor selects).
    services: LabelIndex,
    /// Autoscalers by `(target kind, target name)`, per namespace: ids into `hpa_entries`.
    hpas: Postings,
    /// Every autoscaler with a target: document index and `minReplicas`.
    hpa_entries: Vec<(usize, i64)>,
    /// Every PodDisruptionBudget with a selector: document index and selector.
    pdbs: Vec<(usize, LabelSelector)>,
    /// The budgets' selectors, for the reverse lookup from a workload.
    pdb_index: SelectorIndex,
    /// Objects that may create pods no template in the set describes (see
    /// [`may_create_unseen_pods`]), per namespace.
    unseen_pods: Postings,
}

impl<'a> ObjectSet<'a> {
    /// Extracts workloads, Compose services and indexes from documents.
    pub fn new(docs: &'a [Document], cx: &'a LintContext) -> ObjectSet<'a> {
        ObjectSet::build(docs, cx, true)
    }

    /// Extracts workloads and Compose services, and lists objects by kind, for rules that look
    /// at one object at a time: lookups of other objects find nothing.
    pub fn without_indexes(docs: &'a [Document], cx: &'a LintContext) -> ObjectSet<'a> {
        ObjectSet::build(docs, cx, false)
    }

    fn build(docs: &'a [Document], cx: &'a LintContext, indexes: bool) -> ObjectSet<'a> {
        let mut set = ObjectSet {
            docs,
            cx,
            workloads: Vec::new(),
            compose: Vec::new(),
            bases: Vec::new(),
            strings: Strings::default(),
            by_kind: HashMap::new(),
            by_name: Postings::default(),
            pods: LabelIndex::default(),
            services: LabelIndex::default(),
            hpas: Postings::default(),
            hpa_entries: Vec::new(),
            pdbs: Vec::new(),
            pdb_index: SelectorIndex::default(),
            unseen_pods: Postings::default(),
        };
        let mut pdb_docs = Vec::new();
        for (i, doc) in docs.iter().enumerate() {
            match doc.kind() {
                Some(kind) => {
                    set.by_kind.entry(kind).or_default().push(i);
                    if let Some(w) = extract_workload(i, doc, kind) {
                        set.workloads.push(w);
                    }
                    if !indexes {
                        continue;
                    }
                    let ns = set.namespace_id(doc.namespace());
                    if let Some(name) = doc.name() {
                        let (k, n) = (set.strings.intern(kind), set.strings.intern(name));
                        set.by_name.push(ns, k, n, i);
                    }
                    if may_create_unseen_pods(doc.api_version(), kind) {
                        set.unseen_pods.push(ns, EVERY, EVERY, i);
                    }
                    match kind {
                        "HorizontalPodAutoscaler" => set.index_hpa(i, doc),
                        "PodDisruptionBudget" => pdb_docs.push(i),
                        "Service" => set.index_service(i, doc),
                        _ => {}
                    }
                }
                None => extract_compose(i, doc, &mut set.compose),
            }
        }
        if !indexes {
            return set;
        }
        for wi in 0..set.workloads.len() {
            set.index_workload(wi);
        }
        // Budgets are filed under the requirement that the fewest workloads satisfy.
        for i in pdb_docs {
            set.index_pdb(i, &docs[i]);
        }
        set
    }

    fn namespace_id(&mut self, ns: Option<&str>) -> u32 {
        ns.map_or(NO_NAMESPACE, |n| self.strings.intern(n))
    }

    fn index_workload(&mut self, wi: usize) {
        let w = &self.workloads[wi];
        let ns = w.namespace.map_or(NO_NAMESPACE, |n| self.strings.intern(n));
        self.pods.add_object(ns, wi);
        for (k, v) in w.labels.into_iter().flatten() {
            if let Some(v) = scalar_text(v) {
                self.pods.add_label(&mut self.strings, ns, wi, k, &v);
            }
        }
        for (key, generated) in w.kind.generated_labels() {
            match generated {
                GeneratedValue::ObjectName => {
                    self.pods.add_label(&mut self.strings, ns, wi, key, w.name);
                }
                GeneratedValue::CronJobJobName | GeneratedValue::Any => {
                    self.pods.add_unknown(&mut self.strings, ns, wi, key);
                }
            }
        }
    }

    fn index_service(&mut self, i: usize, doc: &'a Document) {
        let ns = self.namespace_id(doc.namespace());
        self.services.add_object(ns, i);
        let labels = doc
            .value
            .pointer("/metadata/labels")
            .and_then(Value::as_object);
        for (k, v) in labels.into_iter().flatten() {
            if let Some(v) = scalar_text(v) {
                self.services.add_label(&mut self.strings, ns, i, k, &v);
            }
        }
    }

    fn index_hpa(&mut self, i: usize, doc: &'a Document) {
        let target = doc.value.pointer("/spec/scaleTargetRef");
        let kind = target.and_then(|t| t.get("kind")).and_then(Value::as_str);
        let name = target.and_then(|t| t.get("name")).and_then(Value::as_str);
        if let (Some(kind), Some(name)) = (kind, name) {
            let min = doc
                .value
                .pointer("/spec/minReplicas")
                .and_then(Value::as_i64)
                .unwrap_or(1);
            let ns = self.namespace_id(doc.namespace());
            let (k, n) = (self.strings.intern(kind), self.strings.intern(name));
            self.hpas.push(ns, k, n, self.hpa_entries.len());
            self.hpa_entries.push((i, min));
        }
    }

    fn index_pdb(&mut self, i: usize, doc: &'a Document) {
        let Some(raw) = doc.value.pointer("/spec/selector") else {
            return;
        };
        let selector = LabelSelector::from_label_selector(Some(raw));
        let at = self.pdbs.len();
        self.pdb_index.add(
            &mut self.strings,
            &self.pods,
            doc.namespace(),
            at,
            &selector,
        );
        self.pdbs.push((i, selector));
    }

    /// A pointer within a document as a pointer within its file's document (list items get
    /// their `/items/N` prefix).
    pub fn full_pointer(&self, doc: usize, pointer: &str) -> String {
        match self.bases.get(doc) {
            Some(base) if !base.is_empty() => format!("{base}{pointer}"),
            _ => pointer.to_string(),
        }
    }

    /// The documents of one kind: `(index, document)`.
    pub fn of_kind(&self, kind: &str) -> impl Iterator<Item = (usize, &'a Document)> + '_ {
        self.by_kind
            .get(kind)
            .into_iter()
            .flatten()
            .map(|&i| (i, &self.docs[i]))
    }

    /// Whether the set holds at least one object of a kind.
    pub fn has_kind(&self, kind: &str) -> bool {
        self.by_kind.contains_key(kind)
    }

    /// Whether references to objects of `kind` can be checked: always for a complete set
    /// (an environment), and for files given to `lint` only when the set holds some object of
    /// that kind (otherwise the referenced objects are assumed to be managed elsewhere).
    pub fn can_resolve(&self, kind: &str) -> bool {
        self.cx.complete || self.has_kind(kind)
    }

    /// Whether the set holds at least one workload.
    pub fn has_workloads(&self) -> bool {
        !self.workloads.is_empty()
    }

    /// Whether the set holds a workload that can be in a namespace (one of that namespace,
    /// or one without a namespace, which is deployed into whichever it is applied to).
    pub fn has_workloads_in(&self, namespace: &str) -> bool {
        let scope = scope_of(&self.strings, Some(namespace));
        self.pods.postings.first(scope, EVERY, EVERY).is_some()
    }

    /// The workloads in a namespace whose pods can satisfy a selector (see
    /// [`Workload::pods_match`]), in document order. Only the workloads listed under the
    /// selector's most selective requirement are checked.
    pub fn workloads_matching<'s>(
        &'s self,
        namespace: Option<&'s str>,
        selector: &'s LabelSelector,
    ) -> impl Iterator<Item = &'s Workload<'a>> + 's {
        let scope = scope_of(&self.strings, namespace);
        self.pods
            .candidates(&self.strings, scope, selector)
            .into_iter()
            .map(|i| &self.workloads[i])
            .filter(move |w| same_namespace(namespace, w.namespace) && w.pods_match(selector))
    }

    /// The Services, in every namespace, whose own labels may satisfy a selector, in
    /// document order: a superset that the caller checks with [`LabelSelector::matches`].
    pub fn services_labelled<'s>(
        &'s self,
        selector: &'s LabelSelector,
    ) -> impl Iterator<Item = (usize, &'a Document)> + 's {
        self.services
            .candidates(&self.strings, Scope::All, selector)
            .into_iter()
            .map(|i| (i, &self.docs[i]))
    }

    /// Whether pods in a namespace may come from objects the set holds without a pod
    /// template: custom resources (see [`may_create_unseen_pods`]).
    pub fn may_hold_unseen_pods(&self, namespace: Option<&str>) -> bool {
        let scope = scope_of(&self.strings, namespace);
        self.unseen_pods.first(scope, EVERY, EVERY).is_some()
    }

    /// The object of a kind with a name, in a namespace.
    pub fn find(
        &self,
        kind: &str,
        namespace: Option<&str>,
        name: &str,
    ) -> Option<(usize, &'a Document)> {
        let (k, n) = (self.strings.get(kind)?, self.strings.get(name)?);
        let i = self
            .by_name
            .first(scope_of(&self.strings, namespace), k, n)?;
        Some((i, &self.docs[i]))
    }

    /// The HorizontalPodAutoscaler that scales a workload, with its `minReplicas` (1 when
    /// absent).
    pub fn hpa_for(&self, w: &Workload<'_>) -> Option<(usize, i64)> {
        let kind = self.strings.get(w.document.kind()?)?;
        let name = self.strings.get(w.name)?;
        let at = self
            .hpas
            .first(scope_of(&self.strings, w.namespace), kind, name)?;
        Some(self.hpa_entries[at])
    }

    /// The PodDisruptionBudgets whose selector matches a workload's pods (document indexes,
    /// in document order).
    pub fn pdbs_for(&self, w: &Workload<'_>) -> Vec<usize> {
        let labels = w
            .labels
            .into_iter()
            .flatten()
            .filter_map(|(k, v)| Some((k.as_str(), scalar_text(v)?)));
        self.pdb_index
            .candidates(&self.strings, w.namespace, labels)
            .into_iter()
            .map(|at| &self.pdbs[at])
            .filter(|(doc, selector)| {
                same_namespace(self.docs[*doc].namespace(), w.namespace)
                    && selector.matches(w.labels)
            })
            .map(|(doc, _)| *doc)
            .collect()
    }
}

fn extract_workload<'a>(doc_index: usize, doc: &'a Document, kind: &str) -> Option<Workload<'a>> {
    let kind = WorkloadKind::from_kind(kind)?;
    let pod = doc.value.pointer(kind.pod_pointer())?.as_object()?;
    let mut containers = Vec::new();
    for (field, init) in [("containers", false), ("initContainers", true)] {
        let Some(list) = pod.get(field).and_then(Value::as_array) else {
            continue;
        };
        for (i, c) in list.iter().enumerate() {
            if let Some(spec) = c.as_object() {
                containers.push(Container {
                    pointer: format!("{}/{field}/{i}", kind.pod_pointer()),
                    init,
                    name: spec.get("name").and_then(Value::as_str).unwrap_or(""),
                    spec,
                });
            }
        }
    }
    Some(Workload {
        doc: doc_index,
        document: doc,
        kind,
        name: doc.name().unwrap_or(""),
        namespace: doc.namespace(),
        pod,
        labels: doc
            .value
            .pointer(kind.labels_pointer())
            .and_then(Value::as_object),
        containers,
    })
}

/// Whether a document is a Compose file: a top-level `services` map and no `kind`.
pub fn is_compose(doc: &Document) -> bool {
    doc.kind().is_none() && doc.value.get("services").is_some_and(Value::is_object)
}

fn extract_compose<'a>(doc_index: usize, doc: &'a Document, out: &mut Vec<ComposeService<'a>>) {
    if !is_compose(doc) {
        return;
    }
    let Some(services) = doc.value.get("services").and_then(Value::as_object) else {
        return;
    };
    for (name, spec) in services {
        let spec = match spec {
            Value::Object(m) => Cow::Borrowed(m),
            _ => Cow::Owned(Map::new()),
        };
        let fragment = !spec.contains_key("image") && !spec.contains_key("build");
        out.push(ComposeService {
            doc: doc_index,
            name,
            pointer: format!("/services/{}", escape_token(name)),
            spec,
            fragment,
        });
    }
}

/// Compose `environment:` as `(key, value, pointer)`, in both the list (`KEY=value`) and the
/// map form. A list item without `=` has no value (it is passed through from the shell).
pub fn compose_environment(service: &ComposeService<'_>) -> Vec<(String, Option<String>, String)> {
    let mut out = Vec::new();
    match service.get("environment") {
        Some(Value::Array(items)) => {
            for (i, item) in items.iter().enumerate() {
                let Some(text) = item.as_str() else { continue };
                let (k, v) = match text.split_once('=') {
                    Some((k, v)) => (k, Some(v.to_string())),
                    None => (text, None),
                };
                out.push((k.to_string(), v, service.at(&format!("/environment/{i}"))));
            }
        }
        Some(Value::Object(map)) => {
            for (k, v) in map {
                let value = scalar_text(v).map(Cow::into_owned);
                out.push((
                    k.clone(),
                    value,
                    service.at(&format!("/environment/{}", escape_token(k))),
                ));
            }
        }
        _ => {}
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::{Source, load};

    /// A small deterministic generator (xorshift).
    struct Rng(u64);

    impl Rng {
        fn below(&mut self, n: u64) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0 % n
        }

        fn pick<'x>(&mut self, items: &[&'x str]) -> &'x str {
            items[self.below(items.len() as u64) as usize]
        }
    }

    const KEYS: &[&str] = &["app", "tier", "job-name", "pod-template-hash", "team"];
    const VALUES: &[&str] = &["a", "b", "c", "w0", "w1", "w2-123", "1"];
    const OPERATORS: &[&str] = &["In", "NotIn", "Exists", "DoesNotExist", "Bogus"];
    const KINDS: &[&str] = &["Deployment", "Job", "CronJob", "StatefulSet", "Pod"];

    fn namespace(rng: &mut Rng) -> String {
        match rng.below(3) {
            0 => String::new(),
            n => format!("  namespace: ns{n}\n"),
        }
    }

    /// Up to two labels, with different keys.
    fn labels(rng: &mut Rng) -> String {
        let first = rng.below(KEYS.len() as u64) as usize;
        (0..rng.below(3) as usize)
            .map(|j| KEYS[(first + 2 * j) % KEYS.len()])
            .map(|key| format!("{key}: \"{}\"", rng.pick(VALUES)))
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn selector(rng: &mut Rng) -> String {
        let exprs: Vec<String> = (0..rng.below(3))
            .map(|_| {
                let values: Vec<&str> = (0..rng.below(3)).map(|_| rng.pick(VALUES)).collect();
                format!(
                    "{{key: {}, operator: {}, values: [{}]}}",
                    rng.pick(KEYS),
                    rng.pick(OPERATORS),
                    values.join(", ")
                )
            })
            .collect();
        format!(
            "{{matchLabels: {{{}}}, matchExpressions: [{}]}}",
            labels(rng),
            exprs.join(", ")
        )
    }

    /// Random workloads (with generated labels), budgets and Services: the indexed lookups
    /// give what checking every object gives.
    #[test]
    fn index_lookups_match_a_scan() {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        for round in 0..40 {
            let mut text = String::new();
            for i in 0..30 {
                let ns = namespace(&mut rng);
                let kind = rng.pick(KINDS);
                let template = match kind {
                    "Pod" => format!(
                        "  labels: {{{}}}\nspec: {{containers: []}}\n",
                        labels(&mut rng)
                    ),
                    "CronJob" => format!(
                        "spec:\n  jobTemplate:\n    spec:\n      template:\n        metadata: {{labels: {{{}}}}}\n        spec: {{containers: []}}\n",
                        labels(&mut rng)
                    ),
                    _ => format!(
                        "spec:\n  template:\n    metadata: {{labels: {{{}}}}}\n    spec: {{containers: []}}\n",
                        labels(&mut rng)
                    ),
                };
                let (meta, spec) = match template.split_once("spec") {
                    Some((m, s)) if kind == "Pod" => (m.to_string(), format!("spec{s}")),
                    _ => (String::new(), template.clone()),
                };
                text.push_str(&format!(
                    "kind: {kind}\nmetadata:\n  name: w{}\n{ns}{meta}{spec}---\n",
                    i % 3
                ));
                let ns = namespace(&mut rng);
                text.push_str(&format!(
                    "kind: PodDisruptionBudget\nmetadata:\n  name: p{i}\n{ns}spec:\n  selector: {}\n---\n",
                    selector(&mut rng)
                ));
                let ns = namespace(&mut rng);
                text.push_str(&format!(
                    "kind: Service\nmetadata:\n  name: s{i}\n{ns}  labels: {{{}}}\n---\n",
                    labels(&mut rng)
                ));
            }
            let docs = load(&Source::new(format!("r{round}.yaml"), text)).unwrap();
            let cx = LintContext::new(crate::policy::Date::today());
            let set = ObjectSet::new(&docs, &cx);
            for ns in [None, Some("ns1"), Some("ns2"), Some("ns3")] {
                for _ in 0..20 {
                    let raw: Value = serde_json::from_str(&{
                        let yaml = selector(&mut rng);
                        let d = load(&Source::new("s.yaml", format!("x: {yaml}\n"))).unwrap();
                        d[0].value["x"].to_string()
                    })
                    .unwrap();
                    let sel = LabelSelector::from_label_selector(Some(&raw));
                    let indexed: Vec<usize> =
                        set.workloads_matching(ns, &sel).map(|w| w.doc).collect();
                    let scanned: Vec<usize> = set
                        .workloads
                        .iter()
                        .filter(|w| same_namespace(ns, w.namespace) && w.pods_match(&sel))
                        .map(|w| w.doc)
                        .collect();
                    assert_eq!(indexed, scanned, "{} in {ns:?}", sel.describe());
                    let services: Vec<usize> = set
                        .services_labelled(&sel)
                        .filter(|(_, s)| {
                            sel.matches(
                                s.value
                                    .pointer("/metadata/labels")
                                    .and_then(Value::as_object),
                            )
                        })
                        .map(|(i, _)| i)
                        .collect();
                    let all: Vec<usize> = set
                        .of_kind("Service")
                        .filter(|(_, s)| {
                            sel.matches(
                                s.value
                                    .pointer("/metadata/labels")
                                    .and_then(Value::as_object),
                            )
                        })
                        .map(|(i, _)| i)
                        .collect();
                    assert_eq!(services, all, "{}", sel.describe());
                }
            }
            for w in &set.workloads {
                let scanned: Vec<usize> = set
                    .pdbs
                    .iter()
                    .filter(|(doc, sel)| {
                        same_namespace(docs[*doc].namespace(), w.namespace) && sel.matches(w.labels)
                    })
                    .map(|(doc, _)| *doc)
                    .collect();
                assert_eq!(set.pdbs_for(w), scanned, "{}", w.document.display_name());
                for (kind, name) in [("Service", "s3"), ("PodDisruptionBudget", "p7")] {
                    let scanned = docs.iter().position(|d| {
                        d.kind() == Some(kind)
                            && d.name() == Some(name)
                            && same_namespace(w.namespace, d.namespace())
                    });
                    assert_eq!(set.find(kind, w.namespace, name).map(|(i, _)| i), scanned);
                }
            }
        }
    }
}
