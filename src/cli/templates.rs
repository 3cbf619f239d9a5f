//! `shipshape templates`: the templates a workspace renders with (the embedded ones and the
//! workspace's `templates/<target>/` files over them): list them, show one's source, export
//! the embedded ones to override them, and print the context a template receives for one
//! environment.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;

use crate::fsutil::{WriteSet, write_stdout};
use crate::render::context;
use crate::render::templates::{self, Origin, TemplateInfo};
use crate::spec::{self, Target};
use crate::workspace::Workspace;

/// Arguments of `shipshape templates`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// What to do.
    #[command(subcommand)]
    pub command: TemplatesCommand,
}

/// The `templates` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum TemplatesCommand {
    /// List the templates of each target: embedded, overridden by the workspace's
    /// `templates/<target>/<file>`, or added by it; and which are only included by others.
    #[command(after_help = "Example:\n  shipshape templates list --workspace my-infra")]
    List(ListArgs),
    /// Print a template's source: the workspace's file when it overrides the embedded one.
    #[command(
        after_help = "Examples:\n  shipshape templates show kubernetes/50-deployment.yaml.j2\n  \
                      shipshape templates show 50-deployment --embedded"
    )]
    Show(ShowArgs),
    /// Write the embedded templates into a folder, as `<target>/<file>`, to override them.
    /// Refuses to overwrite existing files unless `--force`.
    #[command(
        after_help = "Examples:\n  shipshape templates export --template kubernetes/50-deployment.yaml.j2\n  \
                      shipshape templates export /tmp/defaults"
    )]
    Export(ExportArgs),
    /// Print the context a template receives when one environment renders (YAML or JSON).
    #[command(
        after_help = "Examples:\n  shipshape templates context materi-api/production\n  \
                      shipshape templates context materi-api/production --format json"
    )]
    Context(ContextArgs),
}

/// Arguments of `shipshape templates list`.
#[derive(Debug, clap::Args)]
pub struct ListArgs {
    /// The workspace folder (whose `templates/` overrides and adds).
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub workspace: PathBuf,
}

/// Arguments of `shipshape templates show`.
#[derive(Debug, clap::Args)]
pub struct ShowArgs {
    /// The template: `<target>/<file>` (e.g. `kubernetes/50-deployment.yaml.j2`), or its
    /// file name when one target has it; the `.j2` or `.yaml.j2` suffix may be left out.
    #[arg(value_name = "NAME")]
    pub name: String,
    /// Print the embedded template even when the workspace overrides it.
    #[arg(long)]
    pub embedded: bool,
    /// The workspace folder (whose `templates/` overrides and adds).
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub workspace: PathBuf,
}

/// Arguments of `shipshape templates export`.
#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// The folder to write `<target>/<file>` into [default: the workspace's `templates/`,
    /// where they override the embedded ones].
    #[arg(value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// Export only this template (repeatable; named as for `templates show`). Export only the
    /// ones you change: an exported template no longer follows shipshape's updates.
    #[arg(long = "template", value_name = "NAME")]
    pub templates: Vec<String>,
    /// Overwrite files that already exist.
    #[arg(long)]
    pub force: bool,
    /// The workspace folder.
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub workspace: PathBuf,
}

/// Arguments of `shipshape templates context`.
#[derive(Debug, clap::Args)]
pub struct ContextArgs {
    /// The environment, as `<app>/<env>`.
    #[arg(value_name = "APP/ENV")]
    pub environment: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ContextFormat::Yaml)]
    pub format: ContextFormat,
    /// The workspace folder (holds `environments/`).
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub workspace: PathBuf,
}

/// How `templates context` prints the context.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ContextFormat {
    /// YAML, keys in the order templates see them.
    Yaml,
    /// JSON, pretty-printed.
    Json,
}

/// Runs the subcommand.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    match args.command {
        TemplatesCommand::List(args) => list(args),
        TemplatesCommand::Show(args) => show(args),
        TemplatesCommand::Export(args) => export(args),
        TemplatesCommand::Context(args) => print_context(args),
    }
}

/// What a target renders, for the heading of its templates.
fn renders(target: Target) -> String {
    match target {
        Target::Kubernetes => format!(
            "{} from every template not starting with `_`, in name order",
            target.file_name()
        ),
        Target::Helm | Target::Compose => {
            format!("{} from {}.j2", target.file_name(), target.file_name())
        }
    }
}

fn list(args: ListArgs) -> anyhow::Result<ExitCode> {
    let ws = Workspace::open_for_templates(&args.workspace)?;
    let catalogue = templates::catalogue(&ws.root)?;
    let width = catalogue.iter().map(|t| t.file.len()).max().unwrap_or(0);
    let mut out = String::new();
    for target in Target::ALL {
        out.push_str(&format!("{}: {}\n", target.as_str(), renders(target)));
        for t in catalogue.iter().filter(|t| t.target == target) {
            let mut origin = match &t.origin {
                Origin::Embedded => "embedded".to_string(),
                Origin::Overridden { path, same: false } => format!("overridden by {path}"),
                Origin::Overridden { path, same: true } => {
                    format!("overridden by {path} (same as the embedded one)")
                }
                Origin::Added { path } => format!("added by {path}"),
            };
            if !t.entry {
                origin.push_str(", included only");
            }
            out.push_str(&format!("  {:width$}  {origin}\n", t.file));
        }
    }
    write_stdout(out.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

fn show(args: ShowArgs) -> anyhow::Result<ExitCode> {
    let ws = Workspace::open_for_templates(&args.workspace)?;
    let catalogue = templates::catalogue(&ws.root)?;
    let template = find(&catalogue, &args.name)?;
    let text = match (&template.origin, args.embedded) {
        (Origin::Overridden { path, .. } | Origin::Added { path }, false) => {
            std::fs::read_to_string(ws.root.join(path))
                .with_context(|| format!("{path}: cannot read the template"))?
        }
        (Origin::Added { path }, true) => anyhow::bail!(
            "`{}` is not an embedded template: {path} adds it",
            template.name
        ),
        (Origin::Embedded | Origin::Overridden { .. }, _) => templates::embedded(&template.name)
            .expect("the catalogue lists embedded templates")
            .to_string(),
    };
    write_stdout(text.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

fn find<'a>(catalogue: &'a [TemplateInfo], name: &str) -> anyhow::Result<&'a TemplateInfo> {
    templates::find(catalogue, name).map_err(anyhow::Error::msg)
}

fn export(args: ExportArgs) -> anyhow::Result<ExitCode> {
    let ws = Workspace::open_for_templates(&args.workspace)?;
    let dir = args.dir.unwrap_or_else(|| ws.templates_dir());
    let catalogue = templates::catalogue(&ws.root)?;
    let mut chosen: Vec<&str> = Vec::new();
    if args.templates.is_empty() {
        chosen.extend(templates::EMBEDDED.iter().map(|(name, _)| *name));
    } else {
        for wanted in &args.templates {
            let t = find(&catalogue, wanted)?;
            if let Origin::Added { path } = &t.origin {
                anyhow::bail!("`{}` is not an embedded template: {path} adds it", t.name);
            }
            if !chosen.contains(&t.name.as_str()) {
                chosen.push(&t.name);
            }
        }
    }
    chosen.sort();
    let existing: Vec<String> = chosen
        .iter()
        .map(|name| dir.join(name))
        .filter(|path| std::fs::symlink_metadata(path).is_ok())
        .map(|path| path.display().to_string())
        .collect();
    if !existing.is_empty() && !args.force {
        anyhow::bail!(
            "export would overwrite {} existing file{}: {}\n  help: move {} away, export into another folder, or pass --force to overwrite {}",
            existing.len(),
            if existing.len() == 1 { "" } else { "s" },
            existing.join(", "),
            if existing.len() == 1 { "it" } else { "them" },
            if existing.len() == 1 { "it" } else { "them" },
        );
    }
    let mut set = WriteSet::new(&dir);
    for name in &chosen {
        let text = templates::embedded(name).expect("only embedded templates are chosen");
        set.write(name, text.as_bytes());
    }
    set.commit()?;
    let mut out = format!(
        "wrote {} template{} into {}:\n",
        chosen.len(),
        if chosen.len() == 1 { "" } else { "s" },
        dir.display()
    );
    for name in &chosen {
        out.push_str(&format!("  {name}\n"));
    }
    write_stdout(out.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

fn print_context(args: ContextArgs) -> anyhow::Result<ExitCode> {
    let ws = Workspace::open(&args.workspace)?;
    let selected = ws.select(std::slice::from_ref(&args.environment))?;
    let [id] = selected.as_slice() else {
        anyhow::bail!(
            "`{}` names {} environments; name one as <app>/<env>",
            args.environment,
            selected.len()
        );
    };
    let env = spec::load_environment(&ws.root, id)?;
    let value = context::build(&env, &context::source_paths(&ws.root, &env));
    let text = match args.format {
        ContextFormat::Yaml => crate::render::emit::to_yaml(&value),
        ContextFormat::Json => {
            let mut text = serde_json::to_string_pretty(&value)?;
            text.push('\n');
            text
        }
    };
    write_stdout(text.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}
