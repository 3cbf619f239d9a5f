//! The template context of an app's components: for Kubernetes, each component's objects
//! in Kubernetes' shape (`components`: ServiceAccount, Services, the workload with its pod
//! template, autoscaler, disruption budget, ingress); for Compose, each component's service
//! (`compose.components`).
//!
//! A component's pod is built here whole, so one template renders every workload kind: the
//! kinds differ only in the fields around the pod template (`replicas`, `serviceName`,
//! `schedule`, ...), which the context carries ready to write.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use super::context::{
    compose_healthcheck, compose_resources, int_or_string, probe, resource_list, version_label,
};
use crate::spec::Spec;
use crate::spec::Target;
use crate::spec::component_checks::renders;
use crate::spec::connections::{AddressRef, Connections, EndpointKind, address};
use crate::spec::model::{AntiAffinity, Port, Probes, Resources, SeccompProfile, SecurityContext};
use crate::spec::pod::{Container, EnvFrom, EnvValue, Volume, VolumeMount};
use crate::spec::workload::{
    Component, ComponentService, ComponentServiceType, JobRestartPolicy, RolloutStrategy,
    WorkloadKind,
};

/// What the components' objects share with the app's own: namespace-independent names.
pub struct AppIdentity<'a> {
    /// The environment's name (`production`).
    pub env: &'a str,
    /// `app.kubernetes.io/part-of`.
    pub part_of: &'a str,
    /// The resolved connections of every workload.
    pub connections: &'a Connections,
}

fn insert_some(m: &mut Map<String, Value>, key: &str, v: Option<Value>) {
    if let Some(v) = v {
        if !v.is_null() {
            m.insert(key.into(), v);
        }
    }
}

fn non_empty<T: serde::Serialize>(items: &[T]) -> Option<Value> {
    (!items.is_empty()).then(|| json!(items))
}

/// The Kubernetes objects of every component that renders for Kubernetes, in key order.
pub fn kubernetes(spec: &Spec, app: &AppIdentity<'_>) -> Vec<Value> {
    spec.components
        .iter()
        .filter(|(_, c)| renders(spec, c, Target::Kubernetes))
        .map(|(key, c)| component(spec, app, key, c))
        .collect()
}

fn labels(spec: &Spec, app: &AppIdentity<'_>, key: &str, c: &Component) -> Map<String, Value> {
    let version = version_label(c.image.tag.as_deref(), c.image.digest.as_deref());
    let mut m = Map::new();
    m.insert("app.kubernetes.io/name".into(), json!(key));
    m.insert(
        "app.kubernetes.io/instance".into(),
        json!(format!("{key}-{}", app.env)),
    );
    m.insert("app.kubernetes.io/version".into(), json!(version));
    m.insert("app.kubernetes.io/component".into(), json!(key));
    m.insert("app.kubernetes.io/part-of".into(), json!(app.part_of));
    m.insert("app.kubernetes.io/managed-by".into(), json!("shipshape"));
    for (k, v) in spec.labels.iter().chain(&c.labels) {
        m.insert(k.clone(), json!(v));
    }
    m
}

/// The selector labels: the adopted ones, or name and instance.
fn selector(app: &AppIdentity<'_>, key: &str, c: &Component) -> Map<String, Value> {
    if !c.selector_labels.is_empty() {
        return c
            .selector_labels
            .iter()
            .map(|(k, v)| (k.clone(), json!(v)))
            .collect();
    }
    let mut m = Map::new();
    m.insert("app.kubernetes.io/name".into(), json!(key));
    m.insert(
        "app.kubernetes.io/instance".into(),
        json!(format!("{key}-{}", app.env)),
    );
    m
}

pub(super) fn component(spec: &Spec, app: &AppIdentity<'_>, key: &str, c: &Component) -> Value {
    let mut labels = labels(spec, app, key, c);
    let selector = selector(app, key, c);
    // The pods carry the selector labels whatever the extra labels say.
    let mut pod_labels = labels.clone();
    for (k, v) in &selector {
        pod_labels.insert(k.clone(), v.clone());
    }
    if !c.selector_labels.is_empty() {
        for (k, v) in &selector {
            labels.insert(k.clone(), v.clone());
        }
    }
    let kind = c.kind;
    let service_account = c.service_account.as_ref().map(|sa| {
        json!({
            "name": sa.name.clone().unwrap_or_else(|| key.to_string()),
            "create": sa.create,
            "automount": sa.automount_token,
            "annotations": sa.annotations,
        })
    });
    let services = services(key, c, &selector);
    let governing = (kind == WorkloadKind::StatefulSet)
        .then(|| services.first().map(|s| s["name"].clone()))
        .flatten();
    let replicas = (kind.has_replicas() && c.autoscaling.is_none()).then_some(c.replicas);

    let mut workload = Map::new();
    if let Some(n) = replicas {
        workload.insert("replicas".into(), json!(n));
    }
    if let Some(g) = &governing {
        workload.insert("serviceName".into(), g.clone());
    }
    if kind != WorkloadKind::Job && kind != WorkloadKind::CronJob {
        workload.insert("selector".into(), json!({"matchLabels": selector}));
    }
    insert_some(&mut workload, strategy_key(kind), strategy(kind, c));
    if kind == WorkloadKind::StatefulSet {
        let claims: Vec<Value> = c
            .storage
            .iter()
            .map(|(name, s)| {
                let mut spec = Map::new();
                spec.insert("accessModes".into(), json!(s.access_modes));
                if let Some(class) = &s.storage_class_name {
                    spec.insert("storageClassName".into(), json!(class));
                }
                spec.insert(
                    "resources".into(),
                    json!({"requests": {"storage": s.size.0}}),
                );
                json!({"metadata": {"name": name}, "spec": spec})
            })
            .collect();
        workload.insert("volumeClaimTemplates".into(), Value::Array(claims));
    }

    let mut annotations: BTreeMap<String, String> = c.pod_annotations.clone();
    annotations.retain(|_, v| !v.is_empty());
    let template = json!({
        "metadata": if annotations.is_empty() {
            json!({"labels": pod_labels})
        } else {
            json!({"labels": pod_labels, "annotations": annotations})
        },
        "spec": pod_spec(key, c, &selector, service_account.as_ref(), &|a: &AddressRef| {
            address(app.connections, key, a, false)
        }),
    });

    let job = kind.runs_to_completion().then(|| {
        let mut m = Map::new();
        if let Some(j) = &c.job {
            insert_some(&mut m, "backoffLimit", j.backoff_limit.map(|v| json!(v)));
            insert_some(&mut m, "completions", j.completions.map(|v| json!(v)));
            insert_some(&mut m, "parallelism", j.parallelism.map(|v| json!(v)));
            insert_some(
                &mut m,
                "activeDeadlineSeconds",
                j.active_deadline_seconds.map(|v| json!(v)),
            );
            insert_some(
                &mut m,
                "ttlSecondsAfterFinished",
                j.ttl_seconds_after_finished.map(|v| json!(v)),
            );
        }
        m.insert("template".into(), template.clone());
        Value::Object(m)
    });
    match kind {
        WorkloadKind::Job => {
            if let Some(Value::Object(j)) = &job {
                workload.extend(j.clone());
            }
        }
        WorkloadKind::CronJob => {
            workload.insert("schedule".into(), json!(c.schedule));
            insert_some(
                &mut workload,
                "timeZone",
                c.time_zone.as_ref().map(|t| json!(t)),
            );
            insert_some(
                &mut workload,
                "concurrencyPolicy",
                c.concurrency_policy.map(|p| json!(p)),
            );
            workload.insert("jobTemplate".into(), json!({"spec": job}));
        }
        _ => {
            workload.insert("template".into(), template);
        }
    }

    let autoscaling = c.autoscaling.as_ref().map(|a| {
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
                "pods": {"metric": {"name": m.name}, "target": {"type": "AverageValue", "averageValue": m.average_value.0}},
            }));
        }
        let mut spec = Map::new();
        spec.insert(
            "scaleTargetRef".into(),
            json!({"apiVersion": "apps/v1", "kind": kind.as_str(), "name": key}),
        );
        spec.insert("minReplicas".into(), json!(a.min_replicas));
        spec.insert("maxReplicas".into(), json!(a.max_replicas));
        spec.insert("metrics".into(), json!(metrics));
        insert_some(
            &mut spec,
            "behavior",
            a.behavior.as_ref().and_then(|b| serde_json::to_value(b).ok()),
        );
        Value::Object(spec)
    });
    let disruption_budget = c.disruption_budget.as_ref().map(|b| {
        let mut spec = Map::new();
        insert_some(
            &mut spec,
            "minAvailable",
            b.min_available.as_ref().map(|v| int_or_string(&v.0)),
        );
        insert_some(
            &mut spec,
            "maxUnavailable",
            b.max_unavailable.as_ref().map(|v| int_or_string(&v.0)),
        );
        spec.insert("selector".into(), json!({"matchLabels": selector}));
        Value::Object(spec)
    });
    let ingress = c.ingress.as_ref().map(|ing| {
        let port = match &ing.port {
            Some(p) => c.ports.iter().find(|q| &q.name == p),
            None => c.ports.iter().find(|q| q.expose),
        };
        let mut annotations: BTreeMap<String, String> = ing.annotations.clone();
        if let Some(issuer) = &ing.cluster_issuer {
            annotations.insert("cert-manager.io/cluster-issuer".into(), issuer.clone());
        }
        let service_name = services
            .iter()
            .find(|s| s["type"] != json!("Headless"))
            .or(services.first())
            .map_or(json!(key), |s| s["name"].clone());
        json!({
            "name": ing.name.clone().unwrap_or_else(|| key.to_string()),
            "className": ing.class_name,
            "annotations": annotations,
            "host": ing.host,
            "path": ing.path,
            "serviceName": service_name,
            "servicePort": port.map(|p| p.service_port.unwrap_or(p.container_port)),
            "tls": ing.tls.as_ref().map(|t| json!({"secretName": t.secret_name})),
        })
    });

    json!({
        "key": key,
        "name": key,
        "kind": kind.as_str(),
        "apiVersion": if kind.runs_to_completion() { "batch/v1" } else { "apps/v1" },
        "labels": labels,
        "selector": selector,
        "serviceAccount": service_account,
        "services": services,
        "spec": workload,
        "autoscaling": autoscaling,
        "disruptionBudget": disruption_budget,
        "ingress": ingress,
        "extensions": c.extensions,
    })
}

fn strategy_key(kind: WorkloadKind) -> &'static str {
    match kind {
        WorkloadKind::Deployment => "strategy",
        _ => "updateStrategy",
    }
}

fn strategy(kind: WorkloadKind, c: &Component) -> Option<Value> {
    let r = c.rollout.as_ref()?;
    if kind.runs_to_completion() {
        return None;
    }
    match r.strategy {
        Some(RolloutStrategy::Recreate) => return Some(json!({"type": "Recreate"})),
        Some(RolloutStrategy::OnDelete) => return Some(json!({"type": "OnDelete"})),
        _ => {}
    }
    let mut rolling = Map::new();
    if kind == WorkloadKind::Deployment || kind == WorkloadKind::DaemonSet {
        insert_some(
            &mut rolling,
            "maxSurge",
            r.max_surge.as_ref().map(|v| int_or_string(&v.0)),
        );
    }
    insert_some(
        &mut rolling,
        "maxUnavailable",
        r.max_unavailable.as_ref().map(|v| int_or_string(&v.0)),
    );
    if kind == WorkloadKind::StatefulSet {
        insert_some(&mut rolling, "partition", r.partition.map(|p| json!(p)));
    }
    if rolling.is_empty() {
        return None;
    }
    Some(json!({"type": "RollingUpdate", "rollingUpdate": rolling}))
}

/// The component's Services: the declared ones, or one named after the component for the
/// main container's exposed ports (headless for a StatefulSet).
fn services(key: &str, c: &Component, selector: &Map<String, Value>) -> Vec<Value> {
    if c.kind.runs_to_completion() {
        return Vec::new();
    }
    let all_ports: Vec<&Port> = c
        .ports
        .iter()
        .chain(c.sidecars.values().flat_map(|s| s.ports.iter()))
        .collect();
    let port_entry = |p: &Port| {
        json!({
            "name": p.name,
            "port": p.service_port.unwrap_or(p.container_port),
            "targetPort": p.name,
            "protocol": p.protocol,
        })
    };
    let declared: BTreeMap<String, ComponentService> = match &c.services {
        Some(s) => s.clone(),
        None if c.ports.iter().any(|p| p.expose) => {
            let kind = if c.kind == WorkloadKind::StatefulSet {
                ComponentServiceType::Headless
            } else {
                ComponentServiceType::ClusterIP
            };
            let service = ComponentService {
                kind,
                ..ComponentService::default()
            };
            BTreeMap::from([(key.to_string(), service)])
        }
        None => BTreeMap::new(),
    };
    let mut out: Vec<Value> = declared
        .into_iter()
        .map(|(name, service)| {
            let ComponentService {
                kind,
                ports,
                annotations,
            } = service;
            let ports: Vec<Value> = if ports.is_empty() {
                c.ports
                    .iter()
                    .filter(|p| p.expose)
                    .map(port_entry)
                    .collect()
            } else {
                ports
                    .iter()
                    .filter_map(|n| all_ports.iter().find(|p| &p.name == n))
                    .map(|p| port_entry(p))
                    .collect()
            };
            let (service_type, headless) = match kind {
                ComponentServiceType::Headless => ("ClusterIP", true),
                ComponentServiceType::ClusterIP => ("ClusterIP", false),
                ComponentServiceType::NodePort => ("NodePort", false),
                ComponentServiceType::LoadBalancer => ("LoadBalancer", false),
            };
            json!({
                "name": name,
                "type": if headless { "Headless" } else { service_type },
                "serviceType": service_type,
                "headless": headless,
                "annotations": annotations,
                "ports": ports,
                "selector": selector,
            })
        })
        .collect();
    // A StatefulSet's governing Service (the headless one) comes first.
    out.sort_by_key(|s| s["headless"] != json!(true));
    out
}

/// A security context split as Kubernetes takes it: the pod's part (user, group, fsGroup,
/// seccomp) and the container's (privilege escalation, read-only root, capabilities).
pub(super) fn security_parts(sc: &SecurityContext) -> (Map<String, Value>, Map<String, Value>) {
    let mut pod = Map::new();
    if let Some(v) = sc.run_as_non_root {
        pod.insert("runAsNonRoot".into(), json!(v));
    }
    if let Some(v) = sc.run_as_user {
        pod.insert("runAsUser".into(), json!(v));
    }
    if let Some(v) = sc.run_as_group {
        pod.insert("runAsGroup".into(), json!(v));
    }
    if let Some(v) = sc.fs_group {
        pod.insert("fsGroup".into(), json!(v));
    }
    if let Some(p) = sc.seccomp_profile {
        let kind = match p {
            SeccompProfile::RuntimeDefault => "RuntimeDefault",
            SeccompProfile::Unconfined => "Unconfined",
        };
        pod.insert("seccompProfile".into(), json!({"type": kind}));
    }
    (pod, container_security(sc))
}

pub(super) fn container_security(sc: &SecurityContext) -> Map<String, Value> {
    let mut m = Map::new();
    if let Some(v) = sc.allow_privilege_escalation {
        m.insert("allowPrivilegeEscalation".into(), json!(v));
    }
    if let Some(v) = sc.read_only_root_filesystem {
        m.insert("readOnlyRootFilesystem".into(), json!(v));
    }
    if let Some(c) = &sc.capabilities {
        let mut caps = Map::new();
        if !c.add.is_empty() {
            caps.insert("add".into(), json!(c.add));
        }
        if !c.drop.is_empty() {
            caps.insert("drop".into(), json!(c.drop));
        }
        if !caps.is_empty() {
            m.insert("capabilities".into(), Value::Object(caps));
        }
    }
    m
}

/// A sidecar's own security settings over the component's.
fn merged_security(base: &SecurityContext, own: Option<&SecurityContext>) -> Map<String, Value> {
    let mut m = container_security(base);
    if let Some(own) = own {
        let (pod, container) = security_parts(own);
        // Per-container user settings are valid on a container too.
        for (k, v) in pod {
            if k != "fsGroup" && k != "seccompProfile" {
                m.insert(k, v);
            }
        }
        m.extend(container);
    }
    m
}

fn env_list(
    env: &BTreeMap<String, EnvValue>,
    address: &dyn Fn(&AddressRef) -> String,
) -> Vec<Value> {
    env.iter()
        .map(|(name, v)| match v {
            EnvValue::Literal(l) => json!({"name": name, "value": l.as_text()}),
            EnvValue::Address(a) => json!({"name": name, "value": address(a)}),
            EnvValue::From(s) => {
                let from = if let Some(r) = &s.secret_key_ref {
                    json!({"secretKeyRef": r})
                } else if let Some(r) = &s.config_map_key_ref {
                    json!({"configMapKeyRef": r})
                } else if let Some(f) = &s.field_ref {
                    json!({"fieldRef": {"fieldPath": f}})
                } else {
                    json!({"resourceFieldRef": {"resource": s.resource_field_ref}})
                };
                json!({"name": name, "valueFrom": from})
            }
        })
        .collect()
}

fn env_from_list(items: &[EnvFrom]) -> Vec<Value> {
    items
        .iter()
        .map(|e| {
            let mut m = Map::new();
            if let Some(p) = &e.prefix {
                m.insert("prefix".into(), json!(p));
            }
            if let Some(n) = &e.config_map {
                m.insert("configMapRef".into(), json!({"name": n}));
            } else if let Some(n) = &e.secret {
                m.insert("secretRef".into(), json!({"name": n}));
            }
            Value::Object(m)
        })
        .collect()
}

fn resources(r: &Option<Resources>) -> Option<Value> {
    let r = r.as_ref()?;
    let mut m = Map::new();
    insert_some(&mut m, "requests", resource_list(&r.requests));
    insert_some(&mut m, "limits", resource_list(&r.limits));
    (!m.is_empty()).then_some(Value::Object(m))
}

fn mounts(list: &[VolumeMount]) -> Vec<Value> {
    list.iter()
        .map(|m| {
            let mut v = Map::new();
            v.insert("name".into(), json!(m.name));
            v.insert("mountPath".into(), json!(m.mount_path));
            insert_some(&mut v, "subPath", m.sub_path.as_ref().map(|s| json!(s)));
            insert_some(&mut v, "readOnly", m.read_only.map(|r| json!(r)));
            Value::Object(v)
        })
        .collect()
}

struct ContainerParts<'a> {
    name: &'a str,
    image: String,
    pull_policy: Option<Value>,
    command: &'a [String],
    args: &'a [String],
    ports: &'a [Port],
    env: Vec<Value>,
    env_from: Vec<Value>,
    resources: Option<Value>,
    probes: &'a Probes,
    security: Map<String, Value>,
    mounts: Vec<Value>,
    restart_always: bool,
}

fn container_value(p: ContainerParts<'_>) -> Value {
    let mut m = Map::new();
    m.insert("name".into(), json!(p.name));
    m.insert("image".into(), json!(p.image));
    insert_some(&mut m, "imagePullPolicy", p.pull_policy);
    if p.restart_always {
        m.insert("restartPolicy".into(), json!("Always"));
    }
    insert_some(&mut m, "command", non_empty(p.command));
    insert_some(&mut m, "args", non_empty(p.args));
    let ports: Vec<Value> = p
        .ports
        .iter()
        .map(|q| json!({"name": q.name, "containerPort": q.container_port, "protocol": q.protocol}))
        .collect();
    insert_some(&mut m, "ports", non_empty(&ports));
    insert_some(&mut m, "env", non_empty(&p.env));
    insert_some(&mut m, "envFrom", non_empty(&p.env_from));
    insert_some(&mut m, "resources", p.resources);
    for (key, pr) in [
        ("livenessProbe", &p.probes.liveness),
        ("readinessProbe", &p.probes.readiness),
        ("startupProbe", &p.probes.startup),
    ] {
        if pr.is_some() {
            m.insert(key.into(), probe(pr));
        }
    }
    if !p.security.is_empty() {
        m.insert("securityContext".into(), Value::Object(p.security));
    }
    insert_some(&mut m, "volumeMounts", non_empty(&p.mounts));
    Value::Object(m)
}

fn side_container(
    name: &str,
    s: &Container,
    base: &SecurityContext,
    restart_always: bool,
    address: &dyn Fn(&AddressRef) -> String,
) -> Value {
    container_value(ContainerParts {
        name,
        image: s.image.reference(),
        pull_policy: s.image.pull_policy.map(|p| json!(p)),
        command: &s.command,
        args: &s.args,
        ports: &s.ports,
        env: env_list(&s.env, address),
        env_from: env_from_list(&s.env_from),
        resources: resources(&s.resources),
        probes: &s.probes,
        security: merged_security(base, s.security_context.as_ref()),
        mounts: mounts(&s.volume_mounts),
        restart_always,
    })
}

fn volume_value(name: &str, v: &Volume) -> Value {
    let files = |f: &crate::spec::pod::FilesFrom, name_key: &str| {
        let mut m = Map::new();
        m.insert(name_key.into(), json!(f.name));
        if !f.items.is_empty() {
            let items: Vec<Value> = f
                .items
                .iter()
                .map(|(k, p)| json!({"key": k, "path": p}))
                .collect();
            m.insert("items".into(), Value::Array(items));
        }
        insert_some(
            &mut m,
            "defaultMode",
            f.default_mode.as_ref().map(|d| json!(d.value())),
        );
        insert_some(&mut m, "optional", f.optional.map(|o| json!(o)));
        Value::Object(m)
    };
    let source = if let Some(e) = &v.empty_dir {
        let mut m = Map::new();
        insert_some(&mut m, "medium", e.medium.map(|x| json!(x)));
        insert_some(
            &mut m,
            "sizeLimit",
            e.size_limit.as_ref().map(|q| json!(q.0)),
        );
        ("emptyDir", Value::Object(m))
    } else if let Some(f) = &v.config_map {
        ("configMap", files(f, "name"))
    } else if let Some(f) = &v.secret {
        ("secret", files(f, "secretName"))
    } else if let Some(c) = &v.persistent_volume_claim {
        let mut m = Map::new();
        m.insert("claimName".into(), json!(c.claim_name));
        insert_some(&mut m, "readOnly", c.read_only.map(|r| json!(r)));
        ("persistentVolumeClaim", Value::Object(m))
    } else if let Some(t) = &v.service_account_token {
        (
            "projected",
            json!({"sources": [{"serviceAccountToken": {
                "audience": t.audience,
                "expirationSeconds": t.expiration_seconds,
                "path": t.path,
            }}]}),
        )
    } else {
        ("emptyDir", json!({}))
    };
    let mut m = Map::new();
    m.insert("name".into(), json!(name));
    m.insert(source.0.into(), source.1);
    Value::Object(m)
}

fn pod_spec(
    key: &str,
    c: &Component,
    selector: &Map<String, Value>,
    service_account: Option<&Value>,
    address: &dyn Fn(&AddressRef) -> String,
) -> Value {
    let sc = &c.security_context;
    let (pod_security, main_security) = security_parts(sc);
    let mut spec = Map::new();
    match service_account {
        Some(sa) => {
            spec.insert("serviceAccountName".into(), sa["name"].clone());
            spec.insert(
                "automountServiceAccountToken".into(),
                sa["automount"].clone(),
            );
        }
        None => {
            spec.insert("automountServiceAccountToken".into(), json!(false));
        }
    }
    if !c.image.pull_secrets.is_empty() {
        let secrets: Vec<Value> = c
            .image
            .pull_secrets
            .iter()
            .map(|s| json!({"name": s}))
            .collect();
        spec.insert("imagePullSecrets".into(), Value::Array(secrets));
    }
    if !pod_security.is_empty() {
        spec.insert("securityContext".into(), Value::Object(pod_security));
    }
    insert_some(
        &mut spec,
        "priorityClassName",
        c.priority_class_name.as_ref().map(|p| json!(p)),
    );
    if !c.node_selector.is_empty() {
        spec.insert("nodeSelector".into(), json!(c.node_selector));
    }
    insert_some(&mut spec, "tolerations", non_empty(&c.tolerations));
    insert_some(&mut spec, "affinity", affinity(c, selector));
    let spread: Vec<Value> = c
        .topology_spread
        .iter()
        .map(|t| {
            json!({
                "maxSkew": t.max_skew,
                "topologyKey": t.topology_key,
                "whenUnsatisfiable": t.when_unsatisfiable,
                "labelSelector": {"matchLabels": selector},
            })
        })
        .collect();
    insert_some(&mut spec, "topologySpreadConstraints", non_empty(&spread));
    insert_some(
        &mut spec,
        "terminationGracePeriodSeconds",
        c.termination_grace_period_seconds.map(|s| json!(s)),
    );
    if c.kind.runs_to_completion() {
        let policy = match c.job.as_ref().and_then(|j| j.restart_policy) {
            Some(JobRestartPolicy::OnFailure) => "OnFailure",
            _ => "Never",
        };
        spec.insert("restartPolicy".into(), json!(policy));
    }
    // Sidecars first, so init containers can use them (a database proxy, a mesh).
    let mut init: Vec<Value> = c
        .sidecars
        .iter()
        .map(|(n, s)| side_container(n, s, sc, true, address))
        .collect();
    init.extend(
        c.init_containers
            .iter()
            .map(|(n, s)| side_container(n, s, sc, false, address)),
    );
    insert_some(&mut spec, "initContainers", non_empty(&init));
    let mut main_mounts = mounts(&c.volume_mounts);
    for (name, s) in &c.storage {
        main_mounts.push(json!({"name": name, "mountPath": s.mount_path}));
    }
    for w in &sc.writable_paths {
        main_mounts.push(json!({"name": w.name, "mountPath": w.path}));
    }
    let mut env = env_list(&c.env, address);
    for s in &c.secrets {
        for (var, k) in &s.keys {
            env.push(json!({"name": var, "valueFrom": {"secretKeyRef": {"name": s.secret_name, "key": k}}}));
        }
    }
    let mut env_from = env_from_list(&c.env_from);
    env_from.extend(
        c.secrets
            .iter()
            .filter(|s| s.env_from)
            .map(|s| json!({"secretRef": {"name": s.secret_name}})),
    );
    let main = container_value(ContainerParts {
        name: c.container_name.as_deref().unwrap_or(key),
        image: c.image.reference(),
        pull_policy: c.image.pull_policy.map(|p| json!(p)),
        command: &c.command,
        args: &c.args,
        ports: &c.ports,
        env,
        env_from,
        resources: resources(&c.resources),
        probes: &c.probes,
        security: main_security,
        mounts: main_mounts,
        restart_always: false,
    });
    spec.insert("containers".into(), json!([main]));
    let mut volumes: Vec<Value> = c.volumes.iter().map(|(n, v)| volume_value(n, v)).collect();
    for w in &sc.writable_paths {
        volumes.push(match &w.size_limit {
            Some(limit) => json!({"name": w.name, "emptyDir": {"sizeLimit": limit.0}}),
            None => json!({"name": w.name, "emptyDir": {}}),
        });
    }
    insert_some(&mut spec, "volumes", non_empty(&volumes));
    Value::Object(spec)
}

fn affinity(c: &Component, selector: &Map<String, Value>) -> Option<Value> {
    let a = c.affinity.as_ref()?;
    let mut m = Map::new();
    let term = |reqs: &[crate::spec::pod::LabelRequirement]| {
        json!({"matchExpressions": reqs.iter().map(|r| {
            let mut e = Map::new();
            e.insert("key".into(), json!(r.key));
            e.insert("operator".into(), json!(r.operator));
            if !r.values.is_empty() {
                e.insert("values".into(), json!(r.values));
            }
            Value::Object(e)
        }).collect::<Vec<_>>()})
    };
    let mut node = Map::new();
    if !a.required_node_labels.is_empty() {
        node.insert(
            "requiredDuringSchedulingIgnoredDuringExecution".into(),
            json!({"nodeSelectorTerms": [term(&a.required_node_labels)]}),
        );
    }
    if !a.preferred_node_labels.is_empty() {
        node.insert(
            "preferredDuringSchedulingIgnoredDuringExecution".into(),
            json!([{"weight": 100, "preference": term(&a.preferred_node_labels)}]),
        );
    }
    if !node.is_empty() {
        m.insert("nodeAffinity".into(), Value::Object(node));
    }
    if let Some(other) = &a.co_locate_with {
        m.insert(
            "podAffinity".into(),
            json!({"requiredDuringSchedulingIgnoredDuringExecution": [{
                "labelSelector": {"matchLabels": {"app.kubernetes.io/name": other}},
                "topologyKey": "kubernetes.io/hostname",
            }]}),
        );
    }
    if let Some(strength) = a.pod_anti_affinity {
        let term = json!({"labelSelector": {"matchLabels": selector}, "topologyKey": "kubernetes.io/hostname"});
        m.insert(
            "podAntiAffinity".into(),
            match strength {
                AntiAffinity::Preferred => {
                    json!({"preferredDuringSchedulingIgnoredDuringExecution": [
                    {"weight": 100, "podAffinityTerm": term}]})
                }
                AntiAffinity::Required => {
                    json!({"requiredDuringSchedulingIgnoredDuringExecution": [term]})
                }
            },
        );
    }
    (!m.is_empty()).then_some(Value::Object(m))
}

/// The Compose services of the components that render for Compose, in key order.
pub fn compose(spec: &Spec, connections: &Connections) -> Vec<Value> {
    spec.components
        .iter()
        .filter(|(_, c)| renders(spec, c, Target::Compose))
        .map(|(key, c)| compose_service(spec, connections, key, c))
        .collect()
}

/// Adds the Compose services a workload's connections reach to its `depends_on` entries
/// (after those listed by hand, each service once): it waits until a target with a health
/// check is healthy.
pub(super) fn connection_dependencies(
    connections: &Connections,
    workload: &str,
    depends_on: &mut Vec<Value>,
) {
    for e in connections
        .get(workload)
        .into_iter()
        .flat_map(|w| w.values())
    {
        let Some(service) = &e.compose_service else {
            continue;
        };
        if service == workload || depends_on.iter().any(|d| d["name"] == json!(service)) {
            continue;
        }
        let healthy = matches!(&e.kind, EndpointKind::Workload(w) if w.compose_healthy);
        depends_on.push(json!({
            "name": service,
            "condition": if healthy { "service_healthy" } else { "service_started" },
        }));
    }
}

/// Whether a component has a Compose health check (others wait for it to be healthy).
pub fn has_compose_healthcheck(c: &Component) -> bool {
    c.has_compose_healthcheck()
}

fn compose_service(spec: &Spec, connections: &Connections, key: &str, c: &Component) -> Value {
    let settings = c.compose.clone().unwrap_or_default();
    let sc = &c.security_context;
    let mut environment: BTreeMap<String, Value> = BTreeMap::new();
    for (k, v) in &c.env {
        match v {
            EnvValue::Literal(l) => {
                environment.insert(k.clone(), json!(l.as_text()));
            }
            // A Secret's value is passed through from the shell that runs Compose; the
            // other references have no meaning outside Kubernetes.
            EnvValue::From(s) if s.secret_key_ref.is_some() => {
                environment.insert(k.clone(), Value::Null);
            }
            EnvValue::From(_) => {}
            EnvValue::Address(a) => {
                environment.insert(k.clone(), json!(address(connections, key, a, true)));
            }
        }
    }
    for s in &c.secrets {
        for var in s.keys.keys() {
            environment.insert(var.clone(), Value::Null);
        }
    }
    let user = match (sc.run_as_user, sc.run_as_group) {
        (Some(u), Some(g)) => Some(format!("{u}:{g}")),
        (Some(u), None) => Some(u.to_string()),
        _ => None,
    };
    let mut volumes: Vec<String> = Vec::new();
    let mut named: Vec<String> = Vec::new();
    let mut tmpfs: Vec<String> = sc.writable_paths.iter().map(|w| w.path.clone()).collect();
    for (name, s) in &c.storage {
        let volume = format!("{key}-{name}");
        volumes.push(format!("{volume}:{}", s.mount_path));
        named.push(volume);
    }
    for m in &c.volume_mounts {
        match c.volumes.get(&m.name) {
            Some(v) if v.empty_dir.is_some() => tmpfs.push(m.mount_path.clone()),
            Some(v) if v.persistent_volume_claim.is_some() => {
                let volume = format!("{key}-{}", m.name);
                let ro = if m.read_only == Some(true) { ":ro" } else { "" };
                volumes.push(format!("{volume}:{}{ro}", m.mount_path));
                named.push(volume);
            }
            _ => {}
        }
    }
    for v in &settings.volumes {
        volumes.push(v.clone());
        if let Some((source, _)) = v.split_once(':') {
            if !source.is_empty() && !source.starts_with(['.', '/', '~', '$']) {
                named.push(source.to_string());
            }
        }
    }
    let healthcheck = match &settings.healthcheck {
        Some(h) => Some(compose_healthcheck(h)),
        None => c
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
    let mut depends_on: Vec<Value> = settings
        .depends_on
        .iter()
        .map(|d| {
            let healthy = match spec.components.get(d) {
                Some(other) => has_compose_healthcheck(other),
                None => spec.has_compose_healthcheck(),
            };
            json!({"name": d, "condition": if healthy { "service_healthy" } else { "service_started" }})
        })
        .collect();
    connection_dependencies(connections, key, &mut depends_on);
    let replicated = c.kind.has_replicas();
    json!({
        "name": key,
        "image": c.image.reference(),
        "build": settings.build,
        "entrypoint": c.command,
        "command": c.args,
        "environment": environment,
        "ports": c.ports.iter().filter_map(|p| p.host_port.map(|h| format!("{h}:{}", p.container_port))).collect::<Vec<_>>(),
        "volumes": volumes,
        "namedVolumes": named,
        "dependsOn": depends_on,
        "user": user,
        "readOnly": sc.read_only_root_filesystem,
        "noNewPrivileges": sc.allow_privilege_escalation == Some(false),
        "capDrop": sc.capabilities.as_ref().map(|c| c.drop.clone()).unwrap_or_default(),
        "capAdd": sc.capabilities.as_ref().map(|c| c.add.clone()).unwrap_or_default(),
        "tmpfs": tmpfs,
        "limits": c.resources.as_ref().and_then(|r| compose_resources(&r.limits)),
        "reservations": c.resources.as_ref().and_then(|r| compose_resources(&r.requests)),
        "healthcheck": healthcheck,
        "stopGracePeriod": settings.stop_grace_period.as_ref().map(|d| d.0.clone())
            .or_else(|| c.termination_grace_period_seconds.map(|s| format!("{s}s"))),
        "replicas": if replicated { json!(c.replicas) } else { Value::Null },
        // Jobs run on demand (`docker-compose run <name>`), not with every `up`.
        "profiles": if c.kind.runs_to_completion() { json!(["jobs"]) } else { json!([]) },
    })
}
