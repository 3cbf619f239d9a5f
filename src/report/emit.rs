//! Choosing and writing output formats: `--format NAME[=PATH]` parsing ([`FormatSpec`],
//! [`OutputArgs`]), the [`Render`] trait every format implements, and [`emit`], which
//! writes each requested format to stdout or, atomically, to its file.

use std::fmt;
use std::io::{self, IsTerminal};
use std::path::PathBuf;
use std::str::FromStr;

use anyhow::{Context, bail};

use super::Report;
use crate::fsutil::write_stdout;

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Format {
    /// Human-readable, grouped by file, with source excerpts.
    Text,
    /// The stable JSON document (`version: 1`).
    Json,
    /// SARIF 2.1.0 for GitHub code scanning.
    Sarif,
    /// JUnit XML for CI test reports.
    Junit,
    /// GitHub Actions workflow commands (annotations).
    Github,
    /// Markdown tables (job summaries, pull request comments).
    Markdown,
    /// A GitLab Code Quality report (merge request widget).
    Gitlab,
}

impl Format {
    /// Every format, in the order help texts list them.
    pub const ALL: [Format; 7] = [
        Format::Text,
        Format::Json,
        Format::Sarif,
        Format::Junit,
        Format::Github,
        Format::Markdown,
        Format::Gitlab,
    ];

    /// The name used on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Json => "json",
            Format::Sarif => "sarif",
            Format::Junit => "junit",
            Format::Github => "github",
            Format::Markdown => "markdown",
            Format::Gitlab => "gitlab",
        }
    }

    /// The renderer for this format.
    pub fn renderer(self) -> &'static dyn Render {
        match self {
            Format::Text => &super::text::Text,
            Format::Json => &super::json::Json,
            Format::Sarif => &super::sarif::Sarif,
            Format::Junit => &super::junit::Junit,
            Format::Github => &super::github::Github,
            Format::Markdown => &super::markdown::Markdown,
            Format::Gitlab => &super::gitlab::Gitlab,
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A format name that is not one of [`Format::ALL`], or an empty `=PATH`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FormatSpecError {
    /// The name is not a format.
    #[error("unknown format `{0}`; expected one of {names}, optionally followed by `=PATH`", names = format_names())]
    UnknownFormat(String),
    /// `NAME=` without a path.
    #[error("`{0}=` needs a file path after `=` (or leave out `=` to write to stdout)")]
    EmptyPath(String),
}

fn format_names() -> String {
    Format::ALL
        .iter()
        .map(|f| f.name())
        .collect::<Vec<_>>()
        .join(", ")
}

impl FromStr for Format {
    type Err = FormatSpecError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Format::ALL
            .into_iter()
            .find(|f| f.name() == s)
            .ok_or_else(|| FormatSpecError::UnknownFormat(s.to_string()))
    }
}

/// One requested output: a format and where it goes (`None`: stdout).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormatSpec {
    /// The format.
    pub format: Format,
    /// The file to write, or `None` for stdout.
    pub path: Option<PathBuf>,
}

impl FormatSpec {
    /// A format written to stdout.
    pub fn stdout(format: Format) -> FormatSpec {
        FormatSpec { format, path: None }
    }

    /// A format written to a file.
    pub fn file(format: Format, path: impl Into<PathBuf>) -> FormatSpec {
        FormatSpec {
            format,
            path: Some(path.into()),
        }
    }
}

impl FromStr for FormatSpec {
    type Err = FormatSpecError;

    /// Parses `NAME` or `NAME=PATH`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.split_once('=') {
            None => Ok(FormatSpec::stdout(s.parse()?)),
            Some((name, "")) => {
                let format: Format = name.parse()?;
                Err(FormatSpecError::EmptyPath(format.name().to_string()))
            }
            Some((name, path)) => Ok(FormatSpec::file(name.parse::<Format>()?, path)),
        }
    }
}

impl fmt::Display for FormatSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.path {
            None => f.write_str(self.format.name()),
            Some(path) => write!(f, "{}={}", self.format.name(), path.display()),
        }
    }
}

/// The output options that `validate`, `lint` and `check` flatten into their arguments.
#[derive(Debug, Clone, clap::Args)]
pub struct OutputArgs {
    /// Output format: text, json, sarif, junit, github, markdown or gitlab; `NAME=PATH` writes to a
    /// file instead of stdout. Repeatable (at most one format to stdout), e.g.
    /// `--format text --format sarif=report.sarif`.
    #[arg(
        long = "format",
        short = 'f',
        value_name = "FORMAT[=PATH]",
        default_value = "text",
        action = clap::ArgAction::Append
    )]
    pub formats: Vec<FormatSpec>,
    /// List every resource in text and Markdown output, valid ones included.
    #[arg(long)]
    pub verbose: bool,
}

impl Default for OutputArgs {
    fn default() -> Self {
        OutputArgs {
            formats: vec![FormatSpec::stdout(Format::Text)],
            verbose: false,
        }
    }
}

impl OutputArgs {
    /// Checks the requested outputs before any work is done: at most one format to stdout
    /// and no file named twice.
    pub fn check(&self) -> anyhow::Result<()> {
        check_targets(&self.formats)
    }

    /// Writes the report in every requested format.
    pub fn emit(&self, report: &Report) -> anyhow::Result<()> {
        emit_with(
            report,
            &self.formats,
            &RenderOptions {
                color: false,
                verbose: self.verbose,
            },
        )
    }
}

/// How to render: colour (text only) and whether to list valid resources.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RenderOptions {
    /// Use ANSI colours. [`emit`] decides this per output: only for stdout when it is a
    /// terminal and `NO_COLOR` is unset or empty; the value passed in is ignored there.
    pub color: bool,
    /// List valid resources too (text and Markdown).
    pub verbose: bool,
}

/// One output format: turns a [`Report`] into the bytes of a file.
pub trait Render: Sync {
    /// Renders the whole report. Output is deterministic: the same report gives the same
    /// text.
    fn render(&self, report: &Report, options: &RenderOptions) -> String;
}

/// Renders a report in one format.
pub fn render(report: &Report, format: Format, options: &RenderOptions) -> String {
    format.renderer().render(report, options)
}

/// Writes the report in every requested format (text to stdout when `formats` is empty).
pub fn emit(report: &Report, formats: &[FormatSpec]) -> anyhow::Result<()> {
    emit_with(report, formats, &RenderOptions::default())
}

/// [`emit`] with options. Checks the targets first ([`OutputArgs::check`]); files are
/// written atomically (a temporary file in the same folder, renamed into place), so a
/// failed run never leaves a partial file.
pub fn emit_with(
    report: &Report,
    formats: &[FormatSpec],
    options: &RenderOptions,
) -> anyhow::Result<()> {
    check_targets(formats)?;
    let default = [FormatSpec::stdout(Format::Text)];
    let formats = if formats.is_empty() {
        &default[..]
    } else {
        formats
    };
    for spec in formats {
        match &spec.path {
            Some(path) => {
                let options = RenderOptions {
                    color: false,
                    ..*options
                };
                let text = render(report, spec.format, &options);
                write_atomic(path, text.as_bytes()).with_context(|| {
                    format!(
                        "cannot write {} output to {}",
                        spec.format.name(),
                        path.display()
                    )
                })?;
            }
            None => {
                let stdout = io::stdout();
                let options = RenderOptions {
                    color: spec.format == Format::Text
                        && use_color(stdout.is_terminal(), std::env::var_os("NO_COLOR")),
                    ..*options
                };
                let text = render(report, spec.format, &options);
                write_stdout(text.as_bytes())?;
            }
        }
    }
    Ok(())
}

/// Whether output to stdout should be coloured: a terminal, and `NO_COLOR` unset or empty.
pub fn stdout_wants_color() -> bool {
    use std::io::IsTerminal;
    use_color(
        std::io::stdout().is_terminal(),
        std::env::var_os("NO_COLOR"),
    )
}

/// Colour when writing to a terminal and `NO_COLOR` is unset or empty (no-color.org).
fn use_color(is_terminal: bool, no_color: Option<std::ffi::OsString>) -> bool {
    is_terminal && no_color.is_none_or(|v| v.is_empty())
}

/// At most one format to stdout; no file named twice.
fn check_targets(formats: &[FormatSpec]) -> anyhow::Result<()> {
    let to_stdout: Vec<_> = formats.iter().filter(|f| f.path.is_none()).collect();
    if to_stdout.len() > 1 {
        let names: Vec<_> = to_stdout.iter().map(|f| f.format.name()).collect();
        bail!(
            "`--format {}` would all write to stdout; only one format can go to stdout, \
             write the others to files with `--format NAME=PATH`",
            names.join("`, `--format ")
        );
    }
    for (i, a) in formats.iter().enumerate() {
        if let Some(path) = &a.path
            && formats[..i].iter().any(|b| b.path.as_ref() == Some(path))
        {
            bail!(
                "`--format` names {} more than once; give each format its own file",
                path.display()
            );
        }
    }
    Ok(())
}

pub use crate::fsutil::write_atomic;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_names_and_paths() {
        assert_eq!(
            "sarif=out/r.sarif".parse::<FormatSpec>().unwrap(),
            FormatSpec::file(Format::Sarif, "out/r.sarif")
        );
        assert_eq!(
            "text".parse::<FormatSpec>().unwrap(),
            FormatSpec::stdout(Format::Text)
        );
        assert_eq!(
            "xml".parse::<FormatSpec>().unwrap_err().to_string(),
            "unknown format `xml`; expected one of text, json, sarif, junit, github, markdown, \
             gitlab, optionally followed by `=PATH`"
        );
        assert_eq!(
            "json=".parse::<FormatSpec>().unwrap_err().to_string(),
            "`json=` needs a file path after `=` (or leave out `=` to write to stdout)"
        );
    }

    #[test]
    fn one_format_to_stdout() {
        let err = check_targets(&[
            FormatSpec::stdout(Format::Text),
            FormatSpec::stdout(Format::Json),
        ])
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "`--format text`, `--format json` would all write to stdout; only one format can go \
             to stdout, write the others to files with `--format NAME=PATH`"
        );
        let err = check_targets(&[
            FormatSpec::file(Format::Sarif, "a"),
            FormatSpec::file(Format::Json, "a"),
        ])
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "`--format` names a more than once; give each format its own file"
        );
        check_targets(&[
            FormatSpec::stdout(Format::Text),
            FormatSpec::file(Format::Json, "a"),
        ])
        .unwrap();
    }

    #[test]
    fn colour_needs_a_terminal_and_no_no_color() {
        assert!(use_color(true, None));
        assert!(use_color(true, Some("".into())));
        assert!(!use_color(true, Some("1".into())));
        assert!(!use_color(false, None));
    }

    #[test]
    fn atomic_write_leaves_no_partial_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.json");
        write_atomic(&path, b"one").unwrap();
        write_atomic(&path, b"two").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "two");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        let missing = dir.path().join("no/such/dir/r.json");
        assert!(write_atomic(&missing, b"x").is_err());
        assert!(!missing.exists());
    }
}
