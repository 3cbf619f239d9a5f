//! The command line: one file per subcommand, each with its arguments and a `run` that calls
//! the library and returns the exit code (0 clean, 1 findings or drift, 2 usage or input
//! error).

pub mod check;
pub mod completions;
pub mod diff;
pub mod explain;
pub mod explain_value;
pub mod golden;
pub mod import;
pub mod init;
pub mod lint;
pub mod man;
pub mod render;
pub mod rules;
pub mod schema;
pub mod templates;
pub mod validate;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Exit code: everything clean.
pub const EXIT_CLEAN: u8 = 0;
/// Exit code: findings, invalid resources or drift.
pub const EXIT_FINDINGS: u8 = 1;
/// Exit code: usage or input error.
pub const EXIT_ERROR: u8 = 2;

/// Typed environment specs rendered to Kubernetes, Helm values and Compose; validated,
/// linted and diffed against golden output.
#[derive(Debug, Parser)]
#[command(
    name = "shipshape",
    version,
    about,
    propagate_version = true,
    after_help = "Exit codes: 0 clean; 1 findings, invalid resources or drift; 2 usage or input error."
)]
pub struct Cli {
    /// The subcommand.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a new workspace with an example app, ready for `golden accept` and `check`.
    Init(init::Args),
    /// Render environments to an output folder.
    Render(render::Args),
    /// Render every environment, validate, lint and compare with golden/.
    Check(check::Args),
    /// Accept rendered output into golden/.
    Golden(golden::Args),
    /// Adopt existing services: Kubernetes manifests or Compose files become an app's spec.
    Import(import::Args),
    /// List, show and export the templates, and print the context they receive.
    Templates(templates::Args),
    /// Show an environment's final value at a key path and the file and line that set it.
    ExplainValue(explain_value::Args),
    /// Validate manifests against Kubernetes, CRD, Compose and Helm values schemas.
    Validate(validate::Args),
    /// Manage schemas: import CRDs.
    Schema(schema::Args),
    /// Run the policy rules on any manifests.
    Lint(lint::Args),
    /// Explain a policy rule: what it checks, why, an example and the fix.
    Explain(explain::Args),
    /// List every policy rule with its code, name, severity and targets.
    Rules(rules::Args),
    /// Object-aware diff: rendered vs golden, environment vs environment, or two paths.
    Diff(diff::Args),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions(completions::Args),
    /// Print the manual page, or write every page into a folder.
    Man(man::Args),
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Init(args) => init::run(args),
        Command::Render(args) => render::run(args),
        Command::Check(args) => check::run(args),
        Command::Golden(args) => golden::run(args),
        Command::Import(args) => import::run(args),
        Command::Templates(args) => templates::run(args),
        Command::ExplainValue(args) => explain_value::run(args),
        Command::Validate(args) => validate::run(args),
        Command::Schema(args) => schema::run(args),
        Command::Lint(args) => lint::run(args),
        Command::Explain(args) => explain::run(args),
        Command::Rules(args) => rules::run(args),
        Command::Diff(args) => diff::run(args),
        Command::Completions(args) => completions::run(args),
        Command::Man(args) => man::run(args),
    }
}

/// Prints the workspace's layout warnings (see
/// [`Workspace::layout_warnings`](crate::workspace::Workspace::layout_warnings)) on stderr.
pub fn warn_layout(workspace: &crate::workspace::Workspace) -> anyhow::Result<()> {
    for warning in workspace.layout_warnings()? {
        eprintln!("warning: {warning}");
    }
    Ok(())
}
