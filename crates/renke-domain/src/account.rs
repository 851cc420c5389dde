//! Account values: login names, passwords, display names.

use crate::FieldError;
use crate::text::char_len;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A login name: 3–64 characters of ASCII letters, digits and `.`, `_`, `-`, `@`.
/// Stored lower-case, so `GD.Organiser` and `gd.organiser` are the same account.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Login(String);

impl Login {
    pub fn parse(field: &str, raw: &str) -> Result<Self, FieldError> {
        let s = raw.trim().to_ascii_lowercase();
        if s.is_empty() {
            return Err(FieldError::new(field, "required"));
        }
        if !s
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'))
        {
            return Err(FieldError::new(field, "invalid_login"));
        }
        let n = s.chars().count();
        if !(3..=64).contains(&n) {
            return Err(FieldError::new(field, "length_out_of_range")
                .with("min", 3)
                .with("max", 64)
                .with("actual", n));
        }
        Ok(Self(s))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Login {
    type Error = FieldError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse("login", &s)
    }
}
impl From<Login> for String {
    fn from(l: Login) -> String {
        l.0
    }
}
impl fmt::Display for Login {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A new password as chosen by a person: 8–128 characters, not only digits.
/// Its `Debug` never shows the secret.
#[derive(Clone, PartialEq, Eq)]
pub struct NewPassword(String);

impl NewPassword {
    pub const MIN: usize = 8;

    pub fn parse(field: &str, raw: &str) -> Result<Self, FieldError> {
        let n = char_len(raw);
        if n < Self::MIN {
            return Err(FieldError::new(field, "password_too_short")
                .with("min", Self::MIN)
                .with("actual", n));
        }
        if n > 128 {
            return Err(FieldError::new(field, "too_long")
                .with("max", 128)
                .with("actual", n));
        }
        if raw.chars().all(|c| c.is_ascii_digit()) {
            return Err(FieldError::new(field, "password_only_digits"));
        }
        Ok(Self(raw.to_owned()))
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NewPassword(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logins() {
        assert_eq!(
            Login::parse("login", " GD.Organiser ").unwrap().as_str(),
            "gd.organiser"
        );
        assert_eq!(
            Login::parse("login", "ab").unwrap_err().code,
            "length_out_of_range"
        );
        assert_eq!(
            Login::parse("login", "张三").unwrap_err().code,
            "invalid_login"
        );
    }

    #[test]
    fn passwords() {
        assert_eq!(
            NewPassword::parse("password", "short").unwrap_err().code,
            "password_too_short"
        );
        assert_eq!(
            NewPassword::parse("password", "12345678").unwrap_err().code,
            "password_only_digits"
        );
        let p = NewPassword::parse("password", "renke-2022").unwrap();
        assert_eq!(format!("{p:?}"), "NewPassword(***)");
    }
}
