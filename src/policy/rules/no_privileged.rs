//! SS105 no-privileged.

use super::{all_containers, container_label, is_true};
use crate::policy::{Hits, ObjectSet, Rule, RuleMeta, declare_rule};

declare_rule! {
    /// Containers must not run privileged.
    ///
    /// ## What it checks
    ///
    /// No container may set `securityContext.privileged: true`; no Compose service may set
    /// `privileged: true`.
    ///
    /// ## Why it matters
    ///
    /// A privileged container has every capability and access to the node's devices: it is
    /// root on the node.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// containers:
    ///   - name: agent
    ///     securityContext:
    ///       privileged: true
    /// ```
    ///
    /// ## Fix
    ///
    /// Remove `privileged: true` and add the single capabilities the program needs; node
    /// agents that truly need it get an exemption with a reason.
    pub struct NoPrivileged {
        code: "SS105",
        name: "no-privileged",
        severity: Error,
        targets: [Kubernetes, Compose],
        enabled_by_default: true,
    }
}

impl Rule for NoPrivileged {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, set: &ObjectSet<'_>, out: &mut Hits) {
        for (w, c) in all_containers(set) {
            if let Some(f) = w.security(c, "privileged")
                && is_true(Some(f.value))
            {
                out.at_value(
                    w.doc,
                    &f.pointer,
                    format!("{} runs privileged", container_label(c)),
                    "remove `privileged: true` and add only the capabilities the program needs",
                );
            }
        }
        for s in &set.compose {
            if is_true(s.get("privileged")) {
                out.at_value(s.doc, s.at("/privileged"), format!("service `{}` runs privileged", s.name), "remove `privileged: true` and add only the capabilities the program needs with `cap_add:`")
                    .service(s.name);
            }
        }
    }
}
