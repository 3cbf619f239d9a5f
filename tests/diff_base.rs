//! `shipshape diff --base REF`: the workspace (or a folder of manifests) at a git revision vs
//! the working tree, in a temporary git repository whose workspace is a subfolder; noise
//! control with `--ignore` and `diff.ignore`, the version label named once per file, and
//! the ConfigMap behind a changed config checksum.

use std::path::{Path, PathBuf};
use std::process::Command;

struct Run {
    stdout: String,
    stderr: String,
    code: i32,
}

fn shipshape(dir: &Path, args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_shipshape"))
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .expect("runs shipshape");
    Run {
        stdout: String::from_utf8(out.stdout).expect("utf-8 stdout"),
        stderr: String::from_utf8(out.stderr).expect("utf-8 stderr"),
        code: out.status.code().expect("exit code"),
    }
}

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .args([
            "-c",
            "user.name=shipshape",
            "-c",
            "user.email=shipshape@example.com",
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .output()
        .expect("runs git");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

const APP: &str = "name: web
namespace: shop
image:
  repository: ghcr.io/shop/web
  tag: v1.0.0
ports:
  - name: http
    containerPort: 8080
config:
  data:
    LOG_LEVEL: info
";

/// A git repository whose workspace is the subfolder `infra/`, with one commit holding the
/// app `web` (environment `production`, 2 replicas). Returns the repository and workspace.
fn repository() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("infra");
    write(&ws.join("environments/web/app.yaml"), APP);
    write(
        &ws.join("environments/web/production.yaml"),
        "replicas: 2\n",
    );
    git(dir.path(), &["init", "-q"]);
    commit(dir.path(), "web");
    (dir, ws)
}

fn commit(repo: &Path, message: &str) {
    git(repo, &["add", "-A"]);
    git(repo, &["commit", "-q", "-m", message]);
}

#[test]
fn a_committed_spec_change_is_an_exact_diff_and_exit_1() {
    let (repo, ws) = repository();
    write(
        &ws.join("environments/web/production.yaml"),
        "replicas: 3\n",
    );
    commit(repo.path(), "three replicas");
    let run = shipshape(&ws, &["diff", "--base", "HEAD~1"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "web/production/kubernetes.yaml
  ~ Deployment shop/web
    ~ spec.replicas: 2 -> 3

Summary: 1 changed (Deployment: 1 changed)
"
    );
    // The unified format names the revision's side `REF:path`.
    let run = shipshape(&ws, &["diff", "--base", "HEAD~1", "web", "-f", "unified"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stdout.starts_with(
            "--- HEAD~1:web/production/kubernetes.yaml\tDeployment shop/web\n+++ web/production/kubernetes.yaml\tDeployment shop/web\n"
        ),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("-  replicas: 2\n+  replicas: 3\n"),
        "{}",
        run.stdout
    );
    // JSON holds the same change.
    let run = shipshape(&ws, &["diff", "--base", "HEAD~1", "-f", "json"]);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(json["differences"], true);
    assert_eq!(
        json["files"][0]["objects"][0]["fields"][0]["path"],
        "spec.replicas"
    );
}

#[test]
fn no_change_is_exit_0_and_a_working_tree_change_counts() {
    let (_repo, ws) = repository();
    let run = shipshape(&ws, &["diff", "--base", "HEAD"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "Summary: no differences\n");
    // An uncommitted change is the new side.
    write(
        &ws.join("environments/web/production.yaml"),
        "replicas: 5\n",
    );
    let run = shipshape(&ws, &["diff", "--base", "HEAD", "web/production"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stdout.contains("~ spec.replicas: 2 -> 5"),
        "{}",
        run.stdout
    );
}

#[test]
fn an_unknown_revision_or_no_repository_is_exit_2_with_the_reason() {
    let (_repo, ws) = repository();
    let run = shipshape(&ws, &["diff", "--base", "no-such-branch"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("`no-such-branch` is not a commit of the repository at . (unknown revision); name a branch, tag or commit"),
        "{}",
        run.stderr
    );
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    let plain = tempfile::tempdir().unwrap();
    write(
        &plain.path().join("environments/web/production.yaml"),
        "replicas: 1\n",
    );
    let run = Command::new(env!("CARGO_BIN_EXE_shipshape"))
        .current_dir(plain.path())
        .env("GIT_CEILING_DIRECTORIES", plain.path().parent().unwrap())
        .args(["diff", "--base", "main"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("not in a git repository"), "{stderr}");
    assert!(
        stderr.contains("run shipshape inside a git working tree"),
        "{stderr}"
    );
}

#[test]
fn a_spec_error_names_its_side() {
    let (repo, ws) = repository();
    write(
        &ws.join("environments/web/production.yaml"),
        "replicas: many\n",
    );
    commit(repo.path(), "broken");
    write(
        &ws.join("environments/web/production.yaml"),
        "replicas: 2\n",
    );
    let run = shipshape(&ws, &["diff", "--base", "HEAD"]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(
        run.stderr.contains("error: web/production: cannot render: at `HEAD` (--base): environment web/production has 1 error:\nenvironments/web/production.yaml:1:11: `replicas`"),
        "{}",
        run.stderr
    );
    let run = shipshape(&ws, &["diff", "--base", "HEAD~1"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    write(
        &ws.join("environments/web/production.yaml"),
        "replicas: many\n",
    );
    let run = shipshape(&ws, &["diff", "--base", "HEAD~1"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("error: web/production: cannot render: in the working tree: environment web/production has 1 error:\nenvironments/web/production.yaml:1:11: `replicas`"),
        "{}",
        run.stderr
    );
}

#[test]
fn an_environment_on_one_side_only_is_all_added_or_removed() {
    let (_repo, ws) = repository();
    write(&ws.join("environments/web/staging.yaml"), "replicas: 1\n");
    let run = shipshape(&ws, &["diff", "--base", "HEAD", "web/staging"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stdout.starts_with("web/staging/kubernetes.yaml\n"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("  + Deployment shop/web (added)\n"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.ends_with(
            "Summary: 3 added (ConfigMap: 1 added; Deployment: 1 added; Service: 1 added)\n"
        ),
        "{}",
        run.stdout
    );
    std::fs::remove_file(ws.join("environments/web/production.yaml")).unwrap();
    let run = shipshape(&ws, &["diff", "--base", "HEAD", "web/production"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stdout.contains("  - Deployment shop/web (removed)\n"),
        "{}",
        run.stdout
    );
    let run = shipshape(&ws, &["diff", "--base", "HEAD", "nope"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("`nope` matches no environment"),
        "{}",
        run.stderr
    );
}

const DEPLOYMENT: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: shop
spec:
  replicas: 2
  template:
    spec:
      containers:
        - name: api
          image: shop/api:1.0
";

#[test]
fn a_plain_folder_at_a_revision_vs_the_working_tree() {
    let dir = tempfile::tempdir().unwrap();
    let k8s = dir.path().join("k8s");
    write(&k8s.join("api.yaml"), DEPLOYMENT);
    write(
        &k8s.join("old.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: legacy, namespace: shop}\ndata: {a: b}\n",
    );
    git(dir.path(), &["init", "-q"]);
    commit(dir.path(), "manifests");
    write(
        &k8s.join("api.yaml"),
        &DEPLOYMENT.replace("shop/api:1.0", "shop/api:1.1"),
    );
    std::fs::remove_file(k8s.join("old.yaml")).unwrap();
    let run = shipshape(dir.path(), &["diff", "--base", "HEAD", "--", "k8s/"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "k8s/api.yaml
  ~ Deployment shop/api
    ~ spec.template.spec.containers[api].image: shop/api:1.0 -> shop/api:1.1

k8s/old.yaml
  - ConfigMap shop/legacy (removed)
    - apiVersion: v1
    - kind: ConfigMap
    - metadata:
    -   name: legacy
    -   namespace: shop
    - data:
    -   a: b

Summary: 1 removed, 1 changed (ConfigMap: 1 removed; Deployment: 1 changed)
"
    );
    // One file works too; nothing changed in it at HEAD~0 after a commit is exit 0.
    commit(dir.path(), "1.1");
    let run = shipshape(dir.path(), &["diff", "--base", "HEAD", "k8s/api.yaml"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let run = shipshape(dir.path(), &["diff", "--base", "HEAD~1", "k8s/api.yaml"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stdout
            .starts_with("k8s/api.yaml\n  ~ Deployment shop/api\n"),
        "{}",
        run.stdout
    );
    // From inside the folder.
    let run = shipshape(&k8s, &["diff", "--base", "HEAD~1", "--", "."]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("name a folder or file"),
        "{}",
        run.stderr
    );
}

#[test]
fn markdown_stays_within_the_comment_limit() {
    let dir = tempfile::tempdir().unwrap();
    let k8s = dir.path().join("k8s");
    let big = |version: &str| {
        (0..300)
            .map(|i| {
                let lines: String = (0..20)
                    .map(|l| format!("    line {l} of config {i} at {version}\n"))
                    .collect();
                format!(
                    "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {{name: c{i}, namespace: shop}}\ndata:\n  conf: |\n{lines}"
                )
            })
            .collect::<String>()
    };
    write(&k8s.join("maps.yaml"), &big("one"));
    git(dir.path(), &["init", "-q"]);
    commit(dir.path(), "maps");
    write(&k8s.join("maps.yaml"), &big("two"));
    let run = shipshape(
        dir.path(),
        &["diff", "--base", "HEAD", "-f", "markdown", "k8s"],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stdout.len() <= 65_536,
        "{} characters",
        run.stdout.len()
    );
    assert!(
        run.stdout
            .starts_with("## shipshape diff\n\n**Summary:** 300 changed\n"),
        "{}",
        &run.stdout[..200]
    );
    assert!(run.stdout.contains("| `ConfigMap` | 0 | 0 | 300 | 0 |"));
    assert!(run.stdout.contains(
        "<details>\n<summary><b>changed</b> <code>ConfigMap shop/c0</code> (1 field)</summary>"
    ));
    assert!(
        run.stdout
            .contains("more objects are not shown: a pull request comment holds 65,536 characters")
    );
}

#[test]
fn ignored_fields_do_not_count_from_the_flag_or_shipshape_yaml() {
    let (repo, ws) = repository();
    write(
        &ws.join("environments/web/production.yaml"),
        "replicas: 3\n",
    );
    let run = shipshape(
        &ws,
        &[
            "diff",
            "--base",
            "HEAD",
            "--ignore",
            "Deployment:spec.replicas",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(run.stdout, "Summary: no differences\n");
    // Restricted to another kind, the rule does not apply.
    let run = shipshape(
        &ws,
        &[
            "diff",
            "--base",
            "HEAD",
            "--ignore",
            "Service:spec.replicas",
        ],
    );
    assert_eq!(run.code, 1, "{}", run.stdout);
    // The unified patch leaves an ignored field out too.
    write(
        &ws.join("environments/web/production.yaml"),
        "replicas: 3\nconfig:\n  data:\n    LOG_LEVEL: debug\n",
    );
    let run = shipshape(
        &ws,
        &[
            "diff",
            "--base",
            "HEAD",
            "-f",
            "unified",
            "--ignore",
            "spec.replicas",
        ],
    );
    assert_eq!(run.code, 1);
    assert!(!run.stdout.contains("replicas"), "{}", run.stdout);
    assert!(run.stdout.contains("+  LOG_LEVEL: debug"), "{}", run.stdout);
    // From shipshape.yaml in the workspace.
    write(
        &ws.join("shipshape.yaml"),
        "diff:\n  ignore:\n    - spec.replicas\n    - data.LOG_LEVEL\n    - '**.annotations[\"checksum/config\"]'\n",
    );
    let run = shipshape(&ws, &["diff", "--base", "HEAD"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    // A bad rule is an input error, located in the file or named from the flag.
    write(
        &ws.join("shipshape.yaml"),
        "diff:\n  ignore:\n    - 'spec[replicas'\n",
    );
    let run = shipshape(&ws, &["diff", "--base", "HEAD"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("shipshape.yaml:3:7: diff.ignore: `spec[replicas`: the `[` at character 5 is not closed; expected `[KIND:]PATH`"),
        "{}",
        run.stderr
    );
    std::fs::remove_file(ws.join("shipshape.yaml")).unwrap();
    let run = shipshape(
        &ws,
        &["diff", "--base", "HEAD", "--ignore", "spec..replicas"],
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("an empty field name at character 6"),
        "{}",
        run.stderr
    );
    drop(repo);
}

#[test]
fn a_version_label_changed_everywhere_is_named_once_per_file() {
    let (_repo, ws) = repository();
    write(
        &ws.join("environments/web/app.yaml"),
        &APP.replace("tag: v1.0.0", "tag: v1.0.1"),
    );
    let run = shipshape(&ws, &["diff", "--base", "HEAD"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "web/production/kubernetes.yaml
  = throughout: app.kubernetes.io/version v1.0.0 -> v1.0.1 (--show-identity lists each)
  ~ Deployment shop/web
    ~ spec.template.spec.containers[web].image: ghcr.io/shop/web:v1.0.0 -> ghcr.io/shop/web:v1.0.1

Summary: 1 changed (Deployment: 1 changed); app.kubernetes.io/version changed throughout 1 file
"
    );
    let run = shipshape(&ws, &["diff", "--base", "HEAD", "--show-identity"]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stdout
            .matches("[\"app.kubernetes.io/version\"]: v1.0.0 -> v1.0.1")
            .count(),
        4,
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("throughout"), "{}", run.stdout);
    // The version alone still counts as a difference.
    let run = shipshape(
        &ws,
        &[
            "diff",
            "--base",
            "HEAD",
            "--ignore",
            "spec.template.spec.containers[*].image",
            "-f",
            "json",
        ],
    );
    assert_eq!(run.code, 1, "{}", run.stdout);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(json["summary"]["versions"], 1);
    assert_eq!(json["files"][0]["identity"][0]["part"], "version");
}

#[test]
fn a_config_checksum_change_names_the_config_map() {
    let (_repo, ws) = repository();
    write(
        &ws.join("environments/web/app.yaml"),
        &APP.replace("LOG_LEVEL: info", "LOG_LEVEL: debug"),
    );
    let run = shipshape(&ws, &["diff", "--base", "HEAD"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stdout.contains(
            "  ~ Deployment shop/web\n    ~ spec.template.metadata.annotations[\"checksum/config\"]: "
        ),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("\n        = config checksum: ConfigMap shop/web-config changed\n"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("  ~ ConfigMap shop/web-config\n    ~ data.LOG_LEVEL: info -> debug\n"),
        "{}",
        run.stdout
    );
    let run = shipshape(&ws, &["diff", "--base", "HEAD", "-f", "json"]);
    assert!(
        run.stdout
            .contains("\"note\": \"config checksum: ConfigMap shop/web-config changed\""),
        "{}",
        run.stdout
    );
}
