//! `shipshape explain-value`: an environment's final value at a key path, and the file, line
//! and column that set it (or that it is the default).

use std::fmt::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use serde_json::Value;

use crate::spec::connections::{AddressRef, format_address};
use crate::spec::{self, load::key_path};
use crate::workspace::Workspace;

/// Arguments of `shipshape explain-value`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Example:\n  shipshape explain-value materi-api/production autoscaling.minReplicas"
)]
pub struct Args {
    /// The environment, as `<app>/<env>`.
    #[arg(value_name = "APP/ENV")]
    pub environment: String,
    /// The key path: keys joined by dots (`autoscaling.minReplicas`), indices and list items
    /// by name in brackets (`ports[0].containerPort`, `ports[http].containerPort`), keys
    /// holding dots quoted (`config.data["KEY.WITH.DOTS"]`, `env["PORT"]`): the paths `diff`
    /// prints.
    #[arg(value_name = "KEY")]
    pub key: String,
    /// The workspace folder (holds `environments/`).
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub workspace: PathBuf,
}

/// Runs the subcommand.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let ws = Workspace::open(&args.workspace)?;
    let selected = ws.select(std::slice::from_ref(&args.environment))?;
    let [id] = selected.as_slice() else {
        anyhow::bail!(
            "`{}` names {} environments; name one as <app>/<env>",
            args.environment,
            selected.len()
        );
    };
    let steps = spec::key_path::parse(&args.key).map_err(|e| {
        anyhow::anyhow!(
            "key `{}`: {e}\n  help: write keys with dots, as `autoscaling.minReplicas`; indices and list items by name in brackets, as `ports[0]` or `ports[http]`; quote keys that hold dots, as `config.data[\"KEY.WITH.DOTS\"]`",
            args.key
        )
    })?;
    let env = spec::load_environment(&ws.root, id)?;
    let typed = serde_json::to_value(&env.spec).context("serialising the spec")?;
    let pointer = spec::key_path::to_pointer(&steps, &[&env.layered.value, &typed]);
    let (value, origin) = match env.layered.value.pointer(&pointer) {
        Some(v) => (v.clone(), env.layered.origins.get(&pointer)),
        None => match typed.pointer(&pointer) {
            Some(v) => (v.clone(), None),
            None => {
                let parent = &pointer[..pointer.rfind('/').unwrap_or(0)];
                let last = pointer.rsplit('/').next().unwrap_or_default();
                let list = [&env.layered.value, &typed]
                    .iter()
                    .find_map(|d| d.pointer(parent))
                    .and_then(Value::as_array);
                if let Some(items) = list {
                    anyhow::bail!(
                        "{id} has no value at `{}`{}",
                        args.key,
                        list_hint(parent, items, last)
                    );
                }
                let known = match spec::extensions::split_pointer(parent) {
                    // Inside extension data, the workspace's schema knows the keys.
                    Some((_, relative)) => match spec::extensions::workspace_schema(&ws.root) {
                        spec::extensions::Lookup::Found(ext) => {
                            spec::suggest::properties_at(&ext.schema, &relative)
                        }
                        _ => Vec::new(),
                    },
                    None => spec::suggest::properties_at(spec::load::json_schema(), parent),
                };
                let hint = match spec::suggest::closest(last, &known) {
                    Some(s) => format!("; did you mean `{}`?", key_path(&format!("{parent}/{s}"))),
                    None if !known.is_empty() => format!("; keys here: {}", known.join(", ")),
                    None => String::new(),
                };
                anyhow::bail!("{id} has no value at `{}`{hint}", args.key);
            }
        },
    };
    let shown = match &value {
        Value::Object(_) | Value::Array(_) => {
            let yaml = serde_yaml::to_string(&value).context("formatting the value")?;
            format!("\n{}", indent(&yaml))
        }
        scalar => format!(" {}", serde_json::to_string(scalar).unwrap_or_default()),
    };
    let mut out = format!("{id} {} ={shown}\n", key_path(&pointer));
    match origin {
        Some(o) => writeln!(out, "  set at {}", o.key_location()),
        None => writeln!(out, "  default (not set in {})", files(&env)),
    }?;
    if let Ok(address) = serde_json::from_value::<AddressRef>(value.clone()) {
        // The address a connection reference resolves to, per target.
        let workload = match pointer.strip_prefix("/components/") {
            Some(rest) => {
                crate::manifest::yaml::unescape_token(rest.split('/').next().unwrap_or_default())
            }
            None => env.name().to_string(),
        };
        let endpoint = env
            .connections
            .get(&workload)
            .and_then(|w| w.get(&address.connection));
        if let Some(e) = endpoint {
            writeln!(
                out,
                "  the address of connection `{}` of `{workload}`:",
                address.connection
            )?;
            for (target, at) in [("kubernetes", &e.kubernetes), ("compose", &e.compose)] {
                if let Some(at) = at {
                    writeln!(out, "    {target}: {}", format_address(&address, at))?;
                }
            }
        }
    }
    let prefix = format!("{pointer}/");
    let nested: Vec<_> = env
        .layered
        .origins
        .range(prefix.clone()..)
        .take_while(|(k, _)| k.starts_with(&prefix))
        .filter(|(k, _)| {
            env.layered
                .value
                .pointer(k)
                .is_some_and(|v| !v.is_object() && !v.is_array())
        })
        .collect();
    if !nested.is_empty() {
        out.push_str("  its keys:\n");
        for (k, o) in nested {
            writeln!(out, "    {} set at {}", key_path(k), o.key_location())?;
        }
    }
    crate::fsutil::write_stdout(out.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

fn files(env: &spec::Environment) -> String {
    env.files
        .iter()
        .map(|f| {
            f.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" or ")
}

fn indent(text: &str) -> String {
    text.lines()
        .map(|l| format!("    {l}\n"))
        .collect::<String>()
        .trim_end()
        .to_string()
}

/// What a list holds, for a path that names no item of it: the closest item name, else the
/// names or the index range.
fn list_hint(parent: &str, items: &[Value], wanted: &str) -> String {
    if items.is_empty() {
        return "; the list is empty".into();
    }
    let names: Vec<String> = items
        .iter()
        .filter_map(|i| i.get("name").and_then(Value::as_str).map(String::from))
        .collect();
    let item = |id: &str| format!("{}[{id}]", key_path(parent));
    if let Some(name) = spec::suggest::closest(wanted, &names) {
        return format!("; did you mean `{}`?", item(&name));
    }
    if names.len() == items.len() {
        let listed: Vec<String> = names.iter().map(|n| format!("`{}`", item(n))).collect();
        return format!("; items here: {}", listed.join(", "));
    }
    format!(
        "; indices here: `{}` to `{}`",
        item("0"),
        item(&(items.len() - 1).to_string())
    )
}
