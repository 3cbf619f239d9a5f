//! What counts as a secret written in plain text: a secret-looking variable name with a literal
//! value, or a URL with a password in it. Shared by the spec checks (a spec holds no secret
//! values) and the `plaintext-secret` rule, so both refuse the same things. The diff's masking
//! is deliberately broader (it hides anything that might be secret) and lives in `diff::mask`.

/// Words that mark a variable name as holding a secret.
const SECRET_WORDS: &[&str] = &[
    "PASSWORD",
    "PASSWD",
    "SECRET",
    "TOKEN",
    "API_KEY",
    "APIKEY",
    "PRIVATE_KEY",
    "ACCESS_KEY",
    "CREDENTIAL",
];

/// Whether a variable or key name looks like it holds a secret (`DB_PASSWORD`, `jwtSecret`,
/// `OPENAI_API_KEY`), and not like a reference to one (`PASSWORD_FILE`, `SECRET_NAME`).
pub fn is_secret_name(name: &str) -> bool {
    let upper = name.to_ascii_uppercase().replace(['-', '.'], "_");
    let reference = ["_FILE", "_PATH", "_NAME", "_REF"]
        .iter()
        .any(|s| upper.ends_with(s));
    !reference && SECRET_WORDS.iter().any(|w| upper.contains(w))
}

/// Whether a value holds a URL with a password (`scheme://user:pass@host`); a password that is
/// a `${VARIABLE}` reference does not count.
pub fn url_with_password(value: &str) -> bool {
    let Some((_, rest)) = value.split_once("://") else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    match authority.rsplit_once('@') {
        Some((userinfo, _)) => userinfo
            .split_once(':')
            .is_some_and(|(_, pass)| !pass.is_empty() && !is_reference(pass)),
        None => false,
    }
}

/// Whether a value is a reference to somewhere else (`${VAR}`, `$(VAR)`), not a literal.
pub fn is_reference(value: &str) -> bool {
    let v = value.trim();
    (v.starts_with("${") && v.ends_with('}')) || (v.starts_with("$(") && v.ends_with(')'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        for k in [
            "DB_PASSWORD",
            "JWT_SECRET",
            "apiToken",
            "OPENAI_API_KEY",
            "jwtSecret",
            "jwt_secret_key",
        ] {
            assert!(is_secret_name(k), "{k}");
        }
        for k in [
            "LOG_LEVEL",
            "PORT",
            "KEYCLOAK_URL",
            "PASSWORD_FILE",
            "SECRET_NAME",
        ] {
            assert!(!is_secret_name(k), "{k}");
        }
    }

    #[test]
    fn urls() {
        assert!(url_with_password("postgresql://user:pass@db:5432/x"));
        assert!(url_with_password("redis://:password@redis:6379"));
        assert!(!url_with_password("redis://redis:6379/0"));
        assert!(!url_with_password("http://user@host"));
        assert!(!url_with_password("postgres://user:${DB_PASSWORD}@db/x"));
    }
}
