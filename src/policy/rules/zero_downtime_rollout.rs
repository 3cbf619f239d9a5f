//! SS405 zero-downtime-rollout.

use serde_json::Value;

use crate::policy::model::WorkloadKind;
use crate::policy::{Hits, ObjectSet, Rule, RuleMeta, declare_rule};

declare_rule! {
    /// Deployments roll out without taking every pod down.
    ///
    /// ## What it checks
    ///
    /// A Deployment must not use `strategy.type: Recreate`, and its rolling update must keep
    /// at least one pod available: `maxUnavailable` (a number, or a percentage of `replicas`
    /// rounded down) must be below the replica count.
    ///
    /// ## Why it matters
    ///
    /// `Recreate`, or a `maxUnavailable` as large as the replica count, stops every old pod
    /// before new ones are ready: each release is an outage.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// spec:
    ///   replicas: 2
    ///   strategy:
    ///     rollingUpdate:
    ///       maxUnavailable: 2
    /// ```
    ///
    /// ## Fix
    ///
    /// Use `RollingUpdate` with `maxSurge: 1` and `maxUnavailable: 0`.
    pub struct ZeroDowntimeRollout {
        code: "SS405",
        name: "zero-downtime-rollout",
        severity: Warning,
        targets: [Kubernetes],
        enabled_by_default: true,
    }
}

impl Rule for ZeroDowntimeRollout {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, set: &ObjectSet<'_>, out: &mut Hits) {
        let help = "use `strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 1, maxUnavailable: 0}}`";
        for w in &set.workloads {
            if w.kind != WorkloadKind::Deployment {
                continue;
            }
            let Some(replicas) = w.replicas() else {
                continue;
            };
            let strategy = w.document.value.pointer("/spec/strategy");
            if strategy.and_then(|s| s.get("type")).and_then(Value::as_str) == Some("Recreate") {
                out.at_value(
                    w.doc,
                    "/spec/strategy/type",
                    "the `Recreate` strategy stops every pod before starting new ones",
                    help,
                )
                .spec("rollout");
                continue;
            }
            let Some(max) = strategy.and_then(|s| s.pointer("/rollingUpdate/maxUnavailable"))
            else {
                continue;
            };
            let unavailable = match max {
                Value::Number(n) => n.as_i64(),
                Value::String(s) => s
                    .strip_suffix('%')
                    .and_then(|p| p.trim().parse::<i64>().ok())
                    .map(|p| p * replicas / 100),
                _ => None,
            };
            if let Some(u) = unavailable
                && replicas > 0
                && u >= replicas
            {
                out.at_value(
                    w.doc,
                    "/spec/strategy/rollingUpdate/maxUnavailable",
                    format!(
                        "`maxUnavailable` lets a rollout take all {replicas} replicas down at once"
                    ),
                    help,
                )
                .spec("rollout");
            }
        }
    }
}
