//! Manifests in, documents with positions out.
//!
//! A [`Source`] is one file (or stdin) and its text. [`load`] splits it into [`Document`]s,
//! each with its parsed value. Positions are looked up lazily: [`Document::locate`] parses the
//! file once more with positions only when something needs to point at a line, so the common
//! path (everything valid) never pays for them.

pub mod yaml;

use std::fmt;
use std::path::Path;
use std::sync::{Arc, OnceLock};

use serde_json::Value;

pub use yaml::{Pos, YamlError};

/// A file (or stdin) of YAML or JSON manifests.
#[derive(Debug)]
pub struct Source {
    /// The path as the user should see it (relative where given relative; `-` for stdin).
    pub path: String,
    /// The whole text.
    pub text: String,
    located: OnceLock<Result<Vec<yaml::YamlDocument>, YamlError>>,
}

impl Source {
    /// A source from a display path and its text.
    pub fn new(path: impl Into<String>, text: impl Into<String>) -> Arc<Source> {
        Arc::new(Source {
            path: path.into(),
            text: text.into(),
            located: OnceLock::new(),
        })
    }

    /// Reads a file; the display path is the path as given.
    pub fn read(path: &Path) -> Result<Arc<Source>, LoadError> {
        let display = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|e| LoadError {
            path: display.clone(),
            pos: None,
            message: format!("cannot read file: {e}"),
        })?;
        let text = String::from_utf8(bytes).map_err(|e| LoadError {
            path: display.clone(),
            pos: Some(pos_at_offset(
                &String::from_utf8_lossy(e.as_bytes()),
                e.utf8_error().valid_up_to(),
            )),
            message: "file is not valid UTF-8".into(),
        })?;
        Ok(Source::new(display, text))
    }

    /// The stream parsed with positions (parsed once, on first use).
    pub fn located(&self) -> Result<&[yaml::YamlDocument], &YamlError> {
        self.located
            .get_or_init(|| yaml::parse_stream(&self.text))
            .as_ref()
            .map(Vec::as_slice)
    }

    /// The text of one line (1-based), without its line break.
    pub fn line_text(&self, line: u32) -> Option<&str> {
        self.text.lines().nth(line.checked_sub(1)? as usize)
    }
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
        let kind = self.kind().unwrap_or("<no kind>");
        let name = self.name().unwrap_or("<no name>");
        match self.namespace() {
            Some(ns) => format!("{kind}/{ns}/{name}"),
            None => format!("{kind}/{name}"),
        }
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
        let pos = match self.source.located() {
            Ok(docs) => match docs.get(self.index).and_then(|d| d.root.as_ref()) {
                Some(root) => pick(&root.locate(pointer)),
                None => self.pos,
            },
            Err(_) => self.pos,
        };
        Location {
            file: self.source.path.clone(),
            line: pos.line,
            col: pos.col,
        }
    }

    /// The location where the document starts.
    pub fn location(&self) -> Location {
        Location {
            file: self.source.path.clone(),
            line: self.pos.line,
            col: self.pos.col,
        }
    }
}

/// How [`load_with`] reads a stream.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LoadOptions {
    /// Let the last of duplicate keys win instead of failing (what most YAML readers do).
    pub allow_duplicate_keys: bool,
}

/// Splits a source into its documents, in order. Empty documents are left out.
///
/// A syntax error anywhere in the file is reported with its position; the documents are
/// not returned then (the file cannot be trusted past the error). Duplicate keys are errors.
pub fn load(source: &Arc<Source>) -> Result<Vec<Document>, LoadError> {
    load_with(source, &LoadOptions::default())
}

/// [`load`] with options. Values are parsed without positions (fast); positions are
/// computed on demand by [`Document::locate`].
pub fn load_with(source: &Arc<Source>, options: &LoadOptions) -> Result<Vec<Document>, LoadError> {
    let docs = match yaml::parse_values(&source.text, options.allow_duplicate_keys) {
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
            })
        })
        .collect())
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
    fn syntax_errors_are_located() {
        let src = Source::new("bad.yaml", "a: b\n  c: d\n");
        let err = load(&src).unwrap_err();
        assert_eq!(err.path, "bad.yaml");
        assert!(err.pos.is_some());
    }
}
