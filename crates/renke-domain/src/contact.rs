//! Contact details (联系人、联系电话、电子邮箱) attached to organisations, notices, activities
//! and tasks.

use crate::FieldError;
use crate::text::Line;
use serde::{Deserialize, Serialize};

/// Longest accepted contact name, phone and e-mail, in characters.
pub const NAME_MAX: usize = 50;
pub const PHONE_MAX: usize = 50;
pub const EMAIL_MAX: usize = 254;

/// A contact person: every part optional, every present part validated.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Contact {
    pub name: Option<Line>,
    pub phone: Option<Line>,
    pub email: Option<Line>,
}

impl Contact {
    /// Whether no part is given.
    pub fn is_empty(&self) -> bool {
        self.name.is_none() && self.phone.is_none() && self.email.is_none()
    }
}

/// An optional e-mail address of the shape `local@domain.tld`. A full-width `＠`, as typed
/// with a Chinese input method, is read as `@`. Empty input gives `None`.
pub fn parse_email(field: &str, raw: &str) -> Result<Option<Line>, FieldError> {
    let s = raw.trim().replace('＠', "@");
    let Some(line) = Line::parse_opt(field, &s, EMAIL_MAX)? else {
        return Ok(None);
    };
    let v = line.as_str();
    let bad = || FieldError::new(field, "invalid_email").with("value", v);
    let (local, domain) = v.split_once('@').ok_or_else(bad)?;
    let ok = !local.is_empty()
        && !domain.contains('@')
        && !v.chars().any(|c| c.is_whitespace() || c.is_control())
        && !local.starts_with('.')
        && !local.ends_with('.')
        && domain.contains('.')
        && domain
            .split('.')
            .all(|l| !l.is_empty() && !l.starts_with('-') && !l.ends_with('-'))
        && domain
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '-'));
    if ok { Ok(Some(line)) } else { Err(bad()) }
}

/// An optional phone number such as `020-38835672`, `+86 (10) 8226 2745`,
/// `64220000转2838` or `64220000转2838或2823分机`: digits, spaces, `-`, `+`, parentheses
/// (half or full width), and the words 转, 分机, 或 and 、 between numbers. At least three
/// digits. Empty input gives `None`.
pub fn parse_phone(field: &str, raw: &str) -> Result<Option<Line>, FieldError> {
    let Some(line) = Line::parse_opt(field, raw, PHONE_MAX)? else {
        return Ok(None);
    };
    let v = line.as_str();
    let rest = v.replace("分机", "").replace(['转', '或', '、'], "");
    let chars_ok = rest
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '-' | '+' | '(' | ')' | '（' | '）'));
    let digits = v.chars().filter(char::is_ascii_digit).count();
    if chars_ok && digits >= 3 {
        Ok(Some(line))
    } else {
        Err(FieldError::new(field, "invalid_phone").with("value", v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        for ok in ["a@b.cn", "zhang.san@gd.gov.cn", "x-y@sub.example.org"] {
            assert!(parse_email("email", ok).unwrap().is_some(), "{ok}");
        }
        assert_eq!(
            parse_email("email", "li＠163.com")
                .unwrap()
                .unwrap()
                .as_str(),
            "li@163.com"
        );
        assert_eq!(parse_email("email", "  ").unwrap(), None);
        for bad in [
            "a", "a@b", "@b.cn", "a@b@c.cn", "a b@c.cn", "a@.cn", "a@b..cn", "a@b_c.cn",
        ] {
            let e = parse_email("email", bad).unwrap_err();
            assert_eq!(e.code, "invalid_email", "{bad}");
            assert_eq!(e.field, "email");
        }
    }

    #[test]
    fn phones() {
        for ok in [
            "020-38835672",
            "+86 (10) 8226 2745",
            "64220000转2838",
            "64220000转2838或2823分机",
            "（021）64220000",
            "12315",
        ] {
            assert!(parse_phone("phone", ok).unwrap().is_some(), "{ok}");
        }
        for bad in ["abc", "12", "020-3883567x", "电话020", "分"] {
            assert_eq!(
                parse_phone("phone", bad).unwrap_err().code,
                "invalid_phone",
                "{bad}"
            );
        }
        assert_eq!(parse_phone("phone", "").unwrap(), None);
    }
}
