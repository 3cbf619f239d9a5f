//! With `networkPolicies: true`, `check` makes sure the rendered NetworkPolicies let every
//! declared connection through, and reports one they refuse at the connection's spec line.

use std::process::Output;

mod common;

use common::{shipshape, workspace};

const SHOP: &str = "\
namespace: shop
networkPolicies: true
image: {repository: shop/web, tag: 1.4.0}
ports:
  - {name: http, containerPort: 8080}
connections:
  db: {port: pg}
  billing: {}
  corp: {cidr: 10.0.0.0/8, port: 5432}
components:
  db:
    kind: StatefulSet
    image: {repository: postgres, tag: 16.4-alpine}
    ports:
      - {name: pg, containerPort: 5432}
    storage:
      data: {size: 10Gi, mountPath: /var/lib/postgresql/data}
";

/// Another app without policies of its own: nothing selects its pods, so it lets anyone in.
const BILLING: &str = "\
namespace: payments
image: {repository: billing/web, tag: 2.0.0}
ports:
  - {name: http, containerPort: 9000}
";

fn out(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn check(files: &[(&str, &str)]) -> String {
    let ws = workspace(files);
    let accept = shipshape(&[
        "golden",
        "accept",
        "--workspace",
        ws.path().to_str().unwrap(),
    ]);
    assert_eq!(accept.status.code(), Some(0), "{}", out(&accept));
    let o = shipshape(&["check", "shop", "--workspace", ws.path().to_str().unwrap()]);
    out(&o)
}

#[test]
fn the_rendered_policies_let_every_declared_connection_through() {
    let text = check(&[
        ("environments/shop/production.yaml", SHOP),
        ("environments/billing/production.yaml", BILLING),
    ]);
    assert!(!text.contains("connection-not-allowed"), "{text}");
    assert!(text.contains("checked 1 environment"), "{text}");
}

#[test]
fn a_template_that_drops_the_edges_is_reported_at_each_connection() {
    // A workspace template that replaces the policies with one that denies everything.
    let deny_all = "\
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: deny-all
  namespace: {{ spec.namespace }}
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
";
    let text = check(&[
        ("environments/shop/production.yaml", SHOP),
        ("environments/billing/production.yaml", BILLING),
        ("templates/kubernetes/75-networkpolicies.yaml.j2", deny_all),
    ]);
    for (line, key, workload) in [
        (7, "db", "shop"),
        (8, "billing", "shop"),
        (9, "corp", "shop"),
    ] {
        let want = format!(
            "environments/shop/production.yaml:{line}:3: error[connection-not-allowed/connection-not-allowed]: connection `{key}` of `{workload}` is not allowed by the rendered NetworkPolicies: no egress rule of the NetworkPolicies that select `shop` in namespace `shop` lets it out to port"
        );
        assert!(text.contains(&want), "{want}\n{text}");
    }
}

#[test]
fn a_policy_that_lets_the_client_out_but_not_in_at_the_target_is_reported() {
    // Egress stays open; the database's pods only let the ingress controller in.
    let ingress_only = "\
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: db
  namespace: {{ spec.namespace }}
spec:
  podSelector:
    matchLabels: {app.kubernetes.io/name: db}
  policyTypes: [Ingress]
  ingress:
    - from:
        - namespaceSelector:
            matchLabels: {kubernetes.io/metadata.name: ingress-nginx}
      ports:
        - {port: 5432, protocol: TCP}
";
    let text = check(&[
        ("environments/shop/production.yaml", SHOP),
        ("environments/billing/production.yaml", BILLING),
        (
            "templates/kubernetes/75-networkpolicies.yaml.j2",
            ingress_only,
        ),
    ]);
    assert!(
        text.contains("environments/shop/production.yaml:7:3: error[connection-not-allowed/connection-not-allowed]: connection `db` of `shop` is not allowed by the rendered NetworkPolicies: no ingress rule of the NetworkPolicies that select `db` in namespace `shop` lets `shop` of namespace `shop` in on port 5432/TCP"),
        "{text}"
    );
    assert_eq!(text.matches("connection-not-allowed]").count(), 1, "{text}");
}

#[test]
fn without_network_policies_nothing_is_checked() {
    let deny_all = "\
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: deny-all
  namespace: {{ spec.namespace }}
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
";
    let shop = SHOP.replace("networkPolicies: true\n", "");
    let text = check(&[
        ("environments/shop/production.yaml", &shop),
        ("environments/billing/production.yaml", BILLING),
        ("templates/kubernetes/75-networkpolicies.yaml.j2", deny_all),
    ]);
    assert!(!text.contains("connection-not-allowed"), "{text}");
    assert!(text.contains("checked 1 environment"), "{text}");
}
