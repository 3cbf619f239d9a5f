//! Rename detection: an object removed and one added of the same kind (and API group and
//! namespace) are one object renamed when their names differ only in a hash-like suffix
//! (`web-config-5f8k2m9t4b` -> `web-config-7h9m4c2d6k`, generated ConfigMap and Secret
//! names), or when their content is nearly the same (at least 80% of their fields equal).

use std::collections::BTreeMap;
use std::hash::{DefaultHasher, Hash, Hasher};

use serde_json::Value;

use super::objects::Object;

/// Content similarity at or above which two objects are a rename.
const SIMILAR: f64 = 0.8;

/// Fewest fields an object needs for a content-based rename (tiny objects are alike by chance).
const MIN_FIELDS: usize = 3;

/// Most candidate pairs per kind compared by content (beyond, only hash suffixes pair).
const MAX_PAIRS: usize = 40_000;

/// The name without a hash-like suffix, and whether it had one: a last `-` segment of at least
/// five lowercase letters and digits that holds a digit, or of eight or more without a vowel
/// (kustomize's alphabet).
pub fn strip_hash_suffix(name: &str) -> (&str, bool) {
    let Some((base, suffix)) = name.rsplit_once('-') else {
        return (name, false);
    };
    let alnum = suffix
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    let digit = suffix.chars().any(|c| c.is_ascii_digit());
    let vowel = suffix.chars().any(|c| "aeiouy".contains(c));
    let hashy =
        !base.is_empty() && suffix.len() >= 5 && alnum && (digit || (suffix.len() >= 8 && !vowel));
    if hashy { (base, true) } else { (name, false) }
}

/// Pairs removed and added objects into renames; returns the pairs (old, new) and the objects
/// left removed and added.
///
/// With `ignore_namespace`, namespaces do not separate groups, and a lone `Namespace` removed
/// and a lone one added are a rename (two environments, each in its own namespace).
pub fn pair(
    removed: Vec<Object>,
    added: Vec<Object>,
    ignore_namespace: bool,
) -> (Vec<(Object, Object)>, Vec<Object>, Vec<Object>) {
    if removed.is_empty() || added.is_empty() {
        return (Vec::new(), removed, added);
    }
    type Group = (super::Target, String, String, Option<String>);
    let group = |o: &Object| -> Group {
        (
            o.target,
            o.id.kind.clone(),
            o.id.group.clone(),
            if ignore_namespace {
                None
            } else {
                o.id.namespace.clone()
            },
        )
    };
    let mut groups: BTreeMap<Group, (Vec<Object>, Vec<Object>)> = BTreeMap::new();
    for object in removed {
        groups.entry(group(&object)).or_default().0.push(object);
    }
    for object in added {
        groups.entry(group(&object)).or_default().1.push(object);
    }
    let mut pairs = Vec::new();
    let mut left_removed = Vec::new();
    let mut left_added = Vec::new();
    for (_, (mut old, mut new)) in groups {
        old.sort_by(|a, b| a.id.cmp(&b.id));
        new.sort_by(|a, b| a.id.cmp(&b.id));
        let mut old_used = vec![false; old.len()];
        let mut new_used = vec![false; new.len()];
        let mut matched: Vec<(usize, usize)> = Vec::new();
        let is_namespace = |o: &Object| {
            o.target == super::Target::Kubernetes
                && o.id.kind == "Namespace"
                && o.id.group.is_empty()
        };
        if ignore_namespace && old.len() == 1 && new.len() == 1 && is_namespace(&old[0]) {
            old_used[0] = true;
            new_used[0] = true;
            matched.push((0, 0));
        }
        // Names equal but for a hash suffix.
        for (i, o) in old.iter().enumerate() {
            let (base, suffix) = strip_hash_suffix(&o.id.name);
            let found = new.iter().enumerate().position(|(j, n)| {
                let (other, other_suffix) = strip_hash_suffix(&n.id.name);
                !new_used[j] && other == base && (suffix || other_suffix)
            });
            if let Some(j) = found {
                old_used[i] = true;
                new_used[j] = true;
                matched.push((i, j));
            }
        }
        // Nearly equal content.
        let free_old: Vec<usize> = (0..old.len()).filter(|&i| !old_used[i]).collect();
        let free_new: Vec<usize> = (0..new.len()).filter(|&j| !new_used[j]).collect();
        if !free_old.is_empty()
            && !free_new.is_empty()
            && free_old.len() * free_new.len() <= MAX_PAIRS
        {
            let old_fields: Vec<Vec<u64>> = free_old.iter().map(|&i| fields(&old[i])).collect();
            let new_fields: Vec<Vec<u64>> = free_new.iter().map(|&j| fields(&new[j])).collect();
            let mut scored = Vec::new();
            for (a, of) in old_fields.iter().enumerate() {
                for (b, nf) in new_fields.iter().enumerate() {
                    let score = similarity(of, nf);
                    if score >= SIMILAR {
                        scored.push((score, free_old[a], free_new[b]));
                    }
                }
            }
            scored.sort_by(|x, y| y.0.total_cmp(&x.0).then(x.1.cmp(&y.1)).then(x.2.cmp(&y.2)));
            for (_, i, j) in scored {
                if !old_used[i] && !new_used[j] {
                    old_used[i] = true;
                    new_used[j] = true;
                    matched.push((i, j));
                }
            }
        }
        let mut old_slots: Vec<Option<Object>> = old.into_iter().map(Some).collect();
        let mut new_slots: Vec<Option<Object>> = new.into_iter().map(Some).collect();
        for (i, j) in matched {
            if let (Some(o), Some(n)) = (old_slots[i].take(), new_slots[j].take()) {
                pairs.push((o, n));
            }
        }
        left_removed.extend(old_slots.into_iter().flatten());
        left_added.extend(new_slots.into_iter().flatten());
    }
    (pairs, left_removed, left_added)
}

/// The sorted hashes of an object's leaf fields (path and value), without `metadata.name`.
fn fields(object: &Object) -> Vec<u64> {
    fn walk(value: &Value, path: &mut String, out: &mut Vec<u64>) {
        match value {
            Value::Object(map) => {
                for (key, child) in map {
                    if path.is_empty() && key == "metadata" {
                        if let Value::Object(meta) = child {
                            for (k, v) in meta.iter().filter(|(k, _)| *k != "name") {
                                let len = path.len();
                                path.push_str("/metadata/");
                                path.push_str(k);
                                walk(v, path, out);
                                path.truncate(len);
                            }
                            continue;
                        }
                    }
                    let len = path.len();
                    path.push('/');
                    path.push_str(key);
                    walk(child, path, out);
                    path.truncate(len);
                }
            }
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    let len = path.len();
                    path.push_str(&format!("/{i}"));
                    walk(item, path, out);
                    path.truncate(len);
                }
            }
            leaf => {
                let mut hasher = DefaultHasher::new();
                path.hash(&mut hasher);
                leaf.to_string().hash(&mut hasher);
                out.push(hasher.finish());
            }
        }
    }
    let mut out = Vec::new();
    walk(&object.value, &mut String::new(), &mut out);
    out.sort_unstable();
    out
}

/// Share of equal fields: twice the common fields over all fields of both.
fn similarity(a: &[u64], b: &[u64]) -> f64 {
    if a.len() < MIN_FIELDS || b.len() < MIN_FIELDS {
        return 0.0;
    }
    let (mut i, mut j, mut common) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                common += 1;
                i += 1;
                j += 1;
            }
        }
    }
    2.0 * common as f64 / (a.len() + b.len()) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_suffixes() {
        assert_eq!(
            strip_hash_suffix("web-config-5f8k2m9t4b"),
            ("web-config", true)
        );
        assert_eq!(
            strip_hash_suffix("web-config-bfkghtmbcd"),
            ("web-config", true)
        );
        assert_eq!(strip_hash_suffix("web-abc12"), ("web", true));
        assert_eq!(strip_hash_suffix("web-config"), ("web-config", false));
        assert_eq!(strip_hash_suffix("web-backend"), ("web-backend", false));
        assert_eq!(strip_hash_suffix("api-v2"), ("api-v2", false));
        assert_eq!(strip_hash_suffix("web"), ("web", false));
    }
}
