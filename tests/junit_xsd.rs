//! JUnit output validates against the Jenkins JUnit schema (`junit-10.xsd`, the schema
//! Jenkins' xUnit plugin and kubeconform's tests use), checked by `xmllint --schema`.
//!
//! `.ci/run` installs xmllint (`libxml2-utils`) and takes the schema from the pytest source
//! distribution on PyPI (`testing/example_scripts/junit-10.xsd`, checked by its SHA-256) into
//! `target/ci/junit-10.xsd`; `SHIPSHAPE_JUNIT_XSD` names another copy.

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use common::shipshape;

fn schema() -> PathBuf {
    let path = std::env::var_os("SHIPSHAPE_JUNIT_XSD").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("target/ci/junit-10.xsd"),
        PathBuf::from,
    );
    assert!(
        path.is_file(),
        "the Jenkins JUnit schema is missing at {}; `.ci/run` downloads it (or set \
         SHIPSHAPE_JUNIT_XSD to a copy of junit-10.xsd)",
        path.display()
    );
    path
}

/// Validates `xml` with xmllint against the schema; panics with xmllint's messages.
fn assert_schema_valid(what: &str, xml: &[u8]) {
    let schema = schema();
    let child = Command::new("xmllint")
        .args(["--noout", "--schema"])
        .arg(&schema)
        .arg("-")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = child.unwrap_or_else(|e| {
        panic!(
            "xmllint cannot run ({e}); install it with `apt-get install -y \
             --no-install-recommends libxml2-utils` (`.ci/run` does this)"
        )
    });
    child.stdin.take().unwrap().write_all(xml).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{what}: JUnit output does not validate against junit-10.xsd:\n{}\n{}",
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(xml)
    );
}

fn fixture(path: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(path)
        .display()
        .to_string()
}

#[test]
fn validate_junit_is_schema_valid_for_every_status() {
    // valid, invalid, error (broken YAML, not UTF-8, no schema) and skipped resources.
    let out = shipshape(&[
        "validate",
        &fixture("validate/valid.yaml"),
        &fixture("validate/wrong-type.yaml"),
        &fixture("validate/broken.yaml"),
        &fixture("validate/not-utf8.yaml"),
        &fixture("validate/missing-schema.yaml"),
        &fixture("validate/skip.yaml"),
        "--skip",
        "ConfigMap",
        "--format",
        "junit",
    ]);
    // Resources that cannot be read make it an input error (exit 2); the report is complete.
    assert_eq!(out.status.code(), Some(2));
    let xml = String::from_utf8_lossy(&out.stdout);
    for tag in ["<failure ", "<error ", "<skipped "] {
        assert!(xml.contains(tag), "no {tag} in:\n{xml}");
    }
    assert_schema_valid("validate", &out.stdout);
}

#[test]
fn lint_junit_with_findings_and_exemptions_is_schema_valid() {
    let out = shipshape(&[
        "lint",
        &fixture("policy/cli/exemptions.yaml"),
        &fixture("policy/cli/web.yaml"),
        &fixture("seed-manifests"),
        "--format",
        "junit",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let xml = String::from_utf8_lossy(&out.stdout);
    assert!(xml.contains("<failure "), "{xml}");
    assert_schema_valid("lint", &out.stdout);
}

#[test]
fn check_junit_of_the_workspace_is_schema_valid() {
    let out = Command::new(env!("CARGO_BIN_EXE_shipshape"))
        .args(["check", "--format", "junit"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("<testcase "));
    assert_schema_valid("check", &out.stdout);
}

#[test]
fn report_fixtures_are_schema_valid() {
    for name in ["check.junit.xml", "lint.junit.xml"] {
        let text = std::fs::read(fixture(&format!("report/expected/{name}"))).unwrap();
        assert_schema_valid(name, &text);
    }
}
