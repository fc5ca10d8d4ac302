//! Validation of what people type: names, e-mail addresses, passwords. Each problem is a
//! [`Problem`] with a stable key, so the interface can say it in the user's language.

use serde::Serialize;

/// What is wrong with one field. `key` names a message in the locale files.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub field: &'static str,
    pub key: &'static str,
    /// A number the message may mention (a maximum length, a minimum).
    pub limit: Option<usize>,
}

impl Problem {
    pub fn new(field: &'static str, key: &'static str) -> Self {
        Problem {
            field,
            key,
            limit: None,
        }
    }
    pub fn with_limit(field: &'static str, key: &'static str, limit: usize) -> Self {
        Problem {
            field,
            key,
            limit: Some(limit),
        }
    }
}

pub const MAX_NAME: usize = 120;
pub const MIN_PASSWORD: usize = 10;
pub const MAX_PASSWORD: usize = 200;

/// A name of a network, organisation, location, ward, person or token: trimmed, not empty, not
/// too long, no control characters.
pub fn name(field: &'static str, raw: &str) -> Result<String, Problem> {
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return Err(Problem::new(field, "error-empty"));
    }
    if trimmed.chars().count() > MAX_NAME {
        return Err(Problem::with_limit(field, "error-too-long", MAX_NAME));
    }
    if trimmed.chars().any(char::is_control) {
        return Err(Problem::new(field, "error-control-chars"));
    }
    Ok(trimmed.to_string())
}

/// Free text such as a description: may be empty, limited in length.
pub fn text(field: &'static str, raw: &str, max: usize) -> Result<String, Problem> {
    let trimmed = raw.trim();
    if trimmed.chars().count() > max {
        return Err(Problem::with_limit(field, "error-too-long", max));
    }
    Ok(trimmed.to_string())
}

/// An e-mail address, lower-cased. Deliberately simple: one @, something on both sides, a dot in
/// the domain, no spaces.
pub fn email(field: &'static str, raw: &str) -> Result<String, Problem> {
    let e = raw.trim().to_lowercase();
    if e.is_empty() {
        return Err(Problem::new(field, "error-empty"));
    }
    let ok = e.len() <= 254
        && !e.chars().any(|c| c.is_whitespace() || c.is_control())
        && matches!(e.split_once('@'), Some((local, domain))
            if !local.is_empty() && !domain.contains('@') && domain.contains('.')
                && !domain.starts_with('.') && !domain.ends_with('.'));
    if ok {
        Ok(e)
    } else {
        Err(Problem::new(field, "error-email"))
    }
}

/// A new password: long enough to resist guessing, short enough to hash quickly.
pub fn new_password(field: &'static str, raw: &str) -> Result<String, Problem> {
    let n = raw.chars().count();
    if n < MIN_PASSWORD {
        return Err(Problem::with_limit(
            field,
            "error-password-short",
            MIN_PASSWORD,
        ));
    }
    if n > MAX_PASSWORD {
        return Err(Problem::with_limit(field, "error-too-long", MAX_PASSWORD));
    }
    Ok(raw.to_string())
}

/// A whole number within bounds, from text.
pub fn number_in(field: &'static str, raw: &str, min: i64, max: i64) -> Result<i64, Problem> {
    match raw.trim().parse::<i64>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        Ok(_) => Err(Problem::with_limit(
            field,
            "error-out-of-range",
            max as usize,
        )),
        Err(_) => Err(Problem::new(field, "error-not-a-number")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(name("name", "  De Linde ").unwrap(), "De Linde");
        assert_eq!(name("name", "   ").unwrap_err().key, "error-empty");
        assert_eq!(
            name("name", &"x".repeat(121)).unwrap_err().key,
            "error-too-long"
        );
        assert_eq!(
            name("name", "a\u{0}b").unwrap_err().key,
            "error-control-chars"
        );
    }

    #[test]
    fn emails_are_checked_and_lowercased() {
        assert_eq!(
            email("email", " Anna@Example.NL ").unwrap(),
            "anna@example.nl"
        );
        for bad in [
            "", "anna", "anna@", "@x.nl", "a b@x.nl", "a@x", "a@@x.nl", "a@.nl",
        ] {
            assert!(email("email", bad).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn passwords_need_ten_characters() {
        assert_eq!(
            new_password("password", "kort").unwrap_err().key,
            "error-password-short"
        );
        assert!(new_password("password", "lang genoeg!").is_ok());
    }

    #[test]
    fn numbers_must_be_in_range() {
        assert_eq!(number_in("n", "5", 2, 50).unwrap(), 5);
        assert_eq!(
            number_in("n", "1", 2, 50).unwrap_err().key,
            "error-out-of-range"
        );
        assert_eq!(
            number_in("n", "vijf", 2, 50).unwrap_err().key,
            "error-not-a-number"
        );
    }
}
