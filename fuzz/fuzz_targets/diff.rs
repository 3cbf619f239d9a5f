//! The object diff (`diff::compare_texts`) and its formats: any two texts give a diff or a
//! located error, never a panic, and a text compared with itself has no differences. The
//! first byte picks the target and the options; the rest is the old text, a NUL byte and the
//! new text.

#![no_main]

use libfuzzer_sys::fuzz_target;
use shipshape::diff::{Format, FormatOptions, Options, Target, compare_texts, render};

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let Ok(rest) = std::str::from_utf8(rest) else {
        return;
    };
    let (old, new) = rest.split_once('\0').unwrap_or((rest, ""));
    let (target, path) = match pick % 3 {
        0 => (Target::Kubernetes, "kubernetes.yaml"),
        1 => (Target::Compose, "compose.yaml"),
        _ => (Target::HelmValues, "values.yaml"),
    };
    let options = Options {
        show_secrets: pick & 4 != 0,
        ignore_namespace: pick & 8 != 0,
        fold_identity: pick & 16 != 0,
        fold_version: pick & 32 != 0,
        ignore: Vec::new(),
    };
    if let Ok(same) = compare_texts(path, target, Some(old), Some(old), &options) {
        assert!(
            same.is_empty(),
            "a text differs from itself:\n{old}\n{same:?}"
        );
    }
    if let Ok(diff) = compare_texts(path, target, Some(old), Some(new), &options) {
        for format in [
            Format::Human,
            Format::Unified,
            Format::Markdown,
            Format::Json,
        ] {
            let _ = render(
                std::slice::from_ref(&diff),
                format,
                &FormatOptions {
                    color: pick & 32 != 0,
                },
            );
        }
    }
    let _ = compare_texts(path, target, None, Some(new), &options);
});
