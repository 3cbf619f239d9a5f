//! `shipshape import`: existing Kubernetes manifests or Compose files become an app's spec,
//! and the round trip proves what was kept.
//!
//! Input is read into identified objects ([`crate::diff::objects`]): Kubernetes objects, or
//! Compose services. [`kubernetes`] groups Kubernetes objects into workloads with what
//! belongs to them (Services, ConfigMap, ServiceAccount, autoscaler, budget, Ingress,
//! ServiceMonitor, canary) and maps every field the spec can express onto spec keys; the
//! main Deployment becomes the app's own workload and every other workload a component,
//! keeping selectors and container names so the spec can take over the running objects.
//! [`compose`] does the same for Compose services. Secrets are never copied: a Secret
//! becomes a reference, and a literal secret value becomes a reference with a note saying
//! which Secret and key to create. With several environments, [`layout`] writes what they
//! share into `app.yaml` and only the differences into each environment file. Then
//! [`roundtrip`] renders the new spec in memory, compares it with the input using the diff
//! engine, and sorts every difference into a named normalisation or a loss.

pub mod compose;
pub mod kubernetes;
pub mod layout;
pub mod roundtrip;

use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use crate::diff::objects::{self, Object};
use crate::manifest::{self, Source, Target as FileKind};

/// One environment's input: its name and the paths (`-` for stdin) read for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvInput {
    /// The environment's name (its file is `<env>.yaml`).
    pub env: String,
    /// Files, folders, or `-`.
    pub paths: Vec<String>,
}

/// What an import is asked to do.
#[derive(Debug, Clone)]
pub struct Request {
    /// The workspace root.
    pub root: PathBuf,
    /// The app's folder name under `environments/`.
    pub app: String,
    /// The environments, in the order given.
    pub envs: Vec<EnvInput>,
}

/// A problem with the input: where, and what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{location}: {message}")]
pub struct InputError {
    /// `file:line:col`, or the file.
    pub location: String,
    /// What is wrong and how to fix it.
    pub message: String,
}

impl From<manifest::LoadError> for InputError {
    fn from(e: manifest::LoadError) -> InputError {
        let location = match e.pos {
            Some(p) => format!("{}:{}:{}", e.path, p.line, p.col),
            None => e.path.clone(),
        };
        InputError {
            location,
            message: e.message,
        }
    }
}

/// The objects of one environment and the kind of file they came from.
#[derive(Debug, Clone)]
pub struct EnvObjects {
    /// The environment.
    pub env: String,
    /// Kubernetes or Compose.
    pub kind: FileKind,
    /// The objects, in input order (Compose files of one environment merged).
    pub objects: Vec<Object>,
}

/// A spec mapped from one environment's objects, with notes for the user.
#[derive(Debug, Clone, Default)]
pub struct Mapped {
    /// The spec of the environment (everything, before it is split into files).
    pub spec: Map<String, Value>,
    /// Notes written as comments at the top of `app.yaml` and printed: Secrets to create,
    /// values that became references.
    pub notes: Vec<String>,
}

/// A spec file to write: its path relative to the workspace and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecFile {
    /// `environments/<app>/<file>.yaml`.
    pub path: PathBuf,
    /// The text.
    pub text: String,
}

/// What an import produced.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The files to write, `app.yaml` first.
    pub files: Vec<SpecFile>,
    /// The round trip of each environment.
    pub reports: Vec<roundtrip::Report>,
    /// Notes for the user (also in `app.yaml`).
    pub notes: Vec<String>,
}

impl Outcome {
    /// Whether the spec cannot express something of the input.
    pub fn lost_anything(&self) -> bool {
        self.reports.iter().any(|r| !r.losses.is_empty())
    }
}

/// Why an import stopped.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The input cannot be read or used.
    #[error("{0}")]
    Input(#[from] InputError),
    /// The spec written from the input does not load (a value the spec's grammar refuses).
    #[error("the spec made from the input does not load:\n{0}")]
    Spec(String),
    /// The new spec does not render.
    #[error("the spec made from the input does not render: {0}")]
    Render(String),
}

/// Reads every environment's input, maps it, lays the files out and proves the round trip.
pub fn import(
    request: &Request,
    stdin: &mut dyn FnMut() -> Result<String, InputError>,
) -> Result<Outcome, ImportError> {
    let mut inputs = Vec::new();
    for env in &request.envs {
        inputs.push(read_env(env, stdin)?);
    }
    let mut mapped = Vec::new();
    for input in &inputs {
        let mut m = match input.kind {
            FileKind::Compose => compose::map(&request.app, &input.objects)?,
            _ => kubernetes::map(&request.app, &input.objects)?,
        };
        scrub(&mut m);
        mapped.push(m);
    }
    let mut notes: Vec<String> = Vec::new();
    for m in &mapped {
        for n in &m.notes {
            if !notes.contains(n) {
                notes.push(n.clone());
            }
        }
    }
    let env_names: Vec<&str> = inputs.iter().map(|i| i.env.as_str()).collect();
    let specs: Vec<&Map<String, Value>> = mapped.iter().map(|m| &m.spec).collect();
    let files = layout::files(&request.app, &env_names, &specs, &notes);
    let mut reports = Vec::new();
    for input in &inputs {
        reports.push(roundtrip::prove(request, &files, input)?);
    }
    Ok(Outcome {
        files,
        reports,
        notes,
    })
}

/// Takes out of a mapped spec every value the spec loader refuses as a literal secret (a
/// secret-looking annotation, a password argument in a command line), with a note: the spec
/// never holds one, and the round trip lists what was left out.
fn scrub(mapped: &mut Mapped) {
    let mut value = Value::Object(std::mem::take(&mut mapped.spec));
    let mut found: Vec<(String, String)> = Vec::new();
    crate::spec::checks::check_values(&value, &mut |pointer: &str, message: String, _| {
        found.push((pointer.to_string(), message));
    });
    let mut removed: Vec<String> = Vec::new();
    for (pointer, message) in found {
        // A secret inside a command line takes the whole command line with it.
        let target = match pointer.rsplit_once('/') {
            Some((parent, last))
                if last.chars().all(|c| c.is_ascii_digit())
                    && (parent.ends_with("/command") || parent.ends_with("/args")) =>
            {
                parent.to_string()
            }
            _ => pointer.clone(),
        };
        if removed.contains(&target) {
            continue;
        }
        let Some((parent, last)) = target.rsplit_once('/') else {
            continue;
        };
        let key = last.replace("~1", "/").replace("~0", "~");
        if let Some(Value::Object(m)) = value.pointer_mut(parent) {
            m.remove(&key);
        }
        mapped.notes.push(format!(
            "`{}` was not copied: {message}.",
            crate::spec::load::key_path(&target)
        ));
        removed.push(target);
    }
    if let Value::Object(m) = value {
        mapped.spec = m;
    }
}

/// Reads the paths of one environment into objects. Kubernetes and Compose files are not
/// mixed in one environment; several Compose files merge as `docker-compose -f a -f b` does
/// for maps (a later file's list replaces an earlier one's).
fn read_env(
    env: &EnvInput,
    stdin: &mut dyn FnMut() -> Result<String, InputError>,
) -> Result<EnvObjects, InputError> {
    let mut kind: Option<(FileKind, String)> = None;
    let mut objects: Vec<Object> = Vec::new();
    for arg in &env.paths {
        let sources = if arg == "-" {
            vec![Source::new("<stdin>", stdin()?)]
        } else {
            let path = Path::new(arg);
            let files = if path.is_dir() {
                let files = manifest::manifest_files(path).map_err(|e| InputError {
                    location: arg.clone(),
                    message: format!("cannot list the folder: {e}"),
                })?;
                if files.is_empty() {
                    return Err(InputError {
                        location: arg.clone(),
                        message: "the folder holds no `.yaml`, `.yml` or `.json` file; name the manifests to import".into(),
                    });
                }
                files
            } else {
                vec![path.to_path_buf()]
            };
            let mut out = Vec::new();
            for f in files {
                out.push(Source::read(&f)?);
            }
            out
        };
        for source in sources {
            let docs = manifest::load(&source)?;
            if docs.is_empty() {
                continue;
            }
            let file_kind = objects::detect(&source.path, &docs);
            if file_kind == FileKind::HelmValues {
                return Err(InputError {
                    location: format!("{}:{}:{}", source.path, docs[0].pos.line, docs[0].pos.col),
                    message: "Helm values are not manifests: import what the chart renders (`helm template NAME CHART -f values.yaml | shipshape import - --app NAME`)".into(),
                });
            }
            for d in &docs {
                if file_kind == FileKind::Kubernetes
                    && (d.value.get("kind").is_none() || d.value.get("apiVersion").is_none())
                {
                    return Err(InputError {
                        location: format!("{}:{}:{}", source.path, d.pos.line, d.pos.col),
                        message: "a document without `apiVersion` and `kind`: import takes Kubernetes objects or a Compose file".into(),
                    });
                }
            }
            match &kind {
                Some((k, first)) if *k != file_kind => {
                    return Err(InputError {
                        location: source.path.clone(),
                        message: format!(
                            "a {} file, but {first} is a {} file: import Kubernetes manifests and Compose files of one environment separately",
                            file_kind.describe(),
                            k.describe()
                        ),
                    });
                }
                Some(_) => {}
                None => kind = Some((file_kind, source.path.clone())),
            }
            let found = objects::from_documents(&source.path, docs, file_kind)?;
            if file_kind == FileKind::Compose {
                merge_compose(&mut objects, found);
            } else {
                objects.extend(found);
            }
        }
    }
    let Some((kind, _)) = kind else {
        return Err(InputError {
            location: env.paths.join(" "),
            message: format!(
                "no objects to import for environment `{}`: the input is empty",
                env.env
            ),
        });
    };
    Ok(EnvObjects {
        env: env.env.clone(),
        kind,
        objects,
    })
}

/// Merges the objects of a later Compose file into those of the earlier ones.
fn merge_compose(into: &mut Vec<Object>, later: Vec<Object>) {
    for object in later {
        match into.iter_mut().find(|o| o.id == object.id) {
            Some(existing) => merge_value(&mut existing.value, object.value),
            None => into.push(object),
        }
    }
}

/// Maps merge key by key; anything else replaces.
pub(crate) fn merge_value(into: &mut Value, later: Value) {
    match (into, later) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, v) in b {
                match a.get_mut(&k) {
                    Some(existing) => merge_value(existing, v),
                    None => {
                        a.insert(k, v);
                    }
                }
            }
        }
        (slot, v) => *slot = v,
    }
}

/// Splits an image reference into the spec's `image` keys (`repository`, `tag`, `digest`).
pub(crate) fn image(reference: &str) -> Map<String, Value> {
    let mut m = Map::new();
    let (rest, digest) = match reference.split_once('@') {
        Some((r, d)) => (r, Some(d)),
        None => (reference, None),
    };
    let slash = rest.rfind('/').map_or(0, |i| i + 1);
    let (repository, tag) = match rest[slash..].rfind(':') {
        Some(i) => (&rest[..slash + i], Some(&rest[slash + i + 1..])),
        None => (rest, None),
    };
    m.insert("repository".into(), Value::String(repository.to_string()));
    if let Some(t) = tag {
        m.insert("tag".into(), Value::String(t.to_string()));
    }
    if let Some(d) = digest {
        m.insert("digest".into(), Value::String(d.to_string()));
    }
    if tag.is_none() && digest.is_none() {
        // What the runtime pulls for a reference without either.
        m.insert("tag".into(), Value::String("latest".into()));
    }
    m
}

/// Whether any string in a value holds a template expression (`{{ ... }}`): a Helm or
/// other template, not a manifest.
pub(crate) fn has_template(value: &Value) -> bool {
    match value {
        Value::String(s) => s.contains("{{"),
        Value::Array(a) => a.iter().any(has_template),
        Value::Object(m) => m.iter().any(|(k, v)| k.contains("{{") || has_template(v)),
        _ => false,
    }
}
