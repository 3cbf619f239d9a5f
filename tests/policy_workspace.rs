//! The repository's own workspace: the committed production output of every app passes the
//! policy rules with no error-level finding, under the context `check` gives it (profiles and
//! exemptions of the spec and shipshape.yaml, the spec's Secrets as external).

use std::path::Path;

use shipshape::config::Config;
use shipshape::manifest::{self, Source};
use shipshape::policy::{self, Date, environment_context};
use shipshape::report::Severity;
use shipshape::spec::{EnvId, load_environment};

/// Error findings that need a spec change in `environments/` (not a rule change), as
/// `file:line:col code`. Each must still fire: when a spec is fixed, delete its line here.
const PENDING_SPEC_FIXES: &[&str] = &[];

#[test]
fn every_production_environment_passes_with_no_error() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let config = Config::load(root).unwrap();
    let mut apps: Vec<String> = std::fs::read_dir(root.join("golden"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    apps.sort();
    assert!(apps.len() >= 5, "{apps:?}");
    let mut errors = Vec::new();
    let mut pending_seen = Vec::new();
    for app in &apps {
        let id = EnvId {
            app: app.clone(),
            env: "production".into(),
        };
        let env = load_environment(root, &id).unwrap_or_else(|e| panic!("{id}: {e}"));
        let cx =
            environment_context(&config, &env, &[], Date::parse("2026-06-01").unwrap()).unwrap();
        let mut docs = Vec::new();
        let dir = root.join("golden").join(app).join("production");
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        for file in files {
            let rel = file.strip_prefix(root).unwrap().display().to_string();
            let source = Source::new(rel, std::fs::read_to_string(&file).unwrap());
            docs.extend(manifest::load(&source).unwrap());
        }
        for f in policy::lint(&docs, &cx) {
            if f.severity == Severity::Error && f.exempted.is_none() {
                let key = format!("{} {}", f.location.as_ref().unwrap(), f.rule.code);
                if PENDING_SPEC_FIXES.contains(&key.as_str()) {
                    pending_seen.push(key);
                    continue;
                }
                errors.push(format!(
                    "{}: {}[{}]: {} (set `{}`)",
                    f.location.unwrap(),
                    f.rule.code,
                    f.rule.name,
                    f.message,
                    f.spec_hint.unwrap_or_default()
                ));
            }
        }
    }
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    pending_seen.sort();
    assert_eq!(
        pending_seen,
        PENDING_SPEC_FIXES.to_vec(),
        "a pending spec fix no longer fires: remove it from PENDING_SPEC_FIXES"
    );
}

/// A copy of the repository's janua-api environment with `extra` appended to its
/// production.yaml.
fn janua_with(extra: &str) -> (tempfile::TempDir, shipshape::spec::Environment) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    let env_dir = dir.path().join("environments/janua-api");
    std::fs::create_dir_all(&env_dir).unwrap();
    for file in ["app.yaml", "production.yaml"] {
        let mut text =
            std::fs::read_to_string(root.join("environments/janua-api").join(file)).unwrap();
        if file == "production.yaml" {
            text.push_str(extra);
        }
        std::fs::write(env_dir.join(file), text).unwrap();
    }
    // janua-api's app.yaml carries extension data, typed by the workspace's schema.
    std::fs::create_dir_all(dir.path().join("schemas")).unwrap();
    std::fs::copy(
        root.join("schemas/extensions.schema.json"),
        dir.path().join("schemas/extensions.schema.json"),
    )
    .unwrap();
    let id = EnvId {
        app: "janua-api".into(),
        env: "production".into(),
    };
    let env = load_environment(dir.path(), &id).unwrap_or_else(|e| panic!("{e}"));
    (dir, env)
}

#[test]
fn spec_allow_entries_become_located_exemptions() {
    let (_dir, env) = janua_with(
        "allow:\n  - rule: min-replicas\n    reason: the canary track runs one pod\n    kind: Deployment\n    name: janua-api-canary\n",
    );
    let cx = environment_context(
        &Config::default(),
        &env,
        &[],
        Date::parse("2026-06-01").unwrap(),
    )
    .unwrap();
    assert!(cx.complete);
    assert_eq!(cx.environment.as_deref(), Some("production"));
    let entry = cx.exemptions.last().unwrap();
    assert_eq!(entry.allow.rule, "min-replicas");
    assert_eq!(entry.allow.name.as_deref(), Some("janua-api-canary"));
    assert!(
        entry.origin.starts_with("allow[0] at ")
            && entry
                .origin
                .contains("environments/janua-api/production.yaml:"),
        "{}",
        entry.origin
    );
}

#[test]
fn invalid_spec_allow_entries_are_located_errors() {
    // The spec loader refuses such entries itself; a spec changed after loading is checked
    // again here, at the entry's place in its file.
    let (_dir, mut env) =
        janua_with("allow:\n  - rule: min-replicas\n    reason: the canary track runs one pod\n");
    env.spec.allow[0].rule = "min-replica".into();
    let err = environment_context(
        &Config::default(),
        &env,
        &[],
        Date::parse("2026-06-01").unwrap(),
    )
    .unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("environments/janua-api/production.yaml:"),
        "{text}"
    );
    assert!(
        text.contains("unknown rule `min-replica` (did you mean `min-replicas`?)"),
        "{text}"
    );
}
