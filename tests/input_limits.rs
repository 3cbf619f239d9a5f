//! No input can crash, hang or exhaust the machine: alias bombs, deep nesting, endless
//! inputs and FIFOs are errors with a location, never an abort or a hang.

mod common;

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

/// Runs shipshape in `dir` and fails the test if it takes more than a minute.
fn run_in(dir: &Path, args: &[&str]) -> Output {
    let child = Command::new(env!("CARGO_BIN_EXE_shipshape"))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let id = child.id();
    let (done, finished) = std::sync::mpsc::channel();
    std::thread::spawn(move || done.send(child.wait_with_output().unwrap()));
    match finished.recv_timeout(Duration::from_secs(60)) {
        Ok(output) => output,
        Err(_) => {
            let _ = Command::new("kill").arg(id.to_string()).status();
            panic!("shipshape {args:?} did not finish in a minute");
        }
    }
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn bomb() -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/yaml/alias-bomb.yaml"),
    )
    .unwrap()
}

fn write(dir: &Path, path: &str, text: &str) {
    let p = dir.join(path);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

#[test]
fn an_alias_bomb_in_a_manifest_is_an_error_at_its_line() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "bomb.yaml", &bomb());
    for command in ["validate", "lint"] {
        let o = run_in(dir.path(), &[command, "bomb.yaml"]);
        assert!(matches!(o.status.code(), Some(1 | 2)), "{}", text(&o));
        assert!(text(&o).contains("bomb.yaml:11:"), "{}", text(&o));
        assert!(text(&o).contains("excessive aliasing"), "{}", text(&o));
    }
}

#[test]
fn an_alias_bomb_in_a_spec_is_an_error_at_its_line() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "environments/shop/app.yaml",
        "namespace: shop\nimage:\n  repository: shop/web\n  tag: 1.4.0\n",
    );
    let spec = bomb().replace(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bomb\ndata:\n",
        "config:\n",
    );
    write(dir.path(), "environments/shop/production.yaml", &spec);
    let o = run_in(dir.path(), &["render", "shop/production"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        text(&o).contains("environments/shop/production.yaml:7:"),
        "{}",
        text(&o)
    );
    assert!(text(&o).contains("excessive aliasing"), "{}", text(&o));
}

#[test]
fn an_alias_bomb_in_the_config_file_is_an_error_at_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let config = bomb().replace(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bomb\ndata:\n",
        "x-anchors:\n",
    );
    write(dir.path(), "shipshape.yaml", &config);
    write(
        dir.path(),
        "ok.yaml",
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n",
    );
    let o = run_in(dir.path(), &["lint", "ok.yaml"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("shipshape.yaml:7:"), "{}", text(&o));
    assert!(text(&o).contains("excessive aliasing"), "{}", text(&o));
}

#[test]
fn nesting_100000_deep_is_an_error_in_validate_lint_and_diff() {
    let dir = tempfile::tempdir().unwrap();
    let deep = format!("a: {}{}\n", "[".repeat(100_000), "]".repeat(100_000));
    write(dir.path(), "deep.yaml", &deep);
    let block: String = (0..2_000)
        .map(|i| format!("{}k:\n", " ".repeat(i)))
        .collect();
    write(dir.path(), "block.yaml", &block);
    for file in ["deep.yaml", "block.yaml"] {
        for args in [
            vec!["validate", file],
            vec!["lint", file],
            vec!["diff", file, file],
        ] {
            let o = run_in(dir.path(), &args);
            assert!(
                matches!(o.status.code(), Some(1 | 2)),
                "{args:?}: {}",
                text(&o)
            );
            assert!(
                text(&o).contains(&format!("{file}:")),
                "{args:?}: {}",
                text(&o)
            );
            assert!(
                text(&o).contains("nested more than 128 levels"),
                "{args:?}: {}",
                text(&o)
            );
        }
    }
}

#[cfg(unix)]
#[test]
fn a_fifo_inside_a_folder_is_refused_not_waited_on() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "manifests/ok.yaml",
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n",
    );
    let fifo = dir.path().join("manifests/pipe.yaml");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    for args in [
        vec!["validate", "manifests"],
        vec!["lint", "manifests"],
        vec!["diff", "manifests", "manifests"],
    ] {
        let o = run_in(dir.path(), &args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", text(&o));
        assert!(
            text(&o).contains("pipe.yaml is not a regular file"),
            "{args:?}: {}",
            text(&o)
        );
    }
}

#[cfg(unix)]
#[test]
fn dev_zero_as_input_is_refused_at_the_size_limit() {
    let dir = tempfile::tempdir().unwrap();
    for command in ["validate", "lint"] {
        let o = run_in(dir.path(), &[command, "/dev/zero"]);
        assert!(matches!(o.status.code(), Some(1 | 2)), "{}", text(&o));
        assert!(text(&o).contains("larger than 64 MiB"), "{}", text(&o));
    }
}

#[test]
fn a_template_that_runs_for_ever_stops_at_its_instruction_budget() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "environments/shop/app.yaml",
        "namespace: shop\nimage:\n  repository: shop/web\n  tag: 1.4.0\n",
    );
    write(
        dir.path(),
        "environments/shop/production.yaml",
        "replicas: 2\n",
    );
    write(
        dir.path(),
        "templates/kubernetes/10-namespace.yaml.j2",
        "# endless\n{% for i in range(100000) %}{% for j in range(100000) %}{{ i }}{% endfor %}{% endfor %}\n",
    );
    let o = run_in(dir.path(), &["render", "shop/production"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("10-namespace.yaml.j2"), "{}", text(&o));
    assert!(text(&o).contains("fuel"), "{}", text(&o));
}

/// A workspace with app `shop` (its `app.yaml` complete) and a `production` environment.
fn shop(dir: &Path) {
    write(
        dir,
        "environments/shop/app.yaml",
        "namespace: shop\nimage:\n  repository: shop/web\n  tag: 1.4.0\n",
    );
    write(dir, "environments/shop/production.yaml", "replicas: 2\n");
}

#[cfg(unix)]
#[test]
fn a_spec_file_that_is_a_fifo_is_refused_not_waited_on() {
    for name in ["production.yaml", "app.yaml"] {
        let dir = tempfile::tempdir().unwrap();
        shop(dir.path());
        let fifo = dir.path().join("environments/shop").join(name);
        std::fs::remove_file(&fifo).unwrap();
        assert!(
            Command::new("mkfifo")
                .arg(&fifo)
                .status()
                .unwrap()
                .success()
        );
        for args in [vec!["render", "shop/production"], vec!["check"]] {
            let o = run_in(dir.path(), &args);
            assert_eq!(o.status.code(), Some(2), "{name} {args:?}: {}", text(&o));
            assert!(
                text(&o).contains(&format!(
                    "environments/shop/{name}:1:1: cannot read the file: is not a regular file (a FIFO, socket or device)"
                )),
                "{name} {args:?}: {}",
                text(&o)
            );
        }
    }
}

#[test]
fn a_spec_file_larger_than_64_mib_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    shop(dir.path());
    // A sparse file: 65 MiB long, next to nothing on disk.
    let file = std::fs::File::create(dir.path().join("environments/shop/production.yaml")).unwrap();
    file.set_len(65 << 20).unwrap();
    let o = run_in(dir.path(), &["render", "shop/production"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        text(&o).contains("environments/shop/production.yaml:1:1: cannot read the file: the file is larger than 64 MiB"),
        "{}",
        text(&o)
    );
}

#[cfg(unix)]
#[test]
fn a_config_file_that_is_a_fifo_is_refused_not_waited_on() {
    let dir = tempfile::tempdir().unwrap();
    shop(dir.path());
    write(
        dir.path(),
        "ok.yaml",
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n",
    );
    let fifo = dir.path().join("shipshape.yaml");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    for args in [vec!["lint", "ok.yaml"], vec!["check"]] {
        let o = run_in(dir.path(), &args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", text(&o));
        assert!(
            text(&o)
                .contains("shipshape.yaml:1:1: is not a regular file (a FIFO, socket or device)"),
            "{args:?}: {}",
            text(&o)
        );
    }
}

#[test]
fn a_template_whose_output_passes_64_mib_stops_at_the_line_that_writes_it() {
    // 100,000 lines of 1,000 characters: 100 MB, well within the instruction budget; the
    // first template prints a value, the second writes template text.
    let templates = [
        "# huge\n{% for i in range(100000) %}\n- {{ \"x\" * 1000 }}\n{% endfor %}\n".to_string(),
        format!(
            "# huge\n{{% for i in range(100000) %}}\n- {}\n{{% endfor %}}\n",
            "y".repeat(1000)
        ),
    ];
    for template in templates {
        let dir = tempfile::tempdir().unwrap();
        shop(dir.path());
        write(
            dir.path(),
            "templates/kubernetes/10-namespace.yaml.j2",
            &template,
        );
        let started = std::time::Instant::now();
        let o = run_in(dir.path(), &["render", "shop/production"]);
        assert_eq!(o.status.code(), Some(2), "{}", text(&o));
        assert!(
            text(&o).contains("template kubernetes/10-namespace.yaml.j2 line 3: "),
            "{}",
            text(&o)
        );
        assert!(
            text(&o)
                .contains("the template's output passed 64 MiB, the most one template may produce"),
            "{}",
            text(&o)
        );
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "{:?}",
            started.elapsed()
        );
    }
}
