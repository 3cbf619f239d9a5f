//! The connection graph across the workspace's apps: a target app with `networkPolicies` lets
//! in the workloads of other apps (of the same environment) that connect to it, on exactly
//! the ports they declare, selecting their namespace when it is another; an app without
//! `networkPolicies` renders none; what an environment renders does not depend on what else
//! is rendered.

use std::path::Path;

mod common;

use common::{shipshape, workspace};
use serde_json::{Value, json};

const SHOP: &str = "\
namespace: shop
image: {repository: shop/web, tag: 1.4.0}
ports:
  - {name: http, containerPort: 8080}
connections:
  billing: {}
components:
  worker:
    image: {repository: shop/worker, tag: 1.4.0}
    connections:
      billing/api: {port: http}
      billing/admin-ui: {}
  mailer:
    image: {repository: shop/mailer, tag: 1.4.0}
    connections:
      billing/api: {port: admin}
  importer:
    targets: [compose]
    image: {repository: shop/importer, tag: 1.4.0}
    connections:
      billing/api: {port: http}
";

/// `billing/production`; `{ns}` is its namespace.
const BILLING: &str = "\
namespace: {ns}
networkPolicies: true
image: {repository: billing/web, tag: 2.0.0}
ports:
  - {name: http, containerPort: 8080, servicePort: 80}
components:
  api:
    image: {repository: billing/api, tag: 2.0.0}
    ports:
      - {name: http, containerPort: 9000, servicePort: 80}
      - {name: admin, containerPort: 9001}
      - {name: metrics, containerPort: 9100}
  admin-ui:
    image: {repository: billing/admin-ui, tag: 2.0.0}
    ports:
      - {name: http, containerPort: 3000}
  ledger:
    image: {repository: billing/ledger, tag: 2.0.0}
    ports:
      - {name: grpc, containerPort: 7000}
";

fn billing(namespace: &str) -> String {
    BILLING.replace("{ns}", namespace)
}

/// Renders the workspace (or the selected environments) into a fresh folder; the exit code,
/// stderr and the folder.
fn render(ws: &Path, select: &[&str]) -> (Option<i32>, String, tempfile::TempDir) {
    let out = tempfile::tempdir().unwrap();
    let target = out.path().join("r");
    let mut args = vec![
        "render",
        "--workspace",
        ws.to_str().unwrap(),
        "--out",
        target.to_str().unwrap(),
    ];
    args.extend_from_slice(select);
    let o = shipshape(&args);
    (
        o.status.code(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
        out,
    )
}

fn read(out: &tempfile::TempDir, file: &str) -> String {
    std::fs::read_to_string(out.path().join("r").join(file))
        .unwrap_or_else(|e| panic!("{file}: {e}"))
}

/// The NetworkPolicies of a rendered file, by name.
fn policies(text: &str) -> Vec<(String, Value)> {
    serde_yaml::Deserializer::from_str(text)
        .map(|d| serde::Deserialize::deserialize(d).unwrap())
        .filter(|v: &Value| v["kind"] == "NetworkPolicy")
        .map(|v| (v["metadata"]["name"].as_str().unwrap().to_string(), v))
        .collect()
}

fn policy(text: &str, name: &str) -> Value {
    policies(text)
        .into_iter()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("no NetworkPolicy {name} in\n{text}"))
        .1
}

fn pods(name: &str) -> Value {
    json!({"matchLabels": {
        "app.kubernetes.io/instance": format!("{name}-production"),
        "app.kubernetes.io/name": name,
    }})
}

fn tcp(port: u16) -> Value {
    json!({"port": port, "protocol": "TCP"})
}

fn in_namespace(namespace: &str) -> Value {
    json!({"matchLabels": {"kubernetes.io/metadata.name": namespace}})
}

#[test]
fn a_target_in_another_namespace_lets_in_the_clients_pods_of_that_namespace_on_their_ports() {
    let ws = workspace(&[
        ("environments/shop/production.yaml", SHOP),
        ("environments/billing/production.yaml", &billing("payments")),
    ]);
    let (code, err, out) = render(ws.path(), &[]);
    assert_eq!(code, Some(0), "{err}");
    let k8s = read(&out, "billing/production/kubernetes.yaml");
    let names: Vec<String> = policies(&k8s).into_iter().map(|(n, _)| n).collect();
    assert_eq!(names, ["billing", "admin-ui", "api", "ledger"]);

    // Component `api`: the worker on `http`, the mailer on `admin`; the importer renders
    // only for Compose, so it has no pods to let in; the metrics port stays closed.
    let api = policy(&k8s, "api");
    assert_eq!(api["metadata"]["namespace"], "payments");
    assert_eq!(api["spec"]["podSelector"], pods("api"));
    assert_eq!(
        api["spec"]["ingress"],
        json!([
            {
                "from": [{"namespaceSelector": in_namespace("shop"), "podSelector": pods("mailer")}],
                "ports": [tcp(9001)],
            },
            {
                "from": [{"namespaceSelector": in_namespace("shop"), "podSelector": pods("worker")}],
                "ports": [tcp(9000)],
            },
        ])
    );
    // The app's own workload: the shop's own workload, on the pod port (not the Service's).
    assert_eq!(
        policy(&k8s, "billing")["spec"]["ingress"],
        json!([{
            "from": [{"namespaceSelector": in_namespace("shop"), "podSelector": pods("shop")}],
            "ports": [tcp(8080)],
        }])
    );
    assert_eq!(
        policy(&k8s, "admin-ui")["spec"]["ingress"],
        json!([{
            "from": [{"namespaceSelector": in_namespace("shop"), "podSelector": pods("worker")}],
            "ports": [tcp(3000)],
        }])
    );
    // Nobody connects to the ledger.
    assert_eq!(policy(&k8s, "ledger")["spec"]["ingress"], json!([]));

    // kubectl reads them.
    let o = std::process::Command::new("kubectl")
        .args(["label", "--local", "-o", "json", "x=y", "-f"])
        .arg(out.path().join("r/billing/production/kubernetes.yaml"))
        .output()
        .expect("kubectl is installed (`.ci/run` installs it)");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn in_one_namespace_the_clients_pods_are_selected_without_a_namespace_selector() {
    let ws = workspace(&[
        ("environments/shop/production.yaml", SHOP),
        ("environments/billing/production.yaml", &billing("shop")),
    ]);
    let (code, err, out) = render(ws.path(), &[]);
    assert_eq!(code, Some(0), "{err}");
    let k8s = read(&out, "billing/production/kubernetes.yaml");
    assert_eq!(
        policy(&k8s, "api")["spec"]["ingress"],
        json!([
            {"from": [{"podSelector": pods("mailer")}], "ports": [tcp(9001)]},
            {"from": [{"podSelector": pods("worker")}], "ports": [tcp(9000)]},
        ])
    );
}

#[test]
fn a_target_app_without_network_policies_renders_none() {
    let ws = workspace(&[
        ("environments/shop/production.yaml", SHOP),
        (
            "environments/billing/production.yaml",
            &billing("payments").replace("networkPolicies: true\n", ""),
        ),
    ]);
    let (code, err, out) = render(ws.path(), &[]);
    assert_eq!(code, Some(0), "{err}");
    for file in [
        "billing/production/kubernetes.yaml",
        "shop/production/kubernetes.yaml",
    ] {
        let text = read(&out, file);
        assert!(text.contains("kind: Deployment"), "{file}");
        assert!(!text.contains("NetworkPolicy"), "{file}");
    }
}

#[test]
fn an_environment_renders_the_same_alone_with_others_and_every_time() {
    let ws = workspace(&[
        ("environments/shop/production.yaml", SHOP),
        ("environments/billing/production.yaml", &billing("payments")),
        ("environments/billing/staging.yaml", &billing("payments")),
    ]);
    let file = "billing/production/kubernetes.yaml";
    let (code, err, all) = render(ws.path(), &[]);
    assert_eq!(code, Some(0), "{err}");
    let (code, err, again) = render(ws.path(), &[]);
    assert_eq!(code, Some(0), "{err}");
    let (code, err, alone) = render(ws.path(), &["billing/production"]);
    assert_eq!(code, Some(0), "{err}");
    let first = read(&all, file);
    assert!(first.contains("podSelector"), "{first}");
    assert_eq!(first, read(&again, file));
    assert_eq!(first, read(&alone, file));
    // Staging has no shop: nobody from another app is let in there.
    let staging = read(&all, "billing/staging/kubernetes.yaml");
    assert_eq!(policy(&staging, "api")["spec"]["ingress"], json!([]));
}

#[test]
fn a_client_app_with_errors_stops_the_target_s_policies_with_a_located_error() {
    let broken = SHOP.replace("namespace: shop", "namespace: shop\nreplica: 2");
    let ws = workspace(&[
        ("environments/shop/production.yaml", &broken),
        ("environments/billing/production.yaml", &billing("payments")),
    ]);
    let (code, err, _out) = render(ws.path(), &["billing/production"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains(
            "environments/billing/production.yaml:2:18: NetworkPolicies cannot be built: app `shop` has 1 error in environment `production`"
        ),
        "{err}"
    );
    assert!(
        err.contains("run `shipshape check shop/production`"),
        "{err}"
    );
}

/// The NetworkPolicies of a file as values, in order.
fn policy_values(text: &str) -> Vec<Value> {
    policies(text).into_iter().map(|(_, v)| v).collect()
}

#[test]
fn deepersensor_production_renders_exactly_the_hand_checked_network_policies() {
    let ws = common::repo_workspace_copy();
    let (code, err, out) = render(ws.path(), &["deepersensor-api/production"]);
    assert_eq!(code, Some(0), "{err}");
    let rendered = policy_values(&read(&out, "deepersensor-api/production/kubernetes.yaml"));
    let expected_text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/network-policies/deepersensor-api-production.yaml"),
    )
    .unwrap();
    let expected = policy_values(&expected_text);
    assert_eq!(expected.len(), 3);
    assert_eq!(rendered, expected);
}

#[test]
fn every_seed_production_renders_network_policies_and_the_same_bytes_every_time() {
    let ws = common::repo_workspace_copy();
    let (code, err, first) = render(ws.path(), &[]);
    assert_eq!(code, Some(0), "{err}");
    let (code, err, second) = render(ws.path(), &[]);
    assert_eq!(code, Some(0), "{err}");
    for app in [
        "deepersensor-api",
        "janua-api",
        "kinoshita-user-service",
        "materi-api",
        "meetinity-api-gateway",
    ] {
        let file = format!("{app}/production/kubernetes.yaml");
        let text = read(&first, &file);
        assert!(!policies(&text).is_empty(), "{file} has no NetworkPolicy");
        assert_eq!(text, read(&second, &file), "{file} differs between renders");
        let (code, err, alone) = render(ws.path(), &[&format!("{app}/production")]);
        assert_eq!(code, Some(0), "{err}");
        assert_eq!(
            text,
            read(&alone, &file),
            "{file} differs when rendered alone"
        );
    }
}

#[test]
fn under_a_flagger_canary_policies_select_the_app_s_pods_by_instance_alone() {
    // Flagger serves from `billing-primary`, whose pods' app.kubernetes.io/name it rewrites.
    let canary = format!(
        "{}rollout:\n  canary:\n    flagger: {{interval: 30s, threshold: 5, maxWeight: 50, stepWeight: 10}}\n",
        billing("payments")
    );
    let shop = format!("{SHOP}networkPolicies: true\n");
    let ws = workspace(&[
        ("environments/shop/production.yaml", &shop),
        ("environments/billing/production.yaml", &canary),
    ]);
    let (code, err, out) = render(ws.path(), &[]);
    assert_eq!(code, Some(0), "{err}");
    let instance = json!({"matchLabels": {"app.kubernetes.io/instance": "billing-production"}});
    let k8s = read(&out, "billing/production/kubernetes.yaml");
    assert!(k8s.contains("kind: Canary"), "{k8s}");
    assert_eq!(
        policy(&k8s, "billing")["spec"]["podSelector"],
        instance.clone()
    );
    // The client's way out to it selects the same pods.
    let shop = read(&out, "shop/production/kubernetes.yaml");
    assert_eq!(
        policy(&shop, "shop")["spec"]["egress"][0],
        json!({
            "to": [{"namespaceSelector": in_namespace("payments"), "podSelector": instance}],
            "ports": [tcp(8080)],
        })
    );
    // Components keep their name and instance.
    assert_eq!(policy(&k8s, "api")["spec"]["podSelector"], pods("api"));
}

#[test]
fn an_app_with_adopted_selector_labels_is_selected_by_them() {
    let adopted = format!(
        "{}selectorLabels: {{app: billing-web}}\n",
        billing("payments")
    );
    let shop = format!("{SHOP}networkPolicies: true\n");
    let ws = workspace(&[
        ("environments/shop/production.yaml", &shop),
        ("environments/billing/production.yaml", &adopted),
    ]);
    let (code, err, out) = render(ws.path(), &[]);
    assert_eq!(code, Some(0), "{err}");
    let k8s = read(&out, "billing/production/kubernetes.yaml");
    let billing = policy(&k8s, "billing");
    assert_eq!(
        billing["spec"]["podSelector"],
        json!({"matchLabels": {"app": "billing-web"}})
    );
    assert_eq!(
        billing["spec"]["ingress"][0]["from"][0]["podSelector"],
        pods("shop")
    );
    // The client's way out to it selects the same pods.
    let shop = read(&out, "shop/production/kubernetes.yaml");
    assert_eq!(
        policy(&shop, "shop")["spec"]["egress"][0]["to"][0]["podSelector"],
        json!({"matchLabels": {"app": "billing-web"}})
    );
}

#[test]
fn a_client_app_with_errors_that_cannot_name_the_target_does_not_stop_its_policies() {
    let broken = "namespace: mail\nimage: {repository: mail/web, tag: 1.0.0}\nreplica: 2\n";
    let ws = workspace(&[
        ("environments/mail/production.yaml", broken),
        ("environments/shop/production.yaml", SHOP),
        ("environments/billing/production.yaml", &billing("payments")),
    ]);
    let (code, err, out) = render(ws.path(), &["billing/production"]);
    assert_eq!(code, Some(0), "{err}");
    let k8s = read(&out, "billing/production/kubernetes.yaml");
    assert_eq!(
        policy(&k8s, "api")["spec"]["ingress"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    // Rendered with it, the broken app alone fails.
    let (code, err, _out) = render(ws.path(), &[]);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("environments/mail/production.yaml:3:1"),
        "{err}"
    );
    assert!(!err.contains("NetworkPolicies cannot be built"), "{err}");
}
