//! SS403 min-replicas.

use crate::policy::{Hits, ObjectSet, Rule, RuleMeta, declare_rule};

declare_rule! {
    /// Production workloads run at least two replicas.
    ///
    /// ## What it checks
    ///
    /// In the `production` (or `prod`) environment, a Deployment or StatefulSet must run at
    /// least 2 replicas: `replicas` of 2 or more, or a HorizontalPodAutoscaler with
    /// `minReplicas` of 2 or more. Other environments, and `lint` without `--environment
    /// production`, skip the rule.
    ///
    /// ## Why it matters
    ///
    /// A single replica is down during every rollout that fails its readiness probe, every
    /// node drain and every crash.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// kind: Deployment
    /// spec:
    ///   replicas: 1
    /// ```
    ///
    /// ## Fix
    ///
    /// Set `replicas: 2` or more (or the autoscaler's `minReplicas`).
    pub struct MinReplicas {
        code: "SS403",
        name: "min-replicas",
        severity: Error,
        targets: [Kubernetes],
        enabled_by_default: true,
    }
}

impl Rule for MinReplicas {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn cross_resource(&self) -> bool {
        true
    }

    fn check(&self, set: &ObjectSet<'_>, out: &mut Hits) {
        if !set.cx.is_production() {
            return;
        }
        for w in &set.workloads {
            if !matches!(
                w.kind,
                crate::policy::model::WorkloadKind::Deployment
                    | crate::policy::model::WorkloadKind::StatefulSet
            ) {
                continue;
            }
            let Some(replicas) = w.replicas() else {
                continue;
            };
            match set.hpa_for(w) {
                Some((hpa, min)) if min < 2 => {
                    out.at_value(
                        hpa,
                        "/spec/minReplicas",
                        format!(
                            "{} can scale down to {min} replica in production",
                            w.document.display_name()
                        ),
                        "set the autoscaler's `minReplicas` to 2 or more",
                    )
                    .spec("autoscaling.minReplicas");
                }
                Some(_) => {}
                None if replicas < 2 => {
                    out.at_value(
                        w.doc,
                        w.replicas_pointer(),
                        format!(
                            "{} runs {replicas} replica in production",
                            w.document.display_name()
                        ),
                        "set `replicas: 2` or more",
                    )
                    .spec("replicas");
                }
                None => {}
            }
        }
    }
}
