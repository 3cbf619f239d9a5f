//! SS204 probes-not-identical.

use super::{container_label, serving_containers};
use crate::policy::{Hits, ObjectSet, Rule, RuleMeta, declare_rule};

declare_rule! {
    /// Liveness and readiness probes should not check the same thing.
    ///
    /// ## What it checks
    ///
    /// A container's `livenessProbe` and `readinessProbe` must not use the same handler (the
    /// same `httpGet`, `tcpSocket`, `grpc` or `exec` check).
    ///
    /// ## Why it matters
    ///
    /// Readiness should fail when the pod cannot serve (a dependency is down); liveness only
    /// when the process is stuck. When both call the same endpoint, an outage of a database
    /// makes Kubernetes restart every pod at once instead of waiting.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// livenessProbe:
    ///   httpGet: {path: /health, port: http}
    /// readinessProbe:
    ///   httpGet: {path: /health, port: http}
    /// ```
    ///
    /// ## Fix
    ///
    /// Give liveness a check of the process alone (`/livez`) and readiness one that includes
    /// its dependencies (`/ready`).
    pub struct ProbesNotIdentical {
        code: "SS204",
        name: "probes-not-identical",
        severity: Warning,
        targets: [Kubernetes],
        enabled_by_default: true,
    }
}

impl Rule for ProbesNotIdentical {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, set: &ObjectSet<'_>, out: &mut Hits) {
        for (w, c) in serving_containers(set) {
            let (Some(live), Some(ready)) = (c.get("livenessProbe"), c.get("readinessProbe"))
            else {
                continue;
            };
            for handler in ["httpGet", "tcpSocket", "grpc", "exec"] {
                if let (Some(a), Some(b)) = (live.get(handler), ready.get(handler))
                    && a == b
                {
                    out.at_key(
                        w.doc,
                        c.at(&format!("/livenessProbe/{handler}")),
                        format!("the liveness and readiness probes of {} run the same `{handler}` check", container_label(c)),
                        "make liveness check only the process (e.g. /livez) and readiness its ability to serve (e.g. /ready)",
                    )
                    .spec("probes.liveness");
                }
            }
        }
    }
}
