//! The lint context of one rendered environment, as `check` builds it.
//!
//! It brings together what decides a finding's fate for an environment: the profile layers of
//! `shipshape.yaml` (its `policy.default`, then the environment's), the exemptions of
//! `shipshape.yaml` and of the spec's `allow:` list, the Secrets the spec references (they
//! exist outside the rendered output, so config-refs-exist must not ask for them), and the
//! date. The rendered set is complete, so every reference is checked.

use crate::config::Config;
use crate::spec::Environment;
use crate::spec::model;

use super::LintContext;
use super::exemption::{Allow, Date, ExemptionEntry};
use super::profile::{Profile, SelectorError};

impl From<&model::Allow> for Allow {
    fn from(a: &model::Allow) -> Allow {
        Allow {
            rule: a.rule.clone(),
            reason: a.reason.clone(),
            expires: a.expires.clone(),
            kind: a.kind.clone(),
            namespace: None,
            name: a.name.clone(),
        }
    }
}

/// The lint context for a loaded environment: profiles from `config` (then `extra` layers,
/// e.g. the command line), exemptions from `config` and the spec, the spec's Secrets as
/// external, `today` for expiry, and a complete set.
pub fn environment_context(
    config: &Config,
    env: &Environment,
    extra: &[&Profile],
    today: Date,
) -> Result<LintContext, SelectorError> {
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
            allow: Allow::from(allow),
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
