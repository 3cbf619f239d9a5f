//! Kubernetes APIs that were removed: a resource that uses one is reported as such, with the
//! version that removed it and what to use instead, rather than as a missing schema.

/// One removed `apiVersion` of a kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RemovedApi {
    /// The removed `apiVersion`.
    pub api_version: &'static str,
    /// The kind.
    pub kind: &'static str,
    /// The Kubernetes minor version that removed it (`25` for 1.25).
    pub removed_in: u32,
    /// What to use instead.
    pub replacement: &'static str,
}

macro_rules! removed {
    ($($api:literal $kind:literal $minor:literal $use:literal;)*) => {
        &[$(RemovedApi { api_version: $api, kind: $kind, removed_in: $minor, replacement: $use }),*]
    };
}

/// The removals of Kubernetes 1.16, 1.22, 1.25, 1.26, 1.27, 1.29 and 1.32.
pub const REMOVED_APIS: &[RemovedApi] = removed! {
    "extensions/v1beta1" "Deployment" 16 "apps/v1";
    "apps/v1beta1" "Deployment" 16 "apps/v1";
    "apps/v1beta2" "Deployment" 16 "apps/v1";
    "extensions/v1beta1" "DaemonSet" 16 "apps/v1";
    "apps/v1beta2" "DaemonSet" 16 "apps/v1";
    "extensions/v1beta1" "ReplicaSet" 16 "apps/v1";
    "apps/v1beta1" "ReplicaSet" 16 "apps/v1";
    "apps/v1beta2" "ReplicaSet" 16 "apps/v1";
    "apps/v1beta1" "StatefulSet" 16 "apps/v1";
    "apps/v1beta2" "StatefulSet" 16 "apps/v1";
    "extensions/v1beta1" "NetworkPolicy" 16 "networking.k8s.io/v1";
    "extensions/v1beta1" "PodSecurityPolicy" 16 "policy/v1beta1";
    "admissionregistration.k8s.io/v1beta1" "MutatingWebhookConfiguration" 22 "admissionregistration.k8s.io/v1";
    "admissionregistration.k8s.io/v1beta1" "ValidatingWebhookConfiguration" 22 "admissionregistration.k8s.io/v1";
    "apiextensions.k8s.io/v1beta1" "CustomResourceDefinition" 22 "apiextensions.k8s.io/v1";
    "apiregistration.k8s.io/v1beta1" "APIService" 22 "apiregistration.k8s.io/v1";
    "authentication.k8s.io/v1beta1" "TokenReview" 22 "authentication.k8s.io/v1";
    "authorization.k8s.io/v1beta1" "SubjectAccessReview" 22 "authorization.k8s.io/v1";
    "authorization.k8s.io/v1beta1" "LocalSubjectAccessReview" 22 "authorization.k8s.io/v1";
    "authorization.k8s.io/v1beta1" "SelfSubjectAccessReview" 22 "authorization.k8s.io/v1";
    "authorization.k8s.io/v1beta1" "SelfSubjectRulesReview" 22 "authorization.k8s.io/v1";
    "certificates.k8s.io/v1beta1" "CertificateSigningRequest" 22 "certificates.k8s.io/v1";
    "coordination.k8s.io/v1beta1" "Lease" 22 "coordination.k8s.io/v1";
    "extensions/v1beta1" "Ingress" 22 "networking.k8s.io/v1";
    "networking.k8s.io/v1beta1" "Ingress" 22 "networking.k8s.io/v1";
    "networking.k8s.io/v1beta1" "IngressClass" 22 "networking.k8s.io/v1";
    "rbac.authorization.k8s.io/v1beta1" "ClusterRole" 22 "rbac.authorization.k8s.io/v1";
    "rbac.authorization.k8s.io/v1beta1" "ClusterRoleBinding" 22 "rbac.authorization.k8s.io/v1";
    "rbac.authorization.k8s.io/v1beta1" "Role" 22 "rbac.authorization.k8s.io/v1";
    "rbac.authorization.k8s.io/v1beta1" "RoleBinding" 22 "rbac.authorization.k8s.io/v1";
    "scheduling.k8s.io/v1beta1" "PriorityClass" 22 "scheduling.k8s.io/v1";
    "storage.k8s.io/v1beta1" "CSIDriver" 22 "storage.k8s.io/v1";
    "storage.k8s.io/v1beta1" "CSINode" 22 "storage.k8s.io/v1";
    "storage.k8s.io/v1beta1" "StorageClass" 22 "storage.k8s.io/v1";
    "storage.k8s.io/v1beta1" "VolumeAttachment" 22 "storage.k8s.io/v1";
    "batch/v1beta1" "CronJob" 25 "batch/v1";
    "discovery.k8s.io/v1beta1" "EndpointSlice" 25 "discovery.k8s.io/v1";
    "events.k8s.io/v1beta1" "Event" 25 "events.k8s.io/v1";
    "autoscaling/v2beta1" "HorizontalPodAutoscaler" 25 "autoscaling/v2";
    "policy/v1beta1" "PodDisruptionBudget" 25 "policy/v1";
    "policy/v1beta1" "PodSecurityPolicy" 25 "Pod Security Admission (namespace labels)";
    "node.k8s.io/v1beta1" "RuntimeClass" 25 "node.k8s.io/v1";
    "flowcontrol.apiserver.k8s.io/v1beta1" "FlowSchema" 26 "flowcontrol.apiserver.k8s.io/v1";
    "flowcontrol.apiserver.k8s.io/v1beta1" "PriorityLevelConfiguration" 26 "flowcontrol.apiserver.k8s.io/v1";
    "autoscaling/v2beta2" "HorizontalPodAutoscaler" 26 "autoscaling/v2";
    "storage.k8s.io/v1beta1" "CSIStorageCapacity" 27 "storage.k8s.io/v1";
    "flowcontrol.apiserver.k8s.io/v1beta2" "FlowSchema" 29 "flowcontrol.apiserver.k8s.io/v1";
    "flowcontrol.apiserver.k8s.io/v1beta2" "PriorityLevelConfiguration" 29 "flowcontrol.apiserver.k8s.io/v1";
    "flowcontrol.apiserver.k8s.io/v1beta3" "FlowSchema" 32 "flowcontrol.apiserver.k8s.io/v1";
    "flowcontrol.apiserver.k8s.io/v1beta3" "PriorityLevelConfiguration" 32 "flowcontrol.apiserver.k8s.io/v1";
};

/// The removal of `apiVersion` `kind` at or before Kubernetes 1.`minor`, if it was removed.
pub fn removed_api(api_version: &str, kind: &str, minor: u32) -> Option<&'static RemovedApi> {
    REMOVED_APIS
        .iter()
        .find(|r| r.api_version == api_version && r.kind == kind && r.removed_in <= minor)
}

impl RemovedApi {
    /// The plain-language notice: `policy/v1beta1 PodDisruptionBudget was removed in
    /// Kubernetes 1.25; use policy/v1`.
    pub fn message(&self) -> String {
        format!(
            "{} {} was removed in Kubernetes 1.{}; use {}",
            self.api_version, self.kind, self.removed_in, self.replacement
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_removal_and_the_replacement() {
        let r = removed_api("policy/v1beta1", "PodDisruptionBudget", 37).unwrap();
        assert_eq!(
            r.message(),
            "policy/v1beta1 PodDisruptionBudget was removed in Kubernetes 1.25; use policy/v1"
        );
        assert!(removed_api("policy/v1", "PodDisruptionBudget", 37).is_none());
        assert!(removed_api("batch/v1beta1", "CronJob", 24).is_none());
    }
}
