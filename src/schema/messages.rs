//! Turns JSON Schema errors into plain-language problems: one per real mistake, with the
//! JSON pointer of the offending value, a message that names the field in dotted form
//! (`spec.replicas: "three" is not an integer`) and, for unknown fields, a "did you mean".
//!
//! `anyOf`/`oneOf` failures are reduced to the branch that matches the value's shape, or to
//! one "is not X or Y" message, instead of a list of every branch's complaint.
//!
//! A message never quotes a secret: a value at a secret path (a Secret's `data`, a
//! secret-looking key, see [`crate::secrets`]) prints as `<secret>`
//! (`stringData.pin: <secret> is not a string`).

use jsonschema::ValidationError;
use jsonschema::error::{TypeKind, ValidationErrorKind};
use serde_json::Value;

use super::strict::QUANTITY_PATTERN;
use crate::manifest::yaml::{escape_token, pointer_tokens};

/// One schema problem, before it is located in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// JSON pointer of the offending value (for an unknown field: the field itself).
    pub pointer: String,
    /// Whether the problem is an unknown field (it is then located at its key).
    pub unknown_field: bool,
    /// The message, starting with the dotted path.
    pub message: String,
    /// How to fix it.
    pub help: Option<String>,
}

/// Context the conversion needs: the document, and the names a misspelled field may have
/// meant.
pub struct Context<'a> {
    /// The validated value.
    pub root: &'a Value,
    /// Property names of the object schema at a keyword location.
    pub known_properties: &'a dyn Fn(&str) -> std::sync::Arc<[String]>,
    /// Whether unknown fields are reported (strict) or dropped.
    pub strict: bool,
}

/// Converts the errors of one validation into problems, in document order, without
/// duplicates.
pub fn problems<'e>(
    errors: impl Iterator<Item = ValidationError<'e>>,
    ctx: &Context<'_>,
) -> Vec<Problem> {
    let mut out = Vec::new();
    for error in errors {
        convert(&error, ctx, &mut out);
    }
    let mut seen = std::collections::HashSet::new();
    out.retain(|p| seen.insert((p.pointer.clone(), p.message.clone())));
    out
}

fn convert(error: &ValidationError<'_>, ctx: &Context<'_>, out: &mut Vec<Problem>) {
    let pointer = error.instance_path().as_str().to_string();
    let path = dotted(ctx.root, &pointer);
    let instance = error.instance();
    let secret = crate::secrets::holds_secret_at(ctx.root, &pointer);
    let value = shown(instance, secret);
    let at = |msg: String| prefix(&path, msg);
    match error.kind() {
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            if !ctx.strict {
                return;
            }
            let location = error
                .absolute_keyword_location()
                .map(|u| u.as_str().to_string())
                .unwrap_or_else(|| format!("#{}", error.schema_path().as_str()));
            let known = (ctx.known_properties)(&location);
            for field in unexpected {
                let field_pointer = format!("{pointer}/{}", escape_token(field));
                let field_path = dotted(ctx.root, &field_pointer);
                out.push(Problem {
                    pointer: field_pointer,
                    unknown_field: true,
                    message: format!("{field_path}: unknown field"),
                    help: Some(suggest(field, &known)),
                });
            }
        }
        ValidationErrorKind::FalseSchema => {
            if !ctx.strict {
                return;
            }
            out.push(Problem {
                pointer: pointer.clone(),
                unknown_field: true,
                message: at("unknown field, not allowed here".into()),
                help: Some("remove it, or check its name and indentation".into()),
            });
        }
        ValidationErrorKind::Type { kind } => out.push(Problem {
            pointer,
            unknown_field: false,
            message: at(format!("{} is not {}", value, type_names(type_list(kind)))),
            help: None,
        }),
        ValidationErrorKind::Required { property } => {
            let name = property
                .as_str()
                .map_or_else(|| property.to_string(), quote);
            out.push(Problem {
                pointer,
                unknown_field: false,
                message: at(format!("missing required field {name}")),
                help: Some(format!("add {name}")),
            });
        }
        ValidationErrorKind::Constant { expected_value } => out.push(Problem {
            pointer,
            unknown_field: false,
            message: at(format!("{} must be {}", value, show(expected_value))),
            help: None,
        }),
        ValidationErrorKind::Enum { options } => {
            let list = options
                .as_array()
                .map(|o| o.iter().map(show).collect::<Vec<_>>().join(", "))
                .unwrap_or_else(|| show(options));
            out.push(Problem {
                pointer,
                unknown_field: false,
                message: at(format!("{} is not one of {list}", value)),
                help: None,
            });
        }
        ValidationErrorKind::Pattern { pattern } => {
            let message = if pattern == QUANTITY_PATTERN {
                format!(
                    "{} is not a quantity (like 500m, 1, 2Gi or 128974848)",
                    value
                )
            } else {
                format!("{} does not match the pattern {pattern}", value)
            };
            out.push(Problem {
                pointer,
                unknown_field: false,
                message: at(message),
                help: None,
            });
        }
        ValidationErrorKind::AnyOf { context } | ValidationErrorKind::OneOfNotValid { context } => {
            branches(&pointer, &path, instance, context, ctx, out);
        }
        _ => {
            let mut message = error.to_string();
            if secret {
                message = message.replace(&instance.to_string(), &value);
            }
            out.push(Problem {
                pointer,
                unknown_field: false,
                message: at(message),
                help: None,
            })
        }
    }
}

/// Reduces an `anyOf`/`oneOf` failure: when some branch accepts the value's shape (its
/// errors are all deeper, or not type errors at this value), report that branch's errors;
/// otherwise say which shapes are allowed.
fn branches(
    pointer: &str,
    path: &str,
    instance: &Value,
    context: &[Vec<ValidationError<'static>>],
    ctx: &Context<'_>,
    out: &mut Vec<Problem>,
) {
    let shape_mismatch = |errs: &Vec<ValidationError<'static>>| {
        errs.iter().any(|e| {
            e.instance_path().as_str() == pointer
                && matches!(
                    e.kind(),
                    ValidationErrorKind::Type { .. }
                        | ValidationErrorKind::Constant { .. }
                        | ValidationErrorKind::Enum { .. }
                        | ValidationErrorKind::FalseSchema
                )
        })
    };
    let candidates: Vec<&Vec<ValidationError<'static>>> = context
        .iter()
        .filter(|errs| !shape_mismatch(errs))
        .collect();
    if let Some(best) = candidates.iter().min_by_key(|errs| errs.len()) {
        let mut sub = Vec::new();
        for e in best.iter() {
            convert(e, ctx, &mut sub);
        }
        if !sub.is_empty() || ctx.strict {
            out.extend(sub);
            return;
        }
        // Non-strict and the closest branch only complained about unknown fields: accepted.
        return;
    }
    let mut types: Vec<&'static str> = Vec::new();
    for errs in context {
        for e in errs {
            if e.instance_path().as_str() != pointer {
                continue;
            }
            if let ValidationErrorKind::Type { kind } = e.kind() {
                for t in type_list(kind) {
                    if !types.contains(&t) {
                        types.push(t);
                    }
                }
            }
        }
    }
    let instance = shown(instance, crate::secrets::holds_secret_at(ctx.root, pointer));
    let message = if types.is_empty() {
        format!("{instance} is not one of the allowed forms")
    } else {
        format!("{instance} is not {}", type_names(types))
    };
    out.push(Problem {
        pointer: pointer.to_string(),
        unknown_field: false,
        message: prefix(path, message),
        help: None,
    });
}

fn type_list(kind: &TypeKind) -> Vec<&'static str> {
    match kind {
        TypeKind::Single(t) => vec![t.as_str()],
        TypeKind::Multiple(set) => set.iter().map(|t| t.as_str()).collect(),
    }
}

fn type_names(types: Vec<&'static str>) -> String {
    let mut names: Vec<&str> = types
        .iter()
        .filter(|t| !(**t == "integer" && types.contains(&"number")))
        .map(|t| match *t {
            "integer" => "an integer",
            "number" => "a number",
            "string" => "a string",
            "boolean" => "a boolean (true or false)",
            "object" => "a map",
            "array" => "a list",
            "null" => "null",
            other => other,
        })
        .collect();
    names.dedup();
    match names.len() {
        0 => "allowed".into(),
        1 => names[0].to_string(),
        _ => {
            let last = names.pop().unwrap_or_default();
            format!("{} or {last}", names.join(", "))
        }
    }
}

fn prefix(path: &str, message: String) -> String {
    if path.is_empty() {
        message
    } else {
        format!("{path}: {message}")
    }
}

/// A value as it appears in a message, `<secret>` for a secret scalar (see [`show`]).
fn shown(value: &Value, secret: bool) -> String {
    if secret && !value.is_object() && !value.is_array() {
        "<secret>".into()
    } else {
        show(value)
    }
}

/// A value as it appears in a message: scalars as JSON (long strings shortened), and the
/// shape for maps and lists.
fn show(value: &Value) -> String {
    match value {
        Value::Object(m) if m.is_empty() => "an empty map".into(),
        Value::Object(_) => "a map".into(),
        Value::Array(a) if a.is_empty() => "an empty list".into(),
        Value::Array(_) => "a list".into(),
        Value::String(s) if s.chars().count() > 60 => {
            let cut: String = s.chars().take(57).collect();
            format!("\"{cut}...\"")
        }
        other => other.to_string(),
    }
}

fn quote(s: &str) -> String {
    Value::String(s.to_string()).to_string()
}

/// The "did you mean" help for an unknown field.
fn suggest(field: &str, known: &[String]) -> String {
    let best = known
        .iter()
        .map(|k| {
            (
                strsim::jaro_winkler(&field.to_lowercase(), &k.to_lowercase()),
                k,
            )
        })
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0));
    match best {
        Some((_, k)) => format!("did you mean `{k}`?"),
        None if known.is_empty() => "remove it, or check its name and indentation".into(),
        None => {
            let mut names: Vec<&str> = known.iter().map(String::as_str).collect();
            names.sort_unstable();
            let list = if names.len() > 12 {
                format!("{}, ...", names[..12].join(", "))
            } else {
                names.join(", ")
            };
            format!("remove it, or use one of: {list}")
        }
    }
}

/// A JSON pointer as a dotted path through the value: `spec.containers[0].image`;
/// keys that are not plain names are quoted: `metadata.annotations["a.b/c"]`.
pub fn dotted(root: &Value, pointer: &str) -> String {
    let mut out = String::new();
    let mut node = Some(root);
    for token in pointer_tokens(pointer) {
        match node {
            Some(Value::Array(items)) => {
                out.push_str(&format!("[{token}]"));
                node = token.parse::<usize>().ok().and_then(|i| items.get(i));
            }
            other => {
                let plain = !token.is_empty()
                    && token
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
                if plain {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push_str(&token);
                } else {
                    out.push_str(&format!("[{}]", quote(&token)));
                }
                node = other.and_then(|v| v.get(&token));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn dotted_paths() {
        let v = json!({"spec": {"containers": [{"image": "x"}]}, "metadata": {"annotations": {"a.b/c": "1"}}});
        assert_eq!(
            dotted(&v, "/spec/containers/0/image"),
            "spec.containers[0].image"
        );
        assert_eq!(
            dotted(&v, "/metadata/annotations/a.b~1c"),
            "metadata.annotations[\"a.b/c\"]"
        );
        assert_eq!(dotted(&v, ""), "");
    }

    #[test]
    fn type_names_read_well() {
        assert_eq!(type_names(vec!["integer"]), "an integer");
        assert_eq!(
            type_names(vec!["integer", "string"]),
            "an integer or a string"
        );
        assert_eq!(
            type_names(vec!["integer", "number", "string"]),
            "a number or a string"
        );
    }

    #[test]
    fn suggestions() {
        let known = vec!["replicas".to_string(), "selector".to_string()];
        assert_eq!(suggest("replica", &known), "did you mean `replicas`?");
        assert_eq!(
            suggest("zzz", &known),
            "remove it, or use one of: replicas, selector"
        );
    }
}
