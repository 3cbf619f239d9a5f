//! SS101 run-as-non-root.

use serde_json::Value;

use super::{all_containers, container_label};
use crate::policy::model::scalar_text;
use crate::policy::{Hits, ObjectSet, Rule, RuleMeta, declare_rule};

declare_rule! {
    /// Containers must not run as root.
    ///
    /// ## What it checks
    ///
    /// Every container (init containers too) must run with `runAsNonRoot: true` or a non-zero
    /// `runAsUser`, set on the container or inherited from the pod's `securityContext`. A
    /// `runAsUser: 0` anywhere fires, as does `runAsNonRoot: false` without a non-zero user.
    /// An effective `runAsGroup: 0` (the container's, else the pod's) fires too: the process
    /// then runs with the root group. For Compose, a service must set `user:` to something
    /// other than `root` or `0`, with a group other than `root` or `0` (`1000:0`).
    ///
    /// ## Why it matters
    ///
    /// A process that runs as root inside a container is root on the node as soon as it
    /// escapes the container; most container escapes need root to work.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// spec:
    ///   template:
    ///     spec:
    ///       containers:
    ///         - name: api
    ///           image: registry.example.com/api:1.4.2
    /// ```
    ///
    /// ## Fix
    ///
    /// Set `runAsNonRoot: true` and a non-zero `runAsUser` in the pod's `securityContext`
    /// (containers inherit it), or `user: "1000:1000"` for a Compose service. Images that
    /// need root can be rebuilt with a `USER` line.
    pub struct RunAsNonRoot {
        code: "SS101",
        name: "run-as-non-root",
        severity: Error,
        targets: [Kubernetes, Compose],
        enabled_by_default: true,
    }
}

const HELP: &str = "set `securityContext.runAsNonRoot: true` and a non-zero `runAsUser` on the pod (containers inherit it) or on the container";

impl Rule for RunAsNonRoot {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, set: &ObjectSet<'_>, out: &mut Hits) {
        for (w, c) in all_containers(set) {
            if let Some(group) = w.security(c, "runAsGroup")
                && group.value.as_i64() == Some(0)
            {
                out.at_value(
                    w.doc,
                    &group.pointer,
                    format!(
                        "{} runs with the root group (`runAsGroup: 0`)",
                        container_label(c)
                    ),
                    "set `runAsGroup` to a non-zero GID (and `fsGroup` for volume access)",
                )
                .spec("securityContext.runAsGroup");
            }
            let non_root = w.security(c, "runAsNonRoot");
            let user = w.security(c, "runAsUser");
            let uid = user.as_ref().and_then(|u| u.value.as_i64());
            if let (Some(0), Some(u)) = (uid, &user) {
                out.at_value(
                    w.doc,
                    &u.pointer,
                    format!("{} runs as root (`runAsUser: 0`)", container_label(c)),
                    "set `runAsUser` to a non-zero UID that the image supports",
                )
                .spec("securityContext.runAsUser");
                continue;
            }
            let non_root_true = non_root
                .as_ref()
                .is_some_and(|f| f.value == &Value::Bool(true));
            if non_root_true || uid.is_some_and(|u| u > 0) {
                continue;
            }
            match non_root {
                Some(f) => out.at_value(
                    w.doc,
                    &f.pointer,
                    format!("{} may run as root: `runAsNonRoot` is {}", container_label(c), f.value),
                    HELP,
                ),
                None => out.at_value(
                    w.doc,
                    &c.pointer,
                    format!(
                        "{} may run as root: neither it nor the pod sets `runAsNonRoot: true` or a non-zero `runAsUser`",
                        container_label(c)
                    ),
                    HELP,
                ),
            }
            .spec("securityContext.runAsNonRoot");
        }
        for s in &set.compose {
            match s.get("user") {
                Some(v) => {
                    let text = scalar_text(v).unwrap_or_default();
                    let who = text.split(':').next().unwrap_or("").trim();
                    let group = text.split_once(':').map(|(_, g)| g.trim());
                    let root = |name: &str| name == "root" || name == "0";
                    if !(root(who) || who.is_empty()) && group.is_some_and(root) {
                        out.at_value(
                            s.doc,
                            s.at("/user"),
                            format!(
                                "service `{}` runs with the root group (`user: {text}`)",
                                s.name
                            ),
                            "set `user:` to a non-root user and group, e.g. \"1000:1000\"",
                        )
                        .spec("securityContext.runAsGroup")
                        .service(s.name);
                    }
                    if root(who) || who.is_empty() {
                        out.at_value(
                            s.doc,
                            s.at("/user"),
                            format!("service `{}` runs as root (`user: {text}`)", s.name),
                            "set `user:` to a non-root user, e.g. \"1000:1000\"",
                        )
                        .spec("securityContext.runAsUser")
                        .service(s.name);
                    }
                }
                None if !s.fragment => {
                    out.at_key(
                        s.doc,
                        &s.pointer,
                        format!("service `{}` runs as the image's default user, root unless the image says otherwise: `user:` is not set", s.name),
                        "set `user:` to a non-root user, e.g. \"1000:1000\"",
                    )
                    .spec("securityContext.runAsNonRoot")
                    .service(s.name);
                }
                None => {}
            }
        }
    }
}
