//! SS701 service-selects-pods.

use serde_json::Value;

use crate::policy::model::LabelSelector;
use crate::policy::{Hits, ObjectSet, Rule, RuleMeta, declare_rule};

declare_rule! {
    /// A Service must select pods, on ports they have.
    ///
    /// ## What it checks
    ///
    /// A Service with a `selector` must match the pods of at least one workload in the same
    /// namespace, and each named `targetPort` must be the name of a port of a selected
    /// container (a numeric one must be a declared `containerPort` when the containers
    /// declare ports). Services without a selector and `ExternalName` Services are skipped;
    /// so is `lint` given no workload at all.
    ///
    /// A pod carries its template's labels and those its controller adds: a Job's pods have
    /// `job-name` and `batch.kubernetes.io/job-name` (the Job's name) and `controller-uid`;
    /// hash labels (`pod-template-hash`, `controller-revision-hash`) and the names of the
    /// Jobs a CronJob creates are only known in the cluster, so a selector on them matches.
    /// "Matches no pods" is only reported when the set provably holds none: a custom
    /// resource in the namespace (an operator's database, a Flagger Canary) may create pods
    /// that no template here describes, and then the rule stays silent. Custom resources
    /// known to create no pods (ServiceMonitor, Istio and cert-manager configuration) do not
    /// count.
    ///
    /// ## Why it matters
    ///
    /// A Service that selects nothing has no endpoints: every request to it fails, while
    /// every object looks healthy on its own.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// kind: Service
    /// spec:
    ///   selector:
    ///     app: janua   # the pods are labelled app: janua-api
    /// ```
    ///
    /// ## Fix
    ///
    /// Make the selector equal to (a subset of) the pod template's labels and point
    /// `targetPort` at a container port.
    pub struct ServiceSelectsPods {
        code: "SS701",
        name: "service-selects-pods",
        severity: Error,
        targets: [Kubernetes],
        enabled_by_default: true,
    }
}

impl Rule for ServiceSelectsPods {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn cross_resource(&self) -> bool {
        true
    }

    fn check(&self, set: &ObjectSet<'_>, out: &mut Hits) {
        if !set.cx.complete && !set.has_workloads() {
            return;
        }
        for (i, svc) in set.of_kind("Service") {
            if svc.value.pointer("/spec/type").and_then(Value::as_str) == Some("ExternalName") {
                continue;
            }
            let selector = LabelSelector::from_map(svc.value.pointer("/spec/selector"));
            if selector.is_empty() {
                continue;
            }
            let pods: Vec<_> = set.workloads_matching(svc.namespace(), &selector).collect();
            if pods.is_empty() {
                if set.may_hold_unseen_pods(svc.namespace()) {
                    continue;
                }
                out.at_key(
                    i,
                    "/spec/selector",
                    format!("selector `{}` matches no pods", selector.describe()),
                    "make the selector match the labels of the workload's pod template",
                );
                continue;
            }
            let containers: Vec<_> = pods.iter().flat_map(|w| w.app_containers()).collect();
            let Some(ports) = svc.value.pointer("/spec/ports").and_then(Value::as_array) else {
                continue;
            };
            for (j, p) in ports.iter().enumerate() {
                let Some(target) = p.get("targetPort") else {
                    continue;
                };
                let pointer = format!("/spec/ports/{j}/targetPort");
                match target {
                    Value::String(name) if name.parse::<i64>().is_err() => {
                        if !containers
                            .iter()
                            .any(|c| c.ports().any(|(n, _)| n == Some(name.as_str())))
                        {
                            out.at_value(i, pointer, format!("targetPort `{name}` is not the name of a port of the selected pods"), "use a port name or number that the selected containers declare");
                        }
                    }
                    _ => {
                        let Some(n) = target
                            .as_i64()
                            .or_else(|| target.as_str().and_then(|s| s.parse().ok()))
                        else {
                            continue;
                        };
                        let all_declare = containers.iter().all(|c| c.ports().next().is_some());
                        if all_declare
                            && !containers
                                .iter()
                                .any(|c| c.ports().any(|(_, p)| p == Some(n)))
                        {
                            out.at_value(
                                i,
                                pointer,
                                format!(
                                    "targetPort {n} is not a container port of the selected pods"
                                ),
                                "use a port name or number that the selected containers declare",
                            );
                        }
                    }
                }
            }
        }
    }
}
