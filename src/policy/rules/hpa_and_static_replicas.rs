//! SS406 hpa-and-static-replicas.

use crate::policy::{Hits, ObjectSet, Rule, RuleMeta, declare_rule};

declare_rule! {
    /// A workload scaled by an autoscaler should not also fix its replica count.
    ///
    /// ## What it checks
    ///
    /// A Deployment, StatefulSet, ReplicaSet or ReplicationController that a
    /// HorizontalPodAutoscaler scales must not set `spec.replicas`.
    ///
    /// ## Why it matters
    ///
    /// Every `kubectl apply` (and many GitOps syncs) resets the replica count to the written
    /// value, undoing the autoscaler: a deploy during a traffic peak scales the service down.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// kind: Deployment
    /// spec:
    ///   replicas: 3   # and an HPA targets this Deployment
    /// ```
    ///
    /// ## Fix
    ///
    /// Remove `spec.replicas` and let the autoscaler's `minReplicas` set the floor.
    pub struct HpaAndStaticReplicas {
        code: "SS406",
        name: "hpa-and-static-replicas",
        severity: Warning,
        targets: [Kubernetes],
        enabled_by_default: true,
    }
}

impl Rule for HpaAndStaticReplicas {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn cross_resource(&self) -> bool {
        true
    }

    fn check(&self, set: &ObjectSet<'_>, out: &mut Hits) {
        for w in &set.workloads {
            if !w.kind.scalable() || !w.replicas_set() {
                continue;
            }
            if let Some((hpa, _)) = set.hpa_for(w) {
                let hpa_name = set.docs[hpa].display_name();
                out.at_value(
                    w.doc,
                    "/spec/replicas",
                    format!("`replicas` is set although {hpa_name} scales this workload: each apply resets the replica count"),
                    "remove `spec.replicas` and let the autoscaler's `minReplicas` set the floor",
                )
                .spec("replicas");
            }
        }
    }
}
