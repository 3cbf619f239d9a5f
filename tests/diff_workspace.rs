//! `shipshape diff` on the repo's own workspace: rendered vs golden, and environment vs
//! environment. Black box: the built binary, exact output where the workspace allows it.

mod common;

use common::copy_dir;
use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

struct Run {
    stdout: String,
    stderr: String,
    code: i32,
}

fn shipshape(dir: &Path, args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_shipshape"))
        .current_dir(dir)
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

/// A copy of the repo's workspace (environments, golden, templates, config) to change.
fn workspace_copy() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().to_path_buf();
    for name in ["environments", "golden", "templates", "schemas"] {
        if repo().join(name).is_dir() {
            copy_dir(&repo().join(name), &root.join(name));
        }
    }
    if repo().join("shipshape.yaml").is_file() {
        std::fs::copy(repo().join("shipshape.yaml"), root.join("shipshape.yaml")).unwrap();
    }
    (dir, root)
}

fn replace_once(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert_eq!(
        text.matches(from).count(),
        1,
        "{} should hold {from:?} once",
        path.display()
    );
    std::fs::write(path, text.replace(from, to)).unwrap();
}

#[test]
fn the_committed_golden_output_matches_a_fresh_render() {
    let run = shipshape(repo(), &["diff"]);
    assert_eq!(run.stdout, "Summary: no differences\n", "{}", run.stderr);
    assert_eq!(run.stderr, "");
    assert_eq!(run.code, 0);
}

#[test]
fn golden_drift_is_shown_per_field() {
    let (_dir, root) = workspace_copy();
    replace_once(
        &root.join("golden/materi-api/production/kubernetes.yaml"),
        "  minAvailable: 2\n",
        "  minAvailable: 1\n",
    );
    let run = shipshape(&root, &["diff", "materi-api/production"]);
    assert_eq!(
        run.stdout,
        "materi-api/production/kubernetes.yaml\n  ~ PodDisruptionBudget materi/api\n    ~ spec.minAvailable: 1 -> 2\n\nSummary: 1 changed (PodDisruptionBudget: 1 changed)\n"
    );
    assert_eq!(run.code, 1);

    let run = shipshape(&root, &["diff", "materi-api", "--format", "markdown"]);
    assert_eq!(
        run.stdout,
        "## shipshape diff

**Summary:** 1 changed

| kind | added | removed | changed | renamed |
| --- | ---: | ---: | ---: | ---: |
| `PodDisruptionBudget` | 0 | 0 | 1 | 0 |
| **total** | **0** | **0** | **1** | **0** |

### `materi-api/production/kubernetes.yaml`

<details>
<summary><b>changed</b> <code>PodDisruptionBudget materi/api</code> (1 field)</summary>

```diff
- spec.minAvailable: 1
+ spec.minAvailable: 2
```

</details>
"
    );
    assert_eq!(run.code, 1);

    let run = shipshape(&root, &["diff", "janua-api"]);
    assert_eq!(run.stdout, "Summary: no differences\n");
    assert_eq!(run.code, 0);

    let run = shipshape(&root, &["diff", "materi-api/production", "-f", "unified"]);
    assert!(
        run.stdout.starts_with(
            "--- golden/materi-api/production/kubernetes.yaml\tPodDisruptionBudget materi/api\n+++ rendered/materi-api/production/kubernetes.yaml\tPodDisruptionBudget materi/api\n@@ "
        ),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("\n-  minAvailable: 1\n+  minAvailable: 2\n")
    );
}

#[test]
fn a_missing_golden_file_lists_its_objects_as_added_and_a_stale_one_as_removed() {
    let (_dir, root) = workspace_copy();
    std::fs::remove_file(root.join("golden/janua-api/staging/values.yaml")).unwrap();
    std::fs::write(
        root.join("golden/janua-api/staging/extra.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: leftover\n  namespace: janua\n",
    )
    .unwrap();
    let run = shipshape(&root, &["diff", "janua-api/staging", "-f", "json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        json["summary"]["total"],
        serde_json::json!({"added": 1, "removed": 1, "changed": 0, "renamed": 0})
    );
    let files = json["files"].as_array().unwrap();
    assert_eq!(files.len(), 2);
    assert_eq!(files[0]["path"], "janua-api/staging/extra.yaml");
    assert_eq!(files[0]["old_path"], "golden/janua-api/staging/extra.yaml");
    assert_eq!(files[0]["new_path"], serde_json::Value::Null);
    assert_eq!(files[0]["objects"][0]["change"], "removed");
    assert_eq!(files[0]["objects"][0]["name"], "leftover");
    assert_eq!(files[1]["path"], "janua-api/staging/values.yaml");
    assert_eq!(files[1]["target"], "helm-values");
    assert_eq!(files[1]["old_path"], serde_json::Value::Null);
    assert_eq!(files[1]["objects"][0]["change"], "added");
    assert_eq!(files[1]["objects"][0]["kind"], "values");
}

/// `shipshape diff --env materi-api/staging --against materi-api/production` with `extra`.
fn materi_staging_vs_production(extra: &[&str]) -> Run {
    let mut args = vec![
        "diff",
        "--env",
        "materi-api/staging",
        "--against",
        "materi-api/production",
    ];
    args.extend(extra);
    shipshape(repo(), &args)
}

#[test]
fn staging_against_production_of_one_app() {
    let run = materi_staging_vs_production(&[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    // The environments' identity is named once per file, not on every object.
    assert!(
        run.stdout.starts_with(
            "materi-api/production -> materi-api/staging: kubernetes.yaml\n  = throughout: \
             namespace materi -> materi-staging; instance label api-production -> api-staging \
             (--show-identity lists each)\n"
        ),
        "{}",
        run.stdout
    );
    for line in [
        "  ~ Namespace materi-staging\n",
        "  ~ Deployment materi-staging/api\n",
        "    ~ spec.namespaceSelector.matchNames: [materi] -> [materi-staging]\n",
        "\nmateri-api/production -> materi-api/staging: values.yaml\n",
    ] {
        assert!(
            run.stdout.contains(line),
            "missing {line:?} in\n{}",
            run.stdout
        );
    }
    for noise in [
        "metadata.namespace:",
        ": api-production ->",
        "renamed from materi",
    ] {
        assert!(!run.stdout.contains(noise), "{noise:?} in\n{}", run.stdout);
    }
    assert!(!run.stdout.contains("Deployment materi-staging/api (added)"));
    assert!(!run.stdout.contains("Deployment materi/api (removed)"));
    assert!(run.stdout.ends_with(")\n") && run.stdout.contains("\nSummary: "));

    let json = materi_staging_vs_production(&["-f", "json"]);
    let json: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(
        json["files"][0]["identity"],
        serde_json::json!([
            {"part": "namespace", "old": "materi", "new": "materi-staging"},
            {"part": "instance", "old": "api-production", "new": "api-staging"},
        ])
    );
    let markdown = materi_staging_vs_production(&["-f", "markdown"]);
    assert!(
        markdown.stdout.contains(
            "\n_throughout: namespace `materi` → `materi-staging`; instance label \
             `api-production` → `api-staging` (--show-identity lists each)_\n"
        ),
        "{}",
        markdown.stdout
    );
}

/// `--show-identity` lists the namespace and instance changes on every object.
#[test]
fn staging_against_production_with_the_identity_shown() {
    let run = materi_staging_vs_production(&["--show-identity"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(!run.stdout.contains("throughout:"), "{}", run.stdout);
    // Objects are matched across the two namespaces; the namespaces pair as a rename.
    for line in [
        "  ~ Namespace materi-staging (renamed from materi)\n",
        "  ~ Deployment materi-staging/api\n",
        "    ~ metadata.namespace: materi -> materi-staging\n",
        "    ~ metadata.labels[\"app.kubernetes.io/instance\"]: api-production -> api-staging\n",
    ] {
        assert!(
            run.stdout.contains(line),
            "missing {line:?} in\n{}",
            run.stdout
        );
    }
    let usage = shipshape(repo(), &["diff", "--show-identity"]);
    assert_eq!(usage.code, 2, "{}", usage.stdout);
}

#[test]
fn staging_against_production_of_every_app() {
    let run = shipshape(
        repo(),
        &[
            "diff",
            "--env",
            "staging",
            "--against",
            "production",
            "-f",
            "json",
        ],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let mut apps: Vec<String> = json["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let path = f["path"].as_str().unwrap();
            assert!(path.contains("/production -> "), "{path}");
            path.split('/').next().unwrap().to_string()
        })
        .collect();
    apps.dedup();
    let mut expected: Vec<String> = std::fs::read_dir(repo().join("environments"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|app| {
            let dir = repo().join("environments").join(app);
            dir.join("staging.yaml").is_file() && dir.join("production.yaml").is_file()
        })
        .collect();
    expected.sort();
    assert_eq!(apps, expected);
}

#[test]
fn the_same_environment_has_no_drift() {
    let run = shipshape(
        repo(),
        &["diff", "--env", "janua-api/staging", "--against", "staging"],
    );
    assert_eq!(run.stdout, "Summary: no differences\n", "{}", run.stderr);
    assert_eq!(run.code, 0);
}

#[test]
fn unknown_environments_are_errors() {
    let run = shipshape(
        repo(),
        &["diff", "--env", "materi-api/qa", "--against", "production"],
    );
    assert!(
        run.stderr.starts_with(
            "error: `materi-api/qa` is not an environment of this workspace; environments: "
        ),
        "{}",
        run.stderr
    );
    assert_eq!(run.stdout, "");
    assert_eq!(run.code, 2);

    let run = shipshape(repo(), &["diff", "--env", "qa", "--against", "production"]);
    assert_eq!(
        run.stderr,
        "error: no app has an environment `qa`; environments: development, production, staging\n"
    );
    assert_eq!(run.code, 2);

    let run = shipshape(repo(), &["diff", "--env", "staging"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("--against"), "{}", run.stderr);

    let run = shipshape(repo(), &["diff", "no-such-app"]);
    assert!(
        run.stderr
            .starts_with("error: `no-such-app` matches no environment"),
        "{}",
        run.stderr
    );
    assert_eq!(run.code, 2);
}

#[test]
fn an_environment_that_fails_to_render_is_an_error_after_the_others() {
    let (_dir, root) = workspace_copy();
    std::fs::write(
        root.join("environments/materi-api/staging.yaml"),
        "replicas: [\n",
    )
    .unwrap();
    let run = shipshape(&root, &["diff", "materi-api"]);
    assert_eq!(run.stdout, "Summary: no differences\n");
    assert!(
        run.stderr
            .starts_with("error: materi-api/staging: cannot render: "),
        "{}",
        run.stderr
    );
    assert_eq!(run.code, 2);
}
