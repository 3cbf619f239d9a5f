//! `shipshape diff`: object-aware diff: each environment rendered fresh vs `golden/`, one
//! environment vs another, or two files or folders of manifests.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::str::FromStr;

use anyhow::Context;

use crate::diff::ignore::IgnoreRule;
use crate::diff::{self, Format, FormatOptions, Options, Summary};
use crate::fsutil::write_stdout;
use crate::spec::EnvId;
use crate::workspace::Workspace;

/// Arguments of `shipshape diff`.
#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("folding").args(["env", "base"]).multiple(true)))]
#[command(after_help = "\
What is compared:
  shipshape diff                        every environment rendered fresh vs its golden/ files
  shipshape diff materi-api/production  selected environments (<app> or <app>/<env>) vs golden/
  shipshape diff --env materi-api/staging --against materi-api/production
                                        drift between two environments (changes read from
                                        --against to --env); `--env staging --against
                                        production` compares them in every app that has both
  shipshape diff OLD NEW                two files or two folders of manifests from anywhere
  helm template . | shipshape diff golden.yaml -
                                        a file against standard input
  shipshape diff --base origin/main [APP[/ENV]...]
                                        the workspace at a git revision vs the working tree,
                                        both rendered fresh
  shipshape diff --base origin/main -- k8s/
                                        a folder (or file) at a git revision vs the working tree

Noise: `--ignore [KIND:]PATH` (repeatable, and `diff.ignore` in shipshape.yaml) leaves a field \
and everything under it out, e.g. `--ignore spec.replicas`, `--ignore Deployment:spec.replicas`, \
`--ignore 'metadata.annotations[\"checksum/config\"]'`; `*` matches any key, `[*]` any list item. \
With --base and --env/--against, an `app.kubernetes.io/version` label changed on every object \
of a file is named once per file (--show-identity lists it on each object).

Objects are matched by apiVersion group, kind, namespace and name (Compose services by name, \
Helm values by key path), never by position; list items carrying a `name` are matched by it. \
Secret values are masked unless --show-secrets is given.

Exit status: 0 no difference, 1 differences, 2 error (an unknown --base revision, not a git \
repository, a spec error on either side).")]
pub struct Args {
    /// Two paths (old, then new): files (`-` for standard input), or folders searched
    /// recursively for *.yaml, *.yml and *.json (Kubernetes objects matched across all files of a folder, Compose files
    /// and Helm values by relative path). Otherwise, environments of the workspace as
    /// `<app>` or `<app>/<env>` (default: all).
    #[arg(value_name = "PATH|APP[/ENV]")]
    pub args: Vec<String>,

    /// Compare this environment (`<app>/<env>`, or `<env>` in every app) with `--against`.
    #[arg(long, value_name = "[APP/]ENV", requires = "against")]
    pub env: Option<String>,

    /// The environment to compare `--env` against: the old side of the diff.
    #[arg(long, value_name = "[APP/]ENV", requires = "env")]
    pub against: Option<String>,

    /// The old side is this git revision (branch, tag or commit), read from git without a
    /// checkout; the new side is the working tree. With environments (or none): the
    /// workspace at REF rendered fresh vs the working tree's. With paths (`-- k8s/`): the
    /// folders or files at REF vs the working tree.
    #[arg(long, value_name = "REF", conflicts_with_all = ["env", "against"])]
    pub base: Option<String>,

    /// Leave a field (and everything under it) out of the diff: `[KIND:]PATH`, a field path
    /// as the diff prints it, e.g. `spec.replicas`, `Deployment:spec.replicas`,
    /// `metadata.annotations["checksum/config"]`; `*` matches any key, `[*]` any list item.
    /// Repeatable; added to `diff.ignore` in shipshape.yaml.
    #[arg(long, value_name = "[KIND:]PATH")]
    pub ignore: Vec<IgnoreRule>,

    /// The workspace folder (holds `environments/` and `golden/`).
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub workspace: PathBuf,

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

    /// Match Kubernetes objects by group, kind and name only, so that the same objects in
    /// another namespace are compared (always on with --env/--against).
    #[arg(long)]
    pub ignore_namespace: bool,

    /// With --env/--against or --base: list the changes named once per file on every object
    /// instead: the namespace and instance label (--env/--against), and an
    /// `app.kubernetes.io/version` label changed on every object of a file.
    #[arg(long, requires = "folding")]
    pub show_identity: bool,

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
    let config = crate::config::Config::load(&args.workspace)?;
    let mut ignore = config.diff.ignore_rules();
    ignore.extend(args.ignore.iter().cloned());
    let mut options = Options {
        show_secrets: args.show_secrets,
        ignore_namespace: args.ignore_namespace,
        fold_identity: false,
        fold_version: (args.base.is_some() || args.env.is_some()) && !args.show_identity,
        ignore,
    };
    let color = args.color.enabled();
    if let Some(reference) = &args.base {
        return run_base(&args, reference, &options, color);
    }
    if let (Some(env), Some(against)) = (&args.env, &args.against) {
        if let Some(path) = args.args.iter().find(|a| looks_like_path(a)) {
            anyhow::bail!("--env/--against compare environments; `{path}` is a path, leave it out");
        }
        let workspace = Workspace::open(&args.workspace)?;
        let pairs = env_pairs(&workspace, &args.args, env, against)?;
        options.ignore_namespace = true;
        options.fold_identity = !args.show_identity;
        let found = diff::workspace::env_vs_env(&workspace, &pairs, &options)?;
        return finish(found, &args.format, color);
    }
    if args.args.iter().any(|a| looks_like_path(a)) {
        if args.args.len() != 2 {
            anyhow::bail!(
                "give two paths to compare, the old and the new file or folder (got {})",
                args.args.len()
            );
        }
        let files =
            diff::compare_paths(Path::new(&args.args[0]), Path::new(&args.args[1]), &options)?;
        emit(&files, &args.format, color)?;
        return Ok(exit_code(&files));
    }
    let workspace = Workspace::open(&args.workspace)?;
    let ids = workspace.select(&args.args)?;
    let found = diff::workspace::rendered_vs_golden(&workspace, &ids, &options)?;
    finish(found, &args.format, color)
}

/// An argument is a path when it exists or names a manifest file; anything else names
/// environments.
fn looks_like_path(arg: &str) -> bool {
    arg == "-"
        || Path::new(arg).exists()
        || [".yaml", ".yml", ".json"].iter().any(|e| arg.ends_with(e))
}

/// `--base REF`: the workspace (or the folders and files named) at a git revision vs the
/// working tree.
fn run_base(
    args: &Args,
    reference: &str,
    options: &Options,
    color: bool,
) -> anyhow::Result<ExitCode> {
    use diff::git;
    let is_path = |a: &String| a != "-" && (looks_like_path(a) || a.ends_with('/'));
    if args.args.iter().any(|a| a == "-") {
        anyhow::bail!(
            "--base compares a revision with the working tree; standard input (`-`) cannot be a side"
        );
    }
    if args.args.iter().any(is_path) {
        if let Some(env) = args.args.iter().find(|a| !is_path(a)) {
            anyhow::bail!(
                "`{env}` is neither a file nor a folder; with --base give either paths or environments, not both"
            );
        }
        let mut files = Vec::new();
        for arg in &args.args {
            files.extend(base_path(Path::new(arg), reference, options)?);
        }
        emit(&files, &args.format, color)?;
        return Ok(exit_code(&files));
    }
    let commit = git::resolve(&args.workspace, reference)?;
    let paths = [
        "environments",
        "templates",
        "schemas/extensions.schema.json",
        crate::config::FILE_NAME,
    ];
    let snapshot = git::snapshot(&args.workspace, reference, &commit, &paths)?;
    let old_workspace = if snapshot.root().join("environments").is_dir() {
        Some(
            Workspace::open(snapshot.root())
                .map_err(|e| anyhow::anyhow!("at `{reference}` (--base): {e}"))?,
        )
    } else {
        None
    };
    let new_workspace = if args.workspace.join("environments").is_dir() {
        Some(Workspace::open(&args.workspace)?)
    } else {
        None
    };
    let old_label = format!("at `{reference}` (--base)");
    let old_prefix = format!("{reference}:");
    let old = diff::workspace::Side {
        workspace: old_workspace.as_ref(),
        label: &old_label,
        prefix: &old_prefix,
    };
    let new = diff::workspace::Side {
        workspace: new_workspace.as_ref(),
        label: "in the working tree",
        prefix: "",
    };
    let found = diff::workspace::revision_vs_worktree(&old, &new, &args.args, options)?;
    finish(found, &args.format, color)
}

/// One path at a git revision vs the working tree: a folder (or file) missing on one side
/// lists every object as added or removed.
fn base_path(
    path: &Path,
    reference: &str,
    options: &Options,
) -> anyhow::Result<Vec<diff::FileDiff>> {
    use diff::git;
    let trimmed = Path::new(path.to_str().map_or(path.as_os_str(), |s| {
        std::ffi::OsStr::new(s.trim_end_matches('/'))
    }));
    let (run_in, name) = match (trimmed.parent(), trimmed.file_name()) {
        (Some(parent), Some(name)) => (
            if parent.as_os_str().is_empty() {
                Path::new(".")
            } else {
                parent
            },
            name,
        ),
        _ => anyhow::bail!(
            "{}: name a folder or file inside the repository (not `.` or `/`); for the whole workspace leave the path out",
            path.display()
        ),
    };
    if !run_in.is_dir() {
        anyhow::bail!(
            "{}: the folder {} does not exist in the working tree",
            path.display(),
            run_in.display()
        );
    }
    let name = name
        .to_str()
        .ok_or_else(|| anyhow::anyhow!("{}: the name is not UTF-8", path.display()))?;
    let commit = git::resolve(run_in, reference)?;
    let snapshot = git::snapshot(run_in, reference, &commit, &[name])?;
    let old = snapshot.root().join(name);
    let shown = trimmed.display().to_string();
    let (old_exists, new_exists) = (old.exists(), trimmed.exists());
    if !old_exists && !new_exists {
        anyhow::bail!(
            "{shown}: neither `{reference}` nor the working tree has this file or folder"
        );
    }
    // A side that does not have the path is an empty folder (or file) of the other's kind.
    let empty = tempfile::Builder::new()
        .prefix("shipshape-empty-")
        .tempdir()?;
    let is_dir = if new_exists {
        trimmed.is_dir()
    } else {
        old.is_dir()
    };
    let empty_side = if is_dir {
        empty.path().to_path_buf()
    } else {
        let file = empty.path().join(name);
        std::fs::write(&file, "")?;
        file
    };
    let old_side = if old_exists {
        old.clone()
    } else {
        empty_side.clone()
    };
    let new_side = if new_exists {
        trimmed.to_path_buf()
    } else {
        empty_side
    };
    if old_side.is_dir() != new_side.is_dir() {
        anyhow::bail!(
            "{shown} is a {} at `{reference}` but a {} in the working tree; compare the two with `shipshape diff OLD NEW`",
            if old_side.is_dir() { "folder" } else { "file" },
            if new_side.is_dir() { "folder" } else { "file" }
        );
    }
    let mut files = diff::compare_paths(&old_side, &new_side, options).map_err(|e| {
        // Errors on the revision's side name the path as `REF:path`.
        let mut e = e;
        let root = snapshot.root().display().to_string();
        if let Some(rest) = e.path.strip_prefix(&root) {
            e.path = format!("{reference}:{}", rest.trim_start_matches('/'));
        }
        anyhow::Error::from(e)
    })?;
    let snapshot_root = snapshot.root().display().to_string();
    let empty_root = empty.path().display().to_string();
    for file in &mut files {
        if is_dir {
            file.path = format!("{shown}/{}", file.path);
        } else {
            file.path = shown.clone();
        }
        for side in [&mut file.old_path, &mut file.new_path] {
            if let Some(p) = side {
                if let Some(rest) = p.strip_prefix(&snapshot_root) {
                    *p = format!("{reference}:{}", rest.trim_start_matches('/'));
                } else if p.starts_with(&empty_root) {
                    *side = None;
                }
            }
        }
    }
    Ok(files)
}

fn exit_code(files: &[diff::FileDiff]) -> ExitCode {
    ExitCode::from(if Summary::of(files).has_differences() {
        super::EXIT_FINDINGS
    } else {
        super::EXIT_CLEAN
    })
}

/// Prints a workspace diff; environments that failed to render are errors (exit 2) after the
/// differences of the others are printed.
fn finish(
    found: diff::workspace::WorkspaceDiff,
    specs: &[FormatSpec],
    color: bool,
) -> anyhow::Result<ExitCode> {
    emit(&found.files, specs, color)?;
    if found.errors.is_empty() {
        return Ok(exit_code(&found.files));
    }
    for (id, err) in &found.errors {
        eprintln!("error: {id}: cannot render: {err}");
    }
    Ok(ExitCode::from(super::EXIT_ERROR))
}

/// The `(old, new)` environment pairs of `--against OLD --env NEW`. Either may be `<app>/<env>`
/// or `<env>`; when both are bare environment names, every selected app (all apps when none
/// is selected) that has both is compared.
fn env_pairs(
    workspace: &Workspace,
    apps: &[String],
    env: &str,
    against: &str,
) -> anyhow::Result<Vec<(EnvId, EnvId)>> {
    if !apps.is_empty() && (env.contains('/') || against.contains('/')) {
        anyhow::bail!(
            "`--env {env} --against {against}` names the apps already; leave out `{}`",
            apps.join(" ")
        );
    }
    let all = workspace.environments()?;
    let exists = |id: &EnvId| all.contains(id);
    let parse = |text: &str| -> Option<EnvId> {
        let (app, env) = text.split_once('/')?;
        Some(EnvId {
            app: app.to_string(),
            env: env.to_string(),
        })
    };
    let check = |id: EnvId| -> anyhow::Result<EnvId> {
        if exists(&id) {
            Ok(id)
        } else {
            let names: Vec<String> = all.iter().map(|i| i.to_string()).collect();
            match crate::spec::suggest::closest(&id.to_string(), &names) {
                Some(s) => anyhow::bail!(
                    "`{id}` is not an environment of this workspace; did you mean `{s}`?"
                ),
                None => anyhow::bail!(
                    "`{id}` is not an environment of this workspace; environments: {}",
                    names.join(", ")
                ),
            }
        }
    };
    let pairs = match (parse(env), parse(against)) {
        (Some(new), Some(old)) => vec![(check(old)?, check(new)?)],
        (Some(new), None) => {
            let old = EnvId {
                app: new.app.clone(),
                env: against.to_string(),
            };
            vec![(check(old)?, check(new)?)]
        }
        (None, Some(old)) => {
            let new = EnvId {
                app: old.app.clone(),
                env: env.to_string(),
            };
            vec![(check(old)?, check(new)?)]
        }
        (None, None) => {
            let mut env_names: Vec<String> = all.iter().map(|id| id.env.clone()).collect();
            env_names.sort();
            env_names.dedup();
            for name in [against, env] {
                if !env_names.iter().any(|n| n == name) {
                    let hint = match crate::spec::suggest::closest(name, &env_names) {
                        Some(s) => format!("did you mean `{s}`?"),
                        None => format!("environments: {}", env_names.join(", ")),
                    };
                    anyhow::bail!("no app has an environment `{name}`; {hint}");
                }
            }
            let mut names: Vec<String> = all.iter().map(|id| id.app.clone()).collect();
            names.dedup();
            let selected = if apps.is_empty() {
                names
            } else {
                apps.to_vec()
            };
            let mut pairs = Vec::new();
            for app in selected {
                let old = EnvId {
                    app: app.clone(),
                    env: against.to_string(),
                };
                let new = EnvId {
                    app: app.clone(),
                    env: env.to_string(),
                };
                match (exists(&old), exists(&new)) {
                    (true, true) => pairs.push((old, new)),
                    _ if apps.is_empty() => {}
                    (false, _) => pairs.push((check(old)?, new)),
                    (true, false) => pairs.push((old, check(new)?)),
                }
            }
            if pairs.is_empty() {
                anyhow::bail!("no app has both `{against}` and `{env}` environments");
            }
            pairs
        }
    };
    Ok(pairs)
}

/// Prints or writes every requested format.
pub fn emit(files: &[diff::FileDiff], specs: &[FormatSpec], color: bool) -> anyhow::Result<()> {
    for spec in specs {
        match &spec.path {
            None => {
                let text = diff::render(files, spec.format, &FormatOptions { color });
                write_stdout(text.as_bytes())?;
            }
            Some(path) => {
                let text = diff::render(files, spec.format, &FormatOptions { color: false });
                write_atomically(path, &text)?;
            }
        }
    }
    Ok(())
}

fn write_atomically(path: &Path, text: &str) -> anyhow::Result<()> {
    crate::fsutil::write_atomic(path, text.as_bytes())
        .with_context(|| format!("{}: cannot write output", path.display()))
}
