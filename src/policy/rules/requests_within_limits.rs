//! SS305 requests-within-limits.

use serde_json::Value;

use super::{all_containers, container_label};
use crate::policy::quantity;
use crate::policy::{Hits, ObjectSet, Rule, RuleMeta, declare_rule};

declare_rule! {
    /// Resource requests must not be above their limits.
    ///
    /// ## What it checks
    ///
    /// For CPU and memory, a container's `resources.requests` must not exceed its
    /// `resources.limits`. For Compose, `deploy.resources.reservations` must not exceed
    /// `deploy.resources.limits`.
    ///
    /// ## Why it matters
    ///
    /// Kubernetes rejects a pod whose request is above its limit, so the rollout fails in the
    /// cluster; Compose refuses to start the service.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// resources:
    ///   requests: {memory: 1Gi}
    ///   limits: {memory: 512Mi}
    /// ```
    ///
    /// ## Fix
    ///
    /// Lower the request or raise the limit so that request <= limit.
    pub struct RequestsWithinLimits {
        code: "SS305",
        name: "requests-within-limits",
        severity: Error,
        targets: [Kubernetes, Compose],
        enabled_by_default: true,
    }
}

impl Rule for RequestsWithinLimits {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, set: &ObjectSet<'_>, out: &mut Hits) {
        for (w, c) in all_containers(set) {
            let Some(resources) = c.get("resources") else {
                continue;
            };
            for (res, spec) in [
                ("cpu", "resources.requests.cpu"),
                ("memory", "resources.requests.memory"),
            ] {
                let request = resources.get("requests").and_then(|r| r.get(res));
                let limit = resources.get("limits").and_then(|r| r.get(res));
                let (Some(rv), Some(lv)) = (request, limit) else {
                    continue;
                };
                if let (Some(r), Some(l)) = (quantity::kubernetes(rv), quantity::kubernetes(lv))
                    && r > l
                {
                    out.at_value(
                        w.doc,
                        c.at(&format!("/resources/requests/{res}")),
                        format!(
                            "{} requests {} {res} but is limited to {}",
                            container_label(c),
                            show(rv),
                            show(lv)
                        ),
                        format!(
                            "lower `resources.requests.{res}` to at most {} or raise the limit",
                            show(lv)
                        ),
                    )
                    .spec(spec);
                }
            }
        }
        for s in &set.compose {
            let Some(resources) = s.spec.get("deploy").and_then(|d| d.get("resources")) else {
                continue;
            };
            for (res, parse, spec) in [
                (
                    "cpus",
                    quantity::compose_cpus as fn(&Value) -> Option<f64>,
                    "resources.requests.cpu",
                ),
                (
                    "memory",
                    quantity::compose_bytes,
                    "resources.requests.memory",
                ),
            ] {
                let request = resources.get("reservations").and_then(|r| r.get(res));
                let limit = resources.get("limits").and_then(|r| r.get(res));
                let (Some(rv), Some(lv)) = (request, limit) else {
                    continue;
                };
                if let (Some(r), Some(l)) = (parse(rv), parse(lv))
                    && r > l
                {
                    out.at_value(
                        s.doc,
                        s.at(&format!("/deploy/resources/reservations/{res}")),
                        format!("service `{}` reserves {} {res} but is limited to {}", s.name, show(rv), show(lv)),
                        format!("lower `deploy.resources.reservations.{res}` to at most {} or raise the limit", show(lv)),
                    )
                    .spec(spec)
                    .service(s.name);
                }
            }
        }
    }
}

fn show(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}
