//! SS703 ingress-backend-exists.

use serde_json::Value;

use crate::policy::{Hits, ObjectSet, Rule, RuleMeta, declare_rule};

declare_rule! {
    /// An Ingress must route to a Service and port that exist.
    ///
    /// ## What it checks
    ///
    /// Every `backend.service` of an Ingress (rules and `defaultBackend`) must name a Service
    /// in the same namespace, and its `port.number` or `port.name` must be one of that
    /// Service's ports. `lint` given no Service at all skips the check.
    ///
    /// ## Why it matters
    ///
    /// The ingress controller answers 503 for a backend that does not exist; nothing fails at
    /// deploy time.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// backend:
    ///   service:
    ///     name: janua-api-service
    ///     port: {number: 8080}   # the Service listens on 80
    /// ```
    ///
    /// ## Fix
    ///
    /// Use the Service's name and one of its `ports` (the `port`, not the `targetPort`).
    pub struct IngressBackendExists {
        code: "SS703",
        name: "ingress-backend-exists",
        severity: Error,
        targets: [Kubernetes],
        enabled_by_default: true,
    }
}

impl Rule for IngressBackendExists {
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
        for (i, ing) in set.of_kind("Ingress") {
            let mut backends: Vec<String> = Vec::new();
            if ing.value.pointer("/spec/defaultBackend/service").is_some() {
                backends.push("/spec/defaultBackend/service".into());
            }
            for (r, rule) in ing
                .value
                .pointer("/spec/rules")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .enumerate()
            {
                for (p, path) in rule
                    .pointer("/http/paths")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .enumerate()
                {
                    if path.pointer("/backend/service").is_some() {
                        backends.push(format!("/spec/rules/{r}/http/paths/{p}/backend/service"));
                    }
                }
            }
            for base in backends {
                let Some(backend) = ing.value.pointer(&base) else {
                    continue;
                };
                let Some(name) = backend.get("name").and_then(Value::as_str) else {
                    continue;
                };
                let Some((_, svc)) = set.find("Service", ing.namespace(), name) else {
                    out.at_value(
                        i,
                        format!("{base}/name"),
                        format!("backend Service `{name}` does not exist"),
                        "route to an existing Service, or add it",
                    );
                    continue;
                };
                let ports: Vec<&Value> = svc
                    .value
                    .pointer("/spec/ports")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .collect();
                if let Some(number) = backend.pointer("/port/number").and_then(Value::as_i64) {
                    if !ports
                        .iter()
                        .any(|p| p.get("port").and_then(Value::as_i64) == Some(number))
                    {
                        out.at_value(
                            i,
                            format!("{base}/port/number"),
                            format!("Service `{name}` has no port {number}"),
                            format!(
                                "use one of the ports of Service `{name}` ({})",
                                port_list(&ports)
                            ),
                        );
                    }
                } else if let Some(pname) = backend.pointer("/port/name").and_then(Value::as_str)
                    && !ports
                        .iter()
                        .any(|p| p.get("name").and_then(Value::as_str) == Some(pname))
                {
                    out.at_value(
                        i,
                        format!("{base}/port/name"),
                        format!("Service `{name}` has no port named `{pname}`"),
                        format!(
                            "use one of the ports of Service `{name}` ({})",
                            port_list(&ports)
                        ),
                    );
                }
            }
        }
    }
}

fn port_list(ports: &[&Value]) -> String {
    ports
        .iter()
        .map(
            |p| match (p.get("name").and_then(Value::as_str), p.get("port")) {
                (Some(n), Some(v)) => format!("{n}: {v}"),
                (None, Some(v)) => v.to_string(),
                _ => "?".to_string(),
            },
        )
        .collect::<Vec<_>>()
        .join(", ")
}
