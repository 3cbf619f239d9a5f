//! `shipshape check` reports a finding in rendered output where the author fixes it: the spec
//! line that sets the value (or the key that controls a default), with the rendered line in
//! the golden copy as a related location; every location in every format names a file of the
//! workspace, whether golden is accepted or not.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::repo_workspace_copy;
use serde_json::Value;

const ENV: &str = "materi-api/production";
const SPEC: &str = "environments/materi-api/production.yaml";
const GOLDEN: &str = "golden/materi-api/production/kubernetes.yaml";

fn shipshape(ws: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_shipshape"))
        .args(args)
        .current_dir(ws)
        .env_remove("CI")
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

/// Appends a writable root filesystem to the production spec; returns its key's line.
fn make_root_filesystem_writable(ws: &Path) -> u32 {
    let path = ws.join(SPEC);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(!text.contains("readOnlyRootFilesystem"), "{text}");
    assert!(!text.lines().any(|l| l.starts_with("securityContext:")));
    std::fs::write(
        &path,
        format!("{text}securityContext:\n  readOnlyRootFilesystem: false\n"),
    )
    .unwrap();
    text.lines().count() as u32 + 2
}

/// The SARIF results of rule `code` about container `container`.
fn sarif_result(sarif: &Value, code: &str, container: &str) -> Value {
    sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| {
            r["ruleId"] == code
                && r["message"]["text"]
                    .as_str()
                    .unwrap()
                    .contains(&format!("container `{container}`"))
        })
        .unwrap_or_else(|| panic!("no {code} result about `{container}`: {sarif:#}"))
        .clone()
}

fn physical(location: &Value) -> (String, u64, u64) {
    let p = &location["physicalLocation"];
    (
        p["artifactLocation"]["uri"].as_str().unwrap().to_string(),
        p["region"]["startLine"].as_u64().unwrap(),
        p["region"]["startColumn"].as_u64().unwrap(),
    )
}

/// The 1-based line and column of the first line of `file` containing `needle`.
fn line_of(ws: &Path, file: &str, needle: &str) -> (u64, u64) {
    let text = std::fs::read_to_string(ws.join(file)).unwrap();
    let (index, line) = text
        .lines()
        .enumerate()
        .find(|(_, l)| l.contains(needle))
        .unwrap_or_else(|| panic!("{file} has no line with `{needle}`"));
    (index as u64 + 1, line.find(needle).unwrap() as u64 + 1)
}

#[test]
fn a_spec_change_is_reported_on_its_spec_line_before_and_after_accept() {
    let ws = repo_workspace_copy();
    let line = make_root_filesystem_writable(ws.path());
    let annotation = format!(
        "file={SPEC},line={line},col=3,title=SS103 read-only-root-fs::container `api` has a writable root filesystem"
    );

    // Golden not accepted: the pull request's state.
    let out = shipshape(
        ws.path(),
        &[
            "check",
            ENV,
            "--format",
            "github",
            "--format",
            "sarif=out.sarif",
        ],
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    let found: Vec<&str> = stdout
        .lines()
        .filter(|l| l.contains("title=SS103"))
        .collect();
    assert!(
        found.iter().any(|l| l.contains(&annotation)),
        "no annotation on the spec line:\n{stdout}"
    );
    assert!(!stdout.contains("rendered/"), "{stdout}");
    let sarif: Value =
        serde_json::from_str(&std::fs::read_to_string(ws.path().join("out.sarif")).unwrap())
            .unwrap();
    let result = sarif_result(&sarif, "SS103", "api");
    assert_eq!(
        physical(&result["locations"][0]),
        (SPEC.to_string(), u64::from(line), 3)
    );
    // The golden copy does not hold the rendered line yet: no related location.
    assert!(result.get("relatedLocations").is_none(), "{result:#}");
    assert!(
        result["message"]["text"]
            .as_str()
            .unwrap()
            .contains(&format!(
                "spec: `securityContext.readOnlyRootFilesystem` is set at {SPEC}:{line}:3"
            )),
        "{result:#}"
    );

    // Golden accepted: the same spec line, and the rendered line in golden/ as related.
    let accept = shipshape(ws.path(), &["golden", "accept", ENV]);
    assert!(accept.status.success(), "{accept:?}");
    let out = shipshape(
        ws.path(),
        &[
            "check",
            ENV,
            "--format",
            "github",
            "--format",
            "sarif=out.sarif",
        ],
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.lines().any(|l| l.contains(&annotation)),
        "no annotation on the spec line:\n{stdout}"
    );
    let sarif: Value =
        serde_json::from_str(&std::fs::read_to_string(ws.path().join("out.sarif")).unwrap())
            .unwrap();
    let result = sarif_result(&sarif, "SS103", "api");
    assert_eq!(
        physical(&result["locations"][0]),
        (SPEC.to_string(), u64::from(line), 3)
    );
    let related = result["relatedLocations"].as_array().unwrap();
    assert_eq!(related.len(), 1, "{result:#}");
    let (file, rendered_line, rendered_col) = physical(&related[0]);
    assert_eq!(file, GOLDEN);
    let golden = std::fs::read_to_string(ws.path().join(GOLDEN)).unwrap();
    let text = golden.lines().nth(rendered_line as usize - 1).unwrap();
    assert_eq!(
        &text[rendered_col as usize - 1..],
        "false",
        "related line {rendered_line}: {text}"
    );
    assert_eq!(
        related[0]["message"]["text"],
        format!("the rendered output ({GOLDEN}:{rendered_line}:{rendered_col})")
    );

    // Text: the spec excerpt, then the rendered line.
    let out = shipshape(ws.path(), &["check", ENV]);
    let stdout = String::from_utf8(out.stdout).unwrap();
    // The caret's gutter is as wide as the line number.
    let gutter = " ".repeat(line.to_string().len() + 2);
    let block = format!(
        "{SPEC}:{line}:3: warning[SS103/read-only-root-fs]: container `api` has a writable root filesystem\n  {line} |   readOnlyRootFilesystem: false\n{gutter} |   ^\n  rendered: {GOLDEN}:{rendered_line}:{rendered_col}\n"
    );
    assert!(stdout.contains(&block), "{stdout}");
}

#[test]
fn a_default_value_points_at_the_key_that_controls_it() {
    let ws = repo_workspace_copy();
    let app = ws.path().join("environments/materi-api/app.yaml");
    let text = std::fs::read_to_string(&app).unwrap();
    let limits = "  limits:\n    cpu: \"1\"\n    memory: 1Gi\n";
    assert!(text.contains(limits));
    std::fs::write(&app, text.replace(limits, "")).unwrap();
    let spec = ws.path().join(SPEC);
    let text = std::fs::read_to_string(&spec).unwrap();
    let limits = "  limits:\n    cpu: 2000m\n    memory: 2Gi\n";
    let budget = "disruptionBudget:\n  minAvailable: 2\n";
    assert!(text.contains(limits) && text.contains(budget));
    std::fs::write(&spec, text.replace(limits, "").replace(budget, "")).unwrap();
    let (resources, _) = line_of(ws.path(), SPEC, "resources:");

    let out = shipshape(ws.path(), &["check", ENV, "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let findings = report["findings"].as_array().unwrap();
    let find = |code: &str| {
        findings
            .iter()
            .find(|f| f["code"] == code)
            .unwrap_or_else(|| panic!("no {code}: {report:#}"))
    };
    // `resources.limits.memory` is not set anywhere: its nearest parent in the file.
    let memory = find("SS303");
    assert_eq!(
        (&memory["file"], &memory["line"], &memory["column"]),
        (&Value::from(SPEC), &Value::from(resources), &Value::from(1))
    );
    assert!(
        memory["message"].as_str().unwrap().ends_with(
            "(`resources.limits.memory` is not set, so its default applies: set it under `resources` here)"
        ),
        "{memory:#}"
    );
    assert_eq!(
        memory["spec"],
        format!("set `resources.limits.memory` in {SPEC}")
    );
    // `disruptionBudget` has no parent key: line 1 of the environment's file.
    let budget = find("SS401");
    assert_eq!(
        (&budget["file"], &budget["line"], &budget["column"]),
        (&Value::from(SPEC), &Value::from(1), &Value::from(1))
    );
    assert!(
        budget["message"].as_str().unwrap().ends_with(
            "(`disruptionBudget` is not set, so its default applies: set it in this file)"
        ),
        "{budget:#}"
    );
}

const FORMATS: [&str; 7] = [
    "text", "json", "sarif", "junit", "github", "markdown", "gitlab",
];

/// Every location of every format, written to files, as (format, file) pairs.
fn locations(ws: &Path) -> Vec<(String, String)> {
    let mut args = vec!["check".to_string(), ENV.to_string()];
    for f in FORMATS {
        args.push("--format".into());
        args.push(format!("{f}=out.{f}"));
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = shipshape(ws, &args);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let read = |f: &str| std::fs::read_to_string(ws.join(format!("out.{f}"))).unwrap();
    let mut found = Vec::new();
    let mut add = |format: &str, file: &str| found.push((format.to_string(), file.to_string()));

    let json: Value = serde_json::from_str(&read("json")).unwrap();
    for f in json["findings"].as_array().unwrap() {
        add("json", f["file"].as_str().unwrap());
        for r in f["related"].as_array().into_iter().flatten() {
            add("json related", r["file"].as_str().unwrap());
        }
    }
    for r in json["resources"].as_array().unwrap() {
        add("json resource", r["file"].as_str().unwrap());
    }
    let sarif: Value = serde_json::from_str(&read("sarif")).unwrap();
    for r in sarif["runs"][0]["results"].as_array().unwrap() {
        for l in r["locations"].as_array().unwrap() {
            add("sarif", &physical(l).0);
        }
        for l in r["relatedLocations"].as_array().into_iter().flatten() {
            add("sarif related", &physical(l).0);
        }
    }
    let gitlab: Value = serde_json::from_str(&read("gitlab")).unwrap();
    for issue in gitlab.as_array().unwrap() {
        add("gitlab", issue["location"]["path"].as_str().unwrap());
    }
    for line in read("github").lines().filter(|l| l.starts_with("::")) {
        let props = line.split("::").nth(1).unwrap();
        if let Some(file) = props
            .split([' ', ','])
            .find_map(|p| p.strip_prefix("file="))
        {
            add("github", file);
        }
    }
    for line in read("junit").lines() {
        if let Some(rest) = line.trim_start().strip_prefix("<testsuite name=\"") {
            add("junit", rest.split('"').next().unwrap());
        }
    }
    // Text, Markdown and the messages of every format: each path of the workspace named.
    for f in FORMATS {
        let text = read(f);
        assert!(!text.contains("rendered/"), "{f} names rendered/:\n{text}");
        for word in text.split(|c: char| c.is_whitespace() || "|`'\"<>()[],".contains(c)) {
            for root in ["environments/", "golden/", "templates/"] {
                if let Some(at) = word.find(root)
                    && (at == 0 || !word[..at].ends_with(|c: char| c.is_alphanumeric()))
                {
                    let path = word[at..].split(':').next().unwrap();
                    // Folders (and placeholders such as `golden/<app>/<env>/<file>` in rule
                    // documentation, cut at `<`) are not locations.
                    if !path.ends_with('/') {
                        add(&format!("{f} text"), path);
                    }
                }
            }
        }
    }
    found
}

#[test]
fn every_location_in_every_format_names_a_workspace_file() {
    let ws = repo_workspace_copy();
    make_root_filesystem_writable(ws.path());
    // A template change as well: a schema finding in rendered output, without spec provenance.
    let template = ws.path().join("templates/kubernetes/40-service.yaml.j2");
    let text = std::fs::read_to_string(&template).unwrap();
    assert!(text.contains("      protocol: {{ port.protocol }}"));
    std::fs::write(
        &template,
        text.replace(
            "      protocol: {{ port.protocol }}",
            "      protocl: {{ port.protocol }}",
        ),
    )
    .unwrap();

    for accepted in [false, true] {
        if accepted {
            let accept = shipshape(ws.path(), &["golden", "accept", ENV]);
            assert!(accept.status.success(), "{accept:?}");
        }
        let found = locations(ws.path());
        for format in ["json", "sarif", "gitlab", "github", "junit", "text text"] {
            assert!(
                found.iter().any(|(f, _)| f == format),
                "no location in {format} (accepted: {accepted}): {found:?}"
            );
        }
        if accepted {
            assert!(found.iter().any(|(f, _)| f == "sarif related"), "{found:?}");
            assert!(found.iter().any(|(f, _)| f == "json related"), "{found:?}");
        }
        for (format, file) in &found {
            assert!(
                ws.path().join(file).is_file(),
                "{format} names {file}, which does not exist (accepted: {accepted})"
            );
        }
    }
}
