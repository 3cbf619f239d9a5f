//! Black-box tests of `shipshape validate`: each runs the binary on fixtures in
//! `tests/fixtures/validate/` and checks the exact output and exit code.

use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/validate");

/// Runs shipshape in the fixtures folder, optionally feeding a fixture on stdin.
fn run(args: &[&str], stdin: Option<&str>) -> (String, String, i32) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_shipshape"));
    cmd.args(args)
        .current_dir(FIXTURES)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("shipshape runs");
    {
        let mut input = child.stdin.take().expect("stdin is piped");
        if let Some(file) = stdin {
            let text = std::fs::read(Path::new(FIXTURES).join(file)).expect("fixture exists");
            input.write_all(&text).expect("stdin accepts the fixture");
        }
    }
    let out = child.wait_with_output().expect("shipshape finishes");
    (
        String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        String::from_utf8(out.stderr).expect("stderr is UTF-8"),
        out.status.code().expect("shipshape exits with a code"),
    )
}

fn check(args: &[&str], stdin: Option<&str>, expected: &str, code: i32) {
    let (stdout, stderr, actual) = run(args, stdin);
    assert_eq!(stdout, expected, "stdout of shipshape {args:?}");
    assert_eq!(stderr, "", "stderr of shipshape {args:?}");
    assert_eq!(actual, code, "exit code of shipshape {args:?}");
}

/// The workspace's rendered output (`golden/`) is valid in strict mode: Kubernetes, Helm
/// values and Compose files of every environment.
#[test]
fn golden_output_is_valid() {
    let golden = concat!(env!("CARGO_MANIFEST_DIR"), "/golden");
    let (stdout, stderr, code) = run(&["validate", "--strict", golden], None);
    assert_eq!(stderr, "");
    let summary = stdout.lines().last().unwrap_or_default();
    assert!(
        summary.ends_with(" valid, 0 invalid, 0 not checked, 0 skipped") && code == 0,
        "golden/ is not valid:\n{stdout}"
    );
}

/// Valid resources (a null field counts as absent): exit 0 and the summary only.
#[test]
fn valid_resources_pass() {
    check(
        &["validate", "--strict", "valid.yaml"],
        None,
        r#"3 resources: 3 valid, 0 invalid, 0 not checked, 0 skipped
"#,
        0,
    );
}

/// Every wrong type of a resource, each at its value.
#[test]
fn wrong_types_are_located() {
    check(
        &["validate", "wrong-type.yaml"],
        None,
        r#"wrong-type.yaml:6:13: error[schema/schema]: spec.replicas: "three" is not an integer
  6 |   replicas: three
    |             ^

wrong-type.yaml:19:30: error[schema/schema]: spec.template.spec.containers[0].ports[0].containerPort: "8080" is not an integer
  19 |             - containerPort: "8080"
     |                              ^

wrong-type.yaml:1:1: Deployment/web: invalid

1 resource: 0 valid, 1 invalid, 0 not checked, 0 skipped
2 findings: 2 errors, 0 warnings, 0 infos (0 exempted)
"#,
        1,
    );
}

/// Unknown fields point at their key and suggest the right name.
#[test]
fn unknown_fields_fail_in_strict_mode() {
    check(
        &["validate", "--strict", "unknown-field.yaml"],
        None,
        r#"unknown-field.yaml:5:3: error[schema/schema]: metadata.lables: unknown field
  5 |   lables:
    |   ^
  help: did you mean `labels`?

unknown-field.yaml:12:7: error[schema/schema]: spec.ports[0].targetport: unknown field
  12 |       targetport: 8080
     |       ^
  help: did you mean `targetPort`?

unknown-field.yaml:1:1: Service/web: invalid

1 resource: 0 valid, 1 invalid, 0 not checked, 0 skipped
2 findings: 2 errors, 0 warnings, 0 infos (0 exempted)
"#,
        1,
    );
}

/// Without --strict, unknown fields are accepted.
#[test]
fn unknown_fields_pass_without_strict() {
    check(
        &["validate", "unknown-field.yaml"],
        None,
        r#"1 resource: 1 valid, 0 invalid, 0 not checked, 0 skipped
"#,
        0,
    );
}

/// 25%, 1, a port name and a port number pass as int-or-string; true fails.
#[test]
fn int_or_string_edge_cases() {
    check(
        &["validate", "--strict", "int-or-string.yaml"],
        None,
        r#"int-or-string.yaml:35:19: error[schema/schema]: spec.maxUnavailable: true is not an integer or a string
  35 |   maxUnavailable: true
     |                   ^

int-or-string.yaml:30:1: PodDisruptionBudget/rollout: invalid

2 resources: 1 valid, 1 invalid, 0 not checked, 0 skipped
1 finding: 1 error, 0 warnings, 0 infos (0 exempted)
"#,
        1,
    );
}

/// 500m, 1, 2Gi, "128974848" and 1.5e3 pass; true, a map, "2 cores" and "1GB" fail.
#[test]
fn quantity_edge_cases() {
    check(
        &["validate", "--strict", "quantity.yaml"],
        None,
        r#"quantity.yaml:21:16: error[schema/schema]: spec.containers[1].resources.limits.cpu: true is not a number or a string
  21 |           cpu: true
     |                ^

quantity.yaml:23:13: error[schema/schema]: spec.containers[1].resources.limits.memory: a map is not a number or a string
  23 |             gb: 1
     |             ^

quantity.yaml:25:16: error[schema/schema]: spec.containers[1].resources.requests.cpu: "2 cores" is not a quantity (like 500m, 1, 2Gi or 128974848)
  25 |           cpu: 2 cores
     |                ^

quantity.yaml:26:19: error[schema/schema]: spec.containers[1].resources.requests.memory: "1GB" is not a quantity (like 500m, 1, 2Gi or 128974848)
  26 |           memory: 1GB
     |                   ^

quantity.yaml:1:1: Pod/sizes: invalid

1 resource: 0 valid, 1 invalid, 0 not checked, 0 skipped
4 findings: 4 errors, 0 warnings, 0 infos (0 exempted)
"#,
        1,
    );
}

/// A kind without a schema is an error by default.
#[test]
fn missing_schema_is_an_error() {
    check(
        &["validate", "missing-schema.yaml"],
        None,
        r#"missing-schema.yaml:2:7: error[missing-schema/missing-schema]: no schema for example.com/v1 Widget (Kubernetes 1.37, bundled CRDs and --schema-location)
  2 | kind: Widget
    |       ^
  help: import the CRD with `shipshape schema import <crd.yaml>` and pass --schema-location, or pass --ignore-missing-schemas

missing-schema.yaml:1:1: Widget/gadget: error: no schema for example.com/v1 Widget (Kubernetes 1.37, bundled CRDs and --schema-location)

1 resource: 0 valid, 0 invalid, 1 not checked, 0 skipped
1 finding: 1 error, 0 warnings, 0 infos (0 exempted)
"#,
        1,
    );
}

/// --ignore-missing-schemas skips it.
#[test]
fn missing_schema_can_be_skipped() {
    check(
        &[
            "validate",
            "--ignore-missing-schemas",
            "missing-schema.yaml",
        ],
        None,
        r#"missing-schema.yaml:1:1: Widget/gadget: skipped: no schema for example.com/v1 Widget (Kubernetes 1.37, bundled CRDs and --schema-location)

1 resource: 0 valid, 0 invalid, 0 not checked, 1 skipped
"#,
        0,
    );
}

/// Without --skip the broken Secret is reported.
#[test]
fn skip_without_flag_validates_every_kind() {
    check(
        &["validate", "skip.yaml"],
        None,
        r#"skip.yaml:5:13: error[schema/schema]: stringData: <secret> is not a map
  5 | stringData: ***
    |             ^

skip.yaml:1:1: Secret/creds: invalid

2 resources: 1 valid, 1 invalid, 0 not checked, 0 skipped
1 finding: 1 error, 0 warnings, 0 infos (0 exempted)
"#,
        1,
    );
}

/// --skip Secret skips it; the ConfigMap is still validated.
#[test]
fn skip_kinds() {
    check(
        &["validate", "--skip", "Secret,Job", "skip.yaml"],
        None,
        r#"skip.yaml:1:1: Secret/creds: skipped: Secret is skipped (--skip)

2 resources: 1 valid, 0 invalid, 0 not checked, 1 skipped
"#,
        0,
    );
}

/// Each item of a kind: List is its own resource, located inside the list.
#[test]
fn list_items_are_resources() {
    check(
        &["validate", "list.yaml"],
        None,
        r#"list.yaml:15:10: error[schema/schema]: data.b: 2 is not a string
  15 |       b: 2
     |          ^

list.yaml:10:5: ConfigMap/bad: invalid

2 resources: 1 valid, 1 invalid, 0 not checked, 0 skipped
1 finding: 1 error, 0 warnings, 0 infos (0 exempted)
"#,
        1,
    );
}

/// A duplicate key is an error that names both lines, on the resource that holds it, with
/// or without --strict (kubectl rejects it).
#[test]
fn duplicate_keys_fail_in_strict_mode() {
    for args in [
        &["validate", "--strict", "duplicate-key.yaml"][..],
        &["validate", "duplicate-key.yaml"][..],
    ] {
        check(
            args,
            None,
            r#"duplicate-key.yaml:7:3: error[duplicate-key/duplicate-key]: duplicate key `mode` (first defined at line 6); remove one of them
  7 |   mode: slow
    |   ^
  help: remove one of the two keys

duplicate-key.yaml:1:1: ConfigMap/twice: invalid

1 resource: 0 valid, 1 invalid, 0 not checked, 0 skipped
1 finding: 1 error, 0 warnings, 0 infos (0 exempted)
"#,
            1,
        );
    }
}

/// A syntax error carries line:col.
#[test]
fn broken_yaml_is_located() {
    check(
        &["validate", "broken.yaml"],
        None,
        r#"broken.yaml:6:1: error[yaml/yaml]: while parsing a flow sequence, expected ',' or ']'
  help: fix the YAML syntax at this position (indentation, quotes, brackets)

broken.yaml:6:1: file: error: while parsing a flow sequence, expected ',' or ']'

1 resource: 0 valid, 0 invalid, 1 not checked, 0 skipped
1 finding: 1 error, 0 warnings, 0 infos (0 exempted)
"#,
        2,
    );
}

/// A file that is not UTF-8 is an error at the first bad byte.
#[test]
fn not_utf8_is_an_error() {
    check(
        &["validate", "not-utf8.yaml"],
        None,
        r#"not-utf8.yaml:4:12: error[yaml/yaml]: file is not valid UTF-8
  help: save the file as UTF-8

not-utf8.yaml:4:12: file: error: file is not valid UTF-8

1 resource: 0 valid, 0 invalid, 1 not checked, 0 skipped
1 finding: 1 error, 0 warnings, 0 infos (0 exempted)
"#,
        2,
    );
}

/// `-` reads the manifests from stdin.
#[test]
fn stdin() {
    check(
        &["validate", "--strict", "-"],
        Some("wrong-type.yaml"),
        r#"-:6:13: error[schema/schema]: spec.replicas: "three" is not an integer
  6 |   replicas: three
    |             ^

-:19:30: error[schema/schema]: spec.template.spec.containers[0].ports[0].containerPort: "8080" is not an integer
  19 |             - containerPort: "8080"
     |                              ^

-:1:1: Deployment/web: invalid

1 resource: 0 valid, 1 invalid, 0 not checked, 0 skipped
2 findings: 2 errors, 0 warnings, 0 infos (0 exempted)
"#,
        1,
    );
}

/// A folder: .yaml, .yml and .json files, recursively; a broken file does not stop the others.
#[test]
fn folders_are_searched_recursively() {
    check(
        &["validate", "--strict", "folder"],
        None,
        r#"folder/nested/b.yml:5:31: error[schema/schema]: automountServiceAccountToken: "no" is not a boolean (true or false)
  5 | automountServiceAccountToken: "no"
    |                               ^

folder/nested/broken.yaml:6:1: error[yaml/yaml]: while parsing a flow sequence, expected ',' or ']'
  help: fix the YAML syntax at this position (indentation, quotes, brackets)

folder/nested/b.yml:1:1: ServiceAccount/b: invalid
folder/nested/broken.yaml:6:1: file: error: while parsing a flow sequence, expected ',' or ']'

4 resources: 2 valid, 1 invalid, 1 not checked, 0 skipped
2 findings: 2 errors, 0 warnings, 0 infos (0 exempted)
"#,
        2,
    );
}

/// Removed APIs name the version that removed them and the replacement.
#[test]
fn removed_apis_are_named() {
    check(
        &["validate", "removed-api.yaml"],
        None,
        r#"removed-api.yaml:1:13: error[removed-api/removed-api]: policy/v1beta1 PodDisruptionBudget was removed in Kubernetes 1.25; use policy/v1
  1 | apiVersion: policy/v1beta1
    |             ^
  help: change apiVersion to policy/v1 and check the fields that changed with it

removed-api.yaml:8:13: error[removed-api/removed-api]: extensions/v1beta1 Ingress was removed in Kubernetes 1.22; use networking.k8s.io/v1
  8 | apiVersion: extensions/v1beta1
    |             ^
  help: change apiVersion to networking.k8s.io/v1 and check the fields that changed with it

removed-api.yaml:13:13: error[removed-api/removed-api]: batch/v1beta1 CronJob was removed in Kubernetes 1.25; use batch/v1
  13 | apiVersion: batch/v1beta1
     |             ^
  help: change apiVersion to batch/v1 and check the fields that changed with it

removed-api.yaml:1:1: PodDisruptionBudget/web: invalid: policy/v1beta1 PodDisruptionBudget was removed in Kubernetes 1.25; use policy/v1
removed-api.yaml:8:1: Ingress/web: invalid: extensions/v1beta1 Ingress was removed in Kubernetes 1.22; use networking.k8s.io/v1
removed-api.yaml:13:1: CronJob/nightly: invalid: batch/v1beta1 CronJob was removed in Kubernetes 1.25; use batch/v1

3 resources: 0 valid, 3 invalid, 0 not checked, 0 skipped
3 findings: 3 errors, 0 warnings, 0 infos (0 exempted)
"#,
        1,
    );
}

/// ServiceMonitor, Canary, VirtualService (v1, v1beta1, v1alpha3) and DestinationRule are validated.
#[test]
fn bundled_crds() {
    check(
        &["validate", "--strict", "crds"],
        None,
        r#"crds/canary.yaml:29:11: error[schema/schema]: spec.service.port: "eighty" is not a number
  29 |     port: "eighty"
     |           ^

crds/canary.yaml:31:5: error[schema/schema]: spec.analysis: missing required field "interval"
  31 |     threshold: 5
     |     ^
  help: add "interval"

crds/canary.yaml:31:5: error[schema/schema]: spec.analysis: missing required field "iterations"
  31 |     threshold: 5
     |     ^
  help: add "iterations"

crds/destinationrule.yaml:23:3: error[schema/schema]: spec: missing required field "host"
  23 |   hosts: users
     |   ^
  help: add "host"

crds/destinationrule.yaml:23:3: error[schema/schema]: spec.hosts: unknown field
  23 |   hosts: users
     |   ^
  help: did you mean `host`?

crds/destinationrule.yaml:25:7: error[schema/schema]: spec.subsets[0]: missing required field "name"
  25 |     - labels:
     |       ^
  help: add "name"

crds/destinationrule.yaml:26:16: error[schema/schema]: spec.subsets[0].labels.track: 1 is not a string
  26 |         track: 1
     |                ^

crds/servicemonitor.yaml:26:7: error[schema/schema]: spec.endpoints[0].intervall: unknown field
  26 |       intervall: 30s
     |       ^
  help: did you mean `interval`?

crds/servicemonitor.yaml:27:15: error[schema/schema]: spec.endpoints[0].scheme: "gopher" is not one of "http", "https", "HTTP", "HTTPS"
  27 |       scheme: gopher
     |               ^

crds/virtualservice.yaml:24:10: error[schema/schema]: spec.hosts: "users" is not a list
  24 |   hosts: users
     |          ^

crds/virtualservice.yaml:37:19: error[schema/schema]: spec.http[0].route[0].weight: "ten" is not an integer
  37 |           weight: ten
     |                   ^

crds/canary.yaml:19:1: Canary/broken: invalid
crds/destinationrule.yaml:18:1: DestinationRule/broken: invalid
crds/servicemonitor.yaml:16:1: ServiceMonitor/broken: invalid
crds/virtualservice.yaml:19:1: VirtualService/legacy: invalid
crds/virtualservice.yaml:26:1: VirtualService/old: invalid

9 resources: 4 valid, 5 invalid, 0 not checked, 0 skipped
11 findings: 11 errors, 0 warnings, 0 infos (0 exempted)
"#,
        1,
    );
}

/// A Compose file is detected by its services and checked against the Compose spec.
#[test]
fn compose_typo() {
    check(
        &["validate", "--strict", "compose.yaml"],
        None,
        r#"compose.yaml:6:5: error[schema/schema]: services.web.enviroment: unknown field
  6 |     enviroment:
    |     ^
  help: did you mean `environment`?

compose.yaml:1:1: compose: invalid

1 resource: 0 valid, 1 invalid, 0 not checked, 0 skipped
1 finding: 1 error, 0 warnings, 0 infos (0 exempted)
"#,
        1,
    );
}

/// values.yaml is validated as Helm values.
#[test]
fn helm_values_valid() {
    check(
        &["validate", "--strict", "values.yaml"],
        None,
        r#"1 resource: 1 valid, 0 invalid, 0 not checked, 0 skipped
"#,
        0,
    );
}

/// Nested Kubernetes shapes in Helm values are checked too.
#[test]
fn helm_values_invalid() {
    check(
        &["validate", "--strict", "values-bad.yaml"],
        None,
        r#"values-bad.yaml:1:15: error[schema/schema]: replicaCount: "2" is not an integer
  1 | replicaCount: "2"
    |               ^

values-bad.yaml:4:15: error[schema/schema]: image.pullPolicy: "Sometimes" is not one of "Always", "IfNotPresent", "Never"
  4 |   pullPolicy: Sometimes
    |               ^

values-bad.yaml:7:10: error[schema/schema]: resources.limits.cpu: "lots" is not a quantity (like 500m, 1, 2Gi or 128974848)
  7 |     cpu: lots
    |          ^

values-bad.yaml:10:5: error[schema/schema]: livenessProbe.httpGet: missing required field "port"
  10 |     path: /healthz
     |     ^
  help: add "port"

values-bad.yaml:11:5: error[schema/schema]: livenessProbe.httpGet.prot: unknown field
  11 |     prot: 8080
     |     ^
  help: did you mean `port`?

values-bad.yaml:12:1: error[schema/schema]: replicas: unknown field
  12 | replicas: 3
     | ^
  help: did you mean `replicaCount`?

values-bad.yaml:1:1: helm-values: invalid

1 resource: 0 valid, 1 invalid, 0 not checked, 0 skipped
6 findings: 6 errors, 0 warnings, 0 infos (0 exempted)
"#,
        1,
    );
}

/// --target helm-values for a stream whose name says nothing.
#[test]
fn helm_values_by_target() {
    check(
        &["validate", "--strict", "--target", "helm-values", "-"],
        Some("values-bad.yaml"),
        r#"-:1:15: error[schema/schema]: replicaCount: "2" is not an integer
  1 | replicaCount: "2"
    |               ^

-:4:15: error[schema/schema]: image.pullPolicy: "Sometimes" is not one of "Always", "IfNotPresent", "Never"
  4 |   pullPolicy: Sometimes
    |               ^

-:7:10: error[schema/schema]: resources.limits.cpu: "lots" is not a quantity (like 500m, 1, 2Gi or 128974848)
  7 |     cpu: lots
    |          ^

-:10:5: error[schema/schema]: livenessProbe.httpGet: missing required field "port"
  10 |     path: /healthz
     |     ^
  help: add "port"

-:11:5: error[schema/schema]: livenessProbe.httpGet.prot: unknown field
  11 |     prot: 8080
     |     ^
  help: did you mean `port`?

-:12:1: error[schema/schema]: replicas: unknown field
  12 | replicas: 3
     | ^
  help: did you mean `replicaCount`?

-:1:1: helm-values: invalid

1 resource: 0 valid, 1 invalid, 0 not checked, 0 skipped
6 findings: 6 errors, 0 warnings, 0 infos (0 exempted)
"#,
        1,
    );
}

/// Values with a top-level `controllers` map are checked against the bundled schema of the
/// bjw-s app-template chart.
#[test]
fn app_template_values_valid() {
    check(
        &["validate", "app-template/values.yaml"],
        None,
        "1 resource: 1 valid, 0 invalid, 0 not checked, 0 skipped\n",
        0,
    );
}

/// Unknown keys in app-template values are errors at their line, without --strict (Helm
/// enforces the chart's schema), at the top level and in nested Kubernetes shapes too.
#[test]
fn app_template_values_unknown_keys() {
    let expected = r#"app-template/values-bad.yaml:3:5: error[schema/schema]: controllers.web.replica: unknown field
  3 |     replica: 2
    |     ^
  help: did you mean `replicas`?

app-template/values-bad.yaml:15:15: error[schema/schema]: controllers.web.containers.web.probes.liveness.spec.periodSecond: unknown field
  15 |               periodSecond: 10
     |               ^
  help: did you mean `periodSeconds`?

app-template/values-bad.yaml:22:1: error[schema/schema]: persistance: unknown field
  22 | persistance:
     | ^
  help: did you mean `persistence`?

app-template/values-bad.yaml:1:1: helm-values: invalid

1 resource: 0 valid, 1 invalid, 0 not checked, 0 skipped
3 findings: 3 errors, 0 warnings, 0 infos (0 exempted)
"#;
    check(
        &["validate", "app-template/values-bad.yaml"],
        None,
        expected,
        1,
    );
    // By shape, not by name: the same stream through stdin.
    check(
        &["validate", "--target", "helm-values", "-"],
        Some("app-template/values-bad.yaml"),
        &expected.replace("app-template/values-bad.yaml:", "-:"),
        1,
    );
}

/// Broken, valid and invalid files in one run.
#[test]
fn one_bad_file_does_not_stop_the_run() {
    check(
        &[
            "validate",
            "--strict",
            "broken.yaml",
            "valid.yaml",
            "wrong-type.yaml",
        ],
        None,
        r#"broken.yaml:6:1: error[yaml/yaml]: while parsing a flow sequence, expected ',' or ']'
  help: fix the YAML syntax at this position (indentation, quotes, brackets)

wrong-type.yaml:6:13: error[schema/schema]: spec.replicas: "three" is not an integer
  6 |   replicas: three
    |             ^

wrong-type.yaml:19:30: error[schema/schema]: spec.template.spec.containers[0].ports[0].containerPort: "8080" is not an integer
  19 |             - containerPort: "8080"
     |                              ^

broken.yaml:6:1: file: error: while parsing a flow sequence, expected ',' or ']'
wrong-type.yaml:1:1: Deployment/web: invalid

5 resources: 3 valid, 1 invalid, 1 not checked, 0 skipped
3 findings: 3 errors, 0 warnings, 0 infos (0 exempted)
"#,
        2,
    );
}

/// --output json: summary, resources and findings.
#[test]
fn json_output() {
    check(
        &["validate", "--output", "json", "list.yaml"],
        None,
        r#"{
  "version": 1,
  "command": "validate",
  "summary": {
    "resources": {
      "total": 2,
      "valid": 1,
      "invalid": 1,
      "error": 0,
      "skipped": 0
    },
    "findings": {
      "total": 1,
      "error": 1,
      "warning": 0,
      "info": 0,
      "exempted": 0
    }
  },
  "resources": [
    {
      "file": "list.yaml",
      "line": 4,
      "column": 5,
      "object": "ConfigMap/good",
      "status": "valid",
      "reason": null
    },
    {
      "file": "list.yaml",
      "line": 10,
      "column": 5,
      "object": "ConfigMap/bad",
      "status": "invalid",
      "reason": null
    }
  ],
  "findings": [
    {
      "code": "schema",
      "rule": "schema",
      "severity": "error",
      "message": "data.b: 2 is not a string",
      "help": null,
      "file": "list.yaml",
      "line": 15,
      "column": 10,
      "pointer": "/items/1/data/b",
      "object": "ConfigMap/bad",
      "spec": null,
      "exempted": null
    }
  ]
}
"#,
        1,
    );
}

/// --output junit: one test case per resource.
#[test]
fn junit_output() {
    check(
        &[
            "validate",
            "--output",
            "junit",
            "list.yaml",
            "missing-schema.yaml",
        ],
        None,
        r#"<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="shipshape validate" tests="3" failures="1" errors="1">
  <testsuite name="list.yaml" tests="2" failures="1" errors="0" skipped="0">
    <testcase name="ConfigMap/good" classname="list.yaml"/>
    <testcase name="ConfigMap/bad" classname="list.yaml">
      <failure message="data.b: 2 is not a string" type="invalid">list.yaml:15:10: error[schema/schema]: data.b: 2 is not a string
</failure>
    </testcase>
  </testsuite>
  <testsuite name="missing-schema.yaml" tests="1" failures="0" errors="1" skipped="0">
    <testcase name="Widget/gadget" classname="missing-schema.yaml">
      <error message="no schema for example.com/v1 Widget (Kubernetes 1.37, bundled CRDs and --schema-location)" type="error">missing-schema.yaml:2:7: error[missing-schema/missing-schema]: no schema for example.com/v1 Widget (Kubernetes 1.37, bundled CRDs and --schema-location)
  help: import the CRD with `shipshape schema import &lt;crd.yaml&gt;` and pass --schema-location, or pass --ignore-missing-schemas
</error>
    </testcase>
  </testsuite>
</testsuites>
"#,
        1,
    );
}

/// --verbose lists valid and skipped resources too.
#[test]
fn verbose_lists_every_resource() {
    check(
        &[
            "validate",
            "--verbose",
            "valid.yaml",
            "skip.yaml",
            "--skip",
            "Secret",
        ],
        None,
        r#"skip.yaml:1:1: Secret/creds: skipped: Secret is skipped (--skip)
skip.yaml:7:1: ConfigMap/settings: valid
valid.yaml:1:1: Deployment/shop/web: valid
valid.yaml:30:1: Service/shop/web: valid
valid.yaml:42:1: ConfigMap/shop/nulls: valid

5 resources: 4 valid, 0 invalid, 0 not checked, 1 skipped
"#,
        0,
    );
}

/// --format github: one annotation per finding.
#[test]
fn github_annotations() {
    check(
        &["validate", "--format", "github", "wrong-type.yaml"],
        None,
        r#"::error file=wrong-type.yaml,line=6,col=13,title=schema schema::spec.replicas: "three" is not an integer
::error file=wrong-type.yaml,line=19,col=30,title=schema schema::spec.template.spec.containers[0].ports[0].containerPort: "8080" is not an integer
1 resource: 0 valid, 1 invalid, 0 not checked, 0 skipped
2 findings: 2 errors, 0 warnings, 0 infos (0 exempted)
"#,
        1,
    );
}

/// --kubernetes-version accepts v1.37.1.
#[test]
fn kubernetes_version() {
    check(
        &[
            "validate",
            "--strict",
            "--kubernetes-version",
            "v1.37.1",
            "valid.yaml",
        ],
        None,
        r#"3 resources: 3 valid, 0 invalid, 0 not checked, 0 skipped
"#,
        0,
    );
}

/// ClusterTrustBundle certificates.k8s.io/v1 exists in Kubernetes 1.37 (the default).
#[test]
fn kind_new_in_1_37() {
    check(
        &["validate", "--strict", "new-in-1.37.yaml"],
        None,
        r#"1 resource: 1 valid, 0 invalid, 0 not checked, 0 skipped
"#,
        0,
    );
}

/// ... and not in 1.33: the version selects the schemas.
#[test]
fn kind_missing_in_1_33() {
    check(
        &[
            "validate",
            "--strict",
            "--kubernetes-version",
            "1.33",
            "new-in-1.37.yaml",
        ],
        None,
        r#"new-in-1.37.yaml:2:7: error[missing-schema/missing-schema]: no schema for certificates.k8s.io/v1 ClusterTrustBundle (Kubernetes 1.33, bundled CRDs and --schema-location)
  2 | kind: ClusterTrustBundle
    |       ^
  help: import the CRD with `shipshape schema import <crd.yaml>` and pass --schema-location, or pass --ignore-missing-schemas

new-in-1.37.yaml:1:1: ClusterTrustBundle/example: error: no schema for certificates.k8s.io/v1 ClusterTrustBundle (Kubernetes 1.33, bundled CRDs and --schema-location)

1 resource: 0 valid, 0 invalid, 1 not checked, 0 skipped
1 finding: 1 error, 0 warnings, 0 infos (0 exempted)
"#,
        1,
    );
}

/// The seed systems' manifests, Compose files and Helm values are schema-valid.
#[test]
fn seed_manifests() {
    check(
        &["validate", "--strict", "seed-manifests"],
        None,
        r#"30 resources: 30 valid, 0 invalid, 0 not checked, 0 skipped
"#,
        0,
    );
}

#[test]
fn unknown_kubernetes_version_is_a_usage_error() {
    let (stdout, stderr, code) = run(
        &["validate", "--kubernetes-version", "1.20", "valid.yaml"],
        None,
    );
    assert_eq!(stdout, "");
    assert_eq!(
        stderr,
        r#"error: no schemas for Kubernetes 1.20; embedded versions: 1.33, 1.34, 1.35, 1.36, 1.37
"#
    );
    assert_eq!(code, 2);
}

#[test]
fn missing_path_is_a_usage_error() {
    let (stdout, stderr, code) = run(&["validate", "nope.yaml"], None);
    assert_eq!(stdout, "");
    assert_eq!(
        stderr,
        r#"error: nope.yaml: cannot read: No such file or directory (os error 2); check the path
"#
    );
    assert_eq!(code, 2);
}

/// Text and GitHub output are written file by file as results arrive; with a format that
/// needs the whole report they are written at the end. Both give the same bytes, on stdout
/// and in files.
#[test]
fn streamed_and_collected_output_agree() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("report.json");
    let json_arg = format!("json={}", json.display());
    for format in ["text", "github"] {
        for verbose in [&[][..], &["--verbose"][..]] {
            let mut args = vec!["validate", "--strict", ".", "--format", format];
            args.extend(verbose);
            let (streamed, _, streamed_code) = run(&args, None);
            assert!(streamed.lines().count() > 20, "{streamed}");

            let mut collected_args = args.clone();
            collected_args.extend(["--format", &json_arg]);
            let (collected, _, collected_code) = run(&collected_args, None);
            assert_eq!(streamed, collected, "{format} {verbose:?}");
            // The fixtures hold broken.yaml: an input error.
            assert_eq!((streamed_code, collected_code), (2, 2));
            assert!(json.is_file());

            let file = dir.path().join(format!("report.{format}"));
            let file_arg = format!("{format}={}", file.display());
            let mut file_args = vec!["validate", "--strict", ".", "--format", &file_arg];
            file_args.extend(verbose);
            let (stdout, _, code) = run(&file_args, None);
            assert_eq!((stdout.as_str(), code), ("", 2));
            assert_eq!(std::fs::read_to_string(&file).unwrap(), streamed);
        }
    }
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(names.len(), 3, "no temporary file is left: {names:?}");
}

/// The report is in file order whatever the order of the arguments.
#[test]
fn files_are_reported_in_order() {
    let (sorted, _, code) = run(
        &["validate", "broken.yaml", "valid.yaml", "wrong-type.yaml"],
        None,
    );
    let (shuffled, _, shuffled_code) = run(
        &["validate", "wrong-type.yaml", "valid.yaml", "broken.yaml"],
        None,
    );
    assert_eq!(shuffled, sorted);
    assert_eq!(
        (code, shuffled_code),
        (2, 2),
        "a file that is not YAML is an input error"
    );
    assert!(
        sorted.starts_with("broken.yaml:6:1: error[yaml/yaml]"),
        "{sorted}"
    );
}

/// A folder without manifests gives no input at all: an input error, not a green run.
#[test]
fn an_empty_folder_is_an_input_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes.txt"), "not a manifest").unwrap();
    let path = dir.path().to_str().unwrap();
    let (stdout, stderr, code) = run(&["validate", path], None);
    assert_eq!(stdout, "");
    assert_eq!(
        stderr,
        format!(
            "warning: {path}: no .yaml, .yml or .json files in this folder\n\
             error: no manifest files in {path}: give files, or folders holding .yaml, .yml or \
             .json files\n"
        )
    );
    assert_eq!(code, 2);
}
