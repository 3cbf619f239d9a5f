//! SS301 cpu-requests.

use super::{all_containers, container_label, missing_resource};
use crate::policy::{Hits, ObjectSet, Rule, RuleMeta, declare_rule};

declare_rule! {
    /// Containers should request CPU.
    ///
    /// ## What it checks
    ///
    /// Every container (init containers too) must set `resources.requests.cpu`.
    ///
    /// ## Why it matters
    ///
    /// The scheduler places pods by their requests. Without a CPU request a pod can land on a
    /// full node and gets the smallest share of CPU when the node is busy.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// resources:
    ///   requests:
    ///     memory: 256Mi
    /// ```
    ///
    /// ## Fix
    ///
    /// Set `resources.requests.cpu` to what the container uses under normal load, e.g.
    /// `250m`.
    pub struct CpuRequests {
        code: "SS301",
        name: "cpu-requests",
        severity: Warning,
        targets: [Kubernetes],
        enabled_by_default: true,
    }
}

impl Rule for CpuRequests {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, set: &ObjectSet<'_>, out: &mut Hits) {
        for (w, c) in all_containers(set) {
            if let Some(pointer) = missing_resource(c, "requests", "cpu") {
                out.at_key(
                    w.doc,
                    pointer,
                    format!("{} has no CPU request", container_label(c)),
                    "set `resources.requests.cpu`, e.g. `250m`",
                )
                .spec("resources.requests.cpu");
            }
        }
    }
}
