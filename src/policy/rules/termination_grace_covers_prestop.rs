//! SS407 termination-grace-covers-prestop.

use serde_json::Value;

use super::{all_containers, container_label};
use crate::policy::{Hits, ObjectSet, Rule, RuleMeta, declare_rule};

declare_rule! {
    /// The termination grace period must be longer than the preStop sleep.
    ///
    /// ## What it checks
    ///
    /// When a container's `lifecycle.preStop` sleeps (`sleep: {seconds: N}`, or an `exec`
    /// command running `sleep N`), the pod's `terminationGracePeriodSeconds` (30 when absent)
    /// must be greater than N.
    ///
    /// ## Why it matters
    ///
    /// The grace period includes the preStop hook. When the sleep uses all of it, the process
    /// gets SIGKILL without ever seeing SIGTERM: in-flight requests are cut off instead of
    /// drained.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// terminationGracePeriodSeconds: 10
    /// containers:
    ///   - name: api
    ///     lifecycle:
    ///       preStop:
    ///         exec: {command: ["sleep", "15"]}
    /// ```
    ///
    /// ## Fix
    ///
    /// Set `terminationGracePeriodSeconds` to the preStop sleep plus the time the program
    /// needs to shut down, or shorten the sleep.
    pub struct TerminationGraceCoversPrestop {
        code: "SS407",
        name: "termination-grace-covers-prestop",
        severity: Error,
        targets: [Kubernetes],
        enabled_by_default: true,
    }
}

/// The seconds a preStop hook sleeps, when it does.
fn prestop_sleep(pre_stop: &Value) -> Option<(i64, &'static str)> {
    if let Some(s) = pre_stop.pointer("/sleep/seconds").and_then(Value::as_i64) {
        return Some((s, "/sleep/seconds"));
    }
    let command = pre_stop.pointer("/exec/command")?.as_array()?;
    let words: Vec<&str> = command
        .iter()
        .filter_map(Value::as_str)
        .flat_map(|a| a.split([' ', ';', '&', '|']))
        .filter(|w| !w.is_empty())
        .collect();
    let at = words
        .iter()
        .position(|w| *w == "sleep" || w.ends_with("/sleep"))?;
    let n = words
        .get(at + 1)?
        .trim_end_matches('s')
        .parse::<f64>()
        .ok()?;
    Some((n.ceil() as i64, "/exec/command"))
}

impl Rule for TerminationGraceCoversPrestop {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, set: &ObjectSet<'_>, out: &mut Hits) {
        for (w, c) in all_containers(set) {
            let Some(pre_stop) = c.get("lifecycle").and_then(|l| l.get("preStop")) else {
                continue;
            };
            let Some((sleep, sub)) = prestop_sleep(pre_stop) else {
                continue;
            };
            let grace = w
                .pod
                .get("terminationGracePeriodSeconds")
                .and_then(Value::as_i64)
                .unwrap_or(30);
            if sleep >= grace {
                out.at_value(
                    w.doc,
                    c.at(&format!("/lifecycle/preStop{sub}")),
                    format!(
                        "the preStop hook of {} sleeps {sleep}s but the pod's termination grace period is {grace}s: the process is killed without SIGTERM",
                        container_label(c)
                    ),
                    format!("set `terminationGracePeriodSeconds` above {sleep} (the sleep plus the shutdown time) or shorten the sleep"),
                )
                .spec("terminationGracePeriodSeconds");
            }
        }
    }
}
