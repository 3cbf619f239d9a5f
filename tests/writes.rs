//! The workspace is a boundary and writes are all or nothing: `render --out` and
//! `golden accept` as a user meets them when a write fails, a link leads outside, two runs
//! overlap, a run was killed, or an environment was deleted.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

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

/// Every file under `dir` with its content, sorted.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(d) = pending.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else {
                out.push((path.clone(), std::fs::read(&path).unwrap()));
            }
        }
    }
    out.sort();
    out
}

/// The temporary files under `dir`.
fn temporaries(dir: &Path) -> Vec<PathBuf> {
    snapshot(dir)
        .into_iter()
        .map(|(p, _)| p)
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with(".shipshape-")
        })
        .collect()
}

/// A workspace copy rendered once into `out/`, then changed so that the next render of
/// materi-api differs in every environment.
fn rendered_then_changed() -> (tempfile::TempDir, PathBuf) {
    let ws = common::repo_workspace_copy();
    let out_dir = ws.path().join("out");
    let out = shipshape(
        ws.path(),
        &["render", "materi-api", "--out", out_dir.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    edit(
        ws.path().join("environments/materi-api/app.yaml"),
        "tag: v1.0.0",
        "tag: v1.1.0",
    );
    (ws, out_dir)
}

#[test]
fn a_file_where_a_folder_should_be_leaves_the_old_output() {
    let (ws, out_dir) = rendered_then_changed();
    let staging = out_dir.join("materi-api/staging");
    std::fs::remove_dir_all(&staging).unwrap();
    std::fs::write(&staging, "in the way").unwrap();
    let before = snapshot(&out_dir);

    let out = shipshape(
        ws.path(),
        &["render", "materi-api", "--out", out_dir.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        format!(
            "error: {}: is a file where a folder should be; move it away; nothing was written, \
             the old files are unchanged\n",
            staging.display()
        )
    );
    assert_eq!(snapshot(&out_dir), before, "the old set, not a mix");
}

#[test]
fn a_write_that_fails_part_way_leaves_the_old_output() {
    let (ws, out_dir) = rendered_then_changed();
    let production = out_dir.join("materi-api/production");
    // Root writes into read-only folders, so as root another write failure stands in.
    // SAFETY: geteuid has no preconditions.
    let failing = if unsafe { libc::geteuid() } == 0 {
        eprintln!("running as root: a folder where a file should be stands in for a read-only one");
        let path = production.join("kubernetes.yaml");
        std::fs::remove_file(&path).unwrap();
        std::fs::create_dir(&path).unwrap();
        path
    } else {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&production, std::fs::Permissions::from_mode(0o555)).unwrap();
        production.join("kubernetes.yaml")
    };
    let before = snapshot(&out_dir);

    let out = shipshape(
        ws.path(),
        &["render", "materi-api", "--out", out_dir.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).starts_with(&format!("error: {}: ", failing.display()))
            && stderr(&out).contains("nothing was written, the old files are unchanged"),
        "{}",
        stderr(&out)
    );
    assert_eq!(snapshot(&out_dir), before, "the old set, not a mix");
    assert_eq!(temporaries(&out_dir), Vec::<PathBuf>::new());
}

#[test]
fn a_long_output_name_can_be_written() {
    let dir = tempfile::tempdir().unwrap();
    let name = format!("{}.json", "r".repeat(245));
    assert_eq!(name.len(), 250);
    let target = dir.path().join(&name);
    let format = format!("json={}", target.display());
    let manifest = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/validate/valid.yaml"
    );
    for command in ["validate", "lint"] {
        let out = Command::new(env!("CARGO_BIN_EXE_shipshape"))
            .args([command, "--format", &format, manifest])
            .output()
            .unwrap();
        // Written whatever the verdict (lint finds missing probes and the like: exit 1).
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "{command}: {}",
            stderr(&out)
        );
        assert!(std::fs::read_to_string(&target).unwrap().starts_with('{'));
    }
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn temporary_files_of_a_killed_run_are_removed() {
    let (ws, out_dir) = rendered_then_changed();
    // What a killed run (no process has id 4194304) leaves behind.
    let stale = [
        out_dir.join("materi-api/production/.shipshape-4194304-0.tmp"),
        ws.path()
            .join("golden/materi-api/production/.shipshape-4194304-1.tmp"),
        ws.path()
            .join("golden/materi-api/staging/.shipshape-4194304-2.old"),
    ];
    for path in &stale {
        std::fs::write(path, "half a file").unwrap();
    }
    let out = shipshape(
        ws.path(),
        &["render", "materi-api", "--out", out_dir.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = shipshape(ws.path(), &["golden", "accept", "materi-api"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(temporaries(&out_dir), Vec::<PathBuf>::new());
    assert_eq!(
        temporaries(&ws.path().join("golden")),
        Vec::<PathBuf>::new()
    );
}

#[test]
fn concurrent_accepts_take_turns() {
    let ws = common::repo_workspace_copy();
    edit(
        ws.path().join("environments/materi-api/app.yaml"),
        "tag: v1.0.0",
        "tag: v1.1.0",
    );
    let spawn = || {
        Command::new(env!("CARGO_BIN_EXE_shipshape"))
            .args(["golden", "accept", "--workspace"])
            .arg(ws.path())
            .env_remove("CI")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let runs: Vec<_> = (0..3).map(|_| spawn()).collect();
    for run in runs {
        let out = run.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    }
    let out = shipshape(ws.path(), &["check"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert_eq!(
        temporaries(&ws.path().join("golden")),
        Vec::<PathBuf>::new()
    );
}

#[test]
fn golden_files_of_a_deleted_environment_are_orphans_until_accepted() {
    let ws = common::repo_workspace_copy();
    std::fs::remove_file(ws.path().join("environments/materi-api/staging.yaml")).unwrap();

    let out = shipshape(ws.path(), &["check", "materi-api"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains(
            "drift: golden/materi-api/staging/kubernetes.yaml: orphan: no environment renders it"
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "golden/materi-api/staging/kubernetes.yaml:1:1: error[golden-drift/golden-drift]: \
             orphan golden file: no environment renders it (environments/materi-api/staging.yaml \
             does not exist)\n  help: remove it with `shipshape golden accept`"
        ),
        "{text}"
    );
    // Accepting one environment leaves the other environments' orphans alone.
    let out = shipshape(ws.path(), &["golden", "accept", "materi-api/production"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(ws.path().join("golden/materi-api/staging").is_dir());

    let out = shipshape(ws.path(), &["golden", "accept", "materi-api"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("removed golden/materi-api/staging/kubernetes.yaml"),
        "{}",
        stdout(&out)
    );
    assert!(!ws.path().join("golden/materi-api/staging").exists());
    let out = shipshape(ws.path(), &["check", "materi-api"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
}

#[test]
fn golden_files_of_a_deleted_app_are_orphans_until_accepted() {
    let ws = common::repo_workspace_copy();
    std::fs::remove_dir_all(ws.path().join("environments/janua-api")).unwrap();

    let out = shipshape(ws.path(), &["check"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).contains("drift: golden/janua-api/production/kubernetes.yaml: orphan"),
        "{}",
        stdout(&out)
    );
    let out = shipshape(ws.path(), &["golden", "accept"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!ws.path().join("golden/janua-api").exists());
    assert!(ws.path().join("golden").is_dir());
    let out = shipshape(ws.path(), &["check"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
}

#[cfg(unix)]
mod links {
    use super::*;
    use std::os::unix::fs::symlink;

    /// A workspace copy where `rel` is moved outside and replaced by a link to it.
    fn linked_outside(rel: &str) -> (tempfile::TempDir, tempfile::TempDir, PathBuf) {
        let ws = common::repo_workspace_copy();
        let outside = tempfile::tempdir().unwrap();
        let inside = ws.path().join(rel);
        let target = outside.path().join("moved");
        std::fs::rename(&inside, &target).unwrap();
        symlink(&target, &inside).unwrap();
        (ws, outside, target)
    }

    fn refused(ws: &Path, link: &str, target: &Path, args: &[&str]) {
        let out = shipshape(ws, args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stdout(&out));
        let expected = format!(
            "error: {}: is a symbolic link to {}",
            ws.join(link).display(),
            target.display()
        );
        assert!(
            stderr(&out).starts_with(&expected) && stderr(&out).contains("outside"),
            "{args:?}: {}",
            stderr(&out)
        );
    }

    #[test]
    fn a_golden_folder_linked_outside_is_refused() {
        let (ws, _outside, target) = linked_outside("golden/materi-api");
        let before = snapshot(&target);
        edit(
            ws.path().join("environments/materi-api/app.yaml"),
            "tag: v1.0.0",
            "tag: v1.1.0",
        );
        for args in [&["check"][..], &["golden", "accept"], &["diff"]] {
            refused(ws.path(), "golden/materi-api", &target, args);
        }
        assert_eq!(snapshot(&target), before, "nothing written outside");
    }

    #[test]
    fn a_template_or_environment_linked_outside_is_refused() {
        let (ws, _outside, target) = linked_outside("environments/janua-api/staging.yaml");
        refused(
            ws.path(),
            "environments/janua-api/staging.yaml",
            &target,
            &["render", "--out", "/nonexistent/never"],
        );
        let (ws, _outside, target) = linked_outside("templates");
        refused(ws.path(), "templates", &target, &["check", "janua-api"]);
    }

    #[test]
    fn a_link_inside_the_workspace_is_followed() {
        let ws = common::repo_workspace_copy();
        let golden = ws.path().join("golden/materi-api/production");
        let moved = ws.path().join("golden/materi-api/production-real");
        std::fs::rename(&golden, &moved).unwrap();
        symlink("production-real", &golden).unwrap();
        let out = shipshape(ws.path(), &["check", "materi-api/production"]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    }

    #[test]
    fn render_does_not_write_through_a_link_leading_outside_its_folder() {
        let ws = common::repo_workspace_copy();
        let outside = tempfile::tempdir().unwrap();
        let out_dir = ws.path().join("out");
        std::fs::create_dir(&out_dir).unwrap();
        symlink(outside.path(), out_dir.join("materi-api")).unwrap();
        let out = shipshape(
            ws.path(),
            &["render", "materi-api", "--out", out_dir.to_str().unwrap()],
        );
        assert_eq!(out.status.code(), Some(2));
        assert!(
            stderr(&out).starts_with(&format!(
                "error: {}: is a symbolic link to {}",
                out_dir.join("materi-api").display(),
                outside.path().display()
            )),
            "{}",
            stderr(&out)
        );
        assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 0);
    }
}
