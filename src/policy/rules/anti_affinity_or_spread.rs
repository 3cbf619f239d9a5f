//! SS404 anti-affinity-or-spread.

use crate::policy::{Hits, ObjectSet, Rule, RuleMeta, declare_rule};

declare_rule! {
    /// Replicas should be spread over nodes or zones.
    ///
    /// ## What it checks
    ///
    /// A Deployment, StatefulSet, ReplicaSet or ReplicationController with more than one
    /// replica (or scaled by a HorizontalPodAutoscaler) must have `affinity.podAntiAffinity` or
    /// `topologySpreadConstraints` in its pod spec.
    ///
    /// ## Why it matters
    ///
    /// Without either, the scheduler may put every replica on the same node, and one node
    /// failure takes the whole service down.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// spec:
    ///   replicas: 3
    ///   template:
    ///     spec:
    ///       containers: [...]
    /// ```
    ///
    /// ## Fix
    ///
    /// Add `topologySpreadConstraints` over `kubernetes.io/hostname` (and
    /// `topology.kubernetes.io/zone`) with the pod labels, or a preferred `podAntiAffinity`.
    pub struct AntiAffinityOrSpread {
        code: "SS404",
        name: "anti-affinity-or-spread",
        severity: Warning,
        targets: [Kubernetes],
        enabled_by_default: true,
    }
}

impl Rule for AntiAffinityOrSpread {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn cross_resource(&self) -> bool {
        true
    }

    fn check(&self, set: &ObjectSet<'_>, out: &mut Hits) {
        for w in &set.workloads {
            let Some(replicas) = w.replicas() else {
                continue;
            };
            if replicas <= 1 && set.hpa_for(w).is_none() {
                continue;
            }
            let anti = w
                .pod
                .get("affinity")
                .and_then(|a| a.get("podAntiAffinity"))
                .is_some();
            let spread = w
                .pod
                .get("topologySpreadConstraints")
                .and_then(|t| t.as_array())
                .is_some_and(|t| !t.is_empty());
            if anti || spread {
                continue;
            }
            out.at_key(
                w.doc,
                w.kind.pod_pointer(),
                format!("the replicas of {} may all run on one node: no podAntiAffinity or topologySpreadConstraints", w.document.display_name()),
                "add `topologySpreadConstraints` over `kubernetes.io/hostname` with the pod labels, or a preferred `podAntiAffinity`",
            )
            .spec("topologySpread");
        }
    }
}
