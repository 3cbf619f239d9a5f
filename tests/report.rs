//! The reporting layer: every format's exact output for the same reports, `--format`
//! parsing through clap, and `emit` writing files.
//!
//! Expected outputs live in `tests/fixtures/report/expected/`. After an intended change of
//! a format, `SHIPSHAPE_BLESS=1 cargo test --test report` rewrites them; review the diff.

use std::path::{Path, PathBuf};

use clap::Parser;
use serde_json::Value;
use shipshape::manifest::Source;
use shipshape::report::{
    self, Exemption, Finding, Format, FormatSpec, Location, OutputArgs, RenderOptions, Report,
    Resource, RuleDoc, RuleRef, Severity, Status,
};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/report")
        .join(name)
}

fn loc(file: &str, line: u32, col: u32) -> Option<Location> {
    Some(Location {
        file: file.into(),
        line,
        col,
    })
}

fn rule(code: &str, name: &str) -> RuleRef {
    RuleRef {
        code: code.into(),
        name: name.into(),
    }
}

fn finding(code: &str, name: &str, severity: Severity, message: &str) -> Finding {
    Finding {
        rule: rule(code, name),
        severity,
        message: message.into(),
        help: None,
        location: None,
        pointer: None,
        object: None,
        spec_hint: None,
        exempted: None,
        related: Vec::new(),
    }
}

const DEPLOY: &str = "k8s/deploy.yaml";
const SECRET: &str = "k8s/secret.yaml";
const ODD: &str = "k8s/odd,name:1.yaml";

/// Findings of every severity, with and without location, one exempted, one about a secret,
/// and text that needs escaping in every format.
fn findings() -> Vec<Finding> {
    vec![
        Finding {
            location: loc(DEPLOY, 6, 13),
            pointer: Some("/spec/replicas".into()),
            object: Some("Deployment/web".into()),
            ..finding(
                "schema",
                "type",
                Severity::Error,
                "spec.replicas: \"three\" is not an integer",
            )
        },
        Finding {
            location: loc(DEPLOY, 10, 11),
            object: Some("Deployment/web".into()),
            exempted: Some(Exemption {
                reason: "vendor image needs root, see \"OPS-1\"".into(),
                source: "annotation shipshape.dev/allow".into(),
                expires: Some("2027-03-01".into()),
            }),
            ..finding(
                "SS101",
                "run-as-non-root",
                Severity::Warning,
                "container \"api\" may run as root",
            )
        },
        Finding {
            location: loc(DEPLOY, 11, 18),
            pointer: Some("/spec/template/spec/containers/0/image".into()),
            object: Some("Deployment/web".into()),
            help: Some("pin a version, e.g. `janua/api:1.4.2`".into()),
            spec_hint: Some("set `image.tag` in environments/janua-api/production.yaml".into()),
            ..finding(
                "SS103",
                "latest-tag",
                Severity::Warning,
                "container \"api\" uses image tag `latest`",
            )
        },
        Finding {
            location: loc(SECRET, 6, 13),
            pointer: Some("/stringData/password".into()),
            object: Some("Secret/db".into()),
            help: Some("reference an external secret instead".into()),
            ..finding(
                "SS201",
                "plaintext-secret",
                Severity::Error,
                "Secret/db holds a literal value in stringData.password",
            )
        },
        Finding {
            location: loc(ODD, 3, 2),
            ..finding(
                "yaml",
                "syntax",
                Severity::Error,
                "tabs are not allowed as indentation; use spaces <'tab'> & \"retry\"",
            )
        },
        Finding {
            object: Some("Deployment/web".into()),
            help: Some("add a PodDisruptionBudget".into()),
            ..finding(
                "SS302",
                "pdb-required",
                Severity::Info,
                "3 replicas & no PodDisruptionBudget | <none> at 100%,\nall at once: yes",
            )
        },
    ]
}

fn sources(report: &mut Report) {
    for (path, file) in [
        (DEPLOY, "k8s/deploy.yaml"),
        (SECRET, "k8s/secret.yaml"),
        (ODD, "k8s/tab-indented.yaml"),
    ] {
        let text = std::fs::read_to_string(fixture(file)).unwrap();
        report.add_source(&Source::new(path, text));
    }
}

fn rule_docs() -> Vec<RuleDoc> {
    vec![
        RuleDoc {
            rule: rule("SS103", "latest-tag"),
            summary: "Images are pinned to a version.".into(),
            doc: "## What it checks\n\nContainers whose image has no tag or the tag `latest`.\n\n## Fix\n\nPin a version."
                .into(),
            severity: Severity::Warning,
        },
        RuleDoc {
            rule: rule("SS101", "run-as-non-root"),
            summary: "Containers run as a non-root user.".into(),
            doc: "Containers must set `runAsNonRoot: true`\nor a non-zero `runAsUser`.".into(),
            severity: Severity::Error,
        },
    ]
}

/// A `check`-style report: resources of every status and findings.
fn check_report() -> Report {
    let mut report = Report {
        command: "check".into(),
        resources: vec![
            Resource {
                location: Location {
                    file: DEPLOY.into(),
                    line: 1,
                    col: 1,
                },
                object: "Deployment/web".into(),
                status: Status::Invalid,
                reason: None,
            },
            Resource {
                location: Location {
                    file: SECRET.into(),
                    line: 1,
                    col: 1,
                },
                object: "Secret/db".into(),
                status: Status::Valid,
                reason: None,
            },
            Resource {
                location: Location {
                    file: ODD.into(),
                    line: 1,
                    col: 1,
                },
                object: "<no kind>/<no name>".into(),
                status: Status::Error,
                reason: Some("cannot parse: tabs are not allowed as indentation".into()),
            },
            Resource {
                location: Location {
                    file: "k8s/crd.yaml".into(),
                    line: 1,
                    col: 1,
                },
                object: "Widget/w".into(),
                status: Status::Skipped,
                reason: Some("no schema for example.com/v1 Widget".into()),
            },
        ],
        findings: findings(),
        rules: rule_docs(),
        ..Report::default()
    };
    sources(&mut report);
    report.sort();
    report
}

/// A `lint`-style report: findings only.
fn lint_report() -> Report {
    let mut report = Report {
        command: "lint".into(),
        findings: findings()
            .into_iter()
            .filter(|f| f.rule.code.starts_with("SS"))
            .collect(),
        rules: rule_docs(),
        ..Report::default()
    };
    sources(&mut report);
    report.sort();
    report
}

fn plain() -> RenderOptions {
    RenderOptions::default()
}

/// Compares with the expected file (rewrites it with `SHIPSHAPE_BLESS=1`).
fn assert_expected(name: &str, actual: &str) {
    let path = fixture("expected").join(name);
    let actual = actual.replace(env!("CARGO_PKG_VERSION"), "{VERSION}");
    if std::env::var_os("SHIPSHAPE_BLESS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &actual).unwrap();
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    assert_eq!(
        actual, expected,
        "{name} differs from tests/fixtures/report/expected/{name}"
    );
}

#[test]
fn text_groups_by_file_with_excerpts_and_summaries() {
    let out = report::render(&check_report(), Format::Text, &plain());
    assert_expected("check.txt", &out);
    assert!(!out.contains("hunter2"), "secret value leaked:\n{out}");
    assert!(!out.contains('\x1b'));
}

#[test]
fn text_verbose_lists_valid_resources() {
    let out = report::render(
        &check_report(),
        Format::Text,
        &RenderOptions {
            verbose: true,
            ..plain()
        },
    );
    assert!(
        out.contains("k8s/secret.yaml:1:1: Secret/db: valid\n"),
        "{out}"
    );
    // The exempted findings are listed with their reasons, not counted.
    assert!(
        out.contains("exempted (1):\nk8s/deploy.yaml:10:11: warning[SS101/run-as-non-root]: container \"api\" may run as root\n  exempted: vendor image needs root, see \"OPS-1\" (until 2027-03-01) [annotation shipshape.dev/allow]\n"),
        "{out}"
    );
    assert!(!out.contains("list it with --verbose"), "{out}");
    let quiet = report::render(&check_report(), Format::Text, &plain());
    assert!(!quiet.contains(": valid"), "{quiet}");
}

#[test]
fn text_colour_only_when_asked() {
    let mut report = lint_report();
    report.findings.retain(|f| f.rule.code == "SS103");
    let out = report::render(
        &report,
        Format::Text,
        &RenderOptions {
            color: true,
            ..plain()
        },
    );
    assert_eq!(
        out,
        "\x1b[1mk8s/deploy.yaml:11:18\x1b[0m: \x1b[1;33mwarning\x1b[0m\x1b[1m[SS103/latest-tag]\x1b[0m: \
         container \"api\" uses image tag `latest`\n  \
         \x1b[1;34m11 |\x1b[0m           image: janua/api:latest\n  \
         \x1b[1;34m   |\x1b[0m                  \x1b[1;33m^\x1b[0m\n  \
         \x1b[1mhelp:\x1b[0m pin a version, e.g. `janua/api:1.4.2`\n  \
         \x1b[1mspec:\x1b[0m set `image.tag` in environments/janua-api/production.yaml\n\
         \n1 finding: 0 errors, 1 warning, 0 infos (0 exempted)\n"
    );
}

#[test]
fn text_lint_and_empty_reports() {
    assert_expected(
        "lint.txt",
        &report::render(&lint_report(), Format::Text, &plain()),
    );
    let empty = Report {
        command: "lint".into(),
        ..Report::default()
    };
    assert_eq!(
        report::render(&empty, Format::Text, &plain()),
        "0 findings: 0 errors, 0 warnings, 0 infos (0 exempted)\n"
    );
    let validate = Report {
        command: "validate".into(),
        ..Report::default()
    };
    assert_eq!(
        report::render(&validate, Format::Text, &plain()),
        "0 resources: 0 valid, 0 invalid, 0 not checked, 0 skipped\n"
    );
}

#[test]
fn text_without_sources_prints_no_excerpt() {
    let mut report = lint_report();
    report.sources.clear();
    let out = report::render(&report, Format::Text, &plain());
    assert!(!out.contains("11 |"), "{out}");
    assert!(out.contains(
        "k8s/deploy.yaml:11:18: warning[SS103/latest-tag]: container \"api\" uses image tag `latest`\n  help: "
    ));
}

#[test]
fn json_has_the_documented_shape() {
    let out = report::render(&check_report(), Format::Json, &plain());
    assert_expected("check.json", &out);
    let value: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(value["version"], 1);
    assert_eq!(
        value["summary"]["findings"],
        serde_json::json!({"total": 6, "error": 3, "warning": 1, "info": 1, "exempted": 1})
    );
    assert_eq!(
        value["summary"]["resources"],
        serde_json::json!({"total": 4, "valid": 1, "invalid": 1, "error": 1, "skipped": 1})
    );
}

#[test]
fn sarif_is_what_code_scanning_accepts() {
    let out = report::render(&check_report(), Format::Sarif, &plain());
    assert_expected("check.sarif", &out);
    let sarif: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    assert!(
        sarif["$schema"]
            .as_str()
            .unwrap()
            .contains("sarif-schema-2.1.0")
    );
    let run = &sarif["runs"][0];
    assert_eq!(sarif["runs"].as_array().unwrap().len(), 1);
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "shipshape");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    assert!(
        driver["informationUri"]
            .as_str()
            .unwrap()
            .starts_with("https://")
    );
    let rules = driver["rules"].as_array().unwrap();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["SS101", "SS103", "SS201", "SS302", "schema", "yaml"]);
    let latest = &rules[1];
    assert_eq!(latest["name"], "latest-tag");
    assert_eq!(
        latest["shortDescription"]["text"],
        "Images are pinned to a version."
    );
    assert_eq!(
        latest["fullDescription"]["text"],
        "Containers whose image has no tag or the tag `latest`."
    );
    assert!(
        latest["help"]["markdown"]
            .as_str()
            .unwrap()
            .starts_with("## What it checks")
    );
    assert_eq!(latest["defaultConfiguration"]["level"], "warning");

    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 6);
    for r in results {
        let index = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(
            rules[index]["id"], r["ruleId"],
            "ruleIndex points at the rule"
        );
        assert!(["error", "warning", "note"].contains(&r["level"].as_str().unwrap()));
        assert!(r["message"]["text"].is_string());
    }
    let image = results.iter().find(|r| r["ruleId"] == "SS103").unwrap();
    let physical = &image["locations"][0]["physicalLocation"];
    assert_eq!(physical["artifactLocation"]["uri"], "k8s/deploy.yaml");
    assert_eq!(physical["region"]["startLine"], 11);
    assert_eq!(physical["region"]["startColumn"], 18);
    let odd = results.iter().find(|r| r["ruleId"] == "yaml").unwrap();
    assert_eq!(
        odd["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "k8s/odd,name%3A1.yaml"
    );
    // Every result names a file (GitHub rejects the whole upload otherwise): a finding
    // without a location is placed at its object's resource.
    for r in results {
        assert!(
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].is_string(),
            "{r}"
        );
    }
    let pdb = results.iter().find(|r| r["ruleId"] == "SS302").unwrap();
    assert_eq!(pdb["level"], "note");
    assert_eq!(
        pdb["locations"][0]["physicalLocation"],
        serde_json::json!({"artifactLocation": {"uri": "k8s/deploy.yaml"},
                           "region": {"startLine": 1, "startColumn": 1}})
    );
    let exempted = results.iter().find(|r| r["ruleId"] == "SS101").unwrap();
    assert_eq!(exempted["suppressions"][0]["kind"], "external");
    assert_eq!(
        exempted["suppressions"][0]["justification"],
        "vendor image needs root, see \"OPS-1\" (until 2027-03-01)"
    );
    assert!(!out.contains("hunter2"));
}

#[test]
fn sarif_reports_unplaceable_findings_as_notifications() {
    let out = report::render(&lint_report(), Format::Sarif, &plain());
    let sarif: Value = serde_json::from_str(&out).unwrap();
    let run = &sarif["runs"][0];
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 3);
    assert!(results.iter().all(|r| r["ruleId"] != "SS302"));
    assert_eq!(
        run["invocations"][0]["toolExecutionNotifications"],
        serde_json::json!([{
            "level": "note",
            "message": {"text": "3 replicas & no PodDisruptionBudget | <none> at 100%,\nall at once: yes\n\nhelp: add a PodDisruptionBudget"},
            "descriptor": {"id": "SS302", "index": 3},
        }])
    );
    assert_eq!(run["invocations"][0]["executionSuccessful"], true);
}

#[test]
fn junit_is_well_formed_and_groups_by_file() {
    let out = report::render(&check_report(), Format::Junit, &plain());
    assert_expected("check.junit.xml", &out);
    assert_well_formed(&out);
    let lint = report::render(&lint_report(), Format::Junit, &plain());
    assert_expected("lint.junit.xml", &lint);
    assert_well_formed(&lint);
}

#[test]
fn github_annotations_escape_properties_and_data() {
    let out = report::render(&check_report(), Format::Github, &plain());
    assert_expected("check.github.txt", &out);
    assert!(out.contains(
        "::error file=k8s/odd%2Cname%3A1.yaml,line=3,col=2,title=yaml syntax::tabs are not allowed"
    ));
    assert!(out.contains(
        "::notice title=SS302 pdb-required::Deployment/web: 3 replicas & no PodDisruptionBudget | <none> at 100%25,%0Aall at once: yes%0Ahelp: add a PodDisruptionBudget\n"
    ));
    assert!(
        !out.contains("SS101"),
        "exempted findings are not annotated"
    );
}

#[test]
fn gitlab_code_quality_has_one_issue_per_open_finding() {
    let out = report::render(&check_report(), Format::Gitlab, &plain());
    assert_expected("check.gitlab.json", &out);
    let issues: serde_json::Value = serde_json::from_str(&out).unwrap();
    let issues = issues.as_array().expect("a JSON array");
    let open = check_report()
        .findings
        .iter()
        .filter(|f| f.exempted.is_none())
        .count();
    assert_eq!(issues.len(), open);
    let mut fingerprints = std::collections::BTreeSet::new();
    for issue in issues {
        for key in ["description", "check_name", "fingerprint", "severity"] {
            assert!(issue[key].is_string(), "{key} missing in {issue}");
        }
        assert!(
            ["info", "minor", "major", "critical", "blocker"]
                .contains(&issue["severity"].as_str().unwrap())
        );
        assert!(issue["location"]["path"].is_string(), "{issue}");
        assert!(issue["location"]["lines"]["begin"].as_u64().unwrap() >= 1);
        assert!(fingerprints.insert(issue["fingerprint"].as_str().unwrap().to_string()));
    }
    assert!(!out.contains("SS101"), "exempted findings are not issues");

    // Moving a finding to another line keeps its fingerprint.
    let mut moved = check_report();
    for f in &mut moved.findings {
        if let Some(loc) = &mut f.location {
            loc.line += 7;
        }
    }
    let again: serde_json::Value =
        serde_json::from_str(&report::render(&moved, Format::Gitlab, &plain())).unwrap();
    let prints = |v: &serde_json::Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|i| i["fingerprint"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        prints(&again),
        prints(&serde_json::Value::Array(issues.clone()))
    );
}

#[test]
fn markdown_tables_escape_cells() {
    let out = report::render(&check_report(), Format::Markdown, &plain());
    assert_expected("check.md", &out);
    assert!(out.contains(
        "| Deployment/web | info | `SS302` pdb-required | 3 replicas &amp; no PodDisruptionBudget \\| &lt;none&gt; at 100%,<br>all at once: yes<br>help: add a PodDisruptionBudget |"
    ));
    // Every row of a table has as many cells as its header.
    let mut columns = None;
    for line in out.lines() {
        if !line.starts_with('|') {
            columns = None;
            continue;
        }
        let cells = line.replace("\\|", "").matches('|').count();
        assert_eq!(*columns.get_or_insert(cells), cells, "{line}");
    }
}

#[test]
fn format_flags_parse_through_clap() {
    #[derive(Debug, Parser)]
    struct Cli {
        #[command(flatten)]
        output: OutputArgs,
    }
    let cli = Cli::try_parse_from(["t"]).unwrap();
    assert_eq!(cli.output.formats, [FormatSpec::stdout(Format::Text)]);
    assert!(!cli.output.verbose);

    let cli = Cli::try_parse_from([
        "t",
        "--format",
        "text",
        "--format",
        "sarif=out/report.sarif",
        "--format=junit=j.xml",
        "--verbose",
    ])
    .unwrap();
    assert_eq!(
        cli.output.formats,
        [
            FormatSpec::stdout(Format::Text),
            FormatSpec::file(Format::Sarif, "out/report.sarif"),
            FormatSpec::file(Format::Junit, "j.xml"),
        ]
    );
    assert!(cli.output.verbose);
    cli.output.check().unwrap();

    let err = Cli::try_parse_from(["t", "--format", "xml"]).unwrap_err();
    assert_eq!(err.kind(), clap::error::ErrorKind::ValueValidation);
    assert!(
        err.to_string().contains(
            "invalid value 'xml' for '--format <FORMAT[=PATH]>': unknown format `xml`; expected \
             one of text, json, sarif, junit, github, markdown, gitlab, optionally followed by `=PATH`"
        ),
        "{err}"
    );

    let cli = Cli::try_parse_from(["t", "--format", "json", "--format", "github"]).unwrap();
    assert!(cli.output.check().is_err());
}

#[test]
fn emit_writes_files_atomically_and_refuses_two_stdout_formats() {
    let dir = tempfile::tempdir().unwrap();
    let report = check_report();
    let sarif = dir.path().join("r.sarif");
    let json = dir.path().join("r.json");
    report::emit(
        &report,
        &[
            FormatSpec::file(Format::Sarif, &sarif),
            FormatSpec::file(Format::Json, &json),
        ],
    )
    .unwrap();
    assert_eq!(
        std::fs::read_to_string(&sarif).unwrap(),
        report::render(&report, Format::Sarif, &plain())
    );
    assert_eq!(
        std::fs::read_to_string(&json).unwrap(),
        report::render(&report, Format::Json, &plain())
    );
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(names.len(), 2, "no temporary files left: {names:?}");

    let missing = dir.path().join("no/such/dir/r.xml");
    let err = report::emit(&report, &[FormatSpec::file(Format::Junit, &missing)]).unwrap_err();
    assert!(
        err.to_string().starts_with("cannot write junit output to "),
        "{err}"
    );
    assert!(!missing.exists());

    let untouched = dir.path().join("untouched.md");
    let err = report::emit(
        &report,
        &[
            FormatSpec::file(Format::Markdown, &untouched),
            FormatSpec::stdout(Format::Text),
            FormatSpec::stdout(Format::Github),
        ],
    )
    .unwrap_err();
    assert!(err.to_string().contains("only one format can go to stdout"));
    assert!(
        !untouched.exists(),
        "targets are checked before anything is written"
    );
}

#[test]
fn every_format_is_deterministic() {
    for format in Format::ALL {
        let a = report::render(&check_report(), format, &plain());
        let b = report::render(&check_report(), format, &plain());
        assert_eq!(a, b, "{format}");
        assert!(!a.contains("hunter2"), "{format} leaked a secret value");
    }
}

/// A small XML well-formedness check: one root, balanced tags, quoted attributes, only
/// predefined or numeric entity references, no raw `<` or `&` in text or attributes.
fn assert_well_formed(xml: &str) {
    let body = xml
        .strip_prefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
        .expect("XML declaration");
    let mut stack: Vec<String> = Vec::new();
    let mut roots = 0;
    let mut rest = body;
    while !rest.is_empty() {
        match rest.find('<') {
            Some(0) => {
                let end = rest.find('>').expect("unterminated tag");
                let tag = &rest[1..end];
                assert!(!tag.contains('<'), "raw < in tag: {tag}");
                if let Some(name) = tag.strip_prefix('/') {
                    assert_eq!(stack.pop().as_deref(), Some(name), "mismatched </{name}>");
                } else {
                    let self_closing = tag.ends_with('/');
                    let tag = tag.trim_end_matches('/');
                    let (name, attrs) = tag.split_once(' ').unwrap_or((tag, ""));
                    check_attributes(attrs);
                    if stack.is_empty() {
                        roots += 1;
                    }
                    if !self_closing {
                        stack.push(name.to_string());
                    }
                }
                rest = &rest[end + 1..];
            }
            Some(i) => {
                check_text(&rest[..i]);
                rest = &rest[i..];
            }
            None => {
                assert!(rest.trim().is_empty(), "text after the root: {rest}");
                rest = "";
            }
        }
    }
    assert!(stack.is_empty(), "unclosed: {stack:?}");
    assert_eq!(roots, 1);
}

fn check_attributes(mut attrs: &str) {
    loop {
        attrs = attrs.trim_start();
        if attrs.is_empty() {
            return;
        }
        let (name, after) = attrs.split_once("=\"").expect("attribute name=\"value\"");
        assert!(
            name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'),
            "bad attribute name {name}"
        );
        let end = after.find('"').expect("closing quote");
        check_text(&after[..end]);
        assert!(
            !after[..end].contains(['\n', '\'']),
            "raw newline or ' in attribute"
        );
        attrs = &after[end + 1..];
    }
}

fn check_text(text: &str) {
    assert!(!text.contains('>'), "raw > in {text}");
    let mut rest = text;
    while let Some(i) = rest.find('&') {
        let end = rest[i..].find(';').expect("unterminated entity") + i;
        let entity = &rest[i + 1..end];
        assert!(
            ["amp", "lt", "gt", "quot", "apos"].contains(&entity)
                || entity
                    .strip_prefix('#')
                    .is_some_and(|n| n.parse::<u32>().is_ok()),
            "unknown entity &{entity};"
        );
        rest = &rest[end + 1..];
    }
}
