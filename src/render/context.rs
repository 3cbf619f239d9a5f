//! The context a template sees: the spec turned into ready-to-use Kubernetes-shaped pieces.
//!
//! Every key listed here is always present (absent things are `none`), so templates under
//! strict undefined behaviour test `{% if ingress %}` instead of `is defined`. The raw spec
//! is there too, as `spec`, for overrides that need a field the pieces do not carry (its
//! optional keys may be missing: test them with `is defined`).
//!
//! Top-level keys: `app`, `env`, `name`, `namespace`, `sources`, `spec`, `labels` (the
//! `app.kubernetes.io/*` set plus the spec's labels), `extraLabels` (the spec's own), `selector` (the stable subset: name and
//! instance), `image`, `namespaceObject`, `serviceAccount`, `config`, `service`,
//! `container`, `pod`, `strategy`, `deployments`, `autoscaling`, `disruptionBudget`,
//! `ingress`, `migration`, `serviceMonitor`, `canary`, `compose`, `components`,
//! `networkPolicies` (see [`super::network_policies`]), `extensions` (the spec's extension
//! data as written, an empty map when there is none; each entry of `components` carries its
//! own), and `appTemplate` (Helm values for the app-template chart, see
//! [`super::helm_app_template`]).

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

use crate::spec::Environment;
use crate::spec::connections::{AddressRef, Connections, address};
use crate::spec::model::{
    AntiAffinity, Colour, ConfigEntry, EnvText, Healthcheck, Ingress, Port, Probe, ResourceList,
    Spec, Target, UpdateOrder,
};
use crate::spec::types::{IntOrString, Quantity};

/// The spec files of an environment as the context's `sources` shows them: relative to the
/// workspace root, in layering order.
pub fn source_paths(root: &std::path::Path, environment: &Environment) -> Vec<String> {
    environment
        .files
        .iter()
        .map(|p| crate::spec::load::display_path(root, p))
        .collect()
}

/// Builds the template context of an environment.
///
/// `sources` are the spec files' paths relative to the workspace root, in layering order.
pub fn build(environment: &Environment, sources: &[String]) -> Value {
    let spec = &environment.spec;
    let name = environment.name().to_string();
    let instance = format!("{name}-{}", environment.id.env);
    let part_of = spec
        .part_of
        .clone()
        .unwrap_or_else(|| environment.id.app.clone());
    let component = spec.component.clone().unwrap_or_else(|| "server".into());
    let image_ref = spec.image.reference();
    let version = version_label(spec.image.tag.as_deref(), spec.image.digest.as_deref());

    let labels_for = |version: &str, component: &str| {
        let mut m = Map::new();
        m.insert("app.kubernetes.io/name".into(), json!(name));
        m.insert("app.kubernetes.io/instance".into(), json!(instance));
        m.insert("app.kubernetes.io/version".into(), json!(version));
        m.insert("app.kubernetes.io/component".into(), json!(component));
        m.insert("app.kubernetes.io/part-of".into(), json!(part_of));
        m.insert("app.kubernetes.io/managed-by".into(), json!("shipshape"));
        for (k, v) in spec.labels.iter().chain(&spec.selector_labels) {
            m.insert(k.clone(), json!(v));
        }
        m
    };
    let labels = labels_for(&version, &component);
    let selector = if spec.selector_labels.is_empty() {
        json!({
            "app.kubernetes.io/name": name,
            "app.kubernetes.io/instance": instance,
        })
    } else {
        json!(spec.selector_labels)
    };

    let connections = &environment.connections;
    let own_address = |a: &AddressRef, compose: bool| address(connections, &name, a, compose);
    let config = spec.config.as_ref().map(|c| {
        let data: BTreeMap<String, String> = c
            .data
            .iter()
            .map(|(k, v)| (k.clone(), config_text(v, &|a| own_address(a, false))))
            .collect();
        let checksum = super::filters::hex(&Sha256::digest(
            serde_json::to_string(&data).unwrap_or_default().as_bytes(),
        ));
        json!({
            "name": c.name.clone().unwrap_or_else(|| format!("{name}-config")),
            "data": data,
            "checksum": checksum,
        })
    });

    let service_account = spec.service_account.as_ref().map(|sa| {
        json!({
            "name": sa.name.clone().unwrap_or_else(|| name.clone()),
            "create": sa.create,
            "automount": sa.automount_token,
            "annotations": sa.annotations,
        })
    });

    let exposed: Vec<Value> = spec
        .ports
        .iter()
        .filter(|p| p.expose)
        .map(|p| {
            json!({
                "name": p.name,
                "port": p.service_port.unwrap_or(p.container_port),
                "targetPort": p.name,
                "protocol": p.protocol,
            })
        })
        .collect();
    let service_name = spec.service.name.clone().unwrap_or_else(|| name.clone());
    let active_colour = spec.rollout.blue_green.as_ref().map(|b| b.active);
    let service_selector = with_colour(&selector, active_colour);
    let service = (!exposed.is_empty()).then(|| {
        json!({
            "name": service_name,
            "type": spec.service.kind,
            "annotations": spec.service.annotations,
            "ports": exposed,
            "selector": service_selector,
        })
    });

    let container_name = spec.container_name.clone().unwrap_or_else(|| name.clone());
    let container = container(spec, &container_name, &image_ref, config.as_ref(), &|a| {
        own_address(a, false)
    });
    let pod = pod(spec, config.as_ref(), service_account.as_ref());
    let strategy = strategy(spec);
    let deployments = deployments(spec, &name, &selector, &labels_for, &component);
    let active = deployments.iter().find(|d| d["active"] == json!(true));
    let active_deployment = active.map_or(Value::Null, |d| d["name"].clone());

    let autoscaling = spec.autoscaling.as_ref().map(|a| {
        let mut metrics = Vec::new();
        for (resource, target) in [("cpu", a.cpu), ("memory", a.memory)] {
            if let Some(t) = target {
                metrics.push(json!({
                    "type": "Resource",
                    "resource": {"name": resource, "target": {"type": "Utilization", "averageUtilization": t}},
                }));
            }
        }
        for m in &a.pod_metrics {
            metrics.push(json!({
                "type": "Pods",
                "pods": {
                    "metric": {"name": m.name},
                    "target": {"type": "AverageValue", "averageValue": m.average_value.0},
                },
            }));
        }
        json!({
            "name": name,
            "target": active_deployment,
            "minReplicas": a.min_replicas,
            "maxReplicas": a.max_replicas,
            "cpu": a.cpu,
            "memory": a.memory,
            "metrics": metrics,
            "behavior": a.behavior.as_ref().map(|b| serde_json::to_value(b).unwrap_or(Value::Null)),
        })
    });

    let disruption_budget = spec.disruption_budget.as_ref().map(|b| {
        json!({
            "name": name,
            "minAvailable": b.min_available,
            "maxUnavailable": b.max_unavailable,
            "selector": service_selector,
        })
    });

    let ingress = spec.ingress.as_ref().map(|ing| {
        let port = match &ing.port {
            Some(p) => spec.ports.iter().find(|q| &q.name == p),
            None => spec.ports.iter().find(|q| q.expose),
        };
        let mut annotations: BTreeMap<String, String> = ing.annotations.clone();
        if let Some(issuer) = &ing.cluster_issuer {
            annotations.insert("cert-manager.io/cluster-issuer".into(), issuer.clone());
        }
        json!({
            "name": ing.name.clone().unwrap_or_else(|| name.clone()),
            "className": ing.class_name,
            "annotations": annotations,
            "host": ing.host,
            "path": ing.path,
            "pathType": "Prefix",
            "serviceName": service_name,
            "servicePort": port.map(|p| p.service_port.unwrap_or(p.container_port)),
            "tls": ing.tls.as_ref().map(|t| json!({"secretName": t.secret_name})),
        })
    });

    let migration = spec.migration.as_ref().map(|m| {
        let mut job_name = format!("{name}-migrate-{}", dns_label(&version));
        job_name.truncate(63);
        let job_name = job_name.trim_end_matches('-').to_string();
        json!({
            "name": job_name,
            "labels": labels_for(&version, "migration"),
            "command": m.command,
            "backoffLimit": m.backoff_limit,
            "activeDeadlineSeconds": m.active_deadline_seconds,
            "ttlSecondsAfterFinished": m.ttl_seconds_after_finished,
            "hook": m.helm_hook.as_ref().map(|h| json!({
                "events": h.events,
                "weight": h.weight,
                "deletePolicy": h.delete_policy,
            })),
        })
    });

    let service_monitor = spec.service_monitor.as_ref().map(|sm| {
        let mut l = labels.clone();
        for (k, v) in &sm.labels {
            l.insert(k.clone(), json!(v));
        }
        json!({
            "name": name,
            "labels": l,
            "selector": selector,
            "port": sm.port,
            "path": sm.path,
            "interval": sm.interval.0,
        })
    });

    let canary = spec.rollout.canary.as_ref().map(|c| {
        let first_port = spec.ports.iter().find(|p| p.expose);
        json!({
            "flagger": c.flagger.as_ref().map(|f| json!({
                "name": name,
                "target": active_deployment,
                "autoscaler": spec.autoscaling.as_ref().map(|_| name.clone()),
                "progressDeadlineSeconds": f.progress_deadline_seconds,
                "port": first_port.map(|p| p.service_port.unwrap_or(p.container_port)),
                "targetPort": first_port.map(|p| p.name.clone()),
                "interval": f.interval.0,
                "threshold": f.threshold,
                "maxWeight": f.max_weight,
                "stepWeight": f.step_weight,
                "metrics": f.metrics.iter().map(|m| {
                    let bound = if m.name == "request-success-rate" { "min" } else { "max" };
                    json!({
                        "name": m.name,
                        "thresholdRange": {bound: number(m.threshold)},
                        "interval": m.interval.as_ref().map(|i| i.0.clone()),
                    })
                }).collect::<Vec<_>>(),
            })),
            "istio": c.istio.as_ref().map(|i| json!({
                "name": name,
                "host": service_name,
                "subsetLabels": {"stable": {"track": "stable"}, "canary": {"track": "canary"}},
                "weight": i.weight,
                "stableWeight": 100 - i.weight.min(100),
                "header": i.header.as_ref().map(|h| json!({"name": h.name, "value": h.value})),
            })),
        })
    });

    let components = super::components::kubernetes(
        spec,
        &super::components::AppIdentity {
            env: &environment.id.env,
            part_of: &part_of,
            connections,
        },
    );
    let network_policies = {
        let ingress_port = |ports: &[Port], ing: &Option<Ingress>| {
            let ing = ing.as_ref()?;
            let p = match &ing.port {
                Some(name) => ports.iter().find(|q| &q.name == name),
                None => ports.iter().find(|q| q.expose),
            }?;
            Some((p.container_port, p.protocol))
        };
        let mut covered = Vec::new();
        // The app's pods as policies select them (the instance alone under a Flagger canary).
        let pods = crate::spec::connections::app_pod_selector(spec, &name, &environment.id.env);
        let mut policy_selector = selector.clone();
        if let Some(labels) = policy_selector.as_object_mut() {
            labels.retain(|k, _| pods.contains_key(k));
        }
        if spec.targets.contains(&Target::Kubernetes) {
            covered.push(super::network_policies::Covered {
                name: name.clone(),
                labels: json!(labels),
                selector: policy_selector,
                ingress_port: ingress_port(&spec.ports, &spec.ingress),
                metrics_port: metrics_port(spec),
            });
        }
        for c in &components {
            let key = c["key"].as_str().unwrap_or_default();
            let Some(component) = spec.components.get(key) else {
                continue;
            };
            covered.push(super::network_policies::Covered {
                name: key.to_string(),
                labels: c["labels"].clone(),
                selector: c["selector"].clone(),
                ingress_port: ingress_port(&component.ports, &component.ingress),
                metrics_port: None,
            });
        }
        super::network_policies::build(spec, &name, connections, &environment.clients, &covered)
    };
    let context = json!({
        "app": environment.id.app,
        "env": environment.id.env,
        "name": name,
        "namespace": spec.namespace,
        "sources": sources,
        "spec": serde_json::to_value(spec).unwrap_or(Value::Null),
        "version": version,
        "labels": labels,
        "extraLabels": spec.labels,
        "selector": selector,
        "image": {
            "reference": image_ref,
            "repository": spec.image.repository,
            "tag": spec.image.tag,
            "digest": spec.image.digest,
            "pullPolicy": spec.image.pull_policy,
            "pullSecrets": spec.image.pull_secrets,
        },
        // A namespace may hold several apps: its labels say nothing about the app that
        // renders it, so every app would render the same object.
        "namespaceObject": spec.create_namespace.then(|| {
            let mut l = Map::new();
            l.insert("kubernetes.io/metadata.name".into(), json!(spec.namespace));
            l.insert("app.kubernetes.io/managed-by".into(), json!("shipshape"));
            for (k, v) in &spec.namespace_labels {
                l.insert(k.clone(), json!(v));
            }
            json!({"name": spec.namespace, "labels": l})
        }),
        "serviceAccount": service_account,
        "config": config,
        "service": service,
        "container": container,
        "pod": pod,
        "strategy": strategy,
        "deployments": deployments,
        "autoscaling": autoscaling,
        "disruptionBudget": disruption_budget,
        "ingress": ingress,
        "migration": migration,
        "serviceMonitor": service_monitor,
        "canary": canary,
        "compose": compose(spec, &name, connections),
        "components": components,
        "networkPolicies": network_policies,
        "extensions": spec.extensions,
    });
    super::helm_app_template::with_values(environment, context)
}

/// A float as JSON, written as a whole number when it is one (`99`, not `99.0`).
fn number(x: f64) -> Value {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        json!(x as i64)
    } else {
        json!(x)
    }
}

/// The `app.kubernetes.io/version` value: the tag, or the digest's first 12 hex digits,
/// made a valid label value.
pub(super) fn version_label(tag: Option<&str>, digest: Option<&str>) -> String {
    let raw = match (tag, digest) {
        (Some(t), _) => t.to_string(),
        (None, Some(d)) => d.trim_start_matches("sha256:").chars().take(12).collect(),
        (None, None) => "unversioned".to_string(),
    };
    let mut v: String = raw
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '-'
            }
        })
        .collect();
    v.truncate(63);
    v.trim_matches(|c: char| !c.is_ascii_alphanumeric())
        .to_string()
}

/// A label value made a DNS label part: lowercase, `.` and `_` become `-`.
fn dns_label(text: &str) -> String {
    text.to_ascii_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect::<String>()
        .trim_matches('-')
        .to_string()
}

fn with_colour(selector: &Value, colour: Option<Colour>) -> Value {
    let mut s = selector.clone();
    if let (Some(c), Some(m)) = (colour, s.as_object_mut()) {
        m.insert("colour".into(), json!(c.as_str()));
    }
    s
}

pub(super) fn quantity(q: &Option<Quantity>) -> Value {
    q.as_ref().map_or(Value::Null, |q| json!(q.0))
}

pub(super) fn resource_list(list: &Option<ResourceList>) -> Option<Value> {
    let list = list.as_ref()?;
    let mut m = Map::new();
    if list.cpu.is_some() {
        m.insert("cpu".into(), quantity(&list.cpu));
    }
    if list.memory.is_some() {
        m.insert("memory".into(), quantity(&list.memory));
    }
    (!m.is_empty()).then_some(Value::Object(m))
}

pub(super) fn probe(p: &Option<Probe>) -> Value {
    let Some(p) = p else { return Value::Null };
    let mut m = Map::new();
    if let Some(h) = &p.http {
        let mut get = Map::new();
        get.insert("path".into(), json!(h.path));
        get.insert("port".into(), json!(h.port));
        if let Some(scheme) = h.scheme {
            get.insert("scheme".into(), json!(scheme));
        }
        if !h.headers.is_empty() {
            let headers: Vec<Value> = h
                .headers
                .iter()
                .map(|(name, value)| json!({"name": name, "value": value}))
                .collect();
            get.insert("httpHeaders".into(), Value::Array(headers));
        }
        m.insert("httpGet".into(), Value::Object(get));
    } else if let Some(t) = &p.tcp {
        m.insert("tcpSocket".into(), json!({"port": t}));
    } else if let Some(cmd) = &p.exec {
        m.insert("exec".into(), json!({"command": cmd}));
    } else if let Some(port) = p.grpc {
        match &p.grpc_service {
            Some(service) => m.insert("grpc".into(), json!({"port": port, "service": service})),
            None => m.insert("grpc".into(), json!({"port": port})),
        };
    }
    for (key, v) in [
        ("initialDelaySeconds", p.initial_delay_seconds),
        ("periodSeconds", p.period_seconds),
        ("timeoutSeconds", p.timeout_seconds),
        ("failureThreshold", p.failure_threshold),
        ("successThreshold", p.success_threshold),
    ] {
        if let Some(v) = v {
            m.insert(key.into(), json!(v));
        }
    }
    Value::Object(m)
}

/// The pod port Prometheus scrapes: the `serviceMonitor`'s, or the `prometheus` one.
fn metrics_port(spec: &Spec) -> Option<(u16, crate::spec::model::Protocol)> {
    if let Some(sm) = &spec.service_monitor {
        let p = spec.ports.iter().find(|p| p.name == sm.port)?;
        return Some((p.container_port, p.protocol));
    }
    spec.prometheus
        .as_ref()
        .map(|p| (p.port, crate::spec::model::Protocol::TCP))
}

/// A ConfigMap value: its text, or the address it refers to.
fn config_text(v: &ConfigEntry, address: &dyn Fn(&AddressRef) -> String) -> String {
    match v {
        ConfigEntry::Value(v) => v.as_text(),
        ConfigEntry::Address(a) => address(a),
    }
}

/// An env value: its text, or the address it refers to.
fn env_text(v: &EnvText, address: &dyn Fn(&AddressRef) -> String) -> String {
    match v {
        EnvText::Text(t) => t.clone(),
        EnvText::Address(a) => address(a),
    }
}

fn container(
    spec: &Spec,
    name: &str,
    image: &str,
    config: Option<&Value>,
    address: &dyn Fn(&AddressRef) -> String,
) -> Value {
    let mut env: Vec<Value> = spec
        .env
        .iter()
        .map(|(k, v)| json!({"name": k, "value": env_text(v, address)}))
        .collect();
    for s in &spec.secrets {
        for (var, key) in &s.keys {
            env.push(json!({
                "name": var,
                "valueFrom": {"secretKeyRef": {"name": s.secret_name, "key": key}},
            }));
        }
    }
    let env_from_secrets: Vec<Value> = spec
        .secrets
        .iter()
        .filter(|s| s.env_from)
        .map(|s| json!({"secretRef": {"name": s.secret_name}}))
        .collect();
    let mut env_from = Vec::new();
    if let Some(c) = config {
        env_from.push(json!({"configMapRef": {"name": c["name"]}}));
    }
    env_from.extend(env_from_secrets.iter().cloned());
    let sc = &spec.security_context;
    let security = super::components::container_security(sc);
    let resources = spec.resources.as_ref().map(|r| {
        let mut m = Map::new();
        if let Some(v) = resource_list(&r.requests) {
            m.insert("requests".into(), v);
        }
        if let Some(v) = resource_list(&r.limits) {
            m.insert("limits".into(), v);
        }
        Value::Object(m)
    });
    json!({
        "name": name,
        "image": image,
        "imagePullPolicy": spec.image.pull_policy,
        "command": spec.command,
        "args": spec.args,
        "ports": spec.ports.iter().map(|p| json!({
            "name": p.name,
            "containerPort": p.container_port,
            "protocol": p.protocol,
        })).collect::<Vec<_>>(),
        "env": env,
        "envFrom": env_from,
        "envFromSecrets": env_from_secrets,
        "resources": resources,
        "livenessProbe": probe(&spec.probes.liveness),
        "readinessProbe": probe(&spec.probes.readiness),
        "startupProbe": probe(&spec.probes.startup),
        "securityContext": (!security.is_empty()).then_some(Value::Object(security)),
        "volumeMounts": sc.writable_paths.iter().map(|w| json!({"name": w.name, "mountPath": w.path})).collect::<Vec<_>>(),
        "lifecycle": spec.lifecycle.as_ref().map(|l| json!({
            "preStop": {"exec": {"command": ["/bin/sh", "-c", format!("sleep {}", l.pre_stop_sleep_seconds)]}},
        })),
    })
}

fn pod(spec: &Spec, config: Option<&Value>, service_account: Option<&Value>) -> Value {
    let mut annotations: BTreeMap<String, String> = spec.pod_annotations.clone();
    if let Some(c) = config {
        annotations.insert(
            "checksum/config".into(),
            c["checksum"].as_str().unwrap_or_default().to_string(),
        );
    }
    if let Some(p) = &spec.prometheus {
        annotations.insert("prometheus.io/scrape".into(), "true".into());
        annotations.insert("prometheus.io/port".into(), p.port.to_string());
        annotations.insert("prometheus.io/path".into(), p.path.clone());
    }
    let sc = &spec.security_context;
    let (security, _) = super::components::security_parts(sc);
    let volumes: Vec<Value> = sc
        .writable_paths
        .iter()
        .map(|w| match &w.size_limit {
            Some(limit) => json!({"name": w.name, "emptyDir": {"sizeLimit": limit.0}}),
            None => json!({"name": w.name, "emptyDir": {}}),
        })
        .collect();
    json!({
        "annotations": annotations,
        "securityContext": (!security.is_empty()).then_some(Value::Object(security)),
        "volumes": volumes,
        "serviceAccountName": service_account.map(|sa| sa["name"].clone()),
        // Without a ServiceAccount of its own the pod runs as the namespace's default one,
        // which needs no API token.
        "automountServiceAccountToken": service_account.map_or(json!(false), |sa| sa["automount"].clone()),
        "imagePullSecrets": spec.image.pull_secrets.iter().map(|s| json!({"name": s})).collect::<Vec<_>>(),
        "terminationGracePeriodSeconds": spec.termination_grace_period_seconds,
    })
}

fn strategy(spec: &Spec) -> Value {
    let r = &spec.rollout;
    if r.max_surge.is_none() && r.max_unavailable.is_none() {
        return Value::Null;
    }
    let mut rolling = Map::new();
    if let Some(v) = &r.max_surge {
        rolling.insert("maxSurge".into(), int_or_string(&v.0));
    }
    if let Some(v) = &r.max_unavailable {
        rolling.insert("maxUnavailable".into(), int_or_string(&v.0));
    }
    json!({"type": "RollingUpdate", "rollingUpdate": rolling})
}

pub(super) fn int_or_string(v: &IntOrString) -> Value {
    match v {
        IntOrString::Int(n) => json!(n),
        IntOrString::String(s) => json!(s),
    }
}

/// The Deployments: one, or one per colour for blue/green (blue first).
fn deployments(
    spec: &Spec,
    name: &str,
    selector: &Value,
    labels_for: &dyn Fn(&str, &str) -> Map<String, Value>,
    component: &str,
) -> Vec<Value> {
    let scheduling = |sel: &Value| {
        let affinity = spec
            .affinity
            .as_ref()
            .and_then(|a| a.pod_anti_affinity)
            .map(|strength| {
                let term = json!({
                    "labelSelector": {"matchLabels": sel},
                    "topologyKey": "kubernetes.io/hostname",
                });
                match strength {
                    AntiAffinity::Preferred => json!({"podAntiAffinity": {
                    "preferredDuringSchedulingIgnoredDuringExecution": [
                        {"weight": 100, "podAffinityTerm": term}
                    ]}}),
                    AntiAffinity::Required => json!({"podAntiAffinity": {
                        "requiredDuringSchedulingIgnoredDuringExecution": [term]}}),
                }
            });
        let spread: Vec<Value> = spec
            .topology_spread
            .iter()
            .map(|t| {
                json!({
                    "maxSkew": t.max_skew,
                    "topologyKey": t.topology_key,
                    "whenUnsatisfiable": t.when_unsatisfiable,
                    "labelSelector": {"matchLabels": sel},
                })
            })
            .collect();
        (affinity, spread)
    };
    let fixed_replicas = |n: u32| {
        if spec.autoscaling.is_some() {
            Value::Null
        } else {
            json!(n)
        }
    };
    let istio = spec.rollout.canary.as_ref().and_then(|c| c.istio.as_ref());
    match &spec.rollout.blue_green {
        None => {
            let track = |sel: &Value, track: Option<&str>| {
                let mut s = sel.clone();
                if let (Some(t), Some(m)) = (track, s.as_object_mut()) {
                    m.insert("track".into(), json!(t));
                }
                s
            };
            let main_track = istio.map(|_| "stable");
            let sel = track(selector, main_track);
            let (affinity, spread) = scheduling(&sel);
            let version = version_label(spec.image.tag.as_deref(), spec.image.digest.as_deref());
            let mut labels = labels_for(&version, component);
            if let Some(t) = main_track {
                labels.insert("track".into(), json!(t));
            }
            let mut out = vec![json!({
                "name": name,
                "colour": null,
                "track": main_track,
                "active": true,
                "replicas": fixed_replicas(spec.replicas),
                "image": spec.image.reference(),
                "selector": sel,
                "labels": labels,
                "affinity": affinity,
                "topologySpreadConstraints": spread,
            })];
            if let Some((istio, tag)) =
                istio.and_then(|i| i.canary_image_tag.as_ref().map(|t| (i, t)))
            {
                let sel = track(selector, Some("canary"));
                let (affinity, spread) = scheduling(&sel);
                let mut image = spec.image.clone();
                image.tag = Some(tag.clone());
                image.digest = None;
                let mut labels = labels_for(&version_label(Some(tag), None), component);
                labels.insert("track".into(), json!("canary"));
                out.push(json!({
                    "name": format!("{name}-canary"),
                    "colour": null,
                    "track": "canary",
                    "active": false,
                    "replicas": istio.canary_replicas,
                    "image": image.reference(),
                    "selector": sel,
                    "labels": labels,
                    "affinity": affinity,
                    "topologySpreadConstraints": spread,
                }));
            }
            out
        }
        Some(bg) => [Colour::Blue, Colour::Green]
            .into_iter()
            .map(|colour| {
                let active = colour == bg.active;
                let sel = with_colour(selector, Some(colour));
                let (affinity, spread) = scheduling(&sel);
                let mut image = spec.image.clone();
                if !active {
                    if let Some(t) = &bg.idle_image_tag {
                        image.tag = Some(t.clone());
                        image.digest = None;
                    }
                }
                let version = version_label(image.tag.as_deref(), image.digest.as_deref());
                let mut labels = labels_for(&version, component);
                labels.insert("colour".into(), json!(colour.as_str()));
                json!({
                    "name": format!("{name}-{}", colour.as_str()),
                    "colour": colour.as_str(),
                    "track": null,
                    "active": active,
                    "replicas": if active { fixed_replicas(spec.replicas) } else { json!(bg.idle_replicas) },
                    "image": image.reference(),
                    "selector": sel,
                    "labels": labels,
                    "affinity": affinity,
                    "topologySpreadConstraints": spread,
                })
            })
            .collect(),
    }
}

/// Compose pieces: the app service's settings in Compose's words, and the dependencies.
fn compose(spec: &Spec, name: &str, connections: &Connections) -> Value {
    let c = spec.compose.clone().unwrap_or_default();
    let sc = &spec.security_context;
    let own_address = |a: &AddressRef| address(connections, name, a, true);
    let mut environment: BTreeMap<String, Value> = BTreeMap::new();
    if let Some(cfg) = &spec.config {
        for (k, v) in &cfg.data {
            environment.insert(k.clone(), json!(config_text(v, &own_address)));
        }
    }
    for (k, v) in &spec.env {
        environment.insert(k.clone(), json!(env_text(v, &own_address)));
    }
    // Secret values are never written: each variable is passed through from the shell
    // that runs Compose (a key without a value).
    for s in &spec.secrets {
        for var in s.keys.keys() {
            environment.insert(var.clone(), Value::Null);
        }
    }
    let user = match (sc.run_as_user, sc.run_as_group) {
        (Some(u), Some(g)) => Some(format!("{u}:{g}")),
        (Some(u), None) => Some(u.to_string()),
        _ => None,
    };
    let limits = spec
        .resources
        .as_ref()
        .and_then(|r| compose_resources(&r.limits));
    let reservations = spec
        .resources
        .as_ref()
        .and_then(|r| compose_resources(&r.requests));
    let networks = super::compose_networks::networks(spec, name, connections);
    let service_networks =
        |service: &str| networks.services.get(service).cloned().unwrap_or_default();
    let mut dependencies = Map::new();
    for (dep_name, d) in &c.dependencies {
        let env: BTreeMap<String, Value> = d
            .environment
            .iter()
            .map(|(k, v)| (k.clone(), json!(v.as_text())))
            .collect();
        dependencies.insert(
            dep_name.clone(),
            json!({
                "image": d.image,
                "command": d.command,
                "environment": env,
                "ports": d.ports,
                "volumes": d.volumes,
                "healthcheck": d.healthcheck.as_ref().map(compose_healthcheck),
                "networks": service_networks(dep_name),
            }),
        );
    }
    let mut components = super::components::compose(spec, connections);
    for c in &mut components {
        let networks = c["name"].as_str().map(service_networks).unwrap_or_default();
        c["networks"] = json!(networks);
    }
    let mut named_volumes: Vec<String> = crate::spec::compose::named_volumes(spec)
        .into_iter()
        .map(|v| v.name)
        .collect();
    named_volumes.sort();
    let mut depends_on: Vec<Value> = c
        .depends_on
        .iter()
        .map(|d| {
            let healthy = spec
                .components
                .get(d)
                .is_some_and(super::components::has_compose_healthcheck);
            json!({"name": d, "condition": if healthy { "service_healthy" } else { "service_started" }})
        })
        .collect();
    super::components::connection_dependencies(connections, name, &mut depends_on);
    let healthcheck = match &c.healthcheck {
        Some(h) => Some(compose_healthcheck(h)),
        None => spec
            .probes
            .liveness
            .as_ref()
            .and_then(|p| p.exec.as_ref())
            .map(|cmd| {
                let mut test = vec![json!("CMD")];
                test.extend(cmd.iter().map(|t| json!(t)));
                json!({"test": test})
            }),
    };
    json!({
        "project": c.project,
        "build": c.build,
        "envFiles": c.env_files,
        "volumes": c.volumes,
        "namedVolumes": named_volumes,
        "updateOrder": c.update_order.map(|o| match o {
            UpdateOrder::StartFirst => "start-first",
            UpdateOrder::StopFirst => "stop-first",
        }),
        "environment": environment,
        "ports": spec.ports.iter().filter_map(|p| p.host_port.map(|h| format!("{h}:{}", p.container_port))).collect::<Vec<_>>(),
        "user": user,
        "readOnly": sc.read_only_root_filesystem,
        "noNewPrivileges": sc.allow_privilege_escalation == Some(false),
        "capDrop": sc.capabilities.as_ref().map(|c| c.drop.clone()).unwrap_or_default(),
        "capAdd": sc.capabilities.as_ref().map(|c| c.add.clone()).unwrap_or_default(),
        "tmpfs": sc.writable_paths.iter().map(|w| w.path.clone()).collect::<Vec<_>>(),
        "limits": limits,
        "reservations": reservations,
        "healthcheck": healthcheck,
        "stopGracePeriod": spec.termination_grace_period_seconds.map(|s| format!("{s}s")),
        "dependencies": dependencies,
        "dependsOn": depends_on,
        "components": components,
        "networks": service_networks(name),
        "namedNetworks": networks.declared,
        "otherAppServices": networks.other_apps.iter().map(|(s, n)| json!({"name": s, "networks": n})).collect::<Vec<_>>(),
    })
}

/// A Compose `healthcheck:` (exec form).
pub(super) fn compose_healthcheck(h: &Healthcheck) -> Value {
    let mut m = Map::new();
    let mut test = vec![json!("CMD")];
    test.extend(h.test.iter().map(|t| json!(t)));
    m.insert("test".into(), Value::Array(test));
    m.insert("interval".into(), json!(h.interval.0));
    m.insert("timeout".into(), json!(h.timeout.0));
    m.insert("retries".into(), json!(h.retries));
    if let Some(s) = &h.start_period {
        m.insert("start_period".into(), json!(s.0));
    }
    Value::Object(m)
}

/// CPU and memory in Compose's units: CPUs as a decimal string, memory in k/m/g bytes.
pub(super) fn compose_resources(list: &Option<ResourceList>) -> Option<Value> {
    let list = list.as_ref()?;
    let mut m = Map::new();
    if let Some(cpu) = &list.cpu {
        m.insert("cpus".into(), json!(compose_cpus(&cpu.0)));
    }
    if let Some(mem) = &list.memory {
        m.insert("memory".into(), json!(compose_memory(&mem.0)));
    }
    (!m.is_empty()).then_some(Value::Object(m))
}

/// `500m` -> `0.5`, `2` -> `2`.
fn compose_cpus(q: &str) -> String {
    match q.strip_suffix('m') {
        Some(milli) => match milli.parse::<u64>() {
            Ok(n) if n % 1000 == 0 => (n / 1000).to_string(),
            Ok(n) => {
                let s = format!("{}.{:03}", n / 1000, n % 1000);
                s.trim_end_matches('0').to_string()
            }
            Err(_) => q.to_string(),
        },
        None => q.to_string(),
    }
}

/// `512Mi` -> `512m`, `2Gi` -> `2g`; other quantities are converted to bytes.
fn compose_memory(q: &str) -> String {
    for (suffix, unit) in [("Ki", "k"), ("Mi", "m"), ("Gi", "g")] {
        if let Some(n) = q.strip_suffix(suffix) {
            return format!("{n}{unit}");
        }
    }
    for (suffix, factor) in [
        ("k", 1_000u64),
        ("M", 1_000_000),
        ("G", 1_000_000_000),
        ("Ti", 1 << 40),
        ("T", 1_000_000_000_000),
    ] {
        if let Some(n) = q.strip_suffix(suffix) {
            if let Ok(n) = n.parse::<u64>() {
                return (n * factor).to_string();
            }
        }
    }
    q.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compose_units() {
        assert_eq!(compose_cpus("500m"), "0.5");
        assert_eq!(compose_cpus("2000m"), "2");
        assert_eq!(compose_cpus("250m"), "0.25");
        assert_eq!(compose_cpus("2"), "2");
        assert_eq!(compose_memory("512Mi"), "512m");
        assert_eq!(compose_memory("4Gi"), "4g");
        assert_eq!(compose_memory("1G"), "1000000000");
    }

    #[test]
    fn version_labels() {
        assert_eq!(version_label(Some("v1.0.0"), None), "v1.0.0");
        assert_eq!(
            version_label(None, Some("sha256:0123456789abcdef0123")),
            "0123456789ab"
        );
        assert_eq!(dns_label("v1.0.0"), "v1-0-0");
    }
}
