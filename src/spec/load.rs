//! Reading an environment: files -> located YAML -> layered value -> checked -> typed [`Spec`].
//!
//! Every problem of every file is collected before anything is reported, each at
//! file:line:col with what was expected and how to fix it. The checks are driven by the spec's
//! own JSON Schema (the one exported for editors), so what an editor flags and what shipshape
//! reports never disagree.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use jsonschema::error::{TypeKind, ValidationErrorKind};
use serde_json::Value;

use super::connections::Peer;
use super::layer::Layered;
use super::model::Spec;
use crate::manifest::Location;
use crate::manifest::yaml::{NodeKind, escape_token, parse_stream, pointer_tokens};

/// An app and one of its environments, e.g. `materi-api/production`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EnvId {
    /// The app's folder name under `environments/`.
    pub app: String,
    /// The environment's file stem (`production` for `production.yaml`).
    pub env: String,
}

impl fmt::Display for EnvId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.app, self.env)
    }
}

/// One environment, read and checked.
#[derive(Debug, Clone)]
pub struct Environment {
    /// Which app and environment.
    pub id: EnvId,
    /// The typed spec.
    pub spec: Spec,
    /// The merged value with the origin of every key.
    pub layered: Layered,
    /// The files it was read from, in layering order.
    pub files: Vec<PathBuf>,
    /// Every workload's declared connections, resolved (empty for an app loaded only to
    /// check another app's connections to it).
    pub connections: super::connections::Connections,
    /// With `networkPolicies`, the workloads of other apps (of the same environment) that
    /// connect to each workload of this app; empty without.
    pub clients: super::connections::Clients,
    /// The other apps (folder names) whose Compose files this app's Compose file is used
    /// with, because its services depend on theirs (empty for an app loaded only to check
    /// another app's connections to it).
    pub compose_with: Vec<String>,
}

impl Environment {
    /// The workload's base name (`name`, defaulting to the app's folder name).
    pub fn name(&self) -> &str {
        self.spec.name.as_deref().unwrap_or(&self.id.app)
    }
}

/// One problem in a spec file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecDiagnostic {
    /// Where it is.
    pub location: Location,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub help: Option<String>,
}

impl fmt::Display for SpecDiagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.message)?;
        if let Some(help) = &self.help {
            write!(f, "\n  help: {help}")?;
        }
        Ok(())
    }
}

/// Every problem found while reading an environment.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct SpecError {
    /// The environment.
    pub env: String,
    /// The problems, sorted by location.
    pub diagnostics: Vec<SpecDiagnostic>,
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.diagnostics.len();
        writeln!(
            f,
            "environment {} has {n} error{}:",
            self.env,
            if n == 1 { "" } else { "s" }
        )?;
        for (i, d) in self.diagnostics.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

/// The text of several environments' spec errors with each diagnostic once: diagnostics
/// that several environments share (a mistake in `app.yaml`, which every environment of the
/// app reads) are printed once under a header naming those environments, instead of once per
/// environment. One block per set of environments, in the order the diagnostics first appear.
pub fn spec_error_blocks(errors: &[&SpecError]) -> Vec<String> {
    let mut by_diagnostic: Vec<(&SpecDiagnostic, Vec<&str>)> = Vec::new();
    for e in errors {
        for d in &e.diagnostics {
            match by_diagnostic.iter_mut().find(|(seen, _)| *seen == d) {
                Some((_, envs)) => envs.push(&e.env),
                None => by_diagnostic.push((d, vec![&e.env])),
            }
        }
    }
    let mut blocks: Vec<(Vec<&str>, Vec<&SpecDiagnostic>)> = Vec::new();
    for (d, envs) in by_diagnostic {
        match blocks.iter_mut().find(|(seen, _)| *seen == envs) {
            Some((_, diagnostics)) => diagnostics.push(d),
            None => blocks.push((envs, vec![d])),
        }
    }
    blocks
        .into_iter()
        .map(|(envs, diagnostics)| {
            let n = diagnostics.len();
            let s = if n == 1 { "" } else { "s" };
            let mut out = match envs.as_slice() {
                [env] => format!("environment {env} has {n} error{s}:\n"),
                _ => format!(
                    "environments {} have {n} error{s} in common:\n",
                    envs.join(", ")
                ),
            };
            let text: Vec<String> = diagnostics.iter().map(|d| d.to_string()).collect();
            out.push_str(&text.join("\n"));
            out
        })
        .collect()
}

/// The JSON Schema of the spec (the one written to `schemas/environment.schema.json`).
pub fn json_schema() -> &'static Value {
    static SCHEMA: OnceLock<Value> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        let schema = schemars::schema_for!(Spec);
        let mut value = serde_json::to_value(schema).expect("the spec schema serialises");
        bound_integers(&mut value);
        value
    })
}

/// The schema of one environment file (`<env>.yaml`) or of `app.yaml` alone, for editors:
/// the spec's schema with nothing required, since a layer only holds what it changes (the
/// merged spec is checked against [`json_schema`]). Written to
/// `schemas/environment-overlay.schema.json`.
pub fn overlay_json_schema() -> &'static Value {
    static SCHEMA: OnceLock<Value> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        let mut value = json_schema().clone();
        drop_required(&mut value);
        if let Some(map) = value.as_object_mut() {
            map.insert(
                "title".into(),
                Value::from("shipshape environment spec layer (app.yaml or <env>.yaml)"),
            );
        }
        value
    })
}

fn drop_required(schema: &mut Value) {
    match schema {
        Value::Object(map) => {
            map.remove("required");
            map.values_mut().for_each(drop_required);
        }
        Value::Array(items) => items.iter_mut().for_each(drop_required),
        _ => {}
    }
}

/// Gives every integer of a sized Rust type its range in the schema (`format: uint32` alone
/// bounds nothing), so a number too large for its field is an error at its value with the
/// range, not a deserialisation failure.
fn bound_integers(schema: &mut Value) {
    match schema {
        Value::Object(map) => {
            let range = match map.get("format").and_then(Value::as_str) {
                Some("uint16") => Some((0, u16::MAX as i64)),
                Some("uint32") => Some((0, u32::MAX as i64)),
                Some("int32") => Some((i32::MIN as i64, i32::MAX as i64)),
                Some("uint8") => Some((0, u8::MAX as i64)),
                _ => None,
            };
            if let Some((min, max)) = range {
                map.entry("minimum").or_insert(Value::from(min));
                let tighter = map
                    .get("maximum")
                    .and_then(Value::as_i64)
                    .is_some_and(|m| m <= max);
                if !tighter {
                    map.insert("maximum".into(), Value::from(max));
                }
            }
            for v in map.values_mut() {
                bound_integers(v);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(bound_integers),
        _ => {}
    }
}

fn validator() -> &'static jsonschema::Validator {
    static VALIDATOR: OnceLock<jsonschema::Validator> = OnceLock::new();
    VALIDATOR.get_or_init(|| {
        jsonschema::validator_for(json_schema()).expect("the spec schema is a valid schema")
    })
}

/// Reads `app.yaml` (optional) and `<env>.yaml` of an app, layers them and checks the result.
pub fn load_environment(root: &Path, id: &EnvId) -> Result<Environment, SpecError> {
    Loader::new(root).load(id)
}

/// Layers the given files in order and checks the result.
pub fn load_files(root: &Path, id: &EnvId, files: &[PathBuf]) -> Result<Environment, SpecError> {
    Loader::new(root).load_files(id, files)
}

/// Layers spec texts that are not (yet) on disk, each named by the path it would have, and
/// checks the result as [`load_files`] does (other apps of the workspace are read from disk
/// to check connections to them).
pub fn load_texts(
    root: &Path,
    id: &EnvId,
    files: &[(PathBuf, String)],
) -> Result<Environment, SpecError> {
    let (paths, texts): (Vec<PathBuf>, Vec<String>) = files.iter().cloned().unzip();
    load_checked(root, id, &paths, Some(&texts), Some(&Loader::new(root)))
}

/// Reads the environments of one workspace. The specs of other apps that an environment's
/// connections need (the targets of its connections to other apps; with `networkPolicies`,
/// every app of the same environment, to find the ones that connect to it) are read once
/// per loader however many environments need them, so one loader for a whole run reads each
/// spec at most twice: once as itself, once as another app's peer.
#[derive(Debug)]
pub struct Loader {
    root: PathBuf,
    apps: OnceLock<Vec<String>>,
    peers: Mutex<HashMap<EnvId, Arc<OnceLock<Peer>>>>,
}

impl Loader {
    /// A loader for the workspace at `root`.
    pub fn new(root: impl Into<PathBuf>) -> Loader {
        Loader {
            root: root.into(),
            apps: OnceLock::new(),
            peers: Mutex::new(HashMap::new()),
        }
    }

    /// Reads `app.yaml` (optional) and `<env>.yaml` of an app, layers them and checks the
    /// result.
    pub fn load(&self, id: &EnvId) -> Result<Environment, SpecError> {
        let dir = self.root.join("environments").join(&id.app);
        let mut files = Vec::new();
        let app_file = dir.join("app.yaml");
        // Anything by that name is read (a folder or a FIFO is an error, not left out).
        if app_file.exists() {
            files.push(app_file);
        }
        files.push(dir.join(format!("{}.yaml", id.env)));
        self.load_files(id, &files)
    }

    /// Layers the given files in order and checks the result.
    pub fn load_files(&self, id: &EnvId, files: &[PathBuf]) -> Result<Environment, SpecError> {
        load_checked(&self.root, id, files, None, Some(self))
    }

    /// Every app of the workspace: the folders under `environments/`, sorted.
    fn apps(&self) -> &[String] {
        self.apps.get_or_init(|| {
            let mut apps: Vec<String> = std::fs::read_dir(self.root.join("environments"))
                .into_iter()
                .flatten()
                .flatten()
                .filter(|e| e.path().is_dir())
                .filter_map(|e| e.file_name().into_string().ok())
                .filter(|name| !name.starts_with('.'))
                .collect();
            apps.sort();
            apps
        })
    }

    /// The apps of the workspace other than `app`, sorted.
    fn other_apps(&self, app: &str) -> Vec<String> {
        self.apps().iter().filter(|a| *a != app).cloned().collect()
    }

    /// Another app's spec for an environment (without following its own connections), read
    /// at most once.
    fn peer(&self, app: &str, env: &str) -> Peer {
        let id = EnvId {
            app: app.to_string(),
            env: env.to_string(),
        };
        let cell = {
            let mut peers = self.peers.lock().unwrap_or_else(|e| e.into_inner());
            Arc::clone(peers.entry(id.clone()).or_default())
        };
        cell.get_or_init(|| {
            let files = self.peer_files(app, env)?;
            Some(
                load_checked(&self.root, &id, &files, None, None)
                    .map(|e| Arc::new(e.spec))
                    .map_err(|e| e.diagnostics.len()),
            )
        })
        .clone()
    }

    /// The spec files of another app's environment: `None` when it has no such environment.
    fn peer_files(&self, app: &str, env: &str) -> Option<Vec<PathBuf>> {
        let dir = self.root.join("environments").join(app);
        let env_file = dir.join(format!("{env}.yaml"));
        if !env_file.is_file() {
            return None;
        }
        let mut files = Vec::new();
        let app_file = dir.join("app.yaml");
        if app_file.is_file() {
            files.push(app_file);
        }
        files.push(env_file);
        Some(files)
    }

    /// Whether another app's spec files could name `target` (a connection to it spells the
    /// app's folder name): they mention it, hold an escape sequence that could spell it, or
    /// cannot be read.
    fn could_name(&self, app: &str, env: &str, target: &str) -> bool {
        self.peer_files(app, env).is_none_or(|files| {
            files.iter().any(|f| {
                std::fs::read_to_string(f)
                    .map_or(true, |text| text.contains(target) || text.contains('\\'))
            })
        })
    }
}

/// Reads and checks an environment (from `texts` when given, one per file, instead of the
/// files); with a loader, also its connections (resolved) and, with `networkPolicies`, the
/// workloads of other apps that connect to it.
fn load_checked(
    root: &Path,
    id: &EnvId,
    files: &[PathBuf],
    texts: Option<&[String]>,
    loader: Option<&Loader>,
) -> Result<Environment, SpecError> {
    let mut diagnostics = Vec::new();
    let mut layered = Layered::default();
    for (index, path) in files.iter().enumerate() {
        let display = display_path(root, path);
        let at = |line, col| Location {
            file: display.clone(),
            line,
            col,
        };
        // Read as manifests are: at most 64 MiB, and only a regular file (a FIFO would wait
        // for a writer for ever).
        let read = match texts.and_then(|t| t.get(index)) {
            Some(text) => Ok(crate::manifest::Source::new(display.clone(), text.clone())),
            None => crate::manifest::Source::read_regular(path),
        };
        let source = match read {
            Ok(source) => source,
            Err(e) => {
                let pos = e.pos.unwrap_or(crate::manifest::Pos { line: 1, col: 1 });
                diagnostics.push(SpecDiagnostic {
                    location: at(pos.line, pos.col),
                    message: format!(
                        "cannot read the file: {}",
                        e.message.trim_start_matches("cannot read file: ")
                    ),
                    help: Some(
                        "check that the file exists, is a regular file, is readable and is UTF-8"
                            .into(),
                    ),
                });
                continue;
            }
        };
        let docs = match parse_stream(&source.text) {
            Ok(d) => d,
            Err(e) => {
                diagnostics.push(SpecDiagnostic {
                    location: at(e.pos.line, e.pos.col),
                    message: format!("YAML syntax error: {}", e.message),
                    help: None,
                });
                continue;
            }
        };
        let roots: Vec<_> = docs.iter().filter_map(|d| d.root.as_ref()).collect();
        match roots.as_slice() {
            [] => {}
            [root_node] if matches!(root_node.kind, NodeKind::Map(_)) => {
                layered.absorb(&display, root_node)
            }
            [root_node] if root_node.kind == NodeKind::Scalar(Value::Null) => {}
            [root_node] => diagnostics.push(SpecDiagnostic {
                location: at(root_node.pos.line, root_node.pos.col),
                message: "a spec file must be a mapping of keys to values".into(),
                help: Some("start the file with keys such as `namespace:` and `image:`".into()),
            }),
            [_, second, ..] => diagnostics.push(SpecDiagnostic {
                location: at(second.pos.line, second.pos.col),
                message: "a spec file holds one YAML document, this is a second one".into(),
                help: Some("remove the `---` separator and merge the documents".into()),
            }),
        }
    }
    if !diagnostics.is_empty() {
        return Err(SpecError {
            env: id.to_string(),
            diagnostics,
        });
    }
    if layered.value.is_null() {
        layered.value = Value::Object(Default::default());
    }
    let fallback = Location {
        file: files
            .last()
            .map(|p| display_path(root, p))
            .unwrap_or_default(),
        line: 1,
        col: 1,
    };
    let locate_value = |pointer: &str| {
        layered
            .origin(pointer)
            .map_or_else(|| fallback.clone(), |o| o.value_location())
    };
    let locate_key = |pointer: &str| {
        layered
            .origin(pointer)
            .map_or_else(|| fallback.clone(), |o| o.key_location())
    };

    let spec_scope = Scope {
        schema: json_schema(),
        base: "",
    };
    for error in validator().iter_errors(&layered.value) {
        collect_schema_errors(
            &error,
            &spec_scope,
            &locate_value,
            &locate_key,
            &mut diagnostics,
        );
    }
    check_extensions(root, &layered, &locate_value, &locate_key, &mut diagnostics);
    // A misspelt required key shows up twice: as unknown and as missing. Keep the first.
    let suggested: Vec<String> = diagnostics
        .iter()
        .filter_map(|d| {
            d.help
                .as_deref()?
                .strip_prefix("did you mean `")?
                .strip_suffix("`?")
                .map(String::from)
        })
        .collect();
    diagnostics.retain(|d| {
        !(d.message.starts_with("missing required key")
            && suggested
                .iter()
                .any(|s| d.message.contains(&format!("`{s}`"))))
    });
    super::checks::check_values(&layered.value, &mut |pointer, message, help| {
        diagnostics.push(SpecDiagnostic {
            location: locate_value(pointer),
            message,
            help,
        })
    });
    if diagnostics.is_empty() {
        match serde_json::from_value::<Spec>(layered.value.clone()) {
            Ok(spec) => {
                let mut report = |pointer: &str, message, help| {
                    diagnostics.push(SpecDiagnostic {
                        location: locate_value(pointer),
                        message,
                        help,
                    })
                };
                super::checks::check_spec(&spec, &mut report);
                let app_name = spec.name.as_deref().unwrap_or(&id.app);
                super::component_checks::check_components(&spec, app_name, &mut report);
                let (connections, clients, compose_with) = match loader {
                    Some(loader) => {
                        let ws = super::connections::Workspace {
                            env: &id.env,
                            app: &id.app,
                            app_name,
                            other_apps: loader.other_apps(&id.app),
                        };
                        let mut peers = |app: &str| loader.peer(app, &id.env);
                        let connections =
                            super::connections::check(&spec, &ws, &mut peers, &mut report);
                        let compose_with = super::compose::used_with(
                            &spec,
                            &ws,
                            &connections,
                            &mut peers,
                            &mut report,
                        );
                        let clients = if spec.network_policies {
                            clients(loader, &spec, &ws, &mut report)
                        } else {
                            Default::default()
                        };
                        (connections, clients, compose_with)
                    }
                    None => Default::default(),
                };
                if diagnostics.is_empty() {
                    return Ok(Environment {
                        id: id.clone(),
                        spec,
                        layered,
                        files: files.to_vec(),
                        connections,
                        clients,
                        compose_with,
                    });
                }
            }
            Err(e) => diagnostics.push(SpecDiagnostic {
                location: fallback.clone(),
                message: e.to_string(),
                help: None,
            }),
        }
    }
    diagnostics.sort_by(|a, b| (&a.location, &a.message).cmp(&(&b.location, &b.message)));
    diagnostics.dedup();
    Err(SpecError {
        env: id.to_string(),
        diagnostics,
    })
}

/// The workloads of every other app of the environment that connect to this one's. An app
/// whose spec has errors cannot say whether it connects here: when its files could name this
/// app, that is an error of this environment too, since its policies might leave the app's
/// clients out.
fn clients(
    loader: &Loader,
    spec: &Spec,
    ws: &super::connections::Workspace<'_>,
    report: &mut dyn FnMut(&str, String, Option<String>),
) -> super::connections::Clients {
    let mut clients = super::connections::Clients::new();
    let target = Arc::new(spec.clone());
    for app in &ws.other_apps {
        match loader.peer(app, ws.env) {
            None => {}
            Some(Ok(client)) => {
                super::connections::add_clients(&target, ws, app, &client, &mut clients)
            }
            Some(Err(_)) if !loader.could_name(app, ws.env, ws.app) => {}
            Some(Err(n)) => report(
                "/networkPolicies",
                format!(
                    "NetworkPolicies cannot be built: app `{app}` has {n} error{} in environment `{}`, so which of its workloads connect here is not known",
                    if n == 1 { "" } else { "s" },
                    ws.env
                ),
                Some(format!("run `shipshape check {app}/{}`", ws.env)),
            ),
        }
    }
    clients
}

/// Checks the extension data (the app's and each component's `extensions`) against the
/// workspace's schema. Extension data without a schema, or with a schema that cannot be
/// used, is an error; a spec without extension data does not read the schema.
fn check_extensions(
    root: &Path,
    layered: &Layered,
    locate_value: &dyn Fn(&str) -> Location,
    locate_key: &dyn Fn(&str) -> Location,
    diagnostics: &mut Vec<SpecDiagnostic>,
) {
    use super::extensions::{Lookup, SCHEMA_PATH, data_pointers, workspace_schema};
    let pointers = data_pointers(&layered.value);
    if pointers.is_empty() {
        return;
    }
    match workspace_schema(root) {
        Lookup::Missing => {
            for pointer in &pointers {
                diagnostics.push(SpecDiagnostic {
                    location: locate_key(pointer),
                    message: format!(
                        "`{}` needs a schema, and the workspace has no `{SCHEMA_PATH}`",
                        key_path(pointer)
                    ),
                    help: Some(format!(
                        "add a JSON Schema of the extension data at `{SCHEMA_PATH}` (its `properties` are the keys allowed under `extensions`), or remove `extensions`"
                    )),
                });
            }
        }
        Lookup::Broken(problem) => diagnostics.push(SpecDiagnostic {
            location: problem.location,
            message: problem.message,
            help: Some(problem.help),
        }),
        Lookup::Found(extension) => {
            for pointer in &pointers {
                // Anything but a mapping is the spec schema's error, reported already.
                let Some(data) = layered.value.pointer(pointer).filter(|d| d.is_object()) else {
                    continue;
                };
                let scope = Scope {
                    schema: &extension.schema,
                    base: pointer,
                };
                for error in extension.validator.iter_errors(data) {
                    collect_schema_errors(&error, &scope, locate_value, locate_key, diagnostics);
                }
            }
        }
    }
}

/// A path relative to the workspace root, with forward slashes, for messages.
pub fn display_path(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.to_string_lossy().replace('\\', "/")
}

/// A spec key path in the user's words: `/autoscaling/minReplicas` -> `autoscaling.minReplicas`,
/// `/ports/0/name` -> `ports[0].name`, `/config/data/KEY.WITH.DOTS` ->
/// `config.data["KEY.WITH.DOTS"]` (the forms [`super::key_path::parse`] reads).
pub fn key_path(pointer: &str) -> String {
    let mut out = String::new();
    for token in pointer_tokens(pointer) {
        if !token.is_empty() && token.chars().all(|c| c.is_ascii_digit()) {
            out.push_str(&format!("[{token}]"));
        } else if !super::key_path::is_plain_key(&token) {
            out.push('[');
            out.push_str(&serde_json::to_string(&token).unwrap_or_default());
            out.push(']');
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(&token);
        }
    }
    if out.is_empty() {
        "(top level)".into()
    } else {
        out
    }
}

/// Turns `a.b[0].c` (or `a.b.0.c`) into the JSON pointer `/a/b/0/c`.
pub fn key_to_pointer(key: &str) -> String {
    let mut pointer = String::new();
    for part in key.split('.').filter(|p| !p.is_empty()) {
        let mut rest = part;
        let name_end = rest.find('[').unwrap_or(rest.len());
        if name_end > 0 {
            pointer.push('/');
            pointer.push_str(&escape_token(&rest[..name_end]));
        }
        rest = &rest[name_end..];
        while let Some(open) = rest.strip_prefix('[') {
            let close = open.find(']').unwrap_or(open.len());
            pointer.push('/');
            pointer.push_str(&open[..close]);
            rest = open.get(close + 1..).unwrap_or("");
        }
    }
    pointer
}

fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("the boolean {b}"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) => format!("the string \"{s}\""),
        Value::Array(_) => "a list".into(),
        Value::Object(_) => "a mapping".into(),
    }
}

fn type_name(t: &str) -> &str {
    match t {
        "integer" => "a whole number",
        "number" => "a number",
        "string" => "a string",
        "boolean" => "true or false",
        "array" => "a list",
        "object" => "a mapping",
        "null" => "null",
        other => other,
    }
}

/// Turns one schema error into diagnostics. For `anyOf`/`oneOf` (optional fields, quantities,
/// int-or-string), the branches whose type does not even match are dropped and the errors of
/// the branch that does are reported, so the user reads about the actual problem.
fn collect_schema_errors(
    error: &jsonschema::ValidationError<'_>,
    scope: &Scope<'_>,
    locate_value: &dyn Fn(&str) -> Location,
    locate_key: &dyn Fn(&str) -> Location,
    out: &mut Vec<SpecDiagnostic>,
) {
    let pointer = error.instance_path().as_str().to_string();
    let branches = match error.kind() {
        ValidationErrorKind::AnyOf { context } | ValidationErrorKind::OneOfNotValid { context } => {
            Some(context)
        }
        _ => None,
    };
    if let Some(branches) = branches {
        let plausible: Vec<&Vec<jsonschema::ValidationError<'static>>> = branches
            .iter()
            .filter(|errs| {
                !errs.iter().any(|e| {
                    e.instance_path().as_str() == pointer
                        && matches!(e.kind(), ValidationErrorKind::Type { .. })
                })
            })
            .collect();
        let consts: Vec<&Value> = branches
            .iter()
            .filter_map(|errs| match errs.as_slice() {
                [e] if e.instance_path().as_str() == pointer => match e.kind() {
                    ValidationErrorKind::Constant { expected_value } => {
                        Some(expected_value.as_ref())
                    }
                    _ => None,
                },
                _ => None,
            })
            .collect();
        if !consts.is_empty() && consts.len() == plausible.len() {
            let options = Value::Array(consts.into_iter().cloned().collect());
            out.extend(schema_diagnostic(
                &pointer,
                &ValidationErrorKind::Enum {
                    options: std::sync::Arc::new(options),
                },
                error.instance(),
                &error.to_string(),
                scope,
                locate_value,
                locate_key,
            ));
            return;
        }
        if let [only] = plausible.as_slice() {
            for e in only.iter() {
                collect_schema_errors(e, scope, locate_value, locate_key, out);
            }
            return;
        }
    }
    out.extend(schema_diagnostic(
        &pointer,
        error.kind(),
        error.instance(),
        &error.to_string(),
        scope,
        locate_value,
        locate_key,
    ));
}

/// The schema a value is checked against, and where that value sits in the spec: the spec
/// itself against its own schema, or extension data against the workspace's schema.
struct Scope<'a> {
    /// The schema (for "did you mean" and descriptions).
    schema: &'a Value,
    /// The JSON pointer of the checked value in the spec (`""`: the spec itself).
    base: &'a str,
}

/// `relative` is the error's pointer inside the checked value.
fn schema_diagnostic(
    relative: &str,
    kind: &ValidationErrorKind,
    instance: &Value,
    fallback: &str,
    scope: &Scope<'_>,
    locate_value: &dyn Fn(&str) -> Location,
    locate_key: &dyn Fn(&str) -> Location,
) -> Vec<SpecDiagnostic> {
    let full = format!("{}{relative}", scope.base);
    let pointer = full.as_str();
    let key = key_path(pointer);
    // A value at a secret path, or one that holds a secret, is never quoted.
    let secret = crate::secrets::is_secret_path(pointer)
        || instance
            .as_str()
            .is_some_and(crate::secrets::contains_secret);
    let describe = |v: &Value| match v {
        Value::Array(_) | Value::Object(_) => describe(v),
        _ if secret => "a secret value".to_string(),
        _ => describe(v),
    };
    let fallback = if secret {
        fallback.replace(&instance.to_string(), "<secret>")
    } else {
        fallback.to_string()
    };
    let one = |message: String, help: Option<String>| {
        vec![SpecDiagnostic {
            location: locate_value(pointer),
            message,
            help,
        }]
    };
    match kind {
        ValidationErrorKind::AdditionalProperties { unexpected }
        | ValidationErrorKind::UnevaluatedProperties { unexpected } => {
            let known = super::suggest::properties_at(scope.schema, relative);
            unexpected
                .iter()
                .map(|name| {
                    let child = format!("{pointer}/{}", escape_token(name));
                    let help = match super::suggest::closest(name, &known) {
                        Some(s) => Some(format!("did you mean `{s}`?")),
                        None if !known.is_empty() => {
                            Some(format!("expected one of: {}", known.join(", ")))
                        }
                        None => None,
                    };
                    let place = if pointer.is_empty() {
                        "the spec".to_string()
                    } else {
                        format!("`{key}`")
                    };
                    SpecDiagnostic {
                        location: locate_key(&child),
                        message: format!("unknown key `{name}` in {place}"),
                        help,
                    }
                })
                .collect()
        }
        ValidationErrorKind::Required { property } => {
            let name = property.as_str().unwrap_or_default();
            let place = if pointer.is_empty() {
                "the spec".to_string()
            } else {
                format!("`{key}`")
            };
            vec![SpecDiagnostic {
                location: locate_key(pointer),
                message: format!("missing required key `{name}` in {place}"),
                help: Some(format!(
                    "add `{name}:` (in app.yaml if every environment shares it)"
                )),
            }]
        }
        ValidationErrorKind::Type { kind } => {
            let expected = match kind {
                TypeKind::Single(t) => type_name(&t.to_string()).to_string(),
                TypeKind::Multiple(set) => set
                    .iter()
                    .map(|t| type_name(&t.to_string()).to_string())
                    .filter(|t| t != "null")
                    .collect::<Vec<_>>()
                    .join(" or "),
            };
            one(
                format!("`{key}`: expected {expected}, found {}", describe(instance)),
                None,
            )
        }
        ValidationErrorKind::Enum { options } => {
            let opts: Vec<String> = options
                .as_array()
                .map(|a| {
                    a.iter()
                        .map(|o| o.as_str().map_or(o.to_string(), |s| format!("`{s}`")))
                        .collect()
                })
                .unwrap_or_default();
            let found = instance
                .as_str()
                .filter(|_| !secret)
                .map_or(describe(instance), |s| format!("`{s}`"));
            let suggestion = instance.as_str().and_then(|s| {
                let names: Vec<String> = options
                    .as_array()
                    .map(|a| {
                        a.iter()
                            .filter_map(|o| o.as_str().map(String::from))
                            .collect()
                    })
                    .unwrap_or_default();
                super::suggest::closest(s, &names)
            });
            let help = match suggestion {
                Some(s) => format!("did you mean `{s}`?"),
                None => format!("expected one of: {}", opts.join(", ")),
            };
            one(format!("`{key}`: {found} is not allowed"), Some(help))
        }
        ValidationErrorKind::AnyOf { .. } | ValidationErrorKind::OneOfNotValid { .. } => {
            let expected = super::suggest::description_at(scope.schema, relative)
                .unwrap_or_else(|| "a value of another shape".to_string());
            one(
                format!("`{key}`: {} does not fit", describe(instance)),
                Some(format!("expected {}", lowercase_first(&expected))),
            )
        }
        ValidationErrorKind::Pattern { pattern } => {
            let expected = super::suggest::description_at(scope.schema, relative);
            one(
                format!("`{key}`: {} has the wrong form", describe(instance)),
                Some(match expected {
                    Some(d) => format!("expected {}", lowercase_first(&d)),
                    None => format!("it must match the pattern {pattern}"),
                }),
            )
        }
        ValidationErrorKind::Minimum { limit }
        | ValidationErrorKind::ExclusiveMinimum { limit } => one(
            format!(
                "`{key}`: {} is below the minimum {limit}",
                describe(instance)
            ),
            None,
        ),
        ValidationErrorKind::Maximum { limit }
        | ValidationErrorKind::ExclusiveMaximum { limit } => one(
            format!(
                "`{key}`: {} is above the maximum {limit}",
                describe(instance)
            ),
            None,
        ),
        ValidationErrorKind::MinItems { limit } => one(
            format!(
                "`{key}`: needs at least {limit} item{}",
                if *limit == 1 { "" } else { "s" }
            ),
            None,
        ),
        ValidationErrorKind::MinLength { limit } => one(
            format!(
                "`{key}`: needs at least {limit} character{}",
                if *limit == 1 { "" } else { "s" }
            ),
            None,
        ),
        ValidationErrorKind::MaxLength { limit } => {
            one(format!("`{key}`: longer than {limit} characters"), None)
        }
        _ => one(format!("`{key}`: {fallback}"), None),
    }
}

fn lowercase_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::key_to_pointer;

    #[test]
    fn key_paths_become_pointers() {
        assert_eq!(
            key_to_pointer("autoscaling.minReplicas"),
            "/autoscaling/minReplicas"
        );
        assert_eq!(key_to_pointer("ports[0].name"), "/ports/0/name");
        assert_eq!(key_to_pointer("ports.1"), "/ports/1");
        assert_eq!(key_to_pointer("config.data.a/b"), "/config/data/a~1b");
    }
}
