//! Small value types of the spec with their own grammar: quantities, durations and
//! int-or-string, each checked when read and each with a precise JSON Schema.

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Deserializer, Serialize};

/// The Kubernetes quantity grammar, without a sign (a spec's quantities are amounts): a
/// decimal number with an optional suffix
/// (`m`, `k`, `M`, `G`, `T`, `P`, `E`, `Ki`, `Mi`, `Gi`, `Ti`, `Pi`, `Ei`) or exponent.
pub const QUANTITY_PATTERN: &str =
    r"^[+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)(([KMGTPE]i)|[numkMGTPE]|([eE][+-]?[0-9]+))?$";

/// A Kubernetes resource quantity such as `500m`, `2Gi` or `1.5`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Quantity(pub String);

impl Quantity {
    /// Whether a text follows the quantity grammar.
    pub fn is_valid(text: &str) -> bool {
        // Every quantity a spec holds (CPU, memory, sizes) is an amount: never negative.
        let body = text.strip_prefix('+').unwrap_or(text);
        let digits_end = body
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(body.len());
        let (number, suffix) = body.split_at(digits_end);
        if number.is_empty() || number == "." || number.matches('.').count() > 1 {
            return false;
        }
        match suffix {
            "" | "n" | "u" | "m" | "k" | "M" | "G" | "T" | "P" | "E" | "Ki" | "Mi" | "Gi"
            | "Ti" | "Pi" | "Ei" => true,
            exp => {
                let Some(rest) = exp.strip_prefix(['e', 'E']) else {
                    return false;
                };
                let rest = rest.strip_prefix(['+', '-']).unwrap_or(rest);
                !rest.is_empty() && rest.chars().all(|c| c.is_ascii_digit())
            }
        }
    }
}

impl std::fmt::Display for Quantity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Quantity {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = match serde_json::Value::deserialize(d)? {
            serde_json::Value::String(s) => s,
            serde_json::Value::Number(n) => n.to_string(),
            other => {
                return Err(serde::de::Error::custom(format!(
                    "expected a quantity such as 500m or 2Gi, found {other}"
                )));
            }
        };
        if Quantity::is_valid(&text) {
            Ok(Quantity(text))
        } else {
            Err(serde::de::Error::custom(format!(
                "`{text}` is not a quantity: write a number with an optional suffix, such as 500m, 2Gi or 1.5"
            )))
        }
    }
}

impl JsonSchema for Quantity {
    fn schema_name() -> Cow<'static, str> {
        "Quantity".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A Kubernetes quantity: a number with an optional suffix, such as 500m, 2Gi or 1.5.",
            "anyOf": [
                {"type": "string", "pattern": QUANTITY_PATTERN},
                {"type": "number", "minimum": 0}
            ]
        })
    }
}

/// A duration such as `30s`, `1m` or `1h30m`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Duration(pub String);

/// The duration grammar (Go's `time.ParseDuration` units).
pub const DURATION_PATTERN: &str = r"^([0-9]+(\.[0-9]+)?(ns|us|ms|s|m|h))+$";

impl Duration {
    /// Whether a text is a duration.
    pub fn is_valid(text: &str) -> bool {
        let mut rest = text;
        if rest.is_empty() {
            return false;
        }
        while !rest.is_empty() {
            let n = rest
                .find(|c: char| !(c.is_ascii_digit() || c == '.'))
                .unwrap_or(rest.len());
            if n == 0 {
                return false;
            }
            rest = &rest[n..];
            let unit = ["ns", "us", "ms", "s", "m", "h"]
                .into_iter()
                .find(|u| rest.starts_with(u) && !(*u == "m" && rest.starts_with("ms")));
            match unit {
                Some(u) => rest = &rest[u.len()..],
                None => return false,
            }
        }
        true
    }
}

impl std::fmt::Display for Duration {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Duration {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        if Duration::is_valid(&text) {
            Ok(Duration(text))
        } else {
            Err(serde::de::Error::custom(format!(
                "`{text}` is not a duration: write a number with a unit, such as 30s, 5m or 1h"
            )))
        }
    }
}

impl JsonSchema for Duration {
    fn schema_name() -> Cow<'static, str> {
        "Duration".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A duration: a number with a unit (ns, us, ms, s, m, h), such as 30s or 5m.",
            "type": "string",
            "pattern": DURATION_PATTERN
        })
    }
}

/// A count or a percentage (`1`, `"25%"`), or a port number or name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum IntOrString {
    /// A number.
    Int(i64),
    /// A string: a percentage or a port name.
    String(String),
}

impl std::fmt::Display for IntOrString {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            IntOrString::Int(n) => write!(f, "{n}"),
            IntOrString::String(s) => f.write_str(s),
        }
    }
}

impl JsonSchema for IntOrString {
    fn schema_name() -> Cow<'static, str> {
        "IntOrString".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A whole number, or a string (a percentage such as \"25%\", or a port name).",
            "anyOf": [{"type": "integer"}, {"type": "string", "minLength": 1}]
        })
    }
}

/// A count or a percentage of pods (`2`, `"25%"`), as a disruption budget or a rolling
/// update takes them. Anything else (`2x`, `-1`, `"120 %"`) is refused where it is written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct CountOrPercent(pub IntOrString);

/// The grammar of the percentage form.
pub const PERCENT_PATTERN: &str = r"^[0-9]{1,3}%$";

impl<'de> Deserialize<'de> for CountOrPercent {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match IntOrString::deserialize(d)? {
            IntOrString::Int(n) if n >= 0 => Ok(CountOrPercent(IntOrString::Int(n))),
            IntOrString::String(s)
                if s.strip_suffix('%').is_some_and(|n| {
                    !n.is_empty() && n.len() <= 3 && n.bytes().all(|b| b.is_ascii_digit())
                }) =>
            {
                Ok(CountOrPercent(IntOrString::String(s)))
            }
            other => Err(serde::de::Error::custom(format!(
                "`{other}` is neither a count nor a percentage: write a whole number such as 2, or a percentage such as \"25%\""
            ))),
        }
    }
}

impl JsonSchema for CountOrPercent {
    fn schema_name() -> Cow<'static, str> {
        "CountOrPercent".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A count of pods (a whole number) or a percentage such as \"25%\".",
            "anyOf": [
                {"type": "integer", "minimum": 0},
                {"type": "string", "pattern": PERCENT_PATTERN}
            ]
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities() {
        for ok in ["500m", "1", "2Gi", "128974848", "1.5", "1e3", "0.5", ".5"] {
            assert!(Quantity::is_valid(ok), "{ok}");
        }
        for bad in [
            "", "2 GB", "1GB", "Gi", "1.2.3", "true", "1e", "-1", "-500m",
        ] {
            assert!(!Quantity::is_valid(bad), "{bad}");
        }
    }

    #[test]
    fn durations() {
        for ok in ["30s", "1m", "1h30m", "500ms", "1.5s"] {
            assert!(Duration::is_valid(ok), "{ok}");
        }
        for bad in ["", "30", "s", "1d", "5 m"] {
            assert!(!Duration::is_valid(bad), "{bad}");
        }
    }
}
