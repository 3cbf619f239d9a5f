//! Fields the API server refuses to change on an existing object: a diff that touches one
//! will not apply with `kubectl apply`; the object must be deleted and created again (or
//! replaced with `kubectl replace --force`), which for a workload means downtime.

use serde_json::Value;

/// Why a changed field (by JSON pointer) of an object of this kind cannot be changed in
/// place, or `None` when it can.
pub fn reason(kind: &str, old: &Value, pointer: &str) -> Option<&'static str> {
    let under = |prefix: &str| pointer == prefix || pointer.starts_with(&format!("{prefix}/"));
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
        "PersistentVolumeClaim"
            if under("/spec/storageClassName")
                || under("/spec/accessModes")
                || under("/spec/volumeName")
                || under("/spec/selector") =>
        {
            Some(
                "a bound PersistentVolumeClaim's storage class, access modes and volume are immutable",
            )
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
        assert!(reason("Deployment", &none, "/spec/selector/matchLabels/app").is_some());
        assert!(reason("Deployment", &none, "/spec/replicas").is_none());
        assert!(reason("StatefulSet", &none, "/spec/volumeClaimTemplates/0/spec").is_some());
        assert!(reason("Job", &none, "/spec/template/spec/containers/0/image").is_some());
        assert!(reason("Service", &none, "/spec/clusterIP").is_some());
        assert!(reason("Service", &none, "/spec/clusterIPsX").is_none());
        assert!(reason("ConfigMap", &json!({"immutable": true}), "/data/a").is_some());
        assert!(reason("ConfigMap", &none, "/data/a").is_none());
    }
}
