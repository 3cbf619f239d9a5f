//! The committed `schemas/environment.schema.json` is what the spec types produce.
//! Regenerate it with `SHIPSHAPE_BLESS=1 cargo test --test spec_schema`.

use std::path::Path;

#[test]
fn committed_environment_schema_is_current() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas/environment.schema.json");
    let mut expected = serde_json::to_string_pretty(shipshape::spec::load::json_schema()).unwrap();
    expected.push('\n');
    if std::env::var_os("SHIPSHAPE_BLESS").is_some() {
        std::fs::write(&path, &expected).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == expected,
        "schemas/environment.schema.json is stale: run `SHIPSHAPE_BLESS=1 cargo test --test spec_schema` and commit it"
    );
}
