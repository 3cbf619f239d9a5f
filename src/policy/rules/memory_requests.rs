//! SS302 memory-requests.

use super::{all_containers, container_label, missing_resource};
use crate::policy::{Hits, ObjectSet, Rule, RuleMeta, declare_rule};

declare_rule! {
    /// Containers must request memory.
    ///
    /// ## What it checks
    ///
    /// Every container (init containers too) must set `resources.requests.memory`.
    ///
    /// ## Why it matters
    ///
    /// Without a memory request the scheduler may put the pod on a node without room for it,
    /// and under memory pressure it is among the first to be evicted.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// resources:
    ///   limits:
    ///     memory: 512Mi
    /// ```
    ///
    /// ## Fix
    ///
    /// Set `resources.requests.memory` to the container's working set, e.g. `256Mi`.
    pub struct MemoryRequests {
        code: "SS302",
        name: "memory-requests",
        severity: Error,
        targets: [Kubernetes],
        enabled_by_default: true,
    }
}

impl Rule for MemoryRequests {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, set: &ObjectSet<'_>, out: &mut Hits) {
        for (w, c) in all_containers(set) {
            if let Some(pointer) = missing_resource(c, "requests", "memory") {
                out.at_key(
                    w.doc,
                    pointer,
                    format!("{} has no memory request", container_label(c)),
                    "set `resources.requests.memory`, e.g. `256Mi`",
                )
                .spec("resources.requests.memory");
            }
        }
    }
}
