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

/// A person's own telephone number, as a registrant gives it: a mainland mobile
/// (`138 0013 8000`, `+86 138…`), a mainland landline with its area code (`020-38835672`,
/// `(010) 8226 2745`, `+86 10 8226 2745`, an extension after 转, 分机 or `#`), or a Hong Kong
/// or Macau number with its country code (`+852 2123 4567`, `+853 2812 3456`). Spaces,
/// `-`, `.` and brackets (half or full width) are ignored. Returns the number as typed and
/// its canonical digits (mobile `13800138000`, landline `02038835672`, extension after `#`,
/// Hong Kong `85221234567`, Macau `85328123456`), which compare equal however it was
/// written. Code `invalid_phone_number`; empty input gives `None`.
pub fn parse_personal_phone(field: &str, raw: &str) -> Result<Option<(Line, String)>, FieldError> {
    let Some(line) = Line::parse_opt(field, raw, PHONE_MAX)? else {
        return Ok(None);
    };
    match phone_key(line.as_str()) {
        Some(key) => Ok(Some((line, key))),
        None => Err(FieldError::new(field, "invalid_phone_number").with("value", line.as_str())),
    }
}

fn phone_key(v: &str) -> Option<String> {
    let v = v.replace("分机", "#").replace(['转', '＃'], "#");
    let (main, ext) = match v.split_once('#') {
        Some((m, e)) => (m.to_owned(), Some(e.trim().to_owned())),
        None => (v.clone(), None),
    };
    if let Some(e) = &ext
        && (e.is_empty() || e.len() > 6 || !e.chars().all(|c| c.is_ascii_digit()))
    {
        return None;
    }
    let plus = main.trim_start().starts_with('+') || main.trim_start().starts_with("00");
    if !main
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '-' | '.' | '+' | '(' | ')' | '（' | '）'))
        || main
            .chars()
            .skip_while(|c| c.is_whitespace())
            .skip(1)
            .any(|c| c == '+')
    {
        return None;
    }
    let digits: String = main.chars().filter(char::is_ascii_digit).collect();
    let digits = digits
        .strip_prefix("00")
        .filter(|_| plus)
        .unwrap_or(&digits)
        .to_owned();
    let mobile =
        |d: &str| d.len() == 11 && d.starts_with('1') && matches!(d.as_bytes()[1], b'3'..=b'9');
    // An area code and a local number, without the trunk 0: 10 or 2x and eight digits, or a
    // three-digit area from 3 to 9 and seven or eight digits; local numbers start 2–9.
    let landline = |d: &str| {
        let b = d.as_bytes();
        let area = match b.first()? {
            b'1' if b.get(1) == Some(&b'0') => 2,
            b'2' => 2,
            b'3'..=b'9' => 3,
            _ => return None,
        };
        let local = &d[area.min(d.len())..];
        let ok = matches!(local.as_bytes().first(), Some(b'2'..=b'9'))
            && (local.len() == 8 || (area == 3 && local.len() == 7));
        ok.then(|| format!("0{d}"))
    };
    let key = if let Some(rest) = digits
        .strip_prefix("852")
        .filter(|_| plus || digits.len() == 11)
    {
        (rest.len() == 8 && matches!(rest.as_bytes()[0], b'2'..=b'9')).then(|| digits.clone())
    } else if let Some(rest) = digits
        .strip_prefix("853")
        .filter(|_| plus || digits.len() == 11)
    {
        (rest.len() == 8 && matches!(rest.as_bytes()[0], b'2' | b'6' | b'8'))
            .then(|| digits.clone())
    } else if let Some(rest) = digits.strip_prefix("86").filter(|r| plus || r.len() >= 11) {
        if mobile(rest) {
            Some(rest.to_owned())
        } else {
            landline(rest)
        }
    } else if plus {
        None
    } else if mobile(&digits) {
        Some(digits.clone())
    } else {
        digits.strip_prefix('0').and_then(landline)
    }?;
    if ext.is_some() && mobile(&key) {
        return None;
    }
    Some(match ext {
        Some(e) => format!("{key}#{e}"),
        None => key,
    })
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

    #[test]
    fn personal_phones() {
        for (typed, key) in [
            ("13800138000", "13800138000"),
            ("138 0013 8000", "13800138000"),
            ("138-0013-8000", "13800138000"),
            ("+86 138 0013 8000", "13800138000"),
            ("0086 13800138000", "13800138000"),
            ("8613800138000", "13800138000"),
            ("020-38835672", "02038835672"),
            ("（020）38835672", "02038835672"),
            ("(010) 8226 2745", "01082262745"),
            ("+86 10 8226 2745", "01082262745"),
            ("0757-2283456", "07572283456"),
            ("020-38835672转8001", "02038835672#8001"),
            ("021 64220000 分机 2838", "02164220000#2838"),
            ("+852 2123 4567", "85221234567"),
            ("852-9123-4567", "85291234567"),
            ("+853 2812 3456", "85328123456"),
            ("+853 6612 3456", "85366123456"),
        ] {
            let (line, k) = parse_personal_phone("phone", typed).unwrap().unwrap();
            assert_eq!((line.as_str(), k.as_str()), (typed, key), "{typed}");
        }
        for bad in [
            "1234567",         // seven digits: no area code
            "38835672",        // a local number without its area code
            "12345678901",     // 12 is no mobile prefix
            "1380013800",      // ten digits
            "138001380000",    // twelve
            "020-0883567",     // a local number starts 2–9
            "010-123456789",   // too long
            "+852 1234 5678",  // Hong Kong numbers start 2–9
            "+853 3123 4567",  // Macau numbers start 2, 6 or 8
            "+1 415 555 0100", // elsewhere
            "13800138000转12", // a mobile has no extension
            "020-38835672转",  // an empty extension
            "138+0013",
            "电话13800138000",
            "12315",
        ] {
            let e = parse_personal_phone("phone", bad).unwrap_err();
            assert_eq!(
                (e.field.as_str(), e.code),
                ("phone", "invalid_phone_number"),
                "{bad}"
            );
        }
        assert_eq!(parse_personal_phone("phone", " ").unwrap(), None);
    }
}
