//! SS104 drop-all-capabilities.

use serde_json::Value;

use super::{all_containers, container_label};
use crate::policy::{Hits, ObjectSet, Rule, RuleMeta, declare_rule};

declare_rule! {
    /// Containers should drop every Linux capability and add back only what they need.
    ///
    /// ## What it checks
    ///
    /// Every container's `securityContext.capabilities.drop` must contain `ALL`. For Compose,
    /// a service's `cap_drop:` must contain `ALL`. Adding back single capabilities (`add`,
    /// `cap_add`) is fine.
    ///
    /// ## Why it matters
    ///
    /// The default capability set (`NET_RAW`, `CHOWN`, `SETUID`, ...) is far more than a web
    /// service needs and widens what an attacker can do inside the container.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// containers:
    ///   - name: api
    ///     securityContext:
    ///       capabilities:
    ///         drop: ["NET_RAW"]
    /// ```
    ///
    /// ## Fix
    ///
    /// Write `capabilities: {drop: ["ALL"]}` and add back only what the program needs, e.g.
    /// `add: ["NET_BIND_SERVICE"]`; for Compose, `cap_drop: [ALL]`.
    pub struct DropAllCapabilities {
        code: "SS104",
        name: "drop-all-capabilities",
        severity: Warning,
        targets: [Kubernetes, Compose],
        enabled_by_default: true,
    }
}

fn has_all(v: Option<&Value>) -> bool {
    v.and_then(Value::as_array).is_some_and(|l| {
        l.iter()
            .any(|c| c.as_str().is_some_and(|c| c.eq_ignore_ascii_case("ALL")))
    })
}

impl Rule for DropAllCapabilities {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, set: &ObjectSet<'_>, out: &mut Hits) {
        let help = "set `securityContext.capabilities.drop: [\"ALL\"]` and add back only what the program needs";
        for (w, c) in all_containers(set) {
            let drop = c
                .spec
                .get("securityContext")
                .and_then(|s| s.get("capabilities"))
                .and_then(|s| s.get("drop"));
            if has_all(drop) {
                continue;
            }
            let pointer = match drop {
                Some(_) => c.at("/securityContext/capabilities/drop"),
                None => c.pointer.clone(),
            };
            out.at_value(
                w.doc,
                pointer,
                format!("{} does not drop all capabilities", container_label(c)),
                help,
            )
            .spec("securityContext.capabilities.drop");
        }
        for s in &set.compose {
            let drop = s.get("cap_drop");
            if has_all(drop) || (s.fragment && drop.is_none()) {
                continue;
            }
            let pointer = if drop.is_some() {
                s.at("/cap_drop")
            } else {
                s.pointer.clone()
            };
            out.at_key(
                s.doc,
                pointer,
                format!("service `{}` does not drop all capabilities", s.name),
                "set `cap_drop: [ALL]` and add back only what the program needs with `cap_add:`",
            )
            .spec("securityContext.capabilities.drop")
            .service(s.name);
        }
    }
}
