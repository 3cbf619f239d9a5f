//! Spec errors as a user meets them: every problem of a file at once, each at
//! file:line:col with what was expected and a fix; exit 2; nothing written.

mod common;

use common::workspace;

use std::path::Path;
use std::process::Command;

use shipshape::spec::{EnvId, load_environment};

const APP: &str = "namespace: shop\nimage:\n  repository: shop/web\n  tag: 1.4.0\nports:\n  - name: http\n    containerPort: 8080\n";

fn errors(root: &Path, env: &str) -> String {
    let id = EnvId {
        app: "shop".into(),
        env: env.into(),
    };
    load_environment(root, &id).unwrap_err().to_string()
}

/// The errors of `shop/production` with the shared app.yaml and this production.yaml.
fn production_errors(production: &str) -> String {
    let ws = workspace(&[
        ("environments/shop/app.yaml", APP),
        ("environments/shop/production.yaml", production),
    ]);
    errors(ws.path(), "production")
}

#[test]
fn a_valid_spec_loads_with_layering() {
    let ws = workspace(&[
        ("environments/shop/app.yaml", APP),
        (
            "environments/shop/production.yaml",
            "replicas: 3\nimage:\n  tag: 1.5.0\n",
        ),
    ]);
    let id = EnvId {
        app: "shop".into(),
        env: "production".into(),
    };
    let env = load_environment(ws.path(), &id).unwrap();
    assert_eq!(env.spec.replicas, 3);
    assert_eq!(env.spec.image.reference(), "shop/web:1.5.0");
    assert_eq!(env.name(), "shop");
    let origin = env.layered.origin("/image/tag").unwrap();
    assert_eq!(
        origin.key_location().to_string(),
        "environments/shop/production.yaml:3:3"
    );
    let origin = env.layered.origin("/image/repository").unwrap();
    assert_eq!(
        origin.key_location().to_string(),
        "environments/shop/app.yaml:3:3"
    );
}

#[test]
fn misspelled_key_points_at_it_and_suggests_the_right_one() {
    let ws = workspace(&[
        ("environments/shop/app.yaml", APP),
        ("environments/shop/production.yaml", "replicass: 3\n"),
    ]);
    assert_eq!(
        errors(ws.path(), "production"),
        "environment shop/production has 1 error:\n\
         environments/shop/production.yaml:1:1: unknown key `replicass` in the spec\n  help: did you mean `replicas`?"
    );
}

#[test]
fn nested_misspelling_and_wrong_types_are_all_reported() {
    let ws = workspace(&[
        ("environments/shop/app.yaml", APP),
        (
            "environments/shop/production.yaml",
            "replicas: three\nautoscaling:\n  minReplica: 2\n  maxReplicas: 5\n  cpu: 70\nresources:\n  limits:\n    memory: 2 GB\n",
        ),
    ]);
    assert_eq!(
        errors(ws.path(), "production"),
        "environment shop/production has 3 errors:\n\
         environments/shop/production.yaml:1:11: `replicas`: expected a whole number, found the string \"three\"\n\
         environments/shop/production.yaml:3:3: unknown key `minReplica` in `autoscaling`\n  help: did you mean `minReplicas`?\n\
         environments/shop/production.yaml:8:13: `resources.limits.memory`: the string \"2 GB\" has the wrong form\n  help: expected memory, e.g. `512Mi` or `2Gi`"
    );
}

#[test]
fn missing_required_key_names_it() {
    let ws = workspace(&[(
        "environments/shop/production.yaml",
        "image:\n  repository: shop/web\n  tag: '1'\n",
    )]);
    let text = errors(ws.path(), "production");
    assert!(
        text.contains(
            "environments/shop/production.yaml:1:1: missing required key `namespace` in the spec"
        ),
        "{text}"
    );
}

#[test]
fn enum_values_suggest_the_closest() {
    let text = production_errors("image:\n  pullPolicy: IfNotPresnt\n");
    assert!(
        text.contains("production.yaml:2:15: `image.pullPolicy`: `IfNotPresnt` is not allowed\n  help: did you mean `IfNotPresent`?"),
        "{text}"
    );
}

#[test]
fn literal_secrets_are_refused() {
    let text = production_errors(
        "config:\n  data:\n    LOG_LEVEL: info\n    JWT_SECRET: hunter2\n    CACHE_URL: redis://:pw@redis:6379\n",
    );
    assert!(
        text.contains("production.yaml:4:17: `JWT_SECRET` looks like a secret"),
        "{text}"
    );
    assert!(
        text.contains("production.yaml:5:16: `CACHE_URL` holds a URL with a password"),
        "{text}"
    );
    assert!(
        !text.contains("hunter2") && !text.contains(":pw@"),
        "a secret value was printed: {text}"
    );
}

#[test]
fn probe_ports_must_exist() {
    let text = production_errors("probes:\n  liveness:\n    http: {path: /health, port: htp}\n");
    assert!(
        text.contains("production.yaml:3:33: probe `liveness` uses port `htp`, which `ports` does not declare\n  help: did you mean `http`?"),
        "{text}"
    );
}

#[test]
fn yaml_syntax_errors_are_located() {
    let text = production_errors("replicas: 3\n  image: x\n");
    assert!(
        text.starts_with(
            "environment shop/production has 1 error:\nenvironments/shop/production.yaml:2:"
        ),
        "{text}"
    );
    assert!(text.contains("YAML syntax error"), "{text}");
}

#[test]
fn duplicate_keys_are_errors() {
    let text = production_errors("replicas: 3\nreplicas: 4\n");
    assert!(
        text.contains("production.yaml:2:1: YAML syntax error: duplicate key `replicas`"),
        "{text}"
    );
}

#[test]
fn unreadable_file_is_reported_with_its_path() {
    let ws = workspace(&[("environments/shop/app.yaml", APP)]);
    let text = errors(ws.path(), "production");
    assert!(
        text.contains("environments/shop/production.yaml:1:1: cannot read the file"),
        "{text}"
    );
}

#[test]
fn explain_value_names_the_file_and_line() {
    let ws = workspace(&[
        ("environments/shop/app.yaml", APP),
        ("environments/shop/production.yaml", "replicas: 3\n"),
    ]);
    let out = Command::new(env!("CARGO_BIN_EXE_shipshape"))
        .args([
            "explain-value",
            "shop/production",
            "image.tag",
            "--workspace",
        ])
        .arg(ws.path())
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "shop/production image.tag = \"1.4.0\"\n  set at environments/shop/app.yaml:4:3\n"
    );
    assert_eq!(out.status.code(), Some(0));

    let out = Command::new(env!("CARGO_BIN_EXE_shipshape"))
        .args([
            "explain-value",
            "shop/production",
            "service.type",
            "--workspace",
        ])
        .arg(ws.path())
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "shop/production service.type = \"ClusterIP\"\n  default (not set in app.yaml or production.yaml)\n"
    );

    let out = Command::new(env!("CARGO_BIN_EXE_shipshape"))
        .args([
            "explain-value",
            "shop/production",
            "replicaz",
            "--workspace",
        ])
        .arg(ws.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: shop/production has no value at `replicaz`; did you mean `replicas`?\n"
    );
}

/// A number too large for its field is an error at the value with the range, not a failure
/// to read the spec at `file:1:1`.
#[test]
fn a_number_out_of_its_fields_range_is_an_error_at_the_value() {
    let e =
        production_errors("replicas: 5000000000\nports:\n  - {name: http, containerPort: 70000}\n");
    assert!(
        e.contains("environments/shop/production.yaml:1:11: `replicas`: the number 5000000000 is above the maximum 4294967295"),
        "{e}"
    );
    assert!(e.contains("production.yaml:3:33:"), "{e}");
    assert!(e.contains("above the maximum 65535"), "{e}");
    assert!(!e.contains(":1:1:"), "{e}");
}

/// An app folder whose name holds a line break would break the header comment of every
/// rendered file (and cannot name objects): it is refused, escaped, before anything renders.
#[test]
fn an_app_folder_name_with_a_newline_is_refused() {
    let ws = workspace(&[("environments/we\nb/production.yaml", APP)]);
    let out = ws.path().join("out");
    let o = Command::new(env!("CARGO_BIN_EXE_shipshape"))
        .current_dir(ws.path())
        .args(["render", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("`we\\nb` is not a valid app name"),
        "{stderr}"
    );
    assert!(!out.exists());
}
