//! Checks on components that the schema cannot express: names, cross-references between a
//! pod's containers, volumes, ports and Services, and what each workload kind needs.

use std::collections::BTreeSet;

use super::model::{Probes, Spec, Target};
use super::pod::{EnvValue, Volume, VolumeMount};
use super::types::IntOrString;
use super::workload::{Component, WorkloadKind};
use crate::manifest::yaml::escape_token;

type Report<'a> = dyn FnMut(&str, String, Option<String>) + 'a;

/// Whether a name is a DNS label: what Kubernetes allows as an object or container name.
pub fn is_dns_label(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 63
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !name.starts_with('-')
        && !name.ends_with('-')
}

fn did_you_mean(name: &str, candidates: &[String]) -> String {
    match super::suggest::closest(name, candidates) {
        Some(s) => format!("did you mean `{s}`?"),
        None if candidates.is_empty() => "declare it first".to_string(),
        None => format!("use one of: {}", candidates.join(", ")),
    }
}

/// Checks every component of a spec.
pub fn check_components(spec: &Spec, app_name: &str, report: &mut Report<'_>) {
    let keys: Vec<String> = spec.components.keys().cloned().collect();
    let compose_services: Vec<String> = spec
        .components
        .iter()
        .filter(|(_, c)| renders(spec, c, Target::Compose))
        .map(|(k, _)| k.clone())
        .chain(
            spec.targets
                .contains(&Target::Compose)
                .then(|| app_name.to_string()),
        )
        .collect();
    for (i, dep) in spec
        .compose
        .as_ref()
        .map(|c| c.depends_on.as_slice())
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        if !compose_services.contains(dep) || dep == app_name {
            report(
                &format!("/compose/dependsOn/{i}"),
                format!(
                    "`compose.dependsOn` names `{dep}`, which is not a Compose component of this app"
                ),
                Some(did_you_mean(dep, &keys)),
            );
        }
    }
    for (key, c) in &spec.components {
        let at = format!("/components/{}", escape_token(key));
        if !is_dns_label(key) {
            report(
                &at,
                format!("component name `{key}` is not a DNS label"),
                Some(
                    "use at most 63 lowercase letters, digits and `-`, starting and ending with a letter or digit"
                        .into(),
                ),
            );
            continue;
        }
        if key == app_name {
            report(
                &at,
                format!(
                    "component `{key}` has the app's own name, so its objects would replace the app's"
                ),
                Some("give the component a name of its own, such as `worker` or `db`".into()),
            );
        }
        check_component(spec, key, c, &at, &compose_services, report);
    }
}

/// Whether a component renders for a target.
pub fn renders(spec: &Spec, c: &Component, target: Target) -> bool {
    match &c.targets {
        Some(t) => t.contains(&target),
        None => spec.targets.contains(&target),
    }
}

fn check_component(
    spec: &Spec,
    key: &str,
    c: &Component,
    at: &str,
    compose_services: &[String],
    report: &mut Report<'_>,
) {
    if c.image.tag.is_none() && c.image.digest.is_none() {
        report(
            &format!("{at}/image"),
            "`image` has neither `tag` nor `digest`".into(),
            Some("pin the version: add `tag: 1.2.3` or `digest: sha256:...`".into()),
        );
    }

    // Containers: unique names, each port name declared once per pod.
    let main_name = c.container_name.clone().unwrap_or_else(|| key.to_string());
    let mut names: Vec<(String, String)> = vec![(main_name, at.to_string())];
    for (group, map) in [
        ("sidecars", &c.sidecars),
        ("initContainers", &c.init_containers),
    ] {
        for name in map.keys() {
            let p = format!("{at}/{group}/{}", escape_token(name));
            if !is_dns_label(name) {
                report(
                    &p,
                    format!("container name `{name}` is not a DNS label"),
                    Some("use lowercase letters, digits and `-` (at most 63)".into()),
                );
            }
            if let Some((_, first)) = names.iter().find(|(n, _)| n == name) {
                report(
                    &p,
                    format!("two containers of component `{key}` are named `{name}`"),
                    Some(format!(
                        "container names are unique within a pod; the other one is at {}",
                        super::load::key_path(first)
                    )),
                );
            }
            names.push((name.clone(), p));
        }
    }
    let mut port_names: Vec<String> = Vec::new();
    let mut all_ports = vec![(at.to_string(), &c.ports)];
    for (name, s) in &c.sidecars {
        all_ports.push((format!("{at}/sidecars/{}", escape_token(name)), &s.ports));
    }
    for (base, ports) in &all_ports {
        for (i, p) in ports.iter().enumerate() {
            if port_names.contains(&p.name) {
                report(
                    &format!("{base}/ports/{i}/name"),
                    format!("port name `{}` is used twice in component `{key}`", p.name),
                    Some("give every port of a pod its own name".into()),
                );
            }
            port_names.push(p.name.clone());
        }
    }

    // Volumes and mounts.
    let mut volume_names: Vec<String> = c.volumes.keys().cloned().collect();
    volume_names.extend(c.storage.keys().cloned());
    volume_names.extend(
        c.security_context
            .writable_paths
            .iter()
            .map(|w| w.name.clone()),
    );
    for (name, v) in &c.volumes {
        check_volume(
            &format!("{at}/volumes/{}", escape_token(name)),
            name,
            v,
            report,
        );
        if c.storage.contains_key(name) {
            report(
                &format!("{at}/volumes/{}", escape_token(name)),
                format!("`{name}` is both a volume and a storage claim"),
                Some("rename one of them".into()),
            );
        }
    }
    check_mounts(
        &format!("{at}/volumeMounts"),
        &c.volume_mounts,
        &volume_names,
        report,
    );
    for (group, map) in [
        ("sidecars", &c.sidecars),
        ("initContainers", &c.init_containers),
    ] {
        for (name, s) in map {
            let base = format!("{at}/{group}/{}", escape_token(name));
            check_mounts(
                &format!("{base}/volumeMounts"),
                &s.volume_mounts,
                &volume_names,
                report,
            );
            check_env(&format!("{base}/env"), &s.env, report);
            check_probes(
                &base,
                &s.probes,
                &s.ports.iter().map(|p| p.name.clone()).collect::<Vec<_>>(),
                "this container's `ports`",
                report,
            );
            if group == "initContainers"
                && (s.probes.liveness.is_some()
                    || s.probes.readiness.is_some()
                    || s.probes.startup.is_some())
            {
                report(
                    &format!("{base}/probes"),
                    format!("init container `{name}` runs to completion and takes no probes"),
                    Some("remove `probes`, or make it a sidecar".into()),
                );
            }
            if s.image.tag.is_none() && s.image.digest.is_none() {
                report(
                    &format!("{base}/image"),
                    "`image` has neither `tag` nor `digest`".into(),
                    Some("pin the version: add `tag: 1.2.3` or `digest: sha256:...`".into()),
                );
            }
        }
    }
    check_env(&format!("{at}/env"), &c.env, report);
    for (i, e) in c.env_from.iter().enumerate() {
        if e.config_map.is_some() == e.secret.is_some() {
            report(
                &format!("{at}/envFrom/{i}"),
                "an `envFrom` entry needs exactly one of `configMap` and `secret`".into(),
                None,
            );
        }
    }
    let main_ports: Vec<String> = c.ports.iter().map(|p| p.name.clone()).collect();
    check_probes(
        at,
        &c.probes,
        &main_ports,
        "this container's `ports`",
        report,
    );

    // What each kind needs.
    let kind = c.kind;
    if kind == WorkloadKind::StatefulSet {
        if c.storage.is_empty() {
            report(
                at,
                format!("StatefulSet `{key}` has no `storage`"),
                Some("add `storage: {data: {size: 10Gi, mountPath: /var/lib/data}}`, or make it a Deployment (`kind: Deployment`) if it keeps no state".into()),
            );
        }
        if c.ports.is_empty() && c.services.as_ref().is_none_or(|s| s.is_empty()) {
            report(
                at,
                format!(
                    "StatefulSet `{key}` has no Service: its pods get their stable names from one"
                ),
                Some("declare the port it listens on under `ports`".into()),
            );
        }
    } else if !c.storage.is_empty() {
        report(
            &format!("{at}/storage"),
            format!("`storage` is for StatefulSets, and `{key}` is a {}", kind.as_str()),
            Some("set `kind: StatefulSet`, or mount an existing claim under `volumes` with `persistentVolumeClaim`".into()),
        );
    }
    match (kind, &c.schedule) {
        (WorkloadKind::CronJob, None) => report(
            at,
            format!("CronJob `{key}` has no `schedule`"),
            Some(
                "add `schedule: \"0 3 * * *\"` (cron syntax: minute hour day month weekday)".into(),
            ),
        ),
        (k, Some(_)) if k != WorkloadKind::CronJob => report(
            &format!("{at}/schedule"),
            format!(
                "`schedule` is for CronJobs, and `{key}` is a {}",
                k.as_str()
            ),
            Some("set `kind: CronJob`, or remove `schedule`".into()),
        ),
        _ => {}
    }
    if c.job.is_some() && !kind.runs_to_completion() {
        report(
            &format!("{at}/job"),
            format!(
                "`job` is for Jobs and CronJobs, and `{key}` is a {}",
                kind.as_str()
            ),
            Some("remove `job`, or set `kind: Job`".into()),
        );
    }
    if !kind.has_replicas() {
        for (field, set) in [
            ("autoscaling", c.autoscaling.is_some()),
            (
                "disruptionBudget",
                c.disruption_budget.is_some() && kind.runs_to_completion(),
            ),
        ] {
            if set {
                report(
                    &format!("{at}/{field}"),
                    format!("`{field}` does not apply to a {}", kind.as_str()),
                    Some(format!("remove `{field}`")),
                );
            }
        }
    }

    // Services.
    let services = c.services.clone().unwrap_or_default();
    for (name, s) in &services {
        let sp = format!("{at}/services/{}", escape_token(name));
        if !is_dns_label(name) || name.starts_with(|ch: char| ch.is_ascii_digit()) {
            report(
                &sp,
                format!("Service name `{name}` is not a DNS label starting with a letter"),
                Some("use lowercase letters, digits and `-`, starting with a letter".into()),
            );
        }
        for (i, port) in s.ports.iter().enumerate() {
            if !port_names.contains(port) {
                report(
                    &format!("{sp}/ports/{i}"),
                    format!(
                        "Service `{name}` exposes port `{port}`, which no container of `{key}` declares"
                    ),
                    Some(did_you_mean(port, &port_names)),
                );
            }
        }
        if s.ports.is_empty() && !c.ports.iter().any(|p| p.expose) {
            report(
                &sp,
                format!("Service `{name}` has no port to expose"),
                Some(
                    "list port names under `ports`, or declare ports on the main container".into(),
                ),
            );
        }
    }
    if kind.runs_to_completion() && !services.is_empty() {
        report(
            &format!("{at}/services"),
            format!(
                "a {} runs to completion and takes no Service",
                kind.as_str()
            ),
            Some("remove `services`".into()),
        );
    }
    if let Some(ing) = &c.ingress {
        let exposed: Vec<String> = c
            .ports
            .iter()
            .filter(|p| p.expose)
            .map(|p| p.name.clone())
            .collect();
        match &ing.port {
            Some(port) if !exposed.contains(port) => report(
                &format!("{at}/ingress/port"),
                format!("`ingress.port` names `{port}`, which is not an exposed port of `{key}`"),
                Some(did_you_mean(port, &exposed)),
            ),
            None if exposed.is_empty() => report(
                &format!("{at}/ingress"),
                format!("`ingress` needs a Service port, and `{key}` exposes none"),
                Some("add a port under `ports`".into()),
            ),
            _ => {}
        }
    }
    if let Some(b) = &c.disruption_budget {
        if b.min_available.is_some() == b.max_unavailable.is_some() {
            report(
                &format!("{at}/disruptionBudget"),
                "`disruptionBudget` needs exactly one of `minAvailable` and `maxUnavailable`"
                    .into(),
                Some("set `minAvailable: 1` or `maxUnavailable: 1`".into()),
            );
        }
    }
    if let Some(a) = &c.autoscaling {
        if a.min_replicas > a.max_replicas {
            report(
                &format!("{at}/autoscaling/minReplicas"),
                format!(
                    "`autoscaling.minReplicas` ({}) is above `maxReplicas` ({})",
                    a.min_replicas, a.max_replicas
                ),
                None,
            );
        }
    }
    if let Some(other) = c.affinity.as_ref().and_then(|a| a.co_locate_with.as_ref()) {
        if !spec.components.contains_key(other) || other == key {
            let keys: Vec<String> = spec
                .components
                .keys()
                .filter(|k| *k != key)
                .cloned()
                .collect();
            report(
                &format!("{at}/affinity/coLocateWith"),
                format!(
                    "`coLocateWith` names `{other}`, which is not another component of this app"
                ),
                Some(did_you_mean(other, &keys)),
            );
        }
    }

    // Compose.
    if renders(spec, c, Target::Compose) {
        let replicated = (kind.has_replicas() && c.replicas > 1) || c.autoscaling.is_some();
        if replicated {
            for (i, p) in c.ports.iter().enumerate() {
                if p.host_port.is_some() {
                    report(
                        &format!("{at}/ports/{i}/hostPort"),
                        format!("`{key}` runs {} replicas on Compose, and only one container can publish host port {}", c.replicas, p.host_port.unwrap_or_default()),
                        Some("remove `hostPort` and put a proxy component in front (it publishes the port), or run one replica".into()),
                    );
                }
            }
        }
        let deps = c
            .compose
            .as_ref()
            .map(|x| x.depends_on.as_slice())
            .unwrap_or_default();
        for (i, dep) in deps.iter().enumerate() {
            if !compose_services.contains(dep) || dep == key {
                report(
                    &format!("{at}/compose/dependsOn/{i}"),
                    format!(
                        "`compose.dependsOn` names `{dep}`, which is not another Compose service of this app"
                    ),
                    Some(did_you_mean(
                        dep,
                        &compose_services
                            .iter()
                            .filter(|s| *s != key)
                            .cloned()
                            .collect::<Vec<_>>(),
                    )),
                );
            }
        }
    }
}

fn check_volume(at: &str, name: &str, v: &Volume, report: &mut Report<'_>) {
    if !is_dns_label(name) {
        report(
            at,
            format!("volume name `{name}` is not a DNS label"),
            Some("use lowercase letters, digits and `-` (at most 63)".into()),
        );
    }
    let sources = [
        v.empty_dir.is_some(),
        v.config_map.is_some(),
        v.secret.is_some(),
        v.persistent_volume_claim.is_some(),
        v.service_account_token.is_some(),
    ]
    .iter()
    .filter(|s| **s)
    .count();
    if sources != 1 {
        report(
            at,
            format!(
                "volume `{name}` needs exactly one of `emptyDir`, `configMap`, `secret`, `persistentVolumeClaim`, `serviceAccountToken` (it has {sources})"
            ),
            None,
        );
    }
}

fn check_mounts(at: &str, mounts: &[VolumeMount], volumes: &[String], report: &mut Report<'_>) {
    let mut paths = BTreeSet::new();
    for (i, m) in mounts.iter().enumerate() {
        if !volumes.contains(&m.name) {
            report(
                &format!("{at}/{i}/name"),
                format!(
                    "volume mount names `{}`, which is not a volume of this component",
                    m.name
                ),
                Some(match super::suggest::closest(&m.name, volumes) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => "declare it under `volumes` (or `storage` for a StatefulSet)".into(),
                }),
            );
        }
        if !paths.insert(m.mount_path.as_str()) {
            report(
                &format!("{at}/{i}/mountPath"),
                format!("two volumes are mounted at `{}`", m.mount_path),
                Some("mount each volume at its own path".into()),
            );
        }
    }
}

fn check_env(
    at: &str,
    env: &std::collections::BTreeMap<String, EnvValue>,
    report: &mut Report<'_>,
) {
    for (name, v) in env {
        if let EnvValue::From(s) = v {
            let n = [
                s.secret_key_ref.is_some(),
                s.config_map_key_ref.is_some(),
                s.field_ref.is_some(),
                s.resource_field_ref.is_some(),
            ]
            .iter()
            .filter(|x| **x)
            .count();
            if n != 1 {
                report(
                    &format!("{at}/{}", escape_token(name)),
                    format!(
                        "`{name}` needs exactly one of `secretKeyRef`, `configMapKeyRef`, `fieldRef`, `resourceFieldRef` (it has {n})"
                    ),
                    None,
                );
            }
        }
    }
}

/// Checks probes: exactly one method each, and a named port that `ports` (described to the
/// user as `whose`) declares. `at` is the pointer of the workload or container.
pub fn check_probes(
    at: &str,
    probes: &Probes,
    ports: &[String],
    whose: &str,
    report: &mut Report<'_>,
) {
    for (kind, probe) in [
        ("liveness", &probes.liveness),
        ("readiness", &probes.readiness),
        ("startup", &probes.startup),
    ] {
        let Some(probe) = probe else { continue };
        let pointer = format!("{at}/probes/{kind}");
        let methods = [
            probe.http.is_some(),
            probe.tcp.is_some(),
            probe.exec.is_some(),
            probe.grpc.is_some(),
        ]
        .iter()
        .filter(|m| **m)
        .count();
        if methods != 1 {
            report(
                &pointer,
                format!(
                    "probe `{kind}` must have exactly one of `http`, `tcp`, `exec`, `grpc` (it has {methods})"
                ),
                Some("keep one way of probing".into()),
            );
        }
        let named_port = match (&probe.http, &probe.tcp) {
            (Some(h), _) => Some((&h.port, format!("{pointer}/http/port"))),
            (None, Some(t)) => Some((t, format!("{pointer}/tcp"))),
            _ => None,
        };
        if let Some((IntOrString::String(name), p)) = named_port {
            if !ports.contains(name) {
                report(
                    &p,
                    format!("probe `{kind}` uses port `{name}`, which {whose} does not declare"),
                    Some(did_you_mean(name, ports)),
                );
            }
        }
        if probe.grpc_service.is_some() && probe.grpc.is_none() {
            report(
                &format!("{pointer}/grpcService"),
                "`grpcService` is for `grpc` probes".into(),
                Some("add `grpc: <port>` or remove `grpcService`".into()),
            );
        }
    }
}
