//! Semantic, object-aware diffs of manifests: the engine behind `shipshape diff` and the golden
//! drift of `shipshape check`.
//!
//! Files are read into objects ([`objects`]): Kubernetes objects identified by API group,
//! kind, namespace and name; Compose services, volumes, networks, secrets and configs by name;
//! Helm values as one object compared by key path. Objects are matched by identity, never by
//! position, so document order and key order never make a difference. Matched objects are
//! walked field by field ([`tree`]): list items carrying a `name` (containers, env, ports,
//! volumes, volumeMounts) are matched by it, so a reorder is not an edit. Objects left over
//! on both sides are paired as renames ([`rename`]) when their names differ only in a
//! hash-like suffix or their content is nearly the same. Secret values are masked while the
//! diff is built ([`mask`]), so no format can print one unless `show_secrets` is set.
//! The result, a list of [`FileDiff`], is printed by [`format`](mod@format) as human text, a unified
//! patch, Markdown for a pull request comment, or JSON.
//!
//! What is compared: one file's two texts ([`compare_texts`], what `check` does per golden
//! file), two files or folders ([`paths`]), or a workspace's environments rendered fresh,
//! against `golden/` or against each other ([`workspace`]).

pub mod checksum;
pub mod format;
pub mod git;
pub mod identity;
pub mod ignore;
pub mod immutable;
pub mod mask;
pub mod objects;
pub mod paths;
pub mod rename;
pub mod tree;
pub mod workspace;

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;
use serde_json::Value;

pub use crate::manifest::LoadError;
pub use format::{Format, FormatOptions, render};
pub use paths::compare_paths;

/// How a diff is built.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Options {
    /// Print secret values instead of masked markers (`--show-secrets`).
    pub show_secrets: bool,
    /// Match Kubernetes objects without their namespace (`--ignore-namespace`, and when
    /// comparing two environments): a namespace change shows as a field change, and the one
    /// `Namespace` object of each side is paired as a rename.
    pub ignore_namespace: bool,
    /// Fold the environments' identity (namespace, instance label) out of an
    /// environment-vs-environment diff and name it once per file ([`identity`]); `--env/
    /// --against` set it unless `--show-identity` is given.
    pub fold_identity: bool,
    /// Fold an `app.kubernetes.io/version` label change that holds for every object of a
    /// file out of the object diffs and name it once per file ([`identity`]); `diff` sets it
    /// unless `--show-identity` is given.
    pub fold_version: bool,
    /// Fields left out of the diff ([`ignore`]): their changes count for nothing.
    pub ignore: Vec<ignore::IgnoreRule>,
}

pub use crate::manifest::Target;

/// Which object a change is about.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct ObjectId {
    /// Kubernetes kind (`Deployment`), or the Compose section in the singular (`service`), or
    /// `values` for Helm values.
    pub kind: String,
    /// Kubernetes namespace, when the object has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// Object name (empty for Helm values and Compose top-level keys).
    pub name: String,
    /// Kubernetes API group (empty for the core group and for other targets).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub group: String,
}

impl ObjectId {
    /// `namespace/name`, or `name`.
    pub fn qualified_name(&self) -> String {
        match &self.namespace {
            Some(ns) => format!("{ns}/{}", self.name),
            None => self.name.clone(),
        }
    }
}

impl fmt::Display for ObjectId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = self.qualified_name();
        if name.is_empty() {
            f.write_str(&self.kind)
        } else {
            write!(f, "{} {name}", self.kind)
        }
    }
}

/// What happened to an object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ObjectChange {
    /// Only on the new side.
    Added,
    /// Only on the old side.
    Removed,
    /// On both sides, with field changes.
    Changed,
    /// Removed under one name and added under another (hash suffix or nearly equal content).
    Renamed,
}

impl ObjectChange {
    /// The lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            ObjectChange::Added => "added",
            ObjectChange::Removed => "removed",
            ObjectChange::Changed => "changed",
            ObjectChange::Renamed => "renamed",
        }
    }
}

/// One object that differs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ObjectDiff {
    /// What happened to it.
    pub change: ObjectChange,
    /// The object (its new identity; the old one for a removed object).
    #[serde(flatten)]
    pub id: ObjectId,
    /// The old name of a renamed object.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous_name: Option<String>,
    /// Field changes of a changed or renamed object, in document order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldChange>,
    /// The old object, secrets masked, maps and named lists in the old order.
    #[serde(skip)]
    pub old: Option<Value>,
    /// The new object, secrets masked, maps and named lists aligned with the old order.
    #[serde(skip)]
    pub new: Option<Value>,
    /// The whole object of an added or removed object (secrets masked).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub object: Option<Value>,
}

/// One changed field of an object.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldChange {
    /// The field path as reviewers read it: `spec.template.spec.containers[web].image`.
    pub path: String,
    /// JSON pointer of the field in the new document (the old one for a removed field).
    pub pointer: String,
    /// What changed.
    #[serde(flatten)]
    pub change: Change,
    /// Whether the values shown are masked secrets.
    pub masked: bool,
    /// Why the API server refuses this change on an existing object, when it does
    /// ([`immutable`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub immutable: Option<&'static str>,
    /// What stands behind the change, when the diff can tell (the ConfigMap a changed config
    /// checksum stands for, [`checksum`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A change of one field.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "change", rename_all = "lowercase")]
pub enum Change {
    /// The field exists only on the new side.
    Added {
        /// Its value.
        new: Value,
    },
    /// The field exists only on the old side.
    Removed {
        /// Its value.
        old: Value,
    },
    /// The field's value changed.
    Modified {
        /// The old value.
        old: Value,
        /// The new value.
        new: Value,
    },
    /// The order of a list whose order carries meaning (`initContainers`) changed.
    Reordered {
        /// Item names in the old order.
        old: Vec<String>,
        /// Item names in the new order.
        new: Vec<String>,
    },
}

/// The differences of one file (or of one pair of files).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FileDiff {
    /// The path shown to reviewers.
    pub path: String,
    /// The old file, when there is one.
    pub old_path: Option<String>,
    /// The new file, when there is one.
    pub new_path: Option<String>,
    /// What kind of file it is.
    pub target: Target,
    /// The objects that differ, sorted by kind, namespace and name.
    pub objects: Vec<ObjectDiff>,
    /// Identity changes folded out of the object diffs (environment vs environment): each
    /// holds throughout the file and is not listed per object.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub identity: Vec<identity::Change>,
}

impl FileDiff {
    /// Whether nothing differs: no object, and no version label changed throughout.
    pub fn is_empty(&self) -> bool {
        self.objects.is_empty() && !self.version_changed()
    }

    /// Whether a version label change was folded out of the file's objects.
    pub fn version_changed(&self) -> bool {
        self.identity
            .iter()
            .any(|c| c.part == identity::Part::Version)
    }
}

/// Counts of objects added, removed, changed and renamed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Objects added.
    pub added: usize,
    /// Objects removed.
    pub removed: usize,
    /// Objects changed.
    pub changed: usize,
    /// Objects renamed.
    pub renamed: usize,
}

impl Counts {
    /// Counts one object.
    pub fn add(&mut self, change: ObjectChange) {
        match change {
            ObjectChange::Added => self.added += 1,
            ObjectChange::Removed => self.removed += 1,
            ObjectChange::Changed => self.changed += 1,
            ObjectChange::Renamed => self.renamed += 1,
        }
    }

    /// All objects counted.
    pub fn total(&self) -> usize {
        self.added + self.removed + self.changed + self.renamed
    }
}

impl fmt::Display for Counts {
    /// `1 added, 2 changed` (zero counts left out).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = [
            (self.added, "added"),
            (self.removed, "removed"),
            (self.changed, "changed"),
            (self.renamed, "renamed"),
        ]
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, what)| format!("{n} {what}"))
        .collect();
        f.write_str(&parts.join(", "))
    }
}

/// Objects added, removed, changed and renamed, in total and per kind.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// All objects.
    pub total: Counts,
    /// Per kind, sorted by kind.
    pub kinds: BTreeMap<String, Counts>,
    /// Files whose objects all changed their `app.kubernetes.io/version` label (named once
    /// per file, not counted per object).
    #[serde(skip_serializing_if = "is_zero")]
    pub versions: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

impl Summary {
    /// Counts the objects of file diffs.
    pub fn of<'a>(files: impl IntoIterator<Item = &'a FileDiff>) -> Summary {
        let mut summary = Summary::default();
        let files: Vec<&FileDiff> = files.into_iter().collect();
        summary.versions = files.iter().filter(|f| f.version_changed()).count();
        for object in files.iter().flat_map(|f| &f.objects) {
            summary.total.add(object.change);
            summary
                .kinds
                .entry(object.id.kind.clone())
                .or_default()
                .add(object.change);
        }
        summary
    }

    /// Whether anything differs.
    pub fn has_differences(&self) -> bool {
        self.total.total() > 0 || self.versions > 0
    }
}

impl fmt::Display for Summary {
    /// `2 changed, 1 added (ConfigMap: 1 added; Deployment: 2 changed)`, or `no differences`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.has_differences() {
            return f.write_str("no differences");
        }
        let versions = match self.versions {
            0 => String::new(),
            1 => format!("{} changed throughout 1 file", identity::VERSION_LABEL),
            n => format!("{} changed throughout {n} files", identity::VERSION_LABEL),
        };
        if self.total.total() == 0 {
            return f.write_str(&versions);
        }
        let kinds: Vec<String> = self
            .kinds
            .iter()
            .map(|(kind, counts)| format!("{kind}: {counts}"))
            .collect();
        write!(f, "{} ({})", self.total, kinds.join("; "))?;
        if !versions.is_empty() {
            write!(f, "; {versions}")?;
        }
        Ok(())
    }
}

/// Compares the old and new text of one file (`old` is `None` when the file is missing, e.g.
/// a golden file not yet accepted; `new` is `None` when the file is gone).
///
/// `path` names the file in output and in errors. Parse errors and objects that cannot be
/// identified are returned as [`LoadError`] with their position.
pub fn compare_texts(
    path: &str,
    target: Target,
    old: Option<&str>,
    new: Option<&str>,
    options: &Options,
) -> Result<FileDiff, LoadError> {
    compare_named(
        path,
        target,
        old.map(|text| (path, text)),
        new.map(|text| (path, text)),
        options,
    )
}

/// Compares two texts that have names of their own (`(path, text)`, e.g. the golden file and
/// the rendered one, or one environment's file and another's); `path` names the pair.
pub fn compare_named(
    path: &str,
    target: Target,
    old: Option<(&str, &str)>,
    new: Option<(&str, &str)>,
    options: &Options,
) -> Result<FileDiff, LoadError> {
    let read = |side: Option<(&str, &str)>| match side {
        Some((name, text)) => objects::from_text(name, text, target),
        None => Ok(Vec::new()),
    };
    let (old_objects, new_objects) = (read(old)?, read(new)?);
    file_diff(
        path,
        target,
        (old.map(|(name, _)| name), new.map(|(name, _)| name)),
        (old_objects, new_objects),
        Vec::new(),
        options,
    )
}

/// The [`FileDiff`] of two sets of objects read from a pair of files (`paths`: the old and
/// the new file, when there is one), with the identity changes already folded into them.
pub fn file_diff(
    path: &str,
    target: Target,
    paths: (Option<&str>, Option<&str>),
    objects: (Vec<objects::Object>, Vec<objects::Object>),
    mut identity: Vec<identity::Change>,
    options: &Options,
) -> Result<FileDiff, LoadError> {
    let (mut old_objects, new_objects) = objects;
    if options.fold_version && target == Target::Kubernetes {
        identity.extend(fold_version(&mut old_objects, &new_objects));
    }
    let mut objects: Vec<ObjectDiff> = compare_objects(old_objects, new_objects, options)?
        .into_iter()
        .map(|(diff, _)| diff)
        .collect();
    objects.sort_by(|a, b| a.id.cmp(&b.id));
    if target == Target::Kubernetes {
        checksum::explain(&mut objects);
    }
    Ok(FileDiff {
        path: path.to_string(),
        old_path: paths.0.map(str::to_string),
        new_path: paths.1.map(str::to_string),
        target,
        objects,
        identity,
    })
}

/// Folds a version label change that holds for every object (see
/// [`identity::version_change`]) into the old objects; returns it when it applied.
pub fn fold_version(old: &mut [objects::Object], new: &[objects::Object]) -> Vec<identity::Change> {
    match identity::version_change(old, new) {
        Some(change) => identity::apply(old, std::slice::from_ref(&change)),
        None => Vec::new(),
    }
}

/// Matches two pools of objects by identity and diffs them. Each object diff comes with the
/// file it belongs to (the new object's file, or the old one's for a removed object).
pub fn compare_objects(
    old: Vec<objects::Object>,
    new: Vec<objects::Object>,
    options: &Options,
) -> Result<Vec<(ObjectDiff, String)>, LoadError> {
    let old = objects::index(old, options.ignore_namespace)?;
    let mut new = objects::index(new, options.ignore_namespace)?;
    let mut out = Vec::new();
    let mut removed = Vec::new();
    for (key, old_object) in old {
        match new.swap_remove(&key) {
            Some(new_object) => {
                if old_object.value != new_object.value {
                    let diff = tree::diff_objects(&old_object, &new_object, false, options);
                    if !diff.fields.is_empty() {
                        out.push((diff, new_object.file));
                    }
                }
            }
            None => removed.push(old_object),
        }
    }
    let added: Vec<objects::Object> = new.into_values().collect();
    let (pairs, removed, added) = rename::pair(removed, added, options.ignore_namespace);
    for (old_object, new_object) in pairs {
        let diff = tree::diff_objects(&old_object, &new_object, true, options);
        out.push((diff, new_object.file));
    }
    for object in removed {
        let diff = tree::whole_object(&object, ObjectChange::Removed, options);
        out.push((diff, object.file));
    }
    for object in added {
        let diff = tree::whole_object(&object, ObjectChange::Added, options);
        out.push((diff, object.file));
    }
    Ok(out)
}
