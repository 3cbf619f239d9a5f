//! SS203 probe-port-exists.

use serde_json::Value;

use super::{all_containers, container_label};
use crate::policy::{Hits, ObjectSet, Rule, RuleMeta, declare_rule};

declare_rule! {
    /// Probes must target a port the container has.
    ///
    /// ## What it checks
    ///
    /// The port of every `httpGet`, `tcpSocket` and `grpc` probe (liveness, readiness,
    /// startup): a named port must be the name of one of the container's `ports`; a number
    /// must be one of its `containerPort`s when the container lists ports.
    ///
    /// ## Why it matters
    ///
    /// A probe on a port nothing listens on always fails: the pod never becomes ready, or is
    /// restarted in a loop, and the mistake only shows in the cluster.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// ports:
    ///   - name: http
    ///     containerPort: 8080
    /// livenessProbe:
    ///   httpGet: {path: /health, port: web}
    /// ```
    ///
    /// ## Fix
    ///
    /// Point the probe at a port the container declares (by name or number), or declare the
    /// port in `ports`.
    pub struct ProbePortExists {
        code: "SS203",
        name: "probe-port-exists",
        severity: Error,
        targets: [Kubernetes],
        enabled_by_default: true,
    }
}

impl Rule for ProbePortExists {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, set: &ObjectSet<'_>, out: &mut Hits) {
        for (w, c) in all_containers(set) {
            let ports: Vec<(Option<&str>, Option<i64>)> = c.ports().collect();
            for (probe, spec) in [
                ("livenessProbe", "probes.liveness"),
                ("readinessProbe", "probes.readiness"),
                ("startupProbe", "probes.startup"),
            ] {
                for handler in ["httpGet", "tcpSocket", "grpc"] {
                    let Some(port) = c
                        .get(probe)
                        .and_then(|p| p.get(handler))
                        .and_then(|h| h.get("port"))
                    else {
                        continue;
                    };
                    let pointer = c.at(&format!("/{probe}/{handler}/port"));
                    match port {
                        Value::String(name) if name.parse::<i64>().is_err() => {
                            if !ports.iter().any(|(n, _)| *n == Some(name.as_str())) {
                                let names: Vec<&str> =
                                    ports.iter().filter_map(|(n, _)| *n).collect();
                                out.at_value(
                                    w.doc,
                                    pointer,
                                    format!("{probe} of {} uses port `{name}`, which the container does not name", container_label(c)),
                                    if names.is_empty() {
                                        "name the port in the container's `ports` or use its number".to_string()
                                    } else {
                                        format!("use one of the container's port names: {}", names.join(", "))
                                    },
                                )
                                .spec(spec);
                            }
                        }
                        _ => {
                            let number = port
                                .as_i64()
                                .or_else(|| port.as_str().and_then(|s| s.parse().ok()));
                            if let Some(n) = number
                                && !ports.is_empty()
                                && !ports.iter().any(|(_, p)| *p == Some(n))
                            {
                                let list: Vec<String> = ports
                                    .iter()
                                    .filter_map(|(_, p)| p.map(|p| p.to_string()))
                                    .collect();
                                out.at_value(
                                    w.doc,
                                    pointer,
                                    format!("{probe} of {} uses port {n}, which is not one of its container ports ({})", container_label(c), list.join(", ")),
                                    "probe a port the container declares, or add the port to `ports`",
                                )
                                .spec(spec);
                            }
                        }
                    }
                }
            }
        }
    }
}
