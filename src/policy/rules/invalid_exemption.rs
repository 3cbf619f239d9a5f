//! SS001 invalid-exemption.

use crate::policy::exemption::{ANNOTATION, annotation_sites, parse_annotation};
use crate::policy::{Hits, ObjectSet, Rule, RuleMeta, declare_rule};

declare_rule! {
    /// An exemption must name a rule, give a reason and a valid date.
    ///
    /// ## What it checks
    ///
    /// Each line of a `shipshape.dev/allow` annotation (or Compose label) must read
    /// `<rule>: <reason>`, optionally ending in ` until YYYY-MM-DD`, where the rule is a code
    /// or name from `shipshape rules` and the reason is not empty. (Exemptions in
    /// `shipshape.yaml` and environment specs are checked when those files load.)
    ///
    /// ## Why it matters
    ///
    /// An exemption without a reason cannot be reviewed or retired; one that names no rule or
    /// has a broken date silently exempts nothing.
    ///
    /// ## Example
    ///
    /// ```yaml
    /// metadata:
    ///   annotations:
    ///     shipshape.dev/allow: "run-as-non-root"
    /// ```
    ///
    /// ## Fix
    ///
    /// Write the reason after a colon:
    /// `shipshape.dev/allow: "run-as-non-root: vendor image needs root until 2027-03-01"`.
    pub struct InvalidExemption {
        code: "SS001",
        name: "invalid-exemption",
        severity: Error,
        targets: [Kubernetes, Compose],
        enabled_by_default: true,
    }
}

impl Rule for InvalidExemption {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, set: &ObjectSet<'_>, out: &mut Hits) {
        for site in annotation_sites(set) {
            for allow in parse_annotation(site.text) {
                for problem in allow.problems() {
                    let hit = out.at_value(
                        site.doc,
                        &site.pointer,
                        format!("{ANNOTATION}: {}", problem.message),
                        "write each exemption as `<rule>: <reason>`, optionally ending in ` until YYYY-MM-DD`",
                    );
                    if let Some(service) = site.service {
                        hit.service(service);
                    }
                }
            }
        }
    }
}
