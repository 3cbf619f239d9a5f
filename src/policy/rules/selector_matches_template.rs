//! SS702 selector-matches-template.

use crate::policy::model::WorkloadKind;
use crate::policy::{Hits, ObjectSet, Rule, RuleMeta, declare_rule};

declare_rule! {
    /// A workload's selector must match its own pod template.
    ///
    /// ## What it checks
    ///
    /// The `spec.selector` of a Deployment, StatefulSet, DaemonSet, ReplicaSet or
    /// ReplicationController (whose selector is a plain map of labels) must match the labels
    /// of its `spec.template`.
    ///
    /// ## Why it matters
    ///
    /// The API server rejects the object (`selector does not match template labels`), so the
    /// deploy fails in the cluster instead of in review.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// spec:
    ///   selector:
    ///     matchLabels: {app: api}
    ///   template:
    ///     metadata:
    ///       labels: {app: web}
    /// ```
    ///
    /// ## Fix
    ///
    /// Use the same labels in `selector.matchLabels` and `template.metadata.labels`.
    pub struct SelectorMatchesTemplate {
        code: "SS702",
        name: "selector-matches-template",
        severity: Error,
        targets: [Kubernetes],
        enabled_by_default: true,
    }
}

impl Rule for SelectorMatchesTemplate {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, set: &ObjectSet<'_>, out: &mut Hits) {
        for w in &set.workloads {
            if !(w.kind.scalable() || w.kind == WorkloadKind::DaemonSet) {
                continue;
            }
            let Some(selector) = w.selector() else {
                continue;
            };
            if selector.is_empty() || selector.matches(w.labels) {
                continue;
            }
            out.at_key(
                w.doc,
                "/spec/selector",
                format!("selector `{}` does not match the pod template's labels", selector.describe()),
                "use the same labels in `spec.selector.matchLabels` and `spec.template.metadata.labels`",
            );
        }
    }
}
