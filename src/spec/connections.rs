//! Declared connections: what each workload talks to, checked when the spec loads and
//! resolved into an [`Endpoint`] per connection, from which the renderers take addresses
//! (Service DNS on Kubernetes, service name on Compose), NetworkPolicy edges and Compose
//! `depends_on`.
//!
//! A connection is keyed by its target so that an environment adds one by merging maps:
//! a component of the same app (`postgres`), the app's own workload (by the app's name), a
//! workload of another app of the workspace (`billing/api`, or `billing` for that app's own
//! workload; its spec for the same environment is loaded to check the target), or a named
//! external endpoint (`stripe: {host: api.stripe.com, port: 443}`).

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::sync::Arc;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::component_checks::renders;
use super::model::{Port, Protocol, Spec, Target};
use super::pod::EnvValue;
use super::types::IntOrString;
use super::workload::{Component, ComponentServiceType, WorkloadKind};
use crate::manifest::yaml::escape_token;

/// One connection of a workload. Without `host` and `cidr` its key names a workload:
/// a component of this app, the app's own workload (by the app's name), `app/component` of
/// another app, or another app's own workload (`app`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Connection {
    /// The target's port: the name of one of its ports (optional when it has exactly one),
    /// or, for an external endpoint, its number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<IntOrString>,
    /// An external endpoint's host name (`api.stripe.com`). A NetworkPolicy cannot name
    /// hosts: the egress rule allows the port to any address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    /// An external endpoint's address range (`10.0.0.0/8`): a NetworkPolicy `ipBlock`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cidr: Option<String>,
}

impl Connection {
    /// Whether it names an external endpoint rather than a workload.
    pub fn is_external(&self) -> bool {
        self.host.is_some() || self.cidr.is_some()
    }
}

/// A value that is the address of one of the workload's connections, rendered per target:
/// `[scheme://]host:port[path]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AddressRef {
    /// The key of a connection of this workload.
    pub connection: String,
    /// A URL scheme to put in front (`http`, `postgres`, `redis`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^[a-z][a-z0-9+.-]*$"))]
    pub scheme: Option<String>,
    /// A path to put after the port (`/v1`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^/"))]
    pub path: Option<String>,
}

/// A host and port.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostPort {
    /// The DNS name or service name.
    pub host: String,
    /// The port a client dials.
    pub port: u16,
}

/// The workload at the other end of a connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkloadTarget {
    /// The app's folder name.
    pub app: String,
    /// Whether it is a workload of the app that declares the connection.
    pub same_app: bool,
    /// The workload: the app's own (`None`) or a component key.
    pub component: Option<String>,
    /// The namespace of the target's pods.
    pub namespace: String,
    /// The labels that select the target's pods.
    pub selector: BTreeMap<String, String>,
    /// Whether the target renders for Kubernetes.
    pub on_kubernetes: bool,
    /// Whether the target has a Compose health check (clients wait until it is healthy).
    pub compose_healthy: bool,
    /// Whether the target's app puts Compose connection edges on networks of their own
    /// (`compose.networkIsolation`).
    pub compose_isolated: bool,
}

/// What a connection resolves to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EndpointKind {
    /// A workload of this or another app.
    Workload(WorkloadTarget),
    /// An external host.
    Host(String),
    /// An external address range.
    Cidr(String),
}

/// A resolved connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// What it is.
    pub kind: EndpointKind,
    /// The port on the target's pods (or the external port) and its protocol.
    pub pod_port: u16,
    /// The protocol.
    pub protocol: Protocol,
    /// The address on Kubernetes, when the target has one there.
    pub kubernetes: Option<HostPort>,
    /// The address on Compose, when the target is a Compose service (of this app's file, or
    /// of the other app's file that this one is used with).
    pub compose: Option<HostPort>,
    /// The Compose service a client waits for (a component or the app's own service, of
    /// this app or another).
    pub compose_service: Option<String>,
}

/// The rendered form of an address: `[scheme://]host:port[path]`.
pub fn format_address(a: &AddressRef, at: &HostPort) -> String {
    let mut s = String::new();
    if let Some(scheme) = &a.scheme {
        s.push_str(scheme);
        s.push_str("://");
    }
    s.push_str(&format!("{}:{}", at.host, at.port));
    if let Some(path) = &a.path {
        s.push_str(path);
    }
    s
}

/// Every workload's resolved connections: workload (the app's name or a component key) ->
/// connection key -> endpoint.
pub type Connections = BTreeMap<String, BTreeMap<String, Endpoint>>;

type Report<'a> = dyn FnMut(&str, String, Option<String>) + 'a;

/// Another app's spec for the same environment: `None` when the app has no such
/// environment, `Some(Err(n))` when its spec has `n` errors.
pub type Peer = Option<Result<Arc<Spec>, usize>>;

/// Loads another app's spec for the same environment.
pub type PeerLoader<'a> = dyn FnMut(&str) -> Peer + 'a;

/// What the checks need about the workspace.
pub struct Workspace<'a> {
    /// The environment's name (`production`).
    pub env: &'a str,
    /// The app's folder name.
    pub app: &'a str,
    /// The app's workload name.
    pub app_name: &'a str,
    /// The other apps of the workspace, by folder name.
    pub other_apps: Vec<String>,
}

fn did_you_mean(name: &str, candidates: &[String]) -> String {
    match super::suggest::closest(name, candidates) {
        Some(s) => format!("did you mean `{s}`?"),
        None if candidates.is_empty() => "declare it first".to_string(),
        None => format!("use one of: {}", candidates.join(", ")),
    }
}

/// A workload of some app, as the resolver sees it.
enum Workload<'a> {
    App(&'a Spec),
    Component(&'a Spec, &'a str, &'a Component),
}

impl Workload<'_> {
    fn ports(&self) -> Vec<&Port> {
        match self {
            Workload::App(s) => s.ports.iter().collect(),
            Workload::Component(_, _, c) => c
                .ports
                .iter()
                .chain(c.sidecars.values().flat_map(|s| s.ports.iter()))
                .collect(),
        }
    }
}

/// The Service of a component that exposes a port, and whether it is headless.
fn component_service(key: &str, c: &Component, port: &str) -> Option<(String, bool)> {
    if c.kind.runs_to_completion() {
        return None;
    }
    let exposed_main = c.ports.iter().any(|p| p.name == port && p.expose);
    match &c.services {
        Some(services) => services.iter().find_map(|(name, s)| {
            let exposes = if s.ports.is_empty() {
                exposed_main
            } else {
                s.ports.iter().any(|p| p == port)
            };
            exposes.then(|| (name.clone(), s.kind == ComponentServiceType::Headless))
        }),
        None if exposed_main => Some((key.to_string(), c.kind == WorkloadKind::StatefulSet)),
        None => None,
    }
}

/// The labels that select the pods of an app's own workload: its adopted selector labels, or
/// name and instance; under a Flagger canary without the labels Flagger rewrites. Flagger
/// serves from its copy of the Deployment (`<name>-primary`), whose pods' `app`, `name` and
/// `app.kubernetes.io/name` labels it suffixes with `-primary`; it leaves the others (such as
/// `app.kubernetes.io/instance`) as they are, so those select the pods of both. When no
/// other label is left the selector stays whole.
pub fn app_pod_selector(spec: &Spec, name: &str, env: &str) -> BTreeMap<String, String> {
    let mut selector = workload_selector(spec, name, env, None);
    if spec
        .rollout
        .canary
        .as_ref()
        .is_some_and(|c| c.flagger.is_some())
    {
        let kept: BTreeMap<String, String> = selector
            .iter()
            .filter(|(k, _)| !matches!(k.as_str(), "app" | "name" | "app.kubernetes.io/name"))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        if !kept.is_empty() {
            selector = kept;
        }
    }
    selector
}

/// The app (folder name) and workload (a component key, `None` for the app's own) that the
/// key of a workload connection names, before either is checked; `None` when it names no
/// component of this app and no app of the workspace.
fn named_workload<'k>(
    spec: &Spec,
    ws: &Workspace<'k>,
    key: &'k str,
) -> Option<(&'k str, Option<&'k str>)> {
    match key.split_once('/') {
        Some((app, component)) => Some((app, Some(component))),
        None if spec.components.contains_key(key) => Some((ws.app, Some(key))),
        None if key == ws.app_name => Some((ws.app, None)),
        None if ws.other_apps.iter().any(|a| a == key) => Some((key, None)),
        None => None,
    }
}

/// Checks every connection and address of a spec and resolves them.
pub fn check(
    spec: &Spec,
    ws: &Workspace<'_>,
    peers: &mut PeerLoader<'_>,
    report: &mut Report<'_>,
) -> Connections {
    let mut loaded: BTreeMap<String, Peer> = BTreeMap::new();
    let mut out = Connections::new();
    let mut workloads: Vec<(String, String, &BTreeMap<String, Connection>)> =
        vec![(ws.app_name.to_string(), String::new(), &spec.connections)];
    for (key, c) in &spec.components {
        workloads.push((
            key.clone(),
            format!("/components/{}", escape_token(key)),
            &c.connections,
        ));
    }
    for (workload, base, connections) in workloads {
        let mut resolved = BTreeMap::new();
        for (key, conn) in connections {
            let at = format!("{base}/connections/{}", escape_token(key));
            if let Some(e) = resolve(spec, ws, peers, &mut loaded, key, conn, &at, report) {
                resolved.insert(key.clone(), e);
            }
        }
        out.insert(workload, resolved);
    }
    check_addresses(spec, ws.app_name, &out, report);
    out
}

#[allow(clippy::too_many_arguments)]
fn resolve(
    spec: &Spec,
    ws: &Workspace<'_>,
    peers: &mut PeerLoader<'_>,
    loaded: &mut BTreeMap<String, Peer>,
    key: &str,
    conn: &Connection,
    at: &str,
    report: &mut Report<'_>,
) -> Option<Endpoint> {
    if conn.is_external() {
        return external(key, conn, at, report);
    }
    let (app, component) = match named_workload(spec, ws, key) {
        Some(named) => named,
        None => {
            let mut candidates: Vec<String> = spec.components.keys().cloned().collect();
            candidates.push(ws.app_name.to_string());
            candidates.extend(ws.other_apps.iter().cloned());
            report(
                at,
                format!(
                    "connection `{key}` names no component of this app and no app of the workspace"
                ),
                Some(did_you_mean(key, &candidates)),
            );
            return None;
        }
    };
    let same_app = app == ws.app;
    let target_spec: &Spec = if same_app {
        spec
    } else {
        if !ws.other_apps.iter().any(|a| a == app) {
            report(
                at,
                format!("connection `{key}` names app `{app}`, which the workspace does not have"),
                Some(did_you_mean(app, &ws.other_apps)),
            );
            return None;
        }
        let entry = loaded.entry(app.to_string()).or_insert_with(|| peers(app));
        match entry {
            Some(Ok(peer)) => peer,
            Some(Err(n)) => {
                report(
                    at,
                    format!(
                        "connection `{key}` cannot be checked: app `{app}` has {n} error{} in environment `{}`",
                        if *n == 1 { "" } else { "s" },
                        ws.env
                    ),
                    Some(format!("run `shipshape check {app}/{}`", ws.env)),
                );
                return None;
            }
            None => {
                report(
                    at,
                    format!(
                        "connection `{key}`: app `{app}` has no environment `{}`",
                        ws.env
                    ),
                    Some(format!(
                        "add `environments/{app}/{}.yaml`, or connect to it as an external endpoint with `host:`",
                        ws.env
                    )),
                );
                return None;
            }
        }
    };
    let target_app_name = if same_app {
        ws.app_name.to_string()
    } else {
        target_spec.name.clone().unwrap_or_else(|| app.to_string())
    };
    let workload = match component {
        Some(name) if !same_app && name == target_app_name => Workload::App(target_spec),
        Some(name) => match target_spec.components.get_key_value(name) {
            Some((k, c)) => Workload::Component(target_spec, k, c),
            None => {
                let candidates: Vec<String> = target_spec
                    .components
                    .keys()
                    .map(|k| {
                        if same_app {
                            k.clone()
                        } else {
                            format!("{app}/{k}")
                        }
                    })
                    .collect();
                let asked = if same_app {
                    name.to_string()
                } else {
                    format!("{app}/{name}")
                };
                report(
                    at,
                    format!("connection `{key}`: app `{app}` has no component `{name}`"),
                    Some(did_you_mean(&asked, &candidates)),
                );
                return None;
            }
        },
        None => Workload::App(target_spec),
    };
    if let Workload::Component(_, _, c) = &workload {
        if c.kind.runs_to_completion() {
            report(
                at,
                format!(
                    "connection `{key}` names a {}, which runs to completion and has no Service",
                    c.kind.as_str()
                ),
                Some("connect to a Deployment, StatefulSet or DaemonSet".into()),
            );
            return None;
        }
    }
    let ports = workload.ports();
    let port = match &conn.port {
        Some(IntOrString::String(name)) => match ports.iter().find(|p| &p.name == name) {
            Some(p) => *p,
            None => {
                let names: Vec<String> = ports.iter().map(|p| p.name.clone()).collect();
                report(
                    &format!("{at}/port"),
                    format!(
                        "connection `{key}` names port `{name}`, which `{key}` does not declare"
                    ),
                    Some(did_you_mean(name, &names)),
                );
                return None;
            }
        },
        Some(IntOrString::Int(n)) => {
            let names: Vec<String> = ports.iter().map(|p| p.name.clone()).collect();
            report(
                &format!("{at}/port"),
                format!("connection `{key}` gives port {n} by number; a workload's port is named"),
                Some(
                    match ports.iter().find(|p| i64::from(p.container_port) == *n) {
                        Some(p) => format!("write `port: {}`", p.name),
                        None => did_you_mean(&n.to_string(), &names),
                    },
                ),
            );
            return None;
        }
        None => match ports.as_slice() {
            [only] => *only,
            [] => {
                report(
                    at,
                    format!("connection `{key}`: `{key}` declares no ports"),
                    Some(format!("add a port to `{key}`")),
                );
                return None;
            }
            many => {
                report(
                    at,
                    format!(
                        "connection `{key}`: `{key}` has {} ports, so the connection must name one",
                        many.len()
                    ),
                    Some(format!(
                        "add `port:` with one of: {}",
                        many.iter()
                            .map(|p| p.name.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )),
                );
                return None;
            }
        },
    };

    // Where the target is on each target platform.
    let namespace = target_spec.namespace.clone();
    let qualify = |service: String| {
        if namespace == spec.namespace {
            service
        } else {
            format!("{service}.{namespace}.svc")
        }
    };
    let (kubernetes, on_kubernetes, compose_service, compose_healthy, selector) = match &workload {
        Workload::App(s) => {
            let on_k8s = s.targets.contains(&Target::Kubernetes);
            let service = s.service.name.clone().unwrap_or(target_app_name.clone());
            let k8s = (on_k8s && port.expose && !s.ports.is_empty()).then(|| HostPort {
                host: qualify(service),
                port: port.service_port.unwrap_or(port.container_port),
            });
            let on_compose = s.targets.contains(&Target::Compose);
            let healthy = s.has_compose_healthcheck();
            let selector = app_pod_selector(s, &target_app_name, ws.env);
            (
                k8s,
                on_k8s,
                on_compose.then(|| target_app_name.clone()),
                healthy,
                selector,
            )
        }
        Workload::Component(s, k, c) => {
            let on_k8s = renders(s, c, Target::Kubernetes);
            let k8s = if on_k8s {
                component_service(k, c, &port.name).map(|(service, headless)| HostPort {
                    host: qualify(service),
                    // A headless Service's name resolves to the pods: clients dial the
                    // container port.
                    port: if headless {
                        port.container_port
                    } else {
                        port.service_port.unwrap_or(port.container_port)
                    },
                })
            } else {
                None
            };
            // Another app's component is a service of that app's Compose file, which exists
            // when that app renders for Compose.
            let on_compose = renders(s, c, Target::Compose)
                && (same_app || s.targets.contains(&Target::Compose));
            let selector = workload_selector(s, &target_app_name, ws.env, Some((k, c)));
            (
                k8s,
                on_k8s,
                on_compose.then(|| k.to_string()),
                c.has_compose_healthcheck(),
                selector,
            )
        }
    };
    let compose = compose_service.as_ref().map(|s| HostPort {
        host: s.clone(),
        port: port.container_port,
    });
    Some(Endpoint {
        kind: EndpointKind::Workload(WorkloadTarget {
            app: app.to_string(),
            same_app,
            component: match &workload {
                Workload::App(_) => None,
                Workload::Component(_, k, _) => Some(k.to_string()),
            },
            namespace,
            selector,
            on_kubernetes,
            compose_healthy,
            compose_isolated: target_spec.compose_isolated(),
        }),
        pod_port: port.container_port,
        protocol: port.protocol,
        kubernetes,
        compose,
        compose_service,
    })
}

/// A workload of another app that connects to a workload of this app: what the target's
/// NetworkPolicy lets in.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Client {
    /// The client app's folder name.
    pub app: String,
    /// The client workload: its app's name or a component key.
    pub workload: String,
    /// The namespace of the client's pods.
    pub namespace: String,
    /// The labels that select the client's pods.
    pub selector: BTreeMap<String, String>,
    /// The port on the target's pods.
    pub pod_port: u16,
    /// Its protocol.
    pub protocol: Protocol,
}

/// This app's workloads (the app's name or a component key) -> the workloads of other apps
/// that connect to it, sorted.
pub type Clients = BTreeMap<String, Vec<Client>>;

/// Adds to `clients` the workloads of another app (`client_app`, with `client` its spec for
/// the same environment) that connect to a workload of this app (`ws.app`, whose spec is
/// `target`), where both render for Kubernetes. A connection that does not check is left
/// out: the client's own load reports it.
pub fn add_clients(
    target: &Arc<Spec>,
    ws: &Workspace<'_>,
    client_app: &str,
    client: &Spec,
    clients: &mut Clients,
) {
    // Only connections to this app matter, so the client needs to know of no other app.
    let client_ws = Workspace {
        env: ws.env,
        app: client_app,
        app_name: client.name.as_deref().unwrap_or(client_app),
        other_apps: vec![ws.app.to_string()],
    };
    let mut workloads: Vec<(&str, Option<&Component>, &BTreeMap<String, Connection>)> = Vec::new();
    if client.targets.contains(&Target::Kubernetes) {
        workloads.push((client_ws.app_name, None, &client.connections));
    }
    for (key, c) in &client.components {
        if renders(client, c, Target::Kubernetes) {
            workloads.push((key, Some(c), &c.connections));
        }
    }
    let mut loaded = BTreeMap::new();
    for (workload, component, connections) in workloads {
        for (key, conn) in connections {
            if conn.is_external()
                || named_workload(client, &client_ws, key).is_none_or(|(app, _)| app != ws.app)
            {
                continue;
            }
            let endpoint = resolve(
                client,
                &client_ws,
                &mut |_| Some(Ok(Arc::clone(target))),
                &mut loaded,
                key,
                conn,
                "",
                &mut |_, _, _| {},
            );
            let Some(Endpoint {
                kind: EndpointKind::Workload(to),
                pod_port,
                protocol,
                ..
            }) = endpoint
            else {
                continue;
            };
            if !to.on_kubernetes {
                continue;
            }
            let entry = clients
                .entry(to.component.unwrap_or_else(|| ws.app_name.to_string()))
                .or_default();
            entry.push(Client {
                app: client_app.to_string(),
                workload: workload.to_string(),
                namespace: client.namespace.clone(),
                selector: match component {
                    Some(c) => {
                        workload_selector(client, client_ws.app_name, ws.env, Some((workload, c)))
                    }
                    None => app_pod_selector(client, workload, ws.env),
                },
                pod_port,
                protocol,
            });
            entry.sort();
            entry.dedup();
        }
    }
}

/// The labels that select a workload's pods on Kubernetes: the app's own (`None`) or a
/// component's (`selectorLabels` when it adopts running objects).
pub fn workload_selector(
    spec: &Spec,
    app_name: &str,
    env: &str,
    component: Option<(&str, &Component)>,
) -> BTreeMap<String, String> {
    let name = match component {
        Some((_, c)) if !c.selector_labels.is_empty() => return c.selector_labels.clone(),
        Some((key, _)) => key,
        None if !spec.selector_labels.is_empty() => return spec.selector_labels.clone(),
        None => app_name,
    };
    BTreeMap::from([
        (
            "app.kubernetes.io/instance".to_string(),
            format!("{name}-{env}"),
        ),
        ("app.kubernetes.io/name".to_string(), name.to_string()),
    ])
}

fn external(key: &str, conn: &Connection, at: &str, report: &mut Report<'_>) -> Option<Endpoint> {
    if key.contains('/') {
        report(
            at,
            format!("external endpoint `{key}` has a `/` in its name"),
            Some("name it with letters, digits and `-`, such as `stripe`".into()),
        );
        return None;
    }
    let port = match &conn.port {
        Some(IntOrString::Int(n)) if (1..=65535).contains(n) => *n as u16,
        Some(_) => {
            report(
                &format!("{at}/port"),
                format!("external endpoint `{key}` needs its port as a number from 1 to 65535"),
                Some("write e.g. `port: 443`".into()),
            );
            return None;
        }
        None => {
            report(
                at,
                format!("external endpoint `{key}` has no `port`"),
                Some("add e.g. `port: 443`".into()),
            );
            return None;
        }
    };
    let kind = match (&conn.host, &conn.cidr) {
        (Some(h), None) => EndpointKind::Host(h.clone()),
        (None, Some(c)) => {
            if !is_cidr(c) {
                report(
                    &format!("{at}/cidr"),
                    format!("`{c}` is not an address range"),
                    Some("write it as `10.0.0.0/8` or `2001:db8::/32`".into()),
                );
                return None;
            }
            EndpointKind::Cidr(c.clone())
        }
        _ => {
            report(
                at,
                format!("external endpoint `{key}` has both `host` and `cidr`"),
                Some("keep one of them".into()),
            );
            return None;
        }
    };
    let address = match &kind {
        EndpointKind::Host(h) => Some(HostPort {
            host: h.clone(),
            port,
        }),
        _ => None,
    };
    Some(Endpoint {
        kind,
        pod_port: port,
        protocol: Protocol::TCP,
        kubernetes: address.clone(),
        compose: address,
        compose_service: None,
    })
}

fn is_cidr(text: &str) -> bool {
    let Some((ip, bits)) = text.split_once('/') else {
        return false;
    };
    let Ok(ip) = ip.parse::<IpAddr>() else {
        return false;
    };
    let max = if ip.is_ipv4() { 32 } else { 128 };
    bits.parse::<u8>().is_ok_and(|b| b <= max)
}

/// Every address reference must name a connection of its workload that has an address on
/// each target the workload renders for.
fn check_addresses(spec: &Spec, app_name: &str, all: &Connections, report: &mut Report<'_>) {
    let empty = BTreeMap::new();
    let app_targets: Vec<Target> = spec.targets.clone();
    let mut check_one = |pointer: String,
                         a: &AddressRef,
                         workload: &str,
                         declared: &BTreeMap<String, Connection>,
                         targets: &[Target]| {
        let resolved = all.get(workload).unwrap_or(&empty);
        if !declared.contains_key(&a.connection) {
            let names: Vec<String> = declared.keys().cloned().collect();
            report(
                &format!("{pointer}/connection"),
                format!("`{}` is not a connection of `{workload}`", a.connection),
                Some(match super::suggest::closest(&a.connection, &names) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => format!("declare it under `connections:` of `{workload}`"),
                }),
            );
            return;
        }
        let Some(e) = resolved.get(&a.connection) else {
            return; // Already reported at the connection.
        };
        for t in targets {
            let (has, platform) = match t {
                Target::Kubernetes | Target::Helm => (e.kubernetes.is_some(), "Kubernetes"),
                Target::Compose => (e.compose.is_some(), "Compose"),
            };
            if !has {
                let why = match &e.kind {
                    EndpointKind::Cidr(_) => "an address range has no host to write".to_string(),
                    EndpointKind::Workload(w) if !w.same_app && *t == Target::Compose => {
                        format!(
                            "app `{}` has no Compose service for it (its spec or the component's `targets` lacks `compose`)",
                            w.app
                        )
                    }
                    _ => format!("the target has no {platform} Service or service for its port"),
                };
                report(
                    &format!("{pointer}/connection"),
                    format!(
                        "connection `{}` has no address on {platform}, which `{workload}` renders for: {why}",
                        a.connection
                    ),
                    Some("write the address as a literal value, or connect to a workload that renders there".into()),
                );
                return;
            }
        }
    };
    if let Some(config) = &spec.config {
        for (k, v) in &config.data {
            if let super::model::ConfigEntry::Address(a) = v {
                check_one(
                    format!("/config/data/{}", escape_token(k)),
                    a,
                    app_name,
                    &spec.connections,
                    &app_targets,
                );
            }
        }
    }
    for (k, v) in &spec.env {
        if let super::model::EnvText::Address(a) = v {
            check_one(
                format!("/env/{}", escape_token(k)),
                a,
                app_name,
                &spec.connections,
                &app_targets,
            );
        }
    }
    for (key, c) in &spec.components {
        let targets: Vec<Target> = Target::ALL
            .into_iter()
            .filter(|t| renders(spec, c, *t))
            .collect();
        let base = format!("/components/{}", escape_token(key));
        let mut envs = vec![(format!("{base}/env"), &c.env)];
        for (group, map) in [
            ("sidecars", &c.sidecars),
            ("initContainers", &c.init_containers),
        ] {
            for (name, s) in map {
                envs.push((format!("{base}/{group}/{}/env", escape_token(name)), &s.env));
            }
        }
        for (at, env) in envs {
            for (k, v) in env {
                if let EnvValue::Address(a) = v {
                    check_one(
                        format!("{at}/{}", escape_token(k)),
                        a,
                        key,
                        &c.connections,
                        &targets,
                    );
                }
            }
        }
    }
}

/// The text of an address reference of a workload, for Kubernetes or for Compose (empty when
/// the checks, which run first, would have refused it).
pub fn address(all: &Connections, workload: &str, a: &AddressRef, compose: bool) -> String {
    all.get(workload)
        .and_then(|w| w.get(&a.connection))
        .and_then(|e| {
            if compose {
                e.compose.as_ref()
            } else {
                e.kubernetes.as_ref()
            }
        })
        .map(|at| format_address(a, at))
        .unwrap_or_default()
}
