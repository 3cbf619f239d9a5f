//! `shipshape lint` on the seed manifests (`tests/fixtures/seed-manifests`, the YAML blocks of
//! the five seed documents): the findings the seeds are known for, at their lines, and none
//! where a seed is right.

use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;

fn seeds() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/seed-manifests");
    assert!(
        dir.join("janua-api/03-deployment.yaml").is_file(),
        "the seed manifests are missing at {}",
        dir.display()
    );
    dir
}

/// A finding as `(code name, file, line, col)`, the file relative to the seed folder.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Hit {
    rule: String,
    file: String,
    line: u64,
    col: u64,
    message: String,
}

fn lint(app: &str) -> (Vec<Hit>, i32) {
    let out = Command::new(env!("CARGO_BIN_EXE_shipshape"))
        .current_dir(seeds())
        .args(["lint", "--format", "json", app])
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let hits = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| Hit {
            rule: f["rule"].as_str().unwrap().to_string(),
            file: f["file"].as_str().unwrap().to_string(),
            line: f["line"].as_u64().unwrap(),
            col: f["column"].as_u64().unwrap(),
            message: f["message"].as_str().unwrap().to_string(),
        })
        .collect();
    (hits, out.status.code().unwrap())
}

fn find<'h>(hits: &'h [Hit], rule: &str, file: &str) -> Vec<&'h Hit> {
    hits.iter()
        .filter(|h| h.rule == rule && h.file == file)
        .collect()
}

#[test]
fn janua_latest_image_is_flagged_at_its_line() {
    let (hits, code) = lint("janua-api");
    assert_eq!(code, 1);
    let found = find(&hits, "image-tag-pinned", "janua-api/03-deployment.yaml");
    assert_eq!(found.len(), 1, "{hits:#?}");
    assert_eq!((found[0].line, found[0].col), (20, 16));
    assert_eq!(
        found[0].message,
        "image `janua/api:latest` uses the `latest` tag (container `api`)"
    );
}

#[test]
fn janua_three_replicas_without_a_pdb() {
    let (hits, _) = lint("janua-api");
    let found = find(&hits, "pdb-required", "janua-api/03-deployment.yaml");
    assert_eq!(found.len(), 1, "{hits:#?}");
    assert_eq!((found[0].line, found[0].col), (9, 13));
    assert_eq!(
        found[0].message,
        "Deployment/janua-api runs 3 replicas but no PodDisruptionBudget selects its pods"
    );
}

#[test]
fn janua_development_compose_runs_as_root_with_a_writable_root_filesystem() {
    let (hits, _) = lint("janua-api");
    let file = "janua-api/02-docker-compose.yml";
    for rule in ["run-as-non-root", "read-only-root-fs"] {
        let on_api: Vec<_> = find(&hits, rule, file)
            .into_iter()
            .filter(|h| h.line == 5)
            .collect();
        assert_eq!(on_api.len(), 1, "{rule}: {hits:#?}");
        assert_eq!(on_api[0].col, 3);
    }
    // The development database password and the URL that embeds it are plaintext secrets.
    let secrets: Vec<_> = find(&hits, "plaintext-secret", file)
        .iter()
        .map(|h| h.line)
        .collect();
    assert_eq!(secrets, vec![10, 25]);
    // The Helm values file is neither a Kubernetes object nor a Compose file: no findings.
    assert!(
        hits.iter()
            .all(|h| h.file != "janua-api/06-helm-values.yaml")
    );
}

#[test]
fn kinoshita_deployment_without_security_context_and_plaintext_secret() {
    let (hits, code) = lint("kinoshita-user-service");
    assert_eq!(code, 1);
    let root = find(
        &hits,
        "run-as-non-root",
        "kinoshita-user-service/03-deployment.yaml",
    );
    assert_eq!(root.len(), 1, "{hits:#?}");
    assert_eq!((root[0].line, root[0].col), (32, 9));
    let secret = find(
        &hits,
        "plaintext-secret",
        "kinoshita-user-service/02-secret.yaml",
    );
    assert_eq!(secret.len(), 1, "{hits:#?}");
    assert_eq!((secret[0].line, secret[0].col), (8, 1));
    // The message names the keys and never a value.
    assert!(secret[0].message.contains("JWT_SECRET"));
    assert!(
        hits.iter()
            .all(|h| !h.message.contains("super-secret-jwt-key")
                && !h.message.contains("redis-password"))
    );
    // Its references resolve: the ConfigMap, Secret, Service and HPA target are all there.
    for rule in [
        "config-refs-exist",
        "service-selects-pods",
        "ingress-backend-exists",
        "hpa-target-exists",
    ] {
        assert!(hits.iter().all(|h| h.rule != rule), "{rule}: {hits:#?}");
    }
}

#[test]
fn materi_deployment_gets_none_of_the_named_findings() {
    let (hits, _) = lint("materi-api");
    let deployment: Vec<_> = hits
        .iter()
        .filter(|h| h.file == "materi-api/02-deployment.yaml")
        .collect();
    for rule in [
        "run-as-non-root",
        "liveness-probe",
        "readiness-probe",
        "probe-port-exists",
        "memory-limits",
        "memory-requests",
        "cpu-requests",
        "requests-within-limits",
        "pdb-required",
        "anti-affinity-or-spread",
        "read-only-root-fs",
        "drop-all-capabilities",
        "no-privilege-escalation",
    ] {
        assert!(
            deployment.iter().all(|h| h.rule != rule),
            "{rule}: {deployment:#?}"
        );
    }
    for rule in [
        "pdb-allows-eviction",
        "pdb-selects-pods",
        "servicemonitor-selects-service",
        "config-refs-exist",
        "service-selects-pods",
        "ingress-backend-exists",
        "hpa-target-exists",
    ] {
        assert!(hits.iter().all(|h| h.rule != rule), "{rule}: {hits:#?}");
    }
}

#[test]
fn deepersensor_override_fragments_only_answer_for_what_they_set() {
    let (hits, _) = lint("deepersensor-api");
    // The hardened production override sets user-less security options on a fragment: quiet.
    assert!(
        hits.iter()
            .all(|h| h.file != "deepersensor-api/00-docker-compose.prod.yml"),
        "{hits:#?}"
    );
    assert!(
        hits.iter()
            .all(|h| h.file != "deepersensor-api/04-docker-compose.resources.yml"),
        "{hits:#?}"
    );
    let latest: Vec<_> = find(
        &hits,
        "image-tag-pinned",
        "deepersensor-api/02-docker-compose.monitoring.yml",
    )
    .iter()
    .map(|h| (h.line, h.col))
    .collect();
    assert_eq!(latest, vec![(4, 12), (9, 12)]);
}

#[test]
fn the_whole_seed_folder_lints_in_one_call_deterministically() {
    let (first, code) = lint(".");
    assert_eq!(code, 1);
    let (second, _) = lint(".");
    assert_eq!(first, second);
    let mut sorted = first.clone();
    sorted.sort_by(|a, b| (&a.file, a.line, a.col).cmp(&(&b.file, b.line, b.col)));
    let order: Vec<_> = first.iter().map(|h| (&h.file, h.line, h.col)).collect();
    let expected: Vec<_> = sorted.iter().map(|h| (&h.file, h.line, h.col)).collect();
    assert_eq!(order, expected);
}
