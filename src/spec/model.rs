//! The typed environment spec: what one environment of one app declares.
//!
//! Every field is documented here; the documentation is exported into
//! `schemas/environment.schema.json`, so editors show it while a spec is written. Keys are
//! camelCase like Kubernetes'. An app's `app.yaml` and one `<env>.yaml` are merged before
//! they are read into these types (see `spec::layer`).

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::types::{CountOrPercent, Duration, IntOrString, Quantity};
pub use crate::policy::exemption::Allow;

/// One environment of one app: everything its manifests are rendered from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schemars(title = "shipshape environment spec")]
pub struct Spec {
    /// Base name of the workload and of the objects rendered for it (Deployment, Service,
    /// ConfigMap, ...). Lowercase letters, digits and `-`. Defaults to the app's folder name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"), length(max = 52))]
    pub name: Option<String>,

    /// Kubernetes namespace every namespaced object goes to.
    #[schemars(regex(pattern = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"), length(max = 63))]
    pub namespace: String,

    /// Also render the Namespace object itself.
    #[serde(default)]
    pub create_namespace: bool,

    /// Extra labels of the Namespace object (e.g. `istio-injection: enabled`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub namespace_labels: BTreeMap<String, String>,

    /// The application this workload is part of (`app.kubernetes.io/part-of`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub part_of: Option<String>,

    /// The workload's role in its application (`app.kubernetes.io/component`), e.g. `api` or
    /// `gateway`. Defaults to `server`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"), length(max = 63))]
    pub component: Option<String>,

    /// Which files to render for this environment.
    #[serde(default = "default_targets")]
    #[schemars(length(min = 1))]
    pub targets: Vec<Target>,

    /// The container image.
    pub image: Image,

    /// Overrides the image's entrypoint.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub command: Vec<String>,

    /// Arguments to the entrypoint.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub args: Vec<String>,

    /// Ports the container listens on, and how the Service exposes them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ports: Vec<Port>,

    /// The Service in front of the pods (rendered when there are ports).
    #[serde(default)]
    pub service: Service,

    /// Non-secret configuration: becomes a ConfigMap loaded with `envFrom`; the pod template
    /// carries a checksum of it, so a change rolls the pods.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config: Option<Config>,

    /// Plain (non-secret) environment variables set on the container directly, or the
    /// address of a connection (`{connection: ollama, scheme: http}`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub env: BTreeMap<String, EnvText>,

    /// What the app's own workload talks to, keyed by target: a component of this app
    /// (`postgres: {port: postgres}`), `app/component` or `app` of another app of the
    /// workspace, or a named external endpoint (`stripe: {host: api.stripe.com, port: 443}`,
    /// `corp-db: {cidr: 10.0.0.0/8, port: 5432}`). Checked when the spec loads; `env` and
    /// `config.data` values refer to them for addresses, and they make NetworkPolicy edges
    /// and Compose `depends_on`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub connections: BTreeMap<String, super::connections::Connection>,

    /// Render one NetworkPolicy per workload rendered for Kubernetes, allowing exactly the
    /// declared connections: this app's, and those of other apps' workloads (in the same
    /// environment) to this app's (plus DNS, and the ingress controller for a workload with
    /// an `ingress`).
    #[serde(default)]
    pub network_policies: bool,

    /// The namespace of the ingress controller, allowed to reach a workload with an
    /// `ingress` when `networkPolicies` is on. Defaults to `ingress-nginx`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"), length(max = 63))]
    pub ingress_controller_namespace: Option<String>,

    /// The namespace of the Prometheus that scrapes the app's `serviceMonitor` (or
    /// `prometheus`) port: with `networkPolicies` on, it is let in on that port. Without it,
    /// no scraper is let in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"), length(max = 63))]
    pub monitoring_namespace: Option<String>,

    /// References to Secrets that exist in the cluster (created by an operator, a sealed
    /// secret or an external store). A spec never holds a secret value.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub secrets: Vec<SecretRef>,

    /// CPU and memory requests and limits of the container.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resources: Option<Resources>,

    /// Liveness, readiness and startup probes.
    #[serde(default)]
    pub probes: Probes,

    /// Security settings of the pod and its container.
    #[serde(default)]
    pub security_context: SecurityContext,

    /// Number of pods (ignored as a fixed count when autoscaling is on: it becomes the
    /// starting size).
    #[serde(default = "one")]
    #[schemars(range(min = 0))]
    pub replicas: u32,

    /// Horizontal pod autoscaling (autoscaling/v2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub autoscaling: Option<Autoscaling>,

    /// The PodDisruptionBudget.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disruption_budget: Option<DisruptionBudget>,

    /// HTTP ingress.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ingress: Option<Ingress>,

    /// A database migration Job run before the new version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub migration: Option<Migration>,

    /// A Prometheus Operator ServiceMonitor scraping the Service.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_monitor: Option<ServiceMonitor>,

    /// `prometheus.io/*` scrape annotations on the pods.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prometheus: Option<PrometheusScrape>,

    /// How new versions roll out.
    #[serde(default)]
    pub rollout: Rollout,

    /// Spread pods across nodes and zones.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub affinity: Option<Affinity>,

    /// Topology spread constraints (the pods' labels are the selector).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub topology_spread: Vec<TopologySpread>,

    /// Container lifecycle hooks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lifecycle: Option<Lifecycle>,

    /// Seconds Kubernetes waits for the pod to stop before killing it; must cover the preStop
    /// delay and the app's own graceful shutdown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0))]
    pub termination_grace_period_seconds: Option<u32>,

    /// The ServiceAccount the pods run as.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_account: Option<ServiceAccount>,

    /// Extra labels on every object.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,

    /// The selector labels of the workload, replacing `app.kubernetes.io/name` and
    /// `instance`: set them to match a running Deployment when adopting it (a Deployment's
    /// selector cannot change). The pods, the Service, the budget and the scheduling rules
    /// select by them; every object carries them.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub selector_labels: BTreeMap<String, String>,

    /// The container's name; defaults to `name`. Set it to match a running workload when
    /// adopting one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"), length(max = 63))]
    pub container_name: Option<String>,

    /// Extra annotations on the pod template.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub pod_annotations: BTreeMap<String, String>,

    /// Settings only the Compose target uses.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compose: Option<Compose>,

    /// The app's further workloads, keyed by name (lowercase letters, digits and `-`): a
    /// database, a cache, a worker, a node agent, a CronJob. Each is rendered for the
    /// Kubernetes and Compose targets; its objects and its Compose service are named after
    /// its key.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub components: BTreeMap<String, super::workload::Component>,

    /// Accepted policy findings for this environment, each with a reason.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allow: Vec<Allow>,

    /// Extension data for the workspace's own templates, which read it as `extensions`.
    /// Its shape is the workspace's: the JSON Schema in `schemas/extensions.schema.json`
    /// checks it (without that file, this key is an error). Layered like the rest of the
    /// spec: maps merge, lists and scalars replace.
    #[serde(default, skip_serializing_if = "serde_json::Map::is_empty")]
    pub extensions: serde_json::Map<String, serde_json::Value>,
}

impl Spec {
    /// Whether the app's Compose service has a health check (its own, or an `exec` liveness
    /// probe), so that services depending on it wait until it is healthy.
    pub fn has_compose_healthcheck(&self) -> bool {
        self.compose
            .as_ref()
            .is_some_and(|c| c.healthcheck.is_some())
            || self
                .probes
                .liveness
                .as_ref()
                .is_some_and(|p| p.exec.is_some())
    }

    /// Whether the app's Compose file puts each connection edge on a network of its own
    /// (`compose.networkIsolation`).
    pub fn compose_isolated(&self) -> bool {
        self.compose.as_ref().is_some_and(|c| c.network_isolation)
    }
}

fn default_targets() -> Vec<Target> {
    vec![Target::Kubernetes]
}

fn one() -> u32 {
    1
}

fn yes() -> bool {
    true
}

/// A file kind shipshape renders.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Target {
    /// `kubernetes.yaml`: one multi-document stream for `kubectl apply -f`.
    Kubernetes,
    /// `values.yaml`: values for a conventional application Helm chart.
    Helm,
    /// `compose.yaml`: a Compose file.
    Compose,
}

impl Target {
    /// Every target, in rendering order.
    pub const ALL: [Target; 3] = [Target::Kubernetes, Target::Helm, Target::Compose];

    /// The folder of its templates, and its name in specs.
    pub fn as_str(self) -> &'static str {
        match self {
            Target::Kubernetes => "kubernetes",
            Target::Helm => "helm",
            Target::Compose => "compose",
        }
    }

    /// The file it renders to.
    pub fn file_name(self) -> &'static str {
        match self {
            Target::Kubernetes => "kubernetes.yaml",
            Target::Helm => "values.yaml",
            Target::Compose => "compose.yaml",
        }
    }
}

/// The container image: repository plus a tag or a digest (or both).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Image {
    /// Registry and repository, e.g. `ghcr.io/materi/api`.
    #[schemars(regex(pattern = r"^[a-z0-9]+([._/:-][a-z0-9]+)*$"))]
    pub repository: String,
    /// A version tag, e.g. `v1.0.0`. `latest` is accepted but fails the `image-tag-pinned`
    /// rule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$"))]
    pub tag: Option<String>,
    /// An immutable digest, e.g. `sha256:0123...`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^sha256:[a-f0-9]{64}$"))]
    pub digest: Option<String>,
    /// When the kubelet pulls the image.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pull_policy: Option<PullPolicy>,
    /// Names of existing docker-registry Secrets used to pull the image.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pull_secrets: Vec<String>,
}

impl Image {
    /// The full reference: `repo:tag@digest`, `repo@digest` or `repo:tag`.
    pub fn reference(&self) -> String {
        let mut s = self.repository.clone();
        if let Some(tag) = &self.tag {
            s.push(':');
            s.push_str(tag);
        }
        if let Some(digest) = &self.digest {
            s.push('@');
            s.push_str(digest);
        }
        s
    }
}

/// Image pull policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum PullPolicy {
    /// Pull on every start.
    Always,
    /// Pull only when the node lacks the image.
    IfNotPresent,
    /// Never pull.
    Never,
}

/// A port of the container.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Port {
    /// Port name (IANA service name: at most 15 characters), referenced by probes and the
    /// Service.
    #[schemars(regex(pattern = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"), length(max = 15))]
    pub name: String,
    /// The port the container listens on.
    #[schemars(range(min = 1, max = 65535))]
    pub container_port: u16,
    /// The Service port; defaults to `containerPort`. Set `expose: false` to keep the port off
    /// the Service.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 65535))]
    pub service_port: Option<u16>,
    /// Whether the Service exposes this port.
    #[serde(default = "yes")]
    pub expose: bool,
    /// The protocol.
    #[serde(default)]
    pub protocol: Protocol,
    /// Compose: the host port to publish it on (`"8000:8000"`); not published when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 65535))]
    pub host_port: Option<u16>,
}

/// Port protocol.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Serialize, Deserialize, JsonSchema,
)]
pub enum Protocol {
    /// TCP.
    #[default]
    TCP,
    /// UDP.
    UDP,
    /// SCTP.
    SCTP,
}

/// The Service.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Service {
    /// Service name; defaults to the workload name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^[a-z]([-a-z0-9]*[a-z0-9])?$"), length(max = 63))]
    pub name: Option<String>,
    /// Service type.
    #[serde(default, rename = "type")]
    pub kind: ServiceType,
    /// Annotations of the Service.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: BTreeMap<String, String>,
}

/// Service type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
pub enum ServiceType {
    /// Reachable inside the cluster only.
    #[default]
    ClusterIP,
    /// Also on a port of every node.
    NodePort,
    /// Through a cloud load balancer.
    LoadBalancer,
}

/// Non-secret configuration, rendered as a ConfigMap.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Config {
    /// ConfigMap name; defaults to `<name>-config`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(
        regex(pattern = r"^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$"),
        length(max = 253)
    )]
    pub name: Option<String>,
    /// The keys and values. Keys whose names look secret (PASSWORD, TOKEN, SECRET, ...) are
    /// refused: put them in a Secret and reference it under `secrets`.
    pub data: BTreeMap<String, ConfigEntry>,
}

/// A configuration entry: a value, or the address of one of the app's connections.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum ConfigEntry {
    /// A value.
    Value(ConfigValue),
    /// The address of a connection, in the form of the target it is rendered for.
    Address(super::connections::AddressRef),
}

/// A plain environment variable: its text, or the address of one of the app's connections.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum EnvText {
    /// The value.
    Text(String),
    /// The address of a connection, in the form of the target it is rendered for.
    Address(super::connections::AddressRef),
}

/// A configuration value: written as a string, number or boolean, stored as a string.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum ConfigValue {
    /// A string.
    String(String),
    /// A number, stored as its text.
    Number(serde_json::Number),
    /// A boolean, stored as `true` or `false`.
    Bool(bool),
}

impl ConfigValue {
    /// The value as the ConfigMap stores it.
    pub fn as_text(&self) -> String {
        match self {
            ConfigValue::String(s) => s.clone(),
            ConfigValue::Number(n) => n.to_string(),
            ConfigValue::Bool(b) => b.to_string(),
        }
    }
}

/// A reference to an existing Secret.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SecretRef {
    /// Name of the Secret in the namespace.
    #[schemars(
        regex(pattern = r"^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$"),
        length(max = 253)
    )]
    pub secret_name: String,
    /// Load every key of the Secret as an environment variable (`envFrom`).
    #[serde(default)]
    pub env_from: bool,
    /// Environment variables taken from single keys: variable name -> key in the Secret.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub keys: BTreeMap<String, String>,
    /// Where the Secret comes from (documentation for reviewers, e.g. `vault:kv/materi/api`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// CPU and memory.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Resources {
    /// What the scheduler reserves.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requests: Option<ResourceList>,
    /// The most the container may use.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limits: Option<ResourceList>,
}

/// Amounts of CPU and memory.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ResourceList {
    /// CPU, e.g. `500m` or `2`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpu: Option<Quantity>,
    /// Memory, e.g. `512Mi` or `2Gi`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory: Option<Quantity>,
}

/// The container's probes.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Probes {
    /// Restarts the container when it fails.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub liveness: Option<Probe>,
    /// Takes the pod out of the Service while it fails.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub readiness: Option<Probe>,
    /// Holds the other probes back until the app has started.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub startup: Option<Probe>,
}

/// One probe: exactly one of `http`, `tcp`, `exec`, `grpc`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Probe {
    /// An HTTP GET.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http: Option<HttpProbe>,
    /// A TCP connect to a port (name or number).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tcp: Option<IntOrString>,
    /// A command run in the container.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exec: Option<Vec<String>>,
    /// A gRPC health check on a port number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 65535))]
    pub grpc: Option<u16>,
    /// The service name a `grpc` probe asks about (the gRPC health protocol's `service`);
    /// the server's overall health when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grpc_service: Option<String>,
    /// Seconds before the first probe.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0))]
    pub initial_delay_seconds: Option<u32>,
    /// Seconds between probes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub period_seconds: Option<u32>,
    /// Seconds before a probe times out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub timeout_seconds: Option<u32>,
    /// Failures in a row that count as failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub failure_threshold: Option<u32>,
    /// Successes in a row that count as passed (1 for liveness and startup).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub success_threshold: Option<u32>,
}

/// An HTTP probe.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct HttpProbe {
    /// Request path, e.g. `/health`.
    #[schemars(regex(pattern = r"^/"))]
    pub path: String,
    /// Port name (from `ports`) or number.
    pub port: IntOrString,
    /// Request headers, e.g. `Host: api.example.com`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
    /// `HTTP` (default) or `HTTPS` (the certificate is not verified).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scheme: Option<HttpScheme>,
}

/// The scheme of an HTTP probe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum HttpScheme {
    /// Plain HTTP.
    HTTP,
    /// HTTPS, without certificate verification.
    HTTPS,
}

/// Security settings (pod and container).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SecurityContext {
    /// Refuse to start a container whose user is root.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run_as_non_root: Option<bool>,
    /// The user id processes run as.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run_as_user: Option<u32>,
    /// The group id processes run as.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run_as_group: Option<u32>,
    /// The group that owns mounted volumes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fs_group: Option<u32>,
    /// Mount the container's root filesystem read-only (use `writablePaths` for what must be
    /// written).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub read_only_root_filesystem: Option<bool>,
    /// Whether a process may gain more privileges than its parent (setuid binaries).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_privilege_escalation: Option<bool>,
    /// Linux capabilities to drop and add.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capabilities: Option<Capabilities>,
    /// Seccomp profile of the pod.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seccomp_profile: Option<SeccompProfile>,
    /// Paths the app writes to: each becomes an emptyDir volume mounted there (Compose: a
    /// tmpfs).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub writable_paths: Vec<WritablePath>,
}

/// Linux capabilities.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Capabilities {
    /// Capabilities to drop; `ALL` drops every one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub drop: Vec<String>,
    /// Capabilities to add back, e.g. `NET_BIND_SERVICE`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub add: Vec<String>,
}

/// Seccomp profile type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum SeccompProfile {
    /// The container runtime's default profile.
    RuntimeDefault,
    /// No seccomp filtering.
    Unconfined,
}

/// A writable path on a read-only root filesystem.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct WritablePath {
    /// Volume name.
    #[schemars(regex(pattern = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"), length(max = 63))]
    pub name: String,
    /// Absolute mount path.
    #[schemars(regex(pattern = r"^/"))]
    pub path: String,
    /// Size limit of the emptyDir, e.g. `256Mi`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size_limit: Option<Quantity>,
}

/// Horizontal pod autoscaling.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Autoscaling {
    /// Fewest pods.
    #[schemars(range(min = 1))]
    pub min_replicas: u32,
    /// Most pods.
    #[schemars(range(min = 1))]
    pub max_replicas: u32,
    /// Target average CPU utilisation, percent of the request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 100))]
    pub cpu: Option<u32>,
    /// Target average memory utilisation, percent of the request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 100))]
    pub memory: Option<u32>,
    /// Custom per-pod metrics (from a metrics adapter).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pod_metrics: Vec<PodMetric>,
    /// Scaling speed limits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub behavior: Option<ScalingBehavior>,
}

/// A Pods metric: scale so that the per-pod average stays at the target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PodMetric {
    /// Metric name, e.g. `http_requests_per_second`.
    pub name: String,
    /// Target average value per pod.
    pub average_value: Quantity,
}

/// Scale-up and scale-down rules.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ScalingBehavior {
    /// When adding pods.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale_up: Option<ScalingRules>,
    /// When removing pods.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale_down: Option<ScalingRules>,
}

/// Rules for one direction of scaling.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ScalingRules {
    /// Seconds of past recommendations considered (smooths flapping).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0, max = 3600))]
    pub stabilization_window_seconds: Option<u32>,
    /// Which policy wins when several allow a change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub select_policy: Option<SelectPolicy>,
    /// How much may change per period.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub policies: Vec<ScalingPolicy>,
}

/// Which scaling policy applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum SelectPolicy {
    /// The policy allowing the biggest change.
    Max,
    /// The policy allowing the smallest change.
    Min,
    /// No scaling in this direction.
    Disabled,
}

/// One scaling policy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ScalingPolicy {
    /// `Pods` (a count) or `Percent` (of the current size).
    #[serde(rename = "type")]
    pub kind: ScalingPolicyType,
    /// How many pods or percent.
    #[schemars(range(min = 1))]
    pub value: u32,
    /// Over how many seconds.
    #[schemars(range(min = 1, max = 1800))]
    pub period_seconds: u32,
}

/// Scaling policy unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum ScalingPolicyType {
    /// A number of pods.
    Pods,
    /// A percentage of the current replicas.
    Percent,
}

/// PodDisruptionBudget: set exactly one of `minAvailable` and `maxUnavailable`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct DisruptionBudget {
    /// Pods (count or percent) that must stay up during voluntary disruptions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_available: Option<CountOrPercent>,
    /// Pods (count or percent) that may be down during voluntary disruptions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_unavailable: Option<CountOrPercent>,
}

/// HTTP ingress.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Ingress {
    /// Ingress name; defaults to the workload name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(
        regex(pattern = r"^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$"),
        length(max = 253)
    )]
    pub name: Option<String>,
    /// IngressClass, e.g. `nginx`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub class_name: Option<String>,
    /// The host name served.
    #[schemars(regex(
        pattern = r"^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"
    ))]
    pub host: String,
    /// Path prefix routed to the Service.
    #[serde(default = "root_path")]
    #[schemars(regex(pattern = r"^/"))]
    pub path: String,
    /// Name of the Service port (from `ports`) that receives the traffic; defaults to the
    /// first exposed port.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<String>,
    /// TLS: the Secret holding (or receiving, with cert-manager) the certificate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls: Option<IngressTls>,
    /// cert-manager ClusterIssuer that issues the certificate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster_issuer: Option<String>,
    /// Controller annotations, e.g. `nginx.ingress.kubernetes.io/proxy-body-size`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: BTreeMap<String, String>,
}

fn root_path() -> String {
    "/".to_string()
}

/// Ingress TLS.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct IngressTls {
    /// Secret name of the certificate.
    #[schemars(
        regex(pattern = r"^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$"),
        length(max = 253)
    )]
    pub secret_name: String,
}

/// A migration Job.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Migration {
    /// The command that migrates (same image as the app).
    #[schemars(length(min = 1))]
    pub command: Vec<String>,
    /// Retries before the Job fails.
    #[serde(default = "three")]
    #[schemars(range(min = 0))]
    pub backoff_limit: u32,
    /// Seconds after which the Job is stopped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub active_deadline_seconds: Option<u32>,
    /// Seconds a finished Job is kept before it is deleted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0))]
    pub ttl_seconds_after_finished: Option<u32>,
    /// Render the Job as a Helm hook (in the Helm values, for the chart's hook template).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub helm_hook: Option<HelmHook>,
}

fn three() -> u32 {
    3
}

/// Helm hook settings of the migration Job.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct HelmHook {
    /// Hook events, e.g. `pre-upgrade`, `pre-install`.
    #[schemars(length(min = 1))]
    pub events: Vec<HookEvent>,
    /// Order among hooks (lower runs first).
    #[serde(default)]
    pub weight: i32,
    /// When Helm deletes the hook's Job.
    #[serde(default = "default_delete_policy")]
    pub delete_policy: String,
}

fn default_delete_policy() -> String {
    "before-hook-creation".to_string()
}

/// Helm hook events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum HookEvent {
    /// Before the first install.
    PreInstall,
    /// Before every upgrade.
    PreUpgrade,
    /// After the first install.
    PostInstall,
    /// After every upgrade.
    PostUpgrade,
}

/// A ServiceMonitor (Prometheus Operator).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ServiceMonitor {
    /// Name of the Service port scraped.
    pub port: String,
    /// Scrape path.
    #[serde(default = "metrics_path")]
    #[schemars(regex(pattern = r"^/"))]
    pub path: String,
    /// Scrape interval, e.g. `15s`.
    #[serde(default = "fifteen_seconds")]
    pub interval: Duration,
    /// Labels the Prometheus instance selects ServiceMonitors by.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
}

fn metrics_path() -> String {
    "/metrics".to_string()
}

fn fifteen_seconds() -> Duration {
    Duration("15s".to_string())
}

/// `prometheus.io/*` scrape annotations.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PrometheusScrape {
    /// Port number scraped.
    #[schemars(range(min = 1, max = 65535))]
    pub port: u16,
    /// Scrape path.
    #[serde(default = "metrics_path")]
    #[schemars(regex(pattern = r"^/"))]
    pub path: String,
}

/// How new versions roll out.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Rollout {
    /// Pods above the desired count during a rolling update (count or percent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_surge: Option<CountOrPercent>,
    /// Pods below the desired count during a rolling update (count or percent); 0 keeps full
    /// capacity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_unavailable: Option<CountOrPercent>,
    /// Blue/green: two Deployments (one per colour); the Service selects the active one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blue_green: Option<BlueGreen>,
    /// Canary analysis: Flagger or Istio traffic weights.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub canary: Option<Canary>,
}

/// Blue/green deployment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct BlueGreen {
    /// The colour the Service and the autoscaler point at.
    pub active: Colour,
    /// Replicas of the idle colour (0 frees its capacity; keep some for instant rollback).
    #[serde(default)]
    pub idle_replicas: u32,
    /// Image of the idle colour (the previous version, for rollback); defaults to `image`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idle_image_tag: Option<String>,
}

/// A blue/green colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Colour {
    /// Blue.
    Blue,
    /// Green.
    Green,
}

impl Colour {
    /// The lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Colour::Blue => "blue",
            Colour::Green => "green",
        }
    }

    /// The other colour.
    pub fn other(self) -> Colour {
        match self {
            Colour::Blue => Colour::Green,
            Colour::Green => Colour::Blue,
        }
    }
}

/// Canary releases: exactly one of `flagger` and `istio`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Canary {
    /// A Flagger Canary that shifts traffic step by step while metrics hold.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flagger: Option<FlaggerCanary>,
    /// A fixed Istio VirtualService split between the stable and canary subsets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub istio: Option<IstioCanary>,
}

/// Flagger canary analysis.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct FlaggerCanary {
    /// Seconds a rollout may make no progress before it is rolled back.
    #[serde(default = "six_hundred")]
    pub progress_deadline_seconds: u32,
    /// Time between analysis steps, e.g. `30s`.
    pub interval: Duration,
    /// Failed checks before a rollback.
    #[schemars(range(min = 1))]
    pub threshold: u32,
    /// Highest traffic percentage sent to the canary.
    #[schemars(range(min = 1, max = 100))]
    pub max_weight: u32,
    /// Traffic percentage added per step.
    #[schemars(range(min = 1, max = 100))]
    pub step_weight: u32,
    /// Metric checks (Flagger built-ins such as `request-success-rate` and
    /// `request-duration`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub metrics: Vec<CanaryMetric>,
}

fn six_hundred() -> u32 {
    600
}

/// A canary metric check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CanaryMetric {
    /// Metric name.
    pub name: String,
    /// For success rate: the minimum percent; for duration: the maximum milliseconds.
    pub threshold: f64,
    /// Window of the metric query, e.g. `1m`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interval: Option<Duration>,
}

/// Istio canary split.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct IstioCanary {
    /// Percent of traffic sent to the canary subset.
    #[schemars(range(min = 0, max = 100))]
    pub weight: u32,
    /// Requests with this header are always routed to the canary (e.g. `canary: "true"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub header: Option<HeaderMatch>,
    /// Image tag the canary pods run (the new version). A second Deployment `<name>-canary`
    /// runs it with the label `track: canary`; the main Deployment is `track: stable`. Unset:
    /// no canary Deployment is rendered, and the canary subset routes to whatever pods carry
    /// `track: canary`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$"))]
    pub canary_image_tag: Option<String>,
    /// Replicas of the canary Deployment.
    #[serde(default = "one")]
    #[schemars(range(min = 1))]
    pub canary_replicas: u32,
}

/// An exact header match.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct HeaderMatch {
    /// Header name (lowercase).
    pub name: String,
    /// Exact value.
    pub value: String,
}

/// Scheduling preferences.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Affinity {
    /// Keep pods of this workload off the same node: `preferred` or `required`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pod_anti_affinity: Option<AntiAffinity>,
}

/// Pod anti-affinity strength.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum AntiAffinity {
    /// The scheduler tries (weight 100) but may co-locate when it must.
    Preferred,
    /// Never two pods on one node.
    Required,
}

/// One topology spread constraint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct TopologySpread {
    /// Node label that defines the domains, e.g. `topology.kubernetes.io/zone`.
    pub topology_key: String,
    /// Largest allowed difference in pod count between domains.
    #[serde(default = "one")]
    #[schemars(range(min = 1))]
    pub max_skew: u32,
    /// What to do when the constraint cannot be met.
    #[serde(default)]
    pub when_unsatisfiable: WhenUnsatisfiable,
}

/// Topology spread fallback.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
pub enum WhenUnsatisfiable {
    /// Schedule anyway, preferring less skew.
    #[default]
    ScheduleAnyway,
    /// Leave the pod pending.
    DoNotSchedule,
}

/// Container lifecycle.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Lifecycle {
    /// Seconds to sleep before the container gets SIGTERM, so endpoints are removed first.
    #[schemars(range(min = 1))]
    pub pre_stop_sleep_seconds: u32,
}

/// The pods' ServiceAccount.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ServiceAccount {
    /// Render the ServiceAccount object (otherwise it must exist).
    #[serde(default = "yes")]
    pub create: bool,
    /// Name; defaults to the workload name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Mount the API token into pods (off unless the app calls the Kubernetes API).
    #[serde(default)]
    pub automount_token: bool,
    /// Annotations (e.g. a cloud IAM role).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: BTreeMap<String, String>,
}

/// Compose-only settings.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Compose {
    /// Compose project name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project: Option<String>,
    /// Build the image from this context instead of pulling it (development).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub build: Option<String>,
    /// `env_file` entries, loaded in order (later files win).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub env_files: Vec<String>,
    /// Bind mounts or named volumes of the app service (`source:target[:ro]`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub volumes: Vec<String>,
    /// How `docker stack`/Swarm replaces containers on update.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub update_order: Option<UpdateOrder>,
    /// Services the app depends on (postgres, redis, prometheus, ...). A component under
    /// `components` is the fuller form: it is hardened like the app and renders for
    /// Kubernetes too.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub dependencies: BTreeMap<String, Dependency>,
    /// Components (by key) the app's service starts after; it waits until each is healthy
    /// when that one has a health check.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub depends_on: Vec<String>,
    /// Health check of the app service. Compose has no HTTP probe, so give a command the
    /// image can run (e.g. `[curl, -fsS, http://localhost:8080/health]`); when unset, an
    /// `exec` liveness probe is used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub healthcheck: Option<Healthcheck>,
    /// Put each edge of the connection graph (a declared connection, a dependency, a
    /// `dependsOn`) on a network of its own, so that a service shares a network only with
    /// the services it connects to and those that connect to it, instead of every service
    /// sharing the default network. A service without edges gets a network of its own.
    #[serde(default)]
    pub network_isolation: bool,
}

/// Compose update order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum UpdateOrder {
    /// Start the new container before stopping the old one (no gap).
    StartFirst,
    /// Stop the old container first.
    StopFirst,
}

/// A Compose dependency service.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Dependency {
    /// Image with a pinned tag, e.g. `postgres:16.4-alpine`.
    pub image: String,
    /// Environment (non-secret; secret-looking names are refused).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub environment: BTreeMap<String, ConfigValue>,
    /// Published ports (`"5432:5432"`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ports: Vec<String>,
    /// Volumes (`name:/path` for named volumes, declared automatically; `./file:/path:ro`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub volumes: Vec<String>,
    /// Command override.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub command: Vec<String>,
    /// Health check: the app waits for it (`depends_on: condition: service_healthy`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub healthcheck: Option<Healthcheck>,
}

/// A Compose health check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Healthcheck {
    /// The command (exec form).
    #[schemars(length(min = 1))]
    pub test: Vec<String>,
    /// Time between checks, e.g. `10s`.
    #[serde(default = "ten_seconds")]
    pub interval: Duration,
    /// Time before a check counts as failed.
    #[serde(default = "five_seconds")]
    pub timeout: Duration,
    /// Failures in a row before unhealthy.
    #[serde(default = "five")]
    pub retries: u32,
    /// Grace period after start.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_period: Option<Duration>,
}

fn ten_seconds() -> Duration {
    Duration("10s".to_string())
}

fn five_seconds() -> Duration {
    Duration("5s".to_string())
}

fn five() -> u32 {
    5
}
