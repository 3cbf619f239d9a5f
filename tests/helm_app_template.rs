//! Helm values for the bjw-s app-template chart: an app whose components render for Helm
//! gets them, they pass the chart's schema, and an app without such components keeps the
//! `helm create` shape.

mod common;

use std::path::Path;
use std::process::Command;

const FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/render/app-template"
);

fn shipshape(dir: &Path, args: &[&str]) -> (String, String, i32) {
    let out = Command::new(env!("CARGO_BIN_EXE_shipshape"))
        .current_dir(dir)
        .args(args)
        .output()
        .expect("the binary runs");
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.code().unwrap_or(-1),
    )
}

/// A Deployment with a sidecar and an init container, a StatefulSet with storage and a
/// CronJob beside the app's own workload render as app-template values, byte for byte the
/// committed ones, which pass the chart's schema.
#[test]
fn components_render_app_template_values() {
    let ws = tempfile::tempdir().unwrap();
    common::copy_dir(Path::new(FIXTURE), ws.path());
    let out = ws.path().join("out");
    let (_, stderr, code) = shipshape(ws.path(), &["render", "--out", out.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    let values = std::fs::read_to_string(out.join("shop/production/values.yaml")).unwrap();
    let expected =
        std::fs::read_to_string(Path::new(FIXTURE).join("golden/shop/production/values.yaml"))
            .unwrap();
    assert_eq!(values, expected);
    for needle in [
        "controllers:\n  shop:\n",
        "    type: statefulset\n",
        "    type: cronjob\n",
        "      schedule: 0 3 * * *\n",
        "        restartPolicy: Always\n",
        "        dependsOn: proxy\n",
        "      volumeClaimTemplates:\n      - name: data\n        size: 10Gi\n",
        "    clusterIP: None\n",
        "            custom: true\n",
    ] {
        assert!(values.contains(needle), "missing `{needle}` in:\n{values}");
    }
    let (stdout, _, code) = shipshape(
        ws.path(),
        &[
            "validate",
            out.join("shop/production/values.yaml").to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{stdout}");
    assert_eq!(
        stdout,
        "1 resource: 1 valid, 0 invalid, 0 not checked, 0 skipped\n"
    );
}

/// `check` validates the rendered app-template values against the chart's schema: no
/// finding on them (the fixture's lint findings are on the Kubernetes output).
#[test]
fn check_validates_app_template_values() {
    let (stdout, stderr, _) = shipshape(Path::new(FIXTURE), &["check"]);
    assert!(
        stdout.contains("14 resources: 14 valid, 0 invalid, 0 not checked, 0 skipped"),
        "{stdout}{stderr}"
    );
    assert!(!stdout.contains("values.yaml:"), "{stdout}");
    assert!(stdout.contains("0 drifted files"), "{stdout}");
}

fn render_values(app: &str) -> String {
    let ws = tempfile::tempdir().unwrap();
    let dir = ws.path().join("environments/shop");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("app.yaml"), app).unwrap();
    std::fs::write(dir.join("production.yaml"), "replicas: 2\n").unwrap();
    let out = ws.path().join("out");
    let (_, stderr, code) = shipshape(ws.path(), &["render", "--out", out.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    std::fs::read_to_string(out.join("shop/production/values.yaml")).unwrap()
}

const APP: &str = "\
namespace: shop
targets: [kubernetes, helm]
image: {repository: ghcr.io/shop/web, tag: 1.4.0}
ports: [{name: http, containerPort: 8080}]
components:
  worker:
    image: {repository: ghcr.io/shop/worker, tag: 1.4.0}
";

/// A component may name `helm` in its targets.
#[test]
fn a_component_may_target_helm() {
    let app =
        APP.replace("targets: [kubernetes, helm]", "targets: [helm]") + "    targets: [helm]\n";
    let values = render_values(&app);
    assert!(values.contains("controllers:\n  shop:\n"), "{values}");
    assert!(
        values.contains("  worker:\n    forceRename: worker\n"),
        "{values}"
    );
}

/// An app whose components all stay off Helm keeps the `helm create` shape.
#[test]
fn components_off_helm_keep_the_helm_create_shape() {
    let values = render_values(&(APP.to_string() + "    targets: [kubernetes]\n"));
    assert!(values.contains("\nreplicaCount: 2\n"), "{values}");
    assert!(!values.contains("controllers:"), "{values}");
}
