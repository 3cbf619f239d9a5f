//! What a pod is made of, for the components of an app: containers (the main one, sidecars
//! and init containers), their environment and mounts, and the pod's volumes.
//!
//! The app's own workload (the top-level keys of a spec) keeps its shorter single-container
//! form; a component's main container is written the same way (its keys sit on the
//! component itself), and every other container is a [`Container`] keyed by name.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::model::{Image, Port, Probes, Resources, SecurityContext};
use super::types::Quantity;

/// A container beside the component's main one: a sidecar or an init container.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Container {
    /// The container image.
    pub image: Image,
    /// Overrides the image's entrypoint.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub command: Vec<String>,
    /// Arguments to the entrypoint.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub args: Vec<String>,
    /// Ports the container listens on (a Service may expose them by name).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ports: Vec<Port>,
    /// Environment variables: literal values or references.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub env: BTreeMap<String, EnvValue>,
    /// Whole ConfigMaps or Secrets loaded as environment variables.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub env_from: Vec<EnvFrom>,
    /// CPU and memory requests and limits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resources: Option<Resources>,
    /// Liveness, readiness and startup probes (sidecars only: init containers run to
    /// completion and take no probes).
    #[serde(default)]
    pub probes: Probes,
    /// Security settings of this container (`runAsUser`, `readOnlyRootFilesystem`,
    /// `capabilities`, ...). Unset keys take the component's values.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security_context: Option<SecurityContext>,
    /// Volumes of the pod mounted into this container.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub volume_mounts: Vec<VolumeMount>,
}

/// An environment variable's value: a literal, or a reference the kubelet resolves.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum EnvValue {
    /// A literal value (numbers and booleans are written as their text).
    Literal(super::model::ConfigValue),
    /// A reference.
    From(EnvSource),
    /// The address of one of the workload's connections, in the form of the target it is
    /// rendered for (`{connection: ollama, scheme: http}` -> `http://ollama:11434`).
    Address(super::connections::AddressRef),
}

/// Where an environment variable's value comes from: exactly one key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct EnvSource {
    /// A key of an existing Secret (Compose passes the variable through from the shell).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_key_ref: Option<KeyRef>,
    /// A key of a ConfigMap.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config_map_key_ref: Option<KeyRef>,
    /// A field of the pod, e.g. `metadata.name`, `status.podIP`, `spec.nodeName`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(
        pattern = r"^(metadata\.(name|namespace|uid|labels\['[^']+'\]|annotations\['[^']+'\])|spec\.(nodeName|serviceAccountName)|status\.(hostIP|hostIPs|podIP|podIPs))$"
    ))]
    pub field_ref: Option<String>,
    /// A resource of the container, e.g. `limits.memory` or `requests.cpu`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(
        pattern = r"^(limits|requests)\.(cpu|memory|ephemeral-storage|hugepages-[0-9A-Za-z]+)$"
    ))]
    pub resource_field_ref: Option<String>,
}

/// A key of a named ConfigMap or Secret.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct KeyRef {
    /// The object's name.
    #[schemars(
        regex(pattern = r"^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$"),
        length(max = 253)
    )]
    pub name: String,
    /// The key.
    #[schemars(regex(pattern = r"^[-._a-zA-Z0-9]+$"), length(max = 253))]
    pub key: String,
    /// Start the container even when the object or key is missing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub optional: Option<bool>,
}

/// A whole ConfigMap or Secret loaded as environment variables: exactly one of the two.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct EnvFrom {
    /// A ConfigMap's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config_map: Option<String>,
    /// A Secret's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
    /// A prefix for every variable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefix: Option<String>,
}

/// A volume mounted into a container.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct VolumeMount {
    /// The volume: a key of the component's `volumes` or `storage`.
    pub name: String,
    /// Absolute path in the container.
    #[schemars(regex(pattern = r"^/"))]
    pub mount_path: String,
    /// A path inside the volume to mount instead of its root.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_path: Option<String>,
    /// Mount read-only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub read_only: Option<bool>,
}

/// A volume of the pod: exactly one source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Volume {
    /// Scratch space that lives as long as the pod (Compose: a tmpfs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub empty_dir: Option<EmptyDir>,
    /// Files from a ConfigMap.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config_map: Option<FilesFrom>,
    /// Files from a Secret.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret: Option<FilesFrom>,
    /// An existing PersistentVolumeClaim.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub persistent_volume_claim: Option<ClaimRef>,
    /// A projected service-account token (for workload identity or a service mesh),
    /// without mounting the API token itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_account_token: Option<TokenProjection>,
}

/// An emptyDir volume.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct EmptyDir {
    /// `Memory` keeps it in RAM (counted against the memory limit).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub medium: Option<StorageMedium>,
    /// The most it may hold, e.g. `256Mi`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size_limit: Option<Quantity>,
}

/// Where an emptyDir lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum StorageMedium {
    /// RAM (tmpfs).
    Memory,
}

/// Files from a ConfigMap or a Secret.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct FilesFrom {
    /// The object's name.
    #[schemars(
        regex(pattern = r"^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$"),
        length(max = 253)
    )]
    pub name: String,
    /// Only these keys, each at a path relative to the mount (all keys when empty).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub items: BTreeMap<String, String>,
    /// File mode of the files, in octal as Kubernetes takes it in YAML (`0440` is written
    /// `288`, or as the string `"0440"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_mode: Option<FileMode>,
    /// Start the pod even when the object is missing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub optional: Option<bool>,
}

/// A file mode: a number (decimal, as JSON has no octal) or an octal string such as `"0440"`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum FileMode {
    /// Decimal value of the mode, 0 to 511.
    Number(#[schemars(range(min = 0, max = 511))] u32),
    /// Octal digits, e.g. `"0440"`.
    Octal(#[schemars(regex(pattern = r"^0?[0-7]{3}$"))] String),
}

impl FileMode {
    /// The mode as the number the API takes.
    pub fn value(&self) -> u32 {
        match self {
            FileMode::Number(n) => *n,
            FileMode::Octal(s) => u32::from_str_radix(s, 8).unwrap_or(0o644),
        }
    }
}

/// A reference to an existing PersistentVolumeClaim.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ClaimRef {
    /// The claim's name.
    #[schemars(
        regex(pattern = r"^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$"),
        length(max = 253)
    )]
    pub claim_name: String,
    /// Mount it read-only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub read_only: Option<bool>,
}

/// A projected service-account token.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct TokenProjection {
    /// The audience the token is for (e.g. `vault`, `sts.amazonaws.com`).
    pub audience: String,
    /// Lifetime in seconds (the kubelet renews it before it expires).
    #[serde(default = "hour")]
    #[schemars(range(min = 600, max = 4294967295u32))]
    pub expiration_seconds: u32,
    /// The file name under the mount path.
    #[serde(default = "token_path")]
    pub path: String,
}

fn hour() -> u32 {
    3600
}

fn token_path() -> String {
    "token".to_string()
}

/// A claim on storage that a StatefulSet makes for each of its pods.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Storage {
    /// How much, e.g. `10Gi`.
    pub size: Quantity,
    /// Where the main container mounts it.
    #[schemars(regex(pattern = r"^/"))]
    pub mount_path: String,
    /// The StorageClass; the cluster's default when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage_class_name: Option<String>,
    /// How nodes may mount it.
    #[serde(default = "read_write_once")]
    #[schemars(length(min = 1))]
    pub access_modes: Vec<AccessMode>,
}

fn read_write_once() -> Vec<AccessMode> {
    vec![AccessMode::ReadWriteOnce]
}

/// A volume access mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum AccessMode {
    /// Read-write by one node.
    ReadWriteOnce,
    /// Read-write by one pod.
    ReadWriteOncePod,
    /// Read-only by many nodes.
    ReadOnlyMany,
    /// Read-write by many nodes.
    ReadWriteMany,
}

/// A node taint this component's pods tolerate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Toleration {
    /// The taint's key (every key when unset with `operator: Exists`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// `Equal` (the default) or `Exists`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operator: Option<TolerationOperator>,
    /// The taint's value, for `Equal`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// Which effect is tolerated (every effect when unset).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effect: Option<TaintEffect>,
    /// For `NoExecute`: how long the pod stays after the taint appears.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub toleration_seconds: Option<u32>,
}

/// A toleration's operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum TolerationOperator {
    /// Key and value match.
    Equal,
    /// The key exists.
    Exists,
}

/// A taint's effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum TaintEffect {
    /// No new pods.
    NoSchedule,
    /// Avoid scheduling.
    PreferNoSchedule,
    /// Evict running pods.
    NoExecute,
}

/// One requirement on a node's or pod's label.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct LabelRequirement {
    /// The label key, e.g. `kubernetes.io/arch`.
    pub key: String,
    /// How the values are compared.
    pub operator: RequirementOperator,
    /// The values (empty for `Exists` and `DoesNotExist`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<String>,
}

/// A label requirement's operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum RequirementOperator {
    /// The label has one of the values.
    In,
    /// The label has none of the values.
    NotIn,
    /// The label is present.
    Exists,
    /// The label is absent.
    DoesNotExist,
}

/// Where a component's pods may run, beyond `nodeSelector`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ComponentAffinity {
    /// Nodes the pods must run on: every requirement holds.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub required_node_labels: Vec<LabelRequirement>,
    /// Nodes the pods prefer (weight 100): every requirement holds.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub preferred_node_labels: Vec<LabelRequirement>,
    /// Keep this component's pods off one node: `preferred` or `required`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pod_anti_affinity: Option<super::model::AntiAffinity>,
    /// Run next to the pods of another component of this app (same node).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub co_locate_with: Option<String>,
}
