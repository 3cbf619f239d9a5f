//! The field-by-field walk of two matched objects.
//!
//! Maps are compared by key (key order never matters). Lists whose items all carry a unique
//! `name` (or `containerPort`, `port`, `mountPath`, `devicePath`, `host`, `path`) are matched
//! by it, so reordered containers, env vars, ports, volumes and volumeMounts are no edit;
//! only `initContainers`, whose order is the order they run in, report "order changed".
//! Lists of scalars (`args`, Compose `ports`) compare as a whole; other lists by index.
//! The walk masks secrets as it goes and returns both sides aligned with the old order, so
//! the unified format diffs them line by line without spurious moves.

use std::collections::{HashMap, HashSet};

use serde_json::{Map, Value};

use super::mask::{self, Secrecy};
use super::objects::Object;
use super::{Change, FieldChange, ObjectChange, ObjectDiff, Options};
use crate::manifest::yaml::escape_token;

/// Keys that identify the items of a list, tried in order.
const ITEM_KEYS: [&str; 7] = [
    "name",
    "containerPort",
    "port",
    "mountPath",
    "devicePath",
    "host",
    "path",
];

/// Lists whose order carries meaning: a reorder of them is reported.
const ORDERED_LISTS: [&str; 1] = ["initContainers"];

/// One step of a field path.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Seg {
    Key(String),
    Item { key: &'static str, id: String },
    Index(usize),
}

/// Formats a field path: `spec.template.spec.containers[web].image`,
/// `metadata.labels["app.kubernetes.io/name"]`, `ports[port=80]`, `args[0]`.
fn path_string(path: &[Seg]) -> String {
    let mut out = String::new();
    for seg in path {
        match seg {
            Seg::Key(key) if is_plain_key(key) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
            Seg::Key(key) => {
                out.push('[');
                out.push_str(&serde_json::to_string(key).unwrap_or_default());
                out.push(']');
            }
            Seg::Item { key, id } => {
                let plain = !id.is_empty()
                    && !id.contains(['[', ']', '"', '=', ' '])
                    && !id.chars().any(char::is_control);
                let id = if plain {
                    id.clone()
                } else {
                    serde_json::to_string(id).unwrap_or_default()
                };
                if *key == "name" {
                    out.push_str(&format!("[{id}]"));
                } else {
                    out.push_str(&format!("[{key}={id}]"));
                }
            }
            Seg::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    if out.is_empty() {
        out.push('.');
    }
    out
}

fn is_plain_key(key: &str) -> bool {
    !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

fn child_pointer(pointer: &str, token: &str) -> String {
    format!("{pointer}/{}", escape_token(token))
}

/// The identity of a list item under a key, when it is a string or a number.
fn item_id(item: &Value, key: &str) -> Option<String> {
    match item.get(key)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The key that identifies every item of both lists uniquely, if there is one.
fn match_key(old: &[Value], new: &[Value]) -> Option<&'static str> {
    if old.is_empty() && new.is_empty() {
        return None;
    }
    ITEM_KEYS.into_iter().find(|key| {
        [old, new].iter().all(|list| {
            let mut seen = HashSet::with_capacity(list.len());
            list.iter()
                .all(|item| item_id(item, key).is_some_and(|id| seen.insert(id)))
        })
    })
}

/// Walks two values, collecting field changes.
struct Walk<'a> {
    options: &'a Options,
    /// The kind of the objects compared, for kind-restricted ignore rules.
    kind: &'a str,
    path: Vec<Seg>,
    changes: Vec<FieldChange>,
}

impl Walk<'_> {
    fn reveal(&self) -> bool {
        self.options.show_secrets
    }

    /// Whether an ignore rule covers the field at the current path.
    fn ignored(&self) -> bool {
        if self.options.ignore.is_empty() {
            return false;
        }
        let path = path_string(&self.path);
        self.options
            .ignore
            .iter()
            .any(|rule| rule.matches(self.kind, &path))
    }

    fn mask_one(&self, value: &Value, secrecy: Secrecy, masked: &mut bool) -> Value {
        mask::mask_one(value, secrecy, self.reveal(), masked)
    }

    fn push(&mut self, pointer: &str, change: Change, masked: bool) {
        self.changes.push(FieldChange {
            path: path_string(&self.path),
            pointer: if pointer.is_empty() {
                "/".into()
            } else {
                pointer.to_string()
            },
            change,
            masked,
            immutable: None,
            note: None,
        });
    }

    /// An added field, as shown; `None` when it is ignored (it is left out of both sides).
    fn added(&mut self, value: &Value, pointer: &str, secrecy: Secrecy) -> Option<Value> {
        if self.ignored() {
            return None;
        }
        let mut masked = false;
        let shown = self.mask_one(value, secrecy, &mut masked);
        self.push(pointer, Change::Added { new: shown.clone() }, masked);
        Some(shown)
    }

    /// A removed field, as shown, and whether it is ignored (then the new side keeps it too).
    fn removed(&mut self, value: &Value, pointer: &str, secrecy: Secrecy) -> (Value, bool) {
        let mut masked = false;
        let shown = self.mask_one(value, secrecy, &mut masked);
        if self.ignored() {
            return (shown, true);
        }
        self.push(pointer, Change::Removed { old: shown.clone() }, masked);
        (shown, false)
    }

    /// Compares two values; returns both sides masked, the new one aligned with the old.
    fn walk(
        &mut self,
        old: &Value,
        new: &Value,
        old_ptr: &str,
        new_ptr: &str,
        secrecy: Secrecy,
    ) -> (Value, Value) {
        if old == new || self.ignored() {
            // An ignored field shows its old value on both sides: no change.
            let mut masked = false;
            let shown = self.mask_one(old, secrecy, &mut masked);
            return (shown.clone(), shown);
        }
        match (old, new) {
            (Value::Object(o), Value::Object(n)) => self.maps(o, n, old_ptr, new_ptr, secrecy),
            (Value::Array(o), Value::Array(n)) => self.lists(o, n, old_ptr, new_ptr, secrecy),
            _ => self.modified(old, new, new_ptr, secrecy),
        }
    }

    fn maps(
        &mut self,
        old: &Map<String, Value>,
        new: &Map<String, Value>,
        old_ptr: &str,
        new_ptr: &str,
        secrecy: Secrecy,
    ) -> (Value, Value) {
        let mut old_out = Map::with_capacity(old.len());
        let mut new_out = Map::with_capacity(new.len());
        for (key, old_value) in old {
            let child = mask::child_of_map(secrecy, key, &[old, new]);
            self.path.push(Seg::Key(key.clone()));
            let old_child = child_pointer(old_ptr, key);
            match new.get(key) {
                Some(new_value) => {
                    let new_child = child_pointer(new_ptr, key);
                    let (a, b) = self.walk(old_value, new_value, &old_child, &new_child, child);
                    old_out.insert(key.clone(), a);
                    new_out.insert(key.clone(), b);
                }
                None => {
                    let (shown, ignored) = self.removed(old_value, &old_child, child);
                    if ignored {
                        new_out.insert(key.clone(), shown.clone());
                    }
                    old_out.insert(key.clone(), shown);
                }
            }
            self.path.pop();
        }
        for (key, new_value) in new {
            if old.contains_key(key) {
                continue;
            }
            let child = mask::child_of_map(secrecy, key, &[old, new]);
            self.path.push(Seg::Key(key.clone()));
            if let Some(shown) = self.added(new_value, &child_pointer(new_ptr, key), child) {
                new_out.insert(key.clone(), shown);
            }
            self.path.pop();
        }
        (Value::Object(old_out), Value::Object(new_out))
    }

    fn lists(
        &mut self,
        old: &[Value],
        new: &[Value],
        old_ptr: &str,
        new_ptr: &str,
        secrecy: Secrecy,
    ) -> (Value, Value) {
        if let Some(key) = match_key(old, new) {
            let item_secrecy = mask::child_of_list(secrecy, None);
            return self.named_lists(old, new, key, old_ptr, new_ptr, item_secrecy);
        }
        let scalars = |list: &[Value]| list.iter().all(|v| !v.is_object() && !v.is_array());
        if scalars(old) && scalars(new) {
            return self.modified_scalar_list(old, new, new_ptr, secrecy);
        }
        let mut old_out = Vec::with_capacity(old.len());
        let mut new_out = Vec::with_capacity(new.len());
        for i in 0..old.len().max(new.len()) {
            self.path.push(Seg::Index(i));
            let index = i.to_string();
            let (old_child, new_child) = (
                child_pointer(old_ptr, &index),
                child_pointer(new_ptr, &index),
            );
            let item_secrecy = item_secrecy(secrecy, old, new, i);
            match (old.get(i), new.get(i)) {
                (Some(o), Some(n)) => {
                    let (a, b) = self.walk(o, n, &old_child, &new_child, item_secrecy);
                    old_out.push(a);
                    new_out.push(b);
                }
                (Some(o), None) => {
                    let (shown, ignored) = self.removed(o, &old_child, item_secrecy);
                    if ignored {
                        new_out.push(shown.clone());
                    }
                    old_out.push(shown);
                }
                (None, Some(n)) => new_out.extend(self.added(n, &new_child, item_secrecy)),
                (None, None) => {}
            }
            self.path.pop();
        }
        (Value::Array(old_out), Value::Array(new_out))
    }

    fn named_lists(
        &mut self,
        old: &[Value],
        new: &[Value],
        key: &'static str,
        old_ptr: &str,
        new_ptr: &str,
        secrecy: Secrecy,
    ) -> (Value, Value) {
        let new_index: HashMap<String, usize> = new
            .iter()
            .enumerate()
            .filter_map(|(j, item)| Some((item_id(item, key)?, j)))
            .collect();
        let mut used = vec![false; new.len()];
        let mut old_out = Vec::with_capacity(old.len());
        let mut new_out = Vec::with_capacity(new.len());
        for (i, item) in old.iter().enumerate() {
            let id = item_id(item, key).unwrap_or_default();
            self.path.push(Seg::Item {
                key,
                id: id.clone(),
            });
            let old_child = child_pointer(old_ptr, &i.to_string());
            match new_index.get(&id) {
                Some(&j) => {
                    used[j] = true;
                    let new_child = child_pointer(new_ptr, &j.to_string());
                    let (a, b) = self.walk(item, &new[j], &old_child, &new_child, secrecy);
                    old_out.push(a);
                    new_out.push(b);
                }
                None => {
                    let (shown, ignored) = self.removed(item, &old_child, secrecy);
                    if ignored {
                        new_out.push(shown.clone());
                    }
                    old_out.push(shown);
                }
            }
            self.path.pop();
        }
        for (j, item) in new.iter().enumerate() {
            if used[j] {
                continue;
            }
            self.path.push(Seg::Item {
                key,
                id: item_id(item, key).unwrap_or_default(),
            });
            let shown = self.added(item, &child_pointer(new_ptr, &j.to_string()), secrecy);
            new_out.extend(shown);
            self.path.pop();
        }
        let ordered =
            matches!(self.path.last(), Some(Seg::Key(k)) if ORDERED_LISTS.contains(&k.as_str()));
        if ordered {
            let old_ids: Vec<String> = old.iter().filter_map(|v| item_id(v, key)).collect();
            let new_ids: Vec<String> = new.iter().filter_map(|v| item_id(v, key)).collect();
            let old_common: Vec<String> = old_ids
                .iter()
                .filter(|id| new_index.contains_key(*id))
                .cloned()
                .collect();
            let old_set: HashSet<&String> = old_ids.iter().collect();
            let new_common: Vec<String> = new_ids
                .iter()
                .filter(|id| old_set.contains(id))
                .cloned()
                .collect();
            if old_common != new_common {
                self.push(
                    new_ptr,
                    Change::Reordered {
                        old: old_common,
                        new: new_common,
                    },
                    false,
                );
            }
        }
        (Value::Array(old_out), Value::Array(new_out))
    }

    /// Two different lists of scalars: one change with both lists (secret items masked, the
    /// new side marked changed where it differs from the old item at the same index).
    fn modified_scalar_list(
        &mut self,
        old: &[Value],
        new: &[Value],
        new_ptr: &str,
        secrecy: Secrecy,
    ) -> (Value, Value) {
        let mut masked = false;
        let mut old_out = Vec::with_capacity(old.len());
        let mut new_out = Vec::with_capacity(new.len());
        for (i, item) in old.iter().enumerate() {
            let secrecy = item_secrecy(secrecy, old, new, i);
            old_out.push(self.scalar(item, None, secrecy, &mut masked));
        }
        for (i, item) in new.iter().enumerate() {
            let secrecy = item_secrecy(secrecy, old, new, i);
            new_out.push(self.scalar(item, Some(old.get(i)), secrecy, &mut masked));
        }
        let (old_out, new_out) = (Value::Array(old_out), Value::Array(new_out));
        self.push(
            new_ptr,
            Change::Modified {
                old: old_out.clone(),
                new: new_out.clone(),
            },
            masked,
        );
        (old_out, new_out)
    }

    /// A scalar as shown: masked when secret. `compared` is `Some(old)` for the new side of a
    /// comparison, which is marked changed when it differs.
    fn scalar(
        &self,
        value: &Value,
        compared: Option<Option<&Value>>,
        secrecy: Secrecy,
        masked: &mut bool,
    ) -> Value {
        let secret = !self.reveal()
            && (mask::is_masked_scalar(value, secrecy)
                || compared
                    .flatten()
                    .is_some_and(|old| mask::is_masked_scalar(old, secrecy)));
        if value.is_null() {
            return Value::Null;
        }
        if !secret {
            return self.embedded(value, compared.flatten(), masked);
        }
        *masked = true;
        let changed = compared.is_some_and(|old| old != Some(value));
        mask::marker(value, changed)
    }

    /// A string with its secret-looking assignments masked (see [`mask::mask_embedded`]);
    /// `old` is the other side for the new side of a change.
    fn embedded(&self, value: &Value, old: Option<&Value>, masked: &mut bool) -> Value {
        let Value::String(text) = value else {
            return value.clone();
        };
        if self.reveal() {
            return value.clone();
        }
        match mask::mask_embedded(text, old.and_then(Value::as_str)) {
            Some(shown) => {
                *masked = true;
                Value::String(shown)
            }
            None => value.clone(),
        }
    }

    fn modified(
        &mut self,
        old: &Value,
        new: &Value,
        new_ptr: &str,
        secrecy: Secrecy,
    ) -> (Value, Value) {
        let mut masked = false;
        let scalar = |v: &Value| !v.is_object() && !v.is_array();
        let (old_shown, new_shown) = if scalar(old) && scalar(new) {
            // A scalar is secret if either side is (a URL that gains a password).
            let secret = !self.reveal()
                && (mask::is_masked_scalar(old, secrecy) || mask::is_masked_scalar(new, secrecy));
            if secret {
                let mut show = |value: &Value, changed: bool| {
                    if value.is_null() {
                        Value::Null
                    } else {
                        masked = true;
                        mask::marker(value, changed)
                    }
                };
                (show(old, false), show(new, true))
            } else {
                (
                    self.embedded(old, None, &mut masked),
                    self.embedded(new, Some(old), &mut masked),
                )
            }
        } else {
            let mut side = |value: &Value| {
                if scalar(value) {
                    self.scalar(value, None, secrecy, &mut masked)
                } else {
                    self.mask_one(value, secrecy, &mut masked)
                }
            };
            (side(old), side(new))
        };
        self.push(
            new_ptr,
            Change::Modified {
                old: old_shown.clone(),
                new: new_shown.clone(),
            },
            masked,
        );
        (old_shown, new_shown)
    }
}

/// The secrecy of the `i`th item of a list compared by position: secret if it is on either
/// side (the argument after `--password` on one side).
fn item_secrecy(list: Secrecy, old: &[Value], new: &[Value], i: usize) -> Secrecy {
    let previous = i.checked_sub(1);
    match (
        mask::child_of_list(list, previous.and_then(|p| old.get(p))),
        mask::child_of_list(list, previous.and_then(|p| new.get(p))),
    ) {
        (Secrecy::Plain, other) => other,
        (one, _) => one,
    }
}

fn root_secrecy(object: &Object) -> Secrecy {
    if object.is_kubernetes_secret() {
        Secrecy::SecretObject
    } else {
        Secrecy::Plain
    }
}

/// Diffs two matched objects (`renamed`: paired as a rename, so `metadata.name` is not
/// reported as a field change).
pub fn diff_objects(old: &Object, new: &Object, renamed: bool, options: &Options) -> ObjectDiff {
    let mut walk = Walk {
        options,
        kind: &new.id.kind,
        path: Vec::new(),
        changes: Vec::new(),
    };
    let secrecy = match (root_secrecy(old), root_secrecy(new)) {
        (Secrecy::SecretObject, _) | (_, Secrecy::SecretObject) => Secrecy::SecretObject,
        _ => Secrecy::Plain,
    };
    let (old_shown, new_shown) = walk.walk(&old.value, &new.value, "", "", secrecy);
    let mut fields = walk.changes;
    if renamed {
        fields.retain(|f| f.pointer != "/metadata/name");
    }
    if new.target == crate::manifest::Target::Kubernetes {
        for f in &mut fields {
            f.immutable =
                super::immutable::reason(&new.id.kind, &old.value, &new.value, &f.pointer);
        }
    }
    ObjectDiff {
        change: if renamed {
            ObjectChange::Renamed
        } else {
            ObjectChange::Changed
        },
        id: new.id.clone(),
        previous_name: renamed.then(|| old.id.name.clone()),
        fields,
        old: Some(old_shown),
        new: Some(new_shown),
        object: None,
    }
}

/// An object that exists on one side only, listed whole (secrets masked).
pub fn whole_object(object: &Object, change: ObjectChange, options: &Options) -> ObjectDiff {
    let mut masked = false;
    let shown = mask::mask_one(
        &object.value,
        root_secrecy(object),
        options.show_secrets,
        &mut masked,
    );
    let (old, new) = match change {
        ObjectChange::Removed => (Some(shown.clone()), None),
        _ => (None, Some(shown.clone())),
    };
    ObjectDiff {
        change,
        id: object.id.clone(),
        previous_name: None,
        fields: Vec::new(),
        old,
        new,
        object: Some(shown),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::{ObjectId, Target};
    use serde_json::json;

    fn object(kind: &str, value: Value) -> Object {
        Object {
            id: ObjectId {
                kind: kind.into(),
                namespace: None,
                name: "x".into(),
                group: String::new(),
            },
            value,
            file: "f.yaml".into(),
            pos: Default::default(),
            target: Target::Kubernetes,
            unnamed: false,
        }
    }

    fn paths(old: Value, new: Value) -> Vec<String> {
        let diff = diff_objects(
            &object("Deployment", old),
            &object("Deployment", new),
            false,
            &Options::default(),
        );
        diff.fields.iter().map(|f| f.path.clone()).collect()
    }

    #[test]
    fn named_items_are_matched_by_name() {
        let old =
            json!({"containers": [{"name": "a", "image": "a:1"}, {"name": "b", "image": "b:1"}]});
        let new =
            json!({"containers": [{"name": "b", "image": "b:2"}, {"name": "a", "image": "a:1"}]});
        assert_eq!(paths(old, new), ["containers[b].image"]);
    }

    #[test]
    fn init_container_order_is_reported() {
        let old = json!({"initContainers": [{"name": "a"}, {"name": "b"}]});
        let new = json!({"initContainers": [{"name": "b"}, {"name": "a"}]});
        assert_eq!(paths(old, new), ["initContainers"]);
    }

    #[test]
    fn odd_keys_are_quoted_and_pointers_escaped() {
        let old = json!({"metadata": {"labels": {"app.kubernetes.io/name": "a"}}});
        let new = json!({"metadata": {"labels": {"app.kubernetes.io/name": "b"}}});
        let diff = diff_objects(
            &object("Deployment", old),
            &object("Deployment", new),
            false,
            &Options::default(),
        );
        assert_eq!(
            diff.fields[0].path,
            "metadata.labels[\"app.kubernetes.io/name\"]"
        );
        assert_eq!(
            diff.fields[0].pointer,
            "/metadata/labels/app.kubernetes.io~1name"
        );
    }

    #[test]
    fn secret_data_is_masked_with_change_marker() {
        let old = json!({"data": {"a": "c2VjcmV0"}});
        let new = json!({"data": {"a": "c2VjcmV1"}});
        let diff = diff_objects(
            &object("Secret", old),
            &object("Secret", new),
            false,
            &Options::default(),
        );
        assert_eq!(
            diff.fields[0].change,
            Change::Modified {
                old: json!("<secret: 8 chars>"),
                new: json!("<secret: 8 chars, changed>")
            }
        );
        assert!(diff.fields[0].masked);
    }
}
