//! The rule catalogue: one file per rule, each a unit struct named for the problem.
//!
//! Codes group rules by concern: `SS0xx` the policy engine itself and how YAML reads, `SS1xx` security context,
//! `SS2xx` health probes, `SS3xx` resources, `SS4xx` availability, `SS5xx` images, `SS6xx`
//! secrets and configuration, `SS7xx` references between objects.

mod ambiguous_scalar;
mod anti_affinity_or_spread;
mod config_refs_exist;
mod cpu_limits;
mod cpu_requests;
mod drop_all_capabilities;
mod duplicate_env_var;
mod hpa_and_static_replicas;
mod hpa_target_exists;
mod image_digest;
mod image_tag_pinned;
mod ingress_backend_exists;
mod invalid_exemption;
mod liveness_probe;
mod memory_limits;
mod memory_requests;
mod min_replicas;
mod networkpolicy_selects_pods;
mod no_host_namespaces;
mod no_host_path;
mod no_privilege_escalation;
mod no_privileged;
mod pdb_allows_eviction;
mod pdb_required;
mod pdb_selects_pods;
mod plaintext_secret;
mod probe_port_exists;
mod probes_not_identical;
mod read_only_root_fs;
mod readiness_probe;
mod requests_within_limits;
mod run_as_non_root;
mod seccomp_profile;
mod selector_matches_template;
mod service_selects_pods;
mod servicemonitor_selects_service;
mod termination_grace_covers_prestop;
mod zero_downtime_rollout;

pub use ambiguous_scalar::AmbiguousScalar;
pub use anti_affinity_or_spread::AntiAffinityOrSpread;
pub use config_refs_exist::ConfigRefsExist;
pub use cpu_limits::CpuLimits;
pub use cpu_requests::CpuRequests;
pub use drop_all_capabilities::DropAllCapabilities;
pub use duplicate_env_var::DuplicateEnvVar;
pub use hpa_and_static_replicas::HpaAndStaticReplicas;
pub use hpa_target_exists::HpaTargetExists;
pub use image_digest::ImageDigest;
pub use image_tag_pinned::ImageTagPinned;
pub use ingress_backend_exists::IngressBackendExists;
pub use invalid_exemption::InvalidExemption;
pub use liveness_probe::LivenessProbe;
pub use memory_limits::MemoryLimits;
pub use memory_requests::MemoryRequests;
pub use min_replicas::MinReplicas;
pub use networkpolicy_selects_pods::NetworkpolicySelectsPods;
pub use no_host_namespaces::NoHostNamespaces;
pub use no_host_path::NoHostPath;
pub use no_privilege_escalation::NoPrivilegeEscalation;
pub use no_privileged::NoPrivileged;
pub use pdb_allows_eviction::PdbAllowsEviction;
pub use pdb_required::PdbRequired;
pub use pdb_selects_pods::PdbSelectsPods;
pub use plaintext_secret::PlaintextSecret;
pub use probe_port_exists::ProbePortExists;
pub use probes_not_identical::ProbesNotIdentical;
pub use read_only_root_fs::ReadOnlyRootFs;
pub use readiness_probe::ReadinessProbe;
pub use requests_within_limits::RequestsWithinLimits;
pub use run_as_non_root::RunAsNonRoot;
pub use seccomp_profile::SeccompProfile;
pub use selector_matches_template::SelectorMatchesTemplate;
pub use service_selects_pods::ServiceSelectsPods;
pub use servicemonitor_selects_service::ServicemonitorSelectsService;
pub use termination_grace_covers_prestop::TerminationGraceCoversPrestop;
pub use zero_downtime_rollout::ZeroDowntimeRollout;

use serde_json::Value;

use super::model::{ComposeService, Container, ObjectSet, Workload};

/// Every container of every workload, init containers included.
pub(crate) fn all_containers<'s, 'a>(
    set: &'s ObjectSet<'a>,
) -> impl Iterator<Item = (&'s Workload<'a>, &'s Container<'a>)> {
    set.workloads
        .iter()
        .flat_map(|w| w.containers.iter().map(move |c| (w, c)))
}

/// The regular containers of every workload.
pub(crate) fn app_containers<'s, 'a>(
    set: &'s ObjectSet<'a>,
) -> impl Iterator<Item = (&'s Workload<'a>, &'s Container<'a>)> {
    all_containers(set).filter(|(_, c)| !c.init)
}

/// The regular containers of long-running workloads (not Jobs or CronJobs).
pub(crate) fn serving_containers<'s, 'a>(
    set: &'s ObjectSet<'a>,
) -> impl Iterator<Item = (&'s Workload<'a>, &'s Container<'a>)> {
    app_containers(set).filter(|(w, _)| w.kind.long_running())
}

/// Compose services that are complete definitions (not override fragments).
pub(crate) fn full_services<'s, 'a>(
    set: &'s ObjectSet<'a>,
) -> impl Iterator<Item = &'s ComposeService<'a>> {
    set.compose.iter().filter(|s| !s.fragment)
}

/// Whether a value is the boolean `true` (or the string `"true"`).
pub(crate) fn is_true(v: Option<&Value>) -> bool {
    match v {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => s.eq_ignore_ascii_case("true"),
        _ => false,
    }
}

/// `container `name`` for messages.
pub(crate) fn container_label(c: &Container<'_>) -> String {
    let what = if c.init {
        "init container"
    } else {
        "container"
    };
    if c.name.is_empty() {
        what.to_string()
    } else {
        format!("{what} `{}`", c.name)
    }
}

/// The pointer to report when a container lacks `resources.<section>.<name>`: the
/// `resources` field when there is one, else the container; `None` when it is set.
pub(crate) fn missing_resource(c: &Container<'_>, section: &str, name: &str) -> Option<String> {
    let resources = c.get("resources");
    if resources
        .and_then(|r| r.get(section))
        .and_then(|r| r.get(name))
        .is_some_and(|v| !v.is_null())
    {
        return None;
    }
    Some(match resources {
        Some(_) => c.at("/resources"),
        None => c.pointer.clone(),
    })
}
