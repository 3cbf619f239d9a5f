//! Two files or two folders of manifests from anywhere (`shipshape diff A B`).
//!
//! Two files are compared as wholes; either may be `-` for standard input. In two folders, Kubernetes objects of all files are
//! matched by identity across the folder (an object moved to another file is not a change);
//! Compose files and Helm values are matched by their path relative to the folder. Files are
//! `*.yaml`, `*.yml` and `*.json`, found recursively; hidden files and folders are skipped.
//! A file with the same bytes at the same relative path on both sides is not parsed: its
//! objects are the same on both sides (so an object defined both there and in another file
//! of one side is not reported as a duplicate).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use super::objects::{self, Object};
use super::{FileDiff, LoadError, ObjectDiff, Options, Target, compare_objects};
use crate::manifest::{self, Source};

/// One loaded file.
struct Loaded {
    /// Path relative to the folder (the path as given for a single file).
    rel: String,
    target: Target,
    objects: Vec<Object>,
}

fn io_error(path: &Path, message: String) -> LoadError {
    LoadError {
        path: path.display().to_string(),
        pos: None,
        message,
    }
}

fn load(path: &Path, rel: String) -> Result<Loaded, LoadError> {
    let (_, docs) = objects::read_documents(path)?;
    parse(rel, docs)
}

/// Whether a path argument means standard input.
fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// Loads a file, or standard input for `-`.
fn load_file(path: &Path) -> Result<Loaded, LoadError> {
    if !is_stdin(path) {
        return load(path, path.display().to_string());
    }
    parse("-".into(), manifest::load(&Source::read_stdin()?)?)
}

fn parse(rel: String, docs: Vec<crate::manifest::Document>) -> Result<Loaded, LoadError> {
    let target = objects::detect(&rel, &docs);
    let objects = objects::from_documents(&rel, docs, target)?;
    Ok(Loaded {
        rel,
        target,
        objects,
    })
}

/// Compares two files or two folders. Differences come back sorted by file path.
pub fn compare_paths(
    old: &Path,
    new: &Path,
    options: &Options,
) -> Result<Vec<FileDiff>, LoadError> {
    if is_stdin(old) && is_stdin(new) {
        return Err(io_error(
            new,
            "standard input can be one side only; name a file for the other".into(),
        ));
    }
    let is_dir = |p: &Path| {
        if is_stdin(p) {
            return Ok(false);
        }
        std::fs::metadata(p).map(|m| m.is_dir()).map_err(|e| {
            io_error(
                p,
                format!("cannot read: {e}; expected a file or a folder of manifests"),
            )
        })
    };
    match (is_dir(old)?, is_dir(new)?) {
        (false, false) => compare_files(old, new, options),
        (true, true) => compare_folders(old, new, options),
        (old_is_dir, _) => {
            let (dir, file) = if old_is_dir { (old, new) } else { (new, old) };
            Err(io_error(
                file,
                format!(
                    "is a file but {} is a folder; compare two files or two folders",
                    dir.display()
                ),
            ))
        }
    }
}

fn compare_files(old: &Path, new: &Path, options: &Options) -> Result<Vec<FileDiff>, LoadError> {
    let old_display = old.display().to_string();
    let new_display = new.display().to_string();
    let (old_file, new_file) = rayon::join(|| load_file(old), || load_file(new));
    let (old_file, new_file) = (old_file?, new_file?);
    let target = match (old_file.target, new_file.target) {
        (a, b) if a == b => a,
        // An empty file takes the other side's target.
        (a, b) if new_file.objects.is_empty() => pick(a, b, true),
        (a, b) if old_file.objects.is_empty() => pick(a, b, false),
        (a, b) => {
            return Err(io_error(
                new,
                format!(
                    "is {} but {} is {}; compare files of the same kind",
                    b.describe(),
                    old.display(),
                    a.describe()
                ),
            ));
        }
    };
    let path = if old_display == new_display {
        new_display.clone()
    } else {
        format!("{old_display} -> {new_display}")
    };
    let diff = super::file_diff(
        &path,
        target,
        (Some(&old_display), Some(&new_display)),
        (old_file.objects, new_file.objects),
        Vec::new(),
        options,
    )?;
    Ok(if diff.is_empty() {
        Vec::new()
    } else {
        vec![diff]
    })
}

fn pick(old: Target, new: Target, old_wins: bool) -> Target {
    if old_wins { old } else { new }
}

/// Every manifest file under a folder, as paths relative to it with `/` separators, sorted.
fn manifest_files(root: &Path) -> Result<Vec<String>, LoadError> {
    let files = manifest::manifest_files(root)
        .map_err(|e| io_error(root, format!("cannot read folder: {e}")))?;
    let mut rel: Vec<String> = files
        .iter()
        .map(|path| {
            let rel = path.strip_prefix(root).unwrap_or(path);
            rel.components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/")
        })
        .collect();
    rel.sort();
    Ok(rel)
}

fn join(root: &Path, rel: &str) -> PathBuf {
    rel.split('/')
        .fold(root.to_path_buf(), |p, part| p.join(part))
}

/// Reads both folders. A file with the same relative path and the same bytes on both sides
/// holds the same objects on both sides, so it is not parsed and takes no part in matching.
fn load_folders(old: &Path, new: &Path) -> Result<(Vec<Loaded>, Vec<Loaded>), LoadError> {
    let (old_files, new_files) = rayon::join(|| manifest_files(old), || manifest_files(new));
    let (old_files, new_files) = (old_files?, new_files?);
    let new_set: BTreeSet<&String> = new_files.iter().collect();
    let old_set: BTreeSet<&String> = old_files.iter().collect();
    let read = |root: &Path, rel: &str| -> Result<Arc<Source>, LoadError> {
        Source::read(&join(root, rel))
    };
    // Pairs present on both sides are read together and skipped when identical.
    let both: Vec<(Option<Loaded>, Option<Loaded>)> = old_files
        .par_iter()
        .filter(|rel| new_set.contains(rel))
        .map(|rel| {
            let (a, b) = (read(old, rel)?, read(new, rel)?);
            if a.text == b.text {
                return Ok((None, None));
            }
            let a = parse(rel.clone(), manifest::load(&a)?)?;
            let b = parse(rel.clone(), manifest::load(&b)?)?;
            Ok((Some(a), Some(b)))
        })
        .collect::<Result<_, LoadError>>()?;
    let only = |root: &Path, files: &[String], other: &BTreeSet<&String>| {
        files
            .par_iter()
            .filter(|rel| !other.contains(rel))
            .map(|rel| load(&join(root, rel), rel.clone()))
            .collect::<Result<Vec<Loaded>, LoadError>>()
    };
    let (old_only, new_only) = rayon::join(
        || only(old, &old_files, &new_set),
        || only(new, &new_files, &old_set),
    );
    let (mut old_loaded, mut new_loaded) = (old_only?, new_only?);
    for (a, b) in both {
        old_loaded.extend(a);
        new_loaded.extend(b);
    }
    Ok((old_loaded, new_loaded))
}

fn display(root: &Path, rel: &str) -> String {
    join(root, rel).display().to_string()
}

fn compare_folders(old: &Path, new: &Path, options: &Options) -> Result<Vec<FileDiff>, LoadError> {
    let (old_files, new_files) = load_folders(old, new)?;
    let old_rels: BTreeSet<String> = old_files.iter().map(|f| f.rel.clone()).collect();
    let new_rels: BTreeSet<String> = new_files.iter().map(|f| f.rel.clone()).collect();
    let mut versions: BTreeMap<String, Vec<super::identity::Change>> = BTreeMap::new();
    let file_diff = |rel: &str,
                     target: Target,
                     objects: Vec<ObjectDiff>,
                     identity: Vec<super::identity::Change>| FileDiff {
        path: rel.to_string(),
        old_path: old_rels.contains(rel).then(|| display(old, rel)),
        new_path: new_rels.contains(rel).then(|| display(new, rel)),
        target,
        objects,
        identity,
    };

    let mut old_pool = Vec::new();
    let mut new_pool = Vec::new();
    let mut others: BTreeMap<String, (Target, Vec<Object>, Vec<Object>)> = BTreeMap::new();
    // Unnamed objects are told apart by their file across a folder.
    let qualify = |mut object: Object| {
        if object.unnamed {
            object.id.name = format!("{} {}", object.file, object.id.name);
        }
        object
    };
    for file in old_files {
        if file.target == Target::Kubernetes {
            old_pool.extend(file.objects.into_iter().map(qualify));
        } else {
            others
                .entry(file.rel)
                .or_insert((file.target, Vec::new(), Vec::new()))
                .1 = file.objects;
        }
    }
    for file in new_files {
        if file.target == Target::Kubernetes {
            new_pool.extend(file.objects.into_iter().map(qualify));
        } else {
            let entry = others
                .entry(file.rel)
                .or_insert((file.target, Vec::new(), Vec::new()));
            entry.0 = file.target;
            entry.2 = file.objects;
        }
    }

    if options.fold_version {
        // A version label changed on every object of a file is named once for that file.
        let files: BTreeSet<String> = old_pool.iter().map(|o| o.file.clone()).collect();
        for file in files {
            let new_objects: Vec<Object> = new_pool
                .iter()
                .filter(|o| o.file == file)
                .cloned()
                .collect();
            let mut old_objects: Vec<Object> = old_pool
                .iter()
                .filter(|o| o.file == file)
                .cloned()
                .collect();
            let folded = super::fold_version(&mut old_objects, &new_objects);
            if folded.is_empty() {
                continue;
            }
            old_pool.retain(|o| o.file != file);
            old_pool.extend(old_objects);
            versions.insert(file, folded);
        }
    }
    let mut by_file: BTreeMap<String, (Target, Vec<ObjectDiff>)> = BTreeMap::new();
    for file in versions.keys() {
        by_file.insert(file.clone(), (Target::Kubernetes, Vec::new()));
    }
    let (mut diffs, files): (Vec<ObjectDiff>, Vec<String>) =
        compare_objects(old_pool, new_pool, options)?
            .into_iter()
            .unzip();
    super::checksum::explain(&mut diffs);
    for (diff, file) in diffs.into_iter().zip(files) {
        by_file
            .entry(file)
            .or_insert((Target::Kubernetes, Vec::new()))
            .1
            .push(diff);
    }
    for (rel, (target, old_objects, new_objects)) in others {
        for (diff, _) in compare_objects(old_objects, new_objects, options)? {
            by_file
                .entry(rel.clone())
                .or_insert((target, Vec::new()))
                .1
                .push(diff);
        }
    }
    Ok(by_file
        .into_iter()
        .map(|(rel, (target, mut objects))| {
            objects.sort_by(|a, b| a.id.cmp(&b.id));
            let identity = versions.remove(&rel).unwrap_or_default();
            file_diff(&rel, target, objects, identity)
        })
        .collect())
}
