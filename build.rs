//! Embeds the Kubernetes schema files without their layout whitespace: the committed files
//! stay pretty-printed (they are read and diffed), the binary carries a third less JSON,
//! which is indexed and parsed faster at run time.

use std::path::Path;

fn main() {
    let out = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    let dir = Path::new("schemas/kubernetes");
    println!("cargo:rerun-if-changed={}", dir.display());
    let target = Path::new(&out).join("kubernetes");
    std::fs::create_dir_all(&target).expect("OUT_DIR is writable");
    let entries = std::fs::read_dir(dir).expect("schemas/kubernetes is readable");
    for entry in entries {
        let path = entry.expect("schemas/kubernetes is readable").path();
        if path.extension().and_then(|e| e.to_str()) != Some("json") {
            continue;
        }
        println!("cargo:rerun-if-changed={}", path.display());
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{}: cannot read: {e}", path.display()));
        let name = path.file_name().expect("a file has a name");
        std::fs::write(target.join(name), compact(&text)).expect("OUT_DIR is writable");
    }
}

/// The JSON text without whitespace between tokens (whitespace inside strings stays).
fn compact(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    let mut in_string = false;
    let mut escaped = false;
    for c in json.chars() {
        if in_string {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
        } else if !matches!(c, ' ' | '\t' | '\n' | '\r') {
            in_string = c == '"';
            out.push(c);
        }
    }
    out
}
