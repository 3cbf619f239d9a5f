//! Manifests in, documents with positions out.
//!
//! A [`Source`] is one file (or stdin) and its text. [`load`] splits it into [`Document`]s,
//! each with its parsed value. Positions are looked up lazily, only when something needs to
//! point at a line, so the common path (everything valid) never pays for them:
//! [`Document::locate`] reads the lines on the pointer's path in documents of the plain shape
//! most manifests have, and re-reads any other document with positions.
//!
//! Plain scalars are read as the file's consumer reads them (see [`Dialect`]): Compose files
//! (by name, or a first document with `services` and no `kind`) as docker-compose does,
//! everything else as Kubernetes does. No input can exhaust the machine: a file is read up
//! to [`MAX_INPUT_BYTES`], folders yield regular files only (a FIFO would block forever), and
//! the readers refuse deep nesting and alias bombs (see [`yaml`]).

pub mod fast;
pub mod yaml;

use std::fmt;
use std::path::Path;
use std::sync::{Arc, OnceLock};

use serde_json::Value;

pub use yaml::{Dialect, Pos, YamlError};

/// The largest input shipshape reads from one file or from standard input (64 MiB): a
/// manifest stream is far smaller; `/dev/zero` or an endless pipe is refused at this size.
pub const MAX_INPUT_BYTES: u64 = 64 << 20;

/// A file (or stdin) of YAML or JSON manifests.
#[derive(Debug)]
pub struct Source {
    /// The path as the user should see it (relative where given relative; `-` for stdin).
    pub path: String,
    /// The whole text.
    pub text: String,
    located: OnceLock<Result<Vec<yaml::YamlDocument>, YamlError>>,
    /// Per document (by index): the lines it spans, recorded by [`load_with`] so one
    /// document can be re-read with positions without re-reading the whole file.
    doc_lines: OnceLock<Vec<DocLines>>,
    doc_located: OnceLock<Box<[OnceLock<Option<yaml::Node>>]>>,
    /// The [`Dialect`] its scalars are read by, as an index into [`DIALECTS`] (set by
    /// [`load_with`]; Kubernetes until then).
    dialect: std::sync::atomic::AtomicU8,
}

const DIALECTS: [Dialect; 3] = [Dialect::Kubernetes, Dialect::Compose, Dialect::Core];

impl Source {
    /// A source from a display path and its text.
    pub fn new(path: impl Into<String>, text: impl Into<String>) -> Arc<Source> {
        Arc::new(Source {
            path: path.into(),
            text: text.into(),
            located: OnceLock::new(),
            doc_lines: OnceLock::new(),
            doc_located: OnceLock::new(),
            dialect: std::sync::atomic::AtomicU8::new(0),
        })
    }

    /// The dialect the source's scalars are read by.
    pub fn dialect(&self) -> Dialect {
        DIALECTS[usize::from(self.dialect.load(std::sync::atomic::Ordering::Relaxed)) % 3]
    }

    fn set_dialect(&self, dialect: Dialect) {
        let index = DIALECTS.iter().position(|d| *d == dialect).unwrap_or(0);
        self.dialect
            .store(index as u8, std::sync::atomic::Ordering::Relaxed);
    }

    /// Reads a file; the display path is the path as given.
    pub fn read(path: &Path) -> Result<Arc<Source>, LoadError> {
        let display = path.display().to_string();
        let bytes = read_bounded(path).map_err(|message| LoadError {
            path: display.clone(),
            pos: None,
            message,
        })?;
        Source::from_bytes(display, bytes)
    }

    /// Reads a file that shipshape looks up by its own name (a spec file, `shipshape.yaml`):
    /// as [`Source::read`], but a name that is not a regular file is refused unopened (see
    /// [`read_regular`]).
    pub fn read_regular(path: &Path) -> Result<Arc<Source>, LoadError> {
        let display = path.display().to_string();
        let bytes = read_regular(path).map_err(|message| LoadError {
            path: display.clone(),
            pos: None,
            message,
        })?;
        Source::from_bytes(display, bytes)
    }

    /// Reads standard input (at most [`MAX_INPUT_BYTES`]); its display path is `-`.
    pub fn read_stdin() -> Result<Arc<Source>, LoadError> {
        let bytes =
            read_limited(std::io::stdin().lock(), "standard input", 0).map_err(|message| {
                LoadError {
                    path: "-".into(),
                    pos: None,
                    message,
                }
            })?;
        Source::from_bytes("-".into(), bytes)
    }

    /// A source from raw bytes, which must be UTF-8 (the error points at the first bad byte).
    fn from_bytes(display: String, bytes: Vec<u8>) -> Result<Arc<Source>, LoadError> {
        match String::from_utf8(bytes) {
            Ok(text) => Ok(Source::new(display, text)),
            Err(e) => Err(LoadError {
                pos: Some(pos_at_offset(
                    &String::from_utf8_lossy(e.as_bytes()),
                    e.utf8_error().valid_up_to(),
                )),
                path: display,
                message: "file is not valid UTF-8".into(),
            }),
        }
    }

    /// The stream parsed with positions (parsed once, on first use).
    pub fn located(&self) -> Result<&[yaml::YamlDocument], &YamlError> {
        self.located
            .get_or_init(|| yaml::parse_stream_as(&self.text, self.dialect()))
            .as_ref()
            .map(Vec::as_slice)
    }

    /// The root node of one document, with positions. Re-reads only that document's lines
    /// when [`load_with`] recorded them, else the whole stream (once).
    pub fn located_document(&self, index: usize) -> Option<&yaml::Node> {
        if let Some(Ok(docs)) = self.located.get() {
            return docs.get(index)?.root.as_ref();
        }
        let per_doc = self.doc_located.get().and_then(|docs| docs.get(index));
        let (Some(cell), Some(lines)) = (per_doc, self.doc_lines.get().and_then(|l| l.get(index)))
        else {
            return self.located().ok()?.get(index)?.root.as_ref();
        };
        let node = cell.get_or_init(|| self.parse_lines(lines.first, lines.end));
        match node {
            Some(node) => Some(node),
            None => self.located().ok()?.get(index)?.root.as_ref(),
        }
    }

    /// One document's root node with positions, parsed afresh and not kept: for callers that
    /// locate in many documents once each, so that memory holds one tree at a time. Falls
    /// back to the (kept) whole-stream parse when the document's lines are not known.
    pub fn document_positions(&self, index: usize) -> Option<yaml::Node> {
        if let Some(Ok(docs)) = self.located.get() {
            return docs.get(index)?.root.clone();
        }
        if let Some(lines) = self.doc_lines.get().and_then(|l| l.get(index))
            && let Some(root) = self.parse_lines(lines.first, lines.end)
        {
            return Some(root);
        }
        self.located().ok()?.get(index)?.root.clone()
    }

    /// Locates a JSON pointer in one document by reading only the lines on its path, when
    /// the document keeps to the plain shape (`None` otherwise: the caller reads the
    /// document with positions).
    fn locate_along(&self, index: usize, pointer: &str) -> Option<yaml::Located> {
        let lines = self.doc_lines.get()?.get(index)?;
        if !lines.plain {
            return None;
        }
        fast::locate(
            line_slice(&self.text, lines.first, lines.end),
            lines.first,
            pointer,
            self.dialect(),
        )
    }

    /// Parses lines `[first, end)` with positions as they are in the whole file (with the
    /// fast reader when the lines keep to its shape).
    fn parse_lines(&self, first: u32, end: u32) -> Option<yaml::Node> {
        let slice = line_slice(&self.text, first, end);
        if let Some(roots) = fast::parse_nodes(slice, first, self.dialect()) {
            return roots.into_iter().next();
        }
        let docs = yaml::parse_stream_as(slice, self.dialect()).ok()?;
        let mut root = docs.into_iter().find_map(|d| d.root)?;
        root.shift_lines(first - 1);
        Some(root)
    }

    /// The text of one line (1-based), without its line break (the lines of [`str::lines`]).
    pub fn line_text(&self, line: u32) -> Option<&str> {
        if line == 0 {
            return None;
        }
        let text = line_slice(&self.text, line, line.saturating_add(1));
        Some(match text.strip_suffix('\n') {
            Some(text) => text.strip_suffix('\r').unwrap_or(text),
            None if text.is_empty() => return None,
            None => text,
        })
    }
}

/// The lines of one document of a source.
#[derive(Debug, Clone, Copy)]
struct DocLines {
    /// The first line (its `---` marker or its first content), 1-based.
    first: u32,
    /// The line after its last (the next document's first), or `u32::MAX`.
    end: u32,
    /// Whether the lines keep to the fast reader's plain shape.
    plain: bool,
}

/// Where something is: file, line and column (1-based).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct Location {
    /// The file as the user should see it.
    pub file: String,
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub col: u32,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.col)
    }
}

/// What a file of manifests is: it decides the schema a document is validated against and
/// how diffs identify objects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Target {
    /// A stream of Kubernetes objects (apiVersion group, kind, namespace, name).
    Kubernetes,
    /// A Compose file (services, volumes, networks, secrets, configs by name).
    Compose,
    /// Helm values (one object, compared by key path).
    HelmValues,
}

impl Target {
    /// The lowercase name used in output.
    pub fn as_str(self) -> &'static str {
        match self {
            Target::Kubernetes => "kubernetes",
            Target::Compose => "compose",
            Target::HelmValues => "helm-values",
        }
    }
}

impl From<crate::spec::Target> for Target {
    fn from(target: crate::spec::Target) -> Target {
        match target {
            crate::spec::Target::Kubernetes => Target::Kubernetes,
            crate::spec::Target::Helm => Target::HelmValues,
            crate::spec::Target::Compose => Target::Compose,
        }
    }
}

impl Target {
    /// The target of a rendered or golden file by its name: `values.yaml` is Helm values,
    /// `compose.yaml` Compose, anything else Kubernetes.
    pub fn of_file_name(path: &str) -> Target {
        crate::spec::Target::ALL
            .into_iter()
            .find(|t| path.rsplit('/').next() == Some(t.file_name()))
            .map_or(Target::Kubernetes, Target::from)
    }

    /// What a file of this target is, for messages: `a Kubernetes manifest`.
    pub fn describe(self) -> &'static str {
        match self {
            Target::Kubernetes => "a Kubernetes manifest",
            Target::Compose => "a Compose file",
            Target::HelmValues => "a Helm values file",
        }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A file that could not be read or parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}{}: {message}", path, pos.map(|p| format!(":{p}")).unwrap_or_default())]
pub struct LoadError {
    /// The file.
    pub path: String,
    /// Where in it, when known.
    pub pos: Option<Pos>,
    /// What is wrong.
    pub message: String,
}

impl LoadError {
    /// The error's location (line 1, column 1 when the position is unknown).
    pub fn location(&self) -> Location {
        let pos = self.pos.unwrap_or(Pos { line: 1, col: 1 });
        Location {
            file: self.path.clone(),
            line: pos.line,
            col: pos.col,
        }
    }
}

/// One document of a manifest stream.
#[derive(Debug, Clone)]
pub struct Document {
    /// The file it came from.
    pub source: Arc<Source>,
    /// 0-based index of the document in its file (empty documents count).
    pub index: usize,
    /// Where the document starts.
    pub pos: Pos,
    /// The parsed value.
    pub value: Value,
    /// Whether a mapping in the value has a field set to null (read with the value, so that
    /// validation need not search for them).
    pub null_fields: bool,
    /// Whether a plain scalar in it reads differently by its dialect than by the YAML 1.2
    /// core schema (`yes`, `010`): [`Document::ambiguous_scalars`] lists them.
    pub ambiguous: bool,
}

impl Document {
    /// `apiVersion`, when it is a string.
    pub fn api_version(&self) -> Option<&str> {
        self.value.get("apiVersion")?.as_str()
    }

    /// `kind`, when it is a string.
    pub fn kind(&self) -> Option<&str> {
        self.value.get("kind")?.as_str()
    }

    /// `metadata.name`, when it is a string.
    pub fn name(&self) -> Option<&str> {
        self.value.get("metadata")?.get("name")?.as_str()
    }

    /// `metadata.namespace`, when it is a string.
    pub fn namespace(&self) -> Option<&str> {
        self.value.get("metadata")?.get("namespace")?.as_str()
    }

    /// `Kind/name` (or `Kind/namespace/name`) for messages.
    pub fn display_name(&self) -> String {
        object_display_name(self.kind(), self.namespace(), self.name())
    }

    /// The location of the value at a JSON pointer (`/spec/replicas`), or of the deepest
    /// existing ancestor when the pointer goes past what the document has.
    pub fn locate(&self, pointer: &str) -> Location {
        self.locate_with(pointer, |l| l.value)
    }

    /// The location of the key at a JSON pointer (for unknown or misspelled fields), or of the
    /// value when the pointer ends in a sequence index.
    pub fn locate_key(&self, pointer: &str) -> Location {
        self.locate_with(pointer, |l| l.key_or_value())
    }

    fn locate_with(&self, pointer: &str, pick: impl Fn(&yaml::Located) -> Pos) -> Location {
        self.locate_in(pointer, || self.source.located_document(self.index), pick)
    }

    /// Locates a pointer along its path where the document keeps to the plain shape, else
    /// in the tree `tree` gives (at the document's start without one).
    fn locate_in<'t>(
        &self,
        pointer: &str,
        tree: impl FnOnce() -> Option<&'t yaml::Node>,
        pick: impl Fn(&yaml::Located) -> Pos,
    ) -> Location {
        let pos = match self.source.locate_along(self.index, pointer) {
            Some(located) => pick(&located),
            None => match tree() {
                Some(root) => pick(&root.locate(pointer)),
                None => self.pos,
            },
        };
        self.location_at(pos)
    }

    fn location_at(&self, pos: Pos) -> Location {
        Location {
            file: self.source.path.clone(),
            line: pos.line,
            col: pos.col,
        }
    }

    /// The document's positions for locating many findings of it, kept by the returned
    /// value rather than by its source (see [`Source::document_positions`]), so that the tree,
    /// when one is needed, goes with it.
    pub fn positions(&self) -> Positions<'_> {
        Positions {
            doc: self,
            root: std::cell::OnceCell::new(),
        }
    }

    /// The location where the document starts.
    pub fn location(&self) -> Location {
        self.location_at(self.pos)
    }

    /// The plain scalars of the document that its dialect reads differently than the YAML
    /// 1.2 core schema does (`privileged: yes`, `replicas: 010`), read again from its lines
    /// only when the reader flagged some.
    pub fn ambiguous_scalars(&self) -> Vec<yaml::AmbiguousScalar> {
        if !self.ambiguous {
            return Vec::new();
        }
        let (text, first) = match self.source.doc_lines.get().and_then(|l| l.get(self.index)) {
            Some(lines) => (
                line_slice(&self.source.text, lines.first, lines.end),
                lines.first,
            ),
            None => return Vec::new(),
        };
        yaml::ambiguous_scalars(text, self.source.dialect(), first)
    }
}

/// A document with its positions, owned: [`Document::locate`] and
/// [`Document::locate_key`] without keeping a tree in the source. Pointers are located along
/// their path where the document keeps to the plain shape; otherwise the document is read
/// with positions once, on first use.
pub struct Positions<'a> {
    doc: &'a Document,
    root: std::cell::OnceCell<Option<yaml::Node>>,
}

impl Positions<'_> {
    /// See [`Document::locate`].
    pub fn locate(&self, pointer: &str) -> Location {
        self.locate_with(pointer, |l| l.value)
    }

    /// See [`Document::locate_key`].
    pub fn locate_key(&self, pointer: &str) -> Location {
        self.locate_with(pointer, |l| l.key_or_value())
    }

    fn locate_with(&self, pointer: &str, pick: impl Fn(&yaml::Located) -> Pos) -> Location {
        let doc = self.doc;
        doc.locate_in(
            pointer,
            || {
                self.root
                    .get_or_init(|| doc.source.document_positions(doc.index))
                    .as_ref()
            },
            pick,
        )
    }
}

/// A list document: `kind: List`, or a typed list such as `ConfigMapList` or `RoleList` (what
/// `kubectl get -o yaml` and the API server write), with an `items` list.
#[derive(Debug, Clone, Copy)]
pub struct List<'v> {
    /// The items, each an object of its own.
    pub items: &'v [Value],
    /// For a typed list, the `apiVersion` and kind of its items: the API server leaves them
    /// out of the items of a typed list.
    pub item_type: Option<(&'v str, &'v str)>,
}

impl<'v> List<'v> {
    /// The list a document is, if it is one: its kind is `List` or ends in `List`, and it has
    /// an `items` list.
    pub fn of(value: &'v Value) -> Option<List<'v>> {
        let kind = value.get("kind")?.as_str()?;
        let prefix = kind.strip_suffix("List")?;
        let items = value.get("items")?.as_array()?;
        let api_version = value.get("apiVersion").and_then(Value::as_str);
        let item_type = match (prefix, api_version) {
            ("", _) | (_, None) => None,
            (kind, Some(api_version)) => Some((api_version, kind)),
        };
        Some(List { items, item_type })
    }

    /// An item with the `apiVersion` and `kind` it has in a typed list filled in where it
    /// leaves them out (borrowed unchanged when it has both or the list is not typed).
    pub fn typed_item(&self, item: &'v Value) -> std::borrow::Cow<'v, Value> {
        use std::borrow::Cow;
        let Some((api_version, kind)) = self.item_type else {
            return Cow::Borrowed(item);
        };
        let Value::Object(fields) = item else {
            return Cow::Borrowed(item);
        };
        if fields.contains_key("apiVersion") && fields.contains_key("kind") {
            return Cow::Borrowed(item);
        }
        let mut typed = serde_json::Map::with_capacity(fields.len() + 2);
        typed.insert(
            "apiVersion".into(),
            fields
                .get("apiVersion")
                .cloned()
                .unwrap_or_else(|| api_version.into()),
        );
        typed.insert(
            "kind".into(),
            fields.get("kind").cloned().unwrap_or_else(|| kind.into()),
        );
        for (key, field) in fields {
            if key != "apiVersion" && key != "kind" {
                typed.insert(key.clone(), field.clone());
            }
        }
        Cow::Owned(Value::Object(typed))
    }
}

/// `Kind/name` or `Kind/namespace/name` of an object for messages, with `<no kind>` and
/// `<no name>` for what it lacks.
pub fn object_display_name(
    kind: Option<&str>,
    namespace: Option<&str>,
    name: Option<&str>,
) -> String {
    let kind = kind.unwrap_or("<no kind>");
    let name = name.unwrap_or("<no name>");
    match namespace {
        Some(ns) => format!("{kind}/{ns}/{name}"),
        None => format!("{kind}/{name}"),
    }
}

/// How [`load_with`] reads a stream.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LoadOptions {
    /// Let the last of duplicate keys win instead of failing (what most YAML readers do).
    pub allow_duplicate_keys: bool,
    /// The dialect to read by; `None` decides by the file (see [`dialect_of`]).
    pub dialect: Option<Dialect>,
}

/// Whether a file's name says it is a Compose file (`compose.yaml`, `docker-compose.yml`).
pub fn is_compose_file_name(path: &str) -> bool {
    let name = path
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(path)
        .to_ascii_lowercase();
    name.starts_with("docker-compose") || name.starts_with("compose.")
}

/// The dialect a stream read as Kubernetes should have been read by: Compose when no
/// document has a `kind` and the first has a `services` mapping.
fn dialect_of(docs: &[yaml::ValueDocument]) -> Dialect {
    let values = || docs.iter().filter_map(|d| d.value.as_ref());
    let compose = values().all(|v| v.get("kind").is_none())
        && values()
            .next()
            .and_then(|v| v.get("services"))
            .is_some_and(Value::is_object);
    if compose {
        Dialect::Compose
    } else {
        Dialect::Kubernetes
    }
}

/// Splits a source into its documents, in order. Empty documents are left out.
///
/// A syntax error anywhere in the file is reported with its position; the documents are
/// not returned then (the file cannot be trusted past the error). Duplicate keys are errors.
pub fn load(source: &Arc<Source>) -> Result<Vec<Document>, LoadError> {
    load_with(source, &LoadOptions::default())
}

/// A duplicate key and where it is, reported by [`load_checking_duplicates`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuplicateKey {
    /// The reader's error: the second key's position and a message naming both lines.
    pub error: LoadError,
    /// The index (in the returned documents) of the document that holds it.
    pub document: Option<usize>,
}

/// Reads a source as [`load`] does, but a duplicate key does not stop it: the documents are
/// read with the last of the keys winning, and the (first) duplicate is returned with the
/// document that holds it, for the caller to report on that object. Other errors are errors.
pub fn load_checking_duplicates(
    source: &Arc<Source>,
    dialect: Option<Dialect>,
) -> Result<(Vec<Document>, Option<DuplicateKey>), LoadError> {
    let strict = LoadOptions {
        allow_duplicate_keys: false,
        dialect,
    };
    match load_with(source, &strict) {
        Ok(docs) => Ok((docs, None)),
        Err(error) if error.message.starts_with("duplicate key") => {
            let docs = load_with(
                source,
                &LoadOptions {
                    allow_duplicate_keys: true,
                    dialect,
                },
            )?;
            let at = error.pos.unwrap_or_default();
            let document = docs.iter().rposition(|d| d.pos <= at);
            Ok((docs, Some(DuplicateKey { error, document })))
        }
        Err(error) => Err(error),
    }
}

/// [`load`] with options. Values are parsed without positions (fast); positions are
/// computed on demand by [`Document::locate`].
pub fn load_with(source: &Arc<Source>, options: &LoadOptions) -> Result<Vec<Document>, LoadError> {
    let dialect = options
        .dialect
        .unwrap_or(if is_compose_file_name(&source.path) {
            Dialect::Compose
        } else {
            Dialect::Kubernetes
        });
    source.set_dialect(dialect);
    let mut read = yaml::parse_values(&source.text, options.allow_duplicate_keys, dialect);
    if options.dialect.is_none()
        && dialect == Dialect::Kubernetes
        && let Ok(docs) = &read
        && dialect_of(docs) == Dialect::Compose
    {
        source.set_dialect(Dialect::Compose);
        read = yaml::parse_values(&source.text, options.allow_duplicate_keys, Dialect::Compose);
    }
    let docs = match read {
        Ok(docs) => docs,
        Err(fast) => {
            // The positional parser words the same error with more context (the line of
            // the first of two duplicate keys).
            let e = match source.located() {
                Err(e)
                    if !options.allow_duplicate_keys || !e.message.starts_with("duplicate key") =>
                {
                    e.clone()
                }
                _ => fast,
            };
            return Err(LoadError {
                path: source.path.clone(),
                pos: Some(e.pos),
                message: e.message,
            });
        }
    };
    let mut lines: Vec<DocLines> = Vec::with_capacity(docs.len());
    for (i, d) in docs.iter().enumerate() {
        let end = docs.get(i + 1).map_or(u32::MAX, |next| next.first_line);
        lines.push(DocLines {
            first: d.first_line,
            end: end.max(d.first_line),
            plain: d.plain,
        });
    }
    let _ = source.doc_located.set(
        std::iter::repeat_with(OnceLock::new)
            .take(lines.len())
            .collect(),
    );
    let _ = source.doc_lines.set(lines);
    Ok(docs
        .into_iter()
        .enumerate()
        .filter_map(|(index, d)| {
            let value = d.value?;
            if value.is_null() {
                return None;
            }
            Some(Document {
                source: Arc::clone(source),
                index,
                pos: d.pos,
                value,
                null_fields: d.null_fields,
                ambiguous: d.ambiguous,
            })
        })
        .collect())
}

/// Reads a file of at most [`MAX_INPUT_BYTES`]; the error says what is wrong and how to fix
/// it. A device or pipe given by name is read up to the limit like a file.
pub fn read_bounded(path: &Path) -> Result<Vec<u8>, String> {
    let file = std::fs::File::open(path).map_err(|e| format!("cannot read file: {e}"))?;
    let meta = file.metadata().ok();
    if meta.as_ref().is_some_and(|m| m.is_dir()) {
        return Err("is a folder, not a file".into());
    }
    // A regular file's size is known: one allocation and one read, as `fs::read` does (a
    // growing buffer costs copies and fresh pages on every file of a large folder).
    let size = meta
        .filter(|m| m.is_file())
        .map_or(0, |m| m.len().min(MAX_INPUT_BYTES + 1) as usize);
    read_limited(file, "the file", size)
}

/// Reads a file that shipshape looks up by its own name, as [`read_bounded`] does, but
/// refuses a name that is not a regular file before opening it: opening a FIFO waits for a
/// writer that may never come, and a device may never end.
pub fn read_regular(path: &Path) -> Result<Vec<u8>, String> {
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_dir() => Err("is a folder, not a file".into()),
        Ok(meta) if !meta.is_file() => {
            Err("is not a regular file (a FIFO, socket or device); replace it with a file".into())
        }
        Err(e) => Err(format!("cannot read file: {e}")),
        Ok(_) => read_bounded(path),
    }
}

/// Reads everything from `reader` up to [`MAX_INPUT_BYTES`].
fn read_limited(reader: impl std::io::Read, what: &str, size: usize) -> Result<Vec<u8>, String> {
    // One byte more than the expected size, so reaching the end needs no second buffer.
    let mut bytes = Vec::with_capacity(size + 1);
    std::io::Read::read_to_end(&mut reader.take(MAX_INPUT_BYTES + 1), &mut bytes)
        .map_err(|e| format!("cannot read {what}: {e}"))?;
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        return Err(format!(
            "{what} is larger than {} MiB, the most shipshape reads from one input; split it into smaller files",
            MAX_INPUT_BYTES >> 20
        ));
    }
    Ok(bytes)
}

/// The text of lines `[first, end)` (1-based), line breaks included.
fn line_slice(text: &str, first: u32, end: u32) -> &str {
    let first = first.max(1);
    if end <= first {
        return "";
    }
    let mut breaks = line_breaks(text);
    let start = if first == 1 {
        0
    } else {
        match breaks.nth(first as usize - 2) {
            Some(start) => start,
            None => return "",
        }
    };
    let stop = breaks.nth((end - first - 1) as usize).unwrap_or(text.len());
    &text[start..stop]
}

/// Where each line after the first starts (the byte after each line break).
fn line_breaks(text: &str) -> impl Iterator<Item = usize> + '_ {
    memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1)
}

/// Warns on stderr that a folder given on the command line holds no manifest files (a gate
/// pointed at the wrong folder would otherwise pass having checked nothing).
pub fn warn_no_manifests(dir: &Path) {
    eprintln!(
        "warning: {}: no .yaml, .yml or .json files in this folder",
        dir.display()
    );
}

/// Whether a file is kustomize's configuration (`kustomization.yaml`, `kustomization.yml` or
/// `Kustomization`) rather than a manifest: it has no apiVersion and kind of a resource.
pub fn is_kustomization(path: &Path) -> bool {
    matches!(
        path.file_name().and_then(|n| n.to_str()),
        Some("kustomization.yaml" | "kustomization.yml" | "Kustomization")
    )
}

/// Leaves the kustomization files (see [`is_kustomization`]) out of files found in folders,
/// with one note on stderr naming them.
pub fn skip_kustomizations(files: &mut Vec<std::path::PathBuf>) {
    let skipped: Vec<String> = files
        .iter()
        .filter(|p| is_kustomization(p))
        .map(|p| p.display().to_string())
        .collect();
    if skipped.is_empty() {
        return;
    }
    files.retain(|p| !is_kustomization(p));
    eprintln!(
        "note: skipped {} kustomize configuration file{} (not manifests; check what kustomize builds with `kustomize build DIR | shipshape validate -`): {}",
        skipped.len(),
        if skipped.len() == 1 { "" } else { "s" },
        skipped.join(", ")
    );
}

/// Every manifest file (`.yaml`, `.yml`, `.json`) under a folder, recursively, sorted; hidden
/// files and folders (`.git`) are left out. A manifest name that is not a regular file (a
/// FIFO, socket or device, which could block a reader forever or never end) is an error.
pub fn manifest_files(dir: &Path) -> std::io::Result<Vec<std::path::PathBuf>> {
    // Each folder's entries are sorted by name and folders are entered in that order, which
    // gives the paths in `Path` order without comparing whole paths afterwards.
    fn walk(dir: &Path, out: &mut Vec<std::path::PathBuf>) -> std::io::Result<()> {
        let mut entries = Vec::new();
        for entry in std::fs::read_dir(dir)? {
            let entry = entry?;
            let name = entry.file_name();
            if name.as_encoded_bytes().starts_with(b".") {
                continue;
            }
            // The entry's type comes with the listing; only a link needs a look at its target.
            let mut file_type = entry.file_type()?;
            if file_type.is_symlink() {
                file_type = std::fs::metadata(entry.path())?.file_type();
            }
            entries.push((name, file_type.is_dir(), file_type.is_file()));
        }
        entries.sort_unstable();
        for (name, is_dir, is_file) in entries {
            let path = dir.join(name);
            if is_dir {
                walk(&path, out)?;
            } else if matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("yaml" | "yml" | "json")
            ) {
                if !is_file {
                    return Err(std::io::Error::other(format!(
                        "{} is not a regular file (a FIFO, socket or device); move it out of the folder, or name it on the command line to read it",
                        path.display()
                    )));
                }
                out.push(path);
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    walk(dir, &mut out)?;
    Ok(out)
}

/// The line and column of a byte offset in a text.
pub fn pos_at_offset(text: &str, offset: usize) -> Pos {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() as u32 + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) as u32 + 1;
    Pos { line, col }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_slices() {
        let text = "a\nb\nc\nd";
        assert_eq!(line_slice(text, 1, 2), "a\n");
        assert_eq!(line_slice(text, 2, 4), "b\nc\n");
        assert_eq!(line_slice(text, 3, u32::MAX), "c\nd");
        assert_eq!(line_slice(text, 1, u32::MAX), text);
        assert_eq!(line_slice(text, 4, 5), "d");
        assert_eq!(line_slice(text, 5, 6), "");
        assert_eq!(line_slice(text, 2, 2), "");
    }

    #[test]
    fn manifest_files_come_in_path_order() {
        let dir = tempfile::tempdir().unwrap();
        for file in [
            "a.yaml",
            "a-b/c.yaml",
            "a/b.yml",
            "a/.hidden.yaml",
            ".git/x.yaml",
            "a b/z.json",
            "B.yaml",
            "a/notes.txt",
            "a/b/c/d.yaml",
            "a0.yaml",
        ] {
            let path = dir.path().join(file);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, "a: 1\n").unwrap();
        }
        let files = manifest_files(dir.path()).unwrap();
        let mut sorted = files.clone();
        sorted.sort();
        assert_eq!(files, sorted);
        let names: Vec<_> = files
            .iter()
            .map(|p| p.strip_prefix(dir.path()).unwrap().to_str().unwrap())
            .collect();
        assert_eq!(
            names,
            [
                "B.yaml",
                "a/b/c/d.yaml",
                "a/b.yml",
                "a b/z.json",
                "a-b/c.yaml",
                "a.yaml",
                "a0.yaml"
            ]
        );
    }

    #[test]
    fn line_texts_are_the_lines_of_the_text() {
        for text in [
            "a\nb\r\n\nc",
            "a\n",
            "",
            "\n\n",
            "a\r",
            "x\r\ny\r\n",
            "é\nü",
        ] {
            let src = Source::new("t.yaml", text);
            let lines: Vec<&str> = text.lines().collect();
            for n in 0..=lines.len() as u32 + 2 {
                let expected = n
                    .checked_sub(1)
                    .and_then(|i| lines.get(i as usize).copied());
                assert_eq!(src.line_text(n), expected, "{text:?} line {n}");
            }
        }
    }

    #[test]
    fn documents_know_where_they_are() {
        let src = Source::new(
            "k.yaml",
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n---\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: three\n",
        );
        let docs = load(&src).unwrap();
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[1].kind(), Some("Deployment"));
        assert_eq!(docs[1].index, 2);
        assert_eq!(docs[1].locate("/spec/replicas").to_string(), "k.yaml:12:13");
        assert_eq!(
            docs[1].locate_key("/spec/replicas").to_string(),
            "k.yaml:12:3"
        );
        assert_eq!(
            docs[1].locate("/spec/missing/deeper").to_string(),
            "k.yaml:12:3"
        );
    }

    #[test]
    fn one_document_is_located_like_the_whole_stream() {
        let text = "# lead\napiVersion: v1\nkind: A\n---\n\n---\nbase: &b {x: 1}\nitems:\n  - <<: *b\n    v: [1, 2]\n  - 'q'\n...\n---\nz: null\nw: |\n  text\n";
        let fast = load(&Source::new("f.yaml", text)).unwrap();
        let whole = Source::new("f.yaml", text);
        whole.located().unwrap();
        let reference = load(&whole).unwrap();
        assert_eq!(fast.len(), 3);
        for (a, b) in fast.iter().zip(&reference) {
            assert_eq!(a.value, b.value);
            assert_eq!(a.pos, b.pos);
            for pointer in [
                "",
                "/kind",
                "/items/0/v/1",
                "/items/1",
                "/base/x",
                "/w",
                "/z",
                "/nope",
            ] {
                assert_eq!(a.locate(pointer), b.locate(pointer), "{pointer}");
                assert_eq!(a.locate_key(pointer), b.locate_key(pointer), "{pointer}");
            }
        }
        assert_eq!(fast[1].locate("/items/0/v/1").to_string(), "f.yaml:10:12");
        assert_eq!(fast[2].locate_key("/w").to_string(), "f.yaml:15:1");
    }

    #[test]
    fn fast_values_match_the_positional_reader() {
        let text = "a: 010\nb: '1'\nc: 1.5\nd: yes\ne: ~\nf: 0x1F\ng: 1e3\nh: 500m\ni: .inf\nj: -7\nk: True\nl: !!str 12\nm: \"x\"\nn: Null\no: [a, {p: q}]\n";
        let positional = yaml::parse_stream(text).unwrap()[0]
            .root
            .as_ref()
            .unwrap()
            .to_value();
        let fast = yaml::parse_values(text, false, Dialect::Core).unwrap()[0]
            .value
            .clone()
            .unwrap();
        assert_eq!(fast, positional);
    }

    #[test]
    fn duplicate_keys_can_be_allowed() {
        let src = Source::new("d.yaml", "a: 1\na: 2\n");
        let err = load(&src).unwrap_err();
        assert_eq!(
            err.to_string(),
            "d.yaml:2:1: duplicate key `a` (first defined at line 1); remove one of them"
        );
        let docs = load_with(
            &src,
            &LoadOptions {
                allow_duplicate_keys: true,
                dialect: None,
            },
        )
        .unwrap();
        assert_eq!(docs[0].value, serde_json::json!({"a": 2}));
    }

    #[test]
    fn syntax_errors_are_located() {
        let src = Source::new("bad.yaml", "a: b\n  c: d\n");
        let err = load(&src).unwrap_err();
        assert_eq!(err.path, "bad.yaml");
        assert!(err.pos.is_some());
    }
}
