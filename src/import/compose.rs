//! Compose services into a spec: the main service becomes the app's own workload, the
//! others components, and `depends_on` becomes connections where the target has a port.

use serde_json::{Map, Value, json};

use super::{InputError, Mapped, image};
use crate::diff::objects::Object;
use crate::secrets;

/// Maps the services of one environment's Compose files.
pub fn map(app: &str, objects: &[Object]) -> Result<Mapped, InputError> {
    let services: Vec<&Object> = objects.iter().filter(|o| o.id.kind == "service").collect();
    let main = services
        .iter()
        .copied()
        .find(|o| o.id.name == app)
        .or_else(|| {
            services
                .iter()
                .copied()
                .find(|o| o.value.get("build").is_some())
        })
        .or_else(|| services.first().copied());
    let Some(main) = main else {
        let file = objects.first().map_or_else(String::new, |o| o.file.clone());
        return Err(InputError {
            location: file,
            message: "the Compose file has no services to import".into(),
        });
    };
    let mut notes = Vec::new();
    let port_names: Map<String, Value> = services
        .iter()
        .map(|o| (o.id.name.clone(), Value::Array(ports(&o.value))))
        .collect();
    let own_key = |name: &str| name.to_string();

    let mut spec = Map::new();
    if main.id.name != app {
        spec.insert("name".into(), json!(main.id.name));
    }
    spec.insert("namespace".into(), json!(app));
    spec.insert("targets".into(), json!(["compose"]));
    let mut compose = Map::new();
    let mut secret_keys = Map::new();
    service_keys(
        main,
        true,
        &mut spec,
        &mut compose,
        &mut secret_keys,
        &mut notes,
    );
    if !secret_keys.is_empty() {
        spec.insert(
            "secrets".into(),
            json!([{"secretName": format!("{}-env", main.id.name), "keys": secret_keys}]),
        );
    }
    let (connections, depends) = dependencies(main, &port_names, &own_key);
    if !connections.is_empty() {
        spec.insert("connections".into(), Value::Object(connections));
    }
    if !depends.is_empty() {
        compose.insert("dependsOn".into(), Value::Array(depends));
    }
    if let Some(files) = main.value.get("env_file") {
        let list = match files {
            Value::String(f) => json!([f]),
            other => other.clone(),
        };
        compose.insert("envFiles".into(), list);
    }
    let mut components = Map::new();
    for svc in &services {
        if std::ptr::eq(*svc, main) {
            continue;
        }
        let mut c = Map::new();
        let mut cc = Map::new();
        let mut keys = Map::new();
        service_keys(svc, false, &mut c, &mut cc, &mut keys, &mut notes);
        let (connections, depends) = dependencies(svc, &port_names, &own_key);
        if !connections.is_empty() {
            c.insert("connections".into(), Value::Object(connections));
        }
        if !depends.is_empty() {
            cc.insert("dependsOn".into(), Value::Array(depends));
        }
        if let Some(g) = svc.value.get("stop_grace_period") {
            cc.insert("stopGracePeriod".into(), g.clone());
        }
        if !cc.is_empty() {
            c.insert("compose".into(), Value::Object(cc));
        }
        components.insert(svc.id.name.clone(), Value::Object(c));
    }
    if !compose.is_empty() {
        spec.insert("compose".into(), Value::Object(compose));
    }
    if !components.is_empty() {
        spec.insert("components".into(), Value::Object(components));
    }
    Ok(Mapped { spec, notes })
}

/// Maps one service's keys onto the app's (`app`) or a component's keys.
fn service_keys(
    svc: &Object,
    app: bool,
    into: &mut Map<String, Value>,
    compose: &mut Map<String, Value>,
    secret_keys: &mut Map<String, Value>,
    notes: &mut Vec<String>,
) {
    let v = &svc.value;
    let name = &svc.id.name;
    match v.get("image").and_then(Value::as_str) {
        Some(reference) => {
            into.insert("image".into(), Value::Object(image(reference)));
        }
        None => {
            into.insert("image".into(), json!({"repository": name, "tag": "latest"}));
            notes.push(format!(
                "service `{name}` names no image: `image` is set to `{name}:latest`; set it to the image the service runs."
            ));
        }
    }
    match v.get("build") {
        Some(Value::String(b)) => {
            compose.insert("build".into(), json!(b));
        }
        Some(Value::Object(b)) => {
            if let Some(ctx) = b.get("context") {
                compose.insert("build".into(), ctx.clone());
            }
        }
        _ => {}
    }
    // Compose's `entrypoint` is the container's command, its `command` the arguments.
    for (from, to) in [("entrypoint", "command"), ("command", "args")] {
        match v.get(from) {
            Some(Value::String(c)) => {
                into.insert(to.into(), json!(c.split_whitespace().collect::<Vec<_>>()));
            }
            Some(Value::Array(a)) => {
                into.insert(to.into(), Value::Array(a.clone()));
            }
            _ => {}
        }
    }
    let p = ports(v);
    if !p.is_empty() {
        into.insert("ports".into(), Value::Array(p));
    }
    let mut env = Map::new();
    for (k, value) in v["environment"].as_object().into_iter().flatten() {
        let text = match value {
            Value::String(t) => t.clone(),
            Value::Null => String::new(),
            other => other.to_string(),
        };
        if secrets::literal_secret(k, &text).is_some() {
            let secret = format!("{name}-env");
            notes.push(format!(
                "service `{name}`: the literal value of `{k}` looks secret and was not copied: create Secret `{secret}` with key `{k}` holding it (Compose takes `{k}` from the shell)."
            ));
            if app {
                secret_keys.insert(k.clone(), json!(k));
            } else {
                env.insert(
                    k.clone(),
                    json!({"secretKeyRef": {"name": secret, "key": k}}),
                );
            }
        } else {
            env.insert(k.clone(), json!(text));
        }
    }
    if !env.is_empty() {
        into.insert("env".into(), Value::Object(env));
    }
    let deploy = &v["deploy"];
    let mut resources = Map::new();
    for (part, key) in [("limits", "limits"), ("reservations", "requests")] {
        let r = &deploy["resources"][part];
        let mut x = Map::new();
        if let Some(c) = r.get("cpus") {
            let text = match c {
                Value::String(t) => t.clone(),
                other => other.to_string(),
            };
            x.insert("cpu".into(), json!(text));
        }
        if let Some(m) = r.get("memory").and_then(Value::as_str) {
            x.insert("memory".into(), json!(memory(m)));
        }
        if !x.is_empty() {
            resources.insert(key.into(), Value::Object(x));
        }
    }
    if !resources.is_empty() {
        into.insert("resources".into(), Value::Object(resources));
    }
    if let Some(h) = healthcheck(&v["healthcheck"]) {
        compose.insert("healthcheck".into(), h);
    }
    let mut security = Map::new();
    if let Some(user) = v.get("user").and_then(Value::as_str) {
        let (u, g) = user
            .split_once(':')
            .map_or((user, None), |(u, g)| (u, Some(g)));
        if let Ok(n) = u.parse::<u32>() {
            security.insert("runAsUser".into(), json!(n));
        }
        if let Some(Ok(n)) = g.map(str::parse::<u32>) {
            security.insert("runAsGroup".into(), json!(n));
        }
    }
    if let Some(r) = v.get("read_only") {
        security.insert("readOnlyRootFilesystem".into(), r.clone());
    }
    let opts: Vec<&str> = v["security_opt"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    if opts
        .iter()
        .any(|o| matches!(*o, "no-new-privileges:true" | "no-new-privileges"))
    {
        security.insert("allowPrivilegeEscalation".into(), json!(false));
    }
    let mut caps = Map::new();
    for (from, to) in [("cap_drop", "drop"), ("cap_add", "add")] {
        if let Some(list) = v.get(from) {
            caps.insert(to.into(), list.clone());
        }
    }
    if !caps.is_empty() {
        security.insert("capabilities".into(), Value::Object(caps));
    }
    let tmpfs: Vec<Value> = match v.get("tmpfs") {
        Some(Value::String(t)) => vec![json!(t)],
        Some(Value::Array(a)) => a.clone(),
        _ => Vec::new(),
    };
    let writable: Vec<Value> = tmpfs
        .iter()
        .filter_map(Value::as_str)
        .map(|path| {
            let path = path.split(':').next().unwrap_or(path);
            let base: String = path
                .trim_matches('/')
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() {
                        c.to_ascii_lowercase()
                    } else {
                        '-'
                    }
                })
                .collect();
            let name = if base.is_empty() {
                "root".to_string()
            } else {
                base
            };
            json!({"name": name, "path": path})
        })
        .collect();
    if !writable.is_empty() {
        security.insert("writablePaths".into(), Value::Array(writable));
    }
    if !security.is_empty() {
        into.insert("securityContext".into(), Value::Object(security));
    }
    if let Some(n) = deploy.get("replicas") {
        into.insert("replicas".into(), n.clone());
    }
    let volumes: Vec<Value> = v["volumes"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|x| match x {
            Value::String(t) => Some(json!(t)),
            Value::Object(m) => {
                let source = m.get("source")?.as_str()?;
                let target = m.get("target")?.as_str()?;
                let ro = if m.get("read_only") == Some(&json!(true)) {
                    ":ro"
                } else {
                    ""
                };
                Some(json!(format!("{source}:{target}{ro}")))
            }
            _ => None,
        })
        .collect();
    if !volumes.is_empty() {
        compose.insert("volumes".into(), Value::Array(volumes));
    }
}

/// Published and exposed ports of a service as spec ports.
fn ports(v: &Value) -> Vec<Value> {
    let mut out: Vec<Value> = Vec::new();
    for p in v["ports"].as_array().into_iter().flatten() {
        let (host, container) = match p {
            Value::Number(n) => (None, n.as_u64()),
            Value::String(t) => {
                let t = t.split('/').next().unwrap_or(t);
                let parts: Vec<&str> = t.split(':').collect();
                match parts.as_slice() {
                    [c] => (None, c.parse().ok()),
                    [h, c] | [_, h, c] => (h.parse().ok(), c.parse().ok()),
                    _ => (None, None),
                }
            }
            Value::Object(m) => (
                m.get("published")
                    .and_then(|x| x.as_u64().or_else(|| x.as_str()?.parse().ok())),
                m.get("target").and_then(Value::as_u64),
            ),
            _ => (None, None),
        };
        let Some(container) = container else { continue };
        if out.iter().any(|x| x["containerPort"] == json!(container)) {
            continue;
        }
        let name = match container {
            80 | 8000 | 8080 | 3000 => "http".to_string(),
            n => format!("port-{n}"),
        };
        let mut m = Map::new();
        m.insert("name".into(), json!(name));
        m.insert("containerPort".into(), json!(container));
        if let Some(h) = host {
            m.insert("hostPort".into(), json!(h));
        }
        out.push(Value::Object(m));
    }
    out
}

/// `depends_on` as connections (targets with ports) and plain dependencies (the rest).
fn dependencies(
    svc: &Object,
    ports: &Map<String, Value>,
    key_of: &dyn Fn(&str) -> String,
) -> (Map<String, Value>, Vec<Value>) {
    let targets: Vec<String> = match &svc.value["depends_on"] {
        Value::Array(a) => a
            .iter()
            .filter_map(|x| x.as_str().map(String::from))
            .collect(),
        Value::Object(m) => m.keys().cloned().collect(),
        _ => Vec::new(),
    };
    let mut connections = Map::new();
    let mut depends = Vec::new();
    for t in targets {
        match ports
            .get(&t)
            .and_then(Value::as_array)
            .and_then(|p| p.first())
        {
            Some(first) => {
                connections.insert(key_of(&t), json!({"port": first["name"]}));
            }
            None => depends.push(json!(key_of(&t))),
        }
    }
    (connections, depends)
}

fn healthcheck(h: &Value) -> Option<Value> {
    let test = match h.get("test")? {
        Value::String(t) => vec![json!("sh"), json!("-c"), json!(t)],
        Value::Array(a) => match a.first().and_then(Value::as_str) {
            Some("CMD") => a[1..].to_vec(),
            Some("CMD-SHELL") => vec![
                json!("sh"),
                json!("-c"),
                a.get(1).cloned().unwrap_or(json!("")),
            ],
            _ => return None,
        },
        _ => return None,
    };
    let mut m = Map::new();
    m.insert("test".into(), Value::Array(test));
    for (from, to) in [
        ("interval", "interval"),
        ("timeout", "timeout"),
        ("retries", "retries"),
        ("start_period", "startPeriod"),
    ] {
        if let Some(v) = h.get(from) {
            m.insert(to.into(), v.clone());
        }
    }
    Some(Value::Object(m))
}

/// A Compose memory size (`4G`, `512m`, `1gb`) as a Kubernetes quantity (`4Gi`, `512Mi`).
fn memory(text: &str) -> String {
    let t = text.trim();
    let lower = t.to_ascii_lowercase();
    let digits = lower.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    let unit = &lower[digits.len()..];
    let suffix = match unit {
        "k" | "kb" => "Ki",
        "m" | "mb" => "Mi",
        "g" | "gb" => "Gi",
        "t" | "tb" => "Ti",
        "" | "b" => "",
        _ => return t.to_string(),
    };
    format!("{digits}{suffix}")
}
