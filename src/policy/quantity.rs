//! Resource quantities as numbers, for comparing requests with limits.
//!
//! Kubernetes quantities (`500m`, `2`, `512Mi`, `1G`, `1e3`) and Compose sizes (`4G`, `512m`,
//! `1gb`: binary units, case-insensitive) and CPU counts (`'2'`, `0.5`).

use serde_json::Value;

/// A Kubernetes quantity in base units (cores or bytes); `None` when it is not one.
pub fn kubernetes(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => parse_kubernetes(s.trim()),
        _ => None,
    }
}

fn parse_kubernetes(s: &str) -> Option<f64> {
    const SUFFIXES: &[(&str, f64)] = &[
        ("Ki", 1024.0),
        ("Mi", 1048576.0),
        ("Gi", 1073741824.0),
        ("Ti", 1099511627776.0),
        ("Pi", 1125899906842624.0),
        ("Ei", 1152921504606846976.0),
        ("n", 1e-9),
        ("u", 1e-6),
        ("m", 1e-3),
        ("k", 1e3),
        ("M", 1e6),
        ("G", 1e9),
        ("T", 1e12),
        ("P", 1e15),
        ("E", 1e18),
    ];
    for (suffix, factor) in SUFFIXES {
        if let Some(num) = s.strip_suffix(suffix) {
            return number(num).map(|n| n * factor);
        }
    }
    number(s)
}

fn number(s: &str) -> Option<f64> {
    if s.is_empty()
        || !s
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_digit() || c == '.' || c == '+' || c == '-')
    {
        return None;
    }
    s.parse::<f64>().ok().filter(|n| n.is_finite())
}

/// A Compose byte size (`4G`, `512m`, `1gb`, `1024`) in bytes.
pub fn compose_bytes(v: &Value) -> Option<f64> {
    let s = match v {
        Value::Number(n) => return n.as_f64(),
        Value::String(s) => s.trim().to_ascii_lowercase(),
        _ => return None,
    };
    let s = s
        .strip_suffix('b')
        .filter(|r| !r.is_empty() && !r.ends_with(|c: char| c.is_ascii_digit()))
        .unwrap_or(&s);
    let (num, factor) = match s.chars().last()? {
        'k' => (&s[..s.len() - 1], 1024.0),
        'm' => (&s[..s.len() - 1], 1048576.0),
        'g' => (&s[..s.len() - 1], 1073741824.0),
        't' => (&s[..s.len() - 1], 1099511627776.0),
        'b' => (&s[..s.len() - 1], 1.0),
        _ => (s, 1.0),
    };
    number(num).map(|n| n * factor)
}

/// A Compose CPU count (`'2'`, `0.5`).
pub fn compose_cpus(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => number(s.trim()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn kubernetes_quantities() {
        assert_eq!(kubernetes(&json!("500m")), Some(0.5));
        assert_eq!(kubernetes(&json!("2")), Some(2.0));
        assert_eq!(kubernetes(&json!(2)), Some(2.0));
        assert_eq!(kubernetes(&json!("512Mi")), Some(536870912.0));
        assert_eq!(kubernetes(&json!("1G")), Some(1e9));
        assert_eq!(kubernetes(&json!("1e3")), Some(1000.0));
        assert_eq!(kubernetes(&json!("lots")), None);
        assert_eq!(kubernetes(&json!(true)), None);
    }

    #[test]
    fn compose_sizes() {
        assert_eq!(compose_bytes(&json!("4G")), Some(4.0 * 1073741824.0));
        assert_eq!(compose_bytes(&json!("512m")), Some(536870912.0));
        assert_eq!(compose_bytes(&json!("1gb")), Some(1073741824.0));
        assert_eq!(compose_bytes(&json!("100b")), Some(100.0));
        assert_eq!(compose_bytes(&json!(1024)), Some(1024.0));
        assert_eq!(compose_cpus(&json!("0.5")), Some(0.5));
        assert_eq!(compose_bytes(&json!("big")), None);
    }
}
