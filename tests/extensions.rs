//! Extension data: `extensions` in app.yaml, an environment file or a component, typed by
//! the workspace's `schemas/extensions.schema.json` and read by the workspace's templates.
//! Valid data renders; invalid data, data without a schema and a broken schema are errors at
//! file:line:col with a fix (exit 2, nothing written); templates work without the data.

use std::path::Path;
use std::process::Output;

mod common;

use common::{shipshape, workspace};

const SCHEMA: &str = r##"{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "type": "object",
  "additionalProperties": false,
  "properties": {
    "alerting": {
      "description": "Who is alerted about the workload, and when.",
      "type": "object",
      "additionalProperties": false,
      "required": ["team"],
      "properties": {
        "team": {"type": "string", "minLength": 1},
        "severity": {"enum": ["page", "ticket"]},
        "errorRatePercent": {"type": "number", "minimum": 0, "maximum": 100},
        "channels": {"type": "array", "items": {"type": "string"}}
      }
    }
  }
}
"##;

/// A workspace template: one ConfigMap for the app (with defaults when it has no
/// `alerting`), and one for each component that has.
const TEMPLATE: &str = r#"{% macro alerting_map(owner, alerting) %}
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ (owner ~ "-alerting") | quote }}
  namespace: {{ namespace | quote }}
data:
  team: {{ alerting.team | default("unowned") | quote }}
  severity: {{ alerting.severity | default("ticket") | quote }}
  errorRatePercent: {{ alerting.errorRatePercent | default(5) | quote }}
  channels: {{ alerting.channels | default([]) | join(",") | quote }}
{% endmacro %}
{{ alerting_map(name, extensions.alerting | default({})) }}
{% for c in components %}
{% if c.extensions.alerting is defined %}
---
{{ alerting_map(c.name, c.extensions.alerting) }}
{% endif %}
{% endfor %}
"#;

const APP: &str = r##"namespace: shop
image: {repository: shop/web, tag: 1.4.0}
extensions:
  alerting:
    team: storefront
    severity: ticket
    channels: ["#shop", "#oncall"]
components:
  worker:
    image: {repository: shop/worker, tag: 1.4.0}
    extensions:
      alerting: {team: jobs, errorRatePercent: 2.5}
"##;

const PRODUCTION: &str = r##"extensions:
  alerting:
    severity: page
    channels: ["#oncall"]
"##;

/// A workspace with the template, the given schema (if any), app.yaml and production.yaml.
fn shop(schema: Option<&str>, app: &str, production: &str) -> tempfile::TempDir {
    let mut files = vec![
        ("templates/kubernetes/95-alerting.yaml.j2", TEMPLATE),
        ("environments/shop/app.yaml", app),
        ("environments/shop/production.yaml", production),
    ];
    if let Some(schema) = schema {
        files.push(("schemas/extensions.schema.json", schema));
    }
    workspace(&files)
}

/// Renders the workspace; (exit code, stderr, the rendered kubernetes.yaml of shop/production).
fn render(ws: &Path) -> (Option<i32>, String, Option<String>) {
    let out = tempfile::tempdir().unwrap();
    let o = shipshape(&[
        "render",
        "--workspace",
        ws.to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
    ]);
    let file = std::fs::read_to_string(out.path().join("shop/production/kubernetes.yaml")).ok();
    (o.status.code(), stderr(&o), file)
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The rendered documents from the app's alerting ConfigMap on.
fn alerting_part(file: &str) -> &str {
    let start = file
        .find("---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: shop-alerting\n")
        .unwrap_or_else(|| panic!("no shop-alerting ConfigMap in:\n{file}"));
    &file[start..]
}

/// `check` of the workspace: (exit code, stderr).
fn check(ws: &Path) -> (Option<i32>, String) {
    let o = shipshape(&["check", "--workspace", ws.to_str().unwrap()]);
    (o.status.code(), stderr(&o))
}

#[test]
fn extension_data_is_layered_and_rendered_by_the_workspace_template() {
    let ws = shop(Some(SCHEMA), APP, PRODUCTION);
    let (code, err, file) = render(ws.path());
    assert_eq!((code, err.as_str()), (Some(0), ""));
    // team from app.yaml, severity from production.yaml (maps merge), channels replaced
    // as a whole (lists replace); the component's own data renders its own object.
    assert_eq!(
        alerting_part(&file.unwrap()),
        "---
apiVersion: v1
kind: ConfigMap
metadata:
  name: shop-alerting
  namespace: shop
data:
  team: storefront
  severity: page
  errorRatePercent: '5'
  channels: '#oncall'
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: worker-alerting
  namespace: shop
data:
  team: jobs
  severity: ticket
  errorRatePercent: '2.5'
  channels: ''
"
    );
}

#[test]
fn explain_value_shows_where_extension_keys_were_set() {
    let ws = shop(Some(SCHEMA), APP, PRODUCTION);
    let explain = |key: &str| {
        let o = shipshape(&[
            "explain-value",
            "--workspace",
            ws.path().to_str().unwrap(),
            "shop/production",
            key,
        ]);
        (
            o.status.code(),
            String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr(&o),
        )
    };
    assert_eq!(
        explain("extensions.alerting"),
        (
            Some(0),
            "shop/production extensions.alerting =
    team: storefront
    severity: page
    channels:
    - '#oncall'
  set at environments/shop/production.yaml:2:3
  its keys:
    extensions.alerting.channels[0] set at environments/shop/production.yaml:4:16
    extensions.alerting.severity set at environments/shop/production.yaml:3:5
    extensions.alerting.team set at environments/shop/app.yaml:5:5
"
            .to_string(),
            String::new()
        )
    );
    assert_eq!(
        explain("components.worker.extensions.alerting.errorRatePercent"),
        (
            Some(0),
            "shop/production components.worker.extensions.alerting.errorRatePercent = 2.5
  set at environments/shop/app.yaml:12:30
"
            .to_string(),
            String::new()
        )
    );
    // A near miss is answered from the workspace's schema.
    let (code, out, err) = explain("extensions.alerting.severty");
    assert_eq!((code, out.as_str()), (Some(2), ""));
    assert_eq!(
        err,
        "error: shop/production has no value at `extensions.alerting.severty`; did you mean `extensions.alerting.severity`?\n"
    );
}

#[test]
fn invalid_extension_data_is_located_with_what_was_expected() {
    let production = "\
extensions:
  alerting:
    severty: page
    errorRatePercent: lots
components:
  worker:
    extensions:
      alerting: {team: jobs, severity: pager}
      owner: me
extension: {}
";
    let ws = shop(Some(SCHEMA), APP, production);
    let (code, err) = check(ws.path());
    assert_eq!(code, Some(2));
    assert_eq!(
        err,
        "error: environment shop/production has 5 errors:
environments/shop/production.yaml:3:5: unknown key `severty` in `extensions.alerting`
  help: did you mean `severity`?
environments/shop/production.yaml:4:23: `extensions.alerting.errorRatePercent`: expected a number, found the string \"lots\"
environments/shop/production.yaml:8:40: `components.worker.extensions.alerting.severity`: `pager` is not allowed
  help: did you mean `page`?
environments/shop/production.yaml:9:7: unknown key `owner` in `components.worker.extensions`
  help: expected one of: alerting
environments/shop/production.yaml:10:1: unknown key `extension` in the spec
  help: did you mean `extensions`?

"
    );
    // Nothing is written.
    let (code, _, file) = render(ws.path());
    assert_eq!((code, file), (Some(2), None));
}

#[test]
fn bounds_required_keys_and_types_of_extension_data_are_checked() {
    let production = "\
extensions:
  alerting:
    team: null
    errorRatePercent: 300
    channels: \"#x\"
";
    let ws = shop(Some(SCHEMA), APP, production);
    let (code, err) = check(ws.path());
    assert_eq!(code, Some(2));
    assert_eq!(
        err,
        "error: environment shop/production has 3 errors:
environments/shop/production.yaml:2:3: missing required key `team` in `extensions.alerting`
  help: add `team:` (in app.yaml if every environment shares it)
environments/shop/production.yaml:4:23: `extensions.alerting.errorRatePercent`: the number 300 is above the maximum 100
environments/shop/production.yaml:5:15: `extensions.alerting.channels`: expected a list, found the string \"#x\"

"
    );
}

#[test]
fn extension_data_holds_no_secret_values() {
    let production = "\
extensions:
  alerting:
    team: ops
    channels: [\"https://hooks.example.com/x?token=abc123def456\"]
";
    let ws = shop(Some(SCHEMA), APP, production);
    let (code, err) = check(ws.path());
    assert_eq!(code, Some(2));
    assert_eq!(
        err,
        "error: environment shop/production has 1 error:
environments/shop/production.yaml:4:16: `channels` holds a password or token inside it, and a spec holds no secret values
  help: move it to a Secret and reference it under `secrets:`

"
    );
    assert!(!err.contains("abc123def456"));
}

#[test]
fn templates_that_read_extension_data_work_without_it() {
    let app = "namespace: shop\nimage: {repository: shop/web, tag: 1.4.0}\n";
    // With the schema and without it: no extension data needs none.
    for schema in [Some(SCHEMA), None] {
        let ws = shop(schema, app, "replicas: 1\n");
        let (code, err, file) = render(ws.path());
        assert_eq!((code, err.as_str()), (Some(0), ""), "schema: {schema:?}");
        assert_eq!(
            alerting_part(&file.unwrap()),
            "---
apiVersion: v1
kind: ConfigMap
metadata:
  name: shop-alerting
  namespace: shop
data:
  team: unowned
  severity: ticket
  errorRatePercent: '5'
  channels: ''
"
        );
    }
}

#[test]
fn extension_data_without_a_schema_says_where_the_schema_goes() {
    let ws = shop(None, APP, PRODUCTION);
    let (code, err) = check(ws.path());
    assert_eq!(code, Some(2));
    let help = "  help: add a JSON Schema of the extension data at `schemas/extensions.schema.json` (its `properties` are the keys allowed under `extensions`), or remove `extensions`";
    assert_eq!(
        err,
        format!(
            "error: environment shop/production has 2 errors:
environments/shop/app.yaml:11:5: `components.worker.extensions` needs a schema, and the workspace has no `schemas/extensions.schema.json`
{help}
environments/shop/production.yaml:1:1: `extensions` needs a schema, and the workspace has no `schemas/extensions.schema.json`
{help}

"
        )
    );
}

#[test]
fn a_broken_schema_is_an_error_at_its_line() {
    let cases = [
        (
            "{\n  \"type\": \"object\",\n  \"properties\": {\n    \"alerting\": {\"type\": \"object\",}\n  }\n}\n",
            "schemas/extensions.schema.json:4:35: the extension schema is not valid JSON: trailing comma
  help: write the schema as one JSON object, e.g. {\"type\": \"object\", \"properties\": {...}}",
        ),
        (
            "{\n  \"type\": \"object\",\n  \"properties\": {\n    \"alerting\": {\"type\": \"objekt\"}\n  }\n}\n",
            "schemas/extensions.schema.json:4:26: the extension schema is not a valid JSON Schema at `properties.alerting.type`: \"objekt\" is not a JSON type
  help: did you mean `object`? `type` is one of array, boolean, integer, null, number, object, string, or a list of them",
        ),
        (
            "{\n  \"properties\": {\n    \"alerting\": {\"$ref\": \"#/$defs/alerting\"}\n  }\n}\n",
            "schemas/extensions.schema.json:3:26: the extension schema is not a valid JSON Schema at `properties.alerting.$ref`: `$ref` `#/$defs/alerting` points at nothing in this file
  help: a `$ref` may only point inside this file, e.g. `#/$defs/panel` with the definition under `$defs`",
        ),
        (
            "[\"alerting\"]\n",
            "schemas/extensions.schema.json:1:1: the extension schema must be a JSON object
  help: describe the `extensions` mapping, e.g. {\"type\": \"object\", \"properties\": {...}}",
        ),
    ];
    for (schema, expected) in cases {
        let ws = shop(Some(schema), APP, PRODUCTION);
        let (code, err, file) = render(ws.path());
        assert_eq!((code, file), (Some(2), None), "{schema}");
        assert_eq!(
            err,
            format!(
                "error: environment shop/production has 1 error:\n{expected}\nerror: 1 of 1 environment failed to render; nothing was written\n"
            ),
            "{schema}"
        );
    }
}

/// This repository's workspace: janua-api's dashboard is extension data rendered by a
/// workspace template; production overrides the refresh of app.yaml.
#[test]
fn the_repository_renders_janua_api_dashboard_from_extension_data() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = tempfile::tempdir().unwrap();
    let o = shipshape(&[
        "render",
        "--workspace",
        repo.to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
        "janua-api/staging",
        "janua-api/production",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    for (env, namespace, refresh) in [
        ("staging", "janua-staging", "1m"),
        ("production", "janua", "30s"),
    ] {
        let text =
            std::fs::read_to_string(out.path().join(format!("janua-api/{env}/kubernetes.yaml")))
                .unwrap();
        let dashboard = serde_yaml::Deserializer::from_str(&text)
            .map(|d| <serde_json::Value as serde::Deserialize>::deserialize(d).unwrap())
            .find(|d| d["metadata"]["name"] == "janua-api-dashboard")
            .unwrap_or_else(|| panic!("{env}: no dashboard ConfigMap"));
        assert_eq!(dashboard["kind"], "ConfigMap");
        assert_eq!(dashboard["metadata"]["namespace"], namespace);
        assert_eq!(dashboard["metadata"]["labels"]["grafana_dashboard"], "1");
        let model: serde_json::Value =
            serde_json::from_str(dashboard["data"]["janua-api.json"].as_str().unwrap()).unwrap();
        assert_eq!(model["refresh"], refresh, "{env}");
        assert_eq!(model["templating"]["list"][1]["query"], namespace);
        let titles: Vec<&str> = model["panels"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["title"].as_str().unwrap())
            .collect();
        assert_eq!(
            titles,
            ["Request rate", "Response time (p95)", "Error rate"]
        );
    }
}
