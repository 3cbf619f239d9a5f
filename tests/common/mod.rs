//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output};

/// Runs the shipshape binary with `args` in the current directory, as on a developer's
/// machine: `CI` is removed (under `CI=true`, `golden accept` refuses to write), so a test
/// reads the same whether or not the suite itself runs in CI.
pub fn shipshape(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_shipshape"))
        .args(args)
        .env_remove("CI")
        .output()
        .expect("the binary runs")
}

/// Copies a folder tree.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A temporary copy of this repository's workspace: environments, templates, golden, schemas
/// and shipshape.yaml.
pub fn repo_workspace_copy() -> tempfile::TempDir {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    for sub in ["environments", "templates", "golden", "schemas"] {
        if repo.join(sub).is_dir() {
            copy_dir(&repo.join(sub), &dir.path().join(sub));
        }
    }
    if repo.join("shipshape.yaml").is_file() {
        std::fs::copy(
            repo.join("shipshape.yaml"),
            dir.path().join("shipshape.yaml"),
        )
        .unwrap();
    }
    dir
}

/// A temporary workspace holding these files (`(path, text)`, folders created as needed).
pub fn workspace(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let p = dir.path().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    dir
}
