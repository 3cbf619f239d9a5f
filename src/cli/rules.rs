//! `shipshape rules`: list every policy rule with its code, name, severity and targets.

use std::fmt::Write;
use std::process::ExitCode;

use crate::policy::registry;

use super::EXIT_CLEAN;

/// Arguments of `shipshape rules`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs the subcommand.
pub fn run(_args: Args) -> anyhow::Result<ExitCode> {
    crate::fsutil::write_stdout(rules_table().as_bytes())?;
    Ok(ExitCode::from(EXIT_CLEAN))
}

/// The table `rules` prints: code, name, default severity, targets, whether it runs by
/// default, and the summary.
pub fn rules_table() -> String {
    let rows: Vec<[String; 6]> = registry::all()
        .iter()
        .map(|r| {
            let m = r.meta();
            [
                m.code.to_string(),
                m.name.to_string(),
                m.severity.to_string(),
                m.targets_str(),
                if m.enabled_by_default {
                    "default"
                } else {
                    "opt-in"
                }
                .to_string(),
                m.summary(),
            ]
        })
        .collect();
    let header = ["CODE", "NAME", "SEVERITY", "TARGETS", "RUNS", "SUMMARY"].map(String::from);
    let mut widths = [0usize; 5];
    for row in std::iter::once(&header).chain(&rows) {
        for (w, cell) in widths.iter_mut().zip(row.iter()) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for row in std::iter::once(&header).chain(&rows) {
        for (i, cell) in row.iter().take(5).enumerate() {
            let _ = write!(out, "{cell:<width$}  ", width = widths[i]);
        }
        let _ = writeln!(out, "{}", row[5]);
    }
    out
}
