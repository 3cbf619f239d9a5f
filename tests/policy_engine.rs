//! The policy library as `check` uses it: `policy::lint` with a `LintContext` carrying the
//! environment, its profile, exemptions from the spec and shipshape.yaml, external names and
//! an injected date.

use shipshape::config::Config;
use shipshape::manifest::{self, Document, Source};
use shipshape::policy::{self, Allow, Date, ExemptionEntry, LintContext, Profile, RuleSelection};
use shipshape::report::Severity;

const DEPLOYMENT: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: shop
spec:
  replicas: 1
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels: {app: api}
    spec:
      securityContext:
        runAsNonRoot: true
        runAsUser: 1000
        seccompProfile: {type: RuntimeDefault}
      containers:
        - name: api
          image: example/api:1.0
          envFrom:
            - secretRef: {name: api-db}
          ports:
            - {name: http, containerPort: 8080}
          livenessProbe:
            httpGet: {path: /livez, port: http}
          readinessProbe:
            httpGet: {path: /ready, port: http}
          resources:
            requests: {cpu: 100m, memory: 128Mi}
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities: {drop: [ALL]}
";

fn docs() -> Vec<Document> {
    manifest::load(&Source::new("rendered/kubernetes.yaml", DEPLOYMENT)).unwrap()
}

fn context(today: &str) -> LintContext {
    let mut cx = LintContext::new(Date::parse(today).unwrap());
    cx.environment = Some("production".into());
    cx.complete = true;
    cx
}

/// Lints `text` (read as `path`) with only `rules` selected, on 2026-06-01.
fn lint_with(path: &str, text: &str, rules: &[&str]) -> Vec<shipshape::report::Finding> {
    let docs = manifest::load(&Source::new(path, text)).unwrap();
    let mut cx = LintContext::new(Date::parse("2026-06-01").unwrap());
    cx.selection = RuleSelection::resolve([&Profile {
        select: rules.iter().map(|r| r.to_string()).collect(),
        ..Profile::default()
    }])
    .unwrap();
    policy::lint(&docs, &cx)
}

fn allow(rule: &str, expires: Option<&str>) -> ExemptionEntry {
    ExemptionEntry {
        allow: Allow {
            rule: rule.into(),
            reason: "sized by the platform team".into(),
            expires: expires.map(str::to_string),
            kind: Some("Deploy*".into()),
            namespace: None,
            name: Some("api".into()),
        },
        origin: "environments/shop-api/production.yaml".into(),
    }
}

fn summary(findings: &[shipshape::report::Finding]) -> Vec<(String, String, Option<String>)> {
    findings
        .iter()
        .map(|f| {
            (
                f.rule.name.clone(),
                f.location.as_ref().unwrap().to_string(),
                f.spec_hint.clone(),
            )
        })
        .collect()
}

fn row(rule: &str, at: &str, hint: &str) -> (String, String, Option<String>) {
    (rule.to_string(), at.to_string(), Some(hint.to_string()))
}

#[test]
fn rendered_findings_name_the_spec_key_and_the_line() {
    let findings = policy::lint(&docs(), &context("2026-06-01"));
    assert_eq!(
        summary(&findings),
        vec![
            row("min-replicas", "rendered/kubernetes.yaml:7:13", "replicas"),
            row(
                "config-refs-exist",
                "rendered/kubernetes.yaml:22:33",
                "secrets"
            ),
            row(
                "memory-limits",
                "rendered/kubernetes.yaml:29:11",
                "resources.limits.memory"
            ),
        ]
    );
    assert!(
        findings
            .iter()
            .all(|f| f.exempted.is_none() && f.severity == Severity::Error)
    );
}

#[test]
fn external_secrets_satisfy_config_refs_exist() {
    let mut cx = context("2026-06-01");
    cx.external.insert("api-db".into());
    let findings = policy::lint(&docs(), &cx);
    assert!(findings.iter().all(|f| f.rule.name != "config-refs-exist"));
}

#[test]
fn other_environments_skip_production_rules() {
    let mut cx = context("2026-06-01");
    cx.environment = Some("development".into());
    let findings = policy::lint(&docs(), &cx);
    assert!(findings.iter().all(|f| f.rule.name != "min-replicas"));
}

#[test]
fn spec_exemptions_apply_through_their_expiry_day_and_not_after() {
    let mut cx = context("2027-03-01");
    cx.exemptions = vec![allow("memory-limits", Some("2027-03-01"))];
    let on_the_day = policy::lint(&docs(), &cx);
    let f = on_the_day
        .iter()
        .find(|f| f.rule.name == "memory-limits")
        .unwrap();
    let e = f.exempted.as_ref().expect("exempted on its last day");
    assert_eq!(e.reason, "sized by the platform team");
    assert_eq!(e.source, "environments/shop-api/production.yaml");
    assert_eq!(e.expires.as_deref(), Some("2027-03-01"));

    cx.today = Date::parse("2027-03-02").unwrap();
    let after = policy::lint(&docs(), &cx);
    let f = after
        .iter()
        .find(|f| f.rule.name == "memory-limits")
        .unwrap();
    assert!(f.exempted.is_none());
    assert_eq!(
        f.message,
        "container `api` has no memory limit (the exemption \"sized by the platform team\" expired on 2027-03-01)"
    );
}

#[test]
fn exemptions_match_by_code_and_by_globs_only() {
    let mut cx = context("2026-06-01");
    cx.exemptions = vec![allow("SS403", None)];
    let findings = policy::lint(&docs(), &cx);
    assert!(
        findings
            .iter()
            .find(|f| f.rule.name == "min-replicas")
            .unwrap()
            .exempted
            .is_some()
    );

    let mut other = allow("SS403", None);
    other.allow.name = Some("web-*".into());
    cx.exemptions = vec![other];
    let findings = policy::lint(&docs(), &cx);
    assert!(
        findings
            .iter()
            .find(|f| f.rule.name == "min-replicas")
            .unwrap()
            .exempted
            .is_none()
    );
}

#[test]
fn profiles_from_shipshape_yaml_set_severities_per_environment() {
    let config = Config::parse(&Source::new(
        "shipshape.yaml",
        "policy:\n  default:\n    severity: {memory-limits: warning}\n  environments:\n    development:\n      ignore: [config-refs-exist]\n      failOn: warning\n",
    ))
    .unwrap();
    let mut cx = context("2026-06-01");
    cx.selection = config.selection(Some("development"), &[]).unwrap();
    assert_eq!(cx.selection.fail_on, Severity::Warning);
    let findings = policy::lint(&docs(), &cx);
    let rules: Vec<(&str, Severity)> = findings
        .iter()
        .map(|f| (f.rule.name.as_str(), f.severity))
        .collect();
    assert_eq!(
        rules,
        vec![
            ("min-replicas", Severity::Error),
            ("memory-limits", Severity::Warning)
        ]
    );
}

#[test]
fn command_line_layers_go_on_top_of_profiles() {
    let cli = Profile {
        select: vec!["memory-limits".into()],
        severity: [("SS303".to_string(), Severity::Info)]
            .into_iter()
            .collect(),
        ..Profile::default()
    };
    let mut cx = context("2026-06-01");
    cx.selection = RuleSelection::resolve([&Profile::default(), &cli]).unwrap();
    let findings = policy::lint(&docs(), &cx);
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0].severity, Severity::Info);
}

#[test]
fn compose_services_are_exempted_by_their_label() {
    let findings = lint_with(
        "compose.yaml",
        "services:\n  api:\n    image: example/api:latest\n    labels:\n      shipshape.dev/allow: \"image-tag-pinned: local builds only\"\n",
        &["image-tag-pinned", "invalid-exemption"],
    );
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0].object.as_deref(), Some("services.api"));
    assert_eq!(
        findings[0].location.as_ref().unwrap().to_string(),
        "compose.yaml:3:12"
    );
    assert_eq!(
        findings[0].exempted.as_ref().unwrap().reason,
        "local builds only"
    );
}

#[test]
fn rule_docs_cover_the_rules_that_fired() {
    let findings = policy::lint(&docs(), &context("2026-06-01"));
    let docs = policy::rule_docs(&findings);
    let codes: Vec<&str> = docs.iter().map(|d| d.rule.code.as_str()).collect();
    assert_eq!(codes, vec!["SS303", "SS403", "SS603"]);
    assert!(
        docs.iter()
            .all(|d| d.doc.contains("## Fix") && !d.summary.is_empty())
    );
}

#[test]
fn list_items_are_linted_as_objects_at_their_own_lines() {
    let findings = lint_with(
        "list.yaml",
        "apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: ConfigMap\n    metadata: {name: settings}\n  - apiVersion: v1\n    kind: Pod\n    metadata:\n      name: web\n      annotations:\n        shipshape.dev/allow: \"read-only-root-fs: scratch space\"\n    spec:\n      containers:\n        - name: web\n          image: example/web:latest\n",
        &["image-tag-pinned", "read-only-root-fs"],
    );
    assert_eq!(findings.len(), 2);
    assert_eq!(findings[0].rule.name, "read-only-root-fs");
    assert_eq!(
        findings[0].location.as_ref().unwrap().to_string(),
        "list.yaml:15:11"
    );
    assert_eq!(
        findings[0].pointer.as_deref(),
        Some("/items/1/spec/containers/0")
    );
    assert_eq!(
        findings[0].exempted.as_ref().unwrap().source,
        "annotation shipshape.dev/allow at list.yaml:12:9"
    );
    assert_eq!(findings[1].rule.name, "image-tag-pinned");
    assert_eq!(
        findings[1].location.as_ref().unwrap().to_string(),
        "list.yaml:16:18"
    );
    assert_eq!(findings[1].object.as_deref(), Some("Pod/web"));
}
