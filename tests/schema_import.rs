//! Black-box tests of `shipshape schema import`: the bundled CRD schemas are what the command
//! makes of the upstream CRDs, and an imported CRD is used by `validate --schema-location`.

use std::path::Path;
use std::process::Command;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn shipshape(args: &[&str], dir: &Path) -> (String, String, i32) {
    let out = Command::new(env!("CARGO_BIN_EXE_shipshape"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("shipshape runs");
    (
        String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        String::from_utf8(out.stderr).expect("stderr is UTF-8"),
        out.status.code().expect("shipshape exits with a code"),
    )
}

/// `schema import` of the upstream CRDs reproduces the committed `schemas/crds/` byte for
/// byte: the bundled schemas are not stale.
#[test]
fn bundled_crd_schemas_are_up_to_date() {
    let out = tempfile::tempdir().unwrap();
    let out_dir = out.path().to_str().unwrap();
    let (stdout, stderr, code) = shipshape(
        &[
            "schema",
            "import",
            "schemas/upstream/crds/flagger-canary.crd.yaml",
            "schemas/upstream/crds/istio-destinationrule.crd.yaml",
            "schemas/upstream/crds/istio-virtualservice.crd.yaml",
            "schemas/upstream/crds/prometheus-servicemonitor.crd.yaml",
            "--out",
            out_dir,
        ],
        Path::new(ROOT),
    );
    assert_eq!(stderr, "");
    assert_eq!(code, 0);
    assert_eq!(
        stdout,
        format!(
            "wrote {out_dir}/canaries.flagger.app.json (flagger.app/v1beta1/Canary)\n\
             wrote {out_dir}/destinationrules.networking.istio.io.json (networking.istio.io/v1/DestinationRule, networking.istio.io/v1alpha3/DestinationRule, networking.istio.io/v1beta1/DestinationRule)\n\
             wrote {out_dir}/virtualservices.networking.istio.io.json (networking.istio.io/v1/VirtualService, networking.istio.io/v1alpha3/VirtualService, networking.istio.io/v1beta1/VirtualService)\n\
             wrote {out_dir}/servicemonitors.monitoring.coreos.com.json (monitoring.coreos.com/v1/ServiceMonitor)\n"
        )
    );
    for name in [
        "canaries.flagger.app.json",
        "destinationrules.networking.istio.io.json",
        "virtualservices.networking.istio.io.json",
        "servicemonitors.monitoring.coreos.com.json",
    ] {
        let made = std::fs::read_to_string(out.path().join(name)).unwrap();
        let committed =
            std::fs::read_to_string(Path::new(ROOT).join("schemas/crds").join(name)).unwrap();
        assert!(
            made == committed,
            "schemas/crds/{name} is stale: run `shipshape schema import schemas/upstream/crds/*.yaml` and commit"
        );
    }
}

/// A user's CRD, imported, validates its custom resources strictly (metadata as ObjectMeta,
/// unknown fields, constraints), and a folder of raw CRD YAML works the same way.
#[test]
fn imported_crds_are_used_by_validate() {
    let fixtures = Path::new(ROOT).join("tests/fixtures/validate");
    let out = tempfile::tempdir().unwrap();
    let out_dir = out.path().to_str().unwrap();
    let (stdout, stderr, code) = shipshape(
        &[
            "schema",
            "import",
            "widget-crd/widget.crd.yaml",
            "--out",
            out_dir,
        ],
        &fixtures,
    );
    assert_eq!(stderr, "");
    assert_eq!(code, 0);
    assert_eq!(
        stdout,
        format!("wrote {out_dir}/widgets.example.com.json (example.com/v1/Widget)\n")
    );
    let expected = "\
widgets.yaml:14:3: error[schema/schema]: metadata.lables: unknown field
  14 |   lables: {}
     |   ^
  help: did you mean `labels`?

widgets.yaml:16:9: error[schema/schema]: spec.size: 0 is less than the minimum of 1
  16 |   size: 0
     |         ^

widgets.yaml:17:3: error[schema/schema]: spec.colour: unknown field
  17 |   colour: red
     |   ^
  help: did you mean `color`?

widgets.yaml:10:1: Widget/bad: invalid

2 resources: 1 valid, 1 invalid, 0 not checked, 0 skipped
3 findings: 3 errors, 0 warnings, 0 infos (0 exempted)
";
    for location in [out_dir, "widget-crd"] {
        let (stdout, stderr, code) = shipshape(
            &[
                "validate",
                "--strict",
                "--schema-location",
                location,
                "widgets.yaml",
            ],
            &fixtures,
        );
        assert_eq!(stderr, "", "--schema-location {location}");
        assert_eq!(stdout, expected, "--schema-location {location}");
        assert_eq!(code, 1, "--schema-location {location}");
    }
}

/// A file without a CRD is an input error, and nothing is written.
#[test]
fn import_rejects_files_without_a_crd() {
    let fixtures = Path::new(ROOT).join("tests/fixtures/validate");
    let out = tempfile::tempdir().unwrap();
    let out_dir = out.path().join("out");
    let (stdout, stderr, code) = shipshape(
        &[
            "schema",
            "import",
            "widget-crd/widget.crd.yaml",
            "valid.yaml",
            "--out",
            out_dir.to_str().unwrap(),
        ],
        &fixtures,
    );
    assert_eq!(stdout, "");
    assert_eq!(
        stderr,
        "error: valid.yaml: no CustomResourceDefinition in this file\n"
    );
    assert_eq!(code, 2);
    assert!(!out_dir.exists(), "nothing is written when an input fails");
}

/// A schema folder with a file that is not a schema is a usage error naming the file.
#[test]
fn broken_schema_locations_are_usage_errors() {
    let fixtures = Path::new(ROOT).join("tests/fixtures/validate");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("x.json"), "{\"type\": \"object\"}\n").unwrap();
    let (stdout, stderr, code) = shipshape(
        &[
            "validate",
            "--schema-location",
            dir.path().to_str().unwrap(),
            "valid.yaml",
        ],
        &fixtures,
    );
    assert_eq!(stdout, "");
    assert_eq!(
        stderr,
        format!(
            "error: {}/x.json: not a shipshape schema file (no `x-kinds` index); convert a CRD with `shipshape schema import <crd.yaml>`\n",
            dir.path().display()
        )
    );
    assert_eq!(code, 2);
}
