//! Extension data: the `extensions` of an app (and of each component), typed by a JSON
//! Schema the workspace supplies in `schemas/extensions.schema.json`, for the workspace's
//! own templates.
//!
//! This module owns reading and compiling that schema (once per distinct text, shared by
//! every environment of a run), locating the problems of a broken schema file at its
//! `file:line:col`, and finding the extension data of a layered spec. Validating the data
//! itself reuses the spec's own error messages (see `load::collect_schema_errors`), so a
//! wrong value in `extensions` reads like any other spec error.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex, OnceLock};

use serde_json::Value;

use crate::manifest::Location;
use crate::manifest::yaml::{Node, NodeKind, escape_token, parse_stream, pointer_tokens};

/// Where a workspace keeps the schema of its extension data, relative to its root.
pub const SCHEMA_PATH: &str = "schemas/extensions.schema.json";

/// The workspace's extension schema, compiled.
pub struct ExtensionSchema {
    /// The schema document (for "did you mean" and descriptions).
    pub schema: Value,
    /// The compiled validator.
    pub validator: jsonschema::Validator,
}

impl std::fmt::Debug for ExtensionSchema {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExtensionSchema")
            .field("schema", &self.schema)
            .finish_non_exhaustive()
    }
}

/// A problem with the schema file: where, what, and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaProblem {
    /// Where in the schema file.
    pub location: Location,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub help: String,
}

/// What reading the workspace's schema gave.
#[derive(Debug, Clone)]
pub enum Lookup {
    /// The workspace has no schema file.
    Missing,
    /// The schema, compiled.
    Found(Arc<ExtensionSchema>),
    /// The file exists but cannot be used.
    Broken(SchemaProblem),
}

/// Reads and compiles the workspace's extension schema. Compiled schemas are kept by their
/// text, so the environments of one run compile it once.
pub fn workspace_schema(root: &Path) -> Lookup {
    let path = root.join(SCHEMA_PATH);
    if std::fs::symlink_metadata(&path).is_err() {
        return Lookup::Missing;
    }
    let text = match crate::manifest::Source::read_regular(&path) {
        Ok(source) => source.text.to_string(),
        Err(e) => {
            let pos = e.pos.unwrap_or(crate::manifest::Pos { line: 1, col: 1 });
            return Lookup::Broken(SchemaProblem {
                location: at(pos.line, pos.col),
                message: format!(
                    "cannot read the extension schema: {}",
                    e.message.trim_start_matches("cannot read file: ")
                ),
                help: "make it a readable regular file holding a JSON Schema (UTF-8)".into(),
            });
        }
    };
    type Cache = Mutex<HashMap<String, Result<Arc<ExtensionSchema>, SchemaProblem>>>;
    static CACHE: OnceLock<Cache> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(hit) = cache.lock().ok().and_then(|c| c.get(&text).cloned()) {
        return into_lookup(hit);
    }
    let compiled = compile(&text);
    if let Ok(mut c) = cache.lock() {
        // A run sees one schema; a long-lived process that edits it keeps only a few.
        if c.len() >= 8 {
            c.clear();
        }
        c.insert(text, compiled.clone());
    }
    into_lookup(compiled)
}

fn into_lookup(result: Result<Arc<ExtensionSchema>, SchemaProblem>) -> Lookup {
    match result {
        Ok(schema) => Lookup::Found(schema),
        Err(problem) => Lookup::Broken(problem),
    }
}

fn at(line: u32, col: u32) -> Location {
    Location {
        file: SCHEMA_PATH.to_string(),
        line,
        col,
    }
}

/// Parses and compiles a schema text; a problem is located in the text.
fn compile(text: &str) -> Result<Arc<ExtensionSchema>, SchemaProblem> {
    let schema: Value = serde_json::from_str(text).map_err(|e| SchemaProblem {
        location: at(e.line().max(1) as u32, e.column().max(1) as u32),
        message: format!("the extension schema is not valid JSON: {}", json_reason(&e)),
        help: "write the schema as one JSON object, e.g. {\"type\": \"object\", \"properties\": {...}}"
            .into(),
    })?;
    if !schema.is_object() && !schema.is_boolean() {
        return Err(SchemaProblem {
            location: at(1, 1),
            message: "the extension schema must be a JSON object".into(),
            help: "describe the `extensions` mapping, e.g. {\"type\": \"object\", \"properties\": {...}}"
                .into(),
        });
    }
    let validator = jsonschema::validator_for(&schema).map_err(|e| {
        let (pointer, reason, help) = match e.kind() {
            jsonschema::error::ValidationErrorKind::Referencing(r) => match unresolved_ref(&schema, "", &schema) {
                Some((pointer, target)) => (
                    pointer,
                    format!("`$ref` `{target}` points at nothing in this file"),
                    "a `$ref` may only point inside this file, e.g. `#/$defs/panel` with the definition under `$defs`".to_string(),
                ),
                None => (
                    String::new(),
                    format!("a `$ref` cannot be resolved: {r}"),
                    "a `$ref` may only point inside this file, e.g. `#/$defs/panel` with the definition under `$defs`".to_string(),
                ),
            },
            _ => {
                let pointer = e.instance_path().as_str().to_string();
                let found = e.instance();
                let tokens: Vec<String> = pointer_tokens(&pointer).collect();
                // The `type` keyword, not a property or definition named `type`.
                let type_keyword = tokens.last().is_some_and(|t| t == "type")
                    && !tokens.iter().rev().nth(1).is_some_and(|parent| {
                        matches!(
                            parent.as_str(),
                            "properties" | "patternProperties" | "$defs" | "definitions"
                        )
                    });
                if type_keyword {
                    let names: Vec<String> = JSON_TYPES.iter().map(|t| t.to_string()).collect();
                    let hint = found
                        .as_str()
                        .and_then(|t| crate::spec::suggest::closest(t, &names))
                        .map_or(String::new(), |s| format!("did you mean `{s}`? "));
                    (
                        pointer,
                        format!("{found} is not a JSON type"),
                        format!("{hint}`type` is one of {}, or a list of them", JSON_TYPES.join(", ")),
                    )
                } else {
                    (
                        pointer,
                        e.to_string(),
                        "fix the keyword there (see https://json-schema.org/understanding-json-schema/)".to_string(),
                    )
                }
            }
        };
        let pos = position_in(text, &pointer).unwrap_or(crate::manifest::Pos { line: 1, col: 1 });
        let place = if pointer.is_empty() {
            "at the top".to_string()
        } else {
            format!("at `{}`", pointer.trim_start_matches('/').replace('/', "."))
        };
        SchemaProblem {
            location: at(pos.line, pos.col),
            message: format!("the extension schema is not a valid JSON Schema {place}: {reason}"),
            help,
        }
    })?;
    Ok(Arc::new(ExtensionSchema { schema, validator }))
}

const JSON_TYPES: [&str; 7] = [
    "array", "boolean", "integer", "null", "number", "object", "string",
];

/// The first `$ref` (by document order) that does not point at a place in this schema:
/// its pointer and target.
fn unresolved_ref(root: &Value, pointer: &str, value: &Value) -> Option<(String, String)> {
    match value {
        Value::Object(map) => {
            if let Some(target) = map.get("$ref").and_then(Value::as_str) {
                let inside = target
                    .strip_prefix('#')
                    .is_some_and(|p| p.is_empty() || root.pointer(p).is_some());
                if !inside {
                    return Some((format!("{pointer}/$ref"), target.to_string()));
                }
            }
            map.iter().find_map(|(k, v)| {
                unresolved_ref(root, &format!("{pointer}/{}", escape_token(k)), v)
            })
        }
        Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, v)| unresolved_ref(root, &format!("{pointer}/{i}"), v)),
        _ => None,
    }
}

/// serde_json's message without its own " at line L column C" (the location says it).
fn json_reason(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rfind(" at line ") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

/// The position of the value at a JSON pointer in a JSON (or YAML) text.
fn position_in(text: &str, pointer: &str) -> Option<crate::manifest::Pos> {
    let docs = parse_stream(text).ok()?;
    let mut node: &Node = docs.first()?.root.as_ref()?;
    for token in pointer_tokens(pointer) {
        node = match &node.kind {
            NodeKind::Map(entries) => &entries.iter().find(|e| e.key == token)?.value,
            NodeKind::Seq(items) => items.get(token.parse::<usize>().ok()?)?,
            NodeKind::Scalar(_) => return Some(node.pos),
        };
    }
    Some(node.pos)
}

/// The JSON pointers of the extension data in a layered spec value: the app's
/// `/extensions` and each component's `/components/<name>/extensions`, in that order.
pub fn data_pointers(value: &Value) -> Vec<String> {
    let mut out = Vec::new();
    if value.get("extensions").is_some() {
        out.push("/extensions".to_string());
    }
    if let Some(components) = value.get("components").and_then(Value::as_object) {
        for (name, c) in components {
            if c.get("extensions").is_some() {
                out.push(format!("/components/{}/extensions", escape_token(name)));
            }
        }
    }
    out
}

/// Where a pointer into the spec falls inside extension data: the pointer of the
/// `extensions` value and the rest, relative to it (`/extensions/a/b` -> (`/extensions`,
/// `/a/b`)).
pub fn split_pointer(pointer: &str) -> Option<(String, String)> {
    let tokens: Vec<String> = pointer_tokens(pointer).collect();
    let base = match tokens.as_slice() {
        [first, ..] if first == "extensions" => 1,
        [first, _, third, ..] if first == "components" && third == "extensions" => 3,
        _ => return None,
    };
    let join = |ts: &[String]| {
        ts.iter()
            .map(|t| format!("/{}", escape_token(t)))
            .collect::<String>()
    };
    Some((join(&tokens[..base]), join(&tokens[base..])))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn broken_json_is_located() {
        let problem = compile("{\n  \"type\": \"object\",\n  \"properties\": {]\n}\n").unwrap_err();
        assert_eq!(
            (problem.location.line, problem.location.col),
            (3, 18),
            "{problem:?}"
        );
        assert!(
            problem
                .message
                .starts_with("the extension schema is not valid JSON: ")
        );
    }

    #[test]
    fn an_invalid_keyword_is_located_at_its_value() {
        let text = "{\n  \"type\": \"object\",\n  \"properties\": {\n    \"a\": {\"type\": \"strin\"}\n  }\n}\n";
        let problem = compile(text).unwrap_err();
        assert_eq!(problem.location.line, 4, "{problem:?}");
        assert!(
            problem.message.contains("at `properties.a.type`"),
            "{problem:?}"
        );
    }

    #[test]
    fn pointers_split_at_the_extension_data() {
        assert_eq!(
            split_pointer("/extensions/a/0"),
            Some(("/extensions".into(), "/a/0".into()))
        );
        assert_eq!(
            split_pointer("/components/db/extensions/x"),
            Some(("/components/db/extensions".into(), "/x".into()))
        );
        assert_eq!(
            split_pointer("/extensions"),
            Some(("/extensions".into(), "".into()))
        );
        assert_eq!(split_pointer("/components/db/env"), None);
    }
}
