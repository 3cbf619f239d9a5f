//! `shipshape explain`: explain a policy rule: what it checks, why, an example and the fix.

use std::process::ExitCode;

use crate::policy::registry;

use super::EXIT_CLEAN;

/// Arguments of `shipshape explain`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The rule's code (SS101) or name (run-as-non-root).
    #[arg(value_name = "CODE|NAME")]
    pub rule: String,
}

/// Runs the subcommand.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let Some(rule) = registry::find(&args.rule) else {
        let hint = registry::suggest(&args.rule)
            .map(|s| format!(" (did you mean `{s}`?)"))
            .unwrap_or_default();
        anyhow::bail!(
            "unknown rule `{}`{hint}: `shipshape rules` lists every code and name",
            args.rule
        );
    };
    crate::fsutil::write_stdout(explain_text(rule.meta()).as_bytes())?;
    Ok(ExitCode::from(EXIT_CLEAN))
}

/// The text `explain` prints: a header line, then the rule's documentation.
pub fn explain_text(meta: &crate::policy::RuleMeta) -> String {
    let opt_in = if meta.enabled_by_default {
        ""
    } else {
        "; opt-in"
    };
    format!(
        "{} {} ({}; {}{opt_in})\n\n{}",
        meta.code,
        meta.name,
        meta.severity,
        meta.targets_str(),
        meta.doc()
    )
}
