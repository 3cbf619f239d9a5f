//! The workspace: a folder with `environments/`, optional `templates/`, `golden/`,
//! `schemas/` and `shipshape.yaml`. Finds apps and environments and parses selections such
//! as `materi-api` or `materi-api/production`.
//!
//! The workspace is a boundary: a symbolic link under `environments/`, `templates/` or
//! `golden/` (or one of those folders itself) that leads outside the workspace is refused
//! when the workspace is opened, naming the link and where it points, so nothing is read
//! from or written to a place the workspace does not hold.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::spec::EnvId;

/// A workspace on disk.
#[derive(Debug, Clone)]
pub struct Workspace {
    /// Its root folder.
    pub root: PathBuf,
}

/// A problem with the workspace layout or a selection.
#[derive(Debug, thiserror::Error)]
pub enum WorkspaceError {
    /// No `environments/` folder.
    #[error(
        "{0}: no `environments/` folder here; run shipshape in a workspace or pass `--workspace DIR`"
    )]
    NoEnvironments(String),
    /// A folder could not be listed.
    #[error("{path}: cannot list the folder: {source}")]
    Io {
        /// The folder.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// A symbolic link leads outside the workspace.
    #[error("{link}: {problem}")]
    LinkOutside {
        /// The link, as shown.
        link: String,
        /// Where it points and what to do.
        problem: String,
    },
    /// The workspace has no environment at all.
    #[error(
        "{0}: no environments: add `environments/<app>/<env>.yaml` (with `environments/<app>/app.yaml` for what the environments share), or run `shipshape init` to start from an example"
    )]
    Empty(String),
    /// An app folder or environment file whose name cannot name objects and labels.
    #[error(
        "{path}: `{name}` is not a valid {what} name: it names Kubernetes objects and labels, so use at most 63 letters, digits, `-`, `_` and `.`, starting and ending with a letter or digit; rename the {kind}"
    )]
    BadName {
        /// The folder or file, as shown (control characters escaped).
        path: String,
        /// The name, escaped.
        name: String,
        /// `app` or `environment`.
        what: &'static str,
        /// `folder` or `file`.
        kind: &'static str,
    },
    /// A selection names no app or environment.
    #[error("`{selection}` matches no environment{hint}")]
    NoMatch {
        /// What the user asked for.
        selection: String,
        /// A suggestion, with a leading separator.
        hint: String,
    },
}

impl Workspace {
    /// Opens the workspace at `root` (which must hold `environments/`).
    pub fn open(root: impl Into<PathBuf>) -> Result<Workspace, WorkspaceError> {
        let root = root.into();
        if !root.join("environments").is_dir() {
            return Err(WorkspaceError::NoEnvironments(root.display().to_string()));
        }
        let workspace = Workspace { root };
        workspace.check_links()?;
        Ok(workspace)
    }

    /// Opens a folder as a workspace for what needs only its templates (`templates list`,
    /// `show`, `export`): `environments/` may be missing. Links are checked as by
    /// [`Workspace::open`].
    pub fn open_for_templates(root: impl Into<PathBuf>) -> Result<Workspace, WorkspaceError> {
        let workspace = Workspace { root: root.into() };
        workspace.check_links()?;
        Ok(workspace)
    }

    /// What is wrong with the layout without stopping a run, one message each: an app
    /// folder without environment files (nothing of it renders), and `environments/`
    /// without any app folder.
    pub fn layout_warnings(&self) -> Result<Vec<String>, WorkspaceError> {
        let mut out = Vec::new();
        let mut apps = 0usize;
        for app_dir in list_dir(&self.environments_dir())? {
            let app = file_name(&app_dir);
            if !app_dir.is_dir() || app.starts_with('.') {
                continue;
            }
            apps += 1;
            if environment_files(&app_dir)?.is_empty() {
                out.push(format!(
                    "environments/{app}: app `{app}` has no environment file, so nothing of it is rendered or checked; add `environments/{app}/<env>.yaml` (e.g. `development.yaml`) or remove the folder",
                    app = app.escape_debug()
                ));
            }
        }
        if apps == 0 {
            out.push(
                "environments/ holds no app: add `environments/<app>/app.yaml` and one `environments/<app>/<env>.yaml` per environment, or run `shipshape init` to start from an example"
                    .into(),
            );
        }
        Ok(out)
    }

    /// Refuses symbolic links under the workspace's folders that lead outside it.
    fn check_links(&self) -> Result<(), WorkspaceError> {
        let real_root = self
            .root
            .canonicalize()
            .map_err(|source| WorkspaceError::Io {
                path: self.root.display().to_string(),
                source,
            })?;
        let mut pending: Vec<PathBuf> = ["environments", "templates", "golden"]
            .iter()
            .map(|d| self.root.join(d))
            .collect();
        while let Some(path) = pending.pop() {
            let Ok(meta) = std::fs::symlink_metadata(&path) else {
                continue;
            };
            if meta.file_type().is_symlink() {
                crate::fsutil::link_inside(&path, &real_root).map_err(|problem| {
                    WorkspaceError::LinkOutside {
                        link: path.display().to_string(),
                        problem,
                    }
                })?;
            } else if meta.is_dir() {
                let entries = std::fs::read_dir(&path).map_err(|source| WorkspaceError::Io {
                    path: path.display().to_string(),
                    source,
                })?;
                pending.extend(entries.filter_map(|e| e.ok().map(|e| e.path())));
            }
        }
        Ok(())
    }

    /// The apps that selections name as a whole (`app`, not `app/env`): the scope in which
    /// golden files of deleted environments are looked for. `None` (everything) when there
    /// are no selections.
    pub fn selected_apps(&self, selections: &[String]) -> Option<BTreeSet<String>> {
        if selections.is_empty() {
            return None;
        }
        Some(
            selections
                .iter()
                .map(|s| s.trim_end_matches('/'))
                .filter(|s| !s.contains('/'))
                .map(String::from)
                .collect(),
        )
    }

    /// `environments/`.
    pub fn environments_dir(&self) -> PathBuf {
        self.root.join("environments")
    }

    /// `golden/`.
    pub fn golden_dir(&self) -> PathBuf {
        self.root.join("golden")
    }

    /// `templates/` (may not exist).
    pub fn templates_dir(&self) -> PathBuf {
        self.root.join("templates")
    }

    /// Every environment of every app, sorted: each `environments/<app>/<env>.yaml` except
    /// `app.yaml`.
    pub fn environments(&self) -> Result<Vec<EnvId>, WorkspaceError> {
        let mut out = Vec::new();
        for app_dir in list_dir(&self.environments_dir())? {
            if !app_dir.is_dir() {
                continue;
            }
            let app = file_name(&app_dir);
            if app.starts_with('.') {
                continue;
            }
            for (file, env) in environment_files(&app_dir)? {
                let env = env.as_str();
                for (name, what, kind, path) in [
                    (app.as_str(), "app", "folder", &app_dir),
                    (env, "environment", "file", &file),
                ] {
                    if !is_name(name) {
                        return Err(WorkspaceError::BadName {
                            path: path.display().to_string().escape_debug().to_string(),
                            name: name.escape_debug().to_string(),
                            what,
                            kind,
                        });
                    }
                }
                out.push(EnvId {
                    app: app.clone(),
                    env: env.to_string(),
                });
            }
        }
        out.sort();
        Ok(out)
    }

    /// The environments matching selections (`app` or `app/env`); all when there are none.
    pub fn select(&self, selections: &[String]) -> Result<Vec<EnvId>, WorkspaceError> {
        let all = self.environments()?;
        if all.is_empty() {
            return Err(WorkspaceError::Empty(
                self.environments_dir().display().to_string(),
            ));
        }
        select_among(all, selections)
    }
}

/// The environments of `all` matching selections (`app` or `app/env`); all when there are
/// none. A selection that matches nothing is an error with a suggestion.
pub fn select_among(all: Vec<EnvId>, selections: &[String]) -> Result<Vec<EnvId>, WorkspaceError> {
    if selections.is_empty() {
        return Ok(all);
    }
    let mut out = Vec::new();
    for sel in selections {
        let sel_trim = sel.trim_end_matches('/');
        let (app, env) = match sel_trim.split_once('/') {
            Some((a, e)) => (a, Some(e)),
            None => (sel_trim, None),
        };
        let matched: Vec<&EnvId> = all
            .iter()
            .filter(|id| id.app == app && env.is_none_or(|e| id.env == e))
            .collect();
        if matched.is_empty() {
            let names: Vec<String> = match env {
                None => all.iter().map(|id| id.app.clone()).collect(),
                Some(_) => all.iter().map(|id| id.to_string()).collect(),
            };
            let mut names_dedup = names.clone();
            names_dedup.dedup();
            let hint = match crate::spec::suggest::closest(sel_trim, &names_dedup) {
                Some(s) => format!("; did you mean `{s}`?"),
                None => format!("; known: {}", names_dedup.join(", ")),
            };
            return Err(WorkspaceError::NoMatch {
                selection: sel.clone(),
                hint,
            });
        }
        for id in matched {
            if !out.contains(id) {
                out.push(id.clone());
            }
        }
    }
    out.sort();
    Ok(out)
}

fn list_dir(dir: &Path) -> Result<Vec<PathBuf>, WorkspaceError> {
    let entries = std::fs::read_dir(dir).map_err(|source| WorkspaceError::Io {
        path: dir.display().to_string(),
        source,
    })?;
    let mut out: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    out.sort();
    Ok(out)
}

/// The environment files of an app folder with their environment names: every `*.yaml`
/// file but `app.yaml` and hidden files, sorted.
fn environment_files(app_dir: &Path) -> Result<Vec<(PathBuf, String)>, WorkspaceError> {
    let mut out = Vec::new();
    for file in list_dir(app_dir)? {
        let name = file_name(&file);
        let Some(env) = name.strip_suffix(".yaml") else {
            continue;
        };
        if env == "app" || env.starts_with('.') || file.is_dir() {
            continue;
        }
        out.push((file.clone(), env.to_string()));
    }
    Ok(out)
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Whether an app or environment name can become part of object names and label values:
/// at most 63 of `[A-Za-z0-9._-]`, starting and ending with a letter or digit.
fn is_name(name: &str) -> bool {
    let edge = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    name.len() <= 63
        && edge(name.chars().next())
        && edge(name.chars().last())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}
