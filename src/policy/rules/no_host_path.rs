//! SS107 no-host-path.

use serde_json::Value;

use crate::policy::{Hits, ObjectSet, Rule, RuleMeta, declare_rule};

declare_rule! {
    /// Pods should not mount directories of the node.
    ///
    /// ## What it checks
    ///
    /// No volume of a pod spec may be a `hostPath` volume.
    ///
    /// ## Why it matters
    ///
    /// A hostPath mount exposes the node's filesystem (the container runtime socket, kubelet
    /// credentials, other pods' data) and ties the pod to one node's disk.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// volumes:
    ///   - name: docker
    ///     hostPath:
    ///       path: /var/run/docker.sock
    /// ```
    ///
    /// ## Fix
    ///
    /// Use an `emptyDir`, a ConfigMap or Secret volume, or a PersistentVolumeClaim.
    pub struct NoHostPath {
        code: "SS107",
        name: "no-host-path",
        severity: Warning,
        targets: [Kubernetes],
        enabled_by_default: true,
    }
}

impl Rule for NoHostPath {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, set: &ObjectSet<'_>, out: &mut Hits) {
        for w in &set.workloads {
            let Some(volumes) = w.pod.get("volumes").and_then(Value::as_array) else {
                continue;
            };
            for (i, v) in volumes.iter().enumerate() {
                if let Some(hp) = v.get("hostPath") {
                    let path = hp.get("path").and_then(Value::as_str).unwrap_or("?");
                    let name = v.get("name").and_then(Value::as_str).unwrap_or("?");
                    out.at_key(
                        w.doc,
                        w.pod_at(&format!("/volumes/{i}/hostPath")),
                        format!("volume `{name}` mounts the node's `{path}`"),
                        "use an emptyDir, a ConfigMap or Secret volume, or a PersistentVolumeClaim",
                    );
                }
            }
        }
    }
}
