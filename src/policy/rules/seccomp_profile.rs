//! SS108 seccomp-profile.

use serde_json::Value;

use super::{all_containers, container_label};
use crate::policy::{Hits, ObjectSet, Rule, RuleMeta, declare_rule};

declare_rule! {
    /// Containers should run under a seccomp profile.
    ///
    /// ## What it checks
    ///
    /// Every container must have a `seccompProfile` of type `RuntimeDefault` or `Localhost`,
    /// set on the container or inherited from the pod. `Unconfined` fires.
    ///
    /// ## Why it matters
    ///
    /// Seccomp blocks system calls that containers never need and that kernel exploits use;
    /// without a profile, Kubernetes runs containers unconfined.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// spec:
    ///   securityContext:
    ///     runAsNonRoot: true
    /// ```
    ///
    /// ## Fix
    ///
    /// Set `securityContext.seccompProfile: {type: RuntimeDefault}` on the pod.
    pub struct SeccompProfile {
        code: "SS108",
        name: "seccomp-profile",
        severity: Warning,
        targets: [Kubernetes],
        enabled_by_default: true,
    }
}

impl Rule for SeccompProfile {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, set: &ObjectSet<'_>, out: &mut Hits) {
        let help = "set `securityContext.seccompProfile: {type: RuntimeDefault}` on the pod";
        for (w, c) in all_containers(set) {
            match w.security(c, "seccompProfile") {
                Some(f) => {
                    let t = f.value.get("type").and_then(Value::as_str).unwrap_or("");
                    if t != "RuntimeDefault" && t != "Localhost" {
                        out.at_value(
                            w.doc,
                            format!("{}/type", f.pointer),
                            format!("{} runs with seccomp profile `{t}`", container_label(c)),
                            help,
                        )
                        .spec("securityContext.seccompProfile");
                    }
                }
                None => {
                    out.at_value(w.doc, &c.pointer, format!("{} has no seccomp profile (neither it nor the pod sets `seccompProfile`)", container_label(c)), help)
                        .spec("securityContext.seccompProfile");
                }
            }
        }
    }
}
