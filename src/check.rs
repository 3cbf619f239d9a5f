//! The check pipeline of one environment: load its spec, render it, compare the files with
//! golden output, validate every document (strict) and lint the rendered set, with each
//! finding pointed back at the spec key that controls it. `shipshape check` runs it for every
//! selected environment in parallel and prints the merged result.

use std::path::Path;

use crate::config::Config;
use crate::golden::{self, Drift};
use crate::manifest::{self, Location, Source};
use crate::policy;
use crate::policy::environment::environment_context;
use crate::policy::exemption::Date;
use crate::policy::profile::Profile;
use crate::render::Renderer;
use crate::report::{self, Finding, Report, RuleRef, Severity};
use crate::schema::{self, Registry};
use crate::spec::{self, EnvId, Environment, Target};
use crate::workspace::Workspace;

/// What checking one environment produced.
pub struct Outcome {
    /// A spec, template or golden-folder error that stopped the environment.
    pub error: Option<String>,
    /// The spec errors, when those stopped it (printed with the other environments', so that
    /// a mistake in `app.yaml` shows once).
    pub spec_error: Option<spec::SpecError>,
    /// Whether the environment fails the gate (drift, or findings at the threshold).
    pub fails: bool,
    /// How many files it rendered.
    pub files: usize,
    /// Its golden drift.
    pub drift: Vec<Drift>,
    /// Its validation results and findings.
    pub report: Report,
    /// The namespace it creates (`createNamespace: true`) and where that is set.
    pub creates_namespace: Option<(String, String)>,
}

/// Documentation of every code among the findings: policy rules, validation codes and drift.
pub fn rule_docs(findings: &[Finding]) -> Vec<report::RuleDoc> {
    let used = |code: &str| findings.iter().any(|f| f.rule.code == code);
    let mut docs = policy::rule_docs(findings);
    docs.extend(
        schema::validate::codes::rule_docs()
            .into_iter()
            .filter(|d| used(&d.rule.code)),
    );
    if used(DRIFT) {
        docs.push(report::RuleDoc {
            rule: RuleRef {
                code: DRIFT.into(),
                name: DRIFT.into(),
            },
            summary: "The rendered file differs from its committed golden copy.".into(),
            doc: "`check` renders every environment and compares each file with `golden/<app>/<env>/<file>`: a missing, different or no longer rendered golden file is drift.\n\nReview the change with `shipshape diff <app>/<env>`; if it is intended, accept it with `shipshape golden accept <app>/<env>` and commit the golden files.".into(),
            severity: Severity::Error,
        });
    }
    if used(COMPOSE_COMBINATION) {
        docs.push(report::RuleDoc {
            rule: RuleRef {
                code: COMPOSE_COMBINATION.into(),
                name: COMPOSE_COMBINATION.into(),
            },
            summary: "A Compose file used with other apps' files refers to something none of them defines.".into(),
            doc: "A Compose file whose services depend on another app's services is used with that app's file (its header names the files and the command). `check` judges the file together with them, rendered for the same environment: each service it depends on, each service of another file it adds networks to and each network it joins must be defined by one of the files, as `docker-compose -f ... -f ... config` requires.\n\nCheck that workspace templates under `templates/compose/` render every service the connections reach.".into(),
            severity: Severity::Error,
        });
    }
    if used(crate::network_reach::CODE) {
        docs.push(report::RuleDoc {
            rule: RuleRef {
                code: crate::network_reach::CODE.into(),
                name: crate::network_reach::CODE.into(),
            },
            summary: "A declared connection is refused by the rendered NetworkPolicies.".into(),
            doc: "With `networkPolicies: true`, `check` reads the rendered NetworkPolicies as Kubernetes does: each connection of a workload must be let out of the client's pods by the policies that select them, and into the target's pods by the policies that select those (another app's, from its render for the same environment). A refused connection is reported at its line in the spec.\n\nCheck that workspace templates under `templates/kubernetes/` keep a rule for each edge, and that the target's policies let this client in.".into(),
            severity: Severity::Error,
        });
    }
    docs
}

/// The code of golden drift findings.
const DRIFT: &str = "golden-drift";

/// Loads (with `loader`, one for the whole run), renders, compares, validates and lints one
/// environment.
#[allow(clippy::too_many_arguments)]
pub fn check_environment(
    ws: &Workspace,
    loader: &spec::Loader,
    renderer: &Renderer,
    registry: &Registry,
    id: &EnvId,
    config: &Config,
    cli_layer: &Profile,
    today: Date,
) -> Outcome {
    let mut outcome = Outcome {
        fails: false,
        error: None,
        spec_error: None,
        creates_namespace: None,
        files: 0,
        drift: Vec::new(),
        report: Report::default(),
    };
    let env = match loader.load(id) {
        Ok(env) => env,
        Err(e) => {
            outcome.error = Some(e.to_string());
            outcome.spec_error = Some(e);
            return outcome;
        }
    };
    if env.spec.create_namespace {
        let at = env
            .layered
            .origin("/createNamespace")
            .map(|o| o.key_location().to_string())
            .unwrap_or_default();
        outcome.creates_namespace = Some((env.spec.namespace.clone(), at));
    }
    let cx = match environment_context(config, &env, &[cli_layer], today) {
        Ok(cx) => cx,
        Err(e) => {
            outcome.error = Some(format!("environment {id}: {e}"));
            return outcome;
        }
    };
    let fail_on = cx.selection.fail_on;
    let rendered = match renderer.render(&env) {
        Ok(r) => r,
        Err(e) => {
            outcome.error = Some(e.to_string());
            return outcome;
        }
    };
    outcome.files = rendered.len();
    let drift = match golden::compare(&ws.golden_dir(), id, &rendered) {
        Ok(d) => d,
        Err(e) => {
            outcome.error = Some(e.to_string());
            return outcome;
        }
    };
    let report = &mut outcome.report;
    let mut lint_docs = Vec::new();
    let mut kubernetes_docs = Vec::new();
    let mut compose_docs = Vec::new();
    for file in &rendered {
        let identical = !drift.iter().any(|d| d.path() == file.path);
        let shown = if identical {
            format!("golden/{}", file.path)
        } else {
            format!("{RENDERED}{}", file.path)
        };
        let source = Source::new(shown, file.text.clone());
        let docs = match manifest::load(&source) {
            Ok(d) => d,
            Err(e) => {
                outcome.error = Some(format!(
                    "{e} (rendered for {id}; a template produced invalid YAML)"
                ));
                return outcome;
            }
        };
        report.add_source(&source);
        let target = manifest::Target::from(file.target);
        for doc in &docs {
            let v = registry.validate_document(doc, target);
            report.resources.push(report::Resource {
                location: doc.location(),
                object: resource_name(doc, file.target),
                status: v.status,
                reason: v.reason,
            });
            report.findings.extend(v.findings);
        }
        if file.target == Target::Compose && !env.compose_with.is_empty() {
            compose_docs.extend(docs.iter().cloned());
        }
        if file.target == Target::Kubernetes && env.spec.network_policies {
            kubernetes_docs.extend(docs.iter().cloned());
        }
        if file.target != Target::Helm {
            lint_docs.extend(docs);
        }
    }
    let env_file = env
        .files
        .last()
        .map(|f| spec::load::display_path(&ws.root, f))
        .unwrap_or_default();
    // Validation findings (and resources) have no spec provenance: they stay in the golden
    // copy when it matches the render, else they point at the environment's file.
    for f in &mut report.findings {
        unplace_rendered(f, &env_file);
    }
    for r in &mut report.resources {
        if r.location.file.starts_with(RENDERED) {
            r.location = start_of(&env_file);
        }
    }
    for d in &drift {
        report.findings.push(drift_finding(d, id, &env_file));
    }
    let mut findings = policy::lint(&lint_docs, &cx);
    for f in &mut findings {
        match f.spec_hint.take() {
            Some(key) => {
                let key = match component_of(&env, f.object.as_deref()) {
                    Some(component) => format!("components.{component}.{key}"),
                    None => key,
                };
                f.spec_hint = Some(spec_hint(&ws.root, &env, &key));
                place_at_spec(f, &env, &env_file, &key);
            }
            None => unplace_rendered(f, &env_file),
        }
    }
    report.findings.extend(findings);
    if !compose_docs.is_empty() {
        match compose_combination(ws, renderer, &env, &compose_docs) {
            Ok(found) => report.findings.extend(found),
            Err(e) => {
                outcome.error = Some(e);
                return outcome;
            }
        }
    }
    if env.spec.network_policies {
        match connections_allowed(ws, renderer, &env, kubernetes_docs, today) {
            Ok(found) => report.findings.extend(found),
            Err(e) => {
                outcome.error = Some(e);
                return outcome;
            }
        }
    }
    // The spec files the findings now point into, for the text format's excerpts.
    for path in &env.files {
        let display = spec::load::display_path(&ws.root, path);
        if report
            .findings
            .iter()
            .any(|f| f.location.as_ref().is_some_and(|l| l.file == display))
            && let Ok(text) = std::fs::read_to_string(path)
        {
            report.add_source(&Source::new(display, text));
        }
    }
    outcome.fails = !drift.is_empty() || report.fails(fail_on);
    outcome.drift = drift;
    outcome
}

/// The code of findings about a Compose file used with other apps' files.
pub const COMPOSE_COMBINATION: &str = "compose-combination";

/// A Compose file whose services depend on other apps' services is used with those apps'
/// files (its header names them), so it is judged together with them, rendered for the same
/// environment: every service it depends on, every service of another file it adds networks
/// to and every network it joins must be defined by one of the files.
fn compose_combination(
    ws: &Workspace,
    renderer: &Renderer,
    env: &Environment,
    own: &[manifest::Document],
) -> Result<Vec<Finding>, String> {
    use serde_json::Value;
    let mut all: Vec<Value> = own.iter().map(|d| d.value.clone()).collect();
    for app in &env.compose_with {
        let id = EnvId {
            app: app.clone(),
            env: env.id.env.clone(),
        };
        // Its own errors are reported when it is checked.
        let Ok(peer) = spec::load_environment(&ws.root, &id) else {
            continue;
        };
        let rendered = renderer.render(&peer).map_err(|e| e.to_string())?;
        for file in rendered.iter().filter(|f| f.target == Target::Compose) {
            let source = Source::new(format!("rendered/{}", file.path), file.text.clone());
            let docs = manifest::load(&source).map_err(|e| {
                format!("{e} (rendered for {id}; a template produced invalid YAML)")
            })?;
            all.extend(docs.into_iter().map(|d| d.value));
        }
    }
    let mut defined = std::collections::BTreeSet::new();
    let mut networks = std::collections::BTreeSet::from(["default".to_string()]);
    for doc in &all {
        for (name, s) in doc
            .get("services")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            if s.get("image").is_some() || s.get("build").is_some() {
                defined.insert(name.clone());
            }
        }
        if let Some(n) = doc.get("networks").and_then(Value::as_object) {
            networks.extend(n.keys().cloned());
        }
    }
    // The names of a map's keys or a list's items (the two forms Compose accepts), with the
    // pointer token of each.
    let keys = |v: Option<&Value>| -> Vec<(String, String)> {
        match v {
            Some(Value::Object(m)) => m
                .keys()
                .map(|k| (k.clone(), crate::manifest::yaml::escape_token(k)))
                .collect(),
            Some(Value::Array(a)) => a
                .iter()
                .enumerate()
                .filter_map(|(i, x)| Some((x.as_str()?.to_string(), i.to_string())))
                .collect(),
            _ => Vec::new(),
        }
    };
    let others = env.compose_with.join(", ");
    let mut out = Vec::new();
    let mut finding = |doc: &manifest::Document, pointer: String, message: String| {
        out.push(Finding {
            rule: RuleRef {
                code: COMPOSE_COMBINATION.into(),
                name: COMPOSE_COMBINATION.into(),
            },
            severity: Severity::Error,
            message,
            help: Some(format!(
                "the file is used with the Compose files of {others}: check that workspace templates under `templates/compose/` render every service the connections reach"
            )),
            location: Some(doc.locate_key(&pointer)),
            pointer: Some(pointer),
            object: None,
            spec_hint: None,
            exempted: None,
            related: Vec::new(),
        });
    };
    for doc in own {
        let services = doc.value.get("services").and_then(Value::as_object);
        for (name, s) in services.into_iter().flatten() {
            let at = format!("/services/{}", crate::manifest::yaml::escape_token(name));
            if s.get("image").is_none() && s.get("build").is_none() && !defined.contains(name) {
                finding(
                    doc,
                    at.clone(),
                    format!(
                        "service `{name}` adds to a service that neither this Compose file nor those it is used with ({others}) define"
                    ),
                );
            }
            for (dep, token) in keys(s.get("depends_on")) {
                if !defined.contains(&dep) {
                    finding(
                        doc,
                        format!("{at}/depends_on/{token}"),
                        format!(
                            "service `{name}` depends on `{dep}`, which neither this Compose file nor those it is used with ({others}) define"
                        ),
                    );
                }
            }
            for (n, token) in keys(s.get("networks")) {
                if !networks.contains(&n) {
                    finding(
                        doc,
                        format!("{at}/networks/{token}"),
                        format!(
                            "service `{name}` joins network `{n}`, which neither this Compose file nor those it is used with ({others}) declare"
                        ),
                    );
                }
            }
        }
    }
    Ok(out)
}

/// Whether the rendered NetworkPolicies let each declared connection through (see
/// [`crate::network_reach`]), judged with the Kubernetes objects of the environment and of
/// every other app its workloads connect to, rendered for the same environment.
fn connections_allowed(
    ws: &Workspace,
    renderer: &Renderer,
    env: &Environment,
    mut docs: Vec<manifest::Document>,
    today: Date,
) -> Result<Vec<Finding>, String> {
    let mut peers: Vec<&str> = env
        .connections
        .values()
        .flat_map(|w| w.values())
        .filter_map(|e| match &e.kind {
            spec::connections::EndpointKind::Workload(w) if !w.same_app && w.on_kubernetes => {
                Some(w.app.as_str())
            }
            _ => None,
        })
        .collect();
    peers.sort_unstable();
    peers.dedup();
    for app in peers {
        let id = EnvId {
            app: app.to_string(),
            env: env.id.env.clone(),
        };
        // Its own errors are reported when it is checked; the connection check already
        // refused a connection to an app that does not load.
        let Ok(peer) = spec::load_environment(&ws.root, &id) else {
            continue;
        };
        let rendered = renderer.render(&peer).map_err(|e| e.to_string())?;
        for file in rendered.iter().filter(|f| f.target == Target::Kubernetes) {
            let source = Source::new(format!("rendered/{}", file.path), file.text.clone());
            let peer_docs = manifest::load(&source).map_err(|e| {
                format!("{e} (rendered for {id}; a template produced invalid YAML)")
            })?;
            docs.extend(peer_docs);
        }
    }
    let mut cx = policy::LintContext::new(today);
    cx.complete = true;
    let set = policy::model::ObjectSet::new(&docs, &cx);
    let at = |pointer: &str| env.layered.origin(pointer).map(|o| o.key_location());
    Ok(crate::network_reach::check(env, &set, &at))
}

fn resource_name(doc: &manifest::Document, target: Target) -> String {
    match target {
        Target::Kubernetes => doc.display_name(),
        Target::Helm => "HelmValues".into(),
        Target::Compose => "Compose".into(),
    }
}

/// The component a finding's object was rendered from: a Kubernetes object
/// (`Kind/namespace/name`) or a Compose service (`services.name`) named after one.
fn component_of<'a>(env: &'a Environment, object: Option<&str>) -> Option<&'a str> {
    let object = object?;
    let name = match object.strip_prefix("services.") {
        Some(service) => service,
        None => object.rsplit('/').next()?,
    };
    env.spec
        .components
        .get_key_value(name)
        .map(|(key, _)| key.as_str())
}

/// The prefix of the display path of a rendered file whose golden copy differs or is
/// missing: no such file exists, so nothing is reported there.
const RENDERED: &str = "rendered/";

/// Line 1, column 1 of a file.
fn start_of(file: &str) -> Location {
    Location {
        file: file.to_string(),
        line: 1,
        col: 1,
    }
}

/// Points a finding in a rendered file whose golden copy does not match at the start of the
/// environment's file, naming the rendered line in the message (findings in a matching golden
/// copy stay there).
fn unplace_rendered(f: &mut Finding, env_file: &str) {
    let Some(loc) = f.location.as_ref() else {
        return;
    };
    let Some(path) = loc.file.strip_prefix(RENDERED) else {
        return;
    };
    f.message = format!(
        "{} (rendered at line {}, column {} of {path}, whose golden copy is not accepted yet)",
        f.message, loc.line, loc.col
    );
    f.location = Some(start_of(env_file));
}

/// Points a finding at the spec key that controls it: where the key is set, or, for a
/// default, the nearest parent key present in the environment's file (its line 1 when none
/// is), saying so in the message. The rendered line becomes a related location when the
/// golden copy matches the render.
fn place_at_spec(f: &mut Finding, env: &Environment, env_file: &str, key: &str) {
    let pointer = spec::load::key_to_pointer(key);
    let spec_location = match env.layered.origins.get(&pointer) {
        Some(origin) => origin.key_location(),
        None => {
            let mut parent = pointer.as_str();
            let mut under = None;
            while let Some(cut) = parent.rfind('/') {
                parent = &parent[..cut];
                if parent.is_empty() {
                    break;
                }
                if let Some(origin) = env.layered.origins.get(parent)
                    && origin.file == env_file
                {
                    under = Some((spec::load::key_path(parent), origin.key_location()));
                    break;
                }
            }
            match under {
                Some((parent_key, at)) => {
                    f.message = format!(
                        "{} (`{key}` is not set, so its default applies: set it under `{parent_key}` here)",
                        f.message
                    );
                    at
                }
                None => {
                    f.message = format!(
                        "{} (`{key}` is not set, so its default applies: set it in this file)",
                        f.message
                    );
                    start_of(env_file)
                }
            }
        }
    };
    if let Some(rendered) = f.location.take()
        && !rendered.file.starts_with(RENDERED)
    {
        f.related.push(report::Related {
            label: "rendered".into(),
            location: rendered,
        });
    }
    f.location = Some(spec_location);
}

/// "set `key` (now at file:line:col)" or "set `key` in environments/<app>/<env>.yaml".
fn spec_hint(root: &Path, env: &Environment, key: &str) -> String {
    let pointer = spec::load::key_to_pointer(key);
    match env.layered.origins.get(&pointer) {
        Some(origin) => format!("`{key}` is set at {}", origin.key_location()),
        None => {
            let file = env
                .files
                .last()
                .map(|f| spec::load::display_path(root, f))
                .unwrap_or_default();
            format!("set `{key}` in {file}")
        }
    }
}

/// A drift finding: at the golden file, or, when it is missing, at the start of the
/// environment's file.
fn drift_finding(d: &Drift, id: &EnvId, env_file: &str) -> Finding {
    let (message, line) = match d {
        Drift::Missing { .. } => (format!("golden file golden/{} is missing", d.path()), 0),
        Drift::Changed {
            golden, rendered, ..
        } => {
            let line = golden
                .lines()
                .zip(rendered.lines())
                .position(|(a, b)| a != b)
                .unwrap_or_else(|| golden.lines().count().min(rendered.lines().count()))
                + 1;
            // A golden file that is a prefix of the render differs after its last line.
            let line = line.min(golden.lines().count().max(1));
            (
                "golden file differs from the render".to_string(),
                line as u32,
            )
        }
        Drift::Stale { .. } | Drift::Orphan { .. } => {
            ("golden file is no longer rendered".to_string(), 1)
        }
    };
    Finding {
        rule: RuleRef {
            code: DRIFT.into(),
            name: DRIFT.into(),
        },
        severity: Severity::Error,
        message,
        help: Some(format!(
            "review the change with `shipshape diff {id}`, then accept it with `shipshape golden accept {id}`"
        )),
        location: Some(if line == 0 {
            start_of(env_file)
        } else {
            Location {
                file: format!("golden/{}", d.path()),
                line,
                col: 1,
            }
        }),
        pointer: None,
        object: None,
        spec_hint: None,
        exempted: None,
        related: Vec::new(),
    }
}

/// A golden file of an environment that no longer exists: drift, fixed by accepting (which
/// removes it) or by restoring the environment.
pub fn orphan_finding(d: &Drift) -> Finding {
    let path = d.path();
    let env = path.rsplit_once('/').map_or(path, |(dir, _)| dir);
    Finding {
        rule: RuleRef {
            code: DRIFT.into(),
            name: DRIFT.into(),
        },
        severity: Severity::Error,
        message: format!(
            "orphan golden file: no environment renders it (environments/{env}.yaml does not exist)"
        ),
        help: Some(format!(
            "remove it with `shipshape golden accept` (or delete golden/{env}/), or restore environments/{env}.yaml"
        )),
        location: Some(Location {
            file: format!("golden/{path}"),
            line: 1,
            col: 1,
        }),
        pointer: None,
        object: None,
        spec_hint: None,
        exempted: None,
        related: Vec::new(),
    }
}
