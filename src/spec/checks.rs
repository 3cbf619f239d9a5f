//! Checks the schema cannot express: no secret values in a spec, and the rules that tie one
//! field to another (a probe names a port that exists, a budget sets one bound, ...).

use serde_json::Value;

use super::model::Spec;
use crate::secrets::{Literal, literal_secret, secret_arguments};

type Report<'a> = dyn FnMut(&str, String, Option<String>) + 'a;

/// Refuses literal secrets in the places a spec holds free-form values.
pub fn check_values(value: &Value, report: &mut Report<'_>) {
    let mut maps: Vec<(String, &Value)> = Vec::new();
    if let Some(v) = value.pointer("/config/data") {
        maps.push(("/config/data".into(), v));
    }
    if let Some(v) = value.get("env") {
        maps.push(("/env".into(), v));
    }
    if let Some(deps) = value
        .pointer("/compose/dependencies")
        .and_then(Value::as_object)
    {
        for (name, dep) in deps {
            if let Some(env) = dep.get("environment") {
                let p = format!(
                    "/compose/dependencies/{}/environment",
                    crate::manifest::yaml::escape_token(name)
                );
                maps.push((p, env));
            }
        }
    }
    if let Some(components) = value.get("components").and_then(Value::as_object) {
        for (name, c) in components {
            let base = format!("/components/{}", crate::manifest::yaml::escape_token(name));
            if let Some(env) = c.get("env") {
                maps.push((format!("{base}/env"), env));
            }
            for group in ["sidecars", "initContainers"] {
                for (cname, container) in c
                    .get(group)
                    .and_then(Value::as_object)
                    .into_iter()
                    .flatten()
                {
                    if let Some(env) = container.get("env") {
                        let p = format!(
                            "{base}/{group}/{}/env",
                            crate::manifest::yaml::escape_token(cname)
                        );
                        maps.push((p, env));
                    }
                }
            }
        }
    }
    for (pointer, map) in maps {
        let Some(map) = map.as_object() else { continue };
        for (key, v) in map {
            let text = match v {
                Value::String(s) => s.as_str(),
                _ => continue,
            };
            let child = format!("{pointer}/{}", crate::manifest::yaml::escape_token(key));
            report_literal(&child, key, text, report);
        }
    }
    for pointer in super::extensions::data_pointers(value) {
        if let Some(data) = value.pointer(&pointer) {
            check_extension_values(data, &pointer, "extensions", report);
        }
    }
    check_commands_and_annotations(value, "", report);
}

/// Refuses literal secrets anywhere in extension data: every text, under the key that holds
/// it (a list item under its list's key).
fn check_extension_values(value: &Value, pointer: &str, key: &str, report: &mut Report<'_>) {
    match value {
        Value::String(text) => report_literal(pointer, key, text, report),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                check_extension_values(item, &format!("{pointer}/{i}"), key, report);
            }
        }
        Value::Object(map) => {
            for (k, v) in map {
                let child = format!("{pointer}/{}", crate::manifest::yaml::escape_token(k));
                check_extension_values(v, &child, k, report);
            }
        }
        _ => {}
    }
}

const SECRET_HELP: &str = "store it in a Secret (sealed, external or created by your platform) and reference it under `secrets:` with `keys:` or `envFrom: true`";

fn report_literal(pointer: &str, key: &str, text: &str, report: &mut Report<'_>) {
    match literal_secret(key, text) {
        Some(Literal::Name) => report(
            pointer,
            format!("`{key}` looks like a secret, and a spec holds no secret values"),
            Some(SECRET_HELP.into()),
        ),
        Some(Literal::Value(what)) => report(
            pointer,
            format!("`{key}` holds {what}, and a spec holds no secret values"),
            Some("move it to a Secret and reference it under `secrets:`".into()),
        ),
        None => {}
    }
}

/// Refuses literal secrets in command lines (`command`, `args`: `--password x`) and in
/// annotations, wherever the spec has them.
fn check_commands_and_annotations(value: &Value, pointer: &str, report: &mut Report<'_>) {
    let Value::Object(map) = value else {
        if let Value::Array(items) = value {
            for (i, item) in items.iter().enumerate() {
                check_commands_and_annotations(item, &format!("{pointer}/{i}"), report);
            }
        }
        return;
    };
    for (key, v) in map {
        let child = format!("{pointer}/{}", crate::manifest::yaml::escape_token(key));
        match v {
            Value::Array(items) if key == "command" || key == "args" => {
                let args: Vec<&str> = items.iter().filter_map(Value::as_str).collect();
                if args.len() != items.len() {
                    continue;
                }
                for (i, what) in secret_arguments(&args) {
                    report(
                        &format!("{child}/{i}"),
                        format!("`{key}` holds {what}, and a spec holds no secret values"),
                        Some("pass it from a Secret: an env var from `secrets:`, referenced as `$(NAME)`".into()),
                    );
                }
            }
            Value::Object(annotations) if key.ends_with("nnotations") => {
                for (name, text) in annotations {
                    if let Some(text) = text.as_str() {
                        let at = format!("{child}/{}", crate::manifest::yaml::escape_token(name));
                        report_literal(&at, name, text, report);
                    }
                }
            }
            _ => check_commands_and_annotations(v, &child, report),
        }
    }
}

/// Checks that tie fields together.
pub fn check_spec(spec: &Spec, report: &mut Report<'_>) {
    if spec.image.tag.is_none() && spec.image.digest.is_none() {
        report(
            "/image",
            "`image` has neither `tag` nor `digest`".into(),
            Some("pin the version: add `tag: 1.2.3` or `digest: sha256:...`".into()),
        );
    }
    let port_names: Vec<&str> = spec.ports.iter().map(|p| p.name.as_str()).collect();
    let replicated = spec.replicas > 1 || spec.autoscaling.is_some();
    if replicated && spec.targets.contains(&super::model::Target::Compose) {
        for (i, p) in spec.ports.iter().enumerate() {
            if let Some(host) = p.host_port {
                report(
                    &format!("/ports/{i}/hostPort"),
                    format!(
                        "the app runs {} replicas on Compose, and only one container can publish host port {host}",
                        spec.replicas
                    ),
                    Some(
                        "remove `hostPort` here (in this environment, `ports` is replaced as a whole) and publish the port from a proxy component in front, or run one replica"
                            .into(),
                    ),
                );
            }
        }
    }
    for (i, p) in spec.ports.iter().enumerate() {
        if spec.ports[..i].iter().any(|q| q.name == p.name) {
            report(
                &format!("/ports/{i}/name"),
                format!("port name `{}` is used twice", p.name),
                Some("give every port its own name".into()),
            );
        }
    }
    let names: Vec<String> = port_names.iter().map(|s| s.to_string()).collect();
    super::component_checks::check_probes("", &spec.probes, &names, "`ports`", report);
    if let Some(b) = &spec.disruption_budget {
        if b.min_available.is_some() == b.max_unavailable.is_some() {
            report(
                "/disruptionBudget",
                "`disruptionBudget` needs exactly one of `minAvailable` and `maxUnavailable`"
                    .into(),
                Some("set `minAvailable: 2` or `maxUnavailable: 1`".into()),
            );
        }
    }
    if let Some(a) = &spec.autoscaling {
        if a.min_replicas > a.max_replicas {
            report(
                "/autoscaling/minReplicas",
                format!(
                    "`autoscaling.minReplicas` ({}) is above `maxReplicas` ({})",
                    a.min_replicas, a.max_replicas
                ),
                None,
            );
        }
        if a.cpu.is_none() && a.memory.is_none() && a.pod_metrics.is_empty() {
            report(
                "/autoscaling",
                "`autoscaling` has no metric to scale on".into(),
                Some("set `cpu`, `memory` or `podMetrics`".into()),
            );
        }
    }
    if let Some(c) = &spec.rollout.canary {
        if c.flagger.is_some() == c.istio.is_some() {
            report(
                "/rollout/canary",
                "`rollout.canary` needs exactly one of `flagger` and `istio`".into(),
                None,
            );
        }
        if spec.rollout.blue_green.is_some() {
            report(
                "/rollout/blueGreen",
                "`rollout.blueGreen` and `rollout.canary` cannot both be set".into(),
                Some("pick one release strategy per environment".into()),
            );
        }
    }
    if let Some(ing) = &spec.ingress {
        if let Some(port) = &ing.port {
            if !spec.ports.iter().any(|p| &p.name == port && p.expose) {
                report(
                    "/ingress/port",
                    format!(
                        "`ingress.port` names `{port}`, which is not an exposed port in `ports`"
                    ),
                    Some(format!("use one of: {}", port_names.join(", "))),
                );
            }
        } else if !spec.ports.iter().any(|p| p.expose) {
            report(
                "/ingress",
                "`ingress` needs a Service port, and no port is exposed".into(),
                Some("add a port under `ports`".into()),
            );
        }
    }
    if let Some(sm) = &spec.service_monitor {
        if !spec.ports.iter().any(|p| p.name == sm.port && p.expose) {
            report(
                "/serviceMonitor/port",
                format!(
                    "`serviceMonitor.port` names `{}`, which is not an exposed port in `ports`",
                    sm.port
                ),
                Some(format!("use one of: {}", port_names.join(", "))),
            );
        }
    }
    if let (Some(l), Some(grace)) = (&spec.lifecycle, spec.termination_grace_period_seconds) {
        if l.pre_stop_sleep_seconds >= grace {
            report(
                "/terminationGracePeriodSeconds",
                format!(
                    "`terminationGracePeriodSeconds` ({grace}) does not cover the preStop sleep ({}s)",
                    l.pre_stop_sleep_seconds
                ),
                Some(
                    "make the grace period longer than the sleep plus the app's own shutdown time"
                        .into(),
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_about_secrets_are_not_secrets() {
        let value = serde_json::json!({"config": {"data": {
            "CORS_ALLOW_CREDENTIALS": "true",
            "TOKEN_TTL_SECONDS": "3600",
            "JWT_SECRET": "hunter2"
        }}});
        let mut hits = Vec::new();
        check_values(&value, &mut |pointer, _, _| hits.push(pointer.to_string()));
        assert_eq!(hits, ["/config/data/JWT_SECRET"]);
    }

    #[test]
    fn extension_data_holds_no_secrets() {
        let value = serde_json::json!({
            "extensions": {"alerting": {"webhookToken": "s3cr3t-value", "tokenTtl": "3600"}},
            "components": {"db": {"extensions": {"urls": ["postgres://app:hunter2@db/app"]}}}
        });
        let mut hits = Vec::new();
        check_values(&value, &mut |pointer, _, _| hits.push(pointer.to_string()));
        assert_eq!(
            hits,
            [
                "/extensions/alerting/webhookToken",
                "/components/db/extensions/urls/0"
            ]
        );
    }
}
