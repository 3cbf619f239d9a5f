//! The spec files of an import: what every environment shares in `app.yaml`, the
//! differences in each environment's file (deep: a differing field of a component is that
//! one field), keys in the order of the spec's schema, each file with the editor-schema
//! header.

use std::path::PathBuf;

use serde_json::{Map, Value};

use super::SpecFile;
use crate::render::emit::to_yaml;

/// The first line of every spec file: editors check it against the overlay schema.
pub const HEADER: &str =
    "# yaml-language-server: $schema=../../schemas/environment-overlay.schema.json";

/// Lays the environments' specs out as files: `app.yaml` first, then one per environment.
pub fn files(
    app: &str,
    envs: &[&str],
    specs: &[&Map<String, Value>],
    notes: &[String],
) -> Vec<SpecFile> {
    let values: Vec<Value> = specs.iter().map(|m| Value::Object((*m).clone())).collect();
    let refs: Vec<&Value> = values.iter().collect();
    let shared = shared(&refs).unwrap_or_else(|| Value::Object(Map::new()));
    let schema = crate::spec::load::json_schema();
    let dir = PathBuf::from("environments").join(app);
    let mut app_text = format!("{HEADER}\n");
    if envs.len() == 1 {
        app_text.push_str(&format!("# {app}: imported with `shipshape import`.\n"));
    } else {
        app_text.push_str(&format!(
            "# {app}: imported with `shipshape import`; what {} share.\n",
            envs.join(", ")
        ));
    }
    for note in notes {
        app_text.push_str(&comment(&format!("note: {note}")));
    }
    app_text.push_str(&yaml(&ordered(&shared, schema, schema)));
    let mut out = vec![SpecFile {
        path: dir.join("app.yaml"),
        text: app_text,
    }];
    for (env, value) in envs.iter().zip(&values) {
        let mut text = format!("{HEADER}\n");
        match difference(value, Some(&shared)) {
            Some(d) if d.as_object().is_none_or(|m| !m.is_empty()) => {
                text.push_str(&format!("# {app} {env}: what differs from app.yaml.\n"));
                text.push_str(&yaml(&ordered(&d, schema, schema)));
            }
            _ => text.push_str(&format!("# {app} {env}: everything is in app.yaml.\n")),
        }
        out.push(SpecFile {
            path: dir.join(format!("{env}.yaml")),
            text,
        });
    }
    out
}

fn yaml(value: &Value) -> String {
    match value {
        Value::Object(m) if m.is_empty() => String::new(),
        other => to_yaml(other),
    }
}

/// A note as comment lines of at most about 95 characters.
fn comment(text: &str) -> String {
    let mut out = String::new();
    let mut line = String::from("#");
    for word in text.split_whitespace() {
        if line.len() + word.len() + 1 > 95 && line.len() > 1 {
            out.push_str(&line);
            out.push('\n');
            line = String::from("#  ");
        }
        line.push(' ');
        line.push_str(word);
    }
    out.push_str(&line);
    out.push('\n');
    out
}

/// What every value shares: the value itself when all are equal; for maps, the keys all
/// have, each with what its values share. `None` when nothing is shared.
pub fn shared(values: &[&Value]) -> Option<Value> {
    let first = values.first()?;
    if values.iter().all(|v| v == first) {
        return Some((*first).clone());
    }
    let maps: Vec<&Map<String, Value>> = values.iter().filter_map(|v| v.as_object()).collect();
    if maps.len() != values.len() {
        return None;
    }
    let mut out = Map::new();
    for key in maps[0].keys() {
        let children: Option<Vec<&Value>> = maps.iter().map(|m| m.get(key)).collect();
        if let Some(children) = children {
            if let Some(v) = shared(&children) {
                if v.as_object().is_none_or(|m| !m.is_empty()) {
                    out.insert(key.clone(), v);
                }
            }
        }
    }
    (!out.is_empty()).then_some(Value::Object(out))
}

/// What `value` adds to `base` under the spec's merge (maps merge, everything else
/// replaces); `None` when nothing.
pub fn difference(value: &Value, base: Option<&Value>) -> Option<Value> {
    let Some(base) = base else {
        return Some(value.clone());
    };
    if value == base {
        return None;
    }
    match (value, base) {
        (Value::Object(v), Value::Object(b)) => {
            let mut out = Map::new();
            for (k, x) in v {
                if let Some(d) = difference(x, b.get(k)) {
                    out.insert(k.clone(), d);
                }
            }
            Some(Value::Object(out))
        }
        _ => Some(value.clone()),
    }
}

fn resolve<'s>(schema: &'s Value, root: &'s Value) -> &'s Value {
    let mut s = schema;
    for _ in 0..16 {
        let Some(r) = s.get("$ref").and_then(Value::as_str) else {
            break;
        };
        let Some(name) = r.strip_prefix("#/$defs/") else {
            break;
        };
        match root["$defs"].get(name) {
            Some(next) => s = next,
            None => break,
        }
    }
    s
}

/// The schema branch that describes a map with properties (through `anyOf`/`oneOf`).
fn object_schema<'s>(schema: &'s Value, root: &'s Value) -> Option<&'s Value> {
    let s = resolve(schema, root);
    if s.get("properties").is_some() || s.get("additionalProperties").is_some_and(Value::is_object)
    {
        return Some(s);
    }
    for key in ["anyOf", "oneOf", "allOf"] {
        for branch in s.get(key).and_then(Value::as_array).into_iter().flatten() {
            if let Some(found) = object_schema(branch, root) {
                return Some(found);
            }
        }
    }
    None
}

fn items_schema<'s>(schema: &'s Value, root: &'s Value) -> Option<&'s Value> {
    let s = resolve(schema, root);
    if let Some(i) = s.get("items") {
        return Some(i);
    }
    for key in ["anyOf", "oneOf"] {
        for branch in s.get(key).and_then(Value::as_array).into_iter().flatten() {
            if let Some(found) = items_schema(branch, root) {
                return Some(found);
            }
        }
    }
    None
}

/// The value with every map's keys in the schema's order (the order of the spec's types);
/// maps keyed by name (components, env, labels) sorted by key.
pub fn ordered(value: &Value, schema: &Value, root: &Value) -> Value {
    match value {
        Value::Object(m) => {
            let Some(s) = object_schema(schema, root) else {
                let mut keys: Vec<&String> = m.keys().collect();
                keys.sort();
                return Value::Object(
                    keys.into_iter()
                        .map(|k| (k.clone(), m[k].clone()))
                        .collect(),
                );
            };
            let mut out = Map::new();
            if let Some(props) = s.get("properties").and_then(Value::as_object) {
                for (k, sub) in props {
                    if let Some(v) = m.get(k) {
                        out.insert(k.clone(), ordered(v, sub, root));
                    }
                }
            }
            let extra = s.get("additionalProperties").filter(|a| a.is_object());
            let mut rest: Vec<&String> = m.keys().filter(|k| !out.contains_key(*k)).collect();
            rest.sort();
            for k in rest {
                let v = &m[k];
                out.insert(
                    k.clone(),
                    match extra {
                        Some(sub) => ordered(v, sub, root),
                        None => v.clone(),
                    },
                );
            }
            Value::Object(out)
        }
        Value::Array(a) => match items_schema(schema, root) {
            Some(sub) => Value::Array(a.iter().map(|v| ordered(v, sub, root)).collect()),
            None => value.clone(),
        },
        other => other.clone(),
    }
}
