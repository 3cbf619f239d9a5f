//! The CI integrations in the repository work as their tools run them: the pre-commit hooks
//! through `pre-commit try-repo` (pre-commit from PyPI; `.ci/run` installs it), which builds
//! shipshape with `cargo install` as a user's pre-commit does, and the GitHub Action's
//! `action.yml` has the shape a composite action needs.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `pre-commit try-repo <this repository> HOOK ARGS` in `dir`. The hook environment and its
/// build are cached under target/ci so that later runs reuse them.
fn try_repo(dir: &Path, hook: &str, args: &[&str]) -> Output {
    let cache: PathBuf = repo().join("target/ci");
    let out = Command::new("pre-commit")
        .args(["try-repo"])
        .arg(repo())
        .arg(hook)
        .args(args)
        .current_dir(dir)
        .env("PRE_COMMIT_HOME", cache.join("pre-commit-home"))
        .env("CARGO_TARGET_DIR", cache.join("pre-commit-target"))
        // A quicker build than the release profile's (the hook's behaviour is the same).
        .env("CARGO_PROFILE_RELEASE_LTO", "false")
        .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "16")
        .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "0")
        .env_remove("SHIPSHAPE_BLESS")
        .output();
    match out {
        Ok(out) => out,
        Err(e) => panic!(
            "pre-commit cannot run ({e}); install it with `python3 -m pip install pre-commit` \
             (`.ci/run` does this)"
        ),
    }
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn pre_commit_hooks_run_through_try_repo() {
    let ws = common::repo_workspace_copy();
    let dir = ws.path();
    std::fs::create_dir_all(dir.join("k8s")).unwrap();
    std::fs::copy(
        repo().join("tests/fixtures/policy/cli/clean.yaml"),
        dir.join("k8s/clean.yaml"),
    )
    .unwrap();
    std::fs::copy(
        repo().join("tests/fixtures/policy/cli/web.yaml"),
        dir.join("k8s/web.yaml"),
    )
    .unwrap();
    git(dir, &["init", "-q"]);
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "-m", "workspace"]);

    // The workspace is clean: check passes.
    let out = try_repo(dir, "shipshape-check", &["--all-files"]);
    let all = text(&out);
    assert!(out.status.success(), "{all}");
    assert!(
        all.contains("shipshape check") && all.contains("Passed"),
        "{all}"
    );

    // A clean manifest passes lint and validate; a manifest with findings fails lint, with
    // the finding in the output.
    for hook in ["shipshape-lint", "shipshape-validate"] {
        let out = try_repo(dir, hook, &["--files", "k8s/clean.yaml"]);
        assert!(out.status.success(), "{hook}: {}", text(&out));
    }
    let out = try_repo(dir, "shipshape-lint", &["--files", "k8s/web.yaml"]);
    let all = text(&out);
    assert!(!out.status.success(), "{all}");
    assert!(
        all.contains("Failed") && all.contains("k8s/web.yaml:"),
        "{all}"
    );

    // A drifted golden file fails check.
    let golden = dir.join("golden/materi-api/production/kubernetes.yaml");
    let drifted = std::fs::read_to_string(&golden).unwrap().replacen(
        "image: ghcr.io/materi/api:v1.0.0",
        "image: ghcr.io/materi/api:v0.9.0",
        1,
    );
    assert_ne!(drifted, std::fs::read_to_string(&golden).unwrap());
    std::fs::write(&golden, drifted).unwrap();
    git(dir, &["commit", "-q", "-a", "-m", "drift"]);
    let out = try_repo(dir, "shipshape-check", &["--all-files"]);
    assert!(!out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("drift"), "{}", text(&out));
}

#[test]
fn action_yml_is_a_composite_action_with_a_shell_on_every_run_step() {
    let text = std::fs::read_to_string(repo().join("action.yml")).unwrap();
    let action: serde_json::Value = serde_yaml::from_str(&text).unwrap();
    for key in ["name", "description", "runs"] {
        assert!(action.get(key).is_some(), "action.yml lacks `{key}`");
    }
    assert_eq!(action["runs"]["using"], "composite");
    let inputs = action["inputs"].as_object().unwrap();
    let steps = action["runs"]["steps"].as_array().unwrap();
    assert!(!steps.is_empty());
    for step in steps {
        assert!(
            step.get("run").is_none() || step.get("shell").is_some(),
            "a composite action's run step needs `shell`: {step}"
        );
        assert!(
            step.get("run").is_some() || step.get("uses").is_some(),
            "{step}"
        );
    }
    // Every `inputs.X` the steps use is declared.
    let mut rest = text.as_str();
    while let Some(i) = rest.find("inputs.") {
        rest = &rest[i + "inputs.".len()..];
        let name: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
            .collect();
        assert!(inputs.contains_key(&name), "undeclared input `{name}`");
    }
    // The step runs `shipshape check` with the formats the other steps read.
    assert!(text.contains("shipshape check"));
    assert!(text.contains("--format github") && text.contains("sarif="));
}
