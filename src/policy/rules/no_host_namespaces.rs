//! SS106 no-host-namespaces.

use super::is_true;
use crate::policy::{Hits, ObjectSet, Rule, RuleMeta, declare_rule};

declare_rule! {
    /// Pods must not share the node's network, PID or IPC namespace.
    ///
    /// ## What it checks
    ///
    /// A pod spec must not set `hostNetwork`, `hostPID` or `hostIPC` to `true`. A Compose
    /// service must not set `network_mode: host`, `pid: host` or `ipc: host`.
    ///
    /// ## Why it matters
    ///
    /// Host namespaces let a container see and talk to every process and socket of the node,
    /// bypass network policies, and read other workloads' traffic.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// spec:
    ///   template:
    ///     spec:
    ///       hostNetwork: true
    /// ```
    ///
    /// ## Fix
    ///
    /// Remove the setting; expose ports through a Service (or `ports:` in Compose).
    pub struct NoHostNamespaces {
        code: "SS106",
        name: "no-host-namespaces",
        severity: Error,
        targets: [Kubernetes, Compose],
        enabled_by_default: true,
    }
}

impl Rule for NoHostNamespaces {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, set: &ObjectSet<'_>, out: &mut Hits) {
        for w in &set.workloads {
            for field in ["hostNetwork", "hostPID", "hostIPC"] {
                if is_true(w.pod.get(field)) {
                    out.at_value(
                        w.doc,
                        w.pod_at(&format!("/{field}")),
                        format!("the pod shares the node's namespace: `{field}: true`"),
                        format!("remove `{field}: true`"),
                    );
                }
            }
        }
        for s in &set.compose {
            for field in ["network_mode", "pid", "ipc"] {
                if s.get(field).and_then(|v| v.as_str()) == Some("host") {
                    out.at_value(
                        s.doc,
                        s.at(&format!("/{field}")),
                        format!(
                            "service `{}` shares the host's namespace: `{field}: host`",
                            s.name
                        ),
                        format!("remove `{field}: host`"),
                    )
                    .service(s.name);
                }
            }
        }
    }
}
