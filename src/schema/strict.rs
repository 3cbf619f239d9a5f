//! Strictification: turns loose generated or imported schemas into the strict form shipshape
//! validates against.
//!
//! Every object schema that lists `properties` is closed (`additionalProperties: false`)
//! unless it says it keeps unknown fields; maps (`additionalProperties: {..}`) stay open.
//! Kubernetes extension keywords are turned into plain JSON Schema (`int-or-string`,
//! `nullable`), descriptions and other annotations are dropped to keep the embedded files
//! small.

use serde_json::{Map, Value, json};

/// The Kubernetes quantity grammar (`500m`, `1`, `2Gi`, `1.5`, `1e3`).
pub const QUANTITY_PATTERN: &str =
    r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+|[KMGTPE]i|[numkMGTPE])?$";

/// Definition name of `IntOrString` in the Kubernetes schemas.
pub const INT_OR_STRING: &str = "io.k8s.apimachinery.pkg.util.intstr.IntOrString";
/// Definition name of `Quantity` in the Kubernetes schemas.
pub const QUANTITY: &str = "io.k8s.apimachinery.pkg.api.resource.Quantity";
/// Definition names of the Kubernetes time types (they also accept `null`, as
/// `creationTimestamp: null` is what many tools write).
pub const TIMES: [&str; 2] = [
    "io.k8s.apimachinery.pkg.apis.meta.v1.Time",
    "io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime",
];

/// Definition name of the apiextensions `JSON` type: the fields of a CRD's schema that hold
/// JSON values (`default`, `example`, the items of `enum`).
pub const CRD_JSON: &str = "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSON";

/// The schema of an int-or-string field: an integer, or a string (`8080`, `http`, `25%`).
pub fn int_or_string_schema() -> Value {
    json!({"type": ["integer", "string"]})
}

/// The schema of a quantity: a number, or a string in the quantity grammar.
pub fn quantity_schema() -> Value {
    json!({"type": ["number", "string"], "pattern": QUANTITY_PATTERN})
}

/// Keywords whose value is a schema.
const SCHEMA_KEYWORDS: [&str; 4] = ["items", "additionalProperties", "not", "additionalItems"];
/// Keywords whose value is a list of schemas.
const SCHEMA_LIST_KEYWORDS: [&str; 4] = ["allOf", "anyOf", "oneOf", "items"];
/// Keywords whose value is a map of schemas.
const SCHEMA_MAP_KEYWORDS: [&str; 4] = ["properties", "patternProperties", "definitions", "$defs"];
/// Annotations dropped from the output.
const DROPPED: [&str; 5] = ["description", "example", "examples", "title", "$comment"];

/// Makes a schema strict in place (see the module documentation).
pub fn strictify(schema: &mut Value) {
    let Value::Object(obj) = schema else {
        return;
    };
    for key in DROPPED {
        obj.remove(key);
    }
    let preserve = obj
        .remove("x-kubernetes-preserve-unknown-fields")
        .is_some_and(|v| v == Value::Bool(true));
    let int_or_string = obj
        .remove("x-kubernetes-int-or-string")
        .is_some_and(|v| v == Value::Bool(true));
    let nullable = obj
        .remove("nullable")
        .is_some_and(|v| v == Value::Bool(true));
    obj.retain(|k, _| !k.starts_with("x-kubernetes-"));
    if int_or_string {
        obj.remove("anyOf");
        obj.remove("oneOf");
        obj.insert("type".into(), json!(["integer", "string"]));
    }
    if nullable {
        add_null(obj);
    }
    for key in SCHEMA_MAP_KEYWORDS {
        if let Some(Value::Object(map)) = obj.get_mut(key) {
            for (_, sub) in map.iter_mut() {
                strictify(sub);
            }
        }
    }
    for key in SCHEMA_KEYWORDS {
        if let Some(sub @ Value::Object(_)) = obj.get_mut(key) {
            strictify(sub);
        }
    }
    for key in SCHEMA_LIST_KEYWORDS {
        if let Some(Value::Array(list)) = obj.get_mut(key) {
            for sub in list {
                strictify(sub);
            }
        }
    }
    // `{"allOf": [{"$ref": ..}]}` is how generators attach a description to a reference;
    // with the description gone it is just the reference.
    if obj.len() == 1 {
        if let Some(Value::Array(list)) = obj.get("allOf") {
            if list.len() == 1 {
                *schema = list[0].clone();
                return;
            }
        }
    }
    let has_properties = obj
        .get("properties")
        .is_some_and(|p| p.as_object().is_some_and(|m| !m.is_empty()));
    if has_properties && !preserve && !obj.contains_key("additionalProperties") {
        obj.insert("additionalProperties".into(), Value::Bool(false));
    }
}

/// Lets a schema also accept `null` (`nullable: true` in OpenAPI).
fn add_null(obj: &mut Map<String, Value>) {
    match obj.get_mut("type") {
        Some(Value::String(t)) => {
            let t = t.clone();
            obj.insert("type".into(), json!([t, "null"]));
        }
        Some(Value::Array(types)) if !types.iter().any(|t| t == "null") => {
            types.push(json!("null"));
        }
        _ => {}
    }
}

/// Pins `apiVersion` and `kind` of a resource's schema to their values with `const`.
pub fn pin_kind(schema: &mut Value, api_version: &str, kind: &str) {
    let Some(obj) = schema.as_object_mut() else {
        return;
    };
    let props = obj
        .entry("properties")
        .or_insert_with(|| Value::Object(Map::new()));
    if let Some(props) = props.as_object_mut() {
        props.insert("apiVersion".into(), json!({"const": api_version}));
        props.insert("kind".into(), json!({"const": kind}));
    }
    if !obj.contains_key("additionalProperties") && !obj.contains_key("type") {
        obj.insert("type".into(), json!("object"));
    }
}

/// Replaces the Kubernetes definitions that schemars gets wrong with their true forms: the loose
/// ones (int-or-string, quantity, time) made strict, and the apiextensions `JSON` type (which
/// schemars describes as an object) opened to any JSON value, as `default: 1` or
/// `enum: [a, b]` in a CRD's schema are.
pub fn fix_kubernetes_definitions(definitions: &mut Map<String, Value>) {
    if definitions.contains_key(INT_OR_STRING) {
        definitions.insert(INT_OR_STRING.into(), int_or_string_schema());
    }
    if definitions.contains_key(QUANTITY) {
        definitions.insert(QUANTITY.into(), quantity_schema());
    }
    for name in TIMES {
        if definitions.contains_key(name) {
            definitions.insert(name.into(), json!({"type": ["string", "null"]}));
        }
    }
    if definitions.contains_key(CRD_JSON) {
        definitions.insert(CRD_JSON.into(), json!({}));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closes_objects_with_properties_and_keeps_maps_open() {
        let mut s = json!({
            "type": "object",
            "description": "x",
            "properties": {
                "labels": {"type": "object", "additionalProperties": {"type": "string"}},
                "spec": {"type": "object", "properties": {"a": {"type": "string"}}},
                "free": {"type": "object", "x-kubernetes-preserve-unknown-fields": true, "properties": {"b": {}}},
                "port": {"anyOf": [{"type": "integer"}, {"type": "string"}], "x-kubernetes-int-or-string": true},
                "maybe": {"type": "string", "nullable": true}
            }
        });
        strictify(&mut s);
        assert_eq!(
            s,
            json!({
                "type": "object",
                "properties": {
                    "labels": {"type": "object", "additionalProperties": {"type": "string"}},
                    "spec": {"type": "object", "properties": {"a": {"type": "string"}}, "additionalProperties": false},
                    "free": {"type": "object", "properties": {"b": {}}},
                    "port": {"type": ["integer", "string"]},
                    "maybe": {"type": ["string", "null"]}
                },
                "additionalProperties": false
            })
        );
    }

    #[test]
    fn quantity_grammar() {
        let re = regex_lite(QUANTITY_PATTERN);
        for ok in [
            "500m",
            "1",
            "2Gi",
            "128974848",
            "1.5",
            "1e3",
            "0.5",
            "100Ki",
            "+1",
            ".5",
        ] {
            assert!(re(ok), "{ok} should match");
        }
        for bad in ["1gb", "2GB", "abc", "", "1 Gi", "1Ki2", "m"] {
            assert!(!re(bad), "{bad} should not match");
        }
    }

    fn regex_lite(pattern: &str) -> impl Fn(&str) -> bool {
        let v = jsonschema::validator_for(&json!({"type": "string", "pattern": pattern})).unwrap();
        move |s| v.is_valid(&json!(s))
    }
}
