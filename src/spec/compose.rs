//! Compose files used together. Each app's Compose file holds its own services; a connection
//! to a service of another app (`billing/api`) makes the file depend on that app's file
//! (`depends_on` a service defined there), so the two are combined with
//! `docker-compose -f compose.yaml -f ../../billing/<env>/compose.yaml`.
//!
//! This module finds the other apps whose files an app's file is used with (following
//! connections from app to app, since the other file may depend on a third) and reports the
//! names that would collide when they are combined: Compose merges two services, or two named
//! volumes, of one name into one instead of refusing them. Network names cannot collide: the
//! networks of `compose.networkIsolation` are named after the service or the edge
//! (`web.alone`, `web.api`), and service names are unique across the files.

use std::collections::{BTreeMap, BTreeSet};

use super::component_checks::renders;
use super::connections::{Connections, EndpointKind, PeerLoader, Workspace};
use super::model::{Spec, Target};
use crate::manifest::yaml::escape_token;

type Report<'a> = dyn FnMut(&str, String, Option<String>) + 'a;

/// A name in a Compose file and the spec key that makes it (a JSON pointer).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComposeName {
    /// The service or volume name.
    pub name: String,
    /// Where the spec sets it.
    pub pointer: String,
}

/// The services of an app's Compose file: the app's own, its `compose.dependencies` and the
/// components that render for Compose, with the spec key of each.
pub fn services(spec: &Spec, app_name: &str) -> Vec<ComposeName> {
    let mut out = vec![ComposeName {
        name: app_name.to_string(),
        pointer: "/name".into(),
    }];
    if let Some(c) = &spec.compose {
        out.extend(c.dependencies.keys().map(|k| ComposeName {
            name: k.clone(),
            pointer: format!("/compose/dependencies/{}", escape_token(k)),
        }));
    }
    out.extend(
        spec.components
            .iter()
            .filter(|(_, c)| renders(spec, c, Target::Compose))
            .map(|(k, _)| ComposeName {
                name: k.clone(),
                pointer: format!("/components/{}", escape_token(k)),
            }),
    );
    out
}

/// The named volume of a Compose `volumes:` entry (`data:/var/lib/x`), if it is one: bind
/// mounts (`./src:/app`, `/etc/x:/x`, `~/x:/x`, `${HOME}:/x`) are not.
pub fn named_volume(entry: &str) -> Option<&str> {
    let (source, _) = entry.split_once(':')?;
    (!source.is_empty() && !source.starts_with(['.', '/', '~', '$'])).then_some(source)
}

/// The named volumes of an app's Compose file, in the order the file's services use them,
/// each once, with the spec key that first makes it.
pub fn named_volumes(spec: &Spec) -> Vec<ComposeName> {
    let mut out: Vec<ComposeName> = Vec::new();
    let mut add = |name: &str, pointer: String| {
        if !out.iter().any(|v| v.name == name) {
            out.push(ComposeName {
                name: name.to_string(),
                pointer,
            });
        }
    };
    if let Some(c) = &spec.compose {
        for (i, v) in c.volumes.iter().enumerate() {
            if let Some(name) = named_volume(v) {
                add(name, format!("/compose/volumes/{i}"));
            }
        }
        for (k, d) in &c.dependencies {
            for (i, v) in d.volumes.iter().enumerate() {
                if let Some(name) = named_volume(v) {
                    add(
                        name,
                        format!("/compose/dependencies/{}/volumes/{i}", escape_token(k)),
                    );
                }
            }
        }
    }
    for (key, c) in &spec.components {
        if !renders(spec, c, Target::Compose) {
            continue;
        }
        let at = format!("/components/{}", escape_token(key));
        for name in c.storage.keys() {
            add(
                &format!("{key}-{name}"),
                format!("{at}/storage/{}", escape_token(name)),
            );
        }
        for (i, m) in c.volume_mounts.iter().enumerate() {
            if c.volumes
                .get(&m.name)
                .is_some_and(|v| v.persistent_volume_claim.is_some())
            {
                add(
                    &format!("{key}-{}", m.name),
                    format!("{at}/volumeMounts/{i}"),
                );
            }
        }
        for (i, v) in c.compose.iter().flat_map(|s| s.volumes.iter()).enumerate() {
            if let Some(name) = named_volume(v) {
                add(name, format!("{at}/compose/volumes/{i}"));
            }
        }
    }
    out
}

/// The other apps (folder names) whose Compose services an app's Compose services connect
/// to, with the pointer of each connection: `(app, pointer)`, in workload and key order.
fn cross_app_edges(
    spec: &Spec,
    app_name: &str,
    connections: &Connections,
) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (workload, endpoints) in connections {
        let base = if workload == app_name {
            String::new()
        } else {
            match spec.components.get(workload) {
                Some(c) if renders(spec, c, Target::Compose) => {
                    format!("/components/{}", escape_token(workload))
                }
                _ => continue,
            }
        };
        for (key, e) in endpoints {
            if let EndpointKind::Workload(w) = &e.kind {
                if !w.same_app && e.compose_service.is_some() {
                    out.push((
                        w.app.clone(),
                        format!("{base}/connections/{}", escape_token(key)),
                    ));
                }
            }
        }
    }
    out
}

/// The other apps whose Compose files the app's file is used with (sorted folder names): the
/// apps its services connect to on Compose, and theirs in turn. Reports, at the spec key, a
/// service or named volume of the app that one of those files also has, and, at the
/// connection that brings it in, one that two of those files share.
pub fn used_with(
    spec: &Spec,
    ws: &Workspace<'_>,
    connections: &Connections,
    peers: &mut PeerLoader<'_>,
    report: &mut Report<'_>,
) -> Vec<String> {
    if !spec.targets.contains(&Target::Compose) {
        return Vec::new();
    }
    // Who owns each name so far: name -> (app, pointer in that app's spec).
    let mut services_seen: BTreeMap<String, (String, String)> = BTreeMap::new();
    let mut volumes_seen: BTreeMap<String, (String, String)> = BTreeMap::new();
    for s in services(spec, ws.app_name) {
        services_seen.insert(s.name, (ws.app.to_string(), s.pointer));
    }
    for v in named_volumes(spec) {
        volumes_seen.insert(v.name, (ws.app.to_string(), v.pointer));
    }
    // Breadth first from the app's own connections; `via` is the connection of this app
    // that brings a file in.
    let mut queue: Vec<(String, String)> = cross_app_edges(spec, ws.app_name, connections);
    let mut visited: BTreeSet<String> = BTreeSet::new();
    let mut next = 0;
    while next < queue.len() {
        let (app, via) = queue[next].clone();
        next += 1;
        if app == ws.app || !visited.insert(app.clone()) {
            continue;
        }
        // The connection checks have already reported an app that cannot be loaded.
        let Some(Ok(peer)) = peers(&app) else {
            continue;
        };
        let peer_name = peer.name.clone().unwrap_or_else(|| app.clone());
        for (kind, seen, names) in [
            ("service", &mut services_seen, services(&peer, &peer_name)),
            ("named volume", &mut volumes_seen, named_volumes(&peer)),
        ] {
            for n in names {
                match seen.get(&n.name) {
                    Some((owner, pointer)) if owner == ws.app => report(
                        pointer,
                        format!(
                            "Compose {kind} `{}` is also a {kind} of app `{app}`, whose Compose file this app's file is used with, so Compose would merge the two into one",
                            n.name
                        ),
                        Some(collision_help(kind, &app)),
                    ),
                    Some((owner, _)) => report(
                        &via,
                        format!(
                            "this connection makes the app's Compose file used with those of apps `{owner}` and `{app}`, which both have a Compose {kind} `{}`, so Compose would merge the two into one",
                            n.name
                        ),
                        Some(collision_help(kind, &format!("{owner}` or `{app}"))),
                    ),
                    None => {
                        seen.insert(n.name, (app.clone(), n.pointer));
                    }
                }
            }
        }
        let mut others: Vec<String> = ws
            .other_apps
            .iter()
            .filter(|a| **a != app)
            .cloned()
            .collect();
        others.push(ws.app.to_string());
        others.sort();
        let peer_ws = Workspace {
            env: ws.env,
            app: &app,
            app_name: &peer_name,
            other_apps: others,
        };
        // The peer's own errors are reported when it is checked itself.
        let peer_connections = super::connections::check(&peer, &peer_ws, peers, &mut |_, _, _| {});
        if peer.targets.contains(&Target::Compose) {
            for (next_app, _) in cross_app_edges(&peer, &peer_name, &peer_connections) {
                queue.push((next_app, via.clone()));
            }
        }
    }
    visited.into_iter().collect()
}

fn collision_help(kind: &str, other: &str) -> String {
    if kind == "service" {
        format!(
            "rename the component here or in `{other}` (its Kubernetes objects take the new name too), or render one of them for Kubernetes only (`targets: [kubernetes]`)"
        )
    } else {
        format!(
            "rename the volume here or in `{other}` (a storage or volume name, or the source of a `compose.volumes` entry)"
        )
    }
}
