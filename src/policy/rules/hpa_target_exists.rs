//! SS704 hpa-target-exists.

use serde_json::Value;

use crate::policy::{Hits, ObjectSet, Rule, RuleMeta, declare_rule};

declare_rule! {
    /// A HorizontalPodAutoscaler must scale an object that exists.
    ///
    /// ## What it checks
    ///
    /// The `scaleTargetRef` (kind and name) of a HorizontalPodAutoscaler must name an object
    /// in the same namespace. `lint` given no object at all of the target's kind skips it.
    ///
    /// ## Why it matters
    ///
    /// An autoscaler with a missing target does nothing; the workload it was meant for runs
    /// at its static replica count under any load.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// scaleTargetRef:
    ///   apiVersion: apps/v1
    ///   kind: Deployment
    ///   name: user-svc   # the Deployment is user-service
    /// ```
    ///
    /// ## Fix
    ///
    /// Use the workload's exact kind and name.
    pub struct HpaTargetExists {
        code: "SS704",
        name: "hpa-target-exists",
        severity: Error,
        targets: [Kubernetes],
        enabled_by_default: true,
    }
}

impl Rule for HpaTargetExists {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn cross_resource(&self) -> bool {
        true
    }

    fn check(&self, set: &ObjectSet<'_>, out: &mut Hits) {
        for (i, hpa) in set.of_kind("HorizontalPodAutoscaler") {
            let target = hpa.value.pointer("/spec/scaleTargetRef");
            let kind = target.and_then(|t| t.get("kind")).and_then(Value::as_str);
            let name = target.and_then(|t| t.get("name")).and_then(Value::as_str);
            let (Some(kind), Some(name)) = (kind, name) else {
                continue;
            };
            if !set.can_resolve(kind) {
                continue;
            }
            if set.find(kind, hpa.namespace(), name).is_none() {
                out.at_value(
                    i,
                    "/spec/scaleTargetRef/name",
                    format!("scale target {kind} `{name}` does not exist"),
                    "use the exact kind and name of the workload to scale",
                );
            }
        }
    }
}
