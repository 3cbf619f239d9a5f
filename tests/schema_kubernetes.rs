//! The embedded Kubernetes schemas are strict: every object with properties is closed,
//! int-or-string and quantity are typed, and the kind index points at real definitions.
//! (Whether they match what the generator makes today is checked by
//! `schemas/generate.sh --check`.)

use std::path::Path;

use serde_json::{Value, json};

fn schema_files() -> Vec<(String, Value)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas/kubernetes");
    let mut files: Vec<(String, Value)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                serde_json::from_str(&text).unwrap(),
            )
        })
        .collect();
    files.sort_by(|a, b| a.0.cmp(&b.0));
    files
}

/// Collects the JSON pointers of object schemas that list properties but stay open.
fn open_objects(schema: &Value, at: &str, out: &mut Vec<String>) {
    match schema {
        Value::Object(obj) => {
            if obj
                .get("properties")
                .is_some_and(|p| p.as_object().is_some_and(|m| !m.is_empty()))
                && !obj.contains_key("additionalProperties")
            {
                out.push(at.to_string());
            }
            for (k, v) in obj {
                open_objects(v, &format!("{at}/{k}"), out);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                open_objects(v, &format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

#[test]
fn every_version_is_strict_and_indexed() {
    let files = schema_files();
    assert!(
        files.iter().any(|(name, _)| name == "v1.37.json"),
        "Kubernetes 1.37 is embedded"
    );
    for (name, doc) in &files {
        let defs = doc["definitions"].as_object().unwrap();
        let kinds = doc["x-kinds"].as_object().unwrap();
        assert!(kinds.len() > 90, "{name}: {} kinds", kinds.len());
        for (key, def) in kinds {
            let def = def.as_str().unwrap();
            let schema = defs
                .get(def)
                .unwrap_or_else(|| panic!("{name}: {key} -> {def} is defined"));
            let (api_version, kind) = key.rsplit_once('/').unwrap();
            assert_eq!(
                schema["properties"]["apiVersion"],
                json!({"const": api_version})
            );
            assert_eq!(schema["properties"]["kind"], json!({"const": kind}));
        }
        for key in [
            "apps/v1/Deployment",
            "v1/Service",
            "v1/ConfigMap",
            "autoscaling/v2/HorizontalPodAutoscaler",
            "policy/v1/PodDisruptionBudget",
            "networking.k8s.io/v1/Ingress",
        ] {
            assert!(kinds.contains_key(key), "{name} has {key}");
        }
        let mut open = Vec::new();
        open_objects(&doc["definitions"], "/definitions", &mut open);
        assert_eq!(open, Vec::<String>::new(), "{name}: open objects");
        assert_eq!(
            defs["io.k8s.apimachinery.pkg.util.intstr.IntOrString"],
            json!({"type": ["integer", "string"]})
        );
        assert_eq!(
            defs["io.k8s.apimachinery.pkg.api.resource.Quantity"]["type"],
            json!(["number", "string"])
        );
        let labels =
            &defs["io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"]["properties"]["labels"];
        assert_eq!(
            labels["additionalProperties"],
            json!({"type": "string"}),
            "{name}: maps stay open"
        );
    }
}
