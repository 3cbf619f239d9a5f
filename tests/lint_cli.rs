//! `shipshape lint`, `explain` and `rules` as a user runs them: exact output and exit codes.

use std::io::Write;
use std::process::{Command, Stdio};

const FIXTURES: &str = "tests/fixtures/policy/cli";

struct Run {
    stdout: String,
    stderr: String,
    code: i32,
}

fn shipshape(args: &[&str]) -> Run {
    shipshape_with_stdin(args, None)
}

/// Runs the binary from the repository root. `lint` runs get the empty configuration unless
/// they name one, so that the repository's own shipshape.yaml does not change their results.
fn shipshape_with_stdin(args: &[&str], stdin: Option<&str>) -> Run {
    let mut args: Vec<&str> = args.to_vec();
    let empty = fixture("empty.shipshape.yaml");
    if args.first() == Some(&"lint") && !args.contains(&"--config") {
        args.splice(1..1, ["--config", empty.as_str()]);
    }
    let mut child = Command::new(env!("CARGO_BIN_EXE_shipshape"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(&args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    {
        let mut input = child.stdin.take().unwrap();
        if let Some(text) = stdin {
            input.write_all(text.as_bytes()).unwrap();
        }
    }
    let out = child.wait_with_output().unwrap();
    Run {
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
        code: out.status.code().unwrap(),
    }
}

fn fixture(name: &str) -> String {
    format!("{FIXTURES}/{name}")
}

#[test]
fn findings_print_with_line_caret_and_help_and_fail_the_run() {
    let run = shipshape(&["lint", &fixture("web.yaml")]);
    assert_eq!(
        run.stdout,
        "tests/fixtures/policy/cli/web.yaml:19:11: warning[SS103/read-only-root-fs]: container `web` has a writable root filesystem: `readOnlyRootFilesystem` is not set
  19 |         - name: web
     |           ^
  help: set `securityContext.readOnlyRootFilesystem: true` and mount an emptyDir where the program writes

tests/fixtures/policy/cli/web.yaml:20:18: error[SS501/image-tag-pinned]: image `example/web:latest` uses the `latest` tag (container `web`)
  20 |           image: example/web:latest
     |                  ^
  help: pin a version tag (e.g. `:1.8.3`) or a digest (`@sha256:...`)

2 findings: 1 error, 1 warning, 0 infos (0 exempted)
"
    );
    assert_eq!(run.stderr, "");
    assert_eq!(run.code, 1);
}

#[test]
fn clean_manifests_exit_zero() {
    let run = shipshape(&["lint", &fixture("clean.yaml")]);
    assert_eq!(
        run.stdout,
        "0 findings: 0 errors, 0 warnings, 0 infos (0 exempted)\n"
    );
    assert_eq!(run.code, 0);
}

#[test]
fn warnings_fail_only_with_fail_on_warning() {
    let run = shipshape(&["lint", "--ignore", "image-tag-pinned", &fixture("web.yaml")]);
    assert!(
        run.stdout
            .ends_with("1 finding: 0 errors, 1 warning, 0 infos (0 exempted)\n"),
        "{}",
        run.stdout
    );
    assert_eq!(run.code, 0);
    let run = shipshape(&[
        "lint",
        "--ignore",
        "SS501",
        "--fail-on",
        "warning",
        &fixture("web.yaml"),
    ]);
    assert_eq!(run.code, 1);
}

#[test]
fn select_runs_only_the_named_rules() {
    let run = shipshape(&["lint", "--select", "SS1", &fixture("web.yaml")]);
    assert!(
        run.stdout.contains("[SS103/read-only-root-fs]"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("SS501"));
    assert_eq!(run.code, 0);
    let run = shipshape(&[
        "lint",
        "--extend-select",
        "image-digest",
        &fixture("clean.yaml"),
    ]);
    assert!(
        run.stdout.starts_with("tests/fixtures/policy/cli/clean.yaml:20:18: warning[SS502/image-digest]: image `example/web:1.2.0` of container `web` is not pinned by digest\n"),
        "{}",
        run.stdout
    );
}

#[test]
fn unknown_rules_are_usage_errors_with_a_suggestion() {
    let run = shipshape(&["lint", "--select", "run-as-nonroot", &fixture("web.yaml")]);
    assert_eq!(run.code, 2);
    assert_eq!(run.stdout, "");
    assert!(
        run.stderr
            .contains("unknown rule `run-as-nonroot` (did you mean `run-as-non-root`?)"),
        "{}",
        run.stderr
    );
}

#[test]
fn stdin_is_linted_as_dash() {
    let text = std::fs::read_to_string(fixture("web.yaml")).unwrap();
    let run = shipshape_with_stdin(&["lint", "--select", "image-tag-pinned", "-"], Some(&text));
    assert!(
        run.stdout
            .starts_with("-:20:18: error[SS501/image-tag-pinned]: "),
        "{}",
        run.stdout
    );
    assert_eq!(run.code, 1);
}

#[test]
fn unparseable_files_are_reported_and_the_rest_still_linted() {
    let run = shipshape(&[
        "lint",
        "--select",
        "image-tag-pinned",
        &fixture("broken.yaml"),
        &fixture("web.yaml"),
    ]);
    assert_eq!(
        run.stdout,
        "tests/fixtures/policy/cli/broken.yaml:6:1: error[yaml/invalid-yaml]: while parsing a flow sequence, expected ',' or ']'
  help: fix the file so that it parses; the other files were linted

tests/fixtures/policy/cli/web.yaml:20:18: error[SS501/image-tag-pinned]: image `example/web:latest` uses the `latest` tag (container `web`)
  20 |           image: example/web:latest
     |                  ^
  help: pin a version tag (e.g. `:1.8.3`) or a digest (`@sha256:...`)

2 findings: 2 errors, 0 warnings, 0 infos (0 exempted)
"
    );
    assert_eq!(run.code, 2);
}

#[test]
fn missing_paths_are_input_errors() {
    let run = shipshape(&["lint", &fixture("nope.yaml")]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "error: tests/fixtures/policy/cli/nope.yaml: no such file or folder\n"
    );
}

#[test]
fn exemptions_from_annotations_apply_expire_and_need_a_reason() {
    // Without --verbose, exempted findings are a count after the open ones.
    let quiet = shipshape(&["lint", &fixture("exemptions.yaml")]);
    assert!(
        quiet.stdout.ends_with(
            "\nexempted: 1 finding (list it with --verbose)\n\n4 findings: 1 error, 2 warnings, 0 infos (1 exempted)\n"
        ),
        "{}",
        quiet.stdout
    );
    assert!(!quiet.stdout.contains("exempted (1):"), "{}", quiet.stdout);
    assert_eq!(quiet.code, 1);
    let run = shipshape(&["lint", "--verbose", &fixture("exemptions.yaml")]);
    let out = &run.stdout;
    let file = "tests/fixtures/policy/cli/exemptions.yaml";
    // Active until 2099: listed as exempted, with its reason and where it was declared.
    assert!(out.contains(&format!("exempted (1):\n{file}:17:14: error[SS501/image-tag-pinned]: image `vendor/agent:latest` uses the `latest` tag (container `agent`)\n  exempted: the vendor only publishes latest (until 2099-12-31) [annotation shipshape.dev/allow at {file}:7:5]\n")), "{out}");
    // Expired in 2020: the finding fires again and says so.
    assert!(out.contains(&format!("{file}:16:7: warning[SS103/read-only-root-fs]: container `agent` has a writable root filesystem: `readOnlyRootFilesystem` is not set (the exemption \"writes its state next to the binary\" expired on 2020-01-31)\n")), "{out}");
    // No reason: an error of its own, and the finding it meant to accept still fires.
    assert!(out.contains(&format!("{file}:37:26: error[SS001/invalid-exemption]: shipshape.dev/allow: the exemption of `drop-all-capabilities` has no reason: every exemption must say why the finding is acceptable\n")), "{out}");
    assert!(
        out.contains(&format!(
            "{file}:44:7: warning[SS104/drop-all-capabilities]: "
        )),
        "{out}"
    );
    assert!(
        out.ends_with("4 findings: 1 error, 2 warnings, 0 infos (1 exempted)\n"),
        "{out}"
    );
    assert_eq!(run.code, 1);
}

#[test]
fn config_exemptions_match_kind_namespace_and_name_globs() {
    let run = shipshape(&[
        "lint",
        "--verbose",
        "--config",
        &fixture("profiles.shipshape.yaml"),
        "--ignore",
        "invalid-exemption",
        &fixture("exemptions.yaml"),
    ]);
    let out = &run.stdout;
    let file = "tests/fixtures/policy/cli/exemptions.yaml";
    assert!(out.contains(&format!("{file}:44:7: warning[SS104/drop-all-capabilities]: container `tool` does not drop all capabilities\n  exempted: third-party image, capabilities managed upstream [exemptions[0] at tests/fixtures/policy/cli/profiles.shipshape.yaml:9:5]\n")), "{out}");
    assert!(
        out.ends_with("3 findings: 0 errors, 1 warning, 0 infos (2 exempted)\n"),
        "{out}"
    );
    assert_eq!(run.code, 0);
}

#[test]
fn environment_profiles_change_severities() {
    let config = fixture("profiles.shipshape.yaml");
    let dev = shipshape(&[
        "lint",
        "--config",
        &config,
        "--environment",
        "development",
        &fixture("web.yaml"),
    ]);
    assert!(
        dev.stdout
            .contains("web.yaml:20:18: warning[SS501/image-tag-pinned]: "),
        "{}",
        dev.stdout
    );
    assert_eq!(dev.code, 0);
    let prod = shipshape(&[
        "lint",
        "--config",
        &config,
        "--environment",
        "production",
        &fixture("web.yaml"),
    ]);
    assert!(
        prod.stdout
            .contains("web.yaml:20:18: error[SS501/image-tag-pinned]: "),
        "{}",
        prod.stdout
    );
    assert_eq!(prod.code, 1);
}

#[test]
fn config_errors_are_located_and_exit_two() {
    let run = shipshape(&[
        "lint",
        "--config",
        &fixture("bad.shipshape.yaml"),
        &fixture("web.yaml"),
    ]);
    assert_eq!(run.code, 2);
    assert_eq!(run.stdout, "");
    assert!(
        run.stderr.starts_with("error: tests/fixtures/policy/cli/bad.shipshape.yaml:4:3: policy: unknown field `enviroments`, expected `default` or `environments`"),
        "{}",
        run.stderr
    );
}

#[test]
fn json_output_carries_locations_pointers_and_exemptions() {
    let run = shipshape(&["lint", "--format", "json", &fixture("exemptions.yaml")]);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(report["command"], "lint");
    assert_eq!(report["summary"]["findings"]["exempted"], 1);
    let exempted = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["exempted"].is_object())
        .unwrap();
    assert_eq!(exempted["code"], "SS501");
    assert_eq!(exempted["rule"], "image-tag-pinned");
    assert_eq!(exempted["pointer"], "/spec/containers/0/image");
    assert_eq!(exempted["object"], "Pod/vendor/vendor-agent");
    assert_eq!(exempted["line"], 17);
    assert_eq!(exempted["column"], 14);
    assert_eq!(exempted["exempted"]["expires"], "2099-12-31");
    assert_eq!(run.code, 1);
}

#[test]
fn several_formats_at_once_write_sarif_with_rule_help() {
    let dir = tempfile::tempdir().unwrap();
    let sarif_path = dir.path().join("lint.sarif");
    let sarif_arg = format!("sarif={}", sarif_path.display());
    let run = shipshape(&[
        "lint",
        "--format",
        "text",
        "--format",
        &sarif_arg,
        &fixture("web.yaml"),
    ]);
    assert_eq!(run.code, 1);
    assert!(
        run.stdout
            .ends_with("2 findings: 1 error, 1 warning, 0 infos (0 exempted)\n")
    );
    let sarif: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&sarif_path).unwrap()).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let run0 = &sarif["runs"][0];
    let rules = run0["tool"]["driver"]["rules"].as_array().unwrap();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids, vec!["SS103", "SS501"]);
    assert!(rules[1].to_string().contains("## Fix"), "{}", rules[1]);
    let result = &run0["results"][1];
    assert_eq!(result["ruleId"], "SS501");
    let region = &result["locations"][0]["physicalLocation"]["region"];
    assert_eq!(region["startLine"], 20);
    assert_eq!(region["startColumn"], 18);
}

#[test]
fn github_annotations_point_at_the_line() {
    let run = shipshape(&[
        "lint",
        "--select",
        "image-tag-pinned",
        "--format",
        "github",
        &fixture("web.yaml"),
    ]);
    assert!(
        run.stdout
            .starts_with("::error file=tests/fixtures/policy/cli/web.yaml,line=20,col=18"),
        "{}",
        run.stdout
    );
    assert_eq!(run.code, 1);
}

#[test]
fn shipshape_yaml_in_the_current_folder_is_used_by_default() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("shipshape.yaml"),
        "policy:\n  default:\n    ignore: [read-only-root-fs]\n",
    )
    .unwrap();
    let manifest = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(fixture("web.yaml"));
    std::fs::copy(&manifest, dir.path().join("web.yaml")).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_shipshape"))
        .current_dir(dir.path())
        .args(["lint", "web.yaml"])
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(!stdout.contains("SS103"), "{stdout}");
    assert!(
        stdout.ends_with("1 finding: 1 error, 0 warnings, 0 infos (0 exempted)\n"),
        "{stdout}"
    );
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn explain_prints_the_rule_documentation() {
    let by_code = shipshape(&["explain", "SS101"]);
    assert_eq!(by_code.code, 0);
    assert!(by_code.stdout.starts_with("SS101 run-as-non-root (error; kubernetes, compose)\n\nContainers must not run as root.\n\n## What it checks\n"), "{}", by_code.stdout);
    for heading in ["## Why it matters", "## Example", "## Fix"] {
        assert!(by_code.stdout.contains(heading));
    }
    let by_name = shipshape(&["explain", "run-as-non-root"]);
    assert_eq!(by_name.stdout, by_code.stdout);
    let opt_in = shipshape(&["explain", "cpu-limits"]);
    assert!(
        opt_in
            .stdout
            .starts_with("SS304 cpu-limits (warning; kubernetes, compose; opt-in)\n")
    );
}

#[test]
fn explain_of_an_unknown_rule_suggests_the_nearest() {
    let run = shipshape(&["explain", "pdb-require"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "error: unknown rule `pdb-require` (did you mean `pdb-required`?): `shipshape rules` lists every code and name\n"
    );
}

#[test]
fn rules_lists_every_rule() {
    let run = shipshape(&["rules"]);
    assert_eq!(run.code, 0);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert!(lines[0].starts_with("CODE   NAME "), "{}", lines[0]);
    assert_eq!(lines.len(), 1 + shipshape::policy::registry::all().len());
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("SS101  run-as-non-root ")
                && l.contains("error")
                && l.contains("kubernetes, compose"))
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("SS304  cpu-limits ") && l.contains("opt-in"))
    );
}

#[test]
fn an_empty_folder_is_an_input_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().to_str().unwrap();
    let run = shipshape(&["lint", path]);
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr,
        format!(
            "warning: {path}: no .yaml, .yml or .json files in this folder\n\
             error: no documents in {path}: the input is empty (did the command feeding it \
             fail?); give files, or folders holding .yaml, .yml or .json files\n"
        )
    );
    assert_eq!(run.code, 2);
}
