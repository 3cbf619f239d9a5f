//! Diffs of a workspace's environments, rendered fresh in memory: each environment against
//! its committed `golden/` files, or one environment against another (drift between staging
//! and production).

use std::collections::BTreeMap;

use super::{FileDiff, Options, Target, compare_named, file_diff, identity, objects};
use crate::golden;
use crate::render::{self, RenderedFile, Renderer};
use crate::spec::EnvId;
use crate::workspace::Workspace;

/// The differences found in a workspace, and the environments that could not be rendered.
#[derive(Debug, Default)]
pub struct WorkspaceDiff {
    /// Differences, one entry per file pair that differs, in environment and file order.
    pub files: Vec<FileDiff>,
    /// Environments that could not be rendered, with the error (spec or template error).
    pub errors: Vec<(EnvId, String)>,
}

/// Each environment's rendered files.
type Rendered = BTreeMap<EnvId, Vec<RenderedFile>>;

/// Renders the environments and returns each one's files, or its error.
fn render_envs(
    workspace: &Workspace,
    ids: &[EnvId],
) -> anyhow::Result<(Rendered, Vec<(EnvId, String)>)> {
    let renderer = Renderer::new(workspace)?;
    let mut rendered = BTreeMap::new();
    let mut errors = Vec::new();
    for (id, result) in render::render_all(&renderer, workspace, ids) {
        match result {
            Ok(files) => {
                rendered.insert(id, files);
            }
            Err(err) => errors.push((id, err.to_string())),
        }
    }
    Ok((rendered, errors))
}

/// Compares each environment's fresh render with its `golden/` files. A golden file that is
/// missing lists every rendered object as added; a golden file the environment no longer
/// renders lists every object as removed.
pub fn rendered_vs_golden(
    workspace: &Workspace,
    ids: &[EnvId],
    options: &Options,
) -> anyhow::Result<WorkspaceDiff> {
    let (rendered, errors) = render_envs(workspace, ids)?;
    let golden_dir = workspace.golden_dir();
    let mut files = Vec::new();
    for (id, rendered_files) in &rendered {
        let drift = golden::compare(&golden_dir, id, rendered_files)?;
        files.extend(drift_diffs(&drift, options)?);
    }
    Ok(WorkspaceDiff { files, errors })
}

/// Compares pairs of environments, `(old, new)`, target by target: what changes when going
/// from the old environment to the new one.
pub fn env_vs_env(
    workspace: &Workspace,
    pairs: &[(EnvId, EnvId)],
    options: &Options,
) -> anyhow::Result<WorkspaceDiff> {
    let mut ids: Vec<EnvId> = pairs
        .iter()
        .flat_map(|(a, b)| [a.clone(), b.clone()])
        .collect();
    ids.sort();
    ids.dedup();
    let (rendered, errors) = render_envs(workspace, &ids)?;
    let mut files = Vec::new();
    for (old_id, new_id) in pairs {
        let (Some(old_files), Some(new_files)) = (rendered.get(old_id), rendered.get(new_id))
        else {
            continue;
        };
        // Each target's files and objects, old and new.
        let mut sides = Vec::new();
        for target in crate::spec::Target::ALL {
            let old = old_files.iter().find(|f| f.target == target);
            let new = new_files.iter().find(|f| f.target == target);
            if old.is_none() && new.is_none() {
                continue;
            }
            let read = |f: Option<&RenderedFile>| match f {
                Some(f) => objects::from_text(&f.path, &f.text, target.into()),
                None => Ok(Vec::new()),
            };
            sides.push((target, old, new, read(old)?, read(new)?));
        }
        let changes = if options.fold_identity {
            let kubernetes = sides
                .iter()
                .find(|(target, ..)| *target == crate::spec::Target::Kubernetes);
            kubernetes.map_or_else(Vec::new, |(_, _, _, old, new)| identity::changes(old, new))
        } else {
            Vec::new()
        };
        for (target, old, new, mut old_objects, new_objects) in sides {
            let applied = identity::apply(&mut old_objects, &changes);
            let path = format!("{old_id} -> {new_id}: {}", target.file_name());
            let diff = file_diff(
                &path,
                target.into(),
                (old.map(|f| f.path.as_str()), new.map(|f| f.path.as_str())),
                (old_objects, new_objects),
                applied,
                options,
            )?;
            if !diff.is_empty() {
                files.push(diff);
            }
        }
    }
    Ok(WorkspaceDiff { files, errors })
}

/// One side of a revision-vs-working-tree diff: a workspace (none when the revision has no
/// `environments/`) and how errors name the side.
pub struct Side<'a> {
    /// The workspace, when the side has one.
    pub workspace: Option<&'a Workspace>,
    /// How messages name the side: ``at `main` (--base)``, `in the working tree`.
    pub label: &'a str,
    /// How file names of the side are shown: `main:` for a revision, empty for the working
    /// tree.
    pub prefix: &'a str,
}

/// Compares the selected environments (`app` or `app/env`; all when none) rendered fresh
/// from two workspaces: a git revision (`old`) and the working tree (`new`). An
/// environment or app on one side only lists every object as added or removed. A
/// selection must match an environment on at least one side.
pub fn revision_vs_worktree(
    old: &Side<'_>,
    new: &Side<'_>,
    selections: &[String],
    options: &Options,
) -> anyhow::Result<WorkspaceDiff> {
    let envs = |side: &Side<'_>| -> anyhow::Result<Vec<EnvId>> {
        match side.workspace {
            Some(w) => Ok(w.environments()?),
            None => Ok(Vec::new()),
        }
    };
    let (old_envs, new_envs) = (envs(old)?, envs(new)?);
    let mut all: Vec<EnvId> = old_envs.iter().chain(&new_envs).cloned().collect();
    all.sort();
    all.dedup();
    if all.is_empty() {
        anyhow::bail!(
            "no environments on either side: add `environments/<app>/<env>.yaml`, or compare folders of manifests with `--base REF -- DIR`"
        );
    }
    let ids = crate::workspace::select_among(all, selections)?;
    let mut errors = Vec::new();
    let mut render_side = |side: &Side<'_>, have: &[EnvId]| -> anyhow::Result<Rendered> {
        let Some(workspace) = side.workspace else {
            return Ok(Rendered::new());
        };
        let wanted: Vec<EnvId> = ids.iter().filter(|id| have.contains(id)).cloned().collect();
        if wanted.is_empty() {
            return Ok(Rendered::new());
        }
        let renderer = Renderer::new(workspace)
            .map_err(|e| anyhow::anyhow!("{} {}: {e}", side.label, side.prefix))?;
        let mut rendered = Rendered::new();
        for (id, result) in render::render_all(&renderer, workspace, &wanted) {
            match result {
                Ok(files) => {
                    rendered.insert(id, files);
                }
                Err(err) => errors.push((id, format!("{}: {err}", side.label))),
            }
        }
        Ok(rendered)
    };
    let old_rendered = render_side(old, &old_envs)?;
    let new_rendered = render_side(new, &new_envs)?;
    let failed: Vec<EnvId> = errors.iter().map(|(id, _)| id.clone()).collect();
    let none = Vec::new();
    let mut files = Vec::new();
    for id in ids.iter().filter(|id| !failed.contains(id)) {
        let old_files = old_rendered.get(id).unwrap_or(&none);
        let new_files = new_rendered.get(id).unwrap_or(&none);
        for target in crate::spec::Target::ALL {
            let old_file = old_files.iter().find(|f| f.target == target);
            let new_file = new_files.iter().find(|f| f.target == target);
            let Some(path) = new_file.or(old_file).map(|f| f.path.clone()) else {
                continue;
            };
            let old_name = old_file.map(|f| format!("{}{}", old.prefix, f.path));
            let new_name = new_file.map(|f| format!("{}{}", new.prefix, f.path));
            let diff = compare_named(
                &path,
                target.into(),
                old_file
                    .zip(old_name.as_deref())
                    .map(|(f, n)| (n, f.text.as_str())),
                new_file
                    .zip(new_name.as_deref())
                    .map(|(f, n)| (n, f.text.as_str())),
                options,
            )?;
            if !diff.is_empty() {
                files.push(diff);
            }
        }
    }
    errors.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(WorkspaceDiff { files, errors })
}

/// Semantic diffs of the drift `check` found (see [`crate::golden::compare`]): one
/// [`FileDiff`] per drifted file that differs in more than formatting and comments, golden
/// on the old side, the render on the new side.
pub fn drift_diffs(
    drift: &[golden::Drift],
    options: &Options,
) -> Result<Vec<FileDiff>, super::LoadError> {
    let mut files = Vec::new();
    for d in drift {
        let rel = d.path();
        let (golden_text, rendered_text) = match d {
            golden::Drift::Missing { rendered, .. } => (None, Some(rendered.as_str())),
            golden::Drift::Changed {
                golden, rendered, ..
            } => (Some(golden.as_str()), Some(rendered.as_str())),
            golden::Drift::Stale { golden, .. } | golden::Drift::Orphan { golden, .. } => {
                (Some(golden.as_str()), None)
            }
        };
        let golden_name = format!("golden/{rel}");
        let rendered_name = format!("rendered/{rel}");
        let diff = compare_named(
            rel,
            Target::of_file_name(rel),
            golden_text.map(|t| (golden_name.as_str(), t)),
            rendered_text.map(|t| (rendered_name.as_str(), t)),
            options,
        )?;
        if !diff.is_empty() {
            files.push(diff);
        }
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}
