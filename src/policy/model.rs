//! What rules look at, extracted once from parsed documents.
//!
//! [`ObjectSet`] holds the documents of one lint run with everything derived from them: the
//! pod spec of every workload kind (Deployment, StatefulSet, DaemonSet, ReplicaSet,
//! ReplicationController, Job, CronJob, Pod: [`WorkloadKind`] is the one place that says what
//! a workload is) with its containers, the labels its pods carry (the template's and those
//! the controller adds), each container's effective security context (pod-level
//! settings inherited), the services of Compose files, and indexes that cross-resource rules
//! use (objects by kind, pods by label, HPAs by target, PDBs). Nothing here re-parses text.

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

/// Whether a label key is one that some controller adds to its pods.
fn is_generated_label(key: &str) -> bool {
    [
        WorkloadKind::Deployment,
        WorkloadKind::StatefulSet,
        WorkloadKind::DaemonSet,
        WorkloadKind::Job,
        WorkloadKind::CronJob,
    ]
    .iter()
    .any(|k| k.generated_labels().iter().any(|(name, _)| *name == key))
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

/// An autoscaler by its target: document index, namespace, `minReplicas`.
type HpaEntry<'a> = (usize, Option<&'a str>, i64);

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
    by_kind: HashMap<&'a str, Vec<usize>>,
    by_name: HashMap<(&'a str, &'a str), Vec<usize>>,
    by_label: HashMap<(String, String), Vec<usize>>,
    hpas: HashMap<(&'a str, &'a str), Vec<HpaEntry<'a>>>,
    pdbs: Vec<(usize, LabelSelector)>,
    pdb_by_label: HashMap<(String, String), Vec<usize>>,
    pdb_unindexed: Vec<usize>,
}

impl<'a> ObjectSet<'a> {
    /// Extracts workloads, Compose services and indexes from documents.
    pub fn new(docs: &'a [Document], cx: &'a LintContext) -> ObjectSet<'a> {
        let mut set = ObjectSet {
            docs,
            cx,
            workloads: Vec::new(),
            compose: Vec::new(),
            bases: Vec::new(),
            by_kind: HashMap::new(),
            by_name: HashMap::new(),
            by_label: HashMap::new(),
            hpas: HashMap::new(),
            pdbs: Vec::new(),
            pdb_by_label: HashMap::new(),
            pdb_unindexed: Vec::new(),
        };
        for (i, doc) in docs.iter().enumerate() {
            match doc.kind() {
                Some(kind) => {
                    set.by_kind.entry(kind).or_default().push(i);
                    if let Some(name) = doc.name() {
                        set.by_name.entry((kind, name)).or_default().push(i);
                    }
                    match kind {
                        "HorizontalPodAutoscaler" => set.index_hpa(i, doc),
                        "PodDisruptionBudget" => set.index_pdb(i, doc),
                        _ => {}
                    }
                    if let Some(w) = extract_workload(i, doc, kind) {
                        set.workloads.push(w);
                    }
                }
                None => extract_compose(i, doc, &mut set.compose),
            }
        }
        for (wi, w) in set.workloads.iter().enumerate() {
            for (k, v) in w.labels.into_iter().flatten() {
                if let Some(v) = scalar_text(v) {
                    set.by_label
                        .entry((k.clone(), v.into_owned()))
                        .or_default()
                        .push(wi);
                }
            }
        }
        set
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
            self.hpas
                .entry((kind, name))
                .or_default()
                .push((i, doc.namespace(), min));
        }
    }

    fn index_pdb(&mut self, i: usize, doc: &'a Document) {
        let Some(raw) = doc.value.pointer("/spec/selector") else {
            return;
        };
        let selector = LabelSelector::from_label_selector(Some(raw));
        let at = self.pdbs.len();
        match selector.labels.first() {
            Some(pair) => self.pdb_by_label.entry(pair.clone()).or_default().push(at),
            None => self.pdb_unindexed.push(at),
        }
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

    /// The workloads in a namespace whose pods can satisfy a selector (see
    /// [`Workload::pods_match`]).
    pub fn workloads_matching<'s>(
        &'s self,
        namespace: Option<&'s str>,
        selector: &'s LabelSelector,
    ) -> Box<dyn Iterator<Item = &'s Workload<'a>> + 's> {
        // The index holds template labels: a selector on a label that controllers add is
        // checked against every workload.
        let candidates: Box<dyn Iterator<Item = usize> + 's> = match selector.labels.first() {
            Some(pair) if !is_generated_label(&pair.0) => {
                Box::new(self.by_label.get(pair).into_iter().flatten().copied())
            }
            _ => Box::new(0..self.workloads.len()),
        };
        Box::new(
            candidates
                .map(|i| &self.workloads[i])
                .filter(move |w| same_namespace(namespace, w.namespace) && w.pods_match(selector)),
        )
    }

    /// Whether pods in a namespace may come from objects the set holds without a pod
    /// template: custom resources (see [`may_create_unseen_pods`]).
    pub fn may_hold_unseen_pods(&self, namespace: Option<&str>) -> bool {
        self.by_kind.iter().any(|(kind, docs)| {
            docs.iter().any(|&i| {
                let doc = &self.docs[i];
                may_create_unseen_pods(doc.api_version(), kind)
                    && same_namespace(namespace, doc.namespace())
            })
        })
    }

    /// The object of a kind with a name, in a namespace.
    pub fn find(
        &self,
        kind: &str,
        namespace: Option<&str>,
        name: &str,
    ) -> Option<(usize, &'a Document)> {
        self.by_name
            .get(&(kind, name))
            .into_iter()
            .flatten()
            .map(|&i| (i, &self.docs[i]))
            .find(|(_, d)| same_namespace(namespace, d.namespace()))
    }

    /// The HorizontalPodAutoscaler that scales a workload, with its `minReplicas` (1 when
    /// absent).
    pub fn hpa_for(&self, w: &Workload<'_>) -> Option<(usize, i64)> {
        let kind = w.document.kind()?;
        self.hpas
            .get(&(kind, w.name))?
            .iter()
            .find(|(_, ns, _)| same_namespace(*ns, w.namespace))
            .map(|&(i, _, min)| (i, min))
    }

    /// The PodDisruptionBudgets whose selector matches a workload's pods (document indexes,
    /// in document order).
    pub fn pdbs_for(&self, w: &Workload<'_>) -> Vec<usize> {
        let mut candidates: Vec<usize> = self.pdb_unindexed.clone();
        for (k, v) in w.labels.into_iter().flatten() {
            if let Some(v) = scalar_text(v)
                && let Some(found) = self.pdb_by_label.get(&(k.clone(), v.into_owned()))
            {
                candidates.extend(found);
            }
        }
        candidates.sort_unstable();
        candidates.dedup();
        candidates
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
