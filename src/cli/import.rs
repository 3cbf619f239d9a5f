//! `shipshape import`: existing Kubernetes manifests or Compose files become an app's spec
//! (`environments/<app>/app.yaml` and one file per environment), proven by a round trip.
//!
//! Paths belong to the `--env` given before them (`--env staging staging/ --env production
//! production/`); with one environment the paths may come first. Everything is mapped,
//! rendered and compared in memory; only then are the files written, all or none
//! ([`WriteSet`]). Exit 0 when nothing was lost, 1 when the spec cannot express something
//! of the input (the files are still written, and the list says what), 2 for input errors.

use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{ArgMatches, FromArgMatches};

use crate::cli::{EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS};
use crate::fsutil::{WriteSet, write_stdout};
use crate::import::{EnvInput, ImportError, InputError, Outcome, Request, import};

/// The arguments as clap reads them.
#[derive(Debug, clap::Args)]
pub struct RawArgs {
    /// Manifests or Compose files to import: files, folders (`.yaml`, `.yml`, `.json`) or
    /// `-` for stdin. They belong to the `--env` before them.
    #[arg(value_name = "PATH", required = true)]
    pub paths: Vec<String>,
    /// The app's name: its folder under `environments/`.
    #[arg(long, value_name = "NAME")]
    pub app: String,
    /// The environment the following paths describe (repeatable) [default: production].
    #[arg(long = "env", value_name = "NAME")]
    pub envs: Vec<String>,
    /// Show the files that would be written and the round-trip report; write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Replace an app that already exists.
    #[arg(long)]
    pub force: bool,
    /// The workspace: the folder holding `environments/`.
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub workspace: PathBuf,
}

/// Arguments of `shipshape import`: the raw ones and the paths grouped by environment.
#[derive(Debug)]
pub struct Args {
    /// What clap read.
    pub raw: RawArgs,
    /// Each environment with its paths, in the order given (an error when paths come
    /// before the first of several `--env`).
    pub groups: Result<Vec<EnvInput>, String>,
}

impl FromArgMatches for Args {
    fn from_arg_matches(m: &ArgMatches) -> Result<Self, clap::Error> {
        let raw = RawArgs::from_arg_matches(m)?;
        let groups = group(m, &raw);
        Ok(Args { raw, groups })
    }

    fn update_from_arg_matches(&mut self, m: &ArgMatches) -> Result<(), clap::Error> {
        self.raw.update_from_arg_matches(m)?;
        self.groups = group(m, &self.raw);
        Ok(())
    }
}

impl clap::Args for Args {
    fn augment_args(cmd: clap::Command) -> clap::Command {
        RawArgs::augment_args(cmd)
    }

    fn augment_args_for_update(cmd: clap::Command) -> clap::Command {
        RawArgs::augment_args_for_update(cmd)
    }
}

/// Assigns each path to the `--env` given before it on the command line.
fn group(m: &ArgMatches, raw: &RawArgs) -> Result<Vec<EnvInput>, String> {
    let env_at: Vec<usize> = m
        .indices_of("envs")
        .map(|i| i.collect())
        .unwrap_or_default();
    let path_at: Vec<usize> = m
        .indices_of("paths")
        .map(|i| i.collect())
        .unwrap_or_default();
    if raw.envs.len() <= 1 {
        return Ok(vec![EnvInput {
            env: raw
                .envs
                .first()
                .cloned()
                .unwrap_or_else(|| "production".into()),
            paths: raw.paths.clone(),
        }]);
    }
    let mut out: Vec<EnvInput> = raw
        .envs
        .iter()
        .map(|e| EnvInput {
            env: e.clone(),
            paths: Vec::new(),
        })
        .collect();
    for (path, at) in raw.paths.iter().zip(path_at) {
        match env_at.iter().rposition(|&e| e < at) {
            Some(i) => out[i].paths.push(path.clone()),
            None => {
                return Err(format!(
                    "`{path}` comes before the first `--env`: with several environments, give each one's paths after it (`--env staging staging/ --env production production/`)"
                ));
            }
        }
    }
    for (i, g) in out.iter().enumerate() {
        if g.paths.is_empty() {
            return Err(format!(
                "`--env {}` has no paths after it: name its manifests",
                g.env
            ));
        }
        if out[..i].iter().any(|x| x.env == g.env) {
            return Err(format!("`--env {}` is given twice", g.env));
        }
    }
    Ok(out)
}

fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 63
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !name.starts_with('-')
        && !name.ends_with('-')
}

/// Runs the subcommand.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let raw = &args.raw;
    let groups = match &args.groups {
        Ok(g) => g.clone(),
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(ExitCode::from(EXIT_ERROR));
        }
    };
    for (what, name) in
        std::iter::once(("app", &raw.app)).chain(groups.iter().map(|g| ("environment", &g.env)))
    {
        if !valid_name(name) {
            eprintln!(
                "error: `{name}` is not a valid {what} name: use lowercase letters, digits and `-` (at most 63), starting and ending with a letter or digit"
            );
            return Ok(ExitCode::from(EXIT_ERROR));
        }
    }
    let app_dir = raw.workspace.join("environments").join(&raw.app);
    if app_dir.exists() && !raw.force && !raw.dry_run {
        eprintln!(
            "error: {}: the app `{}` exists already; pass `--force` to replace its spec files, or choose another `--app`",
            app_dir.display(),
            raw.app
        );
        return Ok(ExitCode::from(EXIT_ERROR));
    }
    let request = Request {
        root: raw.workspace.clone(),
        app: raw.app.clone(),
        envs: groups,
    };
    let mut stdin_used = false;
    let mut read_stdin = || -> Result<String, InputError> {
        if stdin_used {
            return Err(InputError {
                location: "-".into(),
                message: "standard input is named twice; it can be read once".into(),
            });
        }
        stdin_used = true;
        let mut bytes = Vec::new();
        std::io::stdin()
            .take(crate::manifest::MAX_INPUT_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| InputError {
                location: "<stdin>".into(),
                message: format!("cannot read standard input: {e}"),
            })?;
        if bytes.len() as u64 > crate::manifest::MAX_INPUT_BYTES {
            return Err(InputError {
                location: "<stdin>".into(),
                message: "standard input is larger than 64 MiB".into(),
            });
        }
        String::from_utf8(bytes).map_err(|_| InputError {
            location: "<stdin>".into(),
            message: "standard input is not UTF-8".into(),
        })
    };
    let outcome = match import(&request, &mut read_stdin) {
        Ok(o) => o,
        Err(ImportError::Input(e)) => {
            eprintln!("error: {e}");
            return Ok(ExitCode::from(EXIT_ERROR));
        }
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(ExitCode::from(EXIT_ERROR));
        }
    };
    let mut out = String::new();
    if raw.dry_run {
        for f in &outcome.files {
            out.push_str(&format!(
                "--- {} (not written: --dry-run)\n",
                f.path.display()
            ));
            out.push_str(&f.text);
        }
        out.push('\n');
    } else {
        let mut set = WriteSet::new(&raw.workspace);
        if app_dir.is_dir() {
            // `--force`: spec files of environments not imported again go away.
            for entry in std::fs::read_dir(&app_dir)?.flatten() {
                let name = entry.file_name().to_string_lossy().into_owned();
                if name.ends_with(".yaml")
                    && !outcome.files.iter().any(|f| {
                        f.path
                            .file_name()
                            .is_some_and(|n| n.to_string_lossy() == name)
                    })
                {
                    set.remove(PathBuf::from("environments").join(&raw.app).join(&name));
                }
            }
        }
        for f in &outcome.files {
            set.write(&f.path, f.text.as_bytes());
        }
        set.commit()?;
        for f in &outcome.files {
            out.push_str(&format!("wrote {}\n", f.path.display()));
        }
    }
    out.push_str(&report(&outcome));
    write_stdout(out.as_bytes())?;
    Ok(ExitCode::from(if outcome.lost_anything() {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    }))
}

/// The notes and the round-trip report of every environment, as text.
pub fn report(outcome: &Outcome) -> String {
    let mut out = String::new();
    for n in &outcome.notes {
        out.push_str(&format!("note: {n}\n"));
    }
    for r in &outcome.reports {
        out.push_str(&format!(
            "round trip {}: {} input object{} against {} rendered\n",
            r.env,
            r.input_objects,
            if r.input_objects == 1 { "" } else { "s" },
            r.rendered_objects
        ));
        if !r.normalisations.is_empty() {
            out.push_str("  normalised (deliberate):\n");
            for n in &r.normalisations {
                out.push_str(&format!(
                    "    {} ({}): {}\n",
                    n.name, n.count, n.description
                ));
            }
        }
        if r.losses.is_empty() {
            out.push_str("  nothing lost: every other field is as in the input\n");
        } else {
            out.push_str(&format!(
                "  cannot be expressed in the spec ({}), lost if the new spec replaces the input:\n",
                r.losses.len()
            ));
            for l in &r.losses {
                if l.path.is_empty() {
                    out.push_str(&format!("    - {}: {}\n", l.object, l.what));
                } else {
                    out.push_str(&format!("    - {}: {} ({})\n", l.object, l.path, l.what));
                }
            }
        }
    }
    out
}
