//! Profiles: which rules run and at which severity.
//!
//! A [`Profile`] is one layer of selection: `select` replaces the set of rules, `extendSelect`
//! adds to it, `ignore` removes from it, `severity` changes a rule's severity, `failOn` sets the
//! lowest severity that fails the run. Layers apply in order: the defaults, `shipshape.yaml`'s
//! `policy.default`, the environment's profile, then the command line. [`RuleSelection`] is the
//! result.

use indexmap::IndexMap;
use serde::Deserialize;

use crate::report::Severity;

use super::registry;

/// One layer of rule selection.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Profile {
    /// Rules to run instead of the current set: codes (`SS101`), names (`run-as-non-root`),
    /// code prefixes (`SS1`) or `ALL`.
    #[serde(default)]
    pub select: Vec<String>,
    /// Rules to run in addition to the current set (same forms as `select`).
    #[serde(default)]
    pub extend_select: Vec<String>,
    /// Rules not to run (same forms as `select`).
    #[serde(default)]
    pub ignore: Vec<String>,
    /// Severity per rule (code or name): `error`, `warning` or `info`.
    #[serde(default)]
    pub severity: IndexMap<String, Severity>,
    /// The lowest severity that fails the run (`error` or `warning`).
    #[serde(default)]
    pub fail_on: Option<Severity>,
}

/// A selector that names no rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown rule `{selector}`{}: use a code (SS101), a name (run-as-non-root), a code prefix (SS1) or ALL; `shipshape rules` lists them", suggestion.as_ref().map(|s| format!(" (did you mean `{s}`?)")).unwrap_or_default())]
pub struct SelectorError {
    /// The selector as written.
    pub selector: String,
    /// The nearest rule name or code.
    pub suggestion: Option<String>,
}

/// The indexes (into [`registry::all`]) of the rules a selector names.
pub fn resolve_selector(selector: &str) -> Result<Vec<usize>, SelectorError> {
    let s = selector.trim();
    let rules = registry::all();
    if s.eq_ignore_ascii_case("ALL") {
        return Ok((0..rules.len()).collect());
    }
    if let Some(i) = registry::index_of(s) {
        return Ok(vec![i]);
    }
    let upper = s.to_ascii_uppercase();
    if upper.len() > 2 && upper.starts_with("SS") && upper[2..].chars().all(|c| c.is_ascii_digit())
    {
        let hits: Vec<usize> = rules
            .iter()
            .enumerate()
            .filter(|(_, r)| r.meta().code.starts_with(&upper))
            .map(|(i, _)| i)
            .collect();
        if !hits.is_empty() {
            return Ok(hits);
        }
    }
    Err(SelectorError {
        selector: s.to_string(),
        suggestion: registry::suggest(s),
    })
}

/// Which rules run, at which severity, and what fails the run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleSelection {
    severities: Vec<Option<Severity>>,
    /// The lowest severity that fails the run.
    pub fail_on: Severity,
}

impl RuleSelection {
    /// The rules enabled by default at their default severities; errors fail the run.
    pub fn default_selection() -> RuleSelection {
        RuleSelection {
            severities: registry::all()
                .iter()
                .map(|r| r.meta())
                .map(|m| m.enabled_by_default.then_some(m.severity))
                .collect(),
            fail_on: Severity::Error,
        }
    }

    /// Applies profile layers, in order, to the default selection.
    pub fn resolve<'p>(
        layers: impl IntoIterator<Item = &'p Profile>,
    ) -> Result<RuleSelection, SelectorError> {
        let rules = registry::all();
        let mut enabled: Vec<bool> = rules.iter().map(|r| r.meta().enabled_by_default).collect();
        let mut severity: Vec<Severity> = rules.iter().map(|r| r.meta().severity).collect();
        let mut fail_on = Severity::Error;
        for layer in layers {
            if !layer.select.is_empty() {
                enabled.iter_mut().for_each(|e| *e = false);
                for s in &layer.select {
                    for i in resolve_selector(s)? {
                        enabled[i] = true;
                    }
                }
            }
            for s in &layer.extend_select {
                for i in resolve_selector(s)? {
                    enabled[i] = true;
                }
            }
            for s in &layer.ignore {
                for i in resolve_selector(s)? {
                    enabled[i] = false;
                }
            }
            for (s, sev) in &layer.severity {
                for i in resolve_selector(s)? {
                    severity[i] = *sev;
                }
            }
            if let Some(f) = layer.fail_on {
                fail_on = f;
            }
        }
        Ok(RuleSelection {
            severities: enabled
                .into_iter()
                .zip(severity)
                .map(|(e, s)| e.then_some(s))
                .collect(),
            fail_on,
        })
    }

    /// The severity a rule runs at, or `None` when it does not run.
    pub fn severity_of(&self, index: usize) -> Option<Severity> {
        self.severities.get(index).copied().flatten()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn idx(s: &str) -> usize {
        registry::index_of(s).unwrap()
    }

    #[test]
    fn layers_apply_in_order() {
        let base = Profile {
            ignore: vec!["SS103".into()],
            ..Profile::default()
        };
        let env = Profile {
            severity: [("run-as-non-root".to_string(), Severity::Warning)]
                .into_iter()
                .collect(),
            extend_select: vec!["cpu-limits".into()],
            fail_on: Some(Severity::Warning),
            ..Profile::default()
        };
        let sel = RuleSelection::resolve([&base, &env]).unwrap();
        assert_eq!(sel.severity_of(idx("SS103")), None);
        assert_eq!(
            sel.severity_of(idx("run-as-non-root")),
            Some(Severity::Warning)
        );
        assert!(sel.severity_of(idx("cpu-limits")).is_some());
        assert_eq!(sel.fail_on, Severity::Warning);
        assert_eq!(
            RuleSelection::default_selection().severity_of(idx("cpu-limits")),
            None
        );
    }

    #[test]
    fn select_replaces_and_prefixes_work() {
        let p = Profile {
            select: vec!["SS1".into()],
            ..Profile::default()
        };
        let sel = RuleSelection::resolve([&p]).unwrap();
        assert!(sel.severity_of(idx("SS101")).is_some());
        assert_eq!(sel.severity_of(idx("image-tag-pinned")), None);
    }

    #[test]
    fn unknown_selectors_are_errors_with_a_suggestion() {
        let err = resolve_selector("run-as-nonroot").unwrap_err();
        assert_eq!(err.suggestion.as_deref(), Some("run-as-non-root"));
        assert!(resolve_selector("SS9").is_err());
    }
}
