//! The spec loader (`spec::load_files`): any `app.yaml` and `<env>.yaml` give an environment
//! or located errors, never a panic. The input is the environment's file, or `app.yaml`, a
//! NUL byte and the environment's file.

#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use shipshape::spec::EnvId;
use shipshape::spec::load::load_files;

fn workspace() -> &'static tempfile::TempDir {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tempfile::tempdir().expect("a temporary folder");
        std::fs::create_dir_all(dir.path().join("environments/shop")).expect("the app folder");
        dir
    })
}

fuzz_target!(|data: &[u8]| {
    let root = workspace().path();
    let app_dir = root.join("environments/shop");
    let (app, env) = match data.iter().position(|b| *b == 0) {
        Some(at) => (Some(&data[..at]), &data[at + 1..]),
        None => (None, data),
    };
    let mut files: Vec<PathBuf> = Vec::new();
    if let Some(app) = app {
        let path = app_dir.join("app.yaml");
        std::fs::write(&path, app).expect("app.yaml is written");
        files.push(path);
    }
    let path = app_dir.join("production.yaml");
    std::fs::write(&path, env).expect("production.yaml is written");
    files.push(path);
    let id = EnvId {
        app: "shop".into(),
        env: "production".into(),
    };
    match load_files(root, &id, &files) {
        Ok(environment) => {
            let files: Vec<String> = vec!["environments/shop/production.yaml".into()];
            let _ = shipshape::render::context::build(&environment, &files);
        }
        Err(error) => {
            assert!(
                !error.diagnostics.is_empty(),
                "an error without a diagnostic"
            );
            let _ = error.to_string();
        }
    }
});
