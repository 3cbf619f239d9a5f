//! What a person reads: new golden files as one line each, the summary's two kinds of
//! "error" kept apart, exempted findings counted, an `app.yaml` mistake printed once, the same
//! `-f, --format` and `--workspace` in every command, kustomization files skipped with a note,
//! and what `golden accept` accepted.

mod common;

use std::path::Path;
use std::process::{Command, Output};

const SHOP_APP: &str = "\
namespace: shop
image: {repository: shop/web, tag: 1.4.0}
ports:
  - {name: http, containerPort: 8080}
";

fn shop(app: &str) -> tempfile::TempDir {
    common::workspace(&[
        ("environments/shop/app.yaml", app),
        ("environments/shop/production.yaml", "replicas: 3\n"),
        ("environments/shop/staging.yaml", "replicas: 2\n"),
    ])
}

fn run(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_shipshape"))
        .args(args)
        .current_dir(cwd)
        .env_remove("CI")
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn a_missing_golden_file_is_one_line_with_the_way_to_accept_it() {
    let ws = shop(SHOP_APP);
    let out = run(ws.path(), &["check"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stdout(&out);
    let drift: Vec<&str> = text.lines().filter(|l| l.starts_with("drift:")).collect();
    assert_eq!(
        drift,
        [
            "drift: golden/shop/production/kubernetes.yaml: golden file missing (a new file); accept it with `shipshape golden accept shop/production`",
            "drift: golden/shop/staging/kubernetes.yaml: golden file missing (a new file); accept it with `shipshape golden accept shop/staging`",
        ]
    );
    // No object of the new files is printed as added.
    assert!(!text.contains("added"), "{text}");
    assert!(!text.contains("kind: Deployment"), "{text}");
    assert!(
        text.ends_with(
            "checked 2 environments (2 files): 0 with errors, 2 drifted files\n\
             review the changes, then accept them with `shipshape golden accept`\n"
        ),
        "{text}"
    );
}

#[test]
fn the_resource_line_says_not_checked_and_errors_are_findings() {
    let dir = common::workspace(&[("x.yaml", "kind: ConfigMap\nmetadata: {name: x}\n")]);
    let out = run(dir.path(), &["validate", "x.yaml"]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(
        text.ends_with(
            "1 resource: 0 valid, 0 invalid, 1 not checked, 0 skipped\n\
             1 finding: 1 error, 0 warnings, 0 infos (0 exempted)\n"
        ),
        "{text}"
    );
}

#[test]
fn an_app_yaml_mistake_is_printed_once() {
    let ws = shop(&SHOP_APP.replace("image:", "imagee:"));
    let expected = "\
error: environments shop/production, shop/staging have 1 error in common:
environments/shop/app.yaml:2:1: unknown key `imagee` in the spec
  help: did you mean `image`?

";
    let out = run(ws.path(), &["check"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stderr(&out), expected);
    assert_eq!(
        stdout(&out),
        "0 findings: 0 errors, 0 warnings, 0 infos (0 exempted)\n\
         checked 2 environments (0 files): 2 with errors, 0 drifted files\n"
    );

    let out = run(ws.path(), &["golden", "accept"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        format!("{expected}error: nothing written: fix the errors above first\n")
    );

    let out = run(ws.path(), &["render"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "error: environments shop/production, shop/staging have 1 error in common:
environments/shop/app.yaml:2:1: unknown key `imagee` in the spec
  help: did you mean `image`?
error: 2 of 2 environments failed to render; nothing was written
"
    );
}

#[test]
fn an_error_of_one_environment_names_only_it() {
    let ws = common::workspace(&[
        ("environments/shop/app.yaml", SHOP_APP),
        ("environments/shop/production.yaml", "replicas: 3\n"),
        ("environments/shop/staging.yaml", "replicass: 2\n"),
    ]);
    let out = run(ws.path(), &["check"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "error: environment shop/staging has 1 error:
environments/shop/staging.yaml:1:1: unknown key `replicass` in the spec
  help: did you mean `replicas`?

"
    );
}

const EXEMPTED: &str = "\
apiVersion: v1
kind: Pod
metadata:
  name: agent
  annotations:
    shipshape.dev/allow: 'image-tag-pinned: the vendor only publishes latest'
spec:
  securityContext: {runAsNonRoot: true}
  containers:
    - name: agent
      image: vendor/agent:latest
";

#[test]
fn exempted_findings_are_a_count_unless_verbose() {
    let dir = common::workspace(&[("pod.yaml", EXEMPTED)]);
    let args = ["lint", "--select", "image-tag-pinned", "pod.yaml"];
    let out = run(dir.path(), &args);
    assert_eq!(
        stdout(&out),
        "exempted: 1 finding (list it with --verbose)\n\n\
         1 finding: 0 errors, 0 warnings, 0 infos (1 exempted)\n"
    );
    assert_eq!(out.status.code(), Some(0));
    let out = run(dir.path(), &[&args[..], &["--verbose"]].concat());
    assert_eq!(
        stdout(&out),
        "exempted (1):\n\
         pod.yaml:11:14: error[SS501/image-tag-pinned]: image `vendor/agent:latest` uses the `latest` tag (container `agent`)\n  \
         exempted: the vendor only publishes latest [annotation shipshape.dev/allow at pod.yaml:6:5]\n\n\
         1 finding: 0 errors, 0 warnings, 0 infos (1 exempted)\n"
    );
}

#[test]
fn dash_f_and_format_are_the_same_in_every_command() {
    let ws = shop(SHOP_APP);
    let dir = ws.path();
    std::fs::write(
        dir.join("cm.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n",
    )
    .unwrap();
    for args in [
        &["validate", "cm.yaml"][..],
        &["lint", "cm.yaml"],
        &["check"],
    ] {
        let long = run(dir, &[args, &["--format", "json"]].concat());
        let short = run(dir, &[args, &["-f", "json"]].concat());
        assert!(
            stdout(&long).starts_with("{\n  \"version\": 1,"),
            "{args:?}: {}",
            stdout(&long)
        );
        assert_eq!(stdout(&long), stdout(&short), "{args:?}");
        assert_eq!(long.status.code(), short.status.code(), "{args:?}");
    }
    // The older spellings keep working.
    let o = run(dir, &["validate", "-o", "json", "cm.yaml"]);
    let f = run(dir, &["validate", "-f", "json", "cm.yaml"]);
    assert_eq!(stdout(&o), stdout(&f));
    let diff_f = run(dir, &["diff", "-f", "json", "cm.yaml", "cm.yaml"]);
    let diff_format = run(dir, &["diff", "--format", "json", "cm.yaml", "cm.yaml"]);
    assert_eq!(diff_f.status.code(), Some(0), "{}", stderr(&diff_f));
    assert_eq!(stdout(&diff_f), stdout(&diff_format));
}

const WIDGET_CRD: &str = "\
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  names: {kind: Widget, plural: widgets}
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              required: [size]
              properties:
                size: {type: integer, minimum: 1}
";

#[test]
fn validate_and_lint_take_the_workspace_folder() {
    let ws = common::workspace(&[
        ("schemas/crds/widget.yaml", WIDGET_CRD),
        (
            "shipshape.yaml",
            "policy:\n  default:\n    select: [image-tag-pinned]\n",
        ),
    ]);
    let elsewhere = common::workspace(&[
        (
            "widget.yaml",
            "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec: {size: 0}\n",
        ),
        ("pod.yaml", EXEMPTED),
    ]);
    let root = ws.path().to_str().unwrap();
    // Without the workspace, the Widget has no schema.
    let out = run(elsewhere.path(), &["validate", "widget.yaml"]);
    assert!(stdout(&out).contains("1 not checked"), "{}", stdout(&out));
    let out = run(
        elsewhere.path(),
        &["validate", "--workspace", root, "widget.yaml"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stdout(&out),
        "widget.yaml:4:14: error[schema/schema]: spec.size: 0 is less than the minimum of 1\n  \
         4 | spec: {size: 0}\n    |              ^\n\n\
         widget.yaml:1:1: Widget/w: invalid\n\n\
         1 resource: 0 valid, 1 invalid, 0 not checked, 0 skipped\n\
         1 finding: 1 error, 0 warnings, 0 infos (0 exempted)\n"
    );
    // The workspace's shipshape.yaml runs image-tag-pinned only.
    let out = run(elsewhere.path(), &["lint", "pod.yaml"]);
    assert!(stdout(&out).contains("SS102"), "{}", stdout(&out));
    let out = run(elsewhere.path(), &["lint", "--workspace", root, "pod.yaml"]);
    assert_eq!(
        stdout(&out),
        "exempted: 1 finding (list it with --verbose)\n\n\
         1 finding: 0 errors, 0 warnings, 0 infos (1 exempted)\n"
    );
}

#[test]
fn kustomization_files_in_folders_are_skipped_with_a_note() {
    let dir = common::workspace(&[
        ("k/kustomization.yaml", "resources: [cm.yaml]\n"),
        ("k/overlay/kustomization.yml", "resources: [../]\n"),
        (
            "k/cm.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n",
        ),
    ]);
    let note = "note: skipped 2 kustomize configuration files (not manifests; check what kustomize builds with `kustomize build DIR | shipshape validate -`): k/kustomization.yaml, k/overlay/kustomization.yml\n";
    let out = run(dir.path(), &["validate", "k"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert_eq!(stderr(&out), note);
    assert_eq!(
        stdout(&out),
        "1 resource: 1 valid, 0 invalid, 0 not checked, 0 skipped\n"
    );
    let out = run(dir.path(), &["lint", "--select", "SS001", "k"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert_eq!(stderr(&out), note);
    // Named on the command line, the file is read as given.
    let out = run(dir.path(), &["validate", "k/kustomization.yaml"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stderr(&out), "");
}

#[test]
fn golden_accept_says_what_the_accepted_output_carries() {
    let ws = shop(SHOP_APP);
    let out = run(ws.path(), &["golden", "accept"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    let check = run(ws.path(), &["check"]);
    let summary = stdout(&check);
    let last = text.lines().last().unwrap();
    // The count matches what `check` reports on the accepted output.
    let findings_line = summary
        .lines()
        .find(|l| l.contains(" findings: ") || l.contains(" finding: "))
        .unwrap();
    let open: usize = findings_line.split(' ').next().unwrap().parse().unwrap();
    assert!(open > 0, "{summary}");
    assert_eq!(
        last,
        format!(
            "the accepted output carries {open} findings ({}); `shipshape check` fails on them: see them with `shipshape check`",
            findings_line
                .split_once(": ")
                .unwrap()
                .1
                .split(" (")
                .next()
                .unwrap()
        ),
        "{text}\n{summary}"
    );
    assert_eq!(check.status.code(), Some(1));

    let repo = common::repo_workspace_copy();
    let out = run(repo.path(), &["golden", "accept"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).ends_with(
            "0 golden file(s) updated, 26 unchanged\n\
             the accepted output carries 2 findings (0 errors, 2 warnings, 0 infos) and 2 exempted; see them with `shipshape check`\n"
        ),
        "{}",
        stdout(&out)
    );
}
