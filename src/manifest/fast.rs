//! A fast reader for the plain shape most manifests have, used before the full YAML reader.
//!
//! Generated and hand-written manifests almost always keep to block mappings and sequences,
//! one-line plain or quoted scalars, literal block scalars (`|`), one-line flow collections
//! and comments. This reader handles exactly that shape, a line at a time, and gives up
//! (`None`) at the first thing outside it: anchors, aliases, tags, merge keys, complex keys,
//! folded or multi-line scalars, tabs, CR line ends, directives, empty documents, duplicate
//! keys, anything it would have to guess about. The caller then reads the text with the full
//! reader, which also reports every syntax error. Scalars are resolved by the full reader's
//! own function, so both readers give the same values; `tests` compare them on every
//! manifest in the repository and on edge cases.

use std::borrow::Cow;
use std::marker::PhantomData;

use saphyr_parser::ScalarStyle;
use serde_json::{Map, Value};

use super::yaml::{
    Dialect, Entry, Located, MAX_DEPTH, Node, NodeKind, Pos, ValueDocument, pointer_tokens,
    read_scalar, scalar_key,
};

/// Reads a stream of the plain shape into values; `None` when the text is outside it.
pub fn parse(text: &str, dialect: Dialect) -> Option<Vec<ValueDocument>> {
    read::<Values>(text, 1, dialect).map(|docs| {
        docs.into_iter()
            .map(|d| ValueDocument {
                pos: d.pos,
                first_line: d.first_line,
                value: Some(d.root),
                null_fields: d.null_fields,
                ambiguous: d.ambiguous,
                plain: true,
            })
            .collect()
    })
}

/// Reads a stream of the plain shape into nodes with positions, the positions the full
/// reader gives; `None` when the text is outside the shape. Each item is a document's root.
/// `first_line` is the number of the text's first line (for part of a file).
pub fn parse_nodes(text: &str, first_line: u32, dialect: Dialect) -> Option<Vec<Node>> {
    read::<Nodes>(text, first_line, dialect).map(|docs| docs.into_iter().map(|d| d.root).collect())
}

/// Locates a JSON pointer in one document of the plain shape, reading only the lines on the
/// pointer's path: what [`Node::locate`] gives on the tree [`parse_nodes`] builds of `text`,
/// without building it. `text` is the document's lines (from its `---` marker, if any, up to
/// the next document), the first of them numbered `first_line`. It must be a text this reader
/// reads; the result is `None` where the lines show otherwise.
pub fn locate(text: &str, first_line: u32, pointer: &str, dialect: Dialect) -> Option<Located> {
    let path = Path { text, dialect };
    let start = At {
        byte: 0,
        no: first_line,
    };
    let (mut root, line) = path.next_significant(start)??;
    if line.is_document_start()? {
        root = path.next_significant(path.after(root, &line))??.0;
    }
    let mut node = path.block_node(root)?;
    let mut key = None;
    let tokens: Vec<String> = pointer_tokens(pointer).collect();
    for (t, token) in tokens.iter().enumerate() {
        let step = match node.shape {
            Shape::Map { at, indent, text } => path.entry(at, indent, text, token)?,
            Shape::Seq { at, indent } => path.item(at, indent, token)?,
            Shape::Flow { at, start } => {
                // A one-line flow collection: its tree is one line's worth; go on in it.
                let line = path.line(at)?;
                let mut flow = Flow::<Nodes> {
                    line,
                    start,
                    text: &line.raw[start..],
                    at: 0,
                    null_fields: false,
                    dialect,
                    ambiguous: false,
                    depth: 0,
                    build: PhantomData,
                };
                return Some(flow.node()?.locate_tokens(&tokens[t..], key));
            }
            Shape::Scalar => None,
        };
        let Some((step_key, next)) = step else {
            return Some(Located {
                value: node.pos,
                key,
                exact: false,
            });
        };
        key = step_key;
        node = next;
    }
    Some(Located {
        value: node.pos,
        key,
        exact: true,
    })
}

/// Where a line starts in the text [`locate`] walks, and its number.
#[derive(Debug, Clone, Copy)]
struct At {
    byte: usize,
    no: u32,
}

/// A node on a pointer's path, as [`locate`] finds it: where it starts and how to go on.
#[derive(Debug, Clone, Copy)]
struct Along<'a> {
    pos: Pos,
    shape: Shape<'a>,
}

#[derive(Debug, Clone, Copy)]
enum Shape<'a> {
    /// A block mapping with keys at `indent`; its first entry is `text` on the line at `at`
    /// (the text after the dash for `- key: value`).
    Map {
        at: At,
        indent: usize,
        text: &'a str,
    },
    /// A block sequence with dashes at `indent`, the first on the line at `at`.
    Seq {
        at: At,
        indent: usize,
    },
    /// A flow collection starting at byte `start` of the line at `at`.
    Flow {
        at: At,
        start: usize,
    },
    Scalar,
}

/// A document of the plain shape, walked along a pointer's path a line at a time. Its steps
/// mirror [`Reader`]'s, which placed the nodes; the lines of entries and items off the path
/// are stepped over by their indentation only.
struct Path<'a> {
    text: &'a str,
    dialect: Dialect,
}

impl<'a> Path<'a> {
    /// The line at `at`, `None` past the end.
    fn line(&self, at: At) -> Option<Line<'a>> {
        let rest = self.text.get(at.byte..).filter(|r| !r.is_empty())?;
        let raw = match memchr::memchr(b'\n', rest.as_bytes()) {
            Some(end) => &rest[..end],
            None => rest,
        };
        Some(Line::new(at.no, raw))
    }

    /// Where the line after `line` (which is at `at`) starts.
    fn after(&self, at: At, line: &Line<'_>) -> At {
        At {
            byte: at.byte + line.raw.len() + 1,
            no: at.no + 1,
        }
    }

    /// The first line at or after `at` that is not blank or a comment (see
    /// [`next_significant`]).
    fn next_significant(&self, mut at: At) -> Option<Option<(At, Line<'a>)>> {
        while let Some(line) = self.line(at) {
            if !line.is_insignificant() {
                if line.indent == 0 && line.text.starts_with("...") {
                    return None;
                }
                return Some(Some((at, line)));
            }
            at = self.after(at, &line);
        }
        Some(None)
    }

    /// The next line after the one at `at` (at `indent` or less) that is at `indent` or less:
    /// the line after the entry or item there and all its deeper lines. `None` when there is
    /// none or it is outside the node (less indented, or a document marker).
    fn next_at(&self, at: At, indent: usize) -> Option<(At, Line<'a>)> {
        let mut at = self.after(at, &self.line(at)?);
        loop {
            let line = self.line(at)?;
            if !line.is_insignificant() && line.indent <= indent {
                return (line.indent == indent && !is_document_marker(&line)).then_some((at, line));
            }
            at = self.after(at, &line);
        }
    }

    /// The block node whose first line is at `at` (see [`Reader::block_node`]).
    fn block_node(&self, at: At) -> Option<Along<'a>> {
        let line = self.line(at)?;
        let pos = Nodes::at(&line, line.indent);
        let shape = if is_dash(line.text) {
            Shape::Seq {
                at,
                indent: line.indent,
            }
        } else {
            Shape::Map {
                at,
                indent: line.indent,
                text: line.text,
            }
        };
        Some(Along { pos, shape })
    }

    /// The key and value of the entry `key` of the mapping whose first entry is `text` on the
    /// line at `at`, keys at `indent`; `Some(None)` when it has no such entry.
    fn entry(
        &self,
        mut at: At,
        indent: usize,
        mut text: &'a str,
        key: &str,
    ) -> Option<Option<(Option<Pos>, Along<'a>)>> {
        loop {
            let (name, after_colon, _) = split_key(text, self.dialect)?;
            let line = self.line(at)?;
            if name == key {
                let value = self.entry_value(at, &line, indent, after_colon)?;
                return Some(Some((Some(Nodes::at(&line, indent)), value)));
            }
            // The next entry (a dash at the keys' indentation starts a sequence at its key's
            // indentation, this entry's value).
            loop {
                let Some(next) = self.next_at(at, indent) else {
                    return Some(None);
                };
                at = next.0;
                if !is_dash(next.1.text) {
                    text = next.1.text;
                    break;
                }
            }
        }
    }

    /// Item `token` of the sequence whose first dash is on the line at `at`, dashes at
    /// `indent`; `Some(None)` when it has no such item.
    fn item(
        &self,
        mut at: At,
        indent: usize,
        token: &str,
    ) -> Option<Option<(Option<Pos>, Along<'a>)>> {
        let Ok(wanted) = token.parse::<usize>() else {
            return Some(None);
        };
        for _ in 0..wanted {
            match self.next_at(at, indent) {
                Some((next, line)) if is_dash(line.text) => at = next,
                _ => return Some(None),
            }
        }
        let line = self.line(at)?;
        let rest = line.text.get(1..)?.trim_start_matches(' ');
        let value = if rest.is_empty() || rest.starts_with('#') {
            match self.nested(at, &line, indent, false)? {
                Some(node) => node,
                // An empty item is where the reader stopped: the end of the line.
                None => Along {
                    pos: Nodes::at(&line, line.raw.len()),
                    shape: Shape::Scalar,
                },
            }
        } else if !rest.starts_with(['[', '{']) && split_key(rest, self.dialect).is_some() {
            let start = line.offset_of(rest);
            Along {
                pos: Nodes::at(&line, start),
                shape: Shape::Map {
                    at,
                    indent: start,
                    text: rest,
                },
            }
        } else {
            self.inline_value(at, &line, rest)?
        };
        Some(Some((None, value)))
    }

    /// See [`Reader::entry_value`].
    fn entry_value(
        &self,
        at: At,
        line: &Line<'a>,
        indent: usize,
        after_colon: &'a str,
    ) -> Option<Along<'a>> {
        let rest = after_colon.trim_start_matches(' ');
        if rest.is_empty() || rest.starts_with('#') {
            return Some(match self.nested(at, line, indent, true)? {
                Some(node) => node,
                // An empty value sits at its key's colon.
                None => Along {
                    pos: Nodes::at(line, line.offset_of(after_colon) - 1),
                    shape: Shape::Scalar,
                },
            });
        }
        self.inline_value(at, line, rest)
    }

    /// See [`Reader::nested`]: what the lines after `line` (at `at`) hold for its key or dash.
    fn nested(
        &self,
        at: At,
        line: &Line<'a>,
        indent: usize,
        same_level_sequence: bool,
    ) -> Option<Option<Along<'a>>> {
        let Some((next, line)) = self.next_significant(self.after(at, line))? else {
            return Some(None);
        };
        if is_document_marker(&line) {
            return Some(None);
        }
        if line.indent == indent && same_level_sequence && is_dash(line.text) {
            // A sequence at its key's indentation starts where its first item does.
            let rest = line.text[1..].trim_start_matches(' ');
            let pos = if rest.is_empty() || rest.starts_with('#') {
                Nodes::at(&line, line.raw.len())
            } else {
                Nodes::at(&line, line.offset_of(rest))
            };
            return Some(Some(Along {
                pos,
                shape: Shape::Seq { at: next, indent },
            }));
        }
        if line.indent > indent {
            return self.block_node(next).map(Some);
        }
        Some(None)
    }

    /// See [`Reader::inline_value`]: the value that starts with `rest` on `line` (at `at`).
    fn inline_value(&self, at: At, line: &Line<'a>, rest: &'a str) -> Option<Along<'a>> {
        let start = line.offset_of(rest);
        Some(match rest.as_bytes()[0] {
            b'|' => {
                // A block scalar is placed where its first line of content starts.
                let mut content = self.after(at, line);
                loop {
                    let line = self.line(content)?;
                    if !line.text.is_empty() {
                        break Along {
                            pos: Nodes::at(&line, line.indent),
                            shape: Shape::Scalar,
                        };
                    }
                    content = self.after(content, &line);
                }
            }
            b'[' | b'{' => Along {
                pos: Nodes::at(line, start),
                shape: Shape::Flow { at, start },
            },
            _ => Along {
                pos: Nodes::at(line, start),
                shape: Shape::Scalar,
            },
        })
    }
}

/// One document as the reader builds it.
struct Read<T> {
    pos: Pos,
    first_line: u32,
    root: T,
    /// Whether a mapping has a field set to null.
    null_fields: bool,
    /// Whether a plain scalar reads differently by the YAML 1.2 core schema.
    ambiguous: bool,
}

fn read<B: Build>(text: &str, first_line: u32, dialect: Dialect) -> Option<Vec<Read<B::Node>>> {
    // Tabs, CR line ends, byte order marks (and, with them, the rare characters whose UTF-8
    // starts with the BOM's first byte) and control characters, which YAML does not allow
    // in a text (the full reader refuses some of them, NUL among them), are left to the
    // full reader.
    if text
        .bytes()
        .any(|b| (b < b' ' && b != b'\n') || matches!(b, 0x7F | 0xEF))
    {
        return None;
    }
    let mut lines: Vec<Line<'_>> = text
        .split_inclusive('\n')
        .enumerate()
        .map(|(i, raw)| Line::new(first_line + i as u32, raw.strip_suffix('\n').unwrap_or(raw)))
        .collect();
    let text_ends_with_newline = text.ends_with('\n');
    let mut docs = Vec::new();
    let mut at = 0;
    while at < lines.len() {
        // A document: an optional `---` line, then content up to the next `---` or the end.
        let first = next_significant(&lines, at)?;
        let Some(first) = first else { break };
        let (start_line, content_from) = if lines[first].is_document_start()? {
            (lines[first].no, first + 1)
        } else {
            (lines[first].no, first)
        };
        let end = (content_from..lines.len())
            .find(|&i| lines[i].indent == 0 && lines[i].text.starts_with("---"))
            .unwrap_or(lines.len());
        let last = end == lines.len();
        let mut reader = Reader::<B> {
            lines: &mut lines[..end],
            at: content_from,
            // Only the last document can end without a line break.
            ends_with_newline: text_ends_with_newline || !last,
            null_fields: false,
            dialect,
            ambiguous: false,
            depth: 0,
            build: PhantomData,
        };
        let root_at = next_significant(reader.lines, content_from)??;
        let root = &reader.lines[root_at];
        let pos = Pos {
            line: root.no,
            col: root.indent as u32 + 1,
        };
        let root = reader.block_node(root_at, None)?;
        if !B::is_collection(&root) {
            return None;
        }
        // Everything up to the next document must have been read.
        if next_significant(reader.lines, reader.at)?.is_some() {
            return None;
        }
        docs.push(Read {
            pos,
            first_line: start_line,
            root,
            null_fields: reader.null_fields,
            ambiguous: reader.ambiguous,
        });
        at = end;
    }
    Some(docs)
}

/// What the reader makes of what it reads: plain values ([`Values`]) or nodes with positions
/// ([`Nodes`]). `At` is a position, computed only by the builder that keeps it.
trait Build {
    type Node;
    type Map;
    type At: Copy;
    /// The position of byte `byte` of a line's raw text.
    fn at(line: &Line<'_>, byte: usize) -> Self::At;
    fn scalar(value: Value, at: Self::At) -> Self::Node;
    fn map(at: Self::At) -> Self::Map;
    /// Adds an entry; `false` when the key is already there.
    fn insert(map: &mut Self::Map, key: String, key_at: Self::At, value: Self::Node) -> bool;
    fn end_map(map: Self::Map) -> Self::Node;
    fn seq(items: Vec<Self::Node>, at: Self::At) -> Self::Node;
    fn is_collection(node: &Self::Node) -> bool;
    fn is_null(node: &Self::Node) -> bool;
}

/// Builds plain values.
enum Values {}

impl Build for Values {
    type Node = Value;
    type Map = Map<String, Value>;
    type At = ();

    fn at(_: &Line<'_>, _: usize) {}

    fn scalar(value: Value, (): ()) -> Value {
        value
    }

    fn map((): ()) -> Map<String, Value> {
        Map::new()
    }

    fn insert(map: &mut Map<String, Value>, key: String, (): (), value: Value) -> bool {
        match map.entry(key) {
            serde_json::map::Entry::Vacant(slot) => {
                slot.insert(value);
                true
            }
            serde_json::map::Entry::Occupied(_) => false,
        }
    }

    fn end_map(map: Map<String, Value>) -> Value {
        Value::Object(map)
    }

    fn seq(items: Vec<Value>, (): ()) -> Value {
        Value::Array(items)
    }

    fn is_collection(node: &Value) -> bool {
        matches!(node, Value::Object(_) | Value::Array(_))
    }

    fn is_null(node: &Value) -> bool {
        node.is_null()
    }
}

/// Builds nodes with the positions the full reader gives them.
enum Nodes {}

impl Build for Nodes {
    type Node = Node;
    type Map = (Pos, Vec<Entry>);
    type At = Pos;

    fn at(line: &Line<'_>, byte: usize) -> Pos {
        let before = &line.raw[..byte];
        let col = if before.is_ascii() {
            byte
        } else {
            before.chars().count()
        };
        Pos {
            line: line.no,
            col: col as u32 + 1,
        }
    }

    fn scalar(value: Value, pos: Pos) -> Node {
        Node {
            pos,
            kind: NodeKind::Scalar(value),
        }
    }

    fn map(pos: Pos) -> (Pos, Vec<Entry>) {
        (pos, Vec::new())
    }

    fn insert(map: &mut (Pos, Vec<Entry>), key: String, key_pos: Pos, value: Node) -> bool {
        if map.1.iter().any(|e| e.key == key) {
            return false;
        }
        map.1.push(Entry {
            key,
            key_pos,
            value,
        });
        true
    }

    fn end_map((pos, entries): (Pos, Vec<Entry>)) -> Node {
        Node {
            pos,
            kind: NodeKind::Map(entries),
        }
    }

    fn seq(items: Vec<Node>, pos: Pos) -> Node {
        Node {
            pos,
            kind: NodeKind::Seq(items),
        }
    }

    fn is_collection(node: &Node) -> bool {
        !matches!(node.kind, NodeKind::Scalar(_))
    }

    fn is_null(node: &Node) -> bool {
        matches!(node.kind, NodeKind::Scalar(Value::Null))
    }
}

/// One line: its number, indentation and the text after the indentation.
#[derive(Debug, Clone, Copy)]
struct Line<'a> {
    no: u32,
    indent: usize,
    text: &'a str,
    /// The whole line (for block scalars, which keep spaces beyond their indentation).
    raw: &'a str,
}

impl<'a> Line<'a> {
    fn new(no: u32, raw: &'a str) -> Line<'a> {
        let text = raw.trim_start_matches(' ');
        Line {
            no,
            indent: raw.len() - text.len(),
            text,
            raw,
        }
    }

    /// The byte offset in the raw line of `part`, a suffix of it.
    fn offset_of(&self, part: &str) -> usize {
        self.raw.len() - part.len()
    }

    /// Blank or a comment only.
    fn is_insignificant(&self) -> bool {
        self.text.is_empty() || self.text.starts_with('#')
    }

    /// `---` (optionally followed by a comment) starts a document; `Some(false)` for any
    /// other line; `None` for a marker this reader leaves to the full one (`--- value`,
    /// `...`, directives).
    fn is_document_start(&self) -> Option<bool> {
        if self.indent == 0 {
            if let Some(rest) = self.text.strip_prefix("---") {
                let rest = rest.trim_start_matches(' ');
                return (rest.is_empty()
                    || (rest.starts_with('#') && rest.len() < self.text.len() - 3))
                    .then_some(true);
            }
            if self.text.starts_with("...") || self.text.starts_with('%') {
                return None;
            }
        }
        Some(false)
    }
}

/// The index of the first line at or after `from` that is not blank or a comment.
/// `None` (give up) when a document marker shows up where content could be.
fn next_significant(lines: &[Line<'_>], from: usize) -> Option<Option<usize>> {
    for (i, line) in lines.iter().enumerate().skip(from) {
        if !line.is_insignificant() {
            if line.indent == 0 && line.text.starts_with("...") {
                return None;
            }
            return Some(Some(i));
        }
    }
    Some(None)
}

struct Reader<'l, 'a, B> {
    lines: &'l mut [Line<'a>],
    /// The next line to read.
    at: usize,
    ends_with_newline: bool,
    /// Set when a mapping entry's value is null.
    null_fields: bool,
    dialect: Dialect,
    /// Set when a plain scalar reads differently by the YAML 1.2 core schema.
    ambiguous: bool,
    /// How many collections the current line is in (deeper than [`MAX_DEPTH`] is left to
    /// the full reader, which reports it).
    depth: usize,
    build: PhantomData<B>,
}

/// A plain scalar read by `dialect`, noting in `ambiguous` when it reads differently by the
/// YAML 1.2 core schema; `None` (give up) when the dialect cannot carry it.
fn plain_scalar(text: Cow<'_, str>, dialect: Dialect, ambiguous: &mut bool) -> Option<Value> {
    let (value, differs) = read_scalar(text, ScalarStyle::Plain, None, dialect).ok()?;
    *ambiguous |= differs;
    Some(value)
}

/// A quoted or block scalar: a string.
fn text_scalar(text: Cow<'_, str>) -> Value {
    Value::String(text.into_owned())
}

impl<'a, B: Build> Reader<'_, 'a, B> {
    /// Enters a collection; `None` past [`MAX_DEPTH`].
    fn enter(&mut self) -> Option<()> {
        self.depth += 1;
        (self.depth <= MAX_DEPTH).then_some(())
    }

    /// The block node whose first line is `index` (a mapping or a sequence at that line's
    /// indentation). `parent` is the indentation of the owning mapping key or sequence dash.
    fn block_node(&mut self, index: usize, parent: Option<usize>) -> Option<B::Node> {
        let line = self.lines[index];
        if parent.is_some_and(|p| line.indent <= p) && !is_dash(line.text) {
            return None;
        }
        if is_dash(line.text) {
            let at = B::at(&line, line.indent);
            self.sequence(index, at)
        } else {
            self.mapping(index)
        }
    }

    /// A block mapping whose entries sit at the indentation of line `index`.
    fn mapping(&mut self, index: usize) -> Option<B::Node> {
        self.enter()?;
        let indent = self.lines[index].indent;
        let mut map = B::map(B::at(&self.lines[index], indent));
        let mut i = index;
        loop {
            let line = self.lines[i];
            if is_dash(line.text) {
                return None;
            }
            let (key, after_colon, ambiguous) = split_key(line.text, self.dialect)?;
            if key == "<<" {
                return None;
            }
            self.ambiguous |= ambiguous;
            let value = self.entry_value(i, indent, after_colon)?;
            self.null_fields |= B::is_null(&value);
            if !B::insert(&mut map, key, B::at(&line, indent), value) {
                return None;
            }
            let Some(next) = next_significant(self.lines, self.at)? else {
                break;
            };
            let next_line = self.lines[next];
            if next_line.indent < indent || is_document_marker(&next_line) {
                break;
            }
            if next_line.indent > indent {
                return None;
            }
            i = next;
        }
        self.depth -= 1;
        Some(B::end_map(map))
    }

    /// A block sequence whose dashes sit at the indentation of line `index`; `at` is its
    /// position (its first dash, or for a sequence at its key's indentation, what follows
    /// that dash).
    fn sequence(&mut self, index: usize, at: B::At) -> Option<B::Node> {
        self.enter()?;
        let indent = self.lines[index].indent;
        let mut items = Vec::new();
        let mut i = index;
        loop {
            let line = self.lines[i];
            if line.indent != indent || !is_dash(line.text) {
                return None;
            }
            let rest = line.text[1..].trim_start_matches(' ');
            let item = if rest.is_empty() || rest.starts_with('#') {
                self.at = i + 1;
                match self.nested(indent, false)? {
                    Some(node) => node,
                    // An empty item is where the reader stopped: the end of the line.
                    None => B::scalar(Value::Null, B::at(&line, line.raw.len())),
                }
            } else if is_dash(rest) {
                return None;
            } else if !rest.starts_with(['[', '{']) && split_key(rest, self.dialect).is_some() {
                // `- key: value`: a mapping whose keys sit where this one starts.
                self.lines[i] = Line {
                    no: line.no,
                    indent: line.offset_of(rest),
                    text: rest,
                    raw: line.raw,
                };
                self.mapping(i)?
            } else {
                self.at = i + 1;
                self.inline_value(i, rest, indent)?
            };
            items.push(item);
            let Some(next) = next_significant(self.lines, self.at)? else {
                break;
            };
            let next_line = self.lines[next];
            if next_line.indent < indent || is_document_marker(&next_line) {
                break;
            }
            if next_line.indent > indent || !is_dash(next_line.text) {
                // A sequence that is a mapping's value may be followed by the mapping's
                // next key at the same indentation.
                if next_line.indent == indent && !is_dash(next_line.text) {
                    break;
                }
                return None;
            }
            i = next;
        }
        self.depth -= 1;
        Some(B::seq(items, at))
    }

    /// The value of the mapping entry on line `index` (keys at `indent`), from
    /// `after_colon`, the text after `key:`.
    fn entry_value(
        &mut self,
        index: usize,
        indent: usize,
        after_colon: &'a str,
    ) -> Option<B::Node> {
        self.at = index + 1;
        let rest = after_colon.trim_start_matches(' ');
        if rest.is_empty() || rest.starts_with('#') {
            let line = self.lines[index];
            return Some(match self.nested(indent, true)? {
                Some(node) => node,
                // An empty value sits at its key's colon.
                None => B::scalar(Value::Null, B::at(&line, line.offset_of(after_colon) - 1)),
            });
        }
        self.inline_value(index, rest, indent)
    }

    /// The node on the lines after a key or dash with nothing after it: deeper lines, a
    /// sequence at the key's own indentation (`same_level_sequence`), or `None` for null.
    fn nested(&mut self, indent: usize, same_level_sequence: bool) -> Option<Option<B::Node>> {
        let Some(next) = next_significant(self.lines, self.at)? else {
            return Some(None);
        };
        let line = self.lines[next];
        if is_document_marker(&line) {
            return Some(None);
        }
        if line.indent > indent
            || (same_level_sequence && line.indent == indent && is_dash(line.text))
        {
            if line.indent == indent {
                // A sequence at its key's indentation starts where its first item does.
                let rest = line.text[1..].trim_start_matches(' ');
                let at = if rest.is_empty() || rest.starts_with('#') {
                    B::at(&line, line.raw.len())
                } else {
                    B::at(&line, line.offset_of(rest))
                };
                return self.sequence(next, at).map(Some);
            }
            return self.block_node(next, Some(indent)).map(Some);
        }
        Some(None)
    }

    /// A value that starts on line `index` with `rest`: a block scalar, a quoted scalar, a
    /// flow collection or a plain scalar. `indent` is the owner's indentation; the lines
    /// after a one-line value must not be deeper (that would be a multi-line scalar).
    fn inline_value(&mut self, index: usize, rest: &'a str, indent: usize) -> Option<B::Node> {
        let line = self.lines[index];
        let start = line.offset_of(rest);
        let first = rest.as_bytes()[0];
        let value = match first {
            b'|' => return self.literal(rest, indent),
            b'"' | b'\'' => {
                let (text, after) = quoted(rest)?;
                end_of_value(after)?;
                B::scalar(text_scalar(text), B::at(&line, start))
            }
            b'[' | b'{' => {
                let mut flow = Flow::<B> {
                    line,
                    start,
                    text: rest,
                    at: 0,
                    null_fields: false,
                    dialect: self.dialect,
                    ambiguous: false,
                    depth: self.depth,
                    build: PhantomData,
                };
                let value = flow.node()?;
                end_of_value(&rest[flow.at..])?;
                self.null_fields |= flow.null_fields;
                self.ambiguous |= flow.ambiguous;
                value
            }
            _ => B::scalar(
                plain_scalar(
                    Cow::Borrowed(plain(rest)?),
                    self.dialect,
                    &mut self.ambiguous,
                )?,
                B::at(&line, start),
            ),
        };
        if let Some(next) = next_significant(self.lines, self.at)?
            && self.lines[next].indent > indent
            && !is_document_marker(&self.lines[next])
        {
            return None;
        }
        Some(value)
    }

    /// A literal block scalar (`|`, `|-`, `|+`) whose header is `header`; its lines are
    /// those after the current line that are blank or deeper than `indent`. It is placed
    /// where its first line of content starts.
    fn literal(&mut self, header: &str, indent: usize) -> Option<B::Node> {
        let chomp = match header.as_bytes().get(1) {
            Some(b'-') => Chomp::Strip,
            // Keeping trailing lines depends on rules this reader leaves to the full one.
            Some(b'+') => return None,
            _ => Chomp::Clip,
        };
        let after = &header[if chomp == Chomp::Clip { 1 } else { 2 }..];
        if after.starts_with(|c: char| c.is_ascii_digit() || c == '-' || c == '+') {
            return None;
        }
        let after = after.trim_start_matches(' ');
        if !(after.is_empty() || (after.starts_with('#') && after.len() < header.len() - 1)) {
            return None;
        }
        let start = self.at;
        let content = (start..self.lines.len()).find(|&i| !self.lines[i].text.is_empty())?;
        let content_indent = self.lines[content].indent;
        if content_indent <= indent || is_document_marker(&self.lines[content]) {
            return None;
        }
        let mut end = content;
        let mut i = content;
        while i < self.lines.len() {
            let line = self.lines[i];
            if line.text.is_empty() {
                if line.indent > content_indent {
                    return None;
                }
            } else if line.indent < content_indent {
                break;
            } else {
                end = i + 1;
            }
            i += 1;
        }
        if (start..content).any(|j| self.lines[j].indent > content_indent) {
            return None;
        }
        if end == self.lines.len() && !self.ends_with_newline {
            return None;
        }
        let mut text = String::new();
        for line in &self.lines[start..end] {
            if !line.text.is_empty() {
                text.push_str(&line.raw[content_indent..]);
            }
            text.push('\n');
        }
        match chomp {
            Chomp::Clip => {}
            Chomp::Strip => {
                text.pop();
            }
        }
        self.at = i;
        Some(B::scalar(
            text_scalar(Cow::Owned(text)),
            B::at(&self.lines[content], content_indent),
        ))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Chomp {
    Clip,
    Strip,
}

fn is_dash(text: &str) -> bool {
    text == "-" || text.starts_with("- ")
}

fn is_document_marker(line: &Line<'_>) -> bool {
    line.indent == 0 && (line.text.starts_with("---") || line.text.starts_with("..."))
}

fn starts_quoted_key(text: &str) -> bool {
    text.starts_with(['"', '\''])
}

/// Splits `key: rest` (or `key:` at the end of the line) into the key, as the map key the
/// full reader would make of it, and the text after the colon. `None` when the line is not such an
/// entry this reader handles.
/// The third item says whether a plain key reads differently by the YAML 1.2 core schema.
fn split_key(text: &str, dialect: Dialect) -> Option<(String, &str, bool)> {
    let mut ambiguous = false;
    let (key_value, after) = if starts_quoted_key(text) {
        let (key, after) = quoted(text)?;
        (text_scalar(key), after)
    } else {
        if text.starts_with(is_indicator) {
            return None;
        }
        let colon = find_value_colon(text)?;
        let key = &text[..colon];
        if key.ends_with(' ') || (key.as_bytes().contains(&b'#') && key.contains(" #")) {
            return None;
        }
        (
            plain_scalar(Cow::Borrowed(key), dialect, &mut ambiguous)?,
            &text[colon..],
        )
    };
    let rest = after.strip_prefix(':')?;
    if !(rest.is_empty() || rest.starts_with(' ')) {
        return None;
    }
    Some((scalar_key(key_value)?, rest, ambiguous))
}

/// The first `:` followed by a space or the end of the line.
fn find_value_colon(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    (0..bytes.len()).find(|&i| bytes[i] == b':' && bytes.get(i + 1).is_none_or(|&b| b == b' '))
}

/// Characters that may not start a plain scalar here.
fn is_indicator(c: char) -> bool {
    matches!(
        c,
        '-' | '?'
            | ':'
            | ','
            | '['
            | ']'
            | '{'
            | '}'
            | '#'
            | '&'
            | '*'
            | '!'
            | '|'
            | '>'
            | '\''
            | '"'
            | '%'
            | '@'
            | '`'
    )
}

/// A one-line plain scalar in block context: up to a comment; `None` when it could be read
/// another way (a mapping, an indicator) or is empty.
fn plain(text: &str) -> Option<&str> {
    let mut chars = text.chars();
    let first = chars.next()?;
    if is_indicator(first) && !(first == '-' && chars.next().is_some_and(|c| c != ' ')) {
        return None;
    }
    // One pass: the value ends at a comment (` #`); `: ` inside would make it a mapping.
    let bytes = text.as_bytes();
    let mut end = bytes.len();
    for i in 0..bytes.len() {
        match bytes[i] {
            b'#' if i > 0 && bytes[i - 1] == b' ' => {
                end = i;
                break;
            }
            b':' if bytes.get(i + 1) == Some(&b' ') => return None,
            _ => {}
        }
    }
    let value = text[..end].trim_end_matches(' ');
    if value.is_empty() || value.ends_with(':') {
        return None;
    }
    Some(value)
}

/// After a quoted scalar or flow collection: only spaces and a comment.
fn end_of_value(after: &str) -> Option<()> {
    let trimmed = after.trim_start_matches(' ');
    (trimmed.is_empty() || (trimmed.starts_with('#') && trimmed.len() < after.len())).then_some(())
}

/// A one-line quoted scalar at the start of `text`: its value and the text after it.
fn quoted(text: &str) -> Option<(Cow<'_, str>, &str)> {
    let quote = text.as_bytes()[0];
    let body = &text[1..];
    if quote == b'\'' {
        let mut out = String::new();
        let mut rest = body;
        loop {
            let close = rest.find('\'')?;
            out.push_str(&rest[..close]);
            rest = &rest[close + 1..];
            if let Some(after) = rest.strip_prefix('\'') {
                out.push('\'');
                rest = after;
            } else {
                return Some((Cow::Owned(out), rest));
            }
        }
    }
    let end = body.find(['"', '\\'])?;
    if body.as_bytes()[end] == b'"' {
        return Some((Cow::Borrowed(&body[..end]), &body[end + 1..]));
    }
    let mut out = String::from(&body[..end]);
    let mut chars = body[end..].char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Some((Cow::Owned(out), &body[end + i + 1..])),
            '\\' => {
                let (_, e) = chars.next()?;
                let simple = match e {
                    '\\' => Some('\\'),
                    '"' => Some('"'),
                    '/' => Some('/'),
                    'n' => Some('\n'),
                    't' => Some('\t'),
                    'r' => Some('\r'),
                    '0' => Some('\0'),
                    'b' => Some('\u{8}'),
                    'e' => Some('\u{1b}'),
                    'a' => Some('\u{7}'),
                    'v' => Some('\u{b}'),
                    'f' => Some('\u{c}'),
                    ' ' => Some(' '),
                    _ => None,
                };
                match simple {
                    Some(c) => out.push(c),
                    None => {
                        let digits = match e {
                            'x' => 2,
                            'u' => 4,
                            'U' => 8,
                            _ => return None,
                        };
                        let mut code = 0u32;
                        for _ in 0..digits {
                            code = code * 16 + chars.next()?.1.to_digit(16)?;
                        }
                        out.push(char::from_u32(code)?);
                    }
                }
            }
            c => out.push(c),
        }
    }
    None
}

/// A one-line flow collection (`[a, b]`, `{a: 1}`), read from `text[at..]`; `text` starts
/// at byte `start` of `line`.
struct Flow<'a, B> {
    line: Line<'a>,
    start: usize,
    text: &'a str,
    at: usize,
    /// Set when a mapping entry's value is null.
    null_fields: bool,
    dialect: Dialect,
    /// Set when a plain scalar reads differently by the YAML 1.2 core schema.
    ambiguous: bool,
    /// How many collections the current byte is in.
    depth: usize,
    build: PhantomData<B>,
}

impl<'a, B: Build> Flow<'a, B> {
    fn skip_spaces(&mut self) {
        while self.text[self.at..].starts_with(' ') {
            self.at += 1;
        }
    }

    /// Steps over a `,` that another entry follows (a trailing comma is left to the full
    /// reader).
    fn comma(&mut self) -> Option<()> {
        self.at += 1;
        self.skip_spaces();
        (!matches!(self.peek()?, b']' | b'}')).then_some(())
    }

    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.at).copied()
    }

    /// The position of the current byte.
    fn here(&self) -> B::At {
        B::at(&self.line, self.start + self.at)
    }

    /// Enters a collection; `None` past [`MAX_DEPTH`].
    fn enter(&mut self) -> Option<()> {
        self.depth += 1;
        (self.depth <= MAX_DEPTH).then_some(())
    }

    fn node(&mut self) -> Option<B::Node> {
        self.skip_spaces();
        match self.peek()? {
            b'[' => {
                let at = self.here();
                self.at += 1;
                self.enter()?;
                let mut items = Vec::new();
                loop {
                    self.skip_spaces();
                    if self.peek()? == b']' {
                        self.at += 1;
                        self.depth -= 1;
                        return Some(B::seq(items, at));
                    }
                    items.push(self.node()?);
                    self.skip_spaces();
                    match self.peek()? {
                        b',' => self.comma()?,
                        b']' => {}
                        _ => return None,
                    }
                }
            }
            b'{' => {
                let mut map = B::map(self.here());
                self.at += 1;
                self.enter()?;
                loop {
                    self.skip_spaces();
                    if self.peek()? == b'}' {
                        self.at += 1;
                        self.depth -= 1;
                        return Some(B::end_map(map));
                    }
                    let key_at = self.here();
                    let key = scalar_key(self.scalar()?)?;
                    if key == "<<" {
                        return None;
                    }
                    self.skip_spaces();
                    if self.peek()? != b':' {
                        return None;
                    }
                    self.at += 1;
                    if self.peek()? != b' ' {
                        return None;
                    }
                    let value = self.node()?;
                    self.null_fields |= B::is_null(&value);
                    if !B::insert(&mut map, key, key_at, value) {
                        return None;
                    }
                    self.skip_spaces();
                    match self.peek()? {
                        b',' => self.comma()?,
                        b'}' => {}
                        _ => return None,
                    }
                }
            }
            _ => {
                let at = self.here();
                Some(B::scalar(self.scalar()?, at))
            }
        }
    }

    /// A quoted scalar, or a plain one up to `,`, `]`, `}` or `:` (a plain scalar with a
    /// colon or a `#` is left to the full reader).
    fn scalar(&mut self) -> Option<Value> {
        let rest = &self.text[self.at..];
        let first = rest.as_bytes().first().copied()?;
        if first == b'"' || first == b'\'' {
            let (text, after) = quoted(rest)?;
            self.at = self.text.len() - after.len();
            return Some(text_scalar(text));
        }
        if rest.starts_with(is_indicator)
            && !(first == b'-'
                && rest
                    .as_bytes()
                    .get(1)
                    .is_some_and(|&b| b.is_ascii_alphanumeric()))
        {
            return None;
        }
        let end = rest
            .find([',', ']', '}', ':', '#', '[', '{'])
            .unwrap_or(rest.len());
        if rest
            .as_bytes()
            .get(end)
            .is_some_and(|&b| matches!(b, b'#' | b'[' | b'{'))
        {
            return None;
        }
        if rest.as_bytes().get(end) == Some(&b':') && !rest[end + 1..].starts_with(' ') {
            return None;
        }
        let value = rest[..end].trim_end_matches(' ');
        if value.is_empty() {
            return None;
        }
        self.at += end;
        plain_scalar(Cow::Borrowed(value), self.dialect, &mut self.ambiguous)
    }
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use super::*;
    use crate::manifest::yaml::{parse_stream_as, parse_values_full};

    /// When the fast reader reads a text, it reads it as the full reader does: the same
    /// documents, values, positions and first lines. Returns whether it read it.
    /// Every dialect is tried.
    fn agrees(text: &str) -> bool {
        let read = DIALECTS.map(|d| agrees_in(text, 1, 0, d));
        assert!(
            read.iter().all(|r| *r == read[0]),
            "the fast reader reads in some dialects only:\n{text}"
        );
        read[0]
    }

    const DIALECTS: [Dialect; 3] = [Dialect::Kubernetes, Dialect::Compose, Dialect::Core];

    /// [`agrees`] in the Kubernetes dialect, locating every `every`-th pointer (from the
    /// `first`) along its path.
    fn agrees_locating(text: &str, every: usize, first: usize) -> bool {
        agrees_in(text, every, first, Dialect::Kubernetes)
    }

    fn agrees_in(text: &str, every: usize, first: usize, dialect: Dialect) -> bool {
        let Some(fast) = parse(text, dialect) else {
            return false;
        };
        let mut full = parse_values_full(text, true, dialect).unwrap_or_else(|e| {
            panic!("the fast reader read a text the full one rejects ({e:?}):\n{text}")
        });
        // Only the fast reader marks its documents as of the plain shape.
        assert!(fast.iter().all(|d| d.plain) && full.iter().all(|d| !d.plain));
        full.iter_mut().for_each(|d| d.plain = true);
        assert_eq!(fast, full, "readers differ on:\n{text}");
        let nodes = parse_nodes(text, 1, dialect)
            .expect("the fast reader reads nodes where it reads values");
        let located: Vec<Node> = parse_stream_as(text, dialect)
            .expect("the full reader reads it")
            .into_iter()
            .filter_map(|d| d.root)
            .collect();
        assert_eq!(nodes, located, "positions differ on:\n{text}");
        locates_along_the_path(text, &fast, &nodes, every, first, dialect);
        true
    }

    /// Locating a pointer by its path's lines gives what the tree gives, for every node of
    /// every document and for pointers that go past them.
    fn locates_along_the_path(
        text: &str,
        docs: &[ValueDocument],
        roots: &[Node],
        every: usize,
        first: usize,
        dialect: Dialect,
    ) {
        assert_eq!(docs.len(), roots.len());
        for (i, (doc, root)) in docs.iter().zip(roots).enumerate() {
            let end = docs.get(i + 1).map_or(u32::MAX, |next| next.first_line);
            let lines = super::super::line_slice(text, doc.first_line, end);
            let mut pointers = Vec::new();
            pointers_of(root, String::new(), &mut pointers);
            for pointer in pointers.into_iter().skip(first).step_by(every) {
                assert_eq!(
                    locate(lines, doc.first_line, &pointer, dialect),
                    Some(root.locate(&pointer)),
                    "{pointer:?} located differently in:\n{lines}"
                );
            }
        }
    }

    /// Every node's pointer, and pointers past each: a missing key, indexes (also out of
    /// range and not quite numbers) and a step into a scalar.
    fn pointers_of(node: &Node, pointer: String, out: &mut Vec<String>) {
        for past in ["/none", "/0", "/01", "/99", "/"] {
            out.push(format!("{pointer}{past}"));
        }
        match &node.kind {
            NodeKind::Map(entries) => {
                for e in entries {
                    pointers_of(
                        &e.value,
                        format!("{pointer}/{}", crate::manifest::yaml::escape_token(&e.key)),
                        out,
                    );
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

    fn manifests(dir: &Path, out: &mut Vec<PathBuf>) {
        out.extend(crate::manifest::manifest_files(dir).unwrap_or_default());
    }

    #[test]
    fn agrees_with_the_full_reader_on_every_manifest_here() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        for dir in ["golden", "environments", "tests/fixtures", "templates"] {
            manifests(&root.join(dir), &mut files);
        }
        manifests(&root.join("target/bench-corpus-2000"), &mut files);
        let (mut read, mut golden, mut golden_read) = (0, 0, 0);
        let corpus = root.join("target");
        for (i, file) in files.iter().enumerate() {
            let Ok(text) = std::fs::read_to_string(file) else {
                continue;
            };
            // The benchmark corpus (when generated) repeats a few shapes: a sample of its
            // pointers is located along their path.
            let fast = if file.starts_with(&corpus) {
                agrees_locating(&text, 50, i % 50)
            } else {
                agrees(&text)
            };
            read += usize::from(fast);
            if file.starts_with(root.join("golden")) {
                golden += 1;
                golden_read += usize::from(fast);
            }
        }
        assert!(
            read > 100,
            "the fast reader read only {read} of {} files",
            files.len()
        );
        // Rendered output keeps to the plain shape: the fast reader reads all of it.
        assert_eq!(golden_read, golden, "golden files the fast reader left");
    }

    #[test]
    fn agrees_or_gives_up_on_edge_cases() {
        let read = [
            "a: 1\n",
            "a: 1",
            "# c\n\na: 1 # c\nb: 'x'' y' # c\nc: \"q\\\"\\u00e9\\n\"\n",
            "---\na: 1\n---\nb: [1, \"x\", {c: d}]\n",
            "--- # first\na: {}\nb: []\n",
            "a:\n- 1\n- two\nb: null\n",
            "a:\n  - name: x\n    v: 1\n  - name: y\n",
            "- a\n- b: 1\n  c:\n    d: e\n-\n  f: g\n",
            "a: |\n  line 1\n\n  line 3\nb: x\n",
            "a: |-\n  one\n  two\n\n\nb: 1\n",
            "a: |\n    deeper\n      kept\n    back\nb: 1\n",
            "k: -1\nl: -x\nm: 0x1F\nn: 1e3\no: .5\np: ~\nq: TRUE\nr: yes\n",
            "\"quoted key\": v\n'single': w\n80: http\nnull: x\ntrue: y\n",
            "a: b:c\nd: http://x.y/z?q=1#frag\ne: a # b\n",
            "a:\n  b:\n    c: 1\n  d: 2\ne: 3\n",
            "a: x\n  # indented comment\nb: y\n",
            "emptyDir: {}\nports: [{containerPort: 80, name: http}]\n",
            "a: [b c, d]\nz: {\"k\": 'v', n: -2}\n",
            "a: |\n  x\n---\nb: 2\n",
            "a:\n  b: 1\n\n\n",
            "a: 'it''s'\nb: \"\"\nc: ''\n",
            "list:\n- [1, 2]\n- {a: b}\n",
            "a: \"\\x41\\U0001F600\\t\\/\"\n",
            // Where empty values, sequences at their key's indentation and block scalars
            // are placed (positions are compared too).
            "a:\nb: \nc: # c\nd: 1\n",
            "a:\n-\n- y\n-   # c\n- z\n",
            "a:\n- # c\n  b: 1\n",
            "a:\n  -\n  - x\n",
            "c: |\n\n  t\nd: |-\n  u\n",
            "- |\n  t\n",
            "é: ü\nbé: [x, 'ü', {k: \"é\"}]\n'ö': 1\n",
            // Null fields (flagged with the value) and null items (not fields).
            "a: {b: ~, c: [null]}\n",
            "a: [null, ~]\nb:\n- \n",
            // Lines a pointer's path steps over: comments less indented than their mapping,
            // block scalars whose lines look like entries, nested items, flow collections.
            "a:\n  b: 1\n# c\n  c: 2\nd: [x, {e: [1, 2]}]\n",
            "- a: |\n    text\n    b: no\n  b: 2\n- c\n",
            "a:\n  - b: 1\n    c:\n    - d\n    - e: {f: g}\n  - h\nz: 1\n",
            "a:\n- b:\n  - c\n- {d: [e]}\n-   f: 1\n    g: 2\n",
        ];
        for text in read {
            assert!(agrees(text), "the fast reader gave up on:\n{text}");
        }
        let nulls = |text| parse(text, Dialect::Kubernetes).unwrap()[0].null_fields;
        assert!(nulls("a: {b: ~, c: [null]}\n"));
        assert!(nulls("a:\n  b:\n"));
        assert!(!nulls("a: [null, ~]\nb:\n- \n"));
        let left = [
            "a: &x 1\nb: *x\n",
            "a: !!str 1\n",
            "<<: {a: 1}\n",
            "? a\n: b\n",
            "a: >\n  folded\n",
            "a: |+\n  keep\n\n",
            "a: |2\n   x\n",
            "a: b\n  c\n",
            "a: \"multi\n  line\"\n",
            "a:\tb\n",
            "a: 1\r\n",
            "%YAML 1.2\n---\na: 1\n",
            "a: 1\n...\n",
            "---\n",
            "a: 1\n---\n",
            "a: 1\na: 2\n",
            "- - a\n",
            "a: - b\n",
            "scalar\n",
            "a: [1, 2,]\n",
            "a: [1,\n  2]\n",
            "a: b: c\n",
            "a: x #c\n b: y\n",
            "a:\n  b: 1\n c: 2\n",
            "- a\nb: 1\n",
            "--- a: 1\n",
            "a: |\n  x",
            "a: |\n    indented\n  less\n",
            "a: \"\\N\"\n",
            "a: @x\n",
            "a: `x\n",
        ];
        for text in left {
            assert!(
                parse(text, Dialect::Kubernetes).is_none(),
                "the fast reader read:\n{text}"
            );
        }
        // No documents at all: both readers see none.
        for text in ["", "# only a comment\n", "\n\n"] {
            assert!(agrees(text), "{text:?}");
        }
    }

    /// Control characters are outside the plain shape: the full reader refuses a NUL, so the
    /// fast one must not read it (found by the `yaml_fast` fuzz target).
    #[test]
    fn gives_up_on_control_characters() {
        for text in [
            "apiVersion: v1\nkind: Pod\u{4}\0\0\nmetadata:\n  name: a\n",
            "a: b\0\n",
            "a: \u{1b}[0m\n",
            "a: \u{7f}\n",
            "\u{c}\na: 1\n",
        ] {
            assert!(
                parse(text, Dialect::Kubernetes).is_none(),
                "the fast reader read {text:?}"
            );
        }
        assert!(parse_values_full("a: b\0\n", true, Dialect::Kubernetes).is_err());
    }

    /// Random edits of manifests (characters that matter to YAML inserted, lines dropped,
    /// duplicated or re-indented): whatever the fast reader reads, it reads as the full one.
    #[test]
    fn agrees_or_gives_up_on_mutated_manifests() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        manifests(&root.join("golden"), &mut files);
        manifests(&root.join("tests/fixtures/validate"), &mut files);
        files.sort();
        let texts: Vec<String> = files
            .iter()
            .filter_map(|f| std::fs::read_to_string(f).ok())
            .filter(|t| parse(t, Dialect::Kubernetes).is_some())
            .collect();
        assert!(!texts.is_empty());
        // SHIPSHAPE_FUZZ=N,SEED runs N edits from another seed (a longer search).
        let (runs, mut seed) = std::env::var("SHIPSHAPE_FUZZ")
            .ok()
            .and_then(|v| {
                let (n, s) = v.split_once(',')?;
                Some((n.parse().ok()?, s.parse().ok()?))
            })
            .unwrap_or((3000, 0x9e37_79b9_7f4a_7c15_u64));
        let mut next = move |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        const PIECES: [&str; 18] = [
            " ", ":", ": ", "-", "- ", "#", " #", "\n", "\"", "'", "[", "]", "{", "}", ",", "|",
            "a", "1",
        ];
        let (mut read, mut tried) = (0, 0);
        for _ in 0..runs {
            let text = &texts[next(texts.len())];
            let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
            for _ in 0..1 + next(3) {
                let l = next(lines.len());
                match next(4) {
                    0 => {
                        let line = &mut lines[l];
                        let at = (0..=line.len())
                            .filter(|&i| line.is_char_boundary(i))
                            .nth(next(line.chars().count() + 1))
                            .unwrap_or(0);
                        line.insert_str(at, PIECES[next(PIECES.len())]);
                    }
                    1 => {
                        lines.remove(l);
                        if lines.is_empty() {
                            lines.push("a: 1".into());
                        }
                    }
                    2 => {
                        let copy = lines[l].clone();
                        lines.insert(l, copy);
                    }
                    _ => {
                        let line = &mut lines[l];
                        if next(2) == 0 {
                            line.insert_str(0, &" ".repeat(1 + next(3)));
                        } else if let Some(rest) = line.strip_prefix(' ') {
                            *line = rest.to_string();
                        }
                    }
                }
            }
            let mutated = lines.join("\n") + "\n";
            tried += 1;
            // A quarter of each text's pointers are located along their path (a different
            // quarter each time): all of them would take most of the test's time.
            read += usize::from(agrees_locating(&mutated, 4, tried % 4));
        }
        // Most edits leave a readable manifest; the fast reader still reads many of them.
        assert!(read > tried / 4, "read {read} of {tried}");
    }
}
