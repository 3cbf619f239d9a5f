//! Validation of documents: target detection, the items of lists (`kind: List` and typed lists
//! such as `ConfigMapList`, see [`manifest::List`]), removed APIs, missing schemas, skips, and
//! the findings with their locations.

use std::sync::Arc;

use serde_json::Value;

use super::messages::{self, Context};
use super::registry::{HelmChart, Registry, Target};
use super::removed::removed_api;
use crate::manifest::{self, Document, DuplicateKey, LoadError, Location, Pos, Source};
use crate::report::{Finding, Report, Resource, RuleRef, Severity, Status};

/// The rule codes schema validation reports under.
pub mod codes {
    /// The value does not match its schema.
    pub const SCHEMA: &str = "schema";
    /// The file is not valid YAML (syntax, duplicate key, not UTF-8).
    pub const YAML: &str = "yaml";
    /// The resource uses an API that Kubernetes removed.
    pub const REMOVED_API: &str = "removed-api";
    /// A mapping of the resource has the same key twice.
    pub const DUPLICATE_KEY: &str = "duplicate-key";
    /// No schema is known for the resource's `apiVersion` and `kind`.
    pub const MISSING_SCHEMA: &str = "missing-schema";
    /// The document is neither a Kubernetes resource, a Compose file nor Helm values.
    pub const UNKNOWN_DOCUMENT: &str = "unknown-document";

    use crate::report::{RuleDoc, RuleRef, Severity};

    /// Documentation of every schema validation code (for SARIF and `explain`).
    pub fn rule_docs() -> Vec<RuleDoc> {
        let doc = |code: &str, summary: &str, doc: &str| RuleDoc {
            rule: RuleRef {
                code: code.into(),
                name: code.into(),
            },
            summary: summary.into(),
            doc: doc.into(),
            severity: Severity::Error,
        };
        vec![
            doc(
                SCHEMA,
                "The resource does not match its schema.",
                "Checks every field against the strict schema of the resource's apiVersion and kind (Kubernetes, bundled or imported CRDs), of the Compose specification, or of the application chart's values: types, required fields, allowed values, quantities, and in strict mode unknown fields.\n\nFix the field the finding points at; for an unknown field, the help names the field that was probably meant.",
            ),
            doc(
                YAML,
                "The file is not valid YAML.",
                "A syntax error or a file that is not UTF-8 stops the file from being read. The finding points at the line and column where reading failed.",
            ),
            doc(
                DUPLICATE_KEY,
                "A mapping has the same key twice.",
                "kubectl and the API server reject a manifest with a duplicate key, and readers that accept one disagree on which value wins. The finding points at the second key and names the line of the first, on the object that holds them; the rest of the file is still checked (with the last value).\n\nRemove one of the two keys.",
            ),
            doc(
                REMOVED_API,
                "The resource uses an API version that Kubernetes removed.",
                "Kubernetes removed this apiVersion of the kind; the API server rejects it. Change apiVersion to the replacement the finding names and check the fields that changed with it.",
            ),
            doc(
                MISSING_SCHEMA,
                "No schema is known for the resource's apiVersion and kind.",
                "Import the CRD that defines the kind with `shipshape schema import <crd.yaml>` and pass the folder with `--schema-location`, or skip such resources with `--ignore-missing-schemas`.",
            ),
            doc(
                UNKNOWN_DOCUMENT,
                "The document is not a Kubernetes resource, a Compose file or Helm values.",
                "A Kubernetes resource needs apiVersion and kind; a Compose file has a top-level services map; Helm values are recognised by file name (values.yaml, values-*.yaml, *.values.yaml, *-values.yaml) or with `--target helm-values`.",
            ),
        ]
    }
}

fn rule(code: &str) -> RuleRef {
    RuleRef {
        code: code.to_string(),
        name: code.to_string(),
    }
}

/// The result of validating one resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Validation {
    /// The resource's status.
    pub status: Status,
    /// Why it was skipped or could not be checked.
    pub reason: Option<String>,
    /// What is wrong with it (empty when valid or skipped).
    pub findings: Vec<Finding>,
}

/// One resource's result: its status line and its findings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceResult {
    /// The resource and its status.
    pub resource: Resource,
    /// Its findings.
    pub findings: Vec<Finding>,
}

impl ResourceResult {
    /// Adds the resource and its findings to a report.
    pub fn add_to(self, part: &mut Report) {
        part.resources.push(self.resource);
        part.findings.extend(self.findings);
    }

    /// The result of a file that cannot be read or parsed: one resource with status `error`
    /// and a `yaml` finding at the error's position, with the fix.
    pub fn unreadable(e: &LoadError) -> ResourceResult {
        let location = e.location();
        ResourceResult {
            resource: Resource {
                location: location.clone(),
                object: "file".into(),
                status: Status::Error,
                reason: Some(e.message.clone()),
            },
            findings: vec![Finding {
                rule: rule(codes::YAML),
                severity: Severity::Error,
                message: e.message.clone(),
                help: Some(load_help(&e.message)),
                location: Some(location),
                pointer: None,
                object: None,
                spec_hint: None,
                exempted: None,
                related: Vec::new(),
            }],
        }
    }
}

/// Whether a file name says it holds Helm values (`values.yaml`, `values-prod.yaml`,
/// `prod.values.yaml`).
pub fn is_helm_values_name(path: &str) -> bool {
    let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
    let Some(stem) = name
        .strip_suffix(".yaml")
        .or_else(|| name.strip_suffix(".yml"))
    else {
        return false;
    };
    stem == "values"
        || stem.starts_with("values-")
        || stem.ends_with(".values")
        || stem.ends_with("-values")
}

/// What a document is, by its content: a resource (apiVersion and kind), a Compose file
/// (a top-level `services` map and no kind), or unknown.
pub fn detect_target(value: &Value) -> Option<Target> {
    Head::of(value).target()
}

/// The top-level fields validation reads, found in one pass over the document's fields
/// (each lookup by name would hash the name again).
#[derive(Debug, Default, Clone, Copy)]
struct Head<'v> {
    api_version: Option<&'v Value>,
    kind: Option<&'v Value>,
    metadata: Option<&'v Value>,
    items: Option<&'v Value>,
    services: Option<&'v Value>,
}

impl<'v> Head<'v> {
    fn of(value: &'v Value) -> Head<'v> {
        let mut head = Head::default();
        if let Value::Object(fields) = value {
            for (key, field) in fields {
                let slot = match key.as_str() {
                    "apiVersion" => &mut head.api_version,
                    "kind" => &mut head.kind,
                    "metadata" => &mut head.metadata,
                    "items" => &mut head.items,
                    "services" => &mut head.services,
                    _ => continue,
                };
                *slot = Some(field);
            }
        }
        head
    }

    fn target(&self) -> Option<Target> {
        if self.api_version.is_some() || self.kind.is_some() {
            Some(Target::Kubernetes)
        } else if self.services.is_some_and(Value::is_object) {
            Some(Target::Compose)
        } else {
            None
        }
    }

    fn api_version(&self) -> Option<&'v str> {
        self.api_version.and_then(Value::as_str)
    }

    fn kind(&self) -> Option<&'v str> {
        self.kind.and_then(Value::as_str)
    }

    /// `metadata.name` and `metadata.namespace`.
    fn name_and_namespace(&self) -> (Option<&'v str>, Option<&'v str>) {
        let (mut name, mut namespace) = (None, None);
        if let Some(Value::Object(fields)) = self.metadata {
            for (key, field) in fields {
                match key.as_str() {
                    "name" => name = field.as_str(),
                    "namespace" => namespace = field.as_str(),
                    _ => {}
                }
            }
        }
        (name, namespace)
    }
}

impl Registry {
    /// Validates every document of a source into `part`: one resource per document (per
    /// item of a `List`) and their findings. `target` forces what the documents are; `None`
    /// detects it per document (Helm values by file name, then by content). A file that
    /// cannot be parsed gives one resource with status `error`. Unless `list_valid`, valid
    /// resources are only counted ([`Report::unlisted_valid`]), for outputs that do not list
    /// them.
    pub fn validate_source(
        &self,
        source: &Arc<Source>,
        target: Option<Target>,
        list_valid: bool,
        part: &mut Report,
    ) {
        // Helm reads values files as Kubernetes tooling reads manifests.
        let dialect = target.map(|t| match t {
            Target::Compose => manifest::Dialect::Compose,
            Target::Kubernetes | Target::HelmValues => manifest::Dialect::Kubernetes,
        });
        let (docs, duplicate) = match manifest::load_checking_duplicates(source, dialect) {
            Ok(loaded) => loaded,
            Err(e) => return ResourceResult::unreadable(&e).add_to(part),
        };
        // A duplicate key is a finding on the resource that holds it; the rest is checked.
        let mut duplicate = duplicate.map(|d| {
            let holder = duplicate_holder(&docs, &d);
            (holder, duplicate_key_finding(&docs, &d))
        });

        let by_name =
            target.or_else(|| is_helm_values_name(&source.path).then_some(Target::HelmValues));
        let heads: Vec<Head> = docs.iter().map(|d| Head::of(&d.value)).collect();
        if by_name.is_none_or(|t| t == Target::Kubernetes) {
            self.compile_ahead(
                heads
                    .iter()
                    .filter_map(|h| Some((h.api_version()?, h.kind()?))),
            );
        }
        part.resources
            .reserve(if list_valid { docs.len() } else { 0 });
        let mut add = |doc: &Document,
                       prefix: &str,
                       value: &Value,
                       head: &Head,
                       target,
                       extra: Option<Finding>| {
            let mut validation = self.validate_value(doc, prefix, value, head, target);
            if let Some(finding) = extra {
                if validation.status == Status::Valid {
                    validation.status = Status::Invalid;
                }
                validation.findings.insert(0, finding);
            }
            if validation.status == Status::Valid && !list_valid {
                part.unlisted_valid += 1;
                return;
            }
            part.resources.push(Resource {
                location: if prefix.is_empty() {
                    doc.location()
                } else {
                    doc.locate(prefix)
                },
                object: object_name(head, target),
                status: validation.status,
                reason: validation.reason,
            });
            part.findings.extend(validation.findings);
        };
        for (d, (doc, head)) in docs.iter().zip(&heads).enumerate() {
            let target = by_name.or_else(|| head.target());
            let mut take_duplicate = |item: Option<usize>| {
                duplicate
                    .take_if(|((holder, at), _)| *holder == Some(d) && *at == item)
                    .map(|(_, finding)| finding)
            };
            if target == Some(Target::Kubernetes)
                && head.items.is_some()
                && let Some(list) = manifest::List::of(&doc.value)
            {
                for (i, item) in list.items.iter().enumerate() {
                    let prefix = format!("/items/{i}");
                    let value = list.typed_item(item);
                    let extra = take_duplicate(Some(i));
                    add(doc, &prefix, &value, &Head::of(&value), target, extra);
                }
                continue;
            }
            let extra = take_duplicate(None);
            add(doc, "", &doc.value, head, target, extra);
        }
        // A duplicate outside any resource (the list around items): a finding of the file.
        if let Some((_, finding)) = duplicate {
            part.findings.push(finding);
        }
    }

    /// Validates one document as `target` (see [`Registry::validate_source`] for detection).
    pub fn validate_document(&self, doc: &Document, target: Target) -> Validation {
        self.validate_value(doc, "", &doc.value, &Head::of(&doc.value), Some(target))
    }

    /// Validates `value`, which sits at JSON pointer `prefix` of `doc` (a `List` item, or the
    /// document itself with an empty prefix).
    fn validate_value(
        &self,
        doc: &Document,
        prefix: &str,
        value: &Value,
        head: &Head,
        target: Option<Target>,
    ) -> Validation {
        // Its name in findings (only built for a resource that has some).
        let object = || object_name(head, target);
        let finding = |code: &str, message: String, help: Option<String>, pointer: &str| Finding {
            rule: rule(code),
            severity: Severity::Error,
            message,
            help,
            location: Some(if pointer.is_empty() {
                doc.location()
            } else {
                doc.locate(pointer)
            }),
            pointer: Some(if pointer.is_empty() {
                "/".into()
            } else {
                pointer.to_string()
            }),
            object: Some(object()),
            spec_hint: None,
            exempted: None,
            related: Vec::new(),
        };
        let Some(target) = target else {
            let message = "not a Kubernetes resource (no apiVersion and kind), nor a Compose file (no services)".to_string();
            return Validation {
                status: Status::Error,
                reason: Some(message.clone()),
                findings: vec![finding(
                    codes::UNKNOWN_DOCUMENT,
                    message,
                    Some("add apiVersion and kind, or pass --target for Helm values".into()),
                    prefix,
                )],
            };
        };
        let validator = match target {
            Target::Kubernetes => {
                let (api_version, kind) = (head.api_version(), head.kind());
                let (Some(api_version), Some(kind)) = (api_version, kind) else {
                    let missing = match (api_version, kind) {
                        (None, None) => "apiVersion and kind",
                        (None, _) => "apiVersion",
                        _ => "kind",
                    };
                    let message = format!("the resource has no {missing} (or it is not a string)");
                    return Validation {
                        status: Status::Error,
                        reason: Some(message.clone()),
                        findings: vec![finding(
                            codes::SCHEMA,
                            message,
                            Some(format!("add {missing}")),
                            prefix,
                        )],
                    };
                };
                if self.is_skipped(api_version, kind) {
                    return Validation {
                        status: Status::Skipped,
                        reason: Some(format!("{kind} is skipped (--skip)")),
                        findings: Vec::new(),
                    };
                }
                match self.kubernetes_validator(api_version, kind) {
                    Ok(Some(v)) => v,
                    Ok(None) => {
                        if let Some(removed) =
                            removed_api(api_version, kind, self.kubernetes_minor())
                        {
                            let pointer = format!("{prefix}/apiVersion");
                            return Validation {
                                status: Status::Invalid,
                                reason: Some(removed.message()),
                                findings: vec![finding(
                                    codes::REMOVED_API,
                                    removed.message(),
                                    Some(format!(
                                        "change apiVersion to {} and check the fields that changed with it",
                                        removed.replacement
                                    )),
                                    &pointer,
                                )],
                            };
                        }
                        let message = format!(
                            "no schema for {api_version} {kind} (Kubernetes 1.{}, bundled CRDs and --schema-location)",
                            self.kubernetes_minor()
                        );
                        if self.options().ignore_missing_schemas {
                            return Validation {
                                status: Status::Skipped,
                                reason: Some(message),
                                findings: Vec::new(),
                            };
                        }
                        return Validation {
                            status: Status::Error,
                            reason: Some(message.clone()),
                            findings: vec![finding(
                                codes::MISSING_SCHEMA,
                                message,
                                Some("import the CRD with `shipshape schema import <crd.yaml>` and pass --schema-location, or pass --ignore-missing-schemas".into()),
                                &format!("{prefix}/kind"),
                            )],
                        };
                    }
                    Err(e) => return internal_error(e),
                }
            }
            Target::HelmValues => match self.helm_values_validator(HelmChart::of(value)) {
                Ok(v) => v,
                Err(e) => return internal_error(e),
            },
            other => match self.target_validator(other) {
                Ok(v) => v,
                Err(e) => return internal_error(e),
            },
        };
        // Kubernetes reads `field: null` in a mapping as the field being absent (Helm and
        // kubectl write such fields); Compose and Helm values give null its own meaning.
        // The document's flag is exact for the document itself; a `List` item is searched.
        let stripped;
        let has_null_fields = doc.null_fields
            && (std::ptr::eq(value, &doc.value) || manifest::yaml::has_null_field(value));
        let value = if target == Target::Kubernetes && has_null_fields {
            stripped = without_null_fields(value);
            &stripped
        } else {
            value
        };
        if validator.is_valid(value) {
            return Validation {
                status: Status::Valid,
                reason: None,
                findings: Vec::new(),
            };
        }
        let known = |loc: &str| self.known_properties(loc);
        // The Compose specification is closed (only `x-` extensions may be added) and Compose
        // itself rejects unknown keys, so a Compose file is always checked strictly; so are
        // app-template values, whose chart schema Helm enforces on install.
        let ctx = Context {
            root: value,
            known_properties: &known,
            strict: self.options().strict
                || target == Target::Compose
                || (target == Target::HelmValues && HelmChart::of(value) == HelmChart::AppTemplate),
        };
        let problems = messages::problems(validator.iter_errors(value), &ctx);
        if problems.is_empty() {
            return Validation {
                status: Status::Valid,
                reason: None,
                findings: Vec::new(),
            };
        }
        let object = object();
        let findings = problems
            .into_iter()
            .map(|p| {
                let pointer = format!("{prefix}{}", p.pointer);
                let location: Location = if p.unknown_field {
                    doc.locate_key(&pointer)
                } else if pointer.is_empty() {
                    doc.location()
                } else {
                    doc.locate(&pointer)
                };
                Finding {
                    rule: rule(codes::SCHEMA),
                    severity: Severity::Error,
                    message: p.message,
                    help: p.help,
                    location: Some(location),
                    pointer: Some(if pointer.is_empty() {
                        "/".into()
                    } else {
                        pointer
                    }),
                    object: Some(object.clone()),
                    spec_hint: None,
                    exempted: None,
                    related: Vec::new(),
                }
            })
            .collect();
        Validation {
            status: Status::Invalid,
            reason: None,
            findings,
        }
    }
}

fn internal_error(message: String) -> Validation {
    Validation {
        status: Status::Error,
        reason: Some(message),
        findings: Vec::new(),
    }
}

/// The value with null fields of mappings removed (null items of lists stay).
fn without_null_fields(value: &Value) -> Value {
    match value {
        Value::Object(m) => Value::Object(
            m.iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), without_null_fields(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(without_null_fields).collect()),
        other => other.clone(),
    }
}

/// Where a duplicate key sits: the index of the document (of `docs`) and, for a list, of the
/// item that holds it.
fn duplicate_holder(docs: &[Document], duplicate: &DuplicateKey) -> (Option<usize>, Option<usize>) {
    let Some(d) = duplicate.document else {
        return (None, None);
    };
    let at = duplicate.error.pos.unwrap_or_default();
    let Some(list) = docs.get(d).and_then(|doc| manifest::List::of(&doc.value)) else {
        return (Some(d), None);
    };
    // The item that starts last before the key. A document with a duplicate key may not be
    // readable with positions (its items then all seem to start with it): the item is then
    // unknown, and the finding belongs to the file.
    let starts: Vec<Pos> = (0..list.items.len())
        .map(|i| {
            let start = docs[d].locate(&format!("/items/{i}"));
            Pos {
                line: start.line,
                col: start.col,
            }
        })
        .collect();
    if starts.windows(2).any(|w| w[0] >= w[1]) {
        return (None, None);
    }
    (Some(d), starts.iter().rposition(|start| *start <= at))
}

/// The finding for a duplicate key on the object that holds it (`docs` are its file's
/// documents): for `validate` and `lint` alike.
pub fn duplicate_key_finding(docs: &[Document], duplicate: &DuplicateKey) -> Finding {
    let object = match duplicate_holder(docs, duplicate) {
        (Some(d), item) => {
            let doc = &docs[d];
            let value = match item.and_then(|i| doc.value.get("items")?.get(i)) {
                Some(item) => item,
                None => &doc.value,
            };
            let head = Head::of(value);
            Some(object_name(&head, head.target()))
        }
        (None, _) => None,
    };
    Finding {
        rule: rule(codes::DUPLICATE_KEY),
        severity: Severity::Error,
        message: duplicate.error.message.clone(),
        help: Some("remove one of the two keys".into()),
        location: Some(duplicate.error.location()),
        pointer: None,
        object,
        spec_hint: None,
        exempted: None,
        related: Vec::new(),
    }
}

/// `Kind/name` or `Kind/namespace/name` for a resource; the target's name otherwise.
fn object_name(head: &Head, target: Option<Target>) -> String {
    match target {
        Some(Target::Compose) => return "compose".into(),
        Some(Target::HelmValues) => return "helm-values".into(),
        _ => {}
    }
    let (name, namespace) = head.name_and_namespace();
    manifest::object_display_name(head.kind(), namespace, name)
}

/// How to fix a file that cannot be read or parsed.
fn load_help(message: &str) -> String {
    if message.starts_with("cannot read") {
        "check that the file exists and can be read".into()
    } else if message.starts_with("duplicate key") {
        "remove one of the two keys".into()
    } else if message.contains("UTF-8") {
        "save the file as UTF-8".into()
    } else {
        "fix the YAML syntax at this position (indentation, quotes, brackets)".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helm_values_names() {
        assert!(is_helm_values_name("values.yaml"));
        assert!(is_helm_values_name("a/b/values-prod.yml"));
        assert!(is_helm_values_name("prod.values.yaml"));
        assert!(!is_helm_values_name("deployment.yaml"));
        assert!(!is_helm_values_name("myvalues.yaml"));
    }
}
