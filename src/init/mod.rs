//! A new workspace: the files `shipshape init` writes. An example app (`shop`: an API with
//! the PostgreSQL database that development runs beside it on Compose, connections, probes,
//! resources and a hardened security context) with development, staging and production
//! environments that pass every policy rule, `shipshape.yaml` with a development profile,
//! a `.gitignore` for rendered output, and the two editor schemas of the spec under
//! `schemas/`, which the first line of every spec file names
//! (`# yaml-language-server: $schema=...`).
//!
//! The example's files are in `src/init/example/` and embedded in the binary; the schemas
//! are written from the binary's own, so they always match the spec it reads.

/// The example workspace's files that are written as they are: path (relative to the new
/// workspace) and text.
const EXAMPLE: &[(&str, &str)] = &[
    (".gitignore", include_str!("example/gitignore")),
    ("shipshape.yaml", include_str!("example/shipshape.yaml")),
    (
        "environments/shop/app.yaml",
        include_str!("example/environments/shop/app.yaml"),
    ),
    (
        "environments/shop/development.yaml",
        include_str!("example/environments/shop/development.yaml"),
    ),
    (
        "environments/shop/staging.yaml",
        include_str!("example/environments/shop/staging.yaml"),
    ),
    (
        "environments/shop/production.yaml",
        include_str!("example/environments/shop/production.yaml"),
    ),
];

/// Where the schema of a whole spec is written, relative to the workspace (`app.yaml` names
/// it).
pub const ENVIRONMENT_SCHEMA: &str = "schemas/environment.schema.json";

/// Where the schema of one spec file is written (environment files name it).
pub const OVERLAY_SCHEMA: &str = "schemas/environment-overlay.schema.json";

/// One file of a new workspace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewFile {
    /// Its path relative to the workspace, with `/` separators.
    pub path: &'static str,
    /// Its content.
    pub text: String,
}

/// Every file of a new workspace, sorted by path.
pub fn workspace_files() -> Vec<NewFile> {
    let schema_text = |schema: &serde_json::Value| {
        let mut text =
            serde_json::to_string_pretty(schema).expect("a JSON value always serialises");
        text.push('\n');
        text
    };
    let mut files: Vec<NewFile> = EXAMPLE
        .iter()
        .map(|(path, text)| NewFile {
            path,
            text: text.to_string(),
        })
        .collect();
    files.push(NewFile {
        path: ENVIRONMENT_SCHEMA,
        text: schema_text(crate::spec::load::json_schema()),
    });
    files.push(NewFile {
        path: OVERLAY_SCHEMA,
        text: schema_text(crate::spec::load::overlay_json_schema()),
    });
    files.sort_by(|a, b| a.path.cmp(b.path));
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every spec file starts with the editor-schema line naming the schema written beside
    /// it: the whole-spec schema for `app.yaml`, the overlay schema for environment files.
    #[test]
    fn every_spec_file_names_its_schema() {
        let files = workspace_files();
        let specs: Vec<&NewFile> = files
            .iter()
            .filter(|f| f.path.starts_with("environments/"))
            .collect();
        assert_eq!(specs.len(), 4);
        for file in specs {
            let schema = if file.path.ends_with("/app.yaml") {
                ENVIRONMENT_SCHEMA
            } else {
                OVERLAY_SCHEMA
            };
            let first = file.text.lines().next().unwrap_or_default();
            assert_eq!(
                first,
                format!("# yaml-language-server: $schema=../../{schema}"),
                "{}",
                file.path
            );
            assert!(files.iter().any(|f| f.path == schema));
        }
    }

    /// An editor shows no error in any spec file: `app.yaml` is a whole spec under the
    /// whole-spec schema, each environment file passes the overlay schema.
    #[test]
    fn every_spec_file_passes_the_schema_it_names() {
        for file in workspace_files() {
            let Some(rest) = file.path.strip_prefix("environments/") else {
                continue;
            };
            let schema = if rest.ends_with("/app.yaml") {
                crate::spec::load::json_schema()
            } else {
                crate::spec::load::overlay_json_schema()
            };
            let value: serde_json::Value = serde_yaml::from_str(&file.text).unwrap();
            let validator = jsonschema::validator_for(schema).unwrap();
            let errors: Vec<String> = validator
                .iter_errors(&value)
                .map(|e| e.to_string())
                .collect();
            assert!(errors.is_empty(), "{}: {errors:?}", file.path);
        }
    }
}
