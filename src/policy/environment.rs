//! The lint context of one rendered environment, as `check` builds it.
//!
//! It brings together what decides a finding's fate for an environment: the profile layers of
//! `shipshape.yaml` (its `policy.default`, then the environment's), the exemptions of
//! `shipshape.yaml` and of the spec's `allow:` list, the Secrets the spec references (they
//! exist outside the rendered output, so config-refs-exist must not ask for them), and the
//! date. The rendered set is complete, so every reference is checked. An `allow:` entry that
//! names no rule, has no reason or a broken date is an input error located in its spec file.

use crate::config::Config;
use crate::manifest::Location;
use crate::spec::Environment;

use super::LintContext;
use super::exemption::{Date, ExemptionEntry};
use super::profile::{Profile, SelectorError};

/// Why an environment's lint context could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ContextError {
    /// A profile layer names an unknown rule.
    #[error(transparent)]
    Selector(#[from] SelectorError),
    /// `allow:` entries of the spec are invalid: each with where and what.
    #[error("{}", .0.iter().map(|(l, m)| format!("{}: {m}", l.as_ref().map_or_else(|| "spec".to_string(), ToString::to_string))).collect::<Vec<_>>().join("\n"))]
    InvalidAllow(Vec<(Option<Location>, String)>),
}

/// The lint context for a loaded environment: profiles from `config` (then `extra` layers,
/// e.g. the command line), exemptions from `config` and the spec, the spec's Secrets as
/// external, `today` for expiry, and a complete set.
pub fn environment_context(
    config: &Config,
    env: &Environment,
    extra: &[&Profile],
    today: Date,
) -> Result<LintContext, ContextError> {
    let mut problems = Vec::new();
    for (i, allow) in env.spec.allow.iter().enumerate() {
        for p in allow.problems() {
            let location = env
                .layered
                .origin(&format!("/allow/{i}/{}", p.field))
                .or_else(|| env.layered.origin(&format!("/allow/{i}")))
                .map(|o| o.value_location());
            problems.push((location, p.message));
        }
    }
    if !problems.is_empty() {
        return Err(ContextError::InvalidAllow(problems));
    }
    let mut cx = LintContext::new(today);
    cx.environment = Some(env.id.env.clone());
    cx.selection = config.selection(Some(&env.id.env), extra)?;
    cx.complete = true;
    cx.exemptions = config.exemption_entries();
    for (i, allow) in env.spec.allow.iter().enumerate() {
        let origin = env
            .layered
            .origin(&format!("/allow/{i}"))
            .map(|o| format!("allow[{i}] at {}", o.value_location()))
            .unwrap_or_else(|| format!("allow[{i}] of the {} spec", env.id));
        cx.exemptions.push(ExemptionEntry {
            allow: allow.clone(),
            origin,
        });
    }
    cx.external = env
        .spec
        .secrets
        .iter()
        .map(|s| s.secret_name.clone())
        .collect();
    Ok(cx)
}
