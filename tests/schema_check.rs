//! `shipshape check` validates every rendered file in strict mode: an invalid render fails the
//! check at the environment's file, naming the rendered line (the golden copy is not accepted,
//! so no file of the workspace holds that line).

mod common;

use common::copy_dir;
use std::path::Path;
use std::process::Command;

#[test]
fn an_invalid_render_fails_check_at_its_line() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let ws = tempfile::tempdir().unwrap();
    for sub in ["environments", "templates", "golden"] {
        copy_dir(&repo.join(sub), &ws.path().join(sub));
    }
    // A template that writes the port's protocol under a misspelled key.
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
    let out = Command::new(env!("CARGO_BIN_EXE_shipshape"))
        .args(["check", "materi-api/production", "--workspace"])
        .arg(ws.path())
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    let finding = stdout
        .lines()
        .find(|l| l.starts_with("environments/") && l.contains("protocl"))
        .unwrap_or_else(|| panic!("no finding about `protocl`:\n{stdout}"));
    let rendered = "materi-api/production/kubernetes.yaml";
    let golden = std::fs::read_to_string(repo.join("golden").join(rendered)).unwrap();
    let (index, text) = golden
        .lines()
        .enumerate()
        .find(|(_, l)| l.trim_start().starts_with("protocol:"))
        .unwrap();
    let (line, col) = (index + 1, text.find("protocol").unwrap() + 1);
    assert_eq!(
        finding,
        format!(
            "environments/materi-api/production.yaml:1:1: error[schema/schema]: spec.ports[0].protocl: unknown field (rendered at line {line}, column {col} of {rendered}, whose golden copy is not accepted yet)"
        )
    );
    assert!(
        stdout.contains("  help: did you mean `protocol`?"),
        "{stdout}"
    );
    assert!(stdout.contains(", 1 invalid, "), "{stdout}");
}
