//! Parse-only baseline of the validate benchmark (`benches/validate.sh`): reads every
//! `.yaml`/`.yml`/`.json` file under a folder and parses it into values with the same YAML
//! reader and the same thread pool `shipshape validate` uses, then prints the wall time.
//!
//! `cargo bench --bench validate_parse -- DIR [--full-reader]`: with `--full-reader`, every
//! file goes through the full YAML reader, without the fast path for plain manifests.

use std::path::{Path, PathBuf};
use std::time::Instant;

use rayon::prelude::*;
use shipshape::manifest::{self, LoadOptions, Source};

// The same allocator as the command, so that the two are measured alike.
shipshape::use_allocator!();

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let entries = std::fs::read_dir(dir).expect("the corpus folder is readable");
    for entry in entries {
        let path = entry.expect("the corpus folder is readable").path();
        if path.is_dir() {
            walk(&path, out);
        } else if matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("yaml" | "yml" | "json")
        ) {
            out.push(path);
        }
    }
}

fn main() {
    let Some(dir) = std::env::args().skip(1).find(|a| !a.starts_with("--")) else {
        eprintln!("usage: cargo bench --bench validate_parse -- DIR");
        std::process::exit(2);
    };
    let start = Instant::now();
    let mut files = Vec::new();
    walk(Path::new(&dir), &mut files);
    files.sort();
    let full_reader = std::env::args().any(|a| a == "--full-reader");
    let options = LoadOptions::default();
    let documents: usize = files
        .par_iter()
        .map(|path| {
            let source = Source::read(path).expect("corpus files are readable");
            if full_reader {
                manifest::yaml::parse_values_full(&source.text, true, manifest::Dialect::Kubernetes)
                    .map_or(0, |docs| docs.len())
            } else {
                manifest::load_with(&source, &options).map_or(0, |docs| docs.len())
            }
        })
        .sum();
    let elapsed = start.elapsed();
    println!(
        "parsed {} files, {documents} documents in {:.3} s",
        files.len(),
        elapsed.as_secs_f64()
    );
}
