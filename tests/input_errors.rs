//! Input errors are the same in every command: no input at all, a file that cannot be read
//! or is not YAML, and a name that matches nothing are exit 2 with a message that says what
//! to do; a failed write of the output is exit 2 too, never a panic.

mod common;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Runs shipshape in the repository with `stdin` as its standard input.
fn run_with_stdin(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_shipshape"))
        .args(args)
        .current_dir(repo())
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    child.wait_with_output().unwrap()
}

fn run(args: &[&str]) -> Output {
    run_with_stdin(args, b"")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn an_empty_stdin_is_an_input_error() {
    for command in ["validate", "lint"] {
        let out = run(&[command, "-"]);
        assert_eq!(out.status.code(), Some(2), "{command}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("error: no documents in -: the input is empty"),
            "{command}: {}",
            stderr(&out)
        );
    }
    // Comments only: still no document.
    let out = run_with_stdin(&["validate", "-"], b"# helm printed nothing\n");
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_file_that_is_not_yaml_is_an_input_error_in_every_command() {
    let broken = "tests/fixtures/validate/broken.yaml";
    let valid = "tests/fixtures/validate/valid.yaml";
    for command in ["validate", "lint"] {
        let out = run(&[command, broken, valid]);
        assert_eq!(out.status.code(), Some(2), "{command}: {}", stdout(&out));
        assert!(
            stdout(&out).contains("broken.yaml:6:1: error[yaml/"),
            "{command}: {}",
            stdout(&out)
        );
    }
}

#[cfg(target_os = "linux")]
#[test]
fn an_unreadable_file_is_an_input_error_in_every_command() {
    let dir = tempfile::tempdir().unwrap();
    // Root reads any file whatever its mode, so as root the file is one no one can read.
    // SAFETY: geteuid has no preconditions.
    let path = if unsafe { libc::geteuid() } == 0 {
        eprintln!("running as root: using /proc/self/mem as the unreadable file");
        "/proc/self/mem".to_string()
    } else {
        use std::os::unix::fs::PermissionsExt;
        let path = dir.path().join("secret.yaml");
        std::fs::write(&path, "kind: ConfigMap\n").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o000)).unwrap();
        path.to_str().unwrap().to_string()
    };
    for command in ["validate", "lint"] {
        let out = run(&[command, &path]);
        assert_eq!(out.status.code(), Some(2), "{command}: {}", stdout(&out));
        assert!(
            stdout(&out).contains("cannot read the file"),
            "{command}: {}",
            stdout(&out)
        );
    }
}

#[test]
fn an_unknown_skip_kind_suggests_the_right_one() {
    let out = run(&[
        "validate",
        "--skip",
        "Deploymnet",
        "tests/fixtures/validate/valid.yaml",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "error: --skip `Deploymnet` is not a kind shipshape knows; did you mean `Deployment`?\n"
    );
    let out = run(&[
        "validate",
        "--skip",
        "Secret,apps/v1/Deployment",
        "tests/fixtures/validate/valid.yaml",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn an_unknown_lint_environment_suggests_the_right_one() {
    let out = run(&[
        "lint",
        "--environment",
        "prodution",
        "tests/fixtures/validate/valid.yaml",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("--environment `prodution`")
            && stderr(&out).contains("did you mean `production`?"),
        "{}",
        stderr(&out)
    );
    // An environment of the workspace is known.
    let out = run(&[
        "lint",
        "--environment",
        "staging",
        "tests/fixtures/validate/valid.yaml",
    ]);
    assert_ne!(out.status.code(), Some(2), "{}", stderr(&out));
}

#[test]
fn unknown_environments_suggest_the_right_one_in_every_command() {
    let out = run(&["diff", "--env", "stagng", "--against", "production"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "error: no app has an environment `stagng`; did you mean `staging`?\n"
    );
    let out = run(&[
        "diff",
        "--env",
        "materi-api/stagng",
        "--against",
        "materi-api/production",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("did you mean `materi-api/staging`?"),
        "{}",
        stderr(&out)
    );
    for args in [
        &["check", "materi-api/stagng"][..],
        &["render", "materi-api/stagng", "--out", "/nonexistent"],
        &["diff", "materi-api/stagng"],
        &["explain-value", "materi-api/stagng", "replicas"],
    ] {
        let out = run(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(
            stderr(&out).contains("did you mean `materi-api/staging`?"),
            "{args:?}: {}",
            stderr(&out)
        );
    }
    let ws = common::repo_workspace_copy();
    let out = Command::new(env!("CARGO_BIN_EXE_shipshape"))
        .args(["golden", "accept", "materi-apii", "--workspace"])
        .arg(ws.path())
        .env_remove("CI")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("did you mean `materi-api`?"));
}

#[cfg(target_os = "linux")]
#[test]
fn a_full_stdout_is_an_error_not_a_panic() {
    for args in [
        &["rules"][..],
        &["explain", "SS101"],
        &["--help"],
        &["check", "--help"],
    ] {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_shipshape"))
            .args(args)
            .stdout(full)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert_eq!(
            stderr(&out),
            "error: cannot write to stdout\n  caused by: No space left on device (os error 28)\n"
        );
    }
}

#[test]
fn a_reader_that_goes_away_ends_the_run_quietly() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_shipshape"))
        .arg("rules")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // `shipshape rules | head -0`: the reader closes before anything is read.
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert_eq!(stderr(&out), "", "no panic, no message");
    assert_ne!(out.status.code(), Some(101));
}

#[test]
fn a_megabyte_line_is_shown_as_a_window_around_the_column() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("minified.json");
    let annotation = "a".repeat(1 << 20);
    let text = format!(
        r#"{{"apiVersion":"v1","kind":"ConfigMap","metadata":{{"name":"x","annotations":{{"note":"{annotation}"}}}},"data":{{"n":1}}}}"#
    );
    std::fs::write(&path, text).unwrap();
    let out = run(&["validate", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let shown = stdout(&out);
    assert!(shown.len() < 2_000, "{} bytes of output", shown.len());
    assert!(shown.contains("  1 | …aaaa"), "{shown}");
    assert!(shown.contains(r#"aaaa"}},"data":{"n":1}}"#), "{shown}");
}
