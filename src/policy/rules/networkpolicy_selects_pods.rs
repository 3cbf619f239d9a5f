//! SS707 networkpolicy-selects-pods.

use serde_json::Value;

use crate::policy::model::LabelSelector;
use crate::policy::{Hits, ObjectSet, Rule, RuleMeta, declare_rule};

declare_rule! {
    /// A NetworkPolicy and each of its pod peers must select pods.
    ///
    /// ## What it checks
    ///
    /// The `podSelector` of a NetworkPolicy, and the `podSelector` of each `ingress[].from[]`
    /// and `egress[].to[]` peer, must match the pod labels of at least one workload: in the
    /// policy's namespace, or, for a peer with a `namespaceSelector` that names namespaces
    /// (`kubernetes.io/metadata.name`), in those namespaces when the set holds workloads
    /// there. An empty `podSelector` (every pod), a peer without a `podSelector`, an
    /// `ipBlock` and a namespace chosen by other labels are not checked; neither are the
    /// cluster's own namespaces (`kube-system`, `kube-public`, `kube-node-lease`: a set never
    /// holds all of their pods), a namespace whose pods may come from custom resources, nor
    /// `lint` given no workload at all.
    ///
    /// ## Why it matters
    ///
    /// A policy that selects no pods protects nothing, and a peer that selects no pods lets
    /// nothing through: the connection it was written for is refused once the policy is
    /// applied, usually only noticed as a timeout.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// kind: NetworkPolicy
    /// spec:
    ///   podSelector:
    ///     matchLabels: {app: api}
    ///   ingress:
    ///     - from:
    ///         - podSelector:
    ///             matchLabels: {app: web-frontend}   # the pods are app: web
    /// ```
    ///
    /// ## Fix
    ///
    /// Use labels of the pod template of the workload meant (its `spec.selector` labels),
    /// and for another namespace add a `namespaceSelector` naming it.
    pub struct NetworkpolicySelectsPods {
        code: "SS707",
        name: "networkpolicy-selects-pods",
        severity: Error,
        targets: [Kubernetes],
        enabled_by_default: true,
    }
}

/// The namespaces whose pods are the cluster's own (DNS, networking, node agents): a set that
/// holds some of them does not hold them all.
const CLUSTER_NAMESPACES: &[&str] = &["kube-system", "kube-public", "kube-node-lease"];

/// The namespaces a `namespaceSelector` names by `kubernetes.io/metadata.name` (the label
/// Kubernetes sets on every namespace), when that is all it asks for.
fn named_namespaces(raw: &Value) -> Option<Vec<String>> {
    const NAME: &str = "kubernetes.io/metadata.name";
    let sel = LabelSelector::from_label_selector(Some(raw));
    let mut names: Option<Vec<String>> = None;
    for (k, v) in &sel.labels {
        if k != NAME {
            return None;
        }
        names = Some(vec![v.clone()]);
    }
    for r in &sel.exprs {
        if r.key != NAME || r.operator != "In" {
            return None;
        }
        let these = r.values.clone();
        names = Some(match names {
            Some(n) => n.into_iter().filter(|x| these.contains(x)).collect(),
            None => these,
        });
    }
    names
}

impl Rule for NetworkpolicySelectsPods {
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
        // Whether pods in a namespace can be judged from the set.
        let judged = |ns: Option<&str>| !set.may_hold_unseen_pods(ns);
        let selects_nothing = |ns: Option<&str>, selector: &LabelSelector| {
            set.workloads_matching(ns, selector).next().is_none()
        };
        for (i, policy) in set.of_kind("NetworkPolicy") {
            let ns = policy.namespace();
            let selector =
                LabelSelector::from_label_selector(policy.value.pointer("/spec/podSelector"));
            if !selector.is_empty() && judged(ns) && selects_nothing(ns, &selector) {
                out.at_key(
                    i,
                    "/spec/podSelector",
                    format!(
                        "podSelector `{}` selects no pods{}",
                        selector.describe(),
                        in_namespace(ns)
                    ),
                    "make the selector match the labels of the pod template of the workload it protects",
                )
                .spec("networkPolicies");
            }
            for (direction, peers_key) in [("ingress", "from"), ("egress", "to")] {
                let rules = policy
                    .value
                    .pointer(&format!("/spec/{direction}"))
                    .and_then(Value::as_array);
                for (j, rule) in rules.into_iter().flatten().enumerate() {
                    let peers = rule.get(peers_key).and_then(Value::as_array);
                    for (k, peer) in peers.into_iter().flatten().enumerate() {
                        let Some(raw) = peer.get("podSelector") else {
                            continue;
                        };
                        let selector = LabelSelector::from_label_selector(Some(raw));
                        if selector.is_empty() {
                            continue;
                        }
                        let named = match peer.get("namespaceSelector") {
                            None => None,
                            Some(raw) => match named_namespaces(raw) {
                                Some(names) => Some(names),
                                None => continue,
                            },
                        };
                        let namespaces: Vec<Option<&str>> = match &named {
                            None => vec![ns],
                            Some(names) => {
                                // A namespace the set holds no workload of is out of sight,
                                // and one set never holds all of the cluster's own.
                                if names.is_empty()
                                    || !names.iter().all(|n| {
                                        set.has_workloads_in(n)
                                            && !CLUSTER_NAMESPACES.contains(&n.as_str())
                                    })
                                {
                                    continue;
                                }
                                names.iter().map(|n| Some(n.as_str())).collect()
                            }
                        };
                        if namespaces.iter().all(|n| judged(*n))
                            && namespaces.iter().all(|n| selects_nothing(*n, &selector))
                        {
                            let shown = if peer.get("namespaceSelector").is_some() {
                                in_namespaces(&namespaces)
                            } else {
                                in_namespace(ns)
                            };
                            out.at_key(
                                i,
                                format!("/spec/{direction}/{j}/{peers_key}/{k}/podSelector"),
                                format!(
                                    "{direction} peer `{}` selects no pods{shown}",
                                    selector.describe()
                                ),
                                "make the selector match the labels of the pod template of the workload meant; for pods of another namespace add a `namespaceSelector` naming it",
                            )
                            .spec("connections");
                        }
                    }
                }
            }
        }
    }
}

fn in_namespace(ns: Option<&str>) -> String {
    ns.map(|n| format!(" in namespace `{n}`"))
        .unwrap_or_default()
}

fn in_namespaces(namespaces: &[Option<&str>]) -> String {
    let names: Vec<String> = namespaces
        .iter()
        .flatten()
        .map(|n| format!("`{n}`"))
        .collect();
    match names.as_slice() {
        [] => String::new(),
        [one] => format!(" in namespace {one}"),
        many => format!(" in namespaces {}", many.join(", ")),
    }
}
