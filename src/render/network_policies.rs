//! NetworkPolicies from the declared connections: for each workload of the app rendered for
//! Kubernetes, one policy selecting its pods that allows exactly its edges.
//!
//! - Ingress: the workloads of this app that connect to it, on the ports they connect to;
//!   then the workloads of other apps of the same environment that connect to it (their
//!   namespace selected by `kubernetes.io/metadata.name` when it is another), on theirs;
//!   for a workload with an `ingress`, its port from the ingress controller's namespace;
//!   the app's metrics port from `monitoringNamespace` when set.
//! - Egress: each connection's target pods on their port (another namespace's by
//!   `kubernetes.io/metadata.name`), an external range as an `ipBlock`, and DNS (port 53,
//!   UDP and TCP, to kube-system's kube-dns pods). A NetworkPolicy cannot name a host, so a
//!   connection to an external host allows its port to every address (`0.0.0.0/0`).
//!
//! Ports are the pods' (container) ports: a policy sees traffic after the Service has
//! translated its port.

use serde_json::{Map, Value, json};

use crate::spec::Spec;
use crate::spec::connections::{Client, Clients, Connections, Endpoint, EndpointKind};
use crate::spec::model::Protocol;

/// A workload the policies cover: its name (the app's or a component key), labels,
/// selector and, when it has an ingress, the pod port the ingress reaches.
pub struct Covered {
    /// The app's name or the component key.
    pub name: String,
    /// Labels of the policy object.
    pub labels: Value,
    /// The pods' selector labels.
    pub selector: Value,
    /// The pod port and protocol an Ingress sends traffic to.
    pub ingress_port: Option<(u16, Protocol)>,
    /// The pod port Prometheus scrapes.
    pub metrics_port: Option<(u16, Protocol)>,
}

const DEFAULT_INGRESS_NAMESPACE: &str = "ingress-nginx";

fn namespace_selector(namespace: &str) -> Value {
    json!({"matchLabels": {"kubernetes.io/metadata.name": namespace}})
}

fn port(number: u16, protocol: Protocol) -> Value {
    json!({"port": number, "protocol": protocol})
}

fn egress_rule(own_namespace: &str, e: &Endpoint) -> Option<Value> {
    let ports = json!([port(e.pod_port, e.protocol)]);
    let to = match &e.kind {
        EndpointKind::Workload(w) if !w.on_kubernetes => return None,
        EndpointKind::Workload(w) => {
            let mut peer = Map::new();
            if w.namespace != own_namespace {
                peer.insert("namespaceSelector".into(), namespace_selector(&w.namespace));
            }
            peer.insert("podSelector".into(), json!({"matchLabels": w.selector}));
            Value::Object(peer)
        }
        EndpointKind::Cidr(c) => json!({"ipBlock": {"cidr": c}}),
        // A NetworkPolicy cannot name a host: its port to any address.
        EndpointKind::Host(_) => json!({"ipBlock": {"cidr": "0.0.0.0/0"}}),
    };
    Some(json!({"to": [to], "ports": ports}))
}

/// One ingress rule per client workload of another app (in the order of `clients`: by app,
/// workload, port), with the ports it connects to.
fn client_rules(own_namespace: &str, clients: &[Client]) -> Vec<Value> {
    let mut rules: Vec<Value> = Vec::new();
    let mut last: Option<(&str, &str)> = None;
    for c in clients {
        let p = port(c.pod_port, c.protocol);
        if last == Some((c.app.as_str(), c.workload.as_str())) {
            if let Some(ports) = rules.last_mut().and_then(|r| r["ports"].as_array_mut()) {
                ports.push(p);
            }
            continue;
        }
        last = Some((&c.app, &c.workload));
        let mut peer = Map::new();
        if c.namespace != own_namespace {
            peer.insert("namespaceSelector".into(), namespace_selector(&c.namespace));
        }
        peer.insert("podSelector".into(), json!({"matchLabels": c.selector}));
        rules.push(json!({"from": [Value::Object(peer)], "ports": [p]}));
    }
    rules
}

/// The policies, in the order of `covered` (the app's own workload first, then components
/// by key); empty unless the spec asks for them. `clients` are the workloads of other apps
/// that connect to this app's.
pub fn build(
    spec: &Spec,
    app_name: &str,
    connections: &Connections,
    clients: &Clients,
    covered: &[Covered],
) -> Vec<Value> {
    if !spec.network_policies {
        return Vec::new();
    }
    let controller = spec
        .ingress_controller_namespace
        .as_deref()
        .unwrap_or(DEFAULT_INGRESS_NAMESPACE);
    covered
        .iter()
        .map(|w| {
            let mut ingress = Vec::new();
            for client in covered {
                let Some(edges) = connections.get(&client.name) else {
                    continue;
                };
                let ports: Vec<Value> = edges
                    .values()
                    .filter(|e| match &e.kind {
                        EndpointKind::Workload(t) => {
                            t.same_app && t.component.as_deref().unwrap_or(app_name) == w.name
                        }
                        _ => false,
                    })
                    .map(|e| port(e.pod_port, e.protocol))
                    .collect();
                if !ports.is_empty() {
                    ingress.push(json!({
                        "from": [{"podSelector": {"matchLabels": client.selector}}],
                        "ports": ports,
                    }));
                }
            }
            if let Some(clients) = clients.get(&w.name) {
                ingress.extend(client_rules(&spec.namespace, clients));
            }
            if let Some((number, protocol)) = w.ingress_port {
                ingress.push(json!({
                    "from": [{"namespaceSelector": namespace_selector(controller)}],
                    "ports": [port(number, protocol)],
                }));
            }
            if let (Some((number, protocol)), Some(monitoring)) =
                (w.metrics_port, spec.monitoring_namespace.as_deref())
            {
                ingress.push(json!({
                    "from": [{"namespaceSelector": namespace_selector(monitoring)}],
                    "ports": [port(number, protocol)],
                }));
            }
            let mut egress: Vec<Value> = connections
                .get(&w.name)
                .into_iter()
                .flat_map(|edges| edges.values())
                .filter_map(|e| egress_rule(&spec.namespace, e))
                .collect();
            egress.push(json!({
                "to": [{
                    "namespaceSelector": namespace_selector("kube-system"),
                    "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}},
                }],
                "ports": [port(53, Protocol::UDP), port(53, Protocol::TCP)],
            }));
            json!({
                "name": w.name,
                "labels": w.labels,
                "spec": {
                    "podSelector": {"matchLabels": w.selector},
                    "policyTypes": ["Ingress", "Egress"],
                    "ingress": ingress,
                    "egress": egress,
                },
            })
        })
        .collect()
}
