//! Every rule against its fixture: `tests/fixtures/policy/rules/<rule-name>.yaml`.
//!
//! A fixture marks each line where its rule must fire with `# expect: <rule-name>` (`xN` after
//! the name when it fires N times on that line); every other line must stay quiet, and every
//! fixture holds at least one object on which the rule does not fire. Header lines
//! `# lint: environment=<env>`, `# lint: external=<name>` and `# lint: complete` set the
//! lint context.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use shipshape::manifest::{self, Source};
use shipshape::policy::model::is_compose;
use shipshape::policy::{self, Date, LintContext, Profile, RuleSelection, registry};

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/policy/rules")
}

struct Outcome {
    expected: Vec<u32>,
    actual: Vec<u32>,
    messages: Vec<String>,
    objects: usize,
    firing_objects: usize,
}

fn run_fixture(rule: &str, path: &Path) -> Outcome {
    let source = Source::read(path).expect("fixture readable");
    let docs = manifest::load(&source).expect("fixture parses");
    let mut cx = LintContext::new(Date::parse("2026-06-01").unwrap());
    cx.selection = RuleSelection::resolve([&Profile {
        select: vec![rule.to_string()],
        ..Profile::default()
    }])
    .unwrap();
    let mut expected = Vec::new();
    for (i, line) in source.text.lines().enumerate() {
        if let Some(header) = line.strip_prefix("# lint: ") {
            match header.split_once('=') {
                Some(("environment", env)) => cx.environment = Some(env.to_string()),
                Some(("external", name)) => {
                    cx.external.insert(name.to_string());
                }
                None if header == "complete" => cx.complete = true,
                _ => panic!("{}: unknown header `{line}`", path.display()),
            }
        }
        if let Some((_, marker)) = line.split_once("# expect: ") {
            let mut words = marker.split_whitespace();
            assert_eq!(
                words.next(),
                Some(rule),
                "{}:{}: marker names another rule",
                path.display(),
                i + 1
            );
            let times = words
                .next()
                .and_then(|w| w.strip_prefix('x'))
                .map_or(1, |n| n.parse().unwrap());
            expected.extend(std::iter::repeat_n(i as u32 + 1, times));
        }
    }
    let findings = policy::lint(&docs, &cx);
    let mut actual: Vec<u32> = findings
        .iter()
        .map(|f| f.location.as_ref().unwrap().line)
        .collect();
    actual.sort();
    let messages = findings
        .iter()
        .map(|f| {
            format!(
                "{} {}: {}",
                f.location.as_ref().unwrap(),
                f.rule.name,
                f.message
            )
        })
        .collect();
    for f in &findings {
        assert_eq!(f.rule.name, rule);
        assert!(
            f.help.as_deref().is_some_and(|h| !h.is_empty()),
            "{}: a finding without help",
            rule
        );
        assert!(f.pointer.is_some() && f.object.is_some());
    }
    let objects = docs
        .iter()
        .map(|d| {
            if is_compose(d) {
                d.value["services"].as_object().map_or(0, |s| s.len())
            } else {
                1
            }
        })
        .sum();
    let firing_objects = findings
        .iter()
        .map(|f| (f.location.as_ref().unwrap().file.clone(), f.object.clone()))
        .collect::<BTreeSet<_>>()
        .len();
    Outcome {
        expected,
        actual,
        messages,
        objects,
        firing_objects,
    }
}

#[test]
fn every_rule_fires_exactly_where_its_fixture_says() {
    let mut failures = BTreeMap::new();
    for rule in registry::all() {
        let name = rule.meta().name;
        let path = fixtures_dir().join(format!("{name}.yaml"));
        assert!(
            path.exists(),
            "rule {} has no fixture at {}",
            rule.meta().code,
            path.display()
        );
        let outcome = run_fixture(name, &path);
        assert!(
            !outcome.expected.is_empty(),
            "{name}: the fixture marks no line where the rule fires"
        );
        if outcome.firing_objects >= outcome.objects {
            failures.insert(
                name,
                "the fixture needs an object on which the rule does not fire".to_string(),
            );
        } else if outcome.expected != outcome.actual {
            failures.insert(
                name,
                format!(
                    "expected lines {:?}\n  actual lines {:?}\n  {}",
                    outcome.expected,
                    outcome.actual,
                    outcome.messages.join("\n  ")
                ),
            );
        }
    }
    assert!(
        failures.is_empty(),
        "{}",
        failures
            .iter()
            .map(|(k, v)| format!("{k}:\n  {v}"))
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn fixtures_name_only_known_rules() {
    for entry in std::fs::read_dir(fixtures_dir()).unwrap() {
        let path = entry.unwrap().path();
        let stem = path.file_stem().unwrap().to_string_lossy().to_string();
        assert!(
            registry::find(&stem).is_some(),
            "{} names no rule",
            path.display()
        );
    }
}

#[test]
fn min_replicas_only_runs_in_production() {
    let path = fixtures_dir().join("min-replicas.yaml");
    let source = Source::read(&path).unwrap();
    let docs = manifest::load(&source).unwrap();
    let mut cx = LintContext::new(Date::parse("2026-06-01").unwrap());
    cx.environment = Some("staging".into());
    let findings = policy::lint(&docs, &cx);
    assert!(findings.iter().all(|f| f.rule.name != "min-replicas"));
}

#[test]
fn complete_sets_check_references_to_kinds_they_lack() {
    let source = Source::new(
        "hpa.yaml",
        "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: db\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: StatefulSet, name: db}\n  minReplicas: 2\n  maxReplicas: 3\n",
    );
    let docs = manifest::load(&source).unwrap();
    let mut cx = LintContext::new(Date::parse("2026-06-01").unwrap());
    assert!(policy::lint(&docs, &cx).is_empty());
    cx.complete = true;
    let findings = policy::lint(&docs, &cx);
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0].rule.name, "hpa-target-exists");
    assert_eq!(
        findings[0].location.as_ref().unwrap().to_string(),
        "hpa.yaml:6:66"
    );
}
