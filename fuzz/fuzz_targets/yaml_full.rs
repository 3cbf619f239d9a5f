//! The full YAML reader (`manifest::yaml`) and the manifest loader on top of it: they never
//! panic; the value reader and the positional reader accept the same texts and give the same
//! values; every pointer of a loaded document can be located.

#![no_main]

use libfuzzer_sys::fuzz_target;
use shipshape::manifest::yaml::{self, Dialect};
use shipshape::manifest::{self, LoadOptions, Source};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for dialect in [Dialect::Kubernetes, Dialect::Compose, Dialect::Core] {
        let values = yaml::parse_values_full(text, false, dialect);
        let _ = yaml::parse_values_full(text, true, dialect);
        let located = yaml::parse_stream_as(text, dialect);
        assert_eq!(
            values.is_ok(),
            located.is_ok(),
            "the readers differ in {dialect:?} ({:?} / {:?}) on:\n{text}",
            values.as_ref().err(),
            located.as_ref().err()
        );
        if let (Ok(values), Ok(located)) = (&values, &located) {
            let values: Vec<_> = values.iter().map(|d| d.value.clone()).collect();
            let nodes: Vec<_> = located
                .iter()
                .map(|d| d.root.as_ref().map(|n| n.to_value()))
                .collect();
            assert_eq!(
                values, nodes,
                "the readers differ in {dialect:?} on:\n{text}"
            );
        }
        let _ = yaml::ambiguous_scalars(text, dialect, 1);
    }
    for path in ["fuzz.yaml", "compose.yaml"] {
        let source = Source::new(path, text);
        let _ = manifest::load_checking_duplicates(&source, None);
        let source = Source::new(path, text);
        let Ok(docs) = manifest::load_with(&source, &LoadOptions::default()) else {
            continue;
        };
        for doc in &docs {
            let _ = doc.ambiguous_scalars();
            let positions = doc.positions();
            for pointer in pointers(&doc.value).iter().take(200) {
                let _ = doc.locate(pointer);
                let _ = doc.locate_key(pointer);
                let _ = positions.locate(pointer);
            }
        }
    }
});

/// The pointer of every node of a value, and one past each.
fn pointers(value: &serde_json::Value) -> Vec<String> {
    fn walk(value: &serde_json::Value, pointer: String, out: &mut Vec<String>) {
        out.push(format!("{pointer}/none"));
        match value {
            serde_json::Value::Object(fields) => {
                for (key, field) in fields {
                    walk(field, format!("{pointer}/{}", yaml::escape_token(key)), out);
                }
            }
            serde_json::Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    walk(item, format!("{pointer}/{i}"), out);
                }
            }
            _ => {}
        }
        out.push(pointer);
    }
    let mut out = Vec::new();
    walk(value, String::new(), &mut out);
    out
}
