//! Golden output: the committed, reviewed render of every environment under
//! `golden/<app>/<env>/<file>`. Comparing a fresh render with it gives drift; accepting writes
//! the fresh render over it, atomically.

use std::collections::BTreeSet;
use std::path::Path;

use crate::spec::EnvId;

/// How one file differs from its golden copy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Drift {
    /// The golden file does not exist yet.
    Missing {
        /// Path relative to `golden/`.
        path: String,
        /// The rendered text.
        rendered: String,
    },
    /// The golden file differs from the render.
    Changed {
        /// Path relative to `golden/`.
        path: String,
        /// The committed text.
        golden: String,
        /// The rendered text.
        rendered: String,
    },
    /// A golden file that the environment no longer renders.
    Stale {
        /// Path relative to `golden/`.
        path: String,
        /// The committed text.
        golden: String,
    },
}

impl Drift {
    /// The path relative to `golden/`.
    pub fn path(&self) -> &str {
        match self {
            Drift::Missing { path, .. }
            | Drift::Changed { path, .. }
            | Drift::Stale { path, .. } => path,
        }
    }
}

/// A rendered file to compare: its path relative to `golden/` and its text.
pub trait RenderedText {
    /// `<app>/<env>/<file>`.
    fn rel_path(&self) -> &str;
    /// The rendered text.
    fn text(&self) -> &str;
}

impl RenderedText for crate::render::RenderedFile {
    fn rel_path(&self) -> &str {
        &self.path
    }

    fn text(&self) -> &str {
        &self.text
    }
}

/// The files under `golden/<app>/<env>/`, as paths relative to `golden/`.
pub fn golden_files(golden_dir: &Path, id: &EnvId) -> Vec<String> {
    let dir = golden_dir.join(&id.app).join(&id.env);
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(&dir) {
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if e.path().is_file() && !name.starts_with('.') {
                out.push(format!("{}/{}/{name}", id.app, id.env));
            }
        }
    }
    out.sort();
    out
}

/// Compares one environment's rendered files with `golden/`.
pub fn compare<R: RenderedText>(
    golden_dir: &Path,
    id: &EnvId,
    rendered: &[R],
) -> std::io::Result<Vec<Drift>> {
    let mut drift = Vec::new();
    let mut seen = BTreeSet::new();
    for file in rendered {
        let path = file.rel_path().to_string();
        seen.insert(path.clone());
        match std::fs::read_to_string(golden_dir.join(&path)) {
            Ok(golden) if golden == file.text() => {}
            Ok(golden) => drift.push(Drift::Changed {
                path,
                golden,
                rendered: file.text().to_string(),
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => drift.push(Drift::Missing {
                path,
                rendered: file.text().to_string(),
            }),
            Err(e) => return Err(std::io::Error::new(e.kind(), format!("golden/{path}: {e}"))),
        }
    }
    for path in golden_files(golden_dir, id) {
        if !seen.contains(&path) {
            let golden = std::fs::read_to_string(golden_dir.join(&path))?;
            drift.push(Drift::Stale { path, golden });
        }
    }
    Ok(drift)
}

pub use crate::fsutil::write_atomic_creating_dirs as write_atomic;
