//! Rendering: an environment spec through minijinja templates into target files.
//!
//! This module owns the template environment (strict undefined, no auto-escaping, no access
//! to files, the process environment or the network; includes resolve only among the loaded
//! templates), the default templates embedded in the binary and a workspace's overrides
//! (`templates/<target>/<name>`), the context a template sees ([`context`]), the filters it
//! may use ([`filters`]), and the checks on what comes out: every rendered file is parsed
//! back as YAML and re-emitted canonically, so output is byte-identical whatever the
//! template whitespace, and it starts with a header naming the spec files it came from.
//!
//! Templates of a target live in `templates/<target>/`. For `kubernetes`, every template
//! whose name does not start with `_` is rendered, in name order, and their documents are
//! joined into one stream (the numeric prefixes give the apply order). For `helm` and
//! `compose`, the entry template is `values.yaml.j2` and `compose.yaml.j2`. Files starting
//! with `_` are only for `{% include %}` and `{% import %}`. Only files ending in `.j2` are
//! templates; anything else in those folders (a README, say) is ignored.

pub mod components;
pub mod compose_networks;
pub mod context;
pub mod emit;
pub mod filters;
pub mod helm_app_template;
pub mod network_policies;
pub mod templates;

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use serde_json::Value;

use crate::manifest::yaml::parse_stream;
use crate::spec::load::display_path;
use crate::spec::{EnvId, Environment, Loader, SpecError, Target};
use crate::workspace::Workspace;

/// One rendered file of one environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedFile {
    /// The target it belongs to.
    pub target: Target,
    /// Its path relative to an output folder: `<app>/<env>/<file>`, e.g.
    /// `materi-api/production/kubernetes.yaml`.
    pub path: String,
    /// Its content: a header comment, then canonical YAML.
    pub text: String,
}

/// Why an environment could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// The spec of the environment has errors; each diagnostic has its file:line:col.
    #[error(transparent)]
    Spec(#[from] SpecError),
    /// A template file could not be read.
    #[error("{path}: cannot read the template: {source}")]
    Io {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// A template failed to compile or to render (syntax error, missing variable, bad filter
    /// argument).
    #[error("{}", display_template_error(.env.as_deref(), .template, *.line, .message, .source_line.as_deref()))]
    Template {
        /// The environment being rendered (`None` while templates are compiled).
        env: Option<String>,
        /// The template, e.g. `kubernetes/50-deployment.yaml.j2`.
        template: String,
        /// The template line (1-based; 0 when unknown).
        line: usize,
        /// What went wrong, naming the missing variable when one is missing.
        message: String,
        /// The text of that template line.
        source_line: Option<String>,
    },
    /// A template produced text that is not valid YAML.
    #[error(
        "{env}: template {template} produced invalid YAML at line {line}, column {col} of its output: {message}\n  {line} | {text}\n  help: check the template's indentation and quote values with the `quote` filter"
    )]
    InvalidYaml {
        /// The environment.
        env: String,
        /// The template.
        template: String,
        /// Line in the template's rendered output (1-based).
        line: u32,
        /// Column in that line (1-based).
        col: u32,
        /// The parser's message.
        message: String,
        /// The rendered line.
        text: String,
    },
    /// A template of a target that renders a single file produced several documents, or a
    /// document that is not a mapping.
    #[error("{env}: template {template} must produce one YAML mapping: {message}")]
    Shape {
        /// The environment.
        env: String,
        /// The template.
        template: String,
        /// What it produced instead.
        message: String,
    },
}

fn display_template_error(
    env: Option<&str>,
    template: &str,
    line: usize,
    message: &str,
    source_line: Option<&str>,
) -> String {
    let mut out = String::new();
    if let Some(env) = env {
        out.push_str(env);
        out.push_str(": ");
    }
    out.push_str(&format!("template {template} line {line}: {message}"));
    if let Some(text) = source_line {
        out.push_str(&format!("\n  {line} | {}", text.trim_end()));
    }
    out
}

impl RenderError {
    /// The spec diagnostics, when the error is a spec error.
    pub fn spec_error(&self) -> Option<&SpecError> {
        match self {
            RenderError::Spec(e) => Some(e),
            _ => None,
        }
    }
}

/// The templates of a workspace (embedded defaults with the workspace's files over them),
/// compiled once and shared by every environment.
pub struct Renderer {
    env: minijinja::Environment<'static>,
    /// Template sources by name (`kubernetes/50-deployment.yaml.j2`), for error lines.
    sources: Arc<BTreeMap<String, String>>,
    /// Display path of each workspace template that overrides or adds one (by name).
    overridden: BTreeMap<String, String>,
    /// The workspace root, for the header's relative file names.
    root: PathBuf,
}

impl fmt::Debug for Renderer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Renderer")
            .field("templates", &self.sources.keys().collect::<Vec<_>>())
            .field("overridden", &self.overridden)
            .finish()
    }
}

impl Renderer {
    /// Loads the embedded templates and the workspace's `templates/<target>/*` files over
    /// them, and compiles every one (a syntax error is reported here, with its line).
    pub fn new(workspace: &Workspace) -> Result<Renderer, RenderError> {
        let mut sources: BTreeMap<String, String> = templates::EMBEDDED
            .iter()
            .map(|(name, text)| (name.to_string(), text.to_string()))
            .collect();
        let mut overridden = BTreeMap::new();
        for (name, path) in templates::workspace_templates(&workspace.root)? {
            let display = display_path(&workspace.root, &path);
            let text = std::fs::read_to_string(&path).map_err(|source| RenderError::Io {
                path: display.clone(),
                source,
            })?;
            overridden.insert(name.clone(), display);
            sources.insert(name, text);
        }
        let sources = Arc::new(sources);
        let mut env = template_environment();
        for (name, text) in sources.iter() {
            env.add_template_owned(name.clone(), text.clone())
                .map_err(|e| template_error(None, &e, &sources, name))?;
        }
        Ok(Renderer {
            env,
            sources,
            overridden,
            root: workspace.root.clone(),
        })
    }

    /// Template names by target: what `render` runs for each target, in order.
    pub fn entry_templates(&self, target: Target) -> Vec<&str> {
        let prefix = format!("{}/", target.as_str());
        self.sources
            .keys()
            .filter(|name| {
                name.strip_prefix(&prefix)
                    .is_some_and(|file| templates::is_entry(target, file))
            })
            .map(String::as_str)
            .collect()
    }

    /// Workspace templates that replace or add to the embedded ones: name -> file.
    pub fn overrides(&self) -> &BTreeMap<String, String> {
        &self.overridden
    }

    /// Renders every target the environment asks for, in the order of [`Target::ALL`].
    pub fn render(&self, environment: &Environment) -> Result<Vec<RenderedFile>, RenderError> {
        let env_name = environment.id.to_string();
        let files = context::source_paths(&self.root, environment);
        let ctx = context::build(environment, &files);
        let ctx = minijinja::Value::from(minijinja::value::Serde(&ctx));
        let mut out = Vec::new();
        for target in Target::ALL {
            if !environment.spec.targets.contains(&target) {
                continue;
            }
            let mut documents: Vec<Value> = Vec::new();
            for name in self.entry_templates(target) {
                let template = self
                    .env
                    .get_template(name)
                    .map_err(|e| template_error(Some(&env_name), &e, &self.sources, name))?;
                let text = render_template(&template, &ctx).map_err(|failure| {
                    let mut error =
                        template_error(Some(&env_name), &failure.error, &self.sources, name);
                    if let (
                        Some(at),
                        RenderError::Template {
                            line,
                            source_line,
                            template,
                            ..
                        },
                    ) = (failure.line, &mut error)
                    {
                        *line = at;
                        *source_line = self
                            .sources
                            .get(template.as_str())
                            .and_then(|s| s.lines().nth(at - 1).map(String::from));
                    }
                    error
                })?;
                let docs = parse_output(&env_name, name, &text)?;
                if target != Target::Kubernetes && (docs.len() != 1 || !docs[0].is_object()) {
                    return Err(RenderError::Shape {
                        env: env_name,
                        template: name.to_string(),
                        message: format!(
                            "it produced {} document{}",
                            docs.len(),
                            if docs.len() == 1 {
                                " that is not a mapping"
                            } else {
                                "s"
                            }
                        ),
                    });
                }
                documents.extend(docs);
            }
            out.push(RenderedFile {
                target,
                path: format!(
                    "{}/{}/{}",
                    environment.id.app,
                    environment.id.env,
                    target.file_name()
                ),
                text: emit(&header(&files, target, environment), &documents),
            });
        }
        Ok(out)
    }
}

/// The template environment every template runs in, without templates: strict undefined,
/// no auto-escaping, the instruction budget ([`TEMPLATE_FUEL`]), the output limit
/// ([`MAX_TEMPLATE_OUTPUT`], with [`render_template`]), the block syntax and the filters.
pub fn template_environment() -> minijinja::Environment<'static> {
    let mut env = minijinja::Environment::new();
    env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
    // Debug mode tracks where an undefined value came from, so that an error names the
    // missing variable (`nmae` is undefined); without it only debug builds would.
    env.set_debug(true);
    env.set_auto_escape_callback(|_| minijinja::AutoEscape::None);
    // An instruction budget: a template that loops without end (or nearly) stops with an
    // error naming it and its line, instead of running for ever or filling memory.
    env.set_fuel(Some(TEMPLATE_FUEL));
    // A value printed past the output limit stops the template at that value's line.
    env.set_formatter(|out, state, value| {
        let len = match value.as_str() {
            Some(text) => text.len(),
            None => value.to_string().len(),
        };
        if WRITTEN.get().saturating_add(len) > MAX_TEMPLATE_OUTPUT {
            return Err(output_limit_error());
        }
        minijinja::escape_formatter(out, state, value)
    });
    let syntax = minijinja::syntax::SyntaxConfig::builder()
        .trim_blocks(true)
        .lstrip_blocks(true)
        .keep_trailing_newline(true)
        .build()
        .expect("the default delimiters are a valid syntax");
    env.set_syntax(syntax);
    filters::register(&mut env);
    env
}

/// The most text one template may produce: what shipshape reads at most from one file
/// ([`MAX_INPUT_BYTES`](crate::manifest::MAX_INPUT_BYTES), 64 MiB), far more than any
/// manifest needs; a template that loops out more stops with an error instead of filling
/// memory. (A template that prints a byte per instruction runs out of fuel first.)
pub const MAX_TEMPLATE_OUTPUT: usize = crate::manifest::MAX_INPUT_BYTES as usize;

thread_local! {
    /// The bytes the template rendering on this thread has produced so far.
    static WRITTEN: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

fn output_limit_error() -> minijinja::Error {
    minijinja::Error::new(
        minijinja::ErrorKind::InvalidOperation,
        format!(
            "the template's output passed {} MiB, the most one template may produce; make the loop that writes it shorter",
            MAX_TEMPLATE_OUTPUT >> 20
        ),
    )
}

/// Why [`render_template`] failed: minijinja's error, and the template line when minijinja
/// does not know it (template text written past the output limit).
#[derive(Debug)]
pub struct TemplateFailure {
    /// The error.
    pub error: minijinja::Error,
    /// The line in the template (1-based), when the error has none.
    pub line: Option<usize>,
}

impl From<minijinja::Error> for TemplateFailure {
    fn from(error: minijinja::Error) -> TemplateFailure {
        TemplateFailure { error, line: None }
    }
}

/// Renders a template of [`template_environment`] with at most [`MAX_TEMPLATE_OUTPUT`] bytes
/// of output. Past the limit the error has the line of the value being printed or, for
/// template text, of that text in the template (its first place, when it is there).
pub fn render_template(
    template: &minijinja::Template<'_, '_>,
    ctx: &minijinja::Value,
) -> Result<String, TemplateFailure> {
    /// Takes text up to the limit, remembering the piece that would pass it.
    struct Bounded {
        text: Vec<u8>,
        overflow: Option<Vec<u8>>,
    }
    impl std::io::Write for Bounded {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            if self.text.len().saturating_add(buf.len()) > MAX_TEMPLATE_OUTPUT {
                self.overflow = Some(buf.to_vec());
                return Err(std::io::Error::other("output limit"));
            }
            self.text.extend_from_slice(buf);
            WRITTEN.set(self.text.len());
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    WRITTEN.set(0);
    let mut out = Bounded {
        text: Vec::new(),
        overflow: None,
    };
    let result = template.render_captured_to(ctx, &mut out).map(drop);
    WRITTEN.set(0);
    if let Some(piece) = out.overflow {
        let source = template.source();
        let line = std::str::from_utf8(&piece)
            .ok()
            .filter(|p| !p.is_empty())
            .and_then(|p| source.find(p))
            .map(|at| source[..at].matches('\n').count() + 1);
        return Err(TemplateFailure {
            error: output_limit_error(),
            line,
        });
    }
    result?;
    String::from_utf8(out.text).map_err(|_| {
        minijinja::Error::new(
            minijinja::ErrorKind::InvalidOperation,
            "the template produced text that is not UTF-8",
        )
        .into()
    })
}

/// Loads and renders environments in parallel; one entry per id, in the given order. A spec
/// error becomes that environment's error entry.
pub fn render_all(
    renderer: &Renderer,
    workspace: &Workspace,
    ids: &[EnvId],
) -> Vec<(EnvId, Result<Vec<RenderedFile>, RenderError>)> {
    let loader = Loader::new(&workspace.root);
    ids.par_iter()
        .map(|id| {
            let result = loader
                .load(id)
                .map_err(RenderError::from)
                .and_then(|environment| renderer.render(&environment));
            (id.clone(), result)
        })
        .collect()
}

/// The messages of environments that failed to render, for `error: ` lines: spec errors with
/// each diagnostic once (see [`spec_error_blocks`](crate::spec::spec_error_blocks)), then the
/// other errors in the order given.
pub fn error_messages<'a>(errors: impl IntoIterator<Item = &'a RenderError>) -> Vec<String> {
    let mut specs = Vec::new();
    let mut others = Vec::new();
    for e in errors {
        match e {
            RenderError::Spec(spec) => specs.push(spec),
            other => others.push(other.to_string()),
        }
    }
    let mut out = crate::spec::spec_error_blocks(&specs);
    out.extend(others);
    out
}

fn list_files(dir: &Path) -> Result<Vec<PathBuf>, RenderError> {
    let entries = std::fs::read_dir(dir).map_err(|source| RenderError::Io {
        path: dir.display().to_string(),
        source,
    })?;
    let mut out: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    out.sort();
    Ok(out)
}

/// Converts a minijinja error into a [`RenderError`] naming the template and line, and the
/// missing variable when one is missing.
fn template_error(
    env: Option<&str>,
    error: &minijinja::Error,
    sources: &BTreeMap<String, String>,
    fallback_name: &str,
) -> RenderError {
    let template = error.name().unwrap_or(fallback_name).to_string();
    let line = error.line().unwrap_or(0);
    let source = sources.get(&template);
    let source_line = source.and_then(|s| s.lines().nth(line.saturating_sub(1)).map(String::from));
    let mut message = match error.kind() {
        minijinja::ErrorKind::UndefinedError => {
            let expr = error
                .range()
                .and_then(|r| source.and_then(|s| enclosing_tag(s, r)));
            let detail = error.detail().map(|d| format!(": {d}")).unwrap_or_default();
            match expr {
                Some(expr) => format!("undefined value in `{expr}`{detail}"),
                None => format!("undefined value{detail}"),
            }
        }
        _ => match error.detail() {
            Some(d) => format!("{}: {d}", error.kind()),
            None => error.kind().to_string(),
        },
    };
    let mut cause = std::error::Error::source(error);
    while let Some(c) = cause {
        message.push_str(&format!(": {c}"));
        cause = c.source();
    }
    RenderError::Template {
        env: env.map(String::from),
        template,
        line,
        message,
        source_line,
    }
}

/// The `{{ ... }}` or `{% ... %}` tag around a byte range of a template, on one line.
fn enclosing_tag(source: &str, range: std::ops::Range<usize>) -> Option<String> {
    let before = source.get(..range.start)?;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let after = source.get(range.end..)?;
    let line_end = after.find('\n').map_or(source.len(), |i| range.end + i);
    let open = ["{{", "{%"]
        .iter()
        .filter_map(|o| before[line_start..].rfind(o).map(|i| line_start + i))
        .max();
    let Some(open) = open else {
        return source.get(range).map(|s| s.trim().to_string());
    };
    let close = ["}}", "%}"]
        .iter()
        .filter_map(|c| {
            source[range.end..line_end]
                .find(c)
                .map(|i| range.end + i + 2)
        })
        .min()?;
    source.get(open..close).map(String::from)
}

/// The instructions one template may run (minijinja fuel): far more than any real template
/// needs (the largest embedded template uses well under a thousandth of it).
pub const TEMPLATE_FUEL: u64 = 50_000_000;

/// Parses one template's output: every non-empty document as a JSON value.
fn parse_output(env: &str, template: &str, text: &str) -> Result<Vec<Value>, RenderError> {
    let docs = parse_stream(text).map_err(|e| RenderError::InvalidYaml {
        env: env.to_string(),
        template: template.to_string(),
        line: e.pos.line,
        col: e.pos.col,
        message: e.message.clone(),
        text: text
            .lines()
            .nth((e.pos.line as usize).saturating_sub(1))
            .unwrap_or("")
            .to_string(),
    })?;
    Ok(docs
        .iter()
        .filter_map(|d| d.root.as_ref())
        .map(|n| n.to_value())
        .filter(|v| !v.is_null())
        .collect())
}

/// The comment every rendered file starts with: where it came from, that it is generated,
/// and for Compose the project name to run it under and the other apps' files it is used
/// with (paths from this file's folder: rendered files are `<app>/<env>/compose.yaml`).
fn header(files: &[String], target: Target, environment: &Environment) -> String {
    let mut out = format!(
        "# Generated by shipshape from {}.\n# Do not edit: change the spec and run `shipshape render`.\n",
        files.join(" + ")
    );
    if target == Target::Compose {
        let spec = &environment.spec;
        let others: String = environment
            .compose_with
            .iter()
            .map(|app| format!(" -f ../../{app}/{}/compose.yaml", environment.id.env))
            .collect();
        if let Some(project) = spec.compose.as_ref().and_then(|c| c.project.as_ref()) {
            out.push_str(&format!(
                "# Compose project: {project} (docker compose -p {project} -f compose.yaml{others} up).\n"
            ));
        }
        if !environment.compose_with.is_empty() {
            out.push_str(&format!(
                "# {COMPOSE_USED_WITH} {}: its services depend on theirs.\n#   docker-compose -f compose.yaml{others} up\n",
                environment.compose_with.join(", ")
            ));
        }
    }
    out
}

/// How a Compose file's header starts the line that names the other apps' files it is used
/// with; the next line is the command that combines them.
pub const COMPOSE_USED_WITH: &str = "Use with the Compose files of";

/// Writes documents as one canonical YAML stream after the header.
fn emit(header: &str, documents: &[Value]) -> String {
    let mut out = header.to_string();
    for (i, doc) in documents.iter().enumerate() {
        if i > 0 || documents.len() > 1 {
            out.push_str("---\n");
        }
        out.push_str(&to_yaml(doc));
    }
    out
}

/// Serialises a value as canonical block YAML (always ends with a newline).
pub(crate) fn to_yaml(value: &Value) -> String {
    emit::to_yaml(value)
}
