//! The one code -> rule table.
//!
//! Every rule is listed here once, in code order; `shipshape rules`, `shipshape explain`,
//! selection and exemptions all look rules up through this table.

use super::Rule;
use super::rules::*;

static RULES: &[&dyn Rule] = &[
    &InvalidExemption,
    &AmbiguousScalar,
    &RunAsNonRoot,
    &NoPrivilegeEscalation,
    &ReadOnlyRootFs,
    &DropAllCapabilities,
    &NoPrivileged,
    &NoHostNamespaces,
    &NoHostPath,
    &SeccompProfile,
    &LivenessProbe,
    &ReadinessProbe,
    &ProbePortExists,
    &ProbesNotIdentical,
    &CpuRequests,
    &MemoryRequests,
    &MemoryLimits,
    &CpuLimits,
    &RequestsWithinLimits,
    &PdbRequired,
    &PdbAllowsEviction,
    &MinReplicas,
    &AntiAffinityOrSpread,
    &ZeroDowntimeRollout,
    &HpaAndStaticReplicas,
    &TerminationGraceCoversPrestop,
    &ImageTagPinned,
    &ImageDigest,
    &PlaintextSecret,
    &DuplicateEnvVar,
    &ConfigRefsExist,
    &ServiceSelectsPods,
    &SelectorMatchesTemplate,
    &IngressBackendExists,
    &HpaTargetExists,
    &PdbSelectsPods,
    &ServicemonitorSelectsService,
    &NetworkpolicySelectsPods,
];

/// Every rule, in code order.
pub fn all() -> &'static [&'static dyn Rule] {
    RULES
}

/// The index of a rule by code (any case) or name.
pub fn index_of(code_or_name: &str) -> Option<usize> {
    let s = code_or_name.trim();
    RULES.iter().position(|r| {
        let m = r.meta();
        m.name == s || m.code.eq_ignore_ascii_case(s)
    })
}

/// A rule by code (any case) or name.
pub fn find(code_or_name: &str) -> Option<&'static dyn Rule> {
    index_of(code_or_name).map(|i| RULES[i])
}

/// The rule name or code nearest to a misspelt one, when one is close.
pub fn suggest(input: &str) -> Option<String> {
    let input = input.trim();
    RULES
        .iter()
        .flat_map(|r| [r.meta().name, r.meta().code])
        .map(|c| {
            (
                strsim::jaro_winkler(&input.to_ascii_lowercase(), &c.to_ascii_lowercase()),
                c,
            )
        })
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c.to_string())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    #[test]
    fn codes_and_names_are_unique_and_well_formed() {
        let mut codes = BTreeSet::new();
        let mut names = BTreeSet::new();
        let mut previous = "";
        for r in all() {
            let m = r.meta();
            assert!(codes.insert(m.code), "duplicate code {}", m.code);
            assert!(names.insert(m.name), "duplicate name {}", m.name);
            assert!(m.code.len() == 5 && m.code.starts_with("SS"), "{}", m.code);
            assert!(m.code > previous, "{} is out of order", m.code);
            previous = m.code;
            assert!(
                m.name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{} is not kebab-case",
                m.name
            );
        }
    }

    #[test]
    fn every_doc_has_the_fixed_headings() {
        for r in all() {
            let m = r.meta();
            let doc = m.doc();
            let mut at = 0;
            for heading in [
                "## What it checks",
                "## Why it matters",
                "## Example",
                "## Fix",
            ] {
                let found = doc[at..]
                    .find(heading)
                    .unwrap_or_else(|| panic!("{} lacks `{heading}` (in order)", m.code));
                at += found + heading.len();
            }
            assert!(
                !m.summary().is_empty() && !m.summary().starts_with('#'),
                "{} has no summary",
                m.code
            );
            assert!(doc.contains("```"), "{} has no example block", m.code);
        }
    }

    #[test]
    fn lookup_by_code_or_name() {
        assert_eq!(find("ss101").unwrap().meta().name, "run-as-non-root");
        assert_eq!(find("run-as-non-root").unwrap().meta().code, "SS101");
        assert!(find("nope").is_none());
        assert_eq!(suggest("liveness-prob").as_deref(), Some("liveness-probe"));
    }
}
