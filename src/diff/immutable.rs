//! Fields the API server refuses to change on an existing object: a diff that touches one
//! will not apply with `kubectl apply`; the object must be deleted and created again (or
//! replaced with `kubectl replace --force`), which for a workload means downtime.

use serde_json::Value;

/// Why a changed field (by JSON pointer) of an object of this kind cannot be changed in
/// place, or `None` when it can. `old` and `new` are the whole object before and after.
pub fn reason(kind: &str, old: &Value, new: &Value, pointer: &str) -> Option<&'static str> {
    let under = |prefix: &str| pointer == prefix || pointer.starts_with(&format!("{prefix}/"));
    let external_name =
        |v: &Value| v.pointer("/spec/type").and_then(Value::as_str) == Some("ExternalName");
    match kind {
        "Deployment" | "ReplicaSet" | "DaemonSet" if under("/spec/selector") => {
            Some("the selector of a Deployment, ReplicaSet or DaemonSet is immutable")
        }
        "StatefulSet" => {
            if under("/spec/selector") {
                Some("the selector of a StatefulSet is immutable")
            } else if under("/spec/serviceName") {
                Some("a StatefulSet's serviceName is immutable")
            } else if under("/spec/volumeClaimTemplates") {
                Some("a StatefulSet's volumeClaimTemplates are immutable")
            } else if under("/spec/podManagementPolicy") {
                Some("a StatefulSet's podManagementPolicy is immutable")
            } else {
                None
            }
        }
        "Job" if under("/spec/selector") || under("/spec/template") => {
            Some("a Job's selector and pod template are immutable")
        }
        "Job" if under("/spec/completions") => Some("a Job's completions are immutable"),
        "Service" if under("/spec/clusterIP") || under("/spec/clusterIPs") => {
            Some("a Service's clusterIP is immutable once set")
        }
        "Service" if under("/spec/type") && external_name(old) != external_name(new) => {
            Some("a Service cannot change to or from type ExternalName while it has a clusterIP")
        }
        "PersistentVolumeClaim"
            if under("/spec")
                && !under("/spec/resources/requests/storage")
                && !under("/spec/volumeAttributesClassName") =>
        {
            Some(
                "a bound PersistentVolumeClaim's spec is immutable except its storage request (which may only grow)",
            )
        }
        "PersistentVolumeClaim" if under("/spec/resources/requests/storage") => {
            let size = |v: &Value| {
                v.pointer("/spec/resources/requests/storage")
                    .and_then(crate::policy::quantity::kubernetes)
            };
            match (size(old), size(new)) {
                (Some(before), Some(after)) if after < before => {
                    Some("a PersistentVolumeClaim's storage request can grow but never shrink")
                }
                _ => None,
            }
        }
        "ConfigMap" | "Secret"
            if old.get("immutable") == Some(&Value::Bool(true))
                && (under("/data") || under("/binaryData") || under("/stringData")) =>
        {
            Some("the object is marked `immutable: true`")
        }
        _ => None,
    }
}

/// The fix a reviewer is told.
pub const FIX: &str = "kubectl apply will refuse it: delete and recreate the object (`kubectl replace --force`), or keep the old value";

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn selectors_and_claims_are_immutable() {
        let none = json!({});
        let r = |kind: &str, old: &Value, pointer: &str| reason(kind, old, &none, pointer);
        assert!(r("Deployment", &none, "/spec/selector/matchLabels/app").is_some());
        assert!(r("Deployment", &none, "/spec/replicas").is_none());
        assert!(r("StatefulSet", &none, "/spec/volumeClaimTemplates/0/spec").is_some());
        assert!(r("Job", &none, "/spec/template/spec/containers/0/image").is_some());
        assert!(r("Service", &none, "/spec/clusterIP").is_some());
        assert!(r("Service", &none, "/spec/clusterIPsX").is_none());
        assert!(r("ConfigMap", &json!({"immutable": true}), "/data/a").is_some());
        assert!(r("ConfigMap", &none, "/data/a").is_none());
        assert!(r("PersistentVolumeClaim", &none, "/spec/volumeMode").is_some());
        assert!(
            r(
                "PersistentVolumeClaim",
                &none,
                "/spec/resources/requests/storage"
            )
            .is_none()
        );
        assert!(r("PersistentVolumeClaim", &none, "/metadata/labels/a").is_none());
    }

    #[test]
    fn external_name_and_shrinking_claims() {
        let cluster = json!({"spec": {"type": "ClusterIP"}});
        let external = json!({"spec": {"type": "ExternalName"}});
        let node_port = json!({"spec": {"type": "NodePort"}});
        assert!(reason("Service", &cluster, &external, "/spec/type").is_some());
        assert!(reason("Service", &external, &cluster, "/spec/type").is_some());
        assert!(reason("Service", &cluster, &node_port, "/spec/type").is_none());

        let claim = |size: &str| json!({"spec": {"resources": {"requests": {"storage": size}}}});
        let p = "/spec/resources/requests/storage";
        let r = |old: &str, new: &str| reason("PersistentVolumeClaim", &claim(old), &claim(new), p);
        assert!(r("10Gi", "20Gi").is_none());
        assert!(r("20Gi", "10Gi").is_some());
        assert!(r("1Gi", "1024Mi").is_none());
    }
}
