//! No secret in any output: the secret values listed in `tests/fixtures/secrets/shapes.txt`
//! (passwords, tokens, keys, URLs and connection strings with passwords, flag values) are fed
//! through every command and every output format, and none may appear on stdout or stderr.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/secrets")
}

/// The secret values of the fixtures.
fn shapes() -> Vec<String> {
    std::fs::read_to_string(fixtures().join("shapes.txt"))
        .unwrap()
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(String::from)
        .collect()
}

/// Runs shipshape in `dir`, asserts that neither stdout nor stderr holds a secret, and returns
/// the exit code and stdout.
fn run_clean(dir: &Path, args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_shipshape"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("the binary runs");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr);
    for secret in shapes() {
        for (name, text) in [("stdout", stdout.as_str()), ("stderr", &stderr)] {
            assert!(
                !text.contains(&secret),
                "`shipshape {}` printed the secret {secret:?} on {name}:\n{text}",
                args.join(" ")
            );
        }
    }
    (out.status.code().unwrap_or(-1), stdout)
}

const FORMATS: [&str; 6] = ["text", "json", "sarif", "junit", "github", "markdown"];

#[test]
fn validate_prints_no_secret_in_any_format() {
    for format in FORMATS {
        let (code, stdout) = run_clean(
            &fixtures(),
            &[
                "validate",
                "--strict",
                "--format",
                format,
                "manifests",
                "broken",
            ],
        );
        // `broken/syntax.yaml` is not YAML: an input error, exit 2, after every finding.
        assert_eq!(code, 2, "{format}: {stdout}");
        // JUnit and Markdown escape the marker.
        let marker = if format == "junit" || format == "markdown" {
            "&lt;secret&gt;"
        } else {
            "<secret>"
        };
        for message in [
            format!("stringData.pin: {marker} is not a string"),
            format!("env[1].value: {marker} is not a string"),
        ] {
            assert!(stdout.contains(&message), "{format}: {stdout}");
        }
    }
}

#[test]
fn echoed_source_lines_are_masked() {
    let (_, stdout) = run_clean(&fixtures(), &["validate", "--strict", "broken"]);
    for masked in [
        "  7 |   password: ***",
        "  6 |   password: ***",
        "  9 |       apiToken: ***",
    ] {
        assert!(stdout.contains(masked), "{masked:?} in:\n{stdout}");
    }
}

#[test]
fn lint_prints_no_secret_in_any_format() {
    for format in FORMATS {
        let (code, stdout) = run_clean(
            &fixtures(),
            &["lint", "--format", format, "manifests", "broken"],
        );
        assert_eq!(code, 2, "{format}: {stdout}");
        assert!(stdout.contains("plaintext-secret"), "{format}: {stdout}");
    }
}

#[test]
fn diff_prints_no_secret_in_any_format() {
    for format in ["human", "unified", "markdown", "json"] {
        let (code, stdout) = run_clean(
            &fixtures(),
            &["diff", "--format", format, "old", "manifests"],
        );
        assert_eq!(code, 1, "{format}: {stdout}");
        assert!(stdout.contains("<secret: "), "{format}: {stdout}");
    }
    let (code, _) = run_clean(
        &fixtures(),
        &["diff", "old/deployment.yaml", "manifests/deployment.yaml"],
    );
    assert_eq!(code, 1);
}

#[test]
fn workspace_commands_print_no_secret() {
    let ws = tempfile::tempdir().unwrap();
    common::copy_dir(&fixtures().join("workspace"), ws.path());
    for format in FORMATS {
        let (code, stdout) = run_clean(ws.path(), &["check", "--format", format]);
        assert_eq!(code, 2, "{format}: {stdout}");
    }
    let (code, _) = run_clean(ws.path(), &["render", "shop/production"]);
    assert_eq!(code, 2);
    let out = ws.path().join("out");
    let (code, _) = run_clean(
        ws.path(),
        &["render", "--out", out.to_str().unwrap(), "shop/staging"],
    );
    assert_eq!(code, 2);
    for key in [
        "config.data.JWT_SECRET",
        "env.DB_PASSWORD",
        "args",
        "podAnnotations",
    ] {
        for env in ["shop/production", "shop/staging"] {
            let (code, _) = run_clean(ws.path(), &["explain-value", env, key]);
            assert_eq!(code, 2, "{env} {key}");
        }
    }
}
