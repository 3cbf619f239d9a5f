//! Black-box tests of verdicts that real manifests hit: valid input that must pass, and invalid
//! input that must fail at the offending field. Fixtures are in `tests/fixtures/verdicts/`.

mod common;

use std::process::Command;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/verdicts");

/// Runs shipshape in the fixtures folder: stdout and the exit code.
fn run(args: &[&str]) -> (String, i32) {
    let out = Command::new(env!("CARGO_BIN_EXE_shipshape"))
        .args(args)
        .current_dir(FIXTURES)
        .output()
        .expect("shipshape runs");
    let stdout = String::from_utf8(out.stdout).expect("stdout is UTF-8");
    let stderr = String::from_utf8(out.stderr).expect("stderr is UTF-8");
    assert_eq!(stderr, "", "stderr of shipshape {args:?}");
    (
        stdout,
        out.status.code().expect("shipshape exits with a code"),
    )
}

fn assert_contains(haystack: &str, needles: &[&str]) {
    for needle in needles {
        assert!(
            haystack.contains(needle),
            "expected {needle:?} in:\n{haystack}"
        );
    }
}

#[test]
fn crd_schemas_hold_json_values_in_default_enum_and_example() {
    let (out, code) = run(&["validate", "--strict", "crontab-crd.yaml"]);
    assert_eq!(
        out, "1 resource: 1 valid, 0 invalid, 0 not checked, 0 skipped\n",
        "the Kubernetes documentation's CronTab CRD is valid"
    );
    assert_eq!(code, 0);
}

#[test]
fn integer_formats_and_base64_are_enforced() {
    let (out, code) = run(&["validate", "out-of-range.yaml"]);
    assert_contains(
        &out,
        &[
            "out-of-range.yaml:6:13: error[schema/schema]: spec.replicas: 2147483648 is out of range for int32 (from -2147483648 to 2147483647)",
            "out-of-range.yaml:15:38: error[schema/schema]: spec.template.spec.terminationGracePeriodSeconds: 9223372036854775808 is out of range for int64",
            "out-of-range.yaml:28:8: error[schema/schema]: data.bad: is not valid base64",
            "2 resources: 0 valid, 2 invalid",
        ],
    );
    assert!(!out.contains("data.good"), "valid base64 passes:\n{out}");
    assert!(
        !out.contains("hunter2"),
        "a Secret's value is never shown:\n{out}"
    );
    assert_eq!(code, 1);
}

#[test]
fn compose_files_are_always_validated_strictly() {
    for args in [
        &["validate", "compose-unknown-keys.yaml"][..],
        &["validate", "--strict", "compose-unknown-keys.yaml"][..],
    ] {
        let (out, code) = run(args);
        assert_contains(
            &out,
            &[
                "compose-unknown-keys.yaml:3:5: error[schema/schema]: services.web.imagee: unknown field",
                "compose-unknown-keys.yaml:5:1: error[schema/schema]: servicez: unknown field",
                "1 resource: 0 valid, 1 invalid",
            ],
        );
        assert!(!out.contains("x-note"), "extensions are allowed:\n{out}");
        assert_eq!(code, 1, "{args:?}");
    }
}

#[test]
fn typed_lists_are_expanded_and_each_item_checked_at_its_location() {
    let (out, code) = run(&["validate", "typed-lists.yaml"]);
    assert_contains(
        &out,
        &[
            "typed-lists.yaml:15:13: error[schema/schema]: data.PORT: a list is not a string",
            "typed-lists.yaml:33:17: error[schema/schema]: spec.replicas: \"three\" is not an integer",
            "typed-lists.yaml:10:5: ConfigMap/broken: invalid",
            "typed-lists.yaml:30:5: Deployment/web: invalid",
            "4 resources: 2 valid, 2 invalid, 0 not checked, 0 skipped",
        ],
    );
    assert!(!out.contains("missing-schema"), "{out}");
    assert_eq!(code, 1);

    let (out, code) = run(&["lint", "--select", "image-tag-pinned", "typed-lists.yaml"]);
    assert_contains(
        &out,
        &[
            "typed-lists.yaml:44:22: error[SS501/image-tag-pinned]: image `nginx:latest` uses the `latest` tag (container `web`)",
        ],
    );
    assert_eq!(code, 1);
}

/// The `file:line:col: severity[code/name]: message` lines of a text report.
fn finding_lines(out: &str) -> Vec<&str> {
    out.lines()
        .filter(|l| l.contains(": error[") || l.contains(": warning[") || l.contains(": info["))
        .collect()
}

#[test]
fn a_replication_controller_is_a_workload() {
    let (out, code) = run(&[
        "lint",
        "--select",
        "pdb-required,selector-matches-template,liveness-probe,image-tag-pinned",
        "replication-controller.yaml",
    ]);
    assert_eq!(
        finding_lines(&out),
        [
            "replication-controller.yaml:6:13: error[SS401/pdb-required]: ReplicationController/legacy runs 2 replicas but no PodDisruptionBudget selects its pods",
            "replication-controller.yaml:7:3: error[SS702/selector-matches-template]: selector `app=legacy-web` does not match the pod template's labels",
            "replication-controller.yaml:15:11: error[SS201/liveness-probe]: container `web` has no liveness probe",
            "replication-controller.yaml:16:18: error[SS501/image-tag-pinned]: image `nginx:latest` uses the `latest` tag (container `web`)",
        ]
    );
    assert_eq!(code, 1);
}

#[test]
fn services_may_select_the_pods_of_jobs_by_their_generated_labels() {
    let (out, code) = run(&[
        "lint",
        "--select",
        "service-selects-pods",
        "service-selects-job-pods.yaml",
    ]);
    assert_eq!(
        finding_lines(&out),
        [
            "service-selects-job-pods.yaml:68:3: error[SS701/service-selects-pods]: selector `job-name=no-such-job` matches no pods"
        ]
    );
    assert_eq!(code, 1);
}

#[test]
fn services_may_select_pods_that_custom_resources_create() {
    let (out, code) = run(&[
        "lint",
        "--select",
        "service-selects-pods",
        "service-selects-operator-pods.yaml",
    ]);
    assert_eq!(
        finding_lines(&out),
        [
            "service-selects-operator-pods.yaml:63:3: error[SS701/service-selects-pods]: selector `app=wbe` matches no pods"
        ],
        "the Service next to the operator's database passes; a ServiceMonitor creates no pods"
    );
    assert_eq!(code, 1);
}

/// The object a finding names in the JSON report, by rule code.
fn json_objects(out: &str, code: &str) -> Vec<String> {
    let report: serde_json::Value = serde_json::from_str(out).expect("JSON output");
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["code"] == code)
        .map(|f| {
            format!(
                "{}:{} {} {}",
                f["line"], f["column"], f["object"], f["message"]
            )
        })
        .collect()
}

#[test]
fn a_duplicate_key_is_one_finding_on_its_object_for_validate_and_lint() {
    let expected = [
        "7:3 \"ConfigMap/first\" \"duplicate key `mode` (first defined at line 6); remove one of them\"".to_string(),
    ];
    for args in [
        &["validate", "duplicate-key.yaml"][..],
        &["validate", "--strict", "duplicate-key.yaml"][..],
    ] {
        let (out, code) = run(args);
        assert_contains(
            &out,
            &[
                "duplicate-key.yaml:7:3: error[duplicate-key/duplicate-key]: duplicate key `mode` (first defined at line 6)",
                "duplicate-key.yaml:14:13: error[schema/schema]: spec.replicas: \"three\" is not an integer",
                "duplicate-key.yaml:1:1: ConfigMap/first: invalid",
                "2 resources: 0 valid, 2 invalid, 0 not checked, 0 skipped",
            ],
        );
        assert_eq!(code, 1, "{args:?}");
        let mut json_args = args.to_vec();
        json_args.extend(["--format", "json"]);
        assert_eq!(json_objects(&run(&json_args).0, "duplicate-key"), expected);
    }
    let (out, code) = run(&["lint", "--select", "image-tag-pinned", "duplicate-key.yaml"]);
    assert_contains(
        &out,
        &[
            "duplicate-key.yaml:7:3: error[duplicate-key/duplicate-key]: duplicate key `mode` (first defined at line 6)",
            "duplicate-key.yaml:25:18: error[SS501/image-tag-pinned]: image `nginx:latest`",
        ],
    );
    assert_eq!(code, 1, "a finding, not an input error");
    let (out, _) = run(&[
        "lint",
        "--select",
        "image-tag-pinned",
        "--format",
        "json",
        "duplicate-key.yaml",
    ]);
    assert_eq!(json_objects(&out, "duplicate-key"), expected);
}
