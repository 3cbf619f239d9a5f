//! A YAML reader that keeps positions: every node knows the line and column it starts at.
//!
//! Used where a location matters (spec files, findings, schema errors); the values it
//! produces follow the YAML 1.2 core schema, as Kubernetes tooling reads manifests.

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
    YamlError {
        pos: Pos {
            line: e.marker().line() as u32,
            col: e.marker().col() as u32 + 1,
        },
        message: e.info().to_string(),
    }
}

/// Parses a multi-document YAML stream, keeping positions.
///
/// Duplicate keys in a mapping are errors (YAML forbids them; peers silently keep the last).
/// Anchors and aliases are resolved. Empty documents are kept as `root: None`.
pub fn parse_stream(text: &str) -> Result<Vec<YamlDocument>, YamlError> {
    let mut parser = Parser::new_from_str(text);
    let mut docs = Vec::new();
    let mut anchors: Vec<(usize, Node)> = Vec::new();
    let mut stack: Vec<Frame> = Vec::new();
    let mut doc_pos = Pos { line: 1, col: 1 };
    let mut current: Option<Node> = None;
    while let Some(item) = parser.next_event() {
        let (event, span) = item.map_err(|e| scan_error(&e))?;
        let pos = pos_of(&span);
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
            Event::Alias(id) => match anchors.iter().rev().find(|(a, _)| *a == id) {
                Some((_, node)) => Node {
                    pos,
                    kind: node.kind.clone(),
                },
                None => {
                    return Err(YamlError {
                        pos,
                        message: "alias to an unknown anchor".into(),
                    });
                }
            },
            Event::Scalar(text, style, anchor, tag) => {
                let value = resolve_scalar(&text, style, tag.as_deref());
                let node = Node {
                    pos,
                    kind: NodeKind::Scalar(value),
                };
                if anchor > 0 {
                    anchors.push((anchor, node.clone()));
                }
                node
            }
            Event::SequenceStart(anchor, _) => {
                stack.push(Frame::Seq {
                    pos,
                    anchor,
                    items: Vec::new(),
                });
                continue;
            }
            Event::MappingStart(anchor, _) => {
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
                    anchors.push((anchor, node.clone()));
                }
                node
            }
        };
        push_node(&mut stack, &mut current, node)?;
    }
    Ok(docs)
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

/// Parses a multi-document YAML stream straight into values, without building a node tree
/// with positions: the fast path for validating many files.
///
/// Same values as [`parse_stream`] + [`Node::to_value`]; with `allow_duplicate_keys` the last
/// of duplicate keys wins, otherwise a duplicate key is an error.
pub fn parse_values(
    text: &str,
    allow_duplicate_keys: bool,
) -> Result<Vec<ValueDocument>, YamlError> {
    if let Some(docs) = super::fast::parse(text) {
        return Ok(docs);
    }
    parse_values_full(text, allow_duplicate_keys)
}

/// [`parse_values`] with the full reader only (no fast path).
pub fn parse_values_full(
    text: &str,
    allow_duplicate_keys: bool,
) -> Result<Vec<ValueDocument>, YamlError> {
    let mut parser = Parser::new_from_str(text);
    let mut docs = Vec::new();
    let mut anchors: Vec<(usize, Value)> = Vec::new();
    let mut stack: Vec<ValueFrame> = Vec::new();
    let mut doc_pos = Pos { line: 1, col: 1 };
    let mut root_pos: Option<Pos> = None;
    let mut current: Option<Value> = None;
    while let Some(item) = parser.next_event() {
        let (event, span) = item.map_err(|e| scan_error(&e))?;
        let value = match event {
            Event::StreamStart | Event::StreamEnd | Event::Nothing => continue,
            Event::DocumentStart(_) => {
                doc_pos = pos_of(&span);
                root_pos = None;
                current = None;
                anchors.clear();
                continue;
            }
            Event::DocumentEnd => {
                let value = current.take();
                docs.push(ValueDocument {
                    pos: root_pos.unwrap_or(doc_pos),
                    first_line: doc_pos.line,
                    null_fields: value.as_ref().is_some_and(has_null_field),
                    value,
                    plain: false,
                });
                continue;
            }
            Event::Alias(id) => match anchors.iter().rev().find(|(a, _)| *a == id) {
                Some((_, v)) => v.clone(),
                None => {
                    return Err(YamlError {
                        pos: pos_of(&span),
                        message: "alias to an unknown anchor".into(),
                    });
                }
            },
            Event::Scalar(text, style, anchor, tag) => {
                let value = resolve_scalar_owned(text, style, tag.as_deref());
                if anchor > 0 {
                    anchors.push((anchor, value.clone()));
                }
                if stack.is_empty() {
                    root_pos = Some(pos_of(&span));
                }
                value
            }
            Event::SequenceStart(anchor, _) => {
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
                    anchors.push((anchor, value.clone()));
                }
                value
            }
        };
        push_value(&mut stack, &mut current, value, &span, allow_duplicate_keys)?;
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
        pending_key: Option<String>,
        merged: Vec<(String, Value)>,
    },
}

fn push_value(
    stack: &mut [ValueFrame],
    current: &mut Option<Value>,
    value: Value,
    span: &Span,
    allow_duplicate_keys: bool,
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
            None => {
                let Some(key) = scalar_key(value) else {
                    return Err(YamlError {
                        pos: pos_of(span),
                        message: "a mapping key must be a scalar".into(),
                    });
                };
                if !allow_duplicate_keys && key != "<<" && map.contains_key(&key) {
                    // The positional parser names the line of the first occurrence.
                    return Err(YamlError {
                        pos: pos_of(span),
                        message: format!("duplicate key `{key}`; remove one of them"),
                    });
                }
                *pending_key = Some(key);
            }
            Some(key) => {
                if key == "<<" {
                    merge_values(merged, value);
                } else {
                    map.insert(key, value);
                }
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
fn merge_values(merged: &mut Vec<(String, Value)>, value: Value) {
    let sources = match value {
        Value::Object(m) => vec![m],
        Value::Array(items) => items
            .into_iter()
            .filter_map(|v| match v {
                Value::Object(m) => Some(m),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    for source in sources {
        for (key, value) in source {
            if !merged.iter().any(|(k, _)| *k == key) {
                merged.push((key, value));
            }
        }
    }
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
        pending_key: Option<(String, Pos)>,
        merged: Vec<Entry>,
    },
}

fn push_node(stack: &mut [Frame], current: &mut Option<Node>, node: Node) -> Result<(), YamlError> {
    match stack.last_mut() {
        None => *current = Some(node),
        Some(Frame::Seq { items, .. }) => items.push(node),
        Some(Frame::Map {
            entries,
            pending_key,
            merged,
            ..
        }) => match pending_key.take() {
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
                    if key != "<<" {
                        return Err(YamlError {
                            pos: node.pos,
                            message: format!(
                                "duplicate key `{key}` (first defined at line {}); remove one of them",
                                first.key_pos.line
                            ),
                        });
                    }
                }
                *pending_key = Some((key, node.pos));
            }
            Some((key, key_pos)) => {
                if key == "<<" {
                    merge_keys(merged, node);
                } else {
                    entries.push(Entry {
                        key,
                        key_pos,
                        value: node,
                    });
                }
            }
        },
    }
    Ok(())
}

/// Collects the entries of a YAML merge key (`<<: *base`); keys set in the map itself win.
fn merge_keys(merged: &mut Vec<Entry>, node: Node) {
    let sources = match node.kind {
        NodeKind::Map(m) => vec![m],
        NodeKind::Seq(items) => items
            .into_iter()
            .filter_map(|n| match n.kind {
                NodeKind::Map(m) => Some(m),
                _ => None,
            })
            .collect(),
        NodeKind::Scalar(_) => Vec::new(),
    };
    for source in sources {
        for entry in source {
            if !merged.iter().any(|e| e.key == entry.key) {
                merged.push(entry);
            }
        }
    }
}

/// [`resolve_scalar`] for a scalar the parser hands over: a string is moved, not copied, and
/// plain text that cannot be a null, boolean or number is a string without further checks.
pub(crate) fn resolve_scalar_owned(
    text: std::borrow::Cow<'_, str>,
    style: ScalarStyle,
    tag: Option<&saphyr_parser::Tag>,
) -> Value {
    let plain_string = style != ScalarStyle::Plain
        || text
            .as_bytes()
            .first()
            .is_some_and(|b| b.is_ascii_alphabetic() && !b"nNtTfF".contains(b));
    if tag.is_none() && plain_string {
        return Value::String(text.into_owned());
    }
    resolve_scalar(&text, style, tag)
}

/// Resolves a scalar by the YAML 1.2 core schema (plain scalars only; quoted ones are strings).
pub fn resolve_scalar(text: &str, style: ScalarStyle, tag: Option<&saphyr_parser::Tag>) -> Value {
    if let Some(tag) = tag {
        if tag.handle == "tag:yaml.org,2002:" || tag.handle == "!!" {
            match tag.suffix.as_str() {
                "str" | "binary" => return Value::String(text.to_string()),
                "null" => return Value::Null,
                _ => {}
            }
        }
    }
    if style != ScalarStyle::Plain {
        return Value::String(text.to_string());
    }
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return Value::String(text.to_string());
        }
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

    #[test]
    fn anchors_and_merge_keys() {
        let docs = parse_stream("base: &b {x: 1, y: 2}\nother:\n  <<: *b\n  y: 3\n").unwrap();
        let v = docs[0].root.as_ref().unwrap().to_value();
        assert_eq!(v["other"], serde_json::json!({"y": 3, "x": 1}));
    }
}
