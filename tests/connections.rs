//! Declared connections: each target and port is checked when the spec loads (errors at
//! file:line:col with a fix, exit 2, nothing written); env and config values that refer to
//! a connection render the address each target knows it by; Compose services wait for
//! what they connect to.

use std::path::Path;
use std::process::Output;

mod common;

use common::shipshape;
use common::workspace;

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

const SHOP: &str = "\
namespace: shop
targets: [kubernetes, compose]
image: {repository: shop/web, tag: 1.4.0}
ports:
  - {name: http, containerPort: 8080, servicePort: 80}
components:
  db:
    kind: StatefulSet
    image: {repository: postgres, tag: 16.4-alpine}
    ports:
      - {name: pg, containerPort: 5432}
    storage:
      data: {size: 10Gi, mountPath: /var/lib/postgresql/data}
    probes:
      liveness: {exec: [pg_isready]}
  cache:
    image: {repository: redis, tag: 7.4.1}
    ports:
      - {name: redis, containerPort: 6379, servicePort: 16379}
  worker:
    targets: [kubernetes]
    image: {repository: shop/worker, tag: 1.4.0}
";

const BILLING: &str = "\
namespace: payments
image: {repository: billing/web, tag: 2.0.0}
ports:
  - {name: http, containerPort: 8080}
components:
  api:
    image: {repository: billing/api, tag: 2.0.0}
    ports:
      - {name: http, containerPort: 9000, servicePort: 80}
      - {name: admin, containerPort: 9001}
";

/// `shop/production` with BILLING beside it; production.yaml is the given text.
fn shop(production: &str) -> tempfile::TempDir {
    workspace(&[
        ("environments/shop/app.yaml", SHOP),
        ("environments/shop/production.yaml", production),
        ("environments/billing/production.yaml", BILLING),
    ])
}

/// Renders the workspace; (exit code, stderr, the out folder).
fn render(ws: &Path) -> (Option<i32>, String, tempfile::TempDir) {
    let out = tempfile::tempdir().unwrap();
    let o = shipshape(&[
        "render",
        "--workspace",
        ws.to_str().unwrap(),
        "--out",
        out.path().join("r").to_str().unwrap(),
    ]);
    (o.status.code(), stderr(&o), out)
}

fn read(out: &tempfile::TempDir, file: &str) -> String {
    std::fs::read_to_string(out.path().join("r").join(file)).unwrap_or_default()
}

/// The error text of a failing render, asserting exit 2 and nothing written.
fn spec_errors(production: &str) -> String {
    let ws = shop(production);
    let (code, err, out) = render(ws.path());
    assert_eq!(code, Some(2), "{err}");
    assert!(
        !out.path().join("r").exists(),
        "a failing render wrote files"
    );
    err
}

#[test]
fn a_connection_to_a_missing_component_is_an_error_with_did_you_mean() {
    let e = spec_errors("connections:\n  dbb: {port: pg}\n");
    assert!(
        e.contains("environments/shop/production.yaml:2:8: connection `dbb` names no component of this app and no app of the workspace"),
        "{e}"
    );
    assert!(e.contains("did you mean `db`?"), "{e}");
}

#[test]
fn a_connection_to_a_missing_port_is_an_error_with_did_you_mean() {
    let e = spec_errors("connections:\n  db:\n    port: pgg\n");
    assert!(
        e.contains("environments/shop/production.yaml:3:11: connection `db` names port `pgg`, which `db` does not declare"),
        "{e}"
    );
    assert!(e.contains("did you mean `pg`?"), "{e}");
}

#[test]
fn a_connection_to_a_missing_app_or_component_of_another_app_is_an_error() {
    let e = spec_errors("connections:\n  biling: {}\n");
    assert!(
        e.contains("production.yaml:2:11: connection `biling` names no component of this app and no app of the workspace"),
        "{e}"
    );
    assert!(e.contains("did you mean `billing`?"), "{e}");
    let e =
        spec_errors("components:\n  worker:\n    connections:\n      billing/apj: {port: http}\n");
    assert!(
        e.contains(
            "production.yaml:4:20: connection `billing/apj`: app `billing` has no component `apj`"
        ),
        "{e}"
    );
    assert!(e.contains("did you mean `billing/api`?"), "{e}");
}

#[test]
fn a_connection_without_a_port_to_a_workload_of_several_ports_must_name_one() {
    let e = spec_errors("components:\n  worker:\n    connections:\n      billing/api: {}\n");
    assert!(
        e.contains(
            "connection `billing/api`: `billing/api` has 2 ports, so the connection must name one"
        ),
        "{e}"
    );
    assert!(e.contains("add `port:` with one of: http, admin"), "{e}");
}

#[test]
fn an_address_of_an_undeclared_connection_is_an_error() {
    let e = spec_errors("env:\n  CACHE: {connection: cach}\nconnections:\n  cache: {}\n");
    assert!(
        e.contains("production.yaml:2:23: `cach` is not a connection of `shop`"),
        "{e}"
    );
    assert!(e.contains("did you mean `cache`?"), "{e}");
}

#[test]
fn an_address_of_another_app_that_does_not_render_for_compose_is_refused_on_compose() {
    // BILLING renders for Kubernetes only, so its services are in no Compose file.
    let e = spec_errors("env:\n  BILLING: {connection: billing}\nconnections:\n  billing: {}\n");
    assert!(
        e.contains("connection `billing` has no address on Compose, which `shop` renders for: app `billing` has no Compose service for it"),
        "{e}"
    );
}

const CONNECTED: &str = "\
connections:
  db: {port: pg}
  cache: {}
  stripe: {host: api.stripe.com, port: 443}
env:
  DATABASE_ADDR: {connection: db, scheme: postgres, path: /shop}
config:
  data:
    CACHE_ADDR: {connection: cache}
    STRIPE_URL: {connection: stripe, scheme: https}
components:
  worker:
    connections:
      billing/api: {port: http}
      shop: {}
    env:
      BILLING_URL: {connection: billing/api, scheme: http, path: /v1}
      SHOP_URL: {connection: shop, scheme: http}
";

#[test]
fn addresses_render_per_target_and_across_namespaces() {
    let ws = shop(CONNECTED);
    let (code, err, out) = render(ws.path());
    assert_eq!(code, Some(0), "{err}");
    let k8s = read(&out, "shop/production/kubernetes.yaml");
    // A StatefulSet's headless Service resolves to the pods: the container port.
    assert!(k8s.contains("value: postgres://db:5432/shop"), "{k8s}");
    // A ClusterIP Service: its own port.
    assert!(k8s.contains("CACHE_ADDR: cache:16379"), "{k8s}");
    assert!(
        k8s.contains("STRIPE_URL: https://api.stripe.com:443"),
        "{k8s}"
    );
    // Another app in another namespace: namespace-qualified, its Service port.
    assert!(
        k8s.contains("value: http://api.payments.svc:80/v1"),
        "{k8s}"
    );
    assert!(k8s.contains("value: http://shop:80"), "{k8s}");
    let compose = read(&out, "shop/production/compose.yaml");
    // Compose: the service name and the container port.
    assert!(
        compose.contains("DATABASE_ADDR: postgres://db:5432/shop"),
        "{compose}"
    );
    assert!(compose.contains("CACHE_ADDR: cache:6379"), "{compose}");
    assert!(
        compose.contains("STRIPE_URL: https://api.stripe.com:443"),
        "{compose}"
    );
}

#[test]
fn compose_services_wait_for_what_they_connect_to() {
    let production = "\
compose:
  dependsOn: [cache]
connections:
  db: {port: pg}
  cache: {}
components:
  cache:
    connections:
      db: {}
";
    let ws = shop(production);
    let (code, err, out) = render(ws.path());
    assert_eq!(code, Some(0), "{err}");
    let compose = read(&out, "shop/production/compose.yaml");
    // The app: the listed dependency first, then the connections, each once; db has a
    // health check.
    assert!(
        compose.contains(
            "  shop:\n    image: shop/web:1.4.0\n    depends_on:\n      cache:\n        condition: service_started\n      db:\n        condition: service_healthy\n"
        ),
        "{compose}"
    );
    assert!(
        compose.contains("  cache:\n    image: redis:7.4.1\n    depends_on:\n      db:\n        condition: service_healthy\n"),
        "{compose}"
    );
}

/// The documents of a rendered YAML stream.
fn documents(text: &str) -> Vec<serde_json::Value> {
    serde_yaml::Deserializer::from_str(text)
        .map(|d| serde::Deserialize::deserialize(d).unwrap())
        .filter(|v: &serde_json::Value| !v.is_null())
        .collect()
}

fn policy<'a>(docs: &'a [serde_json::Value], name: &str) -> &'a serde_json::Value {
    docs.iter()
        .find(|d| d["kind"] == "NetworkPolicy" && d["metadata"]["name"] == name)
        .unwrap_or_else(|| panic!("no NetworkPolicy {name}"))
}

const POLICIES: &str = "\
networkPolicies: true
ingress: {host: shop.example}
connections:
  db: {port: pg}
  stripe: {host: api.stripe.com, port: 443}
  corp: {cidr: 10.0.0.0/8, port: 5432}
components:
  worker:
    connections:
      billing/api: {port: http}
      shop: {}
";

#[test]
fn network_policies_allow_exactly_the_declared_edges() {
    use serde_json::json;
    let ws = shop(POLICIES);
    let (code, err, out) = render(ws.path());
    assert_eq!(code, Some(0), "{err}");
    let k8s = read(&out, "shop/production/kubernetes.yaml");
    let docs = documents(&k8s);
    let names: Vec<&str> = docs
        .iter()
        .filter(|d| d["kind"] == "NetworkPolicy")
        .map(|d| d["metadata"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["shop", "cache", "db", "worker"]);
    let dns = json!({
        "to": [{
            "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "kube-system"}},
            "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}},
        }],
        "ports": [{"port": 53, "protocol": "UDP"}, {"port": 53, "protocol": "TCP"}],
    });
    let pods = |name: &str| {
        json!({"matchLabels": {
            "app.kubernetes.io/instance": format!("{name}-production"),
            "app.kubernetes.io/name": name,
        }})
    };
    assert_eq!(
        policy(&docs, "shop")["spec"],
        json!({
            "podSelector": pods("shop"),
            "policyTypes": ["Ingress", "Egress"],
            "ingress": [
                {"from": [{"podSelector": pods("worker")}], "ports": [{"port": 8080, "protocol": "TCP"}]},
                {
                    "from": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "ingress-nginx"}}}],
                    "ports": [{"port": 8080, "protocol": "TCP"}],
                },
            ],
            "egress": [
                {"to": [{"ipBlock": {"cidr": "10.0.0.0/8"}}], "ports": [{"port": 5432, "protocol": "TCP"}]},
                {"to": [{"podSelector": pods("db")}], "ports": [{"port": 5432, "protocol": "TCP"}]},
                {"to": [{"ipBlock": {"cidr": "0.0.0.0/0"}}], "ports": [{"port": 443, "protocol": "TCP"}]},
                dns,
            ],
        })
    );
    let db = &policy(&docs, "db")["spec"];
    assert_eq!(db["podSelector"], pods("db"));
    assert_eq!(
        db["ingress"],
        json!([{"from": [{"podSelector": pods("shop")}], "ports": [{"port": 5432, "protocol": "TCP"}]}])
    );
    assert_eq!(db["egress"], json!([dns]));
    let worker = &policy(&docs, "worker")["spec"];
    assert_eq!(worker["ingress"], json!([]));
    assert_eq!(
        worker["egress"],
        json!([
            {
                "to": [{
                    "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "payments"}},
                    "podSelector": pods("api"),
                }],
                "ports": [{"port": 9000, "protocol": "TCP"}],
            },
            {"to": [{"podSelector": pods("shop")}], "ports": [{"port": 8080, "protocol": "TCP"}]},
            dns,
        ])
    );
    let cache = &policy(&docs, "cache")["spec"];
    assert_eq!(
        (&cache["ingress"], &cache["egress"]),
        (&json!([]), &json!([dns]))
    );

    // kubectl accepts them.
    let dir = out.path().join("r/shop/production");
    std::fs::write(
        dir.join("kustomization.yaml"),
        "resources: [kubernetes.yaml]\n",
    )
    .unwrap();
    let o = std::process::Command::new("kubectl")
        .arg("kustomize")
        .arg(&dir)
        .output()
        .expect("kubectl is installed (`.ci/run` installs it)");
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn without_network_policies_none_are_rendered() {
    let ws = shop(&POLICIES.replace("networkPolicies: true\n", ""));
    let (code, err, out) = render(ws.path());
    assert_eq!(code, Some(0), "{err}");
    assert!(!read(&out, "shop/production/kubernetes.yaml").contains("NetworkPolicy"));
}

#[test]
fn explain_value_shows_the_reference_and_its_address_per_target() {
    let ws = shop(CONNECTED);
    let o = shipshape(&[
        "explain-value",
        "shop/production",
        "config.data.CACHE_ADDR",
        "--workspace",
        ws.path().to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("    connection: cache\n"), "{out}");
    assert!(
        out.contains("  the address of connection `cache` of `shop`:\n    kubernetes: cache:16379\n    compose: cache:6379\n"),
        "{out}"
    );
    let o = shipshape(&[
        "explain-value",
        "shop/production",
        "components.worker.env.BILLING_URL",
        "--workspace",
        ws.path().to_str().unwrap(),
    ]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("  the address of connection `billing/api` of `worker`:\n    kubernetes: http://api.payments.svc:80/v1\n"),
        "{out}"
    );
    assert!(!out.contains("compose:"), "{out}");
}

#[test]
fn the_monitoring_namespace_is_let_in_on_the_metrics_port() {
    use serde_json::json;
    let production =
        format!("{POLICIES}monitoringNamespace: monitoring\nprometheus: {{port: 9100}}\n");
    let ws = shop(&production);
    let (code, err, out) = render(ws.path());
    assert_eq!(code, Some(0), "{err}");
    let docs = documents(&read(&out, "shop/production/kubernetes.yaml"));
    let ingress = policy(&docs, "shop")["spec"]["ingress"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(
        ingress.last().unwrap(),
        &json!({
            "from": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "monitoring"}}}],
            "ports": [{"port": 9100, "protocol": "TCP"}],
        })
    );
    // Components have no metrics port of the app's.
    let db = &policy(&docs, "db")["spec"]["ingress"];
    assert_eq!(db.as_array().unwrap().len(), 1);
}
