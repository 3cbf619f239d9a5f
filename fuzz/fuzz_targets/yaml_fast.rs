//! The fast YAML reader (`manifest::fast`): it never panics, reads a text in every dialect
//! or in none, and where it reads one it agrees with the full reader on values, positions
//! and the lines a pointer is located at (as the agreement tests of `src/manifest/fast.rs`).

#![no_main]

use libfuzzer_sys::fuzz_target;
use shipshape::manifest::fast;
use shipshape::manifest::yaml::{self, Dialect, Node, NodeKind, escape_token};

const DIALECTS: [Dialect; 3] = [Dialect::Kubernetes, Dialect::Compose, Dialect::Core];

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let read = DIALECTS.map(|dialect| agrees(text, dialect));
    assert!(
        read.iter().all(|r| *r == read[0]),
        "the fast reader reads in some dialects only ({read:?}):\n{text}"
    );
});

/// Whether the fast reader read the text; panics where the readers differ.
fn agrees(text: &str, dialect: Dialect) -> bool {
    let Some(fast) = fast::parse(text, dialect) else {
        return false;
    };
    let mut full = yaml::parse_values_full(text, true, dialect).unwrap_or_else(|e| {
        panic!("the fast reader read a text the full one rejects ({e:?}) in {dialect:?}:\n{text}")
    });
    assert!(fast.iter().all(|d| d.plain) && full.iter().all(|d| !d.plain));
    full.iter_mut().for_each(|d| d.plain = true);
    assert_eq!(fast, full, "readers differ in {dialect:?} on:\n{text}");
    let nodes = fast::parse_nodes(text, 1, dialect)
        .expect("the fast reader reads nodes where it reads values");
    let located: Vec<Node> = yaml::parse_stream_as(text, dialect)
        .expect("the full reader reads it")
        .into_iter()
        .filter_map(|d| d.root)
        .collect();
    assert_eq!(
        nodes, located,
        "positions differ in {dialect:?} on:\n{text}"
    );
    assert_eq!(fast.len(), nodes.len());
    for (i, (doc, root)) in fast.iter().zip(&nodes).enumerate() {
        let end = fast.get(i + 1).map_or(u32::MAX, |next| next.first_line);
        let lines = line_slice(text, doc.first_line, end);
        let mut pointers = Vec::new();
        pointers_of(root, String::new(), &mut pointers);
        for pointer in pointers.iter().take(100) {
            assert_eq!(
                fast::locate(lines, doc.first_line, pointer, dialect),
                Some(root.locate(pointer)),
                "{pointer:?} located differently in {dialect:?} in:\n{lines}"
            );
        }
    }
    true
}

/// Every node's pointer, and pointers past each.
fn pointers_of(node: &Node, pointer: String, out: &mut Vec<String>) {
    for past in ["/none", "/0", "/01", "/99", "/"] {
        out.push(format!("{pointer}{past}"));
    }
    match &node.kind {
        NodeKind::Map(entries) => {
            for e in entries {
                pointers_of(&e.value, format!("{pointer}/{}", escape_token(&e.key)), out);
            }
        }
        NodeKind::Seq(items) => {
            for (i, item) in items.iter().enumerate() {
                pointers_of(item, format!("{pointer}/{i}"), out);
            }
        }
        NodeKind::Scalar(_) => {}
    }
    out.push(pointer);
}

/// The text of lines `[first, end)` (1-based), line breaks included.
fn line_slice(text: &str, first: u32, end: u32) -> &str {
    let mut starts = std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1));
    let start = starts.nth(first.max(1) as usize - 1).unwrap_or(text.len());
    let mut starts = std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1));
    let stop = match end {
        u32::MAX => text.len(),
        end => starts.nth(end as usize - 1).unwrap_or(text.len()),
    };
    text.get(start..stop.max(start)).unwrap_or("")
}
