//! Black-box tests of `shipshape completions` and `shipshape man`: scripts and pages are
//! generated from the command line's definition and name every subcommand.

use std::process::{Command, Output};

mod common;
use common::shipshape;

const SUBCOMMANDS: [&str; 15] = [
    "init",
    "import",
    "render",
    "check",
    "golden",
    "templates",
    "explain-value",
    "validate",
    "schema",
    "lint",
    "explain",
    "rules",
    "diff",
    "completions",
    "man",
];

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).expect("stdout is UTF-8")
}

#[test]
fn bash_completions_name_every_subcommand() {
    let out = shipshape(&["completions", "bash"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stderr.is_empty());
    let script = stdout(&out);
    assert!(script.starts_with("_shipshape() {"), "{script}");
    assert!(script.contains("complete -F _shipshape"), "{script}");
    for sub in SUBCOMMANDS {
        assert!(script.contains(sub), "the script lacks {sub}");
    }
    assert!(script.contains("--ignore-missing-schemas"));
}

/// The bash script completes a subcommand from its prefix.
#[cfg(unix)]
#[test]
fn bash_completes_a_subcommand() {
    let script = stdout(&shipshape(&["completions", "bash"]));
    let out = Command::new("bash")
        .arg("-c")
        .arg(
            "eval \"$SCRIPT\"; COMP_WORDS=(shipshape vali); COMP_CWORD=1; \
             _shipshape shipshape vali shipshape; echo \"${COMPREPLY[*]}\"",
        )
        .env("SCRIPT", script)
        .output()
        .expect("bash runs");
    assert_eq!(String::from_utf8_lossy(&out.stdout), "validate\n");
}

#[test]
fn other_shells() {
    let zsh = stdout(&shipshape(&["completions", "zsh"]));
    assert!(zsh.starts_with("#compdef shipshape\n"), "{zsh}");
    let fish = stdout(&shipshape(&["completions", "fish"]));
    assert!(
        fish.contains("complete -c shipshape") && fish.contains("validate"),
        "{fish}"
    );
    for shell in ["elvish", "powershell"] {
        let out = shipshape(&["completions", shell]);
        assert_eq!(out.status.code(), Some(0), "{shell}");
        assert!(stdout(&out).contains("shipshape"), "{shell}");
    }
}

#[test]
fn an_unknown_shell_is_a_usage_error() {
    let out = shipshape(&["completions", "tcsh"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("invalid value 'tcsh'") && stderr.contains("bash"),
        "{stderr}"
    );
}

#[test]
fn the_manual_page_lists_subcommands_and_exit_codes() {
    let out = shipshape(&["man"]);
    assert_eq!(out.status.code(), Some(0));
    let page = stdout(&out);
    assert!(page.contains(".TH shipshape 1"), "{page}");
    assert!(page.contains(".SH SUBCOMMANDS"), "{page}");
    for sub in SUBCOMMANDS {
        assert!(
            page.contains(&format!("shipshape\\-{}(1)", sub.replace('-', "\\-"))),
            "the page lacks {sub}"
        );
    }
    assert!(page.contains("Exit codes: 0 clean; 1 findings"), "{page}");
}

#[test]
fn every_page_is_written_to_a_folder_deterministically() {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("man1");
    let out = shipshape(&["man", "--out", out_dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        format!("wrote 23 manual pages to {}\n", out_dir.display())
    );
    let mut names: Vec<String> = std::fs::read_dir(&out_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    let mut expected: Vec<String> = SUBCOMMANDS
        .iter()
        .map(|s| format!("shipshape-{s}.1"))
        .chain(
            [
                "shipshape.1",
                "shipshape-golden-accept.1",
                "shipshape-schema-import.1",
                "shipshape-schema-print.1",
                "shipshape-templates-context.1",
                "shipshape-templates-export.1",
                "shipshape-templates-list.1",
                "shipshape-templates-show.1",
            ]
            .map(String::from),
        )
        .collect();
    expected.sort();
    assert_eq!(names, expected);
    let validate = std::fs::read_to_string(out_dir.join("shipshape-validate.1")).unwrap();
    assert!(validate.contains(".TH shipshape-validate 1"), "{validate}");
    assert!(
        validate.contains("\\-\\-ignore\\-missing\\-schemas"),
        "{validate}"
    );

    let again = dir.path().join("again");
    shipshape(&["man", "--out", again.to_str().unwrap()]);
    for name in &names {
        assert_eq!(
            std::fs::read(out_dir.join(name)).unwrap(),
            std::fs::read(again.join(name)).unwrap(),
            "{name} differs between runs"
        );
    }
}
