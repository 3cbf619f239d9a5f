//! The default templates, embedded in the binary from the repository's `templates/` folder.
//! A workspace's `templates/<target>/<file>` replaces the entry of the same name or adds one.

/// Every default template: name (`<target>/<file>`) and source.
pub const EMBEDDED: &[(&str, &str)] = &[
    embed!("compose/compose.yaml.j2"),
    embed!("helm/app-template.values.yaml.j2"),
    embed!("helm/values.yaml.j2"),
    embed!("kubernetes/10-namespace.yaml.j2"),
    embed!("kubernetes/20-serviceaccount.yaml.j2"),
    embed!("kubernetes/30-configmap.yaml.j2"),
    embed!("kubernetes/40-service.yaml.j2"),
    embed!("kubernetes/45-component-services.yaml.j2"),
    embed!("kubernetes/50-deployment.yaml.j2"),
    embed!("kubernetes/55-component-workloads.yaml.j2"),
    embed!("kubernetes/60-hpa.yaml.j2"),
    embed!("kubernetes/65-pdb.yaml.j2"),
    embed!("kubernetes/68-component-scaling.yaml.j2"),
    embed!("kubernetes/70-ingress.yaml.j2"),
    embed!("kubernetes/75-networkpolicies.yaml.j2"),
    embed!("kubernetes/80-migration-job.yaml.j2"),
    embed!("kubernetes/85-servicemonitor.yaml.j2"),
    embed!("kubernetes/90-canary.yaml.j2"),
    embed!("kubernetes/91-virtualservice.yaml.j2"),
    embed!("kubernetes/_container.j2"),
];

macro_rules! embed {
    ($name:literal) => {
        (
            $name,
            include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/templates/", $name)),
        )
    };
}
use embed;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::RenderError;
use crate::spec::Target;
use crate::spec::load::display_path;

/// The source of an embedded template, by name (`kubernetes/50-deployment.yaml.j2`).
pub fn embedded(name: &str) -> Option<&'static str> {
    EMBEDDED
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, text)| *text)
}

/// Whether a template file of a target is rendered on its own (an entry of the target's
/// output), rather than only included by others: for `kubernetes` every file not starting
/// with `_`, for `helm` and `compose` the one named after the output file.
pub fn is_entry(target: Target, file: &str) -> bool {
    match target {
        Target::Kubernetes => !file.starts_with('_'),
        Target::Helm | Target::Compose => file == format!("{}.j2", target.file_name()),
    }
}

/// The workspace's template files: name (`<target>/<file>`) -> path, for every
/// `templates/<target>/*.j2` (hidden files and other files are ignored).
pub fn workspace_templates(root: &Path) -> Result<BTreeMap<String, PathBuf>, RenderError> {
    let mut out = BTreeMap::new();
    let dir = root.join("templates");
    for target in Target::ALL {
        let target_dir = dir.join(target.as_str());
        if !target_dir.is_dir() {
            continue;
        }
        for path in super::list_files(&target_dir)? {
            let file = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            if file.starts_with('.') || !file.ends_with(".j2") {
                continue;
            }
            out.insert(format!("{}/{file}", target.as_str()), path);
        }
    }
    Ok(out)
}

/// Where a template of a workspace's set comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// The binary's own.
    Embedded,
    /// A workspace file (the path shown relative to the workspace) in place of the embedded
    /// template of the same name; `same` when its text is the embedded text.
    Overridden {
        /// The workspace file.
        path: String,
        /// Whether it is identical to the embedded template.
        same: bool,
    },
    /// A workspace file (the path shown relative to the workspace) that no embedded template
    /// has the name of.
    Added {
        /// The workspace file.
        path: String,
    },
}

/// One template of a workspace's set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateInfo {
    /// Its name, `<target>/<file>`.
    pub name: String,
    /// Its target.
    pub target: Target,
    /// Its file name.
    pub file: String,
    /// Whether it is rendered on its own (see [`is_entry`]) or only included.
    pub entry: bool,
    /// Where it comes from.
    pub origin: Origin,
}

/// Every template a workspace renders with (the embedded ones and the workspace's
/// `templates/<target>/*.j2` over them), by target in the order of [`Target::ALL`], then by
/// name.
pub fn catalogue(root: &Path) -> Result<Vec<TemplateInfo>, RenderError> {
    let workspace = workspace_templates(root)?;
    let mut names: Vec<&str> = EMBEDDED.iter().map(|(n, _)| *n).collect();
    names.extend(workspace.keys().map(String::as_str));
    names.sort();
    names.dedup();
    let mut out = Vec::new();
    for target in Target::ALL {
        let prefix = format!("{}/", target.as_str());
        for name in &names {
            let Some(file) = name.strip_prefix(&prefix) else {
                continue;
            };
            let origin = match (embedded(name), workspace.get(*name)) {
                (_, Some(path)) => {
                    let shown = display_path(root, path);
                    let text = std::fs::read_to_string(path).map_err(|source| RenderError::Io {
                        path: shown.clone(),
                        source,
                    })?;
                    match embedded(name) {
                        Some(original) => Origin::Overridden {
                            path: shown,
                            same: text == original,
                        },
                        None => Origin::Added { path: shown },
                    }
                }
                (_, None) => Origin::Embedded,
            };
            out.push(TemplateInfo {
                name: name.to_string(),
                target,
                file: file.to_string(),
                entry: is_entry(target, file),
                origin,
            });
        }
    }
    Ok(out)
}

/// Finds a template by what a user typed: its full name (`kubernetes/50-deployment.yaml.j2`),
/// its file name when only one target has it, either without the `.j2` or `.yaml.j2` suffix. An unknown
/// name is an error with the closest name, or the list.
pub fn find<'a>(templates: &'a [TemplateInfo], wanted: &str) -> Result<&'a TemplateInfo, String> {
    let wanted = wanted.trim();
    let candidates = [
        wanted.to_string(),
        format!("{wanted}.j2"),
        format!("{wanted}.yaml.j2"),
    ];
    for candidate in &candidates {
        if let Some(t) = templates.iter().find(|t| &t.name == candidate) {
            return Ok(t);
        }
        if !candidate.contains('/') {
            let by_file: Vec<&TemplateInfo> =
                templates.iter().filter(|t| &t.file == candidate).collect();
            match by_file.as_slice() {
                [one] => return Ok(one),
                [] => {}
                several => {
                    let names: Vec<&str> = several.iter().map(|t| t.name.as_str()).collect();
                    return Err(format!(
                        "`{wanted}` names {} templates: {}; name one with its target",
                        names.len(),
                        names.join(", ")
                    ));
                }
            }
        }
    }
    // Each template by the ways it may be named: with or without its target and suffixes.
    let mut spellings: Vec<(String, &TemplateInfo)> = Vec::new();
    for t in templates {
        // `70-ingress.yaml.j2` is also `ingress.yaml.j2`.
        let unnumbered = t
            .file
            .trim_start_matches(|c: char| c.is_ascii_digit() || c == '-');
        for base in [t.name.as_str(), t.file.as_str(), unnumbered] {
            spellings.push((base.to_string(), t));
            spellings.push((base.trim_end_matches(".j2").to_string(), t));
            spellings.push((base.trim_end_matches(".yaml.j2").to_string(), t));
        }
    }
    let keys: Vec<String> = spellings.iter().map(|(k, _)| k.clone()).collect();
    let closest = crate::spec::suggest::closest(wanted, &keys).and_then(|k| {
        spellings
            .iter()
            .find(|(s, _)| *s == k)
            .map(|(_, t)| t.name.clone())
    });
    Err(match closest {
        Some(name) => format!("no template `{wanted}`; did you mean `{name}`?"),
        None => format!("no template `{wanted}`; `shipshape templates list` shows them all"),
    })
}
