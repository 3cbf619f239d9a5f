//! Exemptions: accepted findings, each with a required reason and an optional expiry date.
//!
//! Three places declare them: the annotation `shipshape.dev/allow` on an object (or the label
//! of the same name on a Compose service), an `allow:` list in the environment spec, and the
//! `exemptions:` list of `shipshape.yaml` (matching kind/namespace/name globs, for third-party
//! manifests that cannot be annotated). An exempted finding is kept and marked, so it is
//! counted and listed; after its expiry date an exemption no longer applies and the finding
//! fires again with a note saying so.

use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::manifest::yaml::escape_token;
use crate::report::{Exemption, Finding};

use super::model::ObjectSet;
use super::{RuleMeta, registry};

/// The annotation (or Compose label) that declares exemptions on an object.
pub const ANNOTATION: &str = "shipshape.dev/allow";

/// The object kind that Compose services have for exemption matching.
pub const COMPOSE_KIND: &str = "ComposeService";

/// One exemption: a rule, a reason and optionally an expiry date and the objects it covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Allow {
    /// The rule to accept: its code (`SS101`) or its name (`run-as-non-root`).
    pub rule: String,
    /// Why the finding is acceptable. Required and non-empty.
    #[schemars(length(min = 1))]
    pub reason: String,
    /// Last day the exemption applies, as `YYYY-MM-DD`; from the next day the finding fires
    /// again. No expiry when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^\d{4}-\d{2}-\d{2}$"))]
    pub expires: Option<String>,
    /// Glob (`*`, `?`) on the object's kind, e.g. `Deployment` or `ComposeService`; any kind
    /// when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Glob on the object's namespace; any namespace when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// Glob on the object's name (a Compose service's name); any name when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// What is wrong with an exemption: the field and a message with the fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllowProblem {
    /// The field at fault (`rule`, `reason`, `expires`).
    pub field: &'static str,
    /// What is wrong and how to fix it.
    pub message: String,
}

impl Allow {
    /// Checks that the exemption names a known rule, has a reason and a valid date.
    pub fn problems(&self) -> Vec<AllowProblem> {
        let mut out = Vec::new();
        if registry::find(&self.rule).is_none() {
            let hint = registry::suggest(&self.rule)
                .map(|s| format!(" (did you mean `{s}`?)"))
                .unwrap_or_default();
            out.push(AllowProblem {
                field: "rule",
                message: format!(
                    "unknown rule `{}`{hint}: use a code or name from `shipshape rules`",
                    self.rule
                ),
            });
        }
        if self.reason.trim().is_empty() {
            out.push(AllowProblem {
                field: "reason",
                message: format!(
                    "the exemption of `{}` has no reason: every exemption must say why the finding is acceptable",
                    self.rule
                ),
            });
        }
        if let Some(expires) = &self.expires
            && Date::parse(expires).is_none()
        {
            out.push(AllowProblem {
                field: "expires",
                message: format!("`{expires}` is not a date: write it as YYYY-MM-DD"),
            });
        }
        out
    }

    fn matches_rule(&self, meta: &RuleMeta) -> bool {
        self.rule == meta.code || self.rule == meta.name
    }

    fn matches_object(&self, kind: &str, namespace: Option<&str>, name: &str) -> bool {
        let ok = |glob: &Option<String>, value: &str| {
            glob.as_deref().is_none_or(|g| glob_match(g, value))
        };
        ok(&self.kind, kind) && ok(&self.namespace, namespace.unwrap_or("")) && ok(&self.name, name)
    }
}

/// An exemption and where it was declared (`shipshape.yaml:12:5`, a spec file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExemptionEntry {
    /// The exemption.
    pub allow: Allow,
    /// Where it was declared, for the report.
    pub origin: String,
}

/// A calendar date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    /// Year.
    pub year: i32,
    /// Month, 1-12.
    pub month: u32,
    /// Day, 1-31.
    pub day: u32,
}

impl Date {
    /// Parses `YYYY-MM-DD` (a real calendar day).
    pub fn parse(s: &str) -> Option<Date> {
        let b = s.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let year: i32 = s[0..4].parse().ok()?;
        let month: u32 = s[5..7].parse().ok()?;
        let day: u32 = s[8..10].parse().ok()?;
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        Some(Date { year, month, day })
    }

    /// Today in UTC, from the system clock.
    pub fn today() -> Date {
        let secs = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        Date::from_days((secs / 86_400) as i64)
    }

    /// The date a number of days after 1970-01-01.
    pub fn from_days(days: i64) -> Date {
        // Howard Hinnant's civil_from_days.
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// Whether a glob (`*` any run, `?` one character) matches a whole text.
pub fn glob_match(glob: &str, text: &str) -> bool {
    let g: Vec<char> = glob.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut gi, mut ti) = (0, 0);
    let (mut star, mut mark) = (None, 0);
    while ti < t.len() {
        if gi < g.len() && (g[gi] == '?' || g[gi] == t[ti]) {
            gi += 1;
            ti += 1;
        } else if gi < g.len() && g[gi] == '*' {
            star = Some(gi);
            mark = ti;
            gi += 1;
        } else if let Some(s) = star {
            gi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    g[gi..].iter().all(|&c| c == '*')
}

/// Parses the text of a `shipshape.dev/allow` annotation: one exemption per line, written
/// `<rule>: <reason>`, optionally ending in ` until YYYY-MM-DD`.
pub fn parse_annotation(text: &str) -> Vec<Allow> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|line| {
            let (rule, rest) = line.split_once(':').unwrap_or((line, ""));
            let mut reason = rest.trim();
            let mut expires = None;
            if let Some((before, date)) = reason.rsplit_once(" until ") {
                expires = Some(date.trim().to_string());
                reason = before.trim();
            } else if let Some(date) = reason.strip_prefix("until ") {
                expires = Some(date.trim().to_string());
                reason = "";
            }
            Allow {
                rule: rule.trim().to_string(),
                reason: reason.to_string(),
                expires,
                kind: None,
                namespace: None,
                name: None,
            }
        })
        .collect()
}

/// An object's own exemption annotation: `(document, compose service, pointer, text)`.
pub struct AnnotationSite<'s> {
    /// Index of the document.
    pub doc: usize,
    /// The Compose service, for a Compose label.
    pub service: Option<&'s str>,
    /// JSON pointer of the annotation value.
    pub pointer: String,
    /// The annotation text.
    pub text: &'s str,
}

/// Every exemption annotation (Kubernetes objects) and label (Compose services) in a set.
pub fn annotation_sites<'s>(set: &'s ObjectSet<'_>) -> Vec<AnnotationSite<'s>> {
    let mut out = Vec::new();
    for (i, doc) in set.docs.iter().enumerate() {
        if let Some(text) = doc
            .value
            .pointer("/metadata/annotations")
            .and_then(|a| a.get(ANNOTATION))
            .and_then(Value::as_str)
        {
            out.push(AnnotationSite {
                doc: i,
                service: None,
                pointer: format!("/metadata/annotations/{}", escape_token(ANNOTATION)),
                text,
            });
        }
    }
    for s in &set.compose {
        if let Some((pointer, text)) = compose_label(set, s.doc, &s.pointer) {
            out.push(AnnotationSite {
                doc: s.doc,
                service: Some(s.name),
                pointer,
                text,
            });
        }
    }
    out
}

fn compose_label<'s>(
    set: &'s ObjectSet<'_>,
    doc: usize,
    service_pointer: &str,
) -> Option<(String, &'s str)> {
    let labels = set.docs[doc]
        .value
        .pointer(&format!("{service_pointer}/labels"))?;
    match labels {
        Value::Object(map) => Some((
            format!("{service_pointer}/labels/{}", escape_token(ANNOTATION)),
            map.get(ANNOTATION)?.as_str()?,
        )),
        Value::Array(items) => items.iter().enumerate().find_map(|(i, item)| {
            let text = item.as_str()?.strip_prefix(ANNOTATION)?.strip_prefix('=')?;
            Some((format!("{service_pointer}/labels/{i}"), text))
        }),
        _ => None,
    }
}

/// Applies exemptions to a finding: the first one that covers it and has not expired marks
/// it exempted; when only expired ones cover it, the finding stays active and its message
/// says that the exemption expired.
pub fn apply(
    set: &ObjectSet<'_>,
    meta: &RuleMeta,
    doc: usize,
    service: Option<&str>,
    finding: &mut Finding,
) {
    let document = &set.docs[doc];
    let (kind, namespace, name) = match service {
        Some(s) => (COMPOSE_KIND, None, s),
        None => (
            document.kind().unwrap_or(""),
            document.namespace(),
            document.name().unwrap_or(""),
        ),
    };
    let mut candidates: Vec<(Allow, String)> = Vec::new();
    let own = match service {
        Some(_) => set
            .compose
            .iter()
            .find(|s| s.doc == doc && Some(s.name) == service)
            .and_then(|s| compose_label(set, doc, &s.pointer)),
        None => document
            .value
            .pointer("/metadata/annotations")
            .and_then(|a| a.get(ANNOTATION))
            .and_then(Value::as_str)
            .map(|text| {
                (
                    format!("/metadata/annotations/{}", escape_token(ANNOTATION)),
                    text,
                )
            }),
    };
    if let Some((pointer, text)) = own {
        let origin = format!(
            "annotation {ANNOTATION} at {}",
            document.locate_key(&set.full_pointer(doc, &pointer))
        );
        for allow in parse_annotation(text) {
            candidates.push((allow, origin.clone()));
        }
    }
    for entry in &set.cx.exemptions {
        if entry.allow.matches_object(kind, namespace, name) {
            candidates.push((entry.allow.clone(), entry.origin.clone()));
        }
    }
    let mut expired: Option<(Date, String)> = None;
    for (allow, origin) in candidates {
        if !allow.matches_rule(meta) || !allow.problems().is_empty() {
            continue;
        }
        let expires = allow.expires.as_deref().and_then(Date::parse);
        if let Some(date) = expires
            && set.cx.today > date
        {
            expired.get_or_insert((date, allow.reason.clone()));
            continue;
        }
        finding.exempted = Some(Exemption {
            reason: allow.reason,
            source: origin,
            expires: expires.map(|d| d.to_string()),
        });
        return;
    }
    if let Some((date, reason)) = expired {
        finding.message = format!(
            "{} (the exemption \"{reason}\" expired on {date})",
            finding.message
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(Date::from_days(0).to_string(), "1970-01-01");
        assert_eq!(Date::from_days(20_000).to_string(), "2024-10-04");
        assert_eq!(Date::parse("2027-03-01").unwrap().to_string(), "2027-03-01");
        assert!(Date::parse("2027-02-30").is_none());
        assert!(Date::parse("2028-02-29").is_some());
        assert!(Date::parse("27-3-1").is_none());
        assert!(Date::parse("2027-03-01").unwrap() > Date::parse("2027-02-28").unwrap());
    }

    #[test]
    fn globs() {
        assert!(glob_match("*", ""));
        assert!(glob_match("vendor-*", "vendor-agent"));
        assert!(!glob_match("vendor-*", "my-vendor-agent"));
        assert!(glob_match("*-agent", "vendor-agent"));
        assert!(glob_match("a?c", "abc"));
        assert!(!glob_match("a?c", "ac"));
        assert!(glob_match("Deployment", "Deployment"));
    }

    #[test]
    fn annotations() {
        let parsed = parse_annotation(
            "run-as-non-root: vendor image needs root until 2027-03-01\nSS303: sized by the operator\nimage-tag-pinned\n",
        );
        assert_eq!(parsed.len(), 3);
        assert_eq!(parsed[0].rule, "run-as-non-root");
        assert_eq!(parsed[0].reason, "vendor image needs root");
        assert_eq!(parsed[0].expires.as_deref(), Some("2027-03-01"));
        assert_eq!(parsed[1].rule, "SS303");
        assert_eq!(parsed[1].expires, None);
        assert_eq!(parsed[2].reason, "");
        assert_eq!(parsed[2].problems()[0].field, "reason");
        assert!(parsed[0].problems().is_empty());
    }

    #[test]
    fn unknown_rules_get_a_suggestion() {
        let allow = parse_annotation("run-as-nonroot: why").remove(0);
        let problems = allow.problems();
        assert_eq!(problems.len(), 1);
        assert!(
            problems[0]
                .message
                .contains("did you mean `run-as-non-root`?"),
            "{}",
            problems[0].message
        );
    }
}
