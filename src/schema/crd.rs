//! CRD import: converts a CustomResourceDefinition's `openAPIV3Schema` (every served version)
//! into a shipshape schema file in the strict form.

use serde_json::{Map, Value, json};

use super::strict;

/// The Kubernetes ObjectMeta definition that custom resources' metadata is checked against.
pub const OBJECT_META: &str = "https://shipshape.dev/schemas/kubernetes.json#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";

/// A schema file made from one CRD.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportedCrd {
    /// The CRD's name (`servicemonitors.monitoring.coreos.com`), also the file stem.
    pub name: String,
    /// The `apiVersion/kind` keys it provides, sorted.
    pub kinds: Vec<String>,
    /// The schema file (`x-kinds` index and `definitions`).
    pub schema: Value,
}

/// Converts one CustomResourceDefinition (as a parsed document) into a schema file.
///
/// Every served version with an `openAPIV3Schema` becomes one definition, pinned to its
/// `apiVersion` and `kind` and made strict.
pub fn import_crd(crd: &Value) -> Result<ImportedCrd, String> {
    if crd.get("kind").and_then(Value::as_str) != Some("CustomResourceDefinition") {
        return Err(
            "not a CustomResourceDefinition (kind is not `CustomResourceDefinition`)".into(),
        );
    }
    let spec = crd.get("spec").ok_or("the CRD has no `spec`")?;
    let group = spec
        .get("group")
        .and_then(Value::as_str)
        .ok_or("the CRD has no `spec.group`")?;
    let kind = spec
        .pointer("/names/kind")
        .and_then(Value::as_str)
        .ok_or("the CRD has no `spec.names.kind`")?;
    let name = crd
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .map(str::to_string)
        .unwrap_or_else(|| format!("{}.{group}", kind.to_lowercase()));
    let versions = spec
        .get("versions")
        .and_then(Value::as_array)
        .ok_or("the CRD has no `spec.versions` list")?;
    let mut definitions = Map::new();
    let mut index = Map::new();
    for version in versions {
        if version.get("served") == Some(&Value::Bool(false)) {
            continue;
        }
        let Some(v) = version.get("name").and_then(Value::as_str) else {
            return Err("a version of the CRD has no `name`".into());
        };
        let Some(schema) = version
            .pointer("/schema/openAPIV3Schema")
            .or_else(|| spec.pointer("/validation/openAPIV3Schema"))
        else {
            return Err(format!(
                "version {v} has no `schema.openAPIV3Schema`; nothing to validate against"
            ));
        };
        let mut schema = schema.clone();
        strict::strictify(&mut schema);
        let api_version = format!("{group}/{v}");
        strict::pin_kind(&mut schema, &api_version, kind);
        // The API server checks a custom resource's metadata as ObjectMeta, whatever the
        // CRD says about it.
        if let Some(props) = schema.get_mut("properties").and_then(Value::as_object_mut) {
            props.insert("metadata".into(), json!({"$ref": OBJECT_META}));
        }
        let def = format!("{group}.{v}.{kind}");
        index.insert(format!("{api_version}/{kind}"), Value::String(def.clone()));
        definitions.insert(def, schema);
    }
    if definitions.is_empty() {
        return Err("the CRD serves no version".into());
    }
    index.sort_keys();
    definitions.sort_keys();
    let kinds = index.keys().cloned().collect();
    Ok(ImportedCrd {
        schema: json!({
            "$schema": "http://json-schema.org/draft-07/schema#",
            "x-source": format!("CustomResourceDefinition {name}, strict form made by `shipshape schema import`"),
            "x-kinds": index,
            "definitions": definitions,
        }),
        name,
        kinds,
    })
}

/// Reads the documents of a CRD file (YAML or JSON stream). Uses the libyaml-based reader,
/// which accepts the folded multi-line scalars that generated CRDs often contain; CRDs need
/// no positions.
pub fn read_documents(text: &str) -> Result<Vec<Value>, String> {
    use serde::Deserialize as _;
    let mut out = Vec::new();
    for doc in serde_yaml::Deserializer::from_str(text) {
        let value = Value::deserialize(doc).map_err(|e| match e.location() {
            Some(l) => format!("{}:{}: {e}", l.line(), l.column()),
            None => e.to_string(),
        })?;
        if !value.is_null() {
            out.push(value);
        }
    }
    Ok(out)
}

/// The text of a schema file as written to disk (pretty JSON, newline at the end).
pub fn to_file_text(schema: &Value) -> String {
    let mut text = serde_json::to_string_pretty(schema).expect("a JSON value serializes");
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn imports_served_versions_strictly() {
        let crd = json!({
            "apiVersion": "apiextensions.k8s.io/v1",
            "kind": "CustomResourceDefinition",
            "metadata": {"name": "widgets.example.com"},
            "spec": {
                "group": "example.com",
                "names": {"kind": "Widget"},
                "versions": [
                    {"name": "v1", "served": true, "schema": {"openAPIV3Schema": {
                        "type": "object",
                        "properties": {"spec": {"type": "object", "properties": {"size": {"type": "integer"}}}}
                    }}},
                    {"name": "v0", "served": false, "schema": {"openAPIV3Schema": {"type": "object"}}}
                ]
            }
        });
        let out = import_crd(&crd).unwrap();
        assert_eq!(out.name, "widgets.example.com");
        assert_eq!(out.kinds, vec!["example.com/v1/Widget".to_string()]);
        assert_eq!(
            out.schema["definitions"]["example.com.v1.Widget"]["properties"]["spec"]["additionalProperties"],
            json!(false)
        );
        assert_eq!(
            out.schema["definitions"]["example.com.v1.Widget"]["properties"]["kind"],
            json!({"const": "Widget"})
        );
    }

    #[test]
    fn rejects_other_kinds() {
        let err = import_crd(&json!({"kind": "Deployment"})).unwrap_err();
        assert!(err.contains("not a CustomResourceDefinition"), "{err}");
    }
}
