//! SS401 pdb-required.

use crate::policy::{Hits, ObjectSet, Rule, RuleMeta, declare_rule};

declare_rule! {
    /// Replicated workloads need a PodDisruptionBudget.
    ///
    /// ## What it checks
    ///
    /// A Deployment, StatefulSet, ReplicaSet or ReplicationController with `replicas` above 1,
    /// or scaled by a HorizontalPodAutoscaler, must have a PodDisruptionBudget in the same namespace whose
    /// selector matches its pod labels.
    ///
    /// ## Why it matters
    ///
    /// Node drains (upgrades, autoscaler scale-down) evict pods without regard for the
    /// service. Without a budget all replicas can be evicted at once, and running several
    /// replicas buys no availability during maintenance.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// kind: Deployment
    /// spec:
    ///   replicas: 3
    /// # and no PodDisruptionBudget selecting its pods
    /// ```
    ///
    /// ## Fix
    ///
    /// Add a PodDisruptionBudget (`policy/v1`) with the workload's pod selector and
    /// `maxUnavailable: 1` (or a `minAvailable` below the replica count).
    pub struct PdbRequired {
        code: "SS401",
        name: "pdb-required",
        severity: Error,
        targets: [Kubernetes],
        enabled_by_default: true,
    }
}

impl Rule for PdbRequired {
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
            let hpa = set.hpa_for(w);
            if replicas <= 1 && hpa.is_none() {
                continue;
            }
            if !set.pdbs_for(w).is_empty() {
                continue;
            }
            let why = match hpa {
                Some(_) if replicas <= 1 => "is scaled by a HorizontalPodAutoscaler".to_string(),
                Some(_) => {
                    format!("runs {replicas} replicas and is scaled by a HorizontalPodAutoscaler")
                }
                None => format!("runs {replicas} replicas"),
            };
            out.at_value(
                w.doc,
                w.replicas_pointer(),
                format!("{} {why} but no PodDisruptionBudget selects its pods", w.document.display_name()),
                "add a PodDisruptionBudget with the workload's pod selector and `maxUnavailable: 1`",
            )
            .spec("disruptionBudget");
        }
    }
}
