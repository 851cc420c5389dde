//! Text values whose length is counted in characters, never bytes.

use crate::FieldError;
use serde::{Deserialize, Serialize};

/// Number of characters (Unicode scalar values) in `s`: 认可 is 2, not 6.
pub fn char_len(s: &str) -> usize {
    s.chars().count()
}

/// 字数 as a reader of a notice counts it (as word processors' 字数统计 do): each Chinese
/// character, full-width punctuation mark or other non-ASCII character counts one; a run
/// of ASCII letters, digits and signs without spaces (a word, a number such as 2022,
/// a web address) counts one; spaces and line breaks count nothing. "走访企业12家。" is 7.
pub fn reading_len(s: &str) -> usize {
    let mut n = 0;
    let mut in_ascii_run = false;
    for c in s.chars() {
        if c.is_ascii_graphic() {
            if !in_ascii_run {
                n += 1;
                in_ascii_run = true;
            }
        } else {
            in_ascii_run = false;
            if !c.is_ascii() && !c.is_whitespace() {
                n += 1;
            }
        }
    }
    n
}

/// A required, trimmed single-line text of at most `max` characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Line(String);

impl Line {
    /// Trims `raw`; refuses empty text (`required`), line breaks (`single_line`) and text
    /// longer than `max` characters (`too_long`, with `max` and `actual`).
    pub fn parse(field: &str, raw: &str, max: usize) -> Result<Self, FieldError> {
        let s = raw.trim();
        if s.is_empty() {
            return Err(FieldError::new(field, "required"));
        }
        if s.contains(['\n', '\r']) {
            return Err(FieldError::new(field, "single_line"));
        }
        let n = char_len(s);
        if n > max {
            return Err(FieldError::new(field, "too_long")
                .with("max", max)
                .with("actual", n));
        }
        Ok(Self(s.to_owned()))
    }

    /// Like [`Line::parse`] but empty input gives `None`.
    pub fn parse_opt(field: &str, raw: &str, max: usize) -> Result<Option<Self>, FieldError> {
        if raw.trim().is_empty() {
            Ok(None)
        } else {
            Self::parse(field, raw, max).map(Some)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
    pub fn into_inner(self) -> String {
        self.0
    }
}

impl AsRef<str> for Line {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Line {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_characters_not_bytes() {
        assert_eq!(char_len("传递质量信任"), 6);
        assert!(Line::parse("title", "传递质量信任", 6).is_ok());
        let e = Line::parse("title", "传递质量信任服", 6).unwrap_err();
        assert_eq!(e.code, "too_long");
        assert_eq!(e.param("actual"), Some("7"));
    }

    #[test]
    fn refuses_blank_and_multiline() {
        assert_eq!(Line::parse("name", "  ", 10).unwrap_err().code, "required");
        assert_eq!(
            Line::parse("name", "a\nb", 10).unwrap_err().code,
            "single_line"
        );
        assert_eq!(Line::parse_opt("name", " ", 10).unwrap(), None);
    }
}
