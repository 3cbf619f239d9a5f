//! Every rendered Kubernetes file in `golden/` is accepted by the real tool, `kubectl
//! kustomize` (kubectl is on the machines that run the tests; `.ci/run` installs it when it is
//! missing): each file alone, and the files of all apps of one environment together (so a
//! shared namespace or a clashing object name would fail as `kubectl` fails it).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// `golden/<app>/<env>/kubernetes.yaml`, by environment.
fn golden_kubernetes_files() -> BTreeMap<String, Vec<PathBuf>> {
    let golden = Path::new(env!("CARGO_MANIFEST_DIR")).join("golden");
    let mut out: BTreeMap<String, Vec<PathBuf>> = BTreeMap::new();
    for app in std::fs::read_dir(&golden).expect("golden/ is readable") {
        let app = app.unwrap().path();
        for env in std::fs::read_dir(&app).unwrap() {
            let env = env.unwrap().path();
            let file = env.join("kubernetes.yaml");
            if file.is_file() {
                let name = env.file_name().unwrap().to_string_lossy().into_owned();
                out.entry(name).or_default().push(file);
            }
        }
    }
    for files in out.values_mut() {
        files.sort();
    }
    assert!(!out.is_empty(), "golden/ holds no kubernetes.yaml");
    out
}

/// Runs `kubectl kustomize` on a folder holding the files; its error when it fails.
fn kustomize(files: &[PathBuf]) -> Result<(), String> {
    let dir = tempfile::tempdir().unwrap();
    let mut resources = Vec::new();
    for (i, f) in files.iter().enumerate() {
        let name = format!("{i}.yaml");
        std::fs::copy(f, dir.path().join(&name)).unwrap();
        resources.push(name);
    }
    std::fs::write(
        dir.path().join("kustomization.yaml"),
        format!("resources: [{}]\n", resources.join(", ")),
    )
    .unwrap();
    let o = Command::new("kubectl")
        .arg("kustomize")
        .arg(dir.path())
        .output()
        .expect("kubectl is installed (`.ci/run` installs it)");
    if o.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&o.stderr).into_owned())
    }
}

#[test]
fn kubectl_kustomize_accepts_every_golden_file_and_every_environment() {
    let mut failures = Vec::new();
    for (env, files) in golden_kubernetes_files() {
        for f in &files {
            if let Err(e) = kustomize(std::slice::from_ref(f)) {
                failures.push(format!("{}: {e}", f.display()));
            }
        }
        if let Err(e) = kustomize(&files) {
            failures.push(format!("all apps of {env} together: {e}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The check can fail: two copies of one file are duplicate objects for kubectl.
#[test]
fn kubectl_kustomize_refuses_duplicate_objects() {
    let files = golden_kubernetes_files();
    let first = files.values().next().unwrap()[0].clone();
    let e = kustomize(&[first.clone(), first]).unwrap_err();
    assert!(
        e.contains("already registered") || e.contains("duplicate"),
        "{e}"
    );
}
