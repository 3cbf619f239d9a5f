//! SS303 memory-limits.

use super::{all_containers, container_label, full_services, missing_resource};
use crate::policy::{Hits, ObjectSet, Rule, RuleMeta, declare_rule};

declare_rule! {
    /// Containers must have a memory limit.
    ///
    /// ## What it checks
    ///
    /// Every container (init containers too) must set `resources.limits.memory`. For Compose,
    /// a service must set `deploy.resources.limits.memory` (or the older `mem_limit`).
    ///
    /// ## Why it matters
    ///
    /// A container without a memory limit can take all the memory of its node; the kernel
    /// then kills processes of other workloads, not the one that leaks.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// resources:
    ///   requests:
    ///     cpu: 250m
    ///     memory: 256Mi
    /// ```
    ///
    /// ## Fix
    ///
    /// Set `resources.limits.memory` (for most services equal to or a little above the
    /// request); for Compose, `deploy.resources.limits.memory`.
    pub struct MemoryLimits {
        code: "SS303",
        name: "memory-limits",
        severity: Error,
        targets: [Kubernetes, Compose],
        enabled_by_default: true,
    }
}

impl Rule for MemoryLimits {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, set: &ObjectSet<'_>, out: &mut Hits) {
        for (w, c) in all_containers(set) {
            if let Some(pointer) = missing_resource(c, "limits", "memory") {
                out.at_key(
                    w.doc,
                    pointer,
                    format!("{} has no memory limit", container_label(c)),
                    "set `resources.limits.memory`, e.g. `512Mi`",
                )
                .spec("resources.limits.memory");
            }
        }
        for s in full_services(set) {
            let limit = s
                .spec
                .get("deploy")
                .and_then(|d| d.pointer("/resources/limits/memory"));
            if limit.is_none() && s.get("mem_limit").is_none() {
                out.at_key(
                    s.doc,
                    &s.pointer,
                    format!("service `{}` has no memory limit", s.name),
                    "set `deploy.resources.limits.memory`, e.g. `512M`",
                )
                .spec("resources.limits.memory")
                .service(s.name);
            }
        }
    }
}
