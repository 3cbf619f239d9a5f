//! The committed `schemas/environment.schema.json` (the merged spec) and
//! `schemas/environment-overlay.schema.json` (one layer, nothing required) are what the spec
//! types produce. Regenerate them with `SHIPSHAPE_BLESS=1 cargo test --test spec_schema`.

use std::path::Path;

fn committed_is_current(file: &str, schema: &serde_json::Value) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("schemas")
        .join(file);
    let mut expected = serde_json::to_string_pretty(schema).unwrap();
    expected.push('\n');
    if std::env::var_os("SHIPSHAPE_BLESS").is_some() {
        std::fs::write(&path, &expected).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == expected,
        "schemas/{file} is stale: run `SHIPSHAPE_BLESS=1 cargo test --test spec_schema` and commit it"
    );
}

#[test]
fn committed_environment_schema_is_current() {
    committed_is_current(
        "environment.schema.json",
        shipshape::spec::load::json_schema(),
    );
}

#[test]
fn committed_overlay_schema_is_current() {
    committed_is_current(
        "environment-overlay.schema.json",
        shipshape::spec::load::overlay_json_schema(),
    );
}

/// An environment file that changes one field passes the overlay schema (an editor shows no
/// error), and fails the schema of a whole spec, which requires `namespace` and `image`.
#[test]
fn an_environment_file_passes_the_overlay_schema() {
    let layer = serde_json::json!({"replicas": 3, "components": {"db": {"replicas": 2}}});
    let overlay = jsonschema::validator_for(shipshape::spec::load::overlay_json_schema()).unwrap();
    assert!(overlay.is_valid(&layer));
    let whole = jsonschema::validator_for(shipshape::spec::load::json_schema()).unwrap();
    assert!(!whole.is_valid(&layer));
    // Types and unknown keys are still checked.
    assert!(!overlay.is_valid(&serde_json::json!({"replicas": "three"})));
    assert!(!overlay.is_valid(&serde_json::json!({"replicass": 3})));
}

/// Every spec file in the repository points its editor at the right schema: `app.yaml` and
/// environment files at the overlay one.
#[test]
fn spec_files_name_the_overlay_schema() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("environments");
    for app in std::fs::read_dir(&root).unwrap() {
        for file in std::fs::read_dir(app.unwrap().path()).unwrap() {
            let path = file.unwrap().path();
            let text = std::fs::read_to_string(&path).unwrap();
            assert!(
                text.starts_with(
                    "# yaml-language-server: $schema=../../schemas/environment-overlay.schema.json\n"
                ),
                "{}",
                path.display()
            );
        }
    }
}

/// `shipshape schema print NAME` prints the committed schemas byte for byte.
#[test]
fn schema_print_prints_the_committed_schemas() {
    for (name, file) in [
        ("environment", "environment.schema.json"),
        ("environment-overlay", "environment-overlay.schema.json"),
    ] {
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_shipshape"))
            .args(["schema", "print", name])
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(0));
        let committed = std::fs::read(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("schemas")
                .join(file),
        )
        .unwrap();
        assert_eq!(o.stdout, committed, "{name}");
    }
}
