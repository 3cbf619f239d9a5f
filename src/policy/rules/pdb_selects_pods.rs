//! SS705 pdb-selects-pods.

use crate::policy::model::LabelSelector;
use crate::policy::{Hits, ObjectSet, Rule, RuleMeta, declare_rule};

declare_rule! {
    /// A PodDisruptionBudget must select pods.
    ///
    /// ## What it checks
    ///
    /// The `selector` of a PodDisruptionBudget must match the pod labels of at least one
    /// workload in the same namespace. `lint` given no workload at all skips the check.
    ///
    /// ## Why it matters
    ///
    /// A budget that selects nothing protects nothing: the workload it was written for can
    /// lose every pod in a drain.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// kind: PodDisruptionBudget
    /// spec:
    ///   maxUnavailable: 1
    ///   selector:
    ///     matchLabels: {app: api-server}   # the pods are app: api
    /// ```
    ///
    /// ## Fix
    ///
    /// Copy the workload's `spec.selector` into the budget.
    pub struct PdbSelectsPods {
        code: "SS705",
        name: "pdb-selects-pods",
        severity: Error,
        targets: [Kubernetes],
        enabled_by_default: true,
    }
}

impl Rule for PdbSelectsPods {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn cross_resource(&self) -> bool {
        true
    }

    fn check(&self, set: &ObjectSet<'_>, out: &mut Hits) {
        if !set.cx.complete && !set.has_workloads() {
            return;
        }
        for (i, pdb) in set.of_kind("PodDisruptionBudget") {
            let Some(raw) = pdb.value.pointer("/spec/selector") else {
                continue;
            };
            let selector = LabelSelector::from_label_selector(Some(raw));
            if set
                .workloads_matching(pdb.namespace(), &selector)
                .next()
                .is_none()
            {
                out.at_key(
                    i,
                    "/spec/selector",
                    format!("selector `{}` matches no pods", selector.describe()),
                    "copy the workload's `spec.selector` into the budget",
                )
                .spec("disruptionBudget");
            }
        }
    }
}
