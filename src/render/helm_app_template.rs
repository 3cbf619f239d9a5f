//! Helm values for the bjw-s `app-template` chart 4.x (`appTemplate` in the template
//! context): the shape an app with components gets on the Helm target, so that one
//! maintained chart renders every workload.
//!
//! The values are made from the Kubernetes-shaped pieces the rest of the context carries
//! (the app's own workload from `container`, `pod`, `deployments`, `service`, ...; each
//! component from [`super::components`]), so both targets describe the same pods:
//!
//! - `controllers`: the app's own workload as a `deployment` keyed by the app's name (its
//!   Compose service name too), then each component that renders for Helm keyed by its own
//!   name, with `type`, `replicas` (`null` under autoscaling), an explicit `strategy` (the
//!   chart's default for a Deployment is `Recreate`), `job` / `cronjob` / `statefulset`
//!   settings, `pod` options and `containers` / `initContainers` keyed by name. Sidecars are
//!   native sidecars (`restartPolicy: Always` init containers); `dependsOn` chains the init
//!   containers in the order the Kubernetes target gives them. Probes are written
//!   `custom: true` with the Kubernetes probe as `spec`, or `enabled: false`.
//! - `service`, `ingress`: keyed by the object's name, with `controller` and service
//!   `identifier` references; `persistence`: each pod volume keyed `<controller>-<volume>`
//!   and mounted with `advancedMounts`; StatefulSet storage as `volumeClaimTemplates`.
//! - `serviceAccount`, `configMaps`: the ServiceAccounts and the app's ConfigMap shipshape
//!   creates; `rawResources`: autoscalers and disruption budgets, which the chart lacks.
//!
//! Every object keeps the name the Kubernetes target gives it (`forceRename`), so addresses
//! such as `postgres:5432` hold on both. Selectors are the chart's: the pods of controller
//! `db` carry `app.kubernetes.io/controller: db`, and label selectors that select a
//! workload's own pods (anti-affinity, topology spread, disruption budgets) are rewritten to
//! it.
//!
//! `null` when no component renders for Helm: such an app keeps the `helm create` shape.

use serde_json::{Map, Value, json};

use super::components::{AppIdentity, component};
use crate::spec::component_checks::renders;
use crate::spec::{Environment, Target};

/// The context with `appTemplate` added: the values, or `null`.
pub fn with_values(environment: &Environment, mut context: Value) -> Value {
    let values = values(environment, &context);
    if let Some(m) = context.as_object_mut() {
        m.insert("appTemplate".into(), values);
    }
    context
}

fn values(environment: &Environment, cx: &Value) -> Value {
    let spec = &environment.spec;
    let helm_components: Vec<_> = spec
        .components
        .iter()
        .filter(|(_, c)| renders(spec, c, Target::Helm))
        .collect();
    if helm_components.is_empty() {
        return Value::Null;
    }
    let part_of = cx["labels"]["app.kubernetes.io/part-of"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let app = AppIdentity {
        env: &environment.id.env,
        part_of: &part_of,
        connections: &environment.connections,
    };
    let mut out = Values::default();
    out.workload(&main_workload(cx));
    for (key, c) in helm_components {
        out.workload(&component(spec, &app, key, c));
    }
    if let Some(config) = cx["config"].as_object() {
        out.config_maps.insert(
            "config".into(),
            json!({"forceRename": config["name"], "data": config["data"]}),
        );
    }
    let mut global = Map::new();
    let mut labels = Map::new();
    labels.insert("app.kubernetes.io/part-of".into(), json!(part_of));
    if let Some(extra) = cx["extraLabels"].as_object() {
        labels.extend(extra.clone());
    }
    global.insert("labels".into(), Value::Object(labels));
    let mut m = Map::new();
    m.insert("global".into(), Value::Object(global));
    for (key, section) in [
        ("controllers", out.controllers),
        ("serviceAccount", out.service_accounts),
        ("configMaps", out.config_maps),
        ("service", out.services),
        ("ingress", out.ingress),
        ("persistence", out.persistence),
        ("rawResources", out.raw),
    ] {
        if !section.is_empty() || key == "controllers" {
            m.insert(key.into(), Value::Object(section));
        }
    }
    Value::Object(m)
}

/// The app's own workload in the shape [`component`] gives a component's.
fn main_workload(cx: &Value) -> Value {
    let name = &cx["name"];
    let deployment = cx["deployments"]
        .as_array()
        .and_then(|d| d.iter().find(|d| d["active"] == json!(true)))
        .cloned()
        .unwrap_or(Value::Null);
    let pod = &cx["pod"];
    let mut container = cx["container"].clone();
    if let Some(c) = container.as_object_mut() {
        c.remove("envFromSecrets");
        c.insert("image".into(), deployment["image"].clone());
    }
    let mut pod_spec = Map::new();
    for key in [
        "serviceAccountName",
        "automountServiceAccountToken",
        "imagePullSecrets",
        "securityContext",
        "terminationGracePeriodSeconds",
        "volumes",
    ] {
        pod_spec.insert(key.into(), pod[key].clone());
    }
    if cx["serviceAccount"].is_null() {
        pod_spec.insert("automountServiceAccountToken".into(), json!(false));
    }
    pod_spec.insert("affinity".into(), deployment["affinity"].clone());
    pod_spec.insert(
        "topologySpreadConstraints".into(),
        deployment["topologySpreadConstraints"].clone(),
    );
    pod_spec.insert("containers".into(), json!([container]));
    let mut workload = Map::new();
    workload.insert("replicas".into(), deployment["replicas"].clone());
    workload.insert("strategy".into(), cx["strategy"].clone());
    workload.insert(
        "template".into(),
        json!({
            "metadata": {"labels": deployment["labels"], "annotations": pod["annotations"]},
            "spec": pod_spec,
        }),
    );
    let services: Vec<Value> = cx["service"]
        .as_object()
        .map(|s| {
            json!({
                "name": s["name"],
                "serviceType": s["type"],
                "headless": false,
                "annotations": s["annotations"],
                "ports": s["ports"],
            })
        })
        .into_iter()
        .collect();
    let autoscaling = cx["autoscaling"].as_object().map(|a| {
        let mut spec = Map::new();
        spec.insert(
            "scaleTargetRef".into(),
            json!({"apiVersion": "apps/v1", "kind": "Deployment", "name": name}),
        );
        spec.insert("minReplicas".into(), a["minReplicas"].clone());
        spec.insert("maxReplicas".into(), a["maxReplicas"].clone());
        spec.insert("metrics".into(), a["metrics"].clone());
        if !a["behavior"].is_null() {
            spec.insert("behavior".into(), a["behavior"].clone());
        }
        Value::Object(spec)
    });
    let budget = cx["disruptionBudget"].as_object().map(|b| {
        let mut spec = Map::new();
        for key in ["minAvailable", "maxUnavailable"] {
            if !b[key].is_null() {
                spec.insert(key.into(), b[key].clone());
            }
        }
        spec.insert(
            "selector".into(),
            json!({"matchLabels": deployment["selector"]}),
        );
        Value::Object(spec)
    });
    json!({
        "key": name,
        "name": name,
        "kind": "Deployment",
        "labels": cx["labels"],
        "selector": deployment["selector"],
        "serviceAccount": cx["serviceAccount"],
        "services": services,
        "spec": workload,
        "autoscaling": autoscaling,
        "disruptionBudget": budget,
        "ingress": cx["ingress"],
    })
}

/// The sections of the values, filled one workload at a time.
#[derive(Default)]
struct Values {
    controllers: Map<String, Value>,
    service_accounts: Map<String, Value>,
    config_maps: Map<String, Value>,
    services: Map<String, Value>,
    ingress: Map<String, Value>,
    persistence: Map<String, Value>,
    raw: Map<String, Value>,
}

impl Values {
    /// Adds one workload (a [`component`]-shaped value) and its objects.
    fn workload(&mut self, w: &Value) {
        let key = w["key"].as_str().unwrap_or_default().to_string();
        let kind = w["kind"].as_str().unwrap_or_default();
        let spec = &w["spec"];
        let template = match kind {
            "CronJob" => &spec["jobTemplate"]["spec"]["template"],
            _ => &spec["template"],
        };
        let pod_spec = &template["spec"];
        // The chart's selector labels for this controller's pods, and ours.
        let theirs = json!({
            "app.kubernetes.io/controller": key,
            "app.kubernetes.io/instance": "{{ .Release.Name }}",
        });
        let ours = w["selector"].clone();

        let mut c = Map::new();
        c.insert("forceRename".into(), json!(key));
        c.insert("type".into(), json!(kind.to_ascii_lowercase()));
        if matches!(kind, "Deployment" | "StatefulSet") {
            c.insert("replicas".into(), spec["replicas"].clone());
        }
        let strategy = match kind {
            "Deployment" => Some(&spec["strategy"]),
            "StatefulSet" => Some(&spec["updateStrategy"]),
            _ => None,
        };
        if let Some(s) = strategy {
            c.insert(
                "strategy".into(),
                s.get("type").cloned().unwrap_or(json!("RollingUpdate")),
            );
            if let Some(r) = s.get("rollingUpdate").and_then(Value::as_object) {
                let mut rolling = Map::new();
                for (from, to) in [
                    ("maxSurge", "surge"),
                    ("maxUnavailable", "unavailable"),
                    ("partition", "partition"),
                ] {
                    if let Some(v) = r.get(from) {
                        rolling.insert(to.into(), v.clone());
                    }
                }
                c.insert("rollingUpdate".into(), Value::Object(rolling));
            }
        }
        let job_keys = [
            "backoffLimit",
            "completions",
            "parallelism",
            "activeDeadlineSeconds",
            "ttlSecondsAfterFinished",
        ];
        match kind {
            "Job" => {
                c.insert("job".into(), Value::Object(pick(spec, &job_keys)));
            }
            "CronJob" => {
                let mut cron = pick(&spec["jobTemplate"]["spec"], &job_keys);
                cron.insert("schedule".into(), spec["schedule"].clone());
                if let Some(tz) = spec.get("timeZone") {
                    cron.insert("timeZone".into(), tz.clone());
                }
                // Kubernetes' defaults, where the chart's differ.
                cron.insert(
                    "concurrencyPolicy".into(),
                    spec.get("concurrencyPolicy")
                        .cloned()
                        .unwrap_or(json!("Allow")),
                );
                cron.insert("successfulJobsHistory".into(), json!(3));
                cron.insert("failedJobsHistory".into(), json!(1));
                c.insert("cronjob".into(), Value::Object(cron));
            }
            _ => {}
        }

        // Storage claims, by name: mounts of these go to the claim template.
        let mut claims: Vec<(String, Map<String, Value>)> = spec["volumeClaimTemplates"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|t| {
                let mut m = Map::new();
                let name = t["metadata"]["name"].as_str().unwrap_or_default();
                m.insert("name".into(), json!(name));
                m.insert(
                    "size".into(),
                    t["spec"]["resources"]["requests"]["storage"].clone(),
                );
                m.insert("accessMode".into(), t["spec"]["accessModes"][0].clone());
                if let Some(class) = t["spec"].get("storageClassName") {
                    m.insert("storageClass".into(), class.clone());
                }
                (name.to_string(), m)
            })
            .collect();

        // Containers; their mounts are collected by volume.
        let mut mounts: Vec<(String, String, Value)> = Vec::new();
        let mut containers = Map::new();
        for k8s in pod_spec["containers"].as_array().into_iter().flatten() {
            let (name, value) = container(k8s, None, &mut mounts);
            containers.insert(name, value);
        }
        let mut init = Map::new();
        let mut previous: Option<String> = None;
        for k8s in pod_spec["initContainers"].as_array().into_iter().flatten() {
            let (name, value) = container(k8s, previous.as_deref(), &mut mounts);
            previous = Some(name.clone());
            init.insert(name, value);
        }
        if !init.is_empty() {
            c.insert("initContainers".into(), Value::Object(init));
        }
        c.insert("containers".into(), Value::Object(containers));

        let mut pod = pick(
            pod_spec,
            &[
                "automountServiceAccountToken",
                "imagePullSecrets",
                "securityContext",
                "priorityClassName",
                "nodeSelector",
                "tolerations",
                "affinity",
                "topologySpreadConstraints",
                "terminationGracePeriodSeconds",
                "restartPolicy",
            ],
        );
        if let Some(a) = template["metadata"]["annotations"].as_object() {
            if !a.is_empty() {
                pod.insert("annotations".into(), Value::Object(a.clone()));
            }
        }
        // The pods' extra labels; the chart sets the `app.kubernetes.io/*` ones.
        let labels: Map<String, Value> = template["metadata"]["labels"]
            .as_object()
            .into_iter()
            .flatten()
            .filter(|(k, _)| !k.starts_with("app.kubernetes.io/") && ours.get(k.as_str()).is_none())
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        if !labels.is_empty() {
            pod.insert("labels".into(), Value::Object(labels));
        }
        let mut pod = Value::Object(pod);
        replace_selector(&mut pod, &ours, &theirs);
        c.insert("pod".into(), pod);

        if let Some(sa) = w["serviceAccount"].as_object() {
            let name = sa["name"].clone();
            if sa["create"] == json!(true) {
                let mut account = Map::new();
                account.insert("forceRename".into(), name.clone());
                if let Some(a) = sa["annotations"].as_object().filter(|a| !a.is_empty()) {
                    account.insert("annotations".into(), Value::Object(a.clone()));
                }
                let id = name.as_str().unwrap_or(&key).to_string();
                self.service_accounts
                    .insert(id.clone(), Value::Object(account));
                c.insert("serviceAccount".into(), json!({"identifier": id}));
            } else {
                c.insert("serviceAccount".into(), json!({"name": name}));
            }
        }

        // Pod volumes, and the mounts of each.
        for v in pod_spec["volumes"].as_array().into_iter().flatten() {
            let name = v["name"].as_str().unwrap_or_default();
            let mut item = volume(v);
            let mut by_container = Map::new();
            for (volume, container, mount) in &mounts {
                if volume == name {
                    push(&mut by_container, container, mount.clone());
                }
            }
            item.insert(
                "advancedMounts".into(),
                json!({ key.clone(): Value::Object(by_container) }),
            );
            self.persistence
                .insert(format!("{key}-{name}"), Value::Object(item));
        }
        for (name, claim) in &mut claims {
            let mut by_container = Map::new();
            for (volume, container, mount) in &mounts {
                if volume == name {
                    push(&mut by_container, container, mount.clone());
                }
            }
            claim.insert("advancedMounts".into(), Value::Object(by_container));
        }

        let services = w["services"].as_array().cloned().unwrap_or_default();
        if kind == "StatefulSet" {
            let mut sts = Map::new();
            if let Some(governing) = spec.get("serviceName") {
                sts.insert("serviceName".into(), json!({"identifier": governing}));
            }
            sts.insert(
                "volumeClaimTemplates".into(),
                Value::Array(claims.into_iter().map(|(_, m)| Value::Object(m)).collect()),
            );
            c.insert("statefulset".into(), Value::Object(sts));
        }
        self.controllers.insert(key.clone(), Value::Object(c));

        for s in &services {
            let name = s["name"].as_str().unwrap_or_default().to_string();
            let mut m = Map::new();
            m.insert("forceRename".into(), json!(name));
            m.insert("controller".into(), json!(key));
            m.insert("type".into(), s["serviceType"].clone());
            if s["headless"] == json!(true) {
                m.insert("clusterIP".into(), json!("None"));
            }
            if let Some(a) = s["annotations"].as_object().filter(|a| !a.is_empty()) {
                m.insert("annotations".into(), Value::Object(a.clone()));
            }
            let mut ports = Map::new();
            for p in s["ports"].as_array().into_iter().flatten() {
                let port_name = p["name"].as_str().unwrap_or_default().to_string();
                ports.insert(
                    port_name,
                    json!({"port": p["port"], "targetPort": p["targetPort"], "protocol": p["protocol"]}),
                );
            }
            m.insert("ports".into(), Value::Object(ports));
            self.services.insert(name, Value::Object(m));
        }

        if let Some(ing) = w["ingress"].as_object() {
            let name = ing["name"].as_str().unwrap_or(&key).to_string();
            let mut m = Map::new();
            m.insert("forceRename".into(), json!(name));
            if let Some(class) = ing["className"].as_str() {
                m.insert("className".into(), json!(class));
            }
            if let Some(a) = ing["annotations"].as_object().filter(|a| !a.is_empty()) {
                m.insert("annotations".into(), Value::Object(a.clone()));
            }
            m.insert(
                "hosts".into(),
                json!([{
                    "host": ing["host"],
                    "paths": [{
                        "path": ing["path"],
                        "pathType": ing.get("pathType").cloned().unwrap_or(json!("Prefix")),
                        "service": {"identifier": ing["serviceName"], "port": ing["servicePort"]},
                    }],
                }]),
            );
            if let Some(tls) = ing["tls"].as_object() {
                m.insert(
                    "tls".into(),
                    json!([{"secretName": tls["secretName"], "hosts": [ing["host"]]}]),
                );
            }
            self.ingress.insert(name, Value::Object(m));
        }

        if let Some(hpa) = w["autoscaling"].as_object() {
            self.raw.insert(
                format!("{key}-autoscaler"),
                json!({
                    "forceRename": key,
                    "apiVersion": "autoscaling/v2",
                    "kind": "HorizontalPodAutoscaler",
                    "spec": {"spec": hpa},
                }),
            );
        }
        if !w["disruptionBudget"].is_null() {
            let mut budget = w["disruptionBudget"].clone();
            replace_selector(&mut budget, &ours, &theirs);
            self.raw.insert(
                format!("{key}-disruption-budget"),
                json!({
                    "forceRename": key,
                    "apiVersion": "policy/v1",
                    "kind": "PodDisruptionBudget",
                    "spec": {"spec": budget},
                }),
            );
        }
    }
}

/// The fields of `from` named in `keys` that are set (not null, not empty).
fn pick(from: &Value, keys: &[&str]) -> Map<String, Value> {
    keys.iter()
        .filter_map(|k| {
            let v = from.get(*k)?;
            (!is_empty(v)).then(|| ((*k).to_string(), v.clone()))
        })
        .collect()
}

fn is_empty(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::Array(a) => a.is_empty(),
        Value::Object(m) => m.is_empty(),
        _ => false,
    }
}

fn push(map: &mut Map<String, Value>, key: &str, item: Value) {
    if let Value::Array(list) = map.entry(key).or_insert_with(|| json!([])) {
        list.push(item);
    }
}

/// An app-template container from a Kubernetes one; its volume mounts go to `mounts` as
/// (volume, container, mount). `after` is the init container it starts after.
fn container(
    k8s: &Value,
    after: Option<&str>,
    mounts: &mut Vec<(String, String, Value)>,
) -> (String, Value) {
    let name = k8s["name"].as_str().unwrap_or_default().to_string();
    let mut m = Map::new();
    if let Some(after) = after {
        m.insert("dependsOn".into(), json!(after));
    }
    let (repository, tag) = split_image(k8s["image"].as_str().unwrap_or_default());
    let mut image = Map::new();
    image.insert("repository".into(), json!(repository));
    if let Some(tag) = tag {
        image.insert("tag".into(), json!(tag));
    }
    if let Some(policy) = k8s.get("imagePullPolicy").filter(|p| !p.is_null()) {
        image.insert("pullPolicy".into(), policy.clone());
    }
    m.insert("image".into(), Value::Object(image));
    m.extend(pick(
        k8s,
        &[
            "command",
            "args",
            "env",
            "envFrom",
            "ports",
            "resources",
            "securityContext",
            "lifecycle",
            "restartPolicy",
        ],
    ));
    let mut probes = Map::new();
    for (from, to) in [
        ("livenessProbe", "liveness"),
        ("readinessProbe", "readiness"),
        ("startupProbe", "startup"),
    ] {
        let probe = match k8s.get(from).filter(|p| !is_empty(p)) {
            Some(spec) => json!({"enabled": true, "custom": true, "spec": spec}),
            None => json!({"enabled": false}),
        };
        probes.insert(to.into(), probe);
    }
    m.insert("probes".into(), Value::Object(probes));
    for mount in k8s["volumeMounts"].as_array().into_iter().flatten() {
        let mut at = Map::new();
        at.insert("path".into(), mount["mountPath"].clone());
        for key in ["readOnly", "subPath"] {
            if let Some(v) = mount.get(key).filter(|v| !v.is_null()) {
                at.insert(key.into(), v.clone());
            }
        }
        let volume = mount["name"].as_str().unwrap_or_default().to_string();
        mounts.push((volume, name.clone(), Value::Object(at)));
    }
    (name, Value::Object(m))
}

/// `repo:tag@digest` as the chart's repository and tag (the tag carries the digest; an image
/// pinned by digest alone keeps it on the repository).
fn split_image(reference: &str) -> (String, Option<String>) {
    let (name, digest) = match reference.split_once('@') {
        Some((n, d)) => (n, Some(d)),
        None => (reference, None),
    };
    let last_slash = name.rfind('/').map_or(0, |i| i + 1);
    let (repository, tag) = match name[last_slash..].rfind(':') {
        Some(i) => (&name[..last_slash + i], Some(&name[last_slash + i + 1..])),
        None => (name, None),
    };
    match (tag, digest) {
        (Some(t), Some(d)) => (repository.to_string(), Some(format!("{t}@{d}"))),
        (Some(t), None) => (repository.to_string(), Some(t.to_string())),
        (None, Some(d)) => (format!("{repository}@{d}"), None),
        (None, None) => (repository.to_string(), None),
    }
}

/// An app-template persistence item from a Kubernetes pod volume (without its mounts).
fn volume(v: &Value) -> Map<String, Value> {
    let mut m = Map::new();
    let simple = |source: &Value, allowed: &[&str]| {
        source
            .as_object()
            .is_some_and(|o| o.keys().all(|k| allowed.contains(&k.as_str())))
    };
    if let Some(e) = v.get("emptyDir") {
        m.insert("type".into(), json!("emptyDir"));
        m.extend(pick(e, &["medium", "sizeLimit"]));
    } else if let Some(c) = v
        .get("configMap")
        .filter(|c| simple(c, &["name", "items", "defaultMode"]))
    {
        m.insert("type".into(), json!("configMap"));
        m.extend(pick(c, &["name", "items", "defaultMode"]));
    } else if let Some(s) = v
        .get("secret")
        .filter(|s| simple(s, &["secretName", "items", "defaultMode"]))
    {
        m.insert("type".into(), json!("secret"));
        m.insert("name".into(), s["secretName"].clone());
        m.extend(pick(s, &["items", "defaultMode"]));
    } else if let Some(c) = v
        .get("persistentVolumeClaim")
        .filter(|c| simple(c, &["claimName"]))
    {
        m.insert("type".into(), json!("persistentVolumeClaim"));
        m.insert("existingClaim".into(), c["claimName"].clone());
    } else {
        // Anything else as written for Kubernetes.
        let mut source = v.as_object().cloned().unwrap_or_default();
        source.remove("name");
        m.insert("type".into(), json!("custom"));
        m.insert("volumeSpec".into(), Value::Object(source));
    }
    m
}

/// Replaces every object equal to `ours` (a `matchLabels`) with `theirs`.
fn replace_selector(value: &mut Value, ours: &Value, theirs: &Value) {
    if value == ours {
        *value = theirs.clone();
        return;
    }
    match value {
        Value::Object(m) => m
            .values_mut()
            .for_each(|v| replace_selector(v, ours, theirs)),
        Value::Array(a) => a.iter_mut().for_each(|v| replace_selector(v, ours, theirs)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_split_into_repository_and_tag() {
        assert_eq!(
            split_image("ghcr.io/a/b:1.2"),
            ("ghcr.io/a/b".into(), Some("1.2".into()))
        );
        assert_eq!(
            split_image("localhost:5000/b:1.2@sha256:ab"),
            ("localhost:5000/b".into(), Some("1.2@sha256:ab".into()))
        );
        assert_eq!(
            split_image("localhost:5000/b@sha256:ab"),
            ("localhost:5000/b@sha256:ab".into(), None)
        );
        assert_eq!(split_image("busybox"), ("busybox".into(), None));
    }
}
