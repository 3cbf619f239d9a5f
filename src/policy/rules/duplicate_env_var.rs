//! SS602 duplicate-env-var.

use std::collections::HashSet;

use serde_json::Value;

use super::{all_containers, container_label};
use crate::policy::model::compose_environment;
use crate::policy::{Hits, ObjectSet, Rule, RuleMeta, declare_rule};

declare_rule! {
    /// An environment variable is defined once.
    ///
    /// ## What it checks
    ///
    /// No name appears twice in a container's `env` list or a Compose service's
    /// `environment:` list.
    ///
    /// ## Why it matters
    ///
    /// The last definition wins silently: a value added for a fix is overridden by an old
    /// one further down, or the reverse, and reviews miss it.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// env:
    ///   - {name: LOG_LEVEL, value: info}
    ///   - {name: LOG_LEVEL, value: debug}
    /// ```
    ///
    /// ## Fix
    ///
    /// Keep one definition of each variable.
    pub struct DuplicateEnvVar {
        code: "SS602",
        name: "duplicate-env-var",
        severity: Warning,
        targets: [Kubernetes, Compose],
        enabled_by_default: true,
    }
}

impl Rule for DuplicateEnvVar {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, set: &ObjectSet<'_>, out: &mut Hits) {
        for (w, c) in all_containers(set) {
            let Some(env) = c.get("env").and_then(Value::as_array) else {
                continue;
            };
            let mut seen = HashSet::new();
            for (j, e) in env.iter().enumerate() {
                let Some(name) = e.get("name").and_then(Value::as_str) else {
                    continue;
                };
                if !seen.insert(name) {
                    out.at_value(
                        w.doc,
                        c.at(&format!("/env/{j}/name")),
                        format!("env `{name}` of {} is defined more than once; the last definition wins", container_label(c)),
                        "keep one definition of each variable",
                    );
                }
            }
        }
        for s in &set.compose {
            if !s.get("environment").is_some_and(Value::is_array) {
                continue;
            }
            let mut seen = HashSet::new();
            for (name, _, pointer) in compose_environment(s) {
                if !seen.insert(name.clone()) {
                    out.at_value(
                        s.doc,
                        pointer,
                        format!("environment `{name}` of service `{}` is defined more than once; the last definition wins", s.name),
                        "keep one definition of each variable",
                    )
                    .service(s.name);
                }
            }
        }
    }
}
