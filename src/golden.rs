//! Golden output: the committed, reviewed render of every environment under
//! `golden/<app>/<env>/<file>`. Comparing a fresh render with it gives drift; accepting writes
//! the fresh render over it, atomically. A golden file that no environment renders any more
//! (its environment or app was deleted) is an orphan: drift, until accepting removes it.

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
    /// A golden file of an environment (or app) that no longer exists.
    Orphan {
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
            | Drift::Stale { path, .. }
            | Drift::Orphan { path, .. } => path,
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

/// The golden files (`golden/<app>/<env>/<file>`) of environments that are not in `known`,
/// limited to `apps` when it is given, in path order.
pub fn orphans(
    golden_dir: &Path,
    known: &[EnvId],
    apps: Option<&BTreeSet<String>>,
) -> std::io::Result<Vec<Drift>> {
    let mut out = Vec::new();
    for app in visible_dirs(golden_dir)? {
        if apps.is_some_and(|apps| !apps.contains(&app)) {
            continue;
        }
        for env in visible_dirs(&golden_dir.join(&app))? {
            let id = EnvId {
                app: app.clone(),
                env,
            };
            if known.contains(&id) {
                continue;
            }
            for path in golden_files(golden_dir, &id) {
                let golden = std::fs::read_to_string(golden_dir.join(&path))
                    .map_err(|e| std::io::Error::new(e.kind(), format!("golden/{path}: {e}")))?;
                out.push(Drift::Orphan { path, golden });
            }
        }
    }
    Ok(out)
}

/// The names of the folders in `dir` that do not start with `.`, sorted; none when `dir`
/// does not exist.
fn visible_dirs(dir: &Path) -> std::io::Result<Vec<String>> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    let mut out = Vec::new();
    for entry in entries {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if !name.starts_with('.') && entry.path().is_dir() {
            out.push(name);
        }
    }
    out.sort();
    Ok(out)
}

/// The lock file that makes `golden accept` runs on one workspace take turns.
pub const LOCK_FILE: &str = ".shipshape-golden.lock";
