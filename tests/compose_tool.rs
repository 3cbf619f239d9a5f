//! Every Compose file in `golden/` (and in the multi-app fixture `tests/fixtures/compose-apps`)
//! passes the real tool, `docker-compose -f FILE config -q` (Debian's docker-compose 1.29;
//! `.ci/run` installs it), together with the other apps' files its header says it is used
//! with, and the current Compose specification's JSON Schema (a copy of
//! compose-spec/compose-spec `schema/compose-spec.json` in `tests/fixtures/render/`).

use std::path::{Path, PathBuf};
use std::process::Command;

fn golden_compose_files() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(dir).expect("golden/ is readable") {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.file_name().is_some_and(|n| n == "compose.yaml") {
                out.push(p);
            }
        }
    }
    let mut out = Vec::new();
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    walk(&repo.join("golden"), &mut out);
    walk(&repo.join("tests/fixtures/compose-apps/golden"), &mut out);
    out.sort();
    assert!(!out.is_empty(), "golden/ holds no compose.yaml");
    out
}

/// The file and the other apps' files its header says it is used with
/// (`#   docker-compose -f compose.yaml -f ../../billing/production/compose.yaml up`).
fn used_with(file: &Path) -> Vec<PathBuf> {
    let text = std::fs::read_to_string(file).unwrap();
    let mut out = vec![file.to_path_buf()];
    let command = text
        .lines()
        .take_while(|l| l.starts_with('#'))
        .find_map(|l| l.strip_prefix("#   docker-compose -f compose.yaml"));
    let mut words = command.unwrap_or_default().split_whitespace();
    while let Some(w) = words.next() {
        if w == "-f" {
            let other = file.parent().unwrap().join(words.next().unwrap());
            assert!(
                other.is_file(),
                "{}: names {}, which does not exist",
                file.display(),
                other.display()
            );
            out.push(other);
        }
    }
    out
}

#[test]
fn docker_compose_accepts_every_golden_compose_file() {
    let version = Command::new("docker-compose").arg("version").output();
    match version {
        Ok(o) if o.status.success() => {}
        _ => panic!(
            "docker-compose is not installed; install it with \
             `apt-get install -y --no-install-recommends docker-compose` (`.ci/run` does this)"
        ),
    }
    let mut failures = Vec::new();
    for file in golden_compose_files() {
        // Run from the file's folder with a clean environment, as a user would on a fresh
        // checkout: no .env file, no variables set.
        let mut cmd = Command::new("docker-compose");
        for f in used_with(&file) {
            cmd.arg("-f").arg(f);
        }
        let o = cmd
            .args(["config", "-q"])
            .current_dir(file.parent().unwrap())
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .output()
            .expect("docker-compose runs");
        if !o.status.success() {
            failures.push(format!(
                "{}:\n{}",
                file.display(),
                String::from_utf8_lossy(&o.stderr)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_golden_compose_file_is_valid_against_the_compose_spec() {
    let schema_text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/render/compose-spec.json"
    ))
    .unwrap();
    let schema: serde_json::Value = serde_json::from_str(&schema_text).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("the Compose spec schema compiles");
    let mut failures = Vec::new();
    for file in golden_compose_files() {
        let text = std::fs::read_to_string(&file).unwrap();
        let doc: serde_json::Value = serde_yaml::from_str(&text).unwrap();
        for e in validator.iter_errors(&doc) {
            failures.push(format!(
                "{}: {} at {}",
                file.display(),
                e,
                e.instance_path()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_schema_check_rejects_what_the_compose_spec_forbids() {
    // The check above can fail: a service with an unknown key is invalid.
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/render/compose-spec.json"
        ))
        .unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let doc = serde_json::json!({"services": {"api": {"image": "x:1", "replicas": 3}}});
    assert!(!validator.is_valid(&doc));
}
