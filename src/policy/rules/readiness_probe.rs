//! SS202 readiness-probe.

use serde_json::Value;

use super::{container_label, serving_containers};
use crate::policy::{Hits, ObjectSet, Rule, RuleMeta, declare_rule};

declare_rule! {
    /// Long-running containers need a readiness probe.
    ///
    /// ## What it checks
    ///
    /// Every regular container of a Deployment, StatefulSet, DaemonSet, ReplicaSet,
    /// ReplicationController or Pod must have a `readinessProbe` (Jobs, CronJobs and init containers are exempt).
    ///
    /// ## Why it matters
    ///
    /// Without a readiness probe a pod receives traffic as soon as its process starts, before
    /// it can answer, and keeps receiving it when it cannot; every rollout drops requests.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// containers:
    ///   - name: api
    ///     livenessProbe:
    ///       httpGet: {path: /health, port: 8080}
    /// ```
    ///
    /// ## Fix
    ///
    /// Add a `readinessProbe` that answers only when the pod can serve (for example
    /// `httpGet: {path: /ready, port: http}`).
    pub struct ReadinessProbe {
        code: "SS202",
        name: "readiness-probe",
        severity: Error,
        targets: [Kubernetes],
        enabled_by_default: true,
    }
}

impl Rule for ReadinessProbe {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, set: &ObjectSet<'_>, out: &mut Hits) {
        for (w, c) in serving_containers(set) {
            if c.get("readinessProbe").is_none_or(Value::is_null) {
                out.at_value(
                    w.doc,
                    &c.pointer,
                    format!("{} has no readiness probe", container_label(c)),
                    "add a `readinessProbe` that answers only when the pod can serve traffic",
                )
                .spec("probes.readiness");
            }
        }
    }
}
