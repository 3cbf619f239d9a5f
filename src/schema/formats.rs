//! The `format`s of the Kubernetes OpenAPI schemas that the API server enforces: `int32` and
//! `int64` (the range of the integer) and `byte` (base64 text, as in a Secret's `data`).
//!
//! JSON Schema checks `format` on strings only, and the formats above are not JSON Schema's
//! own, so the `format` keyword is replaced by [`keyword`] in every Kubernetes, CRD and Helm
//! values validator. Other formats (`double`, `date-time`, ...) stay unchecked, as before.

use jsonschema::{Keyword, ValidationError, paths::Location};
use serde_json::{Map, Value};

/// One checked format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    /// An integer from `min` to `max`.
    Integer {
        name: &'static str,
        min: i64,
        max: i64,
    },
    /// Base64 text (the standard alphabet, padded), as Go's `encoding/json` reads `[]byte`.
    Byte,
    /// A format that is not checked.
    Unchecked,
}

impl Format {
    fn of(name: &str) -> Format {
        match name {
            "int32" => Format::Integer {
                name: "int32",
                min: i32::MIN.into(),
                max: i32::MAX.into(),
            },
            "int64" => Format::Integer {
                name: "int64",
                min: i64::MIN,
                max: i64::MAX,
            },
            "byte" => Format::Byte,
            _ => Format::Unchecked,
        }
    }

    fn is_valid(self, instance: &Value) -> bool {
        match (self, instance) {
            (Format::Integer { min, max, .. }, Value::Number(n)) => {
                if let Some(i) = n.as_i64() {
                    (min..=max).contains(&i)
                } else if n.as_u64().is_some() {
                    // Above i64::MAX.
                    false
                } else {
                    // A float: its type is the `type` keyword's business; only its range here.
                    // Compared as whole numbers: `i64::MAX as f64` rounds up to 2^63, which
                    // is out of range (a YAML 1.1 reader makes 9223372036854775808 a float).
                    n.as_f64().is_none_or(|f| {
                        f.is_finite() && (min as i128..=max as i128).contains(&(f as i128))
                    })
                }
            }
            (Format::Byte, Value::String(s)) => is_base64(s),
            _ => true,
        }
    }

    /// The message for an invalid instance. Never shows a `byte` value: it is usually a
    /// Secret's data.
    fn message(self, instance: &Value) -> String {
        match self {
            Format::Integer { name, min, max } => {
                // A whole number read as a float (past i64) is shown as the number written.
                let shown = match instance.as_f64() {
                    Some(f) if instance.is_f64() && f.fract() == 0.0 && f.abs() < 1e21 => {
                        format!("{f:.0}")
                    }
                    _ => instance.to_string(),
                };
                format!("{shown} is out of range for {name} (from {min} to {max})")
            }
            Format::Byte => "is not valid base64 (the characters A-Z, a-z, 0-9, + and /, padded with = to a multiple of 4)".into(),
            Format::Unchecked => String::new(),
        }
    }
}

impl<'i> Keyword<'i> for Format {
    fn validate(&self, instance: &'i Value) -> Result<(), ValidationError<'i>> {
        if self.is_valid(instance) {
            Ok(())
        } else {
            Err(ValidationError::custom(self.message(instance)))
        }
    }

    fn is_valid(&self, instance: &'i Value) -> bool {
        Format::is_valid(*self, instance)
    }
}

/// The factory of the `format` keyword (for `ValidationOptions::with_keyword`).
pub fn keyword<'a>(
    _parent: &'a Map<String, Value>,
    value: &'a Value,
    _location: Location,
) -> Result<Box<dyn for<'i> Keyword<'i>>, ValidationError<'a>> {
    Ok(Box::new(Format::of(value.as_str().unwrap_or(""))))
}

/// Whether text is base64 as Go's standard encoding decodes it: the standard alphabet, padded
/// with `=` to a multiple of four characters; line breaks are ignored.
pub fn is_base64(text: &str) -> bool {
    let mut count = 0usize;
    let mut padding = 0usize;
    for b in text.bytes() {
        match b {
            b'\r' | b'\n' => continue,
            b'=' => padding += 1,
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'+' | b'/' if padding == 0 => {}
            _ => return false,
        }
        count += 1;
    }
    count % 4 == 0 && padding <= 2
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn base64_as_go_reads_it() {
        for ok in [
            "",
            "YQ==",
            "YWI=",
            "YWJj",
            "cGFzc3dvcmQ=",
            "YWJj\nZGVm",
            "+/+/",
        ] {
            assert!(is_base64(ok), "{ok:?} is base64");
        }
        for bad in [
            "YQ",
            "YQ=",
            "Y===",
            "not base64!",
            "YQ==YQ==",
            "YW-j",
            "YW_j",
            "YWJ j",
        ] {
            assert!(!is_base64(bad), "{bad:?} is not base64");
        }
    }

    #[test]
    fn integer_ranges() {
        let int32 = Format::of("int32");
        assert!(int32.is_valid(&json!(2147483647)));
        assert!(int32.is_valid(&json!(-2147483648)));
        assert!(!int32.is_valid(&json!(2147483648_i64)));
        assert!(!int32.is_valid(&json!(-2147483649_i64)));
        assert!(!int32.is_valid(&json!(1e10)));
        assert!(
            int32.is_valid(&json!("2147483648")),
            "strings are not integers"
        );
        let int64 = Format::of("int64");
        assert!(int64.is_valid(&json!(i64::MAX)));
        assert!(!int64.is_valid(&json!(u64::MAX)));
        assert!(!int64.is_valid(&json!(1e19)));
        assert!(!int64.is_valid(&json!(9223372036854775808.0_f64)));
        assert!(Format::of("double").is_valid(&json!(1e300)));
    }
}
