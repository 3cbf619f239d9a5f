//! `shipshape check` and `shipshape golden accept` as a user meets them, on a copy of this
//! repository's own workspace.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn workspace() -> tempfile::TempDir {
    common::repo_workspace_copy()
}

fn shipshape(ws: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_shipshape"))
        .args(args)
        .arg("--workspace")
        .arg(ws)
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

fn edit(path: PathBuf, from: &str, to: &str) {
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{} has no `{from}`", path.display());
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn the_repository_workspace_is_clean() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = shipshape(repo, &["check"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "stdout:\n{}\nstderr:\n{}",
        stdout(&out),
        stderr(&out)
    );
    assert!(stdout(&out).contains("0 drifted files"), "{}", stdout(&out));
}

#[test]
fn an_image_change_is_drift_until_accepted() {
    let ws = workspace();
    let spec = ws.path().join("environments/materi-api/app.yaml");
    edit(spec, "tag: v1.0.0", "tag: v1.1.0");

    let out = shipshape(ws.path(), &["check", "materi-api/production"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    let text = stdout(&out);
    assert!(
        text.contains("golden/materi-api/production/kubernetes.yaml"),
        "{text}"
    );
    assert!(
        text.contains("drift: golden/materi-api/production/kubernetes.yaml: golden file differs"),
        "{text}"
    );
    assert!(
        text.contains(
            "    ~ spec.template.spec.containers[api].image: ghcr.io/materi/api:v1.0.0 -> ghcr.io/materi/api:v1.1.0"
        ),
        "{text}"
    );

    let refused = Command::new(env!("CARGO_BIN_EXE_shipshape"))
        .args(["golden", "accept", "--workspace"])
        .arg(ws.path())
        .env("CI", "true")
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        stderr(&refused).contains("refusing to write golden files under CI=true"),
        "{}",
        stderr(&refused)
    );

    let accepted = shipshape(ws.path(), &["golden", "accept", "materi-api/production"]);
    assert_eq!(accepted.status.code(), Some(0), "{}", stderr(&accepted));
    assert!(stdout(&accepted).contains("wrote golden/materi-api/production/kubernetes.yaml"));

    let out = shipshape(ws.path(), &["check", "materi-api/production"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    let out = shipshape(ws.path(), &["check", "materi-api/staging"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "staging was not accepted, so it still drifts"
    );
}

#[test]
fn a_misspelled_key_is_an_input_error_with_its_location() {
    let ws = workspace();
    let spec = ws.path().join("environments/materi-api/production.yaml");
    edit(spec, "\nreplicas: 3", "\nreplicass: 3");
    let before = std::fs::read(
        ws.path()
            .join("golden/materi-api/production/kubernetes.yaml"),
    )
    .unwrap();

    let out = shipshape(ws.path(), &["check"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    let text =
        std::fs::read_to_string(ws.path().join("environments/materi-api/production.yaml")).unwrap();
    let line = text
        .lines()
        .position(|l| l.starts_with("replicass:"))
        .unwrap()
        + 1;
    assert!(
        err.contains(&format!(
            "environments/materi-api/production.yaml:{line}:1: unknown key `replicass` in the spec\n  help: did you mean `replicas`?"
        )),
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");

    let out = shipshape(ws.path(), &["golden", "accept"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("nothing written"));
    let after = std::fs::read(
        ws.path()
            .join("golden/materi-api/production/kubernetes.yaml"),
    )
    .unwrap();
    assert_eq!(before, after, "golden must not change when accept fails");
}

#[test]
fn missing_and_stale_golden_files_are_drift() {
    let ws = workspace();
    let golden = ws.path().join("golden/materi-api/staging");
    std::fs::remove_file(golden.join("kubernetes.yaml")).unwrap();
    std::fs::write(golden.join("compose.yaml"), "services: {}\n").unwrap();

    let out = shipshape(ws.path(), &["check", "materi-api/staging"]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(
        text.contains("golden/materi-api/staging/kubernetes.yaml: golden file missing"),
        "{text}"
    );
    assert!(
        text.contains("golden/materi-api/staging/compose.yaml: no longer rendered"),
        "{text}"
    );

    let out = shipshape(ws.path(), &["golden", "accept", "materi-api/staging"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).contains("removed golden/materi-api/staging/compose.yaml"));
    assert!(!golden.join("compose.yaml").exists());
    assert!(golden.join("kubernetes.yaml").exists());
}

#[test]
fn an_unknown_selection_suggests_the_right_name() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = shipshape(repo, &["check", "materi-apii"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "error: `materi-apii` matches no environment; did you mean `materi-api`?\n"
    );
}

#[test]
fn json_output_is_one_document_even_with_drift() {
    let ws = workspace();
    edit(
        ws.path().join("environments/materi-api/app.yaml"),
        "tag: v1.0.0",
        "tag: v1.1.0",
    );
    let out = shipshape(
        ws.path(),
        &["check", "materi-api/production", "--format", "json"],
    );
    assert_eq!(out.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("stdout is not one JSON document ({e}):\n{}", stdout(&out)));
    assert_eq!(report["command"], "check");
    let drift: Vec<&serde_json::Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "golden-drift")
        .collect();
    assert_eq!(
        drift.len(),
        2,
        "kubernetes.yaml and values.yaml drift: {report}"
    );
}

#[test]
fn an_invalid_exemption_in_a_spec_is_an_input_error() {
    let ws = workspace();
    let spec = ws.path().join("environments/materi-api/production.yaml");
    let mut text = std::fs::read_to_string(&spec).unwrap();
    text.push_str("allow:\n  - rule: min-replica\n    reason: one pod is enough here\n");
    std::fs::write(&spec, text).unwrap();
    let out = shipshape(ws.path(), &["check", "materi-api/production"]);
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    let err = stderr(&out);
    assert!(
        err.contains("unknown rule `min-replica` (did you mean `min-replicas`?)"),
        "{err}"
    );
    assert!(
        err.contains("environments/materi-api/production.yaml:"),
        "{err}"
    );
}

#[test]
fn sarif_output_documents_every_code_it_reports() {
    let ws = workspace();
    edit(
        ws.path().join("environments/materi-api/app.yaml"),
        "tag: v1.0.0",
        "tag: v1.1.0",
    );
    let sarif_path = ws.path().join("check.sarif");
    let out = shipshape(
        ws.path(),
        &[
            "check",
            "materi-api",
            "--format",
            &format!("sarif={}", sarif_path.display()),
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let sarif: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&sarif_path).unwrap()).unwrap();
    let run = &sarif["runs"][0];
    let rules: Vec<&str> = run["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    for result in run["results"].as_array().unwrap() {
        let id = result["ruleId"].as_str().unwrap();
        assert!(rules.contains(&id), "result {id} has no rule in {rules:?}");
    }
    let drift = run["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "golden-drift")
        .unwrap_or_else(|| panic!("no golden-drift rule in {rules:?}"));
    assert_eq!(
        drift["shortDescription"]["text"],
        "The rendered file differs from its committed golden copy."
    );
}
