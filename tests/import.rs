//! `shipshape import`: the seed systems' manifests and Compose files become specs that
//! render, with the round trip listing exactly what the spec cannot express.

mod common;

use std::path::Path;
use std::process::Output;

use common::shipshape;

fn seed(path: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/seed-manifests")
        .join(path)
        .display()
        .to_string()
}

fn fixture(path: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/import")
        .join(path)
        .display()
        .to_string()
}

fn text(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// The lines of the loss list of a report.
fn losses(o: &Output) -> Vec<String> {
    text(o)
        .lines()
        .filter_map(|l| l.strip_prefix("    - ").map(String::from))
        .collect()
}

fn import(ws: &Path, args: &[&str]) -> Output {
    let mut all = vec!["import", "--workspace", ws.to_str().unwrap()];
    all.extend_from_slice(args);
    shipshape(&all)
}

fn read(ws: &Path, rel: &str) -> String {
    std::fs::read_to_string(ws.join(rel)).unwrap()
}

/// Imports, checks the exit code and the exact loss list, then renders and validates the
/// written app like any other.
fn seed_round_trip(
    app: &str,
    paths: &[String],
    env: &str,
    code: i32,
    expected: &[&str],
) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().to_path_buf();
    let mut args: Vec<&str> = paths.iter().map(String::as_str).collect();
    args.extend(["--app", app, "--env", env]);
    let out = import(&ws, &args);
    assert_eq!(
        out.status.code(),
        Some(code),
        "{}{}",
        text(&out),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(losses(&out), expected, "{}", text(&out));
    assert!(text(&out).contains(&format!("round trip {env}:")));
    let app_yaml = read(&ws, &format!("environments/{app}/app.yaml"));
    assert!(app_yaml.starts_with(
        "# yaml-language-server: $schema=../../schemas/environment-overlay.schema.json\n"
    ));
    let render = shipshape(&["render", "--workspace", ws.to_str().unwrap()]);
    assert_eq!(
        render.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&render.stderr)
    );
    let rendered = ws.join("rendered").display().to_string();
    let validate = shipshape(&["validate", "--strict", &rendered]);
    assert_eq!(validate.status.code(), Some(0), "{}", text(&validate));
    let lint = shipshape(&["lint", &rendered]);
    assert_ne!(
        lint.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&lint.stderr)
    );
    dir
}

#[test]
fn materi_api_imports_with_only_the_helm_hook_lost() {
    let ws = seed_round_trip(
        "materi-api",
        &[seed("materi-api")],
        "production",
        1,
        &[
            "Job materi/api-migrate-{{ .Release.Revision }}: object not rendered: a template, not a manifest (render it first)",
        ],
    );
    let app = read(ws.path(), "environments/materi-api/app.yaml");
    // Adopted as it runs: the selector and the Secret reference, never the Secret's values.
    assert!(app.contains("selectorLabels:\n  app: api\n"), "{app}");
    assert!(
        app.contains("- secretName: api-secrets\n  envFrom: true\n"),
        "{app}"
    );
    assert!(!app.contains("postgresql://user:pass"));
    assert!(app.contains("# note: Secret `api-secrets` was not copied"));
}

#[test]
fn kinoshita_user_service_lists_what_the_spec_cannot_express() {
    seed_round_trip(
        "kinoshita-user-service",
        &[seed("kinoshita-user-service")],
        "production",
        1,
        &[
            "ConfigMap user-service/user-service-config: object not rendered",
            "Deployment user-service/user-service: spec.selector.matchLabels.track (added)",
            "DestinationRule user-service/user-service: object added",
            "Job user-service/user-service-migration-{{ .Values.version }}: object not rendered: a template, not a manifest (render it first)",
        ],
    );
}

#[test]
fn janua_api_manifests_import_without_loss() {
    let paths: Vec<String> = ["03-deployment.yaml", "04-service.yaml", "05-ingress.yaml"]
        .iter()
        .map(|f| seed(&format!("janua-api/{f}")))
        .collect();
    let ws = seed_round_trip("janua-api", &paths, "production", 0, &[]);
    let app = read(ws.path(), "environments/janua-api/app.yaml");
    assert!(app.contains("containerName: api\n"), "{app}");
    assert!(app.contains("  name: janua-api-service\n"), "{app}");
}

#[test]
fn compose_services_become_components_and_depends_on_connections() {
    let ws = seed_round_trip(
        "janua-api",
        &[seed("janua-api/02-docker-compose.yml")],
        "development",
        1,
        &["service api: image (added)"],
    );
    let app = read(ws.path(), "environments/janua-api/app.yaml");
    for component in ["  db:\n", "  redis:\n", "  prometheus:\n"] {
        assert!(app.contains(component), "{app}");
    }
    assert!(
        app.contains("connections:\n  db:\n    port: port-5432\n  redis:\n    port: port-6379\n"),
        "{app}"
    );
    // The database password is a reference with a note, never the value.
    assert!(!app.contains("postgres:postgres@"), "{app}");
    assert!(
        app.contains("create Secret `db-env` with key `POSTGRES_PASSWORD`"),
        "{app}"
    );
}

#[test]
fn deepersensor_api_compose_snippets_merge_and_report_missing_images() {
    let ws = seed_round_trip(
        "deepersensor-api",
        &[seed("deepersensor-api")],
        "production",
        1,
        &["service api: image (added)", "service nginx: image (added)"],
    );
    let app = read(ws.path(), "environments/deepersensor-api/app.yaml");
    assert!(app.contains("replicas: 3\n"), "{app}");
    assert!(app.contains("  readOnlyRootFilesystem: true\n"), "{app}");
}

#[test]
fn several_environments_share_app_yaml_and_keep_differences_deep() {
    let ws = tempfile::tempdir().unwrap();
    let out = import(
        ws.path(),
        &[
            "--app",
            "shop",
            "--env",
            "staging",
            &fixture("staging"),
            "--env",
            "production",
            &fixture("production"),
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        text(&out),
        String::from_utf8_lossy(&out.stderr)
    );
    let app = read(ws.path(), "environments/shop/app.yaml");
    let production = read(ws.path(), "environments/shop/production.yaml");
    let staging = read(ws.path(), "environments/shop/staging.yaml");
    assert!(
        app.contains("    args:\n    - '--queue'\n    - orders\n"),
        "{app}"
    );
    assert!(!app.contains("replicas: 3"), "{app}");
    assert_eq!(
        production,
        "# yaml-language-server: $schema=../../schemas/environment-overlay.schema.json\n\
         # shop production: what differs from app.yaml.\n\
         namespace: shop\n\
         image:\n  tag: '1.4.0'\n\
         replicas: 3\n\
         components:\n  worker:\n    resources:\n      limits:\n        memory: 1Gi\n"
    );
    assert!(staging.contains("namespace: shop-staging\n"), "{staging}");
    assert!(staging.contains("        memory: 256Mi\n"), "{staging}");
    let render = shipshape(&["render", "--workspace", ws.path().to_str().unwrap()]);
    assert_eq!(
        render.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&render.stderr)
    );
}

#[test]
fn what_the_spec_cannot_express_is_listed_and_exits_1() {
    let ws = tempfile::tempdir().unwrap();
    let out = import(ws.path(), &[&fixture("lossy.yaml"), "--app", "agent"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        losses(&out),
        ["Deployment ops/agent: spec.template.spec.hostNetwork (removed)"]
    );
    assert!(text(&out).contains("cannot be expressed in the spec (1)"));
}

#[test]
fn secrets_are_never_copied_or_printed() {
    let ws = tempfile::tempdir().unwrap();
    for dry in [true, false] {
        let mut args = vec![fixture("secret.yaml"), "--app".into(), "billing".into()];
        if dry {
            args.push("--dry-run".into());
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = import(ws.path(), &args);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}{}",
            text(&out),
            String::from_utf8_lossy(&out.stderr)
        );
        let all = format!("{}{}", text(&out), String::from_utf8_lossy(&out.stderr));
        for secret in [
            "hunter2-billing-db-password",
            "sk_live_51HxQzLiteralStripeKey0042",
        ] {
            assert!(!all.contains(secret), "{all}");
        }
        assert!(
            all.contains("create Secret `billing-env` with key `STRIPE_API_KEY`"),
            "{all}"
        );
    }
    let app = read(ws.path(), "environments/billing/app.yaml");
    assert!(
        !app.contains("hunter2") && !app.contains("sk_live"),
        "{app}"
    );
    assert!(
        app.contains("- secretName: billing-db\n  keys:\n    DB_PASSWORD: password\n"),
        "{app}"
    );
    assert!(
        app.contains("- secretName: billing-env\n  keys:\n    STRIPE_API_KEY: STRIPE_API_KEY\n"),
        "{app}"
    );
}

#[test]
fn an_existing_app_is_not_overwritten_without_force() {
    let ws = tempfile::tempdir().unwrap();
    let first = import(ws.path(), &[&fixture("lossy.yaml"), "--app", "agent"]);
    assert_eq!(first.status.code(), Some(1));
    let before = read(ws.path(), "environments/agent/app.yaml");
    let again = import(
        ws.path(),
        &[&seed("janua-api/03-deployment.yaml"), "--app", "agent"],
    );
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("exists already; pass `--force`"));
    assert_eq!(read(ws.path(), "environments/agent/app.yaml"), before);
    let forced = import(
        ws.path(),
        &[
            &seed("janua-api/03-deployment.yaml"),
            "--app",
            "agent",
            "--force",
        ],
    );
    assert_eq!(forced.status.code(), Some(0), "{}", text(&forced));
    assert_ne!(read(ws.path(), "environments/agent/app.yaml"), before);
}

#[test]
fn dry_run_writes_nothing_and_shows_the_files() {
    let ws = tempfile::tempdir().unwrap();
    let out = import(
        ws.path(),
        &[&seed("materi-api"), "--app", "materi-api", "--dry-run"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).contains("--- environments/materi-api/app.yaml (not written: --dry-run)\n"));
    assert!(text(&out).contains("round trip production:"));
    assert!(!ws.path().join("environments").exists());
}

#[test]
fn output_is_the_same_on_every_run() {
    let ws = tempfile::tempdir().unwrap();
    let run = || {
        text(&import(
            ws.path(),
            &[&seed("kinoshita-user-service"), "--app", "k", "--dry-run"],
        ))
    };
    assert_eq!(run(), run());
}

#[test]
fn helm_values_are_refused_with_a_fix() {
    let ws = tempfile::tempdir().unwrap();
    let out = import(
        ws.path(),
        &[&seed("janua-api/06-helm-values.yaml"), "--app", "janua-api"],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("06-helm-values.yaml:2:1: Helm values are not manifests"),
        "{err}"
    );
}

#[test]
fn paths_before_the_first_of_several_environments_are_refused() {
    let ws = tempfile::tempdir().unwrap();
    let out = import(
        ws.path(),
        &[
            &fixture("lossy.yaml"),
            "--app",
            "shop",
            "--env",
            "staging",
            &fixture("staging"),
            "--env",
            "production",
            &fixture("production"),
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("comes before the first `--env`"));
}

#[test]
fn secret_arguments_and_annotations_are_left_out_with_a_note_and_listed() {
    let ws = tempfile::tempdir().unwrap();
    let out = import(ws.path(), &[&fixture("secret-args.yaml"), "--app", "cache"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}{}",
        text(&out),
        String::from_utf8_lossy(&out.stderr)
    );
    let all = format!("{}{}", text(&out), String::from_utf8_lossy(&out.stderr));
    let app = read(ws.path(), "environments/cache/app.yaml");
    for secret in [
        "hunter2-requirepass-literal",
        "tok-literal-annotation-secret-9f8e7d",
    ] {
        assert!(!all.contains(secret) && !app.contains(secret), "{all}{app}");
    }
    assert!(all.contains("note: `args` was not copied"), "{all}");
    assert_eq!(
        losses(&out),
        [
            "Deployment cache/cache: spec.template.metadata.annotations[\"backup.example.com/token\"] (removed)",
            "Deployment cache/cache: spec.template.spec.containers[cache].args (removed)",
        ]
    );
}

#[test]
fn manifests_are_read_from_stdin() {
    let ws = tempfile::tempdir().unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_shipshape"))
        .args([
            "import",
            "-",
            "--app",
            "agent",
            "--dry-run",
            "--workspace",
            ws.path().to_str().unwrap(),
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    let input = std::fs::read(fixture("lossy.yaml")).unwrap();
    child.stdin.take().unwrap().write_all(&input).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        losses(&out),
        ["Deployment ops/agent: spec.template.spec.hostNetwork (removed)"]
    );
}

#[test]
fn broken_input_is_an_error_at_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.yaml");
    std::fs::write(&bad, "apiVersion: v1\nkind: Service\nmetadata: {name: x\n").unwrap();
    let out = import(dir.path(), &[bad.to_str().unwrap(), "--app", "x"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("bad.yaml:4:1: while parsing a flow mapping"),
        "{err}"
    );
    let none = dir.path().join("plain.yaml");
    std::fs::write(&none, "name: x\nreplicas: 3\n").unwrap();
    let out = import(dir.path(), &[none.to_str().unwrap(), "--app", "x"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("Helm values are not manifests"));
}
