//! `shipshape schema`: manage schemas: import CRDs, print the spec's schemas.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;

use crate::cli::{EXIT_CLEAN, EXIT_ERROR};
use crate::manifest::Source;
use crate::schema::crd;

/// Arguments of `shipshape schema`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// What to do.
    #[command(subcommand)]
    pub command: SchemaCommand,
}

/// The `schema` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum SchemaCommand {
    /// Convert CustomResourceDefinitions into strict schema files (one per CRD, every served
    /// version) for `validate` (read from `--schema-location DIR`, and from the current
    /// folder's `schemas/crds` automatically).
    Import(ImportArgs),
    /// Print a schema shipshape defines: `environment` (a whole spec, after layering) or
    /// `environment-overlay` (one file: `app.yaml` or `<env>.yaml`, nothing required), for
    /// editors and other tools.
    Print(PrintArgs),
}

/// Arguments of `shipshape schema print`.
#[derive(Debug, clap::Args)]
pub struct PrintArgs {
    /// Which schema.
    #[arg(value_enum)]
    pub name: SchemaName,
}

/// The schemas `schema print` knows.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum SchemaName {
    /// A whole environment spec (app.yaml and <env>.yaml merged).
    Environment,
    /// One spec file, in which nothing is required.
    EnvironmentOverlay,
}

/// Arguments of `shipshape schema import`.
#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// CRD files (YAML or JSON, multi-document streams allowed).
    #[arg(required = true, value_name = "CRD.yaml")]
    pub files: Vec<PathBuf>,
    /// Folder to write `<crd-name>.json` files into (the workspace's `schemas/crds` is read
    /// by `validate` automatically).
    #[arg(long, value_name = "DIR", default_value = "schemas/crds")]
    pub out: PathBuf,
}

/// Runs the subcommand.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    match args.command {
        SchemaCommand::Import(args) => import(args),
        SchemaCommand::Print(args) => {
            let schema = match args.name {
                SchemaName::Environment => crate::spec::load::json_schema(),
                SchemaName::EnvironmentOverlay => crate::spec::load::overlay_json_schema(),
            };
            let mut text = serde_json::to_string_pretty(schema)?;
            text.push('\n');
            crate::fsutil::write_stdout(text.as_bytes())?;
            Ok(ExitCode::from(EXIT_CLEAN))
        }
    }
}

fn import(args: ImportArgs) -> anyhow::Result<ExitCode> {
    // Convert everything first: nothing is written unless every input converts.
    let mut outputs = Vec::new();
    let mut failed = false;
    for path in &args.files {
        let source = Source::read(path)?;
        let docs = match crd::read_documents(&source.text) {
            Ok(docs) => docs,
            Err(e) => {
                eprintln!("error: {}:{e}", source.path);
                failed = true;
                continue;
            }
        };
        let mut found = false;
        for (i, doc) in docs.iter().enumerate() {
            if doc.get("kind").and_then(serde_json::Value::as_str)
                != Some("CustomResourceDefinition")
            {
                continue;
            }
            found = true;
            match crd::import_crd(doc) {
                Ok(imported) => outputs.push(imported),
                Err(e) => {
                    eprintln!("error: {} (document {}): {e}", source.path, i + 1);
                    failed = true;
                }
            }
        }
        if !found {
            eprintln!(
                "error: {}: no CustomResourceDefinition in this file",
                source.path
            );
            failed = true;
        }
    }
    if failed {
        return Ok(ExitCode::from(EXIT_ERROR));
    }
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create {}", args.out.display()))?;
    for imported in &outputs {
        let path = args.out.join(format!("{}.json", imported.name));
        write_atomic(&path, &crd::to_file_text(&imported.schema))?;
        let line = format!("wrote {} ({})\n", path.display(), imported.kinds.join(", "));
        crate::fsutil::write_stdout(line.as_bytes())?;
    }
    Ok(ExitCode::from(EXIT_CLEAN))
}

fn write_atomic(path: &Path, text: &str) -> anyhow::Result<()> {
    crate::fsutil::write_atomic(path, text.as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))
}
