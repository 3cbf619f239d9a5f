//! Files into identified objects: Kubernetes objects by API group, kind, namespace and name;
//! Compose services, volumes, networks, secrets and configs by name; Helm values as one object.

use std::sync::Arc;

use indexmap::IndexMap;
use indexmap::map::Entry;
use serde_json::{Map, Value};

use super::{LoadError, ObjectId, Target};
use crate::manifest::{self, Document, Pos, Source};

/// One object to compare.
#[derive(Debug, Clone, PartialEq)]
pub struct Object {
    /// Its identity.
    pub id: ObjectId,
    /// Its content (Compose `environment` and `labels` lists normalised to maps).
    pub value: Value,
    /// The file it is in, as shown to reviewers.
    pub file: String,
    /// Where it starts in that file.
    pub pos: Pos,
    /// What kind of file it came from.
    pub target: Target,
    /// A Kubernetes document without `metadata.name` (a `Kustomization`, say), named
    /// `(unnamed)`, `(unnamed 2)`, ... in its file.
    pub unnamed: bool,
}

impl Object {
    /// Whether this is a Kubernetes Secret, whose `data` and `stringData` values are secret.
    pub fn is_kubernetes_secret(&self) -> bool {
        self.target == Target::Kubernetes && self.id.kind == "Secret" && self.id.group.is_empty()
    }
}

/// Guesses the target of a file from its name and its documents.
///
/// `compose.yaml`, `docker-compose*.yml` and files whose first document has `services` and no
/// `kind` are Compose; files with a `kind` are Kubernetes; other mappings (`values.yaml`) are
/// Helm values; an empty file is Kubernetes.
pub fn detect(path: &str, docs: &[Document]) -> Target {
    let name = path
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(path)
        .to_ascii_lowercase();
    if name.starts_with("docker-compose") || name.starts_with("compose.") {
        return Target::Compose;
    }
    let Some(first) = docs.first() else {
        return Target::Kubernetes;
    };
    if docs.iter().any(|d| d.value.get("kind").is_some()) {
        return Target::Kubernetes;
    }
    if first.value.get("services").is_some_and(Value::is_object) {
        return Target::Compose;
    }
    Target::HelmValues
}

/// Parses a text and turns its documents into objects.
pub fn from_text(path: &str, text: &str, target: Target) -> Result<Vec<Object>, LoadError> {
    let source = Source::new(path, text);
    let docs = manifest::load(&source)?;
    from_documents(path, docs, target)
}

/// Turns the documents of one file into objects; `file` is the path shown to reviewers.
pub fn from_documents(
    file: &str,
    docs: Vec<Document>,
    target: Target,
) -> Result<Vec<Object>, LoadError> {
    match target {
        Target::Kubernetes => kubernetes(file, docs),
        Target::Compose => compose(file, &docs),
        Target::HelmValues => helm_values(file, &docs),
    }
}

/// Reads a file from disk into its documents.
pub fn read_documents(path: &std::path::Path) -> Result<(Arc<Source>, Vec<Document>), LoadError> {
    let source = Source::read(path)?;
    let docs = manifest::load(&source)?;
    Ok((source, docs))
}

fn error(file: &str, pos: Pos, message: impl Into<String>) -> LoadError {
    LoadError {
        path: file.to_string(),
        pos: Some(pos),
        message: message.into(),
    }
}

fn kubernetes(file: &str, docs: Vec<Document>) -> Result<Vec<Object>, LoadError> {
    let mut out = Vec::with_capacity(docs.len());
    let mut unnamed = 0;
    for mut doc in docs {
        let is_list = doc.kind().is_some_and(|k| k.ends_with("List"));
        match doc.value.get_mut("items").map(Value::take) {
            Some(Value::Array(items)) if is_list => {
                for item in items {
                    out.push(kubernetes_object(file, doc.pos, item, &mut unnamed)?);
                }
            }
            Some(other) => {
                doc.value["items"] = other;
                out.push(kubernetes_object(file, doc.pos, doc.value, &mut unnamed)?);
            }
            None => out.push(kubernetes_object(file, doc.pos, doc.value, &mut unnamed)?),
        }
    }
    Ok(out)
}

fn kubernetes_object(
    file: &str,
    pos: Pos,
    value: Value,
    unnamed: &mut usize,
) -> Result<Object, LoadError> {
    const EXPECTED: &str = "expected a Kubernetes object with `apiVersion` and `kind`";
    if !value.is_object() {
        return Err(error(
            file,
            pos,
            format!("document is not a mapping; {EXPECTED}"),
        ));
    }
    let text = |v: Option<&Value>| v.and_then(Value::as_str).map(str::to_string);
    let Some(api_version) = text(value.get("apiVersion")) else {
        return Err(error(
            file,
            pos,
            format!(
                "document has no `apiVersion`; {EXPECTED}, or compare Compose files and Helm values by their file names"
            ),
        ));
    };
    let Some(kind) = text(value.get("kind")) else {
        return Err(error(
            file,
            pos,
            format!("document has no `kind`; {EXPECTED}"),
        ));
    };
    let metadata = value.get("metadata");
    let name = text(metadata.and_then(|m| m.get("name")))
        .or_else(|| text(metadata.and_then(|m| m.get("generateName"))).map(|g| format!("{g}*")));
    let anonymous = name.is_none();
    let name = name.unwrap_or_else(|| {
        *unnamed += 1;
        match *unnamed {
            1 => "(unnamed)".to_string(),
            n => format!("(unnamed {n})"),
        }
    });
    let namespace = text(metadata.and_then(|m| m.get("namespace")));
    let group = match api_version.rsplit_once('/') {
        Some((group, _)) => group.to_string(),
        None => String::new(),
    };
    Ok(Object {
        id: ObjectId {
            kind,
            namespace,
            name,
            group,
        },
        value,
        file: file.to_string(),
        pos,
        target: Target::Kubernetes,
        unnamed: anonymous,
    })
}

/// The Compose sections whose entries are objects, with the kind shown for them.
const COMPOSE_SECTIONS: [(&str, &str); 5] = [
    ("services", "service"),
    ("volumes", "volume"),
    ("networks", "network"),
    ("secrets", "secret"),
    ("configs", "config"),
];

fn single_mapping<'a>(
    file: &str,
    docs: &'a [Document],
    what: &str,
) -> Result<Option<&'a Map<String, Value>>, LoadError> {
    if let Some(second) = docs.get(1) {
        return Err(error(
            file,
            second.pos,
            format!(
                "a {what} file holds one document; remove the `---` separator or split the file"
            ),
        ));
    }
    match docs.first() {
        None => Ok(None),
        Some(doc) => match doc.value.as_object() {
            Some(map) => Ok(Some(map)),
            None => Err(error(
                file,
                doc.pos,
                format!("expected a mapping at the top of the {what} file"),
            )),
        },
    }
}

fn compose(file: &str, docs: &[Document]) -> Result<Vec<Object>, LoadError> {
    let Some(map) = single_mapping(file, docs, "Compose")? else {
        return Ok(Vec::new());
    };
    let pos = docs[0].pos;
    let mut out = Vec::new();
    let mut rest = Map::new();
    for (key, value) in map {
        let section = COMPOSE_SECTIONS.iter().find(|(s, _)| s == key);
        match (section, value.as_object()) {
            (Some((section, kind)), Some(entries)) => {
                for (name, entry) in entries {
                    let mut value = entry.clone();
                    if *section == "services" {
                        normalise_service(&mut value);
                    }
                    out.push(Object {
                        id: ObjectId {
                            kind: kind.to_string(),
                            namespace: None,
                            name: name.clone(),
                            group: String::new(),
                        },
                        value,
                        file: file.to_string(),
                        pos,
                        target: Target::Compose,
                        unnamed: false,
                    });
                }
            }
            _ => {
                rest.insert(key.clone(), value.clone());
            }
        }
    }
    if !rest.is_empty() {
        out.push(Object {
            id: ObjectId {
                kind: "compose".into(),
                namespace: None,
                name: String::new(),
                group: String::new(),
            },
            value: Value::Object(rest),
            file: file.to_string(),
            pos,
            target: Target::Compose,
            unnamed: false,
        });
    }
    Ok(out)
}

/// Compose accepts `environment` and `labels` as `KEY=value` lists or as maps, with numbers
/// and booleans for strings; all mean the same, so lists become maps (a `KEY` without `=`
/// maps to null) and scalar values become strings.
fn normalise_service(service: &mut Value) {
    for field in ["environment", "labels"] {
        let map: Map<String, Value> = match service.get(field) {
            Some(Value::Array(list)) if list.iter().all(Value::is_string) => list
                .iter()
                .filter_map(Value::as_str)
                .map(|entry| match entry.split_once('=') {
                    Some((key, value)) => (key.to_string(), Value::String(value.to_string())),
                    None => (entry.to_string(), Value::Null),
                })
                .collect(),
            Some(Value::Object(map)) => map
                .iter()
                .map(|(key, value)| {
                    let value = match value {
                        Value::Number(n) => Value::String(n.to_string()),
                        Value::Bool(b) => Value::String(b.to_string()),
                        other => other.clone(),
                    };
                    (key.clone(), value)
                })
                .collect(),
            _ => continue,
        };
        service[field] = Value::Object(map);
    }
}

fn helm_values(file: &str, docs: &[Document]) -> Result<Vec<Object>, LoadError> {
    let Some(map) = single_mapping(file, docs, "Helm values")? else {
        return Ok(Vec::new());
    };
    Ok(vec![Object {
        id: ObjectId {
            kind: "values".into(),
            namespace: None,
            name: String::new(),
            group: String::new(),
        },
        value: Value::Object(map.clone()),
        file: file.to_string(),
        pos: docs[0].pos,
        target: Target::HelmValues,
        unnamed: false,
    }])
}

/// The identity objects are matched by: their [`ObjectId`], without the namespace when
/// `ignore_namespace` is set (comparing environments that live in different namespaces).
pub fn match_key(id: &ObjectId, ignore_namespace: bool) -> ObjectId {
    if ignore_namespace && id.namespace.is_some() {
        ObjectId {
            namespace: None,
            ..id.clone()
        }
    } else {
        id.clone()
    }
}

/// Indexes objects by identity (see [`match_key`]); an identity seen twice is an error
/// naming both places.
pub fn index(
    objects: Vec<Object>,
    ignore_namespace: bool,
) -> Result<IndexMap<ObjectId, Object>, LoadError> {
    let mut map: IndexMap<ObjectId, Object> = IndexMap::with_capacity(objects.len());
    for object in objects {
        match map.entry(match_key(&object.id, ignore_namespace)) {
            Entry::Occupied(first) => {
                let first = first.get();
                return Err(error(
                    &object.file,
                    object.pos,
                    format!(
                        "{} appears twice (first at {}:{}); each object must be defined once, remove or rename one of them",
                        object.id, first.file, first.pos
                    ),
                ));
            }
            Entry::Vacant(slot) => {
                slot.insert(object);
            }
        }
    }
    Ok(map)
}
