//! Filters templates may use besides minijinja's built-ins.
//!
//! - `quote`: a scalar as a double-quoted YAML (and JSON) string: `{{ host | quote }}`.
//!   Quote every free-form value a spec supplies, so `yes`, `0755` or `a: b` stay strings.
//! - `toyaml`: any value as block YAML without a trailing newline, for nested values:
//!   `{{ container.securityContext | toyaml | indent(12) }}`.
//! - `sha256`: the hex SHA-256 of a string, or of a value's canonical JSON.
//!
//! None of them touches files, the process environment or the network.

use minijinja::value::Value as JValue;
use minijinja::{Error, ErrorKind};
use sha2::{Digest, Sha256};

/// Adds the filters to an environment.
pub fn register(env: &mut minijinja::Environment<'static>) {
    env.add_filter("quote", quote);
    env.add_filter("toyaml", toyaml);
    env.add_filter("sha256", sha256);
}

fn to_json(value: &JValue) -> Result<serde_json::Value, Error> {
    if value.is_undefined() {
        return Err(Error::new(
            ErrorKind::UndefinedError,
            "the filter got an undefined value",
        ));
    }
    serde_json::to_value(value).map_err(|e| {
        Error::new(
            ErrorKind::InvalidOperation,
            format!("cannot convert the value: {e}"),
        )
    })
}

/// `quote`: a double-quoted string of a scalar (numbers and booleans become their text).
pub fn quote(value: &JValue) -> Result<String, Error> {
    let text = match to_json(value)? {
        serde_json::Value::String(s) => s,
        serde_json::Value::Null => {
            return Err(Error::new(
                ErrorKind::InvalidOperation,
                "`quote` got none; guard the line with `{% if ... %}`",
            ));
        }
        serde_json::Value::Array(_) | serde_json::Value::Object(_) => {
            return Err(Error::new(
                ErrorKind::InvalidOperation,
                "`quote` takes a scalar; use `toyaml` for lists and mappings",
            ));
        }
        other => other.to_string(),
    };
    // A JSON string is a valid double-quoted YAML scalar.
    Ok(serde_json::Value::String(text).to_string())
}

/// `toyaml`: block YAML of any value, without the trailing newline.
pub fn toyaml(value: &JValue) -> Result<String, Error> {
    let json = to_json(value)?;
    let text = super::to_yaml(&json);
    Ok(text.trim_end_matches('\n').to_string())
}

/// `sha256`: hex digest of a string, or of the compact JSON of any other value.
pub fn sha256(value: &JValue) -> Result<String, Error> {
    let bytes = match to_json(value)? {
        serde_json::Value::String(s) => s.into_bytes(),
        other => other.to_string().into_bytes(),
    };
    Ok(hex(&Sha256::digest(&bytes)))
}

/// Lowercase hex of bytes.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quote_scalars() {
        assert_eq!(quote(&JValue::from("yes")).unwrap(), "\"yes\"");
        assert_eq!(quote(&JValue::from("a \"b\"")).unwrap(), "\"a \\\"b\\\"\"");
        assert_eq!(quote(&JValue::from(8080)).unwrap(), "\"8080\"");
        assert!(quote(&JValue::from(())).is_err());
    }

    #[test]
    fn toyaml_nested() {
        let v = JValue::from(minijinja::value::Serde(
            serde_json::json!({"drop": ["ALL"], "n": 1}),
        ));
        assert_eq!(toyaml(&v).unwrap(), "drop:\n- ALL\n'n': 1");
    }

    #[test]
    fn sha256_text() {
        assert_eq!(
            sha256(&JValue::from("")).unwrap(),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }
}
