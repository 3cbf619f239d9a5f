//! `shipshape diff A B`, black box: fixtures in, exact output and exit codes out.

use std::path::Path;
use std::process::Command;

const D: &str = "tests/fixtures/diff";

struct Run {
    stdout: String,
    stderr: String,
    code: i32,
}

fn shipshape(args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_shipshape"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("NO_COLOR")
        .args(args)
        .output()
        .expect("runs shipshape");
    Run {
        stdout: String::from_utf8(out.stdout).expect("utf-8 stdout"),
        stderr: String::from_utf8(out.stderr).expect("utf-8 stderr"),
        code: out.status.code().expect("exit code"),
    }
}

fn diff(old: &str, new: &str, extra: &[&str]) -> Run {
    let old = format!("{D}/{old}");
    let new = format!("{D}/{new}");
    let mut args = vec!["diff", old.as_str(), new.as_str()];
    args.extend_from_slice(extra);
    shipshape(&args)
}

fn expected(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(D).join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn reordered_documents_keys_and_named_items_make_no_difference() {
    let run = diff("reorder/old.yaml", "reorder/new.yaml", &[]);
    assert_eq!(run.stdout, "Summary: no differences\n");
    assert_eq!(run.stderr, "");
    assert_eq!(run.code, 0);

    let run = diff("reorder/old.yaml", "reorder/new.yaml", &["-f", "markdown"]);
    assert_eq!(run.stdout, "## shipshape diff\n\nNo differences.\n");
    assert_eq!(run.code, 0);

    let run = diff("reorder/old.yaml", "reorder/new.yaml", &["-f", "unified"]);
    assert_eq!(run.stdout, "");
    assert_eq!(run.code, 0);
}

#[test]
fn a_file_compared_with_itself_has_no_difference() {
    let run = diff("change/old.yaml", "change/old.yaml", &["-f", "json"]);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(json["differences"], false);
    assert_eq!(json["files"], serde_json::json!([]));
    assert_eq!(run.code, 0);
}

#[test]
fn changes_print_as_field_paths_in_human_format() {
    let run = diff("change/old.yaml", "change/new.yaml", &[]);
    assert_eq!(run.stdout, expected("change/expected.txt"));
    assert_eq!(run.stderr, "");
    assert_eq!(run.code, 1);
    // The points a reviewer reads first, spelled out.
    for line in [
        "    ~ spec.template.spec.containers[web].image: shop/web:1.4.0 -> shop/web:1.5.0\n",
        "  ~ ConfigMap shop/web-config-7h9m4c2d6k (renamed from web-config-5f8k2m9t4b)\n",
        "  + PodDisruptionBudget shop/web (added)\n",
        "  - Service shop/legacy (removed)\n",
        "      -   listen 80;\n      +   listen 8080;\n",
        "Summary: 1 added, 1 removed, 1 changed, 1 renamed (ConfigMap: 1 renamed; Deployment: 1 changed; PodDisruptionBudget: 1 added; Service: 1 removed)\n",
    ] {
        assert!(
            run.stdout.contains(line),
            "missing {line:?} in\n{}",
            run.stdout
        );
    }
    // The proxy container moved before web: not an edit.
    assert!(!run.stdout.contains("containers[proxy]"));
}

#[test]
fn changes_print_as_markdown_for_a_pull_request() {
    let run = diff(
        "change/old.yaml",
        "change/new.yaml",
        &["--format", "markdown"],
    );
    assert_eq!(run.stdout, expected("change/expected.md"));
    assert_eq!(run.code, 1);
}

#[test]
fn changes_print_as_a_unified_patch() {
    let run = diff(
        "change/old.yaml",
        "change/new.yaml",
        &["--format", "unified"],
    );
    assert_eq!(run.stdout, expected("change/expected.patch"));
    assert_eq!(run.code, 1);
}

#[test]
fn changes_print_as_json_with_paths_pointers_and_values() {
    let run = diff("change/old.yaml", "change/new.yaml", &["--format", "json"]);
    assert_eq!(run.code, 1);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(json["differences"], true);
    assert_eq!(
        json["summary"]["total"],
        serde_json::json!({"added": 1, "removed": 1, "changed": 1, "renamed": 1})
    );
    let objects = &json["files"][0]["objects"];
    assert_eq!(objects[0]["change"], "renamed");
    assert_eq!(objects[0]["name"], "web-config-7h9m4c2d6k");
    assert_eq!(objects[0]["previous_name"], "web-config-5f8k2m9t4b");
    assert_eq!(objects[1]["kind"], "Deployment");
    assert_eq!(objects[1]["group"], "apps");
    assert_eq!(
        objects[1]["fields"][1],
        serde_json::json!({
            "path": "spec.template.spec.containers[web].image",
            "pointer": "/spec/template/spec/containers/1/image",
            "change": "modified",
            "old": "shop/web:1.4.0",
            "new": "shop/web:1.5.0",
            "masked": false
        })
    );
    assert_eq!(objects[2]["change"], "added");
    assert_eq!(objects[2]["object"]["kind"], "PodDisruptionBudget");
    assert_eq!(objects[3]["change"], "removed");
    assert_eq!(objects[3]["object"]["metadata"]["name"], "legacy");
}

#[test]
fn compose_services_are_matched_by_name() {
    let run = diff("compose/old.yaml", "compose/new.yaml", &[]);
    assert_eq!(run.stdout, expected("compose/expected.txt"));
    assert_eq!(run.code, 1);
}

#[test]
fn folders_match_objects_across_files_and_other_files_by_path() {
    let run = diff("folders/old", "folders/new", &[]);
    assert_eq!(run.stdout, expected("folders/expected.txt"));
    assert_eq!(run.stderr, "");
    assert_eq!(run.code, 1);
}

/// Every secret value of the `secrets` fixtures.
const SECRETS: &[&str] = &[
    "aHVudGVyMi1vbGQ=",
    "aHVudGVyMi1uZXc=",
    "YXBw",
    "s3cr3t-jwt",
    "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7",
    "hunter2",
    "pa55word",
    "removed-token-value",
    "added-env-secret",
    "added-secret-value",
    "cm-key-value",
    "compose-pw",
    "compose-url",
    "redis-pw",
    "helm-pw",
    "helm-redis",
    "props-pw",
    "arg-token",
];

const SECRET_PAIRS: [(&str, &str); 3] = [
    ("secrets/old.yaml", "secrets/new.yaml"),
    ("secrets/compose-old.yaml", "secrets/compose-new.yaml"),
    ("secrets/values-old.yaml", "secrets/values-new.yaml"),
];

#[test]
fn secrets_are_masked_in_every_format() {
    for (old, new) in SECRET_PAIRS {
        for format in ["human", "unified", "markdown", "json"] {
            for color in ["never", "always"] {
                let run = diff(old, new, &["--format", format, "--color", color]);
                assert_eq!(run.code, 1, "{old} {format}: {}", run.stderr);
                for secret in SECRETS {
                    assert!(
                        !run.stdout.contains(secret) && !run.stderr.contains(secret),
                        "{secret} printed by {format} for {old}:\n{}",
                        run.stdout
                    );
                }
                assert!(run.stdout.contains("<secret: "), "no marker in {format}");
            }
        }
    }
}

#[test]
fn masked_secrets_say_changed_and_length() {
    let run = diff("secrets/old.yaml", "secrets/new.yaml", &[]);
    assert_eq!(run.stdout, expected("secrets/expected.txt"));
    let run = diff("secrets/old.yaml", "secrets/new.yaml", &["-f", "markdown"]);
    assert_eq!(run.stdout, expected("secrets/expected.md"));
    let run = diff("secrets/values-old.yaml", "secrets/values-new.yaml", &[]);
    assert_eq!(
        run.stdout,
        format!(
            "{D}/secrets/values-old.yaml -> {D}/secrets/values-new.yaml\n  ~ values\n    ~ replicaCount: 2 -> 3\n    ~ postgresql.auth.postgresPassword: <secret: 11 chars> -> <secret: 11 chars, changed>\n    ~ redis.auth.password: <secret: 14 chars> -> <secret: 14 chars, changed>\n\nSummary: 1 changed (values: 1 changed)\n"
        )
    );
    let run = diff("secrets/old.yaml", "secrets/new.yaml", &["-f", "json"]);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let secret = &json["files"][0]["objects"][3];
    assert_eq!(secret["name"], "db");
    assert_eq!(
        secret["fields"][0],
        serde_json::json!({
            "path": "data.password",
            "pointer": "/data/password",
            "change": "modified",
            "old": "<secret: 16 chars>",
            "new": "<secret: 16 chars, changed>",
            "masked": true
        })
    );
}

#[test]
fn secrets_are_masked_in_files_written() {
    let dir = tempfile::tempdir().unwrap();
    let md = dir.path().join("diff.md");
    let json = dir.path().join("diff.json");
    let spec_md = format!("markdown={}", md.display());
    let spec_json = format!("json={}", json.display());
    let run = diff(
        "secrets/old.yaml",
        "secrets/new.yaml",
        &["-f", &spec_md, "-f", &spec_json],
    );
    assert_eq!(run.stdout, "");
    assert_eq!(run.code, 1);
    let md = std::fs::read_to_string(md).unwrap();
    assert_eq!(md, expected("secrets/expected.md"));
    let json = std::fs::read_to_string(json).unwrap();
    assert!(json.contains("<secret: 16 chars, changed>"));
    for secret in SECRETS {
        assert!(!json.contains(secret), "{secret} written to diff.json");
    }
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["diff.json", "diff.md"], "no temporary file left");
}

#[test]
fn show_secrets_reveals_them() {
    let run = diff("secrets/old.yaml", "secrets/new.yaml", &["--show-secrets"]);
    assert_eq!(run.code, 1);
    assert!(run.stdout.contains(
        "    ~ spec.template.spec.containers[web].env[DB_PASSWORD].value: hunter2-old -> hunter2-new\n"
    ));
    assert!(
        run.stdout
            .contains("    ~ stringData.JWT_SECRET: s3cr3t-jwt-old -> s3cr3t-jwt-new\n")
    );
    assert!(!run.stdout.contains("<secret: "));
}

#[test]
fn human_format_is_plain_when_piped_and_coloured_on_request() {
    let plain = diff("change/old.yaml", "change/new.yaml", &[]);
    assert!(!plain.stdout.contains('\x1b'));
    let never = diff("change/old.yaml", "change/new.yaml", &["--color", "never"]);
    assert_eq!(never.stdout, plain.stdout);
    let always = diff("change/old.yaml", "change/new.yaml", &["--color", "always"]);
    assert!(
        always
            .stdout
            .contains("\x1b[33m    ~ spec.replicas: 2 -> 3\x1b[0m\n")
    );
    assert!(
        always
            .stdout
            .contains("\x1b[32m  + PodDisruptionBudget shop/web (added)\x1b[0m\n")
    );
    let stripped = always
        .stdout
        .replace("\x1b[0m", "")
        .replace("\x1b[1m", "")
        .replace("\x1b[31m", "")
        .replace("\x1b[32m", "")
        .replace("\x1b[33m", "")
        .replace("\x1b[36m", "");
    assert_eq!(stripped, plain.stdout);
}

#[test]
fn no_color_keeps_auto_plain() {
    let out = Command::new(env!("CARGO_BIN_EXE_shipshape"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .args([
            "diff",
            &format!("{D}/change/old.yaml"),
            &format!("{D}/change/new.yaml"),
        ])
        .output()
        .unwrap();
    assert!(!String::from_utf8(out.stdout).unwrap().contains('\x1b'));
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn input_errors_exit_2_with_a_location() {
    let cases = [
        (
            "errors/duplicate.yaml",
            format!(
                "error: {D}/errors/duplicate.yaml:6:1: ConfigMap web appears twice (first at {D}/errors/duplicate.yaml:1:1); each object must be defined once, remove or rename one of them\n"
            ),
        ),
        (
            "errors/no-kind.yaml",
            format!(
                "error: {D}/errors/no-kind.yaml:6:1: document has no `kind`; expected a Kubernetes object with `apiVersion` and `kind`\n"
            ),
        ),
        (
            "compose/old.yaml",
            format!(
                "error: {D}/compose/old.yaml: is a Compose file but {D}/reorder/old.yaml is a Kubernetes manifest; compare files of the same kind\n"
            ),
        ),
        (
            "reorder",
            format!(
                "error: {D}/reorder/old.yaml: is a file but {D}/reorder is a folder; compare two files or two folders\n"
            ),
        ),
    ];
    for (new, stderr) in cases {
        let run = diff("reorder/old.yaml", new, &[]);
        assert_eq!(run.stderr, stderr);
        assert_eq!(run.stdout, "");
        assert_eq!(run.code, 2);
    }
    let run = diff("reorder/old.yaml", "errors/syntax.yaml", &[]);
    assert!(
        run.stderr
            .starts_with(&format!("error: {D}/errors/syntax.yaml:5:7: ")),
        "{}",
        run.stderr
    );
    assert_eq!(run.code, 2);
    let run = diff("reorder/old.yaml", "missing.yaml", &[]);
    assert!(
        run.stderr
            .starts_with(&format!("error: {D}/missing.yaml: cannot read: "))
    );
    assert_eq!(run.code, 2);
}

#[test]
fn usage_errors_exit_2() {
    let run = shipshape(&["diff", "only-one.yaml"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "error: give two paths to compare, the old and the new file or folder (got 1)\n"
    );
    let run = diff("change/old.yaml", "change/new.yaml", &["--format", "xml"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("unknown format `xml`; expected one of: human, unified, markdown, json"),
        "{}",
        run.stderr
    );
}

#[test]
fn init_container_order_is_reported_and_other_order_is_not() {
    let dir = tempfile::tempdir().unwrap();
    let old = dir.path().join("old.yaml");
    let new = dir.path().join("new.yaml");
    std::fs::write(
        &old,
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  initContainers:\n  - name: migrate\n  - name: warm\n  containers:\n  - name: a\n  - name: b\n",
    )
    .unwrap();
    std::fs::write(
        &new,
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  initContainers:\n  - name: warm\n  - name: migrate\n  containers:\n  - name: b\n  - name: a\n",
    )
    .unwrap();
    let run = shipshape(&["diff", old.to_str().unwrap(), new.to_str().unwrap()]);
    assert_eq!(
        run.stdout,
        format!(
            "{} -> {}\n  ~ Pod p\n    ~ spec.initContainers: order changed: [migrate, warm] -> [warm, migrate]\n\nSummary: 1 changed (Pod: 1 changed)\n",
            old.display(),
            new.display()
        )
    );
    assert_eq!(run.code, 1);
}

#[test]
fn nearly_equal_objects_under_another_name_are_a_rename() {
    let dir = tempfile::tempdir().unwrap();
    let old = dir.path().join("old.yaml");
    let new = dir.path().join("new.yaml");
    let deployment = |name: &str, image: &str| {
        format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\n  namespace: shop\nspec:\n  replicas: 3\n  selector:\n    matchLabels:\n      app: shop\n  template:\n    metadata:\n      labels:\n        app: shop\n    spec:\n      containers:\n      - name: app\n        image: {image}\n        ports:\n        - containerPort: 8080\n        resources:\n          requests:\n            cpu: 100m\n            memory: 128Mi\n"
        )
    };
    std::fs::write(&old, deployment("web", "shop/web:1.4.0")).unwrap();
    std::fs::write(&new, deployment("storefront", "shop/web:1.5.0")).unwrap();
    let run = shipshape(&["diff", old.to_str().unwrap(), new.to_str().unwrap()]);
    assert_eq!(
        run.stdout,
        format!(
            "{} -> {}\n  ~ Deployment shop/storefront (renamed from web)\n    ~ spec.template.spec.containers[app].image: shop/web:1.4.0 -> shop/web:1.5.0\n\nSummary: 1 renamed (Deployment: 1 renamed)\n",
            old.display(),
            new.display()
        )
    );
    assert_eq!(run.code, 1);
}

#[test]
fn ignore_namespace_matches_objects_across_namespaces() {
    let dir = tempfile::tempdir().unwrap();
    let new = dir.path().join("new.yaml");
    let text = std::fs::read_to_string(format!(
        "{}/{D}/reorder/old.yaml",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
    .replace("namespace: shop", "namespace: shop-staging");
    std::fs::write(&new, text).unwrap();
    let old = format!("{D}/reorder/old.yaml");
    let run = shipshape(&["diff", &old, new.to_str().unwrap(), "--ignore-namespace"]);
    assert_eq!(
        run.stdout,
        format!(
            "{old} -> {}\n  ~ Deployment shop-staging/web\n    ~ metadata.namespace: shop -> shop-staging\n  ~ Service shop-staging/web\n    ~ metadata.namespace: shop -> shop-staging\n\nSummary: 2 changed (Deployment: 1 changed; Service: 1 changed)\n",
            new.display()
        )
    );
    assert_eq!(run.code, 1);
    let run = shipshape(&["diff", &old, new.to_str().unwrap(), "-f", "json"]);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        json["summary"]["total"],
        serde_json::json!({"added": 2, "removed": 2, "changed": 0, "renamed": 0})
    );
}

#[test]
fn the_new_side_can_come_from_standard_input() {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_shipshape"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["diff", &format!("{D}/change/old.yaml"), "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(expected("change/new.yaml").as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let from_file = expected("change/expected.txt");
    let from_stdin = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        from_stdin,
        from_file.replacen(
            &format!("{D}/change/old.yaml -> {D}/change/new.yaml"),
            &format!("{D}/change/old.yaml -> -"),
            1
        )
    );
    assert_eq!(out.status.code(), Some(1));

    let run = shipshape(&["diff", "-", "-"]);
    assert_eq!(
        run.stderr,
        "error: -: standard input can be one side only; name a file for the other\n"
    );
    assert_eq!(run.code, 2);
}

#[test]
fn markdown_stays_within_a_pull_request_comment() {
    let dir = tempfile::tempdir().unwrap();
    let config = |i: usize, v: &str| {
        let data: String = (0..20)
            .map(|j| format!("  key{j}: value-{v}-{j}\n"))
            .collect();
        format!(
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c{i:04}\n  namespace: shop\ndata:\n{data}"
        )
    };
    let stream = |v: &str| {
        (0..200)
            .map(|i| config(i, v))
            .collect::<Vec<_>>()
            .join("---\n")
    };
    let old = dir.path().join("old.yaml");
    let new = dir.path().join("new.yaml");
    std::fs::write(&old, stream("a")).unwrap();
    std::fs::write(&new, stream("b")).unwrap();
    let run = shipshape(&[
        "diff",
        old.to_str().unwrap(),
        new.to_str().unwrap(),
        "-f",
        "markdown",
    ]);
    assert_eq!(run.code, 1);
    assert!(run.stdout.len() <= 65_536, "{} chars", run.stdout.len());
    assert!(run.stdout.contains("| `ConfigMap` | 0 | 0 | 200 | 0 |\n"));
    let shown = run.stdout.matches("<details>").count();
    assert!(shown > 0 && shown < 200);
    assert!(
        run.stdout.ends_with(&format!(
            "</details>\n\n_{} more objects are not shown: a pull request comment holds 65,536 characters. `shipshape diff` prints every change, and `--format json` lists them for tools._\n",
            200 - shown
        )),
        "{}",
        &run.stdout[run.stdout.len() - 300..]
    );
}
