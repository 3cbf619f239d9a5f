//! The components of an app: each one workload (Deployment, StatefulSet, DaemonSet, Job or
//! CronJob) with its containers, volumes, Services and its own scaling, budget and rollout.
//!
//! Components are keyed by name under `components:`, so an environment file changes one
//! field of one component without repeating the rest. A component's objects are named
//! after its key (`postgres`), which is also its Compose service name, so the address
//! `postgres:5432` means the same on both targets.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::model::{
    Autoscaling, DisruptionBudget, Healthcheck, Image, Ingress, Port, Probes, Resources, SecretRef,
    SecurityContext, ServiceAccount, Target, TopologySpread,
};
use super::pod::{
    ComponentAffinity, Container, EnvFrom, EnvValue, Storage, Toleration, Volume, VolumeMount,
};
use super::types::{CountOrPercent, Duration};

/// One workload of the app.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Component {
    /// The workload kind.
    #[serde(default)]
    pub kind: WorkloadKind,
    /// Which targets render this component; defaults to the app's `targets`. On `helm`, an
    /// app with such components gets values for the bjw-s app-template chart. A datastore
    /// that only local stacks run is `targets: [compose]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub targets: Option<Vec<Target>>,
    /// Why this component is not rendered for a target that the app renders (e.g. a managed
    /// database in production). For reviewers; shipshape does not read it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,

    /// The main container's image.
    pub image: Image,
    /// The main container's name; defaults to the component's key. Set it to match a running
    /// workload when adopting one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"), length(max = 63))]
    pub container_name: Option<String>,
    /// Overrides the image's entrypoint.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub command: Vec<String>,
    /// Arguments to the entrypoint.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub args: Vec<String>,
    /// Ports the main container listens on.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ports: Vec<Port>,
    /// Environment variables of the main container: literal values, references, or the
    /// address of a connection (`{connection: postgres}`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub env: BTreeMap<String, EnvValue>,
    /// What this component talks to, keyed by target: another component (`postgres:
    /// {port: postgres}`), the app's own workload by the app's name, `app/component` or
    /// `app` of another app of the workspace, or a named external endpoint (`stripe: {host:
    /// api.stripe.com, port: 443}`, `corp-db: {cidr: 10.0.0.0/8, port: 5432}`). Checked
    /// when the spec loads; env values refer to them for addresses, and they make
    /// NetworkPolicy edges and Compose `depends_on`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub connections: BTreeMap<String, super::connections::Connection>,
    /// Whole ConfigMaps or Secrets loaded as environment variables.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub env_from: Vec<EnvFrom>,
    /// References to existing Secrets, as for the app's own workload.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub secrets: Vec<SecretRef>,
    /// CPU and memory of the main container.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resources: Option<Resources>,
    /// Probes of the main container.
    #[serde(default)]
    pub probes: Probes,
    /// Security settings of the pod and of every container (a sidecar may override its own).
    #[serde(default)]
    pub security_context: SecurityContext,
    /// Volumes mounted into the main container.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub volume_mounts: Vec<VolumeMount>,

    /// Sidecars: containers that run beside the main one for the pod's whole life (rendered
    /// as native sidecars: init containers with `restartPolicy: Always`, started before the
    /// main container and stopped after it).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub sidecars: BTreeMap<String, Container>,
    /// Init containers: run to completion, one after another in the order of their names,
    /// before the main container starts.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub init_containers: BTreeMap<String, Container>,
    /// Volumes of the pod, by name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub volumes: BTreeMap<String, Volume>,
    /// StatefulSet storage: one PersistentVolumeClaim per pod for each entry, mounted into
    /// the main container (Compose: a named volume).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub storage: BTreeMap<String, Storage>,

    /// Number of pods (Deployment, StatefulSet); the starting size with autoscaling.
    #[serde(default = "one")]
    #[schemars(range(min = 0))]
    pub replicas: u32,
    /// The Services in front of the pods, by name. When unset and the main container has
    /// ports, one ClusterIP Service named after the component exposes them (a StatefulSet's
    /// is headless: its pods get stable names such as `postgres-0.postgres`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub services: Option<BTreeMap<String, ComponentService>>,
    /// Job settings (Job and CronJob).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job: Option<JobSettings>,
    /// CronJob: when it runs, in cron syntax (`0 3 * * *`) in the controller's time zone
    /// unless `timeZone` is set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(
        pattern = r"^(@(yearly|annually|monthly|weekly|daily|midnight|hourly)|(\S+\s+){4}\S+)$"
    ))]
    pub schedule: Option<String>,
    /// CronJob: the IANA time zone of `schedule`, e.g. `Europe/Berlin`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<String>,
    /// CronJob: what to do when a run is due while the last one still runs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub concurrency_policy: Option<ConcurrencyPolicy>,

    /// Horizontal pod autoscaling (Deployment, StatefulSet).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub autoscaling: Option<Autoscaling>,
    /// The PodDisruptionBudget of this component's pods.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disruption_budget: Option<DisruptionBudget>,
    /// HTTP ingress to this component's Service.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ingress: Option<Ingress>,
    /// How new versions roll out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rollout: Option<ComponentRollout>,

    /// Only nodes with these labels.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub node_selector: BTreeMap<String, String>,
    /// Node taints the pods tolerate.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tolerations: Vec<Toleration>,
    /// Node and pod affinity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub affinity: Option<ComponentAffinity>,
    /// Topology spread constraints (the pods' selector labels are the selector).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub topology_spread: Vec<TopologySpread>,
    /// The PriorityClass of the pods.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority_class_name: Option<String>,
    /// The ServiceAccount the pods run as; without one they run as the namespace's default
    /// account with no API token mounted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_account: Option<ServiceAccount>,
    /// Seconds Kubernetes waits for the pod to stop before killing it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub termination_grace_period_seconds: Option<u32>,
    /// The selector labels, replacing `app.kubernetes.io/name` and `instance`: set them to
    /// match a running workload when adopting one (a Deployment's selector cannot change).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub selector_labels: BTreeMap<String, String>,
    /// Extra labels on this component's objects.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
    /// Extra annotations on the pod template.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub pod_annotations: BTreeMap<String, String>,

    /// Settings only the Compose target uses.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compose: Option<ComponentCompose>,

    /// Extension data for the workspace's own templates, which read it as the component's
    /// `extensions`. Checked by the same workspace schema as the app's `extensions`
    /// (`schemas/extensions.schema.json`).
    #[serde(default, skip_serializing_if = "serde_json::Map::is_empty")]
    pub extensions: serde_json::Map<String, serde_json::Value>,
}

fn one() -> u32 {
    1
}

impl Component {
    /// Whether it has a Compose health check (others wait for it to be healthy).
    pub fn has_compose_healthcheck(&self) -> bool {
        self.compose
            .as_ref()
            .is_some_and(|x| x.healthcheck.is_some())
            || self
                .probes
                .liveness
                .as_ref()
                .is_some_and(|p| p.exec.is_some())
    }
}

/// A workload kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
pub enum WorkloadKind {
    /// Interchangeable pods.
    #[default]
    Deployment,
    /// Pods with stable names and their own storage (databases, queues).
    StatefulSet,
    /// One pod per node (log shippers, node agents).
    DaemonSet,
    /// Pods that run to completion once.
    Job,
    /// A Job on a schedule.
    CronJob,
}

impl WorkloadKind {
    /// The kind's name.
    pub fn as_str(self) -> &'static str {
        match self {
            WorkloadKind::Deployment => "Deployment",
            WorkloadKind::StatefulSet => "StatefulSet",
            WorkloadKind::DaemonSet => "DaemonSet",
            WorkloadKind::Job => "Job",
            WorkloadKind::CronJob => "CronJob",
        }
    }

    /// Whether its pods run to completion.
    pub fn runs_to_completion(self) -> bool {
        matches!(self, WorkloadKind::Job | WorkloadKind::CronJob)
    }

    /// Whether it has a replica count.
    pub fn has_replicas(self) -> bool {
        matches!(self, WorkloadKind::Deployment | WorkloadKind::StatefulSet)
    }
}

/// A Service of a component.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ComponentService {
    /// Service type; `Headless` is a ClusterIP Service without a cluster IP.
    #[serde(default, rename = "type")]
    pub kind: ComponentServiceType,
    /// Names of the ports it exposes (any container's `ports`); every exposed port of the
    /// main container when unset.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ports: Vec<String>,
    /// Annotations of the Service.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: BTreeMap<String, String>,
}

/// The type of a component's Service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
pub enum ComponentServiceType {
    /// Reachable inside the cluster only.
    #[default]
    ClusterIP,
    /// DNS names for each pod, no load-balancing IP.
    Headless,
    /// Also on a port of every node.
    NodePort,
    /// Through a cloud load balancer.
    LoadBalancer,
}

/// Job settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct JobSettings {
    /// Retries before the Job fails.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0))]
    pub backoff_limit: Option<u32>,
    /// Successful pods needed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub completions: Option<u32>,
    /// Pods run at once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub parallelism: Option<u32>,
    /// Seconds after which the Job is stopped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub active_deadline_seconds: Option<u32>,
    /// Seconds a finished Job is kept before it is deleted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0))]
    pub ttl_seconds_after_finished: Option<u32>,
    /// `OnFailure` restarts a failed container in place; `Never` (the default) starts a new
    /// pod.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restart_policy: Option<JobRestartPolicy>,
}

/// Restart policy of a Job's pods.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum JobRestartPolicy {
    /// Restart the container in the same pod.
    OnFailure,
    /// A new pod for each retry.
    Never,
}

/// A CronJob's concurrency policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum ConcurrencyPolicy {
    /// Runs may overlap.
    Allow,
    /// Skip the new run.
    Forbid,
    /// Stop the running one and start the new one.
    Replace,
}

/// How a component's new versions roll out.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ComponentRollout {
    /// Deployment: pods above the desired count during an update (count or percent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_surge: Option<CountOrPercent>,
    /// Pods below the desired count during an update (count or percent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_unavailable: Option<CountOrPercent>,
    /// StatefulSet: pods with an ordinal below this keep the old version (staged rollouts).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partition: Option<u32>,
    /// `Recreate` (Deployment) or `OnDelete` (StatefulSet, DaemonSet) instead of a rolling
    /// update.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strategy: Option<RolloutStrategy>,
}

/// A non-rolling update strategy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum RolloutStrategy {
    /// Deployment: stop every old pod, then start the new ones.
    Recreate,
    /// StatefulSet, DaemonSet: replace a pod only when it is deleted.
    OnDelete,
    /// The default rolling update.
    RollingUpdate,
}

/// Compose-only settings of a component's service.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ComponentCompose {
    /// Build the image from this context instead of pulling it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub build: Option<String>,
    /// Bind mounts (`./file:/path:ro`) or extra named volumes (`name:/path`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub volumes: Vec<String>,
    /// Services this one starts after: other components, or the app's own workload by the
    /// app's name. It waits until each is healthy when that one has a health check.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub depends_on: Vec<String>,
    /// Health check; when unset, an `exec` liveness probe is used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub healthcheck: Option<Healthcheck>,
    /// Seconds Compose waits before killing the container (`stop_grace_period`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stop_grace_period: Option<Duration>,
}
