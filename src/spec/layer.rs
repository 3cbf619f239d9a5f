//! Layering: `app.yaml` then `<env>.yaml`, merged with provenance.
//!
//! Maps merge key by key, recursively; lists and scalars replace what was there; `null`
//! removes a key. Every value in the result remembers the file, line and column that set it,
//! which is what errors point at and what `explain-value` prints.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::manifest::Location;
use crate::manifest::yaml::{Node, NodeKind, Pos, escape_token};

/// Where one value of the merged spec was set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    /// The file (as displayed).
    pub file: String,
    /// Position of the key (for mapping entries).
    pub key: Option<Pos>,
    /// Position of the value.
    pub value: Pos,
}

impl Origin {
    /// The value's location.
    pub fn value_location(&self) -> Location {
        Location {
            file: self.file.clone(),
            line: self.value.line,
            col: self.value.col,
        }
    }

    /// The key's location, or the value's when there is no key.
    pub fn key_location(&self) -> Location {
        let pos = self.key.unwrap_or(self.value);
        Location {
            file: self.file.clone(),
            line: pos.line,
            col: pos.col,
        }
    }
}

/// A merged spec as plain JSON, and the origin of every value by JSON pointer.
#[derive(Debug, Clone, Default)]
pub struct Layered {
    /// The merged value.
    pub value: Value,
    /// Origin of each value, by JSON pointer (`""` is the root).
    pub origins: BTreeMap<String, Origin>,
}

impl Layered {
    /// Lays one file's root node over what is there.
    pub fn absorb(&mut self, file: &str, root: &Node) {
        let mut value = std::mem::take(&mut self.value);
        absorb_node(&mut value, &mut self.origins, file, "", None, root);
        self.value = value;
    }

    /// The origin of the value at a pointer, or of its deepest ancestor that has one.
    pub fn origin(&self, pointer: &str) -> Option<&Origin> {
        let mut p = pointer;
        loop {
            if let Some(o) = self.origins.get(p) {
                return Some(o);
            }
            if p.is_empty() {
                return None;
            }
            p = &p[..p.rfind('/').unwrap_or(0)];
        }
    }
}

fn clear_below(origins: &mut BTreeMap<String, Origin>, pointer: &str) {
    let prefix = format!("{pointer}/");
    let doomed: Vec<String> = origins
        .range(prefix.clone()..)
        .take_while(|(k, _)| k.starts_with(&prefix))
        .map(|(k, _)| k.clone())
        .collect();
    for k in doomed {
        origins.remove(&k);
    }
}

fn record_all(
    origins: &mut BTreeMap<String, Origin>,
    file: &str,
    pointer: &str,
    key: Option<Pos>,
    node: &Node,
) {
    origins.insert(
        pointer.to_string(),
        Origin {
            file: file.to_string(),
            key,
            value: node.pos,
        },
    );
    match &node.kind {
        NodeKind::Scalar(_) => {}
        NodeKind::Seq(items) => {
            for (i, item) in items.iter().enumerate() {
                record_all(origins, file, &format!("{pointer}/{i}"), None, item);
            }
        }
        NodeKind::Map(entries) => {
            for e in entries {
                record_all(
                    origins,
                    file,
                    &format!("{pointer}/{}", escape_token(&e.key)),
                    Some(e.key_pos),
                    &e.value,
                );
            }
        }
    }
}

fn absorb_node(
    target: &mut Value,
    origins: &mut BTreeMap<String, Origin>,
    file: &str,
    pointer: &str,
    key: Option<Pos>,
    node: &Node,
) {
    match &node.kind {
        NodeKind::Map(entries) => {
            if !target.is_object() {
                *target = Value::Object(Map::new());
                clear_below(origins, pointer);
            }
            origins.insert(
                pointer.to_string(),
                Origin {
                    file: file.to_string(),
                    key,
                    value: node.pos,
                },
            );
            let map = target.as_object_mut().expect("made an object above");
            for e in entries {
                let child = format!("{pointer}/{}", escape_token(&e.key));
                if e.value.kind == NodeKind::Scalar(Value::Null) {
                    map.shift_remove(&e.key);
                    origins.remove(&child);
                    clear_below(origins, &child);
                    continue;
                }
                let slot = map.entry(e.key.clone()).or_insert(Value::Null);
                absorb_node(slot, origins, file, &child, Some(e.key_pos), &e.value);
            }
        }
        _ => {
            *target = node.to_value();
            clear_below(origins, pointer);
            record_all(origins, file, pointer, key, node);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::yaml::parse_stream;

    fn root(text: &str) -> Node {
        parse_stream(text).unwrap().remove(0).root.unwrap()
    }

    #[test]
    fn maps_merge_lists_and_scalars_replace() {
        let mut l = Layered::default();
        l.absorb(
            "app.yaml",
            &root("a: {x: 1, y: 2}\nlist: [1, 2]\ngone: 1\n"),
        );
        l.absorb("prod.yaml", &root("a:\n  y: 3\nlist: [9]\ngone: null\n"));
        assert_eq!(
            l.value,
            serde_json::json!({"a": {"x": 1, "y": 3}, "list": [9]})
        );
        assert_eq!(l.origin("/a/x").unwrap().file, "app.yaml");
        let y = l.origin("/a/y").unwrap();
        assert_eq!(
            (y.file.as_str(), y.value.line, y.value.col),
            ("prod.yaml", 2, 6)
        );
        assert_eq!(l.origin("/list/0").unwrap().file, "prod.yaml");
        assert!(l.origin("/list/1").is_none_or(|o| o.file == "prod.yaml"));
        assert!(!l.origins.contains_key("/gone"));
    }
}
