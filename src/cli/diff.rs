//! `shipshape diff`: object-aware diff of two files or two folders of manifests.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::str::FromStr;

use anyhow::Context;

use crate::diff::{self, Format, FormatOptions, Options, Summary};

/// Arguments of `shipshape diff`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Objects are matched by apiVersion group, kind, namespace and name (Compose services by name, \
Helm values by key path), never by position; list items carrying a `name` are matched by it. \
Secret values are masked unless --show-secrets is given.

Exit status: 0 no difference, 1 differences, 2 error.")]
pub struct Args {
    /// The old and the new file, or the old and the new folder (folders are searched
    /// recursively for *.yaml, *.yml and *.json; Kubernetes objects are matched across all
    /// files of a folder, Compose files and Helm values by relative path).
    #[arg(value_name = "PATH", num_args = 2, required = true)]
    pub paths: Vec<PathBuf>,

    /// Output format: human, unified, markdown or json; `FORMAT=FILE` writes that format to
    /// a file instead of stdout. Repeatable.
    #[arg(
        long,
        short = 'f',
        value_name = "FORMAT[=FILE]",
        default_value = "human"
    )]
    pub format: Vec<FormatSpec>,

    /// Print secret values instead of masked markers.
    #[arg(long)]
    pub show_secrets: bool,

    /// When to colour the human format: auto (stdout is a terminal and NO_COLOR is not set),
    /// always or never.
    #[arg(long, value_name = "WHEN", default_value = "auto")]
    pub color: ColorChoice,
}

/// One requested output: a format, to stdout or to a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormatSpec {
    /// The format.
    pub format: Format,
    /// The file to write, or `None` for stdout.
    pub path: Option<PathBuf>,
}

impl FromStr for FormatSpec {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (name, path) = match s.split_once('=') {
            Some((name, "")) => {
                return Err(format!("`{name}=` needs a file name after `=`"));
            }
            Some((name, path)) => (name, Some(PathBuf::from(path))),
            None => (s, None),
        };
        Ok(FormatSpec {
            format: name.parse()?,
            path,
        })
    }
}

/// When to colour output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    /// When stdout is a terminal and NO_COLOR is not set.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

impl ColorChoice {
    fn enabled(self) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                    && std::io::stdout().is_terminal()
            }
        }
    }
}

/// Runs the subcommand.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let options = Options {
        show_secrets: args.show_secrets,
    };
    let [old, new] = args.paths.as_slice() else {
        anyhow::bail!("expected two paths: the old and the new file or folder");
    };
    let files = diff::compare_paths(old, new, &options)?;
    emit(&files, &args.format, args.color.enabled())?;
    Ok(ExitCode::from(if Summary::of(&files).has_differences() {
        super::EXIT_FINDINGS
    } else {
        super::EXIT_CLEAN
    }))
}

/// Prints or writes every requested format.
pub fn emit(files: &[diff::FileDiff], specs: &[FormatSpec], color: bool) -> anyhow::Result<()> {
    let mut stdout = std::io::stdout().lock();
    for spec in specs {
        match &spec.path {
            None => {
                let text = diff::render(files, spec.format, &FormatOptions { color });
                stdout.write_all(text.as_bytes())?;
            }
            Some(path) => {
                let text = diff::render(files, spec.format, &FormatOptions { color: false });
                write_atomically(path, &text)?;
            }
        }
    }
    stdout.flush()?;
    Ok(())
}

/// Writes a file through a temporary file in the same folder and a rename, so an
/// interrupted run leaves the old file or the new one, never half of it.
fn write_atomically(path: &Path, text: &str) -> anyhow::Result<()> {
    let name = path
        .file_name()
        .with_context(|| format!("{}: not a file name", path.display()))?;
    let mut temp_name = std::ffi::OsString::from(".");
    temp_name.push(name);
    temp_name.push(format!(".tmp-{}", std::process::id()));
    let temp = path.with_file_name(temp_name);
    let result = std::fs::write(&temp, text).and_then(|()| std::fs::rename(&temp, path));
    if let Err(err) = result {
        let _ = std::fs::remove_file(&temp);
        return Err(err).with_context(|| format!("{}: cannot write output", path.display()));
    }
    Ok(())
}
