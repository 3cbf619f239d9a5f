//! The workspace configuration file, `shipshape.yaml`.
//!
//! It sets the Kubernetes version, the policy profiles (rule selection, severities and the
//! failure threshold for every environment and per environment) and exemptions for objects
//! that cannot be annotated. The file is optional: [`Config::load`] returns the defaults when
//! it is absent. Every error points at `file:line:col` and says how to fix it.
//!
//! ```yaml
//! kubernetesVersion: "1.33"
//! policy:
//!   default:                  # every environment, and `lint`
//!     extendSelect: [cpu-limits]
//!   environments:
//!     development:            # layered on top of `default`
//!       severity:
//!         run-as-non-root: warning
//!       ignore: [pdb-required]
//! diff:
//!   ignore:                   # fields `shipshape diff` leaves out, `[KIND:]PATH`
//!     - metadata.annotations["checksum/config"]
//! exemptions:
//!   - rule: no-privileged
//!     reason: the node agent needs the host's devices
//!     expires: 2027-03-01
//!     kind: DaemonSet
//!     namespace: monitoring
//!     name: node-exporter*
//! ```

use std::fmt;
use std::path::{Path, PathBuf};

use indexmap::IndexMap;
use serde::Deserialize;

use crate::manifest::{self, Location, Source};
use crate::policy::{Allow, ExemptionEntry, Profile, RuleSelection};

/// The configuration file's name in a workspace root.
pub const FILE_NAME: &str = "shipshape.yaml";

/// The contents of `shipshape.yaml`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Config {
    /// The Kubernetes version manifests target, as `MAJOR.MINOR` (e.g. `"1.33"`).
    #[serde(default)]
    pub kubernetes_version: Option<String>,
    /// Policy profiles.
    #[serde(default)]
    pub policy: PolicyConfig,
    /// Exemptions matched by kind/namespace/name globs.
    #[serde(default)]
    pub exemptions: Vec<Allow>,
    /// Settings of `shipshape diff`.
    #[serde(default)]
    pub diff: DiffConfig,
    /// Where each exemption was declared (`shipshape.yaml:12:5`), parallel to `exemptions`.
    #[serde(skip)]
    pub exemption_origins: Vec<String>,
}

/// The `policy:` section: a profile for everything and one per environment.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PolicyConfig {
    /// Applies to every environment and to `lint`.
    #[serde(default)]
    pub default: Profile,
    /// Per environment name, applied after `default`.
    #[serde(default)]
    pub environments: IndexMap<String, Profile>,
}

/// The `diff:` section: settings of `shipshape diff`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct DiffConfig {
    /// Fields the diff leaves out, `[KIND:]PATH` each (see [`crate::diff::ignore`]), added
    /// to `--ignore`.
    #[serde(default)]
    pub ignore: Vec<String>,
}

impl DiffConfig {
    /// The ignore rules (checked when the file was loaded).
    pub fn ignore_rules(&self) -> Vec<crate::diff::ignore::IgnoreRule> {
        self.ignore.iter().filter_map(|r| r.parse().ok()).collect()
    }
}

/// Errors in `shipshape.yaml`, all of them, each located.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ConfigError {
    /// Each problem: where, and what is wrong with the fix.
    pub problems: Vec<(Location, String)>,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, (loc, message)) in self.problems.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{loc}: {message}")?;
        }
        Ok(())
    }
}

impl Config {
    /// Loads `shipshape.yaml` from a workspace root; the defaults when there is none.
    pub fn load(workspace_root: &Path) -> Result<Config, ConfigError> {
        let path = workspace_root.join(FILE_NAME);
        if !path.exists() {
            return Ok(Config::default());
        }
        // Found by its name, so only a regular file is read: a FIFO would wait for ever.
        let source = Source::read_regular(&path).map_err(|e| ConfigError {
            problems: vec![(e.location(), e.message)],
        })?;
        Config::parse(&source)
    }

    /// Loads a configuration file at a given path.
    pub fn load_file(path: &Path) -> Result<Config, ConfigError> {
        let source = Source::read(path).map_err(|e| ConfigError {
            problems: vec![(e.location(), e.message)],
        })?;
        Config::parse(&source)
    }

    /// Parses and checks a configuration source.
    pub fn parse(source: &std::sync::Arc<Source>) -> Result<Config, ConfigError> {
        let docs = manifest::load(source).map_err(|e| ConfigError {
            problems: vec![(e.location(), e.message.clone())],
        })?;
        let Some(doc) = docs.first() else {
            return Ok(Config::default());
        };
        let at_start = || Location {
            file: source.path.clone(),
            line: doc.pos.line,
            col: doc.pos.col,
        };
        if docs.len() > 1 {
            return Err(ConfigError {
                problems: vec![(docs[1].location(), "shipshape.yaml holds one document; remove the `---` and what follows, or merge it into the first".into())],
            });
        }
        let mut config: Config = serde_yaml::from_str(&source.text).map_err(|e| {
            let location = e.location().map_or_else(at_start, |l| Location {
                file: source.path.clone(),
                line: l.line() as u32,
                col: l.column() as u32,
            });
            let message = e.to_string();
            let message = match message.rfind(" at line ") {
                Some(i) => message[..i].to_string(),
                None => message,
            };
            ConfigError {
                problems: vec![(
                    location,
                    format!("{message} (see the `shipshape.yaml` section of the README)"),
                )],
            }
        })?;
        let mut problems = Vec::new();
        if let Some(v) = &config.kubernetes_version {
            let ok = v.split_once('.').is_some_and(|(a, b)| {
                !a.is_empty()
                    && !b.is_empty()
                    && a.chars().chain(b.chars()).all(|c| c.is_ascii_digit())
            });
            if !ok {
                problems.push((
                    doc.locate("/kubernetesVersion"),
                    format!("kubernetesVersion `{v}` is not MAJOR.MINOR: write it as a quoted string, e.g. \"1.33\""),
                ));
            }
        }
        let profiles = std::iter::once(("/policy/default".to_string(), &config.policy.default))
            .chain(config.policy.environments.iter().map(|(env, p)| {
                (
                    format!("/policy/environments/{}", manifest::yaml::escape_token(env)),
                    p,
                )
            }));
        for (base, profile) in profiles {
            check_profile(doc, &base, profile, &mut problems);
        }
        for (i, allow) in config.exemptions.iter().enumerate() {
            for p in allow.problems() {
                problems.push((
                    doc.locate(&format!("/exemptions/{i}/{}", p.field)),
                    p.message,
                ));
            }
        }
        for (i, rule) in config.diff.ignore.iter().enumerate() {
            if let Err(e) = rule.parse::<crate::diff::ignore::IgnoreRule>() {
                problems.push((
                    doc.locate(&format!("/diff/ignore/{i}")),
                    format!("diff.ignore: {e}"),
                ));
            }
        }
        if !problems.is_empty() {
            return Err(ConfigError { problems });
        }
        config.exemption_origins = (0..config.exemptions.len())
            .map(|i| {
                format!(
                    "exemptions[{i}] at {}",
                    doc.locate(&format!("/exemptions/{i}"))
                )
            })
            .collect();
        Ok(config)
    }

    /// The profile layers for an environment: `policy.default`, then the environment's.
    pub fn profiles_for(&self, environment: Option<&str>) -> Vec<&Profile> {
        let mut layers = vec![&self.policy.default];
        if let Some(p) = environment.and_then(|e| self.policy.environments.get(e)) {
            layers.push(p);
        }
        layers
    }

    /// The rule selection for an environment, with extra layers (the command line) on top.
    pub fn selection(
        &self,
        environment: Option<&str>,
        extra: &[&Profile],
    ) -> Result<RuleSelection, crate::policy::SelectorError> {
        RuleSelection::resolve(
            self.profiles_for(environment)
                .into_iter()
                .chain(extra.iter().copied()),
        )
    }

    /// The exemptions, with where each was declared.
    pub fn exemption_entries(&self) -> Vec<ExemptionEntry> {
        self.exemptions
            .iter()
            .enumerate()
            .map(|(i, allow)| ExemptionEntry {
                allow: allow.clone(),
                origin: self
                    .exemption_origins
                    .get(i)
                    .cloned()
                    .unwrap_or_else(|| format!("exemptions[{i}] of {FILE_NAME}")),
            })
            .collect()
    }

    /// The path of the configuration file in a workspace root.
    pub fn path_in(workspace_root: &Path) -> PathBuf {
        workspace_root.join(FILE_NAME)
    }
}

fn check_profile(
    doc: &manifest::Document,
    base: &str,
    profile: &Profile,
    problems: &mut Vec<(Location, String)>,
) {
    let lists = [
        ("select", &profile.select),
        ("extendSelect", &profile.extend_select),
        ("ignore", &profile.ignore),
    ];
    for (field, list) in lists {
        for (i, s) in list.iter().enumerate() {
            if let Err(e) = crate::policy::profile::resolve_selector(s) {
                problems.push((doc.locate(&format!("{base}/{field}/{i}")), e.to_string()));
            }
        }
    }
    for key in profile.severity.keys() {
        if let Err(e) = crate::policy::profile::resolve_selector(key) {
            problems.push((
                doc.locate_key(&format!(
                    "{base}/severity/{}",
                    manifest::yaml::escape_token(key)
                )),
                e.to_string(),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Severity;

    fn parse(text: &str) -> Result<Config, ConfigError> {
        Config::parse(&Source::new("shipshape.yaml", text))
    }

    #[test]
    fn absent_or_empty_means_defaults() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(Config::load(dir.path()).unwrap(), Config::default());
        assert_eq!(parse("# nothing yet\n").unwrap(), Config::default());
    }

    #[test]
    fn profiles_and_exemptions() {
        let c = parse(
            "kubernetesVersion: \"1.33\"\npolicy:\n  default:\n    ignore: [SS404]\n  environments:\n    development:\n      severity:\n        run-as-non-root: warning\n      failOn: warning\nexemptions:\n  - rule: no-privileged\n    reason: node agent\n    kind: DaemonSet\n",
        )
        .unwrap();
        assert_eq!(c.kubernetes_version.as_deref(), Some("1.33"));
        assert_eq!(c.profiles_for(Some("development")).len(), 2);
        assert_eq!(c.profiles_for(Some("production")).len(), 1);
        let sel = c.selection(Some("development"), &[]).unwrap();
        assert_eq!(sel.fail_on, Severity::Warning);
        assert_eq!(
            c.exemption_entries()[0].origin,
            "exemptions[0] at shipshape.yaml:11:5"
        );
    }

    #[test]
    fn unknown_fields_are_located() {
        let err = parse("policy:\n  defualt: {}\n").unwrap_err();
        assert_eq!(err.problems.len(), 1);
        let (loc, message) = &err.problems[0];
        assert_eq!((loc.line, loc.col), (2, 3));
        assert!(message.contains("unknown field `defualt`"), "{message}");
    }

    #[test]
    fn every_semantic_problem_is_reported() {
        let err = parse(
            "kubernetesVersion: latest\npolicy:\n  default:\n    ignore: [run-as-nonroot]\nexemptions:\n  - rule: SS101\n    reason: \"\"\n    expires: 2027-13-01\n",
        )
        .unwrap_err();
        let text = err.to_string();
        assert_eq!(err.problems.len(), 4, "{text}");
        assert!(
            text.contains("shipshape.yaml:1:20: kubernetesVersion `latest` is not MAJOR.MINOR"),
            "{text}"
        );
        assert!(text.contains("shipshape.yaml:4:14: unknown rule `run-as-nonroot` (did you mean `run-as-non-root`?)"), "{text}");
        assert!(
            text.contains("shipshape.yaml:7:13: the exemption of `SS101` has no reason"),
            "{text}"
        );
        assert!(
            text.contains("shipshape.yaml:8:14: `2027-13-01` is not a date"),
            "{text}"
        );
    }

    #[test]
    fn diff_ignore_rules_are_read_and_checked() {
        let config = parse("diff:\n  ignore:\n    - Deployment:spec.replicas\n    - 'metadata.annotations[\"checksum/config\"]'\n").unwrap();
        let rules = config.diff.ignore_rules();
        assert_eq!(rules.len(), 2);
        assert_eq!(rules[0].to_string(), "Deployment:spec.replicas");
        let err = parse("diff:\n  ignore:\n    - spec..replicas\n").unwrap_err();
        assert!(
            err.to_string().starts_with(
                "shipshape.yaml:3:7: diff.ignore: `spec..replicas`: an empty field name"
            ),
            "{err}"
        );
        let err = parse("diff:\n  ignored: []\n").unwrap_err();
        assert!(err.to_string().contains("unknown field `ignored`"), "{err}");
    }

    #[test]
    fn a_missing_reason_is_an_error() {
        let err = parse("exemptions:\n  - rule: SS101\n").unwrap_err();
        assert!(err.to_string().contains("missing field `reason`"), "{err}");
        assert_eq!(err.problems[0].0.line, 2);
    }
}
