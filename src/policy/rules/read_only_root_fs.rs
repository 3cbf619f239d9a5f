//! SS103 read-only-root-fs.

use serde_json::Value;

use super::{all_containers, container_label, is_true};
use crate::policy::{Hits, ObjectSet, Rule, RuleMeta, declare_rule};

declare_rule! {
    /// Containers should run with a read-only root filesystem.
    ///
    /// ## What it checks
    ///
    /// Every container must set `securityContext.readOnlyRootFilesystem: true` (not
    /// inherited from the pod). For Compose, a service must set `read_only: true`.
    ///
    /// ## Why it matters
    ///
    /// A writable root filesystem lets an attacker drop tools and change binaries of a
    /// running container; a read-only one turns most of that into errors. Paths the program
    /// writes to become explicit volumes.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// services:
    ///   api:
    ///     image: registry.example.com/api:1.4.2
    ///     user: "1000"
    /// ```
    ///
    /// ## Fix
    ///
    /// Set `readOnlyRootFilesystem: true` and mount an `emptyDir` at each path the program
    /// writes (`/tmp`, caches); for Compose set `read_only: true` and list those paths under
    /// `tmpfs:`.
    pub struct ReadOnlyRootFs {
        code: "SS103",
        name: "read-only-root-fs",
        severity: Warning,
        targets: [Kubernetes, Compose],
        enabled_by_default: true,
    }
}

impl Rule for ReadOnlyRootFs {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, set: &ObjectSet<'_>, out: &mut Hits) {
        let help = "set `securityContext.readOnlyRootFilesystem: true` and mount an emptyDir where the program writes";
        for (w, c) in all_containers(set) {
            match w.security(c, "readOnlyRootFilesystem") {
                Some(f) if f.value == &Value::Bool(true) => {}
                Some(f) => {
                    out.at_value(
                        w.doc,
                        &f.pointer,
                        format!("{} has a writable root filesystem", container_label(c)),
                        help,
                    )
                    .spec("securityContext.readOnlyRootFilesystem");
                }
                None => {
                    out.at_value(
                        w.doc,
                        &c.pointer,
                        format!("{} has a writable root filesystem: `readOnlyRootFilesystem` is not set", container_label(c)),
                        help,
                    )
                    .spec("securityContext.readOnlyRootFilesystem");
                }
            }
        }
        for s in &set.compose {
            let help = "set `read_only: true` and list the paths the program writes under `tmpfs:`";
            match s.get("read_only") {
                Some(v) if is_true(Some(v)) => {}
                Some(_) => {
                    out.at_value(
                        s.doc,
                        s.at("/read_only"),
                        format!("service `{}` has a writable root filesystem", s.name),
                        help,
                    )
                    .spec("securityContext.readOnlyRootFilesystem")
                    .service(s.name);
                }
                None if !s.fragment => {
                    out.at_key(
                        s.doc,
                        &s.pointer,
                        format!("service `{}` has a writable root filesystem: `read_only: true` is not set", s.name),
                        help,
                    )
                    .spec("securityContext.readOnlyRootFilesystem")
                    .service(s.name);
                }
                None => {}
            }
        }
    }
}
