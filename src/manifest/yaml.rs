//! A YAML reader that keeps positions: every node knows the line and column it starts at.
//!
//! Used where a location matters (spec files, findings, schema errors). Plain scalars are
//! read by the rules of the text's consumer, a [`Dialect`]: Kubernetes manifests as
//! `sigs.k8s.io/yaml` reads them (YAML 1.1: `yes` is true, `010` is 8), Compose files as
//! docker-compose reads them, shipshape's own files by the YAML 1.2 core schema.
//!
//! No input can make a reader crash or exhaust memory: nesting deeper than [`MAX_DEPTH`] and
//! aliases that expand to more than [`MAX_ALIAS_NODES`] nodes in one file are errors at their
//! line.

use std::fmt;

use saphyr_parser::{Event, Parser, ScalarStyle, Span};
use serde_json::{Map, Number, Value};

/// A position in a text file: 1-based line and column, and the byte offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Pos {
    /// 1-based line.
    pub line: u32,
    /// 1-based column, counted in characters.
    pub col: u32,
}

impl fmt::Display for Pos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.col)
    }
}

/// The deepest nesting of collections a reader accepts (real manifests need a few dozen
/// levels; deeper input is refused before anything recurses over it).
pub const MAX_DEPTH: usize = 128;

/// The most nodes that aliases (`*name`) may expand to in one file: an alias copies its
/// anchor's value, so a few hundred bytes of nested aliases ("billion laughs") could
/// otherwise expand to billions of nodes.
pub const MAX_ALIAS_NODES: usize = 100_000;

/// Whose rules a YAML text's plain scalars are read by: the rules of the program that
/// consumes the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Dialect {
    /// A Kubernetes manifest, as `kubectl` and the API server's clients read it
    /// (`sigs.k8s.io/yaml`, go-yaml v2 rules, then JSON): `y`, `yes`, `on` (and their
    /// capitalised and upper-case forms) are true, `n`, `no`, `off` false; `010` is octal 8,
    /// `0x1F`, `0b101`, `0o17` and `1_000` are numbers; numbers go through JSON, so `1.0` and
    /// `1e3` are the integers 1 and 1000; `.inf` and `.nan` cannot be sent (an error).
    #[default]
    Kubernetes,
    /// A Compose file, as Debian's docker-compose 1.29 reads it (PyYAML, YAML 1.1):
    /// `yes`/`no`/`on`/`off` are booleans (`y` and `n` are text), `010` is octal 8, `0b101`,
    /// `0x1F`, `1_000` and base 60 (`1:20` is 80) are numbers, `1e3` (no dot) is text.
    Compose,
    /// The YAML 1.2 core schema: shipshape's own files (environment specs).
    Core,
}

impl Dialect {
    /// How the dialect is named in messages.
    pub fn describe(self) -> &'static str {
        match self {
            Dialect::Kubernetes => "Kubernetes (YAML 1.1, as kubectl reads it)",
            Dialect::Compose => "docker-compose (YAML 1.1)",
            Dialect::Core => "YAML 1.2",
        }
    }
}

/// A YAML node with the position where it starts.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// Where the node's value starts.
    pub pos: Pos,
    /// What the node holds.
    pub kind: NodeKind,
}

/// The shape of a node.
#[derive(Debug, Clone, PartialEq)]
pub enum NodeKind {
    /// A scalar resolved to a JSON value (null, bool, number or string).
    Scalar(Value),
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping, in source order; each key keeps its own position.
    Map(Vec<Entry>),
}

/// One key of a mapping.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// The key as text (non-string keys are written as their YAML text).
    pub key: String,
    /// Where the key starts.
    pub key_pos: Pos,
    /// The value.
    pub value: Node,
}

/// A YAML syntax or structure error with its position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    /// Where the problem is.
    pub pos: Pos,
    /// What is wrong, in plain words.
    pub message: String,
}

impl fmt::Display for YamlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.pos, self.message)
    }
}

impl std::error::Error for YamlError {}

/// One document of a stream.
#[derive(Debug, Clone, PartialEq)]
pub struct YamlDocument {
    /// Where the document's content starts (or its `---` marker when it is empty).
    pub pos: Pos,
    /// The root node; `None` for an empty document.
    pub root: Option<Node>,
}

fn pos_of(span: &Span) -> Pos {
    Pos {
        line: span.start.line() as u32,
        col: span.start.col() as u32 + 1,
    }
}

/// A syntax error of the reader, at its position.
fn scan_error(e: &saphyr_parser::ScanError) -> YamlError {
    let pos = Pos {
        line: e.marker().line() as u32,
        col: e.marker().col() as u32 + 1,
    };
    // The scanner counts flow nesting in a byte and gives up past 255 levels.
    if e.info() == "recursion limit exceeded" {
        return Limits::default().open(MAX_DEPTH, pos).unwrap_err();
    }
    YamlError {
        pos,
        message: e.info().to_string(),
    }
}

/// Parses a multi-document YAML stream by the YAML 1.2 core schema, keeping positions (see
/// [`parse_stream_as`]).
pub fn parse_stream(text: &str) -> Result<Vec<YamlDocument>, YamlError> {
    parse_stream_as(text, Dialect::Core)
}

/// Parses a multi-document YAML stream, keeping positions, plain scalars read by `dialect`.
///
/// Duplicate keys in a mapping are errors (YAML forbids them; peers silently keep the last).
/// Anchors and aliases are resolved. Empty documents are kept as `root: None`.
pub fn parse_stream_as(text: &str, dialect: Dialect) -> Result<Vec<YamlDocument>, YamlError> {
    let mut parser = Parser::new_from_str(text);
    let mut docs = Vec::new();
    let mut anchors: Vec<(usize, Node, usize)> = Vec::new();
    let mut stack: Vec<Frame> = Vec::new();
    let mut doc_pos = Pos { line: 1, col: 1 };
    let mut current: Option<Node> = None;
    let mut limits = Limits::default();
    while let Some(item) = parser.next_event() {
        let (event, span) = item.map_err(|e| scan_error(&e))?;
        let pos = pos_of(&span);
        let mut merge_key = false;
        let node = match event {
            Event::StreamStart | Event::StreamEnd | Event::Nothing => continue,
            Event::DocumentStart(_) => {
                doc_pos = pos;
                current = None;
                anchors.clear();
                continue;
            }
            Event::DocumentEnd => {
                docs.push(YamlDocument {
                    pos: current.as_ref().map_or(doc_pos, |n| n.pos),
                    root: current.take(),
                });
                continue;
            }
            Event::Alias(id) => match anchors.iter().rev().find(|(a, _, _)| *a == id) {
                Some((_, node, size)) => {
                    limits.alias(*size, pos)?;
                    Node {
                        pos,
                        kind: node.kind.clone(),
                    }
                }
                None => return Err(unknown_anchor(pos)),
            },
            Event::Scalar(text, style, anchor, tag) => {
                merge_key = is_merge_key(&text, style, tag.as_deref());
                let (value, _) = read_scalar(text, style, tag.as_deref(), dialect)
                    .map_err(|text| unrepresentable(&text, pos))?;
                let node = Node {
                    pos,
                    kind: NodeKind::Scalar(value),
                };
                if anchor > 0 {
                    anchors.push((anchor, node.clone(), 1));
                }
                node
            }
            Event::SequenceStart(anchor, _) => {
                limits.open(stack.len(), pos)?;
                stack.push(Frame::Seq {
                    pos,
                    anchor,
                    items: Vec::new(),
                });
                continue;
            }
            Event::MappingStart(anchor, _) => {
                limits.open(stack.len(), pos)?;
                stack.push(Frame::Map {
                    pos,
                    anchor,
                    entries: Vec::new(),
                    pending_key: None,
                    merged: Vec::new(),
                });
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let frame = stack.pop().expect("parser balances collections");
                let (node, anchor) = match frame {
                    Frame::Seq { pos, anchor, items } => (
                        Node {
                            pos,
                            kind: NodeKind::Seq(items),
                        },
                        anchor,
                    ),
                    Frame::Map {
                        pos,
                        anchor,
                        mut entries,
                        merged,
                        ..
                    } => {
                        for entry in merged {
                            if !entries.iter().any(|e| e.key == entry.key) {
                                entries.push(entry);
                            }
                        }
                        (
                            Node {
                                pos,
                                kind: NodeKind::Map(entries),
                            },
                            anchor,
                        )
                    }
                };
                if anchor > 0 {
                    let size = node.size();
                    anchors.push((anchor, node.clone(), size));
                }
                node
            }
        };
        push_node(&mut stack, &mut current, node, merge_key)?;
    }
    Ok(docs)
}

/// What a reader counts to refuse input that would exhaust the machine: nesting depth and
/// the nodes aliases expand to.
#[derive(Debug, Default)]
struct Limits {
    aliased: usize,
}

impl Limits {
    /// A collection opens at `depth` (the number of collections it is in).
    fn open(&self, depth: usize, pos: Pos) -> Result<(), YamlError> {
        if depth >= MAX_DEPTH {
            return Err(YamlError {
                pos,
                message: format!(
                    "collections nested more than {MAX_DEPTH} levels deep; shipshape reads at most {MAX_DEPTH} levels (real manifests need far fewer): flatten the data"
                ),
            });
        }
        Ok(())
    }

    /// An alias copies `size` nodes.
    fn alias(&mut self, size: usize, pos: Pos) -> Result<(), YamlError> {
        self.aliased = self.aliased.saturating_add(size);
        if self.aliased > MAX_ALIAS_NODES {
            return Err(YamlError {
                pos,
                message: format!(
                    "excessive aliasing: the aliases in this file expand to more than {MAX_ALIAS_NODES} nodes (an alias bomb?); write the values out or alias smaller parts"
                ),
            });
        }
        Ok(())
    }
}

fn unknown_anchor(pos: Pos) -> YamlError {
    YamlError {
        pos,
        message: "alias to an unknown anchor".into(),
    }
}

/// The error for a plain scalar the dialect reads as something JSON cannot carry.
fn unrepresentable(text: &str, pos: Pos) -> YamlError {
    let what = if text.to_ascii_lowercase().contains("nan") {
        "not-a-number"
    } else {
        "infinity"
    };
    YamlError {
        pos,
        message: format!(
            "`{text}` reads as {what} (YAML 1.1), which a Kubernetes manifest cannot carry (JSON has no such number; kubectl fails on it): quote it (`\"{text}\"`) or write a finite number"
        ),
    }
}

/// Whether a scalar is the merge key `<<`: plain and untagged (a quoted `"<<"` is an
/// ordinary key).
fn is_merge_key(text: &str, style: ScalarStyle, tag: Option<&saphyr_parser::Tag>) -> bool {
    text == "<<" && style == ScalarStyle::Plain && tag.is_none()
}

/// The error for a merge key whose value is not a mapping or a list of mappings.
fn bad_merge(pos: Pos) -> YamlError {
    YamlError {
        pos,
        message: "a merge key `<<` takes a mapping or a list of mappings (`<<: *base`); write the entries out, or quote the key (`\"<<\"`) if it is an ordinary key".into(),
    }
}

/// One document of a stream parsed into a plain value (no positions kept below the root).
#[derive(Debug, Clone, PartialEq)]
pub struct ValueDocument {
    /// Where the document's content starts (or its `---` marker when it is empty).
    pub pos: Pos,
    /// The line of its start (its `---` marker, or its first content).
    pub first_line: u32,
    /// The value; `None` for an empty document.
    pub value: Option<Value>,
    /// Whether a mapping in it has a field set to null.
    pub null_fields: bool,
    /// Whether a plain scalar in it reads differently by its dialect than by the YAML 1.2
    /// core schema (`yes`, `010`): [`ambiguous_scalars`] finds them.
    pub ambiguous: bool,
    /// Whether the fast reader read it: its lines keep to the plain shape, in which a
    /// pointer can be located by reading only the lines on its path.
    pub plain: bool,
}

/// Whether any mapping in the value has a field set to null.
pub fn has_null_field(value: &Value) -> bool {
    match value {
        Value::Object(m) => m.values().any(|v| v.is_null() || has_null_field(v)),
        Value::Array(items) => items.iter().any(has_null_field),
        _ => false,
    }
}

/// The number of nodes in a value (a scalar is one).
fn value_size(value: &Value) -> usize {
    match value {
        Value::Object(m) => 1 + m.values().map(value_size).sum::<usize>(),
        Value::Array(items) => 1 + items.iter().map(value_size).sum::<usize>(),
        _ => 1,
    }
}

/// Parses a multi-document YAML stream straight into values, without building a node tree
/// with positions: the fast path for validating many files.
///
/// Same values as [`parse_stream_as`] + [`Node::to_value`]; with `allow_duplicate_keys` the
/// last of duplicate keys wins, otherwise a duplicate key is an error.
pub fn parse_values(
    text: &str,
    allow_duplicate_keys: bool,
    dialect: Dialect,
) -> Result<Vec<ValueDocument>, YamlError> {
    if let Some(docs) = super::fast::parse(text, dialect) {
        return Ok(docs);
    }
    parse_values_full(text, allow_duplicate_keys, dialect)
}

/// [`parse_values`] with the full reader only (no fast path).
pub fn parse_values_full(
    text: &str,
    allow_duplicate_keys: bool,
    dialect: Dialect,
) -> Result<Vec<ValueDocument>, YamlError> {
    let mut parser = Parser::new_from_str(text);
    let mut docs = Vec::new();
    let mut anchors: Vec<(usize, Value, usize)> = Vec::new();
    let mut stack: Vec<ValueFrame> = Vec::new();
    let mut doc_pos = Pos { line: 1, col: 1 };
    let mut root_pos: Option<Pos> = None;
    let mut current: Option<Value> = None;
    let mut ambiguous = false;
    let mut limits = Limits::default();
    while let Some(item) = parser.next_event() {
        let (event, span) = item.map_err(|e| scan_error(&e))?;
        let mut merge_key = false;
        let value = match event {
            Event::StreamStart | Event::StreamEnd | Event::Nothing => continue,
            Event::DocumentStart(_) => {
                doc_pos = pos_of(&span);
                root_pos = None;
                current = None;
                ambiguous = false;
                anchors.clear();
                continue;
            }
            Event::DocumentEnd => {
                let value = current.take();
                docs.push(ValueDocument {
                    pos: root_pos.unwrap_or(doc_pos),
                    first_line: doc_pos.line,
                    null_fields: value.as_ref().is_some_and(has_null_field),
                    ambiguous,
                    value,
                    plain: false,
                });
                continue;
            }
            Event::Alias(id) => match anchors.iter().rev().find(|(a, _, _)| *a == id) {
                Some((_, v, size)) => {
                    limits.alias(*size, pos_of(&span))?;
                    v.clone()
                }
                None => return Err(unknown_anchor(pos_of(&span))),
            },
            Event::Scalar(text, style, anchor, tag) => {
                merge_key = is_merge_key(&text, style, tag.as_deref());
                let pos = pos_of(&span);
                let (value, differs) = read_scalar(text, style, tag.as_deref(), dialect)
                    .map_err(|text| unrepresentable(&text, pos))?;
                ambiguous |= differs;
                if anchor > 0 {
                    anchors.push((anchor, value.clone(), 1));
                }
                if stack.is_empty() {
                    root_pos = Some(pos);
                }
                value
            }
            Event::SequenceStart(anchor, _) => {
                limits.open(stack.len(), pos_of(&span))?;
                if stack.is_empty() {
                    root_pos = Some(pos_of(&span));
                }
                stack.push(ValueFrame::Seq {
                    anchor,
                    items: Vec::new(),
                });
                continue;
            }
            Event::MappingStart(anchor, _) => {
                limits.open(stack.len(), pos_of(&span))?;
                if stack.is_empty() {
                    root_pos = Some(pos_of(&span));
                }
                stack.push(ValueFrame::Map {
                    anchor,
                    map: Map::new(),
                    pending_key: None,
                    merged: Vec::new(),
                });
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let frame = stack.pop().expect("parser balances collections");
                let (value, anchor) = match frame {
                    ValueFrame::Seq { anchor, items } => (Value::Array(items), anchor),
                    ValueFrame::Map {
                        anchor,
                        mut map,
                        merged,
                        ..
                    } => {
                        for (key, value) in merged {
                            if !map.contains_key(&key) {
                                map.insert(key, value);
                            }
                        }
                        (Value::Object(map), anchor)
                    }
                };
                if anchor > 0 {
                    let size = value_size(&value);
                    anchors.push((anchor, value.clone(), size));
                }
                value
            }
        };
        push_value(
            &mut stack,
            &mut current,
            value,
            &span,
            allow_duplicate_keys,
            merge_key,
        )?;
    }
    Ok(docs)
}

enum ValueFrame {
    Seq {
        anchor: usize,
        items: Vec<Value>,
    },
    Map {
        anchor: usize,
        map: Map<String, Value>,
        /// The key read, or `None` for a merge key (`<<`).
        pending_key: Option<Option<String>>,
        merged: Vec<(String, Value)>,
    },
}

fn push_value(
    stack: &mut [ValueFrame],
    current: &mut Option<Value>,
    value: Value,
    span: &Span,
    allow_duplicate_keys: bool,
    merge_key: bool,
) -> Result<(), YamlError> {
    match stack.last_mut() {
        None => *current = Some(value),
        Some(ValueFrame::Seq { items, .. }) => items.push(value),
        Some(ValueFrame::Map {
            map,
            pending_key,
            merged,
            ..
        }) => match pending_key.take() {
            None if merge_key => *pending_key = Some(None),
            None => {
                let Some(key) = scalar_key(value) else {
                    return Err(YamlError {
                        pos: pos_of(span),
                        message: "a mapping key must be a scalar".into(),
                    });
                };
                if !allow_duplicate_keys && map.contains_key(&key) {
                    // The positional parser names the line of the first occurrence.
                    return Err(YamlError {
                        pos: pos_of(span),
                        message: format!("duplicate key `{key}`; remove one of them"),
                    });
                }
                *pending_key = Some(Some(key));
            }
            Some(None) => {
                if !merge_values(merged, value) {
                    return Err(bad_merge(pos_of(span)));
                }
            }
            Some(Some(key)) => {
                map.insert(key, value);
            }
        },
    }
    Ok(())
}

/// The map key a scalar value makes (`80` -> `"80"`, null -> `"null"`); `None` for a
/// collection.
pub(crate) fn scalar_key(value: Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s),
        Value::Null => Some("null".to_string()),
        Value::Array(_) | Value::Object(_) => None,
        other => Some(other.to_string()),
    }
}

/// Collects the entries of a YAML merge key (`<<: *base`); keys set in the map itself win.
/// `false` when the value is not a mapping or a list of mappings.
fn merge_values(merged: &mut Vec<(String, Value)>, value: Value) -> bool {
    let sources = match value {
        Value::Object(m) => vec![m],
        Value::Array(items) => {
            let mut maps = Vec::with_capacity(items.len());
            for item in items {
                match item {
                    Value::Object(m) => maps.push(m),
                    _ => return false,
                }
            }
            maps
        }
        _ => return false,
    };
    for source in sources {
        for (key, value) in source {
            if !merged.iter().any(|(k, _)| *k == key) {
                merged.push((key, value));
            }
        }
    }
    true
}

enum Frame {
    Seq {
        pos: Pos,
        anchor: usize,
        items: Vec<Node>,
    },
    Map {
        pos: Pos,
        anchor: usize,
        entries: Vec<Entry>,
        /// The key read and where, or `None` for a merge key (`<<`).
        pending_key: Option<Option<(String, Pos)>>,
        merged: Vec<Entry>,
    },
}

fn push_node(
    stack: &mut [Frame],
    current: &mut Option<Node>,
    node: Node,
    merge_key: bool,
) -> Result<(), YamlError> {
    match stack.last_mut() {
        None => *current = Some(node),
        Some(Frame::Seq { items, .. }) => items.push(node),
        Some(Frame::Map {
            entries,
            pending_key,
            merged,
            ..
        }) => match pending_key.take() {
            None if merge_key => *pending_key = Some(None),
            None => {
                let key = match &node.kind {
                    NodeKind::Scalar(Value::String(s)) => s.clone(),
                    NodeKind::Scalar(Value::Null) => "null".to_string(),
                    NodeKind::Scalar(v) => v.to_string(),
                    NodeKind::Seq(_) | NodeKind::Map(_) => {
                        return Err(YamlError {
                            pos: node.pos,
                            message: "a mapping key must be a scalar".into(),
                        });
                    }
                };
                if let Some(first) = entries.iter().find(|e| e.key == key) {
                    return Err(YamlError {
                        pos: node.pos,
                        message: format!(
                            "duplicate key `{key}` (first defined at line {}); remove one of them",
                            first.key_pos.line
                        ),
                    });
                }
                *pending_key = Some(Some((key, node.pos)));
            }
            Some(None) => {
                let pos = node.pos;
                if !merge_keys(merged, node) {
                    return Err(bad_merge(pos));
                }
            }
            Some(Some((key, key_pos))) => {
                entries.push(Entry {
                    key,
                    key_pos,
                    value: node,
                });
            }
        },
    }
    Ok(())
}

/// Collects the entries of a YAML merge key (`<<: *base`); keys set in the map itself win.
/// `false` when the node is not a mapping or a list of mappings.
fn merge_keys(merged: &mut Vec<Entry>, node: Node) -> bool {
    let sources = match node.kind {
        NodeKind::Map(m) => vec![m],
        NodeKind::Seq(items) => {
            let mut maps = Vec::with_capacity(items.len());
            for item in items {
                match item.kind {
                    NodeKind::Map(m) => maps.push(m),
                    _ => return false,
                }
            }
            maps
        }
        NodeKind::Scalar(_) => return false,
    };
    for source in sources {
        for entry in source {
            if !merged.iter().any(|e| e.key == entry.key) {
                merged.push(entry);
            }
        }
    }
    true
}

/// A scalar as the parser hands it over, read by `dialect`: its value and whether it reads
/// differently by the YAML 1.2 core schema (an ambiguous plain scalar such as `yes`).
/// The text back as the error when the dialect reads it as something JSON cannot carry
/// (`.inf` in a Kubernetes manifest). Quoted and block scalars are strings; `!!str` and `!!null` tags are honoured,
/// and `!!int`, `!!float` and `!!bool` read the text as a plain scalar.
pub(crate) fn read_scalar(
    text: std::borrow::Cow<'_, str>,
    style: ScalarStyle,
    tag: Option<&saphyr_parser::Tag>,
    dialect: Dialect,
) -> Result<(Value, bool), String> {
    let mut plain = style == ScalarStyle::Plain;
    if let Some(tag) = tag {
        if tag.handle == "tag:yaml.org,2002:" || tag.handle == "!!" {
            match tag.suffix.as_str() {
                "str" | "binary" => return Ok((Value::String(text.into_owned()), false)),
                "null" => return Ok((Value::Null, false)),
                "int" | "float" | "bool" => plain = true,
                _ => {}
            }
        }
    }
    // Text that starts with a letter no reader gives a meaning to is a string in every
    // dialect: most scalars of a manifest, read without further checks.
    // Text that starts with a letter is a string unless it is one of the words a reader
    // gives a meaning to (`yes`, `off`, `false`, `null`, ...).
    let word = text.as_bytes().first().is_some_and(|b| {
        b.is_ascii_alphabetic() && !(b"yYnNtTfFoO".contains(b) && is_reserved_word(&text))
    });
    if !plain || word {
        return Ok((Value::String(text.into_owned()), false));
    }
    // A decimal integer without a leading zero, sign or separator reads the same in every
    // dialect (most numbers of a manifest: ports, replicas, seconds).
    let bytes = text.as_bytes();
    if (1..=18).contains(&bytes.len())
        && bytes.iter().all(u8::is_ascii_digit)
        && (bytes[0] != b'0' || bytes.len() == 1)
    {
        if let Ok(n) = text.parse::<i64>() {
            return Ok((Value::from(n), false));
        }
    }
    let Some(value) = resolve_plain(&text, dialect) else {
        return Err(text.into_owned());
    };
    let differs = dialect != Dialect::Core && !same_reading(&value, &resolve_core(&text));
    Ok((value, differs))
}

/// The words starting with a letter that some dialect reads as a boolean or null.
fn is_reserved_word(text: &str) -> bool {
    matches!(
        text,
        "y" | "Y"
            | "yes"
            | "Yes"
            | "YES"
            | "n"
            | "N"
            | "no"
            | "No"
            | "NO"
            | "true"
            | "True"
            | "TRUE"
            | "false"
            | "False"
            | "FALSE"
            | "on"
            | "On"
            | "ON"
            | "off"
            | "Off"
            | "OFF"
            | "null"
            | "Null"
            | "NULL"
    )
}

/// Whether two readings of a scalar are the same value (numbers compared by value: `1.0`
/// and `1` are one number to a JSON reader).
pub fn same_reading(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        _ => a == b,
    }
}

/// Resolves a scalar by the YAML 1.2 core schema (plain scalars only; quoted ones are
/// strings).
pub fn resolve_scalar(text: &str, style: ScalarStyle, tag: Option<&saphyr_parser::Tag>) -> Value {
    read_scalar(text.into(), style, tag, Dialect::Core).map_or(Value::Null, |(v, _)| v)
}

/// Whether a text, written as a plain scalar, reads as that text in every dialect (so it
/// needs no quotes for any reader).
pub fn reads_as_text(text: &str) -> bool {
    [Dialect::Kubernetes, Dialect::Compose, Dialect::Core]
        .into_iter()
        .all(|d| matches!(resolve_plain(text, d), Some(Value::String(s)) if s == text))
}

/// How a plain scalar reads in a dialect; `None` when the dialect reads it as something
/// JSON cannot carry (infinity or NaN in a Kubernetes manifest).
pub fn resolve_plain(text: &str, dialect: Dialect) -> Option<Value> {
    match dialect {
        Dialect::Core => Some(resolve_core(text)),
        Dialect::Kubernetes => resolve_go_yaml(text),
        Dialect::Compose => Some(resolve_pyyaml(text)),
    }
}

/// The YAML 1.2 core schema.
fn resolve_core(text: &str) -> Value {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    if let Some(n) = parse_int(text) {
        return Value::Number(n);
    }
    if looks_like_float(text) {
        if let Ok(f) = text.parse::<f64>() {
            if let Some(n) = Number::from_f64(f) {
                return Value::Number(n);
            }
        }
    }
    Value::String(text.to_string())
}

/// go-yaml v2 (`sigs.k8s.io/yaml`), then the JSON round trip every Kubernetes client makes:
/// a float with an integral value is an integer there, and an integer past `i64` a float.
fn resolve_go_yaml(text: &str) -> Option<Value> {
    let string = || Value::String(text.to_string());
    let Some(&first) = text.as_bytes().first() else {
        return Some(Value::Null);
    };
    match text {
        "y" | "Y" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" | "true" | "True" | "TRUE" => {
            return Some(Value::Bool(true));
        }
        "n" | "N" | "no" | "No" | "NO" | "off" | "Off" | "OFF" | "false" | "False" | "FALSE" => {
            return Some(Value::Bool(false));
        }
        "~" | "null" | "Null" | "NULL" => return Some(Value::Null),
        ".nan" | ".NaN" | ".NAN" | ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF"
        | "-.inf" | "-.Inf" | "-.INF" => return None,
        _ => {}
    }
    Some(match first {
        b'.' if is_go_float(text) => json_float(text).unwrap_or_else(string),
        b'0'..=b'9' | b'+' | b'-' => {
            let plain: std::borrow::Cow<'_, str> = if text.contains('_') {
                text.replace('_', "").into()
            } else {
                text.into()
            };
            go_int(&plain)
                .or_else(|| is_go_float(&plain).then(|| json_float(&plain)).flatten())
                .unwrap_or_else(string)
        }
        _ => string(),
    })
}

/// Go's `strconv.ParseInt(s, 0, 64)`, then `ParseUint` (base prefixes `0x`, `0b`, `0o`, in
/// either case, and a leading `0` for octal), as a JSON number.
fn go_int(text: &str) -> Option<Value> {
    let (sign, body) = match text.as_bytes().first()? {
        b'-' => (Some(true), &text[1..]),
        b'+' => (Some(false), &text[1..]),
        _ => (None, text),
    };
    let lower = body.get(..2).map(str::to_ascii_lowercase);
    let (radix, digits) = match lower.as_deref() {
        Some("0x") => (16, &body[2..]),
        Some("0b") => (2, &body[2..]),
        Some("0o") => (8, &body[2..]),
        _ if body.len() > 1 && body.starts_with('0') => (8, &body[1..]),
        _ => (10, body),
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let magnitude = u64::from_str_radix(digits, radix).ok()?;
    match sign {
        Some(true) => {
            if magnitude <= i64::MAX as u64 + 1 {
                Some(Value::from((magnitude as i64).wrapping_neg()))
            } else {
                None
            }
        }
        _ if magnitude <= i64::MAX as u64 => Some(Value::from(magnitude as i64)),
        // `ParseUint` takes no sign; past `i64` the JSON reader makes it a float.
        None => Number::from_f64(magnitude as f64).map(Value::Number),
        Some(false) => None,
    }
}

/// go-yaml v2's float syntax: `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`.
fn is_go_float(text: &str) -> bool {
    let b = text.strip_prefix(['-', '+']).unwrap_or(text).as_bytes();
    let mut i = 0;
    let int_digits = b.iter().take_while(|c| c.is_ascii_digit()).count();
    i += int_digits;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let frac = b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
        if int_digits == 0 && frac == 0 {
            return false;
        }
        i += frac;
    } else if int_digits == 0 {
        return false;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'-' | b'+')) {
            i += 1;
        }
        let exp = b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
        if exp == 0 {
            return false;
        }
        i += exp;
    }
    i == b.len()
}

/// A float as it comes out of JSON: an integer when its value is one (JSON writes `1.0` as
/// `1`), `None` when it is not finite.
fn json_float(text: &str) -> Option<Value> {
    let f: f64 = text.parse().ok()?;
    if !f.is_finite() {
        return None;
    }
    if f.fract() == 0.0 && f.abs() < 9.223_372_036_854_775e18 {
        return Some(Value::from(f as i64));
    }
    Number::from_f64(f).map(Value::Number)
}

/// PyYAML's YAML 1.1 resolver, as docker-compose 1.29 reads Compose files.
fn resolve_pyyaml(text: &str) -> Value {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "yes" | "Yes" | "YES" | "on" | "On" | "ON" | "true" | "True" | "TRUE" => {
            return Value::Bool(true);
        }
        "no" | "No" | "NO" | "off" | "Off" | "OFF" | "false" | "False" | "FALSE" => {
            return Value::Bool(false);
        }
        _ => {}
    }
    pyyaml_number(text).unwrap_or_else(|| Value::String(text.to_string()))
}

/// PyYAML's `int` and `float` patterns and constructors.
fn pyyaml_number(text: &str) -> Option<Value> {
    let (neg, body) = match text.as_bytes().first()? {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    let is = |s: &str, ok: fn(char) -> bool| !s.is_empty() && s.chars().all(ok);
    let signed = |v: i128| -> Option<Value> {
        let v = if neg { -v } else { v };
        if let Ok(i) = i64::try_from(v) {
            Some(Value::from(i))
        } else if let Ok(u) = u64::try_from(v) {
            Some(Value::from(u))
        } else {
            Number::from_f64(v as f64).map(Value::Number)
        }
    };
    let int = |digits: &str, radix: u32| -> Option<Value> {
        let digits = digits.replace('_', "");
        if digits.is_empty() {
            return signed(0);
        }
        signed(i128::from_str_radix(&digits, radix).ok()?)
    };
    let float = |s: &str| -> Option<Value> {
        let f: f64 = s.replace('_', "").parse().ok()?;
        Number::from_f64(if neg { -f } else { f }).map(Value::Number)
    };
    let sexagesimal = |s: &str| -> Option<f64> {
        let mut total = 0f64;
        for part in s.split(':') {
            total = total * 60.0 + part.replace('_', "").parse::<f64>().ok()?;
        }
        Some(total)
    };
    let base60_tail = |parts: &[&str]| {
        parts.iter().all(|p| {
            (1..=2).contains(&p.len())
                && p.chars().all(|c| c.is_ascii_digit())
                && (p.len() == 1 || p.as_bytes()[0] <= b'5')
        })
    };
    if let Some(bits) = body.strip_prefix("0b") {
        return is(bits, |c| matches!(c, '0' | '1' | '_')).then(|| int(bits, 2))?;
    }
    if let Some(hex) = body.strip_prefix("0x") {
        return is(hex, |c| c.is_ascii_hexdigit() || c == '_').then(|| int(hex, 16))?;
    }
    if body == "0" {
        return signed(0);
    }
    if let Some(oct) = body.strip_prefix('0')
        && is(oct, |c| matches!(c, '0'..='7' | '_'))
    {
        return int(oct, 8);
    }
    let starts_1_9 = body
        .as_bytes()
        .first()
        .is_some_and(|b| (b'1'..=b'9').contains(b));
    if starts_1_9 && is(body, |c| c.is_ascii_digit() || c == '_') {
        return int(body, 10);
    }
    if starts_1_9 && body.contains(':') && !body.contains('.') {
        let parts: Vec<&str> = body.split(':').collect();
        if is(parts[0], |c| c.is_ascii_digit() || c == '_') && base60_tail(&parts[1..]) {
            let v = sexagesimal(body)?;
            return signed(v as i128);
        }
    }
    // Floats: `[-+]?[0-9][0-9_]*\.[0-9_]*([eE][-+][0-9]+)?`, `\.[0-9_]+([eE][-+][0-9]+)?`
    // and base 60 `[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+\.[0-9_]*`.
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(i) => (&body[..i], Some(&body[i + 1..])),
        None => (body, None),
    };
    let exponent_ok = exponent.is_none_or(|e| {
        e.len() > 1 && e.starts_with(['-', '+']) && e[1..].chars().all(|c| c.is_ascii_digit())
    });
    if let Some((whole, frac)) = mantissa.split_once('.') {
        let frac_ok = frac.chars().all(|c| c.is_ascii_digit() || c == '_');
        let digits_ok = |s: &str| {
            s.as_bytes().first().is_some_and(u8::is_ascii_digit)
                && s.chars().all(|c| c.is_ascii_digit() || c == '_')
        };
        if frac_ok && exponent_ok {
            if whole.is_empty() && !neg && text.starts_with('.') && !frac.is_empty() {
                return float(body);
            }
            if digits_ok(whole) {
                return float(body);
            }
        }
        if exponent.is_none() && frac_ok && whole.contains(':') {
            let parts: Vec<&str> = whole.split(':').collect();
            if digits_ok(parts[0]) && base60_tail(&parts[1..]) {
                let v = sexagesimal(whole)?
                    + format!("0.{}", frac.replace('_', "")).parse::<f64>().ok()?;
                return Number::from_f64(if neg { -v } else { v }).map(Value::Number);
            }
        }
    }
    None
}

fn parse_int(text: &str) -> Option<Number> {
    let (neg, digits) = match text.as_bytes().first()? {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    let (radix, body) = if let Some(h) = digits.strip_prefix("0x") {
        (16, h)
    } else if let Some(o) = digits.strip_prefix("0o") {
        (8, o)
    } else {
        (10, digits)
    };
    if body.is_empty() || !body.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let magnitude = u64::from_str_radix(body, radix).ok()?;
    if neg {
        let v = i64::try_from(magnitude).ok()?;
        Some(Number::from(-v))
    } else {
        Some(Number::from(magnitude))
    }
}

fn looks_like_float(text: &str) -> bool {
    let body = text.strip_prefix(['-', '+']).unwrap_or(text);
    let mut digits = 0;
    let mut dots = 0;
    let mut exp = false;
    let mut prev = ' ';
    for c in body.chars() {
        match c {
            '0'..='9' => digits += 1,
            '.' if !exp => dots += 1,
            'e' | 'E' if digits > 0 && !exp => exp = true,
            '-' | '+' if matches!(prev, 'e' | 'E') => {}
            _ => return false,
        }
        prev = c;
    }
    digits > 0 && dots <= 1 && !matches!(prev, 'e' | 'E' | '-' | '+')
}

impl Node {
    /// The number of nodes in the tree (a scalar is one).
    fn size(&self) -> usize {
        match &self.kind {
            NodeKind::Scalar(_) => 1,
            NodeKind::Seq(items) => 1 + items.iter().map(Node::size).sum::<usize>(),
            NodeKind::Map(entries) => 1 + entries.iter().map(|e| e.value.size()).sum::<usize>(),
        }
    }

    /// Moves every position `lines` lines down (for a node read from part of a file).
    pub fn shift_lines(&mut self, lines: u32) {
        self.pos.line += lines;
        match &mut self.kind {
            NodeKind::Scalar(_) => {}
            NodeKind::Seq(items) => items.iter_mut().for_each(|n| n.shift_lines(lines)),
            NodeKind::Map(entries) => {
                for e in entries {
                    e.key_pos.line += lines;
                    e.value.shift_lines(lines);
                }
            }
        }
    }

    /// Converts the node to a plain JSON value, dropping positions.
    pub fn to_value(&self) -> Value {
        match &self.kind {
            NodeKind::Scalar(v) => v.clone(),
            NodeKind::Seq(items) => Value::Array(items.iter().map(Node::to_value).collect()),
            NodeKind::Map(entries) => {
                let mut map = Map::with_capacity(entries.len());
                for e in entries {
                    map.insert(e.key.clone(), e.value.to_value());
                }
                Value::Object(map)
            }
        }
    }

    /// The child at one JSON pointer token: a key of a mapping or an index of a sequence.
    pub fn child(&self, token: &str) -> Option<&Node> {
        match &self.kind {
            NodeKind::Map(entries) => entries.iter().find(|e| e.key == token).map(|e| &e.value),
            NodeKind::Seq(items) => token.parse::<usize>().ok().and_then(|i| items.get(i)),
            NodeKind::Scalar(_) => None,
        }
    }

    /// The entry of a mapping by key.
    pub fn entry(&self, key: &str) -> Option<&Entry> {
        match &self.kind {
            NodeKind::Map(entries) => entries.iter().find(|e| e.key == key),
            _ => None,
        }
    }

    /// Finds the position for a JSON pointer (`/spec/replicas`).
    ///
    /// Returns the value's position and, when the last step is a mapping key, the key's
    /// position. A pointer that goes past what exists resolves to the deepest node that does.
    pub fn locate(&self, pointer: &str) -> Located {
        self.locate_tokens(pointer_tokens(pointer), None)
    }

    /// [`Node::locate`] for a pointer's tokens, from this node, whose key (when it is a
    /// mapping entry) is at `key`.
    pub(crate) fn locate_tokens<T: AsRef<str>>(
        &self,
        tokens: impl IntoIterator<Item = T>,
        mut key: Option<Pos>,
    ) -> Located {
        let mut node = self;
        let mut exact = true;
        for token in tokens {
            let token = token.as_ref();
            let next = match &node.kind {
                NodeKind::Map(entries) => entries
                    .iter()
                    .find(|e| e.key == token)
                    .map(|e| (Some(e.key_pos), &e.value)),
                NodeKind::Seq(items) => token
                    .parse::<usize>()
                    .ok()
                    .and_then(|i| items.get(i))
                    .map(|n| (None, n)),
                NodeKind::Scalar(_) => None,
            };
            let Some((step_key, next)) = next else {
                exact = false;
                break;
            };
            key = step_key;
            node = next;
        }
        Located {
            value: node.pos,
            key,
            exact,
        }
    }
}

/// A plain scalar that reads differently by a dialect than by the YAML 1.2 core schema
/// (`yes`, `on`, `010`, `0b101`, `1_000`): a value whose meaning depends on the reader.
#[derive(Debug, Clone, PartialEq)]
pub struct AmbiguousScalar {
    /// JSON pointer of the value, or for a key, of the entry it names.
    pub pointer: String,
    /// Whether it is a mapping key.
    pub is_key: bool,
    /// The text as written.
    pub text: String,
    /// What the dialect reads.
    pub value: Value,
    /// Where it is.
    pub pos: Pos,
}

/// The ambiguous plain scalars of the first document of `text`, whose first line is line
/// `first_line` of its file. Scalars inside merged (`<<`) values are left out: they have no
/// pointer of their own.
pub fn ambiguous_scalars(text: &str, dialect: Dialect, first_line: u32) -> Vec<AmbiguousScalar> {
    enum Level {
        Seq(usize),
        /// The key of the entry being read (`None` before its key), and whether the
        /// collection is inside a merge.
        Map(Option<String>),
    }
    const MERGE: &str = "\u{0}<<";
    let mut out = Vec::new();
    let mut path: Vec<String> = Vec::new();
    let mut levels: Vec<Level> = Vec::new();
    let mut parser = Parser::new_from_str(text);
    let pointer = |path: &[String], last: &str| {
        let mut p = String::new();
        for token in path.iter().map(String::as_str).chain([last]) {
            p.push('/');
            p.push_str(&escape_token(token));
        }
        p
    };
    // The token of the node about to be read, and whether it is a key.
    let next = |levels: &[Level]| -> (Option<String>, bool) {
        match levels.last() {
            None => (None, false),
            Some(Level::Seq(i)) => (Some(i.to_string()), false),
            Some(Level::Map(None)) => (None, true),
            Some(Level::Map(Some(key))) => (Some(key.clone()), false),
        }
    };
    // After a node: a sequence moves on, a mapping takes the key or ends the entry.
    let advance = |levels: &mut Vec<Level>, key: Option<String>| match levels.last_mut() {
        Some(Level::Seq(i)) => *i += 1,
        Some(Level::Map(slot)) => {
            *slot = match slot {
                None => Some(key.unwrap_or_default()),
                Some(_) => None,
            }
        }
        None => {}
    };
    let mut documents = 0;
    while let Some(Ok((event, span))) = parser.next_event() {
        match event {
            Event::DocumentStart(_) => {
                documents += 1;
                if documents > 1 {
                    break;
                }
            }
            Event::DocumentEnd => break,
            Event::SequenceStart(..) | Event::MappingStart(..) => {
                if levels.len() >= MAX_DEPTH {
                    break;
                }
                let (token, _) = next(&levels);
                if let Some(token) = token {
                    path.push(token);
                } else if !levels.is_empty() {
                    // A collection as a key: not something manifests do.
                    break;
                }
                levels.push(match event {
                    Event::SequenceStart(..) => Level::Seq(0),
                    _ => Level::Map(None),
                });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                levels.pop();
                if !levels.is_empty() {
                    path.pop();
                }
                advance(&mut levels, None);
            }
            Event::Alias(_) => advance(&mut levels, None),
            Event::Scalar(text, style, _, tag) => {
                let (token, is_key) = next(&levels);
                let merge = is_key && is_merge_key(&text, style, tag.as_deref());
                let read = read_scalar(text.as_ref().into(), style, tag.as_deref(), dialect);
                let key = match (&read, merge) {
                    (_, true) => Some(MERGE.to_string()),
                    (Ok((value, _)), false) if is_key => scalar_key(value.clone()),
                    _ => None,
                };
                if let Ok((value, true)) = read
                    && !path.iter().any(|t| t == MERGE)
                {
                    let last = if is_key {
                        key.as_deref().unwrap_or_default()
                    } else {
                        token.as_deref().unwrap_or_default()
                    };
                    let pos = pos_of(&span);
                    out.push(AmbiguousScalar {
                        pointer: if levels.is_empty() {
                            String::new()
                        } else {
                            pointer(&path, last)
                        },
                        is_key,
                        text: text.into_owned(),
                        value,
                        pos: Pos {
                            line: pos.line + first_line - 1,
                            col: pos.col,
                        },
                    });
                }
                advance(&mut levels, key);
            }
            _ => {}
        }
    }
    out
}

/// The result of locating a JSON pointer in a node tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Located {
    /// Where the value (or the deepest existing ancestor) starts.
    pub value: Pos,
    /// Where its key starts, when the value is a mapping entry.
    pub key: Option<Pos>,
    /// Whether the whole pointer resolved.
    pub exact: bool,
}

impl Located {
    /// The key's position if there is one, else the value's.
    pub fn key_or_value(&self) -> Pos {
        self.key.unwrap_or(self.value)
    }
}

/// Splits a JSON pointer into unescaped tokens.
pub fn pointer_tokens(pointer: &str) -> impl Iterator<Item = String> + '_ {
    pointer.split('/').skip(1).map(unescape_token)
}

/// Unescapes one JSON pointer token (`a~1b` -> `a/b`).
pub fn unescape_token(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

/// Escapes one token for a JSON pointer.
pub fn escape_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_of_keys_and_values() {
        let docs = parse_stream("a: 1\nb:\n  c: [x, y]\n---\nz: true\n").unwrap();
        assert_eq!(docs.len(), 2);
        let root = docs[0].root.as_ref().unwrap();
        let loc = root.locate("/b/c/1");
        assert_eq!(loc.value, Pos { line: 3, col: 10 });
        let loc = root.locate("/b/c");
        assert_eq!(loc.key, Some(Pos { line: 3, col: 3 }));
        assert_eq!(
            docs[1].root.as_ref().unwrap().to_value(),
            serde_json::json!({"z": true})
        );
    }

    #[test]
    fn scalars_follow_the_core_schema() {
        let docs = parse_stream("a: 010\nb: '1'\nc: 1.5\nd: yes\ne: ~\nf: 0x1F\ng: 1e3\nh: 500m\n")
            .unwrap();
        let v = docs[0].root.as_ref().unwrap().to_value();
        assert_eq!(
            v,
            serde_json::json!({"a": 10, "b": "1", "c": 1.5, "d": "yes", "e": null, "f": 31, "g": 1000.0, "h": "500m"})
        );
    }

    #[test]
    fn duplicate_keys_are_errors() {
        let err = parse_stream("a: 1\nb: 2\na: 3\n").unwrap_err();
        assert_eq!(err.pos, Pos { line: 3, col: 1 });
        assert!(err.message.contains("duplicate key `a`"), "{}", err.message);
    }

    #[test]
    fn syntax_errors_carry_positions() {
        let err = parse_stream("a: [1, 2\nb: 3\n").unwrap_err();
        assert!(err.pos.line >= 1);
    }

    fn read_as(dialect: Dialect, text: &str) -> Value {
        let docs = parse_values_full(text, false, dialect).unwrap();
        let positional = parse_stream_as(text, dialect).unwrap()[0]
            .root
            .as_ref()
            .unwrap()
            .to_value();
        let value = docs[0].value.clone().unwrap();
        assert_eq!(value, positional, "{text}");
        value
    }

    #[test]
    fn kubernetes_reads_yaml_1_1_as_kubectl_does() {
        let v = read_as(
            Dialect::Kubernetes,
            "a: yes\nb: On\nc: n\nd: 010\ne: 0x1F\nf: 0b101\ng: 1_000\nh: 1e3\ni: 1.5\nj: 1:20\nk: 08\nl: yEs\nm: 0O17\nnn: 1.0\no: '010'\np: 2001-12-14\nq: 9223372036854775808\nyes: key\n",
        );
        assert_eq!(
            v,
            serde_json::json!({"a": true, "b": true, "c": false, "d": 8, "e": 31, "f": 5,
                "g": 1000, "h": 1000, "i": 1.5, "j": "1:20", "k": 8, "l": "yEs", "m": 15,
                "nn": 1, "o": "010", "p": "2001-12-14", "q": 9223372036854775808.0,
                "true": "key"})
        );
        let err = parse_values_full("a: .inf\n", false, Dialect::Kubernetes).unwrap_err();
        assert_eq!(err.pos, Pos { line: 1, col: 4 });
        assert!(err.message.contains("cannot carry"), "{}", err.message);
    }

    #[test]
    fn compose_reads_yaml_1_1_as_docker_compose_does() {
        let v = read_as(
            Dialect::Compose,
            "a: yes\nb: y\nc: off\nd: 010\ne: 0x1F\nf: 0b101\ng: 1_000\nh: 1e3\ni: 1.5e+3\nj: 1:20\nk: 08\nl: 0o17\nm: .inf\n",
        );
        assert_eq!(
            v,
            serde_json::json!({"a": true, "b": "y", "c": false, "d": 8, "e": 31, "f": 5,
                "g": 1000, "h": "1e3", "i": 1500.0, "j": 80, "k": "08", "l": "0o17",
                "m": ".inf"})
        );
    }

    #[test]
    fn ambiguous_scalars_are_flagged_and_listed() {
        let text = "a: yes\nb: 'yes'\nc: 10\nlabels:\n  on: x\n  d: [0b1, true]\n";
        let docs = parse_values_full(text, false, Dialect::Kubernetes).unwrap();
        assert!(docs[0].ambiguous);
        let found: Vec<(String, String, bool)> = ambiguous_scalars(text, Dialect::Kubernetes, 3)
            .into_iter()
            .map(|a| (a.pointer, format!("{}@{}", a.text, a.pos), a.is_key))
            .collect();
        assert_eq!(
            found,
            [
                ("/a".into(), "yes@3:4".into(), false),
                ("/labels/true".into(), "on@7:3".into(), true),
                ("/labels/d/0".into(), "0b1@8:7".into(), false),
            ]
        );
        let plain = parse_values_full("a: true\nb: '010'\n", false, Dialect::Kubernetes).unwrap();
        assert!(!plain[0].ambiguous);
    }

    #[test]
    fn a_quoted_merge_key_is_an_ordinary_key() {
        for dialect in [Dialect::Kubernetes, Dialect::Core] {
            let v = read_as(dialect, "\"<<\": {a: 1}\nb: x\n");
            assert_eq!(v, serde_json::json!({"<<": {"a": 1}, "b": "x"}));
        }
        for text in ["b: 1\n<<: 2\n", "b: 1\n<<: [{a: 1}, 2]\n"] {
            let err = parse_values_full(text, false, Dialect::Kubernetes).unwrap_err();
            assert_eq!(err.pos.line, 2, "{text}");
            assert!(err.message.contains("merge key"), "{}", err.message);
            let err = parse_stream_as(text, Dialect::Kubernetes).unwrap_err();
            assert_eq!(err.pos.line, 2, "{text}");
        }
    }

    #[test]
    fn alias_bombs_and_deep_nesting_are_errors() {
        let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x]\n");
        for (prev, name) in ["a", "b", "c", "d", "e", "f", "g", "h"]
            .iter()
            .zip(["b", "c", "d", "e", "f", "g", "h", "i"])
        {
            bomb.push_str(&format!(
                "{name}: &{name} [{}]\n",
                vec![format!("*{prev}"); 9].join(", ")
            ));
        }
        let err = parse_values_full(&bomb, false, Dialect::Kubernetes).unwrap_err();
        assert!(
            err.message.starts_with("excessive aliasing"),
            "{}",
            err.message
        );
        assert!(err.pos.line > 1);
        let err = parse_stream(&bomb).unwrap_err();
        assert!(
            err.message.starts_with("excessive aliasing"),
            "{}",
            err.message
        );
        let deep = format!("a: {}{}\n", "[".repeat(100_000), "]".repeat(100_000));
        let err = parse_values(&deep, false, Dialect::Kubernetes).unwrap_err();
        assert!(err.message.contains("nested more than"), "{}", err.message);
        assert_eq!(err.pos.line, 1);
        assert!(parse_stream(&deep).is_err());
        let block: String = (0..200).map(|i| format!("{}k:\n", " ".repeat(i))).collect();
        assert!(parse_values(&block, false, Dialect::Kubernetes).is_err());
        let ok = format!("{}{}\n", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(parse_values(&ok, false, Dialect::Kubernetes).is_ok());
    }

    #[test]
    fn anchors_and_merge_keys() {
        let docs = parse_stream("base: &b {x: 1, y: 2}\nother:\n  <<: *b\n  y: 3\n").unwrap();
        let v = docs[0].root.as_ref().unwrap().to_value();
        assert_eq!(v["other"], serde_json::json!({"y": 3, "x": 1}));
    }
}
