//! Kubernetes objects into a spec: workloads grouped with what belongs to them, every field
//! the spec can express mapped onto its key.
//!
//! What is not mapped is not dropped silently: the round trip ([`super::roundtrip`]) renders
//! the spec and lists every difference from the input.

use serde_json::{Map, Value, json};

use super::{InputError, Mapped, has_template, image};
use crate::diff::objects::Object;
use crate::secrets;

const WORKLOADS: [&str; 5] = ["Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob"];

/// Labels shipshape sets on every object itself; an input's values for them are replaced.
const CONVENTION_LABELS: [&str; 4] = [
    "app.kubernetes.io/name",
    "app.kubernetes.io/instance",
    "app.kubernetes.io/version",
    "app.kubernetes.io/managed-by",
];

fn s(v: &Value) -> Option<&str> {
    v.as_str()
}

fn obj(v: &Value) -> Map<String, Value> {
    v.as_object().cloned().unwrap_or_default()
}

fn is_workload(o: &Object) -> bool {
    WORKLOADS.contains(&o.id.kind.as_str()) && matches!(o.id.group.as_str(), "apps" | "batch")
}

/// The pod template of a workload (a CronJob's is inside its job template).
fn pod_template(o: &Object) -> &Value {
    if o.id.kind == "CronJob" {
        &o.value["spec"]["jobTemplate"]["spec"]["template"]
    } else {
        &o.value["spec"]["template"]
    }
}

fn labels_of(v: &Value) -> Map<String, Value> {
    obj(&v["metadata"]["labels"])
}

/// Whether every pair of `selector` is among `labels`.
fn selects(selector: &Map<String, Value>, labels: &Map<String, Value>) -> bool {
    !selector.is_empty() && selector.iter().all(|(k, v)| labels.get(k) == Some(v))
}

/// Maps the objects of one environment.
pub fn map(app: &str, objects: &[Object]) -> Result<Mapped, InputError> {
    let usable: Vec<&Object> = objects.iter().filter(|o| !has_template(&o.value)).collect();
    let workloads: Vec<&Object> = usable.iter().copied().filter(|o| is_workload(o)).collect();
    let main = workloads
        .iter()
        .copied()
        .filter(|o| o.id.kind == "Deployment")
        .find(|o| o.id.name == app)
        .or_else(|| {
            workloads.iter().copied().find(|o| {
                o.id.kind == "Deployment"
                    && usable.iter().any(|s| {
                        s.id.kind == "Service"
                            && selects(
                                &obj(&s.value["spec"]["selector"]),
                                &labels_of(pod_template(o)),
                            )
                    })
            })
        })
        .or_else(|| {
            workloads
                .iter()
                .copied()
                .find(|o| o.id.kind == "Deployment")
        });
    let Some(main) = main else {
        let first = objects.first().map_or_else(String::new, |o| o.file.clone());
        return Err(InputError {
            location: first,
            message: "no Deployment to adopt: the app's own workload is a Deployment (other workloads become its components); add the Deployment's manifest".into(),
        });
    };
    let mut m = Mapper {
        objects: usable,
        notes: Vec::new(),
        namespace: main
            .id
            .namespace
            .clone()
            .unwrap_or_else(|| "default".into()),
    };
    let spec = m.app(app, main, &workloads)?;
    Ok(Mapped {
        spec,
        notes: m.notes,
    })
}

struct Mapper<'a> {
    objects: Vec<&'a Object>,
    notes: Vec<String>,
    namespace: String,
}

impl<'a> Mapper<'a> {
    fn find(&self, kind: &str, name: &str) -> Option<&'a Object> {
        self.objects
            .iter()
            .copied()
            .find(|o| o.id.kind == kind && o.id.name == name)
    }

    fn of_kind(&self, kind: &str) -> impl Iterator<Item = &'a Object> + '_ {
        let kind = kind.to_string();
        self.objects
            .iter()
            .copied()
            .filter(move |o| o.id.kind == kind)
    }

    fn note(&mut self, text: String) {
        if !self.notes.contains(&text) {
            self.notes.push(text);
        }
    }

    fn app(
        &mut self,
        app: &str,
        main: &'a Object,
        workloads: &[&'a Object],
    ) -> Result<Map<String, Value>, InputError> {
        let name = main.id.name.clone();
        let pod = pod_template(main);
        let pod_spec = &pod["spec"];
        let containers = pod_spec["containers"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let container = containers.first().cloned().unwrap_or(Value::Null);
        let mut spec = Map::new();
        if name != app {
            spec.insert("name".into(), json!(name));
        }
        spec.insert("namespace".into(), json!(self.namespace));
        if let Some(ns) = self.find("Namespace", &self.namespace.clone()) {
            spec.insert("createNamespace".into(), json!(true));
            let l = labels_of(&ns.value);
            if !l.is_empty() {
                spec.insert("namespaceLabels".into(), Value::Object(l));
            }
        }
        let selector = obj(&main.value["spec"]["selector"]["matchLabels"]);
        let (mut labels, part_of, component) = self.extra_labels(main, &selector);
        if let Some(p) = part_of {
            spec.insert("partOf".into(), json!(p));
        }
        if let Some(c) = component {
            spec.insert("component".into(), json!(c));
        }
        spec.insert("targets".into(), json!(["kubernetes"]));
        let image_map = self.image_of(&container, pod_spec);
        spec.insert("image".into(), Value::Object(image_map.clone()));
        copy_list(&container, "command", &mut spec);
        copy_list(&container, "args", &mut spec);

        // The Service in front of the main workload.
        let pod_labels = labels_of(pod);
        let services: Vec<&Object> = self
            .of_kind("Service")
            .filter(|s| selects(&obj(&s.value["spec"]["selector"]), &pod_labels))
            .collect();
        let service = services.first().copied();
        let ports = ports(&container, service);
        if !ports.is_empty() {
            spec.insert("ports".into(), Value::Array(ports.clone()));
        }
        if let Some(svc) = service {
            let mut m = Map::new();
            if svc.id.name != name {
                m.insert("name".into(), json!(svc.id.name));
            }
            if let Some(t) = s(&svc.value["spec"]["type"]) {
                if t != "ClusterIP" {
                    m.insert("type".into(), json!(t));
                }
            }
            let ann = obj(&svc.value["metadata"]["annotations"]);
            if !ann.is_empty() {
                m.insert("annotations".into(), Value::Object(ann));
            }
            if !m.is_empty() {
                spec.insert("service".into(), Value::Object(m));
            }
        }

        // Configuration and environment.
        let mut secret_refs: Vec<(String, Map<String, Value>)> = Vec::new();
        let mut config: Option<Map<String, Value>> = None;
        for from in container["envFrom"].as_array().into_iter().flatten() {
            if from.get("prefix").is_some() {
                continue;
            }
            if let Some(cm) = s(&from["configMapRef"]["name"]) {
                if config.is_none() {
                    if let Some(object) = self.find("ConfigMap", cm) {
                        config = Some(self.config(cm, &name, object));
                    }
                }
            } else if let Some(secret) = s(&from["secretRef"]["name"]) {
                secret_entry(&mut secret_refs, secret).insert("envFrom".into(), json!(true));
            }
        }
        let mut env = Map::new();
        for var in container["env"].as_array().into_iter().flatten() {
            let Some(var_name) = s(&var["name"]) else {
                continue;
            };
            if let Some(text) = var.get("value").and_then(s) {
                if secrets::literal_secret(var_name, text).is_some() {
                    let secret = format!("{name}-env");
                    self.literal_note(&main.id.to_string(), var_name, &secret);
                    keys_of(secret_entry(&mut secret_refs, &secret))
                        .insert(var_name.into(), json!(var_name));
                } else {
                    env.insert(var_name.into(), json!(text));
                }
            } else if let Some(r) = var["valueFrom"]["secretKeyRef"].as_object() {
                if r.get("optional").is_some() {
                    continue;
                }
                if let (Some(secret), Some(key)) =
                    (r.get("name").and_then(s), r.get("key").and_then(s))
                {
                    keys_of(secret_entry(&mut secret_refs, secret))
                        .insert(var_name.into(), json!(key));
                }
            } else if let Some(r) = var["valueFrom"]["configMapKeyRef"].as_object() {
                let (Some(cm), Some(key)) = (r.get("name").and_then(s), r.get("key").and_then(s))
                else {
                    continue;
                };
                let value = self
                    .find("ConfigMap", cm)
                    .and_then(|o| o.value["data"].get(key))
                    .and_then(s);
                if let Some(text) = value {
                    if secrets::literal_secret(var_name, text).is_none()
                        && secrets::literal_secret(key, text).is_none()
                    {
                        env.insert(var_name.into(), json!(text));
                    }
                }
            }
        }
        if let Some(c) = config {
            spec.insert("config".into(), Value::Object(c));
        }
        if !env.is_empty() {
            spec.insert("env".into(), Value::Object(env));
        }
        if !secret_refs.is_empty() {
            let list: Vec<Value> = secret_refs
                .into_iter()
                .map(|(secret, mut m)| {
                    let mut entry = Map::new();
                    entry.insert("secretName".into(), json!(secret));
                    if let Some(v) = m.remove("envFrom") {
                        entry.insert("envFrom".into(), v);
                    }
                    if let Some(v) = m.remove("keys") {
                        entry.insert("keys".into(), v);
                    }
                    Value::Object(entry)
                })
                .collect();
            spec.insert("secrets".into(), Value::Array(list));
        }
        if let Some(r) = resources(&container["resources"]) {
            spec.insert("resources".into(), r);
        }
        let probes = probes(&container);
        if !probes.is_empty() {
            spec.insert("probes".into(), Value::Object(probes));
        }
        let mut security = security(&pod_spec["securityContext"], &container["securityContext"]);
        let writable = writable_paths(pod_spec, &container);
        if !writable.is_empty() {
            security.insert("writablePaths".into(), Value::Array(writable));
        }
        if !security.is_empty() {
            spec.insert("securityContext".into(), Value::Object(security));
        }
        if let Some(n) = main.value["spec"]["replicas"].as_u64() {
            spec.insert("replicas".into(), json!(n));
        }
        if let Some(hpa) = self.autoscaler("Deployment", &name) {
            spec.insert("autoscaling".into(), hpa);
        }
        if let Some(pdb) = self.budget(&selector) {
            spec.insert("disruptionBudget".into(), pdb);
        }
        if let Some(svc) = service {
            if let Some(ing) = self.ingress(&svc.id.name, &ports) {
                spec.insert("ingress".into(), ing);
            }
        }
        if let Some(job) = self.migration(&image_map, workloads) {
            spec.insert("migration".into(), job);
        }
        if let Some(svc) = service {
            if let Some(sm) = self.service_monitor(svc) {
                spec.insert("serviceMonitor".into(), sm);
            }
        }
        let mut annotations = obj(&pod["metadata"]["annotations"]);
        if let Some(p) = prometheus(&mut annotations) {
            spec.insert("prometheus".into(), p);
        }
        let mut rollout = rolling(&main.value["spec"]["strategy"]);
        if let Some(c) = self.canary(&name, service.map(|s| s.id.name.as_str())) {
            rollout.insert("canary".into(), c);
        }
        if !rollout.is_empty() {
            spec.insert("rollout".into(), Value::Object(rollout));
        }
        if let Some(a) = anti_affinity(&pod_spec["affinity"], &selector) {
            spec.insert("affinity".into(), json!({"podAntiAffinity": a}));
        }
        let spread = topology_spread(&pod_spec["topologySpreadConstraints"], &selector);
        if !spread.is_empty() {
            spec.insert("topologySpread".into(), Value::Array(spread));
        }
        if let Some(seconds) = pre_stop_sleep(&container) {
            spec.insert("lifecycle".into(), json!({"preStopSleepSeconds": seconds}));
        }
        if let Some(n) = pod_spec["terminationGracePeriodSeconds"].as_u64() {
            spec.insert("terminationGracePeriodSeconds".into(), json!(n));
        }
        if let Some(sa) = self.service_account(pod_spec, &name) {
            spec.insert("serviceAccount".into(), sa);
        }
        for k in selector.keys() {
            labels.remove(k);
        }
        if !labels.is_empty() {
            spec.insert("labels".into(), Value::Object(labels));
        }
        if !selector.is_empty() {
            spec.insert("selectorLabels".into(), Value::Object(selector.clone()));
        }
        if let Some(c) = s(&container["name"]) {
            if c != name {
                spec.insert("containerName".into(), json!(c));
            }
        }
        if !annotations.is_empty() {
            spec.insert("podAnnotations".into(), Value::Object(annotations));
        }
        let migration_name = spec.get("migration").map(|_| ());
        let mut components = Map::new();
        for w in workloads {
            if std::ptr::eq(*w, main)
                || (migration_name.is_some() && self.is_migration(w, &image_map))
            {
                continue;
            }
            components.insert(w.id.name.clone(), Value::Object(self.component(w)));
        }
        if !components.is_empty() {
            spec.insert("components".into(), Value::Object(components));
        }
        for secret in self.of_kind("Secret").collect::<Vec<_>>() {
            let keys: Vec<String> = ["data", "stringData"]
                .iter()
                .flat_map(|f| obj(&secret.value[*f]).keys().cloned().collect::<Vec<_>>())
                .collect();
            self.note(format!(
                "Secret `{}` was not copied (a spec holds no secret values): it must exist in namespace `{}` with the keys {}.",
                secret.id.name,
                self.namespace,
                keys.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ")
            ));
        }
        Ok(spec)
    }

    /// The object's labels that are not conventions or selectors, and the `part-of` and
    /// `component` values (the spec's `partOf` and `component`).
    fn extra_labels(
        &self,
        w: &Object,
        selector: &Map<String, Value>,
    ) -> (Map<String, Value>, Option<String>, Option<String>) {
        let mut labels = labels_of(&w.value);
        for (k, v) in labels_of(pod_template(w)) {
            labels.entry(k).or_insert(v);
        }
        let part_of = labels
            .remove("app.kubernetes.io/part-of")
            .and_then(|v| v.as_str().map(String::from));
        let component = labels
            .remove("app.kubernetes.io/component")
            .and_then(|v| v.as_str().map(String::from));
        for k in CONVENTION_LABELS {
            if !selector.contains_key(k) {
                labels.remove(k);
            }
        }
        (labels, part_of, component)
    }

    fn image_of(&self, container: &Value, pod_spec: &Value) -> Map<String, Value> {
        let mut m = image(s(&container["image"]).unwrap_or_default());
        if let Some(p) = s(&container["imagePullPolicy"]) {
            m.insert("pullPolicy".into(), json!(p));
        }
        let pull: Vec<Value> = pod_spec["imagePullSecrets"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|x| x.get("name").cloned())
            .collect();
        if !pull.is_empty() {
            m.insert("pullSecrets".into(), Value::Array(pull));
        }
        m
    }

    fn literal_note(&mut self, object: &str, var: &str, secret: &str) {
        self.note(format!(
            "{object}: the literal value of `{var}` looks secret and was not copied: create Secret `{secret}` with key `{var}` holding it (the spec references it)."
        ));
    }

    fn config(&mut self, cm: &str, name: &str, object: &Object) -> Map<String, Value> {
        let mut c = Map::new();
        if cm != format!("{name}-config") {
            c.insert("name".into(), json!(cm));
        }
        let mut data = Map::new();
        for (k, v) in obj(&object.value["data"]) {
            let text = v.as_str().unwrap_or_default();
            if secrets::literal_secret(&k, text).is_some() {
                self.note(format!(
                    "ConfigMap `{cm}`: the value of `{k}` looks secret and was not copied: put it in a Secret and reference it under `secrets`."
                ));
                continue;
            }
            data.insert(k, v);
        }
        c.insert("data".into(), Value::Object(data));
        c
    }

    fn autoscaler(&self, kind: &str, name: &str) -> Option<Value> {
        let hpa = self.of_kind("HorizontalPodAutoscaler").find(|h| {
            let t = &h.value["spec"]["scaleTargetRef"];
            s(&t["kind"]) == Some(kind) && s(&t["name"]) == Some(name)
        })?;
        let spec = &hpa.value["spec"];
        let mut m = Map::new();
        m.insert(
            "minReplicas".into(),
            spec.get("minReplicas").cloned().unwrap_or(json!(1)),
        );
        m.insert("maxReplicas".into(), spec["maxReplicas"].clone());
        let mut pod_metrics = Vec::new();
        for metric in spec["metrics"].as_array().into_iter().flatten() {
            match s(&metric["type"]) {
                Some("Resource") => {
                    let r = &metric["resource"];
                    if s(&r["target"]["type"]) == Some("Utilization") {
                        if let Some(res @ ("cpu" | "memory")) = s(&r["name"]) {
                            m.insert(res.into(), r["target"]["averageUtilization"].clone());
                        }
                    }
                }
                Some("Pods") => {
                    let p = &metric["pods"];
                    if s(&p["target"]["type"]) == Some("AverageValue")
                        && p["metric"].get("selector").is_none()
                    {
                        pod_metrics.push(json!({
                            "name": p["metric"]["name"],
                            "averageValue": p["target"]["averageValue"],
                        }));
                    }
                }
                _ => {}
            }
        }
        if !pod_metrics.is_empty() {
            m.insert("podMetrics".into(), Value::Array(pod_metrics));
        }
        if let Some(b) = spec.get("behavior") {
            m.insert("behavior".into(), b.clone());
        }
        Some(Value::Object(m))
    }

    fn budget(&self, selector: &Map<String, Value>) -> Option<Value> {
        let pdb = self
            .of_kind("PodDisruptionBudget")
            .find(|p| obj(&p.value["spec"]["selector"]["matchLabels"]) == *selector)?;
        let mut m = Map::new();
        for k in ["minAvailable", "maxUnavailable"] {
            if let Some(v) = pdb.value["spec"].get(k) {
                m.insert(k.into(), v.clone());
            }
        }
        Some(Value::Object(m))
    }

    fn ingress(&self, service: &str, ports: &[Value]) -> Option<Value> {
        let ing = self.of_kind("Ingress").find(|i| {
            i.value["spec"]["rules"]
                .as_array()
                .into_iter()
                .flatten()
                .flat_map(|r| r["http"]["paths"].as_array().into_iter().flatten())
                .any(|p| s(&p["backend"]["service"]["name"]) == Some(service))
        })?;
        let spec = &ing.value["spec"];
        let rule = spec["rules"].get(0)?;
        let path = rule["http"]["paths"].get(0)?;
        let mut m = Map::new();
        if ing.id.name != service {
            m.insert("name".into(), json!(ing.id.name));
        }
        let mut annotations = obj(&ing.value["metadata"]["annotations"]);
        let class = spec
            .get("ingressClassName")
            .cloned()
            .or_else(|| annotations.remove("kubernetes.io/ingress.class"));
        if let Some(c) = class {
            m.insert("className".into(), c);
        }
        m.insert("host".into(), rule["host"].clone());
        if let Some(p) = s(&path["path"]) {
            if p != "/" {
                m.insert("path".into(), json!(p));
            }
        }
        let backend_port = &path["backend"]["service"]["port"];
        let port_name = ports.iter().find_map(|p| {
            let service_port = p.get("servicePort").or_else(|| p.get("containerPort"));
            let by_number =
                backend_port.get("number").is_some() && service_port == backend_port.get("number");
            let by_name =
                backend_port.get("name").is_some() && p.get("name") == backend_port.get("name");
            (by_number || by_name).then(|| p["name"].clone())
        });
        if let Some(p) = port_name {
            m.insert("port".into(), p);
        }
        if let Some(secret) = spec["tls"].get(0).and_then(|t| t.get("secretName")) {
            m.insert("tls".into(), json!({"secretName": secret}));
        }
        if let Some(issuer) = annotations.remove("cert-manager.io/cluster-issuer") {
            m.insert("clusterIssuer".into(), issuer);
        }
        if !annotations.is_empty() {
            m.insert("annotations".into(), Value::Object(annotations));
        }
        Some(Value::Object(m))
    }

    fn is_migration(&self, w: &Object, image_map: &Map<String, Value>) -> bool {
        if w.id.kind != "Job" {
            return false;
        }
        let c = &pod_template(w)["spec"]["containers"][0];
        let repo = image(s(&c["image"]).unwrap_or_default());
        repo.get("repository") == image_map.get("repository")
            && c["command"].as_array().is_some_and(|a| !a.is_empty())
            && w.id.name.contains("migrat")
    }

    fn migration(&self, image_map: &Map<String, Value>, workloads: &[&'a Object]) -> Option<Value> {
        let job = workloads.iter().find(|w| self.is_migration(w, image_map))?;
        let spec = &job.value["spec"];
        let c = &pod_template(job)["spec"]["containers"][0];
        let mut m = Map::new();
        m.insert("command".into(), c["command"].clone());
        m.insert(
            "backoffLimit".into(),
            spec.get("backoffLimit").cloned().unwrap_or(json!(6)),
        );
        for k in ["activeDeadlineSeconds", "ttlSecondsAfterFinished"] {
            if let Some(v) = spec.get(k) {
                m.insert(k.into(), v.clone());
            }
        }
        Some(Value::Object(m))
    }

    fn service_monitor(&self, svc: &Object) -> Option<Value> {
        let service_labels = labels_of(&svc.value);
        let sm = self.of_kind("ServiceMonitor").find(|m| {
            selects(
                &obj(&m.value["spec"]["selector"]["matchLabels"]),
                &service_labels,
            )
        })?;
        let ep = sm.value["spec"]["endpoints"].get(0)?;
        let mut m = Map::new();
        m.insert("port".into(), ep["port"].clone());
        if let Some(p) = ep.get("path") {
            m.insert("path".into(), p.clone());
        }
        if let Some(i) = ep.get("interval") {
            m.insert("interval".into(), i.clone());
        }
        let mut labels = labels_of(&sm.value);
        for k in service_labels.keys() {
            labels.remove(k);
        }
        if !labels.is_empty() {
            m.insert("labels".into(), Value::Object(labels));
        }
        Some(Value::Object(m))
    }

    fn canary(&self, name: &str, service: Option<&str>) -> Option<Value> {
        if let Some(c) = self
            .of_kind("Canary")
            .find(|c| s(&c.value["spec"]["targetRef"]["name"]) == Some(name))
        {
            let spec = &c.value["spec"];
            let a = &spec["analysis"];
            let mut f = Map::new();
            if let Some(p) = spec.get("progressDeadlineSeconds") {
                f.insert("progressDeadlineSeconds".into(), p.clone());
            }
            for k in ["interval", "threshold", "maxWeight", "stepWeight"] {
                f.insert(k.into(), a[k].clone());
            }
            let metrics: Vec<Value> = a["metrics"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|m| {
                    let mut x = Map::new();
                    for k in ["name", "threshold", "interval"] {
                        if let Some(v) = m.get(k) {
                            x.insert(k.into(), v.clone());
                        }
                    }
                    Value::Object(x)
                })
                .collect();
            if !metrics.is_empty() {
                f.insert("metrics".into(), Value::Array(metrics));
            }
            return Some(json!({"flagger": f}));
        }
        let service = service?;
        let vs = self.of_kind("VirtualService").find(|v| {
            v.value["spec"]["hosts"]
                .as_array()
                .is_some_and(|h| h.iter().any(|x| s(x) == Some(service)))
        })?;
        let mut istio = Map::new();
        let mut weight = None;
        for route in vs.value["spec"]["http"].as_array().into_iter().flatten() {
            let header = route["match"][0]["headers"].as_object().and_then(|h| {
                let (k, v) = h.iter().next()?;
                Some(json!({"name": k, "value": v.get("exact")?}))
            });
            if let Some(h) = header {
                istio.insert("header".into(), h);
            } else {
                for d in route["route"].as_array().into_iter().flatten() {
                    if s(&d["destination"]["subset"]) == Some("canary") {
                        weight = d.get("weight").cloned();
                    }
                }
            }
        }
        istio.insert("weight".into(), weight.unwrap_or(json!(0)));
        let mut ordered = Map::new();
        ordered.insert("weight".into(), istio.remove("weight").unwrap_or(json!(0)));
        ordered.extend(istio);
        Some(json!({"istio": ordered}))
    }

    fn service_account(&self, pod_spec: &Value, name: &str) -> Option<Value> {
        let sa_name = s(&pod_spec["serviceAccountName"])?;
        let mut m = Map::new();
        let object = self.find("ServiceAccount", sa_name);
        m.insert("create".into(), json!(object.is_some()));
        if sa_name != name {
            m.insert("name".into(), json!(sa_name));
        }
        let automount = pod_spec
            .get("automountServiceAccountToken")
            .or_else(|| object.and_then(|o| o.value.get("automountServiceAccountToken")));
        if let Some(a) = automount {
            m.insert("automountToken".into(), a.clone());
        }
        if let Some(o) = object {
            let ann = obj(&o.value["metadata"]["annotations"]);
            if !ann.is_empty() {
                m.insert("annotations".into(), Value::Object(ann));
            }
        }
        Some(Value::Object(m))
    }

    /// A workload other than the main one: a component keyed by its name.
    fn component(&mut self, w: &'a Object) -> Map<String, Value> {
        let name = w.id.name.clone();
        let pod = pod_template(w);
        let pod_spec = &pod["spec"];
        let mut c = Map::new();
        if w.id.kind != "Deployment" {
            c.insert("kind".into(), json!(w.id.kind));
        }
        let init: Vec<Value> = pod_spec["initContainers"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let containers = pod_spec["containers"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let main = containers.first().cloned().unwrap_or(Value::Null);
        c.insert(
            "image".into(),
            Value::Object(self.image_of(&main, pod_spec)),
        );
        if let Some(cn) = s(&main["name"]) {
            if cn != name {
                c.insert("containerName".into(), json!(cn));
            }
        }
        let pod_labels = labels_of(pod);
        let services: Vec<&Object> = self
            .of_kind("Service")
            .filter(|s| selects(&obj(&s.value["spec"]["selector"]), &pod_labels))
            .collect();
        let all_ports = ports(&main, services.first().copied());
        let object_name = w.id.to_string();
        self.container_keys(&object_name, &name, &main, &mut c, all_ports.clone());
        let mut security = security(&pod_spec["securityContext"], &main["securityContext"]);
        if !security.is_empty() {
            c.insert(
                "securityContext".into(),
                Value::Object(std::mem::take(&mut security)),
            );
        }
        let mounts = mounts(&main);
        if !mounts.is_empty() {
            c.insert("volumeMounts".into(), Value::Array(mounts));
        }
        let mut sidecars = Map::new();
        let mut inits = Map::new();
        for ic in &init {
            let Some(n) = s(&ic["name"]) else { continue };
            let x = self.container(&object_name, n, ic, pod_spec);
            if s(&ic["restartPolicy"]) == Some("Always") {
                sidecars.insert(n.into(), Value::Object(x));
            } else {
                inits.insert(n.into(), Value::Object(x));
            }
        }
        for sc in containers.iter().skip(1) {
            if let Some(n) = s(&sc["name"]) {
                let x = self.container(&object_name, n, sc, pod_spec);
                sidecars.insert(n.into(), Value::Object(x));
            }
        }
        if !sidecars.is_empty() {
            c.insert("sidecars".into(), Value::Object(sidecars));
        }
        if !inits.is_empty() {
            c.insert("initContainers".into(), Value::Object(inits));
        }
        let volumes = volumes(pod_spec);
        if !volumes.is_empty() {
            c.insert("volumes".into(), Value::Object(volumes));
        }
        let storage = storage(&w.value["spec"]["volumeClaimTemplates"], &main);
        if !storage.is_empty() {
            c.insert("storage".into(), Value::Object(storage));
        }
        if let Some(n) = w.value["spec"]["replicas"].as_u64() {
            c.insert("replicas".into(), json!(n));
        }
        if services.is_empty() && !all_ports.is_empty() {
            // Without a Service in the input, none is rendered.
            c.insert("services".into(), json!({}));
        }
        if !services.is_empty() {
            let mut map = Map::new();
            for svc in &services {
                let mut m = Map::new();
                let headless = s(&svc.value["spec"]["clusterIP"]) == Some("None");
                let t = if headless {
                    "Headless"
                } else {
                    s(&svc.value["spec"]["type"]).unwrap_or("ClusterIP")
                };
                m.insert("type".into(), json!(t));
                let names: Vec<Value> = svc.value["spec"]["ports"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|sp| {
                        all_ports
                            .iter()
                            .find(|p| port_matches(p, sp))
                            .map(|p| p["name"].clone())
                    })
                    .collect();
                if !names.is_empty() {
                    m.insert("ports".into(), Value::Array(names));
                }
                let ann = obj(&svc.value["metadata"]["annotations"]);
                if !ann.is_empty() {
                    m.insert("annotations".into(), Value::Object(ann));
                }
                map.insert(svc.id.name.clone(), Value::Object(m));
            }
            c.insert("services".into(), Value::Object(map));
        }
        let job_spec = if w.id.kind == "CronJob" {
            &w.value["spec"]["jobTemplate"]["spec"]
        } else {
            &w.value["spec"]
        };
        if matches!(w.id.kind.as_str(), "Job" | "CronJob") {
            let mut j = Map::new();
            for k in [
                "backoffLimit",
                "completions",
                "parallelism",
                "activeDeadlineSeconds",
                "ttlSecondsAfterFinished",
            ] {
                if let Some(v) = job_spec.get(k) {
                    j.insert(k.into(), v.clone());
                }
            }
            if let Some(r) = pod_spec.get("restartPolicy") {
                j.insert("restartPolicy".into(), r.clone());
            }
            if !j.is_empty() {
                c.insert("job".into(), Value::Object(j));
            }
        }
        if w.id.kind == "CronJob" {
            for k in ["schedule", "timeZone", "concurrencyPolicy"] {
                if let Some(v) = w.value["spec"].get(k) {
                    c.insert(k.into(), v.clone());
                }
            }
        }
        let selector = obj(&w.value["spec"]["selector"]["matchLabels"]);
        if let Some(hpa) = self.autoscaler(&w.id.kind, &name) {
            c.insert("autoscaling".into(), hpa);
        }
        if !selector.is_empty() {
            if let Some(pdb) = self.budget(&selector) {
                c.insert("disruptionBudget".into(), pdb);
            }
        }
        if let Some(svc) = services.first() {
            if let Some(ing) = self.ingress(&svc.id.name, &all_ports) {
                c.insert("ingress".into(), ing);
            }
        }
        let mut rollout = rolling(&w.value["spec"]["strategy"]);
        rollout.extend(rolling(&w.value["spec"]["updateStrategy"]));
        if !rollout.is_empty() {
            c.insert("rollout".into(), Value::Object(rollout));
        }
        let node_selector = obj(&pod_spec["nodeSelector"]);
        if !node_selector.is_empty() {
            c.insert("nodeSelector".into(), Value::Object(node_selector));
        }
        if let Some(t) = pod_spec.get("tolerations") {
            c.insert("tolerations".into(), t.clone());
        }
        let spread = topology_spread(&pod_spec["topologySpreadConstraints"], &selector);
        if !spread.is_empty() {
            c.insert("topologySpread".into(), Value::Array(spread));
        }
        if let Some(p) = pod_spec.get("priorityClassName") {
            c.insert("priorityClassName".into(), p.clone());
        }
        if let Some(sa) = self.service_account(pod_spec, &name) {
            c.insert("serviceAccount".into(), sa);
        }
        if let Some(n) = pod_spec["terminationGracePeriodSeconds"].as_u64() {
            c.insert("terminationGracePeriodSeconds".into(), json!(n));
        }
        if !selector.is_empty() {
            c.insert("selectorLabels".into(), Value::Object(selector.clone()));
        }
        let (mut labels, _, _) = self.extra_labels(w, &selector);
        for k in selector.keys() {
            labels.remove(k);
        }
        if !labels.is_empty() {
            c.insert("labels".into(), Value::Object(labels));
        }
        let annotations = obj(&pod["metadata"]["annotations"]);
        if !annotations.is_empty() {
            c.insert("podAnnotations".into(), Value::Object(annotations));
        }
        c
    }

    /// The keys a component's main container and a sidecar share: command, args, ports,
    /// env, envFrom, resources, probes.
    fn container_keys(
        &mut self,
        object: &str,
        owner: &str,
        container: &Value,
        into: &mut Map<String, Value>,
        ports: Vec<Value>,
    ) {
        copy_list(container, "command", into);
        copy_list(container, "args", into);
        if !ports.is_empty() {
            into.insert("ports".into(), Value::Array(ports));
        }
        let mut env = Map::new();
        for var in container["env"].as_array().into_iter().flatten() {
            let Some(n) = s(&var["name"]) else { continue };
            if let Some(text) = var.get("value").and_then(s) {
                if secrets::literal_secret(n, text).is_some() {
                    let secret = format!("{owner}-env");
                    self.literal_note(object, n, &secret);
                    env.insert(
                        n.into(),
                        json!({"secretKeyRef": {"name": secret, "key": n}}),
                    );
                } else {
                    env.insert(n.into(), json!(text));
                }
            } else if let Some(from) = var["valueFrom"].as_object() {
                let mut x = Map::new();
                for (k, v) in from {
                    match k.as_str() {
                        "secretKeyRef" | "configMapKeyRef" => {
                            x.insert(k.clone(), v.clone());
                        }
                        "fieldRef" => {
                            if let Some(p) = v.get("fieldPath") {
                                x.insert("fieldRef".into(), p.clone());
                            }
                        }
                        "resourceFieldRef" => {
                            if let Some(r) = s(&v["resource"]) {
                                x.insert("resourceFieldRef".into(), json!(r));
                            }
                        }
                        _ => {}
                    }
                }
                if !x.is_empty() {
                    env.insert(n.into(), Value::Object(x));
                }
            } else {
                env.insert(n.into(), json!(""));
            }
        }
        if !env.is_empty() {
            into.insert("env".into(), Value::Object(env));
        }
        let env_from: Vec<Value> = container["envFrom"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|f| {
                let mut x = Map::new();
                if let Some(n) = f["configMapRef"].get("name") {
                    x.insert("configMap".into(), n.clone());
                } else if let Some(n) = f["secretRef"].get("name") {
                    x.insert("secret".into(), n.clone());
                } else {
                    return None;
                }
                if let Some(p) = f.get("prefix") {
                    x.insert("prefix".into(), p.clone());
                }
                Some(Value::Object(x))
            })
            .collect();
        if !env_from.is_empty() {
            into.insert("envFrom".into(), Value::Array(env_from));
        }
        if let Some(r) = resources(&container["resources"]) {
            into.insert("resources".into(), r);
        }
        let p = probes(container);
        if !p.is_empty() {
            into.insert("probes".into(), Value::Object(p));
        }
    }

    /// A sidecar or init container.
    fn container(
        &mut self,
        object: &str,
        name: &str,
        c: &Value,
        pod_spec: &Value,
    ) -> Map<String, Value> {
        let mut x = Map::new();
        x.insert(
            "image".into(),
            Value::Object(self.image_of(c, &Value::Null)),
        );
        let _ = pod_spec;
        self.container_keys(object, name, c, &mut x, ports(c, None));
        let sc = security(&Value::Null, &c["securityContext"]);
        if !sc.is_empty() {
            x.insert("securityContext".into(), Value::Object(sc));
        }
        let m = mounts(c);
        if !m.is_empty() {
            x.insert("volumeMounts".into(), Value::Array(m));
        }
        x
    }
}

fn secret_entry<'m>(
    refs: &'m mut Vec<(String, Map<String, Value>)>,
    secret: &str,
) -> &'m mut Map<String, Value> {
    let i = match refs.iter().position(|(n, _)| n == secret) {
        Some(i) => i,
        None => {
            refs.push((secret.to_string(), Map::new()));
            refs.len() - 1
        }
    };
    &mut refs[i].1
}

fn keys_of(entry: &mut Map<String, Value>) -> &mut Map<String, Value> {
    entry
        .entry("keys")
        .or_insert_with(|| Value::Object(Map::new()))
        .as_object_mut()
        .expect("keys is a map")
}

fn copy_list(from: &Value, key: &str, into: &mut Map<String, Value>) {
    if let Some(a) = from[key].as_array() {
        if !a.is_empty() {
            into.insert(key.into(), Value::Array(a.clone()));
        }
    }
}

/// Whether a spec port (`name`, `containerPort`) is the target of a Service port.
fn port_matches(p: &Value, service_port: &Value) -> bool {
    match &service_port["targetPort"] {
        Value::String(n) => p.get("name").and_then(Value::as_str) == Some(n),
        Value::Number(n) => p.get("containerPort").and_then(Value::as_u64) == n.as_u64(),
        _ => p.get("containerPort") == service_port.get("port"),
    }
}

/// The container's ports, with the Service's port numbers and names.
fn ports(container: &Value, service: Option<&Object>) -> Vec<Value> {
    let service_ports: Vec<Value> = service
        .map(|s| {
            s.value["spec"]["ports"]
                .as_array()
                .cloned()
                .unwrap_or_default()
        })
        .unwrap_or_default();
    let mut out = Vec::new();
    for p in container["ports"].as_array().into_iter().flatten() {
        let Some(number) = p["containerPort"].as_u64() else {
            continue;
        };
        let mut m = Map::new();
        let own_name = p.get("name").and_then(Value::as_str);
        let probe = json!({"name": own_name, "containerPort": number});
        let sp = service_ports.iter().find(|sp| port_matches(&probe, sp));
        let name = own_name
            .map(String::from)
            .or_else(|| {
                sp.and_then(|sp| sp.get("name"))
                    .and_then(Value::as_str)
                    .map(String::from)
            })
            .unwrap_or_else(|| {
                if number == 80 || number == 8080 || number == 8000 || number == 3000 {
                    "http".into()
                } else {
                    format!("port-{number}")
                }
            });
        m.insert("name".into(), json!(name));
        m.insert("containerPort".into(), json!(number));
        match sp {
            Some(sp) => {
                if sp["port"].as_u64() != Some(number) {
                    m.insert("servicePort".into(), sp["port"].clone());
                }
            }
            // Without a Service in the input, none is rendered.
            None => {
                m.insert("expose".into(), json!(false));
            }
        }
        if let Some(proto) = p.get("protocol") {
            if proto != "TCP" {
                m.insert("protocol".into(), proto.clone());
            }
        }
        out.push(Value::Object(m));
    }
    out
}

fn resources(r: &Value) -> Option<Value> {
    let mut m = Map::new();
    for part in ["requests", "limits"] {
        let mut x = Map::new();
        for k in ["cpu", "memory"] {
            if let Some(v) = r[part].get(k) {
                x.insert(k.into(), v.clone());
            }
        }
        if !x.is_empty() {
            m.insert(part.into(), Value::Object(x));
        }
    }
    (!m.is_empty()).then_some(Value::Object(m))
}

fn probes(c: &Value) -> Map<String, Value> {
    let mut out = Map::new();
    for (key, field) in [
        ("liveness", "livenessProbe"),
        ("readiness", "readinessProbe"),
        ("startup", "startupProbe"),
    ] {
        let Some(p) = c.get(field) else { continue };
        let mut m = Map::new();
        if let Some(h) = p.get("httpGet") {
            let mut x = Map::new();
            x.insert("path".into(), h.get("path").cloned().unwrap_or(json!("/")));
            x.insert("port".into(), h["port"].clone());
            let headers: Map<String, Value> = h["httpHeaders"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|x| Some((x["name"].as_str()?.to_string(), x["value"].clone())))
                .collect();
            if !headers.is_empty() {
                x.insert("headers".into(), Value::Object(headers));
            }
            if let Some(sc) = h.get("scheme") {
                x.insert("scheme".into(), sc.clone());
            }
            m.insert("http".into(), Value::Object(x));
        } else if let Some(t) = p.get("tcpSocket") {
            m.insert("tcp".into(), t["port"].clone());
        } else if let Some(e) = p.get("exec") {
            m.insert("exec".into(), e["command"].clone());
        } else if let Some(g) = p.get("grpc") {
            m.insert("grpc".into(), g["port"].clone());
            if let Some(sv) = g.get("service") {
                m.insert("grpcService".into(), sv.clone());
            }
        }
        for k in [
            "initialDelaySeconds",
            "periodSeconds",
            "timeoutSeconds",
            "failureThreshold",
            "successThreshold",
        ] {
            if let Some(v) = p.get(k) {
                m.insert(k.into(), v.clone());
            }
        }
        out.insert(key.into(), Value::Object(m));
    }
    out
}

/// The pod's and the container's security settings as the spec's one `securityContext`.
fn security(pod: &Value, container: &Value) -> Map<String, Value> {
    let mut m = Map::new();
    for k in ["runAsNonRoot", "runAsUser", "runAsGroup", "fsGroup"] {
        if let Some(v) = pod.get(k).or_else(|| container.get(k)) {
            m.insert(k.into(), v.clone());
        }
    }
    for k in ["readOnlyRootFilesystem", "allowPrivilegeEscalation"] {
        if let Some(v) = container.get(k) {
            m.insert(k.into(), v.clone());
        }
    }
    if let Some(caps) = container.get("capabilities") {
        let mut c = Map::new();
        for k in ["drop", "add"] {
            if let Some(v) = caps.get(k) {
                c.insert(k.into(), v.clone());
            }
        }
        m.insert("capabilities".into(), Value::Object(c));
    }
    if let Some(t) = pod["seccompProfile"]
        .get("type")
        .or_else(|| container["seccompProfile"].get("type"))
    {
        if t == "RuntimeDefault" || t == "Unconfined" {
            m.insert("seccompProfile".into(), t.clone());
        }
    }
    m
}

/// emptyDir volumes (without a medium) that only the main container mounts, each at one
/// path: the spec's `writablePaths`.
fn writable_paths(pod_spec: &Value, container: &Value) -> Vec<Value> {
    let mut out = Vec::new();
    for v in pod_spec["volumes"].as_array().into_iter().flatten() {
        let Some(name) = s(&v["name"]) else { continue };
        let Some(dir) = v.get("emptyDir") else {
            continue;
        };
        if dir.get("medium").is_some() {
            continue;
        }
        let mounts: Vec<&Value> = container["volumeMounts"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|m| s(&m["name"]) == Some(name))
            .collect();
        let [mount] = mounts.as_slice() else { continue };
        if mount.get("subPath").is_some() || mount.get("readOnly").is_some() {
            continue;
        }
        let mut m = Map::new();
        m.insert("name".into(), json!(name));
        m.insert("path".into(), mount["mountPath"].clone());
        if let Some(l) = dir.get("sizeLimit") {
            m.insert("sizeLimit".into(), l.clone());
        }
        out.push(Value::Object(m));
    }
    out
}

fn mounts(c: &Value) -> Vec<Value> {
    c["volumeMounts"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|m| {
            let mut x = Map::new();
            for k in ["name", "mountPath", "subPath", "readOnly"] {
                if let Some(v) = m.get(k) {
                    x.insert(k.into(), v.clone());
                }
            }
            Value::Object(x)
        })
        .collect()
}

fn volumes(pod_spec: &Value) -> Map<String, Value> {
    let mut out = Map::new();
    for v in pod_spec["volumes"].as_array().into_iter().flatten() {
        let Some(name) = s(&v["name"]) else { continue };
        let mut x = Map::new();
        if let Some(d) = v.get("emptyDir") {
            x.insert("emptyDir".into(), d.clone());
        } else if let Some(src) = v.get("configMap").or_else(|| v.get("secret")) {
            let key = if v.get("configMap").is_some() {
                "configMap"
            } else {
                "secret"
            };
            let mut f = Map::new();
            f.insert(
                "name".into(),
                src.get("name")
                    .or_else(|| src.get("secretName"))
                    .cloned()
                    .unwrap_or(Value::Null),
            );
            let items: Map<String, Value> = src["items"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|i| Some((i["key"].as_str()?.to_string(), i["path"].clone())))
                .collect();
            if !items.is_empty() {
                f.insert("items".into(), Value::Object(items));
            }
            for k in ["defaultMode", "optional"] {
                if let Some(v) = src.get(k) {
                    f.insert(k.into(), v.clone());
                }
            }
            x.insert(key.into(), Value::Object(f));
        } else if let Some(p) = v.get("persistentVolumeClaim") {
            x.insert("persistentVolumeClaim".into(), p.clone());
        } else {
            continue;
        }
        out.insert(name.into(), Value::Object(x));
    }
    out
}

fn storage(templates: &Value, main: &Value) -> Map<String, Value> {
    let mut out = Map::new();
    for t in templates.as_array().into_iter().flatten() {
        let Some(name) = s(&t["metadata"]["name"]) else {
            continue;
        };
        let Some(mount) = main["volumeMounts"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|m| s(&m["name"]) == Some(name))
        else {
            continue;
        };
        let mut x = Map::new();
        x.insert(
            "size".into(),
            t["spec"]["resources"]["requests"]["storage"].clone(),
        );
        x.insert("mountPath".into(), mount["mountPath"].clone());
        if let Some(c) = t["spec"].get("storageClassName") {
            x.insert("storageClassName".into(), c.clone());
        }
        if let Some(a) = t["spec"].get("accessModes") {
            x.insert("accessModes".into(), a.clone());
        }
        out.insert(name.into(), Value::Object(x));
    }
    out
}

/// `prometheus.io/*` pod annotations as the spec's `prometheus` (taken out of the map).
fn prometheus(annotations: &mut Map<String, Value>) -> Option<Value> {
    if annotations
        .get("prometheus.io/scrape")
        .and_then(Value::as_str)
        != Some("true")
    {
        return None;
    }
    let port: u16 = annotations
        .get("prometheus.io/port")?
        .as_str()?
        .parse()
        .ok()?;
    annotations.remove("prometheus.io/scrape");
    annotations.remove("prometheus.io/port");
    let mut m = Map::new();
    m.insert("port".into(), json!(port));
    if let Some(p) = annotations.remove("prometheus.io/path") {
        m.insert("path".into(), p);
    }
    Some(Value::Object(m))
}

/// A rolling update's `maxSurge`/`maxUnavailable` (and `partition`), or a strategy type.
fn rolling(strategy: &Value) -> Map<String, Value> {
    let mut m = Map::new();
    let ru = &strategy["rollingUpdate"];
    for k in ["maxSurge", "maxUnavailable", "partition"] {
        if let Some(v) = ru.get(k) {
            m.insert(k.into(), v.clone());
        }
    }
    if let Some(t @ ("Recreate" | "OnDelete")) = s(&strategy["type"]) {
        m.insert("strategy".into(), json!(t));
    }
    m
}

fn anti_affinity(affinity: &Value, selector: &Map<String, Value>) -> Option<Value> {
    let a = &affinity["podAntiAffinity"];
    let term_ok = |term: &Value| {
        obj(&term["labelSelector"]["matchLabels"]) == *selector
            && s(&term["topologyKey"]) == Some("kubernetes.io/hostname")
    };
    if let Some([p]) = a["preferredDuringSchedulingIgnoredDuringExecution"]
        .as_array()
        .map(Vec::as_slice)
    {
        if p["weight"] == json!(100) && term_ok(&p["podAffinityTerm"]) {
            return Some(json!("preferred"));
        }
    }
    if let Some([t]) = a["requiredDuringSchedulingIgnoredDuringExecution"]
        .as_array()
        .map(Vec::as_slice)
    {
        if term_ok(t) {
            return Some(json!("required"));
        }
    }
    None
}

fn topology_spread(list: &Value, selector: &Map<String, Value>) -> Vec<Value> {
    list.as_array()
        .into_iter()
        .flatten()
        .filter(|t| obj(&t["labelSelector"]["matchLabels"]) == *selector)
        .map(|t| {
            let mut m = Map::new();
            m.insert("topologyKey".into(), t["topologyKey"].clone());
            for k in ["maxSkew", "whenUnsatisfiable"] {
                if let Some(v) = t.get(k) {
                    m.insert(k.into(), v.clone());
                }
            }
            Value::Object(m)
        })
        .collect()
}

/// A preStop hook that only sleeps: its seconds.
fn pre_stop_sleep(c: &Value) -> Option<u64> {
    let pre = &c["lifecycle"]["preStop"];
    if let Some(n) = pre["sleep"]["seconds"].as_u64() {
        return Some(n);
    }
    let cmd: Vec<&str> = pre["exec"]["command"]
        .as_array()?
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let text = match cmd.as_slice() {
        ["/bin/sh" | "sh", "-c", t] => *t,
        ["sleep", n] => return n.parse().ok(),
        _ => return None,
    };
    text.trim().strip_prefix("sleep ")?.trim().parse().ok()
}
