//! Templates: a workspace's templates override the embedded ones or add to them, and
//! template mistakes are errors that name the template and the line.

use std::path::Path;

use shipshape::render::{RenderError, Renderer};
use shipshape::spec::{EnvId, load_environment};
use shipshape::workspace::Workspace;

const FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/render/override"
);

fn shop() -> EnvId {
    EnvId {
        app: "shop".into(),
        env: "production".into(),
    }
}

/// A workspace with the shop app and one extra template file.
fn workspace_with_template(name: &str, text: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let app = dir.path().join("environments/shop");
    std::fs::create_dir_all(&app).unwrap();
    std::fs::write(
        app.join("production.yaml"),
        "namespace: shop\nimage:\n  repository: example/shop\n  tag: 2.1.0\n",
    )
    .unwrap();
    let templates = dir.path().join("templates/kubernetes");
    std::fs::create_dir_all(&templates).unwrap();
    std::fs::write(templates.join(name), text).unwrap();
    dir
}

fn render(root: &Path) -> Result<Vec<shipshape::render::RenderedFile>, RenderError> {
    let ws = Workspace::open(root).unwrap();
    let renderer = Renderer::new(&ws)?;
    let env = load_environment(root, &shop()).unwrap();
    renderer.render(&env)
}

#[test]
fn workspace_templates_override_and_add() {
    let ws = Workspace::open(FIXTURE).unwrap();
    let renderer = Renderer::new(&ws).unwrap();
    let overrides: Vec<_> = renderer.overrides().iter().collect();
    assert_eq!(
        overrides,
        vec![
            (
                &"kubernetes/40-service.yaml.j2".to_string(),
                &"templates/kubernetes/40-service.yaml.j2".to_string()
            ),
            (
                &"kubernetes/75-networkpolicy.yaml.j2".to_string(),
                &"templates/kubernetes/75-networkpolicy.yaml.j2".to_string()
            ),
        ]
    );
    let files = render(Path::new(FIXTURE)).unwrap();
    assert_eq!(files.len(), 1);
    let expected =
        std::fs::read_to_string(Path::new(FIXTURE).join("expected/kubernetes.yaml")).unwrap();
    assert_eq!(files[0].text, expected);
    // The override took effect (headless Service) and the added NetworkPolicy sits between
    // the Deployment and the end of the stream, by its file name.
    assert!(files[0].text.contains("  clusterIP: None\n"));
    let kinds: Vec<&str> = files[0]
        .text
        .lines()
        .filter_map(|l| l.strip_prefix("kind: "))
        .collect();
    assert_eq!(
        kinds,
        vec!["ConfigMap", "Service", "Deployment", "NetworkPolicy"]
    );
}

#[test]
fn the_embedded_templates_are_used_without_a_templates_folder() {
    let dir = workspace_with_template("unused.txt", "");
    std::fs::remove_dir_all(dir.path().join("templates")).unwrap();
    let files = render(dir.path()).unwrap();
    assert!(files[0].text.contains("kind: Deployment\n"));
}

#[test]
fn a_missing_variable_names_the_template_line_and_variable() {
    let dir = workspace_with_template(
        "99-extra.yaml.j2",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ nmae }}\n",
    );
    let err = render(dir.path()).unwrap_err();
    match &err {
        RenderError::Template { template, line, .. } => {
            assert_eq!(template, "kubernetes/99-extra.yaml.j2");
            assert_eq!(*line, 4);
        }
        other => panic!("expected a template error, got {other:?}"),
    }
    assert_eq!(
        err.to_string(),
        "shop/production: template kubernetes/99-extra.yaml.j2 line 4: undefined value in `{{ nmae }}`: `nmae` is undefined\n  4 |   name: {{ nmae }}"
    );
}

#[test]
fn a_missing_attribute_through_a_filter_is_named() {
    let dir = workspace_with_template(
        "99-extra.yaml.j2",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: {{ image.nope | quote }}\n",
    );
    let err = render(dir.path()).unwrap_err().to_string();
    assert!(
        err.starts_with(
            "shop/production: template kubernetes/99-extra.yaml.j2 line 6: undefined value in `{{ image.nope | quote }}`"
        ),
        "{err}"
    );
}

#[test]
fn invalid_yaml_output_is_an_error_with_the_rendered_line() {
    let dir = workspace_with_template(
        "99-extra.yaml.j2",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ name }}\n   bad: [\n",
    );
    let err = render(dir.path()).unwrap_err();
    assert!(
        matches!(err, RenderError::InvalidYaml { line: 5, .. }),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "shop/production: template kubernetes/99-extra.yaml.j2 produced invalid YAML at line 5, column 7 of its output: mapping values are not allowed in this context\n  5 |    bad: [\n  help: check the template's indentation and quote values with the `quote` filter"
    );
}

#[test]
fn a_syntax_error_is_reported_when_templates_load() {
    let dir = workspace_with_template("99-extra.yaml.j2", "apiVersion: v1\n{% if %}\n");
    let ws = Workspace::open(dir.path()).unwrap();
    let err = Renderer::new(&ws).unwrap_err();
    assert_eq!(
        err.to_string(),
        "template kubernetes/99-extra.yaml.j2 line 2: syntax error: unexpected end of block\n  2 | {% if %}"
    );
}

#[test]
fn includes_stay_inside_the_templates() {
    let dir = workspace_with_template(
        "99-extra.yaml.j2",
        "{% include \"../../environments/shop/production.yaml\" %}\n",
    );
    let err = render(dir.path()).unwrap_err().to_string();
    assert!(
        err.contains("template not found")
            && err.contains("../../environments/shop/production.yaml"),
        "{err}"
    );
}

#[test]
fn the_process_environment_is_not_reachable() {
    // No function or filter reads the environment: `env` here is the environment name.
    let dir = workspace_with_template(
        "99-extra.yaml.j2",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  home: {{ env | quote }}\n",
    );
    let files = render(dir.path()).unwrap();
    assert!(files[0].text.contains("  home: production\n"));
}

#[test]
fn files_that_are_not_templates_are_ignored() {
    let dir = workspace_with_template("README.md", "apiVersion: [\n");
    let files = render(dir.path()).unwrap();
    assert!(files[0].text.contains("kind: Deployment\n"));
    let ws = Workspace::open(dir.path()).unwrap();
    assert!(Renderer::new(&ws).unwrap().overrides().is_empty());
}
