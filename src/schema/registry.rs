//! The schema registry: embedded Kubernetes, CRD, Compose and Helm values schemas plus the
//! user's extra schema folders; each validator is compiled once, on first use, and shared
//! across threads.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use jsonschema::{Draft, Validator};
use serde_json::value::RawValue;
use serde_json::{Map, Value, json};

use super::{crd, formats};
use crate::manifest::yaml::unescape_token;

/// The base URI under which schema files are registered for `$ref` resolution.
pub const BASE_URI: &str = "https://shipshape.dev/schemas/";
/// The URI of the Kubernetes definitions of the selected version (the Helm values schema
/// refers to it).
pub const KUBERNETES_URI: &str = "https://shipshape.dev/schemas/kubernetes.json";

/// The embedded Kubernetes schemas, one definitions file per minor version (the files of
/// `schemas/kubernetes`, compacted by the build script).
const KUBERNETES: &[(u32, &str)] = &[
    (
        33,
        include_str!(concat!(env!("OUT_DIR"), "/kubernetes/v1.33.json")),
    ),
    (
        34,
        include_str!(concat!(env!("OUT_DIR"), "/kubernetes/v1.34.json")),
    ),
    (
        35,
        include_str!(concat!(env!("OUT_DIR"), "/kubernetes/v1.35.json")),
    ),
    (
        36,
        include_str!(concat!(env!("OUT_DIR"), "/kubernetes/v1.36.json")),
    ),
    (
        37,
        include_str!(concat!(env!("OUT_DIR"), "/kubernetes/v1.37.json")),
    ),
];

/// The bundled CRD schemas (made by `shipshape schema import`).
const CRDS: &[(&str, &str)] = &[
    (
        "canaries.flagger.app.json",
        include_str!("../../schemas/crds/canaries.flagger.app.json"),
    ),
    (
        "destinationrules.networking.istio.io.json",
        include_str!("../../schemas/crds/destinationrules.networking.istio.io.json"),
    ),
    (
        "servicemonitors.monitoring.coreos.com.json",
        include_str!("../../schemas/crds/servicemonitors.monitoring.coreos.com.json"),
    ),
    (
        "virtualservices.networking.istio.io.json",
        include_str!("../../schemas/crds/virtualservices.networking.istio.io.json"),
    ),
];

/// The Compose specification schema.
const COMPOSE: &str = include_str!("../../schemas/compose/compose-spec.json");
/// The `$id` of the Compose specification schema.
const COMPOSE_ID: &str = "compose_spec.json";
/// The values schema of the conventional application chart.
const HELM_VALUES: &str = include_str!("../../schemas/helm/app-chart.values.schema.json");

/// The values schema of the bjw-s `app-template` chart 4.x, as published (see
/// `schemas/helm/SOURCE.md`): its root and the files it refers to, by path relative to the
/// root's `$id`, under which each is registered so that the references resolve offline.
const APP_TEMPLATE: &[(&str, &str)] = &[
    app_template!("values.schema.json"),
    app_template!("schemas/configmap.json"),
    app_template!("schemas/containers.json"),
    app_template!("schemas/controllers.json"),
    app_template!("schemas/definitions.json"),
    app_template!("schemas/envVars.json"),
    app_template!("schemas/ingress.json"),
    app_template!("schemas/k8s-api.json"),
    app_template!("schemas/networkpolicy.json"),
    app_template!("schemas/persistence.json"),
    app_template!("schemas/pod.json"),
    app_template!("schemas/rawResource.json"),
    app_template!("schemas/rbac.json"),
    app_template!("schemas/route.json"),
    app_template!("schemas/secret.json"),
    app_template!("schemas/service.json"),
    app_template!("schemas/serviceAccount.json"),
    app_template!("schemas/serviceMonitor.json"),
];

macro_rules! app_template {
    ($path:literal) => {
        (
            $path,
            include_str!(concat!("../../schemas/helm/app-template/", $path)),
        )
    };
}
use app_template;

/// The URI of shipshape's strict wrapper around the app-template schema: the chart's schema
/// leaves its top level open (Helm ignores a misspelt top-level key); the wrapper closes it
/// to the keys the chart reads.
const APP_TEMPLATE_URI: &str = "https://shipshape.dev/schemas/helm/app-template.json";
/// Top-level keys of the app-template chart's own `values.yaml` that its schema does not
/// list: allowed by the strict wrapper too.
const APP_TEMPLATE_UNLISTED_KEYS: &[&str] = &["configMapsFromFolder"];

/// The app-template file of Kubernetes definitions (probes, lifecycle hooks, capabilities,
/// ...). Some of its objects are open; they are closed on load as every Kubernetes schema
/// shipshape checks against is ([`super::strict::strictify`]), so that a misspelt probe field
/// is an unknown field here too.
const APP_TEMPLATE_KUBERNETES: &str = "schemas/k8s-api.json";

/// The chart shape a Helm values file is written for, decided by its content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HelmChart {
    /// The conventional application chart (`helm create`'s shape: `replicaCount`, `image`, ...).
    AppChart,
    /// The bjw-s `app-template` chart 4.x: a top-level `controllers` map.
    AppTemplate,
}

impl HelmChart {
    /// The shape of a values document: `app-template` when it has a top-level `controllers`
    /// key, the conventional chart otherwise.
    pub fn of(values: &Value) -> HelmChart {
        if values.get("controllers").is_some() {
            HelmChart::AppTemplate
        } else {
            HelmChart::AppChart
        }
    }
}

/// The app-template schema files, parsed, by URI, and the validator compiled from them.
struct AppTemplate {
    documents: HashMap<String, Arc<Value>>,
    validator: Result<Validator, String>,
}

/// The Kubernetes version used when none is given.
pub const DEFAULT_KUBERNETES_MINOR: u32 = 37;

pub use crate::manifest::Target;

/// How a [`Registry`] validates.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Kubernetes version (`1.37`, `v1.37`, `1.37.2`); the newest embedded one when `None`.
    pub kubernetes_version: Option<String>,
    /// Extra schema folders: shipshape schema files (`*.json`) and CRDs (`*.yaml`, `*.yml`).
    pub schema_locations: Vec<PathBuf>,
    /// Unknown fields are errors (always for Compose files; duplicate keys always are).
    pub strict: bool,
    /// A resource without a schema is skipped instead of being an error.
    pub ignore_missing_schemas: bool,
    /// Kinds (`Deployment`) or `apiVersion/kind` keys (`apps/v1/Deployment`) to skip.
    pub skip: Vec<String>,
}

/// A compiled validator, built on first use.
type LazyValidator = OnceLock<Result<Validator, String>>;

/// One resource kind the registry knows.
struct KindSchema {
    /// The URI of the schema file that defines it.
    uri: String,
    /// The definition's name in that file.
    definition: String,
    validator: LazyValidator,
}

/// The built-in Kubernetes kinds of the selected version. The definitions file is indexed
/// without being parsed; each kind's validator is compiled, on first use, from a document of
/// just the definitions it reaches (a Deployment needs 121 of the 766, a ConfigMap 6).
struct Builtin {
    /// Kind to its API versions, each with its definition's name and validator (looked up
    /// without building an `apiVersion/kind` key for every resource; a fast hash, as the
    /// keys are our own).
    kinds: foldhash::HashMap<String, Vec<BuiltinKind>>,
    /// Each definition's JSON text, unparsed.
    definitions: foldhash::HashMap<String, &'static RawValue>,
}

/// One built-in `apiVersion` and kind.
struct BuiltinKind {
    api_version: String,
    definition: String,
    validator: LazyValidator,
    /// Set by the thread that compiles the validator, so that other threads that need
    /// validators at the same time compile the others ([`Registry::compile_ahead`]).
    claimed: AtomicBool,
}

/// The shape of a Kubernetes definitions file, read without parsing the definitions.
#[derive(serde::Deserialize)]
struct DefinitionsIndex {
    #[serde(rename = "x-kinds")]
    kinds: foldhash::HashMap<String, String>,
    #[serde(borrow)]
    definitions: foldhash::HashMap<String, &'static RawValue>,
}

/// Everything loaded for CRD, extra-schema and Helm values validation (on first use), with the
/// Kubernetes definitions they refer to.
struct Loaded {
    registry: jsonschema::Registry<'static>,
    documents: HashMap<String, Arc<Value>>,
    kinds: HashMap<String, KindSchema>,
    helm: LazyValidator,
}

/// The schemas shipshape validates against. `Send + Sync`: share one across threads.
pub struct Registry {
    options: Options,
    minor: u32,
    extra: Vec<(String, Arc<Value>)>,
    /// The `apiVersion/kind` keys the extra schema folders define (they win over the
    /// built-in kinds).
    extra_kinds: Vec<String>,
    builtin: OnceLock<Result<Builtin, String>>,
    loaded: OnceLock<Result<Loaded, String>>,
    compose_schema: OnceLock<Result<Arc<Value>, String>>,
    compose: LazyValidator,
    app_template: OnceLock<Result<AppTemplate, String>>,
    /// [`Registry::known_properties`] by keyword location.
    known_properties: Mutex<foldhash::HashMap<String, Arc<[String]>>>,
}

impl std::fmt::Debug for Registry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Registry")
            .field("options", &self.options)
            .field("minor", &self.minor)
            .finish_non_exhaustive()
    }
}

/// The Kubernetes minor versions with embedded schemas.
pub fn kubernetes_versions() -> Vec<String> {
    KUBERNETES.iter().map(|(m, _)| format!("1.{m}")).collect()
}

/// Parses `1.37`, `v1.37` or `1.37.2` into the minor version.
fn parse_version(text: &str) -> Option<u32> {
    let t = text.trim().trim_start_matches('v');
    let mut parts = t.split('.');
    if parts.next()? != "1" {
        return None;
    }
    let minor = parts.next()?.parse().ok()?;
    match parts.next() {
        None => Some(minor),
        Some(patch) if patch.parse::<u32>().is_ok() && parts.next().is_none() => Some(minor),
        Some(_) => None,
    }
}

impl Registry {
    /// Builds a registry. Reads the extra schema folders now (so a broken file is reported
    /// before anything is validated); compiles nothing yet.
    pub fn new(options: Options) -> anyhow::Result<Registry> {
        let minor = match &options.kubernetes_version {
            None => DEFAULT_KUBERNETES_MINOR,
            Some(v) => {
                let minor = parse_version(v).ok_or_else(|| {
                    anyhow::anyhow!(
                        "--kubernetes-version {v:?} is not a version like 1.37; embedded versions: {}",
                        kubernetes_versions().join(", ")
                    )
                })?;
                if !KUBERNETES.iter().any(|(m, _)| *m == minor) {
                    anyhow::bail!(
                        "no schemas for Kubernetes 1.{minor}; embedded versions: {}",
                        kubernetes_versions().join(", ")
                    );
                }
                minor
            }
        };
        let mut extra = Vec::new();
        for dir in &options.schema_locations {
            load_dir(dir, &mut extra)?;
        }
        let extra_kinds = extra
            .iter()
            .filter_map(|(_, doc)| doc.get("x-kinds").and_then(Value::as_object))
            .flat_map(|index| index.keys().cloned())
            .collect();
        Ok(Registry {
            options,
            minor,
            extra,
            extra_kinds,
            builtin: OnceLock::new(),
            loaded: OnceLock::new(),
            compose_schema: OnceLock::new(),
            compose: OnceLock::new(),
            app_template: OnceLock::new(),
            known_properties: Mutex::default(),
        })
    }

    /// The options it was built with.
    pub fn options(&self) -> &Options {
        &self.options
    }

    /// The Kubernetes minor version it validates against (`37` for 1.37).
    pub fn kubernetes_minor(&self) -> u32 {
        self.minor
    }

    /// Indexes the embedded Kubernetes schemas now rather than on first use, so that it can
    /// overlap other work (an error shows again on first use).
    pub fn preload(&self) {
        let _ = self.builtin();
    }

    fn builtin(&self) -> Result<&Builtin, String> {
        self.builtin
            .get_or_init(|| {
                let index: DefinitionsIndex = serde_json::from_str(self.kubernetes_text()?)
                    .map_err(|e| format!("an embedded schema is not valid JSON: {e}"))?;
                let mut kinds = foldhash::HashMap::<String, Vec<BuiltinKind>>::default();
                for (key, definition) in index.kinds {
                    let Some((api_version, kind)) = key.rsplit_once('/') else {
                        continue;
                    };
                    kinds
                        .entry(kind.to_string())
                        .or_default()
                        .push(BuiltinKind {
                            api_version: api_version.to_string(),
                            definition,
                            validator: OnceLock::new(),
                            claimed: AtomicBool::new(false),
                        });
                }
                Ok(Builtin {
                    kinds,
                    definitions: index.definitions,
                })
            })
            .as_ref()
            .map_err(Clone::clone)
    }

    /// The embedded definitions file of the selected Kubernetes version.
    fn kubernetes_text(&self) -> Result<&'static str, String> {
        KUBERNETES
            .iter()
            .find(|(m, _)| *m == self.minor)
            .map(|(_, t)| *t)
            .ok_or_else(|| format!("no schemas for Kubernetes 1.{}", self.minor))
    }

    fn loaded(&self) -> Result<&Loaded, String> {
        self.loaded
            .get_or_init(|| self.load())
            .as_ref()
            .map_err(Clone::clone)
    }

    fn load(&self) -> Result<Loaded, String> {
        let mut files: Vec<(String, Arc<Value>)> = Vec::new();
        for (name, text) in CRDS {
            files.push((
                format!("{BASE_URI}crds/{name}"),
                Arc::new(parse_embedded(text)?),
            ));
        }
        files.extend(self.extra.iter().cloned());
        let mut kinds = HashMap::new();
        let mut documents = HashMap::new();
        for (uri, doc) in &files {
            if let Some(Value::Object(index)) = doc.get("x-kinds") {
                for (key, def) in index {
                    if let Some(def) = def.as_str() {
                        kinds.insert(
                            key.clone(),
                            KindSchema {
                                uri: uri.clone(),
                                definition: def.to_string(),
                                validator: OnceLock::new(),
                            },
                        );
                    }
                }
            }
            documents.insert(uri.clone(), Arc::clone(doc));
        }
        let helm_uri = format!("{BASE_URI}helm/app-chart.values.schema.json");
        let helm = Arc::new(parse_embedded(HELM_VALUES)?);
        documents.insert(helm_uri.clone(), Arc::clone(&helm));
        files.push((helm_uri, helm));
        // The Kubernetes definitions these schemas refer to (the Helm values schema uses
        // probes, volumes and the like), not the whole file.
        let mut referred = Vec::new();
        let prefix = format!("{KUBERNETES_URI}#/definitions/");
        for (_, doc) in &files {
            definition_refs(doc, &prefix, &mut referred);
        }
        if !referred.is_empty() {
            let definitions = self.builtin()?.reached(referred)?;
            files.push((
                KUBERNETES_URI.to_string(),
                Arc::new(definitions_document(definitions)),
            ));
        }
        let registry = jsonschema::Registry::new()
            .extend(files)
            .and_then(|b| b.prepare())
            .map_err(|e| format!("cannot index the schemas: {e}"))?;
        Ok(Loaded {
            registry,
            documents,
            kinds,
            helm: OnceLock::new(),
        })
    }

    /// The compiled validator for a Kubernetes `apiVersion/kind`, or `Ok(None)` when there is
    /// no schema for it.
    pub(crate) fn kubernetes_validator(
        &self,
        api_version: &str,
        kind: &str,
    ) -> Result<Option<&Validator>, String> {
        if !self.is_extra_kind(api_version, kind) {
            let builtin = self.builtin()?;
            if let Some(entry) = builtin.kind(api_version, kind) {
                return entry
                    .validator(builtin)
                    .as_ref()
                    .map(Some)
                    .map_err(Clone::clone);
            }
        }
        let key = format!("{api_version}/{kind}");
        let loaded = self.loaded()?;
        let Some(entry) = loaded.kinds.get(&key) else {
            return Ok(None);
        };
        entry
            .validator
            .get_or_init(|| {
                compile(
                    &loaded.registry,
                    &json!({"$ref": format!("{}#/definitions/{}", entry.uri, entry.definition)}),
                )
            })
            .as_ref()
            .map(Some)
            .map_err(Clone::clone)
    }

    /// Compiles the validators of built-in kinds that no thread has started on yet, of the
    /// given `(apiVersion, kind)` pairs (the resources of one file). Threads that start
    /// validating at the same time thus compile different kinds side by side instead of
    /// waiting for one another; a kind another thread is compiling is left to it.
    pub(crate) fn compile_ahead<'k>(&self, kinds: impl Iterator<Item = (&'k str, &'k str)>) {
        let Ok(builtin) = self.builtin() else {
            return;
        };
        for (api_version, kind) in kinds {
            if self.is_extra_kind(api_version, kind) {
                continue;
            }
            if let Some(entry) = builtin.kind(api_version, kind) {
                entry.compile_unless_claimed(builtin);
            }
        }
    }

    /// Whether an extra schema folder defines the kind (it wins over a built-in one).
    fn is_extra_kind(&self, api_version: &str, kind: &str) -> bool {
        self.extra_kinds
            .iter()
            .any(|key| is_kind_key(key, api_version, kind))
    }

    /// The compiled validator of a target that is not a Kubernetes resource.
    pub(crate) fn target_validator(&self, target: Target) -> Result<&Validator, String> {
        match target {
            Target::Compose => self
                .compose
                .get_or_init(|| {
                    let schema = self
                        .compose_schema
                        .get_or_init(|| parse_embedded(COMPOSE).map(Arc::new))
                        .clone()?;
                    jsonschema::options()
                        .with_draft(Draft::Draft7)
                        .should_validate_formats(false)
                        .build(&schema)
                        .map_err(|e| format!("the Compose schema does not compile: {e}"))
                })
                .as_ref()
                .map_err(Clone::clone),
            Target::HelmValues => {
                let loaded = self.loaded()?;
                loaded
                    .helm
                    .get_or_init(|| {
                        compile(
                            &loaded.registry,
                            &json!({"$ref": format!("{BASE_URI}helm/app-chart.values.schema.json")}),
                        )
                    })
                    .as_ref()
                    .map_err(Clone::clone)
            }
            Target::Kubernetes => Err("a Kubernetes resource needs its apiVersion and kind".into()),
        }
    }

    /// The compiled validator of Helm values for a chart shape.
    pub(crate) fn helm_values_validator(&self, chart: HelmChart) -> Result<&Validator, String> {
        match chart {
            HelmChart::AppChart => self.target_validator(Target::HelmValues),
            HelmChart::AppTemplate => self
                .app_template()?
                .validator
                .as_ref()
                .map_err(Clone::clone),
        }
    }

    fn app_template(&self) -> Result<&AppTemplate, String> {
        self.app_template
            .get_or_init(load_app_template)
            .as_ref()
            .map_err(Clone::clone)
    }

    /// The property names of the object schema that holds a keyword, given the keyword's
    /// absolute location (`<uri>#/definitions/X/additionalProperties`); for "did you mean".
    /// Read once per location (the same mistake tends to repeat across files).
    pub(crate) fn known_properties(&self, keyword_location: &str) -> Arc<[String]> {
        let mut cache = self
            .known_properties
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(known) = cache.get(keyword_location) {
            return Arc::clone(known);
        }
        let known: Arc<[String]> = self
            .schema_properties(keyword_location)
            .unwrap_or_default()
            .into();
        cache.insert(keyword_location.to_string(), Arc::clone(&known));
        known
    }

    fn schema_properties(&self, keyword_location: &str) -> Option<Vec<String>> {
        let (uri, fragment) = keyword_location.split_once('#')?;
        let parent = fragment.rsplit_once('/').map_or("", |(p, _)| p);
        let (doc, pointer) = if uri == KUBERNETES_URI {
            // Read from the unparsed definitions: the one the pointer names.
            let (definition, inner) = self.builtin().ok()?.definition(parent)?;
            (Arc::new(definition), inner)
        } else if let Some(doc) = self
            .app_template
            .get()
            .and_then(|a| a.as_ref().ok())
            .and_then(|a| a.documents.get(uri))
        {
            (Arc::clone(doc), parent.to_string())
        } else if uri.is_empty() || uri.ends_with(COMPOSE_ID) {
            // Only the Compose schema is compiled on its own (its locations are relative).
            let compose = self.compose_schema.get()?.as_ref().ok()?;
            (Arc::clone(compose), parent.to_string())
        } else {
            let loaded = self.loaded.get()?.as_ref().ok()?;
            (Arc::clone(loaded.documents.get(uri)?), parent.to_string())
        };
        let properties = doc.pointer(&pointer)?.get("properties")?.as_object()?;
        Some(properties.keys().cloned().collect())
    }

    /// Checks the `--skip` values: each must name a kind the registry has a schema for, as
    /// `Kind` or `apiVersion/Kind`; an unknown one is an error with the nearest known name.
    pub fn check_skip(&self) -> anyhow::Result<()> {
        if self.options.skip.is_empty() {
            return Ok(());
        }
        let mut known = std::collections::BTreeSet::new();
        let builtin = self.builtin().map_err(|e| anyhow::anyhow!(e))?;
        for (kind, versions) in &builtin.kinds {
            known.insert(kind.clone());
            for v in versions {
                known.insert(format!("{}/{kind}", v.api_version));
            }
        }
        let loaded = self.loaded().map_err(|e| anyhow::anyhow!(e))?;
        for key in loaded.kinds.keys() {
            known.insert(key.clone());
            if let Some((_, kind)) = key.rsplit_once('/') {
                known.insert(kind.to_string());
            }
        }
        let known: Vec<String> = known.into_iter().collect();
        for value in &self.options.skip {
            if known.contains(value) {
                continue;
            }
            let hint = match crate::spec::suggest::closest(value, &known) {
                Some(s) => format!("did you mean `{s}`?"),
                None => "give a kind such as `Secret` or `apps/v1/Deployment`; a kind without a schema is passed with `--ignore-missing-schemas`, or import its CRD with `shipshape schema import`".into(),
            };
            anyhow::bail!("--skip `{value}` is not a kind shipshape knows; {hint}");
        }
        Ok(())
    }

    /// Whether a kind is skipped by the options (`--skip`).
    pub fn is_skipped(&self, api_version: &str, kind: &str) -> bool {
        self.options
            .skip
            .iter()
            .any(|s| s == kind || is_kind_key(s, api_version, kind))
    }
}

/// Whether `key` is `apiVersion/kind` of these (compared without building the key: this runs
/// for every resource).
fn is_kind_key(key: &str, api_version: &str, kind: &str) -> bool {
    key.strip_suffix(kind)
        .and_then(|rest| rest.strip_suffix('/'))
        == Some(api_version)
}

impl Builtin {
    fn kind(&self, api_version: &str, kind: &str) -> Option<&BuiltinKind> {
        self.kinds
            .get(kind)?
            .iter()
            .find(|k| k.api_version == api_version)
    }

    /// The definitions `roots` reach through their references, parsed, by name.
    fn reached(&self, mut pending: Vec<String>) -> Result<Map<String, Value>, String> {
        let mut reached = Map::new();
        while let Some(name) = pending.pop() {
            if reached.contains_key(&name) {
                continue;
            }
            let raw = self
                .definitions
                .get(&name)
                .ok_or_else(|| format!("the embedded schemas lack the definition {name}"))?;
            let value: Value = serde_json::from_str(raw.get())
                .map_err(|e| format!("an embedded schema is not valid JSON: {e}"))?;
            definition_refs(&value, "#/definitions/", &mut pending);
            reached.insert(name, value);
        }
        Ok(reached)
    }

    /// Compiles the validator of one definition from a document of the definitions it
    /// reaches, registered under the Kubernetes URI (so that findings name the same schema
    /// locations as with the whole file).
    fn compile(&self, definition: &str) -> Result<Validator, String> {
        let definitions = self.reached(vec![definition.to_string()])?;
        let registry = jsonschema::Registry::new()
            .extend([(
                KUBERNETES_URI.to_string(),
                definitions_document(definitions),
            )])
            .and_then(|b| b.prepare())
            .map_err(|e| format!("cannot index the schemas: {e}"))?;
        // The only pattern of the built-in schemas is the quantity grammar: the `regex`
        // engine matches it without the backtracking layer that patterns of CRDs and the
        // Compose spec may need.
        options(&registry)
            .with_pattern_options(jsonschema::PatternOptions::regex())
            .build(&json!({"$ref": format!("{KUBERNETES_URI}#/definitions/{definition}")}))
            .map_err(|e| format!("schema does not compile: {e}"))
    }

    /// The definition a pointer into the definitions file goes through
    /// (`/definitions/X/properties/spec`), parsed, and the rest of the pointer within it.
    fn definition(&self, pointer: &str) -> Option<(Value, String)> {
        let rest = pointer.strip_prefix("/definitions/")?;
        let (name, inner) = rest.split_once('/').map_or((rest, ""), |(n, i)| (n, i));
        let raw = self.definitions.get(&unescape_token(name))?;
        let value = serde_json::from_str(raw.get()).ok()?;
        let inner = if inner.is_empty() {
            String::new()
        } else {
            format!("/{inner}")
        };
        Some((value, inner))
    }
}

impl BuiltinKind {
    /// The kind's validator, compiled on first use. While another thread compiles it, this
    /// thread validates other files (those may need kinds nobody compiles yet) rather than
    /// wait.
    fn validator(&self, builtin: &Builtin) -> &Result<Validator, String> {
        while self.validator.get().is_none()
            && self.claimed.load(Ordering::Relaxed)
            && rayon::yield_now() == Some(rayon::Yield::Executed)
        {}
        self.claimed.store(true, Ordering::Relaxed);
        self.compiled(builtin)
    }

    /// Compiles the validator now unless it is compiled or another thread has claimed it.
    fn compile_unless_claimed(&self, builtin: &Builtin) {
        if self.validator.get().is_none() && !self.claimed.swap(true, Ordering::Relaxed) {
            let _ = self.compiled(builtin);
        }
    }

    fn compiled(&self, builtin: &Builtin) -> &Result<Validator, String> {
        self.validator
            .get_or_init(|| builtin.compile(&self.definition))
    }
}

/// `{"definitions": ...}`, without the copy `json!` would make of them.
fn definitions_document(definitions: Map<String, Value>) -> Value {
    Value::Object(Map::from_iter([(
        "definitions".to_string(),
        Value::Object(definitions),
    )]))
}

/// Adds the names of the definitions a schema refers to as `{prefix}NAME` to `out` (other
/// references are the schema's own business).
fn definition_refs(schema: &Value, prefix: &str, out: &mut Vec<String>) {
    match schema {
        Value::Object(map) => {
            for (key, value) in map {
                match value {
                    Value::String(target) if key == "$ref" => {
                        if let Some(name) = target.strip_prefix(prefix) {
                            out.push(unescape_token(name));
                        }
                    }
                    _ => definition_refs(value, prefix, out),
                }
            }
        }
        Value::Array(items) => {
            for item in items {
                definition_refs(item, prefix, out);
            }
        }
        _ => {}
    }
}

fn compile(registry: &jsonschema::Registry<'static>, schema: &Value) -> Result<Validator, String> {
    options(registry)
        .build(schema)
        .map_err(|e| format!("schema does not compile: {e}"))
}

/// The options of every Kubernetes, CRD and Helm values validator: the formats the API server
/// enforces are checked ([`formats`]), JSON Schema's own are not.
fn options<'r>(registry: &'r jsonschema::Registry<'static>) -> jsonschema::ValidationOptions<'r> {
    jsonschema::options()
        .with_draft(Draft::Draft7)
        .should_validate_formats(false)
        .with_keyword("format", formats::keyword)
        .with_registry(registry)
}

/// Registers the app-template schema files under the URIs their references resolve to, with
/// the strict wrapper, and compiles the wrapper.
fn load_app_template() -> Result<AppTemplate, String> {
    let root = parse_embedded(APP_TEMPLATE[0].1)?;
    let id = root
        .get("$id")
        .and_then(Value::as_str)
        .ok_or("the app-template schema has no $id")?;
    let base = id.strip_suffix(APP_TEMPLATE[0].0).unwrap_or(id).to_string();
    let mut keys: Map<String, Value> = root
        .get("properties")
        .and_then(Value::as_object)
        .map(|p| p.keys().map(|k| (k.clone(), json!({}))).collect())
        .unwrap_or_default();
    for key in APP_TEMPLATE_UNLISTED_KEYS {
        keys.insert((*key).to_string(), json!({}));
    }
    let wrapper = json!({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$id": APP_TEMPLATE_URI,
        "allOf": [{"$ref": id}],
        "properties": keys,
        "additionalProperties": false,
    });
    let mut files: Vec<(String, Arc<Value>)> = vec![(id.to_string(), Arc::new(root))];
    for (path, text) in &APP_TEMPLATE[1..] {
        let mut doc = parse_embedded(text)?;
        if *path == APP_TEMPLATE_KUBERNETES {
            for definition in doc.as_object_mut().into_iter().flat_map(|m| m.values_mut()) {
                super::strict::strictify(definition);
            }
        }
        files.push((format!("{base}{path}"), Arc::new(doc)));
    }
    files.push((APP_TEMPLATE_URI.to_string(), Arc::new(wrapper.clone())));
    let documents: HashMap<String, Arc<Value>> = files.iter().cloned().collect();
    let registry = jsonschema::Registry::new()
        .extend(files)
        .and_then(|b| b.prepare())
        .map_err(|e| format!("cannot index the app-template schema: {e}"))?;
    let validator = options(&registry)
        .build(&wrapper)
        .map_err(|e| format!("the app-template schema does not compile: {e}"));
    Ok(AppTemplate {
        documents,
        validator,
    })
}

fn parse_embedded(text: &str) -> Result<Value, String> {
    serde_json::from_str(text).map_err(|e| format!("an embedded schema is not valid JSON: {e}"))
}

/// Reads one extra schema folder (recursively, in name order).
fn load_dir(dir: &Path, out: &mut Vec<(String, Arc<Value>)>) -> anyhow::Result<()> {
    let mut files = Vec::new();
    collect_files(dir, &mut files)
        .map_err(|e| anyhow::anyhow!("cannot read schema folder {}: {e}", dir.display()))?;
    files.sort();
    for path in files {
        let display = path.display().to_string();
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        let text = std::fs::read_to_string(&path)
            .map_err(|e| anyhow::anyhow!("cannot read schema file {display}: {e}"))?;
        let uri = format!("{BASE_URI}extra/{}", out.len());
        match ext {
            "json" => {
                let value: Value = serde_json::from_str(&text).map_err(|e| {
                    anyhow::anyhow!("{display}:{}:{}: not valid JSON: {e}", e.line(), e.column())
                })?;
                if value.get("x-kinds").is_none_or(|k| !k.is_object()) {
                    anyhow::bail!(
                        "{display}: not a shipshape schema file (no `x-kinds` index); convert a CRD with `shipshape schema import <crd.yaml>`"
                    );
                }
                out.push((uri, Arc::new(value)));
            }
            "yaml" | "yml" => {
                let docs =
                    crd::read_documents(&text).map_err(|e| anyhow::anyhow!("{display}:{e}"))?;
                for (i, doc) in docs.iter().enumerate() {
                    let imported = crd::import_crd(doc)
                        .map_err(|e| anyhow::anyhow!("{display} (document {}): {e}", i + 1))?;
                    let uri = format!("{BASE_URI}extra/{}", out.len());
                    out.push((uri, Arc::new(imported.schema)));
                }
            }
            _ => {}
        }
    }
    Ok(())
}

fn collect_files(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect_files(&path, out)?;
        } else {
            out.push(path);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kind_keys_compare_without_building_them() {
        assert!(is_kind_key("apps/v1/Deployment", "apps/v1", "Deployment"));
        assert!(is_kind_key("v1/Service", "v1", "Service"));
        assert!(!is_kind_key("apps/v1/Deployment", "apps/v2", "Deployment"));
        assert!(!is_kind_key("apps/v1Deployment", "apps/v1", "Deployment"));
        assert!(!is_kind_key("Deployment", "", "Deployment"));
        assert!(!is_kind_key(
            "x/apps/v1/Deployment",
            "apps/v1",
            "Deployment"
        ));
    }

    #[test]
    fn versions_parse() {
        assert_eq!(parse_version("1.37"), Some(37));
        assert_eq!(parse_version("v1.33"), Some(33));
        assert_eq!(parse_version("1.35.2"), Some(35));
        assert_eq!(parse_version("2.1"), None);
        assert_eq!(parse_version("1.x"), None);
    }

    #[test]
    fn every_builtin_kind_compiles_from_the_definitions_it_reaches() {
        for version in kubernetes_versions() {
            let registry = Registry::new(Options {
                kubernetes_version: Some(version.clone()),
                ..Options::default()
            })
            .unwrap();
            let builtin = registry.builtin().unwrap();
            let count: usize = builtin.kinds.values().map(Vec::len).sum();
            assert!(count > 90, "{version}: {count}");
            for (kind, versions) in &builtin.kinds {
                for entry in versions {
                    let validator = registry.kubernetes_validator(&entry.api_version, kind);
                    assert!(
                        matches!(validator, Ok(Some(_))),
                        "{version} {}/{kind}",
                        entry.api_version
                    );
                }
            }
        }
    }

    #[test]
    fn known_properties_read_the_unparsed_definitions() {
        let registry = Registry::new(Options::default()).unwrap();
        let location = format!(
            "{KUBERNETES_URI}#/definitions/io.k8s.api.apps.v1.DeploymentSpec/additionalProperties"
        );
        let known = registry.known_properties(&location);
        assert!(known.contains(&"replicas".to_string()), "{known:?}");
        assert!(known.contains(&"template".to_string()), "{known:?}");
    }

    #[test]
    fn registry_is_shareable() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<Registry>();
    }
}
