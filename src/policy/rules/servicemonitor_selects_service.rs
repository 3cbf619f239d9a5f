//! SS706 servicemonitor-selects-service.

use serde_json::Value;

use crate::policy::model::LabelSelector;
use crate::policy::{Hits, ObjectSet, Rule, RuleMeta, declare_rule};

declare_rule! {
    /// A ServiceMonitor must select a Service and scrape a port it has.
    ///
    /// ## What it checks
    ///
    /// The `selector` of a ServiceMonitor (monitoring.coreos.com) must match the labels of at
    /// least one Service in the namespaces it watches (`namespaceSelector.matchNames`, any
    /// with `any: true`, else its own), and each endpoint's `port` must be the name of a port
    /// of a selected Service. `lint` given no Service at all skips the check.
    ///
    /// ## Why it matters
    ///
    /// Prometheus silently scrapes nothing: dashboards go flat and alerts that need the
    /// metrics never fire.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// kind: ServiceMonitor
    /// spec:
    ///   selector:
    ///     matchLabels: {app: api}
    ///   endpoints:
    ///     - port: prometheus   # the Service's port is named metrics
    /// ```
    ///
    /// ## Fix
    ///
    /// Match the Service's `metadata.labels` (not its selector) and name one of its ports.
    pub struct ServicemonitorSelectsService {
        code: "SS706",
        name: "servicemonitor-selects-service",
        severity: Error,
        targets: [Kubernetes],
        enabled_by_default: true,
    }
}

impl Rule for ServicemonitorSelectsService {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn cross_resource(&self) -> bool {
        true
    }

    fn check(&self, set: &ObjectSet<'_>, out: &mut Hits) {
        if !set.can_resolve("Service") {
            return;
        }
        for (i, sm) in set.of_kind("ServiceMonitor") {
            let selector = LabelSelector::from_label_selector(sm.value.pointer("/spec/selector"));
            let ns_sel = sm.value.pointer("/spec/namespaceSelector");
            let any = ns_sel.and_then(|n| n.get("any")).and_then(Value::as_bool) == Some(true);
            let names: Vec<&str> = ns_sel
                .and_then(|n| n.get("matchNames"))
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            let in_scope = |ns: Option<&str>| {
                if any {
                    return true;
                }
                match (names.is_empty(), ns) {
                    (false, Some(ns)) => names.contains(&ns),
                    (false, None) => true,
                    (true, ns) => crate::policy::model::same_namespace(sm.namespace(), ns),
                }
            };
            let services: Vec<_> = set
                .services_labelled(&selector)
                .filter(|(_, s)| in_scope(s.namespace()))
                .filter(|(_, s)| {
                    selector.matches(
                        s.value
                            .pointer("/metadata/labels")
                            .and_then(Value::as_object),
                    )
                })
                .collect();
            if services.is_empty() {
                out.at_key(
                    i,
                    "/spec/selector",
                    format!(
                        "selector `{}` matches no Service labels",
                        selector.describe()
                    ),
                    "match the `metadata.labels` of the Service to scrape (not its selector)",
                );
                continue;
            }
            for (j, ep) in sm
                .value
                .pointer("/spec/endpoints")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .enumerate()
            {
                let Some(port) = ep.get("port").and_then(Value::as_str) else {
                    continue;
                };
                let exists = services.iter().any(|(_, s)| {
                    s.value
                        .pointer("/spec/ports")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                        .any(|p| p.get("name").and_then(Value::as_str) == Some(port))
                });
                if !exists {
                    out.at_value(
                        i,
                        format!("/spec/endpoints/{j}/port"),
                        format!("endpoint port `{port}` is not the name of a port of the selected Services"),
                        "name one of the selected Service's ports",
                    );
                }
            }
        }
    }
}
