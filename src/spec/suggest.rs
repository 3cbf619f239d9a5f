//! Finding what was meant: the keys the spec schema allows at a place, and the closest one
//! to a misspelling.

use serde_json::Value;

use crate::manifest::yaml::pointer_tokens;

fn resolve<'a>(root: &'a Value, schema: &'a Value) -> &'a Value {
    let mut s = schema;
    for _ in 0..32 {
        match s.get("$ref").and_then(Value::as_str) {
            Some(r) => {
                let target = r.strip_prefix('#').and_then(|p| root.pointer(p));
                match target {
                    Some(t) => s = t,
                    None => return s,
                }
            }
            None => return s,
        }
    }
    s
}

/// The subschemas a value at this schema may match (through `anyOf`/`oneOf`/`allOf`).
fn alternatives<'a>(root: &'a Value, schema: &'a Value) -> Vec<&'a Value> {
    let s = resolve(root, schema);
    let mut out = vec![s];
    for key in ["anyOf", "oneOf", "allOf"] {
        if let Some(list) = s.get(key).and_then(Value::as_array) {
            for sub in list {
                out.extend(alternatives(root, sub));
            }
        }
    }
    out
}

/// The schema of the value at a JSON pointer, as far as it can be followed.
fn schema_at<'a>(root: &'a Value, pointer: &str) -> Option<&'a Value> {
    let mut current = root;
    for token in pointer_tokens(pointer) {
        let next = alternatives(root, current).into_iter().find_map(|s| {
            s.get("properties")
                .and_then(|p| p.get(&token))
                .or_else(|| s.get("additionalProperties").filter(|a| a.is_object()))
                .or_else(|| s.get("items").filter(|_| token.parse::<usize>().is_ok()))
        })?;
        current = next;
    }
    Some(current)
}

/// The keys allowed in the mapping at a JSON pointer, sorted.
pub fn properties_at(root: &Value, pointer: &str) -> Vec<String> {
    let Some(schema) = schema_at(root, pointer) else {
        return Vec::new();
    };
    let mut names: Vec<String> = alternatives(root, schema)
        .into_iter()
        .filter_map(|s| s.get("properties").and_then(Value::as_object))
        .flat_map(|p| p.keys().cloned())
        .collect();
    names.sort();
    names.dedup();
    names
}

/// The description of the value expected at a JSON pointer.
pub fn description_at(root: &Value, pointer: &str) -> Option<String> {
    let schema = schema_at(root, pointer)?;
    alternatives(root, schema)
        .into_iter()
        .find_map(|s| s.get("description").and_then(Value::as_str))
        .map(|d| {
            d.split("\n\n")
                .next()
                .unwrap_or(d)
                .trim_end_matches('.')
                .to_string()
        })
}

/// The candidate closest to `name`, when it is close enough to be what was meant.
pub fn closest(name: &str, candidates: &[String]) -> Option<String> {
    let lower = name.to_lowercase();
    candidates
        .iter()
        .map(|c| {
            let d = strsim::damerau_levenshtein(&lower, &c.to_lowercase());
            (d, c)
        })
        .filter(|(d, c)| *d <= 2.max(c.len() / 4) && *d < c.len())
        .min_by_key(|(d, c)| (*d, c.len()))
        .map(|(_, c)| c.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_near_misses_only() {
        let names: Vec<String> = ["replicas", "resources", "rollout"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(closest("replicass", &names).as_deref(), Some("replicas"));
        assert_eq!(closest("Replicas", &names).as_deref(), Some("replicas"));
        assert_eq!(closest("resorces", &names).as_deref(), Some("resources"));
        assert_eq!(closest("zzz", &names), None);
    }

    #[test]
    fn follows_refs_to_nested_keys() {
        let schema = crate::spec::load::json_schema();
        let keys = properties_at(schema, "/autoscaling");
        assert!(keys.contains(&"minReplicas".to_string()), "{keys:?}");
        let keys = properties_at(schema, "/ports/0");
        assert!(keys.contains(&"containerPort".to_string()), "{keys:?}");
    }
}
