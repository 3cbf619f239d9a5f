//! SS304 cpu-limits (opt-in).

use super::{all_containers, container_label, full_services, missing_resource};
use crate::policy::{Hits, ObjectSet, Rule, RuleMeta, declare_rule};

declare_rule! {
    /// Containers have a CPU limit (opt-in).
    ///
    /// ## What it checks
    ///
    /// Every container (init containers too) must set `resources.limits.cpu`; for Compose,
    /// `deploy.resources.limits.cpus` (or `cpus`). The rule is off unless selected
    /// (`--extend-select cpu-limits`), because CPU limits throttle latency-sensitive services
    /// and many teams prefer requests alone.
    ///
    /// ## Why it matters
    ///
    /// Where nodes are shared by teams, a CPU limit keeps one busy workload from slowing its
    /// neighbours, and makes performance in production match what was tested.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// resources:
    ///   requests: {cpu: 250m, memory: 256Mi}
    ///   limits: {memory: 512Mi}
    /// ```
    ///
    /// ## Fix
    ///
    /// Set `resources.limits.cpu`, e.g. `1`.
    pub struct CpuLimits {
        code: "SS304",
        name: "cpu-limits",
        severity: Warning,
        targets: [Kubernetes, Compose],
        enabled_by_default: false,
    }
}

impl Rule for CpuLimits {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, set: &ObjectSet<'_>, out: &mut Hits) {
        for (w, c) in all_containers(set) {
            if let Some(pointer) = missing_resource(c, "limits", "cpu") {
                out.at_key(
                    w.doc,
                    pointer,
                    format!("{} has no CPU limit", container_label(c)),
                    "set `resources.limits.cpu`, e.g. `1`",
                )
                .spec("resources.limits.cpu");
            }
        }
        for s in full_services(set) {
            let limit = s
                .spec
                .get("deploy")
                .and_then(|d| d.pointer("/resources/limits/cpus"));
            if limit.is_none() && s.get("cpus").is_none() {
                out.at_key(
                    s.doc,
                    &s.pointer,
                    format!("service `{}` has no CPU limit", s.name),
                    "set `deploy.resources.limits.cpus`, e.g. `'1'`",
                )
                .spec("resources.limits.cpu")
                .service(s.name);
            }
        }
    }
}
