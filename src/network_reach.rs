//! Whether the rendered NetworkPolicies let every declared connection through: with
//! `networkPolicies: true`, each connection of a workload that renders for Kubernetes must be
//! allowed out of the client's pods by the policies that select them, and into the target's
//! pods by the policies that select those (another app's, from its own render). A connection
//! they refuse is reported at the connection's line in the spec.
//!
//! Policies are read as Kubernetes reads them: a pod that no policy of a direction selects is
//! open in that direction; otherwise some rule of a selecting policy must match both the peer
//! and the port. A namespace is known only by its `kubernetes.io/metadata.name` label, and a
//! pod's address is known to be in `0.0.0.0/0` or `::/0` only.

use std::net::IpAddr;

use serde_json::{Map, Value};

use crate::manifest::{Document, Location};
use crate::policy::model::{LabelSelector, ObjectSet, Workload, scalar_text};
use crate::report::{Finding, RuleRef, Severity};
use crate::spec::component_checks::renders;
use crate::spec::connections::{Endpoint, EndpointKind, workload_selector};
use crate::spec::{Environment, Target};

/// The code of the findings.
pub const CODE: &str = "connection-not-allowed";

/// One end of a connection: pods and their namespace.
struct Pods<'s, 'a> {
    namespace: &'s str,
    workloads: Vec<&'s Workload<'a>>,
}

/// What a connection goes to, as a policy sees it.
enum Destination<'s, 'a> {
    Pods(Pods<'s, 'a>),
    /// An external host: any address.
    Anywhere,
    Cidr(&'s str),
}

/// Checks every connection of an environment with `networkPolicies: true` against the
/// policies in `set`, which holds the environment's Kubernetes objects and those of every
/// other app its workloads connect to. `at` locates a spec key (a JSON pointer).
pub fn check(
    env: &Environment,
    set: &ObjectSet<'_>,
    at: &dyn Fn(&str) -> Option<Location>,
) -> Vec<Finding> {
    let spec = &env.spec;
    let mut out = Vec::new();
    if !spec.network_policies || !spec.targets.contains(&Target::Kubernetes) {
        return out;
    }
    let app_name = env.name();
    for (workload, endpoints) in &env.connections {
        let (component, base) = if workload == app_name {
            (None, String::new())
        } else {
            match spec.components.get_key_value(workload) {
                Some((k, c)) if renders(spec, c, Target::Kubernetes) => (
                    Some((k.as_str(), c)),
                    format!(
                        "/components/{}",
                        crate::manifest::yaml::escape_token(workload)
                    ),
                ),
                _ => continue,
            }
        };
        let client_selector = selector(&workload_selector(spec, app_name, &env.id.env, component));
        let client = pods(set, &spec.namespace, &client_selector);
        if client.workloads.is_empty() {
            continue;
        }
        for (key, e) in endpoints {
            let target_selector = match &e.kind {
                EndpointKind::Workload(w) => selector(&w.selector),
                _ => LabelSelector::default(),
            };
            let destination = match &e.kind {
                EndpointKind::Workload(w) if w.on_kubernetes && e.kubernetes.is_some() => {
                    let target = pods(set, &w.namespace, &target_selector);
                    if target.workloads.is_empty() {
                        continue; // Its app's objects are not in the set.
                    }
                    Destination::Pods(target)
                }
                EndpointKind::Workload(_) => continue,
                EndpointKind::Host(_) => Destination::Anywhere,
                EndpointKind::Cidr(c) => Destination::Cidr(c),
            };
            if let Some(why) = refused(set, &client, &destination, e) {
                let pointer = format!(
                    "{base}/connections/{}",
                    crate::manifest::yaml::escape_token(key)
                );
                out.push(Finding {
                    rule: RuleRef {
                        code: CODE.into(),
                        name: CODE.into(),
                    },
                    severity: Severity::Error,
                    message: format!(
                        "connection `{key}` of `{workload}` is not allowed by the rendered NetworkPolicies: {why}"
                    ),
                    help: Some(format!(
                        "`networkPolicies: true` renders a policy rule for each declared edge: check that workspace templates (`templates/kubernetes/`) keep it, and that the target's policies let this client in (`shipshape render {}/{}` shows them)",
                        match &e.kind {
                            EndpointKind::Workload(w) => w.app.as_str(),
                            _ => env.id.app.as_str(),
                        },
                        env.id.env
                    )),
                    location: at(&pointer),
                    pointer: None,
                    object: None,
                    spec_hint: None,
                    exempted: None,
                    related: Vec::new(),
                });
            }
        }
    }
    out
}

fn selector(labels: &std::collections::BTreeMap<String, String>) -> LabelSelector {
    LabelSelector {
        labels: labels.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
        exprs: Vec::new(),
    }
}

fn pods<'s, 'a>(
    set: &'s ObjectSet<'a>,
    namespace: &'s str,
    selector: &'s LabelSelector,
) -> Pods<'s, 'a> {
    let workloads = set
        .workloads_matching(Some(namespace), selector)
        .filter(|w| w.namespace.is_some())
        .collect();
    Pods {
        namespace,
        workloads,
    }
}

/// Why the policies refuse the connection, if they do.
fn refused(
    set: &ObjectSet<'_>,
    client: &Pods<'_, '_>,
    destination: &Destination<'_, '_>,
    e: &Endpoint,
) -> Option<String> {
    let port = e.pod_port;
    let protocol = match e.protocol {
        crate::spec::model::Protocol::TCP => "TCP",
        crate::spec::model::Protocol::UDP => "UDP",
        crate::spec::model::Protocol::SCTP => "SCTP",
    };
    for c in &client.workloads {
        let policies = selecting(set, client.namespace, c, "Egress");
        if !policies.is_empty()
            && !policies.iter().any(|p| {
                rules(p, "egress", "to").any(|(peers, ports)| {
                    ports_allow(ports, port, protocol, destination_workloads(destination))
                        && peers_allow_destination(peers, client.namespace, destination)
                })
            })
        {
            return Some(format!(
                "no egress rule of the NetworkPolicies that select `{}` in namespace `{}` lets it out to port {port}/{protocol}",
                c.name, client.namespace
            ));
        }
    }
    let Destination::Pods(target) = destination else {
        return None;
    };
    for t in &target.workloads {
        let policies = selecting(set, target.namespace, t, "Ingress");
        for c in &client.workloads {
            if !policies.is_empty()
                && !policies.iter().any(|p| {
                    rules(p, "ingress", "from").any(|(peers, ports)| {
                        ports_allow(ports, port, protocol, &[t])
                            && peers_allow_pods(peers, target.namespace, client.namespace, c)
                    })
                })
            {
                return Some(format!(
                    "no ingress rule of the NetworkPolicies that select `{}` in namespace `{}` lets `{}` of namespace `{}` in on port {port}/{protocol}",
                    t.name, target.namespace, c.name, client.namespace
                ));
            }
        }
    }
    None
}

fn destination_workloads<'x, 's, 'a>(d: &'x Destination<'s, 'a>) -> &'x [&'s Workload<'a>] {
    match d {
        Destination::Pods(p) => &p.workloads,
        _ => &[],
    }
}

/// The NetworkPolicies of a namespace that select a workload's pods for a direction.
fn selecting<'a>(
    set: &ObjectSet<'a>,
    namespace: &str,
    w: &Workload<'_>,
    direction: &str,
) -> Vec<&'a Document> {
    set.of_kind("NetworkPolicy")
        .map(|(_, d)| d)
        .filter(|d| d.namespace() == Some(namespace))
        .filter(|d| {
            LabelSelector::from_label_selector(d.value.pointer("/spec/podSelector"))
                .matches(w.labels)
        })
        .filter(|d| policy_types(d).iter().any(|t| t == direction))
        .collect()
}

/// `spec.policyTypes`, or what Kubernetes assumes without it: Ingress, and Egress when the
/// policy has egress rules.
fn policy_types(d: &Document) -> Vec<String> {
    match d
        .value
        .pointer("/spec/policyTypes")
        .and_then(Value::as_array)
    {
        Some(types) => types
            .iter()
            .filter_map(|t| t.as_str().map(String::from))
            .collect(),
        None => {
            let mut t = vec!["Ingress".to_string()];
            if d.value.pointer("/spec/egress").is_some() {
                t.push("Egress".into());
            }
            t
        }
    }
}

/// The rules of a direction: (peers, ports), each `None` when absent (all peers, all ports).
fn rules<'d>(
    d: &'d Document,
    direction: &str,
    peers: &'static str,
) -> impl Iterator<Item = (Option<&'d Vec<Value>>, Option<&'d Vec<Value>>)> {
    d.value
        .pointer(&format!("/spec/{direction}"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(move |r| {
            (
                r.get(peers).and_then(Value::as_array),
                r.get("ports").and_then(Value::as_array),
            )
        })
}

fn ports_allow(
    ports: Option<&Vec<Value>>,
    port: u16,
    protocol: &str,
    targets: &[&Workload<'_>],
) -> bool {
    let Some(ports) = ports.filter(|p| !p.is_empty()) else {
        return true;
    };
    ports.iter().any(|p| {
        let proto = p.get("protocol").and_then(Value::as_str).unwrap_or("TCP");
        if proto != protocol {
            return false;
        }
        match p.get("port") {
            None => true,
            Some(Value::String(name)) if name.parse::<u16>().is_err() => {
                !targets.is_empty()
                    && targets.iter().all(|t| {
                        t.containers.iter().any(|c| {
                            c.ports()
                                .any(|(n, num)| n == Some(name) && num == Some(i64::from(port)))
                        })
                    })
            }
            Some(v) => {
                let Some(from) = scalar_text(v).and_then(|s| s.parse::<i64>().ok()) else {
                    return false;
                };
                let to = p.get("endPort").and_then(Value::as_i64).unwrap_or(from);
                (from..=to).contains(&i64::from(port))
            }
        }
    })
}

/// Whether a namespace selector (absent: the policy's own namespace) matches a namespace.
fn namespace_matches(raw: Option<&Value>, policy_namespace: &str, namespace: &str) -> bool {
    match raw {
        None => policy_namespace == namespace,
        Some(raw) => {
            let labels = Map::from_iter([(
                "kubernetes.io/metadata.name".to_string(),
                Value::String(namespace.to_string()),
            )]);
            LabelSelector::from_label_selector(Some(raw)).matches(Some(&labels))
        }
    }
}

fn peer_matches_pods(
    peer: &Value,
    policy_namespace: &str,
    namespace: &str,
    w: &Workload<'_>,
) -> bool {
    if let Some(block) = peer.get("ipBlock") {
        return any_address(block);
    }
    let ns = peer.get("namespaceSelector");
    if !namespace_matches(ns, policy_namespace, namespace) {
        return false;
    }
    match peer.get("podSelector") {
        None => ns.is_some(),
        Some(raw) => LabelSelector::from_label_selector(Some(raw)).matches(w.labels),
    }
}

fn peers_allow_pods(
    peers: Option<&Vec<Value>>,
    policy_namespace: &str,
    namespace: &str,
    w: &Workload<'_>,
) -> bool {
    match peers.filter(|p| !p.is_empty()) {
        None => true,
        Some(peers) => peers
            .iter()
            .any(|p| peer_matches_pods(p, policy_namespace, namespace, w)),
    }
}

fn peers_allow_destination(
    peers: Option<&Vec<Value>>,
    policy_namespace: &str,
    destination: &Destination<'_, '_>,
) -> bool {
    let Some(peers) = peers.filter(|p| !p.is_empty()) else {
        return true;
    };
    match destination {
        Destination::Pods(target) => target.workloads.iter().all(|t| {
            peers
                .iter()
                .any(|p| peer_matches_pods(p, policy_namespace, target.namespace, t))
        }),
        Destination::Anywhere => peers
            .iter()
            .any(|p| p.get("ipBlock").is_some_and(any_address)),
        Destination::Cidr(range) => peers.iter().any(|p| {
            p.get("ipBlock")
                .is_some_and(|block| block_covers(block, range))
        }),
    }
}

/// An `ipBlock` of every address (of one family) without exceptions.
fn any_address(block: &Value) -> bool {
    let cidr = block.get("cidr").and_then(Value::as_str).unwrap_or("");
    let excepts = block
        .get("except")
        .and_then(Value::as_array)
        .is_some_and(|e| !e.is_empty());
    !excepts && matches!(cidr, "0.0.0.0/0" | "::/0")
}

fn parse_range(text: &str) -> Option<(IpAddr, u8)> {
    let (ip, bits) = text.split_once('/')?;
    Some((ip.parse().ok()?, bits.parse().ok()?))
}

/// Whether range `outer` holds all of `inner`.
fn contains(outer: (IpAddr, u8), inner: (IpAddr, u8)) -> bool {
    let bits = |ip: IpAddr| -> (u128, u8) {
        match ip {
            IpAddr::V4(v) => (u128::from(u32::from(v)), 32),
            IpAddr::V6(v) => (u128::from(v), 128),
        }
    };
    let ((o, width), (i, width_i)) = (bits(outer.0), bits(inner.0));
    if width != width_i || outer.1 > inner.1 || outer.1 > width {
        return false;
    }
    let shift = u32::from(width - outer.1);
    shift >= 128 || (o >> shift) == (i >> shift)
}

/// Whether an `ipBlock` lets all of a range through (its `except` ranges overlap none of it).
fn block_covers(block: &Value, range: &str) -> bool {
    let (Some(cidr), Some(want)) = (
        block
            .get("cidr")
            .and_then(Value::as_str)
            .and_then(parse_range),
        parse_range(range),
    ) else {
        return false;
    };
    contains(cidr, want)
        && block
            .get("except")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|x| x.as_str().and_then(parse_range))
            .all(|x| !contains(x, want) && !contains(want, x))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_contain_ranges() {
        let r = |s| parse_range(s).unwrap();
        assert!(contains(r("10.0.0.0/8"), r("10.1.0.0/16")));
        assert!(contains(r("10.0.0.0/8"), r("10.0.0.0/8")));
        assert!(!contains(r("10.1.0.0/16"), r("10.0.0.0/8")));
        assert!(!contains(r("10.0.0.0/8"), r("11.0.0.0/16")));
        assert!(contains(r("0.0.0.0/0"), r("192.168.1.0/24")));
        assert!(!contains(r("0.0.0.0/0"), r("::/0")));
        assert!(contains(r("2001:db8::/32"), r("2001:db8:1::/48")));
        let block = serde_json::json!({"cidr": "10.0.0.0/8", "except": ["10.1.0.0/16"]});
        assert!(block_covers(&block, "10.2.0.0/16"));
        assert!(!block_covers(&block, "10.1.2.0/24"));
        assert!(!block_covers(&block, "10.0.0.0/8"));
    }
}
