//! Which ConfigMap a changed config checksum stands for.
//!
//! Templates put a checksum of an app's ConfigMap data on its pod template
//! (`checksum/config`), so that a change of the configuration rolls the pods. In a diff the
//! checksum change says nothing by itself: this names the ConfigMap(s) of the same app whose
//! content changed in the same diff, the ones the pod template refers to (volumes,
//! `envFrom`, `configMapKeyRef`) or that carry the same `app.kubernetes.io/name`.

use std::collections::BTreeSet;

use serde_json::Value;

use super::{Change, ObjectChange, ObjectDiff};

/// The annotation key prefix of configuration checksums.
const PREFIX: &str = "checksum/";

/// The label naming the app an object belongs to.
const NAME_LABEL: &str = "app.kubernetes.io/name";

/// Adds a note to every checksum annotation change naming the ConfigMaps behind it.
pub fn explain(objects: &mut [ObjectDiff]) {
    let changed_maps: Vec<(Option<String>, String, Option<String>)> = objects
        .iter()
        .filter(|o| o.id.kind == "ConfigMap" && o.id.group.is_empty())
        .filter(|o| content_changed(o))
        .map(|o| {
            let value = o.new.as_ref().or(o.object.as_ref());
            (
                o.id.namespace.clone(),
                o.id.name.clone(),
                value.and_then(|v| label(v, NAME_LABEL)),
            )
        })
        .collect();
    for object in objects.iter_mut() {
        if !matches!(object.change, ObjectChange::Changed | ObjectChange::Renamed)
            || object.fields.iter().all(|f| !is_checksum(&f.path))
        {
            continue;
        }
        let value = object.new.as_ref().or(object.old.as_ref());
        let app = value.and_then(|v| label(v, NAME_LABEL));
        let mut referenced = BTreeSet::new();
        for side in [object.old.as_ref(), object.new.as_ref()]
            .into_iter()
            .flatten()
        {
            config_map_refs(side, &mut referenced);
        }
        let names: Vec<String> = changed_maps
            .iter()
            .filter(|(ns, _, _)| *ns == object.id.namespace)
            .filter(|(_, name, map_app)| {
                referenced.contains(name) || (app.is_some() && *map_app == app)
            })
            .map(|(ns, name, _)| match ns {
                Some(ns) => format!("{ns}/{name}"),
                None => name.clone(),
            })
            .collect();
        let note = match names.len() {
            0 => "no ConfigMap of this app changed in this diff".to_string(),
            1 => format!("ConfigMap {} changed", names[0]),
            _ => format!("ConfigMaps {} changed", names.join(", ")),
        };
        for field in object.fields.iter_mut().filter(|f| is_checksum(&f.path)) {
            if matches!(field.change, Change::Modified { .. }) {
                field.note = Some(format!("config checksum: {note}"));
            }
        }
    }
}

/// Whether a field path is a checksum annotation (`...annotations["checksum/config"]`).
fn is_checksum(path: &str) -> bool {
    path.strip_suffix("\"]")
        .and_then(|p| p.rsplit_once("annotations[\""))
        .is_some_and(|(_, key)| key.starts_with(PREFIX))
}

/// Whether a ConfigMap's content changed: added, renamed (a hash-suffixed name follows its
/// content), or changed in `data` or `binaryData`.
fn content_changed(object: &ObjectDiff) -> bool {
    match object.change {
        ObjectChange::Added | ObjectChange::Renamed => true,
        ObjectChange::Removed => false,
        ObjectChange::Changed => object.fields.iter().any(|f| {
            ["data", "binaryData"]
                .iter()
                .any(|k| starts_with_key(&f.path, k))
        }),
    }
}

fn starts_with_key(path: &str, key: &str) -> bool {
    path.strip_prefix(key)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with(['.', '[']))
}

fn label(value: &Value, key: &str) -> Option<String> {
    value
        .pointer("/metadata/labels")?
        .get(key)?
        .as_str()
        .map(str::to_string)
}

/// The names of ConfigMaps a value refers to: `configMap: {name}` (volumes, projected
/// sources), `configMapRef: {name}` (`envFrom`) and `configMapKeyRef: {name}` (`env`).
fn config_map_refs(value: &Value, out: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                if matches!(
                    key.as_str(),
                    "configMap" | "configMapRef" | "configMapKeyRef"
                ) && let Some(name) = v.get("name").and_then(Value::as_str)
                {
                    out.insert(name.to_string());
                }
                config_map_refs(v, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| config_map_refs(v, out)),
        _ => {}
    }
}
