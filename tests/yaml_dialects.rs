//! YAML as its consumer reads it: Kubernetes manifests by `sigs.k8s.io/yaml`'s YAML 1.1 rules
//! (compared with `kubectl` itself on a corpus of scalars), Compose files by docker-compose's
//! (PyYAML, YAML 1.1: `yes` is true, `y` is text), and merge keys as YAML defines them.

mod common;

use std::path::Path;
use std::process::Command;

use common::shipshape;

fn fixture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/yaml")
        .join(name)
        .to_str()
        .unwrap()
        .to_string()
}

fn out(o: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// kubectl reads the corpus (`kubectl label --local -o json` prints the object as the API
/// server would receive it); shipshape's reading of the YAML has no difference from it.
#[test]
fn shipshape_reads_scalars_as_kubectl_does() {
    let corpus = fixture("kubectl-scalars.yaml");
    let kubectl = Command::new("kubectl")
        .args(["label", "--local", "-f", &corpus, "x=y", "-o", "json"])
        .output()
        .unwrap_or_else(|e| {
            panic!("kubectl is needed for this test (apt-get install kubectl, or see .ci/run): {e}")
        });
    assert!(
        kubectl.status.success(),
        "kubectl failed: {}",
        out(&kubectl)
    );
    let mut object: serde_json::Value = serde_json::from_slice(&kubectl.stdout).unwrap();
    let labels = object["metadata"]["labels"].as_object_mut().unwrap();
    labels.remove("x");
    let dir = tempfile::tempdir().unwrap();
    let read_by_kubectl = dir.path().join("kubectl.json");
    std::fs::write(&read_by_kubectl, object.to_string()).unwrap();
    let o = shipshape(&["diff", &corpus, read_by_kubectl.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", out(&o));
    // The comparison sees a difference of type alone (8 against "8").
    object["spec"]["replicas"] = serde_json::json!("8");
    std::fs::write(&read_by_kubectl, object.to_string()).unwrap();
    let o = shipshape(&["diff", &corpus, read_by_kubectl.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", out(&o));
    assert!(out(&o).contains("spec.replicas: 8 -> \"8\""), "{}", out(&o));
}

/// kubectl cannot send infinity (JSON has none): neither reads it.
#[test]
fn infinity_is_refused_as_kubectl_refuses_it() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("inf.yaml");
    std::fs::write(
        &file,
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: .inf\n",
    )
    .unwrap();
    let o = shipshape(&["validate", file.to_str().unwrap()]);
    // A file shipshape cannot read as YAML is an input error.
    assert_eq!(o.status.code(), Some(2), "{}", out(&o));
    assert!(out(&o).contains("inf.yaml:6:6"), "{}", out(&o));
    assert!(out(&o).contains("`.inf` reads as infinity"), "{}", out(&o));
}

#[test]
fn lint_sees_privileged_yes_as_privileged() {
    let o = shipshape(&["lint", &fixture("privileged-yes.yaml")]);
    assert_eq!(o.status.code(), Some(1), "{}", out(&o));
    assert!(out(&o).contains("privileged-yes.yaml:12:21"), "{}", out(&o));
    assert!(out(&o).contains("SS105"), "{}", out(&o));
}

#[test]
fn validate_refuses_a_boolean_label_value() {
    let o = shipshape(&["validate", &fixture("privileged-yes.yaml")]);
    assert_eq!(o.status.code(), Some(1), "{}", out(&o));
    assert!(out(&o).contains("privileged-yes.yaml:6:14"), "{}", out(&o));
}

#[test]
fn diff_sees_octal_replicas() {
    let o = shipshape(&[
        "diff",
        &fixture("replicas-010.yaml"),
        &fixture("replicas-10.yaml"),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", out(&o));
    assert!(out(&o).contains("spec.replicas: 8 -> 10"), "{}", out(&o));
}

/// docker-compose 1.29 (PyYAML) reads `yes` as true and `y` as text: so does shipshape for a
/// Compose file.
#[test]
fn compose_files_are_read_as_docker_compose_reads_them() {
    let file = fixture("compose-yes.yaml");
    let o = shipshape(&["lint", &file]);
    assert_eq!(o.status.code(), Some(1), "{}", out(&o));
    assert!(
        out(&o).contains("service `web` runs privileged"),
        "{}",
        out(&o)
    );
    let o = shipshape(&["validate", &file]);
    assert_eq!(o.status.code(), Some(0), "{}", out(&o));
}

#[test]
fn a_quoted_merge_key_is_an_ordinary_key() {
    let o = shipshape(&["validate", &fixture("merge-keys.yaml")]);
    assert_eq!(o.status.code(), Some(0), "{}", out(&o));
}

#[test]
fn a_merge_of_a_scalar_is_an_error_at_its_line() {
    let o = shipshape(&["validate", &fixture("merge-scalar.yaml")]);
    // A file shipshape cannot read as YAML is an input error.
    assert_eq!(o.status.code(), Some(2), "{}", out(&o));
    assert!(out(&o).contains("merge-scalar.yaml:6:7"), "{}", out(&o));
    assert!(
        out(&o).contains("a merge key `<<` takes a mapping"),
        "{}",
        out(&o)
    );
}
