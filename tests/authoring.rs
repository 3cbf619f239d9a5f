//! The authoring commands as a user meets them: `init` a workspace and check it, the
//! templates (`templates list|show|export|context`), `explain-value` with the paths `diff`
//! prints, and what a workspace without apps or environments says.

mod common;

use std::path::Path;
use std::process::{Command, Output};

fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_shipshape"))
        .args(args)
        .current_dir(dir)
        .env_remove("CI")
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Every file under a folder, relative, sorted.
fn tree(dir: &Path) -> Vec<String> {
    fn walk(dir: &Path, base: &Path, out: &mut Vec<String>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(&p, base, out);
            } else {
                out.push(p.strip_prefix(base).unwrap().display().to_string());
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

const INIT_FILES: [&str; 8] = [
    ".gitignore",
    "environments/shop/app.yaml",
    "environments/shop/development.yaml",
    "environments/shop/production.yaml",
    "environments/shop/staging.yaml",
    "schemas/environment-overlay.schema.json",
    "schemas/environment.schema.json",
    "shipshape.yaml",
];

#[test]
fn init_then_golden_accept_then_check_passes() {
    let tmp = tempfile::tempdir().unwrap();
    let out = run(tmp.path(), &["init", "infra"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stderr(&out), "");
    let mut expected = "created a workspace in infra (8 files):\n".to_string();
    for f in INIT_FILES {
        expected.push_str(&format!("  {f}\n"));
    }
    expected.push_str(
        "next:\n  cd infra\n  shipshape golden accept   # render every environment into golden/, then commit it\n  \
         shipshape check           # render, validate, lint and compare with golden/\n",
    );
    assert_eq!(stdout(&out), expected);
    let ws = tmp.path().join("infra");
    // Nothing beside the new folder.
    assert_eq!(tree(tmp.path()).len(), INIT_FILES.len());
    assert_eq!(tree(&ws), INIT_FILES);

    // The editor schemas are the binary's own.
    for (file, name) in [
        ("environment.schema.json", "environment"),
        ("environment-overlay.schema.json", "environment-overlay"),
    ] {
        let printed = run(&ws, &["schema", "print", name]);
        let written = std::fs::read_to_string(ws.join("schemas").join(file)).unwrap();
        assert_eq!(written, stdout(&printed), "{file}");
    }

    let out = run(&ws, &["check"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "golden/ is missing before accept"
    );

    let out = run(&ws, &["golden", "accept"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "wrote golden/shop/development/compose.yaml\nwrote golden/shop/production/kubernetes.yaml\n\
         wrote golden/shop/staging/kubernetes.yaml\n3 golden file(s) updated, 0 unchanged\n\
         the accepted output carries 0 findings\n"
    );

    let out = run(&ws, &["check"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    assert_eq!(stderr(&out), "");
    assert!(
        stdout(&out).ends_with(
            "0 findings: 0 errors, 0 warnings, 0 infos (0 exempted)\n\
             checked 3 environments (3 files): 0 with errors, 0 drifted files\n"
        ),
        "{}",
        stdout(&out)
    );
    // Production passes with warnings failing the run, and every opt-in rule but the digest.
    let out = run(
        &ws,
        &[
            "check",
            "shop/production",
            "--fail-on",
            "warning",
            "--extend-select",
            "cpu-limits",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));

    // The development database runs on Compose, beside the API, which waits for it.
    let compose = std::fs::read_to_string(ws.join("golden/shop/development/compose.yaml")).unwrap();
    assert!(
        compose.contains("\n  db:\n    image: postgres:16.4-alpine\n"),
        "{compose}"
    );
    assert!(
        compose.contains("      DATABASE_ADDR: db:5432\n"),
        "{compose}"
    );
    assert!(compose.contains("    depends_on:\n      db:\n        condition: service_healthy\n"));

    // The real tool takes the Compose file (`.ci/run` installs docker-compose).
    let judged = Command::new("docker-compose")
        .arg("-f")
        .arg(ws.join("golden/shop/development/compose.yaml"))
        .args(["config", "-q"])
        .output()
        .expect("docker-compose is installed (`apt-get install docker-compose`)");
    assert!(
        judged.status.success(),
        "{}",
        String::from_utf8_lossy(&judged.stderr)
    );

    // A second init refuses, names every file and changes none.
    std::fs::write(ws.join("shipshape.yaml"), "kubernetesVersion: \"1.36\"\n").unwrap();
    let out = run(tmp.path(), &["init", "infra"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stdout(&out), "");
    assert_eq!(
        stderr(&out),
        format!(
            "error: infra: init would overwrite 8 existing files: {}\n  help: move them away, choose another folder, or pass --force to overwrite them\n",
            INIT_FILES.join(", ")
        )
    );
    assert_eq!(
        std::fs::read_to_string(ws.join("shipshape.yaml")).unwrap(),
        "kubernetesVersion: \"1.36\"\n"
    );
    // --force writes them again.
    let out = run(tmp.path(), &["init", "infra", "--force"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        std::fs::read_to_string(ws.join("shipshape.yaml"))
            .unwrap()
            .contains("kubernetesVersion: \"1.37\"")
    );
}

#[test]
fn init_refuses_one_existing_file_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join(".gitignore"), "/target\n").unwrap();
    let out = run(tmp.path(), &["init"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "error: .: init would overwrite 1 existing file: .gitignore\n  help: move it away, choose another folder, or pass --force to overwrite it\n"
    );
    assert_eq!(tree(tmp.path()), [".gitignore"]);
}

#[cfg(unix)]
#[test]
fn init_writes_nothing_through_a_link_out_of_the_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    std::fs::create_dir(tmp.path().join("ws")).unwrap();
    std::os::unix::fs::symlink(outside.path(), tmp.path().join("ws/environments")).unwrap();
    let out = run(tmp.path(), &["init", "ws"]);
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    assert!(
        stderr(&out).starts_with("error: ws/environments"),
        "{}",
        stderr(&out)
    );
    assert!(tree(outside.path()).is_empty());
    assert!(!tmp.path().join("ws/shipshape.yaml").exists());
}

/// A workspace with one override, one added template and one copy identical to the
/// embedded template.
fn templated_workspace() -> tempfile::TempDir {
    let ws = common::workspace(&[
        (
            "templates/kubernetes/50-deployment.yaml.j2",
            "# the team's own Deployment\n",
        ),
        (
            "templates/kubernetes/95-extra.yaml.j2",
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: extra, namespace: {{ namespace }}}\n",
        ),
        ("templates/kubernetes/README.md", "not a template\n"),
    ]);
    let embedded = run(ws.path(), &["templates", "show", "compose/compose.yaml.j2"]);
    std::fs::create_dir_all(ws.path().join("templates/compose")).unwrap();
    std::fs::write(
        ws.path().join("templates/compose/compose.yaml.j2"),
        &embedded.stdout,
    )
    .unwrap();
    ws
}

#[test]
fn templates_list_marks_overrides_and_additions() {
    let ws = templated_workspace();
    let out = run(ws.path(), &["templates", "list"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "\
kubernetes: kubernetes.yaml from every template not starting with `_`, in name order
  10-namespace.yaml.j2            embedded
  20-serviceaccount.yaml.j2       embedded
  30-configmap.yaml.j2            embedded
  40-service.yaml.j2              embedded
  45-component-services.yaml.j2   embedded
  50-deployment.yaml.j2           overridden by templates/kubernetes/50-deployment.yaml.j2
  55-component-workloads.yaml.j2  embedded
  60-hpa.yaml.j2                  embedded
  65-pdb.yaml.j2                  embedded
  68-component-scaling.yaml.j2    embedded
  70-ingress.yaml.j2              embedded
  75-networkpolicies.yaml.j2      embedded
  80-migration-job.yaml.j2        embedded
  85-servicemonitor.yaml.j2       embedded
  90-canary.yaml.j2               embedded
  91-virtualservice.yaml.j2       embedded
  95-extra.yaml.j2                added by templates/kubernetes/95-extra.yaml.j2
  _container.j2                   embedded, included only
helm: values.yaml from values.yaml.j2
  app-template.values.yaml.j2     embedded, included only
  values.yaml.j2                  embedded
compose: compose.yaml from compose.yaml.j2
  compose.yaml.j2                 overridden by templates/compose/compose.yaml.j2 (same as the embedded one)
"
    );
    // Outside any workspace: the embedded set.
    let empty = tempfile::tempdir().unwrap();
    let out = run(empty.path(), &["templates", "list"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(!stdout(&out).contains("overridden") && !stdout(&out).contains("added"));
    assert_eq!(stdout(&out).lines().count(), 23);
}

#[test]
fn templates_show_prints_the_source_the_workspace_renders_with() {
    let ws = templated_workspace();
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let embedded =
        std::fs::read_to_string(repo.join("templates/kubernetes/50-deployment.yaml.j2")).unwrap();
    for name in [
        "kubernetes/50-deployment.yaml.j2",
        "50-deployment.yaml.j2",
        "50-deployment",
    ] {
        let out = run(ws.path(), &["templates", "show", name]);
        assert_eq!(out.status.code(), Some(0), "{name}: {}", stderr(&out));
        assert_eq!(stdout(&out), "# the team's own Deployment\n", "{name}");
    }
    let out = run(
        ws.path(),
        &["templates", "show", "50-deployment", "--embedded"],
    );
    assert_eq!(stdout(&out), embedded);
    let out = run(ws.path(), &["templates", "show", "95-extra"]);
    assert!(stdout(&out).starts_with("apiVersion: v1\n"));
    let out = run(ws.path(), &["templates", "show", "95-extra", "--embedded"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "error: `kubernetes/95-extra.yaml.j2` is not an embedded template: templates/kubernetes/95-extra.yaml.j2 adds it\n"
    );
}

#[test]
fn an_unknown_template_is_an_error_with_did_you_mean() {
    let ws = tempfile::tempdir().unwrap();
    for (name, error) in [
        (
            "kubernetes/50-deploymnt.yaml.j2",
            "error: no template `kubernetes/50-deploymnt.yaml.j2`; did you mean `kubernetes/50-deployment.yaml.j2`?\n",
        ),
        (
            "ingres",
            "error: no template `ingres`; did you mean `kubernetes/70-ingress.yaml.j2`?\n",
        ),
        (
            "kustomization",
            "error: no template `kustomization`; `shipshape templates list` shows them all\n",
        ),
    ] {
        let out = run(ws.path(), &["templates", "show", name]);
        assert_eq!(out.status.code(), Some(2), "{name}");
        assert_eq!(stdout(&out), "", "{name}");
        assert_eq!(stderr(&out), error, "{name}");
    }
    let out = run(
        ws.path(),
        &["templates", "export", "--template", "hpa.yaml"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "error: no template `hpa.yaml`; did you mean `kubernetes/60-hpa.yaml.j2`?\n"
    );
    assert!(tree(ws.path()).is_empty());
}

/// Templates of this repository's workspace that are not embedded defaults.
const WORKSPACE_TEMPLATES: [&str; 1] = ["kubernetes/87-grafana-dashboard.yaml.j2"];

#[test]
fn templates_export_writes_the_embedded_set_and_refuses_to_overwrite() {
    let ws = tempfile::tempdir().unwrap();
    let out = run(ws.path(), &["templates", "export", "defaults"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
    let exported = tree(&ws.path().join("defaults"));
    // The repository's templates/ is the embedded set plus this workspace's own additions,
    // which are not defaults (a new default missing from the embedded list fails here).
    let expected: Vec<String> = tree(&repo)
        .into_iter()
        .filter(|p| p.ends_with(".j2") && !WORKSPACE_TEMPLATES.contains(&p.as_str()))
        .collect();
    assert_eq!(exported, expected);
    assert!(stdout(&out).starts_with(&format!(
        "wrote {} templates into defaults:\n  compose/compose.yaml.j2\n",
        expected.len()
    )));
    for file in &exported {
        assert_eq!(
            std::fs::read(ws.path().join("defaults").join(file)).unwrap(),
            std::fs::read(repo.join(file)).unwrap(),
            "{file}"
        );
    }

    // Into the workspace's templates/, one template: it then overrides the embedded one.
    let out = run(
        ws.path(),
        &[
            "templates",
            "export",
            "--template",
            "kubernetes/65-pdb.yaml.j2",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "wrote 1 template into ./templates:\n  kubernetes/65-pdb.yaml.j2\n"
    );
    let listed = stdout(&run(ws.path(), &["templates", "list"]));
    assert!(listed.contains(
        "  65-pdb.yaml.j2                  overridden by templates/kubernetes/65-pdb.yaml.j2 (same as the embedded one)\n"
    ), "{listed}");

    std::fs::write(
        ws.path().join("templates/kubernetes/65-pdb.yaml.j2"),
        "# mine\n",
    )
    .unwrap();
    let out = run(ws.path(), &["templates", "export"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "error: export would overwrite 1 existing file: ./templates/kubernetes/65-pdb.yaml.j2\n  help: move it away, export into another folder, or pass --force to overwrite it\n"
    );
    assert_eq!(
        tree(&ws.path().join("templates")),
        ["kubernetes/65-pdb.yaml.j2"]
    );
    assert_eq!(
        std::fs::read_to_string(ws.path().join("templates/kubernetes/65-pdb.yaml.j2")).unwrap(),
        "# mine\n"
    );
}

const SHOP_APP: &str = "\
namespace: shop
image: {repository: shop/web, tag: 1.4.0}
ports:
  - {name: http, containerPort: 8080}
  - {name: metrics, containerPort: 9090}
env:
  PORT: \"8080\"
config:
  data:
    feature.flags.beta: \"on\"
    LOG_LEVEL: info
";

fn shop() -> tempfile::TempDir {
    common::workspace(&[
        ("environments/shop/app.yaml", SHOP_APP),
        (
            "environments/shop/production.yaml",
            "replicas: 3\nconfig:\n  data:\n    LOG_LEVEL: warn\n",
        ),
        ("environments/shop/staging.yaml", "replicas: 2\n"),
    ])
}

#[test]
fn templates_context_prints_what_templates_receive() {
    let ws = shop();
    let out = run(ws.path(), &["templates", "context", "shop/production"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let yaml = stdout(&out);
    assert!(
        yaml.starts_with(
            "app: shop\nenv: production\nname: shop\nnamespace: shop\nsources:\n\
             - environments/shop/app.yaml\n- environments/shop/production.yaml\n"
        ),
        "{yaml}"
    );
    let again = run(ws.path(), &["templates", "context", "shop/production"]);
    assert_eq!(again.stdout, out.stdout, "byte-identical across runs");

    let json = run(
        ws.path(),
        &[
            "templates",
            "context",
            "shop/production",
            "--format",
            "json",
        ],
    );
    assert_eq!(json.status.code(), Some(0));
    let from_json: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let from_yaml: serde_json::Value = serde_yaml::from_str(&yaml).unwrap();
    assert_eq!(from_json, from_yaml);
    // The pieces the templates use: the config with its checksum, the labels, the spec.
    assert_eq!(from_json["config"]["name"], "shop-config");
    assert_eq!(from_json["config"]["data"]["LOG_LEVEL"], "warn");
    assert_eq!(
        from_json["labels"]["app.kubernetes.io/instance"],
        "shop-production"
    );
    assert_eq!(from_json["spec"]["replicas"], 3);
    for key in ["container", "pod", "deployments", "service", "components"] {
        assert!(from_json.get(key).is_some(), "no `{key}` in the context");
    }
}

#[test]
fn templates_context_of_an_unknown_environment_suggests_one() {
    let ws = shop();
    for (selection, error) in [
        (
            "shop/prodution",
            "error: `shop/prodution` matches no environment; did you mean `shop/production`?\n",
        ),
        (
            "shpo/staging",
            "error: `shpo/staging` matches no environment; did you mean `shop/staging`?\n",
        ),
        (
            "shop",
            "error: `shop` names 2 environments; name one as <app>/<env>\n",
        ),
    ] {
        let out = run(ws.path(), &["templates", "context", selection]);
        assert_eq!(out.status.code(), Some(2), "{selection}");
        assert_eq!(stdout(&out), "", "{selection}");
        assert_eq!(stderr(&out), error, "{selection}");
    }
}

#[test]
fn explain_value_takes_the_paths_diff_prints() {
    let ws = shop();
    for (key, expected) in [
        (
            "env[\"PORT\"]",
            "shop/production env.PORT = \"8080\"\n  set at environments/shop/app.yaml:7:3\n",
        ),
        (
            "config.data[\"feature.flags.beta\"]",
            "shop/production config.data[\"feature.flags.beta\"] = \"on\"\n  set at environments/shop/app.yaml:10:5\n",
        ),
        (
            "config.data[\"LOG_LEVEL\"]",
            "shop/production config.data.LOG_LEVEL = \"warn\"\n  set at environments/shop/production.yaml:4:5\n",
        ),
        (
            "ports[1].containerPort",
            "shop/production ports[1].containerPort = 9090\n  set at environments/shop/app.yaml:5:21\n",
        ),
        (
            "ports[metrics].containerPort",
            "shop/production ports[1].containerPort = 9090\n  set at environments/shop/app.yaml:5:21\n",
        ),
        (
            "ports.1.name",
            "shop/production ports[1].name = \"metrics\"\n  set at environments/shop/app.yaml:5:6\n",
        ),
    ] {
        let out = run(ws.path(), &["explain-value", "shop/production", key]);
        assert_eq!(out.status.code(), Some(0), "{key}: {}", stderr(&out));
        assert_eq!(stdout(&out), expected, "{key}");
    }
    for (key, error) in [
        (
            "ports[metrcs]",
            "error: shop/production has no value at `ports[metrcs]`; did you mean `ports[metrics]`?\n",
        ),
        (
            "ports[7]",
            "error: shop/production has no value at `ports[7]`; items here: `ports[http]`, `ports[metrics]`\n",
        ),
        (
            "config.data[\"feature.flags.beta\"",
            "error: key `config.data[\"feature.flags.beta\"`: column 33: expected `]` after the quoted key\n  help: write keys with dots, as `autoscaling.minReplicas`; indices and list items by name in brackets, as `ports[0]` or `ports[http]`; quote keys that hold dots, as `config.data[\"KEY.WITH.DOTS\"]`\n",
        ),
    ] {
        let out = run(ws.path(), &["explain-value", "shop/production", key]);
        assert_eq!(out.status.code(), Some(2), "{key}");
        assert_eq!(stderr(&out), error, "{key}");
    }
}

const EMPTY_APP_WARNING: &str = "warning: environments/web: app `web` has no environment file, so nothing of it is rendered or checked; add `environments/web/<env>.yaml` (e.g. `development.yaml`) or remove the folder\n";

#[test]
fn an_app_folder_without_environments_is_a_warning() {
    let ws = shop();
    std::fs::create_dir_all(ws.path().join("environments/web")).unwrap();
    std::fs::write(ws.path().join("environments/web/app.yaml"), SHOP_APP).unwrap();
    let out = run(ws.path(), &["golden", "accept"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stderr(&out), EMPTY_APP_WARNING);
    // (The fixture's production lacks a disruption budget: a finding, exit 1.)
    let out = run(ws.path(), &["check"]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert_eq!(stderr(&out), EMPTY_APP_WARNING);
    let rendered = tempfile::tempdir().unwrap();
    let out = run(
        ws.path(),
        &["render", "--out", rendered.path().to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stderr(&out), EMPTY_APP_WARNING);
    // Selecting it names the environments there are.
    let out = run(ws.path(), &["check", "web"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        format!("{EMPTY_APP_WARNING}error: `web` matches no environment; known: shop\n")
    );
}

const NOTHING_TO_CHECK: &str = "error: nothing to check: the workspace has no environment\n  help: add `environments/<app>/<env>.yaml` (with `environments/<app>/app.yaml` for what the environments share), or run `shipshape init` to start from an example\n";

#[test]
fn checking_a_workspace_without_apps_is_an_error_never_a_pass() {
    let ws = tempfile::tempdir().unwrap();
    std::fs::create_dir(ws.path().join("environments")).unwrap();
    let out = run(ws.path(), &["check"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stdout(&out), "");
    assert_eq!(
        stderr(&out),
        format!(
            "warning: environments/ holds no app: add `environments/<app>/app.yaml` and one `environments/<app>/<env>.yaml` per environment, or run `shipshape init` to start from an example\n{NOTHING_TO_CHECK}"
        )
    );
    // Apps without environments: each is named, and there is still nothing to check.
    std::fs::create_dir_all(ws.path().join("environments/web")).unwrap();
    let out = run(ws.path(), &["check"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stdout(&out), "");
    assert_eq!(
        stderr(&out),
        format!("{EMPTY_APP_WARNING}{NOTHING_TO_CHECK}")
    );
    // render and golden accept have nothing to do either.
    for args in [&["render"][..], &["golden", "accept"]] {
        let out = run(ws.path(), args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(stderr(&out).starts_with(EMPTY_APP_WARNING), "{args:?}");
        assert!(
            stderr(&out).contains("no environments: add `environments/<app>/<env>.yaml`"),
            "{args:?}: {}",
            stderr(&out)
        );
    }
}

#[test]
fn checking_a_selection_that_matches_nothing_is_an_error() {
    let ws = shop();
    let out = run(ws.path(), &["check", "shop/stagin"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stdout(&out), "");
    assert_eq!(
        stderr(&out),
        "error: `shop/stagin` matches no environment; did you mean `shop/staging`?\n"
    );
}
