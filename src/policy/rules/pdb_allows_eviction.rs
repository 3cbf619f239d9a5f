//! SS402 pdb-allows-eviction.

use serde_json::Value;

use crate::policy::model::LabelSelector;
use crate::policy::{Hits, ObjectSet, Rule, RuleMeta, declare_rule};

declare_rule! {
    /// A PodDisruptionBudget must allow at least one eviction.
    ///
    /// ## What it checks
    ///
    /// `maxUnavailable` must be above 0 (`0` and `0%` fire). `minAvailable` must be below the
    /// replica count of every workload the budget selects and below the `minReplicas` of the
    /// HorizontalPodAutoscaler that scales it (`100%` always fires). A workload that leaves
    /// `replicas` to its autoscaler is judged by `minReplicas` alone.
    ///
    /// ## Why it matters
    ///
    /// A budget that allows no eviction blocks every node drain: cluster upgrades and
    /// scale-downs hang until someone deletes the budget by hand.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// kind: PodDisruptionBudget
    /// spec:
    ///   minAvailable: 3   # the Deployment runs 3 replicas
    /// ```
    ///
    /// ## Fix
    ///
    /// Use `maxUnavailable: 1`, or a `minAvailable` below the lowest replica count.
    pub struct PdbAllowsEviction {
        code: "SS402",
        name: "pdb-allows-eviction",
        severity: Error,
        targets: [Kubernetes],
        enabled_by_default: true,
    }
}

/// A PDB count (`2` or `"50%"`) for a replica count; percentages round up as Kubernetes does
/// for `minAvailable`.
fn resolve(v: &Value, replicas: i64) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => match s.strip_suffix('%') {
            Some(p) => p
                .trim()
                .parse::<i64>()
                .ok()
                .map(|p| (p * replicas + 99) / 100),
            None => s.trim().parse().ok(),
        },
        _ => None,
    }
}

impl Rule for PdbAllowsEviction {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn cross_resource(&self) -> bool {
        true
    }

    fn check(&self, set: &ObjectSet<'_>, out: &mut Hits) {
        for (i, pdb) in set.of_kind("PodDisruptionBudget") {
            let help =
                "use `maxUnavailable: 1`, or a `minAvailable` below the lowest replica count";
            if let Some(max) = pdb.value.pointer("/spec/maxUnavailable")
                && resolve(max, 100) == Some(0)
            {
                out.at_value(i, "/spec/maxUnavailable", "`maxUnavailable` is 0: the budget never allows an eviction, so node drains hang", help)
                    .spec("disruptionBudget");
                continue;
            }
            let Some(min) = pdb.value.pointer("/spec/minAvailable") else {
                continue;
            };
            if min.as_str().map(str::trim) == Some("100%") {
                out.at_value(i, "/spec/minAvailable", "`minAvailable` is 100%: the budget never allows an eviction, so node drains hang", help)
                    .spec("disruptionBudget");
                continue;
            }
            let selector = LabelSelector::from_label_selector(pdb.value.pointer("/spec/selector"));
            if pdb.value.pointer("/spec/selector").is_none() {
                continue;
            }
            for w in set.workloads_matching(pdb.namespace(), &selector) {
                let Some(replicas) = w.replicas() else {
                    continue;
                };
                let hpa_min = set.hpa_for(w).map(|(_, m)| m);
                // The budget must leave a pod evictable at the written replica count and at
                // the autoscaler's floor. Without a written count, the autoscaler owns it.
                let mut counts = Vec::new();
                if w.replicas_set() || hpa_min.is_none() {
                    let noun = if replicas == 1 { "replica" } else { "replicas" };
                    counts.push((replicas, format!("it runs {replicas} {noun}")));
                }
                if let Some(m) = hpa_min {
                    counts.push((
                        m,
                        format!("its HorizontalPodAutoscaler's minReplicas is {m}"),
                    ));
                }
                let blocked = counts
                    .into_iter()
                    .find(|(count, _)| resolve(min, *count).is_some_and(|needed| needed >= *count));
                if let Some((_, what)) = blocked {
                    out.at_value(
                        i,
                        "/spec/minAvailable",
                        format!(
                            "`minAvailable` {} leaves no pod of {} evictable: {what}",
                            show(min),
                            w.document.display_name()
                        ),
                        help,
                    )
                    .spec("disruptionBudget");
                    break;
                }
            }
        }
    }
}

fn show(v: &Value) -> String {
    v.as_str().map_or_else(|| v.to_string(), str::to_string)
}
