//! Components: an app of several workloads, as a user writes it. Each spec error is at
//! file:line:col with a fix (exit 2, nothing written); a valid system renders every kind.

mod common;

use common::workspace;

use std::path::Path;
use std::process::Command;

use shipshape::spec::{EnvId, load_environment};

const APP: &str = "\
namespace: shop
targets: [kubernetes, compose]
image:
  repository: shop/web
  tag: 1.4.0
ports:
  - name: http
    containerPort: 8080
";

/// The errors of `shop/production`: app.yaml is APP, production.yaml is `components:` plus
/// the given text (indented under it).
fn errors_with(components: &str) -> String {
    let production = format!("components:\n{components}");
    let ws = workspace(&[
        ("environments/shop/app.yaml", APP),
        ("environments/shop/production.yaml", &production),
    ]);
    let id = EnvId {
        app: "shop".into(),
        env: "production".into(),
    };
    match load_environment(ws.path(), &id) {
        Ok(_) => String::new(),
        Err(e) => e.to_string(),
    }
}

const DB: &str = r"  db:
    kind: StatefulSet
    image: {repository: postgres, tag: 16.4-alpine}
    ports:
      - {name: pg, containerPort: 5432}
    storage:
      data: {size: 10Gi, mountPath: /var/lib/postgresql/data}
";

#[test]
fn a_valid_component_loads() {
    assert_eq!(errors_with(DB), "");
}

#[test]
fn a_mount_of_an_undeclared_volume_is_an_error_at_its_name() {
    let text = format!("{DB}    volumeMounts:\n      - {{name: dta, mountPath: /x}}\n");
    let e = errors_with(&text);
    assert!(
        e.contains("environments/shop/production.yaml:10:16: volume mount names `dta`, which is not a volume of this component"),
        "{e}"
    );
    assert!(e.contains("did you mean `data`?"), "{e}");
}

#[test]
fn a_probe_port_no_container_declares_is_an_error() {
    let text = format!("{DB}    probes:\n      liveness:\n        tcp: postgres\n");
    let e = errors_with(&text);
    assert!(
        e.contains("production.yaml:11:14: probe `liveness` uses port `postgres`, which this container's `ports` does not declare"),
        "{e}"
    );
}

#[test]
fn a_service_port_no_container_declares_is_an_error() {
    let text = format!("{DB}    services:\n      db:\n        ports: [pgx]\n");
    let e = errors_with(&text);
    assert!(
        e.contains("production.yaml:11:17: Service `db` exposes port `pgx`, which no container of `db` declares"),
        "{e}"
    );
    assert!(e.contains("did you mean `pg`?"), "{e}");
}

#[test]
fn two_containers_with_one_name_are_an_error() {
    let text = format!(
        "{DB}    sidecars:\n      db:\n        image: {{repository: busybox, tag: '1.36'}}\n"
    );
    let e = errors_with(&text);
    assert!(
        e.contains("production.yaml:11:9: two containers of component `db` are named `db`"),
        "{e}"
    );
}

#[test]
fn a_statefulset_without_storage_or_service_is_an_error() {
    let e = errors_with(
        "  db:\n    kind: StatefulSet\n    image: {repository: postgres, tag: 16.4-alpine}\n",
    );
    assert!(
        e.contains("production.yaml:3:5: StatefulSet `db` has no `storage`"),
        "{e}"
    );
    assert!(
        e.contains("StatefulSet `db` has no Service: its pods get their stable names from one"),
        "{e}"
    );
}

#[test]
fn a_cronjob_without_schedule_is_an_error() {
    let e = errors_with(
        "  report:\n    kind: CronJob\n    image: {repository: shop/report, tag: 1.0.0}\n",
    );
    assert!(
        e.contains("production.yaml:3:5: CronJob `report` has no `schedule`"),
        "{e}"
    );
    assert!(e.contains("cron syntax"), "{e}");
}

#[test]
fn a_component_name_that_is_not_a_dns_label_is_an_error() {
    let e = errors_with("  Web_Worker:\n    image: {repository: shop/worker, tag: 1.0.0}\n");
    assert!(
        e.contains("production.yaml:3:5: component name `Web_Worker` is not a DNS label"),
        "{e}"
    );
}

#[test]
fn a_budget_that_is_neither_count_nor_percent_is_an_error_at_its_line() {
    let text = format!("{DB}    disruptionBudget:\n      minAvailable: 2x\n");
    let e = errors_with(&text);
    assert!(e.contains("production.yaml:10:21:"), "{e}");
    assert!(e.contains("2x"), "{e}");
}

#[test]
fn a_negative_quantity_is_an_error() {
    let text = format!("{DB}    resources:\n      limits: {{memory: -1Gi}}\n");
    let e = errors_with(&text);
    assert!(e.contains("production.yaml:10:24:"), "{e}");
}

#[test]
fn a_port_outside_the_range_is_an_error() {
    let e = errors_with(
        "  web2:\n    image: {repository: shop/web, tag: 1.4.0}\n    ports:\n      - {name: http, containerPort: 70000}\n",
    );
    assert!(e.contains("production.yaml:5:37:"), "{e}");
    assert!(e.contains("65535"), "{e}");
}

#[test]
fn a_replicated_compose_service_with_a_host_port_is_an_error() {
    let e = errors_with(
        "  web2:\n    image: {repository: shop/web, tag: 1.4.0}\n    replicas: 3\n    ports:\n      - {name: http, containerPort: 80, hostPort: 8080}\n",
    );
    assert!(
        e.contains("production.yaml:6:51: `web2` runs 3 replicas on Compose, and only one container can publish host port 8080"),
        "{e}"
    );
}

#[test]
fn the_cli_exits_2_and_writes_nothing_on_a_component_error() {
    let ws = workspace(&[
        ("environments/shop/app.yaml", APP),
        (
            "environments/shop/production.yaml",
            "components:\n  report:\n    kind: CronJob\n    image: {repository: shop/report, tag: 1.0.0}\n",
        ),
    ]);
    let out = ws.path().join("out");
    let o = Command::new(env!("CARGO_BIN_EXE_shipshape"))
        .current_dir(ws.path())
        .args(["render", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr
            .contains("environments/shop/production.yaml:3:5: CronJob `report` has no `schedule`"),
        "{stderr}"
    );
    assert!(!out.join("shop").exists());
}

const SYSTEM: &str = r"  worker:
    image: {repository: shop/worker, tag: 1.4.0}
    replicas: 2
    env:
      POD_NAME: {fieldRef: metadata.name}
      MEMORY_LIMIT: {resourceFieldRef: limits.memory}
      FEATURES: {configMapKeyRef: {name: shop-features, key: flags}}
    sidecars:
      proxy:
        image: {repository: shop/proxy, tag: 2.0.0}
        ports: [{name: admin, containerPort: 9901}]
    initContainers:
      wait:
        image: {repository: busybox, tag: '1.36'}
        command: [sh, -c, 'until nc -z db 5432; do sleep 1; done']
    volumes:
      certs:
        secret: {name: shop-certs, defaultMode: '0440', items: {tls.crt: tls.crt}}
      token:
        serviceAccountToken: {audience: vault}
    volumeMounts:
      - {name: certs, mountPath: /certs, readOnly: true}
      - {name: token, mountPath: /var/run/secrets/vault}
    nodeSelector: {kubernetes.io/arch: amd64}
    tolerations:
      - {key: dedicated, operator: Equal, value: shop, effect: NoSchedule}
    priorityClassName: shop-high
  agent:
    kind: DaemonSet
    targets: [kubernetes]
    image: {repository: shop/agent, tag: 1.0.0}
  migrate:
    kind: Job
    targets: [kubernetes]
    image: {repository: shop/web, tag: 1.4.0}
    command: [./migrate]
    job: {backoffLimit: 1}
  report:
    kind: CronJob
    schedule: '0 3 * * *'
    image: {repository: shop/report, tag: 1.0.0}
";

/// A system of every kind renders, in apply order, with the pieces each kind needs.
#[test]
fn every_workload_kind_renders() {
    let app = format!("{APP}components:\n{DB}{SYSTEM}");
    let ws = workspace(&[
        ("environments/shop/app.yaml", &app),
        ("environments/shop/production.yaml", "replicas: 1\n"),
    ]);
    let out = ws.path().join("out");
    let o = Command::new(env!("CARGO_BIN_EXE_shipshape"))
        .current_dir(ws.path())
        .args(["render", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let k8s = std::fs::read_to_string(out.join("shop/production/kubernetes.yaml")).unwrap();
    let kinds: Vec<&str> = k8s
        .lines()
        .filter_map(|l| l.strip_prefix("kind: "))
        .collect();
    assert_eq!(
        kinds,
        [
            "Service",
            "Service",
            "Deployment",
            "DaemonSet",
            "StatefulSet",
            "Job",
            "CronJob",
            "Deployment"
        ],
        "{k8s}"
    );
    for needle in [
        "clusterIP: None",
        "serviceName: db",
        "volumeClaimTemplates:",
        "storage: 10Gi",
        "restartPolicy: Always",
        "fieldPath: metadata.name",
        "resource: limits.memory",
        "configMapKeyRef:",
        "defaultMode: 288",
        "audience: vault",
        "priorityClassName: shop-high",
        "schedule: 0 3 * * *",
        "automountServiceAccountToken: false",
        "kubernetes.io/arch: amd64",
    ] {
        assert!(k8s.contains(needle), "missing `{needle}` in:\n{k8s}");
    }
    let compose = std::fs::read_to_string(out.join("shop/production/compose.yaml")).unwrap();
    for needle in [
        "  db:\n",
        "  worker:\n",
        "  report:\n",
        "profiles:",
        "db-data:/var/lib/postgresql/data",
    ] {
        assert!(
            compose.contains(needle),
            "missing `{needle}` in:\n{compose}"
        );
    }
    assert!(!compose.contains("  agent:"), "{compose}");
    // The real tools read both files.
    std::fs::write(
        out.join("shop/production/kustomization.yaml"),
        "resources: [kubernetes.yaml]\n",
    )
    .unwrap();
    let k = Command::new("kubectl")
        .args(["kustomize"])
        .arg(out.join("shop/production"))
        .output()
        .expect("kubectl is installed (`.ci/run` installs it)");
    assert!(k.status.success(), "{}", String::from_utf8_lossy(&k.stderr));
    let c = Command::new("docker-compose")
        .arg("-f")
        .arg(out.join("shop/production/compose.yaml"))
        .args(["config", "-q"])
        .output()
        .expect("docker-compose is installed (`.ci/run` installs it)");
    assert!(c.status.success(), "{}", String::from_utf8_lossy(&c.stderr));
    let v = Command::new(env!("CARGO_BIN_EXE_shipshape"))
        .args(["validate", "--strict"])
        .arg(out.join("shop/production/kubernetes.yaml"))
        .output()
        .unwrap();
    assert_eq!(
        v.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&v.stdout)
    );
}

#[test]
fn a_component_env_file_overrides_one_field_of_one_component() {
    let ws = workspace(&[
        (
            "environments/shop/app.yaml",
            &format!("{APP}components:\n{DB}"),
        ),
        (
            "environments/shop/production.yaml",
            "components:\n  db:\n    storage:\n      data: {size: 50Gi, mountPath: /var/lib/postgresql/data}\n",
        ),
    ]);
    let id = EnvId {
        app: "shop".into(),
        env: "production".into(),
    };
    let env = load_environment(ws.path(), &id).unwrap();
    let db = &env.spec.components["db"];
    assert_eq!(db.storage["data"].size.0, "50Gi");
    assert_eq!(db.image.reference(), "postgres:16.4-alpine");
}

/// Two apps of one environment in one namespace: its Namespace is created once, with labels
/// of no app, so their files apply together; both creating it is an error naming both.
#[test]
fn a_namespace_shared_by_two_apps_is_created_once() {
    let shop = format!("{APP}createNamespace: true\nnamespaceLabels: {{team: shop}}\n");
    let cart = APP.replace("shop/web", "shop/cart");
    let ws = workspace(&[
        ("environments/shop/app.yaml", &shop),
        ("environments/shop/production.yaml", "replicas: 1\n"),
        ("environments/cart/app.yaml", &cart),
        ("environments/cart/production.yaml", "replicas: 1\n"),
    ]);
    let render = |ws: &Path| {
        Command::new(env!("CARGO_BIN_EXE_shipshape"))
            .current_dir(ws)
            .args(["render", "--out", "out"])
            .output()
            .unwrap()
    };
    let o = render(ws.path());
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let k8s =
        std::fs::read_to_string(ws.path().join("out/shop/production/kubernetes.yaml")).unwrap();
    let namespace = k8s
        .split("---")
        .find(|d| d.contains("kind: Namespace"))
        .unwrap();
    assert!(
        namespace.contains("kubernetes.io/metadata.name: shop"),
        "{namespace}"
    );
    assert!(namespace.contains("team: shop"), "{namespace}");
    assert!(!namespace.contains("app.kubernetes.io/name"), "{namespace}");
    // Both apps together are one valid set for kubectl.
    let both = ws.path().join("both");
    std::fs::create_dir_all(&both).unwrap();
    for app in ["shop", "cart"] {
        std::fs::copy(
            ws.path()
                .join(format!("out/{app}/production/kubernetes.yaml")),
            both.join(format!("{app}.yaml")),
        )
        .unwrap();
    }
    std::fs::write(
        both.join("kustomization.yaml"),
        "resources: [shop.yaml, cart.yaml]\n",
    )
    .unwrap();
    let k = Command::new("kubectl")
        .arg("kustomize")
        .arg(&both)
        .output()
        .unwrap();
    assert!(k.status.success(), "{}", String::from_utf8_lossy(&k.stderr));

    // Both creating it: `check` says so, naming both keys.
    std::fs::write(
        ws.path().join("environments/cart/production.yaml"),
        "replicas: 1\ncreateNamespace: true\n",
    )
    .unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_shipshape"))
        .current_dir(ws.path())
        .args(["check"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("namespace `shop` of environment `production` is created by 2 apps: cart (environments/cart/production.yaml:2:1), shop (environments/shop/app.yaml:9:1)"),
        "{stderr}"
    );
}

/// Adopting a running workload: a change of its selector is one `kubectl apply` refuses, and
/// the diff says so on that field (text and JSON); other fields carry no such note.
#[test]
fn the_diff_names_a_change_to_an_immutable_field() {
    let dir = tempfile::tempdir().unwrap();
    let old = "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: db, namespace: a}\nspec:\n  replicas: 1\n  serviceName: db\n  selector: {matchLabels: {app: db}}\n  template:\n    metadata: {labels: {app: db}}\n    spec: {containers: [{name: db, image: 'postgres:16'}]}\n";
    let new = old
        .replace("app: db}", "app: database}")
        .replace("replicas: 1", "replicas: 2");
    std::fs::write(dir.path().join("old.yaml"), old).unwrap();
    std::fs::write(dir.path().join("new.yaml"), new).unwrap();
    let run = |format: &str| {
        let o = Command::new(env!("CARGO_BIN_EXE_shipshape"))
            .current_dir(dir.path())
            .args(["diff", "--format", format, "old.yaml", "new.yaml"])
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(1));
        String::from_utf8(o.stdout).unwrap()
    };
    let text = run("human");
    assert!(
        text.contains("~ spec.selector.matchLabels.app: db -> database\n        ! immutable: the selector of a StatefulSet is immutable; kubectl apply will refuse it"),
        "{text}"
    );
    assert_eq!(text.matches("! immutable").count(), 1, "{text}");
    let json: serde_json::Value = serde_json::from_str(&run("json")).unwrap();
    let fields = json["files"][0]["objects"][0]["fields"].as_array().unwrap();
    let immutable: Vec<&str> = fields
        .iter()
        .filter(|f| f.get("immutable").is_some())
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(immutable, ["spec.selector.matchLabels.app"]);
}
