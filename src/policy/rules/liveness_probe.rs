//! SS201 liveness-probe.

use serde_json::Value;

use super::{container_label, full_services, is_true, serving_containers};
use crate::policy::{Hits, ObjectSet, Rule, RuleMeta, declare_rule};

declare_rule! {
    /// Long-running containers need a liveness probe.
    ///
    /// ## What it checks
    ///
    /// Every regular container of a Deployment, StatefulSet, DaemonSet, ReplicaSet,
    /// ReplicationController or Pod must have a `livenessProbe` (Jobs, CronJobs and init containers are exempt). For Compose, a
    /// service must have a `healthcheck:` that is not disabled.
    ///
    /// ## Why it matters
    ///
    /// Without a liveness probe a deadlocked process keeps its pod "Running" forever; nothing
    /// restarts it and traffic keeps failing.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// containers:
    ///   - name: api
    ///     image: registry.example.com/api:1.4.2
    ///     ports: [{containerPort: 8080}]
    /// ```
    ///
    /// ## Fix
    ///
    /// Add `livenessProbe` with an `httpGet`, `tcpSocket`, `grpc` or `exec` check of the
    /// process itself (not of its dependencies); for Compose, add a `healthcheck:` with a
    /// `test:`.
    pub struct LivenessProbe {
        code: "SS201",
        name: "liveness-probe",
        severity: Error,
        targets: [Kubernetes, Compose],
        enabled_by_default: true,
    }
}

/// Whether a Compose healthcheck is switched off (`disable: true` or `test: ["NONE"]`).
pub(crate) fn healthcheck_disabled(h: &Value) -> bool {
    is_true(h.get("disable"))
        || h.get("test")
            .and_then(Value::as_array)
            .and_then(|t| t.first())
            .and_then(Value::as_str)
            == Some("NONE")
}

impl Rule for LivenessProbe {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, set: &ObjectSet<'_>, out: &mut Hits) {
        for (w, c) in serving_containers(set) {
            if c.get("livenessProbe").is_none_or(Value::is_null) {
                out.at_value(
                    w.doc,
                    &c.pointer,
                    format!("{} has no liveness probe", container_label(c)),
                    "add a `livenessProbe` that checks the process itself (httpGet, tcpSocket, grpc or exec)",
                )
                .spec("probes.liveness");
            }
        }
        for s in full_services(set) {
            match s.get("healthcheck") {
                Some(h) if healthcheck_disabled(h) => {
                    out.at_key(
                        s.doc,
                        s.at("/healthcheck"),
                        format!("service `{}` has its healthcheck disabled", s.name),
                        "remove `disable: true` and give the healthcheck a `test:`",
                    )
                    .spec("probes.liveness")
                    .service(s.name);
                }
                Some(_) => {}
                None => {
                    out.at_key(
                        s.doc,
                        &s.pointer,
                        format!("service `{}` has no healthcheck", s.name),
                        "add a `healthcheck:` with a `test:` that checks the process",
                    )
                    .spec("probes.liveness")
                    .service(s.name);
                }
            }
        }
    }
}
