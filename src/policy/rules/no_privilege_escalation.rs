//! SS102 no-privilege-escalation.

use serde_json::Value;

use super::{all_containers, container_label};
use crate::policy::{Hits, ObjectSet, Rule, RuleMeta, declare_rule};

declare_rule! {
    /// Containers must not be allowed to gain more privileges than their parent process.
    ///
    /// ## What it checks
    ///
    /// Every container must set `securityContext.allowPrivilegeEscalation: false` (it is not
    /// inherited from the pod). For Compose, a service must have `no-new-privileges:true` in
    /// `security_opt`.
    ///
    /// ## Why it matters
    ///
    /// Without it, setuid binaries and file capabilities in the image can raise a process's
    /// privileges at run time, undoing a non-root user.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// containers:
    ///   - name: api
    ///     securityContext:
    ///       runAsNonRoot: true
    /// ```
    ///
    /// ## Fix
    ///
    /// Set `allowPrivilegeEscalation: false` in each container's `securityContext`, or add
    /// `security_opt: ["no-new-privileges:true"]` to the Compose service.
    pub struct NoPrivilegeEscalation {
        code: "SS102",
        name: "no-privilege-escalation",
        severity: Warning,
        targets: [Kubernetes, Compose],
        enabled_by_default: true,
    }
}

impl Rule for NoPrivilegeEscalation {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, set: &ObjectSet<'_>, out: &mut Hits) {
        let help = "set `securityContext.allowPrivilegeEscalation: false` on the container";
        for (w, c) in all_containers(set) {
            match w.security(c, "allowPrivilegeEscalation") {
                Some(f) if f.value == &Value::Bool(false) => {}
                Some(f) => {
                    out.at_value(
                        w.doc,
                        &f.pointer,
                        format!("{} allows privilege escalation", container_label(c)),
                        help,
                    )
                    .spec("securityContext.allowPrivilegeEscalation");
                }
                None => {
                    out.at_value(
                        w.doc,
                        &c.pointer,
                        format!(
                            "{} does not set `allowPrivilegeEscalation: false`",
                            container_label(c)
                        ),
                        help,
                    )
                    .spec("securityContext.allowPrivilegeEscalation");
                }
            }
        }
        for s in &set.compose {
            let opts: Vec<String> = s
                .get("security_opt")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|o| o.as_str().map(|o| o.replace('=', ":").to_ascii_lowercase()))
                .collect();
            let on = opts
                .iter()
                .any(|o| o == "no-new-privileges" || o == "no-new-privileges:true");
            if !on && (!s.fragment || s.get("security_opt").is_some()) {
                let pointer = if s.get("security_opt").is_some() {
                    s.at("/security_opt")
                } else {
                    s.pointer.clone()
                };
                out.at_key(
                    s.doc,
                    pointer,
                    format!("service `{}` does not set `no-new-privileges:true`", s.name),
                    "add `security_opt: [\"no-new-privileges:true\"]` to the service",
                )
                .spec("securityContext.allowPrivilegeEscalation")
                .service(s.name);
            }
        }
    }
}
