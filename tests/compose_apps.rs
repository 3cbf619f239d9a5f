//! Compose files of several apps used together (`tests/fixtures/compose-apps`: `shop`
//! connects to `billing/api`): the real tool, Debian's docker-compose 1.29, accepts each app's
//! file combined with the files its header names, and shows the addresses, the `depends_on`
//! and, with `compose.networkIsolation`, the network membership the connection graph asks
//! for. Names that would collide when the files are combined are spec errors.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

mod common;

use common::{copy_dir, shipshape};

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/compose-apps")
}

fn golden(app: &str, env: &str) -> PathBuf {
    fixture()
        .join("golden")
        .join(app)
        .join(env)
        .join("compose.yaml")
}

/// `docker-compose -f FILE... ARGS` from the first file's folder, with a clean environment.
fn docker_compose(files: &[PathBuf], args: &[&str]) -> Output {
    let mut cmd = Command::new("docker-compose");
    for f in files {
        cmd.arg("-f").arg(f);
    }
    let o = cmd
        .args(args)
        .current_dir(files[0].parent().unwrap())
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .output();
    match o {
        Ok(o) => o,
        Err(e) => panic!(
            "docker-compose does not run ({e}); install it with \
             `apt-get install -y --no-install-recommends docker-compose` (`.ci/run` does this)"
        ),
    }
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// The files a Compose file's header says it is used with, after the file itself.
fn header_files(file: &Path) -> Vec<PathBuf> {
    let text = std::fs::read_to_string(file).unwrap();
    let mut out = vec![file.to_path_buf()];
    let Some(command) = text
        .lines()
        .take_while(|l| l.starts_with('#'))
        .find_map(|l| l.strip_prefix("#   docker-compose -f compose.yaml"))
    else {
        return out;
    };
    let mut words = command.split_whitespace();
    while let Some(w) = words.next() {
        if w == "-f" {
            out.push(file.parent().unwrap().join(words.next().unwrap()));
        }
    }
    out
}

#[test]
fn the_fixture_golden_files_are_what_shipshape_renders() {
    let o = shipshape(&["check", "--workspace", fixture().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(
        text(&o).contains("checked 6 environments (6 files): 0 with errors, 0 drifted files"),
        "{}",
        text(&o)
    );
}

#[test]
fn a_file_that_depends_on_another_apps_service_is_used_with_that_apps_file() {
    for env in ["development", "isolated", "sealed"] {
        let shop = golden("shop", env);
        let billing = golden("billing", env);
        // The header names billing's file and the command that combines them.
        assert_eq!(
            header_files(&shop),
            vec![
                shop.clone(),
                shop.parent()
                    .unwrap()
                    .join(format!("../../billing/{env}/compose.yaml"))
            ]
        );
        assert_eq!(
            header_files(&billing),
            vec![billing.clone()],
            "billing depends on no other app"
        );
        let combined = docker_compose(&header_files(&shop), &["config", "-q"]);
        assert!(combined.status.success(), "{env}: {}", text(&combined));
        let alone = docker_compose(std::slice::from_ref(&billing), &["config", "-q"]);
        assert!(alone.status.success(), "{env}: {}", text(&alone));
        // Alone, shop's file refers to a service it does not define.
        let alone = docker_compose(std::slice::from_ref(&shop), &["config", "-q"]);
        assert!(!alone.status.success(), "{env}: shop's file alone passed");
    }
    let alone = docker_compose(&[golden("shop", "development")], &["config", "-q"]);
    assert!(
        text(&alone).contains("Service 'shop' depends on service 'api' which is undefined"),
        "{}",
        text(&alone)
    );
}

/// The merged configuration docker-compose prints for shop's file and billing's.
fn merged(env: &str) -> serde_json::Value {
    let o = docker_compose(&header_files(&golden("shop", env)), &["config"]);
    assert!(o.status.success(), "{}", text(&o));
    serde_yaml::from_slice(&o.stdout).unwrap()
}

#[test]
fn the_address_and_the_wait_reach_the_other_apps_service() {
    let config = merged("development");
    let shop = &config["services"]["shop"];
    assert_eq!(
        shop["environment"]["BILLING_URL"], "http://api:9000/v1",
        "{shop:#}"
    );
    assert_eq!(
        shop["depends_on"]["api"]["condition"], "service_healthy",
        "{shop:#}"
    );
    assert_eq!(shop["depends_on"]["db"]["condition"], "service_healthy");
    // billing's api is defined once, by billing's file, with its image and health check.
    let api = &config["services"]["api"];
    assert_eq!(api["image"], "ghcr.io/acme/billing-api:2.0.0");
    assert!(api["healthcheck"].is_object(), "{api:#}");
    // Without isolation every service is on the project's default network.
    assert!(
        config["services"]
            .as_object()
            .unwrap()
            .values()
            .all(|s| s.get("networks").is_none())
    );
    let names: BTreeSet<&str> = config["services"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        names,
        BTreeSet::from(["api", "billing", "db", "mailer", "postgres", "shop"])
    );
}

fn membership(env: &str) -> BTreeMap<String, BTreeSet<String>> {
    let config = merged(env);
    config["services"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(name, s)| {
            let networks: BTreeSet<String> = match s.get("networks") {
                Some(serde_json::Value::Object(m)) => m.keys().cloned().collect(),
                None => BTreeSet::from(["default".to_string()]),
                Some(other) => panic!("networks of {name}: {other}"),
            };
            (name.clone(), networks)
        })
        .collect()
}

fn set(names: &[&str]) -> BTreeSet<String> {
    names.iter().map(|s| s.to_string()).collect()
}

#[test]
fn with_isolation_a_service_shares_a_network_only_with_its_edges() {
    // shop isolates, billing does not: billing's services stay on the default network, and
    // its api joins the edge network of shop's connection to it too.
    let m = membership("isolated");
    assert_eq!(m["shop"], set(&["shop.api", "shop.db"]));
    assert_eq!(m["db"], set(&["shop.db"]));
    assert_eq!(
        m["mailer"],
        set(&["mailer.alone"]),
        "no edges: a network of its own"
    );
    assert_eq!(m["api"], set(&["default", "shop.api"]));
    assert_eq!(m["billing"], set(&["default"]));
    assert_eq!(m["postgres"], set(&["default"]));

    // Both isolate.
    let m = membership("sealed");
    assert_eq!(m["shop"], set(&["shop.api", "shop.db"]));
    assert_eq!(m["db"], set(&["shop.db"]));
    assert_eq!(m["mailer"], set(&["mailer.alone"]));
    assert_eq!(m["api"], set(&["api.postgres", "shop.api"]));
    assert_eq!(m["billing"], set(&["billing.postgres"]));
    assert_eq!(m["postgres"], set(&["api.postgres", "billing.postgres"]));

    // Two services share a network only where one connects to the other.
    let edges: BTreeSet<(&str, &str)> = BTreeSet::from([
        ("shop", "api"),
        ("shop", "db"),
        ("api", "postgres"),
        ("billing", "postgres"),
    ]);
    for (a, na) in &m {
        for (b, nb) in &m {
            if a < b {
                let shared = !na.is_disjoint(nb);
                let edge = edges.contains(&(a.as_str(), b.as_str()))
                    || edges.contains(&(b.as_str(), a.as_str()));
                assert_eq!(shared, edge, "{a} and {b}: {na:?} {nb:?}");
            }
        }
    }
    // The published port stays published.
    let config = merged("sealed");
    assert_eq!(
        config["services"]["shop"]["ports"][0]["published"], 8080,
        "{:#}",
        config["services"]["shop"]
    );
}

/// A copy of the fixture with extra files written into it.
fn fixture_with(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(
        &fixture().join("environments"),
        &dir.path().join("environments"),
    );
    for (path, text) in files {
        let p = dir.path().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    dir
}

fn check(ws: &Path, what: &str) -> (Option<i32>, String) {
    let o = shipshape(&["check", what, "--workspace", ws.to_str().unwrap()]);
    (o.status.code(), text(&o))
}

const SHOP_POSTGRES: &str = "\
replicas: 1
compose:
  volumes: [postgres-data:/var/cache/shop]
components:
  postgres:
    image: {repository: postgres, tag: 16.4-alpine}
    ports:
      - {name: pg, containerPort: 5432}
";

#[test]
fn a_service_or_volume_name_both_files_have_is_an_error_at_the_spec_line() {
    let ws = fixture_with(&[
        ("environments/shop/collide.yaml", SHOP_POSTGRES),
        ("environments/billing/collide.yaml", "replicas: 1\n"),
    ]);
    let (code, out) = check(ws.path(), "shop/collide");
    assert_eq!(code, Some(2), "{out}");
    assert!(
        out.contains("environments/shop/collide.yaml:6:5: Compose service `postgres` is also a service of app `billing`, whose Compose file this app's file is used with, so Compose would merge the two into one"),
        "{out}"
    );
    assert!(
        out.contains("environments/shop/collide.yaml:3:13: Compose named volume `postgres-data` is also a named volume of app `billing`"),
        "{out}"
    );
    assert!(
        out.contains("help: rename the component here or in `billing`"),
        "{out}"
    );
    // billing's own file is fine: it depends on nothing of shop's.
    let (code, out) = check(ws.path(), "billing/collide");
    assert_ne!(code, Some(2), "{out}");
}

#[test]
fn two_other_apps_files_that_collide_are_reported_at_the_connection() {
    // shop connects to billing and to audit, whose files both have a `postgres` service: the
    // collision is reported at the connection that brings in the second of them (audit
    // comes first in key order, then `billing/api`, in app.yaml).
    let audit = "\
namespace: audit
targets: [compose]
image: {repository: ghcr.io/acme/audit, tag: 1.0.0}
ports:
  - {name: http, containerPort: 8080}
components:
  postgres:
    image: {repository: postgres, tag: 16.4-alpine}
    ports:
      - {name: pg, containerPort: 5432}
";
    let ws = fixture_with(&[
        ("environments/audit/development.yaml", audit),
        (
            "environments/shop/development.yaml",
            "replicas: 1\nconnections:\n  audit: {}\n",
        ),
    ]);
    let (code, out) = check(ws.path(), "shop/development");
    assert_eq!(code, Some(2), "{out}");
    assert!(
        out.contains("environments/shop/app.yaml:21:16: this connection makes the app's Compose file used with those of apps `audit` and `billing`, which both have a Compose service `postgres`"),
        "{out}"
    );
}

#[test]
fn a_file_is_used_with_the_files_its_peers_depend_on_in_turn() {
    // shop -> billing -> ledger: shop's file is used with both.
    let ledger = "\
namespace: ledger
targets: [compose]
image: {repository: ghcr.io/acme/ledger, tag: 1.0.0}
ports:
  - {name: http, containerPort: 8080}
";
    let ws = fixture_with(&[
        ("environments/ledger/development.yaml", ledger),
        (
            "environments/billing/development.yaml",
            "replicas: 1\nconnections:\n  ledger: {}\n",
        ),
    ]);
    let out = tempfile::tempdir().unwrap();
    let o = shipshape(&[
        "render",
        "--workspace",
        ws.path().to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let shop = out.path().join("shop/development/compose.yaml");
    let files = header_files(&shop);
    assert_eq!(files.len(), 3, "{files:?}");
    assert!(files[1].ends_with("../../billing/development/compose.yaml"));
    assert!(files[2].ends_with("../../ledger/development/compose.yaml"));
    let combined = docker_compose(&files, &["config", "-q"]);
    assert!(combined.status.success(), "{}", text(&combined));
    // Without ledger's file, billing's service refers to one that is not defined.
    let partial = docker_compose(&files[..2], &["config", "-q"]);
    assert!(!partial.status.success());
}

#[test]
fn check_judges_a_file_together_with_those_it_is_used_with() {
    // A workspace template that renders only each app's own service: shop's file still
    // depends on billing's `api` and on its own `db`, which no file defines any more.
    let template = "\
services:
  {{ name | quote }}:
    image: {{ image.reference | quote }}
{% if compose.dependsOn %}
    depends_on:
{% for d in compose.dependsOn %}
      {{ d.name | quote }}: {condition: {{ d.condition }}}
{% endfor %}
{% endif %}
";
    let ws = fixture_with(&[("templates/compose/compose.yaml.j2", template)]);
    let accept = shipshape(&[
        "golden",
        "accept",
        "--workspace",
        ws.path().to_str().unwrap(),
    ]);
    assert_eq!(accept.status.code(), Some(0), "{}", text(&accept));
    let (code, out) = check(ws.path(), "shop/development");
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains("golden/shop/development/compose.yaml:9:7: error[compose-combination/compose-combination]: service `shop` depends on `api`, which neither this Compose file nor those it is used with (billing) define"),
        "{out}"
    );
    assert!(
        out.contains("service `shop` depends on `db`, which neither"),
        "{out}"
    );
    // With the default templates, the fixture's files are complete together.
    let (code, out) = check(&fixture(), "shop");
    assert_eq!(code, Some(0), "{out}");
    assert!(!out.contains("compose-combination"), "{out}");
}
