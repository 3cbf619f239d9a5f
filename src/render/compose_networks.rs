//! Compose networks that follow the connection graph (`compose.networkIsolation`).
//!
//! Each edge (a declared connection, a `compose.dependencies` entry, a `compose.dependsOn`)
//! between two services gets a network of its own, named `<client>.<server>`, which both join,
//! so that a service shares a network only with what it connects to and what connects to it.
//! A service without edges joins a network of its own, `<service>.alone`, so that it shares
//! nothing and its published ports stay reachable. Service names are DNS labels (no `.`), so
//! these names never collide with each other or with `default`.
//!
//! An edge to another app's service is declared in the client's file, which also adds the
//! network to the other app's service (a fragment: `api: {networks: [web.api]}` that Compose
//! merges into that app's definition when the files are combined). Without isolation on
//! either side both stay on the project's shared `default` network; when only one side
//! isolates, the other keeps `default` too.

use std::collections::{BTreeMap, BTreeSet};

use crate::spec::Spec;
use crate::spec::component_checks::renders;
use crate::spec::connections::{Connections, EndpointKind};
use crate::spec::model::Target;

/// The networks of an app's Compose file.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct ComposeNetworks {
    /// Each service of the file that joins named networks -> its networks, sorted (a service
    /// not listed stays on `default` only).
    pub services: BTreeMap<String, Vec<String>>,
    /// Services of other apps' files that this file adds networks to -> those networks.
    pub other_apps: BTreeMap<String, Vec<String>>,
    /// The networks the file declares, sorted.
    pub declared: Vec<String>,
}

/// The networks of the app's Compose file.
pub fn networks(spec: &Spec, app_name: &str, connections: &Connections) -> ComposeNetworks {
    let isolated = spec.compose_isolated();
    let mut local: BTreeSet<(String, String)> = BTreeSet::new();
    // (client, server) -> whether the server's app isolates.
    let mut remote: BTreeMap<(String, String), bool> = BTreeMap::new();
    for (workload, endpoints) in connections {
        let on_compose = workload == app_name
            || spec
                .components
                .get(workload)
                .is_some_and(|c| renders(spec, c, Target::Compose));
        if !on_compose {
            continue;
        }
        for e in endpoints.values() {
            let (Some(server), EndpointKind::Workload(w)) = (&e.compose_service, &e.kind) else {
                continue;
            };
            if w.same_app {
                if server != workload {
                    local.insert((workload.clone(), server.clone()));
                }
            } else {
                remote.insert((workload.clone(), server.clone()), w.compose_isolated);
            }
        }
    }
    if let Some(c) = &spec.compose {
        for dep in c.dependencies.keys().chain(c.depends_on.iter()) {
            local.insert((app_name.to_string(), dep.clone()));
        }
    }
    for (key, c) in &spec.components {
        if !renders(spec, c, Target::Compose) {
            continue;
        }
        for dep in c.compose.iter().flat_map(|s| s.depends_on.iter()) {
            if dep != key {
                local.insert((key.clone(), dep.clone()));
            }
        }
    }

    let mut out = ComposeNetworks::default();
    let join = |map: &mut BTreeMap<String, Vec<String>>, service: &str, network: &str| {
        let list = map.entry(service.to_string()).or_default();
        if !list.iter().any(|n| n == network) {
            list.push(network.to_string());
        }
    };
    if isolated {
        for (client, server) in &local {
            let network = format!("{client}.{server}");
            join(&mut out.services, client, &network);
            join(&mut out.services, server, &network);
        }
    }
    for ((client, server), server_isolated) in &remote {
        if !isolated && !server_isolated {
            continue; // Both on the shared default network.
        }
        let network = format!("{client}.{server}");
        if !isolated {
            join(&mut out.services, client, "default");
        }
        join(&mut out.services, client, &network);
        join(&mut out.other_apps, server, &network);
        if !server_isolated {
            join(&mut out.other_apps, server, "default");
        }
    }
    if isolated {
        for s in crate::spec::compose::services(spec, app_name) {
            if !out.services.contains_key(&s.name) {
                let network = format!("{}.alone", s.name);
                join(&mut out.services, &s.name, &network);
            }
        }
    }
    let mut declared: BTreeSet<String> = BTreeSet::new();
    for list in out.services.values_mut().chain(out.other_apps.values_mut()) {
        list.sort();
        declared.extend(list.iter().filter(|n| *n != "default").cloned());
    }
    out.declared = declared.into_iter().collect();
    out
}
