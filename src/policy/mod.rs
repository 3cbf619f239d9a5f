//! The policy engine: the rule catalogue and the linter that runs it.
//!
//! Every rule lives in its own file under [`rules`] and implements [`Rule`]: a stable code
//! (`SS101`), a kebab-case name (`run-as-non-root`), a default severity, the targets it means
//! something for (Kubernetes, Compose) and a documentation text with fixed headings that
//! `shipshape explain` prints. [`registry`] is the one code -> rule table. [`model`] extracts
//! what rules look at from parsed documents once (the pod spec of every workload kind, each
//! container's effective security context, Compose services, indexes for cross-resource
//! rules). [`profile`] resolves which rules run at which severity; [`exemption`] decides which
//! findings are accepted.
//!
//! [`lint`] runs the selected rules over one set of documents (an environment, or every file
//! given to one `lint` call) and returns located findings: rules about one object chunk by
//! chunk, rules that relate objects ([`Rule::cross_resource`]) once over the indexed set.

pub mod environment;
pub mod exemption;
pub mod model;
pub mod profile;
pub mod quantity;
pub mod registry;
pub mod rules;

use std::collections::{BTreeMap, BTreeSet};

use rayon::prelude::*;

use crate::manifest::{Document, List, Positions};
use crate::report::{Finding, RuleDoc, RuleRef, Severity};

pub use environment::environment_context;
pub use exemption::{Allow, Date, ExemptionEntry};
pub use model::ObjectSet;
pub use profile::{Profile, RuleSelection, SelectorError};

/// What a rule can be applied to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Target {
    /// Kubernetes manifests.
    Kubernetes,
    /// Compose files (a document with a top-level `services` map and no `kind`).
    Compose,
}

impl Target {
    /// The lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Target::Kubernetes => "kubernetes",
            Target::Compose => "compose",
        }
    }
}

/// The static description of a rule.
#[derive(Debug)]
pub struct RuleMeta {
    /// Stable code, e.g. `SS101`.
    pub code: &'static str,
    /// Kebab-case name, e.g. `run-as-non-root`.
    pub name: &'static str,
    /// Severity unless a profile says otherwise.
    pub severity: Severity,
    /// Targets the rule applies to.
    pub targets: &'static [Target],
    /// Whether the rule runs without being selected explicitly.
    pub enabled_by_default: bool,
    /// The documentation: a summary line, then the headings `What it checks`, `Why it
    /// matters`, `Example` and `Fix` (Markdown; each line starts with the space that `///`
    /// leaves).
    pub raw_doc: &'static str,
}

impl RuleMeta {
    /// The documentation as Markdown.
    pub fn doc(&self) -> String {
        let mut out = String::with_capacity(self.raw_doc.len());
        for line in self.raw_doc.lines() {
            out.push_str(line.strip_prefix(' ').unwrap_or(line));
            out.push('\n');
        }
        out.trim_end().to_string() + "\n"
    }

    /// The first line of the documentation.
    pub fn summary(&self) -> String {
        self.raw_doc.lines().next().unwrap_or("").trim().to_string()
    }

    /// The rule reference used in findings.
    pub fn rule_ref(&self) -> RuleRef {
        RuleRef {
            code: self.code.to_string(),
            name: self.name.to_string(),
        }
    }

    /// The documentation record used by report formats (SARIF rules).
    pub fn rule_doc(&self) -> RuleDoc {
        RuleDoc {
            rule: self.rule_ref(),
            summary: self.summary(),
            doc: self.doc(),
            severity: self.severity,
        }
    }

    /// The targets as a comma-separated list.
    pub fn targets_str(&self) -> String {
        self.targets
            .iter()
            .map(|t| t.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Declares a rule's unit struct and its [`RuleMeta`] from a doc comment and a header.
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        pub struct $name:ident {
            code: $code:literal,
            name: $rname:literal,
            severity: $sev:ident,
            targets: [$($target:ident),+],
            enabled_by_default: $enabled:literal $(,)?
        }
    ) => {
        $(#[doc = $doc])*
        #[derive(Debug, Clone, Copy, Default)]
        pub struct $name;

        impl $name {
            /// The rule's description.
            pub const META: $crate::policy::RuleMeta = $crate::policy::RuleMeta {
                code: $code,
                name: $rname,
                severity: $crate::report::Severity::$sev,
                targets: &[$($crate::policy::Target::$target),+],
                enabled_by_default: $enabled,
                raw_doc: concat!($($doc, "\n"),*),
            };
        }
    };
}
pub(crate) use declare_rule;

/// One policy rule.
pub trait Rule: Send + Sync {
    /// The rule's description.
    fn meta(&self) -> &'static RuleMeta;

    /// Checks a set of documents and records what it finds in `out`.
    fn check(&self, set: &ObjectSet<'_>, out: &mut Hits);

    /// Whether the rule relates objects to each other (looks one up, or asks what the set
    /// holds). Other rules look at one object at a time: [`lint`] runs them over a few
    /// documents at a time, with no cross-resource indexes.
    fn cross_resource(&self) -> bool {
        false
    }
}

/// Whether a hit points at a mapping key or at a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum At {
    /// The value at the pointer (or the object lacking a field).
    Value,
    /// The key at the pointer.
    Key,
}

/// A rule's raw result: which document, where in it, what and how to fix it.
#[derive(Debug, Clone)]
pub struct Hit {
    /// Index of the document in the linted slice.
    pub doc: usize,
    /// JSON pointer of the offending field, or of the object lacking one.
    pub pointer: String,
    /// Whether to point at the key or the value.
    pub at: At,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub help: String,
    /// The environment spec key that controls the field, when there is one.
    pub spec_hint: Option<&'static str>,
    /// For Compose findings: the service the finding belongs to (for exemptions).
    pub compose_service: Option<String>,
}

/// Collects the hits of one rule.
#[derive(Debug, Default)]
pub struct Hits {
    hits: Vec<Hit>,
}

impl Hits {
    /// Records a hit pointing at a value (or at an object lacking a field).
    pub fn at_value(
        &mut self,
        doc: usize,
        pointer: impl Into<String>,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> &mut Hit {
        self.push(doc, pointer.into(), At::Value, message.into(), help.into())
    }

    /// Records a hit pointing at a mapping key.
    pub fn at_key(
        &mut self,
        doc: usize,
        pointer: impl Into<String>,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> &mut Hit {
        self.push(doc, pointer.into(), At::Key, message.into(), help.into())
    }

    fn push(
        &mut self,
        doc: usize,
        pointer: String,
        at: At,
        message: String,
        help: String,
    ) -> &mut Hit {
        self.hits.push(Hit {
            doc,
            pointer,
            at,
            message,
            help,
            spec_hint: None,
            compose_service: None,
        });
        self.hits.last_mut().expect("just pushed")
    }

    /// The hits recorded so far.
    pub fn into_inner(self) -> Vec<Hit> {
        self.hits
    }
}

impl Hit {
    /// Names the environment spec key that controls the field.
    pub fn spec(&mut self, key: &'static str) -> &mut Hit {
        self.spec_hint = Some(key);
        self
    }

    /// Marks the hit as belonging to a Compose service.
    pub fn service(&mut self, name: &str) -> &mut Hit {
        self.compose_service = Some(name.to_string());
        self
    }
}

/// Everything a lint run needs to know besides the documents.
#[derive(Debug, Clone)]
pub struct LintContext {
    /// The environment being checked (`production`, ...), when there is one: it selects
    /// environment-only rules such as `min-replicas` (which runs for `production` and `prod`).
    pub environment: Option<String>,
    /// Which rules run and at which severity (resolved from profiles and the command line).
    pub selection: RuleSelection,
    /// Exemptions from `shipshape.yaml` and from the environment spec.
    pub exemptions: Vec<ExemptionEntry>,
    /// ConfigMaps and Secrets that exist outside the set (declared external).
    pub external: BTreeSet<String>,
    /// Today's date, for exemption expiry.
    pub today: Date,
    /// Whether the set is complete (a rendered environment): references to objects that are
    /// not in it are then always reported. When false (files given to `lint`), a reference to
    /// a kind of which the set holds no object at all is assumed to live elsewhere.
    pub complete: bool,
}

impl LintContext {
    /// A context with the default rule selection, no exemptions and the given date.
    pub fn new(today: Date) -> LintContext {
        LintContext {
            environment: None,
            selection: RuleSelection::default_selection(),
            exemptions: Vec::new(),
            external: BTreeSet::new(),
            today,
            complete: false,
        }
    }

    /// Whether the environment is a production one.
    pub fn is_production(&self) -> bool {
        matches!(self.environment.as_deref(), Some("production" | "prod"))
    }
}

/// Documents that rules about one object check together: enough to spread over threads,
/// few enough to stay in cache while every such rule reads them.
const LOCAL_CHUNK: usize = 64;

/// Runs the selected rules over a set of documents; findings come back sorted, located, with
/// exemptions applied (an exempted finding carries its exemption; an expired exemption leaves
/// the finding active with a note).
pub fn lint(docs: &[Document], cx: &LintContext) -> Vec<Finding> {
    let expanded = expand_lists(docs);
    let (docs, bases): (&[Document], &[String]) = match &expanded {
        Some((items, bases)) => (items, bases),
        None => (docs, &[]),
    };
    let selected: Vec<(&dyn Rule, Severity)> = registry::all()
        .iter()
        .enumerate()
        .filter_map(|(index, rule)| Some((*rule, cx.selection.severity_of(index)?)))
        .collect();
    let (cross, local): (Vec<_>, Vec<_>) = selected
        .into_iter()
        .partition(|(rule, _)| rule.cross_resource());
    // Rules about one object run chunk by chunk: each chunk's documents are extracted, checked
    // by every such rule and their findings located while they are in cache.
    let mut findings: Vec<Finding> = (0..docs.len().div_ceil(LOCAL_CHUNK))
        .into_par_iter()
        .flat_map_iter(|chunk| {
            let start = chunk * LOCAL_CHUNK;
            let end = (start + LOCAL_CHUNK).min(docs.len());
            let mut set = ObjectSet::without_indexes(&docs[start..end], cx);
            if !bases.is_empty() {
                set.bases = bases[start..end].to_vec();
            }
            let hits = local.iter().flat_map(|&(rule, severity)| {
                let mut hits = Hits::default();
                rule.check(&set, &mut hits);
                let meta = rule.meta();
                hits.into_inner()
                    .into_iter()
                    .map(move |hit| (meta, severity, hit))
            });
            locate(&set, hits.collect())
        })
        .collect();
    // Rules that relate objects run in parallel on the shared, read-only set.
    let mut set = ObjectSet::new(docs, cx);
    set.bases = bases.to_vec();
    let hits: Vec<(&RuleMeta, Severity, Hit)> = cross
        .par_iter()
        .flat_map_iter(|&(rule, severity)| {
            let mut hits = Hits::default();
            rule.check(&set, &mut hits);
            let meta = rule.meta();
            hits.into_inner()
                .into_iter()
                .map(move |hit| (meta, severity, hit))
        })
        .collect();
    findings.extend(locate(&set, hits));
    findings.sort_by(|a, b| {
        (&a.location, &a.rule.code, &a.pointer, &a.message).cmp(&(
            &b.location,
            &b.rule.code,
            &b.pointer,
            &b.message,
        ))
    });
    findings.dedup();
    findings
}

/// Locates hits document by document, in parallel: each document's positions are parsed once
/// and dropped when its hits are done (memory holds a tree per thread, not one per document).
/// Findings come out by document, each document's in the order of `hits`.
fn locate(set: &ObjectSet<'_>, hits: Vec<(&RuleMeta, Severity, Hit)>) -> Vec<Finding> {
    let mut by_doc: BTreeMap<usize, Vec<(&RuleMeta, Severity, Hit)>> = BTreeMap::new();
    for hit in hits {
        by_doc.entry(hit.2.doc).or_default().push(hit);
    }
    by_doc
        .into_par_iter()
        .flat_map_iter(|(doc, hits)| {
            let positions = set.docs[doc].positions();
            hits.into_iter()
                .map(|(meta, severity, hit)| to_finding(set, &positions, meta, severity, hit))
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Splits list documents (`kind: List` and typed lists such as `ConfigMapList`, see
/// [`List`]) into one document per item, so rules see the items as objects. Returns `None`
/// when there is no list (the common case: nothing is copied); otherwise the documents and,
/// for each, the pointer of the item in its file's document (empty for documents that are not
/// list items).
fn expand_lists(docs: &[Document]) -> Option<(Vec<Document>, Vec<String>)> {
    if !docs.iter().any(|d| List::of(&d.value).is_some()) {
        return None;
    }
    let mut out = Vec::new();
    let mut bases = Vec::new();
    for d in docs {
        let Some(list) = List::of(&d.value) else {
            out.push(d.clone());
            bases.push(String::new());
            continue;
        };
        for (i, item) in list.items.iter().enumerate() {
            let base = format!("/items/{i}");
            let at = d.locate(&base);
            out.push(Document {
                source: std::sync::Arc::clone(&d.source),
                index: d.index,
                pos: crate::manifest::Pos {
                    line: at.line,
                    col: at.col,
                },
                value: list.typed_item(item).into_owned(),
                null_fields: d.null_fields,
                // The ambiguous scalars are listed from the whole document's text: once, with
                // its first item.
                ambiguous: d.ambiguous && i == 0,
            });
            bases.push(base);
        }
    }
    Some((out, bases))
}

fn to_finding(
    set: &ObjectSet<'_>,
    positions: &Positions<'_>,
    meta: &RuleMeta,
    severity: Severity,
    hit: Hit,
) -> Finding {
    let doc = &set.docs[hit.doc];
    let pointer = set.full_pointer(hit.doc, &hit.pointer);
    let location = match hit.at {
        At::Value => positions.locate(&pointer),
        At::Key => positions.locate_key(&pointer),
    };
    let object = match &hit.compose_service {
        Some(service) => format!("services.{service}"),
        None => doc.display_name(),
    };
    let mut finding = Finding {
        rule: meta.rule_ref(),
        severity,
        message: hit.message,
        help: Some(hit.help),
        location: Some(location),
        pointer: Some(pointer),
        object: Some(object),
        spec_hint: hit.spec_hint.map(str::to_string),
        exempted: None,
        related: Vec::new(),
    };
    exemption::apply(
        set,
        meta,
        hit.doc,
        hit.compose_service.as_deref(),
        &mut finding,
    );
    finding
}

/// The documentation of every rule that appears in `findings`, in code order.
pub fn rule_docs(findings: &[Finding]) -> Vec<RuleDoc> {
    let codes: BTreeSet<&str> = findings.iter().map(|f| f.rule.code.as_str()).collect();
    registry::all()
        .iter()
        .map(|r| r.meta())
        .filter(|m| codes.contains(m.code))
        .map(RuleMeta::rule_doc)
        .collect()
}
